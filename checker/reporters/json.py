"""JSON: one object with ``files`` (one entry per input, in input order) and ``summary``."""

from __future__ import annotations

from typing import Any, TextIO

from checker import __version__
from checker.model import FileReport
from checker.reporters._common import dumps_indented
from checker.reporters.base import Reporter, Summary


class JsonReporter(Reporter):
    def __init__(self) -> None:
        self._files: list[dict[str, Any]] = []

    def report(self, out: TextIO, report: FileReport) -> None:
        self._files.append(report.to_dict())

    def end(self, out: TextIO, summary: Summary) -> None:
        doc = {
            "tool": {"name": "mapcheck", "version": __version__},
            "files": self._files,
            "summary": summary.to_dict(),
        }
        # One write: json.dump would make a write call per token (slow on a pipe).
        out.write(dumps_indented(doc) + "\n")
