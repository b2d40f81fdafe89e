"""Legend swatches: the colour beside a country's name in a legend, and what it settles."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from checker import imaging
from checker.imaging import legend
from checker.imaging.decide import (
    RUSSIA,
    UKRAINE,
    UNDETERMINED,
    Assessment,
    ImageDecision,
    srgb_to_lab,
)
from checker.imaging.ocr import OcrLine, OcrResult
from tests.imaging import maps
from tests.imaging.test_decide import _sample

RED = (200, 40, 50)
BLUE = (40, 70, 190)
YELLOW = (240, 210, 60)


def legend_picture(
    entries: list[tuple[str, tuple[int, int, int] | None, str]],
    size: tuple[int, int] = (320, 200),
    texture: bool = False,
    pitch: int = 26,
) -> tuple[np.ndarray, list[OcrLine]]:
    """A white legend box on a grey map: per entry a name and a 14 px swatch on its ``side``
    ("left" or "right"), or none; returns the picture and the lines as OCR would box them."""
    img = Image.new("RGB", size, (210, 210, 210))
    draw = ImageDraw.Draw(img)
    draw.rectangle(
        [10, 10, 200, 30 + pitch * len(entries)], fill=(255, 255, 255), outline=(0, 0, 0)
    )
    font = maps._font(14)
    lines: list[OcrLine] = []
    rng = np.random.default_rng(1)
    for i, (name, colour, side) in enumerate(entries):
        y = 22 + pitch * i
        tx = 42 if side == "left" else 20
        box = draw.textbbox((tx, y), name, font=font)
        draw.text((tx, y), name, fill=(20, 20, 20), font=font)
        lines.append(OcrLine(name, 92.0, (box[0], box[1], box[2], box[3])))
        if colour is None:
            continue
        sx = 20 if side == "left" else box[2] + 8
        draw.rectangle([sx, y, sx + 14, y + 14], fill=colour, outline=(60, 60, 60))
    arr = np.asarray(img).copy()
    if texture:  # a fine noise over everything, as a textured map's JPEG has
        arr = np.clip(arr + rng.normal(0, 4, arr.shape), 0, 255).astype(np.uint8)
    return arr, lines


@pytest.mark.parametrize(
    ("entries", "texture", "expected"),
    [
        # Swatches left of the names, the way legends draw them.
        (
            [("Russia", RED, "left"), ("Ukraine", YELLOW, "left")],
            False,
            {"Russia": RED, "Ukraine": YELLOW},
        ),
        # Right of the name.
        ([("Russia", BLUE, "right")], False, {"Russia": BLUE}),
        # Ukrainian and Russian names.
        (
            [("Росія", RED, "left"), ("Украина", BLUE, "left")],
            False,
            {"Russia": RED, "Ukraine": BLUE},
        ),
        # Noise over the picture: the median colour still.
        ([("Russia", RED, "left")], True, {"Russia": RED}),
        # A name without a swatch, and another country's entry: nothing.
        ([("Russia", None, "left"), ("Turkey", RED, "left")], False, {}),
    ],
)
def test_country_swatches(
    entries: list[tuple[str, Any, str]], texture: bool, expected: dict[str, Any]
) -> None:
    rgb, lines = legend_picture(entries, texture=texture)
    found = {sw.country: sw for sw in legend.country_swatches(lines, rgb)}
    assert set(found) == set(expected)
    for country, colour in expected.items():
        want = srgb_to_lab(np.array([colour], np.uint8))[0]
        got = np.array(found[country].lab)
        assert float(np.abs(got - want).max()) < 3.0, (country, found[country])


def test_a_swatch_read_as_a_word_before_the_name() -> None:
    rgb, lines = legend_picture([("Russia", RED, "left"), ("Ukraine", YELLOW, "left")])
    # OCR reads the swatch as "Co": the line's box then starts at the swatch.
    first = lines[0]
    lines[0] = OcrLine("Co " + first.text, first.conf, (18, *first.box[1:]))
    found = {sw.country: sw for sw in legend.country_swatches(lines, rgb)}
    assert set(found) == {"Russia", "Ukraine"}
    assert found["Russia"].text == "Russia"
    want = srgb_to_lab(np.array([RED], np.uint8))[0]
    assert float(np.abs(np.array(found["Russia"].lab) - want).max()) < 3.0


def test_each_entry_has_its_own_swatch_when_entries_are_close() -> None:
    # Rows 17 px apart: the entry above's swatch is as near, sideways, as the entry's own.
    rgb, lines = legend_picture([("Russia", RED, "left"), ("Ukraine", BLUE, "left")], pitch=17)
    found = {sw.country: sw for sw in legend.country_swatches(lines, rgb)}
    for country, colour in (("Russia", RED), ("Ukraine", BLUE)):
        want = srgb_to_lab(np.array([colour], np.uint8))[0]
        assert float(np.abs(np.array(found[country].lab) - want).max()) < 3.0, found[country]


def test_a_picture_beside_a_name_is_no_swatch() -> None:
    rgb, lines = legend_picture([("Russia", None, "left")])
    rng = np.random.default_rng(2)
    rgb[20:36, 20:34] = rng.integers(0, 255, (16, 14, 3), dtype=np.uint8)  # a photo-like patch
    assert legend.country_swatches(lines, rgb) == []


# --- what the swatches settle -----------------------------------------------------------------


def _decision(
    crimea: tuple[int, int, int], outcome: str, around: dict[str, tuple[int, int, int]]
) -> ImageDecision:
    samples = {"crimea": _sample("crimea", crimea)}
    samples.update({key: _sample(key, colour) for key, colour in around.items()})
    return ImageDecision(
        width=320,
        height=200,
        registration=None,
        crimea=Assessment("crimea", outcome, 0.0, ["neither Russia nor Ukraine is in view"]),
        mainland=Assessment("mainland", UNDETERMINED, 0.0),
        crimea_px=300.0,
        samples=samples,
    )


RU_UA = [("Russia", RED, "left"), ("Ukraine", YELLOW, "left")]
CLOSE_SHADES = [("Russia", (0xAF, 0xCA, 0xC6), "left"), ("Ukraine", (0xB6, 0xB9, 0xBE), "left")]
SAGE = (0xAF, 0xC7, 0xC8)
BETWEEN = (0xB3, 0xC2, 0xC2)


@pytest.mark.parametrize(
    ("crimea", "entries", "around", "before", "after"),
    [
        # Crimea in the legend's red for Russia, not its yellow for Ukraine: drawn as Russia.
        (RED, RU_UA, {}, UNDETERMINED, RUSSIA),
        # Only Russia's entry read, Crimea in its colour, the mainland in another: Russia.
        (RED, [("Russia", RED, "left")], {"mainland": YELLOW}, UNDETERMINED, RUSSIA),
        # ... but nothing Ukrainian in the picture to show Ukraine's colour differs: nothing.
        (RED, [("Russia", RED, "left")], {}, UNDETERMINED, UNDETERMINED),
        # ... or unoccupied Ukraine in that same colour (one fill for both): nothing.
        (RED, [("Russia", RED, "left")], {"ukraine": RED}, UNDETERMINED, UNDETERMINED),
        (RED, RU_UA, {"ukraine": RED}, UNDETERMINED, UNDETERMINED),
        # The occupied mainland in Russia's colour too is no objection.
        (RED, RU_UA, {"mainland": RED}, UNDETERMINED, RUSSIA),
        # Crimea in Ukraine's colour: Ukraine's.
        (YELLOW, RU_UA, {}, UNDETERMINED, UKRAINE),
        # Only Ukraine's entry: Russia's own fill in the picture must differ.
        (YELLOW, [("Ukraine", YELLOW, "left")], {"russia": RED}, UNDETERMINED, UKRAINE),
        (YELLOW, [("Ukraine", YELLOW, "left")], {}, UNDETERMINED, UNDETERMINED),
        # The legend gives both countries one colour: it says nothing.
        (RED, [("Russia", RED, "left"), ("Ukraine", RED, "left")], {}, UNDETERMINED, UNDETERMINED),
        # Two legends (or one entry read twice) give Russia the same colour: no tie to break.
        (
            RED,
            [("Russia", RED, "left"), ("Russia", RED, "left"), ("Ukraine", YELLOW, "left")],
            {},
            UNDETERMINED,
            RUSSIA,
        ),
        # Crimea in neither colour.
        (BLUE, RU_UA, {}, UNDETERMINED, UNDETERMINED),
        # Close shades (ΔE 11.6 apart): Crimea's textured fill, 3.7 off Russia's and 8.4 off
        # Ukraine's, is Russia's (seed 3, image 22); one half-way between them is neither.
        (SAGE, CLOSE_SHADES, {}, UNDETERMINED, RUSSIA),
        (BETWEEN, CLOSE_SHADES, {}, UNDETERMINED, UNDETERMINED),
        # A decided Crimea is left as the picture decided it.
        (RED, RU_UA, {}, UKRAINE, UKRAINE),
    ],
)
def test_legend_colours_settle_an_undetermined_crimea(
    crimea: tuple[int, int, int],
    entries: list[tuple[str, Any, str]],
    around: dict[str, tuple[int, int, int]],
    before: str,
    after: str,
) -> None:
    rgb, lines = legend_picture(entries)
    decision = _decision(crimea, before, around)
    imaging._legend_colours(decision, OcrResult(lines=lines), rgb)
    assert decision.crimea.outcome == after
    if after != before:
        assert decision.crimea.basis == "colour"
        assert "legend's colour" in decision.crimea.reasons[0]
        assert decision.crimea.evidence["legend_swatch"]["country"] in ("Russia", "Ukraine")


# --- a legend's entries are not labels on the map ---------------------------------------------

MID_GREY = (160, 160, 160)


def _placement_labels(picture: np.ndarray, lines: list[OcrLine]) -> list[str]:
    """The "Russia" labels :func:`imaging._country_label_on_crimea` finds on a 320 × 200 map:
    Crimea mid-grey over the left part (where ``legend_picture`` lays its legend), the occupied
    mainland mid-grey on the right, Russia's fill blue somewhere, the sea white."""
    import dataclasses

    crimea_mask = np.zeros((200, 320), dtype=bool)
    crimea_mask[5:195, 5:220] = True
    mainland_mask = np.zeros((200, 320), dtype=bool)
    mainland_mask[5:195, 240:315] = True
    around = {"mainland": MID_GREY, "russia": BLUE, "sea": (255, 255, 255)}
    decision = _decision(MID_GREY, UNDETERMINED, around)
    decision.crimea_px = 210.0
    for key, mask in (("crimea", crimea_mask), ("mainland", mainland_mask)):
        decision.samples[key] = dataclasses.replace(decision.samples[key], mask=mask)
    result = OcrResult(lines=lines)
    imaging._country_label_on_crimea(decision, result, picture)
    return [hit.text for hit in result.labels if hit.via == "placement"]


def _mid_grey(picture: np.ndarray) -> np.ndarray:
    out = picture.copy()
    out[np.all(picture == (210, 210, 210), axis=2)] = MID_GREY
    return out


def test_a_legend_entry_laid_over_crimea_is_no_label_on_it() -> None:
    # A white legend (the sea's colour, as a bay's water is) over Crimea: "Russia" beside a
    # swatch of Russia's fill is the legend's entry.
    picture, lines = legend_picture([("Russia", BLUE, "left"), ("Ukraine", YELLOW, "left")])
    assert _placement_labels(_mid_grey(picture), lines[:1]) == []
    # Beside a mark of no fill of the map (a dark dot), it is a name set on the water.
    picture, lines = legend_picture([("Russia", (40, 40, 40), "left")])
    assert _placement_labels(_mid_grey(picture), lines[:1]) == ["Russia"]
    # The same word set on Crimea's own fill is a label there.
    img = Image.new("RGB", (320, 200), MID_GREY)
    draw = ImageDraw.Draw(img)
    box = draw.textbbox((60, 100), "Russia", font=maps._font(14))
    draw.text((60, 100), "Russia", fill=(20, 20, 20), font=maps._font(14))
    on_fill = [OcrLine("Russia", 92.0, (box[0], box[1], box[2], box[3]))]
    assert _placement_labels(np.asarray(img), on_fill) == ["Russia"]


def test_a_name_on_the_occupied_mainland_sits_on_its_fill() -> None:
    # The legend over the mainland instead: a white panel is the sea's colour, not the
    # mainland's fill, whatever stands beside the name.
    picture, lines = legend_picture([("Russia", (40, 40, 40), "left")])
    picture = np.roll(_mid_grey(picture), 230, axis=1)
    moved = [
        OcrLine(ln.text, ln.conf, (ln.box[0] + 230, ln.box[1], ln.box[2] + 230, ln.box[3]))
        for ln in lines
    ]
    assert _placement_labels(picture, moved) == []
