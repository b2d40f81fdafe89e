"""The ``mapcheck`` command line: a thin click layer over :mod:`checker.engine`.

Each command parses its options, makes one library call and renders the result. Exit codes
(DESIGN §3): 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 a usage or
configuration error, or an input that could not be checked.

Options that make up the configuration are declared once (:mod:`checker.cli_options`) and shared
by ``check``, ``baseline create|update``, ``config show`` and ``audit``; they override the
configuration file (:mod:`checker.configfile`).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from checker import __version__
from checker.cli_options import config_options, policy_values
from checker.reporters import CHOICES as FORMAT_CHOICES

if TYPE_CHECKING:
    from checker.baseline import Baseline
    from checker.config import Config
    from checker.configfile import ResolvedConfig
    from checker.model import FileReport
    from checker.readers.base import Source

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class ConfigProblem(click.ClickException):
    """A configuration, baseline or git problem: reported as ``Error: ...`` with exit status 2."""

    exit_code = EXIT_ERROR


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from checker.text import native, prescan

    click.echo(
        f"mapcheck {__version__}\ntext engine: {native.ENGINE}\ntext pre-scan: {prescan.backend()}"
    )
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version, the text engine in use (compiled or Python) and its pre-scan's "
    "automaton, and exit.",
)
def cli() -> None:
    """mapcheck: find maps, data and documents that show Crimea or the occupied parts of Ukraine
    as Russian, and say why and what to use instead."""


# --- shared options ------------------------------------------------------------------------------


def _settings(opts: dict[str, Any], evidence_dir: str | None = None) -> tuple[ResolvedConfig, str]:
    """The effective configuration from the configuration file and the options; exits 2 with a
    precise message when either is invalid. Also returns where the cache location came from."""
    from checker.cache import CACHE_DIR_ENV, default_cache_dir
    from checker.configfile import ConfigError, resolve

    cli_values = policy_values(opts)
    extra: dict[str, Any] = {"evidence_dir": Path(evidence_dir) if evidence_dir else None}
    if opts.get("no_cache"):
        extra.update(use_cache=False, cache_dir=None)
        cache_origin = "CLI (--no-cache)"
    elif opts.get("cache_dir"):
        extra["cache_dir"] = Path(opts["cache_dir"])
        cache_origin = "CLI"
    else:
        extra["cache_dir"] = default_cache_dir()
        cache_origin = f"${CACHE_DIR_ENV}" if os.environ.get(CACHE_DIR_ENV) else "default"
    config_file = opts.get("config_file")
    try:
        resolved = resolve(
            cli_values, config_file=Path(config_file) if config_file else None, extra=extra
        )
    except (ConfigError, ValueError) as exc:
        raise ConfigProblem(str(exc)) from None
    return resolved, cache_origin


# --- check ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    default="text",
    show_default=True,
    help="Output format; 'auto' is 'github' under GitHub Actions and 'text' elsewhere.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a TTY).")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Leave out findings recorded in this baseline (`mapcheck baseline create`).",
)
@click.option(
    "--changed",
    is_flag=True,
    help="Check only files changed in git: staged, unstaged and untracked (not ignored).",
)
@click.option(
    "--since",
    metavar="REV",
    help="With --changed: also files changed since the branch left REV (implies --changed).",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply excludes to files named on the command line too (for pre-commit).",
)
@click.option(
    "--skip-unsupported",
    is_flag=True,
    help="Skip named files in formats mapcheck does not read instead of reporting an error.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes; 0 (the default) uses several cores only when there are enough "
    "files to be worth it, 1 checks in this process. Output is the same either way.",
)
@click.option(
    "--evidence",
    "evidence_dir",
    type=click.Path(file_okay=False, writable=True),
    help="Write an evidence picture per image (fitted outlines, sampled areas, verdict) here.",
)
@config_options
def check(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    color: bool | None,
    baseline_file: str | None,
    changed: bool,
    since: str | None,
    force_exclude: bool,
    skip_unsupported: bool,
    jobs: int,
    evidence_dir: str | None,
    **opts: Any,
) -> None:
    """Check maps, data and documents. PATHS are files or folders (walked recursively);
    '-' reads standard input."""
    from checker.engine import check_paths, file_status
    from checker.reporters import get_reporter
    from checker.reporters.base import Summary

    changed = changed or since is not None
    if not paths and not changed:
        raise click.UsageError("give PATHS to check, or --changed")
    resolved, _ = _settings(opts, evidence_dir)
    config = resolved.config
    baseline = _load_baseline(baseline_file) if baseline_file else None
    if changed:
        inputs: list[str | Source] = list(_changed_inputs(paths, since, config))
        skip_unsupported = True  # as when walking a folder: not every changed file is a map
    else:
        inputs = list(_named_inputs(paths, config, force_exclude))

    use_color = color
    if use_color is None:
        use_color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    reporter = get_reporter(fmt, color=use_color, root=Path.cwd(), config=config)
    summary = Summary()
    baselined = 0
    status = EXIT_OK
    with _Output(output) as out:
        reporter.begin(out)
        for checked in check_paths(inputs, config, jobs=jobs):
            if skip_unsupported and _unsupported(checked):
                continue
            report = checked
            if baseline is not None:
                from checker.baseline import filter_report

                report, dropped = filter_report(checked, baseline)
                baselined += dropped
            summary.add(report)
            reporter.report(out, report)
            status = max(status, file_status(report, config))
        if baseline is not None:
            summary.baselined = baselined
        reporter.end(out, summary)
    sys.exit(status)


def _named_inputs(
    paths: tuple[str, ...], config: Config, force_exclude: bool
) -> Iterator[str | Source]:
    from checker.readers.base import Source

    for p in paths:
        if p == "-":
            yield Source(name="-", data=sys.stdin.buffer.read())
            continue
        # "./maps/a.json" and "maps/a.json" are one file: one spelling keeps fingerprints (and
        # so baselines and code-scanning alerts) stable.
        name = p if os.path.isabs(p) else os.path.normpath(p)
        if force_exclude and config.is_excluded(name):
            continue
        yield name


def _changed_inputs(paths: tuple[str, ...], since: str | None, config: Config) -> Iterator[str]:
    from checker.vcs import VcsError, changed_files

    try:
        files = changed_files(Path.cwd(), since)
    except VcsError as exc:
        raise click.UsageError(str(exc)) from None
    roots = [Path(p).resolve() for p in paths if p != "-"]
    for file in files:
        if roots and not any(file.resolve().is_relative_to(r) for r in roots):
            continue
        if config.is_excluded(file):
            continue
        yield str(file)


def _unsupported(report: FileReport) -> bool:
    from checker.engine import empty_text

    error = report.error or ""
    return (
        error.startswith("ME902") or empty_text(error[:5], report.path) or report.kind == "report"
    )


def _load_baseline(path: str) -> Baseline:
    from checker.baseline import BaselineError, load

    try:
        return load(Path(path))
    except BaselineError as exc:
        raise ConfigProblem(str(exc)) from None


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


# --- baseline ------------------------------------------------------------------------------------


@cli.group()
def baseline() -> None:
    """Record today's findings so that `check --baseline FILE` reports only new ones."""


@baseline.command("create")
@click.argument("baseline_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@config_options
def baseline_create(baseline_file: str, paths: tuple[str, ...], force: bool, **opts: Any) -> None:
    """Write a new baseline FILE with every finding in PATHS."""
    target = Path(baseline_file)
    if target.exists() and not force:
        raise ConfigProblem(f"{target} exists; use `mapcheck baseline update` or --force")
    _record(target, paths, opts, previous=None)


@baseline.command("update")
@click.argument("baseline_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@config_options
def baseline_update(baseline_file: str, paths: tuple[str, ...], **opts: Any) -> None:
    """Rewrite baseline FILE with the findings in PATHS now (fixed ones drop out, new ones are
    accepted)."""
    target = Path(baseline_file)
    _record(target, paths, opts, previous=_load_baseline(baseline_file))


def _record(
    target: Path, paths: tuple[str, ...], opts: dict[str, Any], previous: Baseline | None
) -> None:
    from checker.baseline import diff, from_reports, save
    from checker.engine import check_paths
    from checker.model import Verdict

    resolved, _ = _settings(opts)
    reports = [
        r for r in check_paths(list(_named_inputs(paths, resolved.config, False)), resolved.config)
    ]
    errors = [r for r in reports if r.verdict is Verdict.ERROR]
    new = from_reports(reports)
    save(new, target)
    files = len({e.path for e in new.entries})
    message = f"wrote {target}: {len(new.entries)} finding(s) in {files} file(s)"
    if previous is not None:
        added, removed, kept = diff(previous, new)
        message += f" ({added} added, {removed} gone, {kept} kept)"
    click.echo(message)
    for r in errors:
        click.echo(f"not baselined: {r.path}: {r.error}", err=True)


# --- config --------------------------------------------------------------------------------------


@cli.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("show")
@config_options
def config_show(**opts: Any) -> None:
    """Print the effective configuration and where each value came from."""
    from checker.configfile import render

    resolved, cache_origin = _settings(opts)
    cfg = resolved.config
    cache = str(cfg.cache_dir) if cfg.use_cache and cfg.cache_dir is not None else "off"
    click.echo(render(resolved, cache, cache_origin), nl=False)


# --- rules, explain, fix -------------------------------------------------------------------------


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
    from checker.rules.catalogue import explain_text

    click.echo(explain_text(rule))


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


# --- serve ---------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but the loopback address exposes the page (and this "
    "computer's CPU) to the network.",
)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@click.option(
    "--max-upload",
    default=50,
    show_default=True,
    type=click.IntRange(1, 4096),
    metavar="MB",
    help="Refuse uploads larger than this many megabytes.",
)
@click.option("--ocr/--no-ocr", default=True, help="OCR images and scanned pages [default: yes].")
def serve(host: str, port: int, open_browser: bool, max_upload: int, ocr: bool) -> None:
    """A local web page: drop in a map or a document, see the verdict and why."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConfigProblem(f"the web page needs Starlette and uvicorn ({exc})") from None
    from checker.web.app import is_loopback
    from checker.web.app import serve as run_server

    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}, not on the loopback address: anyone who can reach "
            "this computer can use the page",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"mapcheck page at http://{shown}:{port}/ (Ctrl+C stops it)")
    run_server(host, port, open_browser, max_upload * 1024 * 1024, ocr=ocr)


def _add_audit_commands() -> None:
    """``audit`` and ``audit-report`` live in :mod:`checker.audit.cli` (click only at import)."""
    from checker.audit.cli import audit, audit_report

    cli.add_command(audit)
    cli.add_command(audit_report)


_add_audit_commands()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mapcheck")
