"""The result cache: hits are exact, anything that changes a report invalidates it, transient
errors are never stored, a corrupt cache is rebuilt, and concurrent runs share it safely."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker.cache as cache_mod
from checker import engine
from checker.cache import (
    DB_NAME,
    ResultCache,
    cacheable,
    close_all,
    report_from_json,
    report_to_json,
    reset_salt,
    salt,
)
from checker.config import Config, PathOverride
from checker.engine import check_paths
from checker.model import FileReport, Verdict
from tests.ci._fixtures import ROOT, SAMPLES, golden_reports

BAD = SAMPLES / "bad" / "russia-2022-claims.geojson"
SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Texas", "iso_a2": "US"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-106, 26], [-94, 26], [-94, 36], [-106, 36], [-106, 26]]],
            },
        }
    ],
}


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Each test opens its own caches (and closes them, so files can be moved or deleted)."""
    close_all()
    yield
    close_all()


class Counter:
    """Counts real checks (cache misses) by wrapping the engine's uncached path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = engine._check

        def counting(source: object, config: Config) -> FileReport:
            self.calls += 1
            return real(source, config)  # type: ignore[arg-type]

        monkeypatch.setattr(engine, "_check", counting)


def run(paths: list[Path], config: Config) -> list[dict[str, object]]:
    return [r.to_dict() for r in check_paths(paths, config)]


@pytest.fixture
def bad_copy(tmp_path: Path) -> Path:
    target = tmp_path / "in" / "claims.geojson"
    target.parent.mkdir()
    target.write_bytes(BAD.read_bytes())
    return target


def test_hit_is_exact_and_skips_the_check(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch)
    config = Config(cache_dir=tmp_path / "cache")
    first = run([bad_copy], config)
    second = run([bad_copy], config)
    assert counter.calls == 1
    assert second == first and first[0]["verdict"] == "flag"
    assert (tmp_path / "cache" / DB_NAME).exists()
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f59")


def test_serialisation_is_lossless() -> None:
    for report in golden_reports():
        again = report_from_json(report_to_json(report))
        assert again == report
        assert again.to_dict() == report.to_dict()


@pytest.mark.parametrize(
    "change",
    [
        {"profile": "ua-strict"},
        {"disable": frozenset({"MG102"})},
        {"severity": {}},  # control: same key, no miss (see below)
        {"ocr": False},
        {"max_bytes": 10**9},
        {"overrides": (PathOverride(paths=("in/**",), disable=frozenset({"MG101"})),)},
    ],
)
def test_config_changes_invalidate(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, object]
) -> None:
    counter = Counter(monkeypatch)
    base = Config(cache_dir=tmp_path / "cache", root=tmp_path)
    run([bad_copy], base)
    changed = Config(cache_dir=tmp_path / "cache", root=tmp_path, **change)  # type: ignore[arg-type]
    run([bad_copy], changed)
    expected = 1 if change == {"severity": {}} else 2
    assert counter.calls == expected


def test_override_for_another_path_keeps_the_entry(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-path overrides count only for the paths they match (the key is per file)."""
    counter = Counter(monkeypatch)
    other = (PathOverride(paths=("docs/**",), disable=frozenset({"MG101"})),)
    run([bad_copy], Config(cache_dir=tmp_path / "cache", root=tmp_path))
    run([bad_copy], Config(cache_dir=tmp_path / "cache", root=tmp_path, overrides=other))
    assert counter.calls == 1


def test_content_change_invalidates(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch)
    config = Config(cache_dir=tmp_path / "cache")
    assert run([bad_copy], config)[0]["verdict"] == "flag"
    bad_copy.write_text(json.dumps(SQUARE))
    assert run([bad_copy], config)[0]["verdict"] == "clean"
    assert counter.calls == 2


def test_version_and_rule_changes_invalidate(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch)
    config = Config(cache_dir=tmp_path / "cache")
    run([bad_copy], config)
    close_all()
    reset_salt()
    monkeypatch.setattr(cache_mod, "__version__", "99.0.0")
    run([bad_copy], config)
    assert counter.calls == 2
    close_all()
    reset_salt()
    monkeypatch.setattr(cache_mod, "salt", lambda db=None: "rules changed")
    run([bad_copy], config)
    assert counter.calls == 3
    # Opening the cache with a new salt dropped the entries of the old ones.
    db = sqlite3.connect(tmp_path / "cache" / DB_NAME)
    assert {row[0] for row in db.execute("SELECT salt FROM reports")} == {"rules changed"}
    db.close()


def test_salt_follows_the_source_of_every_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import checker

    package = tmp_path / "checker"
    (package / "rules").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    rule = package / "rules" / "geometry.py"
    rule.write_text("THRESHOLD = 0.15\n")
    monkeypatch.setattr(checker, "__file__", str(package / "__init__.py"))
    reset_salt()
    first = salt()
    reset_salt()
    assert salt() == first  # stable
    rule.write_text("THRESHOLD = 0.20\n")
    reset_salt()
    second = salt()
    assert second != first
    (package / "rules" / "text.py").write_text("")  # a rule family lands
    reset_salt()
    third = salt()
    assert third not in (first, second)
    # With the hashes remembered in a cache database, an edit that keeps the size is still seen
    # (the modification time changes), and an untouched tree gives the same salt.
    cache = ResultCache(tmp_path / "cache")
    assert cache._db is not None
    reset_salt()
    assert salt(cache._db) == third
    reset_salt()
    assert salt(cache._db) == third
    rule.write_text("THRESHOLD = 0.25\n")
    os.utime(rule, ns=(1, 1))
    reset_salt()
    assert salt(cache._db) not in (first, second, third)
    cache.close()
    reset_salt()


@pytest.mark.parametrize(
    ("error", "stored"),
    [
        (None, True),
        ("ME901: invalid JSON at line 1 column 2", True),
        ("ME904: projected coordinates and no CRS", True),
        ("ME901: no such file", False),
        ("ME901: permission denied", False),
        ("ME901: is a directory", False),
        ("ME903: ran out of memory", False),
        ("ME907: internal error: KeyError: 'x'", False),
    ],
)
def test_transient_errors_are_never_cached(error: str | None, stored: bool) -> None:
    verdict = Verdict.ERROR if error else Verdict.CLEAN
    assert cacheable(FileReport("x", "vector", verdict, error=error)) is stored


def test_a_transient_failure_is_checked_again(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine._check
    calls = {"n": 0}

    def flaky(source: object, config: Config) -> FileReport:
        calls["n"] += 1
        if calls["n"] == 1:
            raise PermissionError("denied")
        return real(source, config)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_check", flaky)
    config = Config(cache_dir=tmp_path / "cache")
    assert run([bad_copy], config)[0]["error"] == "ME901: permission denied"
    assert run([bad_copy], config)[0]["verdict"] == "flag"
    assert run([bad_copy], config)[0]["verdict"] == "flag"
    assert calls["n"] == 2  # the error was not stored; the good report was


def test_missing_file_is_not_cached(tmp_path: Path) -> None:
    config = Config(cache_dir=tmp_path / "cache")
    missing = tmp_path / "nope.geojson"
    assert run([missing], config)[0]["error"] == "ME901: no such file"
    missing.write_text(json.dumps(SQUARE))
    assert run([missing], config)[0]["verdict"] == "clean"


def test_walked_and_named_unsupported_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "blob.bin").write_bytes(b"\x00\x01\x02\x03")
    config = Config(cache_dir=tmp_path / "cache")
    for _ in range(2):
        assert run([folder], config) == []  # walked: skipped, also when answered from the cache
        named = run([folder / "blob.bin"], config)  # named: an ME902 error
        assert str(named[0]["error"]).startswith("ME902")


@pytest.mark.parametrize(
    "garbage", [b"this is not a database" * 100, b"SQLite format 3\x00" + b"\xff" * 5000]
)
def test_corrupt_cache_is_moved_aside_and_rebuilt(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch, garbage: bytes
) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / DB_NAME).write_bytes(garbage)
    counter = Counter(monkeypatch)
    config = Config(cache_dir=directory)
    assert run([bad_copy], config)[0]["verdict"] == "flag"
    assert [p.name for p in directory.glob(f"{DB_NAME}.corrupt-*")]
    close_all()
    assert run([bad_copy], config)[0]["verdict"] == "flag"
    assert counter.calls == 1  # the rebuilt cache answered the second run


def test_unusable_cache_location_is_not_fatal(tmp_path: Path, bad_copy: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    config = Config(cache_dir=blocker / "cache")  # cannot be created
    assert run([bad_copy], config)[0]["verdict"] == "flag"


def test_evidence_runs_bypass_the_cache(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch)
    config = Config(cache_dir=tmp_path / "cache", evidence_dir=tmp_path / "evidence")
    run([bad_copy], config)
    run([bad_copy], config)
    assert counter.calls == 2  # evidence pictures are side effects: always recomputed


WORKER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from checker.config import Config
    from checker.engine import check_paths
    from checker import cache
    # Pinned: other work in this tree may change mapcheck's files (and so the salt) meanwhile.
    cache._SALT.append("concurrency-test")
    cfg = Config(cache_dir=Path(sys.argv[1]))
    files = [Path(p) for p in sys.argv[2:]]
    out = [r.verdict.value for r in check_paths(files, cfg)]
    c = cache.open_cache(cfg.cache_dir)
    print(json.dumps({"verdicts": out, "hits": c.hits if c else -1, "usable": c is not None}))
    """
)


def test_two_processes_share_one_cache(tmp_path: Path) -> None:
    files = []
    for i in range(60):
        doc = json.loads(json.dumps(SQUARE))
        doc["features"][0]["properties"]["n"] = i  # distinct content, distinct entries
        path = tmp_path / "in" / f"f{i:02}.geojson"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(doc))
        files.append(str(path))
    cache_dir = str(tmp_path / "cache")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Both write at once, half of it the same entries (in opposite orders).
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, cache_dir, *order],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for order in (files[:40], list(reversed(files[20:])))
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    assert all(r["usable"] and set(r["verdicts"]) == {"clean"} for r in results)
    third = subprocess.run(
        [sys.executable, "-c", WORKER, cache_dir, *files],
        capture_output=True,
        env=env,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(third.stdout)["hits"] == len(files)  # every entry made it in


def test_cli_cache_location_and_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.cli import cli

    (tmp_path / "us.geojson").write_text(json.dumps(SQUARE))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAPCHECK_CACHE_DIR", raising=False)
    assert CliRunner().invoke(cli, ["check", "us.geojson", "--no-cache"]).exit_code == 0
    assert not (tmp_path / ".mapcheck-cache").exists()
    assert CliRunner().invoke(cli, ["check", "us.geojson"]).exit_code == 0
    assert (tmp_path / ".mapcheck-cache" / DB_NAME).exists()
    assert (tmp_path / ".mapcheck-cache" / ".gitignore").read_text() == "*\n"
    close_all()
    monkeypatch.setenv("MAPCHECK_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert CliRunner().invoke(cli, ["check", "us.geojson"]).exit_code == 0
    assert (tmp_path / "elsewhere" / DB_NAME).exists()
    close_all()
    assert CliRunner().invoke(cli, ["check", "us.geojson", "--cache-dir", "c2"]).exit_code == 0
    assert (tmp_path / "c2" / DB_NAME).exists()


def test_a_briefly_locked_new_cache_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite says "database is locked" at once (no busy wait) when two processes set up the
    # same new cache together; the open is retried instead of running uncached.
    real = cache_mod.ResultCache._open_once
    failures = iter([True, True])

    def flaky(self: cache_mod.ResultCache) -> sqlite3.Connection:
        if next(failures, False):
            raise sqlite3.OperationalError("database is locked")
        return real(self)

    monkeypatch.setattr(cache_mod.ResultCache, "_open_once", flaky)
    opened = cache_mod.ResultCache(tmp_path / "cache")
    assert opened.usable
    opened.close()


def test_other_open_errors_are_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def broken(self: cache_mod.ResultCache) -> sqlite3.Connection:
        calls.append(1)
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(cache_mod.ResultCache, "_open_once", broken)
    assert not cache_mod.ResultCache(tmp_path / "cache").usable
    assert calls == [1]


def _age(path: Path, seconds: float = 60.0) -> None:
    """Set the file's times in the past, as for a file nobody touched since the last run."""
    when = path.stat().st_mtime - seconds
    os.utime(path, (when, when))


@pytest.mark.parametrize("bulk", [True, False], ids=["read-whole", "one-query-per-file"])
def test_unchanged_files_are_not_read_again(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """The content hash is remembered by the file's times: a hit reads nothing (whether the
    remembered hashes are few enough to be read at once or not)."""
    if not bulk:
        monkeypatch.setattr(cache_mod, "BULK_HASHES", 0)
    _age(bad_copy)
    config = Config(cache_dir=tmp_path / "cache")
    first = run([bad_copy], config)
    digests: list[object] = []
    real = cache_mod.hashlib.file_digest

    def counting(fh: object, name: str) -> object:
        digests.append(fh)
        return real(fh, name)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_mod.hashlib, "file_digest", counting)
    assert run([bad_copy], config) == first
    assert digests == []


def test_a_file_changed_with_its_times_put_back_is_read_again(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same size, modification time restored (as ``cp -p`` or ``touch -r`` do): the change
    time and the content still tell, so the file is checked again."""
    counter = Counter(monkeypatch)
    _age(bad_copy)
    config = Config(cache_dir=tmp_path / "cache")
    assert run([bad_copy], config)[0]["verdict"] == "flag"
    before = bad_copy.stat()
    text = bad_copy.read_text(encoding="utf-8").replace('"Russia"', '"Rossia"', 1)
    assert len(text) == before.st_size
    bad_copy.write_text(text, encoding="utf-8")
    os.utime(bad_copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert bad_copy.stat().st_size == before.st_size
    run([bad_copy], config)
    assert counter.calls == 2


def test_a_just_written_file_is_hashed_every_time(
    tmp_path: Path, bad_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed moments ago may change again within the same clock tick: its hash is
    not remembered by its times (racy-git), only its report by its content."""
    monkeypatch.setattr(cache_mod, "RACY_S", 3600.0)  # "moments ago" even on a slow machine
    counter = Counter(monkeypatch)
    config = Config(cache_dir=tmp_path / "cache")
    run([bad_copy], config)
    with sqlite3.connect(tmp_path / "cache" / DB_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM file_hashes").fetchone() == (0,)
    run([bad_copy], config)
    assert counter.calls == 1


def test_parallel_run_answers_hits_without_starting_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checker import parallel

    tree = tmp_path / "tree"
    tree.mkdir()
    for i in range(20):
        (tree / f"doc{i:02}.txt").write_text(
            "Simferopol, Russia.\n" if i % 2 else f"Kyiv {i}.\n", encoding="utf-8"
        )
        _age(tree / f"doc{i:02}.txt")
    config = Config(cache_dir=tmp_path / "cache", ocr=False)
    first = [r.to_dict() for r in check_paths([tree], config, jobs=2)]  # workers fill the cache
    assert [r["verdict"] for r in first] == ["clean", "flag"] * 10

    def no_workers(*args: object) -> None:
        raise AssertionError("workers started for a tree the cache answers")

    monkeypatch.setattr(parallel, "_start", no_workers)
    close_all()  # a new run: reopen the cache the workers wrote
    assert [r.to_dict() for r in check_paths([tree], config, jobs=2)] == first
    (tree / "doc03.txt").write_text("Kyiv.\n", encoding="utf-8")
    monkeypatch.undo()
    again = [r.to_dict() for r in check_paths([tree], config, jobs=2)]
    assert again[3]["verdict"] == "clean" and again[:3] + again[4:] == first[:3] + first[4:]
