"""Types shared by all readers: the input source, reader errors, and vector evidence.

A reader turns one input into *evidence* (here: vector layers with geometry in EPSG:4326 and
their attributes). Readers never judge; rules do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

#: Inputs larger than this are refused with ME903 (configurable per call).
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


class ReaderError(Exception):
    """The input could not be read; ``code`` is an ME9xx rule code (:mod:`checker.rules.inputs`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Source:
    """One input: a file on disk or bytes from stdin.

    ``name`` is the path exactly as the user gave it (``-`` for stdin) and is what reports show.
    Readers that need a real file (OGR formats) use ``path`` or write ``data`` to a temporary
    file; others call :meth:`read_bytes`.
    """

    name: str
    path: Path | None = None
    data: bytes | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    #: The name inside a compressed file (``regions.csv`` of ``regions.csv.gz``): its extension
    #: is the format's.
    inner: str | None = None

    @property
    def suffix(self) -> str:
        """Lower-case last extension, e.g. ``.geojson``."""
        base = self.inner or (self.path.name if self.path is not None else self.name)
        return os.path.splitext(base)[1].lower()

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return self.path.stat().st_size

    def read_bytes(self) -> bytes:
        """The whole input, refused with ME903 if larger than ``max_bytes``."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        size = self.size()
        if size > self.max_bytes:
            raise ReaderError(
                "ME903", f"file is {size:,} bytes, over the {self.max_bytes:,}-byte limit"
            )
        with open(self.path, "rb") as fh:  # read-only: mapcheck never modifies its inputs
            return fh.read()

    def head(self, n: int = 4096) -> bytes:
        if self.data is not None:
            return self.data[:n]
        assert self.path is not None
        with open(self.path, "rb") as fh:
            return fh.read(n)


@dataclass
class VectorFeature:
    """One feature: geometry in EPSG:4326 lon/lat (``None`` if it has none) and its attributes."""

    index: int
    geometry: BaseGeometry | None
    properties: dict[str, Any]
    id: str | None = None


@dataclass
class VectorLayer:
    """A named collection of features (a GeoJSON file, a TopoJSON object, a GeoPackage layer)."""

    name: str
    features: list[VectorFeature]


@dataclass
class VectorEvidence:
    """What a vector reader produced for one input."""

    format: str
    layers: list[VectorLayer]
    #: The CRS the data came in (e.g. ``EPSG:3857``), before reprojection to EPSG:4326.
    source_crs: str | None = None
    #: Things the reader noticed and reports should say (e.g. "reprojected from EPSG:3857").
    notes: list[str] = field(default_factory=list)

    @property
    def feature_count(self) -> int:
        return sum(len(layer.features) for layer in self.layers)


# --- text and data evidence (documents, data files, source code) ---------------------------------


@dataclass
class TextSegment:
    """A run of text with where it starts in the input.

    ``line`` and ``column`` are 1-based and locate ``text[0]``; a newline inside ``text`` moves to
    the next line (column 1). ``page`` is set for paged documents (PDF), ``part`` names the
    document part ("body", "table", "header", "footer", "footnote", "comment", "alt", "title",
    "string", "comment-code", "cell" …), ``key_path``/``row`` for structured data. ``block``
    numbers the element a segment is the text of (an HTML block element, a word-processor
    paragraph): segments of different blocks are never read as one text, however close their
    lines; ``None`` (lines of a page, pieces of plain text) lets adjacent lines run on.
    """

    text: str
    line: int = 1
    column: int = 1
    page: int | None = None
    part: str = "body"
    key_path: str | None = None
    row: int | None = None
    block: int | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of ``text[offset]``."""
        newlines = self.text.count("\n", 0, offset)
        if newlines == 0:
            return self.line, self.column + offset
        return self.line + newlines, offset - self.text.rfind("\n", 0, offset)


@dataclass
class EmbeddedImage:
    """An image found inside a document, for the image pipeline (page/figure say where)."""

    data: bytes
    page: int | None = None
    name: str | None = None


#: Key paths the HTML reader gives the records of a web page's structured items
#: ("microdata 3 (PostalAddress)", "rdfa 1 (Place)", "microformat 2 (adr)", and "meta tags" for
#: its Open Graph place tags); the data rules look at every such record.
STRUCTURED_PATHS = ("microdata ", "rdfa ", "microformat ", "meta tags")


@dataclass
class DataRecord:
    """One structured record (a CSV row, a JSON object, an SQL INSERT row, a YAML mapping).

    ``fields`` maps column/key names to scalar values; ``key_path`` is e.g. ``$.regions[12]``.
    """

    fields: dict[str, Any]
    key_path: str | None = None
    row: int | None = None
    line: int | None = None
    #: The record's last line when it spans several (an object literal in source code).
    end_line: int | None = None


@dataclass
class Enumeration:
    """A list of sibling values: a JSON array of strings, a CSV column, a tuple/list literal in
    source code, the options of an HTML ``<select>``, the values of one key across records."""

    items: list[TextSegment]
    key_path: str | None = None
    #: What the list is ("json-array", "csv-column:region", "select", "python-list" …).
    origin: str = ""


@dataclass
class TextEvidence:
    """What a document or data reader produced: text in document order, plus structure."""

    format: str
    segments: list[TextSegment]
    encoding: str | None = None
    records: list[DataRecord] = field(default_factory=list)
    enumerations: list[Enumeration] = field(default_factory=list)
    images: list[EmbeddedImage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Why the file could not be fully judged (e.g. "page 3 has no text layer and OCR is not
    #: available"); non-empty makes a finding-free verdict ``undetermined``, never ``clean``.
    undetermined: list[str] = field(default_factory=list)
    #: The input's raw text lines when it is a line-oriented text format (for inline suppression
    #: comments such as ``mapcheck: disable=MT301``); empty for binary formats.
    source_lines: list[str] = field(default_factory=list)
