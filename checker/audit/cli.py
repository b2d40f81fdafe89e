"""``mapcheck audit`` and ``mapcheck audit-report``: standalone click commands, added to the main
``mapcheck`` group with ``cli.add_command(...)`` (and served by ``python -m checker.audit``).

Thin, like the rest of the command line: parse, make one library call
(:func:`checker.audit.runner.run_audit`, :func:`checker.audit.report.render`), print a summary,
map the outcome to an exit status. Exit statuses follow ``mapcheck check`` over every file under
the roots (recorded earlier or now): 0 nothing at or above ``--fail-on``, 1 findings at or above
it, 2 a usage error, a file that could not be checked, or an audit that was interrupted
(130 for Ctrl-C).
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from checker.cli_options import policy_options, policy_values

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class _Problem(click.ClickException):
    exit_code = EXIT_ERROR


def _config(opts: dict[str, Any]) -> Any:
    """The effective configuration: the configuration file, then the policy options."""
    from checker.configfile import ConfigError, resolve

    config_file = opts.get("config_file")
    try:
        resolved = resolve(
            policy_values(opts),
            config_file=Path(config_file) if config_file else None,
            extra={"use_cache": False, "cache_dir": None},
        )
    except (ConfigError, ValueError) as exc:
        raise _Problem(str(exc)) from None
    if resolved.file is None:
        # No configuration file: the audit makes paths relative to the audited folder rather
        # than to the working directory (see run_audit), so resuming from elsewhere matches.
        return replace(resolved.config, root=None)
    return resolved.config


@click.command("audit")
@click.argument("roots", metavar="ROOT...", nargs=-1, required=True, type=click.Path())
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False),
    help="The audit database (SQLite). Created if missing; run the same command again to "
    "resume an interrupted audit or to re-check what changed.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (local) or Dask workers (local cluster) [default: all cores].",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Run workers on this machine, or on dask.distributed.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Address of an existing Dask scheduler (e.g. tcp://10.0.0.5:8786); implies "
    "--engine dask. Without it, --engine dask starts a local cluster.",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help="Write audit.json, audit.csv and audit.html here when the audit ends, and evidence "
    "pictures of images in DIR/evidence.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.5),
    default=120.0,
    show_default=True,
    help="Seconds a file (or archive member) may take before its worker is killed and the "
    "file gets an error verdict.",
)
@click.option(
    "--memory",
    type=click.IntRange(min=512),
    default=2048,
    show_default=True,
    help="Address-space limit of each worker process, in MB; a file that needs more gets an "
    "error verdict.",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Enter symlinked folders (each real folder once, so loops end).",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Show progress on standard error (a bar on a terminal, a line every 10 s elsewhere).",
)
@policy_options
def audit(
    roots: tuple[str, ...],
    db: str,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    report_dir: str | None,
    timeout: float,
    memory: int,
    follow_symlinks: bool,
    progress: bool,
    **opts: Any,
) -> None:
    """Audit every file under ROOT... in parallel, recording each result in the database as it
    finishes. Archives (zip, tar, tar.gz, .gz) are opened, within limits. Interrupted, it
    resumes where it stopped."""
    from checker.audit.db import AuditStore, DatabaseError
    from checker.audit.progress import Progress
    from checker.audit.runner import AuditOptions, run_audit
    from checker.audit.sandbox import WorkerStartError

    config = _config(opts)
    report_path = Path(report_dir) if report_dir else None
    options = AuditOptions(
        config=config,
        jobs=jobs,
        engine="dask" if scheduler else engine,
        scheduler=scheduler,
        timeout_s=timeout,
        memory_mb=memory,
        follow_symlinks=follow_symlinks,
        evidence_dir=(report_path / "evidence") if report_path else None,
    )
    if report_path is not None:
        (report_path / "evidence").mkdir(parents=True, exist_ok=True)
    meter = Progress(enabled=progress)
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        stats = run_audit(list(roots), db, options, progress=meter)
    except KeyboardInterrupt:
        click.echo(
            f"\naudit interrupted; results so far are in {db}. Run the same command to resume.",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    except DatabaseError as exc:
        raise _Problem(str(exc)) from None
    except WorkerStartError as exc:
        raise _Problem(str(exc)) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    order = ("flag", "warn", "clean", "undetermined", "error")
    verdicts = ", ".join(f"{stats.totals[v]:,} {v}" for v in order if stats.totals.get(v)) or "none"
    click.echo(
        f"audit: {stats.found:,} files under the roots; {stats.recorded:,} already recorded, "
        f"{stats.finished:,} dealt with now ({stats.skipped:,} skipped as unsupported, "
        f"{stats.unchanged:,} unchanged); results: {verdicts}; database {db}",
        err=True,
    )
    if report_path is not None:
        from checker.audit.report import write_reports

        store = AuditStore(db, readonly=True)
        try:
            for written in write_reports(store, report_path):
                click.echo(f"wrote {written}", err=True)
        finally:
            store.close()
    status = EXIT_OK
    if stats.worst >= int(config.fail_on) or (
        config.fail_on_undetermined and stats.any_undetermined
    ):
        status = EXIT_FINDINGS
    if stats.any_error:
        status = EXIT_ERROR
    sys.exit(status)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@click.command("audit-report")
@click.argument("db", metavar="FILE", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "html"]),
    default="json",
    show_default=True,
    help="json: the shape of `check --format json`; csv: a row per file; html: one "
    "self-contained page with counts, findings, evidence and filters.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write here (atomically) instead of standard output.",
)
def audit_report(db: str, fmt: str, output: str | None) -> None:
    """Render the report of the audit database FILE (also while the audit runs)."""
    from checker.audit.db import AuditStore, DatabaseError
    from checker.audit.report import output as open_output
    from checker.audit.report import render

    if not os.path.exists(db):
        raise _Problem(f"{db}: no such audit database")
    try:
        store = AuditStore(db, readonly=True)
    except DatabaseError as exc:
        raise _Problem(str(exc)) from None
    try:
        with open_output(output) as out:
            render(store, fmt, out)
    finally:
        store.close()


__all__ = ["audit", "audit_report"]
