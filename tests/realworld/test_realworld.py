"""Real-world map *structures* (wrappers, encodings, attribute schemes seen in published map
packages) around our reference geometry: each fixture gets the verdict and rule codes that the
geometry it carries deserves. ``make_fixtures.py`` builds them; README.md names the packages
each imitates. Expectations follow UNGA resolutions 68/262 and ES-11/4, not the tool's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.config import Config
from checker.engine import check_paths
from checker.readers import Source, detect, read_vector

FIXTURES = Path(__file__).parent / "fixtures"

# (fixture, verdict, rule codes, a note the reader must leave)
TABLE = [
    ("echarts_encoded_bad.json", "flag", {"MG101"}, "ECharts-compressed"),
    ("echarts_encoded_good.json", "clean", set(), "ECharts-compressed"),
    ("echarts_encoded_scale_bad.json", "flag", {"MG101"}, "scale 4096"),
    ("echarts_umd_bad.js", "flag", {"MG101"}, "ECharts-compressed"),
    ("echarts_umd_good.js", "clean", set(), "ECharts-compressed"),
    ("jvectormap_mill_bad.js", "flag", {"MG101"}, "jVectorMap map (mill projection"),
    ("jvectormap_mill_good.js", "clean", set(), "jVectorMap map (mill projection"),
    ("jvectormap_merc_bad.js", "flag", {"MG101"}, "jVectorMap map (merc projection"),
    ("jvectormap_merc_good.js", "clean", set(), "jVectorMap map (merc projection"),
    ("jvectormap_ru_regions_bad.js", "flag", {"MG105"}, "jVectorMap map (mill projection"),
    # A conic US/Canada-style map is not read: an input error, never a silent "clean".
    ("jvectormap_aea.js", "error", {"ME904"}, None),
    # GEOS's repair used to raise (ME907 internal error) on a collapsed first island.
    ("topojson_collapsed_island_bad.topo.json", "flag", {"MG101"}, None),
    ("topojson_collapsed_island_good.topo.json", "clean", set(), None),
    # Natural Earth's statistics columns alone still identify the source (MG108).
    ("naturalearth_lowres_bad.zip", "flag", {"MG101", "MG108"}, None),
    ("naturalearth_lowres_good.zip", "clean", set(), None),
    # JS-only string escapes (\xEF) in a bundle's literal used to fail the parse (ME901).
    ("js_escapes_topology_bad.js", "flag", {"MG101"}, "JS literal syntax converted"),
    ("js_escapes_topology_good.js", "clean", set(), "JS literal syntax converted"),
    # Windows-1251 DBF without .cpg: 'Россия' used to arrive as 'Ðîññèÿ' (a silent "clean").
    ("cp1251_nocpg_bad.zip", "flag", {"MG105"}, "decoded as Windows-1251"),
    ("cp1251_nocpg_good.zip", "clean", set(), "decoded as Windows-1251"),
    ("cp1251_nocpg_translit_bad.zip", "flag", {"MG105"}, "decoded as Windows-1251"),
]


@pytest.mark.parametrize(("name", "verdict", "codes", "note"), TABLE, ids=[r[0] for r in TABLE])
def test_fixture_verdict_and_codes(
    name: str, verdict: str, codes: set[str], note: str | None
) -> None:
    (report,) = list(check_paths([FIXTURES / name], Config()))
    detail = "\n".join(
        [f"{report.path}: {report.verdict.value} error={report.error}"]
        + [f"  {f.code}: {f.message}" for f in report.findings]
        + [f"  note: {n}" for n in report.notes]
    )
    assert report.verdict.value == verdict, detail
    assert {f.code for f in report.findings} == codes, detail
    assert note is None or any(note in n for n in report.notes), detail


def test_every_fixture_is_in_the_table() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_file()}
    assert on_disk == {row[0] for row in TABLE}


def test_echarts_decoding_matches_plain_coordinates() -> None:
    """The decoded rings land where the plain GeoJSON would: Kyiv inside Ukraine, Crimea's
    Simferopol inside the bad file's Russia (the geometry, not only the verdict)."""
    import shapely

    source = Source("echarts_encoded_bad.json", path=FIXTURES / "echarts_encoded_bad.json")
    ev = read_vector(source, detect(source)[1])
    geoms = {f.properties["name"]: f.geometry for f in ev.layers[0].features}
    assert shapely.contains_xy(geoms["Ukraine"], 30.52, 50.45)
    assert shapely.contains_xy(geoms["Russia"], 34.10, 44.95)
    assert not shapely.contains_xy(geoms["Ukraine"], 34.10, 44.95)
    xmin, _, xmax, ymax = geoms["Ukraine"].bounds
    assert 22.0 < xmin < 22.3 and 40.0 < xmax < 40.3 and 52.2 < ymax < 52.5


BROKEN_ECHARTS = [
    # odd number of code units: half a position
    ({"type": "Polygon", "coordinates": ["@@A"], "encodeOffsets": [[0, 0]]}, "odd number"),
    # no offsets for the ring
    ({"type": "Polygon", "coordinates": ["@@AA"], "encodeOffsets": []}, "encodeOffsets"),
    ({"type": "MultiPolygon", "coordinates": [["@@AA"]], "encodeOffsets": "x"}, "encodeOffsets"),
    ({"type": "Polygon", "coordinates": ["@@AA"], "encodeOffsets": [["a", 1]]}, "is not [x, y]"),
]


@pytest.mark.parametrize(("geometry", "words"), BROKEN_ECHARTS)
def test_broken_echarts_encoding_is_me901(geometry: dict[str, object], words: str) -> None:
    from checker.readers import ReaderError
    from checker.readers.geojson import evidence_from_object

    doc = {"type": "FeatureCollection", "UTF8Encoding": True,
           "features": [{"type": "Feature", "properties": {}, "geometry": geometry}]}  # fmt: skip
    with pytest.raises(ReaderError) as info:
        evidence_from_object(doc, layer_name="x")
    assert info.value.code == "ME901"
    assert words in str(info.value)


def test_echarts_ring_decoding_by_hand() -> None:
    from checker.readers.echarts import decode_ring

    # '@@' is a zero delta (the offset itself); 'B' is +1, 'A' is -1 after zig-zag.
    assert decode_ring("@@B@@A", (1024.0, 2048.0), 1024.0, "f") == [
        [1.0, 2.0],
        [1.0 + 1 / 1024, 2.0],
        [1.0 + 1 / 1024, 2.0 - 1 / 1024],
    ]


@pytest.mark.parametrize(
    "name", ["echarts_encoded_bad.json", "echarts_encoded_scale_bad.json", "echarts_umd_bad.js"]
)
def test_fix_keeps_the_echarts_encoding(name: str, tmp_path: Path) -> None:
    """``mapcheck fix`` on a compressed file writes the moved geometry in the same encoding (a
    plain array under ``UTF8Encoding: true`` would break ECharts), and the result is clean."""
    from checker.fix import fix_file
    from checker.readers.jsmodule import find_embedded

    dst = tmp_path / name
    fix_file(FIXTURES / name, dst)
    text = dst.read_text(encoding="utf-8")
    (doc,) = [e.obj for e in find_embedded(text)] if name.endswith(".js") else [json.loads(text)]
    assert doc["UTF8Encoding"] is True
    for feat in doc["features"]:
        geom = feat["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings = [ring for polygon in polygons for ring in polygon]
        assert all(isinstance(r, str) for r in rings), feat["properties"]["name"]
        assert "encodeOffsets" in geom
    (report,) = list(check_paths([dst], Config()))
    assert report.verdict.value == "clean", [f.message for f in report.findings]


def test_jvectormap_geometry_lands_in_lonlat() -> None:
    """Pixels → projected metres → lon/lat: Kyiv in UA, Simferopol in the bad file's RU."""
    import shapely

    for name in ("jvectormap_mill_bad.js", "jvectormap_merc_bad.js"):
        source = Source(name, path=FIXTURES / name)
        assert detect(source) == ("vector", "jsmodule")
        ev = read_vector(source, "jsmodule")
        geoms = {f.id: f.geometry for f in ev.layers[0].features}
        props = {f.id: f.properties for f in ev.layers[0].features}
        assert props["UA"]["iso_a2"] == "UA" and props["UA"]["name"] == "Ukraine"
        assert shapely.contains_xy(geoms["UA"], 30.52, 50.45), name
        assert shapely.contains_xy(geoms["RU"], 34.10, 44.95), name
        assert shapely.contains_xy(geoms["BY"], 27.56, 53.90), name
        xmin, _, xmax, ymax = geoms["UA"].bounds
        assert 22.0 < xmin < 22.3 and 40.0 < xmax < 40.3 and 52.2 < ymax < 52.5, name


# (SVG path, subpaths as absolute points)
PATHS = [
    ("M1,2l3,0l0,4Z", [[(1, 2), (4, 2), (4, 6)]]),
    ("M1,2 L4,2 L4,6 z m1,1 h2 v2 H0 V0z", [[(1, 2), (4, 2), (4, 6)],
                                            [(2, 3), (4, 3), (4, 5), (0, 5), (0, 0)]]),
    ("M0,0l1,0 1,1 -1,0Z", [[(0, 0), (1, 0), (2, 1), (1, 1)]]),
    ("M0,0C1,1 2,2 3,0L3,3Z", [[(0, 0), (3, 0), (3, 3)]]),
    ("M1e1,2.5e0l-1E1,0", [[(10, 2.5), (0, 2.5)]]),
]  # fmt: skip


@pytest.mark.parametrize(("d", "rings"), PATHS)
def test_svg_path_parsing(d: str, rings: list[list[tuple[float, float]]]) -> None:
    from checker.readers.jvectormap import parse_path

    assert parse_path(d, "t") == rings


@pytest.mark.parametrize("d", ["1,2", "M1", "M1,2l3"])
def test_broken_svg_path_is_me901(d: str) -> None:
    from checker.readers import ReaderError
    from checker.readers.jvectormap import parse_path

    with pytest.raises(ReaderError) as info:
        parse_path(d, "t")
    assert info.value.code == "ME901"


# JS that merely mentions insets/bbox or paths is not a map (no false vector detection).
NOT_JVM = [
    "const style = {insets: [{top: 1, bbox: [0, 0]}]};\n",
    "var cfg = {paths: {src: {root: 'x'}}};\n",
    "var a = {insets: [{bbox: 1}]}; var b = {paths: 3};\n",
]


@pytest.mark.parametrize("text", NOT_JVM)
def test_js_without_a_jvectormap_map_is_not_vector(text: str) -> None:
    source = Source("x.js", data=text.encode())
    kind, _ = detect(source)
    assert kind != "vector"


def test_fix_refuses_jvectormap_with_a_reason(tmp_path: Path) -> None:
    from checker.fix import FixError, fix_file

    with pytest.raises(FixError, match="jVectorMap"):
        fix_file(FIXTURES / "jvectormap_mill_bad.js", tmp_path / "out.js")
    assert not (tmp_path / "out.js").exists()


def test_make_valid_survives_a_collapsed_first_part() -> None:
    import shapely

    from checker.readers._geom import make_valid

    island = shapely.Polygon([(20.0, 40.0)] * 4)
    land = shapely.box(21.0, 41.0, 22.0, 42.0)
    for parts in ([island, land], [land, island]):
        fixed = make_valid(shapely.MultiPolygon(parts))
        assert fixed.is_valid
        assert abs(fixed.area - 1.0) < 1e-9
    bow = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # ordinary repair is unchanged
    assert make_valid(bow).equals(shapely.make_valid(bow))


# (JS string literal, the string it means)
JS_STRINGS = [
    (r'"C\xF4te"', "C\u00f4te"),
    (r"""'it\'s "q"'""", 'it\'s "q"'),
    (r'"\u{1F600}"', "\U0001f600"),
    (r'"x\vy\0z"', "x\x0by\x00z"),
    (r"'\d\e'", "de"),
    ('"tab\there"', "tab\there"),
    (r'"ok\n\u00e9\\ \/"', "ok\n\u00e9\\ /"),
    ('"line\\\ncont"', "linecont"),
]


@pytest.mark.parametrize(("literal", "value"), JS_STRINGS)
def test_js_string_escapes_become_json(literal: str, value: str) -> None:
    from checker.readers.jsmodule import js_literal_to_json

    assert json.loads(js_literal_to_json("{a: " + literal + "}")) == {"a": value}


# Latin-1 columns that must stay as GDAL read them, and Windows-1251 ones that are repaired.
LATIN1 = [
    ["Zürich", "Côte d'Ivoire", "São Tomé and Príncipe", "Ærø", "Genève"],
    ["Ålesund", "Málaga", "Øresund", "Reykjavík", "Curaçao"],
]
CP1251 = [
    ["Россия", "Украина", "Крым"],
    ["Республіка Крим", "Севастополь", "Київ"],
]


@pytest.mark.parametrize("column", LATIN1)
def test_latin1_text_is_left_alone(column: list[str]) -> None:
    import numpy as np

    from checker.readers.ogr import _python_column

    notes: list[str] = []
    assert _python_column(np.array(column, dtype=object), "name", notes) == column
    assert notes == []


@pytest.mark.parametrize("column", CP1251)
def test_cp1251_read_as_latin1_is_repaired(column: list[str]) -> None:
    import numpy as np

    from checker.readers.ogr import _python_column

    as_gdal_reads_it = [v.encode("cp1251").decode("latin-1") for v in column]
    notes: list[str] = []
    assert _python_column(np.array(as_gdal_reads_it, dtype=object), "name", notes) == column
    assert any("Windows-1251" in n for n in notes)


def test_cp1251_field_names_are_repaired_too() -> None:
    source = Source("cp1251_nocpg_bad.zip", path=FIXTURES / "cp1251_nocpg_bad.zip")
    ev = read_vector(source, "shapefile")
    props = ev.layers[0].features[0].properties
    assert props == {"name": "Симферополь", "Страна": "Россия"}
