"""Whether a drawn line separates two areas of one fill, wherever the line runs.

The transects of :func:`checker.imaging.decide.probe_line` look for a line along the reference
boundary, a few pixels either side of it. Maps drawn from coarse boundary data (world-atlas and
Natural Earth 1:110m, the default of d3 and plotly) put their borders tens of kilometres off
the true line: across Crimea's neck, Natural Earth's 1:110m border runs in two or three straight
strokes from the Black Sea to the Sea of Azov over a Syvash drawn as land. The transects then
cross it only here and there, and the border reads as "unreadable".

This test asks the picture's topology instead. The pixels of the shared fill are split into
connected areas (four-way); a line drawn across the fill is a wall between them. Two sample areas
(Crimea and the mainland next to it; Russia and Ukraine along their border) are *separated* when
almost none of their fill lies in areas that reach both sides (graticule lines may cut each side
into cells; each side's largest cell must still hold a good share of it), and what lies between
them is a line:

* **long**: its extent is at least ``min_extent`` pixels, so a narrow isthmus closed by the two
  coastlines drawn across it (a few pixels) does not count;
* **thin**: it lies within ``radius`` pixels of both areas, so a label's box or a halo'd word
  (thicker than a line) does not count;
* **one stroke**: letters set across a neck can wall it off with the coastlines, but along the
  band between the two sides they stand apart;
* **not a graticule**: a straight line that runs on past both of its ends in the same colour
  (into the sea, or across the land beyond) is a parallel or meridian, not a border;

and neither side is *marked* all over far more than the other: a hatch over Crimea alone (the
'disputed' style) comes with an outline of the hatched area. A faint line (white on light grey)
is anti-aliased into pixels near the fill where it steps or meets the coast; for such a line
only, the fill is followed again where it is three pixels wide.

Only *present* is ever concluded; areas that are joined say nothing (a faint or broken line
joins them too), so callers use this to read a line the transects could not, never to rule one
out.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from checker.imaging.decide import (
    delta_e76,
    dilate,
    erode,
    everywhere,
    hex_colour,
    mask_box,
    srgb_to_lab,
)

BoolArray = npt.NDArray[np.bool_]
UInt8Array = npt.NDArray[np.uint8]

#: Pixels within this ΔE76 of the fill are the fill (JPEG noise, anti-aliasing at the edge of a
#: line); a faint line (white on light grey) differs by more.
PASSABLE_DE = 10.0
#: ... never less than this, whatever the line's contrast.
MIN_PASSABLE_DE = 4.0
#: A line glimpsed less than this far from the fill (ΔE76) is faint: white on light grey.
FAINT_CONTRAST = 25.0
#: A sample area counts only when this share of its pixels is the fill (hatches, hillshade and
#: textures fail it) ...
MIN_FILL_SHARE = 0.5
#: ... and its largest connected area holds this share of those.
MIN_LARGEST_SHARE = 0.3
#: One side is *marked* (hatched) when this share of its pixels is off the fill, and at least
#: twice the other side's share plus :data:`MARKED_MARGIN`.
MARKED_SHARE = 0.1
MARKED_MARGIN = 0.02
#: The line between the areas is one stroke spanning this share of the band's extent (lines
#: read so on the tuning seeds: 0.97-1.0; a label across the neck: 0.8).
ONE_STROKE_SHARE = 0.9
#: Areas separated: at most this share of the two samples' fill pixels lies in areas that
#: reach both sides.
MAX_JOINED = 0.05
#: A line continuing past an end of the separating line: samples this far beyond it (px) ...
RUN_ON = (3, 16)
#: ... of which this share is in the line's colour (ΔE76) at both ends: a graticule line.
RUN_ON_SHARE = 0.6
RUN_ON_DE = 12.0
#: A separating line bending more than this (RMS distance from its straight axis, px) is no
#: graticule line, whatever lies beyond its ends.
STRAIGHT_RMS = 1.5


@dataclass(frozen=True)
class Separation:
    """What lies between two areas of one fill."""

    #: ``present`` (a line separates them) or ``unreadable``.
    state: str
    #: Why, in words, for the notes and the JSON evidence.
    why: str
    #: Extent of the separating line (px), when one was found.
    extent_px: float = 0.0
    #: Its median colour.
    line_hex: str | None = None
    #: Its pixels (x, y arrays in the picture), for the evidence picture.
    pixels: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None = field(
        default=None, repr=False, compare=False
    )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"state": self.state, "read_by": "areas", "why": self.why}
        if self.extent_px:
            out["extent_px"] = round(self.extent_px, 1)
        if self.line_hex:
            out["line_colour"] = self.line_hex
        return out


def separation(
    rgb: UInt8Array,
    fill_lab: Any,
    a: BoolArray,
    b: BoolArray,
    *,
    radius: int,
    min_extent: float,
    keep: BoolArray | None = None,
    line_lab: Any = None,
    sea_lab: Any = None,
    whole: tuple[BoolArray, BoolArray] | None = None,
) -> Separation:
    """Whether a line of another colour than the fill separates area ``a`` from area ``b``.

    ``a`` and ``b`` are sample masks (cores of reference areas) of the picture's size; ``keep``
    limits the fill to some pixels (Russia left out, so that Crimea and the mainland cannot
    join through it over the Kerch Strait). ``line_lab``, the colour of the line the transects
    glimpsed, lowers the fill's tolerance to half the line's contrast: a faint line (white on
    light grey) still walls the areas apart. ``sea_lab``: the sea's colour, which is not a mark
    (coarse coasts put some sea inside the reference areas). ``whole``: the two areas whole,
    where marks are compared (``a`` and ``b`` by default).
    """
    h, w = rgb.shape[:2]
    box = mask_box(a | b)
    if box is None:
        return Separation("unreadable", "the areas are not in the picture")
    # Room around the areas for the line between them to reach the coasts, and to be followed
    # past its ends.
    grow = 2 * radius + RUN_ON[1] + 2 + max(box[2] - box[0], box[3] - box[1]) // 2
    x0, y0 = max(0, box[0] - grow), max(0, box[1] - grow)
    x1, y1 = min(w, box[2] + grow), min(h, box[3] + grow)
    lab = srgb_to_lab(rgb[y0:y1, x0:x1])
    fill = np.asarray(fill_lab, dtype=np.float64)
    tolerance = PASSABLE_DE
    faint = False
    if line_lab is not None:
        contrast = float(delta_e76(np.asarray(line_lab, dtype=np.float64), fill))
        tolerance = float(np.clip(contrast / 2, MIN_PASSABLE_DE, PASSABLE_DE))
        faint = contrast < FAINT_CONTRAST
    dist = delta_e76(lab, fill)
    off_fill = dist > tolerance
    passable = ~off_fill
    if keep is not None:
        passable &= keep[y0:y1, x0:x1]
    ndimage: Any = importlib.import_module("scipy.ndimage")  # untyped
    # Four-way connected: a diagonal line one pixel wide is a wall.
    labels, _ = ndimage.label(passable)
    core_a, core_b = a[y0:y1, x0:x1], b[y0:y1, x0:x1]
    if not (_on_fill(passable, core_a) and _on_fill(passable, core_b)):
        return Separation("unreadable", "the fill is not even enough to follow")
    marked = dist > PASSABLE_DE
    if sea_lab is not None:
        marked &= delta_e76(lab, np.asarray(sea_lab, dtype=np.float64)) > PASSABLE_DE
    area_a, area_b = (whole[0][y0:y1, x0:x1], whole[1][y0:y1, x0:x1]) if whole else (core_a, core_b)
    marks_a, marks_b = _marks(marked, area_a), _marks(marked, area_b)
    for share, other, area in ((marks_a, marks_b, area_a), (marks_b, marks_a, area_b)):
        if (
            share >= MARKED_SHARE
            and share >= 2 * other + MARKED_MARGIN
            and everywhere(area, marked)
        ):
            # A hatch over one side (Crimea alone, in the 'disputed' style) comes with an
            # outline of the hatched area: a line there says nothing about a border.
            return Separation(
                "unreadable", f"one side is marked all over ({share:.0%}), the other not"
            )
    sides = _sides(labels, core_a, core_b)
    if sides is not None and sides[2] > MAX_JOINED and faint:
        # A faint line, anti-aliased, leaves pixels near the fill where it steps diagonally or
        # meets the coast: followed again where the fill is three pixels wide, they do not join
        # the areas. (Not for a dark line: there a gap is a gap, between dashes or letters.)
        passable = erode(passable, 1)
        labels, _ = ndimage.label(passable)
        sides = _sides(labels, core_a, core_b)
    if sides is None:
        return Separation("unreadable", "the fill is not one area on each side")
    side_a, side_b, joined = sides
    if joined > MAX_JOINED:
        return Separation("unreadable", f"the areas are joined by the fill ({joined:.0%})")
    # The band where both areas come within a line's width of each other: it follows the line
    # between them, even where anti-aliasing leaves the line's own pixels near the fill.
    between = dilate(side_a, radius) & dilate(side_b, radius)
    if keep is not None:
        between &= keep[y0:y1, x0:x1]
    band = _largest_piece(ndimage, between)
    if band is None:
        return Separation("unreadable", "the areas do not meet")
    extent = _extent(band)
    on_line = band & off_fill
    if not on_line.any():
        return Separation("unreadable", "nothing is drawn between the areas")
    if not _one_stroke(ndimage, band & (dist > tolerance / 2), extent):
        # Lettering set across the neck walls it off with the coastlines, letter by letter.
        return Separation(
            "unreadable", "what lies between the areas is in pieces (lettering, dashes)", extent
        )
    ys, xs = np.nonzero(on_line)
    line_rgb = np.median(rgb[y0:y1, x0:x1][ys, xs].astype(np.float64), axis=0)
    line_hex = hex_colour(line_rgb.tolist())
    # The line itself: the band's pixels in its colour (not the sea the band reaches into
    # where the line meets the coast).
    drawn_lab = srgb_to_lab(np.asarray(line_rgb.round(), dtype=np.uint8))
    own = delta_e76(lab[ys, xs], drawn_lab) <= RUN_ON_DE
    if own.sum() >= 3:
        ys, xs = ys[own], xs[own]
    if extent < min_extent:
        return Separation(
            "unreadable",
            f"what separates the areas is short ({extent:.0f} px, under {min_extent:.0f}): "
            "a narrow isthmus closed by its coastlines?",
            extent,
            line_hex,
        )
    if _runs_on(lab, xs, ys, drawn_lab, fill):
        return Separation(
            "unreadable",
            "the line between the areas runs on straight past both its ends: a graticule line",
            extent,
            line_hex,
        )
    return Separation("present", "a line separates the areas", extent, line_hex, (xs + x0, ys + y0))


def _on_fill(passable: BoolArray, core: BoolArray) -> bool:
    """Whether enough of a sample area is the fill to follow it."""
    total = int(core.sum())
    return total > 0 and int((core & passable).sum()) >= MIN_FILL_SHARE * total


def _marks(marked: BoolArray, area: BoolArray) -> float:
    """The share of a sample area's pixels marked (off the fill and the sea: lines, hatches,
    labels)."""
    total = int(area.sum())
    return float((marked & area).sum()) / total if total else 0.0


def _one_stroke(ndimage: Any, drawn: BoolArray, extent: float) -> bool:
    """Whether the drawn pixels in the band (counted down to half the fill's tolerance, so that
    an anti-aliased line stays whole) hold one stroke spanning :data:`ONE_STROKE_SHARE` of it:
    letters stand apart along it."""
    stroke = _largest_piece(ndimage, drawn)
    return stroke is not None and _extent(stroke) >= ONE_STROKE_SHARE * extent


def _largest_piece(ndimage: Any, mask: BoolArray) -> BoolArray | None:
    """The largest eight-way connected piece of ``mask`` (``None`` when it is empty)."""
    pieces, n = ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))
    if n == 0:
        return None
    sizes = np.bincount(pieces.ravel())
    sizes[0] = 0
    return np.asarray(pieces == int(np.argmax(sizes)))


def _extent(mask: BoolArray) -> float:
    """The diagonal of the box around a non-empty mask's pixels (px)."""
    ys, xs = np.nonzero(mask)
    return float(np.hypot(np.ptp(xs) + 1, np.ptp(ys) + 1))


def _sides(
    labels: npt.NDArray[np.int32], core_a: BoolArray, core_b: BoolArray
) -> tuple[BoolArray, BoolArray, float] | None:
    """The connected areas of the fill on each side, and the share of the two samples' fill
    pixels in areas that reach both sides (none where a line separates them). Graticule lines
    may cut each side into cells; each side's largest area must still hold a good share of it
    (a speckled texture is no fill to follow)."""
    n = int(labels.max())
    count_a = np.bincount(labels[core_a], minlength=n + 1)
    count_b = np.bincount(labels[core_b], minlength=n + 1)
    count_a[0] = count_b[0] = 0
    total_a, total_b = int(count_a.sum()), int(count_b.sum())
    if total_a == 0 or total_b == 0:
        return None
    if count_a.max() < MIN_LARGEST_SHARE * total_a or count_b.max() < MIN_LARGEST_SHARE * total_b:
        return None
    both = (count_a > 0) & (count_b > 0)
    joined = float(count_a[both].sum() + count_b[both].sum()) / (total_a + total_b)
    only_a = (count_a > 0) & ~both
    only_b = (count_b > 0) & ~both
    return only_a[labels], only_b[labels], joined


def _runs_on(
    lab: Any, xs: npt.NDArray[np.intp], ys: npt.NDArray[np.intp], line_lab: Any, fill: Any
) -> bool:
    """Whether the straight line through these pixels runs on, in their colour, past both ends.

    Colours count as the line's within half its contrast with the fill (a graticule is often
    drawn only a little off the land's colour), and never further than :data:`RUN_ON_DE`."""
    pts = np.column_stack([xs, ys]).astype(np.float64)
    centre = pts.mean(axis=0)
    if len(pts) < 3:
        return False
    _, _, vt = np.linalg.svd(pts - centre, full_matrices=False)
    axis, normal = vt[0], vt[1]
    if float(np.sqrt(np.mean(((pts - centre) @ normal) ** 2))) > STRAIGHT_RMS:
        return False
    along = (pts - centre) @ axis
    steps = np.arange(*RUN_ON, dtype=np.float64)
    within = float(np.clip(float(delta_e76(line_lab, fill)) / 2, 3.0, RUN_ON_DE))
    for end, sign in ((along.min(), -1.0), (along.max(), 1.0)):
        near = sum(
            _line_at(lab, centre + (end + sign * s) * axis, normal, line_lab, within) for s in steps
        )
        if near < RUN_ON_SHARE * len(steps):
            return False
    return True


def _line_at(lab: Any, p: Any, normal: Any, line_lab: Any, within: float) -> bool:
    """Whether a line of ``line_lab``'s colour (ΔE76 ``within``) crosses ``p`` (within a pixel)
    along the normal: that colour there, and another colour three pixels off on both sides (a
    line over something else, not an area of that colour)."""
    h, w = lab.shape[:2]

    def de_at(q: Any) -> float | None:
        x, y = np.floor(q).astype(int)
        if 0 <= x < w and 0 <= y < h:
            return float(delta_e76(lab[y, x], line_lab))
        return None

    on = [d for k in (-1.0, 0.0, 1.0) if (d := de_at(p + k * normal)) is not None]
    if not on or min(on) > within:
        return False
    sides = [de_at(p + k * normal) for k in (-3.0, 3.0)]
    return all(d is not None and d > within for d in sides)
