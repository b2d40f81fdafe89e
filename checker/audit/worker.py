"""The worker process of an audit: ``python -m checker.audit.worker``.

A fresh interpreter (never a fork of the audit, whose threads and open database must not be
copied) that reads tasks from standard input and writes results to a private copy of standard
output (file descriptor 1 itself is pointed at standard error, so that a library printing to
stdout cannot corrupt the stream). Its first act is to limit its own address space
(``RLIMIT_AS``); the audit's parent enforces the time limit by killing it. Reference data and
heavy libraries are loaded once, on first use, and kept for every later file.

A started process rather than a ``multiprocessing`` child, so that the same worker runs under
the local engine and inside Dask's worker processes (which are daemonic, and may not have
``multiprocessing`` children).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import importlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from checker.audit.protocol import (
    CODE_INTERNAL,
    CODE_LIMIT,
    CODE_UNREADABLE,
    Outcome,
    Task,
    UnitInfo,
    WorkerSettings,
    encode_frame,
    error_report,
    memory_message,
    read_frame,
)

if TYPE_CHECKING:
    from checker.audit.archives import Budget, Item
    from checker.config import Config
    from checker.model import FileReport
    from checker.readers.base import Source

#: Leave and be replaced when the address space grows past this share of the limit after a
#: file: caches and fragmentation must not make a later, innocent file fail the memory limit.
RECYCLE_SHARE = 0.75
#: Files larger than the configured size limit are identified by a partial hash (first and last
#: MiB plus size): the engine refuses them anyway, and hashing gigabytes would waste the time.
_PARTIAL_CHUNK = 1024 * 1024
_HASH_CHUNK = 1024 * 1024
#: Evidence thumbnails: longest side in pixels, and the largest picture file read.
THUMB_PX = 320
_MAX_PICTURE_BYTES = 32 * 1024 * 1024
_ENGINE_OOM = "ME903: ran out of memory"


class _RecycleError(Exception):
    """The worker must exit after this task (out of memory, or grown too large)."""


class Worker:
    """Runs tasks and writes the messages described in :mod:`checker.audit.protocol`."""

    def __init__(self, settings: WorkerSettings, out: IO[bytes]) -> None:
        self.settings = settings
        self.config: Config = settings.config
        self.out = out
        module, _, func = settings.check_function.partition(":")
        self.check: Callable[[Source, Config], FileReport] = getattr(
            importlib.import_module(module), func
        )
        self._recycle = False

    def send(self, message: tuple[Any, ...]) -> None:
        self.out.write(encode_frame(message))
        self.out.flush()

    # --- one task ------------------------------------------------------------------------------

    def run(self, task: Task) -> bool:
        """Check one task; ``False`` when the worker exits afterwards (it has then said why)."""
        self._recycle = False
        try:
            info = self._run(task)
        except _RecycleError:
            # An archive member ran out of memory (its result is sent): a new worker goes on
            # with the rest of the archive.
            self.send(("recycle", None))
            return False
        except MemoryError:
            self.send(("recycle", "memory"))
            return False
        self.send(("done", task.id, info))
        if self._recycle or self._grown():
            self.send(("recycle", None))
            return False
        return True

    def _run(self, task: Task) -> UnitInfo:
        from checker.audit.archives import NotRegularFileError, open_regular

        started = time.monotonic()
        try:
            with open_regular(task.path) as fh:
                size = os.fstat(fh.fileno()).st_size
                digest = _sha256(fh, size, self.config.max_bytes)
        except FileNotFoundError:
            return self._unreadable(task, "the file vanished after it was listed")
        except IsADirectoryError:
            return self._unreadable(task, "it became a folder after it was listed")
        except NotRegularFileError as exc:
            return self._unreadable(task, str(exc))
        except OSError as exc:
            return self._unreadable(task, f"cannot read the file: {exc.strerror or exc}")
        if task.known_sha256 is not None and digest == task.known_sha256:
            return UnitInfo("unchanged", digest)

        from checker.readers.base import Source

        source = Source(name=task.name, path=Path(task.path), max_bytes=self.config.max_bytes)
        report = self._check(source)
        if report["error"] and report["error"].startswith("ME902"):
            from checker.audit.archives import archive_type

            try:
                with open_regular(task.path) as fh:
                    head = fh.read(512)
            except OSError:
                head = b""
            kind = archive_type(head)
            if kind is not None:
                self._expand_file(task, kind, size, digest)
                return UnitInfo("checked", digest)
            if not _known_extension(task.name):
                return UnitInfo("skipped", digest)
        seconds = time.monotonic() - started
        self._result(task, None, 0, task.name, digest, size, report, seconds)
        return UnitInfo("checked", digest)

    def _unreadable(self, task: Task, why: str) -> UnitInfo:
        report = error_report(task.name, CODE_UNREADABLE, why, self.config)
        self._result(task, None, 0, task.name, None, None, report)
        return UnitInfo("checked", None)

    def _check(self, source: Source) -> dict[str, Any]:
        """The engine's report as a dict; a memory error names the limit and ends the worker."""
        try:
            report = self.check(source, self.config)
            out = report.to_dict()
        except MemoryError:
            out = {"error": _ENGINE_OOM}
        except Exception as exc:  # the engine never raises; a test's check function might
            detail = f"internal error: {type(exc).__name__}: {exc}"
            return error_report(source.name, CODE_INTERNAL, detail, self.config)
        if out.get("error") == _ENGINE_OOM:
            self._recycle = True
            message = memory_message(self.settings.memory_mb)
            return error_report(source.name, CODE_LIMIT, message, self.config)
        return out

    def _result(
        self,
        task: Task,
        member: str | None,
        ord_: int,
        name: str,
        digest: str | None,
        size: int | None,
        report: dict[str, Any],
        seconds: float = 0.0,
    ) -> None:
        picture = self._thumbnail(report) if self.settings.thumbnails else None
        outcome = Outcome(
            member=member,
            ord=ord_,
            name=name,
            sha256=digest,
            size=size,
            report=_clean(report),
            seconds=round(seconds, 4),
            picture=picture,
        )
        self.send(("result", task.id, outcome))

    # --- archives ------------------------------------------------------------------------------

    def _expand_file(self, task: Task, kind: str, size: int, digest: str) -> None:
        from checker.audit.archives import Budget, open_regular

        budget = Budget(self.settings.archive_limits)
        opener = functools.partial(open_regular, task.path)
        self._expand(task, kind, opener, size, "", task.name, budget, 0, [0])

    def _expand(
        self,
        task: Task,
        kind: str,
        opener: Callable[[], IO[bytes]],
        size: int,
        prefix: str,
        display: str,
        budget: Budget,
        depth: int,
        counter: list[int],
    ) -> None:
        """Check every member of one archive; ``prefix`` is its own member path (``""`` for the
        file on disk), ``display`` its shown name."""
        from checker.audit.archives import ArchiveError, expand

        try:
            for item in expand(kind, opener, size, display, budget):
                self._member(task, item, prefix, display, budget, depth, counter)
        except ArchiveError as exc:
            report = error_report(display, exc.code, exc.message, self.config)
            counter[0] += 1
            self._result(task, prefix or None, counter[0], display, None, None, report)

    def _member(
        self,
        task: Task,
        item: Item,
        prefix: str,
        display: str,
        budget: Budget,
        depth: int,
        counter: list[int],
    ) -> None:
        from checker.audit.archives import MemberProblem, archive_type, bytes_opener

        member = f"{prefix}!/{item.name}" if prefix else item.name
        name = f"{display}!/{item.name}"
        counter[0] += 1
        order = counter[0]
        if isinstance(item, MemberProblem):
            report = error_report(name, item.code, item.message, self.config)
            self._result(task, member, order, name, None, None, report)
            return
        started = time.monotonic()
        digest = hashlib.sha256(item.data).hexdigest()
        self.send(("start", task.id, member, digest, order))
        if task.known_members.get(member) == digest:
            self.send(("same", task.id, member))
            return
        from checker.readers.base import Source

        source = Source(name=name, data=item.data, max_bytes=self.config.max_bytes)
        report = self._check(source)
        if report["error"] and report["error"].startswith("ME902"):
            kind = archive_type(item.data[:512])
            if kind is not None:
                if depth + 1 > budget.limits.max_depth:
                    message = (
                        f"an archive nested more than {budget.limits.max_depth} deep; not opened"
                    )
                    report = error_report(name, CODE_LIMIT, message, self.config)
                else:
                    data = item.data
                    self._expand(
                        task,
                        kind,
                        bytes_opener(data),
                        len(data),
                        member,
                        name,
                        budget,
                        depth + 1,
                        counter,
                    )
                    return
            elif not _known_extension(item.name):
                return  # not a format mapcheck reads: skipped, as when walking a folder
        seconds = time.monotonic() - started
        self._result(task, member, order, name, digest, len(item.data), report, seconds)
        if self._recycle:
            raise _RecycleError

    # --- helpers -------------------------------------------------------------------------------

    def _thumbnail(self, report: dict[str, Any]) -> bytes | None:
        for finding in report.get("findings", ()):
            picture = (finding.get("evidence") or {}).get("evidence_picture")
            if isinstance(picture, str) and picture:
                return make_thumbnail(picture)
        return None

    def _grown(self) -> bool:
        limit = self.settings.memory_mb * 1024 * 1024
        return _address_space() > RECYCLE_SHARE * limit


#: Imported before a worker says it is ready, so that their cost (seconds, for the geometry and
#: image stacks) is not charged to the first file's time limit.
WARM_UP_MODULES = (
    "checker.engine",
    "checker.readers",
    "checker.readers.text",
    "checker.rules.registry",
    "numpy",
    "shapely",
    "pyproj",
    "checker.geo.analysis",
    "checker.imaging",
    "checker.imaging.register",
    "checker.imaging.decide",
)


_WARM_UP_SAMPLES = (
    ("warm-up.csv", b"city,region,country\nKyiv,Kyiv,UA\n"),
    ("warm-up.txt", b"Kyiv is the capital of Ukraine.\n"),
)


def warm_up() -> None:
    """Load libraries and reference data once per worker process (best effort: a module that
    is missing or fails here fails again, with a verdict, on the file that needs it)."""
    for name in WARM_UP_MODULES:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        from checker.reference import get_reference

        get_reference()
    with contextlib.suppress(Exception):
        from checker.imaging.refdata import get_image_reference

        get_image_reference()
    # The text and data rules load their phrase lists and gazetteer on first use.
    with contextlib.suppress(Exception):
        from checker.config import Config
        from checker.engine import check_source
        from checker.readers.base import Source

        for name, data in _WARM_UP_SAMPLES:
            check_source(Source(name=name, data=data), Config(ocr=False))


def make_thumbnail(path: str) -> bytes | None:
    """A PNG at most :data:`THUMB_PX` pixels on its longest side, or ``None``."""
    try:
        if os.path.getsize(path) > _MAX_PICTURE_BYTES:
            return None
        import io

        from PIL import Image

        with Image.open(path) as img:
            img.thumbnail((THUMB_PX, THUMB_PX))
            buf = io.BytesIO()
            img.convert("RGB").save(buf, format="PNG", optimize=True)
            return buf.getvalue()
    except Exception:  # a missing or odd picture only costs the thumbnail
        return None


def _known_extension(name: str) -> bool:
    """Whether the name's extension is one mapcheck reads (or an archive's): such a file that
    turns out to be in no format mapcheck knows is reported (as an error), not skipped."""
    base = name.rsplit("/", 1)[-1]
    return os.path.splitext(base)[1].lower() in known_extensions()


@functools.cache
def known_extensions() -> frozenset[str]:
    from checker.audit.archives import ARCHIVE_EXTENSIONS
    from checker.readers.detect import KNOWN_EXTENSIONS

    return KNOWN_EXTENSIONS | frozenset(ARCHIVE_EXTENSIONS)


def _sha256(fh: IO[bytes], size: int, max_bytes: int) -> str:
    digest = hashlib.sha256()
    if size > max_bytes:
        digest.update(b"partial:%d:" % size)
        digest.update(fh.read(_PARTIAL_CHUNK))
        fh.seek(max(size - _PARTIAL_CHUNK, 0))
        digest.update(fh.read(_PARTIAL_CHUNK))
        return "partial-" + digest.hexdigest()
    left = size + 1  # bounded even if the file grows while it is read
    while left > 0:
        chunk = fh.read(min(_HASH_CHUNK, left))
        if not chunk:
            break
        digest.update(chunk)
        left -= len(chunk)
    return digest.hexdigest()


def _clean(value: Any) -> Any:
    """Strings that cannot be written as UTF-8 (lone surrogates from undecodable bytes) get
    U+FFFD in their place, so that the database and reports can always store them."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _address_space() -> int:
    """Current virtual memory size in bytes (Linux), else 0."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space; allocations past it fail (``MemoryError`` in Python,
    a failed allocation in C libraries)."""
    import resource

    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _watch_parent(pdeathsig: bool) -> None:
    """Exit when the audit that started this worker goes away, even if it was killed -9: the
    kernel's parent-death signal where it is safe (see ``WorkerSettings.die_with_parent``), and
    a thread that notices being re-parented in any case."""
    parent = os.getppid()
    if pdeathsig:
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main() -> None:
    """Serve tasks until standard input closes."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # stray prints from libraries go to stderr, not into the frame stream
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the audit decides when workers stop
    stdin = sys.stdin.buffer
    try:
        settings = read_frame(stdin)
        if not isinstance(settings, WorkerSettings):
            raise TypeError(f"expected WorkerSettings, got {type(settings).__name__}")
        _watch_parent(settings.die_with_parent)
        limit_memory(settings.memory_mb)
        worker = Worker(settings, out)
        if settings.warm_up:
            warm_up()
    except Exception:
        out.write(encode_frame(("fatal", traceback.format_exc(limit=8))))
        out.flush()
        sys.exit(3)
    worker.send(("ready", os.getpid()))
    while True:
        task = read_frame(stdin)
        if task is None:
            break
        if not worker.run(task):
            break
    out.close()
    # Skip interpreter teardown (library destructors can be slow or crash after an
    # allocation failure); everything that matters has been sent.
    os._exit(0)


if __name__ == "__main__":
    main()
