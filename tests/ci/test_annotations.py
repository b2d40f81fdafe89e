"""GitHub workflow annotations and reviewdog rdjsonl are well formed, on fixed and real inputs."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.reporters import get_reporter, resolve_format
from checker.reporters.base import Summary
from checker.reporters.github import GithubReporter, annotation, escape_data, escape_property
from tests.ci._fixtures import GOLDEN, TRICKY, golden_reports, make_inputs

# --- GitHub ---------------------------------------------------------------------------------------

#: One workflow command: ``::cmd key=value,key=value::message``. Property values may not hold a
#: raw ``,`` ``:`` CR or LF; the message may not hold CR or LF; ``%`` appears only as an escape.
COMMAND = re.compile(
    r"^::(?P<cmd>error|warning|notice)"
    r"(?: (?P<props>(?:file|line|col|endLine|endColumn|title)=[^,:\r\n]*"
    r"(?:,(?:file|line|col|endLine|endColumn|title)=[^,:\r\n]*)*))?"
    r"::(?P<msg>[^\r\n]*)$"
)
ESCAPE = re.compile(r"%(?!25|0D|0A|3A|2C)")


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse(line: str) -> dict[str, str]:
    match = COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    assert not ESCAPE.search(match["msg"]), f"unescaped % in {line!r}"
    props = {}
    if match["props"]:
        for item in match["props"].split(","):
            key, _, value = item.partition("=")
            assert not ESCAPE.search(value), f"unescaped % in {item!r}"
            props[key] = unescape(value)
    return {"command": match["cmd"], "message": unescape(match["msg"]), **props}


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a: b, c", "a: b, c", "a%3A b%2C c"),
        ("%0A literal", "%250A literal", "%250A literal"),
        ("Крим, Україна", "Крим, Україна", "Крим%2C Україна"),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop
    assert unescape(escape_property(raw)) == raw


def test_annotation_round_trips_awkward_paths_and_titles() -> None:
    line = annotation(
        "error", TRICKY, file="maps/a,b:c 100%.json", line=3, col=7, title="MT301 x: y, z"
    )
    parsed = parse(line)
    assert parsed == {
        "command": "error",
        "message": TRICKY,
        "file": "maps/a,b:c 100%.json",
        "line": "3",
        "col": "7",
        "title": "MT301 x: y, z",
    }


def test_golden_annotations_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    reporter = GithubReporter(root=GOLDEN)
    out = io.StringIO()
    summary = Summary()
    for report in golden_reports():
        summary.add(report)
        reporter.report(out, report)
    reporter.end(out, summary)
    lines = out.getvalue().splitlines()
    commands = [parse(line) for line in lines[:-1]]
    assert lines[-1].startswith("mapcheck: 9 files checked")
    by_file = {c["file"]: c for c in commands}
    text = by_file["docs/article.md"]
    assert (text["command"], text["line"], text["col"]) == ("error", "12", "5")
    assert text["message"].startswith(TRICKY)
    assert by_file["docs/report.pdf"]["command"] == "notice"
    assert by_file["maps/disputed.geojson"]["command"] == "warning"
    assert "line" not in by_file["maps/world.json"]  # a feature has no line: file-level
    assert by_file["img/small.png"]["title"] == "mapcheck: undetermined"


@pytest.fixture(scope="module")
def real_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tree")
    make_inputs(folder / "in")
    return folder


def run_cli(folder: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    import os

    old = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, list(args), env=env)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout


def test_real_run_annotations_parse(real_tree: Path) -> None:
    code, out = run_cli(real_tree, "check", "in", "--no-ocr", "--no-cache", "--format", "github")
    assert code == 2  # broken.geojson
    lines = out.splitlines()
    commands = [parse(line) for line in lines if line.startswith("::")]
    assert len(commands) >= 3
    assert all(not c.get("file", "x").startswith(("/", "./")) for c in commands)
    assert any(c["file"] == "in/cities.kml" and c["title"].startswith("MG105") for c in commands)
    assert any(c["file"] == "in/broken.geojson" and c["command"] == "error" for c in commands)
    assert lines[-1].startswith("mapcheck: ")


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"GITHUB_ACTIONS": "true"}, "github"), ({"GITHUB_ACTIONS": "false"}, "text"), ({}, "text")],
)
def test_format_auto(env: dict[str, str], expected: str) -> None:
    assert resolve_format("auto", env) == expected
    assert resolve_format("json", env) == "json"


def test_format_auto_in_the_cli(real_tree: Path) -> None:
    args = ("check", "in/cities.kml", "--no-cache", "--format", "auto")
    _, under_actions = run_cli(real_tree, *args, env={"GITHUB_ACTIONS": "true"})
    assert under_actions.startswith("::error file=in/cities.kml")
    _, elsewhere = run_cli(real_tree, *args, env={"GITHUB_ACTIONS": ""})
    assert elsewhere.startswith("FLAG  in/cities.kml")


# --- reviewdog rdjsonl ----------------------------------------------------------------------------

#: reviewdog's Diagnostic message (proto/rdf/reviewdog.proto) as a JSON schema, strict about
#: names and types so that a typo in a key fails.
_POSITION = {
    "type": "object",
    "properties": {
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
    },
    "required": ["line"],
    "additionalProperties": False,
}
RDJSON_DIAGNOSTIC: dict[str, Any] = {
    "type": "object",
    "required": ["message", "location", "severity"],
    "additionalProperties": False,
    "properties": {
        "message": {"type": "string", "minLength": 1},
        "location": {
            "type": "object",
            "required": ["path"],
            "additionalProperties": False,
            "properties": {
                "path": {"type": "string", "minLength": 1, "pattern": "^(?!/)(?!\\./)"},
                "range": {
                    "type": "object",
                    "required": ["start"],
                    "additionalProperties": False,
                    "properties": {"start": _POSITION, "end": _POSITION},
                },
            },
        },
        "severity": {"enum": ["ERROR", "WARNING", "INFO"]},
        "source": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
        },
        "code": {
            "type": "object",
            "required": ["value"],
            "additionalProperties": False,
            "properties": {
                "value": {"type": "string", "pattern": "^M[A-Z][0-9]{3}$"},
                "url": {"type": "string", "pattern": "^https://"},
            },
        },
    },
}


def check_rdjsonl(text: str) -> list[dict[str, Any]]:
    validator = jsonschema.Draft7Validator(RDJSON_DIAGNOSTIC)
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        doc = json.loads(line)  # every line is one complete JSON object
        problems = [e.message for e in validator.iter_errors(doc)]
        assert problems == [], f"line {number}: {problems}"
        out.append(doc)
    return out


def test_golden_rdjsonl_is_well_formed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    reporter = get_reporter("rdjsonl", root=GOLDEN)
    out = io.StringIO()
    for report in golden_reports():
        reporter.report(out, report)
    reporter.end(out, Summary())
    docs = check_rdjsonl(out.getvalue())
    assert len(docs) == sum(len(r.findings) for r in golden_reports())
    text = next(d for d in docs if d["location"]["path"] == "docs/article.md")
    assert text["location"]["range"]["start"] == {"line": 12, "column": 5}
    assert text["severity"] == "ERROR" and text["code"]["value"] == "MT301"
    assert text["message"].startswith(TRICKY)
    info = next(d for d in docs if d["location"]["path"] == "docs/report.pdf")
    assert info["severity"] == "INFO"


def test_real_run_rdjsonl(real_tree: Path) -> None:
    code, out = run_cli(real_tree, "check", "in", "--no-ocr", "--no-cache", "--format", "rdjsonl")
    assert code == 2
    docs = check_rdjsonl(out)
    paths = {d["location"]["path"] for d in docs}
    assert "in/cities.kml" in paths and "in/broken.geojson" in paths
