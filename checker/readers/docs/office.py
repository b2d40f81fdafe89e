"""DOCX (Office Open XML), ODT (OpenDocument Text) and PPTX (PowerPoint), parsed from their
XML parts (PPTX: see :func:`read_pptx`).

Every part goes through defusedxml (:func:`~checker.readers.docs._xml.parse_xml`) and the
archive through :mod:`checker.readers._safezip` (bounded members, sizes and ratio; no traversal).

Locations. ``line`` is a *paragraph number*, ``column`` the character within the paragraph:

* body (part ``body``): paragraphs of the main text numbered 1, 2, 3 … in document order, empty
  paragraphs included (every ¶ mark Word or Writer shows), list items and headings included,
  table contents *not* included (they are addressed by table instead);
* tables (part ``table``): ``key_path`` "table 2 row 3 cell 1" (tables numbered in document
  order, rows and cells from 1, nested tables appended: "table 1 row 1 cell 2 table 1 row 2 cell
  1"), ``line`` = paragraph within the cell;
* headers and footers (parts ``header``/``footer``): ``key_path`` names the header ("header1.xml"
  in DOCX, the master page in ODT), ``line`` = paragraph within it;
* footnotes, endnotes and comments (parts ``footnote``/``endnote``/``comment``): ``key_path``
  "footnote 1 (paragraph 4)" / "comment 1 by Editor (paragraph 4)" — notes numbered in order, with
  the body paragraph that cites them when known — and ``line`` = paragraph within the note;
* image alt text (part ``alt``): ``line`` = the body paragraph holding the image (0 when it is
  not in the body), ``key_path`` "image: <name>";
* text boxes (part ``textbox``): ``key_path`` "text box in paragraph 5".

Inside a paragraph, tabs stay tabs and manual line breaks become spaces (so a paragraph is one
line and a phrase split by a break still matches); tracked deletions and field codes are not
text and are skipped. Embedded images (``word/media/*``, ``Pictures/*``) go to
``evidence.images`` named by their archive path (and paragraph when known).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from typing import Any

from checker.readers._safezip import SafeZip, open_zip, read_member
from checker.readers.base import ReaderError, Source, TextEvidence
from checker.readers.docs._collect import MAX_IMAGE_BYTES, Collector, records_from_cell_segments
from checker.readers.docs._xml import local, parse_xml

#: Largest XML part read (a 1000-page document.xml is ~20 MB).
MAX_XML_BYTES = 128 * 1024 * 1024
#: Element nesting followed inside a document (real documents stay under ~30).
MAX_DEPTH = 200
IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg"}
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _too_deep() -> ReaderError:
    return ReaderError("ME903", f"the document nests elements more than {MAX_DEPTH} deep")


class OfficeDoc:
    """Shared state of one document: the collector and image bookkeeping."""

    def __init__(self, col: Collector) -> None:
        self.col = col
        self.tables = 0
        #: Archive path of an image → body paragraph that shows it.
        self.image_paragraph: dict[str, int] = {}
        #: Note/comment id → body paragraph that cites it.
        self.cited: dict[tuple[str, str], int] = {}

    def add(self, text: str, line: int, part: str, key_path: str | None = None) -> None:
        """A paragraph (its number is ``line``): its own block, never read on into the next."""
        if text.strip():
            self.col.segment(text, line, 1, part=part, key_path=key_path, block=line)


def add_images(doc: OfficeDoc, archive: SafeZip, prefix: str) -> None:
    skipped = 0
    for name in archive.names:
        if not name.startswith(prefix):
            continue
        ext = posixpath.splitext(name)[1].lower()
        if ext not in IMAGE_EXTENSIONS:
            skipped += 1
            continue
        try:
            data = read_member(archive, name, MAX_IMAGE_BYTES)
        except ReaderError as exc:
            doc.col.undetermined(f"embedded image {name} was not checked ({exc.message})")
            continue
        paragraph = doc.image_paragraph.get(name)
        label = f"{name} (paragraph {paragraph})" if paragraph else name
        doc.col.image(data, name=label)
    if skipped:
        doc.col.note(f"{skipped} embedded image(s) in vector formats (EMF/WMF …) were not checked")


_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def add_charts(doc: OfficeDoc, archive: SafeZip, folder: str) -> None:
    """The text of embedded charts (``word/charts/chart1.xml``, ``ppt/charts/…``): the title, each
    series' name and its category labels (a bar chart of "Russia's regions" whose categories
    hold "Republic of Crimea"), part ``chart``, ``key_path`` "chart1.xml"; the categories of a
    series are a list (origin ``chart-categories``)."""
    for name in sorted(archive.names):
        if posixpath.dirname(name) != folder or not name.endswith(".xml"):
            continue
        data = part_bytes(archive, name)
        if data is None:
            continue
        root = parse_xml(data, name)
        base = posixpath.basename(name)
        line = 0
        for title in root.iter(_CHART + "title"):
            text = "".join(t.text or "" for t in title.iter(A + "t"))
            line += 1
            doc.add(text, line, "chart", f"{base} title")
        for k, series in enumerate(root.iter(_CHART + "ser"), 1):
            for tx in series.iter(_CHART + "tx"):
                for v in tx.iter(_CHART + "v"):
                    line += 1
                    doc.add(v.text or "", line, "chart", f"{base} series {k}")
            items = []
            for cat in series.iter(_CHART + "cat"):
                for v in cat.iter(_CHART + "v"):
                    text = v.text or ""
                    line += 1
                    if text.strip():
                        seg = doc.col.segment(
                            text, line, 1, part="chart", key_path=f"{base} series {k} categories"
                        )
                        if seg is not None:
                            items.append(seg)
            if len(items) >= 2:
                doc.col.enumeration(items, f"{base} series {k} categories", "chart-categories")


def part_bytes(archive: SafeZip, name: str, limit: int = MAX_XML_BYTES) -> bytes | None:
    """The bytes of archive member ``name`` (at most ``limit``), or ``None`` when it is absent."""
    if name not in archive.names:
        return None
    return read_member(archive, name, limit)


def relationships(archive: SafeZip, part: str) -> dict[str, tuple[str, str]]:
    """The internal relationships of an Office Open XML ``part`` (``word/document.xml``,
    ``ppt/slides/slide1.xml`` …), from its ``_rels/<name>.rels``: id → (archive path of the
    target, relationship type). Targets resolve against the part's folder, or the archive's
    root when they begin with ``/``; external ones are left out."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    data = part_bytes(archive, name)
    if data is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in parse_xml(data, name).iter(PR + "Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id") or ""] = (posixpath.normpath(path), rel.get("Type") or "")
    return out


# --- DOCX ------------------------------------------------------------------------------------

_W_TEXT = {W + "t"}
_W_SPACE = {W + "br": " ", W + "cr": " ", W + "tab": "\t", W + "ptab": "\t"}
_W_CHAR = {W + "noBreakHyphen": "-", W + "softHyphen": "\u00ad"}
#: Not text: deletions, moved-away text, field instructions, the fallback copy of
#: alternate content, and properties.
_W_SKIP = {
    W + "del",
    W + "moveFrom",
    W + "instrText",
    W + "delInstrText",
    MC + "Fallback",
    W + "rPr",
    W + "pPr",
}


class _Docx:
    def __init__(self, doc: OfficeDoc, rels: dict[str, str]) -> None:
        self.doc = doc
        self.rels = rels

    def paragraph_text(
        self, p: Any, para_no: int, boxes: list[Any], refs: list[tuple[str, str]] | None
    ) -> str:
        out: list[str] = []
        stack: list[tuple[Iterator[Any], int]] = [(iter(p), 0)]
        while stack:
            it, depth = stack[-1]
            child = next(it, None)
            if child is None:
                stack.pop()
                continue
            tag = child.tag
            if tag in _W_TEXT:
                out.append(child.text or "")
            elif tag in _W_SPACE:
                out.append(_W_SPACE[tag])
            elif tag in _W_CHAR:
                out.append(_W_CHAR[tag])
            elif tag in _W_SKIP:
                continue
            elif tag == W + "txbxContent":
                boxes.append(child)
            elif tag == WP + "docPr":
                self.alt(child, para_no)
            elif tag == A + "blip":
                target = self.rels.get(child.get(R + "embed") or child.get(R + "link") or "")
                if target and para_no:
                    self.doc.image_paragraph.setdefault(target, para_no)
            elif tag in (W + "footnoteReference", W + "endnoteReference", W + "commentReference"):
                if refs is not None:
                    refs.append((local(tag).replace("Reference", ""), child.get(W + "id") or ""))
            elif len(child):
                if depth >= MAX_DEPTH:
                    raise _too_deep()
                stack.append((iter(child), depth + 1))
        return "".join(out)

    def alt(self, doc_pr: Any, para_no: int) -> None:
        name = doc_pr.get("name") or "image"
        for attr in ("title", "descr"):
            value = (doc_pr.get(attr) or "").strip()
            if value:
                self.doc.add(value, para_no, "alt", f"image: {name}")

    def blocks(
        self,
        parent: Any,
        on_paragraph: Callable[[Any], None],
        on_table: Callable[[Any], None],
        depth: int = 0,
    ) -> None:
        """Call back for each paragraph and table among ``parent``'s block-level children
        (content controls and custom XML wrappers are looked through)."""
        if depth > MAX_DEPTH:
            raise _too_deep()
        for child in parent:
            tag = child.tag
            if tag == W + "p":
                on_paragraph(child)
            elif tag == W + "tbl":
                on_table(child)
            elif tag in (
                W + "sdt",
                W + "customXml",
                W + "sdtContent",
                MC + "AlternateContent",
            ) or tag in (MC + "Choice", W + "ins", W + "moveTo"):
                self.blocks(child, on_paragraph, on_table, depth + 1)

    def body(self, body: Any) -> None:
        counter = [0]

        def paragraph(p: Any) -> None:
            counter[0] += 1
            number = counter[0]
            boxes: list[Any] = []
            refs: list[tuple[str, str]] = []
            self.doc.add(self.paragraph_text(p, number, boxes, refs), number, "body")
            for kind, ref_id in refs:
                self.doc.cited.setdefault((kind, ref_id), number)
            for box in boxes:
                self.part(box, "textbox", f"text box in paragraph {number}")

        def table(tbl: Any) -> None:
            self.doc.tables += 1
            self.table(tbl, f"table {self.doc.tables}", 0)

        self.blocks(body, paragraph, table)

    def table(self, tbl: Any, path: str, depth: int) -> None:
        if depth > MAX_DEPTH // 4:
            raise _too_deep()
        rows = [c for c in tbl if c.tag == W + "tr"]
        for r_no, row in enumerate(rows, 1):
            cells: list[Any] = []
            for child in row:
                if child.tag == W + "tc":
                    cells.append(child)
                elif child.tag in (W + "sdt", W + "customXml"):
                    cells.extend(c for c in child.iter(W + "tc"))
            for c_no, cell in enumerate(cells, 1):
                cell_path = f"{path} row {r_no} cell {c_no}"
                counter = [0]
                nested = [0]

                def paragraph(
                    p: Any, cell_path: str = cell_path, counter: list[int] = counter
                ) -> None:
                    counter[0] += 1
                    boxes: list[Any] = []
                    text = self.paragraph_text(p, 0, boxes, None)
                    self.doc.add(text, counter[0], "table", cell_path)

                def table(t: Any, cell_path: str = cell_path, nested: list[int] = nested) -> None:
                    nested[0] += 1
                    self.table(t, f"{cell_path} table {nested[0]}", depth + 1)

                self.blocks(cell, paragraph, table)

    def part(self, root: Any, part: str, key_path: str) -> None:
        """Every paragraph under ``root`` in order (tables included), numbered from 1."""
        for number, p in enumerate(root.iter(W + "p"), 1):
            boxes: list[Any] = []
            self.doc.add(self.paragraph_text(p, 0, boxes, None), number, part, key_path)

    def notes(self, root: Any, kind: str) -> None:
        index = 0
        for note in root:
            if local(note.tag) != kind:
                continue
            if (note.get(W + "type") or "normal") not in ("normal", ""):
                continue  # separators and continuation notices
            index += 1
            label = f"{kind} {index}"
            if kind == "comment":
                author = note.get(W + "author")
                if author:
                    label += f" by {author}"
            cited = self.doc.cited.get((kind, note.get(W + "id") or ""))
            if cited:
                label += f" (paragraph {cited})"
            self.part(note, kind, label)


def read_docx(source: Source) -> TextEvidence:
    col = Collector("docx")
    doc = OfficeDoc(col)
    with open_zip(source) as archive:
        data = part_bytes(archive, "word/document.xml")
        if data is None:
            raise ReaderError("ME901", "not a Word document: word/document.xml is missing")
        root = parse_xml(data, "word/document.xml")
        rels = relationships(archive, "word/document.xml")
        reader = _Docx(doc, {rid: target for rid, (target, _) in rels.items()})
        body = root.find(W + "body")
        if body is not None:
            reader.body(body)
        for name in sorted(archive.names):
            base = posixpath.basename(name)
            if posixpath.dirname(name) != "word":
                continue
            for prefix in ("header", "footer"):
                if base.startswith(prefix) and base.endswith(".xml"):
                    part_data = part_bytes(archive, name)
                    if part_data is not None:
                        reader.part(parse_xml(part_data, name), prefix, base)
        for member, kind in (
            ("word/footnotes.xml", "footnote"),
            ("word/endnotes.xml", "endnote"),
            ("word/comments.xml", "comment"),
        ):
            part_data = part_bytes(archive, member)
            if part_data is not None:
                reader.notes(parse_xml(part_data, member), kind)
        add_images(doc, archive, "word/media/")
        add_charts(doc, archive, "word/charts")
    records_from_cell_segments(col)
    return col.evidence


# --- ODT -------------------------------------------------------------------------------------

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
DC = "{http://purl.org/dc/elements/1.1/}"

_O_SKIP = {TEXT + "note-citation", OFFICE + "annotation-end", TEXT + "tracked-changes"}
_O_CONTAINERS = {
    TEXT + "list",
    TEXT + "list-item",
    TEXT + "list-header",
    TEXT + "section",
    TEXT + "index-body",
    TEXT + "table-of-content",
    TEXT + "alphabetical-index",
    TEXT + "illustration-index",
    TEXT + "bibliography",
    TEXT + "user-index",
    TEXT + "object-index",
    TEXT + "table-index",
    TEXT + "soft-page-break",
}
_O_ROWS = {TABLE + "table-header-rows", TABLE + "table-rows", TABLE + "table-row-group"}


class _Odt:
    def __init__(self, doc: OfficeDoc) -> None:
        self.doc = doc
        self.notes = {"footnote": 0, "endnote": 0}
        self.comments = 0
        #: Notes, comments and frames met inside a paragraph, emitted after the paragraph.
        self.deferred: list[tuple[Callable[[Any, int], None], Any, int]] = []

    def add_paragraph(
        self, p: Any, para_no: int, line: int, part: str, key_path: str | None = None
    ) -> None:
        text = self.paragraph_text(p, para_no)
        self.doc.add(text, line, part, key_path)
        deferred, self.deferred = self.deferred, []
        for handler, element, number in deferred:
            handler(element, number)

    def paragraph_text(self, p: Any, para_no: int) -> str:
        out: list[str] = [p.text] if p.text else []
        # Work stack of elements still to open and tails still to emit (LIFO: a child is
        # pushed after its tail, so its contents come out before the tail).
        stack: list[Any] = []
        self._push(stack, p, 1)
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
                continue
            child, depth = item
            tag = child.tag
            if tag == TEXT + "s":
                out.append(" " * _int(child.get(TEXT + "c"), 1))
            elif tag == TEXT + "tab":
                out.append("\t")
            elif tag == TEXT + "line-break":
                out.append(" ")
            elif tag == TEXT + "note":
                self.deferred.append((self.note, child, para_no))
            elif tag == OFFICE + "annotation":
                self.deferred.append((self.comment, child, para_no))
            elif tag == DRAW + "frame":
                self.deferred.append((self.frame, child, para_no))
            elif tag not in _O_SKIP:
                if child.text:
                    out.append(child.text)
                if depth >= MAX_DEPTH:
                    raise _too_deep()
                self._push(stack, child, depth + 1)
        return "".join(out)

    @staticmethod
    def _push(stack: list[Any], parent: Any, depth: int) -> None:
        for child in reversed(parent):
            if child.tail:
                stack.append(child.tail)
            stack.append((child, depth))

    def note(self, note: Any, para_no: int) -> None:
        kind = "endnote" if note.get(TEXT + "note-class") == "endnote" else "footnote"
        self.notes[kind] += 1
        label = f"{kind} {self.notes[kind]}" + (f" (paragraph {para_no})" if para_no else "")
        body = note.find(TEXT + "note-body")
        if body is not None:
            self.part(body, kind, label)

    def comment(self, annotation: Any, para_no: int) -> None:
        self.comments += 1
        label = f"comment {self.comments}"
        author = annotation.find(DC + "creator")
        if author is not None and author.text:
            label += f" by {author.text.strip()}"
        if para_no:
            label += f" (paragraph {para_no})"
        self.part(annotation, "comment", label)

    def frame(self, frame: Any, para_no: int) -> None:
        name = frame.get(DRAW + "name") or "image"
        for child in frame:
            if child.tag in (SVG + "title", SVG + "desc"):
                text = "".join(child.itertext()).strip()
                if text:
                    self.doc.add(text, para_no, "alt", f"image: {name}")
            elif child.tag == DRAW + "image":
                href = child.get(XLINK + "href") or ""
                if href and para_no:
                    self.doc.image_paragraph.setdefault(posixpath.normpath(href), para_no)
            elif child.tag == DRAW + "text-box":
                self.part(child, "textbox", f"text box in paragraph {para_no}")

    def part(self, root: Any, part: str, key_path: str) -> None:
        number = 0
        for p in root.iter():
            if p.tag in (TEXT + "p", TEXT + "h"):
                number += 1
                self.add_paragraph(p, 0, number, part, key_path)

    def body(self, parent: Any, counter: list[int], depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise _too_deep()
        for child in parent:
            tag = child.tag
            if tag in (TEXT + "p", TEXT + "h"):
                counter[0] += 1
                self.add_paragraph(child, counter[0], counter[0], "body")
            elif tag == TABLE + "table":
                self.doc.tables += 1
                self.table(child, f"table {self.doc.tables}", depth + 1)
            elif tag == DRAW + "frame":
                self.frame(child, 0)
            elif tag in _O_CONTAINERS:
                self.body(child, counter, depth + 1)

    def table(self, tbl: Any, path: str, depth: int) -> None:
        if depth > MAX_DEPTH // 4:
            raise _too_deep()
        rows: list[Any] = []
        for child in tbl:
            if child.tag == TABLE + "table-row":
                rows.append(child)
            elif child.tag in _O_ROWS:
                rows.extend(r for r in child if r.tag == TABLE + "table-row")
        r_no = 0
        for row in rows:
            r_no += 1
            c_no = 0
            for cell in row:
                if cell.tag not in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                    continue
                c_no += 1
                cell_path = f"{path} row {r_no} cell {c_no}"
                number = 0
                nested = 0
                for child in cell:
                    if child.tag in (TEXT + "p", TEXT + "h"):
                        number += 1
                        self.add_paragraph(child, 0, number, "table", cell_path)
                    elif child.tag == TABLE + "table":
                        nested += 1
                        self.table(child, f"{cell_path} table {nested}", depth + 1)
                    elif child.tag in _O_CONTAINERS:
                        for p in child.iter(TEXT + "p"):
                            number += 1
                            self.add_paragraph(p, 0, number, "table", cell_path)
                c_no += _int(cell.get(TABLE + "number-columns-repeated"), 1) - 1
            r_no += _int(row.get(TABLE + "number-rows-repeated"), 1) - 1


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, min(int(value or default), 10_000))
    except ValueError:
        return default


def read_odt(source: Source) -> TextEvidence:
    col = Collector("odt")
    doc = OfficeDoc(col)
    with open_zip(source) as archive:
        data = part_bytes(archive, "content.xml")
        if data is None:
            raise ReaderError("ME901", "not an OpenDocument file: content.xml is missing")
        root = parse_xml(data, "content.xml")
        reader = _Odt(doc)
        body = root.find(OFFICE + "body")
        text = body.find(OFFICE + "text") if body is not None else None
        if text is not None:
            reader.body(text, [0])
        styles = part_bytes(archive, "styles.xml")
        if styles is not None:
            sroot = parse_xml(styles, "styles.xml")
            for master in sroot.iter(STYLE + "master-page"):
                name = master.get(STYLE + "name") or "master page"
                for child in master:
                    kind = local(child.tag)
                    if kind.startswith(("header", "footer")):
                        reader.part(child, kind.split("-")[0], f"{kind} of {name}")
        add_images(doc, archive, "Pictures/")
    records_from_cell_segments(col)
    return col.evidence


# --- PPTX ------------------------------------------------------------------------------------

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _pptx_slides(archive: SafeZip) -> list[str]:
    """Slide parts in presentation order (``ppt/presentation.xml``), else by their number."""
    found = [n for n in archive.names if posixpath.dirname(n) == "ppt/slides"]
    found = [n for n in found if posixpath.basename(n).startswith("slide") and n.endswith(".xml")]

    def number(name: str) -> int:
        digits = "".join(ch for ch in posixpath.basename(name) if ch.isdigit())
        return int(digits) if digits else 0

    found.sort(key=number)
    data = part_bytes(archive, "ppt/presentation.xml")
    if data is None:
        return found
    presentation = parse_xml(data, "ppt/presentation.xml")
    targets = relationships(archive, "ppt/presentation.xml")
    ordered = [
        targets[rid][0]
        for sid in presentation.iter(P + "sldId")
        if (rid := sid.get(R + "id") or "") in targets and targets[rid][0] in found
    ]
    return ordered + [n for n in found if n not in ordered]


def _drawing_paragraph(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter():
        if node.tag == A + "t" and node.text:
            parts.append(node.text)
        elif node.tag in (A + "br", A + "tab"):
            parts.append(" " if node.tag == A + "br" else "\t")
    return "".join(parts)


def _slide(doc: OfficeDoc, root: Any, slide: int, part: str, prefix: str) -> None:
    """A slide's (or its notes') text: paragraphs of shapes numbered in order (``line``), tables
    as "slide 3 table 1 row 2 cell 1", pictures' alt text."""
    line = 0
    in_table: set[int] = set()
    for tables, tbl in enumerate(root.iter(A + "tbl"), 1):
        for r, tr in enumerate((e for e in tbl if e.tag == A + "tr"), 1):
            for c, tc in enumerate((e for e in tr if e.tag == A + "tc"), 1):
                for k, p in enumerate(tc.iter(A + "p"), 1):
                    in_table.add(id(p))
                    text = _drawing_paragraph(p)
                    if text.strip():
                        doc.col.segment(
                            text,
                            k,
                            1,
                            page=slide,
                            part="table",
                            key_path=f"{prefix} table {tables} row {r} cell {c}",
                        )
    for p in root.iter(A + "p"):
        if id(p) in in_table:
            continue
        line += 1
        text = _drawing_paragraph(p)
        if text.strip():
            doc.col.segment(text, line, 1, page=slide, part=part, key_path=prefix)
    for pr in root.iter(P + "cNvPr"):
        alt = " ".join(v for v in (pr.get("title"), pr.get("descr")) if v)
        if alt.strip():
            doc.col.segment(alt, 0, 1, page=slide, part="alt", key_path=f"{prefix} image alt")


def read_pptx(source: Source) -> TextEvidence:
    """PowerPoint presentations: each slide's text, tables and picture alt text (``page`` = the
    slide's number, ``key_path`` "slide N"), its speaker notes (part ``note``), and the pictures
    of ``ppt/media`` for the image pipeline."""
    col = Collector("pptx")
    doc = OfficeDoc(col)
    with open_zip(source) as archive:
        if "ppt/presentation.xml" not in archive.names:
            raise ReaderError("ME901", "not a PowerPoint file: ppt/presentation.xml is missing")
        for number, name in enumerate(_pptx_slides(archive), 1):
            data = part_bytes(archive, name)
            if data is None:
                continue
            _slide(doc, parse_xml(data, name), number, "body", f"slide {number}")
            notes = _slide_notes(archive, name)
            if notes is not None:
                _slide(doc, parse_xml(notes[1], notes[0]), number, "note", f"slide {number} notes")
            if col.full:
                break
        add_images(doc, archive, "ppt/media/")
        add_charts(doc, archive, "ppt/charts")
    records_from_cell_segments(col)
    return col.evidence


def _slide_notes(archive: SafeZip, slide: str) -> tuple[str, bytes] | None:
    """The notes part of ``slide`` (through the slide's relationships), if any."""
    for target, kind in relationships(archive, slide).values():
        if kind.endswith("/notesSlide"):
            data = part_bytes(archive, target)
            if data is not None:
                return target, data
    return None
