"""Command-line options shared by several commands, declared once.

:func:`policy_options` are the settings that decide what is reported (profile, rules,
severities, excludes, OCR); ``check``, ``baseline``, ``config show`` and ``audit`` all take them,
and they override the configuration file (:mod:`checker.configfile`). :func:`cache_options`
are the result cache's (``audit`` keeps its own database instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

_POLICY = [
    click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="Read settings from this file instead of the nearest .mapcheck.toml, "
        "pyproject.toml [tool.mapcheck] or setup.cfg [mapcheck].",
    ),
    click.option(
        "--profile",
        type=click.Choice(["un", "ua-strict"]),
        default=None,
        help="Policy profile: 'un' (UN/EU non-recognition; the default) or 'ua-strict' "
        "(Ukrainian MFA usage).",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["error", "warning", "info"]),
        default=None,
        help="Exit 1 when a finding of this severity or worse is reported [default: error].",
    ),
    click.option(
        "--fail-on-undetermined/--no-fail-on-undetermined",
        default=None,
        help="Exit 1 when a file's verdict is undetermined [default: no].",
    ),
    click.option("--disable", multiple=True, metavar="CODE", help="Turn a rule off (repeatable)."),
    click.option(
        "--enable",
        multiple=True,
        metavar="CODE",
        help="Turn a rule on, even one the profile leaves out (repeatable).",
    ),
    click.option(
        "--severity",
        multiple=True,
        metavar="CODE=LEVEL",
        help="Set a rule's severity: error, warning or info (repeatable).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Skip files and folders matching GLOB when walking folders (repeatable; adds to "
        "the configuration's excludes).",
    ),
    click.option(
        "--default-excludes/--no-default-excludes",
        default=None,
        help="Skip vendored and build folders (node_modules, vendor, build, dist, .venv, ...) "
        "[default: yes].",
    ),
    click.option(
        "--ocr/--no-ocr", default=None, help="OCR images and scanned pages [default: yes]."
    ),
]

_CACHE = [
    click.option("--no-cache", is_flag=True, help="Do not read or write the result cache."),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Keep the result cache here [default: $MAPCHECK_CACHE_DIR, else .mapcheck-cache].",
    ),
]


def _apply(func: F, options: list[Any]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def policy_options(func: F) -> F:
    """The options that decide what is reported (they override the configuration file)."""
    return _apply(func, _POLICY)


def cache_options(func: F) -> F:
    """``--no-cache`` and ``--cache-dir``."""
    return _apply(func, _CACHE)


def config_options(func: F) -> F:
    """:func:`policy_options` and :func:`cache_options`."""
    return _apply(func, _POLICY + _CACHE)


def policy_values(opts: dict[str, Any]) -> dict[str, Any]:
    """The parsed policy options as configuration keys (``None``/empty: not given)."""
    return {
        "profile": opts.get("profile"),
        "fail-on": opts.get("fail_on"),
        "fail-on-undetermined": opts.get("fail_on_undetermined"),
        "disable": opts.get("disable", ()),
        "enable": opts.get("enable", ()),
        "severity": opts.get("severity", ()),
        "exclude": opts.get("exclude", ()),
        "default-excludes": opts.get("default_excludes"),
        "ocr": opts.get("ocr"),
    }
