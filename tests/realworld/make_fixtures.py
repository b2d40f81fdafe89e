"""Build the fixtures in ``tests/realworld/fixtures/``: real-world *structures* around our own
reference geometry (``reference_boundaries/``, Natural Earth 5.1.1, public domain).

Each fixture reproduces how a published map package wraps or encodes its data (see README.md in
this folder for the packages they imitate); the geometry and attributes are ours, so every file
is redistributable whatever the package's own licence. Run from the repository root::

    .venv/bin/python tests/realworld/make_fixtures.py

The output is deterministic (fixed simplification, grid and key order).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "reference_boundaries"
OUT = Path(__file__).resolve().parent / "fixtures"
#: Simplification tolerance (degrees) and snapping grid: small files, stable bytes.
TOLERANCE = 0.02
GRID = 1e-4


def _load(name: str) -> list[dict[str, Any]]:
    return json.loads((REF / name).read_text(encoding="utf-8"))["features"]  # type: ignore[no-any-return]


def _clean(geom: Any) -> Any:
    geom = shapely.set_precision(geom.simplify(TOLERANCE), GRID)
    return shapely.make_valid(geom)


def countries() -> dict[str, Any]:
    """Reference geometries: Russia, Ukraine, Crimea (UA-43 ∪ UA-40) and Belarus."""
    crimea = shapely.union_all(
        [shape(f["geometry"]) for f in _load("ukraine_oblasts.geojson")
         if f["properties"]["iso_3166_2"] in ("UA-43", "UA-40")]
    )  # fmt: skip
    russia = shape(_load("russia.geojson")[0]["geometry"])
    ukraine = shape(_load("ukraine.geojson")[0]["geometry"])
    belarus = next(
        shape(f["geometry"])
        for f in _load("neighbours.geojson")
        if f["properties"]["iso_a2"] == "BY"
    )
    # Only the European part of Russia: the fixtures stay small and away from the antimeridian.
    europe = shapely.box(19.0, 41.0, 60.0, 70.0)
    return {
        "russia": _clean(russia.intersection(europe)),
        "ukraine": _clean(ukraine),
        "crimea": _clean(crimea),
        "belarus": _clean(belarus),
        "russia_with_crimea": _clean(russia.intersection(europe).union(crimea)),
        "ukraine_without_crimea": _clean(ukraine.difference(crimea.buffer(0.01))),
    }


def _polygons(geom: Any) -> list[Any]:
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


# --- ECharts' compressed GeoJSON ("UTF8Encoding") ---------------------------------------------


def _echarts_ring(coords: Any, scale: float) -> tuple[str, list[int]]:
    q = np.round(np.asarray(coords)[:, :2] * scale).astype(np.int64)
    offset = q[0].tolist()
    deltas = np.diff(np.vstack([q[:1], q]), axis=0).ravel()
    zigzag = (deltas << 1) ^ (deltas >> 63)
    assert int(zigzag.max()) + 64 < 0xD800, "delta too large for one UTF-16 code unit"
    return "".join(chr(int(v) + 64) for v in zigzag), offset


def echarts_geometry(geom: Any, scale: float = 1024.0) -> dict[str, Any]:
    polys = []
    offsets = []
    # Long edges (the clipping box) would need deltas past one UTF-16 code unit: split them.
    for poly in _polygons(shapely.segmentize(geom, 1.0)):
        rings = [poly.exterior, *poly.interiors]
        enc = [_echarts_ring(r.coords, scale) for r in rings]
        polys.append([e[0] for e in enc])
        offsets.append([e[1] for e in enc])
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0], "encodeOffsets": offsets[0]}
    return {"type": "MultiPolygon", "coordinates": polys, "encodeOffsets": offsets}


def echarts_collection(items: list[tuple[str, Any]], scale: float | None = None) -> dict[str, Any]:
    feats = [
        {"type": "Feature", "properties": {"name": name, "childNum": 1},
         "geometry": echarts_geometry(geom, scale or 1024.0)}
        for name, geom in items
    ]  # fmt: skip
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": feats, "UTF8Encoding": True}
    if scale is not None:
        doc["UTF8Scale"] = scale
    return doc


#: The UMD wrapper ECharts' map scripts use around ``echarts.registerMap``.
ECHARTS_UMD = (
    "(function (root, factory) {if (typeof define === 'function' && define.amd) "
    "{define(['exports', 'echarts'], factory);} else if (typeof exports === 'object' && "
    "typeof exports.nodeName !== 'string') {factory(exports, require('echarts'));} else "
    "{factory({}, root.echarts);}}(this, function (exports, echarts) {var log = function (msg) "
    "{if (typeof console !== 'undefined') {console && console.error && console.error(msg);}};"
    "if (!echarts) {log('ECharts is not Loaded');return;}if (!echarts.registerMap) "
    "{log('ECharts Map is not loaded');return;}echarts.registerMap('%s', %s);}));\n"
)


def echarts_fixtures(c: dict[str, Any]) -> None:
    bad = [("Russia", c["russia_with_crimea"]), ("Ukraine", c["ukraine_without_crimea"]),
           ("Belarus", c["belarus"])]  # fmt: skip
    good = [("Russia", c["russia"]), ("Ukraine", c["ukraine"]), ("Belarus", c["belarus"])]
    _write("echarts_encoded_bad.json", echarts_collection(bad))
    _write("echarts_encoded_good.json", echarts_collection(good))
    # A finer grid than the default, as newer ECharts map builders write.
    _write("echarts_encoded_scale_bad.json", echarts_collection(bad, scale=4096.0))
    for name, items in (("echarts_umd_bad.js", bad), ("echarts_umd_good.js", good)):
        body = json.dumps(echarts_collection(items), ensure_ascii=False, separators=(",", ":"))
        (OUT / name).write_text(ECHARTS_UMD % ("world", body), encoding="utf-8")


# --- jVectorMap (SVG paths in projected pixels) -------------------------------------------------

JVM_RADIUS = 6381372.0


def _jvm_project(kind: str, central: float, lonlat: Any) -> Any:
    """jVectorMap's ``jvm.Proj`` formulas (y grows southwards)."""
    lon, lat = np.radians(lonlat[:, 0] - central), np.radians(lonlat[:, 1])
    x = JVM_RADIUS * lon
    if kind == "mill":
        y = -JVM_RADIUS * np.log(np.tan(np.pi / 4 + 0.4 * lat)) / 0.8
    else:
        y = -JVM_RADIUS * np.log(np.tan(np.pi / 4 + lat / 2))
    return np.column_stack([x, y])


def jvectormap_map(items: list[tuple[str, str, Any]], kind: str = "mill") -> dict[str, Any]:
    """A jVectorMap map object: one inset 900 px wide around all the regions."""
    central = 11.5
    projected = {
        code: [
            [_jvm_project(kind, central, np.asarray(r.coords)) for r in (p.exterior, *p.interiors)]
            for p in _polygons(geom)
        ]
        for code, _, geom in items
    }
    allxy = np.vstack([r for polys in projected.values() for rings in polys for r in rings])
    (x0, y0), (x1, y1) = allxy.min(axis=0), allxy.max(axis=0)
    width = 900.0
    height = width * (y1 - y0) / (x1 - x0)
    paths = {}
    for code, name, _ in items:
        parts = []
        for rings in projected[code]:
            for ring in rings:
                px = np.round((ring - [x0, y0]) / [x1 - x0, y1 - y0] * [width, height], 2)
                d = np.round(np.diff(px, axis=0), 2)
                steps = "".join(f"l{dx:g},{dy:g}" for dx, dy in d[:-1])
                parts.append(f"M{px[0][0]:g},{px[0][1]:g}{steps}Z")
        paths[code] = {"path": "".join(parts), "name": name}
    return {
        "insets": [
            {"width": width, "top": 0, "height": height, "left": 0,
             "bbox": [{"y": y0, "x": x0}, {"y": y1, "x": x1}]}
        ],
        "paths": paths,
        "height": height,
        "projection": {"type": kind, "centralMeridian": central},
        "width": width,
    }  # fmt: skip


def _js_literal(obj: Any) -> str:
    """Bare keys and single quotes, as jVectorMap's converter writes."""
    text = json.dumps(obj, indent=2)
    text = re.sub(r'"([A-Za-z_][A-Za-z0-9_]*)":', r"\1:", text)
    return text.replace('"', "'")


def jvectormap_fixtures(c: dict[str, Any]) -> None:
    bad = [
        ("RU", "Russia", c["russia_with_crimea"]),
        ("UA", "Ukraine", c["ukraine_without_crimea"]),
        ("BY", "Belarus", c["belarus"]),
    ]
    good = [("RU", "Russia", c["russia"]), ("UA", "Ukraine", c["ukraine"]),
            ("BY", "Belarus", c["belarus"])]  # fmt: skip
    # jVectorMap's own download: a jQuery call with the literal inside.
    for name, items in (("jvectormap_mill_bad.js", bad), ("jvectormap_mill_good.js", good)):
        body = _js_literal(jvectormap_map(items))
        (OUT / name).write_text(
            f"jQuery.fn.vectorMap('addMap', 'europe_mill', {body});\n", encoding="utf-8"
        )
    # The npm map packages: a variable, exported for CommonJS, registered otherwise.
    umd = (
        "var map = {body};\n\nif (typeof module === 'object' && module.exports) {{\n"
        "  module.exports = map;\n}} else {{\n"
        "  jQuery.fn.vectorMap('addMap', 'europe_merc', map);\n}}\n"
    )
    for name, items in (("jvectormap_merc_bad.js", bad), ("jvectormap_merc_good.js", good)):
        body = _js_literal(jvectormap_map(items, "merc"))
        (OUT / name).write_text(umd.format(body=body), encoding="utf-8")
    # A Russia regions map keyed by ISO 3166-2 that draws Crimea as a Russian region.
    regions = [
        ("RU-KR", "Respublika Krym", c["crimea"]),
        ("RU-KDA", "Krasnodarskiy kray", shapely.box(38.0, 44.5, 41.0, 46.5)),
        ("RU-MOW", "Moskva", shapely.box(37.3, 55.5, 37.9, 56.0)),
    ]
    (OUT / "jvectormap_ru_regions_bad.js").write_text(
        f"jQuery.fn.vectorMap('addMap', 'ru_mill', {_js_literal(jvectormap_map(regions))});\n",
        encoding="utf-8",
    )
    # A conic projection (the US and Canada maps): not read, said so.
    conic = jvectormap_map(good)
    conic["projection"] = {"type": "aea", "centralMeridian": -100}
    (OUT / "jvectormap_aea.js").write_text(umd.format(body=_js_literal(conic)), encoding="utf-8")


# --- Quantized TopoJSON with an island collapsed to one point ------------------------------------


def topology_with_collapsed_island(items: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """A quantized, delta-encoded TopoJSON (one arc per ring, no shared arcs) where each
    country's MultiPolygon *starts* with a tiny island that quantization collapsed to one point,
    as in Highcharts' ``custom/world.topo.json`` (North Macedonia)."""
    q = 1e5
    box = shapely.union_all([g for _, _, g in items]).bounds
    sx, sy = (box[2] - box[0]) / (q - 1), (box[3] - box[1]) / (q - 1)
    arcs: list[list[list[int]]] = []

    def arc(coords: Any) -> int:
        pts = np.asarray(coords)[:, :2]
        ij = np.round((pts - [box[0], box[1]]) / [sx, sy]).astype(np.int64)
        delta = np.diff(ij, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
        arcs.append(delta.tolist())
        return len(arcs) - 1

    geometries = []
    for iso, name, geom in items:
        polys = [[[arc(r.coords)] for r in (p.exterior, *p.interiors)] for p in _polygons(geom)]
        # The island: four copies of one point near the country's first vertex.
        first = np.asarray(_polygons(geom)[0].exterior.coords[0])
        island = [[arc([first + 0.001] * 4)]]
        geometries.append(
            {"type": "MultiPolygon", "arcs": [island, *polys], "id": iso,
             "properties": {"name": name, "iso-a2": iso}}
        )  # fmt: skip
    return {
        "type": "Topology",
        "transform": {"scale": [sx, sy], "translate": [box[0], box[1]]},
        "objects": {"default": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


def collapsed_island_fixtures(c: dict[str, Any]) -> None:
    bad = [("RU", "Russia", c["russia_with_crimea"]),
           ("UA", "Ukraine", c["ukraine_without_crimea"])]  # fmt: skip
    good = [("RU", "Russia", c["russia"]), ("UA", "Ukraine", c["ukraine"])]
    _write("topojson_collapsed_island_bad.topo.json", topology_with_collapsed_island(bad))
    _write("topojson_collapsed_island_good.topo.json", topology_with_collapsed_island(good))


# --- geopandas' naturalearth_lowres schema (zipped Shapefile) -------------------------------------

FIXED_DATE = (2024, 1, 1, 0, 0, 0)


def lowres_fixtures(c: dict[str, Any]) -> None:
    """Natural Earth statistics columns without its codes, as geopandas' ``naturalearth_lowres``
    (≤ 0.12) ships them: ``pop_est, continent, name, iso_a3, gdp_md_est``."""
    import tempfile
    import zipfile

    import pyogrio

    rows = {
        "bad": [("Russia", "RUS", 142257519, 3745000.0, c["russia_with_crimea"]),
                ("Ukraine", "UKR", 44033874, 352600.0, c["ukraine_without_crimea"]),
                ("Belarus", "BLR", 9549747, 165400.0, c["belarus"])],
        "good": [("Russia", "RUS", 142257519, 3745000.0, c["russia"]),
                 ("Ukraine", "UKR", 44033874, 352600.0, c["ukraine"]),
                 ("Belarus", "BLR", 9549747, 165400.0, c["belarus"])],
    }  # fmt: skip
    for kind, items in rows.items():
        geoms = [shapely.MultiPolygon(_polygons(r[4])) for r in items]
        cols = [
            np.array([r[2] for r in items], dtype=np.int64),
            np.array(["Europe"] * len(items), dtype=object),
            np.array([r[0] for r in items], dtype=object),
            np.array([r[1] for r in items], dtype=object),
            np.array([r[3] for r in items], dtype=np.float64),
        ]
        fields = ["pop_est", "continent", "name", "iso_a3", "gdp_md_est"]
        with tempfile.TemporaryDirectory() as tmp:
            shp = Path(tmp) / "naturalearth_lowres.shp"
            pyogrio.raw.write(shp, shapely.to_wkb(geoms), cols, fields, driver="ESRI Shapefile",
                              geometry_type="MultiPolygon", crs="EPSG:4326")  # fmt: skip
            dbf = shp.with_suffix(".dbf")
            with open(dbf, "r+b") as fh:  # the DBF header's write date, pinned
                fh.seek(1)
                fh.write(bytes([FIXED_DATE[0] - 1900, FIXED_DATE[1], FIXED_DATE[2]]))
            out = OUT / f"naturalearth_lowres_{kind}.zip"
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                for member in sorted(Path(tmp).iterdir()):
                    info = zipfile.ZipInfo(member.name, FIXED_DATE)
                    zf.writestr(info, member.read_bytes(), zipfile.ZIP_DEFLATED)


# --- A JS bundle with a TopoJSON literal using JS-only string escapes ----------------------------


def js_escape_fixtures(c: dict[str, Any]) -> None:
    """As react-svg-worldmap's bundle: ``var x = {"type": "Topology", ...}`` with one-letter
    property names (``N`` name, ``I`` ISO alpha-2) and JS-only escapes such as ``\\xEF``."""
    for kind, russia, ukraine in (
        ("bad", c["russia_with_crimea"], c["ukraine_without_crimea"]),
        ("good", c["russia"], c["ukraine"]),
    ):
        topo = topology_with_collapsed_island(
            [("RU", "Russia", russia), ("UA", "UKRAINE_NAME", ukraine)]
        )
        for geom in topo["objects"]["default"]["geometries"]:
            geom["properties"] = {"N": geom["properties"]["name"], "I": geom["id"]}
            del geom["id"]
        body = json.dumps(topo, separators=(",", ":")).replace("UKRAINE_NAME", "Ukra\\xEFne")
        text = (
            '"use strict";\nvar t = function (e) { return e; };\n'
            f"var geo = {body};\nexport {{ geo as default }};\n"
        )
        (OUT / f"js_escapes_topology_{kind}.js").write_text(text, encoding="utf-8")


# --- A Windows-1251 shapefile without a .cpg ---------------------------------------------------


def cp1251_fixtures() -> None:
    """Russian-language point layers as Russian GIS shops ship them: DBF text in Windows-1251,
    no ``.cpg`` and no code page in the DBF header (GDAL then reads the text as Latin-1)."""
    import tempfile
    import zipfile

    import pyogrio

    cities = [("Симферополь", 34.10, 44.95), ("Севастополь", 33.52, 44.60), ("Киев", 30.52, 50.45),
              ("Москва", 37.62, 55.75)]  # fmt: skip
    # (file suffix, country column's name, its values)
    countries = [
        ("bad", "Страна", ["Россия", "Россия", "Украина", "Россия"]),
        ("good", "Страна", ["Украина", "Украина", "Украина", "Россия"]),
        ("translit_bad", "strana", ["Россия", "Россия", "Украина", "Россия"]),
    ]
    for kind, field, country in countries:
        names = np.array([c[0] for c in cities], dtype=object)
        points = shapely.points([(c[1], c[2]) for c in cities])
        with tempfile.TemporaryDirectory() as tmp:
            shp = Path(tmp) / "goroda.shp"
            pyogrio.raw.write(shp, shapely.to_wkb(points), [names, np.array(country, dtype=object)],
                              ["name", field], driver="ESRI Shapefile", geometry_type="Point",
                              crs="EPSG:4326", encoding="cp1251")  # fmt: skip
            shp.with_suffix(".cpg").unlink()
            dbf = shp.with_suffix(".dbf")
            with open(dbf, "r+b") as fh:
                fh.seek(1)  # the write date, pinned
                fh.write(bytes([FIXED_DATE[0] - 1900, FIXED_DATE[1], FIXED_DATE[2]]))
                fh.seek(29)
                assert fh.read(1) == b"\0", "the DBF must not name a code page"
            with zipfile.ZipFile(OUT / f"cp1251_nocpg_{kind}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for member in sorted(Path(tmp).iterdir()):
                    info = zipfile.ZipInfo(member.name, FIXED_DATE)
                    zf.writestr(info, member.read_bytes(), zipfile.ZIP_DEFLATED)


def _write(name: str, obj: Any) -> None:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    (OUT / name).write_text(text + "\n", encoding="utf-8")


def _geojson(items: list[tuple[dict[str, Any], Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": mapping(g)} for p, g in items
        ],
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    c = countries()
    echarts_fixtures(c)
    jvectormap_fixtures(c)
    collapsed_island_fixtures(c)
    lowres_fixtures(c)
    js_escape_fixtures(c)
    cp1251_fixtures()


if __name__ == "__main__":
    main()
