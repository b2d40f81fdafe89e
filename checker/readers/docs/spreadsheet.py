"""XLSX workbooks (Office Open XML spreadsheets) and ODS (OpenDocument) ones, read like CSV
files, one per sheet.

The archive goes through :mod:`checker.readers._safezip` and every part through defusedxml, as
for DOCX; a sheet is parsed as a stream of its rows, so a large sheet costs its text, not a
tree. Cell values are the shared strings, inline strings and formula results the file stores
(numbers as written); formulas are not evaluated.

Evidence, per sheet (``key_path`` names the sheet as Excel does, ``'Regions'!B3``):

* a :class:`DataRecord` per data row: ``fields`` = header name → value, ``key_path``
  ``"Regions row 3"``, ``line`` = the sheet's row number, ``row`` = a running number across the
  workbook (so that records of two sheets never share one);
* a segment per non-empty text cell (part ``cell``; header cells part ``header``) with ``line``
  = its row and ``column`` = its column number (A = 1), ``key_path`` the cell reference;
* an :class:`Enumeration` per column of two or more text cells (origin
  ``xlsx-column:<header>``, key path ``'Regions'!B``).

The first row is the header when it reads as one (distinct, non-numeric names); columns without
a header are named "column B", … after their letter.
"""

from __future__ import annotations

import io
import re
from typing import Any

from checker.readers._safezip import SafeZip, open_zip
from checker.readers.base import ReaderError, Source, TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, looks_like_header
from checker.readers.docs._xml import local, parse_xml, xml_errors
from checker.readers.docs.office import (
    OfficeDoc,
    add_charts,
    add_images,
    part_bytes,
    relationships,
)

#: Largest XML part read (a sheet of a million short rows is ~100 MB).
MAX_XML_BYTES = 256 * 1024 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _text_of(element: Any) -> str:
    """The text of a shared or inline string: its ``<t>`` and its runs' ``<t>`` (a phonetic
    reading, ``<rPh>``, is not the cell's text)."""
    parts: list[str] = []
    for child in element:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(archive: SafeZip) -> list[str]:
    data = part_bytes(archive, "xl/sharedStrings.xml", MAX_XML_BYTES)
    if data is None:
        return []
    root = parse_xml(data, "xl/sharedStrings.xml")
    return [_text_of(si) for si in root if local(si.tag) == "si"]


def _sheets(archive: SafeZip) -> list[tuple[str, str]]:
    """(sheet name, archive path) in workbook order."""
    data = part_bytes(archive, "xl/workbook.xml", MAX_XML_BYTES)
    if data is None:
        raise ReaderError("ME901", "not an Excel workbook: xl/workbook.xml is missing")
    root = parse_xml(data, "xl/workbook.xml")
    targets = relationships(archive, "xl/workbook.xml")
    out: list[tuple[str, str]] = []
    for number, sheet in enumerate((e for e in root.iter() if local(e.tag) == "sheet"), 1):
        default = (f"xl/worksheets/sheet{number}.xml", "")
        out.append(
            (sheet.get("name") or f"Sheet{number}", targets.get(sheet.get(_REL) or "", default)[0])
        )
    return out


def _rows(data: bytes, name: str, shared: list[str]) -> list[tuple[int, list[tuple[int, str]]]]:
    """(row number, [(column number, text)]) of the sheet's rows that hold text."""
    import defusedxml.ElementTree as SafeET

    rows: list[tuple[int, list[tuple[int, str]]]] = []
    with xml_errors(name):
        for _, elem in SafeET.iterparse(io.BytesIO(data), events=("end",)):
            if local(elem.tag) != "row":
                continue
            number = int(elem.get("r") or len(rows) + 1)
            cells: list[tuple[int, str]] = []
            for k, cell in enumerate(c for c in elem if local(c.tag) == "c"):
                ref = _REF.match(cell.get("r") or "")
                column = _column_number(ref.group(1)) if ref else k + 1
                kind = cell.get("t")
                value = next((v.text for v in cell if local(v.tag) == "v"), None)
                if kind == "s" and value is not None and value.strip().isdigit():
                    index = int(value)
                    text = shared[index] if index < len(shared) else ""
                elif kind == "inlineStr":
                    text = "".join(_text_of(i) for i in cell if local(i.tag) == "is")
                elif kind in ("str", "n", None) and value is not None:
                    text = value
                else:
                    text = ""  # booleans, errors, empty cells
                if text.strip():
                    cells.append((column, text))
            elem.clear()
            if cells:
                rows.append((number, cells))
    return rows


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _quoted(sheet: str) -> str:
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def read_xlsx(source: Source) -> TextEvidence:
    col = Collector("xlsx")
    number = 0
    with open_zip(source) as archive:
        shared = _shared_strings(archive)
        for sheet, path in _sheets(archive):
            data = part_bytes(archive, path, MAX_XML_BYTES)
            if data is None:
                col.note(f"sheet {sheet!r} is missing from the workbook ({path})")
                continue
            number = add_sheet(col, sheet, _rows(data, path, shared), number)
            if col.full:
                break
        # Charts and pictures on the sheets: a bar chart of regions, a map pasted in.
        doc = OfficeDoc(col)
        add_charts(doc, archive, "xl/charts")
        add_images(doc, archive, "xl/media/")
    return col.evidence


def add_sheet(
    col: Collector, sheet: str, rows: list[tuple[int, list[tuple[int, str]]]], number: int
) -> int:
    """One sheet's evidence (see the module docstring) from its rows of (column, text); returns
    the running record number after it."""
    if not rows:
        return number
    ref = _quoted(sheet)
    first = [t for _, t in rows[0][1]]
    header: dict[int, str] | None = None
    if len(rows) > 1 and looks_like_header(first):
        header = {c: " ".join(t.split()) for c, t in rows[0][1]}
    columns: dict[int, list[TextSegment]] = {}
    for line, cells in rows:
        is_header = header is not None and line == rows[0][0]
        fields: dict[str, Any] = {}
        for column, text in cells:
            letter = _letters(column)
            seg = col.segment(
                text,
                line,
                column,
                part="header" if is_header else "cell",
                key_path=f"{ref}!{letter}{line}",
                row=None if is_header else number + 1,
            )
            if seg is None:
                return number
            if not is_header:
                columns.setdefault(column, []).append(seg)
                fields[(header or {}).get(column) or f"column {letter}"] = text
        if not is_header and fields:
            number += 1
            col.record(fields, f"{sheet} row {line}", number, line)
    for column, segs in columns.items():
        if len(segs) >= 2:
            name = (header or {}).get(column) or f"column {_letters(column)}"
            col.enumeration(segs, f"{ref}!{_letters(column)}", f"xlsx-column:{name}")
    return number


# --- ODS ---------------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
#: Repeated rows or columns followed (an empty sheet repeats its last row a million times).
MAX_REPEAT = 1000


def _ods_inline(node: Any, parts: list[str]) -> None:
    """A paragraph's text in document order: spaces (``<text:s c="3"/>``), tabs and breaks as
    spaces, note citations left out."""
    for child in node:
        if child.tag == _TEXT + "s":
            parts.append(" " * int(child.get(_TEXT + "c") or 1))
        elif child.tag in (_TEXT + "tab", _TEXT + "line-break"):
            parts.append(" ")
        elif child.tag != _TEXT + "note-citation":
            parts.append(child.text or "")
            _ods_inline(child, parts)
        parts.append(child.tail or "")


def _ods_text(cell: Any) -> str:
    paragraphs = []
    for p in cell.iter(_TEXT + "p"):
        parts = [p.text or ""]
        _ods_inline(p, parts)
        paragraphs.append("".join(parts))
    return " ".join(paragraphs)


def read_ods(source: Source) -> TextEvidence:
    """OpenDocument spreadsheets (``.ods``): every table of ``content.xml`` read as a sheet (see
    :func:`add_sheet`); repeated rows and cells counted, the ones that hold text kept once."""
    col = Collector("ods")
    number = 0
    with open_zip(source) as archive:
        data = part_bytes(archive, "content.xml", MAX_XML_BYTES)
        if data is None:
            raise ReaderError("ME901", "not an OpenDocument spreadsheet: content.xml is missing")
        root = parse_xml(data, "content.xml")
        for n, table in enumerate(root.iter(_TABLE + "table"), 1):
            rows: list[tuple[int, list[tuple[int, str]]]] = []
            line = 0
            for row in table.iter(_TABLE + "table-row"):
                repeat = int(row.get(_TABLE + "number-rows-repeated") or 1)
                cells: list[tuple[int, str]] = []
                column = 0
                for cell in row:
                    if cell.tag not in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                        continue
                    span = int(cell.get(_TABLE + "number-columns-repeated") or 1)
                    text = _ods_text(cell)
                    if text.strip():
                        for k in range(min(span, MAX_REPEAT)):
                            cells.append((column + k + 1, text))
                    column += span
                if cells:
                    for k in range(min(repeat, MAX_REPEAT)):
                        rows.append((line + k + 1, cells))
                line += repeat
            number = add_sheet(col, table.get(_TABLE + "name") or f"Sheet{n}", rows, number)
            if col.full:
                break
    return col.evidence
