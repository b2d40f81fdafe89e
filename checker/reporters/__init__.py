"""Reporters render file reports: one module per output format, all with the same interface."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.reporters.base import Reporter

FORMATS = ("text", "json")


def get_reporter(fmt: str, color: bool = False) -> Reporter:
    """A reporter for ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "text":
        from checker.reporters.text import TextReporter

        return TextReporter(color=color)
    if fmt == "json":
        from checker.reporters.json import JsonReporter

        return JsonReporter()
    msg = f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})"
    raise ValueError(msg)
