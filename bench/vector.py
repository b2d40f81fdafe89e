"""Vector benchmark: what does checking a world map cost next to just reading it?

DESIGN §7 sets the target: checking a vector file costs at most ~1.2x reading it. For npm
world-atlas's countries-110m, -50m and -10m (``tests/fixtures/world-atlas/``) this prints, each the
median of ``--runs`` fresh processes of the same interpreter:

(a) ``python -c "import geopandas; geopandas.read_file(PATH)"``: the baseline, what any Python
    user pays to open the file;
(b) ``mapcheck check PATH --format json --no-cache``: the whole check (exit status 1 is expected:
    these files put Crimea in Russia);

and b/a. Two floors put those numbers in context: ``python -c pass`` and ``mapcheck --version``.
Then an in-process breakdown (read, analysis, rules) shows where a check spends its time.

Run it with ``make bench`` or ``.venv/bin/python bench/vector.py [--runs N]``. It only measures:
no assertions, exit status 0.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "world-atlas"
#: Used only when the fixtures are absent (a checkout without them).
FALLBACK = Path("/tmp/src/wa/package")
SIZES = ("110m", "50m", "10m")
TARGET_RATIO = 1.2  # DESIGN §7: checking costs at most ~1.2x reading the file


def find_inputs() -> list[Path]:
    """countries-{110m,50m,10m}.json, from the test fixtures (or the fallback folder)."""
    out = []
    for size in SIZES:
        name = f"countries-{size}.json"
        for folder in (FIXTURES, FALLBACK):
            if (folder / name).is_file():
                out.append(folder / name)
                break
        else:
            print(f"note: {name} not found in {FIXTURES}; skipped")
    return out


def mapcheck_command() -> list[str]:
    """``mapcheck`` run by this very interpreter, so (a) and (b) pay the same start-up."""
    script = Path(sys.executable).parent / "mapcheck"
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "checker"]


def time_process(cmd: Sequence[str], runs: int) -> tuple[float, int]:
    """Median wall time (s) of ``runs`` fresh processes, and the last exit status."""
    times = []
    status = 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
        )
        times.append(time.perf_counter() - start)
        status = proc.returncode
        if status not in (0, 1):
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            print(f"note: {' '.join(cmd[-4:])} exited {status}: {' '.join(err)}")
    return statistics.median(times), status


def versions() -> str:
    """Python, GDAL (through pyogrio) and the geometry stack, for the record."""
    probe = (
        "import geopandas, pyogrio, shapely, pyproj, numpy, checker; "
        "print(f'geopandas {geopandas.__version__}, pyogrio {pyogrio.__version__} "
        "(GDAL {pyogrio.__gdal_version_string__}), shapely {shapely.__version__} "
        "(GEOS {shapely.geos_version_string}), pyproj {pyproj.__version__}, "
        "numpy {numpy.__version__}, mapcheck {checker.__version__}')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    libs = proc.stdout.strip() or proc.stderr.strip().splitlines()[-1]
    return f"Python {platform.python_version()} ({sys.executable})\n{libs}"


def process_table(inputs: list[Path], runs: int) -> None:
    floor, _ = time_process([sys.executable, "-c", "pass"], runs)
    version, _ = time_process([*mapcheck_command(), "--version"], runs)
    print(f"\nFresh processes, median of {runs} runs (seconds)")
    print(f"  python -c pass              {floor:7.3f}")
    print(f"  mapcheck --version          {version:7.3f}")
    print()
    header = f"  {'file':<22} {'bytes':>11} {'(a) read':>9} {'(b) check':>10} {'b/a':>6}  exit"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for path in inputs:
        read_cmd = [
            sys.executable,
            "-c",
            "import sys, geopandas; geopandas.read_file(sys.argv[1])",
            str(path),
        ]
        check_cmd = [*mapcheck_command(), "check", str(path), "--format", "json", "--no-cache"]
        a, _ = time_process(read_cmd, runs)
        b, status = time_process(check_cmd, runs)
        size = path.stat().st_size
        print(f"  {path.name:<22} {size:>11,} {a:>9.3f} {b:>10.3f} {b / a:>6.2f}  {status}")
    print(f"  (target: b/a <= ~{TARGET_RATIO}; exit 1 = findings reported, as expected)")


def breakdown(path: Path, runs: int) -> None:
    """Read, analysis and rules times in this process: first (cold) run and warm median."""
    from checker.config import Config
    from checker.engine import check_vector_evidence
    from checker.geo.analysis import analyse
    from checker.readers import detect, read_vector
    from checker.readers.base import Source
    from checker.rules.geometry import VectorContext
    from checker.rules.registry import rules_for

    config = Config(use_cache=False)
    rows: list[tuple[float, float, float, float]] = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        source = Source(name=str(path), path=path)
        _, fmt = detect(source)
        evidence = read_vector(source, fmt)
        t1 = time.perf_counter()
        analysis = analyse(evidence)
        t2 = time.perf_counter()
        ctx = VectorContext(path=path.name, evidence=evidence, analysis=analysis)
        for rule in rules_for("vector"):
            assert rule.check is not None
            list(rule.check(ctx))
        t3 = time.perf_counter()
        check_vector_evidence(path.name, evidence, config)  # the engine's path: analysis + rules
        t4 = time.perf_counter()
        rows.append((t1 - t0, t2 - t1, t3 - t2, t4 - t3))
    cold, warm = rows[0], rows[1:]
    med = tuple(statistics.median(r[i] for r in warm) for i in range(4))
    print(f"\nIn-process breakdown for {path.name} (milliseconds)")
    head = f"  {'':<28} {'read':>7} {'analysis':>9} {'rules':>7} {'sum':>7}   {'engine':>7}"
    print(head)
    for label, row in (("first run (loads reference)", cold), (f"median of {runs} warm runs", med)):
        read, analysis_ms, rules, engine = (v * 1000 for v in row)
        total = read + analysis_ms + rules
        print(
            f"  {label:<28} {read:>7.1f} {analysis_ms:>9.1f} {rules:>7.1f} {total:>7.1f}"
            f"   {engine:>7.1f}"
        )
    print("  (engine: check_vector_evidence on the evidence read: analysis + rules + finalize)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)
    print(versions())
    inputs = find_inputs()
    if not inputs:
        print("no world-atlas files found; nothing to measure")
        return 0
    process_table(inputs, runs)
    ten = [p for p in inputs if p.name == "countries-10m.json"]
    try:
        breakdown(ten[0] if ten else inputs[-1], runs)
    except ImportError as exc:  # readers not installed yet: the process table still stands
        print(f"\nIn-process breakdown skipped: {exc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
