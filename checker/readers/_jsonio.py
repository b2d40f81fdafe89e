"""JSON decoding with ME901 messages that say what is wrong and where."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator
from typing import Any

from checker.readers.base import ReaderError


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building large trees of lists.

    ``json.loads`` of a 3.6 MB TopoJSON allocates about half a million lists; with the collector
    running it repeatedly walks them all, which here made parsing 1.5-2.5x slower. Nothing
    parsed from JSON can form a cycle, so pausing is safe; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def decode_text(data: bytes) -> str:
    """Bytes to text: UTF-8 (a BOM is allowed) or UTF-16/32 with a BOM; ME901 otherwise."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReaderError(
            "ME901",
            f"not valid {exc.encoding.upper()} text: undecodable byte at offset {exc.start}",
        ) from None


def json_error(exc: json.JSONDecodeError, text: str, *, context: str = "") -> ReaderError:
    """ME901 for a decode error, noting when the text simply stops (a truncated file)."""
    where = f"invalid JSON{context} at line {exc.lineno} column {exc.colno}: {exc.msg}"
    # A string left open can only end at the end of the text (raw newlines inside strings
    # raise a different error), so it means truncation just as running out of text does.
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        where += " (the text ends too early: truncated file?)"
    return ReaderError("ME901", where)


def loads(text: str, *, context: str = "") -> Any:
    """``json.loads`` with ME901 errors; accepts the NaN/Infinity literals (validated later)."""
    try:
        with gc_paused():
            return json.loads(text)
    except json.JSONDecodeError as exc:
        raise json_error(exc, text, context=context) from None
    except RecursionError:
        raise ReaderError("ME901", f"JSON{context} is nested too deeply to read") from None


def load_bytes(data: bytes) -> Any:
    """Decode and parse a whole JSON document."""
    return loads(decode_text(data))
