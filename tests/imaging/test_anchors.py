"""Georeferencing by place-name labels: city markers, the pose the labels agree on, and the
pipeline that falls back on it when the coastline search fails."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from checker import imaging
from checker.config import Config
from checker.engine import check_file
from checker.imaging import anchors, ocr
from checker.imaging.anchors import Anchor, find_anchors, fit, registration
from checker.imaging.ocr import PlaceHit
from checker.model import Verdict
from tests.imaging import maps
from tests.imaging.maps import FONT, Style, projection, render

needs_ocr = pytest.mark.skipif(ocr.unavailable() is not None, reason=str(ocr.unavailable() or ""))
needs_font = pytest.mark.skipif(not FONT.exists(), reason="DejaVu Sans is not installed")

#: Cities of Crimea and the south (gazetteer ids, lon/lat as shipped).
CITIES = {
    "Sevastopol": ("694423", 33.5213, 44.6080),
    "Simferopol": ("693805", 34.1108, 44.9572),
    "Kerch": ("706524", 36.4754, 45.3567),
    "Yevpatoriya": ("688105", 33.3665, 45.2009),
    "Yalta": ("688533", 34.1662, 44.5022),
    "Dzhankoy": ("709334", 34.3927, 45.7131),
    "Kherson": ("706448", 32.6146, 46.6369),
}


def _hit(
    name: str, box: tuple[int, int, int, int], lonlat: tuple[float, float] | None = None
) -> PlaceHit:
    pid, lon, lat = CITIES[name]
    return PlaceHit(name, pid, "region", lonlat or (lon, lat), 90.0, box=box, kind="city")


# --- markers ----------------------------------------------------------------------------------


def _label_picture(
    marker: str, text: str = "Simferopol", background: str = "plain"
) -> tuple[np.ndarray, tuple[int, int, int, int], tuple[float, float] | None]:
    """A 240 × 60 picture with one label (12 pt) and its marker drawn as asked; the label's box
    as tesseract would give it, and where the marker's centre is."""
    from tests.imaging.maps import _font

    img = Image.new("RGB", (240, 60), (250, 250, 250))
    draw = ImageDraw.Draw(img)
    if background == "coast":  # the dot set on the edge of a grey land fill
        draw.rectangle([0, 0, 78, 60], fill=(200, 200, 200))
    if background == "line":  # a border running through the label's row
        draw.line([(0, 31), (240, 31)], fill=(90, 90, 90), width=1)
    font = _font(12)
    x0, y0, x1, y1 = (int(v) for v in draw.textbbox((90, 24), text, font=font))
    draw.text((90, 24), text, fill=(20, 20, 20), font=font)
    centre = None
    box = (x0, y0, x1, y1)
    cy = (y0 + y1) / 2
    if marker in ("left", "inside"):
        centre = (x0 - 10.0, cy)
    elif marker == "right":
        centre = (x1 + 10.0, cy)
    if centre is not None:
        cx, cy = centre
        draw.ellipse([cx - 3, cy - 3, cx + 3, cy + 3], fill=(20, 20, 20))
        centre = (cx + 0.5, cy + 0.5)
    if marker == "inside":  # tesseract read the dot as a glyph: "• Simferopol"
        box = (x0 - 14, y0, x1, y1)
    return np.asarray(img), box, centre


@needs_font
@pytest.mark.parametrize(
    ("marker", "background"),
    [
        ("left", "plain"),
        ("right", "plain"),
        ("inside", "plain"),
        ("left", "coast"),
        ("left", "line"),
        ("none", "plain"),
        ("none", "coast"),
        ("none", "line"),
    ],
)
def test_marker_beside_a_label(marker: str, background: str) -> None:
    rgb, box, centre = _label_picture(marker, background=background)
    found = anchors._marker(rgb, box)
    if centre is None:
        assert found is None  # no letter, fill edge or line is taken for a marker
    else:
        assert found is not None
        assert math.hypot(found[0] - centre[0], found[1] - centre[1]) <= 2.0


@needs_font
def test_marker_between_two_labels_is_the_nearer_ones() -> None:
    from tests.imaging.maps import _font

    img = Image.new("RGB", (300, 40), (250, 250, 250))
    draw = ImageDraw.Draw(img)
    font = _font(12)
    draw.text((20, 12), "Sevastopol", fill=(20, 20, 20), font=font)
    first = tuple(int(v) for v in draw.textbbox((20, 12), "Sevastopol", font=font))
    x = first[2] + 14
    draw.ellipse([x - 3, 15, x + 3, 21], fill=(20, 20, 20))
    draw.text((x + 6, 12), "Yalta", fill=(20, 20, 20), font=font)
    second = tuple(int(v) for v in draw.textbbox((x + 6, 12), "Yalta", font=font))
    found = {
        a.place.name: a
        for a in find_anchors(
            np.asarray(img),
            [_hit("Sevastopol", first), _hit("Yalta", second)],  # type: ignore[arg-type]
        )
    }
    assert found["Yalta"].marker
    assert not found["Sevastopol"].marker  # its label's centre, with a label-wide tolerance
    assert found["Sevastopol"].tol_x > 20


# --- the fit ----------------------------------------------------------------------------------

#: A close-up of Crimea in plate carrée with the cos 45° aspect, 60 px per degree of latitude.
SX, SY, TX, TY = 60 * math.cos(math.radians(45)), 60.0, -1350.0, 2800.0


def _pixel(lon: float, lat: float, zoom: float = 1.0) -> tuple[float, float]:
    return zoom * (SX * lon + TX), zoom * (-SY * lat + TY)


def _anchors(names: list[str], noise: float = 0.8, seed: int = 1) -> list[Anchor]:
    rng = np.random.default_rng(seed)
    out = []
    for i, name in enumerate(names):
        _, lon, lat = CITIES[name]
        x, y = _pixel(lon, lat)
        box = (int(x) + 6, int(y) - 5 + i, int(x) + 60, int(y) + 5 + i)
        dx, dy = rng.normal(0, noise, 2)
        out.append(Anchor(_hit(name, box), x + dx, y + dy, 4.0, 4.0, True))
    return out


FIVE = ["Sevastopol", "Simferopol", "Kerch", "Yevpatoriya", "Yalta"]


def test_fit_recovers_the_pose() -> None:
    found = fit(_anchors(FIVE), (400, 300))
    assert found is not None
    assert found.projection == "plate-carree"
    assert len(found.anchors) == 5 and found.outliers == 0
    assert found.rms_px < 2.0
    assert found.standalone
    assert anchors.holds_crimea(found, (400, 300))
    x, y = found.to_pixel(np.array([34.2]), np.array([45.3]))
    assert math.hypot(float(x[0]) - _pixel(34.2, 45.3)[0], float(y[0]) - _pixel(34.2, 45.3)[1]) < 2
    reg = registration(found)
    assert reg.method == "labels"
    assert reg.projection == "plate-carree-cos45"
    assert reg.params["rms_px"] == pytest.approx(found.rms_px)
    assert len(reg.anchors) == 5  # ringed on the evidence picture
    rx, ry = reg.to_pixel(np.array([34.2]), np.array([45.3]))
    assert float(rx[0]) == pytest.approx(float(x[0])) and float(ry[0]) == pytest.approx(float(y[0]))


def test_fit_drops_a_misread_label_and_a_homonym() -> None:
    good = _anchors(FIVE)
    # "Kherson" read where Kerch's label is (a homonym of the same box): the pose puts Kerch
    # there, not Kherson.
    kerch = next(a for a in good if a.place.name == "Kerch")
    homonym = Anchor(_hit("Kherson", kerch.place.box), kerch.x, kerch.y, 4.0, 4.0, True)  # type: ignore[arg-type]
    # A label read 80 px from where its place is.
    dzh = _anchors(["Dzhankoy"])[0]
    misread = Anchor(dzh.place, dzh.x + 80, dzh.y - 40, 4.0, 4.0, True)
    found = fit([*good, homonym, misread], (400, 300))
    assert found is not None
    assert sorted(a.place.name for a in found.anchors) == sorted(FIVE)
    assert found.outliers == 1  # the misread label (the homonym shares Kerch's box)
    assert found.rms_px < 2.0


def test_no_fit_from_two_labels() -> None:
    assert fit(_anchors(["Sevastopol", "Simferopol"]), (400, 300)) is None


def test_no_fit_from_labels_in_a_row() -> None:
    # Three labels a few pixels apart north-south: no reading of that axis's scale.
    row = []
    for i, (name, lon) in enumerate([("Yevpatoriya", 33.4), ("Simferopol", 34.1), ("Kerch", 36.5)]):
        x, y = _pixel(lon, 45.2 + 0.03 * i)
        hit = _hit(name, (int(x) + 6, int(y) - 5, int(x) + 60, int(y) + 5), (lon, 45.2 + 0.03 * i))
        row.append(Anchor(hit, x, y, 4.0, 4.0, True))
    assert fit(row, (400, 300)) is None


def test_three_labels_seed_but_do_not_stand_alone() -> None:
    found = fit(_anchors(["Sevastopol", "Kerch", "Dzhankoy"]), (400, 300))
    assert found is not None and len(found.anchors) == 3
    assert not found.standalone


def test_centre_anchors_tolerate_labels_set_beside_their_places() -> None:
    # No markers found: each label's centre, half a label's width off, with that tolerance
    # (a close-up: Crimea ~400 px across, labels 60 px wide).
    out = []
    for i, name in enumerate([*FIVE, "Dzhankoy"]):
        _, lon, lat = CITIES[name]
        x, y = _pixel(lon, lat, zoom=3.0)
        box = (int(x) + 4, int(y) - 6 + i % 2, int(x) + 64, int(y) + 6 + i % 2)
        out.append(Anchor(_hit(name, box), x + 34, y, 0.5 * 60 + 12, 12.0, False))
    found = fit(out, (1200, 900))
    assert found is not None and len(found.anchors) == 6
    assert not found.anchors[0].marker
    # Every label sits 34 px east of its place: the pose is off by as much, no more.
    fx, _ = found.to_pixel(np.array([34.2]), np.array([45.3]))
    assert abs(float(fx[0]) - _pixel(34.2, 45.3, zoom=3.0)[0] - 34) < 6


# --- the pipeline -----------------------------------------------------------------------------

SOUTH_CLOSE = (31.5, 43.9, 38.0, 47.2)


@needs_ocr
@needs_font
@pytest.mark.parametrize(
    ("crimea", "verdict"), [(maps.RUSSIA, Verdict.FLAG), (None, Verdict.CLEAN)]
)
def test_labels_georeference_when_the_coastline_search_fails(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    crimea: tuple[int, int, int] | None,
    verdict: Verdict,
) -> None:
    labels = tuple(
        (name, lon, lat, 18) for name, (_, lon, lat) in CITIES.items() if name != "Yalta"
    )
    reg, size = projection(SOUTH_CLOSE, 900, kind="cos")
    rgb = render(Style(crimea=crimea, labels=labels), reg, size)  # type: ignore[arg-type]
    path = tmp_path / "close-up.png"
    Image.fromarray(rgb).save(path)

    def georeference(loaded: object, notes: list[str]) -> tuple[None, str]:
        return None, "not georeferenced: no match for the Black Sea coastline (test)"

    monkeypatch.setattr(imaging, "georeference", georeference)
    report = check_file(path, Config(ocr=True))
    assert report.verdict is verdict, report.notes
    assert any("place labels" in n for n in report.notes), report.notes
    evidence = tmp_path / "ev"
    report = check_file(path, Config(ocr=True, evidence_dir=evidence))
    (picture,) = evidence.iterdir()
    drawn = np.asarray(Image.open(picture).convert("RGB"))
    assert (drawn == (110, 0, 170)).all(axis=-1).sum() > 50  # rings at the labels' places
    if verdict is Verdict.FLAG:
        assert "MI201" in {f.code for f in report.findings}


def test_many_labels_are_capped_and_fitted_once() -> None:
    # A map of 60 places (a dense city map): at most MAX_FIT_ANCHORS are fitted.
    rng = np.random.default_rng(3)
    many = []
    for i in range(60):
        lon, lat = float(rng.uniform(30, 40)), float(rng.uniform(43, 48))
        x, y = _pixel(lon, lat)
        hit = PlaceHit(
            f"p{i}", str(i), "region", (lon, lat), 90.0, box=(int(x), i, int(x) + 40, i + 10)
        )
        many.append(Anchor(hit, x, y, 4.0, 4.0, True))
    found = fit(many, (600, 400))
    assert found is not None
    assert len(found.anchors) == anchors.MAX_FIT_ANCHORS
    assert found.rms_px < 1e-6
