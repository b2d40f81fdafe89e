"""GeoJSON (RFC 7946, plus the 2008 ``crs`` member) and GeoJSON text sequences (RFC 8142).

Accepted top levels: FeatureCollection, Feature, a bare geometry (including
GeometryCollection), and a JSON array of Features. Coordinates are reprojected to EPSG:4326
when a legacy ``crs`` member names another CRS, and converted from Highcharts map units when an
``hc-transform`` member is present.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from checker.readers import _crs, _jsonio, _numjson, echarts, highcharts
from checker.readers._geom import ANY_GEOMETRY_TYPES, GeometryBuilder
from checker.readers.base import ReaderError, Source, VectorEvidence, VectorFeature, VectorLayer

if TYPE_CHECKING:
    from checker.readers._numjson import LiftedStore

RECORD_SEPARATOR = b"\x1e"


def default_layer_name(source: Source) -> str:
    """The file's stem (``ua-all`` for ``ua-all.geo.json``), as GDAL names such layers."""
    if source.name in ("-", ""):
        return "stdin"
    name = PurePath(source.name).name
    for suffix in (".geo.json", ".geojson", ".json", ".geojsonl", ".geojsons", ".ndjson", ".js"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return PurePath(name).stem or name


def feature_id(value: Any) -> str | None:
    """A feature id as text: strings as they are, numbers without a spurious ``.0``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def label(index: int, fid: str | None, layer: str | None = None) -> str:
    """How messages name a feature: ``feature 12 (id 'UA') in layer 'countries'``."""
    text = f"feature {index}"
    if fid is not None:
        text += f" (id {fid!r})"
    if layer is not None:
        text += f" in layer {layer!r}"
    return text


def _features_of(obj: Any) -> list[Any]:
    if isinstance(obj, list):
        return obj
    if not isinstance(obj, dict):
        raise ReaderError(
            "ME901", f"GeoJSON must be an object or an array, not {type(obj).__name__}"
        )
    kind = obj.get("type")
    if kind == "FeatureCollection" or (kind is None and "features" in obj):
        features = obj.get("features")
        if features is None:
            return []
        if not isinstance(features, list):
            raise ReaderError("ME901", "the FeatureCollection's 'features' member is not an array")
        return features
    if kind == "Feature" or kind in ANY_GEOMETRY_TYPES:
        return [obj]
    raise ReaderError("ME901", f"not GeoJSON: top-level type is {kind!r:.40}")


def collect_features(
    features: list[Any], builder: GeometryBuilder, layer: str | None = None
) -> list[tuple[int, dict[str, Any], str | None, int]]:
    """Validate features and queue their geometries: (index, properties, id, slot) rows."""
    rows: list[tuple[int, dict[str, Any], str | None, int]] = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict):
            raise ReaderError("ME901", f"{label(i, None, layer)} is not a JSON object")
        kind = feat.get("type")
        if kind in ANY_GEOMETRY_TYPES:
            # A bare geometry where a feature was expected: a feature with no attributes.
            rows.append((i, {}, None, builder.add(feat, label(i, None, layer))))
            continue
        if kind != "Feature" and "geometry" not in feat:
            raise ReaderError(
                "ME901", f"{label(i, None, layer)} has type {kind!r:.40}, not 'Feature'"
            )
        fid = feature_id(feat.get("id"))
        props = feat.get("properties")
        if props is None:
            props = {}
        elif not isinstance(props, dict):
            raise ReaderError("ME901", f"{label(i, fid, layer)}: 'properties' is not an object")
        rows.append((i, props, fid, builder.add(feat.get("geometry"), label(i, fid, layer))))
    return rows


def finish(
    geoms: list[Any],
    *,
    container: Any,
    labels: list[str],
    notes: list[str],
    hint: list[Any] | None = None,
) -> tuple[list[Any], str | None]:
    """Bring built geometries to lon/lat using the container's ``hc-transform`` or ``crs``."""
    hc = container.get(highcharts.KEY) if isinstance(container, dict) else None
    if hc is not None and highcharts.looks_like_map_units(geoms):
        geoms, hc_crs = highcharts.apply(geoms, hc, notes, labels)
        _crs.check_lonlat(_as_array(geoms), declared_crs=hc_crs, labels=labels)
        return geoms, hc_crs
    crs: str | None = None
    if hc is not None:
        # Coordinates already in lon/lat: Highcharts' own `crs` member (often a bogus
        # "EPSG:102004") describes the map units, not these numbers, so it is ignored too.
        notes.append("hc-transform ignored: coordinates are already longitude/latitude")
    elif isinstance(container, dict) and container.get("crs") is not None:
        crs = _crs.crs_from_geojson_member(container["crs"])
    return _crs.to_lonlat(geoms, crs, labels=labels, notes=notes, hint=hint), crs


def _as_array(geoms: list[Any]) -> Any:
    import numpy as np

    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    return arr


def evidence_from_object(
    obj: Any,
    *,
    layer_name: str,
    fmt: str = "geojson",
    notes: list[str] | None = None,
    store: LiftedStore | None = None,
) -> VectorEvidence:
    """VectorEvidence for a parsed GeoJSON object (also used by the JS-module reader).

    ``store`` holds coordinate arrays lifted out by :func:`_numjson.parse_map_json`.
    """
    notes = [] if notes is None else notes
    if isinstance(obj, dict) and obj.get("type") == "Topology":
        from checker.readers import topojson

        notes.append("the content is TopoJSON, read as such")
        return topojson.evidence_from_topology(obj, fmt=fmt, notes=notes, store=store)
    if echarts.is_encoded(obj):
        echarts.decode(obj, notes, store)
    features = _features_of(obj)
    if isinstance(obj, dict) and isinstance(obj.get("name"), str) and obj["name"].strip():
        layer_name = obj["name"]
    builder = GeometryBuilder(store, notes)
    rows = collect_features(features, builder)
    built = builder.build()
    if store is not None:
        for _, props, _, _ in rows:
            store.restore(props)
    geoms = [built[slot] for _, _, _, slot in rows]
    labels = [label(i, fid) for i, _, fid, _ in rows]
    geoms, crs = finish(geoms, container=obj, labels=labels, notes=notes, hint=builder.coord_arrays)
    feats = [
        VectorFeature(index=i, geometry=g, properties=props, id=fid)
        for (i, props, fid, _), g in zip(rows, geoms, strict=True)
    ]
    return VectorEvidence(
        format=fmt, layers=[VectorLayer(layer_name, feats)], source_crs=crs, notes=notes
    )


def read_geojson(source: Source) -> VectorEvidence:
    """Read a GeoJSON file (any of the accepted top levels)."""
    data = source.read_bytes()
    with _jsonio.gc_paused():
        obj, store = _numjson.parse_map_json(data)
        return evidence_from_object(obj, layer_name=default_layer_name(source), store=store)


def read_geojsonseq(source: Source) -> VectorEvidence:
    """Read a GeoJSON text sequence: RS-separated (RFC 8142) or one JSON text per line."""
    data = source.read_bytes()
    text = _jsonio.decode_text(data)
    separator = "\x1e" if "\x1e" in text else "\n"
    features: list[Any] = []
    crs_container: dict[str, Any] = {}
    line = 1
    for record in text.split(separator):
        start_line = line
        line += record.count("\n") + (1 if separator == "\n" else 0)
        if not record.strip():
            continue
        obj = _jsonio.loads(record, context=f" in the record starting on line {start_line}")
        if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
            if "crs" in obj:
                crs_container["crs"] = obj["crs"]
            features.extend(_features_of(obj))
        elif isinstance(obj, dict):
            features.append(obj)
        else:
            raise ReaderError(
                "ME901", f"the record starting on line {start_line} is not a GeoJSON object"
            )
    builder = GeometryBuilder()
    rows = collect_features(features, builder)
    built = builder.build()
    geoms = [built[slot] for _, _, _, slot in rows]
    labels = [label(i, fid) for i, _, fid, _ in rows]
    notes: list[str] = []
    geoms, crs = finish(geoms, container=crs_container, labels=labels, notes=notes)
    feats = [
        VectorFeature(index=i, geometry=g, properties=props, id=fid)
        for (i, props, fid, _), g in zip(rows, geoms, strict=True)
    ]
    return VectorEvidence(
        format="geojsonseq",
        layers=[VectorLayer(default_layer_name(source), feats)],
        source_crs=crs,
        notes=notes,
    )
