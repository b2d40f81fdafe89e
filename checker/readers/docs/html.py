"""HTML (and the XHTML chapters of EPUB books).

The markup is tokenized by one regular expression per tag, in the manner of the standard
library's ``html.parser`` and as forgiving: it never fails on broken markup (a stray ``<`` is
text, an unclosed tag or comment runs to the end) and never expands DTD entities. It is ours
because ``html.parser`` reads about 3 MB/s on tag-dense pages, far below the text bench's
target; this one reads several times faster and gives the same events. What is read:

* visible text, one segment per block element (``<p>``, ``<li>``, ``<td>``, headings …). Inline
  markup between the pieces of a block (``<b>Republic</b> of <i>Crimea</i>``) becomes spaces of
  the same length, so the segment reads as a sentence and its newlines and columns follow the
  source file. Columns are exact except after a character reference on the same line
  (``&amp;`` is one character of text for five of source). A ``<q>`` gets quotation marks in
  the columns of its tags, and the text of a ``<blockquote>`` has part ``quote``: both are
  quotations, which the text rules read as reportage;
* the ``alt``, ``title``, ``aria-label`` and ``placeholder`` attributes (parts ``alt``, ``title``,
  ``label``), the document ``<title>`` (part ``title``) and the description, title and
  location (``geo.region``, ``geo.placename``, ``og:locality`` …) ``<meta>`` tags (part
  ``meta``), each at the position of the attribute value;
* ``<select>`` and ``<datalist>`` options as an :class:`Enumeration` (origin ``select`` or
  ``datalist``) with a :class:`DataRecord` per option (``value``, ``text``, ``select``, and
  ``optgroup``, the label of its group, when it is in one), and the
  items of ``<ul>``/``<ol>`` lists as enumerations (origin ``html-list``);
* the rows of ``<table>`` elements as :class:`DataRecord` objects keyed by the header row (its
  ``<th>`` cells, a ``<thead>``, or a first row of short labels), key path ``table N row M``;
* structured items as :class:`DataRecord` objects, one per item, its properties as fields and
  its lines as the record's: schema.org microdata (an ``itemscope`` element, its ``itemprop``
  properties: ``addressLocality``, ``addressCountry`` …), RDFa (``typeof`` and ``property``,
  ``schema:`` and other prefixes dropped) and the h-card/vCard microformats (``vcard``,
  ``h-card``, ``adr``, ``h-adr`` containers; ``locality``, ``region``, ``country-name`` …
  classes). A property's value is its ``content`` (or ``href``, ``src``, ``value``) attribute,
  else the element's text; a property that is an item of its own is that item's record. Key
  path ``microdata N (Type)``, ``rdfa N (Type)`` or ``microformat N (class)``; and the page's
  Open Graph place tags (``og:locality``, ``og:country-name``, ``business:contact_data:*``) as
  one record, key path ``meta tags``.

``source_lines`` holds the page's lines when it mentions ``mapcheck`` (a suppression directive is
possible), else it is empty. Skipped: the contents of ``<script>``, ``<style>``, ``<template>``
and ``<noscript>``, comments,
processing instructions and declarations; of a script, only the names of the map and data files
it loads are kept (part ``script``: ``d3.json("…/world-atlas@2/countries-110m.json")``), for
the rule on maps that draw Crimea in Russia (MD409).
"""

from __future__ import annotations

import re
from html import unescape

from checker.readers.base import ReaderError, TextEvidence, TextSegment
from checker.readers.docs._collect import (
    Collector,
    LineCounter,
    adopt,
    looks_like_header,
    lstrip_position,
    table_records,
)
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import MAX_BLOCK, add_span, directive_lines, normalise_newlines

_SKIP = frozenset({"script", "style", "template", "noscript"})
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "optgroup",
        "option",
        "p",
        "pre",
        "section",
        "select",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
        "datalist",
        "button",
    ]
)
_ATTR_PARTS = {"alt": "alt", "title": "title", "aria-label": "label", "placeholder": "label"}
_META_NAMES = frozenset(
    {
        "description",
        "keywords",
        "og:title",
        "og:description",
        "twitter:title",
        "twitter:description",
        # where the page says it is: a region code (RU-CR) or a place with its country
        "geo.region",
        "geo.placename",
        "og:locality",
        "og:region",
        "og:country-name",
        "place:location:region",
    }
)
_ATTR_VALUE = re.compile(
    r"""[\s"'/]([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
)
#: Lists whose items are this short can be region lists; longer items are prose.
_MAX_LIST_ITEM = 120


_TABLE_TAGS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})


class _Table:
    """One ``<table>`` being read: its rows of cell texts, for :func:`table_records`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rows: list[tuple[int | None, list[str], bool]] = []  # (line, cells, header row)
        self.row: list[tuple[str, bool]] | None = None  # (text, is <th>) of the open row
        self.cell: list[str] | None = None
        self.cell_is_th = False
        self.in_head = False
        self.line: int | None = None  # of the open row's first text

    def end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append((" ".join(self.cell), self.cell_is_th))
        self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        if self.row:
            header = self.in_head or all(is_th for _, is_th in self.row)
            self.rows.append((self.line, [text for text, _ in self.row], header))
        self.row = None
        self.line = None

    def emit(self, col: Collector) -> None:
        if len(self.rows) < 2:
            return
        first = self.rows[0]
        has_header = first[2] or looks_like_header(first[1])
        header = first[1] if has_header else None
        body = self.rows[1:] if has_header else self.rows
        table_records(col, self.path, [(line, cells) for line, cells, _ in body], header)


class _Item:
    """A structured item being read (microdata, RDFa or a microformat): its element's tag, its
    fields so far and where it starts."""

    __slots__ = ("fields", "kind", "line", "order", "path", "tag")

    def __init__(self, tag: str, kind: str, path: str, line: int, order: int) -> None:
        self.order = order  # (when it opened, among items and properties)
        self.tag = tag
        self.kind = kind
        self.path = path
        self.line = line
        self.fields: dict[str, str] = {}


class _Prop:
    """A property whose value is its element's text, read until the element ends."""

    __slots__ = ("chars", "item", "names", "order", "pieces", "tag")

    def __init__(self, tag: str, names: list[str], item: _Item, order: int) -> None:
        self.order = order
        self.tag = tag
        self.names = names
        self.item = item
        self.pieces: list[str] = []
        self.chars = 0


#: Open Graph's place tags (and Facebook's business contact tags), by the field they give.
_META_PLACE = {
    f"{prefix}{name}": name.replace("_", "-")
    for prefix in ("og:", "business:contact_data:", "place:location:")
    for name in ("locality", "region", "country-name", "country_name", "postal-code", "postal_code")
}
_META_PLACE.update({"og:street-address": "street-address"})
_META_PLACE.update({"business:contact_data:street_address": "street-address"})

#: The longest property text kept (an address, a name; not a whole article).
_MAX_PROPERTY = 2000
#: Elements without content: a property on one takes its value from an attribute.
_VOID = frozenset({"meta", "link", "img", "input", "br", "hr", "source", "area", "base"})
#: Microformat containers (h-card, vCard and their addresses and places).
_MF_ITEMS = frozenset({"vcard", "h-card", "adr", "h-adr", "h-event", "vevent"})
#: Microformat property classes, by the field name they give.
_MF_PROPERTIES = {
    cls: cls.removeprefix("p-")
    for cls in (
        "locality",
        "region",
        "country-name",
        "postal-code",
        "street-address",
        "extended-address",
        "location",
        "p-locality",
        "p-region",
        "p-country-name",
        "p-postal-code",
        "p-street-address",
        "p-extended-address",
        "p-location",
    )
}


def _rdfa_name(name: str) -> str:
    """An RDFa property without its vocabulary (``schema:addressCountry`` → ``addressCountry``,
    ``http://schema.org/addressLocality`` → ``addressLocality``)."""
    return re.split(r"[:/#]", name.rstrip("/"))[-1] or name


def _type_name(value: str) -> str:
    """An item's type, short (``https://schema.org/PostalAddress`` → ``PostalAddress``)."""
    words = value.split()
    return _rdfa_name(words[0]) if words else ""


class _Reader:
    """Turns tag and text events into evidence (see the module docstring)."""

    def __init__(self, col: Collector, key_path: str | None) -> None:
        self.col = col
        #: Where the current event starts (line, 0-based column) and the raw start tag.
        self.pos = (1, 0)
        self.raw_tag = ""
        self.key_path = key_path
        self.skip: list[str] = []
        # Pieces of the current block: (line, 0-based column, text).
        self.chunks: list[tuple[int, int, str]] = []
        self.chunk_chars = 0
        self.part = "body"
        self.selects: list[tuple[str, str, list[TextSegment]]] = []  # (origin, path, items)
        self.select_count = 0
        self.option: tuple[str | None, int] | None = None  # (value attribute, line)
        #: The label of the <optgroup> the options are in ("Украина" over Ukraine's oblasts).
        self.optgroup: str | None = None
        #: <blockquote> elements open: their text has part "quote" (a quotation).
        self.quotes = 0
        self.lists: list[list[TextSegment]] = []
        self.in_li = 0
        self._option_segments: list[TextSegment] = []
        self._li_segments: list[TextSegment] = []
        #: Open tables, innermost last; and how many were opened so far.
        self.tables: list[_Table] = []
        self.table_count = 0
        #: Block elements flushed so far (:meth:`_block`).
        self.blocks = 0
        #: Structured items open, innermost last (microdata, RDFa, microformats), how many
        #: were opened, and the properties whose text is being read.
        self.items: list[_Item] = []
        self.item_count = 0
        self.props: list[_Prop] = []
        self.opened = 0
        #: The page's Open Graph place tags (og:locality, og:country-name …) and their lines.
        self.meta_place: dict[str, str] = {}
        self.meta_lines: list[int] = []

    # -- blocks -----------------------------------------------------------------------------

    def flush(self) -> list[TextSegment]:
        chunks = self.chunks
        if not chunks:
            return []
        self.chunks = []
        self.chunk_chars = 0
        if len(chunks) == 1:  # the common case: a block with no inline markup
            c_line, c_col, raw = chunks[0]
            text, s_line, s_col = lstrip_position(raw, c_line, c_col + 1)
            text = text.rstrip()
            if not text:
                return []
            if len(text) > MAX_BLOCK:
                return self._split(text, s_line, s_col)
            seg = self.col.segment(
                text, s_line, s_col, part=self.part, key_path=self.key_path, block=self._block()
            )
            return [seg] if seg is not None else []
        line, cur_col = chunks[0][0], chunks[0][1]
        start_line, start_col = line, cur_col + 1
        parts: list[str] = []
        for c_line, c_col, text in chunks:
            if c_line > line:
                parts.append("\n" * (c_line - line))
                parts.append(" " * c_col)
                line, cur_col = c_line, c_col
            elif c_col > cur_col:
                parts.append(" " * (c_col - cur_col))
                cur_col = c_col
            parts.append(text)
            newlines = text.count("\n")
            if newlines:
                line += newlines
                cur_col = len(text) - text.rfind("\n") - 1
            else:
                cur_col += len(text)
        text, s_line, s_col = lstrip_position("".join(parts), start_line, start_col)
        text = text.rstrip()
        if not text:
            return []
        return self._split(text, s_line, s_col)

    def _split(self, text: str, line: int, column: int) -> list[TextSegment]:
        before = len(self.col.evidence.segments)
        add_span(self.col, text, line, column, self.part, self.key_path, self._block())
        return self.col.evidence.segments[before:]

    def _block(self) -> int:
        """A new block's number: the text of two block elements (two list items, a heading
        and its paragraph) is never read as one text, even on adjacent lines."""
        self.blocks += 1
        return self.blocks

    # -- events -----------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if tag in _SKIP:
                self.skip.append(tag)
            return
        if tag in _SKIP:
            self.flush()
            self.skip.append(tag)
            return
        if attrs:
            named = dict(attrs)
            self._attributes(tag, attrs, named)
            self._structured_start(tag, named)
        if tag == "q" and "\n" not in self.raw_tag:
            # An inline quotation: its quotation mark, in the last column of the tag, where the
            # text has a space for the tag anyway (every column stays where it was).
            line, column = self.pos
            self.chunks.append((line, column + len(self.raw_tag) - 1, "“"))
        if tag not in _BLOCK:
            return
        segments = self.flush()
        self._to_item(segments)
        if tag in ("option", "optgroup", "li"):
            self._end_item()
        if tag in _TABLE_TAGS:
            self._table_start(tag)
        if tag == "title":
            self.part = "title"
        elif tag == "blockquote":
            self.quotes += 1
            if self.part == "body":
                self.part = "quote"
        elif tag in ("select", "datalist"):
            self.select_count += 1
            named = dict(attrs)
            name = named.get("name") or named.get("id")
            path = f"{tag}[name={name}]" if name else f"{tag} {self.select_count}"
            self.selects.append((tag if tag == "datalist" else "select", path, []))
        elif tag == "option" and self.selects:
            self.option = (dict(attrs).get("value"), self.pos[0])
            self.part = "option"
        elif tag == "optgroup" and self.selects:
            self.optgroup = (dict(attrs).get("label") or "").strip() or None
        elif tag in ("ul", "ol"):
            self.lists.append([])
        elif tag == "li" and self.lists:
            self.in_li = len(self.lists)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag in _SKIP:
                # Close the innermost matching element (and anything left open inside it).
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag == "q" and self.chunks:
            line, column = self.pos
            self.chunks.append((line, column, "”"))  # in the first column of "</q>"
        if self.props or self.items:
            self._structured_end(tag)
        if tag not in _BLOCK:
            return
        segments = self.flush()
        self._to_item(segments)
        if tag in ("option", "optgroup", "li", "select", "datalist", "ul", "ol"):
            self._end_item()
        if tag in _TABLE_TAGS:
            self._table_end(tag)
        if tag == "title":
            self.part = "body"
        elif tag == "blockquote" and self.quotes:
            self.quotes -= 1
            if not self.quotes and self.part == "quote":
                self.part = "body"
        elif tag == "optgroup":
            self.optgroup = None
        elif tag in ("select", "datalist") and self.selects:
            self.optgroup = None
            origin, path, items = self.selects.pop()
            if items:
                self.col.enumeration(items, path, origin)
        elif tag in ("ul", "ol") and self.lists:
            items = self.lists.pop()
            if len(items) >= 2 and all(len(s.text) <= _MAX_LIST_ITEM for s in items):
                self.col.enumeration(items, self.key_path, "html-list")

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        line, column = self.pos
        self.chunks.append((line, column, data))
        self.chunk_chars += len(data)
        for prop in self.props:
            if prop.chars < _MAX_PROPERTY:
                prop.pieces.append(data)
                prop.chars += len(data)
        if self.chunk_chars > MAX_BLOCK:
            self._to_item(self.flush())

    # -- helpers ----------------------------------------------------------------------------

    def _table_start(self, tag: str) -> None:
        if tag == "table":
            self.table_count += 1
            self.tables.append(_Table(f"table {self.table_count}"))
            return
        if not self.tables:
            return
        table = self.tables[-1]
        if tag == "thead":
            table.in_head = True
        elif tag in ("tbody", "tfoot"):
            table.end_row()
            table.in_head = False
        elif tag == "tr":
            table.end_row()
            table.row = []
        elif tag in ("td", "th"):
            table.end_cell()
            if table.row is None:
                table.row = []
            table.cell = []
            table.cell_is_th = tag == "th"

    def _table_end(self, tag: str) -> None:
        if not self.tables:
            return
        table = self.tables[-1]
        if tag in ("td", "th"):
            table.end_cell()
        elif tag == "tr":
            table.end_row()
        elif tag == "thead":
            table.end_row()
            table.in_head = False
        elif tag == "table":
            self.tables.pop()
            table.end_row()
            table.emit(self.col)

    def _to_item(self, segments: list[TextSegment]) -> None:
        """Give the segments of a closed block to the option or list item it belongs to, and
        to the table cell it is in."""
        if not segments:
            return
        if self.tables and self.tables[-1].cell is not None:
            table = self.tables[-1]
            assert table.cell is not None
            table.cell.extend(seg.text for seg in segments)
            if table.line is None:
                table.line = segments[0].line
        if self.option is not None and self.selects:
            self._option_segments.extend(segments)
        elif self.in_li and self.in_li == len(self.lists):
            self._li_segments.extend(segments)

    def _end_item(self) -> None:
        if self.option is not None and self.selects:
            value, line = self.option
            segs = self._option_segments
            _, path, items = self.selects[-1]
            group = {"optgroup": self.optgroup} if self.optgroup else {}
            if segs:
                seg = segs[0]
                items.append(seg)
                fields = {"value": value, "text": seg.text, "select": path, **group}
                self.col.record(fields, f"{path} option {len(items)}", len(items), seg.line)
            elif value:
                fields = {"value": value, "text": "", "select": path, **group}
                self.col.record(fields, f"{path} option {len(items) + 1}", None, line)
            self.option = None
            self.part = "body"
        elif self.in_li and self.lists and self.in_li == len(self.lists):
            if self._li_segments:
                self.lists[-1].append(self._li_segments[0])
            self.in_li = 0
        self._option_segments = []
        self._li_segments = []

    def _attributes(
        self, tag: str, attrs: list[tuple[str, str | None]], named: dict[str, str | None]
    ) -> None:
        wanted: dict[str, str] = {}
        for name, value in attrs:
            if value and value.strip() and name in _ATTR_PARTS:
                wanted[name] = _ATTR_PARTS[name]
        if tag == "meta" and named.get("content"):
            meta = (named.get("name") or named.get("property") or "").lower()
            if meta in _META_NAMES:
                wanted["content"] = "meta"
            field = _META_PLACE.get(meta)
            if field is not None:
                # Open Graph's place tags: together, the page's own address (a record)
                self.meta_place.setdefault(field, " ".join((named["content"] or "").split()))
                self.meta_lines.append(self.pos[0])
        if not wanted:
            return
        raw = self.raw_tag
        line, column = self.pos
        for m in _ATTR_VALUE.finditer(raw):
            name = m.group(1).lower()
            part = wanted.pop(name, None)
            if part is None:
                continue
            value = named.get(name) or ""
            offset = m.start(2) if m.group(2) is not None else m.start(3)
            if offset < 0:
                offset = m.start(4)
            before = raw[:offset]
            newlines = before.count("\n")
            if newlines:
                a_line, a_col = line + newlines, offset - before.rfind("\n")
            else:
                a_line, a_col = line, column + offset + 1
            text, a_line, a_col = lstrip_position(value, a_line, a_col)
            text = text.rstrip()
            if text:
                self.col.segment(text, a_line, a_col, part=part, key_path=self.key_path)

    # -- structured items ----------------------------------------------------------------

    def _structured_start(self, tag: str, named: dict[str, str | None]) -> None:
        classes = (named.get("class") or "").split() if "class" in named else []
        names: list[str] = []
        if named.get("itemprop"):
            names = (named["itemprop"] or "").split()
        elif named.get("property") and self.items and self.items[-1].kind == "rdfa":
            names = [_rdfa_name(p) for p in (named["property"] or "").split()]
        elif classes and self.items and self.items[-1].kind == "microformat":
            names = [_MF_PROPERTIES[c] for c in classes if c in _MF_PROPERTIES]
        kind = ""
        kind_type = ""
        if "itemscope" in named:
            kind, kind_type = "microdata", _type_name(named.get("itemtype") or "")
        elif named.get("typeof"):
            kind, kind_type = "rdfa", _type_name(named.get("typeof") or "")
        elif classes and not names:
            found = [c for c in classes if c in _MF_ITEMS]
            if found:
                kind, kind_type = "microformat", found[0]
        elif classes and names and any(c in _MF_ITEMS for c in classes):
            # an "adr" inside a vcard is a property of it and an item of its own
            kind, kind_type = "microformat", next(c for c in classes if c in _MF_ITEMS)
        if names and self.items and not kind:
            value = None
            for attr in ("content", "datetime", "value", "href", "src"):
                if named.get(attr):
                    value = named[attr]
                    break
            if value is not None or tag in _VOID:
                for name in names:
                    if value:
                        self.items[-1].fields.setdefault(name, " ".join(value.split()))
            else:
                self.opened += 1
                self.props.append(_Prop(tag, names, self.items[-1], self.opened))
        if kind:
            self.item_count += 1
            # (the key paths the data rules know such records by: base.STRUCTURED_PATHS)
            path = f"{kind} {self.item_count} ({kind_type})" if kind_type else None
            path = path or f"{kind} {self.item_count}"
            self.opened += 1
            self.items.append(_Item(tag, kind, path, self.pos[0], self.opened))

    def _structured_end(self, tag: str) -> None:
        """Close the innermost open property or item of ``tag``, and what is open inside it
        (broken markup: an unclosed ``<span>`` in it)."""
        props = [p for p in self.props if p.tag == tag]
        items = [i for i in self.items if i.tag == tag]
        # Which of the two opened last: an item's properties open after it.
        prop = props[-1] if props else None
        item = items[-1] if items else None
        if prop is not None and (item is None or prop.item is item or prop.order > item.order):
            while self.props:
                last = self.props.pop()
                self._prop_end(last)
                if last is prop:
                    break
            return
        if item is not None:
            while self.items:
                last_item = self.items.pop()
                self._item_end(last_item)
                if last_item is item:
                    break

    def _prop_end(self, prop: _Prop) -> None:
        text = " ".join("".join(prop.pieces).split())
        if text:
            for name in prop.names:
                prop.item.fields.setdefault(name, text)

    def _item_end(self, item: _Item) -> None:
        for prop in [p for p in self.props if p.item is item]:  # (left open inside it)
            self._prop_end(prop)
        self.props = [p for p in self.props if p.item is not item]
        if item.fields:
            self.col.record(item.fields, item.path, None, item.line, self.pos[0])

    def close(self) -> None:
        self._to_item(self.flush())
        self._end_item()
        while self.props:  # unclosed properties and items end with the page
            self._prop_end(self.props.pop())
        while self.items:
            self._item_end(self.items.pop())
        if self.meta_place:
            lines = self.meta_lines
            self.col.record(self.meta_place, "meta tags", None, min(lines), max(lines))
        while self.tables:  # unclosed tables end with the page
            table = self.tables.pop()
            table.end_row()
            table.emit(self.col)
        while self.selects:
            origin, path, items = self.selects.pop()
            if items:
                self.col.enumeration(items, path, origin)


_TAG = re.compile(
    r"""<(?:
        (?P<comment>!--.*?(?:--!?>|\Z))
       |(?P<cdata>!\[CDATA\[.*?(?:\]\]>|\Z))
       |(?P<decl>[!?][^<>]*>?)
       |/(?P<end>[A-Za-z][^\s/<>]*)[^<>]*>?
       |(?P<start>[A-Za-z][^\s/<>]*)
        (?P<attrs>(?>(?:[^<>"']+|"[^"<]*"|'[^'<]*'|["'])*))>
    )""",
    re.S | re.X,
)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
#: Elements whose content is not markup: found by their end tag, then skipped or read as text.
_RAW_TEXT = {"script": False, "style": False, "title": True, "textarea": True}
#: Tags whose attributes the reader uses whatever they hold.
_ATTR_TAGS = frozenset({"meta", "select", "datalist", "option", "optgroup"})
_ATTR_HINTS: tuple[str, ...] = ("alt", "title", "aria-label", "placeholder")
#: (structured items: microdata, RDFa, microformats)
_ATTR_HINTS += ("itemscope", "itemprop", "typeof", "property", "vcard", "h-card", "adr")
_ATTR_HINTS += ("vevent", "h-event", "locality", "region", "country", "postal-code", "address")
_ATTR_HINTS += ("location",)
#: Any of them, in one search of a tag's attributes (lower-cased: a case-blind pattern of
#: many words runs slower than lowering the attributes first).
_ATTR_HINT = re.compile("|".join(map(re.escape, _ATTR_HINTS)))


def _parse_attrs(raw: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if value is None:
            value = m.group(4)
        out.append((m.group(1).lower(), unescape(value) if value else value))
    return out


def parse_into(col: Collector, text: str, key_path: str | None = None) -> None:
    """Tokenize HTML ``text`` (newlines already normalised) and read it into ``col``."""
    reader = _Reader(col, key_path)
    lines = LineCounter(text)
    pos = 0
    end = len(text)
    linked = 0
    pictures = 0
    inline_svgs = 0
    svg_end = 0

    def data(start: int, stop: int) -> None:
        chunk = text[start:stop]
        if "&" in chunk:
            chunk = unescape(chunk)
        line, column = lines.at(start)
        reader.pos = (line, column - 1)
        reader.handle_data(chunk)

    while pos < end and not col.full:
        m = _TAG.search(text, pos)
        if m is None:
            data(pos, end)
            break
        if m.start() > pos:
            data(pos, m.start())
        pos = m.end()
        kind = m.lastgroup
        if kind == "attrs" or m.group("start"):
            tag = m.group("start").lower()
            attrs_raw = m.group("attrs")
            attrs: list[tuple[str, str | None]] = []
            if attrs_raw.strip() and (tag in _ATTR_TAGS or _ATTR_HINT.search(attrs_raw.lower())):
                attrs = _parse_attrs(attrs_raw)
            line, column = lines.at(m.start())
            if tag == "svg" and m.start() >= svg_end and not attrs_raw.rstrip().endswith("/"):
                inline_svgs += 1  # (an <svg> inside one already sent goes with it)
                svg_end = _inline_svg(col, text, m.start(), inline_svgs, line)
            if tag == "img" and "data:image/" in attrs_raw:
                pictures += 1
                _inline_picture(col, attrs or _parse_attrs(attrs_raw), pictures, line)
            reader.pos = (line, column - 1)
            reader.raw_tag = m.group()
            reader.handle_starttag(tag, attrs)
            if attrs_raw.rstrip().endswith("/"):  # <script src="…"/>: self-closed, no content
                reader.handle_endtag(tag)
            elif tag in _RAW_TEXT:
                close = re.compile(rf"</{tag}\s*>", re.I).search(text, pos)
                stop = close.start() if close else end
                if _RAW_TEXT[tag] and stop > pos:
                    data(pos, stop)
                elif tag == "script" and _LD_JSON.search(attrs_raw) and stop > pos:
                    linked += 1
                    _linked_data(col, text[pos:stop], lines.at(pos), linked)
                elif tag == "script" and stop > pos:
                    for f in _SCRIPT_FILE.finditer(text, pos, stop):
                        file_line, file_column = lines.at(f.start(1))
                        col.segment(f.group(1), file_line, file_column, part="script")
                    for f in _SCRIPT_MAP_TRACE.finditer(text, pos, stop):
                        trace_line, trace_column = lines.at(f.start())
                        col.segment(f.group(), trace_line, trace_column, part="script")
                pos = close.end() if close else end
                reader.handle_endtag(tag)
        elif m.group("end"):
            end_tag = m.group("end").lower()
            if end_tag == "q" or reader.items:  # (where a structured item ends, too)
                line, column = lines.at(m.start())
                reader.pos = (line, column - 1)
            reader.handle_endtag(end_tag)
        elif kind == "cdata":
            data(m.start() + 9, pos - 3 if m.group().endswith("]]>") else pos)
    reader.close()


#: An inline ``<svg>`` is sent to the image pipeline when it is this large and has this many
#: shapes (paths, polygons): a map, not one of a page's icons (nor a sprite of ``<symbol>``s).
MIN_INLINE_SVG_CHARS = 8_000
MIN_INLINE_SVG_SHAPES = 2
_SVG_XMLNS = re.compile(r"\sxmlns\s*=", re.I)


_SVG_TAGS = re.compile(r"<svg\b|</svg\s*>", re.I)


def _inline_svg(col: Collector, text: str, start: int, number: int, line: int) -> int:
    """An ``<svg>`` drawn in the page (a D3 map saved with its page, a chart's static copy):
    the markup, as an SVG file of its own, goes to the image pipeline (which reads its shapes'
    ids, titles and classes and its picture). Nested ``<svg>`` elements stay inside it.
    Returns where the element ends (``start`` when it is never closed)."""
    end = start
    depth = 0
    for m in _SVG_TAGS.finditer(text, start):
        depth += -1 if m.group().startswith("</") else 1
        if depth == 0:
            end = m.end()
            break
    if end == start:
        return start  # never closed: a broken page, its text is still read
    markup = text[start:end]
    lower = markup.lower()
    shapes = lower.count("<path") + lower.count("<polygon")
    if len(markup) < MIN_INLINE_SVG_CHARS or shapes < MIN_INLINE_SVG_SHAPES or "<symbol" in lower:
        return end
    if not _SVG_XMLNS.search(markup[: markup.find(">") + 1]):
        # HTML does not need the namespace; an SVG file does.
        markup = '<svg xmlns="http://www.w3.org/2000/svg"' + markup[4:]
    col.image(markup.encode("utf-8"), name=f"inline SVG {number} (line {line})")
    return end


def _inline_picture(
    col: Collector, attrs: list[tuple[str, str | None]], number: int, line: int
) -> None:
    """An ``<img src="data:image/png;base64,…">`` (a notebook or chart exported as one HTML
    file): the picture goes to the image pipeline, named by its line."""
    import base64
    import binascii

    src = dict(attrs).get("src") or ""
    head, _, body = src.partition(",")
    if not head.startswith("data:image/") or not body:
        return
    name = f"inline picture {number} (line {line})"
    try:
        if head.endswith(";base64"):
            data = base64.b64decode("".join(body.split()), validate=True)
        else:
            from urllib.parse import unquote_to_bytes

            data = unquote_to_bytes(body)
    except (binascii.Error, ValueError):
        col.undetermined(f"{name}: its data URI is damaged; it was not checked")
        return
    col.image(data, name=name)


_LD_JSON = re.compile(r"""type\s*=\s*["']?application/ld\+json""", re.I)
#: A quoted name of a map or data file in a script (a URL or a path).
#: A plotly trace drawn on plotly's built-in world map (a page written by plotly's ``to_html``),
#: with what follows it in its object: kept for MD409 like the map files a script loads.
_SCRIPT_MAP_TRACE = re.compile(
    r"""["']?type["']?\s*:\s*["'](?:choropleth|scattergeo)["'][^{}]{0,600}""", re.I
)
_SCRIPT_FILE = re.compile(
    r"""["'`]([^"'`\s<>]{1,400}\.(?:json|topojson|geojson|zip|shp|gpkg|csv))["'`]""", re.I
)


def _linked_data(col: Collector, body: str, at: tuple[int, int], number: int) -> None:
    """A ``<script type="application/ld+json">`` block (schema.org: a hotel's or an event's
    ``address`` with ``addressRegion`` and ``addressCountry``, what search engines show) read
    as JSON data: its strings, records and lists, at their places in the page, under key paths
    ``$.ldjson[N]…`` (N counts the page's blocks from 0)."""
    from checker.readers.docs.jsondata import read_json

    try:
        sub = read_json(body.encode("utf-8"))
    except ReaderError as exc:
        col.note(f"structured data block {number} (application/ld+json) is not valid JSON: {exc}")
        return
    line0, column0 = at

    def place(line: int, column: int) -> tuple[int, int]:
        return line0 + line - 1, (column0 + column - 1 if line == 1 else column)

    def path(key: str | None) -> str | None:
        return f"$.ldjson[{number - 1}]{key[1:]}" if key and key.startswith("$") else key

    adopt(col, sub, place, path, path)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([-\w.:]+)""", re.I)


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a page: a BOM or valid UTF-8 first, then the ``<meta charset>`` it declares, then
    detection."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-8"), "utf-8", []
        except UnicodeDecodeError:
            pass
        m = _META_CHARSET.search(data[:8192])
        if m:
            declared = m.group(1).decode("ascii", "replace").lower()
            try:
                return data.decode(declared, "replace"), declared, []
            except LookupError:
                pass
    return decode(data)


def read_html(data: bytes) -> TextEvidence:
    """Read an HTML page (see the module docstring)."""
    text, encoding, notes = decode_html(data)
    text = normalise_newlines(text)
    col = Collector("html", encoding, notes)
    col.evidence.source_lines = directive_lines(text)
    parse_into(col, text)
    return col.evidence
