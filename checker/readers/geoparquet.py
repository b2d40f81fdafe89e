"""GeoParquet (1.0/1.1): the ``geo`` file metadata names the geometry column and its CRS.

Only WKB-encoded geometry columns are read (the encoding every GeoParquet writer defaults to).
A missing ``crs`` means OGC:CRS84; an explicit ``null`` means "unknown", treated like a file
without CRS (projected-looking coordinates then give ME904).
"""

from __future__ import annotations

import io
import json
from typing import Any

from checker.readers import _crs
from checker.readers.base import ReaderError, Source, VectorEvidence, VectorFeature, VectorLayer
from checker.readers.geojson import default_layer_name, label


def _geo_metadata(schema_metadata: dict[bytes, bytes] | None) -> dict[str, Any]:
    raw = (schema_metadata or {}).get(b"geo")
    if raw is None:
        raise ReaderError("ME902", "Parquet file without 'geo' metadata: not GeoParquet")
    try:
        geo = json.loads(raw)
    except ValueError as exc:
        raise ReaderError("ME901", f"GeoParquet 'geo' metadata is not valid JSON: {exc}") from None
    if not isinstance(geo, dict) or not isinstance(geo.get("columns"), dict):
        raise ReaderError("ME901", "GeoParquet 'geo' metadata has no 'columns' object")
    return geo


def _crs_text(column_meta: dict[str, Any]) -> str | None:
    if "crs" not in column_meta:
        return "OGC:CRS84"  # the GeoParquet default
    crs = column_meta["crs"]
    if crs is None:
        return None
    if isinstance(crs, dict):
        return _crs.describe(json.dumps(crs))
    if isinstance(crs, str):
        return _crs.describe(crs)
    raise ReaderError("ME901", f"GeoParquet column CRS is neither PROJJSON nor text: {crs!r:.60}")


def read_geoparquet(source: Source) -> VectorEvidence:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    try:
        if source.data is not None:
            pf = pq.ParquetFile(io.BytesIO(source.data))
        else:
            assert source.path is not None
            pf = pq.ParquetFile(source.path)
        geo = _geo_metadata(pf.schema_arrow.metadata)
        primary = geo.get("primary_column") or next(iter(geo["columns"]))
        column_meta = geo["columns"].get(primary)
        if not isinstance(column_meta, dict):
            raise ReaderError("ME901", f"GeoParquet metadata does not describe column {primary!r}")
        encoding = str(column_meta.get("encoding", "WKB"))
        if encoding.upper() != "WKB":
            raise ReaderError(
                "ME902", f"GeoParquet geometry encoding {encoding!r} is not supported (only WKB)"
            )
        table = pf.read()
    except ReaderError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ReaderError("ME901", f"unreadable Parquet file: {exc}") from None
    if primary not in table.column_names:
        raise ReaderError("ME901", f"GeoParquet geometry column {primary!r} is missing")
    wkb = table.column(primary).to_numpy(zero_copy_only=False)
    try:
        geoms = list(shapely.from_wkb(wkb, on_invalid="raise"))
    except shapely.errors.GEOSException as exc:
        raise ReaderError("ME901", f"unreadable WKB in column {primary!r}: {exc}") from None
    # Other geometry columns stay as WKB bytes among the attributes.
    rows = table.drop_columns([primary]).to_pylist()
    crs = _crs_text(column_meta)
    labels = [label(i, None) for i in range(len(geoms))]
    notes: list[str] = []
    geoms = _crs.to_lonlat(geoms, crs, labels=labels, notes=notes)
    feats = [
        VectorFeature(index=i, geometry=g, properties=p, id=None)
        for i, (g, p) in enumerate(zip(geoms, rows, strict=True))
    ]
    return VectorEvidence(
        format="geoparquet",
        layers=[VectorLayer(default_layer_name(source), feats)],
        source_crs=crs,
        notes=notes,
    )
