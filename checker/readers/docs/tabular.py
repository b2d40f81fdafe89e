"""CSV and TSV.

The dialect (delimiter among ``, ; TAB |``, quote character) is sniffed from the first 64 KiB;
whether the first row is a header is decided by :class:`csv.Sniffer` with a fallback that
treats a first row of distinct, non-numeric names as a header.

Evidence: a :class:`DataRecord` per data row (``fields`` = column → value, ``row`` = 1-based data
row, ``line`` = file line where the row starts, ``key_path`` "row 12"); an :class:`Enumeration`
per column (origin ``csv-column:<name>``); and a segment per non-empty cell (part ``cell``,
``key_path`` "row 12 column region", exact line and column of the cell's first character, inside
the quotes for a quoted cell), so that text rules see cell text too. Header cells are segments
with part ``header``. Columns without a header are named "column 1", "column 2" ….
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from checker.readers.base import TextEvidence, TextSegment
from checker.readers.docs._collect import Collector
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import normalise_newlines

_SNIFF = 64 * 1024
_NUMBER = re.compile(r"^\s*[-+]?[\d.,\s]+%?\s*$")
#: Longest field accepted (csv's own default is 128 KiB).
MAX_FIELD = 16 * 1024 * 1024


def _dialect(sample: str, fmt: str) -> type[csv.Dialect] | csv.Dialect:
    if fmt == "tsv":
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _column(name: str) -> str:
    """``column region`` for a named column; a generated name ("column 2") as it is."""
    return name if name.startswith("column ") and name[7:].isdigit() else f"column {name}"


_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def _identifier_header(sample: str, names: list[str]) -> bool:
    """Every name a lower-case identifier, unique, and some later cell in the sample is not."""
    if len(set(names)) != len(names) or not all(_IDENTIFIER.fullmatch(n) for n in names):
        return False
    later = sample.splitlines()[1:50]
    return any(
        not _IDENTIFIER.fullmatch(cell.strip())
        for line in later
        for cell in re.split(r"[,;\t|]", line)
        if cell.strip()
    )


def _has_header(sample: str, first: list[str]) -> bool:
    names = [c.strip() for c in first]
    if len(first) > 1:
        try:
            if csv.Sniffer().has_header(sample):
                return True
        except csv.Error:
            pass
        else:
            # The sniffer votes on cell types and lengths, so a table of text columns of varying
            # length (a region list) gets no vote. Column names written as identifiers
            # (code, region, federal_district) above other cells are a header all the same.
            return _identifier_header(sample, names)

    return (
        bool(names)
        and all(names)
        and len(set(names)) == len(names)
        and not any(_NUMBER.match(n) for n in names)
        and len(first) > 1
    )


def _cell_columns(line_text: str, cells: list[str], delimiter: str, quote: str) -> list[int]:
    """0-based offsets of each cell's text within a one-line record."""
    if quote not in line_text:
        offsets = []
        pos = 0
        for cell in cells:
            offsets.append(pos)
            pos += len(cell) + 1
        return offsets
    offsets = []
    pos = 0
    n = len(line_text)
    for _ in cells:
        if pos < n and line_text[pos] == quote:
            offsets.append(pos + 1)
            pos += 1
            while pos < n:
                if line_text[pos] == quote:
                    if pos + 1 < n and line_text[pos + 1] == quote:
                        pos += 2
                        continue
                    pos += 1
                    break
                pos += 1
        else:
            offsets.append(pos)
        nxt = line_text.find(delimiter, pos)
        pos = n + 1 if nxt < 0 else nxt + 1
    return offsets


def read_tabular(data: bytes, fmt: str) -> TextEvidence:
    text, encoding, notes = decode(data)
    text = normalise_newlines(text)
    col = Collector(fmt, encoding, notes)
    lines = text.split("\n")
    col.evidence.source_lines = lines
    sample = text[:_SNIFF]
    dialect = _dialect(sample, fmt)
    delimiter = str(dialect.delimiter)
    quote = str(dialect.quotechar or '"')
    csv.field_size_limit(MAX_FIELD)

    line_no = [0]

    def feed() -> Iterator[str]:
        for line in lines:
            line_no[0] += 1
            yield line + "\n"

    reader = csv.reader(feed(), dialect)
    header: list[str] | None = None
    names: list[str] = []
    columns: dict[int, list[TextSegment]] = {}
    row_no = 0
    start_line = 1
    try:
        for cells in reader:
            end_line = line_no[0]
            first_line, start_line = start_line, end_line + 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if header is None:
                if _has_header(sample, cells):
                    header = cells
                    names = [c.strip() or f"column {i}" for i, c in enumerate(cells, 1)]
                    offsets = _offsets(lines, first_line, end_line, cells, delimiter, quote)
                    for cell, off in zip(cells, offsets, strict=False):
                        if cell.strip() and off is not None:
                            col.segment(cell, first_line, off + 1, part="header")
                    continue
                header = []
            row_no += 1
            offsets = _offsets(lines, first_line, end_line, cells, delimiter, quote)
            fields: dict[str, str] = {}
            for i, cell in enumerate(cells):
                name = names[i] if i < len(names) else f"column {i + 1}"
                fields[name] = cell
                if not cell.strip():
                    continue
                off = offsets[i] if i < len(offsets) else None
                seg = col.segment(
                    cell,
                    first_line,
                    (off + 1) if off is not None else 1,
                    part="cell",
                    key_path=f"row {row_no} {_column(name)}",
                    row=row_no,
                )
                if seg is None:
                    break
                columns.setdefault(i, []).append(seg)
            col.record(fields, f"row {row_no}", row_no, first_line)
            if col.full:
                break
    except csv.Error as exc:
        col.undetermined(f"CSV parsing stopped at line {line_no[0]}: {exc}")
    for i, items in sorted(columns.items()):
        name = names[i] if i < len(names) else f"column {i + 1}"
        col.enumeration(items, f"column {name}", f"csv-column:{name}")
    return col.evidence


def _offsets(
    lines: list[str], first: int, last: int, cells: list[str], delimiter: str, quote: str
) -> list[int | None]:
    """Column offsets of the cells of a record on file lines first..last (1-based); cells after
    a line break inside a quoted cell get ``None`` (their line is not the record's)."""
    if first == last and first - 1 < len(lines):
        return list(_cell_columns(lines[first - 1], cells, delimiter, quote))
    head = lines[first - 1] if first - 1 < len(lines) else ""
    found = _cell_columns(head, cells, delimiter, quote)
    out: list[int | None] = []
    for i, off in enumerate(found):
        out.append(off if off <= len(head) and "\n" not in "".join(cells[:i]) else None)
    return out
