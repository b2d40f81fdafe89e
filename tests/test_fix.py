"""``mapcheck fix``: corrected copies that re-check clean and change only Russia and Ukraine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner

from checker.cli import cli
from checker.config import Config
from checker.engine import check_file
from checker.fix import FixError, fix_file
from tests.conftest import FIXTURES, ref_shapes

WORLD = FIXTURES / "world-atlas"


def _decoded(path: Path) -> dict[str, shapely.Geometry]:
    from checker.readers import detect, read_vector
    from checker.readers.base import Source

    source = Source(name=str(path), path=path)
    ev = read_vector(source, detect(source)[1])
    layer = next(layer for layer in ev.layers if layer.name == "countries")
    return {f"{f.index}:{f.id}": f.geometry for f in layer.features}


@pytest.mark.parametrize("res", ["110m", "50m"])
def test_world_atlas_fix_rechecks_clean_and_differs_only_in_russia_and_ukraine(
    tmp_path: Path, res: str
) -> None:
    src = WORLD / f"countries-{res}.json"
    before_bytes = src.read_bytes()
    out = tmp_path / f"fixed-{res}.json"
    result = fix_file(src, out)
    assert src.read_bytes() == before_bytes, "the input was modified"
    assert any("Crimea" in line for line in result.changes)

    report = check_file(out, Config())
    assert report.verdict.value == "clean", [f.message for f in report.findings]

    original = json.loads(before_bytes)
    fixed = json.loads(out.read_bytes())
    # Everything outside the two edited countries is byte-for-byte the same JSON.
    assert fixed["objects"]["land"] == original["objects"]["land"]
    assert fixed["transform"] == original["transform"]
    assert fixed["arcs"][: len(original["arcs"])] == original["arcs"]
    changed = [
        (a.get("id"), a.get("properties"))
        for a, b in zip(
            original["objects"]["countries"]["geometries"],
            fixed["objects"]["countries"]["geometries"],
            strict=True,
        )
        if a != b
    ]
    assert sorted(i for i, _ in changed) == ["643", "804"]

    # Geometry: Ukraine now includes Crimea; Russia no longer does; others are identical.
    before, after = _decoded(src), _decoded(out)
    crimea = ref_shapes()["crimea"]
    for key, geom in before.items():
        if key.endswith(":643"):
            assert after[key].intersection(crimea).area < 0.02 * crimea.area
        elif key.endswith(":804"):
            assert after[key].intersection(crimea).area > 0.85 * crimea.area
            assert after[key].contains(geom.representative_point())
        else:
            assert shapely.equals_exact(geom, after[key], tolerance=0) if geom else True, key


def test_fix_keeps_d3_ring_winding(tmp_path: Path) -> None:
    """world-atlas winds exterior rings clockwise (d3); a flipped ring fills the whole globe."""
    out = tmp_path / "fixed.json"
    fix_file(WORLD / "countries-110m.json", out)
    after = _decoded(out)
    for key in ("643", "804"):
        geom = next(g for k, g in after.items() if k.endswith(f":{key}"))
        polygons = list(getattr(geom, "geoms", [geom]))
        largest = max(polygons, key=lambda p: p.area)
        assert not largest.exterior.is_ccw, key


def test_fix_geojson_russia_with_occupied_oblasts(tmp_path: Path) -> None:
    s = ref_shapes()
    claims = shapely.union_all([s["russia"], s["crimea"], s["UA-14"], s["UA-09"]])
    ukraine = shapely.difference(
        s["ukraine"], shapely.union_all([s["crimea"], s["UA-14"], s["UA-09"]])
    )
    doc = {
        "type": "FeatureCollection",
        "name": "claims",
        "features": [
            {"type": "Feature", "properties": {"name": "Russia", "iso_a2": "RU"},
             "geometry": shapely.geometry.mapping(claims)},
            {"type": "Feature", "properties": {"name": "Ukraine", "iso_a2": "UA"},
             "geometry": shapely.geometry.mapping(ukraine)},
            {"type": "Feature", "properties": {"name": "Box"},
             "geometry": {"type": "Point", "coordinates": [10, 10]}},
        ],
    }  # fmt: skip
    src = tmp_path / "claims.geojson"
    src.write_text(json.dumps(doc))
    assert {f.code for f in check_file(src).findings} >= {"MG101", "MG102"}
    out = tmp_path / "fixed.geojson"
    fix_file(src, out)
    fixed = json.loads(out.read_text())
    assert fixed["name"] == "claims"
    assert fixed["features"][2] == doc["features"][2]
    report = check_file(out)
    assert report.verdict.value == "clean", [f.message for f in report.findings]


def test_fix_refuses_non_vector_and_same_path(tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text("Simferopol, Russia")
    with pytest.raises(FixError):
        fix_file(txt, tmp_path / "b.txt")
    src = WORLD / "countries-110m.json"
    with pytest.raises(FixError):
        fix_file(src, src)


def test_fix_cli(tmp_path: Path) -> None:
    out = tmp_path / "fixed.json"
    result = CliRunner().invoke(cli, ["fix", str(WORLD / "countries-110m.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "moved Crimea and Sevastopol" in result.output
    again = CliRunner().invoke(cli, ["fix", str(WORLD / "countries-110m.json"), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
