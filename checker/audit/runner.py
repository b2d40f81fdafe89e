"""An audit from start to end: walk, decide what is already recorded, check the rest on an
engine, record each result as it arrives, and forget files that are gone.

1. **List**: the walk (:mod:`checker.audit.walk`) finds every file; a file whose recorded size,
   modification time and configuration match is done already. Others are queued (in a
   temporary table, so that millions of files cost no memory) with the sha256 recorded for
   them, if any: a file that was only touched is recognised by its content and not checked
   again. Paths that cannot be checked (a named pipe, a broken link) are recorded at once.
2. **Check**: the local engine (:mod:`checker.audit.pool`) or Dask
   (:mod:`checker.audit.dask_engine`) runs the queue; each result is written as it arrives.
3. **Finish**: after a complete run, files under the roots that the walk no longer found are
   removed from the database, and reports are written if asked for.

Interrupted at any point (Ctrl-C, ``kill -9``, a power cut after the last commit), the next run
of the same audit checks only the files without a committed record.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from checker import __version__
from checker.audit.db import AuditStore, member_key
from checker.audit.progress import Progress
from checker.audit.protocol import (
    CODE_UNREADABLE,
    ArchiveLimits,
    Outcome,
    Task,
    UnitInfo,
    WorkerSettings,
    error_report,
)
from checker.audit.sandbox import Event
from checker.audit.walk import Entry, walk
from checker.config import Config

ENGINES = ("local", "dask")
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MB = 2048
_LIST_BATCH = 2000


@dataclass(frozen=True)
class AuditOptions:
    """How to run an audit (the configuration says what to report)."""

    config: Config = field(default_factory=Config)
    #: Worker processes (local engine) or Dask workers (a local cluster); default: all cores.
    jobs: int | None = None
    engine: str = "local"
    #: Address of an existing Dask scheduler (implies the Dask engine).
    scheduler: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    follow_symlinks: bool = False
    #: Write evidence pictures here (and keep thumbnails in the database for the HTML report).
    evidence_dir: Path | None = None
    archive_limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    #: ``module:function`` that checks one input (tests substitute slow or greedy ones).
    check_function: str = "checker.engine:check_source"
    #: Load libraries and reference data when a worker starts, before its first file.
    warm_up: bool = True


@dataclass
class AuditStats:
    """What one run did."""

    found: int = 0
    #: Already recorded under the same configuration, size and modification time.
    recorded: int = 0
    queued: int = 0
    #: Files dealt with in this run (checked, skipped or found unchanged).
    finished: int = 0
    unchanged: int = 0
    skipped: int = 0
    results: int = 0
    #: Files removed from the database because the walk no longer finds them.
    gone: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    #: Results per verdict over every file under the roots, recorded earlier or now.
    totals: dict[str, int] = field(default_factory=dict)
    #: Over every result under the roots (not only this run's): for the exit status.
    worst: int = 0
    any_error: bool = False
    any_undetermined: bool = False
    complete: bool = False


def config_key(config: Config) -> str:
    """What must match for a recorded result to stand: everything that changes findings
    (:meth:`Config.key`) and mapcheck's version. The evidence folder is left out: where
    pictures go does not change a verdict."""
    doc = json.loads(replace(config, evidence_dir=None, cache_dir=None).key())
    doc["mapcheck"] = __version__
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


@dataclass
class _Queued:
    key: bytes
    name: str
    root: bytes
    size: int
    mtime_ns: int
    seq: int


class _Recorder:
    """Writes events into the database: a file's results and its ``units`` row in one
    transaction; an archive's members as each arrives."""

    def __init__(
        self, store: AuditStore, cfg_key: str, stats: AuditStats, progress: Progress
    ) -> None:
        self.store = store
        self.cfg_key = cfg_key
        self.stats = stats
        self.progress = progress
        self.tasks: dict[int, _Queued] = {}
        self.keep: dict[int, set[bytes]] = {}
        self.errors: dict[int, int] = {}
        self.pending: dict[int, list[Outcome]] = {}

    def add(self, task_id: int, queued: _Queued) -> None:
        self.tasks[task_id] = queued
        self.keep[task_id] = set()
        self.errors[task_id] = 0

    def __call__(self, task_id: int, event: Event) -> None:
        what, payload = event
        q = self.tasks[task_id]
        if what == "result":
            outcome: Outcome = payload
            verdict = str(outcome.report.get("verdict"))
            self.stats.results += 1
            self.stats.verdicts[verdict] += 1
            if verdict == "error":
                self.errors[task_id] += 1
            if outcome.member is None:
                # Written with the file's ``units`` row, in one transaction.
                self.pending.setdefault(task_id, []).append(outcome)
                return
            self.store.begin()
            self.keep[task_id].add(self._put(q, outcome))
            self.store.commit()
        elif what == "same":
            self.keep[task_id].add(member_key(q.key, payload))
        elif what == "done":
            info: UnitInfo = payload
            self.store.begin()
            keep = self.keep.pop(task_id)
            for outcome in self.pending.pop(task_id, ()):
                keep.add(self._put(q, outcome))
            if info.status == "unchanged":
                state = self.store.unit_state(q.key)
                status = state.status if state is not None else "checked"
                self.store.put_unit(
                    q.key, q.name, q.root, q.size, q.mtime_ns, info.sha256, self.cfg_key,
                    status, q.seq, None,
                )  # fmt: skip
                self.stats.unchanged += 1
            else:
                self.store.put_unit(
                    q.key, q.name, q.root, q.size, q.mtime_ns, info.sha256, self.cfg_key,
                    info.status, q.seq, keep,
                )  # fmt: skip
                if info.status == "skipped":
                    self.stats.skipped += 1
            self.store.commit()
            self.stats.finished += 1
            del self.tasks[task_id]
            self.progress.advance(1, errors=min(self.errors.pop(task_id), 1))

    def _put(self, q: _Queued, outcome: Outcome) -> bytes:
        return self.store.put_result(
            q.key,
            outcome.member,
            outcome.ord,
            outcome.name,
            outcome.sha256,
            outcome.size,
            outcome.report,
            self.cfg_key,
            outcome.seconds,
            outcome.picture,
        )


def run_audit(
    roots: Sequence[str],
    db_path: str | Path,
    options: AuditOptions | None = None,
    *,
    progress: Progress | None = None,
    on_listed: Callable[[], None] | None = None,
) -> AuditStats:
    """Audit every file under ``roots`` into the database at ``db_path`` and return counts.

    ``on_listed`` is called between listing and checking (tests use it to make files vanish
    in between). Raises :class:`~checker.audit.db.DatabaseError` for a file that is not an
    audit database and :class:`~checker.audit.sandbox.WorkerStartError` when worker processes
    cannot start; ``KeyboardInterrupt`` stops the audit with everything finished so far kept.
    """
    opts = options or AuditOptions()
    if opts.engine not in ENGINES:
        raise ValueError(f"unknown engine {opts.engine!r} (expected local or dask)")
    config = replace(opts.config, cache_dir=None, use_cache=False, evidence_dir=opts.evidence_dir)
    if config.root is None:
        # No configuration file: paths in fingerprints (and globs) are relative to the audited
        # folder, so an audit resumed from another working directory records the same results.
        config = replace(config, root=_common_root(roots))
    progress = progress or Progress(enabled=False)
    cfg_key = config_key(config)
    stats = AuditStats()
    store = AuditStore(db_path)
    try:
        store.set_meta("mapcheck", __version__)
        store.set_meta("config", cfg_key)
        root_keys = [os.fsencode(os.path.abspath(r)) for r in roots]
        _list(store, roots, config, opts, cfg_key, stats, progress)
        if on_listed is not None:
            on_listed()
        recorder = _Recorder(store, cfg_key, stats, progress)
        progress.start(stats.queued, stats.recorded)
        settings = WorkerSettings(
            config=config,
            memory_mb=opts.memory_mb,
            timeout_s=opts.timeout_s,
            thumbnails=opts.evidence_dir is not None,
            check_function=opts.check_function,
            archive_limits=opts.archive_limits,
            warm_up=opts.warm_up,
        )
        tasks = _tasks(store, cfg_key, recorder)
        from checker.parallel import available_cores

        jobs = opts.jobs or available_cores()
        if opts.engine == "dask" or opts.scheduler:
            from checker.audit.dask_engine import run_dask

            run_dask(tasks, settings, jobs, opts.scheduler, recorder)
        else:
            from checker.audit.pool import run_local

            run_local(tasks, settings, jobs, recorder)
        store.begin()
        stats.gone = store.finish_walk(root_keys)
        store.commit()
        stats.complete = True
        progress.finish()
        stats.worst, stats.any_error, stats.any_undetermined = store.worst(seen_only=True)
        stats.totals = store.counts(seen_only=True)
    finally:
        store.close()
    return stats


def _common_root(roots: Sequence[str]) -> Path | None:
    """The folder that holds every root (a file root counts as its folder)."""
    folders = [
        os.path.abspath(r) if os.path.isdir(r) else os.path.dirname(os.path.abspath(r))
        for r in roots
    ]
    if not folders:
        return None
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # different drives (Windows)
        return None


def _list(
    store: AuditStore,
    roots: Sequence[str],
    config: Config,
    opts: AuditOptions,
    cfg_key: str,
    stats: AuditStats,
    progress: Progress,
) -> None:
    store.begin()
    store.reset_run()
    seq = 0
    for entry in walk(roots, config, follow_symlinks=opts.follow_symlinks):
        seq += 1
        if not store.mark_seen(entry.key, seq):
            continue  # found again through an overlapping root
        stats.found += 1
        state = store.unit_state(entry.key)
        fresh = (
            state is not None
            and state.status != "retry"
            and state.config == cfg_key
            and state.size == entry.size
            and state.mtime_ns == entry.mtime_ns
        )
        if fresh:
            stats.recorded += 1
        elif entry.problem is not None:
            _record_problem(store, entry, config, cfg_key, seq, stats)
        else:
            reusable = state is not None and state.config == cfg_key and state.status != "retry"
            known = state.sha256 if reusable and state is not None else None
            store.enqueue(
                seq,
                entry.key,
                os.fsencode(entry.path),
                entry.name,
                entry.root,
                entry.size,
                entry.mtime_ns,
                known,
            )
            stats.queued += 1
        if seq % _LIST_BATCH == 0:
            store.commit()
            store.begin()
            progress.listing(stats.found)
    store.commit()


def _record_problem(
    store: AuditStore, entry: Entry, config: Config, cfg_key: str, seq: int, stats: AuditStats
) -> None:
    assert entry.problem is not None
    report = error_report(entry.name, CODE_UNREADABLE, entry.problem, config)
    key = store.put_result(entry.key, None, 0, entry.name, None, None, report, cfg_key, 0.0, None)
    store.put_unit(
        entry.key, entry.name, entry.root, entry.size, entry.mtime_ns, None, cfg_key,
        "checked", seq, {key},
    )  # fmt: skip
    stats.results += 1
    stats.verdicts["error"] += 1


def _tasks(store: AuditStore, cfg_key: str, recorder: _Recorder) -> Iterator[Task]:
    for task_id, (seq, key, path, name, root, size, mtime_ns, known) in enumerate(
        store.queued(), start=1
    ):
        recorder.add(task_id, _Queued(key, name, root, size, mtime_ns, seq))
        members = store.known_members(key, cfg_key)
        yield Task(
            id=task_id,
            path=os.fsdecode(path),
            name=name,
            size=size,
            known_sha256=known,
            known_members=members,
        )
