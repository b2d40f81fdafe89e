"""SARIF output is valid against the official SARIF 2.1.0 schema, for fixed reports and for real
inputs of every kind the engine takes, and carries what code scanning needs."""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from checker.config import Config
from checker.engine import check_paths
from checker.model import FileReport
from checker.readers.base import Source
from checker.reporters import get_reporter
from checker.reporters.base import Summary
from checker.reporters.sarif import FINGERPRINT_KEY, SarifReporter
from checker.rules.registry import all_rules
from tests.ci._fixtures import GOLDEN, golden_reports, golden_rules, make_inputs

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    checker = jsonschema.FormatChecker()

    # jsonschema checks "uri" only with an optional package; check it here so that a relative
    # or malformed URI where SARIF wants an absolute one fails the test.
    @checker.checks("uri", raises=ValueError)
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and not re.search(r"\s", value)

    @checker.checks("uri-reference", raises=ValueError)
    def is_uri_reference(value: object) -> bool:
        return not isinstance(value, str) or (value != "" and not re.search(r"[\s\\]", value))

    return jsonschema.Draft4Validator(schema, format_checker=checker)


def errors(doc: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in validator().iter_errors(doc)]


def render(reports: list[FileReport], reporter: SarifReporter | None = None) -> dict[str, Any]:
    rep = reporter or SarifReporter()
    out = io.StringIO()
    summary = Summary()
    rep.begin(out)
    for report in reports:
        summary.add(report)
        rep.report(out, report)
    rep.end(out, summary)
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def test_the_schema_rejects_a_broken_log() -> None:
    """The validator really validates (a test of the test)."""
    assert errors({"version": "2.1.0", "runs": []}) == []
    assert errors({"version": "2.0.0", "runs": []})
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    assert any("message" in e for e in errors(bad))
    uri = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x", "informationUri": "a b"}}}],
    }
    assert errors(uri)


def test_golden_sarif_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    doc = render(golden_reports(), SarifReporter(root=GOLDEN, rules=golden_rules()))
    assert errors(doc) == []


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[FileReport], dict[str, Any]]:
    folder = tmp_path_factory.mktemp("inputs")
    files = make_inputs(folder)
    config = Config(ocr=False, root=folder)
    inputs: list[str | Path | Source] = [files[name] for name in sorted(files)]
    inputs.append(Source(name="-", data=(folder / "russia-2022-claims.geojson").read_bytes()))
    reports = list(check_paths(inputs, config))
    doc = render(reports, SarifReporter(root=folder, config=config))
    return reports, doc


def test_real_inputs_of_every_kind_are_valid(
    real_run: tuple[list[FileReport], dict[str, Any]],
) -> None:
    reports, doc = real_run
    # The inputs cover every kind the engine recognises; what it makes of each depends on which
    # checks this version has (an unchecked kind is undetermined, never clean).
    from checker.readers import detect

    detected = set()
    for report in reports:
        if report.path != "-" and not report.path.endswith("broken.geojson"):
            detected.add(detect(Source(name=report.path, path=Path(report.path)))[0])
    assert {"vector", "image", "document", "data"} <= detected, detected
    assert errors(doc) == []
    run = doc["runs"][0]
    assert len(run["artifacts"]) == len(reports)
    assert any(r["ruleId"].startswith("MG") for r in run["results"])


def test_results_point_at_rules_and_fingerprints(
    real_run: tuple[list[FileReport], dict[str, Any]],
) -> None:
    reports, doc = real_run
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(all_rules())
    findings = [f for r in reports for f in r.findings]
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings, strict=True):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["partialFingerprints"][FINGERPRINT_KEY] == finding.fingerprint
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1  # GitHub code scanning needs a line
        if finding.location.line is not None:
            assert region["startLine"] == finding.location.line
        if finding.location.feature_index is not None:
            logical = result["locations"][0]["logicalLocations"][0]
            assert logical["properties"]["featureIndex"] == finding.location.feature_index


def test_artifact_uris_are_relative_to_srcroot(
    real_run: tuple[list[FileReport], dict[str, Any]],
) -> None:
    _, doc = real_run
    run = doc["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    locations = [a["location"] for a in run["artifacts"]]
    named = [loc for loc in locations if "uri" in loc]
    assert named and all(loc["uriBaseId"] == "%SRCROOT%" for loc in named)
    assert all(not loc["uri"].startswith(("/", "file:")) for loc in named)
    stdin = [loc for loc in locations if "uri" not in loc]
    assert stdin == [{"description": {"text": "standard input"}}]


def test_rule_metadata() -> None:
    doc = render(
        [], SarifReporter(config=Config(profile="ua-strict", disable=frozenset({"MG108"})))
    )
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "mapcheck"
    assert driver["informationUri"].startswith("https://")
    assert driver["version"] and driver["semanticVersion"] == driver["version"]
    by_id = {r["id"]: r for r in driver["rules"]}
    rules = all_rules()
    for code, rule in rules.items():
        descriptor = by_id[code]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == (rule.doc or rule.summary)
        assert f"mapcheck explain {code}" in descriptor["help"]["text"]
    assert by_id["MG101"]["defaultConfiguration"] == {"enabled": True, "level": "error"}
    assert by_id["MG107"]["defaultConfiguration"]["level"] == "error"  # ua-strict: disputes
    assert by_id["MG108"]["defaultConfiguration"]["enabled"] is False
    assert "Bad:" in by_id["MG101"]["help"]["text"]
    assert errors(doc) == []


def test_outside_root_is_an_absolute_file_uri(tmp_path: Path) -> None:
    inside, outside = tmp_path / "repo", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    report = FileReport(str(outside / "a b%.json"), "vector", golden_reports()[6].verdict)
    doc = render([report], SarifReporter(root=inside))
    loc = doc["runs"][0]["artifacts"][0]["location"]
    assert "uriBaseId" not in loc and loc["uri"].startswith("file:///")
    assert loc["uri"].endswith("/a%20b%25.json")
    assert errors(doc) == []


def test_image_and_pdf_locations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    doc = render(golden_reports(), SarifReporter(root=GOLDEN, rules=golden_rules()))
    results = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
        for r in doc["runs"][0]["results"]
    }
    image = results["img/map.png"]
    region = image["locations"][0]["physicalLocation"]["region"]
    assert region["properties"]["pixelBox"] == [10, 20, 110, 90]
    rect = image["attachments"][0]["rectangles"][0]
    assert rect == {"top": 20.0, "left": 10.0, "bottom": 90.0, "right": 110.0}
    assert image["attachments"][1]["artifactLocation"]["uri"] == "evidence.png"
    pdf = results["docs/report.pdf"]["locations"][0]["physicalLocation"]["region"]
    assert pdf["startLine"] == 7 and pdf["properties"]["page"] == 3
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    levels = {n["message"]["text"].split(" ", 1)[0]: n["level"] for n in notes}
    assert levels == {"maps/broken.geojson": "error", "img/small.png": "note"}


def test_cli_sarif_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from checker.cli import cli

    monkeypatch.chdir(tmp_path)
    make_inputs(tmp_path / "in")
    result = CliRunner().invoke(
        cli, ["check", "in", "--no-ocr", "--no-cache", "--format", "sarif", "-o", "out.sarif"]
    )
    assert result.exit_code == 2, result.output  # broken.geojson: an input error
    doc = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    assert errors(doc) == []
    uris = {a["location"]["uri"] for a in doc["runs"][0]["artifacts"]}
    assert "in/cities.kml" in uris


def test_get_reporter_knows_sarif() -> None:
    assert isinstance(get_reporter("sarif"), SarifReporter)
