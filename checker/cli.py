"""The ``mapcheck`` command line: a thin click layer over :mod:`checker.engine`.

Each command parses its options, makes one library call and renders the result. Exit codes
(DESIGN §3): 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 a usage or
configuration error, or an input that could not be checked.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TextIO

import click

from checker import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="mapcheck")
def cli() -> None:
    """mapcheck: find maps, data and documents that show Crimea or the occupied parts of Ukraine
    as Russian, and say why and what to use instead."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--profile",
    type=click.Choice(["un", "ua-strict"]),
    default="un",
    show_default=True,
    help="Policy profile: 'un' (UN/EU non-recognition) or 'ua-strict' (Ukrainian MFA usage).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding of this severity or worse is reported.",
)
@click.option(
    "--fail-on-undetermined", is_flag=True, help="Exit 1 when a file's verdict is undetermined."
)
@click.option("--disable", multiple=True, metavar="CODE", help="Turn a rule off (repeatable).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "--evidence",
    "evidence_dir",
    type=click.Path(file_okay=False, writable=True),
    help="Write an evidence picture per image (fitted outlines, sampled areas, verdict) here.",
)
@click.option("--no-ocr", is_flag=True, help="Skip OCR on images and scanned pages (faster).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a TTY).")
def check(
    paths: tuple[str, ...],
    fmt: str,
    profile: str,
    fail_on: str,
    fail_on_undetermined: bool,
    disable: tuple[str, ...],
    no_cache: bool,
    evidence_dir: str | None,
    no_ocr: bool,
    output: str | None,
    color: bool | None,
) -> None:
    """Check maps, data and documents. PATHS are files or folders (walked recursively);
    '-' reads standard input."""
    from checker.config import Config
    from checker.engine import check_paths, file_status
    from checker.model import Severity
    from checker.readers.base import Source
    from checker.reporters import get_reporter
    from checker.reporters.base import Summary
    from checker.rules.registry import all_rules

    known = all_rules()
    unknown = [c for c in disable if c.upper() not in known]
    if unknown:
        raise click.UsageError(f"unknown rule code(s) for --disable: {', '.join(unknown)}")
    config = Config(
        profile=profile,
        fail_on=Severity.parse(fail_on),
        fail_on_undetermined=fail_on_undetermined,
        disable=frozenset(c.upper() for c in disable),
        use_cache=not no_cache,
        evidence_dir=Path(evidence_dir) if evidence_dir else None,
        ocr=not no_ocr,
    )
    inputs: list[str | Source] = []
    for p in paths:
        if p == "-":
            inputs.append(Source(name="-", data=sys.stdin.buffer.read()))
        else:
            inputs.append(p)
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    reporter = get_reporter(fmt, color=use_color)
    summary = Summary()
    status = EXIT_OK
    with _Output(output) as out:
        reporter.begin(out)
        for report in check_paths(inputs, config):
            summary.add(report)
            reporter.report(out, report)
            status = max(status, file_status(report, config))
        reporter.end(out, summary)
    sys.exit(status)


class _Output:
    """Standard output, or a temporary file renamed over ``path`` on success (atomic write)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.buffer: io.StringIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        self.buffer = io.StringIO()
        return self.buffer

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self.path is None or self.buffer is None or exc_type is not None:
            return
        from checker.io import atomic_write_text

        atomic_write_text(Path(self.path), self.buffer.getvalue())


@cli.command("rules")
def rules_cmd() -> None:
    """List every rule with its code, name, category and summary."""
    from checker.rules.registry import all_rules

    for rule in all_rules().values():
        click.echo(f"{rule.code}  {rule.name:<40} {rule.category.value:<9} {rule.summary}")


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Explain one rule (by code, e.g. MG101, or dotted name)."""
    from checker.rules.registry import get_rule

    try:
        rule = get_rule(code)
    except KeyError:
        raise click.UsageError(f"no rule {code!r}; `mapcheck rules` lists them") from None
    from checker.profiles import severity_for

    labels = {}
    for profile in ("un", "ua-strict"):
        sev = severity_for(profile, rule.category, rule.code)
        labels[profile] = sev.label if sev is not None else "not reported"
    sev_un, sev_ua = labels["un"], labels["ua-strict"]
    click.echo(f"{rule.code} {rule.name}")
    click.echo(f"Applies to: {rule.applies_to} inputs")
    click.echo(f"Severity: {sev_un} in profile un, {sev_ua} in ua-strict ({rule.category.value})")
    if rule.policy:
        click.echo(f"Policy: {rule.policy}")
    click.echo("")
    click.echo(rule.doc)


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--output",
    "-o",
    "output_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the corrected copy (never the input itself).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def fix(input_path: str, output_path: str, force: bool) -> None:
    """Write a corrected copy of a vector map: Crimea, Sevastopol and occupied oblasts drawn in
    Russia's feature are moved into Ukraine's; nothing else changes."""
    from checker.fix import FixError, fix_file

    src, dst = Path(input_path), Path(output_path)
    try:
        if dst.exists() and dst.resolve() == src.resolve():
            raise FixError("OUTPUT is the input file; mapcheck never modifies its inputs")
        if dst.exists() and not force:
            raise FixError(f"{dst} exists; pass --force to replace it")
        result = fix_file(src, dst)
    except FixError as exc:
        click.echo(f"mapcheck fix: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    for line in result.changes:
        click.echo(line)
    if not result.changes:
        click.echo("nothing to fix: no Russia feature holds Crimea or an occupied oblast")
    click.echo(f"wrote {dst}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mapcheck")
