"""iCalendar (``.ics``) and vCard (``.vcf``) files: RFC 5545 / RFC 6350 content lines.

Long lines are folded (a line break then a space or tab continues the line before): they are
unfolded first, so a phrase split by the fold is read whole. Each ``NAME;PARAMS:VALUE`` gives its
value, unescaped (``\\,`` ``\\;`` ``\\n`` ``\\\\``), as a segment at the value's line and column,
keyed ``$.VCALENDAR[0].VEVENT[2].LOCATION`` (the components and their numbers, then the
property). A calendar's
``LOCATION: Sevastopol\\, Russia`` is read as "Sevastopol, Russia".

Each component (an event, a contact) is a record of its text properties. A vCard address
(``ADR``: post-office box; extended address; street; locality; region; postal code; country) is
split into its named parts, so an address book that files Simferopol under Russia is a record
with ``locality`` and ``country`` fields (MD402).
"""

from __future__ import annotations

import bisect
import re

from checker.readers.base import TextEvidence
from checker.readers.docs._collect import Collector
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import normalise_newlines

#: Properties whose values are not text: dates, durations, ids, binary data, URIs.
_SKIP = frozenset(
    {
        "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "UID", "DTSTAMP", "DTSTART",
        "DTEND", "DUE", "DURATION", "RRULE", "EXDATE", "RDATE", "CREATED", "LAST-MODIFIED",
        "SEQUENCE", "STATUS", "TRANSP", "PHOTO", "LOGO", "SOUND", "KEY", "REV", "TZOFFSETFROM",
        "TZOFFSETTO", "TRIGGER", "ACTION", "ATTACH", "GEO", "PRIORITY", "CLASS", "BDAY",
    }
)  # fmt: skip
_ADR_PARTS = ("pobox", "extended", "street", "locality", "region", "postal_code", "country")
_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)((?:;[^:]*)?):")
_ESCAPE = re.compile(r"\\(.)")


def _unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split_unescaped(value: str, sep: str) -> list[str]:
    """``value`` split at ``sep`` not escaped by a backslash."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in value:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def read_contentlines(data: bytes) -> TextEvidence:
    text, encoding, notes = decode(data)
    text = normalise_newlines(text)
    col = Collector("contentlines", encoding, notes)
    raw = text.split("\n")
    col.evidence.source_lines = raw
    # Unfold: each logical line's text, and where its physical lines start in it (offset in
    # the logical line, file line, column of that offset: a continuation's leading space is
    # dropped, so its text starts at column 2).
    logical: list[tuple[str, list[tuple[int, int, int]]]] = []
    for number, line in enumerate(raw, 1):
        if line[:1] in (" ", "\t") and logical:
            value, starts = logical[-1]
            starts.append((len(value), number, 2))
            logical[-1] = (value + line[1:], starts)
        else:
            logical.append((line, [(0, number, 1)]))

    def place(starts: list[tuple[int, int, int]], offset: int) -> tuple[int, int]:
        """(line, column) in the file of an offset in a logical line."""
        at, line, column = starts[bisect.bisect_right(starts, (offset, 1 << 62, 0)) - 1]
        return line, column + offset - at

    stack: list[tuple[str, str, dict[str, str], int]] = []  # (component path, kind, fields, line)
    counts: dict[str, int] = {}
    for line, starts in logical:
        number = starts[0][1]
        if col.full:
            break
        m = _NAME.match(line)
        if m is None:
            continue
        name = m.group(1).upper()
        value = line[m.end() :]
        if name == "BEGIN":
            kind = value.strip().upper()
            index = counts.get(kind, 0)
            counts[kind] = index + 1
            parent = stack[-1][0] if stack else "$"
            stack.append((f"{parent}.{kind}[{index}]", kind, {}, number))
            continue
        if name == "END":
            if stack:
                path, _kind, fields, first = stack.pop()
                if len(fields) >= 2:
                    col.record(fields, path, None, first)
            continue
        if name in _SKIP or (name.startswith("X-") and "DESC" not in name) or not value.strip():
            continue
        where = stack[-1][0] if stack else "$"
        fields = stack[-1][2] if stack else {}
        if name == "ADR":
            offset = m.end()
            for part, piece in zip(_ADR_PARTS, _split_unescaped(value, ";"), strict=False):
                text_value = _unescape(piece).strip()
                if text_value:
                    ln, column = place(starts, offset)
                    col.segment(
                        text_value, ln, column, part="value", key_path=f"{where}.ADR.{part}"
                    )
                    fields.setdefault(part, text_value)
                offset += len(piece) + 1
            continue
        text_value = _unescape(value)
        ln, column = place(starts, m.end())
        col.segment(text_value, ln, column, part="value", key_path=f"{where}.{name}")
        fields.setdefault(name.lower(), text_value)
    return col.evidence
