"""JUnit XML for CI test-report views (GitLab merge requests, Jenkins, Azure DevOps).

One ``testcase`` per checked file (``classname`` ``mapcheck.<kind>``, ``name`` the path). A file
with findings at or above the failure threshold (``--fail-on``, default error) has one
``failure`` per such finding; a file that could not be checked has an ``error``; an
undetermined file is ``skipped`` with the reason; other findings are listed in
``system-out``. Written with :mod:`xml.etree.ElementTree`, which escapes text and attributes;
characters XML 1.0 cannot hold at all are replaced first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from checker.model import FileReport, Finding, Severity, Verdict
from checker.reporters._common import display_path
from checker.reporters.base import Reporter, Summary

if TYPE_CHECKING:
    from checker.config import Config

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    # XML parsers turn CR LF and lone CR into LF anyway; doing it here keeps files LF-only.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID_XML.sub("\ufffd", text)


class JunitReporter(Reporter):
    def __init__(self, root: Path | None = None, config: Config | None = None) -> None:
        self.root = root
        self.threshold = config.fail_on if config is not None else Severity.ERROR
        self._cases: list[ET.Element] = []
        self._failures = 0
        self._errors = 0
        self._skipped = 0

    def report(self, out: TextIO, report: FileReport) -> None:
        path = display_path(report.path, self.root)
        case = ET.Element(
            "testcase",
            {"classname": _clean(f"mapcheck.{report.kind}"), "name": _clean(path)},
        )
        if report.path != "-":
            case.set("file", _clean(path))
        failing = [f for f in report.findings if f.severity >= self.threshold]
        others = [f for f in report.findings if f.severity < self.threshold]
        if report.verdict is Verdict.ERROR:
            self._errors += 1
            error = ET.SubElement(
                case,
                "error",
                {
                    "type": _clean((report.error or "ME907").split(":", 1)[0]),
                    "message": _clean(report.error or "could not be checked"),
                },
            )
            error.text = _clean("\n\n".join(_details(f) for f in report.findings) or "")
        else:
            for finding in failing:
                failure = ET.SubElement(
                    case,
                    "failure",
                    {"type": _clean(finding.code), "message": _clean(finding.message)},
                )
                failure.text = _clean(_details(finding))
            if failing:
                self._failures += 1
            elif report.verdict is Verdict.UNDETERMINED:
                self._skipped += 1
                reason = "; ".join(report.notes) or "no reason given"
                ET.SubElement(case, "skipped", {"message": _clean(f"undetermined: {reason}")})
        if others or report.notes:
            lines = [_details(f) for f in others] + [f"Note: {n}" for n in report.notes]
            ET.SubElement(case, "system-out").text = _clean("\n\n".join(lines))
        self._cases.append(case)

    def end(self, out: TextIO, summary: Summary) -> None:
        counts = {
            "tests": str(len(self._cases)),
            "failures": str(self._failures),
            "errors": str(self._errors),
            "skipped": str(self._skipped),
        }
        suites = ET.Element("testsuites", {"name": "mapcheck", **counts})
        suite = ET.SubElement(suites, "testsuite", {"name": "mapcheck", **counts})
        suite.extend(self._cases)
        ET.indent(suites)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(suites, encoding="unicode"))
        out.write("\n")


def _details(f: Finding) -> str:
    where = f.location.short()
    lines = [f"{f.severity.label} {f.code} {f.name}" + (f" [{where}]" if where else ""), f.message]
    if f.suggestion:
        lines.append(f"What to do: {f.suggestion}")
    if f.policy:
        lines.append(f"Why it matters: {f.policy}")
    return "\n".join(lines)
