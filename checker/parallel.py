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

import os
from collections import deque
from collections.abc import Iterable, Iterator
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


def _init(config: Config) -> None:
    from checker.cache import forget_inherited

    forget_inherited()
    _CONFIG[:] = [config]


def _check(name: str, explicit: bool) -> FileReport | None:
    from checker.engine import _run

    config = _CONFIG[0]
    return _run(Source(name=name, path=Path(name), max_bytes=config.max_bytes), config, explicit)


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
    limit = jobs * WINDOW_PER_WORKER
    pool: ProcessPoolExecutor | None = None
    try:
        for source, named in items:
            if source.path is None:
                window.append(_run(source, config, named))
            else:
                found, report = answered(source, config, named)
                if found:
                    window.append(report)
                else:
                    if pool is None:
                        pool = _start(config, jobs)
                    window.append(_Pending(pool.submit(_check, source.name, named)))
            while len(window) >= limit or (window and not isinstance(window[0], _Pending)):
                report = _result(window.popleft())
                if report is not None:
                    yield report
        while window:
            report = _result(window.popleft())
            if report is not None:
                yield report
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class _Pending:
    """A file handed to a worker (the pool's imports stay out of runs that start none)."""

    __slots__ = ("future",)

    def __init__(self, future: Future[FileReport | None]) -> None:
        self.future = future


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


def _result(item: _Pending | FileReport | None) -> FileReport | None:
    return item.future.result() if isinstance(item, _Pending) else item
