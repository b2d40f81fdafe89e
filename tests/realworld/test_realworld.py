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
]


@pytest.mark.parametrize(("name", "verdict", "codes", "note"), TABLE, ids=[r[0] for r in TABLE])
def test_fixture_verdict_and_codes(name: str, verdict: str, codes: set[str], note: str) -> None:
    (report,) = list(check_paths([FIXTURES / name], Config()))
    detail = "\n".join(
        [f"{report.path}: {report.verdict.value} error={report.error}"]
        + [f"  {f.code}: {f.message}" for f in report.findings]
        + [f"  note: {n}" for n in report.notes]
    )
    assert report.verdict.value == verdict, detail
    assert {f.code for f in report.findings} == codes, detail
    assert any(note in n for n in report.notes), detail


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
