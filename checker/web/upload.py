"""Streaming a ``multipart/form-data`` upload into a private folder, under a size limit.

The limit is enforced while the body arrives: a file (or pasted text) is cut off as soon as it
crosses the limit, and a request that announces, or sends, more than the limit plus a small
envelope for the form's framing is refused at once, so an oversized upload never fills the disk
or the memory.
The file goes straight to a new file in the caller's private folder (made by
:func:`tempfile.mkdtemp`, mode 0700). The name the client sent is used for display (cleaned), for
its extension (which the readers use to tell formats apart) and for a stem reduced to ASCII
letters, digits, ``_`` and ``-``: no separator, no dot, nothing that can leave the folder.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

#: Form fields other than the file and the pasted text: short values only.
MAX_SMALL_FIELD = 64
#: Bytes of multipart framing and small fields allowed on top of the limit, so that a file just
#: under the limit (which the page lets through) is not refused for its envelope.
ENVELOPE = 64 * 1024
#: Shown instead of a file name the client did not send, or that cleans to nothing.
FALLBACK_NAME = "upload"
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


class UploadError(Exception):
    """The request cannot be taken: ``status`` is the HTTP status, ``key`` the message's key in
    :mod:`checker.web.strings`, ``detail`` what to put into it."""

    def __init__(self, status: int, key: str, detail: str = "") -> None:
        super().__init__(f"{status} {key} {detail}".strip())
        self.status = status
        self.key = key
        self.detail = detail


@dataclass
class Upload:
    """What the form held: at most one file (saved in the private folder) and some fields."""

    file: Path | None = None
    filename: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    size: int = 0


def display_name(raw: str) -> str:
    """The client's file name made safe to show: last path component, no control or format
    characters, at most 120 characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    return name[:120] or FALLBACK_NAME


def safe_stem(name: str) -> str:
    """A file-name stem for the private folder: ASCII letters, digits, ``_`` and ``-`` only
    (readers name layers after the file, so ``europe-50m`` reads better than ``upload``)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", os.path.splitext(name)[0]).strip("_-")
    return stem[:60] or FALLBACK_NAME


def safe_suffix(name: str) -> str:
    """The lower-case extension of ``name`` when it is a plain one (``.geojson``), else ``""``."""
    suffix = os.path.splitext(name)[1].lower()
    return suffix if _SUFFIX.fullmatch(suffix) else ""


async def receive(
    stream: AsyncIterator[bytes],
    content_type: str,
    content_length: str | None,
    limit: int,
    folder: Path,
) -> Upload:
    """Parse the multipart body from ``stream`` into ``folder``; raise :class:`UploadError`."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadError(415, "error.form")
    if content_length is not None:
        try:
            announced = int(content_length)
        except ValueError:
            raise UploadError(400, "error.form") from None
        if announced > limit + ENVELOPE:
            raise UploadError(413, "error.too_large", _megabytes(limit))

    sink = _Sink(folder, limit)
    parser = MultipartParser(boundary, sink.callbacks())
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > limit + ENVELOPE:
                raise UploadError(413, "error.too_large", _megabytes(limit))
            parser.write(chunk)
            if sink.problem is not None:
                raise sink.problem
        parser.finalize()
    except UploadError:
        raise
    except Exception:  # a malformed body: python-multipart raises its own errors
        raise UploadError(400, "error.form") from None
    finally:
        sink.close()
    if sink.problem is not None:
        raise sink.problem
    sink.upload.size = received
    return sink.upload


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


class _Sink:
    """python-multipart callbacks: headers of each part, the file to disk, fields to memory."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit
        self._part_bytes = 0
        self.upload = Upload()
        self.problem: UploadError | None = None
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._value: bytearray | None = None
        self._fh: int | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self._part_bytes = 0
        self._headers = {}
        self._name = ""
        self._value = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = options.get(b"filename")
        if raw_filename is None:
            self._value = bytearray()
            return
        if not raw_filename:
            return  # a form's empty file input: no file chosen
        if self._name != "file" or self.upload.file is not None:
            self.problem = UploadError(400, "error.one_file")
            return
        filename = display_name(raw_filename.decode("utf-8", "replace"))
        # The only path ever written: in the server's folder, made of a fixed character set.
        target = self.folder / f"{safe_stem(filename)}{safe_suffix(filename)}"
        self._fh = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.upload.file = target
        self.upload.filename = filename

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.problem is not None:
            return
        self._part_bytes += end - start
        if self._part_bytes > self.limit:  # the file, or the pasted text
            self.problem = UploadError(413, "error.too_large", _megabytes(self.limit))
            return
        if self._fh is not None:
            view = memoryview(data)[start:end]
            while view:
                written = os.write(self._fh, view)
                view = view[written:]
        elif self._value is not None:
            self._value += data[start:end]
            if self._name != "text" and len(self._value) > MAX_SMALL_FIELD:
                self.problem = UploadError(400, "error.form")

    def on_part_end(self) -> None:
        if self._fh is not None:
            os.close(self._fh)
            self._fh = None
        elif self._value is not None and self._name:
            self.upload.fields[self._name] = bytes(self._value).decode("utf-8", "replace")
        self._value = None

    def close(self) -> None:
        if self._fh is not None:
            os.close(self._fh)
            self._fh = None
