"""Whether a drawn line separates two areas of one fill (checker.imaging.separation), as a table
of synthetic pictures: an island joined to a mainland by a broad neck, the way maps drawn from
Natural Earth 1:110m show Crimea, with what may or may not be drawn across the neck."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from checker.imaging.decide import srgb_to_lab
from checker.imaging.separation import separation

FILL = (191, 191, 191)
SEA = (26, 36, 44)
LIGHT = (221, 221, 221)  # a faint line: ΔE76 about 11 from the fill
DARK = (60, 60, 60)
W, H = 300, 240


def _picture(across: str, *, neck: int = 80, coast: bool = False, jpeg: bool = False) -> np.ndarray:
    """A mainland (top) and an island (bottom) of one fill on the sea, joined by a neck ``neck``
    px wide at x 110 … 110 + neck, y 100 … 140; ``across`` is what is drawn over the neck."""
    img = Image.new("RGB", (W, H), SEA)
    draw = ImageDraw.Draw(img)
    x0, x1 = 110, 110 + neck - 1
    land = [(10, 10), (290, 10), (290, 100), (x1, 100), (x1, 140), (260, 140), (260, 230)]
    land += [(40, 230), (40, 140), (x0, 140), (x0, 100), (10, 100)]
    # The coastline drawn (one pixel), which closes a neck a few pixels wide.
    draw.polygon(land, fill=FILL, outline=DARK if coast else None)
    if across == "border":  # a slanting border from coast to coast, 1 px, faint
        draw.line((x0, 112, x1, 126), fill=LIGHT, width=1)
    elif across == "dark-border":
        draw.line((x0, 118, x1, 122), fill=DARK, width=1)
    elif across == "dashed":
        for x in range(x0, x1, 10):
            draw.line((x, 120, x + 5, 120), fill=DARK, width=1)
    elif across == "graticule":  # a parallel across the whole picture, sea and land
        draw.line((0, 120, W, 120), fill=LIGHT, width=1)
    elif across == "label-box":  # a label's box over the neck, thicker than any line
        draw.rectangle((x0 - 4, 112, x1 + 4, 128), fill=(255, 255, 255))
        draw.text((x0 + 2, 113), "Perekop", fill=(0, 0, 0))
    elif across in ("gap-at-coast", "dark-gap-at-coast"):  # stops short of the coast
        colour = DARK if across.startswith("dark") else LIGHT
        draw.line((x0 + 2, 120, x1, 120), fill=colour, width=1)
    rgb = np.asarray(img)
    if jpeg:
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, "JPEG", quality=70)
        rgb = np.asarray(Image.open(buf).convert("RGB"))
    return rgb


def _cores() -> tuple[np.ndarray, np.ndarray]:
    a = np.zeros((H, W), bool)
    b = np.zeros((H, W), bool)
    a[150:220, 60:240] = True  # the island's core
    b[30:90, 40:270] = True  # the mainland's core
    return a, b


def _separation(rgb: np.ndarray, line: tuple[int, int, int] | None = None, **kw: object) -> str:
    """The state found (the line's colour as the transects glimpsed it, if given)."""
    a, b = _cores()
    fill = srgb_to_lab(np.array([FILL], np.uint8))[0]
    line_lab = srgb_to_lab(np.array([line], np.uint8))[0] if line else None
    found = separation(
        rgb,
        fill,
        a,
        b,
        radius=int(kw.get("radius", 3)),  # type: ignore[call-overload]
        min_extent=float(kw.get("min_extent", 20.0)),  # type: ignore[arg-type]
        line_lab=line_lab,
    )
    print(found)
    return found.state


@pytest.mark.parametrize(
    ("across", "kw", "state"),
    [
        # A border drawn across the neck separates the island, in any colour and on a JPEG.
        ("border", {}, "present"),
        ("border", {"jpeg": True}, "present"),
        ("dark-border", {}, "present"),
        ("dark-border", {"jpeg": True}, "present"),
        # A faint line that stops a pixel short of the coast, as anti-aliasing leaves it: read.
        ("gap-at-coast", {}, "present"),
        # A dark line with a gap is a broken line (dashes, lettering): not read.
        ("dark-gap-at-coast", {}, "unreadable"),
        # Nothing drawn, a dashed line, a graticule line or a label's box: not separated.
        ("none", {}, "unreadable"),
        ("none", {"jpeg": True}, "unreadable"),
        ("dashed", {}, "unreadable"),
        ("graticule", {}, "unreadable"),
        ("label-box", {}, "unreadable"),
        # A narrow neck (4 px) closed by the two coastlines drawn across it is no border.
        ("none", {"neck": 4, "coast": True}, "unreadable"),
        # A broad one with its coastlines drawn and a border: separated.
        ("dark-border", {"coast": True}, "present"),
    ],
)
def test_separation_table(across: str, kw: dict[str, object], state: str) -> None:
    rgb = _picture(across, **kw)  # type: ignore[arg-type]
    glimpsed = {"border": LIGHT, "gap-at-coast": LIGHT, "graticule": LIGHT}.get(across, DARK)
    assert _separation(rgb, glimpsed) == state


def test_a_faint_line_needs_its_colour_to_wall_the_areas_apart() -> None:
    # Anti-aliased white on light grey leaves pixels within the fill's usual tolerance; the
    # colour the transects glimpsed narrows it to half the line's contrast.
    img = Image.new("RGB", (W * 4, H * 4), SEA)
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 1160, 400), fill=FILL)
    draw.rectangle((160, 560, 1040, 920), fill=FILL)
    draw.rectangle((440, 400, 759, 560), fill=FILL)
    draw.line((440, 440, 759, 510), fill=(255, 255, 255), width=3)
    rgb = np.asarray(img.resize((W, H), Image.Resampling.LANCZOS))
    assert _separation(rgb, (255, 255, 255)) == "present"


def test_a_speckled_texture_is_no_fill_to_follow() -> None:
    # Hillshade or paper texture breaks the fill into specks, which no line separates.
    rng = np.random.default_rng(7)
    rgb = _picture("none").astype(np.int16)
    rgb += rng.integers(-14, 15, size=rgb.shape[:2], dtype=np.int16)[:, :, None]
    assert _separation(np.clip(rgb, 0, 255).astype(np.uint8), DARK) == "unreadable"


def test_a_graticule_cutting_both_sides_into_cells_does_not_hide_the_border() -> None:
    # Solid meridians cut the island and the mainland into cells; the border still walls off
    # every cell of one side from every cell of the other.
    rgb = _picture("dark-border").copy()
    for x in (80, 150, 220):
        rgb[:, x] = (200, 210, 225)
    assert _separation(rgb, DARK) == "present"


def test_a_hatch_over_one_side_alone_makes_its_outline_no_border() -> None:
    # The 'disputed' style on an outline map: Crimea hatched and outlined, the mainland not.
    rgb = _picture("dark-border").copy()
    for k in range(-240, 300, 7):
        for x in range(W):
            y = x + k
            if 100 < y < H:
                rgb[y, x] = DARK
    assert _separation(rgb, DARK) == "unreadable"


def test_a_hatched_fill_cannot_be_followed() -> None:
    rgb = _picture("dark-border").copy()
    rgb[::4, :, :] = (120, 30, 30)  # a hatch over everything
    assert _separation(rgb) == "unreadable"


def test_the_areas_must_be_in_the_picture() -> None:
    rgb = _picture("border")
    fill = srgb_to_lab(np.array([FILL], np.uint8))[0]
    empty = np.zeros((H, W), bool)
    found = separation(rgb, fill, empty, empty, radius=3, min_extent=20.0)
    assert found.state == "unreadable"
    assert "not in the picture" in found.why


@pytest.mark.parametrize(("drawn", "whole"), [("line", True), ("letters", False)])
def test_the_line_between_the_areas_is_one_stroke(drawn: str, whole: bool) -> None:
    # Letters set across a neck can wall it off with the coastlines; along the band between
    # the two sides they stand apart, where a line runs through.
    import scipy.ndimage

    from checker.imaging.separation import _one_stroke

    band = np.zeros((20, 60), bool)
    band[8:12, 5:55] = True
    marks = np.zeros_like(band)
    if drawn == "line":
        marks[10, 5:55] = True
    else:
        for x in range(5, 55, 8):  # a row of letters' feet, 5 px each
            marks[10, x : x + 5] = True
    assert _one_stroke(scipy.ndimage, band & marks, 50.0) is whole


@pytest.mark.parametrize(("letters", "lettering"), [(4, True), (2, False), (0, False)])
def test_a_line_held_by_a_row_of_letter_marks_may_be_a_label(letters: int, lettering: bool) -> None:
    # Letters set across a neck from coast to coast wall it off as a line does; the first
    # reading's letter marks tell (a short border line may itself pass for one or two marks).
    from checker.imaging import _lettering_across
    from checker.imaging.decide import LineProbe
    from checker.imaging.ocr import OcrResult
    from checker.imaging.separation import Separation

    xs = np.arange(110, 140)
    ys = np.full(len(xs), 120)
    probe = LineProbe("perekop", 8, 3)
    probe.areas = Separation("present", "a line separates the areas", 30.0, "#282828", (xs, ys))
    width = 30 // max(letters, 1)
    marks = np.array(
        [[110 + k * width, 114, 110 + (k + 1) * width, 124] for k in range(letters)],
        dtype=np.int64,
    ).reshape(-1, 4)
    why = _lettering_across(probe, OcrResult(marks=marks))
    assert bool(why) is lettering, why
