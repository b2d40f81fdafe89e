"""Cache benchmark: re-checking an unchanged tree of 1,000 mixed files, with and without the cache.

DESIGN §7 sets the target: an unchanged file re-checked from the cache is at least 20x faster.
The tree (``bench/.data/cache-tree/``, rebuilt when missing) holds vector maps made from
``samples/`` (GeoJSON, KML and TopoJSON variants: each copy carries a distinct ``variant``
property, so every file has its own content and its own cache entry) and small text files
(Markdown, plain text and CSV with and without conceding wording). Each figure is the median
wall time of ``--runs`` fresh ``mapcheck check TREE --format json --no-ocr`` processes:

(a) ``--no-cache``: every file is read and checked;
(b) with the cache, after one run that filled it (the "second run over an unchanged tree");

the runs of (a) and (b) alternate, so both meet the machine in the same states;

and a/b, the speed-up, in wall time and in CPU time (user + system of the process: unlike wall
time it does not grow when other work shares the machine). The cache lives in a temporary folder
(``MAPCHECK_CACHE_DIR``), so the working tree's own cache is left alone. Python's bytecode is
written to ``bench/.data/pycache`` (``PYTHONPYCACHEPREFIX``) by the first run and read by the
others, as it is in an installed package, whatever ``PYTHONDONTWRITEBYTECODE`` says. Run it with
``.venv/bin/python bench/cache.py [--files N] [--runs N]``. It only measures: no assertions,
exit status 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
WORLD_110M = ROOT / "tests" / "fixtures" / "world-atlas" / "countries-110m.json"
TREE = ROOT / "bench" / ".data" / "cache-tree"
PYCACHE = ROOT / "bench" / ".data" / "pycache"
TARGET = 20.0  # DESIGN §7

#: Vector sources (small and medium samples; each becomes many variants).
VECTOR_SOURCES = (
    "bad/russia-2022-claims.geojson",
    "good/france-regions.geojson",
    "good/russia-recognized.geojson",
    "good/control-map.geojson",
)
TEXTS = (
    "The tour ends in Simferopol, Crimea, Ukraine, after two nights in Odesa.\n",
    "Sevastopol, Russia, is a port on the Black Sea (a wording the rules flag).\n",
    "Kyiv is the capital of Ukraine. The Dnipro flows south to the Black Sea.\n",
)


def build_tree(folder: Path, files: int) -> None:
    """``files`` files, about 40 % vector maps and 60 % text, in 20 subfolders."""
    if folder.exists():
        shutil.rmtree(folder)
    vectors = [json.loads((SAMPLES / s).read_text(encoding="utf-8")) for s in VECTOR_SOURCES]
    kml = (SAMPLES / "bad" / "cities.kml").read_text(encoding="utf-8")
    topo = json.loads(WORLD_110M.read_text(encoding="utf-8")) if WORLD_110M.exists() else None
    n_vector = files * 4 // 10
    for i in range(files):
        sub = folder / f"part{i % 20:02}"
        sub.mkdir(parents=True, exist_ok=True)
        if i < n_vector:
            kind = i % 10
            if kind == 0:
                text = kml.replace("<name>Kyiv</name>", f"<name>Kyiv {i}</name>")
                (sub / f"cities-{i}.kml").write_text(text, encoding="utf-8")
            elif kind == 1 and topo is not None:
                topo["bench_variant"] = i
                (sub / f"world-{i}.topojson").write_text(json.dumps(topo), encoding="utf-8")
            else:
                doc = vectors[i % len(vectors)]
                doc["features"][0]["properties"]["variant"] = i
                (sub / f"map-{i}.geojson").write_text(json.dumps(doc), encoding="utf-8")
        else:
            body = "".join(TEXTS[(i + k) % len(TEXTS)] for k in range(3 + i % 5))
            suffix = (".md", ".txt", ".csv")[i % 3]
            if suffix == ".csv":
                body = "country,region\nUA,Kyiv\nRU,Moscow\n" + f"UA,Odesa {i}\n"
            (sub / f"note-{i}{suffix}").write_text(f"# Note {i}\n\n{body}", encoding="utf-8")


def mapcheck_command() -> list[str]:
    script = Path(sys.executable).parent / "mapcheck"
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "checker"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    """Wall time, exit status, number of files reported and CPU time (user + system) of one
    run. CPU time does not grow when other work shares the machine; wall time does."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        files = json.loads(proc.stdout)["summary"]["files"]
    except (ValueError, KeyError):
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        print(f"note: exit {proc.returncode}: {' '.join(err)}")
        files = -1
    return elapsed, proc.returncode, files, cpu


def _salts(cache_dir: Path) -> set[str]:
    """The cache's salts (one unless mapcheck's files changed between runs)."""
    import sqlite3

    db = sqlite3.connect(cache_dir / "cache.sqlite")
    try:
        return {row[0] for row in db.execute("SELECT DISTINCT salt FROM reports")}
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="files in the tree (1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (5)")
    args = parser.parse_args(argv)

    marker = TREE / f".files-{args.files}"
    if not marker.exists():
        print(f"building {args.files} files in {TREE.relative_to(ROOT)} ...")
        build_tree(TREE, args.files)
        marker.write_text("")
    sizes = [p.stat().st_size for p in TREE.rglob("*") if p.is_file() and p != marker]
    print(f"tree: {len(sizes)} files, {sum(sizes) / 1e6:.1f} MB")

    with tempfile.TemporaryDirectory(prefix="mapcheck-bench-cache-") as cache_dir:
        env = {**os.environ, "MAPCHECK_CACHE_DIR": cache_dir}
        # Byte-compiled once, as in an installed package (an editable install under
        # PYTHONDONTWRITEBYTECODE would recompile mapcheck's modules on every run).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        base = [*mapcheck_command(), "check", str(TREE), "--format", "json", "--no-ocr"]

        fill, status, files, _ = timed(base, env)
        print(f"fill the cache (first run):   {fill:8.2f} s  ({files} files, exit {status})")
        salts = _salts(Path(cache_dir))
        # Interleaved, so that both see the machine in the same states (a shared machine's
        # speed drifts over a minute; all cold runs first would compare different minutes).
        cold_runs, warm_runs = [], []
        for _ in range(args.runs):
            cold_runs.append(timed([*base, "--no-cache"], env))
            warm_runs.append(timed(base, env))
        if _salts(Path(cache_dir)) != salts:
            print(
                "note: mapcheck's own files changed during the run, which invalidates the cache;"
                " run the bench on a tree nobody is editing"
            )
    a = statistics.median(r[0] for r in cold_runs)
    b = statistics.median(r[0] for r in warm_runs)
    a_cpu = statistics.median(r[3] for r in cold_runs)
    b_cpu = statistics.median(r[3] for r in warm_runs)
    n = args.runs
    print(f"(a) unchanged tree, --no-cache: {a:8.2f} s wall, {a_cpu:7.2f} s CPU (median of {n})")
    print(f"(b) unchanged tree, cached:     {b:8.2f} s wall, {b_cpu:7.2f} s CPU (median of {n})")
    print(f"speed-up a/b: {a / b:.1f}x wall, {a_cpu / b_cpu:.1f}x CPU (target >= {TARGET:.0f}x)")
    per_file = 1000 / max(files, 1)
    print(f"per file: {a * per_file:.1f} ms checked, {b * per_file:.2f} ms cached")
    return 0


if __name__ == "__main__":
    sys.exit(main())
