"""Audit benchmark: batch throughput with 1 and 2 workers, the cost of resuming after a kill, and
peak memory (issue 6; DESIGN §7 "near-linear scaling with workers").

Generates corpora under ``bench/.data/audit`` with ``tests/audit/corpus.py`` (text and data files,
the vector samples, synthetic political maps drawn from the reference boundaries, copies of a
PDF, a zip and a tar.gz), then for each corpus:

1. audits it with the local engine and ``--jobs 1``, then ``--jobs 2`` (fresh databases), and
   prints files/s and the scaling ratio (2 workers ÷ 1);
2. starts the same audit as a separate process (``python -m checker.audit audit``), kills it with
   SIGKILL half-way (by the uninterrupted run's time), resumes it, and prints what the kill cost:
   killed + resumed time against an uninterrupted run, and the time of a re-run with everything
   recorded (the per-file cost of deciding that nothing is left to do);
3. prints peak memory: the audit's own process and the largest worker (max RSS).

Corpora: ``mixed`` (text, vector, image, PDF, archives) and ``images`` (image-heavy: the issue's
">= 1.8x from 1 to 2 workers" target is about those). ``--scale`` multiplies their sizes;
``--dask`` adds a run on a local Dask cluster with 2 workers. OCR is off unless ``--ocr``.

    .venv/bin/python bench/audit.py [--scale 1] [--ocr] [--dask]

It only measures: no assertions, exit status 0.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``tests.audit`` importable
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / ".data" / "audit"


def _corpora(scale: float) -> dict[str, object]:
    from tests.audit.corpus import Mix

    def n(x: int) -> int:
        return max(1, round(x * scale))

    return {
        "mixed": Mix(text=n(160), vector=n(12), image=n(8), pdf=n(12), archives=True),
        "images": Mix(text=0, vector=0, image=n(24), pdf=0, archives=False),
    }


def _build(name: str, mix: object) -> tuple[Path, int]:
    from tests.audit.corpus import make_mixed_corpus

    corpus = DATA / name
    if corpus.exists():
        shutil.rmtree(corpus)
    files = make_mixed_corpus(corpus, mix)  # type: ignore[arg-type]
    return corpus, len(files)


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _audit(
    corpus: Path, db: Path, jobs: int, ocr: bool, engine: str = "local"
) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one audit."""
    from checker.audit.runner import AuditOptions, run_audit
    from checker.config import Config

    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    options = AuditOptions(config=Config(ocr=ocr), jobs=jobs, engine=engine)
    cpu = _cpu()
    started = time.perf_counter()
    stats = run_audit([str(corpus)], db, options)
    elapsed = time.perf_counter() - started
    assert stats.complete
    return elapsed, _cpu() - cpu


def _cli(corpus: Path, db: Path, ocr: bool) -> list[str]:
    return [
        sys.executable,
        "-m",
        "checker.audit",
        "audit",
        str(corpus),
        "--db",
        str(db),
        "--jobs",
        "2",
        "--no-progress",
        *([] if ocr else ["--no-ocr"]),
    ]


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=DATA, capture_output=True, check=False)
    return time.perf_counter() - started


def _kill_and_resume(corpus: Path, ocr: bool) -> dict[str, float]:
    db = DATA / "resume.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for stale in DATA.glob("resume.sqlite*"):
        stale.unlink()
    full = _timed(_cli(corpus, db, ocr))
    for stale in DATA.glob("resume.sqlite*"):
        stale.unlink()
    started = time.perf_counter()
    proc = subprocess.Popen(
        _cli(corpus, db, ocr),
        cwd=DATA,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(full / 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed = time.perf_counter() - started
    import sqlite3

    conn = sqlite3.connect(db)
    recorded = conn.execute("SELECT count(*) FROM units").fetchone()[0]
    conn.close()
    resumed = _timed(_cli(corpus, db, ocr))
    noop = _timed(_cli(corpus, db, ocr))
    return {
        "full": full,
        "killed": killed,
        "recorded": float(recorded),
        "resumed": resumed,
        "noop": noop,
    }


def _peak_kib() -> tuple[int, int]:
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="corpus size factor")
    parser.add_argument("--ocr", action="store_true", help="OCR images and scans (slower)")
    parser.add_argument("--dask", action="store_true", help="also time a local Dask cluster")
    parser.add_argument(
        "--skip-resume", action="store_true", help="leave out the kill-and-resume measurement"
    )
    args = parser.parse_args(argv)

    DATA.mkdir(parents=True, exist_ok=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load} (other work skews the scaling); "
        f"OCR {'on' if args.ocr else 'off'}"
    )
    for name, mix in _corpora(args.scale).items():
        corpus, files = _build(name, mix)
        db = DATA / f"{name}.sqlite"
        one, cpu1 = _audit(corpus, db, 1, args.ocr)
        two, cpu2 = _audit(corpus, db, 2, args.ocr)
        print(f"\n== {name}: {files} files ({mix})")
        print(f"  1 worker : {one:7.1f} s  {files / one:7.2f} files/s  ({cpu1:.1f} CPU s)")
        print(f"  2 workers: {two:7.1f} s  {files / two:7.2f} files/s  ({cpu2:.1f} CPU s)")
        print(
            f"  scaling 1 -> 2 workers: {one / two:.2f}x wall; CPU per file "
            f"{1000 * cpu1 / files:.0f} vs {1000 * cpu2 / files:.0f} ms (the parallel overhead)"
        )
        if args.dask:
            dask, _ = _audit(corpus, db, 2, args.ocr, engine="dask")
            print(f"  Dask, local cluster of 2: {dask:7.1f} s  {files / dask:7.2f} files/s")
        if name == "mixed" and not args.skip_resume:
            r = _kill_and_resume(corpus, args.ocr)
            extra = r["killed"] + r["resumed"] - r["full"]
            print(
                f"  kill -9 at {r['killed']:.1f} s of {r['full']:.1f} s "
                f"({int(r['recorded'])} of {files} files recorded), resumed in "
                f"{r['resumed']:.1f} s: the kill cost {extra:+.1f} s "
                f"({100 * extra / r['full']:+.0f}% of an uninterrupted run)"
            )
            print(
                f"  re-run with everything recorded: {r['noop']:.2f} s "
                f"({1000 * r['noop'] / files:.1f} ms per file, process start-up included)"
            )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load}")
    own, worker = _peak_kib()
    print(
        f"\npeak memory: audit process {own / 1024:.0f} MiB, largest worker {worker / 1024:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
