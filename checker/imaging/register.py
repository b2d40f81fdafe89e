"""Georeferencing a map picture: from pixels alone, or from metadata when the file carries it.

Without metadata (:func:`register`, :func:`register_reason`) the reference coastline (Black Sea,
Sea of Azov, Crimea and every other coast in lon 18..50, lat 38..60) and the land borders are
matched against the picture's edges, label-free, over scale, position and candidate projections
(DESIGN §6):

1. the picture's colour edges are found at a few resolutions (≤ 512 px long side and halvings);
2. *coarse*: for each candidate projection and each scale at which Crimea would be 20 px up to
   1.3× the picture (steps of 7 %), an FFT cross-correlation scores every position of the
   reference lines at once, against chance (local edge density); the best peaks go on. When
   no fit passes the gate, a last pass searches the generalised line work instead (a close-up
   drawn from 1:110m data; ``_register_search.GENERALISED_VARIANTS``);
3. *refine*: each peak is pulled onto the nearest edges of compatible orientation by a few
   point-to-line least-squares steps (scale and shift; plate carrée also its aspect), tried in
   related projections too, and scored: ``z`` = standard deviations by which the reference
   lines in view meet edges more often than chance would;
4. *gate*: the best fit must beat the best *distinct* runner-up (anchors around Crimea more than
   a quarter of Crimea's width apart) by :data:`MIN_MARGIN` and pass :data:`MIN_Z` and
   :data:`MIN_HIT_RATE`, and hold around Crimea (:data:`MIN_LOCAL_HIT_RATE`; a drawing from
   generalised data seen close up is judged there on a coarser level,
   :data:`COARSE_LOCAL_CRIMEA_PX`); otherwise there is no registration and the result says why.

Left out of the reference on purpose: the lines the checker judges (Perekop, the Kerch Strait,
the Russia–Ukraine border along occupied Donbas, the line of contact); see
:mod:`checker.imaging.refdata`.

Pixel coordinates everywhere: continuous, origin at the top-left corner of the top-left pixel,
x to the right, y down (pixel ``(row i, column j)`` spans ``[j, j+1) × [i, i+1)``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from checker.imaging.refdata import GENERALISED

if TYPE_CHECKING:
    from checker.imaging._register_edges import Pyramid
    from checker.imaging._register_search import CoarseHit, Pose, Scored

FloatArray = npt.NDArray[np.float64]
ToPixel = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

#: Longest side of the levels the coarse search and the first refinement run on.
BASE_SIDE = 512
#: The decision level: the coarsest where the leading solution's Crimea is this many px and the
#: picture at least DECISION_MIN_SIDE px long (else the finest level, at most 1448 px long).
DECISION_CRIMEA_PX = 40.0
DECISION_MIN_SIDE = 384
#: Levels used for refinement keep at least this long a side (context for the fit).
MID_MIN_SIDE = 160
#: Smallest picture side worth searching (Crimea could not reach 20 px in anything smaller
#: that still shows its surroundings).
MIN_SIDE = 32
#: The first pass searches this many of the coarse variants (the common projections); the
#: rest are searched only when nothing passes the gate (most maps register in the first pass).
FIRST_PASS_VARIANTS = 4
#: Gates (see the module docstring). ``z`` is in standard deviations above chance.
MIN_Z = 8.0
MIN_MARGIN = 4.0
MIN_HIT_RATE = 0.3
#: Around Crimea (within LOCAL_WIDTHS Crimea widths of its centre), at least this share of the
#: reference samples must meet edges, out of at least MIN_LOCAL_SAMPLES samples.
LOCAL_WIDTHS = 1.5
MIN_LOCAL_HIT_RATE = 0.5
MIN_LOCAL_SAMPLES = 20
#: A fit far above chance and far ahead of any other (z ≥ STRONG_Z, margin ≥ STRONG_MARGIN)
#: needs only MIN_LOCAL_HIT_RATE_STRONG around Crimea: simplified drawings (1:110m) cut Crimea's
#: capes and bays, so fewer of the detailed reference's samples meet its edges.
STRONG_Z = 25.0
STRONG_MARGIN = 12.0
MIN_LOCAL_HIT_RATE_STRONG = 0.4
#: A drawing from generalised data (1:110m, 1:50m) seen close up misses the detailed reference
#: by several pixels around Crimea at the decision level, though the fit is right. Such a fit
#: still holds around Crimea if, on the level where Crimea is COARSE_LOCAL_CRIMEA_PX across
#: (where generalisation shrinks to a pixel or two), MIN_COARSE_LOCAL_HIT_RATE of the samples
#: meet edges, and the fit is clear of chance and of any other (COARSE_LOCAL_MIN_Z,
#: COARSE_LOCAL_MIN_MARGIN). Measured on the tuning seeds: every fit this accepts lies within
#: 0.1 Crimea widths of the truth.
COARSE_LOCAL_CRIMEA_PX = 28.0
MIN_COARSE_LOCAL_HIT_RATE = 0.6
COARSE_LOCAL_MIN_Z = 12.0
COARSE_LOCAL_MIN_MARGIN = 6.0
#: Two solutions are the same if their anchors are this share of Crimea's width apart (RMS).
DISTINCT_SHARE = 0.25
#: From this Crimea width (px) on, a solution is also tried against the generalised line work
#: (:data:`checker.imaging.refdata.GENERALISED`): below it, 1:110m lines are within a pixel or
#: two of the detailed ones. From 50 px, that pixel or two is enough to fail the gate around
#: Crimea by a hair (a hillshaded 1:110m map, Crimea 61 px: 0.498 of the samples on edges
#: against 0.5); on the tuning seeds, trying it from 50 px rather than 100 px cost about
#: 0.07 s per picture in that range and changed no other verdict but one corrected outline
#: map's, from clean to undetermined.
GENERALISED_MIN_CRIMEA_PX = 50.0
#: How many leading distinct solutions are fitted to the generalised line work.
GENERALISED_LEADERS = 3
#: A fit to generalised lines replaces the detailed one when its z is at least this many times
#: the detailed fit's (1:110m drawings gain 3-8x; detailed drawings about 1x).
GENERALISED_MIN_GAIN = 1.5
#: Nominal score and margin of a metadata registration (exact by construction; far above any
#: image match, finite so that JSON output stays valid).
METADATA_SCORE = 1000.0


@dataclass(frozen=True)
class Registration:
    """Where lon/lat lands in the picture.

    ``score``: for ``method == "coastline"``, the fit's z: standard deviations by which the
    reference lines in view meet compatible edges more often than local edge density explains
    (≥ :data:`MIN_Z` to be accepted; clean regional maps score 30–150). ``margin``: ``score`` minus
    the score of the best distinct runner-up (≥ :data:`MIN_MARGIN`). Both are
    :data:`METADATA_SCORE` for ``method == "metadata"``.
    """

    projection: str
    to_pixel: ToPixel
    score: float
    margin: float
    crimea_px: float
    params: dict[str, float]
    method: str
    #: For ``method == "coastline"``: the generalised line work the picture matched best
    #: ("Natural Earth 1:110m"), or ``""`` for the detailed reference.
    lines: str = ""
    #: Where the place labels the registration rests on are (pixels; see :mod:`.anchors`),
    #: for the evidence picture.
    anchors: tuple[tuple[float, float], ...] = ()
    #: How far places may be from where the registration puts them, in pixels, beyond what its
    #: method is fitted to (a label fit: its RMS; 0 for the coastline and metadata).
    error_px: float = 0.0


@dataclass(frozen=True)
class RegistrationResult:
    """A registration, or ``None`` with the human reason why not."""

    registration: Registration | None
    reason: str
    elapsed_s: float = 0.0
    #: The best few distinct solutions (projection, score, crimea_px), best first: evidence for
    #: reports and for tuning.
    candidates: tuple[tuple[str, float, float], ...] = field(default_factory=tuple)
    #: CPU seconds per stage (edges, coarse, refine, decide), for benchmarks.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Coarse:
    """The best fit seen on the level where Crimea is :data:`COARSE_LOCAL_CRIMEA_PX` across:
    (hits, samples) around Crimea, and the share of all samples in view on edges."""

    local: tuple[int, int]
    hit_rate: float


def register(rgb: np.ndarray, *, budget_s: float = 1.5) -> Registration | None:
    """Georeference ``rgb`` (H × W × 3 uint8) by its coastline and borders; ``None`` if not
    possible with confidence (see :func:`register_reason` for why)."""
    return register_reason(rgb, budget_s=budget_s).registration


def register_reason(rgb: np.ndarray, *, budget_s: float = 1.5) -> RegistrationResult:
    """Like :func:`register`, with the reason when there is no registration. Never raises on bad
    pixels: anything unusable comes back as ``None`` with a reason.

    ``budget_s``: the work the search may spend before it stops trying further projections,
    in CPU seconds of the reference machine (:mod:`checker.imaging._work`): counted, not timed,
    so that a picture registers the same way on any machine under any load."""
    from checker.imaging import _work

    wall = time.monotonic()
    try:
        result = _register(rgb, _work.spent(), budget_s)
    except (ValueError, MemoryError) as exc:  # malformed arrays: say so, do not crash the caller
        result = RegistrationResult(None, f"not georeferenced: unusable picture ({exc})")
    return RegistrationResult(
        result.registration,
        result.reason,
        time.monotonic() - wall,
        result.candidates,
        result.timings,
    )


def register_near(
    rgb: np.ndarray,
    projection: str,
    scale: tuple[float, float],
    shift: tuple[float, float],
    *,
    budget_s: float = 1.5,
) -> RegistrationResult:
    """Georeference from a pose found by other means (the map locator, which places a picture by
    its land and sea): ``x = sx·X + tx``, ``y = −sy·Y + ty`` in full-resolution pixels for the
    planar coordinates ``X, Y`` of ``projection`` (one of :data:`refdata.PROJECTIONS`). The pose
    is refined and gated like a search result, with this one difference: it has no runner-up
    of its own (the locator's margin over every other place in the world stood for that)."""
    from checker.imaging import _register_search as rs
    from checker.imaging import _work
    from checker.imaging._register_edges import MAX_LEVEL_SIDE, Pyramid, to_float_rgb

    wall = time.monotonic()
    start = _work.spent()
    try:
        arr = np.asarray(rgb)
        h, w = int(arr.shape[0]), int(arr.shape[1])
        long_side = max(h, w)
        img = to_float_rgb(_reduce_uint8(arr, max(1.0, long_side / MAX_LEVEL_SIDE)))
        pyr = Pyramid(img, (h, w))
        (sx, sy), (tx, ty) = scale, shift
        pose = rs.axis_pose(projection, sx, sy, tx, ty)
        c_px = rs.crimea_px(pose)
        if not c_px >= rs.MIN_CRIMEA_PX:
            return RegistrationResult(None, f"the located frame makes Crimea {c_px:.0f} px")
        level = pyr.index_for(c_px, rs.MID_CRIMEA_PX, MID_MIN_SIDE, BASE_SIDE)
        xc, yc = rs.projection_data(projection).crimea_centre
        cx, cy = pose.apply(np.array([xc]), np.array([yc]))
        hit = rs.CoarseHit(
            z=0.0,
            variant=rs.Variant(projection, sx / sy),
            scale=sy,
            cx=float(cx[0]),
            cy=float(cy[0]),
            level=level,
        )
        result = _solve([hit], pyr, long_side, start, budget_s, {})
    except (ValueError, MemoryError) as exc:
        result = RegistrationResult(None, f"not georeferenced: unusable picture ({exc})")
    return RegistrationResult(
        result.registration, result.reason, time.monotonic() - wall, result.candidates, {}
    )


def _register(rgb: np.ndarray, start: float, budget: float) -> RegistrationResult:
    """``start``: the work spent (:func:`checker.imaging._work.spent`) when the search began."""
    from checker.imaging import _register_search as rs
    from checker.imaging import _work
    from checker.imaging._register_edges import MAX_LEVEL_SIDE, Pyramid, to_float_rgb

    clock_start = rs.clock()
    arr = np.asarray(rgb)
    if arr.ndim not in (2, 3) or arr.size == 0:
        return RegistrationResult(None, f"not georeferenced: not a picture (shape {arr.shape})")
    h, w = int(arr.shape[0]), int(arr.shape[1])
    if min(h, w) < MIN_SIDE:
        return RegistrationResult(
            None,
            f"not georeferenced: the picture is {w}×{h} px; a map needs at least {MIN_SIDE} px "
            "on each side",
        )
    long_side = max(h, w)
    img = to_float_rgb(_reduce_uint8(arr, max(1.0, long_side / MAX_LEVEL_SIDE)))
    if img.shape[0] < MIN_SIDE // 2 or img.shape[1] < MIN_SIDE // 2:
        return RegistrationResult(
            None, f"not georeferenced: the picture ({w}×{h} px) is too narrow to hold a map"
        )
    if float(img.std()) < 2.0:
        return RegistrationResult(None, "not georeferenced: the picture is blank")
    pyr = Pyramid(img, (h, w))
    _work.charge("prepare", h * w)
    base_i = pyr.index_for(0.0, 0.0, 0, BASE_SIDE)
    if int((pyr.level(base_i).code > 0).sum()) < 50:
        return RegistrationResult(None, "not georeferenced: the picture has almost no edges")
    timings: dict[str, float] = {"prepare": rs.clock() - clock_start}
    deadline = start + 0.5 * budget
    hits, done = rs.coarse_search(pyr, rs.COARSE_VARIANTS[:FIRST_PASS_VARIANTS], deadline)
    timings["coarse"] = rs.clock() - clock_start - sum(timings.values())
    if not hits:
        return RegistrationResult(None, _no_match_reason(long_side))
    result = _solve(hits, pyr, long_side, start, budget, timings)
    if result.registration is not None:
        return result
    if done < len(rs.COARSE_VARIANTS):
        # The budget cut the coarse search short and nothing passed the gate: the projections
        # not yet searched get one more budget (only pictures that fail pay for it; most maps
        # register in the first pass, with the common projections).
        again = _work.spent()
        clock_again = rs.clock()
        more, _ = rs.coarse_search(pyr, rs.COARSE_VARIANTS[done:], again + 0.5 * budget)
        timings["coarse"] += rs.clock() - clock_again
        if more:
            second = _solve(hits + more, pyr, long_side, again, budget, timings)
            if second.registration is not None:
                return second
    # Nothing fits the detailed coast: a close-up drawn from generalised data may fit its own
    # lines (rs.GENERALISED_VARIANTS), searched on their own with one more budget.
    again = _work.spent()
    clock_again = rs.clock()
    crude, _ = rs.coarse_search(pyr, rs.GENERALISED_VARIANTS, again + 0.5 * budget)
    timings["coarse"] += rs.clock() - clock_again
    if not crude:
        return result
    third = _solve(crude, pyr, long_side, again, budget, timings)
    fit = third.registration
    if fit is None or fit.score < STRONG_Z or fit.margin < STRONG_MARGIN:
        # A last pass over cruder lines finds some weak fit in many a picture; only a clear one
        # stands (on the tuning seeds, right fits scored z 37-55 with margins of 19-45; wrong
        # ones 9-16 with margins of 5-7, and they kept maps from the labels that place them).
        return result
    return third


def _solve(
    hits: list[CoarseHit],
    pyr: Pyramid,
    long_side: int,
    start: float,
    budget: float,
    timings: dict[str, float],
) -> RegistrationResult:
    """Refine the coarse hits, rank the distinct solutions and gate the best (see the module
    docstring, steps 3 and 4). ``timings`` gains this pass's stage times."""
    from checker.imaging import _register_search as rs

    def lap(key: str, since: float) -> float:
        now = rs.clock()
        timings[key] = timings.get(key, 0.0) + now - since
        return now

    t = rs.clock()
    pool = rs.select_pool(hits, rs.POOL_SIZE)
    # Stage A: refine every pooled peak on a level where Crimea is ~20 px, and score there.
    stage_a: list[tuple[Scored, int]] = []
    for hit in pool:
        pose = rs.pose_from_hit(hit)
        mid_i = pyr.index_for(rs.crimea_px(pose), rs.MID_CRIMEA_PX, MID_MIN_SIDE, BASE_SIDE)
        pose = _refine_chain(pose, pyr, hit.level, mid_i, step=2)
        stage_a.append((rs.with_stats(pose, pyr.level(mid_i), hit.z), mid_i))
    t = lap("stage_a", t)
    # Stage B: the leading distinct solutions, refined and scored on one common level where the
    # leader's Crimea is ~40 px (z values compare only on the same level).
    mids = {id(sa): mi for sa, mi in stage_a}
    leaders = _distinct([sa for sa, _ in stage_a])[: rs.STAGE_B_SIZE]
    dec_i = pyr.index_for(leaders[0].crimea_px, DECISION_CRIMEA_PX, DECISION_MIN_SIDE)
    dec = pyr.level(dec_i)
    stage_b: list[Scored] = []
    for sc in leaders:
        pose = _refine_chain(sc.pose, pyr, mids[id(sc)] - 1, dec_i)
        stage_b.append(rs.with_stats(pose, dec, sc.coarse_z))
    results = _with_relatives(stage_b, pyr, dec_i, start, budget)
    t = lap("stage_b", t)
    ranked = _distinct(results)
    cands = tuple((r.pose.projection, round(r.z, 2), round(r.crimea_px, 1)) for r in ranked[:5])
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    margin = best.z - (runner.z if runner is not None else 0.0)
    # Polish around Crimea (what the decision reads), where any projection is nearly affine:
    # coarse to fine from a level where Crimea is ~20 px, whose basin forgives what a slightly
    # wrong projection got wrong near Crimea.
    polished = best.pose
    mid_i = pyr.index_for(best.crimea_px, rs.MID_CRIMEA_PX, 64, BASE_SIDE)
    for i in range(max(mid_i, dec_i), dec_i - 1, -1):
        radii = (3, 2, 2) if i == dec_i else (3, 2)
        polished = rs.refine(polished, pyr.level(i), radii, mode="affine", focus=LOCAL_WIDTHS)
    local = rs.local_hits(polished, dec, LOCAL_WIDTHS)
    if local[1] > 0:
        best = rs.with_stats(polished, dec, best.coarse_z)
    coarse: Coarse | None = None
    if not _holds_locally(best, margin, local):
        coarse_i = pyr.index_for(best.crimea_px, COARSE_LOCAL_CRIMEA_PX, 0)
        if coarse_i != dec_i:
            level = pyr.level(coarse_i)
            _, on_edges, samples, _ = rs.score(best.pose, level)
            share = on_edges / max(1, samples)
            coarse = Coarse(rs.local_hits(best.pose, level, LOCAL_WIDTHS), share)
    lap("polish", t)
    why = _gate(best, margin, long_side, local, coarse)
    if why:
        return RegistrationResult(None, why, candidates=cands, timings=timings)
    return RegistrationResult(
        _make_registration(best, margin, local[0] / max(1, local[1]), coarse),
        "",
        candidates=cands,
        timings=timings,
    )


def _refine_chain(pose: Pose, pyr: Pyramid, from_i: int, to_i: int, step: int = 1) -> Pose:
    """ICP from level ``from_i`` (where the pose was found) down to ``to_i`` every ``step``
    levels: a coarse level's wide basin first, each finer level's detail next."""
    from checker.imaging import _register_search as rs

    if to_i >= from_i:
        return rs.refine(pose, pyr.level(to_i), (4, 3, 2))
    chain = list(range(from_i, to_i, -step))
    for i in [*chain, to_i]:
        pose = rs.refine(pose, pyr.level(i), (3, 2, 2) if i == to_i else (3, 2))
    return pose


def _reduce_uint8(arr: np.ndarray, factor: float) -> np.ndarray:
    """Shrink a big picture early (Pillow's box filter), so no full-size float copy is made."""
    if factor <= 1.0:
        return arr
    from PIL import Image

    a = arr
    if a.dtype != np.uint8 or (a.ndim == 3 and a.shape[2] == 4):
        from checker.imaging._register_edges import to_float_rgb

        a = np.clip(to_float_rgb(a), 0, 255).astype(np.uint8)
    elif a.ndim == 3 and a.shape[2] not in (1, 3):
        a = a[..., :3]
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    h, w = a.shape[:2]
    size = (max(1, round(w / factor)), max(1, round(h / factor)))
    return np.asarray(Image.fromarray(np.ascontiguousarray(a)).resize(size, Image.Resampling.BOX))


def _with_relatives(
    results: list[Scored], pyr: Pyramid, dec_i: int, start: float, budget: float
) -> list[Scored]:
    """Try the leading solutions in related projections (they agree locally to a few %), and
    the relatives of whichever relative wins, once more; then the leading few against the
    generalised line work (:func:`_generalised`). ``start`` and ``budget`` are work
    (:mod:`checker.imaging._work`)."""
    from checker.imaging import _register_search as rs
    from checker.imaging import _work

    out = list(results)
    tried: set[tuple[int, str]] = set()
    for depth in range(2):
        leaders = _distinct(out)[: 3 if depth == 0 else 1]
        for k, lead in enumerate(leaders):
            if _work.spent() - start > budget:
                return out + _generalised(out, pyr, dec_i)
            for proj in rs.relatives(lead.pose.projection):
                key = (k, proj)
                if key in tried:
                    continue
                tried.add(key)
                pose = rs.convert_pose(lead.pose, proj)
                if pose is None:
                    continue
                out.append(_refined_at(pose, lead, pyr, dec_i))
    return out + _generalised(out, pyr, dec_i)


def _refined_at(pose: Pose, lead: Scored, pyr: Pyramid, dec_i: int) -> Scored:
    """``pose`` (derived from ``lead``) refined down to the decision level and scored there:
    from a level where Crimea is ~20 px, whose basin is wide enough to fix what another
    projection or line work got wrong away from Crimea."""
    from checker.imaging import _register_search as rs

    mid_i = pyr.index_for(lead.crimea_px, rs.MID_CRIMEA_PX, MID_MIN_SIDE, BASE_SIDE)
    pose = _refine_chain(pose, pyr, max(mid_i, dec_i), dec_i, step=2)
    return rs.with_stats(pose, pyr.level(dec_i), lead.coarse_z)


def _generalised(results: list[Scored], pyr: Pyramid, dec_i: int) -> list[Scored]:
    """The leading distinct solutions fitted to each generalised line work instead (the same
    projection and plane, other lines), where Crimea is large enough for generalisation to
    show (:data:`GENERALISED_MIN_CRIMEA_PX`). A picture drawn from 1:110m data matches its own
    lines far better than the detailed coast; right and wrong solutions gain alike, so only
    the leaders are tried, after the projections have been settled on the detailed lines."""
    import dataclasses

    from checker.imaging import _register_search as rs

    out: list[Scored] = []
    for lead in _distinct(results)[:GENERALISED_LEADERS]:
        if lead.crimea_px < GENERALISED_MIN_CRIMEA_PX or rs.generalisation(lead.pose.projection):
            continue
        for lines in GENERALISED:
            name = f"{lead.pose.projection}{rs.GENERALISED_SEP}{lines}"
            pose = dataclasses.replace(lead.pose, projection=name)
            fitted = _refined_at(pose, lead, pyr, dec_i)
            # The cruder lines must fit clearly better: on a detailed drawing they score about
            # as well as the detailed coast, and a pose fitted to them is a little off it.
            if fitted.z >= lead.z * GENERALISED_MIN_GAIN:
                out.append(fitted)
    return out


def _distinct(results: list[Scored]) -> list[Scored]:
    """Best first, one per distinct solution."""
    from checker.imaging import _register_search as rs

    ranked: list[Scored] = []
    for r in sorted(results, key=lambda s: -s.z):
        tol = DISTINCT_SHARE * max(r.crimea_px, 1.0)
        if any(rs.same_solution(r.pose, k.pose, tol) for k in ranked):
            continue
        ranked.append(r)
    return ranked


def _holds_locally(best: Scored, margin: float, local: tuple[int, int]) -> bool:
    """Whether enough reference samples around Crimea meet edges at the decision level."""
    hits, n = local
    strong = best.z >= STRONG_Z and margin >= STRONG_MARGIN
    rate = MIN_LOCAL_HIT_RATE_STRONG if strong else MIN_LOCAL_HIT_RATE
    return n >= MIN_LOCAL_SAMPLES and hits >= rate * n


def _holds_coarsely(best: Scored, margin: float, coarse: Coarse | None) -> bool:
    """Whether a clear fit holds around Crimea on the level where generalisation is a pixel or
    two (see :data:`COARSE_LOCAL_CRIMEA_PX`)."""
    if coarse is None or best.z < COARSE_LOCAL_MIN_Z or margin < COARSE_LOCAL_MIN_MARGIN:
        return False
    hits, n = coarse.local
    return n >= MIN_LOCAL_SAMPLES and hits >= MIN_COARSE_LOCAL_HIT_RATE * n


def _gate(
    best: Scored,
    margin: float,
    long_side: int,
    local: tuple[int, int],
    coarse: Coarse | None = None,
) -> str:
    """Why the best fit is not accepted (``""`` if it is). ``local``: (hits, samples) around
    Crimea at the decision level; ``coarse``: the fit on the level where Crimea is
    :data:`COARSE_LOCAL_CRIMEA_PX` across, when that level differs and is needed."""
    from checker.imaging import _register_search as rs

    hits, n = local
    coarsely = _holds_coarsely(best, margin, coarse)
    if not (_holds_locally(best, margin, local) or coarsely):
        coarser = ""
        if coarse is not None:
            coarser = f", {coarse.local[0]} of {coarse.local[1]} on a coarser level"
        return (
            "not georeferenced: the best coastline match does not hold around Crimea "
            f"({hits} of {n} reference samples there on edges{coarser}; best fit "
            f"{best.pose.projection}, z {best.z:.1f})"
        )
    # A generalised drawing seen close up misses the detailed lines everywhere, not only around
    # Crimea: its share of lines on edges counts on the coarse level.
    hit_rate = max(best.hit_rate, coarse.hit_rate) if coarsely and coarse else best.hit_rate
    if best.z < MIN_Z or hit_rate < MIN_HIT_RATE:
        return _no_match_reason(long_side) + (
            f" (best fit: {best.pose.projection}, z {best.z:.1f}, "
            f"{100 * best.hit_rate:.0f} % of lines on edges)"
        )
    if margin < MIN_MARGIN:
        return (
            "not georeferenced: no coastline match with a margin over the runner-up "
            f"(best z {best.z:.1f} in {best.pose.projection}, margin {margin:.1f} < {MIN_MARGIN:g})"
        )
    if best.crimea_px < rs.MIN_CRIMEA_PX:
        return f"not georeferenced: Crimea would be only {best.crimea_px:.0f} px across"
    return ""


def _no_match_reason(long_side: int) -> str:
    from checker.imaging import _register_search as rs

    hi = rs.MAX_CRIMEA_FRACTION * long_side
    if hi < rs.MIN_CRIMEA_PX:
        return (
            f"not georeferenced: Crimea would be under {rs.MIN_CRIMEA_PX:.0f} px at every scale "
            f"this {long_side}-px picture allows"
        )
    return (
        "not georeferenced: no match for the Black Sea coastline and borders at any scale with "
        f"Crimea {rs.MIN_CRIMEA_PX:.0f}–{hi:.0f} px across"
    )


def _make_registration(
    best: Scored, margin: float, local_rate: float, coarse: Coarse | None = None
) -> Registration:
    from checker.imaging import _register_search as rs

    pose = best.pose
    params: dict[str, float] = {
        "a": pose.a,
        "b": pose.b,
        "c": pose.c,
        "d": pose.d,
        "tx": pose.tx,
        "ty": pose.ty,
        "scale": pose.scale,
        "aspect": pose.aspect,
        "rotation_deg": pose.rotation_deg,
        "z": best.z,
        "hit_rate": best.hit_rate,
        "samples": float(best.samples),
        "expected_hits": best.expected,
        "local_hit_rate": local_rate,
    }
    if coarse is not None:
        params["coarse_local_hit_rate"] = coarse.local[0] / max(1, coarse.local[1])
        params["coarse_hit_rate"] = coarse.hit_rate
    return from_pose(
        pose,
        method="coastline",
        score=float(best.z),
        margin=float(margin),
        params=params,
        crimea_px=float(best.crimea_px),
        lines=GENERALISED.get(rs.generalisation(pose.projection), ""),
    )


def from_pose(
    pose: Pose,
    *,
    method: str,
    score: float,
    margin: float,
    params: dict[str, float],
    crimea_px: float | None = None,
    lines: str = "",
    anchors: tuple[tuple[float, float], ...] = (),
    error_px: float = 0.0,
) -> Registration:
    """A registration from a pose in one of :data:`refdata.PROJECTIONS`' planes, named as notes
    call it (plate carrée with a cos(latitude) aspect as ``plate-carree-cosNN``)."""
    from checker.imaging import _register_search as rs

    name = rs.base_projection(pose.projection)
    if name == "plate-carree" and abs(pose.aspect - 1.0) > 0.03:
        name = f"plate-carree-cos{round(math.degrees(math.acos(min(1.0, pose.aspect))))}"
    return Registration(
        projection=name,
        to_pixel=_pose_to_pixel(pose),
        score=score,
        margin=margin,
        crimea_px=rs.crimea_px(pose) if crimea_px is None else crimea_px,
        params=params,
        method=method,
        lines=lines,
        anchors=anchors,
        error_px=error_px,
    )


def _pose_to_pixel(pose: Pose) -> ToPixel:
    from checker.imaging._register_search import base_projection
    from checker.imaging.refdata import forward

    proj = base_projection(pose.projection)

    def to_pixel(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = forward(proj, lon, lat)
        return pose.apply(x, y)

    return to_pixel


# --- metadata -----------------------------------------------------------------------------------


def from_geotransform(crs_wkt_or_epsg: str, affine: tuple[float, ...]) -> Registration:
    """A registration from a CRS and a GDAL geotransform (GeoTIFF tags, world files + .prj).

    ``affine`` is GDAL's order ``(x0, pixel_width, row_rotation, y0, column_rotation,
    pixel_height)``: CRS coordinates of pixel corner ``(col, row)`` are ``x = x0 + col·a1 +
    row·a2``, ``y = y0 + col·a4 + row·a5``. (Use :func:`geotransform_from_world_file` for the six
    numbers of a world file, which refer to pixel centres.) Raises ``ValueError`` for an unknown
    CRS or a singular transform.
    """
    import pyproj

    if len(affine) != 6 or not all(math.isfinite(float(v)) for v in affine):
        raise ValueError(f"a geotransform has six finite numbers, got {affine!r}")
    x0, a1, a2, y0, a4, a5 = (float(v) for v in affine)
    det = a1 * a5 - a2 * a4
    if abs(det) < 1e-300:
        raise ValueError("singular geotransform")
    try:
        crs = pyproj.CRS.from_user_input(crs_wkt_or_epsg)
    except pyproj.exceptions.CRSError as exc:
        raise ValueError(f"unknown CRS: {exc}") from exc
    transformer = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)

    def to_pixel(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = transformer.transform(np.asarray(lon, float), np.asarray(lat, float))
        dx = np.asarray(x, float) - x0
        dy = np.asarray(y, float) - y0
        col = (a5 * dx - a2 * dy) / det
        row = (-a4 * dx + a1 * dy) / det
        return col, row

    epsg = crs.to_epsg()
    name = f"EPSG:{epsg}" if epsg else crs.name
    return Registration(
        projection=name,
        to_pixel=to_pixel,
        score=METADATA_SCORE,
        margin=METADATA_SCORE,
        crimea_px=_crimea_px(to_pixel),
        params={"x0": x0, "a1": a1, "a2": a2, "y0": y0, "a4": a4, "a5": a5},
        method="metadata",
    )


def geotransform_from_world_file(values: Sequence[float]) -> tuple[float, ...]:
    """GDAL geotransform from a world file's six lines ``A, D, B, E, C, F`` (pixel centres)."""
    if len(values) != 6:
        raise ValueError(f"a world file has six numbers, got {len(values)}")
    a, d, b, e, c, f = (float(v) for v in values)
    return (c - a / 2 - b / 2, a, b, f - d / 2 - e / 2, d, e)


def _crimea_px(to_pixel: ToPixel) -> float:
    from checker.imaging.refdata import get_image_reference

    ref = get_image_reference()
    ll = ref.lonlat[ref.crimea].astype(np.float64)
    x, y = to_pixel(ll[:, 0], ll[:, 1])
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 2:
        return 0.0
    return float(max(np.ptp(x[ok]), np.ptp(y[ok])))
