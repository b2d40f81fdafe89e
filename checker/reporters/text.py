"""Text for people: what is wrong, where, why it matters and what to do, file by file."""

from __future__ import annotations

import textwrap
from typing import TextIO

from checker.model import FileReport, Finding, Severity, Verdict
from checker.reporters.base import Reporter, Summary

_VERDICT_STYLE = {
    Verdict.FLAG: ("FLAG", "red"),
    Verdict.WARN: ("WARN", "yellow"),
    Verdict.CLEAN: ("CLEAN", "green"),
    Verdict.UNDETERMINED: ("UNDETERMINED", "magenta"),
    Verdict.ERROR: ("ERROR", "red"),
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_WIDTH = 100


class TextReporter(Reporter):
    def __init__(self, color: bool = False) -> None:
        self.color = color

    def _style(self, text: str, fg: str, bold: bool = False) -> str:
        if not self.color:
            return text
        import click

        return click.style(text, fg=fg, bold=bold)

    def report(self, out: TextIO, report: FileReport) -> None:
        label, fg = _VERDICT_STYLE[report.verdict]
        out.write(f"{self._style(label, fg, bold=True)}  {report.path}  ({report.kind})\n")
        if report.error:
            out.write(_wrap(f"Could not check this file: {report.error}", "    "))
        for finding in report.findings:
            if report.error and finding.code.startswith("ME"):
                if finding.suggestion:
                    out.write(_wrap(f"What to do: {finding.suggestion}", "    "))
                continue
            self._finding(out, finding)
        for note in report.notes:
            prefix = "Why undetermined: " if report.verdict is Verdict.UNDETERMINED else "Note: "
            out.write(_wrap(prefix + note, "    "))
        out.write("\n")

    def _finding(self, out: TextIO, f: Finding) -> None:
        sev = self._style(f.severity.label, _SEVERITY_STYLE[f.severity], bold=True)
        where = f.location.short()
        out.write(f"  {sev} {f.code} {f.name}" + (f"  [{where}]" if where else "") + "\n")
        out.write(_wrap(f.message, "    "))
        if f.policy:
            out.write(_wrap(f"Why it matters: {f.policy}.", "    "))
        if f.suggestion:
            out.write(_wrap(f"What to do: {f.suggestion}", "    "))
        out.write(f"    Confidence: {f.confidence:.0%}\n")

    def end(self, out: TextIO, summary: Summary) -> None:
        v = summary.verdicts
        counts = ", ".join(
            f"{v.get(verdict.value, 0)} {verdict.value}"
            for verdict in Verdict
            if v.get(verdict.value, 0)
        )
        s = summary.severities
        baselined = (
            f"; {summary.baselined} matched the baseline" if summary.baselined is not None else ""
        )
        out.write(
            f"{summary.files} file{'s' if summary.files != 1 else ''} checked: {counts or 'none'}"
            f"; findings: {s.get('error', 0)} error, {s.get('warning', 0)} warning, "
            f"{s.get('info', 0)} info{baselined}\n"
        )


def _wrap(text: str, indent: str) -> str:
    return (
        textwrap.fill(
            text,
            width=_WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        + "\n"
    )
