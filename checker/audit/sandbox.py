"""The audit's side of a worker process: start it, give it a task, read its messages, and kill
it when a file runs out of time (the watchdog), replacing it with a fresh one.

:class:`Slot` is one worker and the task it is on. It turns the worker's messages, a timeout
or a death into *events* for the database: ``("result", Outcome)``, ``("same", member)`` and
``("done", UnitInfo)``. When a worker is lost in the middle of an archive, the member it was on
gets an error verdict naming the limit and the slot starts a new worker on the rest of the
archive by itself. The local engine multiplexes several slots; the Dask engine drives one slot
per worker thread with :func:`run_task`. Both produce the same events, so both engines record
the same results.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from checker.audit.protocol import (
    CODE_LIMIT,
    FrameBuffer,
    FrameError,
    Outcome,
    Task,
    UnitInfo,
    WorkerSettings,
    died_message,
    encode_frame,
    error_report,
    memory_message,
    timeout_message,
)

Event = tuple[str, Any]

#: After this many members of one archive went over the limits, the rest of it is given up.
MAX_MEMBER_FAILURES = 5
#: A worker that dies this many times in a row before it is ready stops the audit.
MAX_START_FAILURES = 3
#: Seconds a new worker may take to start (Python and mapcheck's imports) before its first
#: task's clock starts; one that is not ready by then counts as hung.
START_GRACE_S = 60.0
#: Libraries that start thread pools get one thread: the audit runs one worker per core, and
#: every extra thread reserves address space that counts against the memory limit.
_SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "GDAL_NUM_THREADS": "1",
    "ARROW_IO_THREADS": "1",
    "OMP_THREAD_LIMIT": "1",  # tesseract
    # Each thread's malloc arena reserves 64 MiB of address space; two arenas are plenty.
    "MALLOC_ARENA_MAX": "2",
    "PYTHONDONTWRITEBYTECODE": "1",
}


class WorkerStartError(RuntimeError):
    """A worker process could not start (mapcheck not importable, a bad setting)."""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(_SINGLE_THREAD_ENV)
    # The worker must import this same mapcheck, installed or not.
    package_root = str(Path(__file__).resolve().parents[2])
    parts = [package_root, *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    return env


class Sandbox:
    """One worker process (see :mod:`checker.audit.worker`)."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready = False
        self._frames = FrameBuffer()
        self._eof = False

    def start(self) -> None:
        debug = bool(os.environ.get("MAPCHECK_AUDIT_DEBUG"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "checker.audit.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if debug else subprocess.DEVNULL,
            env=child_env(),
            # Its own process group: the watchdog kills the worker and anything it started
            # (tesseract), and a Ctrl-C at the terminal reaches only the audit.
            start_new_session=True,
            close_fds=True,
        )
        assert self.proc.stdout is not None
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.ready = False
        self._frames = FrameBuffer()
        self._eof = False
        self.send(self.settings)

    def fileno(self) -> int:
        assert self.proc is not None and self.proc.stdout is not None
        return self.proc.stdout.fileno()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and not self._eof

    def send(self, obj: object) -> bool:
        """Write one frame; ``False`` if the worker is gone."""
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(encode_frame(obj))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return False
        return True

    def read(self) -> tuple[list[Any], bool]:
        """Messages available now, and whether the worker's stream has ended."""
        messages: list[Any] = []
        if self._eof:
            return messages, True
        while True:
            try:
                chunk = os.read(self.fileno(), 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self._eof = True
                break
            try:
                messages.extend(self._frames.feed(chunk))
            except (FrameError, Exception):
                self._eof = True  # a corrupt stream is as good as a dead worker
                break
        return messages, self._eof

    def kill(self) -> None:
        """Kill the worker and everything in its process group, and reap it."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self._reap()

    def close(self) -> None:
        """Let the worker finish (end of input), then make sure it is gone."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError, ValueError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.kill()

    def _reap(self) -> None:
        assert self.proc is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()

    def how_it_ended(self) -> str:
        """``killed by SIGSEGV``, ``exit status 1``, ... (reaps the process)."""
        if self.proc is None:
            return "not started"
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        if code is None:
            return "unknown"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"


class UnitRun:
    """The state of one task across the workers it takes (an archive may need several)."""

    def __init__(self, task: Task, settings: WorkerSettings) -> None:
        self.task = task
        self.settings = settings
        self.current: tuple[str, str, int] | None = None
        self.members: dict[str, str] = dict(task.known_members)
        self.failures = 0
        self.finished = False
        self.started = time.monotonic()

    def handle(self, message: tuple[Any, ...]) -> list[Event]:
        tag = message[0]
        if tag == "start":
            _, _, member, digest, order = message
            self.current = (member, digest, order)
            return []
        if tag == "result":
            outcome: Outcome = message[2]
            if outcome.member is not None and outcome.sha256 is not None:
                self.members[outcome.member] = outcome.sha256
            self.current = None
            return [("result", outcome)]
        if tag == "same":
            self.current = None
            return [("same", message[2])]
        if tag == "done":
            self.finished = True
            info: UnitInfo = message[2]
            return [("done", info)]
        return []

    def interrupted(self, reason: str | None) -> tuple[list[Event], Task | None]:
        """The worker stopped before finishing the task. ``reason`` (naming the limit) goes into
        the error verdict of the member or file it was on; ``None`` means the worker recycled
        itself after reporting. Returns the events and, for an archive, the task that carries on
        with the members not yet recorded."""
        events: list[Event] = []
        cfg = self.settings.config
        if self.current is not None:
            member, digest, order = self.current
            self.current = None
            name = f"{self.task.name}!/{member}"
            why = reason or memory_message(self.settings.memory_mb)
            report = error_report(name, CODE_LIMIT, why, cfg)
            events.append(("result", Outcome(member, order, name, digest, None, report, 0.0)))
            self.members[member] = digest
            self.failures += 1
        elif reason is not None:
            report = error_report(self.task.name, CODE_LIMIT, reason, cfg)
            events.append(("result", Outcome(None, 0, self.task.name, None, None, report, 0.0)))
            events.append(("done", UnitInfo("checked", None)))
            self.finished = True
            return events, None
        if self.failures >= MAX_MEMBER_FAILURES:
            message = (
                f"{self.failures} members went over the time or memory limits; "
                "the rest of the archive was not checked"
            )
            report = error_report(self.task.name, CODE_LIMIT, message, cfg)
            events.append(("result", Outcome(None, 0, self.task.name, None, None, report, 0.0)))
            events.append(("done", UnitInfo("checked", None)))
            self.finished = True
            return events, None
        return events, replace(self.task, known_sha256=None, known_members=dict(self.members))


class Slot:
    """A worker and the task it is on; restarts the worker whenever it is lost."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self.sandbox = Sandbox(settings)
        self.run: UnitRun | None = None
        self.deadline = float("inf")
        #: Set when the worker announced it is leaving: the reason it gave (``None``: it
        #: reported everything itself).
        self._recycled = False
        self._recycle_reason: str | None = None
        self._start_failures = 0
        self.sandbox.start()

    @property
    def busy(self) -> bool:
        return self.run is not None

    def fileno(self) -> int:
        return self.sandbox.fileno()

    def assign(self, task: Task) -> list[Event]:
        if not self.sandbox.alive():
            # It died while idle (after recycling, or killed from outside): not this file's doing.
            self._recycled, self._recycle_reason = False, None
            self.sandbox.kill()
            self.sandbox.start()
        self.run = UnitRun(task, self.settings)
        return self._send(task)

    def _send(self, task: Task) -> list[Event]:
        # A worker's start-up is not the file's time: the clock starts when it is ready.
        grace = 0.0 if self.sandbox.ready else START_GRACE_S
        self.deadline = time.monotonic() + self.settings.timeout_s + grace
        if self.sandbox.send(task):
            return []
        return self._lost(None)

    def on_readable(self) -> list[Event]:
        messages, eof = self.sandbox.read()
        events: list[Event] = []
        for message in messages:
            tag = message[0]
            if tag == "ready":
                self.sandbox.ready = True
                self._start_failures = 0
                if self.run is not None:
                    self.deadline = time.monotonic() + self.settings.timeout_s
            elif tag == "fatal":
                self.sandbox.kill()
                raise WorkerStartError(f"a worker process could not start:\n{message[1]}")
            elif tag == "recycle":
                self._recycled = True
                self._recycle_reason = message[1]
            elif self.run is not None and message[1] == self.run.task.id:
                if tag == "start":
                    self.deadline = time.monotonic() + self.settings.timeout_s
                events.extend(self.run.handle(message))
                if self.run.finished:
                    self.run = None
                    self.deadline = float("inf")
        if eof:
            events.extend(self._lost(None))
        return events

    def on_deadline(self) -> list[Event]:
        self.sandbox.kill()
        return self._lost(timeout_message(self.settings.timeout_s))

    def _lost(self, reason: str | None) -> list[Event]:
        """The worker is gone (killed by the watchdog, recycled, or died): replace it, and
        finish or carry on with its task."""
        recycled, recycle_reason = self._recycled, self._recycle_reason
        self._recycled, self._recycle_reason = False, None
        if reason is None:
            how = self.sandbox.how_it_ended()
            if recycled:
                reason = None if recycle_reason is None else memory_message(self.settings.memory_mb)
            else:
                if not self.sandbox.ready:
                    self._start_failures += 1
                    if self._start_failures >= MAX_START_FAILURES:
                        raise WorkerStartError(f"worker processes die as they start ({how})")
                reason = died_message(self.settings.memory_mb, how)
        else:
            self.sandbox.how_it_ended()
        self.sandbox.kill()
        self.sandbox.start()
        events: list[Event] = []
        if self.run is None:
            return events
        run = self.run
        lost_events, carry_on = run.interrupted(reason)
        events.extend(lost_events)
        if carry_on is None:
            self.run = None
            self.deadline = float("inf")
            return events
        events.extend(self._send(carry_on))
        return events

    def close(self) -> None:
        self.sandbox.close()

    def kill(self) -> None:
        self.sandbox.kill()


def run_task(slot: Slot, task: Task) -> list[Event]:
    """Run one task to the end on one slot (the Dask engine's worker threads use this)."""
    events = slot.assign(task)
    while slot.busy:
        wait = max(0.0, slot.deadline - time.monotonic())
        ready, _, _ = select.select([slot.fileno()], [], [], min(wait, 3600.0))
        if ready:
            events.extend(slot.on_readable())
        elif time.monotonic() >= slot.deadline:
            events.extend(slot.on_deadline())
    return events
