"""Key-value files: INI and its kin (``.ini``, ``.cfg``, ``.conf``), Java ``.properties``, and
``.env`` files.

Each ``key = value`` (or ``key: value``; in ``.properties`` also ``key value``) gives the value
as a segment at its own line and column, keyed ``section.key``, with its quotes removed: the
quotes of the syntax (a Joomla language file's ``CITY="Yalta, Crimea, Russia"``) are not
quotation, so wording inside them is the file's own. Java's ``\\uXXXX`` escapes and the other
backslash escapes of ``.properties`` are decoded (its values are often all escapes: a Russian
catalogue reads ``\\u0420\\u0435\\u0441\\u043f\\u0443\\u0431\\u043b\\u0438\\u043a\\u0430``);
continuation lines (a trailing backslash) join the next line. Comments (``#``, ``;``, ``!``)
are segments of their own. The values of each section are also a list, so a file of region
names is checked as one (MD401), and each section's pairs a record (MD402).
"""

from __future__ import annotations

import re

from checker.readers.base import TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, js_path
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import normalise_newlines

#: ``[section]`` headers.
_SECTION = re.compile(r"^\s*\[([^\]\n]{1,200})\]\s*(?:[;#].*)?$")
#: ``key = value`` / ``key: value`` (``.properties``: the first ``=``, ``:`` or white space).
_PAIR = re.compile(r"^(\s*)((?:\\.|[^=:\s\\])(?:\\.|[^=:\\])*?)\s*[=:]\s?(.*)$")
_PAIR_SPACE = re.compile(r"^(\s*)((?:\\.|[^=:\s\\])+)\s+(\S.*)$")
_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.S)
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        body = m.group(1)
        if body[0] == "u" and len(body) == 5:
            return chr(int(body[1:], 16))
        return _SIMPLE.get(body, body)

    return _ESCAPES.sub(one, value) if "\\" in value else value


def _unquote(value: str) -> tuple[str, int]:
    """A value without its surrounding quotes, and how many characters were cut before it."""
    stripped = value.rstrip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return stripped[1:-1], 1
    return stripped, 0


def read_keyvalue(data: bytes, suffix: str) -> TextEvidence:
    text, encoding, notes = decode(data)
    text = normalise_newlines(text)
    col = Collector("keyvalue", encoding, notes)
    lines = text.split("\n")
    col.evidence.source_lines = lines
    properties = suffix.lower() == ".properties"
    section = ""
    values: list[TextSegment] = []
    fields: dict[str, str] = {}
    first_line = 0

    def close_section() -> None:
        parent = js_path("$", section) if section else "$"
        if len(values) >= 2:
            col.enumeration(list(values), parent, "keyvalue-section")
        if section and len(fields) >= 2:
            # An INI section is one thing's settings (an address, a place); a file's pairs
            # outside sections are a catalogue of unrelated strings, no record.
            col.record(dict(fields), parent, None, first_line)
        values.clear()
        fields.clear()

    number = 0
    while number < len(lines) and not col.full:
        line = lines[number]
        number += 1
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[0] in "#;!":
            col.segment(stripped[1:], number, line.index(stripped[0]) + 2, part="comment")
            continue
        m = _SECTION.match(line)
        if m and not properties:
            close_section()
            section = m.group(1).strip()
            continue
        start_line = number
        if properties:
            while line.endswith("\\") and not line.endswith("\\\\") and number < len(lines):
                line = line[:-1] + lines[number].lstrip()
                number += 1
        m = _PAIR.match(line) or (_PAIR_SPACE.match(line) if properties else None)
        if m is None:
            continue
        key = _unescape(m.group(2).strip()) if properties else m.group(2).strip()
        raw = m.group(3)
        value, cut = _unquote(raw)
        if properties:
            value = _unescape(value)
        if not value.strip():
            continue
        column = m.start(3) + 1 + cut
        path = js_path(js_path("$", section) if section else "$", key)
        seg = col.segment(value, start_line, column, part="value", key_path=path)
        if seg is None:
            break
        if not fields:
            first_line = start_line
        values.append(seg)
        fields.setdefault(key, value)
    close_section()
    return col.evidence
