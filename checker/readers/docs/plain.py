"""Plain text and Markdown.

Segments are *blocks* of whole paragraphs, up to :data:`MAX_BLOCK` characters each (a longer
paragraph is cut at a line end). ``line`` is the block's first line and ``column`` 1; newlines
and the blank lines between paragraphs stay in the text, so :meth:`TextSegment.position` gives
the exact line and column of any match, phrases that wrap onto the next line can still be
matched ("Republic of\\nCrimea"), and the text rules treat a blank line as a paragraph break (no
phrase across it). A few large segments instead of one per paragraph keep reading at hundreds
of MB/s: the text analysis joins segments into one text anyway.

Markdown markup is *masked*, not removed: emphasis markers, heading and quote markers, link
destinations, inline HTML and comments become spaces of the same length, so the visible text
reads naturally ("[Crimea](https://…)" → " Crimea            ") and every column still points at
the original file. For Markdown, ``source_lines`` holds the raw lines for inline suppression
comments (an HTML comment is masked) when the text mentions ``mapcheck`` at all (see
:func:`directive_lines`), and is empty otherwise; plain text has every line in its segments.
Line ends are normalised (CRLF and CR become LF) before anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from checker.readers.base import TextEvidence
from checker.readers.docs import _collect
from checker.readers.docs._collect import Collector
from checker.readers.docs.encoding import decode

#: Longest block kept as one segment; longer paragraphs are cut at a line boundary.
MAX_BLOCK = 64 * 1024


def read_plain(data: bytes, fmt: str) -> TextEvidence:
    """Read plain text (``fmt="text"``) or Markdown (``fmt="markdown"``)."""
    text, encoding, notes = decode(data)
    text = normalise_newlines(text)
    col = Collector(fmt, encoding, notes)
    if fmt != "markdown":
        # Every line of plain text is in a segment, so a suppression directive is found there
        # (the text analysis says whether the word is in them at all), and the lines need not
        # be kept: looking for the word costs as much as decoding the file.
        add_blocks(col, text)
        return col.evidence
    col.evidence.source_lines = directive_lines(text)
    masked = mask_markdown(text)
    fenced = ("```" in text or "~~~" in text) and _read_data_fences(col, text, masked)
    body = fenced or masked
    quotes = blockquotes(text) if ">" in text else []
    if quotes:
        # A blockquote is a quotation, as HTML's <blockquote> is (part "quote"): what it says
        # is reported as reportage. Blocks of text before, between and after them as usual.
        line = 1
        pos = 0
        for start, end in quotes:
            line = _add_block(col, body, pos, start, line, "body")
            line = _add_block(col, body, start, end, line, "quote")
            pos = end
        _add_block(col, body, pos, len(body), line, "body")
    else:
        add_blocks(col, body)
    if fenced:
        col.sort_segments()
    if "|" in text:
        add_table_records(col, text)
    return col.evidence


#: A line of a Markdown blockquote: up to three spaces, then ">".
_MD_QUOTE_LINE = re.compile(r"^[ \t]{0,3}>", re.M)
#: A blockquote that is the author's own note rather than a quotation: GitHub's alerts
#: ("> [!NOTE]") and callouts led by such a word ("> **Note:** …", "> Примечание: …").
_MD_CALLOUT = re.compile(
    r"[>\s]*(?:\[!\w+\]|[*_]*(?:note|notes|tip|tips|warning|important|caution|info|hint|"
    r"attention|disclaimer|update|edit|todo|примечание|примітка|замечание|зауваження|"
    r"внимание|увага|важно|важливо|совет|порада|обновление|оновлення)(?![^\W_]))",
    re.IGNORECASE,
)


def blockquotes(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each Markdown blockquote in ``text`` that quotes someone: from its
    first ``>`` line through the lines that follow up to a blank line (CommonMark's lazy
    continuation lines included) and that line's break.

    Writers use ``>`` for their own notes and principles as often as for quotations, so a
    blockquote counts as a quotation only when something says it is one
    (:func:`_introduced`): the text before it introduces it (it ends with a colon, or a verb of
    saying or writing is in its last line), or the quote ends with a citation line
    ("— Vladimir Putin, 2014"). Other blockquotes, lines in fenced code blocks and callouts
    (:data:`_MD_CALLOUT`) are the author's own voice; quotation marks inside any of them are
    read as in any text."""
    fences: list[tuple[int, int]] = []
    if "```" in text or "~~~" in text:
        fences = [m.span() for m in _FENCE.finditer(text)]
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _MD_QUOTE_LINE.finditer(text):
        start = m.start()
        if start < pos or any(a <= start < b for a, b in fences):
            continue  # (a line of the quote before, or of a code block)
        blank = _BLANK_LINE.search(text, start)
        end = len(text) if blank is None else blank.start() + 1
        for a, _ in fences:  # a code block right after the quote is not in it
            if start < a < end:
                end = a
        pos = end
        if not _MD_CALLOUT.match(text, m.end()) and _introduced(text, start, end):
            out.append((start, end))
    return out


def _introduced(text: str, start: int, end: int) -> bool:
    """Whether the blockquote ``text[start:end]`` is said to be a quotation: by a citation
    line in it, or by the last line of text before it (see :func:`blockquotes`)."""
    if _MD_CITATION.search(text, start, end):
        return True
    before = text[max(0, start - 400) : start].rstrip()
    if not before:
        return False
    last = before[before.rfind("\n") + 1 :]
    last = _MD_MARKUP_END.sub("", last)
    return last.endswith((":", "：")) or _MD_SPEECH.search(last) is not None


#: A citation line of a quotation: a dash, then a name (">  — Vladimir Putin, 2014"); a
#: hyphen is no such dash ("> - item" is a list in the quote).
_MD_CITATION = re.compile(r"^[ \t]{0,3}(?:>[> \t]*)?(?:—|–|―|--)[ \t]*[^\W\d_]", re.M)
#: Emphasis and link markup at the end of a line (": **" → ":").
_MD_MARKUP_END = re.compile(r"[\s*_`)\]]+$")
#: Verbs of saying and writing (EN, UK, RU): "the president told parliament", "заявил".
_MD_SPEECH = re.compile(
    r"(?<![^\W_])(?:said|says|say|told|tells|wrote|writes|stated|states|declared|declares|"
    r"claimed|claims|announced|announces|added|adds|quoted|quotes|according\s+to|"
    r"заявил[аи]?|сказал[аи]?|написал[аи]?|пишет|говорит|отметил[аи]?|цитат\w*|"
    r"заявив|заявила|заявили|сказав|сказала|сказали|написав|написала|пише|каже|"
    r"зазначив|зазначила|за\s+словами|по\s+словам)(?![^\W_])",
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|$)")

#: A fenced code block: its fence, its info string's language, its body.
_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[A-Za-z0-9_+.-]*)[^\n]*\n"
    r"(?P<body>.*?)(?:^(?P=fence)[ \t]*$|\Z)",  # a fence left open runs to the end
    re.M | re.S,
)
#: Fence languages read as data.
_DATA_FENCES = {"json": "json", "jsonc": "json", "geojson": "json", "yaml": "yaml", "yml": "yaml"}
#: Fence languages read as source code (string literals and comments: their quotes are the
#: syntax's, not quotation), by the suffix the source reader knows them by.
_SOURCE_FENCES = {
    "js": ".js",
    "javascript": ".js",
    "jsx": ".jsx",
    "ts": ".ts",
    "typescript": ".ts",
    "tsx": ".tsx",
    "python": ".py",
    "py": ".py",
    "php": ".php",
    "ruby": ".rb",
    "rb": ".rb",
    "java": ".java",
    "kotlin": ".kt",
    "go": ".go",
    "csharp": ".cs",
    "cs": ".cs",
    "swift": ".swift",
    "dart": ".dart",
}


def _shifted(lines: int) -> Callable[[int, int], tuple[int, int]]:
    """(line, column) in a fenced block to (line, column) in the file."""
    return lambda line, column: (lines + line, column)


def _read_data_fences(col: Collector, text: str, masked: str) -> str | None:
    """JSON and YAML in fenced code blocks (an API document's example response) read as data:
    their values are text without the quotation marks that delimit them (a quoted string is no
    quotation), their objects are records and their arrays lists; code blocks (``js``,
    ``python``, ``php`` …, and JSON that does not parse) read as source code, their string
    literals and comments. A fence left open runs to the end of the file. Returns ``masked``
    with those blocks blanked (their text is now the data's), or ``None`` when there are none.
    A YAML block that does not parse stays text."""
    from checker.readers.docs.jsondata import read_json
    from checker.readers.docs.source import read_source
    from checker.readers.docs.yamldata import read_yaml

    out = masked
    found = False
    for m in _FENCE.finditer(text):
        lang = m.group("lang").lower()
        kind = _DATA_FENCES.get(lang)
        suffix = _SOURCE_FENCES.get(lang)
        body = m.group("body")
        if (kind is None and suffix is None) or not body.strip():
            continue
        data = body.encode("utf-8")
        try:
            if kind is not None:
                sub = (read_json if kind == "json" else read_yaml)(data)
            else:
                sub = read_source(data, suffix or ".js")
        except Exception:
            if kind != "json":
                continue  # a YAML snippet with "…": keep it as text
            # JSON with comments, "…" or trailing commas: its string literals, as JS has them
            sub = read_source(data, ".js")
        if not sub.segments or sub.undetermined:
            continue
        _collect.adopt(col, sub, _shifted(text.count("\n", 0, m.start("body"))))
        start, end = m.start("body"), m.end("body")
        out = out[:start] + _collect.blank(out[start:end]) + out[end:]
        found = True
    return out if found else None


#: A GitHub-flavoured Markdown table's delimiter row: ``|---|:---:|``.
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_MARKUP = re.compile(r"[*_`]+")


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    cells = re.split(r"(?<!\\)\|", inner)
    return [_CELL_MARKUP.sub("", c).replace("\\|", "|").strip() for c in cells]


def add_table_records(col: Collector, text: str) -> None:
    """Each row of a Markdown table as a record keyed by the header (``| City | Country |``),
    so the data rules see "Feodosia … Russia" in a table as they would in a CSV file."""
    lines = text.split("\n")
    number = 0
    i = 1
    while i < len(lines):
        if "|" in lines[i - 1] and _TABLE_DELIMITER.match(lines[i]) and "-" in lines[i]:
            header = _cells(lines[i - 1])
            number += 1
            rows: list[tuple[int | None, list[str]]] = []
            j = i + 1
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append((j + 1, _cells(lines[j])))
                j += 1
            _collect.table_records(col, f"table {number}", rows, header)
            i = j + 1
        else:
            i += 1


def directive_lines(text: str) -> list[str]:
    """``text``'s lines for inline suppression (``mapcheck: disable=…``), or ``[]`` when the text
    cannot hold a directive: splitting 100 MB of prose into lines costs a third of reading it,
    and nothing else needs the lines of a document."""
    # "apcheck" is in "mapcheck" and "Mapcheck": two scans of text without either, not three.
    if ("apcheck" in text and ("mapcheck" in text or "Mapcheck" in text)) or "MAPCHECK" in text:
        return text.split("\n")
    return []


def normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def add_blocks(
    col: Collector,
    text: str,
    *,
    first_line: int = 1,
    part: str = "body",
    page: int | None = None,
    key_path: str | None = None,
) -> None:
    """Add ``text`` as blocks of whole paragraphs (see the module docstring).

    A block ends at a blank line once it holds :data:`MAX_BLOCK` characters (a paragraph
    longer than that is cut at a line end, else at a space); blank lines between blocks are
    not kept, nor white space at a block's end. A few large segments instead of one per
    paragraph: the text analysis joins segments into one text again and marks blank lines as
    paragraph breaks itself, so building an object per paragraph was wasted work (it was a
    third of the time of reading plain text).
    """
    _add_block(col, text, 0, len(text), first_line, part, 1, key_path, page)


def _add_block(
    col: Collector,
    text: str,
    start: int,
    end: int,
    line: int,
    part: str,
    column: int = 1,
    key_path: str | None = None,
    page: int | None = None,
    block: int | None = None,
) -> int:
    """Add text[start:end] in blocks of at most MAX_BLOCK characters, cut at a blank line,
    else at a line end, else at a space (words stay whole); return the line it ends on."""
    while start < end:
        if text[start] == "\n":  # the line breaks between two blocks
            skip = start
            while skip < end and text[skip] == "\n":
                skip += 1
            line += skip - start
            column = 1
            start = skip
            continue
        stop = end
        if stop - start > MAX_BLOCK:
            limit = start + MAX_BLOCK
            cut = text.rfind("\n\n", start, limit)
            if cut <= start:
                cut = text.rfind("\n", start, limit)
            if cut <= start:
                cut = text.rfind(" ", start, limit)
            stop = cut if cut > start else limit
        piece = text[start:stop]
        kept = piece.rstrip()
        if kept:
            col.segment(kept, line, column, part=part, key_path=key_path, page=page, block=block)
            if col.full:
                return line
        newlines = piece.count("\n")
        if newlines:
            line += newlines
            column = len(piece) - piece.rfind("\n")
        else:
            column += len(piece)
        start = stop
    return line


def add_span(
    col: Collector,
    text: str,
    line: int,
    column: int,
    part: str = "body",
    key_path: str | None = None,
    block: int | None = None,
) -> None:
    """Add ``text`` starting at (line, column) as one segment, or several if it is long (the
    pieces of one ``block``)."""
    if len(text) <= MAX_BLOCK:
        col.segment(text, line, column, part=part, key_path=key_path, block=block)
    else:
        _add_block(col, text, 0, len(text), line, part, column, key_path, block=block)


# --- Markdown masking ------------------------------------------------------------------------

# Each pattern starts with a literal character ("\n", "[", "<", "_") so that the regular
# expression engine can skip ahead quickly; line-start patterns run on the text with a "\n"
# put in front, which the caller removes again.
_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_MD_LINK = re.compile(r"\[([^\[\]\n]*)(\]\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|\]\[[^\]\n]*\])")
_MD_REFDEF = re.compile(r"\n {0,3}\[[^\]\n]+\]:[ \t]*\S[^\n]*")
_MD_LINE_MARKERS = re.compile(r"\n[ \t]{0,3}(?:#{1,6}(?=[ \t\n])|>[> \t]*)")
_MD_RULES = re.compile(
    r"\n[ \t]*(?:[=\-_*]{3,}|\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?)[ \t]*(?=\n)"
)
_MD_UNDERSCORES = re.compile(r"_+")
_MD_CHARS = str.maketrans({"*": " ", "`": " ", "~": " ", "!": " "})


def _spaces(m: re.Match[str]) -> str:
    """The match as spaces, newlines kept (so line numbers do not move)."""
    return _collect.blank(m.group())


def _link(m: re.Match[str]) -> str:
    return " " + m.group(1) + " " * len(m.group(2))


def _underscores(m: re.Match[str]) -> str:
    """Emphasis underscores become spaces; those inside a word (snake_case) stay."""
    text = m.string
    before = text[m.start() - 1] if m.start() > 0 else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if before.isalnum() and after.isalnum():
        return m.group()
    return " " * len(m.group())


#: A Hugo or Jekyll-style shortcode (``{{< figure src="…" title="Yalta, Crimea" >}}``,
#: ``{{% … %}}``, Liquid ``{% include … %}``): its syntax carries no words, its attribute
#: caption-like attribute values (title, caption, alt …) are text.
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%-?.*?-?%\}", re.S)
_SHORTCODE_VALUE = re.compile(
    r"""(?i:\b(?:title|caption|alt|desc|description|text|label|name|place|location|credit)"""
    r"""\s*=\s*)(?:"([^"\n]*)"|'([^'\n]*)')"""
)


def _shortcode(m: re.Match[str]) -> str:
    """A shortcode as spaces, but for its caption-like attribute values (without quotes)."""
    code = m.group()
    out = [" " if ch != "\n" else "\n" for ch in code]
    for v in _SHORTCODE_VALUE.finditer(code):
        group = 1 if v.group(1) is not None else 2
        start, end = v.start(group), v.end(group)
        out[start:end] = code[start:end]
    return "".join(out)


def mask_markdown(text: str) -> str:
    """Markdown with its markup replaced by spaces of the same length (newlines kept).

    ``!`` (image links) and ``*``, backticks and ``~`` (emphasis, code, strike-through) are
    blanked everywhere; in prose they carry no words.
    """
    out = _MD_COMMENT.sub(_spaces, text) if "<!--" in text else text
    if "{{" in out:
        out = _SHORTCODE.sub(_shortcode, out)
    if "<" in out:
        out = _MD_TAG.sub(_spaces, out)
    if "[" in out:
        out = _MD_LINK.sub(_link, out)
    out = "\n" + out
    if "[" in out:
        out = _MD_REFDEF.sub(_spaces, out)
    if "#" in out or ">" in out:
        out = _MD_LINE_MARKERS.sub(_spaces, out)
    if "---" in out or "===" in out or "***" in out or "___" in out:
        out = _MD_RULES.sub(_spaces, out)
    out = out[1:]
    if "_" in out:
        out = _MD_UNDERSCORES.sub(_underscores, out)
    return out.translate(_MD_CHARS)
