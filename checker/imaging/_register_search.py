"""The search behind :func:`checker.imaging.register.register`: coarse FFT matching over scale and
position per candidate projection, then ICP-like refinement and an a-contrario score.

A *pose* maps a projection's planar coordinates (X east, Y north, in the units of
:mod:`checker.imaging.refdata`) to full-resolution pixels by an affine map
``x = a·X + b·Y + tx``, ``y = c·X + d·Y + ty``, constrained per projection (:data:`MODES`):

* ``similarity`` (Web Mercator: north-up maps are never rotated): ``a = −d = s``, ``b = c = 0``;
* ``aspect`` (plate carrée: x and y scales differ, plain or with the 1/cos φ₀ aspect GIS tools
  use): ``a = sx``, ``d = −sy``, ``b = c = 0``, ``sx/sy`` within :data:`ASPECT_RANGE`;
* ``rotation`` (UTM, Eurostat LAEA/LCC: a conformal or near-conformal projection centred at
  another longitude looks rotated by up to :data:`MAX_ROTATION_DEG`): scale and rotation;
* ``affine`` (world pseudo-cylindricals, whose shear at 34°E differs from one to the next): all
  six, kept near a similarity by :data:`AFFINE_LIMIT`.

Score (the ``z`` of a pose on a level): reference samples spaced ~2 px apart are probed along
their normal for an edge of compatible orientation within :data:`SCORE_TOL_PX`; each sample also
gets the chance of such a hit by accident from the local edge density. ``z = (hits − expected) /
sqrt(variance + 1)``: how many standard deviations the fit beats chance. It grows with the
length of reference line in view, and shrinks in clutter; it compares only on one level.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from checker.imaging import _work
from checker.imaging._register_edges import N_BINS, EdgeLevel, Pyramid
from checker.imaging.refdata import GENERALISED, get_image_reference

F64 = npt.NDArray[np.float64]

#: Smallest Crimea (its larger bbox side, in full-resolution pixels) searched. Below ~20 px no
#: colour verdict is possible (DESIGN §6), so fits there are not worth their risk.
MIN_CRIMEA_PX = 20.0
#: Largest Crimea searched, as a multiple of the picture's longer side.
MAX_CRIMEA_FRACTION = 1.3
#: Smallest Crimea (px) the coarse search looks for with generalised line work: below it the
#: detailed lines are within a pixel or two of 1:110m ones on the coarse level.
GENERALISED_COARSE_MIN_PX = 60.0
#: Ratio between consecutive scales of the coarse search (DESIGN §6: at most ~7 %).
SCALE_STEP = 1.07
#: The coarse search runs on the coarsest level where Crimea is at least this wide ...
COARSE_CRIMEA_PX = 5.0
#: ... whose longer side is at least this long, and no level longer than COARSE_MAX_SIDE.
COARSE_MIN_SIDE = 96
COARSE_MAX_SIDE = 512
#: Peaks kept per (variant, scale); candidates refined at mid resolution; and on the decision
#: level.
PEAKS_PER_MAP = 2
POOL_SIZE = 30
STAGE_B_SIZE = 8
#: Crimea's size (px) on the level where pooled peaks are refined and compared first.
MID_CRIMEA_PX = 20.0
#: Plate carrée aspect (x scale / y scale) allowed: 1 (plain) down to cos 63°.
ASPECT_RANGE = (0.45, 1.02)
#: Largest rotation (degrees) of the ``rotation`` and ``affine`` models.
MAX_ROTATION_DEG = 14.0
#: ``affine`` model: largest anisotropy (ratio of singular values − 1) and shear.
AFFINE_LIMIT = 0.2
#: Probe half-length for the score (level pixels).
SCORE_TOL_PX = 2
#: Target spacing of samples in the refinement and score (level pixels).
SAMPLE_SPACING_PX = 2.0
#: Points that, with Crimea's coast, decide whether two solutions are the same (lon, lat): the
#: reference samples nearest to Odesa's and Taganrog's shores.
ANCHORS: tuple[tuple[float, float], ...] = ((30.75, 46.45), (38.9, 47.2))

MODES: dict[str, str] = {
    "plate-carree": "aspect",
    "EPSG:3857": "similarity",
    "EPSG:3035": "rotation",
    "EPSG:3034": "rotation",
    "EPSG:32635": "rotation",
    "EPSG:32636": "rotation",
    "EPSG:32637": "rotation",
    "robinson": "affine",
    "equal-earth": "affine",
    "natural-earth": "affine",
    "winkel-tripel": "affine",
}
#: ``PROJECTION~NAME``: the projection's planes with a generalised line work's samples
#: (:data:`checker.imaging.refdata.GENERALISED`): the same planar coordinates, other lines.
GENERALISED_SEP = "~"
MODES.update({f"{p}{GENERALISED_SEP}{g}": m for p, m in list(MODES.items()) for g in GENERALISED})


def base_projection(name: str) -> str:
    """The projection of a (possibly generalised) reference name."""
    return name.partition(GENERALISED_SEP)[0]


def generalisation(name: str) -> str:
    """The generalised line work of a reference name (``""``: the detailed reference)."""
    return name.partition(GENERALISED_SEP)[2]


@dataclass(frozen=True)
class Variant:
    """A projection (with, for plate carrée, one aspect) searched by the coarse pass, for
    Crimea widths from ``min_px`` up to ``max_fraction`` of the picture's longer side."""

    projection: str
    aspect: float = 1.0
    max_fraction: float = MAX_CRIMEA_FRACTION
    min_px: float = MIN_CRIMEA_PX


#: Coarse variants, most common first (the time budget may cut the list short). Relatives that
#: agree with one of them within the coarse tolerance are reached by refinement instead (see
#: :data:`RELATIVES`). World projections and the flattest plate carrée are for small-scale maps.
COARSE_VARIANTS: tuple[Variant, ...] = (
    Variant("EPSG:3857"),
    Variant("plate-carree", math.cos(math.radians(52))),
    Variant("plate-carree", 1.0),
    Variant("EPSG:3035"),
    Variant("EPSG:32636", 1.0, 0.5),
    Variant("robinson", 1.0, 0.3),
    Variant("plate-carree", math.cos(math.radians(57)), 0.4),
)

#: Close-ups drawn from generalised data (1:110m): their crude Crimea, 60 px or more across,
#: meets too few of the detailed coast's samples at the coarse level for the right peak to make
#: the pool (one such map: 47th of the peaks), while its own lines put it first. Searched in a
#: pass of their own after the detailed search has found nothing: their peaks, among the
#: detailed ones, crowd out the right detailed fit of some maps.
GENERALISED_VARIANTS: tuple[Variant, ...] = tuple(
    Variant(
        f"{v.projection}{GENERALISED_SEP}{g}",
        v.aspect,
        MAX_CRIMEA_FRACTION,
        GENERALISED_COARSE_MIN_PX,
    )
    for g in GENERALISED
    # The common projections, and Robinson for close-ups cut from world maps (plotly's and
    # d3's world projections; Equal Earth and Natural Earth are its relatives).
    for v in (*COARSE_VARIANTS[:4], Variant("robinson"))
)

#: Projections tried from a refined solution in another one (they agree to a few % locally).
RELATIVES: dict[str, tuple[str, ...]] = {
    "EPSG:3857": ("plate-carree", "EPSG:32636", "robinson"),
    "plate-carree": ("EPSG:3857", "robinson", "equal-earth"),
    "EPSG:32636": ("EPSG:32635", "EPSG:32637", "EPSG:3857", "robinson"),
    "EPSG:32635": ("EPSG:32636",),
    "EPSG:32637": ("EPSG:32636",),
    "EPSG:3035": ("EPSG:3034", "EPSG:32636"),
    "EPSG:3034": ("EPSG:3035",),
    "robinson": ("natural-earth", "equal-earth", "winkel-tripel", "EPSG:3857"),
    "natural-earth": ("robinson",),
    "equal-earth": ("robinson",),
    "winkel-tripel": ("robinson",),
}


def relatives(name: str) -> tuple[str, ...]:
    """:data:`RELATIVES` of a (possibly generalised) reference name, in the same line work:
    the generalised lines are the same points in every projection, as the detailed ones are."""
    lines = generalisation(name)
    found = RELATIVES.get(base_projection(name), ())
    if not lines:
        return found
    return tuple(f"{p}{GENERALISED_SEP}{lines}" for p in found)


def clock() -> float:
    """CPU seconds of this thread, for the stage timings benchmarks print (the budget is
    counted in work: :mod:`checker.imaging._work`)."""
    return time.thread_time()


@dataclass(frozen=True)
class Pose:
    """``x = a·X + b·Y + tx``, ``y = c·X + d·Y + ty`` in full-resolution pixels."""

    projection: str
    a: float
    b: float
    c: float
    d: float
    tx: float
    ty: float

    @property
    def scale(self) -> float:
        """Pixels per planar unit (geometric mean of the two axes)."""
        return math.sqrt(abs(self.a * self.d - self.b * self.c))

    @property
    def aspect(self) -> float:
        """Length of the X axis over the Y axis in pixels (plate carrée's cos φ₀)."""
        return math.hypot(self.a, self.c) / max(math.hypot(self.b, self.d), 1e-300)

    @property
    def rotation_deg(self) -> float:
        """Angle of the map's north from the picture's up, clockwise, in degrees."""
        return math.degrees(math.atan2(-self.b, -self.d))

    def apply(self, x: F64, y: F64) -> tuple[F64, F64]:
        return self.a * x + self.b * y + self.tx, self.c * x + self.d * y + self.ty


def axis_pose(projection: str, sx: float, sy: float, tx: float, ty: float) -> Pose:
    """A north-up pose: ``x = sx·X + tx``, ``y = −sy·Y + ty``."""
    return Pose(projection, sx, 0.0, 0.0, -sy, tx, ty)


@dataclass(frozen=True)
class Scored:
    """A refined pose and how well it fits."""

    pose: Pose
    z: float
    hits: int
    samples: int
    expected: float
    crimea_px: float
    coarse_z: float

    @property
    def hit_rate(self) -> float:
        return self.hits / max(1, self.samples)


@dataclass(frozen=True)
class ProjectionData:
    """Reference samples of one projection as float64 arrays, plus derived constants."""

    xy: F64
    tangent: F64
    crimea_xy: F64
    crimea_centre: tuple[float, float]
    spacing: float  # median planar distance between consecutive samples
    anchors: F64  # (k, 2) planar: Crimea's coast (every 8th sample) and ANCHORS
    near: npt.NDArray[np.int64]  # samples within a few Crimea widths (for converting poses)
    by_x: npt.NDArray[np.int64]  # sample indices sorted by X
    x_sorted: F64


@cache
def projection_data(name: str) -> ProjectionData:
    ref = get_image_reference(generalisation(name))
    lines = ref.lines[base_projection(name)]
    xy = lines.xy.astype(np.float64)
    tangent = lines.tangent.astype(np.float64)
    norm = np.hypot(tangent[:, 0], tangent[:, 1])
    norm[norm == 0] = 1.0
    tangent = tangent / norm[:, None]
    crimea_xy = xy[ref.crimea]
    lo, hi = crimea_xy.min(axis=0), crimea_xy.max(axis=0)
    step = np.hypot(*np.diff(xy, axis=0).T)
    ll = ref.lonlat.astype(np.float64)
    near_anchor = [int(np.argmin(np.hypot(ll[:, 0] - lo_, ll[:, 1] - la_))) for lo_, la_ in ANCHORS]
    anchor_idx = np.concatenate([np.nonzero(ref.crimea)[0][::8], np.array(near_anchor)])
    near = np.nonzero((np.abs(ll[:, 0] - 34.3) < 9.0) & (np.abs(ll[:, 1] - 45.3) < 6.0))[0]
    # Poses of one projection compare by the same anchors, whatever lines they were fitted to.
    anchors = projection_data(base_projection(name)).anchors if generalisation(name) else None
    return ProjectionData(
        xy=xy,
        tangent=tangent,
        crimea_xy=crimea_xy,
        crimea_centre=(float((lo[0] + hi[0]) / 2), float((lo[1] + hi[1]) / 2)),
        spacing=float(np.median(step)),
        anchors=xy[anchor_idx] if anchors is None else anchors,
        near=near[::3],
        by_x=np.argsort(xy[:, 0], kind="stable"),
        x_sorted=np.sort(xy[:, 0], kind="stable"),
    )


def crimea_px(pose: Pose) -> float:
    """Crimea's larger bbox side in full-resolution pixels under ``pose``."""
    cxy = projection_data(pose.projection).crimea_xy
    x, y = pose.apply(cxy[:, 0], cxy[:, 1])
    return float(max(np.ptp(x), np.ptp(y)))


def anchor_pixels(pose: Pose) -> F64:
    a = projection_data(pose.projection).anchors
    x, y = pose.apply(a[:, 0], a[:, 1])
    return np.column_stack([x, y])


def same_solution(p: Pose, q: Pose, tol: float) -> bool:
    """Whether two poses put the anchors within ``tol`` pixels (RMS) of each other."""
    diff = anchor_pixels(p) - anchor_pixels(q)
    return float(np.sqrt(np.mean(np.sum(diff**2, axis=1)))) < tol


# --- coarse search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoarseMap:
    """What the FFT correlation needs from one level: spectra of the oriented excess maps, per
    padded size (the pattern's reach sets how much padding keeps the correlation wrap-free)."""

    level: EdgeLevel
    cos_map: npt.NDArray[np.float32]
    sin_map: npt.NDArray[np.float32]
    spectra: dict[tuple[int, int], tuple[npt.NDArray[np.complex64], npt.NDArray[np.complex64]]]

    def padded_shape(self, reach_y: int, reach_x: int) -> tuple[int, int]:
        """FFT size for patterns reaching ``reach`` px from Crimea: a circular correlation of a
        picture of side H with offsets |v| ≤ r is wrap-free at any size ≥ H + r. Sizes are
        rounded up to one of three per axis so that spectra are reused."""
        from scipy import fft

        h, w = self.level.shape
        ry = h // 4 if reach_y <= h // 4 else (h // 2 if reach_y <= h // 2 else h)
        rx = w // 4 if reach_x <= w // 4 else (w // 2 if reach_x <= w // 2 else w)
        return fft.next_fast_len(h + ry + 1, real=True), fft.next_fast_len(w + rx + 1, real=True)

    def spectrum(
        self, shape: tuple[int, int]
    ) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.complex64]]:
        got = self.spectra.get(shape)
        if got is None:
            from scipy import fft

            h, w = self.level.shape
            out = []
            for val in (self.cos_map, self.sin_map):
                padded = np.zeros(shape, np.float32)
                padded[:h, :w] = val
                out.append(fft.rfft2(padded, workers=1))
            got = self.spectra[shape] = (out[0], out[1])
        return got


def coarse_map(level: EdgeLevel) -> CoarseMap:
    """The edges' doubled-angle orientation (cos 2θ, sin 2θ), spread over 3×3 and less their
    local mean (see :func:`coarse_search`).

    A reference sample with normal angle φ meeting such a pixel scores cos 2(φ − θ): +1 on a
    parallel edge, −1 across a perpendicular one, 0 on average in clutter of any orientation.
    """
    from scipy import ndimage

    h, w = level.shape
    _work.charge("coarse_map", h * w)
    edge = (level.code > 0).astype(np.float32)
    theta = (level.code.astype(np.float32) - 0.5) * (np.pi / N_BINS)
    box = np.ones((3, 3), np.float32)
    norm = np.maximum(ndimage.correlate(edge, box, mode="constant"), 1.0)
    win = max(5, round(0.15 * min(h, w)) | 1)
    maps = []
    for trig in (np.cos, np.sin):
        val = ndimage.correlate(edge * trig(2 * theta), box, mode="constant") / norm
        val -= ndimage.uniform_filter(val, size=win, mode="nearest")
        maps.append(val.astype(np.float32))
    return CoarseMap(level=level, cos_map=maps[0], sin_map=maps[1], spectra={})


@dataclass(frozen=True)
class CoarseHit:
    z: float
    variant: Variant
    scale: float  # full-resolution pixels per planar unit (y)
    cx: float  # Crimea's centre, full-resolution pixels
    cy: float
    level: int  # index of the coarse level in the pyramid


def coarse_search(
    pyramid: Pyramid, variants: tuple[Variant, ...], deadline: float
) -> tuple[list[CoarseHit], int]:
    """Peaks of the FFT correlation for every variant and scale; returns (hits, variants done).
    Variants after the third are searched only while the work spent (:func:`_work.spent`) is
    within ``deadline``.

    For Crimea's centre at pixel ``t`` the score sums, over the reference samples, the oriented
    excess map at ``t + u`` (``u`` the sample's offset from Crimea's centre), for all ``t`` at once:
    the pattern (samples clipped to ± the picture's size) and the map are correlated through FFTs
    padded by the pattern's reach, so no ``t`` inside the picture sees wrap-around. Dividing by
    the square root of the pattern's size makes scales comparable. Patterns that share a level
    and an FFT size go through the FFT together.
    """
    maps: dict[int, CoarseMap] = {}
    hits: list[CoarseHit] = []
    done = 0
    for variant in variants:
        if _work.spent() > deadline and done >= 3:
            break
        groups: dict[tuple[int, tuple[int, int]], list[_Job]] = {}
        for job in _jobs(pyramid, variant, maps):
            groups.setdefault((job.level, job.shape), []).append(job)
        for (li, shape), jobs in groups.items():
            for k in range(0, len(jobs), _BATCH):
                hits.extend(_run_batch(maps[li], shape, jobs[k : k + _BATCH]))
        done += 1
    return hits, done


_BATCH = 64


@dataclass(frozen=True)
class _Job:
    """One (variant, scale) of the coarse search: its pattern on its level."""

    variant: Variant
    scale: float
    c_px: float
    level: int
    shape: tuple[int, int]
    flat: npt.NDArray[np.int64]
    cos2: F64
    sin2: F64


def _jobs(pyramid: Pyramid, variant: Variant, maps: dict[int, CoarseMap]) -> list[_Job]:
    long_side = max(pyramid.full_shape)
    data = projection_data(variant.projection)
    x, y, c2, s2, reach = _variant_samples(variant)
    cxy = data.crimea_xy
    extent = max(np.ptp(cxy[:, 0]) * variant.aspect, np.ptp(cxy[:, 1]))
    jobs: list[_Job] = []
    c_px = variant.min_px
    while c_px <= variant.max_fraction * long_side:
        scale = c_px / extent  # full-resolution px per planar unit
        li = pyramid.index_for(c_px, COARSE_CRIMEA_PX, COARSE_MIN_SIDE, COARSE_MAX_SIDE)
        cm = maps.get(li)
        if cm is None:
            cm = maps[li] = coarse_map(pyramid.level(li))
        h, w = cm.level.shape
        s_lvl = scale / cm.level.factor
        step_px = data.spacing * s_lvl * max(1.0, variant.aspect)
        stride = max(1, int(1.0 / max(step_px, 1e-9)))
        # Only samples that can land in the picture (sorted by their reach from Crimea).
        n_in = int(np.searchsorted(reach, max(w, h) / s_lvl, side="right"))
        sl = slice(0, n_in, stride)
        u = np.rint(x[sl] * s_lvl).astype(np.int64)
        v = np.rint(-y[sl] * s_lvl).astype(np.int64)
        ok = (np.abs(u) < w) & (np.abs(v) < h)
        if int(ok.sum()) >= 8:
            u, v = u[ok], v[ok]
            fh, fw = cm.padded_shape(int(np.abs(v).max()), int(np.abs(u).max()))
            flat = (v % fh) * fw + (u % fw)
            jobs.append(_Job(variant, scale, c_px, li, (fh, fw), flat, c2[sl][ok], s2[sl][ok]))
        c_px *= SCALE_STEP
    return jobs


def _run_batch(cm: CoarseMap, shape: tuple[int, int], jobs: list[_Job]) -> list[CoarseHit]:
    """Correlate patterns with one level's map and take each one's peaks. (One FFT at a time:
    batched transforms measured slower here, their temporaries outgrow the cache.)"""
    from scipy import fft

    fh, fw = shape
    h, w = cm.level.shape
    f = cm.level.factor
    cos_f, sin_f = cm.spectrum(shape)
    buf = np.zeros(fh * fw, np.float32)
    hits: list[CoarseHit] = []
    for job in jobs:
        _work.charge("fft_job", fh * fw)
        buf[job.flat] = job.cos2
        spec = fft.rfft2(buf.reshape(fh, fw), workers=1)
        buf[job.flat] = job.sin2
        spec2 = fft.rfft2(buf.reshape(fh, fw), workers=1)
        buf[job.flat] = 0.0
        np.conjugate(spec, out=spec)
        np.conjugate(spec2, out=spec2)
        spec *= cos_f
        spec2 *= sin_f
        spec += spec2
        m = fft.irfft2(spec, s=(fh, fw), workers=1)[:h, :w]
        mean, norm = _standardise(m, job.flat.size)
        radius = max(2, round(0.5 * job.c_px / f))
        for _ in range(PEAKS_PER_MAP):
            iy, ix = divmod(int(np.argmax(m)), w)
            best = (float(m[iy, ix]) - mean) * norm
            if not math.isfinite(best) or best <= 0:
                break
            cx, cy = (ix + 0.5) * f, (iy + 0.5) * f
            hits.append(CoarseHit(best, job.variant, job.scale, cx, cy, job.level))
            m[
                max(0, iy - radius) : iy + radius + 1, max(0, ix - radius) : ix + radius + 1
            ] = -np.inf
    return hits


def _standardise(m: npt.NDArray[np.float32], n_pat: int) -> tuple[float, float]:
    """Offset and factor that turn a correlation map's peak into a comparable score: how far it
    stands above the map's own spread (a peak-to-sidelobe ratio). Patterns and levels differ in
    how much a random position scores; the map's spread measures exactly that."""
    if COARSE_NORMALISATION == "sqrt":
        return 0.0, 1.0 / math.sqrt(0.5 * n_pat + 1.0)
    sub = m[::2, ::2]
    mean = float(sub.mean())
    std = float(sub.std())
    return mean, 1.0 / max(std, 1e-6)


COARSE_NORMALISATION = "spread"


@cache
def _variant_samples(variant: Variant) -> tuple[F64, F64, F64, F64, F64]:
    """Samples of a variant about Crimea's centre, sorted by Chebyshev distance from it:
    (x, y, cos 2φ, sin 2φ, distance), φ the normal's angle in image coordinates (y down)."""
    data = projection_data(variant.projection)
    x = (data.xy[:, 0] - data.crimea_centre[0]) * variant.aspect
    y = data.xy[:, 1] - data.crimea_centre[1]
    nrm = np.arctan2(data.tangent[:, 0] * variant.aspect, data.tangent[:, 1])
    reach = np.maximum(np.abs(x), np.abs(y))
    order = np.argsort(reach, kind="stable")
    return x[order], y[order], np.cos(2 * nrm)[order], np.sin(2 * nrm)[order], reach[order]


def pose_from_hit(hit: CoarseHit) -> Pose:
    data = projection_data(hit.variant.projection)
    sy = hit.scale
    sx = hit.scale * hit.variant.aspect
    xc, yc = data.crimea_centre
    return axis_pose(hit.variant.projection, sx, sy, hit.cx - sx * xc, hit.cy + sy * yc)


def select_pool(hits: list[CoarseHit], size: int) -> list[CoarseHit]:
    """The best ``size`` hits, without near-duplicates (same variant, scale within 10 %, centre
    within a third of Crimea)."""
    kept: list[CoarseHit] = []
    for hit in sorted(hits, key=lambda h: -h.z):
        dup = False
        for k in kept:
            if k.variant != hit.variant or abs(math.log(k.scale / hit.scale)) > 0.1:
                continue
            if math.hypot(k.cx - hit.cx, k.cy - hit.cy) < crimea_px(pose_from_hit(k)) / 3:
                dup = True
                break
        if not dup:
            kept.append(hit)
            if len(kept) >= size:
                break
    return kept


# --- refinement and score -----------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """Samples in view under a pose, at one level (level pixels)."""

    x: F64
    y: F64
    nx: F64
    ny: F64
    nbin: npt.NDArray[np.int64]
    px: F64  # planar X, Y
    py: F64


def _probe(pose: Pose, level: EdgeLevel, spacing_px: float, margin: float = 2.0) -> Probe:
    data = projection_data(pose.projection)
    f = level.factor
    h, w = level.shape
    step_px = data.spacing * max(math.hypot(pose.a, pose.c), math.hypot(pose.b, pose.d)) / f
    stride = max(1, int(spacing_px / max(step_px, 1e-9)))
    sel = _in_view(pose, data, (h * f, w * f))[::stride]
    _work.charge("probe", sel.shape[0])
    xy = data.xy[sel]
    tan = data.tangent[sel]
    x, y = pose.apply(xy[:, 0], xy[:, 1])
    x, y = x / f, y / f
    ok = (x >= margin) & (x < w - margin) & (y >= margin) & (y < h - margin)
    x, y = x[ok], y[ok]
    tx = pose.a * tan[ok, 0] + pose.b * tan[ok, 1]
    ty = pose.c * tan[ok, 0] + pose.d * tan[ok, 1]
    norm = np.hypot(tx, ty)
    norm[norm == 0] = 1.0
    nx, ny = -ty / norm, tx / norm
    # Gradient direction modulo π: an edge's gradient runs along the line's normal.
    nbin = (np.floor((np.arctan2(ny, nx) % np.pi) / np.pi * N_BINS).astype(np.int64)) % N_BINS
    return Probe(x=x, y=y, nx=nx, ny=ny, nbin=nbin, px=xy[ok, 0], py=xy[ok, 1])


def _in_view(pose: Pose, data: ProjectionData, shape: tuple[float, float]) -> npt.NDArray[np.int64]:
    """Indices (in line order) of the samples whose planar X lies within the picture's planar
    bounding box (a cheap prefilter: pose.apply on 20,000 samples per probe adds up)."""
    h, w = shape
    det = pose.a * pose.d - pose.b * pose.c
    if det == 0:
        return np.arange(data.xy.shape[0])
    corners_x = np.array([0.0, w, 0.0, w]) - pose.tx
    corners_y = np.array([0.0, 0.0, h, h]) - pose.ty
    px = (pose.d * corners_x - pose.b * corners_y) / det
    lo, hi = float(px.min()), float(px.max())
    pad = 0.02 * (hi - lo) + 1e-9
    i0 = int(np.searchsorted(data.x_sorted, lo - pad, side="left"))
    i1 = int(np.searchsorted(data.x_sorted, hi + pad, side="right"))
    if i1 - i0 >= data.xy.shape[0] * 0.9:
        return np.arange(data.xy.shape[0])
    return np.sort(data.by_x[i0:i1])


def _search_normal(pr: Probe, level: EdgeLevel, radius: int) -> tuple[npt.NDArray[np.bool_], F64]:
    """For each sample: whether a compatible edge lies within ``radius`` along the normal, and
    the signed offset of the nearest one (level pixels)."""
    h, w = level.shape
    ks = np.arange(-radius, radius + 1, dtype=np.float64)
    ks = ks[np.argsort(np.abs(ks), kind="stable")]  # 0, -1, 1, -2, 2, ...
    qx = np.floor(pr.x[None, :] + ks[:, None] * pr.nx[None, :]).astype(np.int64)
    qy = np.floor(pr.y[None, :] + ks[:, None] * pr.ny[None, :]).astype(np.int64)
    inside = (qx >= 0) & (qx < w) & (qy >= 0) & (qy < h)
    np.clip(qx, 0, w - 1, out=qx)
    np.clip(qy, 0, h - 1, out=qy)
    code = level.code[qy, qx].astype(np.int64)
    diff = (code - 1 - pr.nbin[None, :]) % N_BINS
    good = inside & (code > 0) & ((diff <= 1) | (diff == N_BINS - 1))
    found = good.any(axis=0)
    offset = np.where(found, ks[np.argmax(good, axis=0)], 0.0)
    return found, offset


def refine(
    pose: Pose,
    level: EdgeLevel,
    radii: tuple[int, ...],
    *,
    mode: str | None = None,
    focus: float = 0.0,
) -> Pose:
    """Point-to-line ICP: move the pose so that samples land on compatible edges.

    Each step matches every sample in view to the nearest compatible edge along its normal
    within ``radius`` level pixels, then solves a weighted least squares for the projection's
    model (:data:`MODES`), parametrised about the matched samples' centroid so that scale and
    shift do not trade off against each other. ``mode`` overrides the projection's model;
    ``focus`` > 0 weights samples by a Gaussian of that many Crimea widths around Crimea.
    """
    f = level.factor
    mode = mode or MODES[pose.projection]
    start = pose if mode != MODES[pose.projection] else None
    for radius in radii:
        pr = _probe(pose, level, SAMPLE_SPACING_PX)
        if pr.x.shape[0] < 12:
            return pose
        found, offset = _search_normal(pr, level, radius)
        if found.sum() < 12:
            return pose
        nx, ny, dd = pr.nx[found], pr.ny[found], offset[found]
        # Matched edge pixel centres (pixels are indexed by their top-left corner).
        qx = np.floor(pr.x[found] + dd * nx) + 0.5
        qy = np.floor(pr.y[found] + dd * ny) + 0.5
        target = nx * qx + ny * qy
        wgt = (1.0 - (dd / (radius + 1.0)) ** 2) ** 2  # Tukey's biweight
        px, py = pr.px[found], pr.py[found]
        if focus > 0:
            wgt = wgt * _focus_weight(pose, px, py, focus)
        mx = float(np.average(px, weights=wgt))
        my = float(np.average(py, weights=wgt))
        dx, dy = px - mx, py - my
        # Current map in level pixels about the centroid.
        a, b, c, d = pose.a / f, pose.b / f, pose.c / f, pose.d / f
        bx = (pose.a * mx + pose.b * my + pose.tx) / f
        by = (pose.c * mx + pose.d * my + pose.ty) / f
        design, cur = _design(mode, nx, ny, dx, dy, (a, b, c, d, bx, by))
        sw = np.sqrt(wgt)
        # A faint pull towards the current values keeps ill-posed fits (few orientations) still.
        reg = np.diag(1e-2 * (np.sqrt(np.sum(design**2 * wgt[:, None], axis=0)) + 1e-9))
        lhs = np.vstack([design * sw[:, None], reg])
        rhs = np.concatenate([target * sw, reg @ cur])
        _work.charge("solve", lhs.shape[0])
        try:
            sol = np.linalg.lstsq(lhs, rhs, rcond=None)[0]
        except np.linalg.LinAlgError:
            return pose
        lin = _linear(mode, sol)
        if lin is None:
            return pose
        na, nb, nc, nd = lin
        nbx, nby = float(sol[-2]), float(sol[-1])
        new = Pose(
            pose.projection,
            na * f,
            nb * f,
            nc * f,
            nd * f,
            (nbx - na * mx - nb * my) * f,
            (nby - nc * mx - nd * my) * f,
        )
        # A scale jump beyond 12 % per iteration means a bad match.
        if not math.isfinite(new.scale) or abs(math.log(new.scale / pose.scale)) > 0.12:
            return pose
        if not _plausible(new, mode, start):
            return pose
        pose = new
    return pose


def _focus_weight(pose: Pose, px: F64, py: F64, widths: float) -> F64:
    """Gaussian weight of samples by their distance from Crimea's centre (in Crimea widths)."""
    data = projection_data(pose.projection)
    xc, yc = data.crimea_centre
    cx, cy = pose.apply(np.array([xc]), np.array([yc]))
    x, y = pose.apply(px, py)
    sigma = widths * max(crimea_px(pose), 1.0)
    d2 = ((x - cx[0]) ** 2 + (y - cy[0]) ** 2) / (sigma * sigma)
    out: F64 = np.exp(-0.5 * d2)
    return out


def local_hits(pose: Pose, level: EdgeLevel, widths: float) -> tuple[int, int]:
    """(hits, samples) among samples within ``widths`` Crimea widths of Crimea's centre."""
    pr = _probe(pose, level, SAMPLE_SPACING_PX)
    if pr.x.shape[0] == 0:
        return 0, 0
    near = _focus_weight(pose, pr.px, pr.py, widths) > math.exp(-0.5)
    if not near.any():
        return 0, 0
    sub = Probe(
        pr.x[near], pr.y[near], pr.nx[near], pr.ny[near], pr.nbin[near], pr.px[near], pr.py[near]
    )
    found, _ = _search_normal(sub, level, SCORE_TOL_PX)
    return int(found.sum()), int(near.sum())


def _design(
    mode: str, nx: F64, ny: F64, dx: F64, dy: F64, cur: tuple[float, ...]
) -> tuple[F64, F64]:
    """Design matrix of ``n·(map(dX, dY))`` and the current parameter vector, per model."""
    a, b, c, d, bx, by = cur
    if mode == "similarity":
        return np.column_stack([nx * dx - ny * dy, nx, ny]), np.array([a, bx, by])
    if mode == "aspect":
        return np.column_stack([nx * dx, -ny * dy, nx, ny]), np.array([a, -d, bx, by])
    if mode == "rotation":
        # x = p·dX − q·dY, y = −q·dX − p·dY (scale s, rotation θ: p = s cos θ, q = s sin θ).
        cols = [nx * dx - ny * dy, -nx * dy - ny * dx, nx, ny]
        return np.column_stack(cols), np.array([a, -b, bx, by])
    cols = [nx * dx, nx * dy, ny * dx, ny * dy, nx, ny]
    return np.column_stack(cols), np.array([a, b, c, d, bx, by])


def _linear(mode: str, sol: F64) -> tuple[float, float, float, float] | None:
    vals = [float(v) for v in sol]
    if not all(math.isfinite(v) for v in vals):
        return None
    if mode == "similarity":
        s = vals[0]
        return (s, 0.0, 0.0, -s) if s > 0 else None
    if mode == "aspect":
        sx, sy = vals[0], vals[1]
        if sx <= 0 or sy <= 0:
            return None
        sx = sy * min(max(sx / sy, ASPECT_RANGE[0]), ASPECT_RANGE[1])
        return sx, 0.0, 0.0, -sy
    if mode == "rotation":
        p, q = vals[0], vals[1]
        return p, -q, -q, -p
    return vals[0], vals[1], vals[2], vals[3]


def _plausible(pose: Pose, mode: str | None = None, base: Pose | None = None) -> bool:
    """Whether the linear part stays within its model's limits: no mirror, north roughly up,
    and for the affine model a shape within AFFINE_LIMIT of ``base`` (the pose the refinement
    started from; plate carrée's aspect is a legitimate anisotropy, not a distortion)."""
    det = pose.a * pose.d - pose.b * pose.c
    if det >= 0:  # the y flip makes a proper map's determinant negative
        return False
    if abs(pose.rotation_deg) > MAX_ROTATION_DEG:
        return False
    if (mode or MODES[pose.projection]) == "affine":
        m = np.array([[pose.a, pose.b], [pose.c, pose.d]])
        if base is not None:
            ref = np.array([[base.a, base.b], [base.c, base.d]])
            m = m @ np.linalg.inv(ref)
        sv = np.linalg.svd(m, compute_uv=False)
        if sv[0] / sv[1] > 1 + AFFINE_LIMIT:
            return False
    return True


def score(pose: Pose, level: EdgeLevel) -> tuple[float, int, int, float]:
    """(z, hits, samples, expected hits) of ``pose`` on ``level``."""
    pr = _probe(pose, level, SAMPLE_SPACING_PX)
    n = int(pr.x.shape[0])
    if n == 0:
        return 0.0, 0, 0, 0.0
    found, _ = _search_normal(pr, level, SCORE_TOL_PX)
    st = level.density_step
    ix = np.clip(np.floor(pr.x).astype(np.int64) // st, 0, level.density.shape[2] - 1)
    iy = np.clip(np.floor(pr.y).astype(np.int64) // st, 0, level.density.shape[1] - 1)
    dens = level.density[pr.nbin, iy, ix].astype(np.float64)
    p0 = np.clip(1.0 - np.exp(-(2 * SCORE_TOL_PX + 1) * dens), 0.01, 0.99)
    hits = int(found.sum())
    expected = float(p0.sum())
    z = (hits - expected) / math.sqrt(float((p0 * (1 - p0)).sum()) + 1.0)
    return z, hits, n, expected


def with_stats(pose: Pose, level: EdgeLevel, coarse_z: float) -> Scored:
    z, hits, n, expected = score(pose, level)
    return Scored(pose, z, hits, n, expected, crimea_px(pose), coarse_z)


def convert_pose(pose: Pose, projection: str) -> Pose | None:
    """The pose in ``projection`` that best reproduces ``pose``'s pixels near Crimea (least
    squares over reference samples within a few Crimea widths), in that projection's model, or
    failing that (the model's limits) as a plain similarity. Both names in the same line work:
    its samples are the same points in every projection (a detailed pose is fitted to
    generalised lines in its own plane instead, see ``register._generalised``)."""
    src = projection_data(pose.projection)
    dst = projection_data(projection)
    sel = src.near
    xs, ys = pose.apply(src.xy[sel, 0], src.xy[sel, 1])
    px, py = dst.xy[sel, 0], dst.xy[sel, 1]
    mx, my = float(px.mean()), float(py.mean())
    dx, dy = px - mx, py - my
    one, zero = np.ones_like(dx), np.zeros_like(dx)
    for mode in dict.fromkeys((MODES[projection], "similarity")):
        # Point-to-point: the x and y equations are rows with unit normals (1, 0) and (0, 1).
        ex, _ = _design(mode, one, zero, dx, dy, (0.0,) * 6)
        ey, _ = _design(mode, zero, one, dx, dy, (0.0,) * 6)
        sol = np.linalg.lstsq(np.vstack([ex, ey]), np.concatenate([xs, ys]), rcond=None)[0]
        lin = _linear(mode, sol)
        if lin is None:
            continue
        na, nb, nc, nd = lin
        bx, by = float(sol[-2]), float(sol[-1])
        new = Pose(projection, na, nb, nc, nd, bx - na * mx - nb * my, by - nc * mx - nd * my)
        if _plausible(new, mode):
            return new
    return None
