"""GitHub Actions workflow commands: an annotation per finding, shown on the pull request diff.

``::error file=maps/world.json,line=3,col=5,title=MG101 geometry.crimea-in-russia::message``;
severity error, warning, info map to ``error``, ``warning``, ``notice``. Values are escaped as
the runner expects: in the message ``%``, CR and LF; in properties also ``:`` and ``,``. A file
that could not be checked gets an ``error`` annotation, an undetermined one a ``notice``; the
run ends with a plain summary line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from checker.model import FileReport, Finding, Severity, Verdict
from checker.reporters._common import display_path
from checker.reporters.base import Reporter, Summary

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (``file``, ``title``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    command: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line (without the newline)."""
    props: list[str] = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
    if line is not None:
        props.append(f"line={line}")
        if col is not None:
            props.append(f"col={col}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    head = f"::{command}" + (" " + ",".join(props) if props else "")
    return f"{head}::{escape_data(message)}"


class GithubReporter(Reporter):
    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    def report(self, out: TextIO, report: FileReport) -> None:
        path = display_path(report.path, self.root) if report.path != "-" else None
        for finding in report.findings:
            out.write(self._finding(finding, path) + "\n")
        if report.verdict is Verdict.ERROR and not report.findings:
            message = f"could not check this file: {report.error}"
            out.write(annotation("error", message, file=path, title="mapcheck") + "\n")
        elif report.verdict is Verdict.UNDETERMINED:
            reason = "; ".join(report.notes) or "no reason given"
            message = f"mapcheck could not decide: {reason}"
            out.write(annotation("notice", message, file=path, title="mapcheck: undetermined"))
            out.write("\n")
        out.flush()

    def _finding(self, f: Finding, path: str | None) -> str:
        loc = f.location
        message = f.message
        where = loc.short()
        if where and loc.line is None:
            message += f" [{where}]"
        if f.suggestion:
            message += f"\nWhat to do: {f.suggestion}"
        line = loc.line if loc.line is not None and loc.line >= 1 else None
        col = loc.column if line is not None and loc.column and loc.column >= 1 else None
        return annotation(
            _COMMAND[f.severity],
            message,
            file=path,
            line=line,
            col=col,
            title=f"{f.code} {f.name}",
        )

    def end(self, out: TextIO, summary: Summary) -> None:
        s = summary.to_dict()
        verdicts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items() if n)
        f = s["findings"]
        line = (
            f"mapcheck: {s['files']} file{'s' if s['files'] != 1 else ''} checked: "
            f"{verdicts or 'none'}; findings: {f['error']} error, {f['warning']} warning, "
            f"{f['info']} info"
        )
        if "baselined" in s:
            line += f"; {s['baselined']} matched the baseline"
        out.write(line + "\n")
