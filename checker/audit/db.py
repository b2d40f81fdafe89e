"""The audit database: an SQLite file that records each file's result as it finishes.

Tables:

``units``
    one row per file on disk that is fully dealt with: its absolute path (bytes, the key), the
    name reports show, the root it was found under, size, modification time, sha256 of its
    content, the configuration key it was checked under, and its status (``checked``;
    ``skipped`` when walking found it in no format mapcheck reads; ``retry`` when its result is
    not final because the infrastructure failed, so the next run checks it again);
``results``
    one row per report: a file, or a member of an archive (``member`` is its path inside the
    file, nested archives joined with ``!/``), with the report as JSON (the shape of
    :meth:`checker.model.FileReport.to_dict`) and, for queries, its kind, verdict, error and
    worst severity;
``pictures``
    evidence thumbnails (PNG) for the HTML report, by result key.

Durability: WAL journal, ``synchronous=NORMAL`` (a committed result survives the audit being
killed; only a power cut can lose the last few), and a transaction per file (an archive commits
each member as it arrives). A file is *recorded* once its ``units`` row is committed; resuming
checks only files without one (or whose size, modification time, content or configuration
changed), and every write is keyed, so nothing is lost and nothing is duplicated.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
_SEVERITY = {"info": 1, "warning": 2, "error": 3}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    key BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    root BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    config TEXT NOT NULL,
    status TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    finished REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS units_root ON units(root);
CREATE TABLE IF NOT EXISTS results (
    key BLOB PRIMARY KEY,
    unit BLOB NOT NULL,
    member TEXT,
    ord INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT,
    size INTEGER,
    kind TEXT NOT NULL,
    verdict TEXT NOT NULL,
    error TEXT,
    worst INTEGER NOT NULL,
    report TEXT NOT NULL,
    config TEXT NOT NULL,
    seconds REAL,
    checked REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS results_unit ON results(unit);
CREATE TABLE IF NOT EXISTS pictures (key BLOB PRIMARY KEY, png BLOB NOT NULL);
"""


class DatabaseError(Exception):
    """The file is not an audit database, or one from a newer mapcheck."""


@dataclass(frozen=True)
class UnitState:
    size: int
    mtime_ns: int
    sha256: str | None
    config: str
    status: str


@dataclass(frozen=True)
class ResultRow:
    """One stored report, in report order."""

    key: bytes
    unit: bytes
    member: str | None
    name: str
    sha256: str | None
    kind: str
    verdict: str
    error: str | None
    worst: int
    report: dict[str, Any]
    picture: bytes | None


def member_key(unit: bytes, member: str | None) -> bytes:
    """The results key of a file (``member`` None) or of a member of an archive."""
    if member is None:
        return unit
    return unit + b"!/" + member.encode("utf-8", "backslashreplace")


def worst_severity(report: dict[str, Any]) -> int:
    return max((_SEVERITY.get(f.get("severity"), 0) for f in report.get("findings", ())), default=0)


class AuditStore:
    """The audit database, opened for reading and writing by one process at a time (readers,
    such as ``audit-report`` during an audit, may share it)."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self._lock_fd: int | None = None
        if readonly:
            if not self.path.exists():
                raise DatabaseError(f"{self.path}: no such audit database")
            target = self.path.resolve().as_uri() + "?mode=ro"
        else:
            self._lock()
            target = str(self.path)
        try:
            self.conn = sqlite3.connect(target, uri=readonly, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            self._unlock()
            raise DatabaseError(f"{self.path}: cannot open the database ({exc})") from None
        try:
            self._setup(readonly)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            self._unlock()
            raise DatabaseError(f"{self.path}: not an audit database ({exc})") from None
        self._in_tx = False

    def _lock(self) -> None:
        """One audit at a time per database: a second one would check the same files again.
        (An advisory lock on the file itself; the kernel drops it when the audit dies, even by
        SIGKILL. SQLite's own locks are of another kind and unaffected.)"""
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise DatabaseError(f"{self.path}: cannot open the database ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise DatabaseError(
                f"{self.path}: another audit is using this database; wait for it to finish"
            ) from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

    def _setup(self, readonly: bool) -> None:
        c = self.conn
        c.execute("PRAGMA busy_timeout = 30000")
        if readonly:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema version {version}")
            return
        c.execute("PRAGMA journal_mode = WAL")
        c.execute("PRAGMA synchronous = NORMAL")
        version = c.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"schema version {version} (this mapcheck writes 1)")
        if version == 0:
            tables = c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise sqlite3.DatabaseError("it holds other tables")
        c.executescript(_SCHEMA)
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        c.executescript(
            "CREATE TEMP TABLE IF NOT EXISTS seen (key BLOB PRIMARY KEY, seq INTEGER NOT NULL);"
            "CREATE TEMP TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY, key BLOB NOT NULL,"
            " path BLOB NOT NULL, name TEXT NOT NULL, root BLOB NOT NULL, size INTEGER NOT NULL,"
            " mtime_ns INTEGER NOT NULL, known TEXT);"
        )

    def close(self) -> None:
        """Close; a transaction still open (an interrupted write) is rolled back: a file counts
        as recorded only once its whole transaction is committed."""
        if self._in_tx:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            self._in_tx = False
        self.conn.close()
        self._unlock()

    # --- transactions -------------------------------------------------------------------------

    def begin(self) -> None:
        if not self._in_tx:
            self.conn.execute("BEGIN")
            self._in_tx = True

    def commit(self) -> None:
        if self._in_tx:
            self.conn.execute("COMMIT")
            self._in_tx = False

    # --- meta ---------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    # --- listing ------------------------------------------------------------------------------

    def unit_state(self, key: bytes) -> UnitState | None:
        row = self.conn.execute(
            "SELECT size, mtime_ns, sha256, config, status FROM units WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else UnitState(*row)

    def mark_seen(self, key: bytes, seq: int) -> bool:
        """Note that the walk found ``key``; ``False`` if it was already found in this run."""
        cur = self.conn.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, seq))
        return cur.rowcount == 1

    def enqueue(
        self,
        seq: int,
        key: bytes,
        path: bytes,
        name: str,
        root: bytes,
        size: int,
        mtime_ns: int,
        known: str | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO queue VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, key, path, name, root, size, mtime_ns, known),
        )

    def queued(self, batch: int = 1000) -> Iterator[tuple[Any, ...]]:
        """Queued files in walk order, fetched a page at a time (no cursor stays open across
        the commits that recording results makes)."""
        last = -1
        while True:
            rows = self.conn.execute(
                "SELECT seq, key, path, name, root, size, mtime_ns, known FROM queue "
                "WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def queue_size(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM queue").fetchone()[0])

    def reset_run(self) -> None:
        self.conn.execute("DELETE FROM seen")
        self.conn.execute("DELETE FROM queue")

    def known_members(self, unit: bytes, config: str) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT member, sha256 FROM results WHERE unit = ? AND member IS NOT NULL "
            "AND sha256 IS NOT NULL AND config = ?",
            (unit, config),
        ).fetchall()
        return {m: s for m, s in rows}

    # --- recording ----------------------------------------------------------------------------

    def put_result(
        self,
        unit: bytes,
        member: str | None,
        ord_: int,
        name: str,
        sha256: str | None,
        size: int | None,
        report: dict[str, Any],
        config: str,
        seconds: float,
        picture: bytes | None,
    ) -> bytes:
        key = member_key(unit, member)
        self.conn.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                unit,
                member,
                ord_,
                name,
                sha256,
                size,
                str(report.get("kind", "unknown")),
                str(report.get("verdict", "error")),
                report.get("error"),
                worst_severity(report),
                json.dumps(report, ensure_ascii=False, separators=(",", ":")),
                config,
                seconds,
                time.time(),
            ),
        )
        if picture:
            self.conn.execute("INSERT OR REPLACE INTO pictures VALUES (?, ?)", (key, picture))
        else:
            self.conn.execute("DELETE FROM pictures WHERE key = ?", (key,))
        return key

    def put_unit(
        self,
        key: bytes,
        name: str,
        root: bytes,
        size: int,
        mtime_ns: int,
        sha256: str | None,
        config: str,
        status: str,
        seq: int,
        keep: Iterable[bytes] | None,
    ) -> None:
        """Record a file as dealt with. ``keep`` lists its result keys from this check; any
        other result rows of the file (members an earlier version had) are removed. ``None``
        keeps them all (content unchanged)."""
        if keep is not None:
            keys = set(keep)
            stale = [
                k
                for (k,) in self.conn.execute("SELECT key FROM results WHERE unit = ?", (key,))
                if k not in keys
            ]
            for k in stale:
                self.conn.execute("DELETE FROM results WHERE key = ?", (k,))
                self.conn.execute("DELETE FROM pictures WHERE key = ?", (k,))
        self.conn.execute(
            "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, name, root, size, mtime_ns, sha256, config, status, seq, time.time()),
        )

    def finish_walk(self, roots: Iterable[bytes]) -> int:
        """After a complete run: give every file found its walk position, and forget files
        under ``roots`` that are gone. Returns how many were forgotten."""
        c = self.conn
        c.execute(
            "UPDATE units SET seq = (SELECT seq FROM seen WHERE seen.key = units.key) "
            "WHERE key IN (SELECT key FROM seen)"
        )
        gone = 0
        for root in roots:
            stale = [
                k
                for (k,) in c.execute(
                    "SELECT key FROM units WHERE root = ? AND key NOT IN (SELECT key FROM seen)",
                    (root,),
                )
            ]
            for k in stale:
                c.execute(
                    "DELETE FROM pictures WHERE key IN (SELECT key FROM results WHERE unit = ?)",
                    (k,),
                )
                c.execute("DELETE FROM results WHERE unit = ?", (k,))
                c.execute("DELETE FROM units WHERE key = ?", (k,))
            gone += len(stale)
        return gone

    # --- reading ------------------------------------------------------------------------------

    def results(self, *, pictures: bool = False, seen_only: bool = False) -> Iterator[ResultRow]:
        """Every stored report, in walk order (archive members in archive order)."""
        picture_col = "p.png" if pictures else "NULL"
        where = "WHERE r.unit IN (SELECT key FROM seen)" if seen_only else ""
        sql = (
            f"SELECT r.key, r.unit, r.member, r.name, r.sha256, r.kind, r.verdict, r.error, "
            f"r.worst, r.report, {picture_col} FROM results r "
            "LEFT JOIN units u ON u.key = r.unit "
            f"{'LEFT JOIN pictures p ON p.key = r.key' if pictures else ''} "
            f"{where} ORDER BY coalesce(u.seq, 0), r.unit, r.ord, r.key"
        )
        for row in self.conn.execute(sql):
            yield ResultRow(
                key=row[0],
                unit=row[1],
                member=row[2],
                name=row[3],
                sha256=row[4],
                kind=row[5],
                verdict=row[6],
                error=row[7],
                worst=row[8],
                report=json.loads(row[9]),
                picture=row[10],
            )

    def skipped_count(self) -> int:
        return int(
            self.conn.execute("SELECT count(*) FROM units WHERE status = 'skipped'").fetchone()[0]
        )

    def counts(self, seen_only: bool = False) -> dict[str, int]:
        """Results per verdict."""
        where = "WHERE unit IN (SELECT key FROM seen)" if seen_only else ""
        rows = self.conn.execute(f"SELECT verdict, count(*) FROM results {where} GROUP BY verdict")
        return {v: n for v, n in rows}

    def worst(self, seen_only: bool = False) -> tuple[int, bool, bool]:
        """(worst severity, any error verdict, any undetermined verdict) over the results."""
        where = "WHERE unit IN (SELECT key FROM seen)" if seen_only else ""
        row = self.conn.execute(
            "SELECT coalesce(max(worst), 0), coalesce(max(verdict = 'error'), 0), "
            f"coalesce(max(verdict = 'undetermined'), 0) FROM results {where}"
        ).fetchone()
        return int(row[0]), bool(row[1]), bool(row[2])
