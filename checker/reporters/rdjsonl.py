"""Reviewdog Diagnostic JSON Lines (``reviewdog -f=rdjsonl``): one diagnostic per line.

Each finding becomes ``{"message", "location": {"path", "range": {"start": {"line",
"column"}}}, "severity", "source", "code": {"value", "url"}}``; paths are relative to the root
(the working directory), which is how reviewdog matches them to the diff. Findings with no line
(vector features, image areas) point at line 1 and say where they are in the message. Nothing
else is printed: reviewdog reads every line as a diagnostic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from checker.model import FileReport, Finding, Severity
from checker.reporters._common import PROJECT_URL, display_path, rule_url
from checker.reporters.base import Reporter, Summary

_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


class RdjsonlReporter(Reporter):
    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    def report(self, out: TextIO, report: FileReport) -> None:
        path = display_path(report.path, self.root)
        for finding in report.findings:
            out.write(json.dumps(self._diagnostic(finding, path), ensure_ascii=False) + "\n")
        out.flush()

    def _diagnostic(self, f: Finding, path: str) -> dict[str, Any]:
        loc = f.location
        start: dict[str, int] = {"line": loc.line if loc.line and loc.line >= 1 else 1}
        if loc.line and loc.column and loc.column >= 1:
            start["column"] = loc.column
        message = f.message
        where = loc.short()
        if where and loc.line is None:
            message += f" [{where}]"
        if f.suggestion:
            message += f"\nWhat to do: {f.suggestion}"
        return {
            "message": message,
            "location": {"path": path, "range": {"start": start}},
            "severity": _SEVERITY[f.severity],
            "source": {"name": "mapcheck", "url": PROJECT_URL},
            "code": {"value": f.code, "url": rule_url(f.code)},
        }

    def end(self, out: TextIO, summary: Summary) -> None:
        """Nothing: a summary line would not be a diagnostic."""
