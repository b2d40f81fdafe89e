"""Bounded, traversal-safe access to zip archives (zipped Shapefiles, KMZ).

DESIGN §8: archive members are bounded in count, size and compression ratio, and no member may
escape the archive. The checks use only the central directory, so a zip bomb is refused before
anything is inflated; :func:`read_member` also stops inflating at the declared size in case the
directory lies.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from checker.readers.base import ReaderError, Source

MAX_MEMBERS = 10_000
MAX_TOTAL_UNCOMPRESSED = 2 * 1024**3
MAX_RATIO = 100
#: Small members compress well for harmless reasons (runs of spaces in a .prj or .cpg).
_RATIO_EXEMPT_BYTES = 1024 * 1024


@dataclass
class SafeZip:
    """A validated archive: the open ``ZipFile`` and its member names."""

    zf: zipfile.ZipFile
    names: list[str]

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unsafe_name(name: str) -> bool:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return True
    return any(part == ".." for part in norm.split("/"))


def open_zip(source: Source) -> SafeZip:
    """Open and validate the zip behind ``source``; ME901 if corrupt or unsafe, ME903 if too big."""
    try:
        fileobj: io.BufferedIOBase | io.BytesIO
        if source.data is not None:
            fileobj = io.BytesIO(source.data)
            zf = zipfile.ZipFile(fileobj)
        else:
            assert source.path is not None
            zf = zipfile.ZipFile(source.path)
    except Exception as exc:  # BadZipFile, OSError, NotImplementedError (odd versions), ...
        raise ReaderError("ME901", f"corrupt or truncated zip archive: {exc}") from None
    try:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReaderError(
                "ME903", f"zip archive has {len(infos):,} members (limit {MAX_MEMBERS:,})"
            )
        total = 0
        for info in infos:
            if _unsafe_name(info.filename):
                raise ReaderError(
                    "ME901",
                    f"zip member {info.filename!r} points outside the archive "
                    "(absolute path or '..')",
                )
            total += info.file_size
            if total > MAX_TOTAL_UNCOMPRESSED:
                raise ReaderError(
                    "ME903",
                    f"zip archive expands to more than {MAX_TOTAL_UNCOMPRESSED:,} bytes",
                )
            if info.file_size > _RATIO_EXEMPT_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise ReaderError(
                    "ME903",
                    f"zip member {info.filename!r} has a compression ratio over {MAX_RATIO} "
                    "(zip bomb?)",
                )
        names = [i.filename for i in infos if not i.is_dir()]
    except ReaderError:
        zf.close()
        raise
    return SafeZip(zf, names)


def read_member(archive: SafeZip, name: str, limit: int) -> bytes:
    """Inflate one member, refusing (ME903) more than ``limit`` bytes whatever the header says."""
    info = archive.zf.getinfo(name)
    if info.file_size > limit:
        raise ReaderError(
            "ME903", f"zip member {name!r} is {info.file_size:,} bytes (limit {limit:,})"
        )
    try:
        with archive.zf.open(info) as fh:
            data = fh.read(limit + 1)
    except Exception as exc:
        # BadZipFile, zlib.error (corrupt deflate stream), RuntimeError (encrypted member), ...
        raise ReaderError("ME901", f"cannot extract zip member {name!r}: {exc}") from None
    if len(data) > limit:
        raise ReaderError("ME903", f"zip member {name!r} inflates past {limit:,} bytes")
    return data
