"""``check_paths`` on several cores: the same per-file check in worker processes, reports in order.

``mapcheck check`` is often run on a handful of changed files (pre-commit, CI on a pull request),
where starting workers would cost more than it saves, and sometimes on a whole docs or data tree,
where one core leaves most of the machine idle. :func:`plan_jobs` decides: in ``auto`` mode work
is spread only when there are at least :data:`MIN_FILES_PER_WORKER` files per extra worker.

Workers are forked from a process that has already loaded the rules and compiled the lexicon
(:func:`_warm`), so they start in milliseconds and share those pages; where ``fork`` is not
available they are spawned. Reports come back in the order the files were listed, through a
bounded window of pending files, so output is identical to a serial run and memory stays flat.
The batch audit (``mapcheck audit``) is the tool for very large trees: it adds time and memory
limits per file and resumability; this module adds none of those.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from checker.config import Config
from checker.model import FileReport
from checker.readers.base import Source

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

#: In auto mode, one more worker for every this many files.
MIN_FILES_PER_WORKER = 8
#: Files handed out ahead of the one being reported, per worker.
WINDOW_PER_WORKER = 16
#: Files handed to a worker at once, at most; a batch is closed early when its files add up to
#: :data:`BATCH_BYTES`, so that a batch of slow files (dense text costs 30 times more per byte
#: than prose) does not leave one worker with a long tail: three 100 kB documents, a big file
#: alone.
BATCH_FILES = 8
BATCH_BYTES = 256 * 1024

#: The configuration of this worker process (set once by the pool's initializer).
_CONFIG: list[Config] = []


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def plan_jobs(jobs: int | None, files: int) -> int:
    """Worker processes to use: ``jobs`` as asked (0 or ``None``: auto), never more than the
    files; 1 means check in this process."""
    if jobs is not None and jobs > 0:
        return max(1, min(jobs, files))
    return max(1, min(available_cores(), files // MIN_FILES_PER_WORKER))


def _warm() -> None:
    """Load what every check needs once, before workers are forked from this process."""
    from checker.rules import text as text_rules
    from checker.rules.registry import all_rules

    all_rules()
    text_rules._matcher().lex.compile_all()  # the lexicon, its automaton and every pattern
    # Everything loaded so far lives as long as the process: out of the collector's sight, the
    # workers' collections neither walk it nor write to its pages (which stay shared with this
    # process instead of being copied on write).
    gc.freeze()


def _init(config: Config) -> None:
    from checker.cache import forget_inherited

    forget_inherited()
    _CONFIG[:] = [config]


def _check(name: str, explicit: bool) -> FileReport | None:
    from checker.engine import _run

    config = _CONFIG[0]
    return _run(Source(name=name, path=Path(name), max_bytes=config.max_bytes), config, explicit)


def _check_batch(batch: list[tuple[str, bool]]) -> list[FileReport | None]:
    """:func:`_check` for each (name, named) of a batch, in order."""
    return [_check(name, explicit) for name, explicit in batch]


def check_listed(
    items: Iterable[tuple[Source, bool]], config: Config, jobs: int
) -> Iterator[FileReport]:
    """Check ``(source, named)`` items on ``jobs`` workers; yield reports in order (``None``
    reports, files skipped when walking, are dropped). Inputs with data in memory (stdin) are
    checked in this process, in their place, and so is everything answered without checking
    (excluded files, cache hits): the workers, and the rules they load, start only when the
    first file needs checking, so a re-run over an unchanged tree costs no more than a serial one.
    """
    from checker.engine import _run, answered

    window: deque[_Pending | FileReport | None] = deque()
    waiting = 0  # files in the window's batches
    limit = jobs * WINDOW_PER_WORKER
    pool: ProcessPoolExecutor | None = None
    batch: list[tuple[str, bool]] = []
    batch_bytes = 0

    def send() -> None:
        """Hand the open batch to a worker (the pool starts with the first one)."""
        nonlocal pool, batch, batch_bytes, waiting
        if batch:
            if pool is None:
                pool = _start(config, jobs)
            window.append(_Pending(pool.submit(_check_batch, batch), batch))
            waiting += len(batch)
            batch, batch_bytes = [], 0

    def recover(lost: list[tuple[str, bool]]) -> list[FileReport | None]:
        """The reports of a batch whose worker died (killed by the system, most often for
        memory): the pool is broken, so the next batch starts a new one, and each file of
        this batch is checked again alone, so that only the one that kills its worker again
        is reported as such and the run goes on."""
        nonlocal pool
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
            pool = None
        return [_alone(name, named, config) for name, named in lost]

    try:
        for source, named in items:
            if source.path is None:
                send()  # everything listed before it comes first
                window.append(_run(source, config, named))
            else:
                found, report = answered(source, config, named)
                if found:
                    send()
                    window.append(report)
                else:
                    batch.append((source.name, named))
                    batch_bytes += _size(source)
                    if len(batch) >= BATCH_FILES or batch_bytes >= BATCH_BYTES:
                        send()
            while waiting >= limit or (window and not isinstance(window[0], _Pending)):
                waiting -= yield from _report(window.popleft(), recover)
        send()
        while window:
            yield from _report(window.popleft(), recover)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _size(source: Source) -> int:
    """The file's size in bytes, 0 when it cannot be read (its worker reports why)."""
    try:
        return source.size()
    except OSError:
        return 0


def _report(
    item: _Pending | FileReport | None,
    recover: Callable[[list[tuple[str, bool]]], list[FileReport | None]],
) -> Generator[FileReport, None, int]:
    """Yield the reports of a window item (a batch's, in order; ``None`` ones dropped) and
    return how many files of a batch it held (0 for a report made in this process); a batch
    whose worker died is ``recover``-ed."""
    from concurrent.futures.process import BrokenProcessPool

    if not isinstance(item, _Pending):
        if item is not None:
            yield item
        return 0
    try:
        reports = item.future.result()
    except BrokenProcessPool:
        reports = recover(item.batch)
    for report in reports:
        if report is not None:
            yield report
    return len(item.batch)


def _alone(name: str, explicit: bool, config: Config) -> FileReport | None:
    """Check one file in a worker of its own; an error report if that worker dies too."""
    from concurrent.futures.process import BrokenProcessPool

    from checker.engine import _error_report

    pool = _start(config, 1)
    try:
        return pool.submit(_check_batch, [(name, explicit)]).result()[0]
    except BrokenProcessPool:
        return _error_report(
            name,
            "unknown",
            "ME903",
            "the process checking this file was killed by the system (most likely it ran out "
            "of memory); the other files were checked",
            config,
        )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _Pending:
    """A batch of files handed to a worker (the pool's imports stay out of runs that start
    none)."""

    __slots__ = ("batch", "future")

    def __init__(self, future: Future[list[FileReport | None]], batch: list[tuple[str, bool]]):
        self.future = future
        self.batch = batch


def _start(config: Config, jobs: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _warm()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init,
        initargs=(config,),
    )
