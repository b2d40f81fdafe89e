"""The demo inputs in ``samples/`` get exactly the verdicts and rule codes their manifest promises.

``samples/MANIFEST.json`` is written by ``samples/make_samples.py``; each entry names a file, the
verdict it must get under the default profile and the set of rule codes that must be found (no
more, no fewer). Expectations follow UNGA resolutions 68/262 and ES-11/4, not the tool's output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.config import Config
from checker.engine import check_paths
from checker.model import FileReport

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_DIRS = ("bad", "good")
MANIFEST: dict[str, Any] = json.loads((SAMPLES / "MANIFEST.json").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, Any]] = MANIFEST["samples"]


def _describe(report: FileReport) -> str:
    lines = [f"{report.path}: verdict {report.verdict.value}"]
    lines += [f"  {f.code} {f.severity.label}: {f.message}" for f in report.findings]
    lines += [f"  note: {n}" for n in report.notes]
    if report.error:
        lines.append(f"  error: {report.error}")
    return "\n".join(lines)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_sample_gets_expected_verdict_and_codes(entry: dict[str, Any]) -> None:
    reports = list(check_paths([SAMPLES / entry["file"]], Config()))
    assert len(reports) == 1
    report = reports[0]
    detail = _describe(report)
    assert report.verdict.value == entry["verdict"], detail
    assert {f.code for f in report.findings} == set(entry["codes"]), detail


def _files_on_disk() -> set[str]:
    return {
        p.relative_to(SAMPLES).as_posix()
        for sub in SAMPLE_DIRS
        for p in (SAMPLES / sub).rglob("*")
        if p.is_file()
    }


def test_every_sample_is_in_the_manifest_and_vice_versa() -> None:
    listed = [e["file"] for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a sample is listed twice"
    on_disk = _files_on_disk()
    assert on_disk - set(listed) == set(), "samples missing from MANIFEST.json"
    assert set(listed) - on_disk == set(), "MANIFEST.json lists files that do not exist"


def _level(code: str) -> str:
    from checker.rules.catalogue import severity_labels
    from checker.rules.registry import get_rule

    return severity_labels(get_rule(code))["un"]


def test_manifest_entries_are_complete() -> None:
    for entry in ENTRIES:
        assert entry["verdict"] in ("flag", "warn", "clean"), entry["file"]
        assert entry["file"].split("/")[0] in SAMPLE_DIRS, entry["file"]
        # A clean file may carry info findings only (reportage, style); others carry some.
        levels = {_level(code) for code in entry["codes"]}
        if entry["verdict"] == "clean":
            assert levels <= {"info"}, entry["file"]
        else:
            assert levels - {"info"}, entry["file"]
        for key in ("format", "source", "licence", "description"):
            assert entry[key].strip(), f"{entry['file']}: empty {key}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_sample_bytes_match_manifest(entry: dict[str, Any]) -> None:
    """Samples are generated, not hand-edited: rerun samples/make_samples.py after a change."""
    data = (SAMPLES / entry["file"]).read_bytes()
    assert len(data) == entry["bytes"]
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_samples_stay_small() -> None:
    assert sum(e["bytes"] for e in ENTRIES) <= 3_000_000


def test_readme_names_every_sample() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    missing = [e["file"] for e in ENTRIES if e["file"] not in readme]
    assert missing == []


def _run_cli(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["check", *args, "--format", "json", "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def _support_files() -> set[str]:
    """Files in samples/ that are not samples: the generator, this manifest, the README."""
    return {p.name for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith(".")}


def test_cli_checks_every_sample_once() -> None:
    code, doc = _run_cli(str(SAMPLES))
    by_file = {Path(f["path"]).resolve().relative_to(SAMPLES).as_posix(): f for f in doc["files"]}
    assert len(by_file) == len(doc["files"]), "a file was reported twice"
    samples = {name: f for name, f in by_file.items() if name.split("/")[0] in SAMPLE_DIRS}
    assert sorted(samples) == sorted(e["file"] for e in ENTRIES)
    for entry in ENTRIES:
        assert samples[entry["file"]]["verdict"] == entry["verdict"], entry["file"]
    assert doc["summary"]["files"] == len(doc["files"])
    # The folder also holds the generator, MANIFEST.json and this README; `make demo` walks it, so
    # they must never crash the run or be flagged (dogfooding), whatever they are reported as.
    others = {name: f for name, f in by_file.items() if name not in samples}
    assert set(others) <= _support_files()
    assert {f["verdict"] for f in others.values()} <= {"clean", "undetermined"}, others
    assert code == 1  # the bad samples have error findings


def test_cli_good_samples_exit_0() -> None:
    code, doc = _run_cli(str(SAMPLES / "good"))
    assert {f["verdict"] for f in doc["files"]} == {"clean"}
    assert code == 0
