"""Golden files for the CI reporters on fixed reports. Regenerate with MAPCHECK_REGEN_GOLDEN=1.

The run happens in ``tests/ci/golden/`` (the root CI paths are relative to, and where the HTML
report finds ``evidence.png``); the machine-specific root URI and the version are replaced by
placeholders before comparing.
"""

from __future__ import annotations

import io
import json
import os

import pytest

from checker import __version__
from checker.reporters import FORMATS, get_reporter
from checker.reporters.base import Reporter, Summary
from checker.reporters.sarif import SarifReporter
from tests.ci._fixtures import GOLDEN, golden_reports, golden_rules

EXTENSIONS = {
    "jsonl": "jsonl",
    "sarif": "sarif",
    "github": "txt",
    "rdjsonl": "rdjsonl",
    "junit": "xml",
    "html": "html",
}


def render(fmt: str) -> str:
    reporter: Reporter
    if fmt == "sarif":
        reporter = SarifReporter(root=GOLDEN, rules=golden_rules())
    else:
        reporter = get_reporter(fmt, root=GOLDEN)
    out = io.StringIO()
    summary = Summary()
    reporter.begin(out)
    for report in golden_reports():
        summary.add(report)
        reporter.report(out, report)
    reporter.end(out, summary)
    text = out.getvalue().replace(GOLDEN.as_uri(), "file:///ROOT")
    return text.replace(__version__, "VERSION")


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_golden(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    golden = GOLDEN / f"report.{EXTENSIONS[fmt]}"
    text = render(fmt)
    if os.environ.get("MAPCHECK_REGEN_GOLDEN"):
        golden.write_text(text, encoding="utf-8", newline="")
    assert text == golden.read_bytes().decode("utf-8")


def test_every_format_has_a_golden_file() -> None:
    assert set(FORMATS) == {"text", "json", *EXTENSIONS}  # text/json: tests/reporters


def test_jsonl_streams_one_line_per_file_then_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    reporter = get_reporter("jsonl")
    out = io.StringIO()
    reporter.begin(out)
    reports = golden_reports()
    reporter.report(out, reports[0])
    # Streamed: the first file is out before the run ends.
    first = json.loads(out.getvalue())
    assert first["type"] == "file" and first["path"] == "maps/world.json"
    for report in reports[1:]:
        reporter.report(out, report)
    summary = Summary()
    for report in reports:
        summary.add(report)
    reporter.end(out, summary)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [d["type"] for d in lines] == ["file"] * len(reports) + ["summary"]
    assert lines[-1]["files"] == len(reports)
    assert lines[2]["findings"][0]["message"] == reports[2].findings[0].message  # CR/LF kept


def test_html_is_self_contained_and_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    html = render("html")
    # No external assets: nothing is fetched from anywhere.
    for needle in ('src="http', "href=", "<link", "@import", "url("):
        assert needle not in html, needle
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # The evidence picture is embedded, and the tricky message is escaped.
    assert 'src="data:image/png;base64,iVBORw0KGgo' in html
    assert "&lt;wrong&gt; &amp; misleading" in html and "<wrong>" not in html
    assert "&quot;" not in html.split("<body>")[0]  # the head holds no input


def test_junit_counts_and_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    import xml.etree.ElementTree as ET

    monkeypatch.chdir(GOLDEN)
    root = ET.fromstring(render("junit").encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == len(golden_reports())
    assert suite.get("tests") == "9"
    # flag files: world, article, regions, map.png; the pdf's finding is info only.
    assert suite.get("failures") == "4" and suite.get("errors") == "1"
    assert suite.get("skipped") == "1"
    article = next(c for c in cases if c.get("name") == "docs/article.md")
    failure = article.find("failure")
    assert failure is not None and failure.get("type") == "MT301"
    assert failure.get("message", "").startswith('Text says "Simferopol, Russia"')


def test_junit_strips_characters_xml_cannot_hold() -> None:
    import xml.etree.ElementTree as ET

    from checker.model import FileReport, Verdict
    from checker.reporters.junit import JunitReporter

    reporter = JunitReporter()
    out = io.StringIO()
    odd = FileReport("a\x00b\x1b.txt", "document", Verdict.UNDETERMINED, notes=("x\x01",))
    reporter.report(out, odd)
    reporter.end(out, Summary())
    case = ET.fromstring(out.getvalue().encode()).find("testsuite/testcase")
    assert case is not None and case.get("name") == "a\ufffdb\ufffd.txt"
