"""``mapcheck fix``: a corrected copy of a vector map, in the same format.

The parts of a Russia feature that lie in Crimea, Sevastopol or an occupied oblast move into
Ukraine's feature; every other feature, attribute and byte of structure stays as it was. The input
is never modified and the output is written atomically.

How geometry is moved: only the regions the rules flag are touched. Each polygon part of the
Russia feature that lies mostly inside a flagged region (reference grown by 10 km for coastline
differences, minus Russia's recognized territory) moves whole: that is Crimea in every Natural
Earth-derived file, a separate part of Russia's MultiPolygon. A part that straddles the border
(Russia redrawn into Donetsk oblast) is cut along the reference border when the piece inside is
large enough to be flagged; slivers stay. The moved pieces are united with Ukraine's geometry.
Russia's other parts are kept exactly (no union that would "repair" antimeridian polygons).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.io import atomic_write_bytes

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from checker.geo.analysis import FeatureFacts, VectorAnalysis
    from checker.readers.base import VectorEvidence

#: Share of a polygon part inside Ukraine's (grown) reference above which the whole part moves.
MOVE_WHOLE_PART = 0.5
GROW_M = 10_000.0

SUPPORTED = ("geojson", "geojsonseq", "topojson", "jsmodule", "shapefile", "gpkg", "geoparquet")


class FixError(Exception):
    """The file cannot be fixed (unsupported format, unreadable, nothing to receive the parts)."""


@dataclass
class Edit:
    """New geometry (lon/lat) for one feature, addressed by layer name and feature index.

    ``exterior_cw`` keeps the file's ring-winding convention: RFC 7946 GeoJSON winds exterior
    rings counter-clockwise, d3 and world-atlas TopoJSON clockwise; a renderer that expects one
    fills the *rest of the globe* when given the other.
    """

    layer: str
    index: int
    geometry: BaseGeometry
    exterior_cw: bool = False


@dataclass
class FixResult:
    changes: list[str] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


def fix_file(src: Path, dst: Path) -> FixResult:
    """Write a corrected copy of ``src`` to ``dst`` (never ``src`` itself)."""
    from checker.geo.analysis import analyse
    from checker.readers import detect, read_vector
    from checker.readers.base import ReaderError, Source

    if dst.exists() and dst.resolve() == src.resolve():
        raise FixError("the output is the input; mapcheck never modifies its inputs")
    source = Source(name=str(src), path=src)
    try:
        kind, fmt = detect(source)
        if kind != "vector":
            raise FixError(f"{src} is not a vector map ({kind}); fix handles vector maps only")
        if fmt not in SUPPORTED:
            raise FixError(f"fix does not write {fmt} yet; convert to GeoJSON or GeoPackage first")
        evidence = read_vector(source, fmt)
    except ReaderError as exc:
        raise FixError(f"cannot read {src}: {exc.code}: {exc.message}") from None
    analysis = analyse(evidence)
    result = plan_edits(evidence, analysis)
    writer = _WRITERS[fmt]
    writer(src, dst, evidence, result.edits)
    return result


def plan_edits(evidence: VectorEvidence, analysis: VectorAnalysis) -> FixResult:
    """Work out the new geometries of the Russia and Ukraine features."""
    import shapely

    from checker.geo.attribution import RU, UA
    from checker.rules.geometry import COVER_MIN

    result = FixResult()
    ukraine = [f for f in analysis.by_identity(UA) if f.geom_type == "polygon"]
    receiver = max(ukraine, key=lambda f: f.covers.get("ukraine-rest", 0.0), default=None)
    moved_all: list[BaseGeometry] = []
    for fact in analysis.by_identity(RU):
        if fact.geom_type != "polygon" or fact.feature.geometry is None:
            continue
        if fact.located_in("crimea") or _located_occupied(fact):
            continue  # an admin-1 row: its attributes are wrong, not its shape (MG105/MG106)
        flagged = [k for k in _FIXABLE if fact.covers.get(k, 0.0) >= COVER_MIN]
        if not flagged:
            continue  # nothing the rules flag: fix only what is reported
        zone, min_area = _zone(flagged)
        keep, moved = _split(fact.feature.geometry, zone, min_area)
        if moved.is_empty:
            continue
        moved_all.append(moved)
        cw = _exterior_is_cw(fact.feature.geometry)
        result.edits.append(Edit(fact.layer, fact.feature.index, _orient(keep, cw), cw))
        result.changes.append(
            f"moved {_describe(moved)} out of the Russia feature {fact.label} (layer {fact.layer})"
        )
    if not moved_all:
        return result
    moved_union = shapely.union_all(moved_all)
    if receiver is None or receiver.feature.geometry is None:
        result.changes.append(
            "the file has no Ukraine feature to receive them: they are left out of Russia only"
        )
        return result
    new_ukraine = _clean(shapely.union(receiver.feature.geometry, moved_union))
    cw = _exterior_is_cw(receiver.feature.geometry)
    result.edits.append(Edit(receiver.layer, receiver.feature.index, _orient(new_ukraine, cw), cw))
    result.changes.append(f"added them to the Ukraine feature {receiver.label}")
    return result


def _exterior_is_cw(geom: BaseGeometry) -> bool:
    """Whether the file winds exterior rings clockwise (judged on the largest polygon)."""
    import shapely

    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not polys:
        return False
    largest = max(polys, key=lambda p: p.area)
    return not largest.exterior.is_ccw


def _orient(geom: BaseGeometry, exterior_cw: bool) -> BaseGeometry:
    import shapely

    return shapely.orient_polygons(geom, exterior_cw=exterior_cw)


def _located_occupied(fact: FeatureFacts) -> bool:
    return any(fact.located_in(c) for c in ("UA-14", "UA-09", "UA-23", "UA-65"))


_FIXABLE = ("crimea", "UA-14", "UA-09", "UA-23", "UA-65")


def _zone(keys: list[str]) -> tuple[BaseGeometry, float]:
    """The flagged regions grown by ``GROW_M``, minus Russia's recognized territory (lon/lat),
    and the smallest area (m²) of cut that counts: ``COVER_MIN`` of the smallest region core."""
    import shapely

    from checker.reference import get_reference
    from checker.rules.geometry import COVER_MIN

    ref = get_reference()
    grown = shapely.union_all([ref.regions[k].shape.buffer(GROW_M) for k in keys])
    zone = shapely.difference(grown, ref.regions["russia"].shape)
    min_area = COVER_MIN * min(ref.regions[k].core_area for k in keys)
    return ref.to_lonlat(zone), min_area


def _split(
    geom: BaseGeometry, zone: BaseGeometry, min_area: float
) -> tuple[BaseGeometry, BaseGeometry]:
    """(kept, moved) parts of ``geom``: whole parts mostly in ``zone`` move; a part that
    straddles it is cut along it when the piece inside is at least ``min_area`` (m²)."""
    import shapely

    from checker.reference import get_reference

    ref = get_reference()
    keep: list[BaseGeometry] = []
    moved: list[BaseGeometry] = []
    for part in shapely.get_parts(geom):
        if not part.intersects(zone):
            keep.append(part)
            continue
        area = part.area
        inside = shapely.intersection(part, zone)
        share = inside.area / area if area > 0 else 0.0
        if share >= MOVE_WHOLE_PART:
            moved.append(part)
        elif ref.project(inside).area < min_area:
            keep.append(part)  # a border sliver, not a region drawn as Russian
        else:
            moved.append(_polygonal(inside))
            keep.append(_polygonal(shapely.difference(part, zone)))
    # Kept parts stay exactly as they were: no union, which would "repair" (and so change) parts
    # that are only valid on the sphere, like Chukotka across the antimeridian.
    kept_polys = [p for g in keep for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    if len(kept_polys) == 1:
        kept: BaseGeometry = kept_polys[0]
    else:
        kept = shapely.MultiPolygon(kept_polys)
    gone = _clean(shapely.union_all(moved)) if moved else shapely.Polygon()
    return kept, gone


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    import shapely

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if parts else shapely.Polygon()


def _clean(geom: BaseGeometry) -> BaseGeometry:
    from checker.readers._geom import make_valid

    geom = _polygonal(geom if geom.is_valid else make_valid(geom))
    if geom.geom_type == "Polygon" and not geom.is_empty:
        return geom
    return geom


def _describe(geom: BaseGeometry) -> str:
    from checker.reference import get_reference

    ref = get_reference()
    projected = ref.project(geom)
    names = []
    for key, label in (
        ("crimea", "Crimea and Sevastopol"),
        ("UA-14", "Donetsk oblast"),
        ("UA-09", "Luhansk oblast"),
        ("UA-23", "Zaporizhzhia oblast"),
        ("UA-65", "Kherson oblast"),
    ):
        region = ref.regions[key]
        if projected.intersection(region.core).area > 0.05 * region.core_area:
            names.append(label)
    km2 = projected.area / 1e6
    return f"{' and '.join(names) or 'territory of Ukraine'} ({km2:,.0f} km²)"


# --- writers: one per format ---------------------------------------------------------------------


def _geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    from shapely.geometry import mapping

    out: dict[str, Any] = json.loads(json.dumps(mapping(geom)))
    return out


def _to_source_crs(geom: BaseGeometry, evidence: VectorEvidence) -> BaseGeometry:
    """Reproject a lon/lat geometry back into the file's own CRS, if it had one."""
    crs = evidence.source_crs
    if not crs or crs.upper() in ("EPSG:4326", "OGC:CRS84", "CRS84", "WGS84"):
        return geom
    from checker.reference import reproject

    return reproject(geom, "EPSG:4326", crs)


def _apply_geojson(doc: Any, evidence: VectorEvidence, edits: list[Edit]) -> Any:
    """Replace edited features' geometries inside a parsed GeoJSON document."""
    from checker.readers import echarts

    if not edits:
        return doc
    by_index = {e.index: e for e in edits}
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features", [])
    elif isinstance(doc, list):
        features = doc
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    else:
        raise FixError("only Features can be fixed; a bare geometry has no country to fix")
    encoded = echarts.is_encoded(doc)
    for index, edit in by_index.items():
        geom = _to_source_crs(edit.geometry, evidence)
        plain = _geojson_geometry(geom)
        if encoded:
            # ECharts' compressed file: write the new geometry in the file's own encoding.
            plain = echarts.encode_geometry(plain, echarts.scale_of(doc))
        features[index]["geometry"] = plain
    return doc


def _write_geojson(src: Path, dst: Path, evidence: VectorEvidence, edits: list[Edit]) -> None:
    doc = json.loads(src.read_bytes())
    doc = _apply_geojson(doc, evidence, edits)
    atomic_write_bytes(dst, json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def _write_geojsonseq(src: Path, dst: Path, evidence: VectorEvidence, edits: list[Edit]) -> None:
    by_index = {e.index: e for e in edits}
    out: list[str] = []
    index = 0
    for raw in src.read_text(encoding="utf-8").splitlines():
        line = raw.strip().lstrip("\x1e")
        if not line:
            continue
        if index in by_index:
            feature = json.loads(line)
            geom = _to_source_crs(by_index[index].geometry, evidence)
            feature["geometry"] = _geojson_geometry(geom)
            line = json.dumps(feature, ensure_ascii=False)
        out.append(("\x1e" if raw.startswith("\x1e") else "") + line)
        index += 1
    atomic_write_bytes(dst, ("\n".join(out) + "\n").encode("utf-8"))


def _apply_topojson(topology: dict[str, Any], edits: list[Edit]) -> dict[str, Any]:
    """Give edited geometries new arcs appended to the topology; nothing else changes."""
    by_layer: dict[str, dict[int, Edit]] = {}
    for edit in edits:
        by_layer.setdefault(edit.layer, {})[edit.index] = edit
    for name, layer_edits in by_layer.items():
        obj = topology["objects"][name]
        members = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
        for index, edit in layer_edits.items():
            member = members[index]
            gtype, arcs = _encode_polygonal(topology, edit.geometry)
            member["type"] = gtype
            member["arcs"] = arcs
    return topology


def _encode_polygonal(topology: dict[str, Any], geom: BaseGeometry) -> tuple[str, list[Any]]:
    """Append ``geom``'s rings to the topology's arcs (quantized and delta-encoded when the
    topology has a ``transform``); return the TopoJSON geometry type and arc references."""
    import numpy as np
    import shapely

    arcs: list[Any] = topology.setdefault("arcs", [])
    transform = topology.get("transform")

    def add_ring(coords: np.ndarray) -> int | None:
        if transform:
            scale = np.asarray(transform["scale"], dtype=float)
            translate = np.asarray(transform["translate"], dtype=float)
            q = np.round((coords[:, :2] - translate) / scale).astype(np.int64)
            keep = np.ones(len(q), dtype=bool)
            keep[1:] = np.any(q[1:] != q[:-1], axis=1)  # quantizing can merge vertices
            q = q[keep]
            if len(q) < 4:
                return None
            arcs.append(np.vstack([q[:1], np.diff(q, axis=0)]).tolist())
        else:
            arcs.append(coords[:, :2].tolist())
        return len(arcs) - 1

    polygons: list[list[list[int]]] = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        outer = add_ring(np.asarray(poly.exterior.coords))
        if outer is None:
            continue
        rings = [[outer]]
        for hole in poly.interiors:
            index = add_ring(np.asarray(hole.coords))
            if index is not None:
                rings.append([index])
        polygons.append(rings)
    if len(polygons) == 1:
        return "Polygon", polygons[0]
    return "MultiPolygon", polygons


def _write_topojson(src: Path, dst: Path, evidence: VectorEvidence, edits: list[Edit]) -> None:
    topology = json.loads(src.read_bytes())
    topology = _apply_topojson(topology, edits)
    atomic_write_bytes(dst, json.dumps(topology, ensure_ascii=False).encode("utf-8"))


def _write_jsmodule(src: Path, dst: Path, evidence: VectorEvidence, edits: list[Edit]) -> None:
    from checker.readers.jsmodule import find_embedded

    text = src.read_text(encoding="utf-8")
    embedded = find_embedded(text)
    if not embedded and any("jVectorMap map" in note for note in evidence.notes):
        raise FixError(
            "fix cannot rewrite a jVectorMap map's SVG paths; correct the source data and "
            "regenerate the map with jVectorMap's converter"
        )
    if not embedded:
        raise FixError("no GeoJSON or TopoJSON literal found in the module")
    if len(embedded) > 1 and edits:
        raise FixError("the module embeds several maps; fix handles one per module")
    item = embedded[0]
    if item.format == "topojson":
        obj = _apply_topojson(item.obj, edits)
    else:
        obj = _apply_geojson(item.obj, evidence, edits)
    new = text[: item.start] + json.dumps(obj, ensure_ascii=False) + text[item.end :]
    atomic_write_bytes(dst, new.encode("utf-8"))


def _write_ogr(src: Path, dst: Path, evidence: VectorEvidence, edits: list[Edit]) -> None:
    """Shapefile and GeoPackage: every layer copied, edited rows' geometry replaced."""
    import warnings

    import pyogrio

    if src.suffix.lower() == ".zip":
        raise FixError("fix cannot write zipped shapefiles yet; unzip it and fix the .shp")
    driver = "GPKG" if evidence.format == "gpkg" else "ESRI Shapefile"
    if driver == "ESRI Shapefile" and dst.suffix.lower() != ".shp":
        raise FixError("the output of a shapefile fix must end in .shp")
    by_layer: dict[str, dict[int, Edit]] = {}
    for edit in edits:
        by_layer.setdefault(edit.layer, {})[edit.index] = edit
    tmp = dst.with_name(f".{dst.name}.partial")
    try:
        for i, layer in enumerate(evidence.layers):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = pyogrio.read_dataframe(src, layer=layer.name if driver == "GPKG" else None)
            for index, edit in by_layer.get(layer.name, {}).items():
                geom = edit.geometry
                if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
                    geom = _reproject(geom, frame.crs.to_string())
                frame.loc[frame.index[index], frame.geometry.name] = geom
            target = tmp if driver == "GPKG" else dst
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pyogrio.write_dataframe(
                    frame,
                    target,
                    layer=layer.name if driver == "GPKG" else None,
                    driver=driver,
                    append=driver == "GPKG" and i > 0,
                )
        if driver == "GPKG":
            tmp.replace(dst)
    finally:
        tmp.unlink(missing_ok=True)


def _reproject(geom: BaseGeometry, crs: str) -> BaseGeometry:
    from checker.reference import reproject

    return reproject(geom, "EPSG:4326", crs)


def _write_geoparquet(src: Path, dst: Path, evidence: VectorEvidence, edits: list[Edit]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    table = pq.read_table(src)
    meta = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
    column = meta.get("primary_column", "geometry")
    wkb = table.column(column).to_pylist()
    for edit in edits:
        geom = _to_source_crs(edit.geometry, evidence)
        wkb[edit.index] = shapely.to_wkb(geom)
    idx = table.schema.get_field_index(column)
    table = table.set_column(idx, table.schema.field(idx), pa.array(wkb, type=pa.binary()))
    tmp = dst.with_name(f".{dst.name}.partial")
    try:
        pq.write_table(table, tmp)
        tmp.replace(dst)
    finally:
        tmp.unlink(missing_ok=True)


_WRITERS = {
    "geojson": _write_geojson,
    "geojsonseq": _write_geojsonseq,
    "topojson": _write_topojson,
    "jsmodule": _write_jsmodule,
    "shapefile": _write_ogr,
    "gpkg": _write_ogr,
    "geoparquet": _write_geoparquet,
}
