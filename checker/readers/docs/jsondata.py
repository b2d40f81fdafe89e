"""JSON (and JSON Lines) with key paths and file positions.

The document is parsed by the C decoder (``json.loads``, objects kept as ordered pairs so that
duplicate keys are not lost), then walked in document order alongside a regular-expression scan
of the text's string tokens and ``{``/``[`` openers: in valid JSON the n-th of those tokens is the
n-th string/object/array met by the walk, which gives every value its exact line and column
without a Python-level parser.

Evidence:

* a :class:`DataRecord` per object: its scalar fields, plus the scalars of directly nested
  objects as ``outer.inner``; ``key_path`` like ``$.regions[12]``, ``line`` of its ``{``;
* segments for every string value (part ``value``) and every key that is not a plain field name
  (part ``key``: "Crimea", "São Paulo", every key of an object of objects; not "name" or
  "countryCode"), at the first character inside the quotes, ``key_path`` of the value;
* enumerations: every array of two or more strings (origin ``json-array``); for an array of
  objects, each key's string values across the objects (origin ``json-field:<key>``, key path
  ``$.regions[*].name``); the keys of an object whose values are all objects or arrays
  (``{"Moscow": {…}, "Crimea": {…}}``, origin ``json-keys``); the values of an object of three or
  more string values (origin ``json-object-values``).

An escaped newline inside a string is a space in the segment text (the string is on one line of
the file, so :meth:`TextSegment.position` stays right); other escapes are decoded, so columns
inside a string with ``\\uXXXX`` escapes drift after the escape. Nesting deeper than the decoder
allows (about 1,000 levels) is refused with ME903.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from checker.readers._jsonio import gc_paused, json_error
from checker.readers.base import ReaderError, TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, LineCounter, js_path
from checker.readers.docs.encoding import decode

_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[{]', re.S)
#: Objects with at least this many string values (and not rows of an array of objects, which
#: are records) form an enumeration of their values: lookup tables such as {"RU-CR": "Crimea"}.
_MIN_OBJECT_VALUES = 3


def _schema_key(key: str) -> bool:
    """A field name such as ``name`` or ``countryCode``: ASCII, identifier-like, not capitalised.
    Such keys are not given segments (they are the schema, not text; records keep them)."""
    return key.isascii() and key.isidentifier() and not key[0].isupper()


class _Obj(list[Any]):
    """A JSON object as its list of (key, value) pairs, in document order."""


def _parse(text: str) -> Any:
    with gc_paused():
        return json.loads(text, object_pairs_hook=_Obj)


def read_json(data: bytes) -> TextEvidence:
    text, encoding, notes = decode(data)
    col = Collector("json", encoding, notes)
    try:
        docs: list[tuple[str, Any]] = [("$", _parse(text))]
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise json_error(exc, text) from None
        docs = _json_lines(text)
        col.note("read as JSON Lines (one JSON value per line)")
    except RecursionError:
        raise ReaderError(
            "ME903", "JSON nested more deeply than the reader allows (about 1,000 levels)"
        ) from None
    if "\n" in text:
        col.evidence.source_lines = text.replace("\r\n", "\n").split("\n")
    walker = _Walker(col, text)
    for path, value in docs:
        walker.walk(path, value)
        if col.full:
            break
    return col.evidence


def _json_lines(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            out.append((f"$[{len(out)}]", _parse(line)))
        except json.JSONDecodeError as exc:
            raise ReaderError(
                "ME901", f"invalid JSON Lines at line {number} column {exc.colno}: {exc.msg}"
            ) from None
        except RecursionError:
            raise ReaderError(
                "ME903", f"JSON at line {number} is nested more deeply than the reader allows"
            ) from None
    return out


class _Walker:
    def __init__(self, col: Collector, text: str) -> None:
        self.col = col
        self.text = text
        self.tokens = _TOKENS.finditer(text)
        self.lines = LineCounter(text)

    def _next(self) -> tuple[int, str]:
        m = next(self.tokens, None)
        if m is None:  # cannot happen for text the decoder accepted
            raise ReaderError("ME901", "JSON tokens out of step with the parsed document")
        return m.start(), m.group()

    def _string(self, value: str, path: str, part: str) -> TextSegment | None:
        offset, raw = self._next()
        line, column = self.lines.at(offset)
        if "\n" in value and "\n" not in raw:
            value = value.replace("\n", " ")
        return self.col.segment(value, line, column + 1, part=part, key_path=path)

    def walk(self, root_path: str, root: Any) -> None:
        """Visit ``root`` in document order. Containers are generators that yield the nested
        containers they meet, so nesting depth costs list entries, not Python stack frames."""
        if isinstance(root, str):
            self._string(root, root_path, "value")
            return
        if not isinstance(root, list):
            return
        stack: list[Iterator[Child]] = [self._container(root, root_path, None)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            if self.col.full:
                return
            stack.append(self._container(*child))

    def _container(
        self, value: list[Any], path: str, sink: Columns | None, row: bool = False
    ) -> Iterator[Child]:
        if isinstance(value, _Obj):
            return self._object(value, path, sink)
        return self._array(value, path, row)

    def _object(self, pairs: _Obj, path: str, sink: Columns | None) -> Iterator[Child]:
        offset, _ = self._next()
        line, _ = self.lines.at(offset)
        fields: dict[str, Any] = {}
        keys: list[TextSegment] = []
        values: list[TextSegment] = []
        containers = 0
        is_map = len(pairs) >= 2 and all(isinstance(v, list) for _, v in pairs)
        # A map of objects ({"RU-KHE": {"name": "Херсонская область"}, …}) gives the values of
        # each of their keys as a list, as an array of objects does.
        columns: Columns | None = {} if is_map else None
        objects = 0
        for key, value in pairs:
            child = js_path(path, key)
            if is_map or not _schema_key(key):
                kseg = self._string(key, child, "key")
                if kseg is not None:
                    keys.append(kseg)
            else:
                self._next()  # a field name ("name", "countryCode"): not text
            if isinstance(value, list):
                containers += 1
                if isinstance(value, _Obj):
                    objects += 1
                    for inner, scalar in value:
                        if scalar is None or isinstance(scalar, (str, int, float, bool)):
                            fields.setdefault(f"{key}.{inner}", scalar)
                yield value, child, columns if isinstance(value, _Obj) else None, False
                continue
            fields[key] = value
            if isinstance(value, str):
                seg = self._string(value, child, "value")
                if seg is not None:
                    values.append(seg)
                    if sink is not None:
                        sink.setdefault(key, []).append(seg)
        self.col.record(fields, path, None, line)
        if is_map and len(keys) == len(pairs):
            self.col.enumeration(keys, path, "json-keys")
        elif sink is None and len(values) >= _MIN_OBJECT_VALUES and len(values) == len(pairs):
            self.col.enumeration(values, path, "json-object-values")
        if columns and objects >= 2:
            for name, segs in columns.items():
                if len(segs) >= 2:
                    self.col.enumeration(segs, js_path(f"{path}[*]", name), f"json-field:{name}")

    def _array(self, items: list[Any], path: str, row: bool = False) -> Iterator[Child]:
        offset, _ = self._next()
        if row:
            # A row of a table of arrays: a record with unnamed columns, as a CSV file without
            # a header gives ("column 1", "column 2" …).
            line, _ = self.lines.at(offset)
            fields = {f"column {i}": v for i, v in enumerate(items, 1)}
            self.col.record(fields, path, None, line)
        rows = _is_table(items)
        strings: list[TextSegment] = []
        objects = 0
        columns: Columns = {}
        for index, value in enumerate(items):
            child = js_path(path, index)
            if isinstance(value, str):
                seg = self._string(value, child, "value")
                if seg is not None:
                    strings.append(seg)
            elif isinstance(value, list):
                if isinstance(value, _Obj):
                    objects += 1
                    yield value, child, columns, False
                else:
                    yield value, child, None, rows
        if len(strings) >= 2 and len(strings) == len(items) and not row:
            self.col.enumeration(strings, path, "json-array")
        if objects >= 2:
            for key, segs in columns.items():
                if len(segs) >= 2:
                    self.col.enumeration(segs, js_path(f"{path}[*]", key), f"json-field:{key}")


Columns = dict[str, list[TextSegment]]
Child = tuple[list[Any], str, "Columns | None", bool]


def _is_table(items: list[Any]) -> bool:
    """Whether ``items`` are rows: two or more arrays of plain values (strings, numbers, null),
    all of one length of two or more (``[["Sevastopol", "RU", "UA-40", …], …]``)."""
    if len(items) < 2:
        return False
    width = -1
    for value in items:
        if not isinstance(value, list) or isinstance(value, _Obj):
            return False
        if width < 0:
            width = len(value)
            if width < 2:
                return False
        elif len(value) != width:
            return False
        for cell in value:
            if isinstance(cell, list):
                return False
    return True
