"""End to end: audits with real worker processes, limits, resume after SIGKILL, Dask, hostile
input, and the command line."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from checker.audit.cli import audit, audit_report
from checker.audit.runner import AuditOptions, run_audit
from checker.config import Config
from tests.audit._util import audit_command, comparable, results, unit_count
from tests.audit.corpus import Mix, make_mixed_corpus
from tests.audit.make_hostile import (
    ERROR,
    KNOWN_READER_DEFECTS,
    LATE_CHANGES,
    Expect,
    apply_late_changes,
    build,
)

SLOW_CHECK = "tests.audit.slow_check:check_source"
TIMEOUT_S = 5.0
MEMORY_MB = 1536
SECRET = "HOSTILE-SECRET-MARKER"
ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = f"ME903: stopped after the time limit of {TIMEOUT_S:g} s per file (--timeout)"


@dataclass
class Uninterrupted:
    """The mixed corpus and one uninterrupted audit of it through the command line."""

    corpus: Path
    db: Path
    seconds: float
    env: dict[str, str]


def _cli_audit(corpus: Path, db: Path) -> list[str]:
    return audit_command(str(corpus), "--db", str(db), "--jobs", "2", "--no-ocr", "--no-progress")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Uninterrupted:
    base = tmp_path_factory.mktemp("mixed")
    corpus = base / "corpus"
    make_mixed_corpus(corpus, Mix(text=8, vector=3, image=1, pdf=1, archives=True))
    db = base / "uninterrupted.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    done = subprocess.run(
        _cli_audit(corpus, db), cwd=base, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    assert done.returncode == 1, done.stderr  # findings at error severity, no input errors
    return Uninterrupted(corpus, db, seconds, env)


def test_uninterrupted_audit_checks_every_kind(uninterrupted: Uninterrupted) -> None:
    got = {
        os.path.relpath(n, uninterrupted.corpus): v[1]
        for n, v in comparable(uninterrupted.db).items()
    }
    assert len(got) == 8 + 3 + 1 + 1 + 2 * 3
    assert got["images/m0000.png"] == "flag"
    assert got["pdf/p0000.pdf"] == "flag"
    assert got["vector/v0000-europe-50m.geojson"] == "flag"
    assert got["vector/v0002-control-map.geojson"] == "clean"
    assert got["text/t0000.txt"] == "flag" and got["text/t0001.md"] == "clean"
    assert got["archives/bundle.zip!/inside/map.geojson"] == "flag"
    assert got["archives/bundle.tar.gz!/inside/b.txt"] == "clean"
    assert sum(1 for v in got.values() if v == "clean") >= 6
    assert "error" not in got.values()


def _workers_left(token: str, timeout: float = 5.0) -> list[str]:
    """Audit worker processes started by the audit marked with ``token`` that are still alive
    (they must not outlive their audit, even one killed with SIGKILL)."""
    import psutil

    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for proc in psutil.process_iter(["cmdline"]):
            cmd = proc.info.get("cmdline") or []
            if "checker.audit.worker" not in cmd:
                continue
            try:
                if proc.environ().get("MAPCHECK_TEST_TOKEN") == token:
                    alive.append(f"{proc.pid}: {' '.join(cmd)}")
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def test_resume_after_sigkill_equals_an_uninterrupted_run(
    uninterrupted: Uninterrupted, tmp_path: Path
) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    db = tmp_path / "killed.sqlite"
    command = _cli_audit(uninterrupted.corpus, db)
    token = f"{os.getpid()}-{seed}"
    env = {**uninterrupted.env, "MAPCHECK_TEST_TOKEN": token}
    low, high = 0.3, max(0.6, 0.8 * uninterrupted.seconds)
    delay = 0.0
    for _attempt in range(4):
        for stale in tmp_path.glob("killed.sqlite*"):
            stale.unlink()
        delay = rng.uniform(low, high)
        proc = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if proc.poll() is None:
            break
        high = max(low, delay * 0.5)  # it finished first: kill earlier next time
    else:
        pytest.fail(f"the audit always finished before it could be killed (seed {seed})")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _workers_left(token) == [], "worker processes outlived the killed audit"
    recorded = unit_count(db) if db.exists() else 0

    resumed = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert resumed.returncode == 1, resumed.stderr
    where = f"seed {seed}, killed after {delay:.2f} s with {recorded} files recorded"
    # Only what was not recorded was checked again ...
    assert f"{recorded:,} already recorded" in resumed.stderr, (where, resumed.stderr)
    # ... and the results are those of the uninterrupted run, file for file, none twice.
    assert comparable(db) == comparable(uninterrupted.db), where
    assert _workers_left(token) == []


# --- limits --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limits_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files that run out of time, out of memory or crash their worker (see slow_check)."""
    base = tmp_path_factory.mktemp("limits")
    root = base / "files"
    root.mkdir()
    row = b"city,country\nSimferopol,RU\n"
    for name in ("HOG.csv", "CRASH.csv", "ok.csv"):
        (root / name).write_bytes(row)
    with zipfile.ZipFile(root / "arch.zip", "w") as zf:
        for name in ("m1.csv", "SLEEP-m.csv", "HOG-m.csv", "m2.csv"):
            zf.writestr(name, row)
    (base / "sleep").mkdir()
    (base / "sleep" / "SLEEP.csv").write_bytes(row)
    return root


LIMITS = AuditOptions(
    jobs=2,
    timeout_s=TIMEOUT_S,
    memory_mb=MEMORY_MB,
    check_function=SLOW_CHECK,
    warm_up=False,  # text only: quick replacements
)


@pytest.fixture(scope="module")
def limits_db(limits_corpus: Path) -> Path:
    db = limits_corpus.parent / "limits.sqlite"
    stats = run_audit([str(limits_corpus)], db, LIMITS)
    assert stats.complete and stats.finished == 4
    return db


def test_limits_name_the_limit_and_the_audit_goes_on(limits_db: Path) -> None:
    got = {
        os.path.relpath(n, limits_db.parent / "files"): v for n, v in comparable(limits_db).items()
    }
    time_limit = TIME_LIMIT
    memory_limit = f"ME903: went over the memory limit of {MEMORY_MB:,} MB per file (--memory)"
    assert got["HOG.csv"][1:3] == ("error", memory_limit)
    assert got["CRASH.csv"][1] == "error"
    assert "died (killed by SIGSEGV)" in got["CRASH.csv"][2]
    assert f"memory limit of {MEMORY_MB:,} MB" in got["CRASH.csv"][2]
    # Inside an archive the member is named, and a new worker goes on with the others.
    assert got["arch.zip!/SLEEP-m.csv"][1:3] == ("error", time_limit)
    assert got["arch.zip!/HOG-m.csv"][1:3] == ("error", memory_limit)
    assert got["arch.zip!/m1.csv"][1] == got["arch.zip!/m2.csv"][1] == got["ok.csv"][1] == "flag"
    for name in ("arch.zip!/SLEEP-m.csv", "HOG.csv"):
        row = next(r for r in results(limits_db) if r["name"].endswith("/" + name))
        (finding,) = row["report"]["findings"]
        assert finding["code"] == "ME903" and finding["severity"] == "error"
    assert len(got) == 7


# --- Dask ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """An existing cluster (what ``--scheduler ADDRESS`` connects to): two worker processes."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def test_dask_engine_gives_the_local_results(
    uninterrupted: Uninterrupted, limits_corpus: Path, dask_scheduler: str, tmp_path: Path
) -> None:
    from dataclasses import replace

    mixed = tmp_path / "mixed.sqlite"
    stats = run_audit(
        [str(uninterrupted.corpus)],
        mixed,
        AuditOptions(config=Config(ocr=False), engine="dask", scheduler=dask_scheduler),
    )
    assert stats.complete and stats.found == stats.finished
    assert comparable(mixed) == comparable(uninterrupted.db)
    # The limits hold on Dask workers too (the same watchdog runs in each Dask worker).
    sleepy = tmp_path / "sleep.sqlite"
    run_audit(
        [str(limits_corpus.parent / "sleep")],
        sleepy,
        replace(LIMITS, engine="dask", scheduler=dask_scheduler),
    )
    ((_, verdict, error, _),) = comparable(sleepy).values()
    assert (verdict, error) == ("error", TIME_LIMIT)


# --- hostile input -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expect]]:
    base = tmp_path_factory.mktemp("hostile")
    secret = base / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    corpus = base / "corpus"
    return corpus, build(corpus, secret.resolve())


def _group(rows: list[dict[str, Any]], corpus: Path) -> dict[str, list[dict[str, Any]]]:
    """Results by the file on disk they came from (archive members under their archive)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        rel = os.path.relpath(row["name"].split("!/", 1)[0], corpus)
        out.setdefault(rel, []).append(row)
    return out


def _shown(rel: str) -> str:
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _holds(expect: Expect, rows: list[dict[str, Any]], *, check_reason: bool = True) -> None:
    assert rows
    for row in rows:
        assert row["verdict"] in expect.verdicts, row
        if row["verdict"] == "error":
            code, _, reason = (row["error"] or "").partition(": ")
            assert code in expect.codes, row
            assert reason.strip(), row
            if check_reason and expect.reason is not None:
                assert expect.reason in reason, row


def test_hostile_corpus_audit(hostile: tuple[Path, dict[str, Expect]], tmp_path: Path) -> None:
    corpus, expect = hostile
    db = tmp_path / "hostile.sqlite"
    options = AuditOptions(
        jobs=2, timeout_s=60, memory_mb=MEMORY_MB, follow_symlinks=True, config=Config(ocr=False)
    )
    started = time.monotonic()
    stats = run_audit([str(corpus)], db, options, on_listed=lambda: apply_late_changes(corpus))
    assert stats.complete
    assert time.monotonic() - started < 120  # no hangs
    grouped = _group(results(db), corpus)
    for rel, what in expect.items():
        rows = grouped.pop(_shown(rel), [])
        if rel not in KNOWN_READER_DEFECTS:
            _holds(what, rows)
    assert grouped == {}, "results for files the corpus does not have"
    assert stats.skipped == 0  # every hostile file gets a verdict, none is skipped
    # Late changes: the files vanished or changed between listing and checking.
    for rel in LATE_CHANGES:
        assert expect[rel].verdicts == ERROR
    dump = db.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("hostile.sqlite-*"))
    assert SECRET.encode() not in dump, "an external entity was resolved"
    # Memory stayed bounded: no worker grew past its address-space limit.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib * 1024 < MEMORY_MB * 1024 * 1024


_CHECK_SCRIPT = r"""
import json, os, sys
from pathlib import Path
from checker.config import Config
from checker.engine import check_paths
root = Path(sys.argv[1])
config = Config(ocr=False, root=root, exclude=tuple(sys.argv[3:]))
for report in check_paths([root / p for p in sys.argv[2].split(",")], config):
    print(json.dumps([os.path.relpath(report.path, root), report.verdict.value, report.error]))
"""

#: Paths the audit test changes between listing and checking (a walk by `check` has no such gap).
_CHECK_DEFECTS = ("late",)


@pytest.fixture(scope="module")
def checked(hostile: tuple[Path, dict[str, Expect]]) -> dict[str, dict[str, Any]]:
    """``check_paths`` over the hostile corpus, as ``mapcheck check`` walks it (in two
    processes, one per core, each with a time limit: a hang fails the test, not the run)."""
    corpus, _ = hostile
    halves = ("bombs,xml,nested,lines,special,names", "garbage,truncated")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHECK_SCRIPT, str(corpus), half, *_CHECK_DEFECTS],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in halves
    ]
    got: dict[str, dict[str, Any]] = {}
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("check_paths hung on the hostile corpus")
        assert proc.returncode == 0, err[-3000:]
        for line in out.splitlines():
            rel, verdict, error = json.loads(line)
            got[rel] = {"name": rel, "verdict": verdict, "error": error}
    return got


def test_check_paths_on_the_hostile_corpus(
    hostile: tuple[Path, dict[str, Expect]], checked: dict[str, dict[str, Any]]
) -> None:
    _, expect = hostile
    got = dict(checked)
    for rel, what in expect.items():
        if rel.startswith(_CHECK_DEFECTS):
            continue
        row = got.pop(rel, None)
        if rel in KNOWN_READER_DEFECTS:
            continue
        if what.check == "skipped":
            assert row is None, f"check reported {rel}, which it does not read: {row}"
        else:
            # Same verdicts; the audit words some reasons its own way (e.g. broken links).
            _holds(what, [row] if row else [], check_reason=False)
    assert got == {}


def _run_check(path: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _CHECK_SCRIPT, str(path), "."],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_truncated_flatgeobuf_is_an_error(checked: dict[str, dict[str, Any]]) -> None:
    assert checked["truncated/half-regions.fgb"]["verdict"] == "error"


def test_check_paths_does_not_hang_on_a_named_pipe(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.geojson")
    try:
        done = _run_check(tmp_path, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("check_paths hung on a named pipe")
    assert "error" in done.stdout


def test_check_paths_takes_undecodable_names(tmp_path: Path) -> None:
    with open(os.fsencode(tmp_path) + b"/map-\xff.csv", "wb") as fh:
        fh.write(b"city,country\nKerch,RU\n")
    done = _run_check(tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


# --- the command line ----------------------------------------------------------------------------


def _text_corpus(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.csv").write_text("city,country\nSimferopol,RU\n", encoding="utf-8")
    (root / "b.txt").write_text("Kyiv is the capital of Ukraine.\n", encoding="utf-8")
    (root / "c.md").write_text("Lviv and Odesa.\n", encoding="utf-8")
    (root / "d.bin").write_bytes(b"\x00\x01\x02 unknown binary")


def _invoke(args: list[str]) -> Any:
    result = CliRunner().invoke(audit, args, catch_exceptions=False)
    return result


def test_cli_audit_takes_the_rule_options_of_check(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    _text_corpus(root)
    base = [str(root), "-j", "1", "--no-progress", "--no-ocr"]
    lowered = _invoke([*base, "--db", str(tmp_path / "a.sqlite"), "--severity", "MD402=warning"])
    assert lowered.exit_code == 0, lowered.output  # a warning does not fail the audit...
    strict = _invoke(
        [
            *base,
            *("--db", str(tmp_path / "b.sqlite")),
            *("--severity", "MD402=warning", "--fail-on", "warning"),
        ]
    )
    assert strict.exit_code == 1, strict.output  # ...unless --fail-on warning says so
    off = _invoke([*base, "--db", str(tmp_path / "c.sqlite"), "--disable", "MD402"])
    assert off.exit_code == 0 and "3 clean" in off.output, off.output
    bad = _invoke([*base, "--db", str(tmp_path / "d.sqlite"), "--severity", "MD402=loud"])
    assert bad.exit_code == 2 and "MD402" in bad.output, bad.output


def test_cli_audit_rerun_changes_and_reports(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    _text_corpus(root)
    db = tmp_path / "audit.sqlite"
    reports = tmp_path / "reports"
    base = [str(root), "--db", str(db), "-j", "1", "--no-progress", "--timeout", "60"]

    first = _invoke([*base, "--report", str(reports)])
    assert first.exit_code == 1  # a finding at error severity
    assert "4 files under the roots; 0 already recorded" in first.output
    assert "(1 skipped as unsupported" in first.output
    for fmt in ("json", "csv", "html"):
        assert (reports / f"audit.{fmt}").stat().st_size > 0
    doc = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    assert [os.path.basename(f["path"]) for f in doc["files"]] == ["a.csv", "b.txt", "c.md"]
    assert doc["summary"]["verdicts"]["flag"] == 1 and doc["audit"]["skipped"] == 1

    again = _invoke(base)
    assert again.exit_code == 1
    assert "4 already recorded, 0 dealt with now" in again.output

    # A changed file is checked again; a touched one is recognised by its content; a deleted
    # one is forgotten; a new one is checked.
    (root / "a.csv").write_text("city,country\nLviv,UA\n", encoding="utf-8")
    stat = (root / "b.txt").stat()
    os.utime(root / "b.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    (root / "c.md").unlink()
    (root / "e.txt").write_text("Odesa.\n", encoding="utf-8")
    # A result that is not final (a lost Dask worker) is checked again too.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE units SET status = 'retry' WHERE name LIKE '%d.bin'")
    third = _invoke(base)
    assert third.exit_code == 0, third.output
    assert "4 files under the roots; 0 already recorded, 4 dealt with now" in third.output
    assert "1 unchanged" in third.output
    got = {os.path.basename(r["name"]): r["verdict"] for r in results(db)}
    assert got == {"a.csv": "clean", "b.txt": "clean", "e.txt": "clean"}

    runner = CliRunner()
    for fmt in ("json", "csv", "html"):
        out = tmp_path / f"out.{fmt}"
        done = runner.invoke(audit_report, [str(db), "--format", fmt, "--output", str(out)])
        assert done.exit_code == 0, done.output
        assert out.read_text(encoding="utf-8")
    shown = runner.invoke(audit_report, [str(db)])
    assert json.loads(shown.output)["summary"]["files"] == 3
    missing = runner.invoke(audit_report, [str(tmp_path / "nope.sqlite")])
    assert missing.exit_code == 2 and "no such audit database" in missing.output


def test_cli_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    no_db = runner.invoke(audit, [str(tmp_path)])
    assert no_db.exit_code == 2 and "--db" in no_db.output
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database " * 200, encoding="utf-8")
    refused = runner.invoke(audit, [str(tmp_path), "--db", str(bad), "--no-progress"])
    assert refused.exit_code == 2 and "not an audit database" in refused.output


def test_a_lost_dask_worker_is_not_final() -> None:
    from checker.audit.dask_engine import _lost
    from checker.audit.protocol import Task, WorkerSettings

    settings = WorkerSettings(config=Config(), memory_mb=1024, timeout_s=5)
    events = _lost(Task(1, "/x/a.csv", "x/a.csv"), settings, RuntimeError("connection lost"))
    (what, outcome), (done, info) = events
    assert (what, done, info.status) == ("result", "done", "retry")
    assert outcome.report["verdict"] == "error"
    assert outcome.report["error"].startswith("ME907: the Dask worker failed")
