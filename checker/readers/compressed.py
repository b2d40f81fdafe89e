"""Single compressed files (``regions.csv.gz``, ``countries.geojson.xz``): checked as what they
hold.

The content is decompressed in bounded chunks: never past the input size limit, and never past
a ratio of :data:`MAX_RATIO` to one beyond the first :data:`RATIO_EXEMPT_BYTES` (a
decompression bomb is refused with ME903). The format is then told from the content and the
inner name (the file's name without ``.gz``/``.bz2``/``.xz``); reports keep the file's own name.
A compressed tar archive is left to ``mapcheck audit``, which expands archives.
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import io
import lzma
import os
import zlib

from checker.readers.base import ReaderError, Source

MAX_RATIO = 200
RATIO_EXEMPT_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}
_SUFFIXES = {"gzip": (".gz", ".gzip"), "bzip2": (".bz2",), "xz": (".xz",)}
_TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


def kind_of(head: bytes) -> str | None:
    """``gzip``, ``bzip2`` or ``xz`` when ``head`` starts such a stream."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def decompressed(source: Source, kind: str) -> Source:
    """``source``'s content as a :class:`Source` of its own (same name, inner name set)."""
    base = os.path.basename(source.name.replace("\\", "/")) or "data"
    if base.lower().endswith(_TAR_SUFFIXES):
        raise ReaderError("ME902", "a compressed tar archive: `mapcheck audit` expands archives")
    inner = base
    for suffix in _SUFFIXES[kind]:
        if base.lower().endswith(suffix):
            inner = base[: -len(suffix)]
            break
    packed = source.read_bytes()
    limit = min(source.max_bytes, max(MAX_RATIO * len(packed), RATIO_EXEMPT_BYTES))
    out = bytearray()
    try:
        with _reader(kind, io.BytesIO(packed)) as fh:
            while chunk := fh.read(_CHUNK):
                out += chunk
                if len(out) > limit:
                    why = (
                        f"over the {source.max_bytes:,}-byte limit"
                        if limit == source.max_bytes
                        else f"over {MAX_RATIO} times its compressed size (a decompression bomb?)"
                    )
                    raise ReaderError("ME903", f"the {kind} file decompresses to {why}")
    except (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise ReaderError("ME901", f"corrupt or truncated {kind} file ({exc})") from None
    if out[257:262] == b"ustar":
        raise ReaderError("ME902", "a compressed tar archive: `mapcheck audit` expands archives")
    return dataclasses.replace(source, path=None, data=bytes(out), inner=inner)


def _reader(kind: str, raw: io.BytesIO) -> io.BufferedIOBase:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")
