"""Baselines: recorded findings stay matched when features are reordered, a sentence moves to
another line or a paragraph is re-wrapped; new findings still fail the run."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.baseline import Baseline, BaselineError, diff, filter_report, from_reports, load
from checker.cli import cli
from checker.config import Config
from checker.engine import check_text_evidence
from checker.model import Category, RawFinding, Verdict
from checker.readers.base import TextEvidence, TextSegment
from checker.rules import registry
from tests.ci._fixtures import SAMPLES

BAD = SAMPLES / "bad" / "russia-2022-claims.geojson"
EUROPE = SAMPLES / "bad" / "europe-50m.geojson"
FRANCE = SAMPLES / "good" / "france-regions.geojson"


def run(cwd: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def mixed_collection() -> dict[str, object]:
    """France's regions and a Russia feature without ids: identity comes from the names."""
    france = json.loads(FRANCE.read_text(encoding="utf-8"))
    russia = json.loads(BAD.read_text(encoding="utf-8"))
    for feature in france["features"]:
        feature.pop("id", None)
    return {"type": "FeatureCollection", "features": france["features"] + russia["features"]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "maps").mkdir()
    shutil.copyfile(EUROPE, tmp_path / "maps" / "europe.geojson")
    (tmp_path / "maps" / "mixed.geojson").write_text(json.dumps(mixed_collection()))
    shutil.copyfile(SAMPLES / "good" / "us-states.geojson", tmp_path / "maps" / "us.geojson")
    return tmp_path


def test_create_is_sorted_stable_and_readable(repo: Path) -> None:
    code, out = run(repo, "baseline", "create", "mapcheck-baseline.json", "maps", "--no-cache")
    assert code == 0, out
    assert re.search(r"wrote mapcheck-baseline\.json: \d+ finding\(s\) in 2 file\(s\)", out)
    first = (repo / "mapcheck-baseline.json").read_bytes()
    doc = json.loads(first)
    entries = doc["findings"]
    assert doc["format"] == 1 and entries
    assert entries == sorted(entries, key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    assert all(set(e) == {"code", "path", "fingerprint", "message"} for e in entries)
    assert {e["path"] for e in entries} == {"maps/europe.geojson", "maps/mixed.geojson"}
    # create refuses to overwrite; --force rewrites the very same bytes (no timestamps).
    code, out = run(repo, "baseline", "create", "mapcheck-baseline.json", "maps")
    assert code == 2 and "baseline update" in out
    code, _ = run(repo, "baseline", "create", "mapcheck-baseline.json", "maps", "--force")
    assert code == 0 and (repo / "mapcheck-baseline.json").read_bytes() == first
    assert not [p for p in repo.iterdir() if p.name.endswith(".tmp")]  # written atomically


def test_check_reports_only_new_findings(repo: Path) -> None:
    run(repo, "baseline", "create", "b.json", "maps", "--no-cache")
    code, out = run(repo, "check", "maps", "--baseline", "b.json", "--no-cache")
    assert code == 0, out
    assert "0 error, 0 warning" in out and "matched the baseline" in out
    # A new problem in a new file is reported and fails the run.
    shutil.copyfile(BAD, repo / "maps" / "new.geojson")
    code, out = run(repo, "check", "maps", "--baseline", "b.json", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    flagged = {f["path"] for f in doc["files"] if f["verdict"] == "flag"}
    assert flagged == {"maps/new.geojson"}
    assert doc["summary"]["baselined"] > 0


def test_a_baseline_matches_however_the_files_are_named(repo: Path) -> None:
    (repo / ".mapcheck.toml").write_text("")  # the root: findings are fingerprinted below it
    run(repo, "baseline", "create", "b.json", "maps", "--no-cache")
    for spelling in ("./maps", str(repo / "maps"), "maps/../maps"):
        code, out = run(repo, "check", spelling, "--baseline", "b.json", "--no-cache")
        assert code == 0 and "matched the baseline" in out, (spelling, out)
    # From a folder below the root, with a path relative to it.
    code, out = run(repo / "maps", "check", ".", "--baseline", str(repo / "b.json"), "--no-cache")
    assert code == 0 and "matched the baseline" in out, out


def reorder(path: Path) -> None:
    """Reverse the features and write the file with other whitespace and key order."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"] = list(reversed(doc["features"]))
    for feature in doc["features"]:
        feature["properties"] = dict(reversed(list(feature["properties"].items())))
    path.write_text(json.dumps(doc, indent=3, ensure_ascii=False), encoding="utf-8")


def feature_indexes(repo: Path, target: str) -> set[int]:
    _, out = run(repo, "check", target, "--format", "json")
    return {f["location"]["feature_index"] for f in json.loads(out)["files"][0]["findings"]}


@pytest.mark.parametrize("name", ["europe.geojson", "mixed.geojson"])
def test_reordering_features_keeps_findings_matched(repo: Path, name: str) -> None:
    target = f"maps/{name}"
    run(repo, "baseline", "create", "b.json", target)
    before = json.loads((repo / "b.json").read_text())["findings"]
    assert before
    indexes_before = feature_indexes(repo, target)
    reorder(repo / target)
    # The findings did move (their feature index changed): matching is not by position.
    assert feature_indexes(repo, target) != indexes_before
    code, out = run(repo, "check", target, "--baseline", "b.json", "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["files"][0]["findings"] == []
    assert doc["summary"]["baselined"] == len(before)


def test_update_reports_added_and_gone(repo: Path) -> None:
    run(repo, "baseline", "create", "b.json", "maps")
    old = load(repo / "b.json")
    (repo / "maps" / "mixed.geojson").unlink()  # fixed
    shutil.copyfile(BAD, repo / "maps" / "new.geojson")  # accepted
    code, out = run(repo, "baseline", "update", "b.json", "maps")
    assert code == 0
    new = load(repo / "b.json")
    added, gone, kept = diff(old, new)
    assert added > 0 and gone > 0 and kept > 0
    assert f"({added} added, {gone} gone, {kept} kept)" in out
    code, out = run(repo, "baseline", "update", "missing.json", "maps")
    assert code == 2 and "no such baseline" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"findings": []}', "baseline format None is not supported"),
        ('{"format": 1}', "no 'findings' list"),
        ('{"format": 1, "findings": [{"code": "MG101"}]}', "has no fingerprint"),
        ('{"format": 1, "findings": [{"fingerprint": 5}]}', "fingerprint must be a string"),
    ],
)
def test_bad_baseline_files(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "b.json").write_text(content)
    with pytest.raises(BaselineError, match=re.escape(message)):
        load(tmp_path / "b.json")
    code, out = run(tmp_path, "check", str(BAD), "--baseline", "b.json")
    assert code == 2 and message in out


def test_input_errors_are_never_baselined(tmp_path: Path) -> None:
    (tmp_path / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [')
    code, out = run(tmp_path, "baseline", "create", "b.json", "broken.geojson")
    assert code == 0 and "not baselined: broken.geojson: ME901" in out
    assert json.loads((tmp_path / "b.json").read_text())["findings"] == []
    code, _ = run(tmp_path, "check", "broken.geojson", "--baseline", "b.json")
    assert code == 2


# --- text: a synthetic rule, so the baseline is tested whatever text rules exist ----------------

CODE = "MT999"
PHRASE = re.compile(r"Simferopol,\s+Russia")


def _synthetic(ctx: object) -> Iterator[RawFinding]:
    """Test-only rule: "Simferopol, Russia" anywhere in the text.

    Bad: Simferopol, Russia. Good: Simferopol, Crimea, Ukraine.
    """
    from checker.model import Location
    from checker.rules.context import TextContext

    assert isinstance(ctx, TextContext)
    for seg in ctx.evidence.segments:
        for match in PHRASE.finditer(seg.text):
            line, column = seg.position(match.start())
            start = seg.text.rfind(".", 0, match.start()) + 1
            end = seg.text.find(".", match.end())
            sentence = " ".join(seg.text[start : end if end >= 0 else None].split())
            yield RawFinding(
                code=CODE,
                message=f"{match.group(0)!r} places Crimea in Russia.",
                location=Location(path=ctx.path, line=line, column=column),
                confidence=0.9,
                # What was found, in its sentence, whitespace-normalised: no line, no column.
                identity=f"simferopol-russia|{sentence}",
            )


@pytest.fixture
def synthetic_rule() -> Iterator[None]:
    registry.register(CODE, "test.synthetic-phrase", Category.CONCEDES, "text")(_synthetic)
    try:
        yield
    finally:
        registry._RULES.pop(CODE, None)


def text_evidence(text: str) -> TextEvidence:
    """One segment per paragraph (blank-line separated), with its first line number."""
    segments = []
    line = 1
    for block in re.split(r"(\n\s*\n)", text):
        if block.strip() and not block.isspace():
            segments.append(TextSegment(text=block, line=line, column=1))
        line += block.count("\n")
    return TextEvidence(format="text", segments=segments)


ARTICLE = (
    "Holiday guide.\n\n"
    "Our tour starts in Kyiv and goes south along the Dnipro. The last stop is Simferopol, "
    "Russia, where the group stays two nights. Sevastopol is a port.\n\n"
    "Bring warm clothes.\n"
)
MOVED = "New introduction.\n\nAnother paragraph\nover two lines.\n\n" + ARTICLE
REWRAPPED = ARTICLE.replace(
    "stop is Simferopol, Russia, where", "stop is\nSimferopol,\n   Russia, where"
)


def check_text(text: str) -> object:
    from checker.rules.registry import all_rules

    others = frozenset(code for code in all_rules() if code != CODE)  # only the synthetic rule
    return check_text_evidence(
        "docs/guide.md", "document", text_evidence(text), Config(disable=others)
    )


@pytest.mark.parametrize("edited", [MOVED, REWRAPPED], ids=["moved", "rewrapped"])
def test_text_edits_keep_findings_matched(synthetic_rule: None, edited: str) -> None:
    from checker.model import FileReport

    before = check_text(ARTICLE)
    after = check_text(edited)
    assert isinstance(before, FileReport) and isinstance(after, FileReport)
    (f1,), (f2,) = before.findings, after.findings
    assert f1.location.line != f2.location.line or f1.location.column != f2.location.column
    baseline = from_reports([before])
    filtered, dropped = filter_report(after, baseline)
    assert dropped == 1 and filtered.findings == () and filtered.verdict is Verdict.CLEAN
    assert "1 finding matched the baseline" in filtered.notes


def test_text_new_sentence_is_new(synthetic_rule: None) -> None:
    from checker.model import FileReport

    before = check_text(ARTICLE)
    added = ARTICLE + "\nA second trip ends in Simferopol, Russia, too.\n"
    after = check_text(added)
    assert isinstance(before, FileReport) and isinstance(after, FileReport)
    filtered, dropped = filter_report(after, from_reports([before]))
    assert dropped == 1 and len(filtered.findings) == 1
    assert filtered.verdict is Verdict.FLAG


def test_empty_baseline_filters_nothing() -> None:
    from checker.model import FileReport

    report = FileReport("x", "vector", Verdict.CLEAN)
    assert filter_report(report, Baseline()) == (report, 0)


@pytest.mark.parametrize("edited", [MOVED, REWRAPPED], ids=["moved", "rewrapped"])
def test_text_edits_end_to_end(tmp_path: Path, edited: str) -> None:
    """The same through the command line, with the document reader and the real text rules."""
    (tmp_path / "guide.md").write_text(ARTICLE, encoding="utf-8")
    code, out = run(tmp_path, "baseline", "create", "b.json", "guide.md", "--no-cache")
    recorded = json.loads((tmp_path / "b.json").read_text())["findings"]
    assert code == 0 and recorded, out  # "Simferopol, Russia" is flagged by a text rule
    (tmp_path / "guide.md").write_text(edited, encoding="utf-8")
    code, out = run(tmp_path, "check", "guide.md", "--baseline", "b.json", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["files"][0]["findings"] == [], out
    assert doc["summary"]["baselined"] == len(recorded)
