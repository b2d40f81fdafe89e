"""The audit database and its reports (JSON in the shape of ``check --format json``, CSV, HTML)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from checker.audit.db import AuditStore, DatabaseError, member_key, worst_severity
from checker.audit.progress import Progress
from checker.audit.report import MAX_HTML_FILES, render_to_string
from checker.config import Config
from checker.engine import check_source
from checker.model import FileReport
from checker.readers.base import Source

_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _report(name: str, text: str) -> FileReport:
    return check_source(Source(name=name, data=text.encode()), Config())


def _fill(store: AuditStore) -> list[FileReport]:
    """Three files: a flagged CSV (with an evidence picture), a clean note, an empty file."""
    flagged = _report("<script>alert(1)</script>.csv", "city,country\nSimferopol,RU\n")
    evidence = flagged.findings[0].evidence
    assert isinstance(evidence, dict)
    evidence["evidence_picture"] = "/nowhere/pic.png"
    clean = _report("notes.txt", "Kyiv is the capital of Ukraine.\n")
    broken = _report("=cmd|calc.csv", "")
    assert broken.error is not None and broken.error.startswith("ME906")
    store.begin()
    reports = [flagged, clean, broken]
    for seq, (name, rep, pic) in enumerate(
        [("a.csv", flagged, _PNG), ("b.txt", clean, None), ("c.csv", broken, None)], start=1
    ):
        key = name.encode()
        d = rep.to_dict()
        store.put_result(key, None, 0, rep.path, "0" * 64, 10, d, "cfg", 0.1, pic)
        store.put_unit(key, rep.path, b"/r", 10, 1, "0" * 64, "cfg", "checked", seq, {key})
    store.put_unit(b"d.bin", "d.bin", b"/r", 1, 1, None, "cfg", "skipped", 4, set())
    store.commit()
    return reports


@pytest.fixture
def store(tmp_path: Path) -> AuditStore:
    s = AuditStore(tmp_path / "audit.sqlite")
    _fill(s)
    return s


@pytest.fixture
def filled(tmp_path: Path) -> tuple[AuditStore, list[FileReport]]:
    s = AuditStore(tmp_path / "audit.sqlite")
    return s, _fill(s)


def test_schema_wal_and_reopen(store: AuditStore, tmp_path: Path) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    again = AuditStore(tmp_path / "audit.sqlite", readonly=True)
    assert [r.name for r in again.results()] == [
        "<script>alert(1)</script>.csv",
        "notes.txt",
        "=cmd|calc.csv",
    ]
    assert again.skipped_count() == 1
    again.close()


def test_not_an_audit_database(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not an audit database"):
        AuditStore(other)
    text = tmp_path / "text.sqlite"
    text.write_text("not sqlite at all, " * 100, encoding="utf-8")
    with pytest.raises(DatabaseError):
        AuditStore(text)
    with pytest.raises(DatabaseError, match="no such audit database"):
        AuditStore(tmp_path / "missing.sqlite", readonly=True)


def test_results_are_keyed_never_duplicated(store: AuditStore) -> None:
    rep = _report("b.txt", "Kyiv.\n").to_dict()
    store.begin()
    store.put_result(b"b.txt", None, 0, "b.txt", "1" * 64, 5, rep, "cfg", 0.1, None)
    store.commit()
    assert [r.name for r in store.results()].count("b.txt") == 1


def test_put_unit_drops_members_the_file_no_longer_has(store: AuditStore) -> None:
    rep = _report("z.zip!/m.csv", "city,country\n").to_dict()
    store.begin()
    k1 = store.put_result(b"z.zip", "m1.csv", 1, "z.zip!/m1.csv", "a" * 64, 1, rep, "c", 0, None)
    k2 = store.put_result(b"z.zip", "m2.csv", 2, "z.zip!/m2.csv", "b" * 64, 1, rep, "c", 0, None)
    store.put_unit(b"z.zip", "z.zip", b"/r", 1, 1, "f" * 64, "c", "checked", 9, {k1, k2})
    store.commit()
    assert store.known_members(b"z.zip", "c") == {"m1.csv": "a" * 64, "m2.csv": "b" * 64}
    assert k1 == member_key(b"z.zip", "m1.csv") == b"z.zip!/m1.csv"
    store.begin()
    store.put_unit(b"z.zip", "z.zip", b"/r", 1, 2, "e" * 64, "c", "checked", 9, {k2})
    store.commit()
    assert store.known_members(b"z.zip", "c") == {"m2.csv": "b" * 64}
    assert store.known_members(b"z.zip", "other-config") == {}


def test_worst_severity() -> None:
    assert worst_severity({"findings": []}) == 0
    assert worst_severity({"findings": [{"severity": "info"}, {"severity": "warning"}]}) == 2


def test_json_has_the_shape_of_check(filled: tuple[AuditStore, list[FileReport]]) -> None:
    from checker.reporters.base import Summary
    from checker.reporters.json import JsonReporter

    store, reports = filled
    doc = json.loads(render_to_string(store, "json"))
    assert set(doc) == {"tool", "files", "summary", "audit"}
    assert doc["audit"] == {"database": "audit.sqlite", "skipped": 1}
    # The same reports through `check --format json`'s reporter: the same files and summary.
    reporter, summary, out = JsonReporter(), Summary(), io.StringIO()
    for report in reports:
        summary.add(report)
        reporter.report(out, report)
    reporter.end(out, summary)
    expected = json.loads(out.getvalue())
    assert doc["files"] == expected["files"]
    assert doc["summary"] == expected["summary"]
    assert doc["tool"] == expected["tool"]


def test_csv_neutralises_formulas(store: AuditStore) -> None:
    rows = list(csv.DictReader(io.StringIO(render_to_string(store, "csv"))))
    assert [r["verdict"] for r in rows] == ["flag", "clean", "error"]
    assert rows[2]["path"] == "'=cmd|calc.csv"
    assert rows[0]["rules"] and rows[0]["errors"] == "1"
    assert rows[2]["error"].startswith("ME906")


def test_html_is_self_contained_escaped_and_filterable(store: AuditStore) -> None:
    html = render_to_string(store, "html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in html
    # No external assets: nothing is fetched from anywhere.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.I)
    assert "@import" not in html and "url(" not in html
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None and "default-src 'none'" in csp.group(1)
    assert "script-src 'sha256-" in csp.group(1)
    # One inline script, whose hash the policy names.
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp.group(1)
    # Counts by verdict, kind and rule; filters; the thumbnail embedded as a data: URI.
    assert "By verdict" in html and "By kind" in html and "By rule" in html
    assert 'id="f-kind"' in html and 'id="f-rule"' in html and 'id="f-text"' in html
    assert html.count("data:image/png;base64,") == 1
    assert html.count('<section class="file"') == 3
    assert 'data-verdict="flag"' in html and 'data-verdict="error"' in html


def test_html_lists_the_worst_files_first_when_there_are_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checker.audit import report

    monkeypatch.setattr(report, "MAX_HTML_FILES", 2)
    store = AuditStore(tmp_path / "many.sqlite")
    _fill(store)
    html = render_to_string(store, "html")
    assert html.count('<section class="file"') == 2
    assert 'data-verdict="clean"' not in html.split('<div id="files">')[1]
    assert "1 more files are not listed" in html
    assert MAX_HTML_FILES >= 10_000


def test_progress_bar_and_lines() -> None:
    tty = io.StringIO()
    bar = Progress(tty, tty=True)
    bar.start(4, recorded=2)
    for _ in range(4):
        bar.advance()
    bar.finish()
    text = tty.getvalue()
    assert "files/s" in text and "ETA" in text and "[####" in text and "\r" in text
    assert "2 already recorded" in text
    log = io.StringIO()
    lines = Progress(log, tty=False, interval_s=0.0)
    lines.start(2, recorded=0)
    lines.advance(errors=1)
    lines.advance()
    lines.finish()
    out = log.getvalue().splitlines()
    assert out[0] == "audit: 2 files to check"
    assert out[1].startswith("audit: 1/2 files (50%)") and "1 errors" in out[1]
    assert "\r" not in log.getvalue()
    quiet = io.StringIO()
    off = Progress(quiet, enabled=False)
    off.start(1, 0)
    off.advance()
    off.finish()
    assert quiet.getvalue() == ""


def test_config_key_covers_what_changes_findings() -> None:
    from checker.audit.runner import config_key

    base = config_key(Config())
    assert config_key(Config(profile="ua-strict")) != base
    assert config_key(Config(disable=frozenset({"MT301"}))) != base
    assert config_key(Config(ocr=False)) != base
    # Where evidence pictures go, the cache and excludes do not change a verdict.
    assert config_key(Config(evidence_dir=Path("/tmp/e"), cache_dir=Path("/c"))) == base
    assert config_key(Config(exclude=("x",))) == base


def test_one_audit_at_a_time_per_database(store: AuditStore, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="another audit is using this database"):
        AuditStore(tmp_path / "audit.sqlite")
    reader = AuditStore(tmp_path / "audit.sqlite", readonly=True)  # reports may be made meanwhile
    assert reader.skipped_count() == 1
    reader.close()
    store.close()
    AuditStore(tmp_path / "audit.sqlite").close()  # free again
    with pytest.raises(DatabaseError, match="cannot open"):
        AuditStore(tmp_path / "no" / "such" / "folder.sqlite")


def test_an_interrupted_transaction_is_rolled_back(tmp_path: Path) -> None:
    store = AuditStore(tmp_path / "a.sqlite")
    rep = _report("x.csv", "city,country\n").to_dict()
    store.begin()
    store.put_result(b"x.csv", None, 0, "x.csv", None, 1, rep, "c", 0.0, None)
    store.close()  # as after Ctrl-C between a file's result and its units row
    again = AuditStore(tmp_path / "a.sqlite")
    assert list(again.results()) == []
    again.close()
