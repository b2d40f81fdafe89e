"""Evidence building with limits shared by every document and data reader.

A reader never holds more than :data:`MAX_TEXT_CHARS` characters of segment text,
:data:`MAX_ITEMS` segments, records and enumeration items together, or :data:`MAX_IMAGES`
embedded images. When a limit is reached the collector stops taking more and records why in
``evidence.undetermined``: a file that was only partly read is never reported clean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from checker.readers.base import DataRecord, EmbeddedImage, Enumeration, TextEvidence, TextSegment

#: Characters of text kept per input (a 100 KB article is 0.1 M; a whole novel is about 1-2 M).
MAX_TEXT_CHARS = 32_000_000
#: Segments + records + enumeration items per input (each costs ~150 bytes of Python objects).
MAX_ITEMS = 2_000_000
#: Embedded images handed to the image pipeline per document, and their size limits.
MAX_IMAGES = 200
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_IMAGES_TOTAL_BYTES = 256 * 1024 * 1024
#: Smaller "images" are empty or broken (flat-colour maps compress to a few hundred bytes, so
#: the bound is deliberately low; readers that know pixel sizes also skip icons by size).
MIN_IMAGE_BYTES = 64


class Collector:
    """Accumulates one input's evidence and enforces the limits above."""

    def __init__(self, fmt: str, encoding: str | None = None, notes: Iterable[str] = ()) -> None:
        """``notes``: what decoding the input noticed (an encoding guessed, bytes replaced)."""
        self.evidence = TextEvidence(format=fmt, segments=[], encoding=encoding)
        self.chars = 0
        self.items = 0
        self.full = False
        self._image_bytes = 0
        self._image_limit_noted = False
        for note in notes:
            self.note(note)

    # -- limits -------------------------------------------------------------------------------

    def _stop(self, what: str) -> None:
        if not self.full:
            self.full = True
            self.evidence.undetermined.append(
                f"the file holds more than {what}; only the part before that was checked"
            )

    def _take_item(self) -> bool:
        if self.full:
            return False
        self.items += 1
        if self.items > MAX_ITEMS:
            self._stop(f"{MAX_ITEMS:,} text items")
            return False
        return True

    # -- adding evidence ----------------------------------------------------------------------

    def segment(
        self,
        text: str,
        line: int = 1,
        column: int = 1,
        *,
        page: int | None = None,
        part: str = "body",
        key_path: str | None = None,
        row: int | None = None,
        block: int | None = None,
    ) -> TextSegment | None:
        """Add a segment (``None`` when a limit was reached; the text is cut at the limit)."""
        if not self._take_item():
            return None
        room = MAX_TEXT_CHARS - self.chars
        if len(text) > room:
            text = text[:room]
            self._stop(f"{MAX_TEXT_CHARS:,} characters of text")
        self.chars += len(text)
        seg = TextSegment(text, line, column, page, part, key_path, row, block)
        self.evidence.segments.append(seg)
        return seg

    def extend(self, segments: list[TextSegment], chars: int) -> None:
        """Add segments built by a reader that checked the limits itself (``chars`` is their
        total length)."""
        self.items += len(segments)
        self.chars += chars
        self.evidence.segments.extend(segments)

    def record(
        self,
        fields: dict[str, Any],
        key_path: str | None = None,
        row: int | None = None,
        line: int | None = None,
        end_line: int | None = None,
    ) -> DataRecord | None:
        if not self._take_item():
            return None
        rec = DataRecord(fields, key_path, row, line, end_line)
        self.evidence.records.append(rec)
        return rec

    def enumeration(
        self, items: list[TextSegment], key_path: str | None = None, origin: str = ""
    ) -> Enumeration | None:
        """Add an enumeration of segments (usually the same objects as added by
        :meth:`segment`, so they cost no extra text)."""
        if self.full:
            return None
        self.items += len(items)
        if self.items > MAX_ITEMS:
            self._stop(f"{MAX_ITEMS:,} text items")
            return None
        enum = Enumeration(items, key_path, origin)
        self.evidence.enumerations.append(enum)
        return enum

    def image(self, data: bytes, page: int | None = None, name: str | None = None) -> None:
        """Hand an embedded image to the image pipeline, within the image limits."""
        if len(data) < MIN_IMAGE_BYTES:
            return
        where = name or (f"page {page}" if page else "an image")
        if len(data) > MAX_IMAGE_BYTES:
            self.evidence.undetermined.append(
                f"embedded image {where} is {len(data):,} bytes, over the "
                f"{MAX_IMAGE_BYTES:,}-byte limit; it was not checked"
            )
            return
        if (
            len(self.evidence.images) >= MAX_IMAGES
            or self._image_bytes + len(data) > MAX_IMAGES_TOTAL_BYTES
        ):
            if not self._image_limit_noted:
                self._image_limit_noted = True
                self.evidence.undetermined.append(
                    f"the document holds more embedded images than the limit "
                    f"({MAX_IMAGES} images, {MAX_IMAGES_TOTAL_BYTES:,} bytes); the rest were "
                    "not checked"
                )
            return
        self._image_bytes += len(data)
        self.evidence.images.append(EmbeddedImage(data, page, name))

    def note(self, text: str) -> None:
        if text not in self.evidence.notes:
            self.evidence.notes.append(text)

    def sort_segments(self) -> None:
        """Put the segments back in document order, after a second reading added some."""
        self.evidence.segments.sort(key=lambda seg: (seg.line, seg.column))

    def undetermined(self, text: str) -> None:
        if text not in self.evidence.undetermined:
            self.evidence.undetermined.append(text)


def _same_place(line: int, column: int) -> tuple[int, int]:
    return line, column


def _same_key(key: str | None) -> str | None:
    return key


def adopt(
    col: Collector,
    sub: TextEvidence,
    place: Callable[[int, int], tuple[int, int]] = _same_place,
    key: Callable[[str | None], str | None] = _same_key,
    group_key: Callable[[str | None], str | None] = _same_key,
    part: str | None = None,
) -> None:
    """Copy the evidence of a document read inside another one (a page's JSON-LD block, a
    notebook cell) into ``col``: ``place`` moves (line, column) into the outer file, ``key``
    gives a segment its key path, ``group_key`` a record's or a list's; ``part`` replaces the
    segments' part when given. Lists keep their items (the copied segments). By default the
    positions and key paths stay as they are (a part of the same file read another way)."""
    kept: dict[int, TextSegment] = {}
    for seg in sub.segments:
        line, column = place(seg.line, seg.column)
        added = col.segment(
            seg.text, line, column, part=part or seg.part, key_path=key(seg.key_path)
        )
        if added is None:
            return
        kept[id(seg)] = added
    for rec in sub.records:
        first = place(rec.line or 1, 1)[0]
        last = place(rec.end_line, 1)[0] if rec.end_line else None
        col.record(rec.fields, group_key(rec.key_path), None, first, last)
    for enum in sub.enumerations:
        items = [kept[id(s)] for s in enum.items if id(s) in kept]
        if len(items) >= 2:
            col.enumeration(items, group_key(enum.key_path), enum.origin)


def blank(text: str) -> str:
    """``text`` as spaces, its line breaks kept (so that later positions do not move)."""
    if "\n" not in text:
        return " " * len(text)
    return re.sub(r"[^\n]", " ", text)


class LineCounter:
    """(line, column) of offsets into ``text``, 1-based, for offsets visited in increasing order.

    Each call counts only the newlines since the previous offset, so a pass over a file costs
    O(n) however many offsets are asked; an offset before the previous one restarts the count.
    """

    __slots__ = ("_last_nl", "_line", "_pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._pos = 0
        self._line = 1
        self._last_nl = -1

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self._pos:
            self._pos, self._line, self._last_nl = 0, 1, -1
        text = self.text
        n = text.count("\n", self._pos, offset)
        if n:
            self._line += n
            self._last_nl = text.rfind("\n", self._pos, offset)
        self._pos = offset
        return self._line, offset - self._last_nl


def lstrip_position(text: str, line: int, column: int) -> tuple[str, int, int]:
    """``text`` without leading white space, and where the rest starts."""
    stripped = text.lstrip()
    cut = len(text) - len(stripped)
    if cut == 0:
        return text, line, column
    prefix = text[:cut]
    newlines = prefix.count("\n")
    if newlines:
        return stripped, line + newlines, cut - prefix.rfind("\n")
    return stripped, line, column + cut


def js_path(parent: str, key: str | int) -> str:
    """A JSONPath-like key path: ``$.regions[12]``, ``$["São Paulo"]``."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if key.isidentifier():
        return f"{parent}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{parent}["{escaped}"]'


# --- tables as records ---------------------------------------------------------------------------

#: A header cell is a short label: at most this many characters, with a letter in it.
_MAX_HEADER_CELL = 40


def looks_like_header(cells: list[str]) -> bool:
    """Whether a table's first row reads as column names ("City", "Country", "Регион"): every
    cell short, holding a letter, and not a number."""
    if len(cells) < 2:
        return False
    for cell in cells:
        text = cell.strip()
        if not text or len(text) > _MAX_HEADER_CELL or not any(ch.isalpha() for ch in text):
            return False
    return True


def table_records(
    col: Collector,
    table_path: str,
    rows: list[tuple[int | None, list[str]]],
    header: list[str] | None,
) -> None:
    """Each body row of a table as a record keyed by the header's names (``column N`` where a
    name is missing), so the data rules read "Sevastopol | Russia" in a table as they read it
    in a CSV file. ``rows``: (line or None, cell texts) after the header; the record's key path
    is ``"<table_path> row N"`` with N counting the table's rows from 1, header included."""
    names = [h.strip() or f"column {k}" for k, h in enumerate(header or [], 1)]
    first = 2 if header is not None else 1
    for number, (line, cells) in enumerate(rows, first):
        fields: dict[str, Any] = {}
        for k, cell in enumerate(cells, 1):
            text = " ".join(cell.split())
            if text:
                fields[names[k - 1] if k <= len(names) else f"column {k}"] = text
        if len(fields) >= 2 and col.record(fields, f"{table_path} row {number}", number, line):
            continue
        if col.full:
            return


class TypedTable:
    """Rows of typed values (a database table, a Parquet file) read as CSV rows are: each row a
    record (numbers kept as numbers, binary and nested values left out), each text value a
    segment (part ``cell``, key path ``"<prefix>row N column NAME"``), each text column of two
    or more values a list (key path ``<list_prefix>NAME``, origin ``<origin>NAME``)."""

    def __init__(self, col: Collector, prefix: str, list_prefix: str, origin: str) -> None:
        self.col = col
        self.prefix = prefix
        self.list_prefix = list_prefix
        self.origin = origin
        self.columns: dict[str, list[TextSegment]] = {}

    def add(self, values: Iterable[tuple[str, Any]], count: int, number: int) -> bool:
        """Add row ``count`` of the table (``number``: its running number in the file);
        ``False`` when a limit of the collector was reached."""
        fields: dict[str, Any] = {}
        for name, value in values:
            if value is None or isinstance(value, bytes | list | dict):
                continue  # binary (pictures, packed data) and nested values
            fields[name] = value
            if isinstance(value, str) and value.strip():
                seg = self.col.segment(
                    value,
                    count,
                    1,
                    part="cell",
                    key_path=f"{self.prefix}row {count} column {name}",
                    row=number,
                )
                if seg is None:
                    return False
                self.columns.setdefault(name, []).append(seg)
        return self.col.record(fields, f"{self.prefix}row {count}", number, count) is not None

    def finish(self) -> None:
        """Add the table's text columns as lists."""
        for name, segs in self.columns.items():
            if len(segs) >= 2:
                self.col.enumeration(segs, f"{self.list_prefix}{name}", f"{self.origin}{name}")


def records_from_cell_segments(col: Collector) -> None:
    """Tables of word-processor documents (DOCX, ODT) as records: their segments carry key
    paths ``"table 2 row 3 cell 1"`` (nested: ``"table 1 row 1 cell 2 table 1 row 2 cell 1"``).
    The first row is the header when it reads as one (:func:`looks_like_header`)."""
    import re

    cell_path = re.compile(r"^(?P<table>.*?table \d+) row (?P<row>\d+) cell (?P<cell>\d+)$")
    tables: dict[str, dict[int, dict[int, list[str]]]] = {}
    for seg in col.evidence.segments:
        if seg.part != "table" or not seg.key_path:
            continue
        m = cell_path.match(seg.key_path)
        if m is None:
            continue
        rows = tables.setdefault(m.group("table"), {})
        cells = rows.setdefault(int(m.group("row")), {})
        cells.setdefault(int(m.group("cell")), []).append(seg.text)
    for table_path, rows in tables.items():
        grid: list[list[str]] = []
        for r in sorted(rows):
            cells = rows[r]
            width = max(cells)
            grid.append([" ".join(cells.get(c, [])) for c in range(1, width + 1)])
        if len(grid) < 2:
            continue
        header = grid[0] if looks_like_header(grid[0]) else None
        body = grid[1:] if header is not None else grid
        table_records(col, table_path, [(None, cells) for cells in body], header)
