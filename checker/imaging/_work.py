"""The registration search's budget, counted in work instead of measured in time.

The search (:mod:`checker.imaging.register`) stops trying further projections and relatives once
it has spent its budget. Measured with a clock, the same picture registers differently on a busy
machine or a slower one (fewer projections searched: another fit, or none), so a verdict would
depend on where and when it was made. Counted in work, it does not: every step of the search
charges what it costs on the reference machine, from the sizes it works on (pixels of a level,
points of an FFT, reference samples probed), and the budget compares those charges.

:data:`COSTS` holds, per kind of step, a fixed cost per call and a cost per unit, in CPU seconds
on the machine they were measured on; they were fitted by non-negative least squares of the CPU
time the search had spent at each budget check against the calls and units charged until then
(``tests/imaging/measure_work.py``). Steps whose cost the fit could not tell from another's
(an FFT pattern's spectra, the normal search after each probe, carrying a pose into another
projection) are not charged apart. The charges need not be exact: they only have to grow with
the work as the clock did, and be the same on every run.
"""

from __future__ import annotations

import threading
import time

#: (seconds per call, seconds per unit) of each kind of step; units in the comments.
COSTS: dict[str, tuple[float, float]] = {
    # Shrinking the picture to the largest level and splitting its channels: picture pixels.
    "prepare": (0.0192, 1.09e-08),
    # Edges of one level computed from the picture: level pixels.
    "edges": (0.0, 1.9e-07),
    # A coarser level pooled from a finer one's edges: pixels of the finer level.
    "pool": (0.0, 2.68e-08),
    # The coarse search's oriented edge map of one level: level pixels.
    "coarse_map": (0.0, 2.63e-07),
    # One (projection, scale) pattern of the coarse search (three FFTs, peaks): FFT points.
    "fft_job": (0.000204, 1.94e-08),
    # Reference samples placed in a level under a pose, and searched for an edge along their
    # normal (every probe is searched: the fit could not tell the two apart): samples kept.
    "probe": (0.0, 1.19e-07),
    # One least-squares step of a refinement: matched samples.
    "solve": (0.00108, 1.33e-06),
}

_LOCAL = threading.local()


def spent() -> float:
    """Work charged so far in this thread, in reference CPU seconds (only differences mean
    anything: the search notes where it started)."""
    total: float = getattr(_LOCAL, "spent", 0.0)
    marks = getattr(_LOCAL, "marks", None)
    if marks is not None:
        marks.append((dict(_LOCAL.tally), time.thread_time()))
    return total


def charge(kind: str, units: float = 0.0) -> None:
    """Charge one step of ``kind`` over ``units`` (see :data:`COSTS`)."""
    per_call, per_unit = COSTS[kind]
    _LOCAL.spent = getattr(_LOCAL, "spent", 0.0) + per_call + per_unit * units
    tally = getattr(_LOCAL, "tally", None)
    if tally is not None:
        calls, units_sum = tally.get(kind, (0, 0.0))
        tally[kind] = (calls + 1, units_sum + units)


Tally = dict[str, tuple[int, float]]


def start_tally() -> tuple[Tally, list[tuple[Tally, float]]]:
    """For calibration: count calls and units per kind from now on in this thread, and note at
    every look at the budget (:func:`spent`) the counts so far and the thread's CPU time. The
    dict and the list returned fill as the search runs."""
    tally: Tally = {}
    marks: list[tuple[Tally, float]] = []
    _LOCAL.tally = tally
    _LOCAL.marks = marks
    return tally, marks


def stop_tally() -> None:
    _LOCAL.tally = None
    _LOCAL.marks = None
