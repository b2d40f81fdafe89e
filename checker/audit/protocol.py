"""What the audit's parent and its worker processes say to each other, and the verdicts that
both sides write for files that could not be checked within their limits.

Frames are an 8-byte big-endian length followed by a pickle. Only the audit's own processes
exchange them (a worker is a child that the audit started), so unpickling is not a trust
boundary; the length is still bounded so that a corrupted stream cannot ask for gigabytes.

Messages from a worker, each a tuple whose first item names it:

``("ready", pid)``
    the worker is set up (after its memory limit is in force);
``("fatal", text)``
    the worker cannot start (e.g. mapcheck is not importable); the audit stops with ``text``;
``("start", task_id, member, sha256, ord)``
    the worker begins checking an archive member (the watchdog restarts its clock, and a
    member that runs out of time or memory is named in the error verdict);
``("result", task_id, Outcome)``
    one file's or member's report;
``("same", task_id, member)``
    a member is unchanged since it was recorded (its result is kept);
``("done", task_id, UnitInfo)``
    the task is finished;
``("recycle", reason)``
    the worker is about to exit because it ran out of memory (``reason`` is ``"memory"`` when
    the task could not report it itself) or grew too large; start another. A task still
    unfinished (an archive) is resumed by the next worker, its recorded members kept.
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.config import Config

#: Largest frame accepted (a member's report with many findings stays far below this).
MAX_FRAME = 512 * 1024 * 1024
_HEADER = struct.Struct(">Q")
HEADER_SIZE = _HEADER.size

#: Rule codes the audit gives to files it could not check (DESIGN §4, ME9xx).
CODE_UNREADABLE = "ME901"
CODE_LIMIT = "ME903"
CODE_INTERNAL = "ME907"

#: What each code suggests (the engine has its own hints; these speak of the audit's limits).
HINTS = {
    CODE_UNREADABLE: "Check that the file exists, is a regular file and is complete.",
    CODE_LIMIT: "If you trust the file, check it on its own with a higher --timeout or --memory.",
    "ME902": "Convert it to a format mapcheck reads.",
    CODE_INTERNAL: "Please report this bug with the file attached.",
}


class FrameError(Exception):
    """The byte stream between the audit and a worker is broken."""


def encode_frame(obj: object) -> bytes:
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(body)) + body


def frame_length(header: bytes) -> int:
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise FrameError(f"frame of {size:,} bytes is over the {MAX_FRAME:,}-byte limit")
    return int(size)


def read_frame(stream: IO[bytes]) -> Any:
    """The next object from a blocking stream, or ``None`` at end of stream."""
    header = _read_exactly(stream, HEADER_SIZE)
    if header is None:
        return None
    body = _read_exactly(stream, frame_length(header))
    if body is None:
        raise FrameError("the stream ended inside a frame")
    return pickle.loads(body)


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = stream.read(left)
        if not chunk:
            if not chunks and left == size:
                return None
            raise FrameError("the stream ended inside a frame")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class FrameBuffer:
    """Reassembles frames from the pieces a non-blocking pipe delivers."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        self._buf += data
        out: list[Any] = []
        while len(self._buf) >= HEADER_SIZE:
            size = frame_length(bytes(self._buf[:HEADER_SIZE]))
            if len(self._buf) < HEADER_SIZE + size:
                break
            body = bytes(self._buf[HEADER_SIZE : HEADER_SIZE + size])
            del self._buf[: HEADER_SIZE + size]
            out.append(pickle.loads(body))
        return out


# --- what is sent --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on archive expansion (DESIGN §8). The whole expansion of one file on disk, nested
    archives included, shares one member count and one byte budget."""

    max_members: int = 10_000
    max_total_bytes: int = 2 * 1024**3
    max_member_bytes: int = 256 * 1024**2
    #: Uncompressed ÷ compressed above this is treated as a bomb ...
    max_ratio: float = 100.0
    #: ... unless the output is this small (short files compress well for harmless reasons).
    ratio_exempt_bytes: int = 1024 * 1024
    #: Archives inside archives inside the file on disk; deeper ones are not opened.
    max_depth: int = 2


@dataclass(frozen=True)
class WorkerSettings:
    """Everything a worker needs, sent once when it starts."""

    config: Config
    #: Address-space limit of the worker process (``RLIMIT_AS``), in MiB.
    memory_mb: int
    #: Wall-clock seconds per file (or archive member) before the worker is killed.
    timeout_s: float
    #: Make PNG thumbnails of evidence pictures for the HTML report.
    thumbnails: bool = False
    #: ``module:function`` called as ``function(source, config) -> FileReport``. Tests put a
    #: deliberately slow or greedy check here to exercise the limits.
    check_function: str = "checker.engine:check_source"
    archive_limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    #: Kill the worker when the process that started it dies (Linux ``PR_SET_PDEATHSIG``). Only
    #: safe when that process's starting thread lives as long as the worker (the local engine).
    die_with_parent: bool = True
    #: Load the heavy libraries and reference data before taking the first task (a few
    #: seconds per worker; see :func:`checker.audit.worker.warm_up`).
    warm_up: bool = True


@dataclass(frozen=True)
class Task:
    """One file on disk to check (an archive is one task; its members are results of it)."""

    id: int
    path: str
    name: str
    #: Size in bytes when listed (the Dask engine batches small files).
    size: int = 0
    #: The sha256 recorded for this path under the same configuration, if any: a file whose
    #: modification time changed but whose content did not is not checked again.
    known_sha256: str | None = None
    #: Members of this archive already recorded (member name → sha256); unchanged ones are kept.
    known_members: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """One report: a file, or a member of an archive (``member`` is its path in the file)."""

    member: str | None
    ord: int
    name: str
    sha256: str | None
    size: int | None
    report: dict[str, Any]
    seconds: float
    picture: bytes | None = None


@dataclass(frozen=True)
class UnitInfo:
    """How a task ended: ``checked`` (results were sent), ``skipped`` (not a format mapcheck
    reads, found by walking), ``unchanged`` (same content as recorded), or ``retry`` (its
    results are recorded but not final: the infrastructure failed, so the next run checks the
    file again)."""

    status: str
    sha256: str | None


# --- verdicts for files the audit could not check ------------------------------------------------


def error_report(name: str, code: str, message: str, config: Config) -> dict[str, Any]:
    """The report of a file that could not be checked (same shape as the engine's)."""
    from checker.engine import finalize
    from checker.model import FileReport, Location, RawFinding, Verdict

    cfg = config.for_path(name)
    raw = RawFinding(
        code=code,
        message=message,
        location=Location(path=name),
        confidence=1.0,
        suggestion=HINTS.get(code, ""),
        identity=code,
    )
    findings = finalize(name, [raw], cfg) if code not in cfg.disable else ()
    report = FileReport(
        path=name,
        kind="unknown",
        verdict=Verdict.ERROR,
        findings=findings,
        error=f"{code}: {message}",
    )
    return report.to_dict()


def timeout_message(seconds: float) -> str:
    return f"stopped after the time limit of {seconds:g} s per file (--timeout)"


def memory_message(memory_mb: int) -> str:
    return f"went over the memory limit of {memory_mb:,} MB per file (--memory)"


def died_message(memory_mb: int, how: str) -> str:
    return (
        f"the worker checking it died ({how}); it most likely went over the memory limit of "
        f"{memory_mb:,} MB per file (--memory)"
    )
