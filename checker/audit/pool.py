"""The local engine: ``jobs`` worker processes on this machine, one task each at a time.

A single-threaded event loop in the audit's process: it hands a task to each idle worker, waits
on all workers' output pipes at once with a timeout that is the nearest deadline (the
watchdog), records what arrives, and kills and replaces a worker whose file runs past the time
limit.
"""

from __future__ import annotations

import select
import time
from collections.abc import Callable, Iterator

from checker.audit.protocol import Task, WorkerSettings
from checker.audit.sandbox import Event, Slot

EventSink = Callable[[int, Event], None]


def run_local(
    tasks: Iterator[Task], settings: WorkerSettings, jobs: int, on_event: EventSink
) -> None:
    """Run every task; ``on_event(task_id, event)`` receives results as they arrive."""
    slots: list[Slot] = []
    limit = max(1, jobs)
    clean = False
    try:
        exhausted = False
        while True:
            # Hand out work. Workers start as work arrives: an audit with nothing left to check
            # starts none, and a small one no more than it needs.
            while not exhausted:
                idle = next((s for s in slots if not s.busy), None)
                if idle is None and len(slots) >= limit:
                    break
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                if idle is None:
                    idle = Slot(settings)
                    slots.append(idle)
                _deliver(on_event, task.id, idle.assign(task))
            busy = [s for s in slots if s.busy]
            if not busy and exhausted:
                break
            now = time.monotonic()
            wait = min((s.deadline for s in busy), default=now + 1.0) - now
            for slot in _readable(slots, max(0.0, wait)):
                task_id = slot.run.task.id if slot.run is not None else -1
                _deliver(on_event, task_id, slot.on_readable())
            now = time.monotonic()
            for slot in slots:
                if slot.busy and now >= slot.deadline:
                    assert slot.run is not None
                    task_id = slot.run.task.id
                    _deliver(on_event, task_id, slot.on_deadline())
        clean = True
    finally:
        for slot in slots:
            if clean:
                slot.close()
            else:
                slot.kill()


def _deliver(on_event: EventSink, task_id: int, events: list[Event]) -> None:
    for event in events:
        on_event(task_id, event)


def _readable(slots: list[Slot], timeout: float) -> list[Slot]:
    by_fd = {s.fileno(): s for s in slots}
    if hasattr(select, "poll"):
        poller = select.poll()
        for fd in by_fd:
            poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        ready = [fd for fd, _ in poller.poll(timeout * 1000.0)]
    else:  # pragma: no cover - Windows has no process groups either; kept for completeness
        ready, _, _ = select.select(list(by_fd), [], [], timeout)
    return [by_fd[fd] for fd in ready if fd in by_fd]
