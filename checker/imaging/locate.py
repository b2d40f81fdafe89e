"""Where in the world a map picture is, when it is not the Black Sea region (label-free).

The georeferencing of :mod:`checker.imaging.register` looks for the Black Sea region only. When
it finds nothing and no label names a place, a map of Japan or of the United States would stay
"undetermined about Crimea". This module finds where such a map is from its land and sea alone,
so that the checker can say Crimea is not in the picture, with the evidence:

1. *sea masks*: the picture (at most :data:`MASK_SIDE` px long) is quantised; each of its most
   common colours that covers between :data:`MIN_SHARE` and :data:`MAX_SHARE` of it is a
   candidate for the sea. A map whose sea is not a colour of its own (an outline drawing) has
   instead its largest areas walled in by the drawn lines (:func:`_outline_masks`);
2. *coarse*: for every candidate projection (:data:`VARIANTS`) and every width the picture may
   span (:data:`MIN_SPAN` to :data:`MAX_SPAN` degrees, steps of :data:`SPAN_STEP`), the mask,
   shrunk to at most :data:`COARSE_CELLS` cells, is cross-correlated (FFT) with a raster of the
   world's land at that level (``world_land.npz``, Natural Earth 1:50m): a normalised
   correlation at every position at once. The sea colour must match the world's sea, and the
   window must hold both land and sea;
3. *verify*: the best :data:`CANDIDATES` positions of each mask in each octave of span (a
   small template finds some good-looking place more easily than a large one, so the octaves
   are not ranked against each other) are matched again against the land drawn at that scale
   around them: at :data:`MID_CELLS` cells over the scales the coarse step leaves open, then at
   :data:`FINE_CELLS` cells close round the best, against the 1:110m land too when the 1:50m
   fit is promising. Wrong places that looked alike at 40 cells fall apart (0.5–0.89 on the
   tuning seed); the true place of a map drawn with a sea colour keeps 0.94–0.99;
4. *gate*: the best verified place must reach :data:`MIN_AGREEMENT` and lead every *distinct*
   verified place (centres more than a quarter of the span apart) by :data:`MIN_MARGIN`; or,
   fitting less well (down to :data:`STRONG_AGREEMENT`), lead them by :data:`STRONG_LEAD`;
5. *the region's own chance*: a place whose frame leaves Crimea out must also lead, by
   :data:`MIN_MARGIN` (by :data:`STRONG_LEAD` under the second gate), the best place in the
   Black Sea region (:data:`REGION_BOX`) searched the same way down to close-up widths
   (:data:`REGION_MIN_SPAN`): on the tuning seed a close-up of Crimea, narrower than the world
   search's widths, matched the Laptev Sea at 0.93.

*Outline drawings* (land and sea one colour, coasts and borders drawn as lines) are first
matched line for line (:func:`_locate_lines`): the picture's drawn lines against the world's
coasts, lake shores and land borders (``world_land.npz``), both rasters blurred by
:data:`LINE_SIGMA` cells, searched, verified and gated the same way with the lines' own
thresholds (:data:`LINES_MIN_AGREEMENT`, :data:`LINES_MIN_MARGIN`), the Black Sea region's
chance included. Areas walled in by lines are a poor stand-in for the sea when borders cut the
land into countries: a map of France or of the United States walls in France, Canada and
Mexico, and no area, nor the rest, is the sea. On the tuning seeds, the true place of an
outline map matches its lines at 0.67–0.93 and leads every other place by 0.19 or more; maps of
the Black Sea region placed anywhere else reach at most 0.49, leading by at most 0.09.

:func:`elsewhere` then tells whether the located frame, grown by :data:`CRIMEA_MARGIN` of its
size each way, leaves Crimea out. A map of the Black Sea region that the georeferencing missed
is located there (on the tuning seed: 0.95–0.98), and then nothing is concluded from here.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from checker.imaging.refdata import PROJECTIONS as REGISTRATION_CRS

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

#: File name of the world's land rings inside ``reference_boundaries/``.
WORLD_LAND_FILE = "world_land.npz"
FORMAT_VERSION = 3
#: The land of every generalisation shipped; the coarse search uses the first, verification
#: takes the better of all (a map drawn from 1:110m data matches 1:110m land best).
GENERALISATIONS = ("50m", "110m")
#: Metres per degree of longitude at the equator: metric projections are measured in these
#: "equator degrees" so that one set of levels and spans serves every projection.
EQUATOR_DEGREE_M = 111_319.49

#: Candidate projections: name → (kind, parameter, lon/lat window or None). ``plate-carree``
#: variants stretch longitude by cos(latitude) as GIS plotting tools do for a map's middle
#: latitude; regional projections are drawn within their window only (beyond it they fold).
VARIANTS: dict[str, tuple[str, Any, tuple[float, float, float, float] | None]] = {
    "plate-carree": ("plate", 1.0, None),
    "plate-carree-cos27": ("plate", 0.89, None),
    "plate-carree-cos38": ("plate", 0.79, None),
    "plate-carree-cos46": ("plate", 0.70, None),
    "plate-carree-cos52": ("plate", 0.62, None),
    "plate-carree-cos57": ("plate", 0.55, None),
    "EPSG:3857": ("mercator", None, None),
    # The georeferencing's own definitions: a located place is a pose in its planes.
    "robinson": ("proj", REGISTRATION_CRS["robinson"], None),
    "equal-earth": ("proj", REGISTRATION_CRS["equal-earth"], None),
    "EPSG:3035": ("proj", REGISTRATION_CRS["EPSG:3035"], (-30.0, 25.0, 60.0, 75.0)),
    "EPSG:3034": ("proj", REGISTRATION_CRS["EPSG:3034"], (-30.0, 25.0, 60.0, 75.0)),
    "US Albers (ESRI:102003)": ("proj", "ESRI:102003", (-135.0, 15.0, -55.0, 60.0)),
}
#: Mercator is cut at this latitude (its y grows without bound).
MERCATOR_LAT = 82.0

#: Raster levels: equator degrees per cell (the two finest serve the Black Sea region's
#: close-up widths only).
LEVELS = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0)
#: The coarse template's longer side stays under this many cells.
COARSE_CELLS = 40
#: Zero rows and columns after the world raster: no template wraps round onto the other edge.
PAD = 64
#: Widths (the picture's longer side, in equator degrees) searched, and the step between them.
MIN_SPAN = 8.0
MAX_SPAN = 200.0
SPAN_STEP = 1.15
#: Before a picture is said to be elsewhere, the Black Sea region (lon/lat box) is searched
#: again at close-up widths too; its best place that holds Crimea must trail by MIN_MARGIN.
REGION_BOX = (20.0, 38.0, 50.0, 56.0)
REGION_MIN_SPAN = 2.0
REGION_MAX_SPAN = 24.0
#: Colour masks: the picture shrunk to this long side; colours (5 bits per channel) tried; a
#: pixel belongs to a colour within this L1 distance (0–765); a mask must cover this share.
MASK_SIDE = 384
COLOURS_TRIED = 6
MAX_MASKS = 2
COLOUR_DISTANCE = 24
MIN_SHARE = 0.08
MAX_SHARE = 0.92
#: A window is informative only with land and sea both over this share of it.
MIN_MIXED = 0.05
#: Verification: positions kept per mask and octave of span; a middle fit (template cells, and
#: scales that cover the ±7.5 % the coarse step leaves open), then a fine fit round the best of
#: those, tried only from FINE_FROM; the context kept round the template.
CANDIDATES = 5
MID_CELLS = 64
MID_SCALES = (0.93, 0.965, 1.0, 1.035, 1.07)
FINE_FROM = 0.75
FINE_CELLS = 128
FINE_SCALES = (0.985, 1.0, 1.015)
FINE_CONTEXT = 1.6
#: Verification tries the generalised land only for places whose detailed fit reaches this
#: (1:110m drawings of the true place fit the 1:50m land at 0.88–0.92).
GENERALISED_FROM = 0.82
#: Gate (see the module docstring).
MIN_AGREEMENT = 0.93
MIN_MARGIN = 0.05
#: A place that fits less well than :data:`MIN_AGREEMENT` but at least this well still stands
#: when it leads every distinct place, and the Black Sea region, by :data:`STRONG_LEAD`. On the
#: tuning seeds, a map of western Europe in EPSG:3034 fits its place at 0.89 and leads by 0.26;
#: the wrong places found for maps of the region lead by at most 0.14 (at 0.71), and by at
#: most 0.02 where they fit 0.80 or better.
STRONG_AGREEMENT = 0.85
STRONG_LEAD = 0.2
DISTINCT_SHARE = 0.25
#: The located frame is grown by this share of its size each way before Crimea is looked for
#: in it: the frame is known to a few per cent, and a map's margin may hold more than the mask.
CRIMEA_MARGIN = 0.25
#: Lines (outline drawings, :func:`_locate_lines`): both line rasters are blurred by a Gaussian
#: of this many cells; a template cell holds a line when this share of its pixels are drawn
#: line; a world window with less line than this per cell is empty (open ocean, no borders).
LINE_SIGMA = 0.8
LINE_CELL_SHARE = 0.02
LINE_MIN_DENSITY = 0.01
#: Verification of a lines candidate goes on to :data:`FINE_CELLS` from this agreement, and
#: tries the 1:110m lines from :data:`LINES_GENERALISED_FROM`.
LINES_FINE_FROM = 0.5
LINES_GENERALISED_FROM = 0.6
#: The lines gate (see the module docstring for the tuning seeds' figures).
LINES_MIN_AGREEMENT = 0.6
LINES_MIN_MARGIN = 0.15
#: Crimea with Sevastopol (lon/lat box) and its centre.
CRIMEA_BOX = (32.4, 44.3, 36.7, 46.3)
#: Smallest picture worth locating (px, shorter side).
MIN_SIDE = 48
#: CPU seconds (of the calling thread, so that other work on the machine does not count) after
#: which the search gives up: no conclusion, never a wrong one. A warm search takes 1–3 s; the
#: first in a process also builds the world rasters (about 3 s more).
BUDGET_S = 12.0


@dataclass(frozen=True)
class Location:
    """Where the picture was found: its frame in a projection's plane (equator degrees, y up),
    the frame's centre in lon/lat, and how well the picture's sea matched there."""

    projection: str
    x0: float
    y0: float
    x1: float
    y1: float
    lon: float
    lat: float
    span: float
    """The picture's longer side in equator degrees."""
    agreement: float
    """Normalised correlation of the picture's sea colour with the world's sea (−1 … 1)."""
    runner_up: float
    """The best agreement of a distinct place (or -1 when none was verified)."""
    colour: str
    """The sea colour, as ``#rrggbb`` (for ``lines``, the paper's)."""
    channel: str = "sea"
    """What matched: ``sea`` (a colour as the world's sea) or ``lines`` (an outline drawing's
    lines as the world's coasts and borders)."""
    lines: tuple[float, float] | None = None
    """When the sea fitted other places about as well: the agreement of the lines between the
    picture's colours with the world's coasts and borders here, and the best elsewhere (the
    Black Sea region's included), which told the places apart."""

    @property
    def by_lines(self) -> bool:
        """Whether lines (an outline drawing's, or those between the colours) placed it: its
        land borders matched too."""
        return self.channel == "lines" or self.lines is not None


@dataclass(frozen=True)
class _Candidate:
    score: float
    projection: str
    span: float
    cx: float
    cy: float


def locate(rgb: npt.NDArray[Any], *, budget_s: float = BUDGET_S) -> Location | None:
    """The picture's place in the world, or ``None`` when no place passes the gate (or the
    picture has no sea colour, is too small, or the budget ran out)."""
    deadline = time.thread_time() + budget_s
    arr = np.asarray(rgb)
    if arr.ndim != 3 or min(arr.shape[:2]) < MIN_SIDE:
        return None
    masks, walls = _picture_masks(arr)
    if walls is not None:
        outline = _locate_lines(walls, arr.shape[:2], deadline)
        if outline is not None:
            return outline
        if time.thread_time() > deadline:
            return None
    verified: list[tuple[float, _Candidate, str]] = []
    used: list[F32] = []
    for mask, colour in masks:
        used.append(mask)
        candidates = _coarse(mask, deadline)
        if candidates is None:
            return None
        for cand in candidates:
            fine = _verify(mask, cand)
            if fine is not None:
                verified.append((fine.score, fine, colour))
        verified.sort(key=lambda v: -v[0])
        if verified and verified[0][0] >= MIN_AGREEMENT:
            break  # the first sea colour fits well: another colour would not be the sea
    if not verified:
        return None
    best_score, best, colour = verified[0]
    runner = _runner_up(best, [cand for _, cand, _ in verified[1:]])
    strong_only = not _passes(best_score, runner)
    edges: F32 | None = None
    witness: tuple[float, float] | None = None
    if strong_only and not _leads_clearly(best_score, runner):
        if walls is not None or best_score < WITNESS_FROM:
            return None
        # The sea fits several places about as well (a coast in a corner of a land-filled
        # map), or fits its place less well than the gates ask (a conic projection the
        # candidates only approximate): the lines between the picture's colours, its coasts
        # and borders, tell the places apart.
        edges = _picture_edges(arr)
        # Places within this of the best are rivals: the gate that failed did not rule them out.
        reach = MIN_MARGIN if best_score >= MIN_AGREEMENT else STRONG_LEAD
        rivals: list[_Candidate] = []
        for score, cand, _ in verified[1:]:
            # One of each distinct place (the best fit of it) that the sea cannot rule out.
            if score > best_score - reach and all(_apart(o, cand) for o in (best, *rivals)):
                rivals.append(cand)
        witness = _lines_witness(edges, best, rivals, arr.shape[:2], deadline)
        if witness is None:
            return None
        strong_only = False
    frame = _frame(best, arr.shape[:2])
    if not _holds_crimea(best.projection, frame):
        # Before saying the picture is elsewhere, give the Black Sea region its own chance at
        # the close-up widths the world search does not try: a close-up of Crimea must never
        # be taken for the Arctic coast it resembles at 40 cells.
        region = _black_sea_best(used, deadline)
        if edges is None or witness is None:
            lead = STRONG_LEAD if strong_only else MIN_MARGIN
        else:
            # Witnessed by its lines: the region's sea may fit about as well (the sea could not
            # tell the places apart), never better; its lines must trail by the witness's margin.
            lead = 0.0
            region_lines = _black_sea_best([edges], deadline, lines=True)
            if region_lines is None or witness[0] - region_lines < WITNESS_MIN_MARGIN:
                return None
            witness = (witness[0], max(witness[1], region_lines))
        if region is None or best_score - region < lead:
            return None
        runner = max(runner, region)
    found = _location(best, frame, runner, colour, "sea")
    return found if witness is None else dataclasses.replace(found, lines=witness)


def _lines_witness(
    edges: F32,
    best: _Candidate,
    rivals: list[_Candidate],
    size: tuple[int, int],
    deadline: float = math.inf,
) -> tuple[float, float] | None:
    """The lines agreement of ``best``'s place and the best of the rival places' own, when the
    first reaches :data:`WITNESS_MIN_AGREEMENT` and leads by :data:`WITNESS_MIN_MARGIN`; else
    ``None`` (also when there are more than :data:`MAX_RIVALS` rivals, too many places fit as
    well to be told apart, or when the budget ran out).

    Each place is refitted close round it in every candidate projection
    (:func:`_in_every_projection`), and its best fit counts: the sea's best projection may be a
    near miss that the lines, finer than the sea, do not forgive (a plain plate carrée map
    taken for its cos(27°) aspect fits its lines at 0.50, in its own projection at 0.90)."""
    if len(rivals) > MAX_RIVALS:
        return None

    def lines_fit(cand: _Candidate, enough: float) -> float | None:
        top = -1.0
        for place in _in_every_projection(cand, size):
            if time.thread_time() > deadline:
                return None
            fit = _fit(edges, place, FINE_CELLS, FINE_SCALES, GENERALISATIONS, lines=True)
            if fit is not None and fit.score > top:
                top = fit.score
                if top >= enough:
                    break  # enough to decide: a rival this close already vetoes
        return top

    own = lines_fit(best, math.inf)
    if own is None or own < WITNESS_MIN_AGREEMENT:
        return None
    most = -1.0
    for rival in rivals:
        theirs = lines_fit(rival, own - WITNESS_MIN_MARGIN)
        if theirs is None or own - theirs < WITNESS_MIN_MARGIN:
            return None
        most = max(most, theirs)
    return own, most


def _in_every_projection(cand: _Candidate, size: tuple[int, int]) -> list[_Candidate]:
    """``cand``'s place in each candidate projection (its own first): the same centre, and the
    span the picture's longer side has there (from each projection's scale at the centre,
    along that side)."""
    h, w = size
    lon, lat = _lonlat(cand.projection, cand.cx, cand.cy)
    step = max(0.05, cand.span / 50)
    # Two points either side of the centre along the picture's longer side.
    if w >= h:
        lons, lats, axis = np.array([lon - step, lon + step]), np.array([lat, lat]), 0
    else:
        lons, lats, axis = np.array([lon, lon]), np.array([lat - step, lat + step]), 1

    def scale(variant: str) -> float:
        return abs(float(np.diff(_project(variant, lons, lats)[axis])[0]))

    own = scale(cand.projection)
    out = [cand]
    if not own > 0:
        return out
    for name, (_, _, window) in VARIANTS.items():
        if name == cand.projection:
            continue
        if window is not None and not (
            window[0] <= lon <= window[2] and window[1] <= lat <= window[3]
        ):
            continue
        cx, cy = _project(name, np.array([lon]), np.array([lat]))
        there = scale(name)
        if np.isfinite(cx[0]) and np.isfinite(cy[0]) and math.isfinite(there):
            out.append(_Candidate(cand.score, name, cand.span * there / own, cx[0], cy[0]))
    return out


#: The lines witness (:func:`_lines_witness`): the most rival places it refits; the sea
#: agreement from which it is asked; the lines agreement its place must reach and its lead
#: over every rival. Stricter than the outline gate: it
#: speaks for pictures whose sea says little (a straight coast between two halves matches a
#: straight stretch of some coast at 0.63, leading by 0.17); the eastern United States with
#: the Atlantic in a corner matches at 0.93, its rivals at 0.50 or less.
MAX_RIVALS = 8
WITNESS_FROM = 0.8
WITNESS_MIN_AGREEMENT = 0.8
WITNESS_MIN_MARGIN = 0.25
#: Colour edges (:func:`_picture_edges`): neighbouring pixels this far apart (L1, 0–765).
EDGE_STEP = 60


def _picture_edges(rgb: npt.NDArray[Any]) -> F32:
    """The lines between a picture's colours (1 where a pixel differs from its right or lower
    neighbour by :data:`EDGE_STEP`), at most :data:`MASK_SIDE` pixels long: its coasts and
    borders, with its rivers and lettering."""
    px = _at_mask_side(_rgb8(rgb))
    edges = np.zeros(px.shape[:2], dtype=bool)
    edges[:, 1:] |= np.abs(px[:, 1:] - px[:, :-1]).sum(axis=2) > EDGE_STEP
    edges[1:, :] |= np.abs(px[1:] - px[:-1]).sum(axis=2) > EDGE_STEP
    return edges.astype(np.float32)


def _locate_lines(walls: F32, size: tuple[int, int], deadline: float) -> Location | None:
    """An outline drawing's place by its lines (``walls``: 1 where a line is drawn), or
    ``None`` when no place passes the lines gate (or the budget ran out)."""
    candidates = _coarse(walls, deadline, lines=True)
    if not candidates:
        return None
    verified: list[_Candidate] = []
    for cand in candidates:
        fine = _verify(walls, cand, lines=True)
        if fine is not None and _finite_place(fine):
            verified.append(fine)
    if not verified:
        return None
    verified.sort(key=lambda c: -c.score)
    best = verified[0]
    runner = _runner_up(best, verified[1:])
    if best.score < LINES_MIN_AGREEMENT or best.score - runner < LINES_MIN_MARGIN:
        return None
    frame = _frame(best, size)
    if not _holds_crimea(best.projection, frame):
        region = _black_sea_best([walls], deadline, lines=True)
        if region is None or best.score - region < LINES_MIN_MARGIN:
            return None
        runner = max(runner, region)
    return _location(best, frame, runner, "drawn lines", "lines")


def _finite_place(cand: _Candidate) -> bool:
    """Whether the candidate's centre has a place on Earth (a projection's inverse is not
    finite beyond its outline)."""
    return all(math.isfinite(v) for v in _lonlat(cand.projection, cand.cx, cand.cy))


def _runner_up(best: _Candidate, others: list[_Candidate]) -> float:
    """The agreement of the best of ``others`` (best first) that is a distinct place from
    ``best`` (:func:`_apart`; -1 when none is)."""
    return next((cand.score for cand in others if _apart(best, cand)), -1.0)


def _apart(a: _Candidate, b: _Candidate) -> bool:
    """Whether two candidates are distinct places: centres more than :data:`DISTINCT_SHARE` of
    the larger span apart (a centre with no place on Earth is no place)."""
    lon0, lat0 = _lonlat(a.projection, a.cx, a.cy)
    lon1, lat1 = _lonlat(b.projection, b.cx, b.cy)
    if not all(math.isfinite(v) for v in (lon0, lat0, lon1, lat1)):
        return False
    return _distinct(lon0, lat0, lon1, lat1, max(a.span, b.span))


def _frame(cand: _Candidate, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """The picture's frame (x0, y0, x1, y1) in the candidate projection's plane."""
    h, w = size
    k = cand.span / max(h, w)  # equator degrees per pixel
    half_w, half_h = w * k / 2, h * k / 2
    return (cand.cx - half_w, cand.cy - half_h, cand.cx + half_w, cand.cy + half_h)


def _location(
    best: _Candidate,
    frame: tuple[float, float, float, float],
    runner: float,
    colour: str,
    channel: str,
) -> Location:
    lon, lat = _lonlat(best.projection, best.cx, best.cy)
    return Location(
        projection=best.projection,
        x0=frame[0],
        y0=frame[1],
        x1=frame[2],
        y1=frame[3],
        lon=round(float(lon), 2),
        lat=round(float(lat), 2),
        span=round(best.span, 2),
        agreement=round(best.score, 3),
        runner_up=round(runner, 3),
        colour=colour,
        channel=channel,
    )


def _passes(best: float, runner: float) -> bool:
    """The gate: the best place fits well and leads every distinct place."""
    return best >= MIN_AGREEMENT and best - runner >= MIN_MARGIN


def _leads_clearly(best: float, runner: float) -> bool:
    """The gate for a place that fits less well (a conic map the candidate projections only
    approximate, rivers drawn over the sea): it stands when it leads every distinct place by
    :data:`STRONG_LEAD` (and, when its frame leaves Crimea out, the Black Sea region too)."""
    return best >= STRONG_AGREEMENT and best - runner >= STRONG_LEAD


def holds_crimea(loc: Location) -> bool:
    """Whether the located frame, grown by :data:`CRIMEA_MARGIN`, may reach Crimea."""
    return _holds_crimea(loc.projection, (loc.x0, loc.y0, loc.x1, loc.y1))


def elsewhere(loc: Location) -> str | None:
    """Why the located picture does not show Crimea, or ``None`` when its frame (grown by
    :data:`CRIMEA_MARGIN`) may reach it."""
    if holds_crimea(loc):
        return None
    if loc.channel == "lines":
        what = "its drawn lines match the world's coastlines and borders"
    else:
        what = f"its land and sea (sea {loc.colour}) match the world's coastlines"
    return f"{what} around {place_text(loc)}; Crimea lies outside the picture"


def matched_by(loc: Location) -> str:
    """What put the picture at its place, as the subject of a note ("its land and sea")."""
    return "its drawn lines" if loc.channel == "lines" else "its land and sea"


#: The georeferencing's projection (``refdata.PROJECTIONS``) of each variant, with the plate
#: carrée aspect, and how many of its planar units make an equator degree.
_REGISTRATION_PROJECTIONS: dict[str, tuple[str, float, float]] = {
    name: ("plate-carree", float(param), 1.0)
    if kind == "plate"
    else (name, 1.0, EQUATOR_DEGREE_M / 1000.0)  # the georeferencing's planes are in km
    for name, (kind, param, _) in VARIANTS.items()
    if kind == "plate" or name in REGISTRATION_CRS
}


def registration_pose(
    loc: Location, width: int, height: int
) -> tuple[str, tuple[float, float], tuple[float, float]] | None:
    """The located frame as a pose for :func:`checker.imaging.register.register_near` on a
    ``width`` × ``height`` picture: (projection, (sx, sy), (tx, ty)) with
    ``x = sx·X + tx``, ``y = −sy·Y + ty``; ``None`` for a projection the georeferencing does
    not use."""
    entry = _REGISTRATION_PROJECTIONS.get(loc.projection)
    if entry is None:
        return None
    projection, aspect, units = entry
    px_x = width / (loc.x1 - loc.x0)  # pixels per equator degree
    px_y = height / (loc.y1 - loc.y0)
    # x = (aspect·X/units − x0)·px_x ; y = (y1 − Y/units)·px_y
    return projection, (aspect * px_x / units, px_y / units), (-loc.x0 * px_x, loc.y1 * px_y)


def _holds_crimea(projection: str, frame: tuple[float, float, float, float]) -> bool:
    """Whether the frame (x0, y0, x1, y1 in the projection's plane), grown by
    :data:`CRIMEA_MARGIN` of its size each way, reaches Crimea."""
    x0, y0, x1, y1 = frame
    gx = (x1 - x0) * CRIMEA_MARGIN
    gy = (y1 - y0) * CRIMEA_MARGIN
    w, s, e, n = CRIMEA_BOX
    lon = np.array([w, e, e, w, (w + e) / 2])
    lat = np.array([s, s, n, n, (s + n) / 2])
    x, y = _project(projection, lon, lat)
    inside = np.isfinite(x) & (x >= x0 - gx) & (x <= x1 + gx) & (y >= y0 - gy) & (y <= y1 + gy)
    return bool(inside.any())


def _black_sea_best(masks: list[F32], deadline: float, *, lines: bool = False) -> float | None:
    """The best verified agreement of any of the masks (with ``lines``, line drawings) with a
    place whose frame holds Crimea, searched in the Black Sea region (:data:`REGION_BOX`) at
    widths from :data:`REGION_MIN_SPAN` (``None`` when the budget ran out; -1 when nothing
    verified)."""
    best = -1.0
    for mask in masks:
        candidates = _coarse(mask, deadline, region=True, lines=lines)
        if candidates is None:
            return None
        for cand in candidates:
            fine = _verify(mask, cand, lines=lines)
            if fine is None or fine.score <= best:
                continue
            if _holds_crimea(fine.projection, _frame(fine, mask.shape)):
                best = fine.score
    return best


def place_text(loc: Location) -> str:
    """Where, how and how well, in words: "38° N, 99° W (EPSG:3857, about 39° across;
    agreement 0.96, next-best place 0.84)"."""
    runner = f"{loc.runner_up:.2f}" if loc.runner_up > -1 else "none"
    told = ""
    if loc.lines is not None:
        elsewhere = f"{loc.lines[1]:.2f}" if loc.lines[1] > -1 else "none"
        told = (
            f"; told apart by the lines between its colours: {loc.lines[0]:.2f} here, "
            f"{elsewhere} at the next-best place"
        )
    return (
        f"{_lonlat_text(loc.lon, loc.lat)} ({loc.projection}, about {loc.span:.0f}° across; "
        f"agreement {loc.agreement:.2f}, next-best place {runner}{told})"
    )


def coast_pixels(loc: Location, width: int, height: int) -> list[npt.NDArray[np.float64]]:
    """The world's coast (1:50m) as the located frame puts it on a ``width`` × ``height``
    picture: one (n, 2) array of pixel coordinates per ring that reaches the frame and is at
    least two pixels across."""
    gen = GENERALISATIONS[0]
    x, y = _rings(loc.projection, gen)
    start = _land(gen).start
    boxes, ok = _ring_table(loc.projection, gen)
    sx = width / (loc.x1 - loc.x0)
    sy = height / (loc.y1 - loc.y0)
    near = ok & _near(boxes, (loc.x0, loc.y0, loc.x1, loc.y1), 2 / sx, 2 / sy)
    out = []
    for i in np.nonzero(near)[0]:
        a, b = start[i], start[i + 1]
        out.append(np.column_stack([(x[a:b] - loc.x0) * sx, (loc.y1 - y[a:b]) * sy]))
    return out


def _lonlat_text(lon: float, lat: float) -> str:
    ew = "E" if lon >= 0 else "W"
    ns = "N" if lat >= 0 else "S"
    return f"{abs(lat):.0f}° {ns}, {abs(lon):.0f}° {ew}"


def _distinct(lon0: float, lat0: float, lon1: float, lat1: float, span: float) -> bool:
    dx = abs((lon1 - lon0 + 180.0) % 360.0 - 180.0) * math.cos(math.radians((lat0 + lat1) / 2))
    return math.hypot(dx, lat1 - lat0) > DISTINCT_SHARE * span


# --- the picture -------------------------------------------------------------------------------


def _sea_masks(rgb: npt.NDArray[Any]) -> list[tuple[F32, str]]:
    """Up to :data:`MAX_MASKS` masks (1 where the picture has that colour) of its most common
    distinct colours that cover between :data:`MIN_SHARE` and :data:`MAX_SHARE` of it."""
    return _picture_masks(rgb)[0]


def _picture_masks(rgb: npt.NDArray[Any]) -> tuple[list[tuple[F32, str]], F32 | None]:
    """:func:`_sea_masks`, and for an outline drawing its drawn lines (1 where a line is, at
    most :data:`MASK_SIDE` cells long; ``None`` for other pictures)."""
    arr = _rgb8(rgb)
    px = _at_mask_side(arr)
    q = (px[..., 0] >> 3) * 1024 + (px[..., 1] >> 3) * 32 + (px[..., 2] >> 3)
    values, counts = np.unique(q, return_counts=True)
    out: list[tuple[F32, str]] = []
    used: list[npt.NDArray[np.int32]] = []
    for rank, idx in enumerate(np.argsort(-counts, kind="stable")[:COLOURS_TRIED]):
        v = int(values[idx])
        colour = np.array([(v >> 10) * 8 + 4, ((v >> 5) & 31) * 8 + 4, (v & 31) * 8 + 4])
        if any(int(np.abs(colour - u).sum()) < COLOUR_DISTANCE for u in used):
            continue
        used.append(colour)
        mask = np.abs(px - colour).sum(axis=2) < COLOUR_DISTANCE
        share = float(mask.mean())
        if MIN_SHARE <= share <= MAX_SHARE:
            mean = px[mask].mean(axis=0)
            out.append((mask.astype(np.float32), _hex(mean)))
            if len(out) == MAX_MASKS:
                break
        elif rank == 0 and share > MAX_SHARE:
            # An outline drawing: one colour for land and sea, and lines between them.
            paper = px[mask].mean(axis=0)
            walls = _outline_walls(arr, paper)
            return _walled_areas(walls, paper), walls.astype(np.float32)
    return out, None


def _rgb8(rgb: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """The picture as 8-bit RGB."""
    from checker.imaging._register_edges import to_float_rgb

    arr = np.asarray(rgb)
    if arr.dtype != np.uint8 or arr.shape[2] != 3:
        arr = np.clip(to_float_rgb(arr) + 0.5, 0, 255).astype(np.uint8)
    return arr


def _at_mask_side(arr: npt.NDArray[np.uint8]) -> npt.NDArray[np.int32]:
    """An 8-bit RGB picture box-filtered down to at most :data:`MASK_SIDE` pixels long."""
    from PIL import Image

    im = Image.fromarray(arr)
    f = max(1.0, max(im.size) / MASK_SIDE)
    if f > 1.0:
        size = (max(1, round(im.size[0] / f)), max(1, round(im.size[1] / f)))
        im = im.resize(size, Image.Resampling.BOX)
    return np.asarray(im).astype(np.int32)


def _hex(rgb: npt.NDArray[Any]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb))


def _outline_masks(rgb: npt.NDArray[np.uint8], paper: npt.NDArray[Any]) -> list[tuple[F32, str]]:
    """:func:`_walled_areas` of the picture's :func:`_outline_walls`."""
    return _walled_areas(_outline_walls(rgb, paper), paper)


def _outline_walls(rgb: npt.NDArray[np.uint8], paper: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """An outline drawing's lines: the pixels far from the ``paper`` colour (RGB,
    :data:`OUTLINE_WALL`), found at the picture's own size (where a coast is dark and a
    graticule or a label's halo-softened edge is light), and kept in every cell of at most
    :data:`MASK_SIDE` cells each way that they touch."""
    dist = np.abs(rgb.astype(np.int32) - paper.astype(np.int32)).sum(axis=2)
    wall = dist > OUTLINE_WALL
    h, w = wall.shape
    k = max(1, math.ceil(max(h, w) / MASK_SIDE))
    rows, cols = -(-h // k), -(-w // k)
    cells = np.zeros((rows * k, cols * k), dtype=bool)
    cells[:h, :w] = wall
    return np.asarray(cells.reshape(rows, k, cols, k).any(axis=(1, 3)))


def _walled_areas(walls: npt.NDArray[np.bool_], paper: npt.NDArray[Any]) -> list[tuple[F32, str]]:
    """Candidate sea masks of an outline drawing, whose land and sea are one colour
    (``paper``, RGB) with lines between them: the areas walled in by the lines (four-way
    connected, so that a line drawn diagonally is a wall too): the largest and the second
    largest on their own, and all but the largest together. The sea of an outline map is often
    one area (the oceans meet beyond the islands), and so is a large country; or a peninsula
    that reaches the picture's edge cuts the sea in two. The search and its gate tell which of
    them fits the world's sea.

    The walls (:func:`_outline_walls`), grown by a cell, close the gaps a label's halo cuts
    into a coast."""
    from scipy import ndimage

    walls = ndimage.binary_dilation(walls, iterations=OUTLINE_GROW)
    labels, n = ndimage.label(~walls)
    if n == 0:
        return []
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    sizes[0] = 0  # the walls
    order = [int(i) for i in np.argsort(-sizes, kind="stable")[: min(2, n)]]
    largest = labels == order[0]
    candidates = [(largest, "the largest area")]
    if n >= 2:
        candidates += [
            (labels == order[1], "the second-largest area"),
            (~walls & ~largest, "the areas but the largest"),
        ]
    colour = _hex(paper)
    out: list[tuple[F32, str]] = []
    for area, what in candidates:
        share = float(area.mean())
        if MIN_SHARE <= share <= MAX_SHARE:
            out.append((area.astype(np.float32), f"{colour}, {what} walled in by the drawn lines"))
    return out


#: Outline drawings (:func:`_outline_masks`): a pixel this far (L1, 0–765) from the paper is a
#: wall; walls are grown by this many cells of the mask.
OUTLINE_WALL = 120
OUTLINE_GROW = 1


def _shrunk(mask: F32, size: tuple[int, int]) -> F32:
    from PIL import Image

    return np.asarray(Image.fromarray(mask).resize(size, Image.Resampling.BOX), dtype=np.float32)


def _template(mask: F32, size: tuple[int, int], lines: bool) -> F32:
    """The picture's mask at ``size`` (width, height) cells: the share of each cell (a sea
    mask), or, for drawn lines, 1 in each cell a line crosses, blurred as the world's lines are
    (:data:`LINE_SIGMA`)."""
    shrunk = _shrunk(mask, size)
    if not lines:
        return shrunk
    from scipy import ndimage

    crossed = (shrunk > LINE_CELL_SHARE).astype(np.float32)
    return np.asarray(ndimage.gaussian_filter(crossed, LINE_SIGMA), dtype=np.float32)


# --- coarse search -----------------------------------------------------------------------------


def _coarse(
    mask: F32, deadline: float, *, region: bool = False, lines: bool = False
) -> list[_Candidate] | None:
    """The best positions of the mask as sea (with ``lines``, of the drawn lines as the
    world's coasts and borders) over every variant and span (``None`` when the budget ran out);
    with ``region``, within :data:`REGION_BOX` only, from :data:`REGION_MIN_SPAN` to
    :data:`REGION_MAX_SPAN`."""
    from scipy import fft

    h, w = mask.shape
    found: list[_Candidate] = []
    lo, hi = (REGION_MIN_SPAN, REGION_MAX_SPAN) if region else (MIN_SPAN, MAX_SPAN)
    for name in VARIANTS:
        if region and not _covers_region(name):
            continue
        span = lo
        while span < hi:
            if time.thread_time() > deadline:
                return None
            res = next((r for r in LEVELS if span / r < COARSE_CELLS), LEVELS[-1])
            k = span / max(h, w)
            tw, th = max(2, round(w * k / res)), max(2, round(h * k / res))
            span_now = span
            span *= SPAN_STEP
            if th >= PAD or tw >= PAD:
                continue
            world = _world(name, res, region, lines)
            ncc = _ncc(world, _template(mask, (tw, th), lines), fft)
            if ncc is None:
                continue
            if not lines:
                ncc = -ncc  # the colour is the sea: it must meet the world's sea, not its land
            for _ in range(2):
                i, j = np.unravel_index(int(np.argmax(ncc)), ncc.shape)
                score = float(ncc[i, j])
                if score <= 0:
                    break
                cx = world.x0 + (j + tw / 2) * res
                cy = world.y1 - (i + th / 2) * res
                found.append(_Candidate(score, name, span_now, cx, cy))
                ncc[
                    max(0, i - th // 2) : i + th // 2 + 1, max(0, j - tw // 2) : j + tw // 2 + 1
                ] = -1
    found.sort(key=lambda c: -c.score)
    kept: list[_Candidate] = []
    per_octave: dict[int, int] = {}
    for cand in found:
        octave = int(math.log2(cand.span / lo))
        if per_octave.get(octave, 0) < CANDIDATES:
            per_octave[octave] = per_octave.get(octave, 0) + 1
            kept.append(cand)
    return kept


@dataclass(frozen=True)
class _World:
    shape: tuple[int, int]
    """The land raster's shape (the raster itself is not kept: its spectrum and sums are)."""
    spectrum: npt.NDArray[np.complex64]
    integral: F32
    x0: float
    y1: float
    squares: F32 | None = None
    """For a lines raster (values between 0 and 1), the integral of its squares; a land raster
    is 0 or 1, its own square."""


def _ncc(world: _World, template: F32, fft: Any) -> F32 | None:
    """Normalised cross-correlation of ``template`` with the land raster at every position
    where it lies wholly inside (0 where the window is all land or all sea); for a lines
    raster, 0 where the window holds almost no line (:data:`LINE_MIN_DENSITY`)."""
    th, tw = template.shape
    n = template.size
    t_std = float(template.std())
    if t_std < (0.1 if world.squares is None else 0.02):
        return None
    shape = world.shape
    padded = np.zeros(shape, np.float32)
    padded[:th, :tw] = template - float(template.mean())
    corr = fft.irfft2(world.spectrum * np.conj(fft.rfft2(padded)), s=shape)
    rows, cols = shape[0] - th + 1, shape[1] - tw + 1
    ii = world.integral
    land_sum = ii[th:, tw:] - ii[:rows, tw:] - ii[th:, :cols] + ii[:rows, :cols]
    mean = land_sum / np.float32(n)
    if world.squares is None:
        var = mean - mean * mean
    else:
        sq = world.squares
        var = (sq[th:, tw:] - sq[:rows, tw:] - sq[th:, :cols] + sq[:rows, :cols]) / np.float32(n)
        var -= mean * mean
    np.maximum(var, np.float32(1e-6), out=var)
    np.sqrt(var, out=var)
    var *= np.float32(n * t_std)
    out: F32 = corr[:rows, :cols] / var
    if world.squares is None:
        out[(mean < MIN_MIXED) | (mean > 1 - MIN_MIXED)] = 0.0
    else:
        out[mean < LINE_MIN_DENSITY] = 0.0
    return out


_LOCK = threading.Lock()


def _world(name: str, res: float, region: bool = False, lines: bool = False) -> _World:
    with _LOCK:
        return _world_cached(name, res, region, lines)


def _covers_region(name: str) -> bool:
    window = VARIANTS[name][2]
    if window is None:
        return True
    w, s, e, n = REGION_BOX
    return window[0] <= w and window[1] <= s and window[2] >= e and window[3] >= n


@cache
def _world_cached(name: str, res: float, region: bool, lines: bool) -> _World:
    """The land raster (with ``lines``: the lines raster) of the whole world, or with
    ``region`` of :data:`REGION_BOX` only."""
    from scipy import fft

    gen = GENERALISATIONS[0]
    if region:
        w, s, e, n = REGION_BOX
        edge_lon = np.concatenate(
            [np.linspace(w, e, 50), np.linspace(w, e, 50), [w] * 50, [e] * 50]
        )
        edge_lat = np.concatenate(
            [[s] * 50, [n] * 50, np.linspace(s, n, 50), np.linspace(s, n, 50)]
        )
        x, y = _project(name, edge_lon, edge_lat)
    else:
        x, y = _rings(name, gen)
    ok = np.isfinite(x) & np.isfinite(y)
    x0, x1 = float(x[ok].min()), float(x[ok].max())
    y0, y1 = float(y[ok].min()), float(y[ok].max())
    height = fft.next_fast_len(int((y1 - y0) / res) + 1 + PAD, real=True)
    width = fft.next_fast_len(int((x1 - x0) / res) + 1 + PAD, real=True)
    if lines:
        return _raster_world(_draw_lines(name, gen, x0, y1, res, width, height), x0, y1, True)
    return _raster_world(_draw(name, gen, x0, y1, res, width, height), x0, y1, False)


def _raster_world(
    raster: F32, x0: float, y1: float, lines: bool, *, compact: bool = True
) -> _World:
    """A raster's spectrum (``compact``: as complex64, for the rasters kept) and running sums
    (of its squares too, for lines)."""
    from scipy import fft

    height, width = raster.shape
    # float32 sums of land are exact: a raster has fewer than 2**24 cells. Lines are blurred
    # and sparse: their sums stay far below the precision that would matter.
    integral = np.zeros((height + 1, width + 1), np.float32)
    integral[1:, 1:] = raster.cumsum(0).cumsum(1)
    squares = None
    if lines:
        squares = np.zeros((height + 1, width + 1), np.float32)
        squares[1:, 1:] = (raster * raster).cumsum(0).cumsum(1)
    spectrum = fft.rfft2(raster)
    if compact:
        spectrum = spectrum.astype(np.complex64)
    return _World((height, width), spectrum, integral, x0, y1, squares)


# --- verification ------------------------------------------------------------------------------


def _verify(mask: F32, cand: _Candidate, *, lines: bool = False) -> _Candidate | None:
    """The candidate matched again, first at :data:`MID_CELLS` cells over the scales the coarse
    step leaves open (:data:`MID_SCALES`), then at :data:`FINE_CELLS` cells close round the
    best of those (:data:`FINE_SCALES`; at 128 cells a 3 % scale error already costs 0.05 of
    agreement), against the land (with ``lines``: the lines) of each generalisation: its best
    agreement and place."""
    mid = _fit(mask, cand, MID_CELLS, MID_SCALES, GENERALISATIONS[:1], lines)
    if mid is None or mid.score < (LINES_FINE_FROM if lines else FINE_FROM):
        return mid
    fine = _fit(mask, mid, FINE_CELLS, FINE_SCALES, GENERALISATIONS, lines)
    return fine if fine is not None and fine.score >= mid.score - 0.2 else mid


def _fit(
    mask: F32,
    cand: _Candidate,
    cells: int,
    scales: tuple[float, ...],
    gens: tuple[str, ...],
    lines: bool = False,
) -> _Candidate | None:
    """The best agreement of ``mask`` with the land around ``cand`` at ``cells`` cells, over
    ``scales`` times its span and shifts up to about a third of the picture each way. The land
    is drawn once per generalisation, at the resolution of ``cand``'s span; the scales resize
    the template instead."""
    from scipy import fft

    h, w = mask.shape
    res = cand.span / cells
    k = cand.span / max(h, w)
    best: _Candidate | None = None
    generalised_from = LINES_GENERALISED_FROM if lines else GENERALISED_FROM
    for gen in gens:
        if gen != gens[0] and (best is None or best.score < generalised_from):
            break  # a wrong place: a simpler coast would not lift it to the gate
        cw = int(round(w * k / res) * max(scales) * FINE_CONTEXT)
        ch = int(round(h * k / res) * max(scales) * FINE_CONTEXT)
        bx0 = cand.cx - cw * res / 2
        by1 = cand.cy + ch * res / 2
        hf = fft.next_fast_len(ch, real=True)
        wf = fft.next_fast_len(cw, real=True)
        land = np.zeros((hf, wf), np.float32)
        draw = _draw_lines if lines else _draw
        land[:ch, :cw] = draw(cand.projection, gen, bx0, by1, res, cw, ch)
        world = _raster_world(land, bx0, by1, lines, compact=False)
        for factor in scales:
            tw = max(2, round(w * k * factor / res))
            th = max(2, round(h * k * factor / res))
            ncc = _ncc(world, _template(mask, (tw, th), lines), fft)
            if ncc is None:
                continue
            ncc = ncc[: ch - th + 1, : cw - tw + 1]
            if not lines:
                ncc = -ncc
            if ncc.size == 0:
                continue
            i, j = np.unravel_index(int(np.argmax(ncc)), ncc.shape)
            score = float(ncc[i, j])
            if best is None or score > best.score:
                cx = bx0 + (j + tw / 2) * res
                cy = by1 - (i + th / 2) * res
                best = _Candidate(score, cand.projection, cand.span * factor, cx, cy)
    return best


# --- the world's land ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Land:
    lonlat: F64
    start: npt.NDArray[np.int32]
    hole: npt.NDArray[np.uint8]
    border_lonlat: F64
    """The land borders between countries, as lines (:func:`_draw_lines`)."""
    border_start: npt.NDArray[np.int32]


@cache
def _land(gen: str) -> _Land:
    import json

    import reference_boundaries

    with np.load(reference_boundaries.DATA_DIR / WORLD_LAND_FILE, allow_pickle=False) as data:
        meta = json.loads(bytes(data["meta"]).decode("utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            msg = f"{WORLD_LAND_FILE} has format {meta.get('format_version')}"
            raise ValueError(msg)
        return _Land(
            data[f"lonlat_{gen}"].astype(np.float64),
            data[f"start_{gen}"].astype(np.int32),
            data[f"hole_{gen}"],
            data[f"border_lonlat_{gen}"].astype(np.float64),
            data[f"border_start_{gen}"].astype(np.int32),
        )


def _rings(name: str, gen: str) -> tuple[F64, F64]:
    with _LOCK_RINGS:
        return _rings_cached(name, gen)


_LOCK_RINGS = threading.Lock()


@cache
def _rings_cached(name: str, gen: str) -> tuple[F64, F64]:
    """Every ring vertex of generalisation ``gen`` in the variant's plane (equator degrees)."""
    land = _land(gen)
    lon, lat = land.lonlat[:, 0], land.lonlat[:, 1]
    window = VARIANTS[name][2]
    if window is not None:
        w, s, e, n = window
        # Outside the window a ring is pinned to the window's edge: land reaching beyond it
        # ends there in a straight line (regional projections fold over further away).
        lon = np.clip(lon, w, e)
        lat = np.clip(lat, s, n)
    return _project(name, lon, lat)


@cache
def _ring_table(name: str, gen: str) -> tuple[F64, npt.NDArray[np.bool_]]:
    """Each ring's box in the variant's plane (x0, y0, x1, y1) and whether it can be drawn
    (at least three finite vertices)."""
    x, y = _rings(name, gen)
    start = _land(gen).start
    boxes = np.empty((len(start) - 1, 4))
    ok = np.zeros(len(start) - 1, bool)
    for i in range(len(start) - 1):
        xs, ys = x[start[i] : start[i + 1]], y[start[i] : start[i + 1]]
        boxes[i] = (xs.min(), ys.min(), xs.max(), ys.max())
        ok[i] = len(xs) >= 3 and bool(np.isfinite(xs).all() and np.isfinite(ys).all())
    return boxes, ok


def _draw(name: str, gen: str, x0: float, y1: float, res: float, width: int, height: int) -> F32:
    """The land (1) and sea (0) of the variant's plane in the frame from ``(x0, y1)`` (top
    left) at ``res`` equator degrees per cell. Rings smaller than a cell each way are left out
    (at the scale they are specks that no picture's colour mask keeps either)."""
    from PIL import Image, ImageDraw

    x, y = _rings(name, gen)
    land = _land(gen)
    boxes, ok = _ring_table(name, gen)
    near = ok & _near(boxes, (x0, y1 - height * res, x0 + width * res, y1), res, res)
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    for i in np.nonzero(near)[0]:
        a, b = land.start[i], land.start[i + 1]
        draw.polygon(_cells(x[a:b], y[a:b], x0, y1, res), fill=0 if land.hole[i] else 1)
    return np.asarray(img, dtype=np.float32)


def _near(
    boxes: F64, frame: tuple[float, float, float, float], least_w: float, least_h: float
) -> npt.NDArray[np.bool_]:
    """Which boxes (x0, y0, x1, y1 rows) reach the frame (x0, y0, x1, y1) and are at least
    ``least_w`` wide or ``least_h`` tall."""
    x0, y0, x1, y1 = frame
    return (
        (boxes[:, 2] >= x0)
        & (boxes[:, 0] <= x1)
        & (boxes[:, 3] >= y0)
        & (boxes[:, 1] <= y1)
        & ((boxes[:, 2] - boxes[:, 0] >= least_w) | (boxes[:, 3] - boxes[:, 1] >= least_h))
    )


def _cells(x: F64, y: F64, x0: float, y1: float, res: float) -> list[float]:
    """Plane coordinates as a raster's flat x, y list, from its top left ``(x0, y1)`` at
    ``res`` per cell."""
    cells = np.empty((len(x), 2))
    cells[:, 0] = (x - x0) / res
    cells[:, 1] = (y1 - y) / res
    return list(cells.ravel().tolist())


def _draw_lines(
    name: str, gen: str, x0: float, y1: float, res: float, width: int, height: int
) -> F32:
    """The world's lines (coasts and lake shores: the land rings; and the land borders) in
    the variant's plane, in the frame from ``(x0, y1)`` at ``res`` equator degrees per cell,
    one cell wide and blurred by :data:`LINE_SIGMA` cells. Lines smaller than a cell each way
    are left out; a regional projection's lines stop at its window's edge."""
    from PIL import Image, ImageDraw
    from scipy import ndimage

    x, y, start, boxes, _ = _line_table(name, gen)
    near = _near(boxes, (x0, y1 - height * res, x0 + width * res, y1), res, res)
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    for i in np.nonzero(near)[0]:
        a, b = start[i], start[i + 1]
        draw.line(_cells(x[a:b], y[a:b], x0, y1, res), fill=1, width=1)
    raster = np.asarray(img, dtype=np.float32)
    return np.asarray(ndimage.gaussian_filter(raster, LINE_SIGMA), dtype=np.float32)


@cache
def _line_table(name: str, gen: str) -> tuple[F64, F64, npt.NDArray[np.int64], F64, int]:
    """Every line of :func:`_draw_lines` in the variant's plane: vertices x, y; where each line
    starts (and the total at the end); each line's box (x0, y0, x1, y1); and the index of the
    first border (the coasts come first). A line leaving a regional projection's window is cut
    there (its pieces are lines of their own): pinned to the window's edge, as the land is, it
    would draw the edge as a coast."""
    land = _land(gen)
    lonlat = [land.lonlat, land.border_lonlat]
    starts = [land.start, land.border_start]
    window = VARIANTS[name][2]
    xs: list[F64] = []
    ys: list[F64] = []
    lengths: list[int] = []
    first_border = 0
    for coords, start in zip(lonlat, starts, strict=True):
        first_border = len(lengths)
        lon, lat = coords[:, 0], coords[:, 1]
        x, y = _project(name, lon, lat)
        ok = np.isfinite(x) & np.isfinite(y)
        if window is not None:
            w, s, e, n = window
            ok &= (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)
        for i in range(len(start) - 1):
            a, b = int(start[i]), int(start[i + 1])
            keep = ok[a:b]
            if keep.all():
                pieces = [(a, b)]
            else:
                # Runs of kept vertices: where keep turns on and off.
                edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(np.int8), [0]])))
                pieces = [
                    (a + int(p), a + int(q)) for p, q in zip(edges[::2], edges[1::2], strict=True)
                ]
            for p, q in pieces:
                if q - p >= 2:
                    xs.append(x[p:q])
                    ys.append(y[p:q])
                    lengths.append(q - p)
    x_all = np.concatenate(xs)
    y_all = np.concatenate(ys)
    line_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    boxes = np.empty((len(lengths), 4))
    for i in range(len(lengths)):
        px = x_all[line_start[i] : line_start[i + 1]]
        py = y_all[line_start[i] : line_start[i + 1]]
        boxes[i] = (px.min(), py.min(), px.max(), py.max())
    return x_all, y_all, line_start, boxes, first_border


def border_pixels(loc: Location, width: int, height: int) -> list[npt.NDArray[np.float64]]:
    """The world's land borders (1:50m) as the located frame puts them on a ``width`` ×
    ``height`` picture: one (n, 2) array of pixel coordinates per line that reaches the frame
    (for the evidence picture of a place found by lines)."""
    x, y, start, boxes, first = _line_table(loc.projection, GENERALISATIONS[0])
    near = _near(boxes, (loc.x0, loc.y0, loc.x1, loc.y1), 0.0, 0.0)
    sx = width / (loc.x1 - loc.x0)
    sy = height / (loc.y1 - loc.y0)
    out = []
    for i in np.nonzero(near[first:])[0] + first:
        a, b = start[i], start[i + 1]
        out.append(np.column_stack([(x[a:b] - loc.x0) * sx, (loc.y1 - y[a:b]) * sy]))
    return out


# --- projections -------------------------------------------------------------------------------


def _project(name: str, lon: F64, lat: F64) -> tuple[F64, F64]:
    kind, param, _ = VARIANTS[name]
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if kind == "plate":
        return lon * float(param), lat.copy()
    if kind == "mercator":
        phi = np.radians(np.clip(lat, -MERCATOR_LAT, MERCATOR_LAT))
        return lon.copy(), np.degrees(np.log(np.tan(np.pi / 4 + phi / 2)))
    x, y = _transformer(name, inverse=False).transform(lon, lat)
    return np.asarray(x) / EQUATOR_DEGREE_M, np.asarray(y) / EQUATOR_DEGREE_M


def _lonlat(name: str, x: float, y: float) -> tuple[float, float]:
    kind, param, _ = VARIANTS[name]
    if kind == "plate":
        return float(x) / float(param), float(y)
    if kind == "mercator":
        return float(x), math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)
    lon, lat = _transformer(name, inverse=True).transform(
        x * EQUATOR_DEGREE_M, y * EQUATOR_DEGREE_M
    )
    return float(lon), float(lat)


@cache
def _transformer(name: str, *, inverse: bool) -> Any:
    import pyproj

    crs = VARIANTS[name][1]
    if inverse:
        return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
