# ruff: noqa: E501 - fixture data reads best one feature or element per line
"""Write the reader test fixtures into tests/readers/fixtures/ (run from anywhere).

    python tests/readers/make_fixtures.py

Small, deterministic files (fixed timestamps in DBF headers, GeoPackages and zips) built from
three features with known coordinates: the point "Kyiv" at (30.52, 50.45), a rough "Crimea"
polygon and a "Dnipro" line. Good fixtures cover every vector format and variant the readers
accept; bad ones cover every ReaderError case. tests/readers/test_readers.py holds the expected
results for each.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker.readers.highcharts import HcTransform  # noqa: E402

OUT = Path(__file__).resolve().parent / "fixtures"
KYIV = (30.52, 50.45)
CRIMEA = [(32.5, 45.3), (33.6, 44.4), (36.6, 45.2), (35.0, 46.1), (33.6, 46.2), (32.5, 45.3)]
DNIPRO = [(30.52, 50.45), (31.0, 49.5), (33.0, 47.0)]
# A square around Kyiv with a square hole, as a MultiPolygon with a second part.
BLOCK = [
    [[(29.0, 49.0), (32.0, 49.0), (32.0, 52.0), (29.0, 52.0), (29.0, 49.0)],
     [(30.0, 50.0), (30.0, 51.0), (31.0, 51.0), (31.0, 50.0), (30.0, 50.0)]],
    [[(34.0, 48.0), (35.0, 48.0), (35.0, 49.0), (34.0, 48.0)]],
]  # fmt: skip
FIXED_DATE = (2024, 1, 1, 0, 0, 0)
TO_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def _3857(points: list[tuple[float, float]]) -> list[list[float]]:
    xs, ys = TO_3857.transform([p[0] for p in points], [p[1] for p in points])
    return [[round(float(x), 3), round(float(y), 3)] for x, y in zip(xs, ys, strict=True)]


def features(project: bool = False) -> list[dict[str, Any]]:
    """The three base features as GeoJSON (in EPSG:3857 metres if ``project``)."""
    conv = _3857 if project else (lambda pts: [list(p) for p in pts])
    return [
        {
            "type": "Feature",
            "id": "kyiv",
            "properties": {"name": "Kyiv", "iso_a2": "UA", "population": 2952301},
            "geometry": {"type": "Point", "coordinates": conv([KYIV])[0]},
        },
        {
            "type": "Feature",
            "id": 2,
            "properties": {"name": "Crimea", "adm0_a3": "UKR", "name_uk": "Крим"},
            "geometry": {"type": "Polygon", "coordinates": [conv(CRIMEA)]},
        },
        {
            "type": "Feature",
            "id": "dnipro",
            "properties": {"name": "Dnipro", "kind": None},
            "geometry": {"type": "LineString", "coordinates": conv(DNIPRO)},
        },
    ]


def collection(**extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **extra, "features": features()}


def write_json(name: str, obj: Any, **kw: Any) -> None:
    (OUT / name).write_text(json.dumps(obj, ensure_ascii=False, **kw) + "\n", encoding="utf-8")


def geojson_fixtures() -> None:
    fc = collection(name="regions")
    fc["features"].append(
        {
            "type": "Feature",
            "id": 4.0,
            "properties": {"name": "Block"},
            "geometry": {"type": "MultiPolygon", "coordinates": BLOCK},
        }
    )
    fc["features"].append({"type": "Feature", "properties": None, "geometry": None})
    write_json("collection.geojson", fc, indent=1)
    write_json("feature.geojson", features()[0])
    write_json("geometry.geojson", features()[0]["geometry"])
    write_json(
        "geometry_collection.geojson",
        {"type": "GeometryCollection", "geometries": [f["geometry"] for f in features()]},
    )
    write_json("features_array.json", features())
    proj = features(project=True)
    write_json(
        "crs_3857_name.geojson",
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
            "features": proj,
        },
    )
    write_json(
        "crs_3857_urn.geojson",
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
            "features": proj,
        },
    )
    write_json(
        "crs_3857_code.geojson",
        {
            "type": "FeatureCollection",
            "crs": {"type": "EPSG", "properties": {"code": 3857}},
            "features": proj,
        },
    )
    write_json(
        "crs84_urn.geojson",
        collection(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}),
    )
    # GeoJSON text sequences: RFC 8142 (RS before each text) and newline-delimited.
    rs = "".join("\x1e" + json.dumps(f, ensure_ascii=False) + "\n" for f in features())
    (OUT / "sequence_rs.geojsons").write_text(rs, encoding="utf-8")
    nl = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in features())
    (OUT / "sequence_lines.geojsonl").write_text(nl, encoding="utf-8")
    # Right content, wrong extension.
    write_json("geojson_named.txt", collection())


# --- TopoJSON -------------------------------------------------------------------------------
# Two squares sharing the edge x = 31 (arc 1, used forwards by "west" and reversed by "east",
# both rings counter-clockwise), plus Kyiv as a quantized Point. 1000 steps per degree.
SCALE = [0.001, 0.001]
TRANSLATE = [29.0, 49.0]


def _q(points: list[tuple[float, float]]) -> list[list[int]]:
    """Quantize and delta-encode one arc."""
    q = [
        [round((x - TRANSLATE[0]) / SCALE[0]), round((y - TRANSLATE[1]) / SCALE[1])]
        for x, y in points
    ]
    return [q[0]] + [[b[0] - a[0], b[1] - a[1]] for a, b in itertools.pairwise(q)]


WEST_OUTER = [(31.0, 51.0), (29.0, 51.0), (29.0, 49.0), (31.0, 49.0)]  # arc 0
SHARED = [(31.0, 49.0), (31.0, 51.0)]  # arc 1
EAST_OUTER = [(31.0, 49.0), (33.0, 49.0), (33.0, 51.0), (31.0, 51.0)]  # arc 2
HOLE = [(30.0, 50.0), (30.0, 50.5), (30.5, 50.5), (30.5, 50.0), (30.0, 50.0)]  # arc 3
RIVER = DNIPRO  # arc 4


def topology(quantized: bool) -> dict[str, Any]:
    raw = [WEST_OUTER, SHARED, EAST_OUTER, HOLE, RIVER]
    arcs = [_q(a) for a in raw] if quantized else [[list(p) for p in a] for a in raw]
    kyiv: list[float] = list(KYIV)
    if quantized:
        kyiv = [
            round((KYIV[0] - TRANSLATE[0]) / SCALE[0]),
            round((KYIV[1] - TRANSLATE[1]) / SCALE[1]),
        ]
    topo: dict[str, Any] = {"type": "Topology"}
    if quantized:
        topo["transform"] = {"scale": SCALE, "translate": TRANSLATE}
    topo["objects"] = {
        "regions": {
            "type": "GeometryCollection",
            "geometries": [
                # west: arcs 0 then 1 close the ring; the hole is arc 3.
                {
                    "type": "Polygon",
                    "arcs": [[0, 1], [3]],
                    "id": "west",
                    "properties": {"name": "West"},
                },
                # east: arc 2 then the shared arc reversed (~1 == -2).
                {"type": "Polygon", "arcs": [[2, -2]], "id": 2, "properties": {"name": "East"}},
                {
                    "type": "MultiPolygon",
                    "arcs": [[[0, 1]], [[2, -2]]],
                    "properties": {"name": "Both"},
                },
                {"type": "LineString", "arcs": [4], "properties": {"name": "Dnipro"}},
                {"type": None, "id": "nothing", "properties": {"name": "Null geometry"}},
            ],
        },
        "cities": {
            "type": "GeometryCollection",
            "geometries": [
                {
                    "type": "Point",
                    "coordinates": kyiv,
                    "id": "kyiv",
                    "properties": {"name": "Kyiv"},
                },
            ],
        },
    }
    topo["arcs"] = arcs
    return topo


def topojson_fixtures() -> None:
    write_json("quantized.topojson", topology(True))
    write_json("plain.topojson", topology(False), indent=1)
    write_json("topojson_named.geojson", topology(True))
    bad = topology(True)
    bad["objects"]["regions"]["geometries"][0]["arcs"] = [[0, 99]]
    write_json("bad_arc_index.topojson", bad)
    text = json.dumps(topology(True))
    (OUT / "truncated.topojson").write_text(text[: len(text) // 2], encoding="utf-8")
    # A pre-projected topology (us-atlas style: pixel coordinates, bbox, no CRS).
    px = topology(False)
    px["arcs"] = [
        [[(x - 29) * 200 + 100, (52 - y) * 200 + 50] for x, y in arc] for arc in px["arcs"]
    ]
    px["bbox"] = [0, 0, 975, 610]
    del px["objects"]["cities"]
    write_json("projected.topojson", px)


# --- Highcharts-style JS modules ------------------------------------------------------------
HC_DEFAULT = HcTransform(
    name="default",
    crs="+proj=lcc +lat_1=45 +lat_2=50 +lat_0=48 +lon_0=31 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs",
    scale=0.000658,
    jsonres=15.5,
    jsonmarginX=-999,
    jsonmarginY=9851.0,
    xoffset=-627000.0,
    yoffset=535000.0,
)
# An inset drawn elsewhere on the page, rotated, chosen by its hitZone (like us-all-alaska).
HC_INSET = HcTransform(
    name="ua-all-inset",
    crs="+proj=tmerc +lat_0=45 +lon_0=30 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs",
    scale=0.0004,
    jsonres=15.5,
    jsonmarginX=-999,
    jsonmarginY=9851.0,
    xoffset=-100000.0,
    yoffset=300000.0,
    xpan=-600.0,
    ypan=100.0,
    cos=float(np.cos(-0.05)),
    sin=float(np.sin(-0.05)),
)
SNAKE_ISLAND = (30.2046, 45.2553)


def _hc(points: list[tuple[float, float]], t: HcTransform) -> list[list[float]]:
    xy = t.from_lonlat(np.array(points, dtype=np.float64))
    # Highcharts map files store integers; a 6-decimal rounding keeps the test tolerance tight.
    return [[round(float(x), 6), round(float(y), 6)] for x, y in xy]


def _transform_json(t: HcTransform, rotation: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"crs": t.crs, "scale": t.scale, "jsonres": t.jsonres}
    out |= {"jsonmarginX": t.jsonmarginX, "jsonmarginY": t.jsonmarginY}
    out |= {"xoffset": t.xoffset, "yoffset": t.yoffset}
    if t.xpan or t.ypan:
        out |= {"xpan": t.xpan, "ypan": t.ypan}
    if rotation is not None:
        out["rotation"] = rotation
    return out


def highcharts_fixtures() -> None:
    island = _hc([SNAKE_ISLAND], HC_INSET)[0]
    x, y = island
    zone = [
        [x - 50, y - 50],
        [x + 50, y - 50],
        [x + 50, y + 50],
        [x - 50, y + 50],
        [x - 50, y - 50],
    ]
    inset = _transform_json(HC_INSET, rotation=-0.05)
    inset["hitZone"] = {"type": "Polygon", "coordinates": [zone]}
    doc = {
        "title": "Ukraine",
        "version": "1.1.2",
        "type": "FeatureCollection",
        "copyright": "mapcheck test fixture",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG:102004"}},
        "hc-transform": {"default": _transform_json(HC_DEFAULT), "ua-all-inset": inset},
        "features": [
            {
                "type": "Feature",
                "id": "UA.KR",
                "properties": {"hc-key": "ua-kr", "iso-a2": "UA", "name": "Crimea", "woe-name": "Crimea", "country": "Ukraine"},
                "geometry": {"type": "Polygon", "coordinates": [_hc(CRIMEA, HC_DEFAULT)]},
            },
            {
                "type": "Feature",
                "id": "UA.KV",
                "properties": {"hc-key": "ua-kv", "iso-a2": "UA", "name": "Kyiv City", "country": "Ukraine"},
                "geometry": {"type": "Point", "coordinates": _hc([KYIV], HC_DEFAULT)[0]},
            },
            {
                "type": "Feature",
                "id": "UA.SI",
                "properties": {"hc-key": "ua-si", "name": "Snake Island", "country": "Ukraine"},
                "geometry": {"type": "Point", "coordinates": island},
            },
        ],
    }  # fmt: skip
    body = json.dumps(doc, ensure_ascii=False)
    text = f'Highcharts.maps["countries/ua/ua-all"] = {body};\n'
    (OUT / "highcharts_ua.js").write_text(text, encoding="utf-8")
    # The same map as a .geo.json file (how Highcharts also ships it).
    write_json("highcharts_ua.geo.json", doc)

    # An ES module written in JS-literal style: bare keys, single quotes, trailing commas.
    es = (
        "// generated test fixture\n"
        "export default {\n"
        "  type: 'FeatureCollection',\n"
        "  features: [\n"
        "    { type: 'Feature', id: 'kyiv', properties: { name: 'Kyiv', note: 'it\\'s \"quoted\"', },\n"
        f"      geometry: {{ type: 'Point', coordinates: [{KYIV[0]}, {KYIV[1]}], }}, }},\n"
        "    /* a comment */\n"
        f"    {{ type: 'Feature', properties: {{ name: 'Crimea' }}, geometry: {{ type: 'Polygon', coordinates: {json.dumps([CRIMEA])} }} }},\n"
        "  ],\n"
        "};\n"
    )  # fmt: skip
    (OUT / "export_default.mjs").write_text(es, encoding="utf-8")
    cjs = "/* topology */\nmodule.exports = " + json.dumps(topology(True)) + ";\n"
    (OUT / "module_exports.js").write_text(cjs, encoding="utf-8")
    html = (
        "<!DOCTYPE html>\n<html><head><title>map</title></head><body>\n"
        "<div id='map'></div>\n<script>\n"
        f"var regions = {json.dumps(collection(), ensure_ascii=False)};\n"
        "render(regions);\n</script>\n</body></html>\n"
    )
    (OUT / "embedded.html").write_text(html, encoding="utf-8")
    bad = 'export default { type: "FeatureCollection", features: [ someVariable ] };\n'
    (OUT / "bad_literal.js").write_text(bad, encoding="utf-8")


# --- OGR formats ----------------------------------------------------------------------------
def _ogr_arrays(project: bool = False) -> tuple[np.ndarray, list[np.ndarray], list[str]]:
    feats = features(project)
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in feats])
    names = np.array([f["properties"]["name"] for f in feats], dtype=object)
    uk = np.array(["Київ", "Крим", "Дніпро"], dtype=object)
    pop = np.array([2952301, 0, 0], dtype=np.int64)
    return shapely.to_wkb(geoms), [names, uk, pop], ["name", "name_uk", "population"]


def _fix_dbf_date(path: Path) -> None:
    """DBF headers carry the write date (bytes 1-3); pin it so fixtures are reproducible."""
    with open(path, "r+b") as fh:
        fh.seek(1)
        fh.write(bytes([FIXED_DATE[0] - 1900, FIXED_DATE[1], FIXED_DATE[2]]))


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_DATE), data, zipfile.ZIP_DEFLATED)


def ogr_fixtures() -> None:
    for sub in ("shp", "shp_noprj", "shp_3857", "shp_projected_noprj"):
        (OUT / sub).mkdir(exist_ok=True)
    _write_points_shp(OUT / "shp" / "cities.shp", "EPSG:4326")
    _write_points_shp(OUT / "shp_noprj" / "cities.shp", None)
    _write_points_shp(OUT / "shp_3857" / "cities.shp", "EPSG:3857", project=True)
    _write_points_shp(OUT / "shp_projected_noprj" / "cities.shp", None, project=True)
    members = {p.name: p.read_bytes() for p in sorted((OUT / "shp").iterdir())}
    _zip(OUT / "cities_shp.zip", members)
    _zip(OUT / "cities_shp_zip.dat", {f"data/{k}": v for k, v in members.items()})
    _zip(OUT / "evil.zip", {"../evil.shp": members["cities.shp"], "evil.dbf": b"", "evil.shx": b""})

    gpkg = OUT / "two_layers.gpkg"
    gpkg.unlink(missing_ok=True)
    wkb, cols, fields = _ogr_arrays()
    pyogrio.raw.write(gpkg, wkb[:1], [c[:1] for c in cols], fields, layer="cities", driver="GPKG", geometry_type="Point", crs="EPSG:4326")  # fmt: skip
    pwkb, pcols, _ = _ogr_arrays(project=True)
    pyogrio.raw.write(gpkg, pwkb[1:2], [c[1:2] for c in pcols], fields, layer="regions", driver="GPKG", geometry_type="Polygon", crs="EPSG:3857", append=True)  # fmt: skip

    fgb = OUT / "regions.fgb"
    fgb.unlink(missing_ok=True)
    pyogrio.raw.write(fgb, wkb, cols, fields, driver="FlatGeobuf", geometry_type="Unknown", crs="EPSG:4326")  # fmt: skip


def _write_points_shp(path: Path, crs: str | None, project: bool = False) -> None:
    """Kyiv, Sevastopol and Kerch as a point shapefile (shapefiles hold one geometry type)."""
    wkb, _, fields = _ogr_arrays(project)
    pts = shapely.from_wkb(wkb)
    keep = np.array([g.geom_type == "Point" for g in pts])
    # Add two more points so the layer is more than one row: Sevastopol and Kerch.
    extra = [(33.5254, 44.6166), (36.4733, 45.3563)]
    extra_pts = shapely.points(_3857(extra) if project else extra)
    geoms = np.concatenate([pts[keep], extra_pts])
    names = np.array(["Kyiv", "Sevastopol", "Kerch"], dtype=object)
    uk = np.array(["Київ", "Севастополь", "Керч"], dtype=object)
    pop = np.array([2952301, 479394, 147668], dtype=np.int64)
    with warnings.catch_warnings():
        # pyogrio warns when crs is None; a shapefile without .prj is exactly what we want.
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.raw.write(
            path, shapely.to_wkb(geoms), [names, uk, pop], fields, driver="ESRI Shapefile",
            geometry_type="Point", crs=crs, encoding="UTF-8",
        )  # fmt: skip
    _fix_dbf_date(path.with_suffix(".dbf"))


# --- KML / KMZ ------------------------------------------------------------------------------
def kml_text() -> str:
    crimea = " ".join(f"{x},{y},0" for x, y in CRIMEA)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>Regions</name>
  <Placemark id="root-pm"><name>Dnipro</name>
    <LineString><coordinates>{" ".join(f"{x},{y}" for x, y in DNIPRO)}</coordinates></LineString>
  </Placemark>
  <Folder><name>Cities</name>
    <Placemark id="kyiv">
      <name>Kyiv</name>
      <description><![CDATA[Capital of <b>Ukraine</b>]]></description>
      <ExtendedData>
        <Data name="iso_a2"><value>UA</value></Data>
        <SchemaData schemaUrl="#s"><SimpleData name="name_uk">Київ</SimpleData></SchemaData>
      </ExtendedData>
      <Point><coordinates>{KYIV[0]},{KYIV[1]},0</coordinates></Point>
    </Placemark>
  </Folder>
  <Folder><name>Regions</name>
    <Folder><name>South</name>
      <Placemark><name>Crimea</name>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>{crimea}</coordinates></LinearRing></outerBoundaryIs>
          <innerBoundaryIs><LinearRing><coordinates>34,45 34.5,45 34.5,45.5 34,45</coordinates></LinearRing></innerBoundaryIs>
        </Polygon>
      </Placemark>
      <Placemark><name>Pair</name>
        <MultiGeometry>
          <Point><coordinates>33.5254,44.6166</coordinates></Point>
          <LineString><coordinates>33,45 34,46</coordinates></LineString>
        </MultiGeometry>
      </Placemark>
    </Folder>
  </Folder>
</Document>
</kml>
"""


def kml_fixtures() -> None:
    (OUT / "regions.kml").write_text(kml_text(), encoding="utf-8")
    _zip(OUT / "regions.kmz", {"doc.kml": kml_text().encode("utf-8")})
    bomb = """<?xml version="1.0"?>
<!DOCTYPE kml [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&c;</name></Document></kml>
"""
    (OUT / "entity_bomb.kml").write_text(bomb, encoding="utf-8")
    (OUT / "broken.kml").write_text(kml_text()[:400], encoding="utf-8")


# --- GeoParquet -----------------------------------------------------------------------------
def geoparquet_fixtures() -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyproj import CRS

    for name, project, crs in (
        ("regions.parquet", False, None),
        ("regions_3857.parquet", True, CRS("EPSG:3857").to_json_dict()),
    ):
        feats = features(project)
        wkb = shapely.to_wkb(shapely.from_geojson([json.dumps(f["geometry"]) for f in feats]))
        column: dict[str, Any] = {
            "encoding": "WKB",
            "geometry_types": ["Point", "Polygon", "LineString"],
        }
        if crs is not None:
            column["crs"] = crs
        geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
        table = pa.table(
            {
                "name": [f["properties"]["name"] for f in feats],
                "rank": pa.array([1, 2, 3], type=pa.int32()),
                "geometry": pa.array(list(wkb), type=pa.binary()),
            }
        ).replace_schema_metadata({"geo": json.dumps(geo)})
        pq.write_table(table, OUT / name, compression="zstd")
    plain = pa.table({"name": ["a"]})
    pq.write_table(plain, OUT / "not_geo.parquet")


# --- Malformed inputs -----------------------------------------------------------------------
def bad_fixtures() -> None:
    (OUT / "empty.geojson").write_bytes(b"")
    (OUT / "whitespace.geojson").write_bytes(b"  \n\t \r\n  ")
    text = json.dumps(collection(), indent=1)
    (OUT / "truncated.geojson").write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    (OUT / "syntax_error.geojson").write_text(
        '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "geometry": null}\n ]}\n',
        encoding="utf-8",
    )
    nan = json.dumps(collection()).replace("[30.52, 50.45]", "[NaN, 50.45]")
    (OUT / "nan.geojson").write_text(nan, encoding="utf-8")
    huge = json.dumps(collection()).replace("[30.52, 50.45]", "[1e300, 50.45]")
    (OUT / "huge.geojson").write_text(huge, encoding="utf-8")
    write_json("projected_nocrs.geojson", {"type": "FeatureCollection", "features": features(True)})
    write_json(
        "bad_coordinates.geojson",
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[30, "x"], [31, 50]]]}},
    )  # fmt: skip
    rng = np.random.default_rng(8)
    (OUT / "garbage.geojson").write_bytes(bytes([0x8F, 0x00]) + rng.bytes(510))
    (OUT / "unknown.bin").write_bytes(b"\x00\x01\x02\x03MAPCHECK" + rng.bytes(120))
    (OUT / "corrupt.gpkg").write_bytes(b"SQLite format 3\x00" + rng.bytes(300))


def main(out: Path = OUT) -> None:
    """Write every fixture into ``out`` (emptied first)."""
    global OUT  # noqa: PLW0603 - every writer above writes into OUT
    OUT = out
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    # GeoPackages record a modification time; pin it so the files are reproducible.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-01-01T00:00:00.000Z"})
    geojson_fixtures()
    topojson_fixtures()
    highcharts_fixtures()
    ogr_fixtures()
    kml_fixtures()
    geoparquet_fixtures()
    bad_fixtures()
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {sum(1 for p in OUT.rglob('*') if p.is_file())} files, {total:,} bytes, to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
