"""Batch audits: many files, in parallel, resumable, reported (``mapcheck audit``).

An audit walks folders (and opens archives within limits), checks each file in a worker
process that has a time and a memory limit, and records each result in an SQLite database as
it finishes, so an audit killed at any point resumes without losing or repeating a result.
Workers run on this machine or on ``dask.distributed``; ``mapcheck audit-report`` renders the
database as JSON (the shape of ``check --format json``), CSV or a self-contained HTML page.

Library use::

    from checker.audit import AuditOptions, run_audit, render_report
    stats = run_audit(["archive/"], "audit.sqlite", AuditOptions(jobs=4))

Modules: :mod:`.walk` (the folder walk), :mod:`.archives` (bounded archive expansion),
:mod:`.worker` (the worker process), :mod:`.sandbox` (starting, watching and replacing
workers), :mod:`.pool` (the local engine), :mod:`.dask_engine`, :mod:`.db` (the database),
:mod:`.runner` (an audit from start to end), :mod:`.report`, :mod:`.progress`, :mod:`.cli`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.audit.db import AuditStore, DatabaseError
    from checker.audit.protocol import ArchiveLimits
    from checker.audit.report import render as render_report
    from checker.audit.runner import AuditOptions, AuditStats, run_audit

__all__ = [
    "ArchiveLimits",
    "AuditOptions",
    "AuditStats",
    "AuditStore",
    "DatabaseError",
    "render_report",
    "run_audit",
]

_WHERE = {
    "ArchiveLimits": ("checker.audit.protocol", "ArchiveLimits"),
    "AuditOptions": ("checker.audit.runner", "AuditOptions"),
    "AuditStats": ("checker.audit.runner", "AuditStats"),
    "run_audit": ("checker.audit.runner", "run_audit"),
    "AuditStore": ("checker.audit.db", "AuditStore"),
    "DatabaseError": ("checker.audit.db", "DatabaseError"),
    "render_report": ("checker.audit.report", "render"),
}


def __getattr__(name: str) -> Any:
    """Lazy exports: importing the package (as the CLI does) stays cheap."""
    if name in _WHERE:
        import importlib

        module, attr = _WHERE[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'checker.audit' has no attribute {name!r}")
