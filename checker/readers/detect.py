"""Input detection by content first (magic bytes, structure) and extension second.

Standard library only: detection runs for every input, including text checks that must start
fast (DESIGN §7).
"""

from __future__ import annotations

import io
import json
import re

from checker.readers.base import ReaderError, Source

HEAD = 64 * 1024
_WS = b" \t\r\n\x0c\x0b"

IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
)
_FGB_MAGIC = b"fgb\x03fgb"
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: GeoPackage application_id values at offset 68 of the SQLite header ("GPKG", "GP10", "GP11").
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")

EXTENSIONS: dict[str, tuple[str, str]] = {
    ".geojson": ("vector", "geojson"),
    ".geojsonl": ("vector", "geojsonseq"),
    ".geojsons": ("vector", "geojsonseq"),
    ".topojson": ("vector", "topojson"),
    ".shp": ("vector", "shapefile"),
    ".gpkg": ("vector", "gpkg"),
    ".kml": ("vector", "kml"),
    ".kmz": ("vector", "kmz"),
    ".parquet": ("vector", "geoparquet"),
    ".geoparquet": ("vector", "geoparquet"),
    ".fgb": ("vector", "flatgeobuf"),
    ".png": ("image", "png"),
    ".jpg": ("image", "jpeg"),
    ".jpeg": ("image", "jpeg"),
    ".gif": ("image", "gif"),
    ".webp": ("image", "webp"),
    ".tif": ("image", "tiff"),
    ".tiff": ("image", "tiff"),
    ".bmp": ("image", "bmp"),
    ".svg": ("image", "svg"),
    ".pdf": ("document", "pdf"),
    ".docx": ("document", "docx"),
    ".odt": ("document", "odt"),
    ".epub": ("document", "epub"),
    ".rtf": ("document", "rtf"),
    ".pptx": ("document", "pptx"),
    ".xlsx": ("data", "xlsx"),
    ".ods": ("data", "ods"),
    ".sqlite": ("data", "sqlite"),
    ".sqlite3": ("data", "sqlite"),
    ".ipynb": ("document", "ipynb"),
    ".html": ("document", "html"),
    ".htm": ("document", "html"),
    ".xhtml": ("document", "html"),
    ".xht": ("document", "html"),
    ".md": ("document", "markdown"),
    ".markdown": ("document", "markdown"),
    ".txt": ("document", "text"),
    ".text": ("document", "text"),
    ".rst": ("document", "text"),
    ".adoc": ("document", "text"),
    ".asciidoc": ("document", "text"),
    ".org": ("document", "text"),
    ".tex": ("document", "text"),
    ".wiki": ("document", "text"),
    ".wikitext": ("document", "text"),
    ".mediawiki": ("document", "text"),
    ".srt": ("document", "text"),
    ".vtt": ("document", "text"),
    ".eml": ("document", "mail"),
    ".ics": ("data", "contentlines"),
    ".ical": ("data", "contentlines"),
    ".vcf": ("data", "contentlines"),
    ".vcard": ("data", "contentlines"),
    ".ini": ("data", "keyvalue"),
    ".cfg": ("data", "keyvalue"),
    ".properties": ("data", "keyvalue"),
    ".env": ("data", "keyvalue"),
    ".log": ("document", "text"),
    ".csv": ("data", "csv"),
    ".tsv": ("data", "tsv"),
    ".yaml": ("data", "yaml"),
    ".yml": ("data", "yaml"),
    ".sql": ("data", "sql"),
    ".json": ("data", "json"),
    ".jsonl": ("data", "json"),
    ".ndjson": ("data", "json"),
}
#: Extensions of source files: JS modules may embed a map; others are data (region lists).
_SOURCE_EXTENSIONS = {".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx", ".vue", ".svelte"}
_TEXT_EXTENSIONS = {".py", ".rb", ".php", ".java", ".go", ".rs", ".cs", ".kt", ".swift", ".xml"}
#: Source files that may start with markup: components and templates.
_MARKUP_SOURCE_EXTENSIONS = {".vue", ".svelte", ".php", ".jsx", ".tsx"}
#: More source languages read as data (string literals and comments). Unlike the two sets above
#: they do not change whether an embedded map is looked for (vector detection stays as it was).
_MORE_SOURCE_EXTENSIONS = {
    ".pyi",
    ".pyw",
    ".mts",
    ".cts",
    ".kts",
    ".scala",
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".cxx",
    ".hpp",
    ".dart",
    ".sol",
    ".lua",
    ".pl",
    ".pm",
    ".sh",
    ".bash",
    # Translation catalogues and configuration whose text is in string literals: read as
    # literals, so that the quotes of the syntax are not taken for quotation (reportage).
    ".po",
    ".pot",
    ".strings",
    ".toml",
}
#: Binary document formats: text content under one of these extensions is read as text.
_BINARY_DOCUMENTS = {"pdf", "docx", "odt", "epub", "pptx", "xlsx", "ods", "sqlite"}
#: Legacy Microsoft Office binary files (OLE2 compound documents: .doc, .xls, .ppt).
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_GEOJSON_TYPES = {
    "FeatureCollection",
    "Feature",
    "GeometryCollection",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
}
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[{}\[\]:,]')
#: An embedded GeoJSON/TopoJSON marker, for JS modules and HTML pages.
EMBEDDED_MARKER = re.compile(rb"""["']?type["']?\s*:\s*["'](?:FeatureCollection|Topology)["']""")
#: A bare GeoJSON Feature (or an array of them) in a JS constant: the type, and coordinates.
FEATURE_MARKERS = (
    re.compile(rb"""["']?type["']?\s*:\s*["']Feature["']"""),
    re.compile(rb"""["']?coordinates["']?\s*:\s*\["""),
)
#: A jVectorMap map object: projected ``insets`` with a ``bbox``, and SVG ``paths``.
JVM_MARKERS = (
    re.compile(rb"""["']?insets["']?\s*:\s*\[\s*\{[^\]]{0,600}?["']?bbox["']?\s*:"""),
    re.compile(rb"""["']?paths["']?\s*:\s*\{\s*["']?[\w-]+["']?\s*:\s*\{"""),
)
#: An amCharts 3 (ammap) map object: its ``defs`` name the projection and bounds.
AMMAP_MARKER = re.compile(rb"""["']amcharts:ammap["']\s*:\s*\{""")
#: A jqvmap map: ``vectorMap('addMap', …, {width, height, paths: {code: {path, name}}})`` with
#: no ``insets`` or projection (jVectorMap's own maps have them and are read as vectors).
JQVMAP_MARKERS = (
    re.compile(rb"""vectorMap\(\s*['"]addMap['"]"""),
    re.compile(rb"""["']?paths["']?\s*:\s*\{\s*["']?[\w-]+["']?\s*:\s*\{\s*["']?path["']?\s*:"""),
    re.compile(rb"""["']?width["']?\s*:\s*[\d.]+"""),
)
#: An SVG map-kit module (``@svg-maps/*``, react-svg-map): a ``viewBox`` and ``locations``
#: whose items hold SVG ``path`` data.
SVG_KIT_MARKERS = (
    re.compile(rb"""["']?viewBox["']?\s*:\s*["']\s*-?[\d.]+[\s,]"""),
    re.compile(rb"""["']?locations["']?\s*:\s*\[\s*\{"""),
    re.compile(rb"""["']?path["']?\s*:\s*["']\s*[Mm]\s*-?[\d.]"""),
)
_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
#: Root elements that make a markup fragment HTML.
_HTML_ELEMENTS = frozenset(
    {
        "head", "body", "div", "p", "span", "a", "table", "ul", "ol", "li", "section",
        "article", "header", "footer", "nav", "main", "aside", "form", "select", "h1", "h2",
        "h3", "h4", "h5", "h6", "script", "style", "meta", "link", "title", "img", "br", "b",
        "i", "em", "strong", "blockquote", "pre", "figure", "template", "noscript",
    }
)  # fmt: skip


def _read_head(source: Source, n: int = HEAD) -> bytes:
    try:
        return source.head(n)
    except OSError as exc:
        raise ReaderError("ME901", f"cannot read the file: {exc.strerror or exc}") from None


def _all_whitespace(source: Source, head: bytes) -> bool:
    if head.strip(_WS):
        return False
    if len(head) < HEAD or source.data is not None:
        return source.data is None or not source.data.strip(_WS)
    assert source.path is not None
    with open(source.path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            if chunk.strip(_WS):
                return False
    return True


def _json_top_keys(text: str) -> dict[str, object]:
    """Keys at the top level of a JSON object (and the value of ``type``), from its head.

    A token scan rather than a parse, so it works on the first 64 KiB of a 100 MB file.
    """
    keys: dict[str, object] = {}
    depth = 0
    expect_key = False
    pending: str | None = None
    prev = ""
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok in "{[":
            depth += 1
            expect_key = tok == "{" and depth == 1
            if pending is not None:
                keys[pending] = tok
                pending = None
        elif tok in "}]":
            depth -= 1
            if depth == 0:
                break
        elif tok == ",":
            expect_key = depth == 1
        elif tok == ":":
            pass
        elif depth == 1:
            if expect_key:
                pending = None
                try:
                    key = json.loads(tok)
                except ValueError:
                    key = tok
                keys[key] = None
                pending = key
                expect_key = False
            elif pending is not None and prev == ":":
                try:
                    keys[pending] = json.loads(tok)
                except ValueError:
                    keys[pending] = tok
                pending = None
        prev = tok
    return keys


def _sniff_json_object(text: str) -> str | None:
    keys = _json_top_keys(text)
    kind = keys.get("type")
    if kind == "Topology" or ("arcs" in keys and "objects" in keys):
        return "topojson"
    if kind in _GEOJSON_TYPES or ("features" in keys and kind in (None, "{")):
        return "geojson"
    return None


def _sniff_json_seq(text: str) -> bool:
    """Newline-delimited GeoJSON: the first line is a whole Feature/geometry, more follow."""
    first, _, rest = text.lstrip().partition("\n")
    if not rest.strip().startswith("{"):
        return False
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    return isinstance(obj, dict) and obj.get("type") in _GEOJSON_TYPES - {"FeatureCollection"}


def _sniff_zip(source: Source) -> tuple[str, str]:
    import zipfile  # here: most runs meet no archive, and zipfile is slow to import

    try:
        if source.data is not None:
            zf = zipfile.ZipFile(io.BytesIO(source.data))
        else:
            assert source.path is not None
            zf = zipfile.ZipFile(source.path)
    except Exception as exc:  # BadZipFile, OSError, NotImplementedError (odd versions), ...
        raise ReaderError("ME901", f"corrupt or truncated zip archive: {exc}") from None
    with zf:
        infos = zf.infolist()
        names = [i.filename.replace("\\", "/") for i in infos[:20000]]
        lower = [n.lower() for n in names]
        mimetype = b""
        if "mimetype" in names:
            info = zf.getinfo("mimetype")
            if info.file_size < 200:
                try:
                    mimetype = zf.read(info).strip()
                except Exception:  # corrupt member: judge by the other names
                    mimetype = b""
    if mimetype == b"application/epub+zip":
        return "document", "epub"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "document", "odt"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "data", "ods"
    if "word/document.xml" in lower:
        return "document", "docx"
    if "xl/workbook.xml" in lower:
        return "data", "xlsx"
    if "ppt/presentation.xml" in lower:
        return "document", "pptx"
    if any(n.endswith(".shp") for n in lower):
        return "vector", "shapefile"
    if any(n.endswith(".kml") for n in lower):
        return "vector", "kmz"
    raise ReaderError("ME902", "zip archive holds no Shapefile (.shp), KML or recognised document")


def _sniff_parquet(source: Source, head: bytes) -> tuple[str, str]:
    """GeoParquet if the footer's key/value metadata has a ``geo`` entry."""
    size = source.size()
    if size < 12:
        raise ReaderError("ME901", "truncated Parquet file")
    tail_len = min(size, 1024 * 1024)
    if source.data is not None:
        tail = source.data[-tail_len:]
    else:
        assert source.path is not None
        with open(source.path, "rb") as fh:
            fh.seek(size - tail_len)
            tail = fh.read(tail_len)
    if not tail.endswith(b"PAR1"):
        raise ReaderError("ME901", "truncated Parquet file: the footer is missing")
    if b"geo" in tail and b"primary_column" in tail:
        return "vector", "geoparquet"
    return "data", "parquet"


def _skip_to(text: bytes, pos: int, terminator: bytes) -> int:
    """Index just past ``terminator`` at or after ``pos``, or -1."""
    end = text.find(terminator, pos)
    return end + len(terminator) if end >= 0 else -1


def _sniff_xml(head: bytes) -> tuple[str, str] | None:
    """(kind, format) from the root element of XML/HTML text: KML, SVG, HTML, other XML as data
    (a region list, a catalogue, a feed, geographic XML such as GPX, OSM and GML)."""
    text = head
    pos = 0
    # Skip the XML declaration, comments, processing instructions and the DOCTYPE.
    while pos >= 0:
        rest = text[pos:].lstrip(_WS)
        pos = len(text) - len(rest)
        if rest.startswith(b"<?"):
            pos = _skip_to(text, pos, b"?>")
        elif rest.startswith(b"<!--"):
            pos = _skip_to(text, pos, b"-->")
        elif rest[:9].upper() == b"<!DOCTYPE":
            if b"html" in rest[:40].lower():
                return "document", "html"
            # A DOCTYPE may hold an internal subset in brackets (entity declarations).
            bracket = text.find(b"[", pos)
            close = text.find(b">", pos)
            subset = 0 <= bracket < close
            pos = _skip_to(text, pos, b"]>") if subset else _skip_to(text, pos, b">")
        else:
            break
    if pos < 0:
        return None
    m = _XML_ROOT.match(text, pos)
    if not m:
        return None
    root = m.group(1).decode("ascii", "replace").lower()
    if root == "kml":
        return "vector", "kml"
    if root == "svg":
        return "image", "svg"
    if root == "html":
        return "document", "html"
    # Geographic XML (GPX, OpenStreetMap, GML) is read as data: its names, descriptions and
    # attributes; the reader says what of it was checked (GML's areas leave it undetermined).
    return "data", "xml"


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec of text with a byte-order mark or NULs in every other byte, else None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None  # UTF-32
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" not in head[:8192]:
        return None
    from checker.readers.docs.encoding import bomless_utf16

    return bomless_utf16(head[:8192])


#: Control bytes that do not occur in text (tab, newlines, form feed, ESC and the record
#: separator of GeoJSON sequences do).
_CONTROL = bytes(b for b in range(32) if not 9 <= b <= 13 and b not in (0x1B, 0x1E))


def _ico(head: bytes) -> bool:
    """A Windows icon: reserved 0, type 1, then 1–255 directory entries of 16 bytes, each with
    a zero reserved byte and 0 or 1 colour planes."""
    if head[:4] != b"\x00\x00\x01\x00" or len(head) < 22:
        return False
    count = int.from_bytes(head[4:6], "little")
    if not 0 < count < 256:
        return False
    entries = [head[6 + 16 * i : 22 + 16 * i] for i in range(min(count, (len(head) - 6) // 16))]
    return all(e[3] == 0 and int.from_bytes(e[4:6], "little") in (0, 1) for e in entries)


def _font(head: bytes) -> bool:
    """A TrueType/OpenType font (an sfnt header: version, then a small table count), a font
    collection or a WOFF font."""
    if head.startswith((b"ttcf", b"wOFF", b"wOF2")):
        return True
    return (
        head[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true", b"typ1")
        and len(head) >= 12
        and 0 < int.from_bytes(head[4:6], "big") < 100
    )


def _is_text(head: bytes) -> bool:
    codec = _utf16(head)
    if codec is not None:
        sample = head[: 8192 & ~1]
        try:
            sample.decode(codec)
            return True
        except UnicodeDecodeError as exc:
            return exc.start >= len(sample) - 4  # a surrogate pair cut by the sample's end
    sample = head[:8192]
    # Control characters (NUL included) in at least 1 % of the bytes make binary data; text
    # may hold a few (a docstring that shows NUL bytes, a stray form feed).
    bad = len(sample) - len(sample.translate(None, _CONTROL))
    if bad >= max(1, len(sample) * 0.01):  # (record separators and ANSI escapes are text)
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:
            return True  # a multi-byte character cut by the sample's end
    return True  # UTF-8, or a legacy 8-bit encoding (cp1251, koi8-u …) the readers detect


def _json_prefix(text: str, cut: bool = True) -> bool:
    """Whether ``text`` (the start of a file; all of it unless ``cut``) reads as JSON up to
    where it stops: prose such as "[1] Doreian, Batagelj …" in a .txt file begins like an array
    but is not one, nor is a TOML file that stops after "[[table"."""
    import json

    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        if not cut:
            return False
        return exc.pos >= len(text) - 1 or len(text) - exc.pos < 16  # cut off by the head
    except RecursionError:
        return True  # nested too deeply to decode here: the JSON reader says so (ME903)
    return not text[end:].strip()


def _decode_head(head: bytes) -> str:
    codec = _utf16(head)
    if codec is not None:
        return head.decode(codec, "replace").lstrip("\ufeff")
    return head.decode("utf-8-sig", "replace")


def _marks_map(data: bytes) -> bool:
    if EMBEDDED_MARKER.search(data) or AMMAP_MARKER.search(data):
        return True
    if all(m.search(data) for m in FEATURE_MARKERS):
        return True
    return all(m.search(data) for m in JVM_MARKERS)


def _is_svg_kit(source: Source, head: bytes) -> bool:
    """Whether the JS/JSON text is an SVG map-kit module (see :data:`SVG_KIT_MARKERS`) or a
    jqvmap map (:data:`JQVMAP_MARKERS`)."""
    if _kit_marked(head):
        return True
    if source.size() <= len(head) or source.size() > 64 * 1024 * 1024:
        return False
    try:
        data = source.read_bytes()
    except ReaderError:
        return False
    return _kit_marked(data)


def _kit_marked(data: bytes) -> bool:
    return all(m.search(data) for m in SVG_KIT_MARKERS) or (
        all(m.search(data) for m in JQVMAP_MARKERS) and not JVM_MARKERS[0].search(data)
    )


def _has_embedded_map(source: Source, head: bytes) -> bool:
    if _marks_map(head):
        return True
    if source.size() <= len(head):
        return False
    try:
        data = source.read_bytes()
    except ReaderError:
        return False
    return _marks_map(data)


#: How mapcheck's own reports begin (JSON, JSON Lines, SARIF, reviewdog, JUnit, HTML, GitHub
#: annotations): their quotes are findings, not claims, and checking them again would report
#: every finding a second time (a report saved in the folder it checks).
_OWN_REPORTS = (
    ("json", re.compile(rb'\A\s*\{\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"mapcheck"')),
    ("sarif", re.compile(rb'"runs"\s*:.{0,400}?"driver"\s*:\s*\{\s*"name"\s*:\s*"mapcheck"', re.S)),
    (
        "jsonl",
        re.compile(rb'\A\{"type":"file","path":"(?:[^"\\]++|\\.)*+","kind":"\w+","verdict":'),
    ),
    ("rdjsonl", re.compile(rb'\A\{"message": .{0,4000}?"source": \{"name": "mapcheck"', re.S)),
    ("junit", re.compile(rb'\A(?:<\?xml[^>]*\?>\s*)?<testsuites name="mapcheck"')),
    ("html", re.compile(rb"\A<!DOCTYPE html>.{0,2000}?<title>mapcheck report</title>", re.S)),
    ("github", re.compile(rb"\A::(?:error|warning|notice) file=[^\n]*title=M[A-Z]\d{3} ")),
)


def mapcheck_report(head: bytes) -> str | None:
    """The reporter format when ``head`` begins one of mapcheck's own reports, else None."""
    for fmt, pattern in _OWN_REPORTS:
        if pattern.search(head, 0, 8192):
            return fmt
    return None


#: Every extension of a source or markup file read for its literals and comments.
SOURCE_LIKE_EXTENSIONS = frozenset(_SOURCE_EXTENSIONS | _TEXT_EXTENSIONS | _MORE_SOURCE_EXTENSIONS)
#: Every extension whose format mapcheck knows.
KNOWN_EXTENSIONS = frozenset(EXTENSIONS) | SOURCE_LIKE_EXTENSIONS


def text_format(source: Source) -> tuple[str, str]:
    """(kind, format) to read ``source`` as text when it holds no map after all (a page, a JS
    module or an extension-less file that only mentions GeoJSON): by its extension."""
    suffix = source.suffix
    by_ext = EXTENSIONS.get(suffix)
    if by_ext is not None and by_ext[0] in ("document", "data"):
        return by_ext
    if suffix in SOURCE_LIKE_EXTENSIONS:
        return "data", "source"
    return "document", "text"


def detect(source: Source) -> tuple[str, str]:
    """(kind, format) of ``source``: content first, extension second.

    Raises ME906 for an empty or whitespace-only input and ME902 when nothing matches.
    """
    head = _read_head(source)
    if not head or _all_whitespace(source, head):
        raise ReaderError(
            "ME906", "the file is empty" if not head else "the file holds only whitespace"
        )
    suffix = source.suffix
    by_ext = EXTENSIONS.get(suffix)

    report = mapcheck_report(head)
    if report is not None:
        return "report", report

    # 1. Binary signatures.
    for magic, fmt in IMAGE_MAGIC:
        if head.startswith(magic):
            return "image", fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "webp"
    if _ico(head):
        # A favicon saved under .png (documentation sites ship them): a picture, not damage.
        return "image", "ico"
    if head.startswith(b"BM") and len(head) > 18 and head[14] in (12, 40, 52, 56, 64, 108, 124):
        return "image", "bmp"
    if b"%PDF-" in head[:1024]:
        return "document", "pdf"
    if head.startswith(_FGB_MAGIC):
        return "vector", "flatgeobuf"
    if head.startswith(_SHP_MAGIC) and len(head) >= 100:
        if suffix == ".shx":
            # The shapefile's index has the same header: its shapes are checked with the .shp
            # (a walk that read both reported every finding twice).
            raise ReaderError("ME902", "a shapefile's index (.shx): it is checked with its .shp")
        return "vector", "shapefile"
    if head.startswith(_SQLITE_MAGIC):
        if head[68:72] in _GPKG_IDS or b"gpkg_contents" in head or suffix == ".gpkg":
            return "vector", "gpkg"
        return "data", "sqlite"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(source)
    if head.startswith(b"PAR1"):
        return _sniff_parquet(source, head)
    if head.startswith(b"\x1f\x8b"):
        raise ReaderError("ME902", "gzip-compressed data: decompress it first")
    if head.startswith(_OLE2_MAGIC):
        raise ReaderError(
            "ME902",
            "legacy Microsoft Office binary format (.doc/.xls/.ppt): save it as DOCX or ODT",
        )
    if head.lstrip(_WS).startswith(b"{\\rtf"):
        return "document", "rtf"
    if _font(head):
        # Before the text sniff: a TrueType header's NUL bytes read as BOM-less UTF-16.
        raise ReaderError("ME902", "a font file (TrueType, OpenType or WOFF), not a map or text")

    # 2. Text structure.
    if _is_text(head):
        text = _decode_head(head)
        stripped = text.lstrip()
        cut = len(head) >= HEAD  # the head may stop inside the file: JSON can read as cut off
        if stripped.startswith("\x1e"):
            return "vector", "geojsonseq"
        if stripped.startswith("{") and suffix == ".ipynb" and '"cells"' in stripped:
            return "document", "ipynb"
        if stripped.startswith("{"):
            sniffed = _sniff_json_object(stripped)
            if sniffed == "geojson" and _sniff_json_seq(stripped):
                return "vector", "geojsonseq"
            if sniffed is not None:
                return "vector", sniffed
            if _has_embedded_map(source, head):
                return "vector", "jsmodule"
            if _is_svg_kit(source, head):
                return "image", "svgkit"
            # An object, unless a document or data file named as something else does not read
            # as JSON: a Jinja template under .html ("{% extends … %}") is a page.
            claims = by_ext is None or by_ext[0] == "vector" or by_ext == ("data", "json")
            if claims or _json_prefix(stripped, cut):
                return "data", "json"
        # An array, unless it does not read as JSON in a file not named as JSON: an INI, TOML
        # or setup.cfg "[section]", a .txt "[1] Doreian, Batagelj …".
        claims_json = by_ext is not None and (by_ext[0] == "vector" or by_ext == ("data", "json"))
        if stripped.startswith("[") and (claims_json or _json_prefix(stripped, cut)):
            m = re.match(r"\[\s*\{", stripped)
            if m and _sniff_json_object(stripped[m.end() - 1 :]) == "geojson":
                return "vector", "geojson"
            return "data", "json"
        if stripped.startswith("<") and suffix in _MARKUP_SOURCE_EXTENSIONS:
            # A Vue or Svelte component, a PHP or JSX template: markup with code, read as
            # source (its literals, comments and markup text), not as XML or a page.
            if _has_embedded_map(source, head):
                return "vector", "jsmodule"
            return "data", "source"
        if stripped.startswith("<"):
            try:
                xml = _sniff_xml(stripped.encode("utf-8"))
            except ReaderError:
                # Geographic XML: refused, unless a document or data file named as such.
                if by_ext is None or by_ext[0] not in ("document", "data"):
                    raise
                xml = None
            if xml == ("data", "xml"):
                # Another root element: an HTML fragment (<div>, <p> …) is a page, and markup
                # inside a document or data file named as such is its text; the rest is XML data.
                root = _XML_ROOT.match(stripped[:512].encode("utf-8"))
                if root and root.group(1).decode("ascii", "replace").lower() in _HTML_ELEMENTS:
                    xml = ("document", "html")
                elif by_ext is not None and by_ext[0] in ("document", "data"):
                    xml = None
            if xml is not None:
                if xml == ("document", "html") and _has_embedded_map(source, head):
                    return "vector", "jsmodule"
                return xml
        # JS modules and pages that embed a map literal anywhere. Prose and tabular files are
        # left alone even if they quote GeoJSON: their text is what gets checked.
        # Other languages' sources (.py, .rb, …) are data: a dict literal there is code, not a
        # map module, and their string literals are checked as text.
        embeddable = (
            suffix in _SOURCE_EXTENSIONS
            or by_ext == ("document", "html")
            or (by_ext is None and suffix not in _TEXT_EXTENSIONS)
        )
        if embeddable and _has_embedded_map(source, head):
            return "vector", "jsmodule"
        if embeddable and by_ext != ("document", "html") and _is_svg_kit(source, head):
            return "image", "svgkit"
        if by_ext is not None and by_ext[0] != "vector" and by_ext[1] not in _BINARY_DOCUMENTS:
            return by_ext
        if by_ext is not None and by_ext[1] in _BINARY_DOCUMENTS:
            return "document", "text"  # a text file under a binary document's extension
        if suffix in _SOURCE_EXTENSIONS or suffix in _TEXT_EXTENSIONS:
            return "data", "source"
        if suffix in _MORE_SOURCE_EXTENSIONS:
            return "data", "source"
        if by_ext is not None:
            return by_ext  # a vector extension on unrecognised text: its reader says why
        return "document", "text"

    # 3. Unrecognised binary content: trust a vector extension (its reader reports the
    # corruption precisely). Under another extension mapcheck reads, the file claims a format
    # its content does not have: damaged, not merely unsupported, so it is an error even when
    # found by walking a folder (never skipped as if it had been checked). Anything else is
    # unsupported.
    start = head[:8].hex(" ")
    if by_ext is not None and by_ext[0] == "vector":
        return by_ext
    if by_ext is not None or suffix in _SOURCE_EXTENSIONS | _TEXT_EXTENSIONS:
        raise ReaderError(
            "ME901",
            f"not a valid {suffix} file: its content is in no format mapcheck knows "
            f"(starts with bytes {start}); damaged or misnamed?",
        )
    raise ReaderError("ME902", f"unrecognised file format (starts with bytes {start})")
