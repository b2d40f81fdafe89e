"""Fit the registration search's work costs (:data:`checker.imaging._work.COSTS`); not a test.

    .venv/bin/python -m tests.imaging.measure_work bench/.data/images-1 --count 120

Registers the pictures of a folder (a tuning seed of ``bench/images.py``; never the held-out
one) one at a time on an otherwise idle machine, noting at every look the search takes at its
budget the calls and units charged so far per kind of step, and the CPU time spent until then.
A non-negative least-squares fit of CPU time against calls and units gives each kind's cost per
call and per unit; the script prints them as a ``COSTS`` table, and how well the work charged
with the costs in the code and with the fitted ones follows the CPU time (ratio quantiles).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy.optimize import nnls

from checker.imaging import _work
from checker.imaging.register import register_reason

KINDS = tuple(_work.COSTS)


def _row(tally: _work.Tally) -> list[float]:
    out: list[float] = []
    for kind in KINDS:
        calls, units = tally.get(kind, (0, 0.0))
        out += [float(calls), float(units)]
    return out


def _charged(row: list[float], costs: dict[str, tuple[float, float]]) -> float:
    total = 0.0
    for i, kind in enumerate(KINDS):
        per_call, per_unit = costs[kind]
        total += per_call * row[2 * i] + per_unit * row[2 * i + 1]
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--budget", type=float, default=1.5)
    args = parser.parse_args(argv)
    paths = sorted(p for p in args.folder.iterdir() if p.suffix in (".png", ".jpg", ".jpeg"))
    paths = paths[: args.count]
    # Warm up: imports, reference data, FFT plans.
    register_reason(np.asarray(Image.open(paths[0]).convert("RGB")), budget_s=args.budget)
    rows: list[list[float]] = []
    times: list[float] = []
    for path in paths:
        rgb = np.asarray(Image.open(path).convert("RGB"))
        tally, marks = _work.start_tally()
        begin = time.thread_time()
        register_reason(rgb, budget_s=args.budget)
        end = time.thread_time()
        _work.stop_tally()
        for counts, at in [*marks[1:], (dict(tally), end)]:
            rows.append(_row(counts))
            times.append(at - begin)
        print(f"{path.name}: {len(marks)} looks, {end - begin:.2f} s", file=sys.stderr)
    a = np.array(rows)
    b = np.array(times)
    # Columns on comparable scales for the solver; costs back in seconds after.
    scale = np.maximum(a.max(axis=0), 1.0)
    sol, _ = nnls(a / scale, b)
    sol = sol / scale
    fitted = {kind: (float(sol[2 * i]), float(sol[2 * i + 1])) for i, kind in enumerate(KINDS)}
    print("COSTS = {")
    for kind, (per_call, per_unit) in fitted.items():
        print(f'    "{kind}": ({per_call:.3g}, {per_unit:.3g}),')
    print("}")
    for name, costs in (("code", _work.COSTS), ("fitted", fitted)):
        ratios = [_charged(r, costs) / t for r, t in zip(rows, times, strict=True) if t > 0.05]
        if not ratios or max(ratios) == 0:
            print(f"{name}: no charges")
            continue
        q = statistics.quantiles(ratios, n=10)
        print(
            f"{name}: work/CPU over {len(ratios)} looks: median {statistics.median(ratios):.2f}, "
            f"p10 {q[0]:.2f}, p90 {q[-1]:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
