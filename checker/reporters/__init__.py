"""Reporters render file reports: one module per output format, all with the same interface."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.config import Config
    from checker.reporters.base import Reporter

#: Output formats: for people (``text``, ``html``), for programs (``json``, ``jsonl``), for CI
#: (``sarif`` code scanning, ``github`` workflow annotations, ``rdjsonl`` reviewdog, ``junit``).
FORMATS = ("text", "json", "jsonl", "sarif", "github", "rdjsonl", "junit", "html")
#: ``auto`` picks ``github`` under GitHub Actions and ``text`` elsewhere.
CHOICES = ("auto", *FORMATS)


def resolve_format(fmt: str, environ: Mapping[str, str] | None = None) -> str:
    """The concrete format for ``fmt`` (``auto`` looks at ``GITHUB_ACTIONS``)."""
    if fmt != "auto":
        return fmt
    env = os.environ if environ is None else environ
    return "github" if env.get("GITHUB_ACTIONS", "").lower() == "true" else "text"


def get_reporter(
    fmt: str,
    color: bool = False,
    *,
    root: Path | None = None,
    config: Config | None = None,
) -> Reporter:
    """A reporter for ``fmt`` (one of :data:`FORMATS`, or ``auto``).

    ``root`` is the folder CI paths are made relative to (default: the working directory);
    ``config`` gives the SARIF rule levels and the JUnit failure threshold.
    """
    fmt = resolve_format(fmt)
    if fmt == "text":
        from checker.reporters.text import TextReporter

        return TextReporter(color=color)
    if fmt == "json":
        from checker.reporters.json import JsonReporter

        return JsonReporter()
    if fmt == "jsonl":
        from checker.reporters.jsonl import JsonLinesReporter

        return JsonLinesReporter()
    if fmt == "sarif":
        from checker.reporters.sarif import SarifReporter

        return SarifReporter(root=root, config=config)
    if fmt == "github":
        from checker.reporters.github import GithubReporter

        return GithubReporter(root=root)
    if fmt == "rdjsonl":
        from checker.reporters.rdjsonl import RdjsonlReporter

        return RdjsonlReporter(root=root)
    if fmt == "junit":
        from checker.reporters.junit import JunitReporter

        return JunitReporter(root=root, config=config)
    if fmt == "html":
        from checker.reporters.html import HtmlReporter

        return HtmlReporter(root=root)
    msg = f"unknown format {fmt!r} (expected one of: {', '.join(CHOICES)})"
    raise ValueError(msg)
