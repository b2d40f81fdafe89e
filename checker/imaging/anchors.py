"""Georeferencing a map picture by its place-name labels (OCR anchors, DESIGN §6).

When the coastline search fails (a close-up of generalised line work, whose coast is a dozen
straight strokes; a hillshaded map whose coast is lost in texture), the names OCR read still
say where places are: "Kerch", "Simferopol", "Yalta" set beside their dots fix the picture's
scale and position as surely as the coast would, if less precisely.

1. **Anchors.** Each label of a city in the gazetteer is an anchor. Its place is the city's
   marker (a small dot or square beside the label's first or last letter) when one is found,
   else the label's centre, which is then only known to within half the label's width.
2. **Fit.** For every candidate projection, the north-up pose ``x = sx·X + tx``,
   ``y = −sy·Y + ty`` that the most anchors agree on (each within its own tolerance) is found
   from every pair of anchors and refitted to those that agree, weighting each by its
   tolerance. Homonyms and misread names fall out as disagreeing anchors.
3. **Use.** The pose seeds the coastline fit (:func:`checker.imaging.register.register_near`),
   which refines and gates it as it does a search result. When the coast cannot be fitted, a
   fit of at least :data:`MIN_STANDALONE` anchors stands as a registration of its own
   (``method == "labels"``): good enough to sample the colours well inside each area, not to
   read a border line a pixel wide, so :mod:`.decide` reads no lines under it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from checker.imaging.ocr import PlaceHit
    from checker.imaging.register import Registration

F64 = npt.NDArray[np.float64]

#: Projections a label fit is tried in (the georeferencing's own, bar the UTM zones, which the
#: conic and Eurostat ones stand in for over the few degrees a label fit spans).
PROJECTIONS: tuple[str, ...] = (
    "plate-carree",
    "EPSG:3857",
    "EPSG:3035",
    "EPSG:3034",
    "robinson",
    "equal-earth",
    "natural-earth",
    "winkel-tripel",
)
#: Plausible ``sx / sy`` of a pose: plate carrée's cos(latitude) aspects (1/cos 63° to square),
#: and about square for every other projection.
PLATE_ASPECT = (0.45, 1.02)
OTHER_ASPECT = (0.9, 1.1)
#: At least this many anchors (distinct labels) must agree to seed the coastline fit...
MIN_ANCHORS = 3
#: ... and this many for the labels' pose to stand alone as the registration.
MIN_STANDALONE = 4
#: An anchor agrees with a pose when it lies within this many times its tolerance of it.
AGREE = 1.5
#: A pair of anchors proposes a pose when they lie this many of their summed tolerances apart
#: each way.
PAIR_SPREAD_TOL = 1.5
#: The anchors that agree must spread over this many of their median tolerances each way (the
#: scale is not to be read off two labels next to each other).
MIN_SPREAD_TOL = 3.0
#: A standalone fit's residual RMS, over the anchors' tolerances, at most this.
MAX_NORM_RMS = 0.6
#: At most this many city labels are looked at (each costs a marker search)...
MAX_LABELS = 60
#: ... and at most this many anchors are fitted (every pair of them proposes a pose).
MAX_FIT_ANCHORS = 40
#: A city marker (dot or square) is looked for this many letter heights beyond the label's ends.
MARKER_REACH = 2.0
#: A marker differs from what is round it by at least this much grey (0–255).
MARKER_CONTRAST = 40.0


@dataclass(frozen=True)
class Anchor:
    """A city label read in the picture: where its place is (pixels) and to within how much."""

    place: PlaceHit
    x: float
    y: float
    #: How far the place may be from (x, y) across and up or down: a marker is found to within
    #: a few pixels; a label's centre is half the label's width from a place set beside it.
    tol_x: float
    tol_y: float
    #: The place is the label's marker (not the label's centre).
    marker: bool


@dataclass(frozen=True)
class LabelFit:
    """The pose the most anchors agree on: ``x = sx·X + tx``, ``y = −sy·Y + ty`` in pixels, for
    ``projection``'s planar coordinates (:func:`checker.imaging.refdata.forward`)."""

    projection: str
    sx: float
    sy: float
    tx: float
    ty: float
    anchors: tuple[Anchor, ...]
    #: Labels read that disagree with the pose.
    outliers: int
    #: RMS distance of the anchors from where the pose puts their places, pixels, and over
    #: their tolerances.
    rms_px: float
    norm_rms: float

    def to_pixel(self, lon: F64, lat: F64) -> tuple[F64, F64]:
        from checker.imaging.refdata import forward

        x, y = forward(self.projection, lon, lat)
        return self.sx * x + self.tx, -self.sy * y + self.ty

    @property
    def standalone(self) -> bool:
        """Whether the fit may stand as the registration when the coast cannot be fitted."""
        return len(self.anchors) >= MIN_STANDALONE and self.norm_rms <= MAX_NORM_RMS

    @property
    def points(self) -> tuple[tuple[float, float], ...]:
        """Where the agreeing labels' places are in the picture."""
        return tuple((float(a.x), float(a.y)) for a in self.anchors)

    @property
    def names(self) -> str:
        return ", ".join(sorted({a.place.name for a in self.anchors})[:6])

    def text(self) -> str:
        markers = sum(a.marker for a in self.anchors)
        return (
            f"{len(self.anchors)} place labels agree ({self.names}); {self.projection}, "
            f"places within {self.rms_px:.0f} px (RMS), {markers} found by their marker"
        )


def city_labels(places: Sequence[PlaceHit]) -> list[PlaceHit]:
    """The places read that can anchor a picture: cities whose label's box is known."""
    return [p for p in places if p.kind == "city" and p.box is not None]


def find_anchors(rgb: npt.NDArray[np.uint8], places: Sequence[PlaceHit]) -> list[Anchor]:
    """One anchor per city label read (places of the same label, homonyms, share its box);
    other places are passed over."""
    cities = sorted(city_labels(places), key=lambda p: -p.conf)[:MAX_LABELS]  # surest first
    markers: dict[tuple[int, int, int, int], tuple[float, float] | None] = {}
    for place in cities:
        assert place.box is not None
        x0, y0, x1, y1 = place.box
        if x1 > x0 and y1 > y0 and place.box not in markers:
            markers[place.box] = _marker(rgb, place.box)
    # A marker between two labels is the nearer one's.
    for box, marker in list(markers.items()):
        if marker is None:
            continue
        for other, theirs in markers.items():
            if (
                other != box
                and theirs is not None
                and math.hypot(theirs[0] - marker[0], theirs[1] - marker[1]) <= 2.0
                and _gap(other, theirs) < _gap(box, marker)
            ):
                markers[box] = None
                break
    out: list[Anchor] = []
    for place in cities:
        assert place.box is not None
        if place.box not in markers:
            continue
        x0, y0, x1, y1 = place.box
        letter = float(y1 - y0)
        marker = markers[place.box]
        if marker is not None:
            tol = max(2.0, 0.6 * letter)
            out.append(Anchor(place, marker[0], marker[1], tol, tol, True))
        else:
            centre = ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
            out.append(Anchor(place, *centre, 0.5 * (x1 - x0) + letter, letter, False))
    return out


def _gap(box: tuple[int, int, int, int], point: tuple[float, float]) -> float:
    x0, _, x1, _ = box
    return 0.0 if x0 <= point[0] <= x1 else min(abs(point[0] - x0), abs(point[0] - x1))


def _marker(
    rgb: npt.NDArray[np.uint8], box: tuple[int, int, int, int]
) -> tuple[float, float] | None:
    """The centre of a city marker beside the label in ``box``: a solid blob about a letter
    high or less that stands out from its neighbourhood, level with the label and within
    :data:`MARKER_REACH` letter heights of its first or last letter; the nearest such blob.
    ``None`` when there is none.

    Ink is what differs from the local median (so the edge of a fill, where a dot is often
    set on the coast, is not), opened so that lines a pixel or two wide fall away. Tesseract
    sometimes reads the marker as a glyph of the label ("® Севастополь"): a blob at the ends of
    the label's own box counts too, first, if nothing else of the lettering is joined to it (a
    letter's stem is)."""
    from scipy import ndimage

    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box
    letter = y1 - y0
    reach = max(4, round(MARKER_REACH * letter))
    wx0, wx1 = max(0, x0 - reach), min(w, x1 + reach)
    wy0, wy1 = max(0, y0 - letter // 2), min(h, y1 + letter // 2)
    if wx1 - wx0 < 7 or wy1 - wy0 < 7:
        return None
    grey = rgb[wy0:wy1, wx0:wx1, :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    # The local background: a median over two letters' height, where a marker (a letter high
    # at most) is in the minority, and which keeps the edge of a fill where it is. (A window
    # of a letter and a bit lost a third of the markers of a close-up of the tuning seed.)
    local = ndimage.median_filter(grey, size=max(7, 2 * letter + 1), mode="nearest")
    raw = np.abs(grey - local) > MARKER_CONTRAST
    side = 3 if letter >= 8 else 2
    ink = ndimage.binary_opening(raw, structure=np.ones((side, side), dtype=bool))
    labels, n = ndimage.label(ink)
    if n == 0:
        return None
    raw_labels, _ = ndimage.label(raw)
    raw_boxes = ndimage.find_objects(raw_labels)
    best: tuple[float, float, float] | None = None
    cy_label = (y0 + y1) / 2.0
    end = max(2.0, 1.2 * letter)
    for i, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        sy, sx = sl
        bh, bw = sy.stop - sy.start, sx.stop - sx.start
        if not 2 <= bw <= max(3, letter) or not 2 <= bh <= max(3, letter):
            continue
        if abs(bw - bh) > max(2, 0.4 * max(bw, bh)):
            continue
        area = int((labels[sl] == i).sum())
        if area < 0.6 * bw * bh:
            continue
        cx = wx0 + (sx.start + sx.stop) / 2.0
        cy = wy0 + (sy.start + sy.stop) / 2.0
        if abs(cy - cy_label) > 0.75 * letter:
            continue
        inside = x0 < cx < x1
        if inside:
            if min(cx - x0, x1 - cx) > end:
                continue  # among the letters
            whole = raw_boxes[int(raw_labels[sy.start + bh // 2, sx.start + bw // 2]) - 1]
            if whole is None or (
                whole[0].stop - whole[0].start > bh + 2 or whole[1].stop - whole[1].start > bw + 2
            ):
                continue  # part of a letter
        rank = 0.0 if inside else min(abs(cx - x0), abs(cx - x1))
        if best is None or rank < best[0]:
            best = (rank, cx, cy)
    return None if best is None else (best[1], best[2])


def fit(anchors: Sequence[Anchor], size: tuple[int, int]) -> LabelFit | None:
    """The best pose over :data:`PROJECTIONS` (most anchors agreeing, then the smallest
    misfit), or ``None`` when fewer than :data:`MIN_ANCHORS` labels agree on any."""
    from checker.imaging.refdata import forward

    boxes = {a.place.box for a in anchors}
    if len(boxes) < MIN_ANCHORS:
        return None
    if len(anchors) > MAX_FIT_ANCHORS:  # markers first, then the surest readings
        anchors = sorted(anchors, key=lambda a: (not a.marker, -a.place.conf))[:MAX_FIT_ANCHORS]
    lon = np.array([a.place.lonlat[0] for a in anchors], dtype=np.float64)
    lat = np.array([a.place.lonlat[1] for a in anchors], dtype=np.float64)
    best: LabelFit | None = None
    for projection in PROJECTIONS:
        gx, gy = forward(projection, lon, lat)
        found = _fit_one(projection, anchors, gx, gy)
        if found is not None and (
            best is None
            or (len(found.anchors), -found.norm_rms) > (len(best.anchors), -best.norm_rms)
        ):
            best = found
    return best


def _fit_one(projection: str, anchors: Sequence[Anchor], gx: F64, gy: F64) -> LabelFit | None:
    px = np.array([a.x for a in anchors])
    py = np.array([a.y for a in anchors])
    tol = np.array([(a.tol_x, a.tol_y) for a in anchors], dtype=np.float64)
    box_of = [a.place.box for a in anchors]
    ok = np.isfinite(gx) & np.isfinite(gy)
    lo, hi = PLATE_ASPECT if projection == "plate-carree" else OTHER_ASPECT
    best: tuple[int, float, npt.NDArray[np.bool_], tuple[float, float, float, float]] | None = None
    for i, j in itertools.combinations(range(len(anchors)), 2):
        if box_of[i] == box_of[j] or not (ok[i] and ok[j]):
            continue
        if best is not None and best[2][i] and best[2][j]:
            continue  # both agree with the best pose so far: they would find it again
        dx, dy = px[i] - px[j], py[i] - py[j]
        dgx, dgy = gx[i] - gx[j], gy[i] - gy[j]
        # Both axes' scales must be readable off this pair.
        need = PAIR_SPREAD_TOL * (tol[i] + tol[j])
        if abs(dx) < need[0] or abs(dy) < need[1] or dgx == 0 or dgy == 0:
            continue
        sx, sy = dx / dgx, -dy / dgy
        if sx <= 0 or sy <= 0 or not lo <= sx / sy <= hi:
            continue
        pose = (sx, sy, px[i] - sx * gx[i], py[i] + sy * gy[i])
        for _ in range(3):  # agree, refit, agree again
            agree = _agreeing(pose, gx, gy, px, py, tol, box_of, ok)
            refit = _refit(agree, gx, gy, px, py, tol)
            if refit is None or not lo <= refit[0] / refit[1] <= hi:
                break
            pose = refit
        agree = _agreeing(pose, gx, gy, px, py, tol, box_of, ok)
        n = int(agree.sum())
        norm = _norm_rms(pose, agree, gx, gy, px, py, tol)
        if best is None or (n, -norm) > (best[0], -best[1]):
            best = (n, norm, agree, pose)
    if best is None or best[0] < MIN_ANCHORS:
        return None
    n, norm, agree, (sx, sy, tx, ty) = best
    spread = MIN_SPREAD_TOL * np.median(tol[agree], axis=0)
    if np.ptp(px[agree]) < spread[0] or np.ptp(py[agree]) < spread[1]:
        return None
    rx = sx * gx[agree] + tx - px[agree]
    ry = -sy * gy[agree] + ty - py[agree]
    return LabelFit(
        projection=projection,
        sx=float(sx),
        sy=float(sy),
        tx=float(tx),
        ty=float(ty),
        anchors=tuple(a for a, keep in zip(anchors, agree, strict=True) if keep),
        outliers=len({b for b in box_of}) - n,
        rms_px=float(np.sqrt(np.mean(rx**2 + ry**2))),
        norm_rms=norm,
    )


def _agreeing(
    pose: tuple[float, float, float, float],
    gx: F64,
    gy: F64,
    px: F64,
    py: F64,
    tol: F64,
    box_of: list[tuple[int, int, int, int] | None],
    ok: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Anchors within :data:`AGREE` tolerances of the pose, at most one per label (the place of
    a homonym label that the pose puts nearest)."""
    sx, sy, tx, ty = pose
    with np.errstate(invalid="ignore"):
        miss = np.hypot((sx * gx + tx - px) / tol[:, 0], (-sy * gy + ty - py) / tol[:, 1])
    miss = np.where(ok, miss, np.inf)
    agree = np.zeros(len(px), dtype=bool)
    nearest: dict[tuple[int, int, int, int] | None, int] = {}
    for k in np.argsort(miss):
        if miss[k] > AGREE:
            break
        if box_of[k] not in nearest:
            nearest[box_of[k]] = int(k)
            agree[k] = True
    return agree


def _refit(
    agree: npt.NDArray[np.bool_], gx: F64, gy: F64, px: F64, py: F64, tol: F64
) -> tuple[float, float, float, float] | None:
    """Weighted least squares of each axis (weights 1/tol) over the agreeing anchors."""
    if int(agree.sum()) < 2:
        return None
    out = []
    for axis, coord, pix in ((0, gx[agree], px[agree]), (1, gy[agree], py[agree])):
        if np.ptp(coord) <= 0:
            return None
        wgt = 1.0 / tol[agree, axis]
        design = np.column_stack([coord, np.ones_like(coord)]) * wgt[:, None]
        sol, *_ = np.linalg.lstsq(design, pix * wgt, rcond=None)
        out.append((float(sol[0]), float(sol[1])))
    (sx, tx), (neg_sy, ty) = out
    if not (math.isfinite(sx) and math.isfinite(neg_sy)) or sx <= 0 or neg_sy >= 0:
        return None
    return sx, -neg_sy, tx, ty


def _norm_rms(
    pose: tuple[float, float, float, float],
    agree: npt.NDArray[np.bool_],
    gx: F64,
    gy: F64,
    px: F64,
    py: F64,
    tol: F64,
) -> float:
    if not agree.any():
        return math.inf
    sx, sy, tx, ty = pose
    rx = (sx * gx[agree] + tx - px[agree]) / tol[agree, 0]
    ry = (-sy * gy[agree] + ty - py[agree]) / tol[agree, 1]
    return float(np.sqrt(np.mean(rx**2 + ry**2)))


#: How far outside the picture Crimea's centre may lie (share of the picture's size) for a
#: label fit to be about Crimea at all.
CRIMEA_MARGIN = 0.25


def holds_crimea(found: LabelFit, size: tuple[int, int]) -> bool:
    """Whether the fit puts Crimea's centre within the picture grown by :data:`CRIMEA_MARGIN`."""
    from checker.imaging.ocr import CRIMEA_LONLAT

    x, y = found.to_pixel(np.array([CRIMEA_LONLAT[0]]), np.array([CRIMEA_LONLAT[1]]))
    width, height = size
    gx, gy = CRIMEA_MARGIN * width, CRIMEA_MARGIN * height
    cx, cy = float(x[0]), float(y[0])
    return bool(-gx <= cx <= width + gx and -gy <= cy <= height + gy)


def register_pose(found: LabelFit) -> tuple[str, tuple[float, float], tuple[float, float]]:
    """The fit as a pose for :func:`checker.imaging.register.register_near`."""
    return found.projection, (found.sx, found.sy), (found.tx, found.ty)


def registration(found: LabelFit) -> Registration:
    """The fit as a registration of its own (``method == "labels"``): its score is the number
    of anchors that agree, its margin that less the labels that do not, and its ``error_px``
    (also ``params["rms_px"]``) how far off the places may be."""
    from checker.imaging import _register_search as rs
    from checker.imaging.register import from_pose

    return from_pose(
        rs.axis_pose(found.projection, found.sx, found.sy, found.tx, found.ty),
        method="labels",
        score=float(len(found.anchors)),
        margin=float(len(found.anchors) - found.outliers),
        params={
            "sx": found.sx,
            "sy": found.sy,
            "tx": found.tx,
            "ty": found.ty,
            "anchors": float(len(found.anchors)),
            "outliers": float(found.outliers),
            "rms_px": found.rms_px,
            "norm_rms": found.norm_rms,
        },
        anchors=found.points,
        error_px=found.rms_px,
    )
