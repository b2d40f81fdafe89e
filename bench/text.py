"""Text benchmark: how fast is the MT3xx text engine next to ``grep -F`` with the same phrases?

Issue 4 sets the target: on ~100 MB of prose in 1,000 files where ~2 % of the text concerns
Crimea or the occupied areas, mapcheck's text throughput is at least half of
``grep -F -r -f PHRASES`` over the same folder.

The corpus is generated (deterministic seed) into ``bench/.data/text/`` (git-ignored):

* neutral English prose: docstrings of the Python standard library and of the packages installed
  next to mapcheck (PSF, BSD, MIT and Apache licensed text; only sentences that read as prose);
* neutral Russian and Ukrainian prose: the translated messages of the ``.mo`` catalogues under
  ``/usr/share/locale/{ru,uk}`` (skipped when absent);
* Crimea-related sentences: the labelled snippets of ``tests/corpus/text/labelled.tsv`` (EN, UK,
  RU; conceding, reportage and clean), at 2 % of the bytes;

wrapped into paragraphs at 72-100 columns. A dense corpus (100 files, 10 MB, Crimea sentences
only) shows the worst case. The phrase list for grep is every phrase of the lexicon with its
sets and alternatives expanded (``checker.text.lexicon.grep_phrases``), a ``word*`` cut at the
star.

Measured (best of ``--runs``, warm page cache), each over the same folder:

(a) ``grep -F -r -f phrases.txt DIR`` with its output read through a pipe (GNU grep stops at the
    first match when its output is /dev/null, so it is not sent there);
(b) mapcheck in-process, the whole path per file: read the bytes, build the evidence with the
    document reader (``checker.readers.text.read_text``; one segment per file if the readers are
    not installed), run the text and data rules and the profile
    (``checker.engine.check_text_evidence``);
(c) the MT3xx analysis alone on evidence already built (``checker.rules.text.analysis``);

(d) ``mapcheck check DIR`` as a command, with ``--jobs 1`` and with ``--jobs 0`` (every core);
(e) the literal pre-scan alone (``Prescan.scan_all``, the automaton every file needs): with the
    reading time, the floor under (b), printed as a share of the target's budget;

and prints MB/s, the ratio grep-time / mapcheck-time (target ≥ 0.5), findings counts, the
one-off start cost (lexicon compile, automaton build) and the peak resident memory. The ratios
are printed twice: by wall time, and by CPU time (user + system; grep's as a child process),
which other work on a shared machine disturbs much less.

Run: ``.venv/bin/python bench/text.py [--runs 3] [--mb 100] [--files 1000] [--regenerate]``.
The text engine measured is the one installed (``mapcheck --version`` names it: the modules
compiled with mypyc, or Python), with the pre-scan's automaton it names (Hyperscan, or
``ahocorasick_rs``); ``MAPCHECK_PURE_PYTHON=1`` measures the Python modules, and
``MAPCHECK_PRESCAN=ahocorasick`` the DFA.
It only measures: no assertions, exit status 0.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / ".data" / "text"
LABELLED = ROOT / "tests" / "corpus" / "text" / "labelled.tsv"
SEED = 20240304
TARGET = 0.5


# --- corpus ----------------------------------------------------------------------------------


def prose_sentences(limit_bytes: int) -> list[str]:
    """English sentences from docstrings of the standard library and installed packages."""
    import sysconfig

    roots = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"])]
    out: list[str] = []
    seen: set[str] = set()
    total = 0
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "test" in path.parts or "tests" in path.parts:
                continue
            for doc in _docstrings(path):
                for sentence in _sentences(doc):
                    if sentence in seen:
                        continue
                    seen.add(sentence)
                    out.append(sentence)
                    total += len(sentence)
            if total >= limit_bytes:
                return out
    return out


def _docstrings(path: Path) -> Iterator[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError, RecursionError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                yield doc


def _sentences(doc: str) -> Iterator[str]:
    for para in doc.split("\n\n"):
        text = " ".join(para.split())
        if not text or text[0] in ">:.-=*|[(`" or ">>>" in text or "::" in text:
            continue
        for sentence in text.replace("? ", "?\n").replace(". ", ".\n").split("\n"):
            words = sentence.split()
            letters = sum(ch.isalpha() or ch == " " for ch in sentence)
            if (
                6 <= len(words) <= 60
                and letters >= 0.85 * len(sentence)
                and sentence[-1] in ".?"
                and sentence.isprintable()
            ):
                yield sentence


def cyrillic_sentences() -> list[str]:
    """Russian and Ukrainian messages from the system's .mo catalogues (may be empty)."""
    out: list[str] = []
    for lang in ("ru", "uk"):
        folder = Path("/usr/share/locale") / lang / "LC_MESSAGES"
        if not folder.is_dir():
            continue
        for mo in sorted(folder.glob("*.mo")):
            try:
                with open(mo, "rb") as fh:
                    catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
            except (OSError, gettext.error, UnicodeDecodeError, ValueError):
                continue
            for value in catalog.values():
                if not isinstance(value, str):
                    continue
                text = " ".join(value.split())
                cyr = sum("\u0400" <= ch <= "\u04ff" for ch in text)
                if (
                    len(text.split()) >= 5
                    and cyr >= 0.5 * len(text)
                    and "%" not in text
                    and text.isprintable()
                ):
                    out.append(text if text[-1] in ".!?" else text + ".")
    return sorted(set(out))


def crimea_sentences() -> list[str]:
    out = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) == 6 and cols[0] != "id" and not line.startswith("#"):
            out.append(cols[5].replace("\\n", " "))
    return out


def _pooled(name: str, make: Callable[[], list[str]]) -> list[str]:
    """Sentences extracted once and kept in bench/.data/text (parsing docstrings is slow)."""
    path = DATA / name
    if path.exists():
        return path.read_text(encoding="utf-8").splitlines()
    sentences = make()
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return sentences


def wrap(text: str, width: int) -> str:
    """Greedy wrap at spaces (fast enough for 100 MB)."""
    lines = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width)
        if cut <= 0:
            cut = text.find(" ", width)
            if cut < 0:
                break
        lines.append(text[:cut])
        text = text[cut + 1 :]
    lines.append(text)
    return "\n".join(lines)


def generate(folder: Path, files: int, total_mb: float, crimea_share: float, seed: int) -> None:
    rng = random.Random(seed)
    crimea = crimea_sentences()
    neutral_en: list[str] = []
    neutral_cyr: list[str] = []
    if crimea_share < 1.0:
        neutral_en = _pooled("pool-en.txt", lambda: prose_sentences(limit_bytes=24_000_000))
        neutral_cyr = _pooled("pool-cyr.txt", cyrillic_sentences)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    per_file = int(total_mb * 1_000_000 / files)
    for index in range(files):
        sub = folder / f"{index // 100:02d}"
        sub.mkdir(exist_ok=True)
        size = 0
        paragraphs: list[str] = []
        width = rng.randint(72, 100)
        while size < per_file:
            sentences = []
            for _ in range(rng.randint(3, 8)):
                draw = rng.random()
                if draw < crimea_share:
                    sentences.append(rng.choice(crimea))
                elif neutral_cyr and draw < crimea_share + 0.08 * (1 - crimea_share):
                    sentences.append(rng.choice(neutral_cyr))
                else:
                    sentences.append(rng.choice(neutral_en))
            para = wrap(" ".join(sentences), width)
            paragraphs.append(para)
            size += len(para.encode("utf-8")) + 2
        (sub / f"doc{index:04d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def corpus_stats(folder: Path) -> tuple[int, int]:
    paths = sorted(folder.rglob("*.txt"))
    return len(paths), sum(p.stat().st_size for p in paths)


# --- measuring ---------------------------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_grep(folder: Path, phrases: Path, runs: int) -> tuple[float, int, float]:
    """Best wall time, bytes written, and best CPU time (user + system) of grep."""
    best = best_cpu = float("inf")
    out_bytes = 0
    for _ in range(runs):
        cpu0 = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.Popen(
            ["grep", "-F", "-r", "-f", str(phrases), str(folder)], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        out_bytes = 0
        while chunk := proc.stdout.read(1 << 20):
            out_bytes += len(chunk)
        proc.wait()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, _children_cpu() - cpu0)
    return best, out_bytes, best_cpu


def build_evidence(path: Path) -> object:
    from checker.readers.base import Source, TextEvidence, TextSegment

    try:
        from checker.readers.text import read_text
    except ImportError:
        text = path.read_bytes().decode("utf-8")
        return TextEvidence(format="text", segments=[TextSegment(text)])
    return read_text(Source(name=str(path), path=path), "text")


def time_mapcheck(folder: Path, runs: int) -> dict[str, float]:
    from checker.config import Config
    from checker.engine import check_text_evidence
    from checker.readers.base import TextEvidence
    from checker.rules.text import analysis

    paths = sorted(folder.rglob("*.txt"))
    config = Config()
    best_full = best_read = best_mt = float("inf")
    cpu_full = cpu_mt = float("inf")
    findings = mt_matches = 0
    for _ in range(runs):
        cpu0 = time.process_time()
        start = time.perf_counter()
        read_time = 0.0
        findings = 0
        for path in paths:
            t0 = time.perf_counter()
            evidence = build_evidence(path)
            read_time += time.perf_counter() - t0
            report = check_text_evidence(str(path), "document", evidence, config)
            findings += len(report.findings)
        best_full = min(best_full, time.perf_counter() - start)
        cpu_full = min(cpu_full, time.process_time() - cpu0)
        best_read = min(best_read, read_time)
    # The peak so far: the whole path holds one file at a time (what follows holds them all).
    peak_full = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    evidences = [build_evidence(p) for p in paths]
    for _ in range(runs):
        cpu0 = time.process_time()
        start = time.perf_counter()
        mt_matches = 0
        for ev in evidences:
            assert isinstance(ev, TextEvidence)
            mt_matches += len(analysis(ev))
        best_mt = min(best_mt, time.perf_counter() - start)
        cpu_mt = min(cpu_mt, time.process_time() - cpu0)
    # (e) The literal pre-scan alone (the automaton over the text's bytes, which every file
    # needs whatever it holds): with reading, the floor under the whole path.
    from checker.rules.text import _matcher

    prescan = _matcher().prescan
    texts = [
        "\n".join(seg.text for seg in ev.segments)
        for ev in evidences
        if isinstance(ev, TextEvidence)
    ]
    best_pre = float("inf")
    for _ in range(runs):
        start = time.perf_counter()  # wall time, as (b)'s reading time it is added to
        for text in texts:
            prescan.scan_all(text)
        best_pre = min(best_pre, time.perf_counter() - start)
    return {
        "pre": best_pre,
        "full": best_full,
        "peak_full": peak_full,
        "read": best_read,
        "mt": best_mt,
        "cpu_full": cpu_full,
        "cpu_mt": cpu_mt,
        "findings": findings,
        "matches": mt_matches,
    }


def time_cli(folder: Path, runs: int, jobs: int) -> float:
    """Best wall time of ``mapcheck check DIR --jobs N`` as a user runs it (process start,
    walking, every reader and rule, JSON Lines out; no cache)."""
    command = [
        sys.executable,
        "-m",
        "checker",
        "check",
        str(folder),
        "--no-cache",
        "--no-ocr",
        "--format",
        "jsonl",
        "--jobs",
        str(jobs),
    ]
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def warm_up() -> float:
    start = time.perf_counter()
    from checker.readers.base import TextEvidence, TextSegment
    from checker.rules.text import analysis

    text = "Crimea, Russia. Крым, Россия. Крим, Росія. Kiev. ДНР."
    analysis(TextEvidence(format="text", segments=[TextSegment(text)]))
    from checker.text.lexicon import load

    lex = load()
    for code, script in lex.targets():
        lex.pattern(code, script)
    return time.perf_counter() - start


def report(name: str, folder: Path, phrases: Path, runs: int) -> None:
    files, size = corpus_stats(folder)
    mb = size / 1e6
    grep_time, grep_out, grep_cpu = time_grep(folder, phrases, runs)
    res = time_mapcheck(folder, runs)
    print(f"\n== {name}: {files} files, {mb:.1f} MB ==")
    print(
        f"(a) grep -F -r -f       {grep_time:7.3f} s  {mb / grep_time:8.1f} MB/s  "
        f"({grep_out:,} bytes out)"
    )
    print(
        f"(b) mapcheck full path  {res['full']:7.3f} s  {mb / res['full']:8.1f} MB/s  "
        f"(reading {res['read']:.3f} s; {res['findings']:,} findings, all rules; "
        f"peak memory so far {res['peak_full']:.0f} MB)"
    )
    print(
        f"(c) MT3xx analysis only {res['mt']:7.3f} s  {mb / res['mt']:8.1f} MB/s  "
        f"({res['matches']:,} matches)"
    )
    floor = res["read"] + res["pre"]
    print(
        f"(e) literal pre-scan    {res['pre']:7.3f} s      {mb / res['pre']:8.1f} MB/s; "
        f"with reading {floor:.3f} s, {floor / (grep_time / TARGET):.0%} of the target's budget "
        f"({grep_time / TARGET:.3f} s) before any phrase is judged"
    )
    ratio = grep_time / res["full"]
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"ratio grep/mapcheck (b): {ratio:.2f}  (target >= {TARGET}: {verdict})", flush=True)
    print(f"ratio grep/analysis (c): {grep_time / res['mt']:.2f}")
    # (d) The command line on every core (``--jobs 0``: as many workers as the cores and files
    # make worthwhile) against the same grep, which uses one core.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cli_one = time_cli(folder, runs, 1)
    cli_all = time_cli(folder, runs, 0)
    print(
        f"(d) mapcheck check CLI  {cli_one:7.3f} s with --jobs 1, {cli_all:7.3f} s with --jobs 0 "
        f"({cores} cores); ratios grep/CLI {grep_time / cli_one:.2f} and {grep_time / cli_all:.2f}",
        flush=True,
    )
    # On a shared machine wall times swing with the load; CPU time (user + system, grep as a
    # child process, mapcheck in-process) is steadier.
    print(
        f"CPU time: grep {grep_cpu:.3f} s, mapcheck (b) {res['cpu_full']:.3f} s, "
        f"analysis (c) {res['cpu_mt']:.3f} s; ratios (b) {grep_cpu / res['cpu_full']:.2f}, "
        f"(c) {grep_cpu / res['cpu_mt']:.2f}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-dense", action="store_true")
    args = parser.parse_args(argv)

    from checker.text.lexicon import grep_phrases

    DATA.mkdir(parents=True, exist_ok=True)
    main_dir = DATA / f"prose-{args.files}-{int(args.mb)}mb"
    dense_dir = DATA / "dense-100-10mb"
    stamp = DATA / "corpus.seed"
    fresh = args.regenerate or not stamp.exists() or stamp.read_text() != str(SEED)
    if fresh or not main_dir.exists():
        t0 = time.perf_counter()
        generate(main_dir, args.files, args.mb, 0.02, SEED)
        print(f"generated {main_dir} in {time.perf_counter() - t0:.1f} s")
    if not args.skip_dense and (fresh or not dense_dir.exists()):
        generate(dense_dir, 100, 10, 1.0, SEED + 1)
    stamp.write_text(str(SEED))
    phrases = DATA / "phrases.txt"
    phrase_list = grep_phrases()
    phrases.write_text("\n".join(phrase_list) + "\n", encoding="utf-8")

    from checker.text import native, prescan

    print(
        f"python {sys.version.split()[0]}; {os.cpu_count()} cores; "
        f"{len(phrase_list):,} grep phrases; text engine: {native.ENGINE}; "
        f"pre-scan: {prescan.backend()}",
        flush=True,
    )
    startup = warm_up()
    print(f"one-off start: lexicon, patterns and automaton {startup:.2f} s (not in the figures)")
    report("2 % Crimea corpus", main_dir, phrases, args.runs)
    if not args.skip_dense:
        report("dense corpus (all Crimea)", dense_dir, phrases, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
