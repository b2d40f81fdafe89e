"""amCharts 3 (ammap) map files: SVG paths placed by the map's own projection and bounds.

The maps here are built from the reference shapes (simplified), projected to Mercator pixels the
way ammap lays them out, and written in ammap's module shape (``AmCharts.maps.x = {"svg":
{"defs": {"amcharts:ammap": …}, "g": {"path": [...]}}}``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from checker.config import Config
from checker.engine import check_paths
from checker.readers.base import Source
from checker.readers.detect import detect
from checker.readers.jsmodule import read_jsmodule
from tests.conftest import ref_shapes

WEST, EAST, NORTH, SOUTH = 20.0, 42.0, 53.0, 43.0


def _y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _path(geom: BaseGeometry) -> str:
    """An SVG path of ``geom``'s outer rings in pixels (1 px per 0.01° of longitude)."""
    parts = []
    polys = getattr(geom, "geoms", [geom])
    top = _y(NORTH)
    scale = 100.0 / 1.0  # px per degree of longitude
    for poly in polys:
        coords = np.asarray(poly.simplify(0.02).exterior.coords)
        xs = (coords[:, 0] - WEST) * scale
        ys = (top - np.array([_y(v) for v in coords[:, 1]])) * scale * 180 / math.pi
        pts = "L".join(f"{x:.2f},{y:.2f}" for x, y in zip(xs, ys, strict=True))
        parts.append(f"M{pts}z")
    return "".join(parts)


def _module(areas: list[tuple[str, str, BaseGeometry]], projection: str = "mercator") -> str:
    frame = shapely.box(WEST, SOUTH, EAST, NORTH)
    paths = [{"id": i, "title": t, "d": _path(g.intersection(frame))} for i, t, g in areas]
    # A frame that fixes the paths' bounding box to the declared edges.
    paths.append({"id": "frame", "title": "frame", "d": _path(frame.exterior.buffer(0.01))})
    obj = {
        "svg": {
            "defs": {
                "amcharts:ammap": {
                    "projection": projection,
                    "leftLongitude": str(WEST - 0.01),
                    "topLatitude": str(NORTH + 0.01),
                    "rightLongitude": str(EAST + 0.01),
                    "bottomLatitude": str(SOUTH - 0.01),
                }
            },
            "g": {"path": paths},
        }
    }
    return "// (c) a test map\nAmCharts.maps.testLow=" + json.dumps(obj) + ";\n"


@pytest.fixture(scope="module")
def shapes() -> dict[str, BaseGeometry]:
    return ref_shapes()


def _check(tmp_path: Path, text: str) -> tuple[str, set[str]]:
    path = tmp_path / "testLow.js"
    path.write_text(text, encoding="utf-8")
    (report,) = check_paths([path], Config())
    return report.verdict.value, {f.code for f in report.findings}


def test_an_ammap_map_is_placed_by_its_own_bounds(
    shapes: dict[str, BaseGeometry], tmp_path: Path
) -> None:
    text = _module([("UA", "Ukraine", shapes["ukraine"]), ("RU", "Russia", shapes["russia"])])
    path = tmp_path / "placed.js"
    path.write_text(text, encoding="utf-8")
    source = Source(str(path), path=path)
    assert detect(source) == ("vector", "jsmodule")
    ua = next(f for f in read_jsmodule(source).layers[0].features if f.id == "UA")
    minx, miny, maxx, maxy = ua.geometry.bounds
    assert abs(minx - 22.1) < 0.3 and abs(maxx - 40.2) < 0.3
    assert abs(miny - 44.4) < 0.3 and abs(maxy - 52.4) < 0.3


def test_crimea_in_russias_path_is_flagged(shapes: dict[str, BaseGeometry], tmp_path: Path) -> None:
    ukraine = shapely.difference(shapes["ukraine"], shapes["crimea"])
    russia = shapely.union(shapes["russia"], shapes["crimea"])
    verdict, codes = _check(
        tmp_path, _module([("UA", "Ukraine", ukraine), ("RU", "Russia", russia)])
    )
    assert verdict == "flag" and "MG101" in codes


def test_crimea_in_ukraines_path_is_clean(shapes: dict[str, BaseGeometry], tmp_path: Path) -> None:
    verdict, codes = _check(
        tmp_path,
        _module([("UA", "Ukraine", shapes["ukraine"]), ("RU", "Russia", shapes["russia"])]),
    )
    assert (verdict, codes) == ("clean", set())


def test_an_unread_projection_is_an_error(shapes: dict[str, BaseGeometry], tmp_path: Path) -> None:
    text = _module([("UA", "Ukraine", shapes["ukraine"])], projection="eckert6")
    path = tmp_path / "eckert.js"
    path.write_text(text, encoding="utf-8")
    (report,) = check_paths([path], Config())
    assert report.verdict.value == "error"
    assert [f.code for f in report.findings] == ["ME904"]


def test_a_jqvmap_map_is_drawn_as_a_labelled_svg(tmp_path: Path) -> None:
    """jqvmap (``vectorMap('addMap', …, {width, height, paths})``) has no projection to place
    its paths by: it is drawn as a labelled SVG and goes through the picture pipeline, never
    read as text and called clean unchecked."""
    text = (
        'jQuery.fn.vectorMap(\'addMap\', \'test_en\', {"width":100,"height":60,"paths":{'
        '"ua":{"path":"M10,10L40,10L40,30L10,30z","name":"Ukraine"},'
        '"ru":{"path":"M40,10L90,10L90,40L40,40z","name":"Russia"}}});\n'
    )
    path = tmp_path / "jquery.vmap.test.js"
    path.write_text(text, encoding="utf-8")
    assert detect(Source(str(path), path=path)) == ("image", "svgkit")
    (report,) = check_paths([path], Config())
    assert report.kind == "image"
    assert any("jqvmap" in note for note in report.notes)
