"""The Dask engine: the same per-file check on ``dask.distributed`` workers.

Each Dask worker thread keeps one audit worker process (:class:`~checker.audit.sandbox.Slot`)
for as long as the Dask worker lives, so reference data and heavy libraries are loaded once per
worker, and the per-file time and memory limits hold exactly as in the local engine (a Dask
task cannot be interrupted, a child process can). Results come back as events, the same ones
the local engine produces, and are written into the audit database as futures complete
(``as_completed``), with a bounded number of tasks in flight so that millions of files never
sit in the scheduler at once.

Without ``scheduler`` a :class:`~distributed.LocalCluster` is started (``jobs`` worker
processes, one thread each). With ``scheduler`` (``tcp://host:8786``) the audit uses an
existing cluster: every worker must have this mapcheck installed and see the audited files at
the same paths (a shared or network file system).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from checker.audit.protocol import (
    CODE_INTERNAL,
    Outcome,
    Task,
    UnitInfo,
    WorkerSettings,
    error_report,
)
from checker.audit.sandbox import Event, Slot, run_task

EventSink = Callable[[int, Event], None]

#: Files per Dask task, and the bytes at which a batch is closed early: small files take
#: milliseconds, a scheduler round trip does not; large ones are better spread over workers.
BATCH = 8
BATCH_BYTES = 1024 * 1024
#: Batches in flight per Dask worker thread: enough to hide the round trip, few enough that a
#: lost worker costs little and millions of files never sit in the scheduler at once.
BATCHES_PER_THREAD = 2

_slots: dict[int, Slot] = {}
_slots_lock = threading.Lock()


def check_batch(tasks: list[Task], settings: WorkerSettings) -> list[tuple[int, Event]]:
    """Run tasks one after the other in this worker thread's audit worker process (runs on a
    Dask worker); returns ``(task id, event)`` pairs."""
    return [(task.id, event) for task in tasks for event in check_task(task, settings)]


def check_task(task: Task, settings: WorkerSettings) -> list[Event]:
    """Run one task in this worker thread's audit worker process (runs on a Dask worker)."""
    ident = threading.get_ident()
    with _slots_lock:
        slot = _slots.get(ident)
        if slot is not None and slot.settings != settings:
            slot.close()
            slot = None
        if slot is None:
            slot = Slot(settings)
            _slots[ident] = slot
    return run_task(slot, task)


def close_slots() -> None:
    """Stop this process's audit workers (the worker plugin calls it at teardown)."""
    with _slots_lock:
        slots = list(_slots.values())
        _slots.clear()
    for slot in slots:
        slot.close()


def _plugin() -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class AuditWorkerPlugin(WorkerPlugin):
        """Stops a Dask worker's audit worker processes when it closes."""

        name = "mapcheck-audit"

        def teardown(self, worker: Any) -> None:
            close_slots()

    return AuditWorkerPlugin()


def run_dask(
    tasks: Iterator[Task],
    settings: WorkerSettings,
    jobs: int,
    scheduler: str | None,
    on_event: EventSink,
) -> None:
    """Run every task on Dask; ``on_event(task_id, event)`` receives results as they arrive."""
    from dataclasses import replace

    from distributed import Client, LocalCluster, as_completed

    # Dask worker threads come and go with the pool; the audit worker processes they start
    # must not die with the thread (only with the Dask worker process).
    settings = replace(settings, die_with_parent=False)
    with contextlib.ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=max(1, jobs),
                    threads_per_worker=1,
                    processes=True,
                    # Any free port: a fixed one (8787) may be taken by another cluster.
                    dashboard_address=":0",
                )
            )
            client = stack.enter_context(Client(cluster))
        with contextlib.suppress(Exception):
            client.register_plugin(_plugin(), name="mapcheck-audit")
        shared = client.scatter(settings, broadcast=True)
        threads = sum(client.nthreads().values()) or max(1, jobs)
        window = max(2, BATCHES_PER_THREAD * threads)
        token = uuid.uuid4().hex[:12]
        pending: dict[str, list[Task]] = {}
        done = as_completed()

        def submit() -> bool:
            batch: list[Task] = []
            size = 0
            while len(batch) < BATCH and size < BATCH_BYTES:
                task = next(tasks, None)
                if task is None:
                    break
                batch.append(task)
                size += task.size
            if not batch:
                return False
            future = client.submit(
                check_batch, batch, shared, key=f"mapcheck-audit-{token}-{batch[0].id}", pure=False
            )
            pending[future.key] = batch
            done.add(future)
            return True

        for _ in range(window):
            if not submit():
                break
        for future in done:
            batch = pending.pop(future.key)
            try:
                events: list[tuple[int, Event]] = future.result()
            except Exception as exc:  # KilledWorker, a lost connection, ...
                events = [
                    (task.id, event) for task in batch for event in _lost(task, settings, exc)
                ]
            for task_id, event in events:
                on_event(task_id, event)
            future.release()
            submit()


def _lost(task: Task, settings: WorkerSettings, exc: BaseException) -> list[Event]:
    message = f"the Dask worker failed while checking it: {type(exc).__name__}: {exc}"
    report = error_report(task.name, CODE_INTERNAL, message, settings.config)
    return [
        ("result", Outcome(None, 0, task.name, None, None, report, 0.0)),
        # Not final: the cluster failed, not the file. The next run checks it again.
        ("done", UnitInfo("retry", None)),
    ]
