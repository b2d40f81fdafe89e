"""Golden files for the text and JSON reporters. Regenerate with MAPCHECK_REGEN_GOLDEN=1."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from checker import __version__
from checker.model import FileReport, Finding, Location, Severity, Verdict
from checker.reporters import get_reporter
from checker.reporters.base import Summary

GOLDEN = Path(__file__).parent / "golden"


def _reports() -> list[FileReport]:
    finding = Finding(
        code="MG101",
        name="geometry.crimea-in-russia",
        severity=Severity.ERROR,
        message=(
            'Crimea is drawn as part of Russia: the Russia feature "Russia" (feature #18, id 643) '
            "covers 94% of Crimea and Sevastopol."
        ),
        location=Location(
            path="maps/world.json",
            layer="countries",
            feature_index=18,
            feature_id="643",
            properties={"name": "Russia"},
            lonlat=(34.1, 44.95),
        ),
        confidence=0.99,
        evidence={"share_of_region_covered": 0.9412, "identified_by": "feature id 643"},
        suggestion="Move the Crimea polygon into Ukraine's feature (`mapcheck fix`).",
        policy="UNGA A/RES/68/262 (2014)",
        fingerprint="0123456789abcdef0123456789abcdef",
    )
    warning = Finding(
        code="MG107",
        name="geometry.crimea-unattributed",
        severity=Severity.WARNING,
        message="Crimea is drawn as a separate feature that is marked as disputed.",
        location=Location(path="maps/disputed.geojson", layer="layer", feature_index=2),
        confidence=0.9,
        evidence={},
        suggestion="Attribute the Crimea feature to Ukraine.",
        policy="UNGA A/RES/68/262 (2014)",
        fingerprint="fedcba9876543210fedcba9876543210",
    )
    error = Finding(
        code="ME901",
        name="input.unreadable",
        severity=Severity.ERROR,
        message="invalid JSON at line 1 column 12",
        location=Location(path="maps/broken.geojson"),
        confidence=1.0,
        evidence={},
        suggestion="Re-export the file from its source, or check that it is complete.",
        policy="",
        fingerprint="00000000000000000000000000000000",
    )
    return [
        FileReport("maps/world.json", "vector", Verdict.FLAG, (finding,)),
        FileReport("maps/disputed.geojson", "vector", Verdict.WARN, (warning,)),
        FileReport(
            "maps/us.geojson",
            "vector",
            Verdict.CLEAN,
            notes=("nothing in this file comes near Ukraine; Crimea is not shown",),
        ),
        FileReport(
            "maps/broken.geojson",
            "unknown",
            Verdict.ERROR,
            (error,),
            error="ME901: invalid JSON at line 1 column 12",
        ),
    ]


def _render(fmt: str) -> str:
    reporter = get_reporter(fmt)
    out = io.StringIO()
    summary = Summary()
    reporter.begin(out)
    for report in _reports():
        summary.add(report)
        reporter.report(out, report)
    reporter.end(out, summary)
    return out.getvalue().replace(__version__, "VERSION")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_golden(fmt: str) -> None:
    golden = GOLDEN / f"report.{'txt' if fmt == 'text' else 'json'}"
    text = _render(fmt)
    if os.environ.get("MAPCHECK_REGEN_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_json_shape() -> None:
    doc = json.loads(_render("json"))
    assert [f["verdict"] for f in doc["files"]] == ["flag", "warn", "clean", "error"]
    first = doc["files"][0]
    assert set(first) >= {"path", "kind", "verdict", "findings", "error"}
    assert set(first["findings"][0]) >= {
        "code", "name", "severity", "message", "location", "confidence", "evidence", "suggestion"
    }  # fmt: skip
    assert doc["summary"]["verdicts"] == {
        "flag": 1, "warn": 1, "clean": 1, "undetermined": 0, "error": 1
    }  # fmt: skip
    assert doc["summary"]["findings"] == {"error": 2, "warning": 1, "info": 0}


def test_text_says_what_where_why_and_fix() -> None:
    text = _render("text")
    assert "FLAG  maps/world.json" in text
    assert "layer countries, feature #18 (id 643)" in text
    assert "Why it matters: UNGA A/RES/68/262" in text
    assert "What to do: Move the Crimea polygon" in text
    assert "Could not check this file: ME901" in text
    assert "4 files checked: 1 flag, 1 warn, 1 clean, 1 error" in text
