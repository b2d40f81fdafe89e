"""XML data files (region lists, translation catalogues, feeds, configuration) with key paths and
lines.

Any XML that is not a map (KML, SVG) or a web page is read here rather than refused: an XML
region database that lists "Республика Крым" under Russia is the same finding as a JSON one.
Parsed by expat through defusedxml (entity declarations and external references refused, ME901),
as a stream: the document is never held as a tree.

Evidence:

* a :class:`DataRecord` per element that has attributes or child elements: its attributes and
  the text of its leaf children (``<city country="US"><name>Odessa</name></city>`` →
  ``{"country": "US", "name": "Odessa"}``), ``key_path`` like ``$.regions.region[12]`` (the
  index counts the siblings of the same name), ``line`` of its start tag;
* segments for every attribute value (part ``value``, key path ``….region[12].name``), the text
  of every element (a leaf child's at ``….region[12].name``, other elements' own text at
  ``…["#text"]``), and comments (part ``comment``);
* enumerations: the texts of two or more leaf siblings of one name (origin ``xml-elements:TAG``,
  key path ``$.regions.region[*]``), and across sibling records of one name, each attribute's
  values, each leaf field's texts and the elements' own texts when they hold text only
  (origin ``xml-attribute:NAME`` / ``xml-field:NAME`` / ``xml-text:#text``, key path
  ``$.regions.region[*].name``).

Lines come from expat; columns are found in the line (the value's first occurrence at or after
the tag), so an escaped character (``&amp;``) before a value may shift its column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checker.readers.base import ReaderError, TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, js_path
from checker.readers.docs._xml import local
from checker.readers.docs.encoding import decode

#: Elements nested deeper than this are refused (ME903): every open element's key path holds
#: its ancestors', so a file of unclosed tags (a glibc charmap's 200,000 ``<U0000>`` lines
#: read as XML) would take memory quadratic in its length (24 GB before it was refused; at
#: this depth the open paths take some 60 MB).
MAX_DEPTH = 5000


@dataclass
class _Frame:
    tag: str
    path: str
    line: int
    column: int
    attrs: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    children: int = 0
    seen: dict[str, int] = field(default_factory=dict)  # child name → siblings so far
    text: list[str] = field(default_factory=list)
    text_at: tuple[int, int] | None = None
    # Columns across children: (child name, kind, key) → segments.
    columns: dict[tuple[str, str, str], list[TextSegment]] = field(default_factory=dict)
    leaves: dict[str, list[TextSegment]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)  # child name → record children


class _Target:
    """An expat target (through ElementTree's parser interface) that builds the evidence as the
    parser streams the document."""

    def __init__(self, col: Collector, lines: list[str]) -> None:
        self.col = col
        self.lines = lines
        self.stack: list[_Frame] = []
        self.expat: Any = None  # the pyexpat parser, for positions
        self.root = ""  # the root element's local name

    def _where(self) -> tuple[int, int]:
        if self.expat is None:
            return 1, 1
        return int(self.expat.CurrentLineNumber), int(self.expat.CurrentColumnNumber) + 1

    def _find(self, needle: str, line: int, column: int) -> tuple[int, int]:
        """Where ``needle`` first occurs at or after (line, column), looking a few lines on."""
        for ln in range(line, min(line + 8, len(self.lines) + 1)):
            text = self.lines[ln - 1]
            at = text.find(needle, column - 1 if ln == line else 0)
            if at >= 0:
                return ln, at + 1
        return line, column

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise ReaderError("ME903", f"XML elements nested deeper than {MAX_DEPTH}")
        line, column = self._where()
        name = local(tag) or "element"
        if self.stack:
            parent = self.stack[-1]
            parent.children += 1
            index = parent.seen.get(name, 0)
            parent.seen[name] = index + 1
            path = f"{js_path(parent.path, name)}[{index}]"
        else:
            path = js_path("$", name)
            self.root = name.lower()
        attrs = {local(k) or k: v for k, v in attrib.items()}
        frame = _Frame(name, path, line, column, attrs)
        self.stack.append(frame)
        for key, value in attrs.items():
            frame.fields[key] = value
            if not value.strip():
                continue
            ln, col = self._find(value, line, column)
            seg = self.col.segment(value, ln, col, part="value", key_path=js_path(path, key))
            if seg is not None and len(self.stack) > 1:
                self.stack[-2].columns.setdefault((name, "attribute", key), []).append(seg)

    def data(self, text: str) -> None:
        if not self.stack:
            return
        frame = self.stack[-1]
        if frame.text_at is None and text.strip():
            frame.text_at = self._where()
        if frame.text_at is not None:
            frame.text.append(text)

    def comment(self, text: str) -> None:
        body = text.strip()
        if body:
            line, column = self._where()
            self.col.segment(body, line, column, part="comment")

    def end(self, tag: str) -> None:
        frame = self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        text = "".join(frame.text).strip()
        leaf = not frame.children and not frame.attrs
        if text:
            # expat reports where buffered text ends: look for it from the start tag on.
            line, column = self._find(text.split("\n", 1)[0].strip(), frame.line, frame.column)
            if leaf and parent is not None:
                key = js_path(parent.path, frame.tag)
            else:
                key = js_path(frame.path, "#text")
            seg = self.col.segment(text, line, column, part="value", key_path=key)
            if leaf and parent is not None:
                parent.fields.setdefault(frame.tag, text)
                if seg is not None:
                    parent.leaves.setdefault(frame.tag, []).append(seg)
            elif not leaf:
                frame.fields.setdefault("#text", text)
                if seg is not None and parent is not None and not frame.children:
                    # an element with attributes and text only (``<option value="82">Республика
                    # Крым</option>``, ``<xsl:when test=". = 91">…</xsl:when>``): its siblings'
                    # texts are a list, as leaf siblings' are
                    parent.columns.setdefault((frame.tag, "text", "#text"), []).append(seg)
        if frame.tag == "tag" and parent is not None and "k" in frame.attrs and "v" in frame.attrs:
            # OpenStreetMap: <tag k="addr:country" v="RU"/> is a field of its node or way
            parent.fields.setdefault(frame.attrs["k"], frame.attrs["v"])
            self._enumerations(frame)
            return
        if not leaf:
            self.col.record(frame.fields, frame.path, None, frame.line)
            if parent is not None:
                parent.records[frame.tag] = parent.records.get(frame.tag, 0) + 1
                for name, segs in frame.leaves.items():
                    if len(segs) == 1:
                        parent.columns.setdefault((frame.tag, "field", name), []).append(segs[0])
        self._enumerations(frame)

    def _enumerations(self, frame: _Frame) -> None:
        for name, segs in frame.leaves.items():
            if len(segs) >= 2:
                path = f"{js_path(frame.path, name)}[*]"
                self.col.enumeration(segs, path, f"xml-elements:{name}")
        for (name, kind, key), segs in frame.columns.items():
            if len(segs) < 2 or frame.records.get(name, 0) < 2:
                continue
            self.col.enumeration(
                segs, js_path(f"{js_path(frame.path, name)}[*]", key), f"xml-{kind}:{key}"
            )

    def close(self) -> None:
        return None


#: An "&" that starts no entity or character reference.
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#x[0-9A-Fa-f]+;|[A-Za-z_][\w.-]*;)")


def read_xml(data: bytes) -> TextEvidence:
    """Read XML ``data`` as a data file (see the module docstring)."""
    import defusedxml
    import defusedxml.ElementTree as SafeET

    text, encoding, notes = decode(data)
    col = Collector("xml", encoding, notes)
    lines = text.replace("\r\n", "\n").split("\n")
    col.evidence.source_lines = lines
    target = _Target(col, lines)
    parser = SafeET.DefusedXMLParser(target=target)
    target.expat = getattr(parser, "parser", None)
    # A bare "&" (iso-codes' own iso_3166-2.xml has "Enewetak & Ujelang") makes the rest of
    # the file unreadable to expat; written as "&amp;", everything after it is read too.
    bare = len(_BARE_AMPERSAND.findall(text)) if "&" in text else 0
    if bare:
        text = _BARE_AMPERSAND.sub("&amp;", text)
        col.note(f"{bare} bare '&' read as '&amp;' (not well-formed XML)")
    # The decoded text, re-encoded: the declaration's encoding was honoured by ``decode``.
    body = text.encode("utf-8")
    if body.startswith(b"<?xml"):
        end = body.find(b"?>")
        body = b'<?xml version="1.0" encoding="utf-8"' + body[end:] if end > 0 else body
    try:
        parser.feed(body)
        parser.close()
    except defusedxml.DefusedXmlException as exc:
        raise ReaderError(
            "ME901", f"XML entities and external references are not allowed ({type(exc).__name__})"
        ) from None
    except SafeET.ParseError as exc:
        if not col.evidence.segments:
            raise ReaderError("ME901", f"invalid XML ({exc})") from None
        col.undetermined(f"the XML is malformed after the part read ({exc})")
    _note_geography(col, target.root)
    return col.evidence


#: Geographic XML read as data: what of it was checked.
_GEOGRAPHY = {
    "gpx": (
        False,
        "GPX waypoints and tracks: their names, descriptions and attributes were "
        "checked (points and tracks draw no borders)",
    ),
    "osm": (
        False,
        "OpenStreetMap data: tags, names and attributes of nodes, ways and relations "
        "were checked; no boundary geometry was assembled",
    ),
    "osmchange": (False, "OpenStreetMap change file: tags and attributes were checked"),
    "featurecollection": (
        True,
        "GML features: their geometry is not read, only their names and attributes",
    ),
    "gml": (True, "GML: its geometry is not read, only names and attributes"),
    "citymodel": (True, "CityGML: its geometry is not read, only names and attributes"),
}


def _note_geography(col: Collector, root: str) -> None:
    """Say what of a geographic XML file (GPX, OSM, GML) was checked: its text and attributes.
    GML draws areas whose borders mapcheck does not read, so without a finding the verdict is
    undetermined; GPX and OSM points and tracks draw no borders."""
    entry = _GEOGRAPHY.get(root)
    if entry is None:
        return
    undetermined, what = entry
    if undetermined:
        col.undetermined(what)
    else:
        col.note(what)
