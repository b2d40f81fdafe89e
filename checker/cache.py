"""The result cache: an unchanged file is answered from SQLite instead of being checked again.

Key: sha256 of everything that decides a file's report: the file's content (sha256), the path as
reported (findings and fingerprints carry it), the effective configuration for that path
(:meth:`checker.config.Config.key` after :meth:`~checker.config.Config.for_path`) and a *salt*:
mapcheck's version, a hash of its own source and data files (every rule, reader and profile:
change a rule and every entry is stale) and whether the OCR engine is installed. Value: the
:class:`~checker.model.FileReport`, serialised losslessly (:func:`report_to_json`).

The file's sha256 is itself remembered by its path, size, modification and change times and
inode, so an unchanged tree is answered without reading its files
(:meth:`ResultCache.content_hash`).

Where: ``$MAPCHECK_CACHE_DIR/cache.sqlite`` if that variable is set, else
``.mapcheck-cache/cache.sqlite`` in the working directory (:func:`default_cache_dir`); the
command line's ``--no-cache`` turns it off. Library users opt in with ``Config(cache_dir=...)``.

Safety: WAL journal and a busy timeout let concurrent runs share one cache; a cache file that is
not a database, or is damaged, is moved aside and rebuilt, and if even that fails the run goes on
uncached: the cache never makes a check fail. Reports that depend on something other than the
file's content are never stored: missing files, permission errors, out-of-memory and internal
errors (:func:`cacheable`). Entries left by other mapcheck versions are dropped when the cache is
opened, and the oldest entries beyond :data:`MAX_ENTRIES` when it is closed.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker import __version__
from checker.model import FileReport, Finding, Location, Severity, Verdict

if TYPE_CHECKING:
    from checker.config import Config
    from checker.readers.base import Source

CACHE_DIR_ENV = "MAPCHECK_CACHE_DIR"
DEFAULT_DIR_NAME = ".mapcheck-cache"
DB_NAME = "cache.sqlite"
SCHEMA = 1
MAX_ENTRIES = 50_000
#: Seconds a writer waits for another process's transaction before giving up on one entry.
BUSY_TIMEOUT_S = 30.0
#: Error messages the engine gives for conditions of the moment, not of the content.
#: Remembered content hashes up to this many are read in one query when a run starts.
BULK_HASHES = 20_000
#: Seconds after its last change before a file's content hash is remembered by its times.
RACY_S = 2.0
_TRANSIENT = ("no such file", "permission denied", "is a directory", "ran out of memory")


def default_cache_dir(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """``$MAPCHECK_CACHE_DIR``, else ``.mapcheck-cache`` in the working directory."""
    env = os.environ if environ is None else environ
    value = env.get(CACHE_DIR_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    return (cwd or Path.cwd()) / DEFAULT_DIR_NAME


# --- serialisation (lossless: a cached report renders exactly like a fresh one) -----------------


def report_to_json(report: FileReport) -> str:
    doc = {
        "path": report.path,
        "kind": report.kind,
        "verdict": report.verdict.value,
        "findings": [_finding_doc(f) for f in report.findings],
        "error": report.error,
        "notes": list(report.notes),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def report_from_json(text: str) -> FileReport:
    """The inverse of :func:`report_to_json`; ``ValueError``/``KeyError``/``TypeError`` if the
    text is not one."""
    doc = json.loads(text)
    return FileReport(
        path=str(doc["path"]),
        kind=str(doc["kind"]),
        verdict=Verdict(doc["verdict"]),
        findings=tuple(_finding_from(d) for d in doc["findings"]),
        error=doc["error"],
        notes=tuple(str(n) for n in doc["notes"]),
    )


_LOCATION_FIELDS = (
    "path",
    "layer",
    "feature_index",
    "feature_id",
    "properties",
    "page",
    "line",
    "column",
    "row",
    "key_path",
    "pixel_box",
    "lonlat",
)


def _finding_doc(f: Finding) -> dict[str, Any]:
    loc = {k: _plain(getattr(f.location, k)) for k in _LOCATION_FIELDS}
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity.label,
        "message": f.message,
        "location": loc,
        "confidence": float(f.confidence),
        "evidence": _plain(f.evidence),
        "suggestion": f.suggestion,
        "policy": f.policy,
        "fingerprint": f.fingerprint,
    }


def _finding_from(d: dict[str, Any]) -> Finding:
    raw = d["location"]
    loc = Location(
        path=raw["path"],
        layer=raw["layer"],
        feature_index=raw["feature_index"],
        feature_id=raw["feature_id"],
        properties=raw["properties"],
        page=raw["page"],
        line=raw["line"],
        column=raw["column"],
        row=raw["row"],
        key_path=raw["key_path"],
        pixel_box=tuple(raw["pixel_box"]) if raw["pixel_box"] is not None else None,
        lonlat=tuple(raw["lonlat"]) if raw["lonlat"] is not None else None,
    )
    return Finding(
        code=d["code"],
        name=d["name"],
        severity=Severity.parse(d["severity"]),
        message=d["message"],
        location=loc,
        confidence=float(d["confidence"]),
        evidence=d["evidence"],
        suggestion=d["suggestion"],
        policy=d["policy"],
        fingerprint=d["fingerprint"],
    )


def _plain(value: Any) -> Any:
    """JSON-ready without rounding: numpy scalars unwrapped, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "item"):
        try:
            return _plain(value.item())
        except (TypeError, ValueError):
            pass
    return str(value)


def cacheable(report: FileReport | None) -> bool:
    """Whether a report depends only on the file's content and the settings (so may be stored)."""
    if report is None or report.verdict is not Verdict.ERROR:
        return True
    code, _, message = (report.error or "").partition(":")
    if code.strip() == "ME907":  # an internal error may be a missing library or a bug fixed later
        return False
    return message.strip() not in _TRANSIENT


# --- the salt: what besides the file and the settings decides a report --------------------------


#: The salt of this process, once computed (:func:`salt`).
_SALT: list[str] = []
#: Files larger than this are not expected among mapcheck's own files; they are hashed all the
#: same, but the walk stops after :data:`_MAX_SOURCE_FILES` files.
_MAX_SOURCE_FILES = 5000


def _source_files() -> tuple[Path, list[Path]]:
    """mapcheck's own source and data files (the package and the reference boundaries), and the
    folder that holds both."""
    import checker

    package = Path(checker.__file__).resolve().parent
    out: list[Path] = []
    for root in (package, package.parent / "reference_boundaries"):
        if root.is_dir():
            out.extend(
                p
                for p in root.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
            )
    return package.parent, sorted(out)[:_MAX_SOURCE_FILES]


def salt(db: sqlite3.Connection | None = None) -> str:
    """mapcheck's version, a hash of every one of its source and data files, and whether the
    OCR engine is installed; computed once per process.

    Hashing ~8 MB of files on every start would cost more than a cached run, so file hashes are
    remembered in the cache database by path, size and modification time (as git's index does)
    and only changed files are read again.
    """
    if _SALT:
        return _SALT[0]
    memo: dict[str, tuple[int, int, str]] = {}
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            for path, size, mtime, digest in db.execute("SELECT * FROM source_files"):
                memo[path] = (size, mtime, digest)
    total = hashlib.sha256(f"schema={SCHEMA};version={__version__}".encode())
    fresh: list[tuple[str, int, int, str]] = []
    base, files = _source_files()
    for file in files:
        st = file.stat()
        key = str(file)
        known = memo.get(key)
        if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
            digest = known[2]
        else:
            with open(file, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            fresh.append((key, st.st_size, st.st_mtime_ns, digest))
        total.update(f"{os.path.relpath(file, base)}\0{digest}\0".encode())
    # What reads map labels and scanned pages, if anything: results differ between engines.
    from checker import tesseract

    total.update(f"ocr={tesseract.engine_key()}".encode())
    if db is not None and fresh:
        with contextlib.suppress(sqlite3.Error):
            db.executemany("INSERT OR REPLACE INTO source_files VALUES (?, ?, ?, ?)", fresh)
    _SALT.append(total.hexdigest())
    return _SALT[0]


def reset_salt() -> None:
    """Forget this process's salt (tests change mapcheck's files under it)."""
    _SALT.clear()


def cache_key(source_name: str, content_sha256: str, config: Config, named: bool = True) -> str:
    """The entry's key. ``named``: the file was named on the command line rather than found by
    walking a folder (an unsupported format is then an error rather than skipped)."""
    parts = (salt(), config.key(), source_name, content_sha256, "named" if named else "walked")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# --- the store -----------------------------------------------------------------------------------


class ResultCache:
    """One SQLite file of cached reports. Every method swallows database errors (a cache must
    never break a run); :attr:`usable` turns false when the cache cannot be used at all."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / DB_NAME
        self.usable = True
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        #: Remembered content hashes by path (:meth:`_known_hash`), and whether that is all.
        self._hashes: dict[str, tuple[Any, ...]] | None = None
        self._all_hashes = False
        try:
            self._db = self._open()
        except sqlite3.OperationalError:
            # Locked past the timeout, read-only or out of space: not damage. Leave the file
            # alone (another run may be using it) and go on without a cache.
            self.usable = False
        except sqlite3.DatabaseError:  # not a database, or a damaged one
            self._recover()
        except OSError:
            self.usable = False

    def _open(self) -> sqlite3.Connection:
        """Open (and set up) the database, retrying while another process holds it.

        SQLite answers "database is locked" at once, without waiting out the busy timeout, when
        waiting could deadlock: two processes that create the same new cache together both want
        to switch it to WAL and create its tables. Such a lock is brief, so it is retried with a
        short, growing pause for up to :data:`BUSY_TIMEOUT_S`.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        pause = 0.005
        while True:
            try:
                return self._open_once()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _open_once(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        _write_cachedir_tag(self.directory)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS reports ("
                " key TEXT PRIMARY KEY, salt TEXT NOT NULL, report TEXT NOT NULL,"
                " created REAL NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS reports_salt ON reports (salt)")
            db.execute("CREATE INDEX IF NOT EXISTS reports_created ON reports (created)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS source_files ("
                " path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha256 TEXT)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS file_hashes ("
                " path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,"
                " inode INTEGER, sha256 TEXT)"
            )
            # Entries from other mapcheck versions (or rules) can never match again.
            db.execute("DELETE FROM reports WHERE salt != ?", (salt(db),))
        except BaseException:
            db.close()
            raise
        return db

    def _recover(self) -> None:
        """Move a damaged cache aside and start a new one; give up quietly if that fails too."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        self._hashes, self._all_hashes = None, False
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                with contextlib.suppress(OSError):
                    os.replace(part, part.with_name(f"{part.name}.corrupt-{stamp}"))
        try:
            self._db = self._open()
        except (sqlite3.Error, OSError):
            self._db = None
            self.usable = False

    def content_hash(self, path: Path, st: os.stat_result) -> str:
        """sha256 of the file's content, read again only when its size, modification or change
        time or inode differ from when it was last hashed (as git's index does). A file changed
        modified within :data:`RACY_S` of being hashed is not remembered: a second change in the
        same clock tick could leave its times as they were."""
        where = os.path.abspath(path)
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        row = self._known_hash(where)
        if row is not None and tuple(row[:4]) == stamp:
            return str(row[4])
        with open(path, "rb") as fh:  # read-only, streamed: no second copy in memory
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        settled = time.time_ns() - st.st_mtime_ns > RACY_S * 1e9
        if self._db is not None and settled:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute(
                    "INSERT OR REPLACE INTO file_hashes VALUES (?, ?, ?, ?, ?, ?)",
                    (where, *stamp, digest),
                )
                if self._hashes is not None:
                    self._hashes[where] = (*stamp, digest)
        return digest

    def _known_hash(self, where: str) -> tuple[Any, ...] | None:
        """(size, mtime_ns, ctime_ns, inode, sha256) remembered for a path. A small table is
        read whole at the first call (one query instead of one per file of a walk)."""
        if self._db is None:
            return None
        try:
            if self._hashes is None:
                self._hashes = {}
                (count,) = self._db.execute("SELECT COUNT(*) FROM file_hashes").fetchone()
                if count <= BULK_HASHES:
                    rows = self._db.execute("SELECT * FROM file_hashes")
                    self._hashes = {r[0]: tuple(r[1:]) for r in rows}
                    self._all_hashes = True
            if self._all_hashes:
                return self._hashes.get(where)
            row = self._db.execute(
                "SELECT size, mtime_ns, ctime_ns, inode, sha256 FROM file_hashes WHERE path = ?",
                (where,),
            ).fetchone()
        except sqlite3.Error:
            return None
        return tuple(row) if row is not None else None

    def get(self, key: str) -> tuple[bool, FileReport | None]:
        """(found, report); a stored ``None`` means "skipped: not a format mapcheck reads"."""
        if self._db is None:
            return False, None
        try:
            row = self._db.execute("SELECT report FROM reports WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return False, None
        except sqlite3.DatabaseError:
            self._recover()
            return False, None
        if row is None:
            self.misses += 1
            return False, None
        try:
            report = None if row[0] == "null" else report_from_json(row[0])
        except (ValueError, KeyError, TypeError):
            self._delete(key)  # an entry this version cannot read: check again
            self.misses += 1
            return False, None
        self.hits += 1
        return True, report

    def put(self, key: str, report: FileReport | None) -> None:
        if self._db is None or not cacheable(report):
            return
        text = "null" if report is None else report_to_json(report)
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO reports (key, salt, report, created) VALUES (?, ?, ?, ?)",
                (key, salt(), text, time.time()),
            )
        except sqlite3.OperationalError:
            pass  # busy past the timeout, disk full, read-only: this entry is simply not cached
        except sqlite3.DatabaseError:
            self._recover()

    def _delete(self, key: str) -> None:
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("DELETE FROM reports WHERE key = ?", (key,))

    def close(self) -> None:
        if self._db is None:
            return
        try:
            (count,) = self._db.execute("SELECT COUNT(*) FROM reports").fetchone()
            if count > MAX_ENTRIES:
                self._db.execute(
                    "DELETE FROM reports WHERE key IN"
                    " (SELECT key FROM reports ORDER BY created LIMIT ?)",
                    (count - MAX_ENTRIES,),
                )
            (count,) = self._db.execute("SELECT COUNT(*) FROM file_hashes").fetchone()
            if count > MAX_ENTRIES:
                self._db.execute(
                    "DELETE FROM file_hashes WHERE rowid IN"
                    " (SELECT rowid FROM file_hashes ORDER BY rowid LIMIT ?)",
                    (count - MAX_ENTRIES,),
                )
            self._db.close()
        except sqlite3.Error:
            pass
        self._db = None


def _write_cachedir_tag(directory: Path) -> None:
    """Mark the folder as a cache (backup tools skip it) and keep it out of git."""
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file marks mapcheck's result cache (https://bford.info/cachedir/).\n",
            encoding="ascii",
        )
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="ascii")


_OPEN: dict[Path, ResultCache] = {}


def open_cache(directory: Path) -> ResultCache | None:
    """The process's cache for ``directory`` (opened once), or ``None`` if it is unusable."""
    cache = _OPEN.get(directory)  # the same Path object every time within a run: no stat, no I/O
    if cache is None:
        key = Path(os.path.abspath(directory))
        cache = _OPEN.get(key)
        if cache is None:
            cache = ResultCache(key)
            _OPEN[key] = cache
        _OPEN[directory] = cache
    return cache if cache.usable else None


#: Caches a forked worker inherited from its parent: kept referenced, never used or closed.
_INHERITED: list[ResultCache] = []


def forget_inherited() -> None:
    """In a process forked from one that had caches open: leave the parent's SQLite connections
    alone (a connection must not be used across ``fork``) so this process opens its own."""
    _INHERITED.extend(_OPEN.values())
    _OPEN.clear()


@atexit.register
def close_all() -> None:
    """Close every cache this process opened (prunes them past :data:`MAX_ENTRIES`)."""
    caches = {id(c): c for c in _OPEN.values()}
    _OPEN.clear()
    for cache in caches.values():
        cache.close()


def lookup(source: Source, config: Config, named: bool = True) -> tuple[bool, FileReport | None]:
    """``(found, report)`` for ``source`` from the cache, without checking anything; ``found``
    is false when the cache is off, cannot be used, or has no entry for this content and these
    settings. ``config`` is the file's own (after :meth:`~checker.config.Config.for_path`)."""
    key = _key_for(source, config, named)
    if key is None:
        return False, None
    cache = open_cache(config.cache_dir) if config.cache_dir is not None else None
    return cache.get(key) if cache is not None else (False, None)


def cached_run(
    source: Source,
    config: Config,
    compute: Callable[[], FileReport | None],
    named: bool = True,
) -> FileReport | None:
    """``compute()``'s report for ``source``, from the cache when the same content was checked
    with the same settings before. Files that cannot be read are checked uncached (the engine
    reports why), so nothing transient is ever stored."""
    key = _key_for(source, config, named)
    cache = open_cache(config.cache_dir) if key is not None and config.cache_dir else None
    if key is None or cache is None:
        return compute()
    found, report = cache.get(key)
    if found:
        return report
    report = compute()
    cache.put(key, report)
    return report


def _key_for(source: Source, config: Config, named: bool) -> str | None:
    """The cache key of ``source`` under ``config``; ``None`` when it is not cached (cache off
    or unusable, data from stdin, a file too large or that cannot be read now)."""
    if config.cache_dir is None or source.path is None:
        return None
    cache = open_cache(config.cache_dir)
    if cache is None:
        return None
    try:
        st = source.path.stat()
        if st.st_size > config.max_bytes or not stat.S_ISREG(st.st_mode):
            return None
        content = cache.content_hash(source.path, st)
    except OSError:
        return None
    return cache_key(source.name, content, config, named)
