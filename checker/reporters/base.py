"""The reporter interface and the run summary every reporter shares."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

from checker.model import FileReport, Verdict


@dataclass
class Summary:
    """Counts over a run, updated as each file's report arrives."""

    files: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    #: Findings left out because a baseline holds them (``check --baseline``); ``None`` when
    #: no baseline is in use.
    baselined: int | None = None

    def add(self, report: FileReport) -> None:
        self.files += 1
        self.verdicts[report.verdict.value] += 1
        for finding in report.findings:
            self.severities[finding.severity.label] += 1
            self.rules[finding.code] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "verdicts": {v.value: self.verdicts.get(v.value, 0) for v in Verdict},
            "findings": {s: self.severities.get(s, 0) for s in ("error", "warning", "info")},
            "rules": dict(sorted(self.rules.items())),
            **({} if self.baselined is None else {"baselined": self.baselined}),
        }


class Reporter:
    """Receives reports one at a time (so text output streams) and finishes with the summary."""

    def begin(self, out: TextIO) -> None:
        """Called once before the first report."""

    def report(self, out: TextIO, report: FileReport) -> None:
        raise NotImplementedError

    def end(self, out: TextIO, summary: Summary) -> None:
        """Called once after the last report."""
