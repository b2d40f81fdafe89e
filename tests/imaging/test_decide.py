"""The decision (checker.imaging.decide) as a table of synthetic maps with known registrations.

Every map is drawn with Pillow from the reference boundaries under a known projection, and the
decision is given that exact projection (the test double for ``register``), so these tests
judge the decision logic alone: colours, hatches, third colours, border lines, sizes.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from checker.imaging.decide import (
    DISPUTED,
    LINE_PRESENT,
    NOT_SHOWN,
    RUSSIA,
    UKRAINE,
    UNDETERMINED,
    Assessment,
    Cluster,
    ColourSample,
    ImageDecision,
    LineProbe,
    _assess_by_lines,
    _assess_crimea,
    _assess_mainland,
    _cut_off_at_perekop,
    _unexplained_perekop_line,
    annexation_border,
    decide,
    delta_e2000,
    dilate,
    erode,
    probe_line,
    srgb_to_lab,
)
from tests.imaging import maps
from tests.imaging.maps import BLACK, GREY, RED, REGIONAL, SOUTH, WHITE, Style, projection, render

RU_COLOUR = maps.RUSSIA
UA_COLOUR = maps.UKRAINE
SIMILAR = (228, 170, 140)  # CIEDE2000 5.1 from RU_COLOUR
CLOSE = (237, 186, 162)  # CIEDE2000 2.5 from RU_COLOUR

OUTLINE = {
    "sea": WHITE,
    "others": WHITE,
    "russia": WHITE,
    "ukraine": WHITE,
    "borders": BLACK,
    "coast": BLACK,
}


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def textured(rgb: np.ndarray) -> np.ndarray:
    """Hillshade-like noise: lightness varies ±12 % pixel to pixel."""
    rng = np.random.default_rng(7)
    shade = 1 + rng.uniform(-0.12, 0.12, size=rgb.shape[:2])[..., None]
    return np.clip(rgb * shade, 0, 255).astype(np.uint8)


def softened(rgb: np.ndarray) -> np.ndarray:
    """Edges anti-aliased (a 3 × 3 box blur): every stripe's edge becomes a band of mixed
    pixels, as in a rendered SVG or PDF."""
    return np.asarray(Image.fromarray(rgb).filter(ImageFilter.BoxBlur(1)), dtype=np.uint8)


@dataclass(frozen=True)
class Case:
    name: str
    style: Style
    crimea: str
    mainland: str | None = None
    bbox: tuple[float, float, float, float] = REGIONAL
    width: int = 700
    kind: str = "mercator"
    post: Callable[[np.ndarray], np.ndarray] | None = None
    #: A word that must appear in the Crimea reasons.
    reason: str | None = None


CASES = [
    # Political colours.
    Case("ukraine", Style(), UKRAINE, UKRAINE),
    Case("russia", Style(crimea=RU_COLOUR), RUSSIA, UKRAINE),
    Case("russia-with-oblasts", Style(crimea=RU_COLOUR, four=RU_COLOUR), RUSSIA, RUSSIA),
    Case("oblasts-only", Style(four=RU_COLOUR), UKRAINE, RUSSIA),
    Case("russia-plate-carree", Style(crimea=RU_COLOUR), RUSSIA, kind="plate", width=700),
    Case("ukraine-cos-aspect", Style(), UKRAINE, kind="cos", width=700),
    Case("russia-zoomed-south", Style(crimea=RU_COLOUR), RUSSIA, bbox=SOUTH),
    Case("ukraine-zoomed-south", Style(), UKRAINE, bbox=SOUTH),
    Case("russia-jpeg-q35", Style(crimea=RU_COLOUR), RUSSIA, post=lambda a: jpeg(a, 35)),
    Case("ukraine-jpeg-q35", Style(), UKRAINE, post=lambda a: jpeg(a, 35)),
    Case("russia-textured", Style(crimea=RU_COLOUR), RUSSIA, post=textured),
    Case("ukraine-textured", Style(), UKRAINE, post=textured),
    Case(
        "labelled-ukraine",
        Style(labels=[("Crimea", 34.2, 45.4, 22), ("Sevastopol", 33.5, 44.7, 16)]),
        UKRAINE,
    ),
    Case(
        "ukraine-without-crimea",
        Style(russia=(180, 211, 223), sea=(180, 211, 223), crimea=(180, 211, 223)),
        RUSSIA,
        reason="without Crimea",
    ),
    Case(
        "russia-not-filled",
        Style(russia=WHITE, others=WHITE, crimea=WHITE),
        RUSSIA,
        reason="Russia's colour",
    ),
    # Similar fills (neighbouring choropleth classes, ΔE ≈ 5): Crimea matches one exactly.
    Case("similar-fills-russia", Style(ukraine=SIMILAR, crimea=RU_COLOUR), RUSSIA),
    Case("similar-fills-ukraine", Style(ukraine=SIMILAR), UKRAINE),
    # Neighbouring classes only ΔE 2.5 apart, with oblast borders drawn (which leave a line at
    # Perekop unreadable): the exact match still tells.
    Case(
        "close-fills-russia",
        Style(ukraine=CLOSE, crimea=RU_COLOUR, borders=GREY, oblast_borders=True),
        RUSSIA,
        UKRAINE,
        reason="similar one",
    ),
    Case(
        "close-fills-ukraine",
        Style(ukraine=CLOSE, borders=GREY, oblast_borders=True),
        UKRAINE,
        UKRAINE,
        reason="similar one",
    ),
    # A close-up with no Russia: Ukraine's colour from Kherson's right bank.
    Case("close-up-without-russia", Style(), UKRAINE, bbox=(31.8, 44.3, 34.8, 46.9)),
    # Disputed styles.
    Case("grey", Style(crimea=GREY), DISPUTED, reason="grey"),
    Case("third-colour", Style(crimea=(120, 200, 120)), DISPUTED, reason="third colour"),
    Case(
        "hatched-neutral",
        Style(crimea=GREY, hatch=(WHITE, 5), hatch_mainland=False),
        DISPUTED,
        reason="hatch",
    ),
    # Thin hatch lines over a fill as light as the sea: the hatch still reads (not "Crimea has
    # the sea's colour"), though its lines are a small share of the area.
    Case(
        "thin-hatch-sea-light",
        Style(
            sea=WHITE,
            crimea=(238, 238, 238),
            hatch=((120, 120, 120), 12),
            hatch_mainland=False,
            hatch_width=1,
        ),
        DISPUTED,
        reason="hatch",
    ),
    # Broad stripes of Russia's and Ukraine's colours with anti-aliased edges: a pattern (a
    # control overlay, or with a legend the disputed style), not Crimea in Russia's fill.
    Case(
        "stripes-russia-ukraine-antialiased",
        Style(crimea=RU_COLOUR, hatch=(UA_COLOUR, 16), hatch_width=7, hatch_mainland=False),
        UKRAINE,
        reason="hatch",
        post=softened,
    ),
    # Labels over a Crimea in Russia's fill are no thin hatch.
    Case(
        "russia-many-labels",
        Style(
            crimea=RU_COLOUR,
            labels=[
                ("Republic", 34.0, 45.6, 24),
                ("Simferopol", 34.1, 45.0, 20),
                ("Yevpatoria", 33.4, 45.2, 20),
                ("Feodosia", 35.3, 45.1, 20),
            ],
        ),
        RUSSIA,
    ),
    # Control maps: hatch over Ukraine's fill; a third colour shared with the mainland.
    Case("control-hatch", Style(hatch=(RED, 6)), UKRAINE, UKRAINE, reason="control"),
    Case(
        "control-shared-colour",
        Style(crimea=RED, occupied=RED),
        UNDETERMINED,
        UKRAINE,
        reason="legend",
    ),
    # One fill for Russia and Ukraine: borders decide.
    Case("outline-perekop", Style(**OUTLINE, perekop_line=True), RUSSIA, reason="Perekop"),
    Case("outline-no-perekop", Style(**OUTLINE), UKRAINE, reason="Perekop"),
    # Crimea outlined and hatched alone on an outline map: the 'disputed' style, though the
    # hatch's outline crosses Perekop like a border.
    Case(
        "outline-hatched-crimea",
        Style(**OUTLINE, perekop_line=True, hatch=(BLACK, 10), hatch_width=1, hatch_mainland=False),
        DISPUTED,
        reason="hatched",
    ),
    Case(
        "outline-kerch",
        Style(**OUTLINE, kerch_line=True),
        UKRAINE,
        bbox=SOUTH,
        width=1200,
        reason="Kerch",
    ),
    Case(
        "outline-annexed-borders",
        Style(**OUTLINE, annexed=True),
        RUSSIA,
        RUSSIA,
        reason="around Donetsk",
    ),
    Case(
        "outline-oblast-borders",
        Style(**OUTLINE, oblast_borders=True),
        UNDETERMINED,
        reason="oblast borders",
    ),
    Case(
        "single-fill-crimea-highlighted",
        Style(russia=UA_COLOUR, crimea=RED),
        UNDETERMINED,
        reason="highlighted",
    ),
    Case("single-fill-crimea-grey", Style(russia=UA_COLOUR, crimea=GREY), DISPUTED),
    Case(
        "fills-only-no-lines",
        Style(russia=UA_COLOUR),
        UNDETERMINED,
        reason="border unreadable",
    ),
    # Size and framing.
    Case(
        "world-map",
        Style(crimea=RU_COLOUR),
        UNDETERMINED,
        bbox=(-170.0, -60.0, 180.0, 80.0),
        width=1000,
        reason="px across",
    ),
    Case(
        "crimea-outside",
        Style(crimea=RU_COLOUR),
        NOT_SHOWN,
        bbox=(23.0, 48.0, 33.0, 53.0),
        reason="outside",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_decision_table(case: Case) -> None:
    reg, size = projection(case.bbox, case.width, case.kind)
    rgb = render(case.style, reg, size)
    if case.post is not None:
        rgb = case.post(rgb)
    d = decide(rgb, reg)
    assert d.crimea.outcome == case.crimea, d.crimea.reasons
    if case.mainland is not None:
        assert d.mainland.outcome == case.mainland, d.mainland.reasons
    if case.reason is not None:
        assert any(case.reason in r for r in d.crimea.reasons), d.crimea.reasons
    # undetermined always says why; verdicts carry a confidence
    if d.crimea.outcome == UNDETERMINED:
        assert d.crimea.reasons and d.crimea.confidence == 0.0
    elif d.crimea.outcome in (RUSSIA, UKRAINE, DISPUTED):
        assert 0.5 <= d.crimea.confidence <= 1.0


def test_no_registration_is_undetermined_with_the_reason() -> None:
    rgb = np.full((400, 400, 3), 255, np.uint8)
    d = decide(rgb, None, "not georeferenced: no match for the Black Sea coastline")
    assert d.crimea.outcome == UNDETERMINED
    assert d.crimea.reasons == ["not georeferenced: no match for the Black Sea coastline"]


def test_small_crimea_never_gets_a_verdict() -> None:
    # Crimea about 15 px across: colours are perfectly clear, but no verdict below 20 px.
    reg, size = projection((0.0, 30.0, 60.0, 60.0), 260)
    d = decide(render(Style(crimea=RU_COLOUR), reg, size), reg)
    assert d.crimea.outcome == UNDETERMINED
    assert d.crimea_px < 20
    assert "only" in d.crimea.reasons[0]


@pytest.mark.parametrize("crimea", [RU_COLOUR, None], ids=["russia", "ukraine"])
def test_small_map_with_a_slightly_wrong_registration(crimea: tuple[int, int, int] | None) -> None:
    """Crimea ~43 px; the registration is 6 px off: the mask is realigned, the verdict kept."""
    reg, size = projection((10.0, 30.0, 60.0, 62.0), 520)
    rgb = render(Style(crimea=crimea), reg, size)

    def off(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = reg.to_pixel(lon, lat)
        return x + 5.0, y - 4.0

    d = decide(rgb, dataclasses.replace(reg, to_pixel=off))
    assert 25 < d.crimea_px < 50
    assert d.samples["crimea"].shift != (0, 0)
    assert d.crimea.outcome == (RUSSIA if crimea else UKRAINE), d.crimea.reasons


def test_crimea_under_a_legend_box_is_not_shown() -> None:
    reg, size = projection(REGIONAL, 800)
    rgb = render(Style(crimea=RU_COLOUR), reg, size).copy()
    d0 = decide(rgb, reg)
    assert d0.crimea.pixel_box is not None
    x0, y0, x1, y1 = d0.crimea.pixel_box
    rgb[y0 - 15 : y1 + 15, x0 - 15 : x1 + 15] = 255  # a white legend box over Crimea
    d = decide(rgb, reg)
    assert d.crimea.outcome == NOT_SHOWN, d.crimea.reasons
    assert "covered" in d.crimea.reasons[0]


def test_crimea_on_the_sea_is_undetermined() -> None:
    """A registration far off puts Crimea's mask on the sea: no verdict."""
    reg, size = projection(REGIONAL, 700)
    rgb = render(Style(crimea=RU_COLOUR), reg, size)

    def off(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = reg.to_pixel(lon, lat)
        return x + 10, y + 120

    d = decide(rgb, dataclasses.replace(reg, to_pixel=off))
    assert d.crimea.outcome == UNDETERMINED
    assert "sea" in d.crimea.reasons[0]


def test_evidence_numbers() -> None:
    reg, size = projection(REGIONAL, 800)
    d = decide(render(Style(crimea=RU_COLOUR), reg, size), reg)
    ev = d.crimea.evidence
    assert ev["colours"]["crimea"]["hex"] == "#f0bea0"
    assert ev["delta_e"]["crimea_russia"] < 1.0
    assert ev["delta_e"]["crimea_ukraine"] > 10
    assert ev["colours"]["crimea"]["pixels"] > 1000
    assert d.crimea.pixel_box is not None and d.crimea.lonlat is not None


# --- colour science and masks ----------------------------------------------------------------


# Sharma, Wu and Dalal (2005), Table 1: selected pairs and their CIEDE2000 differences.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_reference_values(
    lab1: tuple[float, ...], lab2: tuple[float, ...], expected: float
) -> None:
    assert float(delta_e2000(np.asarray(lab1), np.asarray(lab2))) == pytest.approx(
        expected, abs=1e-3
    )
    assert float(delta_e2000(np.asarray(lab2), np.asarray(lab1))) == pytest.approx(
        expected, abs=1e-3
    )


def test_srgb_to_lab_reference_values() -> None:
    lab = srgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]], np.uint8))
    assert lab[0] == pytest.approx([100.0, 0.0, 0.0], abs=0.05)
    assert lab[1] == pytest.approx([0.0, 0.0, 0.0], abs=0.05)
    assert lab[2] == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


def test_erode_and_dilate() -> None:
    mask = np.zeros((20, 20), bool)
    mask[5:15, 5:15] = True
    assert erode(mask, 2).sum() == 36
    assert dilate(mask, 1).sum() == 144
    assert erode(np.zeros((5, 5), bool), 1).sum() == 0


def _lines_decision(crimea_px: float) -> ImageDecision:
    """A decision with nothing assessed yet, for the line-reading rules."""
    return ImageDecision(
        width=800,
        height=600,
        registration=None,
        crimea=Assessment("crimea", UNDETERMINED, 0.0),
        mainland=Assessment("mainland", UNDETERMINED, 0.0),
        crimea_px=crimea_px,
    )


def _probe(
    key: str, share: float | None, dashed: bool = False, line_hex: str | None = None
) -> LineProbe:
    """A line probe read over 40 transects with ``share`` of them crossing a line (``None``:
    too few transects to read), of colour ``line_hex``."""
    if share is None:
        return LineProbe(key, 2, 1)
    return LineProbe(key, 40, round(40 * share), dashed=dashed, line_hex=line_hex)


@pytest.mark.parametrize(
    ("claimed", "east", "state", "oblast", "expected"),
    [
        # The claimed border drawn like the state border, nothing along Donbas–Rostov.
        ((0.95,), (0.0,), (0.95,), (0.0,), True),
        # Oblast borders drawn as faint dashes, the claimed line solid: still the claimed border.
        ((0.95,), (0.05,), (0.95,), (0.3, True), True),
        # North border unreadable (out of frame): a near-continuous claimed line, east missing.
        ((0.9,), (0.03,), (0.35,), (0.0,), True),
        # Oblast borders drawn in the same style: the claimed line is an ordinary oblast
        # border, but the Donbas border, a state and an oblast border at once, is left out.
        ((0.95,), (0.0,), (0.95,), (0.9,), True),
        # ... and when it is only partly missing, nothing is said.
        ((0.95,), (0.18,), (0.95,), (0.9,), False),
        # ... nor when the other oblast borders are dashed (another style of line).
        ((0.95,), (0.0,), (0.95,), (0.7, True), True),
        # The recognized Donbas border is drawn: a correct map with oblast borders.
        ((0.95,), (0.9,), (0.95,), (0.0,), False),
        # No state borders at all: nothing to compare with.
        ((0.95,), (0.0,), (0.0,), (0.0,), False),
        # A dashed claimed line (an administrative line, a front line) is not a state border.
        ((0.5, True), (0.0,), (0.95,), (0.0,), False),
        # North border unreadable and the claimed line broken: not enough.
        ((0.65,), (0.03,), (0.35,), (0.0,), False),
        # The Donbas border out of the picture, no oblast border drawn: the claimed line alone.
        ((0.95,), (None,), (0.95,), (0.0,), True),
        # ... but not with oblast borders drawn (even in another style), nor with a broken line.
        ((0.95,), (None,), (0.95,), (0.3, True), False),
        ((0.7,), (None,), (0.95,), (0.0,), False),
        # The Donbas border half-drawn: unreadable, not missing.
        ((0.95,), (0.4,), (0.95,), (0.0,), False),
        # A close-up of the south: both recognized borders outside the picture, the claimed
        # line drawn all along and no oblast border; a broken one is not enough.
        ((0.95,), (None,), (None,), (0.0,), True),
        ((0.85,), (None,), (None,), (0.0,), False),
    ],
    ids=[
        "claimed-solid",
        "oblasts-dashed",
        "north-unreadable",
        "oblast-style-donbas-missing",
        "oblast-style-donbas-partly",
        "oblasts-dashed-donbas-missing",
        "recognized-drawn",
        "no-state-borders",
        "claimed-dashed",
        "weak-claimed",
        "east-out-of-frame",
        "east-out-of-frame-oblasts",
        "east-out-of-frame-broken",
        "east-half-drawn",
        "south-close-up",
        "south-close-up-broken",
    ],
)
def test_annexation_border_table(
    claimed: tuple[float | None, ...],
    east: tuple[float | None, ...],
    state: tuple[float | None, ...],
    oblast: tuple[float | None, ...],
    expected: bool,
) -> None:
    decision = _lines_decision(120.0)
    for key, spec in (("claimed", claimed), ("east", east), ("state", state), ("oblast", oblast)):
        decision.lines[key] = _probe(key, *spec)  # type: ignore[arg-type]
    assert annexation_border(decision) is expected
    decision.crimea_px = 30.0  # lines are read on regional maps only
    assert annexation_border(decision) is False


@pytest.mark.parametrize(
    ("claimed", "east", "perekop", "expected"),
    [
        # A close-up of the south whose oblast borders probed are out of the picture: the
        # claimed line all along, the Donbas border read and missing, no line at Perekop (a map
        # that draws oblast borders outlines Crimea there and draws that Donbas edge).
        ((0.95,), (0.0,), (0.0,), True),
        # A line at Perekop: it may draw oblast borders after all.
        ((0.95,), (0.0,), (0.9,), False),
        # A claimed line broken in places, or the Donbas border partly drawn: not enough.
        ((0.85,), (0.0,), (0.0,), False),
        ((0.95,), (0.3,), (0.0,), False),
    ],
    ids=["south-oblasts-out", "perekop-line", "claimed-broken", "donbas-partly"],
)
def test_annexation_border_with_the_oblast_borders_out_of_the_picture(
    claimed: tuple[float, ...], east: tuple[float, ...], perekop: tuple[float, ...], expected: bool
) -> None:
    decision = _lines_decision(300.0)
    lines = {"claimed": claimed, "east": east, "perekop": perekop}
    lines |= {"state": (None,), "oblast": (None,)}
    for key, spec in lines.items():
        decision.lines[key] = _probe(key, *spec)
    assert annexation_border(decision) is expected


def _line_picture(colour: tuple[int, int, int], pattern: str, jpeg: bool = True) -> np.ndarray:
    """A 400×200 grey (#d0d0d0) field with a 1-px horizontal line at y = 100 drawn as
    ``pattern``: ``solid``, ``dashed`` (8 px on, 6 off), ``broken`` (solid but for a gap every
    40 px, where rivers and labels cross it) or ``none``; JPEG-compressed like a web graphic."""
    img = Image.new("RGB", (400, 200), (208, 208, 208))
    px = img.load()
    assert px is not None
    for x in range(400):
        on = {
            "solid": True,
            "dashed": x % 14 < 8,
            "broken": x % 40 >= 6,
            "none": False,
        }[pattern]
        if on:
            px[x, 100] = colour
    if not jpeg:
        return np.asarray(img)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=75)
    return np.asarray(Image.open(buf).convert("RGB"))


@pytest.mark.parametrize(
    ("colour", "pattern", "state", "dashed"),
    [
        ((40, 40, 40), "solid", "present", False),
        ((40, 40, 40), "dashed", "present", True),
        ((40, 40, 40), "none", "absent", False),
        # White on light grey (ΔE76 17 before JPEG): a border all the same.
        ((255, 255, 255), "solid", "present", False),
        ((255, 255, 255), "broken", "present", False),
        ((255, 255, 255), "none", "absent", False),
    ],
)
def test_probe_line_reads_faint_and_dashed_lines(
    colour: tuple[int, int, int], pattern: str, state: str, dashed: bool
) -> None:
    rgb = _line_picture(colour, pattern)
    line = np.array([[20.0, 100.5], [380.0, 100.5]])
    fill = srgb_to_lab(np.array([[208, 208, 208]], np.uint8))[0]
    probe = probe_line(rgb, [line], fill.tolist(), 2, "test")
    assert probe.transects >= 50
    assert probe.state == state, probe.to_dict()
    assert probe.dashed is dashed, probe.to_dict()


@pytest.mark.parametrize(
    ("drawn", "state"), [("border", "present"), ("none", "absent"), ("coast", "unreadable")]
)
def test_probe_line_reads_a_short_line_with_closer_transects(drawn: str, state: str) -> None:
    # The Perekop isthmus alone, 8 px long in the picture (Crimea ~70 px across): transects
    # 3 px apart give too few to say anything; asked for eight, they come 1 px apart.
    rgb = np.full((60, 60, 3), 255, np.uint8)
    if drawn == "border":
        rgb[30, 20:40] = (40, 40, 40)  # a border drawn across the isthmus
    if drawn == "coast":  # a coast converging on one end: only some transects cross a line
        rgb[30, 31:40] = (40, 40, 40)
    line = np.array([[26.0, 30.5], [34.0, 30.5]])
    fill = srgb_to_lab(np.array([[255, 255, 255]], np.uint8))[0].tolist()
    assert probe_line(rgb, [line], fill, 2, "perekop").state == "unreadable"
    probe = probe_line(rgb, [line], fill, 2, "perekop", min_transects=8)
    assert probe.transects >= 4
    assert probe.state == state, probe.to_dict()


#: West of Russia: Crimea, Ukraine's south-west, Moldova, Romania, Bulgaria, Turkey's coast.
WEST_OF_RUSSIA = (27.0, 41.0, 35.0, 47.5)
TEAL = (44, 203, 163)


@pytest.mark.parametrize(
    ("style", "outcome"),
    [
        # Ukraine singled out; Crimea in the grey of every other country: left out of Ukraine.
        (Style(ukraine=TEAL, russia=GREY, others=GREY, crimea=GREY), RUSSIA),
        # Ukraine singled out with Crimea.
        (Style(ukraine=TEAL, russia=GREY, others=GREY), UKRAINE),
        # Another country singled out: Ukraine, Crimea and the rest share the grey (Crimea is
        # not set apart from Ukraine; never "left out of Ukraine").
        (Style(ukraine=GREY, russia=GREY, others=GREY), UKRAINE),
        # Crimea in a colour of its own: not the others' fill.
        (Style(ukraine=TEAL, russia=GREY, others=GREY, crimea=RED), UNDETERMINED),
    ],
    ids=["crimea-in-the-others-fill", "crimea-with-ukraine", "all-grey", "third-colour"],
)
def test_crimea_against_the_countries_around(style: Style, outcome: str) -> None:
    reg, size = projection(WEST_OF_RUSSIA, 800)
    d = decide(render(style, reg, size), reg)
    assert "russia" not in d.samples
    assert d.crimea.outcome == outcome, d.crimea.reasons


@pytest.mark.parametrize(
    ("style", "outcome"),
    [
        (Style(ukraine=TEAL, russia=TEAL, others=GREY, borders=BLACK), UKRAINE),
        # Crimea cut off by a line at Perekop while no oblast border is drawn: in a map that
        # fills Russia like Ukraine, that is Russia's polygon; Russia is out of the frame.
        (
            Style(ukraine=TEAL, russia=TEAL, others=GREY, borders=BLACK, perekop_line=True),
            UNDETERMINED,
        ),
        # The same line among oblast borders: Crimea's own outline.
        (
            Style(
                ukraine=TEAL,
                russia=TEAL,
                others=GREY,
                borders=BLACK,
                perekop_line=True,
                oblast_borders=True,
            ),
            UKRAINE,
        ),
    ],
    ids=["no-line", "line-at-perekop", "oblast-borders"],
)
def test_crimea_in_ukraines_fill_without_russia_in_the_frame(style: Style, outcome: str) -> None:
    reg, size = projection(WEST_OF_RUSSIA, 800)
    d = decide(render(style, reg, size), reg)
    assert "russia" not in d.samples
    assert d.crimea.outcome == outcome, (
        d.crimea.reasons,
        {k: v.to_dict() for k, v in d.lines.items()},
    )


@pytest.mark.parametrize(
    ("lines", "crimea_px", "cut_off"),
    [
        # Solid at Perekop, nothing down the Kerch Strait, no oblast borders: another country.
        ({"perekop": (1.0,), "kerch": (0.0,), "oblast": (0.0,), "claimed": (0.0,)}, 120.0, True),
        # Oblast borders drawn too: Crimea's own regional outline.
        ({"perekop": (1.0,), "kerch": (0.0,), "oblast": (0.9,), "claimed": (0.0,)}, 120.0, False),
        # A dashed line at Perekop: the disputed style, not a state border.
        (
            {"perekop": (0.6, True), "kerch": (0.0,), "oblast": (0.0,), "claimed": (0.0,)},
            120.0,
            False,
        ),
        # A line down the Kerch Strait as well, or none read there: not settled.
        ({"perekop": (1.0,), "kerch": (0.9,), "oblast": (0.0,), "claimed": (0.0,)}, 120.0, False),
        ({"perekop": (1.0,), "kerch": (None,), "oblast": (0.0,), "claimed": (0.0,)}, 120.0, False),
        # No line at Perekop.
        ({"perekop": (0.0,), "kerch": (0.0,), "oblast": (0.0,), "claimed": (0.0,)}, 120.0, False),
        # Russia's claimed line drawn: judged by the annexation-border rule instead.
        ({"perekop": (1.0,), "kerch": (0.0,), "oblast": (0.0,), "claimed": (0.9,)}, 120.0, False),
        # Crimea too small to read lines.
        ({"perekop": (1.0,), "kerch": (0.0,), "oblast": (0.0,), "claimed": (0.0,)}, 30.0, False),
    ],
)
def test_crimea_cut_off_at_perekop(
    lines: dict[str, tuple[Any, ...]], crimea_px: float, cut_off: bool
) -> None:
    decision = _lines_decision(crimea_px)
    for key, spec in lines.items():
        decision.lines[key] = _probe(key, *spec)
    assert bool(_cut_off_at_perekop(decision, crimea_px)) is cut_off


#: Crimea in Ukraine's fill, Russia out of the frame: the colours alone say "Ukraine's".
@pytest.mark.parametrize(
    ("lines", "hatched", "doubt"),
    [
        # A line at Perekop (solid, or the broken seam two polygons of one fill leave) and no
        # other oblast border: Crimea may be Russia's polygon in a map filling both alike.
        ({"perekop": (1.0,), "oblast": (0.0,), "claimed": (0.0,)}, False, True),
        ({"perekop": (0.7, True), "oblast": (0.0,), "claimed": (0.0,)}, False, True),
        ({"perekop": (1.0,), "oblast": (None,), "claimed": (None,)}, False, True),
        # Oblast borders drawn: Crimea's own regional outline.
        ({"perekop": (1.0,), "oblast": (0.9,), "claimed": (0.0,)}, False, False),
        # Russia's claimed line drawn: judged by the annexation-border rule.
        ({"perekop": (1.0,), "oblast": (0.0,), "claimed": (0.9,)}, False, False),
        # A hatch over Crimea: the outline of a control map's overlay.
        ({"perekop": (1.0,), "oblast": (0.0,), "claimed": (0.0,)}, True, False),
        # Nothing, or nothing readable, at Perekop.
        ({"perekop": (0.0,), "oblast": (0.0,), "claimed": (0.0,)}, False, False),
        ({"perekop": (0.4,), "oblast": (0.0,), "claimed": (0.0,)}, False, False),
    ],
)
def test_a_perekop_line_unexplained_leaves_a_ukraine_filled_crimea_open(
    lines: dict[str, tuple[Any, ...]], hatched: bool, doubt: bool
) -> None:
    decision = _lines_decision(150.0)
    for key, spec in lines.items():
        decision.lines[key] = _probe(key, *spec)
    crimea = _sample("crimea", (19, 95, 165))
    if hatched:
        marks = _sample("crimea", (200, 40, 60)).clusters[0]
        crimea.clusters[0] = dataclasses.replace(crimea.clusters[0], share=0.8)
        crimea.clusters.append(dataclasses.replace(marks, share=0.2))
    assert bool(_unexplained_perekop_line(decision, crimea, 150.0)) is doubt
    assert _unexplained_perekop_line(decision, crimea, 30.0) == ""  # too small for lines


def _sample(key: str, rgb: tuple[int, int, int]) -> ColourSample:
    lab = srgb_to_lab(np.array([rgb], np.uint8))[0]
    cluster = Cluster(lab=(float(lab[0]), float(lab[1]), float(lab[2])), rgb=rgb, share=1.0)
    return ColourSample(key=key, pixels=500, clusters=[cluster])


def _one_fill(lines: dict[str, tuple[Any, ...]]) -> Assessment:
    """Crimea judged by lines alone on a one-fill map (Crimea 150 px), with these probes."""
    decision = _lines_decision(150.0)
    for key, spec in lines.items():
        decision.lines[key] = _probe(key, *spec)
    fill = (192, 216, 232)
    return _assess_by_lines(decision, _sample("crimea", fill), _sample("russia", fill), {}, 150.0)


@pytest.mark.parametrize(
    ("claimed", "oblast", "outcome"),
    [
        # Russia's recognized border drawn, nothing at Perekop or Kerch, no claimed line: Ukraine.
        ((0.0,), (0.0,), UKRAINE),
        # ... but a trace of the four oblasts' border with the rest of Ukraine and no other
        # oblast border: Crimea may be joined to an occupied mainland drawn as Russia.
        ((0.44,), (0.0,), UNDETERMINED),
        # The same trace where oblast borders are drawn too: just an oblast border.
        ((0.44,), (0.9,), UKRAINE),
    ],
)
def test_no_perekop_line_with_a_claimed_trace(
    claimed: tuple[float, ...], oblast: tuple[float, ...], outcome: str
) -> None:
    lines = {"perekop": (0.0,), "kerch": (None,), "state": (0.9,), "east": (0.9,)}
    got = _one_fill({**lines, "claimed": claimed, "oblast": oblast})
    assert got.outcome == outcome, got.reasons


@pytest.mark.parametrize(
    ("state", "east", "claimed", "outcome"),
    [
        # A close-up of the south: the northern border is out of the picture, the recognized
        # border along Donetsk and Luhansk oblasts is drawn, nothing at Perekop: Ukraine.
        ((None,), (0.9,), (0.0,), UKRAINE),
        ((0.9,), (None,), (0.0,), UKRAINE),
        # No state border seen drawn anywhere: no line at Perekop proves nothing.
        ((None,), (None,), (0.0,), UNDETERMINED),
        ((None,), (0.0,), (0.0,), UNDETERMINED),
        # A trace of the claimed border: Crimea may be joined to an occupied mainland as Russia.
        ((None,), (0.9,), (0.44,), UNDETERMINED),
    ],
)
def test_no_perekop_line_where_a_state_border_is_drawn(
    state: tuple[float | None, ...],
    east: tuple[float | None, ...],
    claimed: tuple[float, ...],
    outcome: str,
) -> None:
    lines = {"perekop": (0.0,), "kerch": (None,), "oblast": (0.0,)}
    got = _one_fill({**lines, "state": state, "east": east, "claimed": claimed})
    assert got.outcome == outcome, got.reasons


@pytest.mark.parametrize(
    ("state", "east", "outcome"),
    [
        # A line across Perekop, the Kerch Strait unreadable: it counts where the recognized
        # border is seen drawn, in the north or along Donetsk and Luhansk oblasts.
        ((0.9,), (0.9,), RUSSIA),
        ((None,), (0.9,), RUSSIA),
        ((0.9,), (None,), RUSSIA),
        # No state border seen drawn: the line may be something else (a misread coast).
        ((None,), (None,), UNDETERMINED),
    ],
)
def test_perekop_line_with_the_kerch_strait_unreadable(
    state: tuple[float | None, ...], east: tuple[float | None, ...], outcome: str
) -> None:
    lines = {"perekop": (1.0,), "kerch": (None,), "oblast": (0.0,), "claimed": (0.0,)}
    got = _one_fill({**lines, "state": state, "east": east})
    assert got.outcome == outcome, got.reasons


NAVY_INK = "#1e2059"
GREY_INK = "#a0a0a0"


@pytest.mark.parametrize(
    ("lines", "outcome"),
    [
        # A border from coarse data: the transects along the recognized border catch it on a
        # fifth of them ("absent"), in the ink of the solid line across Perekop; no oblast
        # border, nothing read down the Kerch Strait: Crimea cut off as Russia's.
        ({"state": (0.2, False, NAVY_INK), "east": (None,)}, RUSSIA),
        ({"state": (None,), "east": (0.3, True, NAVY_INK)}, RUSSIA),
        # Another ink along the border (a river, a coast): the Perekop line is not shown to be
        # a border.
        ({"state": (0.2, False, GREY_INK), "east": (None,)}, UNDETERMINED),
        # A stray crossing or two is no border seen.
        ({"state": (0.05, False, NAVY_INK), "east": (None,)}, UNDETERMINED),
        # Oblast borders unread (out of the picture), or a line down the Kerch Strait: open.
        ({"state": (0.2, False, NAVY_INK), "east": (None,), "oblast": (None,)}, UNDETERMINED),
        ({"state": (0.2, False, NAVY_INK), "east": (None,), "kerch": (0.9,)}, UNDETERMINED),
    ],
    ids=["state-ink", "east-ink", "other-ink", "stray", "oblasts-unread", "kerch-line"],
)
def test_perekop_line_in_the_ink_of_a_border_off_its_reference_line(
    lines: dict[str, tuple[Any, ...]], outcome: str
) -> None:
    base = {
        "perekop": (1.0, False, NAVY_INK),
        "kerch": (None,),
        "oblast": (0.0,),
        "claimed": (0.0,),
    }
    got = _one_fill({**base, **lines})
    assert got.outcome == outcome, got.reasons


@pytest.mark.parametrize(
    ("oblast", "claimed", "outcome"),
    [
        # A close-up of Crimea and the south, outline only: a line across Perekop and none
        # along the four oblasts' border with the rest of Ukraine: Crimea cut off as Russia.
        ((None,), (0.0,), RUSSIA),
        # The same with a line along the four oblasts' border: oblast borders are drawn (the
        # oblasts probed further north are out of the picture), and Perekop's is Crimea's own.
        ((None,), (0.93,), UNDETERMINED),
        ((0.9,), (0.0,), UNDETERMINED),
    ],
)
def test_perekop_line_where_oblast_borders_may_be_drawn(
    oblast: tuple[float | None, ...], claimed: tuple[float, ...], outcome: str
) -> None:
    lines = {"perekop": (1.0,), "kerch": (0.0,), "state": (None,), "east": (None,)}
    got = _one_fill({**lines, "oblast": oblast, "claimed": claimed})
    assert got.outcome == outcome, got.reasons


def _marked(
    key: str, fill: tuple[int, int, int], marks: tuple[int, int, int] | None, share: float
) -> ColourSample:
    sample = _sample(key, fill)
    if marks is not None:
        lab = srgb_to_lab(np.array([marks], np.uint8))[0]
        second = Cluster(lab=(float(lab[0]), float(lab[1]), float(lab[2])), rgb=marks, share=share)
        sample.clusters = [dataclasses.replace(sample.clusters[0], share=1 - share), second]
    return sample


@pytest.mark.parametrize(
    ("crimea_marks", "mainland_marks", "outcome"),
    [
        # Clean fills: the line across Perekop is a border (Crimea cut off as Russia's).
        (None, None, RUSSIA),
        # A dark hatch of the line's colour over Crimea and the occupied mainland (a control
        # map): the hatch crosses the isthmus probe like a border would.
        (((60, 60, 60), 0.06), ((60, 60, 60), 0.06), UNDETERMINED),
        # Marks over Crimea alone (its city labels): the line still counts.
        (((60, 60, 60), 0.06), None, RUSSIA),
        # Marks of another colour (red hatching) on both: not the line's ink.
        (((220, 30, 30), 0.06), ((220, 30, 30), 0.06), RUSSIA),
        # A trace of marks (1 %): not a hatch.
        (((60, 60, 60), 0.01), ((60, 60, 60), 0.01), RUSSIA),
    ],
)
def test_a_hatch_over_the_occupied_areas_is_no_perekop_border(
    crimea_marks: tuple[tuple[int, int, int], float] | None,
    mainland_marks: tuple[tuple[int, int, int], float] | None,
    outcome: str,
) -> None:
    fill = (250, 250, 250)
    decision = _lines_decision(150.0)
    for key, spec in {
        "perekop": (1.0,),
        "kerch": (0.0,),
        "state": (0.9,),
        "east": (0.9,),
        "oblast": (0.0,),
        "claimed": (0.0,),
    }.items():
        decision.lines[key] = _probe(key, *spec)
    decision.lines["perekop"].line_hex = "#505050"
    crimea = _marked("crimea", fill, *(crimea_marks or (None, 0.0)))
    decision.samples = {
        "crimea": crimea,
        "mainland": _marked("mainland", fill, *(mainland_marks or (None, 0.0))),
    }
    got = _assess_by_lines(decision, crimea, _sample("russia", fill), {}, 150.0)
    assert got.outcome == outcome, got.reasons


@pytest.mark.parametrize(
    ("east_hex", "expected"),
    [
        # A light broken line beside the Donbas border (a graticule): the border is not drawn.
        ("#a9a9a9", True),
        # The same broken trace in the borders' own colour: a dashed border, drawn.
        ("#727272", False),
    ],
)
def test_annexation_border_ignores_other_lines_along_donbas(east_hex: str, expected: bool) -> None:
    decision = _lines_decision(120.0)
    decision.lines["claimed"] = LineProbe("claimed", 77, 77, line_hex="#747474")
    decision.lines["state"] = LineProbe("state", 67, 67, line_hex="#727272")
    decision.lines["oblast"] = LineProbe("oblast", 75, 0)
    decision.lines["east"] = LineProbe("east", 50, 17, dashed=True, line_hex=east_hex)
    assert annexation_border(decision) is expected


@pytest.mark.parametrize(
    ("claimed", "perekop", "outcome"),
    [
        # An outline close-up of the south: the claimed line all along, Crimea joined to the
        # occupied mainland with no line at Perekop.
        ((0.95,), (0.0,), RUSSIA),
        # A line at Perekop as well: Crimea is not shown inside that border.
        ((0.95,), (0.9,), UNDETERMINED),
        # No claimed line: nothing to go on without Russia in the picture.
        ((0.0,), (0.0,), UNDETERMINED),
    ],
)
def test_claimed_border_without_russia_in_the_picture(
    claimed: tuple[float, ...], perekop: tuple[float, ...], outcome: str
) -> None:
    decision = _lines_decision(200.0)
    lines = {"claimed": claimed, "perekop": perekop, "oblast": (0.0,)}
    lines |= {"state": (None,), "east": (None,), "kerch": (None,)}
    for key, spec in lines.items():
        decision.lines[key] = _probe(key, *spec)
    white = (255, 255, 255)
    samples = {k: _sample(k, white) for k in ("crimea", "ukraine", "mainland", "sea")}
    rgb = np.full((600, 800, 3), 255, np.uint8)
    got = _assess_crimea(rgb, decision, samples, 200.0)
    assert got.outcome == outcome, got.reasons


@pytest.mark.parametrize(
    ("east", "outcome"),
    [
        # The recognized Donbas border drawn all along: the mainland is Ukraine's.
        (LineProbe("east", 40, 36), UKRAINE),
        # A line met over a few transects, the rest of the border out of the frame: not enough.
        (LineProbe("east", 6, 4), UNDETERMINED),
    ],
)
def test_mainland_by_the_donbas_border_needs_a_long_reading(east: LineProbe, outcome: str) -> None:
    decision = _lines_decision(150.0)
    decision.lines["east"] = east
    decision.lines["claimed"] = LineProbe("claimed", 40, 0)
    decision.lines["state"] = LineProbe("state", 40, 38)
    fill = (192, 216, 232)
    samples = {k: _sample(k, fill) for k in ("mainland", "russia", "ukraine")}
    got = _assess_mainland(decision, samples, {}, 150.0)
    assert got.outcome == outcome, got.reasons


PALE = (250, 237, 193)  # a choropleth's class
PALER = (252, 245, 193)  # the next class: ΔE 3.3 from PALE


@pytest.mark.parametrize(
    ("russia", "mainland", "outcome", "reason"),
    [
        # Russia and Ukraine in neighbouring classes, no state border line (the step between
        # the fills is the border), white oblast lines that the probes read as broken: the
        # mainland in Ukraine's class is Ukraine's, whatever the lines around it seem to say.
        (PALER, PALE, UKRAINE, "Ukraine's colour"),
        (PALER, PALER, RUSSIA, "Russia's colour"),
        # One fill: the lines decide (the claimed border drawn, the recognized one not).
        (PALE, PALE, RUSSIA, "around Donetsk"),
    ],
)
def test_mainland_in_similar_fills_is_judged_by_its_colour_first(
    russia: tuple[int, int, int], mainland: tuple[int, int, int], outcome: str, reason: str
) -> None:
    decision = _lines_decision(150.0)
    decision.lines["claimed"] = LineProbe("claimed", 85, 72, line_hex="#fefcf5")
    decision.lines["oblast"] = LineProbe("oblast", 68, 45, dashed=True, line_hex="#fefcf5")
    decision.lines["east"] = LineProbe("east", 41, 0)
    decision.lines["state"] = LineProbe("state", 0, 0)
    samples = {
        "mainland": _sample("mainland", mainland),
        "ukraine": _sample("ukraine", PALE),
        "russia": _sample("russia", russia),
    }
    got = _assess_mainland(decision, samples, {}, 150.0)
    assert got.outcome == outcome, got.reasons
    assert any(reason in r for r in got.reasons), got.reasons


@pytest.mark.parametrize(
    ("perekop_hex", "perekop_dashed", "outcome"),
    [
        # Oblast borders dashed and light, the state border solid and dark: a solid dark line
        # across the Perekop isthmus is a state border, not Crimea's oblast outline (seed 4).
        ("#696b6a", False, RUSSIA),
        # Drawn like the oblast borders: it may be Crimea's own outline.
        ("#acacac", True, UNDETERMINED),
        # Solid, but in the oblast borders' colour: not the state border's style either.
        ("#acacac", False, UNDETERMINED),
    ],
    ids=["state-style", "oblast-style", "oblast-colour"],
)
def test_a_perekop_line_in_the_state_border_style_among_dashed_oblast_borders(
    perekop_hex: str, perekop_dashed: bool, outcome: str
) -> None:
    decision = _lines_decision(233.0)
    decision.lines["perekop"] = LineProbe(
        "perekop", 22, 22, dashed=perekop_dashed, line_hex=perekop_hex
    )
    decision.lines["state"] = LineProbe("state", 32, 32, line_hex="#828282")
    decision.lines["oblast"] = LineProbe("oblast", 118, 75, dashed=True, line_hex="#acacac")
    decision.lines["claimed"] = LineProbe("claimed", 119, 79, dashed=True, line_hex="#a8a8aa")
    decision.lines["east"] = LineProbe("east", 0, 0)
    fill = (186, 186, 186)
    got = _assess_by_lines(decision, _sample("crimea", fill), _sample("russia", fill), {}, 233.0)
    assert got.outcome == outcome, got.reasons


#: The Syvash as coarse data draws it: land, so that Crimea hangs on a neck 100 km wide.
SYVASH_AS_LAND = [
    (33.6, 46.2),
    (34.2, 46.25),
    (35.0, 46.2),
    (35.1, 45.9),
    (34.6, 45.7),
    (33.9, 45.9),
]
#: A border across that neck in three straight strokes, off the true line by up to 20 km.
COARSE_PEREKOP = [(33.3, 45.95), (33.8, 46.2), (34.6, 46.15), (35.3, 46.3)]


def _coarse_picture(
    bbox: tuple[float, float, float, float], drawn: str, jpeg_q: int = 0
) -> np.ndarray:
    """A one-fill map drawn as from Natural Earth 1:110m (the default of world-atlas and
    plotly): the Syvash filled as land, and what ``drawn`` says across Crimea's neck: the
    border (``border``), nothing, or a graticule line along 46.15° N through the neck."""
    reg, size = projection(bbox, 700, "mercator")
    dark_sea = (26, 36, 44)
    rgb = render(Style(sea=dark_sea, russia=GREY, ukraine=GREY, borders=WHITE), reg, size)
    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)

    def px(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        x, y = reg.to_pixel(np.array([p[0] for p in points]), np.array([p[1] for p in points]))
        return list(zip(np.asarray(x).tolist(), np.asarray(y).tolist(), strict=True))

    draw.polygon(px(SYVASH_AS_LAND), fill=GREY)
    if drawn == "border":
        draw.line(px(COARSE_PEREKOP), fill=WHITE, width=1)
    elif drawn == "graticule":
        draw.line(px([(20.0, 46.15), (45.0, 46.15)]), fill=(200, 210, 225), width=1)
    out = np.asarray(img)
    return jpeg(out, jpeg_q) if jpeg_q else out


def _coarse_map(
    bbox: tuple[float, float, float, float], drawn: str, jpeg_q: int = 0
) -> ImageDecision:
    """The decision on :func:`_coarse_picture`."""
    reg, _ = projection(bbox, 700, "mercator")
    return decide(_coarse_picture(bbox, drawn, jpeg_q), reg)


@pytest.mark.parametrize("bbox", [REGIONAL, SOUTH])
@pytest.mark.parametrize(
    ("drawn", "jpeg_q", "outcome"),
    [
        ("border", 0, RUSSIA),
        ("border", 80, RUSSIA),
        ("none", 0, UKRAINE),
        ("none", 80, UKRAINE),
        # A parallel through the neck separates it too, but runs on over the sea: no border.
        ("graticule", 0, UNDETERMINED),
    ],
)
def test_a_border_from_coarse_data_off_the_true_line(
    bbox: tuple[float, float, float, float], drawn: str, jpeg_q: int, outcome: str
) -> None:
    # The transects along the true line cross such a border only where it happens to pass;
    # the areas either side tell that a line separates them all the same.
    d = _coarse_map(bbox, drawn, jpeg_q)
    assert d.crimea.outcome == outcome, (d.crimea.reasons, d.lines["perekop"].to_dict())
    if drawn == "border":
        perekop = d.lines["perekop"]
        assert perekop.fraction < LINE_PRESENT  # the transects alone would not have read it
        assert perekop.areas is not None and perekop.areas.state == "present"


def test_the_evidence_picture_draws_a_border_read_from_the_areas() -> None:
    from checker.imaging import evidence

    d = _coarse_map(REGIONAL, "border")
    png = evidence.render(_coarse_picture(REGIONAL, "border"), d, "flag", ["test"])
    arr = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert np.all(arr == np.array(evidence.AREAS_COLOUR), axis=2).sum() > 50
    none = _coarse_map(REGIONAL, "none")
    png = evidence.render(_coarse_picture(REGIONAL, "none"), none, "clean", ["test"])
    arr = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert np.all(arr == np.array(evidence.AREAS_COLOUR), axis=2).sum() == 0


def test_a_control_hatch_over_crimea_and_the_mainland_on_an_outline_map_is_not_disputed() -> None:
    # The same thin hatch over the occupied mainland too: a control map, not the 'disputed'
    # style (the mainland's pattern may go unseen; marks of the hatch's colour on it tell).
    reg, size = projection(REGIONAL, 700, "mercator")
    thin = Style(**OUTLINE, hatch=(RED, 10), hatch_width=1, hatch_mainland=True)
    assert decide(render(thin, reg, size), reg).crimea.outcome != DISPUTED
    alone = dataclasses.replace(thin, hatch_mainland=False)
    assert decide(render(alone, reg, size), reg).crimea.outcome == DISPUTED


#: A close-up of Crimea, the mainland across Perekop and the Taman peninsula: no unoccupied
#: Ukraine in the picture.
NO_FREE_UKRAINE = (32.3, 44.2, 38.3, 46.45)


@pytest.mark.parametrize(
    ("style", "outcome"),
    [
        # Similar fills: Crimea matches Russia's exactly, not the mainland's.
        (Style(ukraine=SIMILAR, crimea=RU_COLOUR), RUSSIA),
        (Style(ukraine=SIMILAR), UNDETERMINED),
        # One fill: the borders decide.
        (Style(russia=GREY, ukraine=GREY, borders=BLACK, perekop_line=True), RUSSIA),
        (Style(russia=GREY, ukraine=GREY, borders=BLACK), UNDETERMINED),
        # Fills apart (the mainland in Ukraine's colour): unchanged.
        (Style(crimea=RU_COLOUR), RUSSIA),
    ],
)
def test_the_mainland_stands_in_for_ukraine_out_of_the_picture(style: Style, outcome: str) -> None:
    reg, size = projection(NO_FREE_UKRAINE, 700, "mercator")
    d = decide(render(style, reg, size), reg)
    assert "ukraine" not in d.samples
    assert d.crimea.outcome == outcome, d.crimea.reasons
