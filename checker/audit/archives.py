"""Archive expansion for audits: zip, tar (plain, gzip, bzip2, xz) and single gzip/bzip2/xz files.

Runs in a worker process (never in the audit's parent), under its memory and time limits, and
never writes a member to disk: members are read into memory, bounded, and checked as bytes.
Bounds (DESIGN §8, :class:`~checker.audit.protocol.ArchiveLimits`), shared by a file on disk
and every archive nested in it:

- member count and total uncompressed bytes; too many or too much stops the expansion with an
  ME903 error for the archive;
- each member's size, and its compression ratio (a zip member's declared sizes; for tar and
  single compressed files, bytes out against bytes in): a bomb gets an ME903 error, and reading
  stops at the bound whatever a header claims;
- member names: an absolute path or ``..`` gets an ME901 error for that member ("points
  outside the archive"); it is never opened;
- nesting depth: an archive deeper than ``max_depth`` is reported, not opened.

7z is not supported: the only maintained Python reader (py7zr) is LGPL.
"""

from __future__ import annotations

import bz2
import io
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from checker.audit.protocol import CODE_LIMIT, CODE_UNREADABLE, ArchiveLimits

#: Magic numbers of the containers this module opens.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_GZIP_MAGIC = b"\x1f\x8b"
_BZIP2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_TAR_MAGIC_OFFSET = 257
_COMPRESSED_SUFFIXES = {"gzip": (".gz", ".tgz"), "bzip2": (".bz2", ".tbz2"), "xz": (".xz", ".txz")}
_CHUNK = 1024 * 1024
#: Extensions of the containers opened here (a file under one that is not an archive after all
#: is reported, not skipped).
ARCHIVE_EXTENSIONS = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ArchiveError(Exception):
    """The archive as a whole cannot be (further) expanded; ``code`` is an ME9xx code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Member:
    """A member read into memory. ``name`` is its path in the archive, safe to display."""

    name: str
    data: bytes


@dataclass
class MemberProblem:
    """A member that was not read, and why (``code`` is ME901 or ME903)."""

    name: str
    code: str
    message: str


Item = Member | MemberProblem


@dataclass
class Budget:
    """What is left of the limits for one file on disk (shared by nested archives)."""

    limits: ArchiveLimits
    members: int = 0
    total: int = 0

    def take_member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise ArchiveError(
                CODE_LIMIT,
                f"the archive has more than {self.limits.max_members:,} members; "
                "the rest were not checked",
            )

    def take_bytes(self, size: int) -> None:
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise ArchiveError(
                CODE_LIMIT,
                f"the archive expands to more than {self.limits.max_total_bytes:,} bytes; "
                "the rest was not checked",
            )


def archive_type(head: bytes) -> str | None:
    """``zip``, ``tar``, ``gzip``, ``bzip2`` or ``xz`` from a file's first bytes, else ``None``.

    A compressed file may hold a tar; :func:`expand` finds out.
    """
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_GZIP_MAGIC):
        return "gzip"
    if head.startswith(_BZIP2_MAGIC) and len(head) > 3 and head[3:4].isdigit():
        return "bzip2"
    if head.startswith(_XZ_MAGIC):
        return "xz"
    if head[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + 5] == b"ustar":
        return "tar"
    return None


def safe_name(name: str) -> str:
    """A member name fit for display and for keys: ``/`` separators, no control characters,
    no characters that cannot be written as UTF-8."""
    text = name.replace("\\", "/")
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _outside(name: str) -> bool:
    """Whether a member name is absolute or climbs out with ``..``."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return True
    return any(part == ".." for part in norm.split("/"))


def _hidden(name: str) -> bool:
    """Dot-files and macOS resource forks, skipped as the folder walk skips dot-files."""
    parts = name.replace("\\", "/").split("/")
    return any((p.startswith(".") and p not in (".", "..")) or p == "__MACOSX" for p in parts)


def expand(
    kind: str, opener: Callable[[], IO[bytes]], size: int, display: str, budget: Budget
) -> Iterator[Item]:
    """The members of one archive of ``kind`` (from :func:`archive_type`).

    ``opener`` returns a fresh binary stream over the archive, ``size`` is its size in bytes
    and ``display`` its name (used to name a single compressed file's content). Raises
    :class:`ArchiveError` when the archive is corrupt or goes over the limits.
    """
    if kind == "zip":
        yield from _zip_members(opener, budget)
    elif kind == "tar":
        yield from _tar_members(opener, size, budget, "r|")
    elif kind in _COMPRESSED_SUFFIXES:
        if _holds_tar(kind, opener):
            mode = {"gzip": "r|gz", "bzip2": "r|bz2", "xz": "r|xz"}[kind]
            yield from _tar_members(opener, size, budget, mode)
        else:
            yield _single(kind, opener, size, display, budget)
    else:  # pragma: no cover - callers pass archive_type() values
        raise ArchiveError("ME902", f"not an archive ({kind})")


def _zip_members(opener: Callable[[], IO[bytes]], budget: Budget) -> Iterator[Item]:
    limits = budget.limits
    try:
        zf = zipfile.ZipFile(opener())
    except Exception as exc:  # BadZipFile, OSError, NotImplementedError, ...
        raise ArchiveError(CODE_UNREADABLE, f"corrupt or truncated zip archive: {exc}") from None
    with zf:
        infos = zf.infolist()
        # The central directory gives every size up front: refuse a bomb before inflating.
        if budget.members + len(infos) > limits.max_members:
            raise ArchiveError(
                CODE_LIMIT,
                f"the zip archive has {len(infos):,} members (limit {limits.max_members:,})",
            )
        declared = sum(i.file_size for i in infos if not i.is_dir())
        if budget.total + declared > limits.max_total_bytes:
            raise ArchiveError(
                CODE_LIMIT,
                f"the zip archive expands to {declared:,} bytes (limit {limits.max_total_bytes:,})",
            )
        for info in infos:
            if info.is_dir() or _hidden(info.filename):
                continue
            name = safe_name(info.filename)
            budget.take_member()
            if _outside(info.filename):
                yield MemberProblem(
                    name,
                    CODE_UNREADABLE,
                    "the member's path points outside the archive (absolute or '..'); not read",
                )
                continue
            if info.flag_bits & 0x1:
                yield MemberProblem(name, CODE_UNREADABLE, "the member is encrypted; not read")
                continue
            problem = _size_problem(info.file_size, info.compress_size, limits)
            if problem is not None:
                yield MemberProblem(name, CODE_LIMIT, problem)
                continue
            yield _read_zip_member(zf, info, name, budget)


def _size_problem(size: int, packed: int, limits: ArchiveLimits) -> str | None:
    if size > limits.max_member_bytes:
        return f"the member is {size:,} bytes (limit {limits.max_member_bytes:,})"
    if size > limits.ratio_exempt_bytes and size > limits.max_ratio * max(packed, 1):
        return (
            f"the member's compression ratio is over {limits.max_ratio:g} "
            f"({size:,} bytes from {packed:,}): a decompression bomb?"
        )
    return None


def _read_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: Budget) -> Item:
    limit = info.file_size
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)  # one byte more shows a header that lies about the size
    except Exception as exc:  # BadZipFile (CRC), zlib.error, NotImplementedError, EOFError
        return MemberProblem(name, CODE_UNREADABLE, f"cannot extract the member: {exc}")
    if len(data) > limit:
        return MemberProblem(
            name, CODE_LIMIT, f"the member inflates past its declared size of {limit:,} bytes"
        )
    budget.take_bytes(len(data))
    return Member(name, data)


def _holds_tar(kind: str, opener: Callable[[], IO[bytes]]) -> bool:
    """Whether a compressed stream starts with a tar header (decompresses 1 KiB at most)."""
    try:
        with opener() as raw:
            packed = raw.read(64 * 1024)
        head = _decompress_head(kind, packed, 1024)
    except Exception:  # corrupt stream: let the single-file path report it
        return False
    return head[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + 5] == b"ustar"


def _decompress_head(kind: str, packed: bytes, n: int) -> bytes:
    if kind == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(packed, n)
    if kind == "bzip2":
        return bz2.BZ2Decompressor().decompress(packed, n)
    return lzma.LZMADecompressor().decompress(packed, n)


def _tar_members(
    opener: Callable[[], IO[bytes]], size: int, budget: Budget, mode: str
) -> Iterator[Item]:
    """Members of a tar read as a stream (one pass, no seeking back: a compressed tar is never
    decompressed twice)."""
    limits = budget.limits
    seen = 0
    start_total = budget.total
    with opener() as raw:
        try:
            tf = tarfile.open(fileobj=raw, mode=mode)  # type: ignore[call-overload]  # noqa: SIM115
        except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise ArchiveError(
                CODE_UNREADABLE, f"corrupt or truncated tar archive: {exc}"
            ) from None
        try:
            while True:
                try:
                    info = tf.next()
                except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                    raise ArchiveError(CODE_UNREADABLE, _truncated(seen, exc)) from None
                if info is None:
                    break
                if not info.isreg() or _hidden(info.name):
                    continue  # folders, links and devices are not files (and never followed)
                seen += 1
                name = safe_name(info.name)
                budget.take_member()
                if _outside(info.name):
                    yield MemberProblem(
                        name,
                        CODE_UNREADABLE,
                        "the member's path points outside the archive (absolute or '..'); not read",
                    )
                    continue
                if info.size > limits.max_member_bytes:
                    yield MemberProblem(
                        name,
                        CODE_LIMIT,
                        f"the member is {info.size:,} bytes (limit {limits.max_member_bytes:,})",
                    )
                    continue
                expanded = budget.total - start_total + info.size
                if expanded > limits.ratio_exempt_bytes and expanded > limits.max_ratio * max(
                    size, 1
                ):
                    raise ArchiveError(
                        CODE_LIMIT,
                        f"the archive's compression ratio is over {limits.max_ratio:g} "
                        f"({expanded:,} bytes from {size:,}): a decompression bomb?",
                    )
                try:
                    fh = tf.extractfile(info)
                    data = fh.read(info.size) if fh is not None else b""
                except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                    raise ArchiveError(CODE_UNREADABLE, _truncated(seen - 1, exc)) from None
                if len(data) < info.size:
                    raise ArchiveError(CODE_UNREADABLE, _truncated(seen - 1, "member cut short"))
                budget.take_bytes(len(data))
                yield Member(name, data)
        finally:
            tf.close()


def _truncated(members: int, exc: object) -> str:
    if members <= 0:
        return f"corrupt or truncated tar archive: {exc}"
    return f"the tar archive is corrupt or truncated after {members:,} members: {exc}"


def _single(
    kind: str, opener: Callable[[], IO[bytes]], size: int, display: str, budget: Budget
) -> Item:
    """The content of a single gzip/bzip2/xz file, decompressed in bounded chunks."""
    limits = budget.limits
    name = _inner_name(display, kind)
    budget.take_member()
    cap = limits.max_member_bytes
    ratio_cap = max(int(limits.max_ratio * max(size, 1)), limits.ratio_exempt_bytes)
    out = bytearray()
    try:
        with opener() as raw:
            stream = _decompressing(kind, raw)
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                if len(out) > cap:
                    return MemberProblem(
                        name, CODE_LIMIT, f"decompresses to more than {cap:,} bytes (limit)"
                    )
                if len(out) > ratio_cap:
                    return MemberProblem(
                        name,
                        CODE_LIMIT,
                        f"the compression ratio is over {limits.max_ratio:g} "
                        f"(more than {len(out):,} bytes from {size:,}): a decompression bomb?",
                    )
    except (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise ArchiveError(CODE_UNREADABLE, f"corrupt or truncated {kind} file: {exc}") from None
    budget.take_bytes(len(out))
    return Member(name, bytes(out))


def _decompressing(kind: str, raw: IO[bytes]) -> io.BufferedIOBase:
    import gzip

    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")


def _inner_name(display: str, kind: str) -> str:
    """``data.geojson`` for ``data.geojson.gz``; ``x.tar`` for ``x.tgz``."""
    base = os.path.basename(display.replace("\\", "/").rstrip("/")) or "data"
    lower = base.lower()
    for suffix in _COMPRESSED_SUFFIXES.get(kind, ()):
        if lower.endswith(suffix):
            stem = base[: -len(suffix)]
            return (stem + ".tar") if suffix.startswith(".t") and suffix != ".tar" else stem
    return base + ".out"


def open_regular(path: str) -> IO[bytes]:
    """Open a file read-only without blocking on a FIFO; refuse anything but a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise IsADirectoryError(path) if stat.S_ISDIR(mode) else NotRegularFileError(mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


class NotRegularFileError(OSError):
    """A path that is a FIFO, socket or device, not a file."""

    def __init__(self, mode: int) -> None:
        super().__init__(f"not a regular file ({describe_mode(mode)})")
        self.mode = mode


def describe_mode(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def bytes_opener(data: bytes) -> Callable[[], IO[bytes]]:
    return lambda: io.BytesIO(data)
