"""Helpers shared by the audit tests."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any


def cli_module() -> str:
    """``checker`` once the main group has the audit command, else the package's own
    ``python -m checker.audit`` entry point."""
    from checker.cli import cli

    return "checker" if "audit" in getattr(cli, "commands", {}) else "checker.audit"


def audit_command(*args: str) -> list[str]:
    return [sys.executable, "-m", cli_module(), "audit", *args]


def results(db: Path) -> list[dict[str, Any]]:
    """Every stored result, as the database holds it."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT name, kind, verdict, error, report FROM results ORDER BY name"
        ).fetchall()
    finally:
        conn.close()
    return [
        {"name": n, "kind": k, "verdict": v, "error": e, "report": json.loads(r)}
        for n, k, v, e, r in rows
    ]


def comparable(db: Path, prefix: str = "") -> dict[str, tuple[Any, ...]]:
    """name → (kind, verdict, error, finding fingerprints) for results whose name starts with
    ``prefix``: what two runs of the same audit must agree on (timings and notes may differ).
    Asserts that no name occurs twice."""
    out: dict[str, tuple[Any, ...]] = {}
    for row in results(db):
        if not row["name"].startswith(prefix):
            continue
        assert row["name"] not in out, f"duplicate result for {row['name']}"
        fingerprints = tuple(sorted(f["fingerprint"] for f in row["report"]["findings"]))
        out[row["name"]] = (row["kind"], row["verdict"], row["error"], fingerprints)
    return out


def unit_count(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM units").fetchone()[0])
    finally:
        conn.close()
