"""Source code: string literals and comments, and lists of string literals.

Python is read with the standard library's ``tokenize`` (exact for every Python 3 literal form);
other languages, and Python that ``tokenize`` rejects, with a regular-expression lexer that knows
each family's literals: ``"…"``/``'…'`` with backslash escapes, JS/TS template literals,
``/regex/`` literals after an operator (approximately, so that quotes inside them do not open
strings), C# ``@"…"`` and Rust ``r#"…"#`` raw strings, triple-quoted strings (Python, Kotlin,
Swift, Java text blocks, Scala), Go raw strings, character literals in C-like languages, and
``//``, ``/* */`` and ``#`` comments as each language has them.

Segments: each literal's decoded value (part ``string``) at the line and column of its first
character after the opening quote, and each comment's text (part ``comment-code``) with its
markers blanked to spaces. Escapes (``\\n``, ``\\xNN``, ``\\uXXXX``, ``\\u{…}``, ``\\UXXXXXXXX``,
octal) are decoded; an escaped newline becomes a space and a line continuation (a backslash
before a real line break) that line break, so that positions stay on the literal's lines, and
columns after an escape inside the literal drift by the escape's length.

Enumerations: a bracketed list of two or more string literals — ``["a", "b"]``, ``("a", "b",
"c")``, ``{"a", "b"}``, ``{k: "a", k2: "b"}`` (the values), or the arguments of ``arrayOf``,
``listOf``, ``setOf``, ``List.of``, ``Arrays.asList``, ``tuple``, ``frozenset`` … — with origin
``<language>-list``/``-tuple``/``-set``/``-object``; and for a list of such lists or objects,
each position or key across the rows (origin ``<language>-column:<key>``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from checker.readers.base import TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, LineCounter, adopt, blank
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import normalise_newlines

LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".pyw": "python",
    ".js": "js",
    ".mjs": "js",
    ".cjs": "js",
    ".jsx": "js",
    ".ts": "ts",
    ".tsx": "ts",
    ".mts": "ts",
    ".cts": "ts",
    ".vue": "js",
    ".svelte": "js",
    ".rb": "ruby",
    ".php": "php",
    ".java": "java",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".scala": "scala",
    ".go": "go",
    ".rs": "rust",
    ".cs": "csharp",
    ".swift": "swift",
    ".c": "c",
    ".h": "c",
    ".cc": "c",
    ".cpp": "c",
    ".hpp": "c",
    ".cxx": "c",
    ".m": "c",
    ".dart": "dart",
    ".sol": "c",  # Solidity: C-like comments and strings
    ".sh": "shell",
    ".bash": "shell",
    ".pl": "perl",
    ".pm": "perl",
    ".lua": "lua",
    ".po": "gettext",  # msgid "…" / msgstr "…", # comments
    ".pot": "gettext",
    ".strings": "c",  # Apple: "key" = "value"; with C comments
    ".toml": "toml",  # "…" and '…' strings, triple-quoted ones, # comments
}
#: Python files larger than this use the fast lexer instead of ``tokenize``.
MAX_TOKENIZE_BYTES = 8 * 1024 * 1024
#: Callees whose arguments are a list: Kotlin, Java, Scala, Swift, Python, Rust macros.
_LIST_CALLS = frozenset(
    [
        "arrayOf",
        "listOf",
        "setOf",
        "mutableListOf",
        "mutableSetOf",
        "arrayListOf",
        "hashSetOf",
        "sequenceOf",
        "asList",
        "of",
        "Array",
        "List",
        "Set",
        "Seq",
        "tuple",
        "list",
        "set",
        "frozenset",
        "array",
        "vec",
    ]
)
#: Names after which parentheses are not a call.
_KEYWORDS = frozenset({"return", "in", "yield", "await", "case", "of", "else", "and", "or", "not"})
_ESCAPE = re.compile(
    r"\\(?:u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})"
    r"|([0-7]{1,3})|(\n)|(.))",
    re.S,
)
#: An escaped line break decodes to a space (and a line continuation, a backslash before a
#: real line break, to that line break): the value keeps the literal's lines, so that every
#: position in it is still the file's.
_SIMPLE = {
    "n": " ",
    "t": "\t",
    "r": " ",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "e": "\x1b",
    "0": "\0",
}


def _unescape_c(body: str) -> str:
    if "\\" not in body:
        return body

    def repl(m: re.Match[str]) -> str:
        hexa = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        if hexa:
            code = int(hexa, 16)
            return chr(code) if code <= 0x10FFFF else "\ufffd"
        if m.group(5):
            return chr(int(m.group(5), 8))
        if m.group(6):
            return "\n"  # line continuation: the file's line break
        ch = m.group(7)
        return _SIMPLE.get(ch, ch)

    return _ESCAPE.sub(repl, body)


def _unescape_quotes_only(body: str, quote: str) -> str:
    """PHP, Ruby, Perl and shell single-quoted strings: only ``\\\\`` and the quote escape."""
    if "\\" not in body:
        return body
    return body.replace("\\\\", "\x00").replace("\\" + quote, quote).replace("\x00", "\\")


# --- lexer for C-like and scripting languages -----------------------------------------------


def _lexer(lang: str) -> re.Pattern[str]:
    comments = [r"(?P<lc>//[^\n]*)", r"(?P<bc>/\*.*?(?:\*/|\Z))"]
    if lang in ("python", "ruby", "shell", "perl", "gettext", "toml"):
        comments = [r"(?P<hc>\#[^\n]*)"]
    elif lang == "php":
        comments.append(r"(?P<hc>\#(?!\[)[^\n]*)")
    elif lang == "lua":
        comments = [r"(?P<bc>--\[\[.*?(?:\]\]|\Z))", r"(?P<lc>--[^\n]*)"]
    strings = []
    if lang in ("python", "kotlin", "swift", "java", "scala", "dart", "toml"):
        prefix = r"[rRbBuUfF]{0,2}" if lang == "python" else ""
        strings.append(
            rf'(?P<triple>{prefix}(?:"""(?:[^"\\]++|\\.|"(?!""))*+(?:"""|\Z)'
            rf"|'''(?:[^'\\]++|\\.|'(?!''))*+(?:'''|\Z)))"
        )
    if lang == "csharp":
        strings.append(r'(?P<verbatim>\$?@\$?"(?:[^"]++|"")*+(?:"|\Z))')
    if lang == "rust":
        strings.append(r'(?P<rawrust>b?r(?P<hashes>\#*)".*?(?:"(?P=hashes)|\Z))')
    if lang in ("js", "ts", "go", "dart"):
        strings.append(r"(?P<template>`(?:[^`\\]++|\\.)*+(?:`|\Z))")
    prefix = r"[rRbBuUfF]{0,2}" if lang == "python" else r"[@$]?" if lang == "csharp" else ""
    strings.append(rf'(?P<dq>{prefix}"(?:[^"\\\n]++|\\.)*+(?:"|(?=\n)|\Z))')
    if lang in ("c", "java", "kotlin", "scala", "go", "rust", "csharp", "swift"):
        strings.append(r"(?P<char>'(?:[^'\\\n]|\\[^\n]{1,10}?)')")
    else:
        strings.append(rf"(?P<sq>{prefix}'(?:[^'\\\n]++|\\.)*+(?:'|(?=\n)|\Z))")
    rest = [
        r"(?P<open>[\[({])",
        r"(?P<close>[\])}])",
        r"(?P<comma>,)",
        r"(?P<colon>=>|:(?!:)|=(?![=>]))",
        r"(?P<ident>[A-Za-z_$\u0080-\uffff][\w$]*)",
        r"(?P<slash>/)",
        r"(?P<other>[^\s\w\"'`/#\[\](){},:=]+|\S)",
    ]
    return re.compile(r"\s*(?:" + "|".join(comments + strings + rest) + r")", re.S)


_REGEX_LITERAL = re.compile(r"/(?![*/])(?:[^/\\\[\n]++|\\.|\[(?:[^\]\\\n]++|\\.)*+\])++/[A-Za-z]*")
#: After these tokens a ``/`` starts a regular expression, not a division.
_REGEX_BEFORE = frozenset(
    [
        "(",
        ",",
        "=",
        ":",
        "[",
        "!",
        "&",
        "|",
        "?",
        "{",
        "}",
        ";",
        "+",
        "-",
        "*",
        "%",
        "<",
        ">",
        "~",
        "^",
        "return",
        "typeof",
        "case",
        "do",
        "else",
        "in",
        "of",
        "yield",
        "await",
    ]
)
_LEXERS: dict[str, re.Pattern[str]] = {}


@dataclass
class _Frame:
    opener: str
    call: bool
    items: list[tuple[str | int, TextSegment]] = field(default_factory=list)
    current: list[tuple[str, object]] = field(default_factory=list)
    rows: list[list[tuple[str | int, TextSegment]]] = field(default_factory=list)
    valid: bool = True
    keyed: bool = False
    #: The name assigned to the list (``REGIONS = [...]``, ``regions: [...]``), if any.
    name: str = ""
    #: Closed inner lists waiting to learn whether this frame is a table of them.
    children: list[_Frame] = field(default_factory=list)
    #: ``key: "string"`` pairs (``key = "string"`` in a call), whatever else the frame holds:
    #: an object or dict literal, or keyword arguments, read as a record.
    fields: dict[str, TextSegment] = field(default_factory=dict)
    #: String keys of a dict or object literal (``{"Республика Крым": (…), …}``), a list of
    #: names too.
    keys: list[TextSegment] = field(default_factory=list)
    #: Items seen so far, strings or not: a call's string arguments keep their positions.
    position: int = 0
    #: The string fields of the objects this one maps keys to (``{"RU-KHE": {name: "…"}, …}``),
    #: by field name, and how many such objects there were: each field's values are a list.
    columns: dict[str, list[TextSegment]] = field(default_factory=dict)
    objects: int = 0


#: A dict or object literal with at least this many string keys gives them as a list.
_MIN_KEYS = 3


class _Lists:
    """Finds bracketed lists of string literals in a token stream."""

    def __init__(self, col: Collector, lang: str) -> None:
        self.col = col
        self.lang = lang
        self.frames: list[_Frame] = []
        self.prev_kind = ""
        self.prev_text = ""
        self.name_before = ""  # identifier just before the last "=" or ":"
        self.last_ident = ""
        #: Consecutive statements that each pass one object of the same keys (a seeder's
        #: ``Region.create(name: "…")``, ``DB::table(…)->insert(['id' => …, 'name' => …])``):
        #: their keys, and each one's fields.
        self.run_keys: tuple[str, ...] = ()
        self.run: list[dict[str, TextSegment]] = []

    def token(self, kind: str, text: str, seg: TextSegment | None = None) -> None:
        frames = self.frames
        if kind == "open":
            # Only parentheses after a name are a call; "x {" is a composite literal or a block
            # (statements make a block invalid as a list anyway).
            call = text == "(" and (
                (self.prev_kind in ("ident", "close") and self.prev_text not in _KEYWORDS)
                or (self.prev_kind == "other" and self.prev_text not in ("=", "(", ",", "!"))
            )
            is_macro = self.prev_text == "!"  # Rust: vec![...]
            is_list_call = (call and self.prev_text in _LIST_CALLS) or is_macro
            # The arguments of listOf(...) and friends are a list, whatever the bracket.
            frame = _Frame("[" if is_list_call else text, call and not is_list_call)
            if self.prev_kind == "colon" or is_list_call:
                frame.name = self.name_before
            if frames:
                frames[-1].current.append(("frame", frame))
            frames.append(frame)
        elif kind == "close":
            if frames:
                frame = frames.pop()
                self._end_item(frame)
                self._close(frame)
                if frame.fields and (not frames or (frames[-1].call and len(frames) == 1)):
                    self._statement(frame)
        elif frames:
            frame = frames[-1]
            if kind == "comma":
                self._end_item(frame)
            else:
                frame.current.append((kind, seg if kind == "str" else text))
        if kind == "colon" and not (text == "=" and self.prev_kind == "close"):
            # (not after a type annotation: "REGIONS: dict[str, int] = {" is REGIONS)
            self.name_before = self.last_ident
        elif kind == "ident":
            self.last_ident = text
        elif kind == "str" and seg is not None:
            self.last_ident = seg.text
        self.prev_kind, self.prev_text = kind, text

    def _end_item(self, frame: _Frame) -> None:
        item = frame.current
        frame.current = []
        if not item:
            return
        position = frame.position
        frame.position += 1
        kinds = [k for k, _ in item]
        # ``key: "string"`` (``key = "string"`` in a call): its key's text and the value.
        pair: tuple[str, TextSegment] | None = None
        value = item[2][1] if len(item) == 3 else None
        if (
            kinds[1:] == ["colon", "str"]
            and kinds[0] in ("str", "ident", "other")
            and isinstance(value, TextSegment)
        ):
            key = item[0][1]
            pair = (key.text if isinstance(key, TextSegment) else str(key), value)
            if kinds[0] != "other":  # (a number as the key is no field's name)
                frame.fields.setdefault(*pair)
        if len(item) >= 3 and kinds[0] == "str" and kinds[1] == "colon":
            key_seg = item[0][1]
            if isinstance(key_seg, TextSegment):
                frame.keys.append(key_seg)
        if kinds[1:] == ["colon", "frame"] and kinds[0] in ("str", "ident"):
            inner = item[2][1]
            if isinstance(inner, _Frame) and inner.fields and not inner.call:
                frame.objects += 1
                for name, seg in inner.fields.items():
                    frame.columns.setdefault(name, []).append(seg)
        if not frame.valid:
            return
        if kinds == ["str"] and isinstance(item[0][1], TextSegment):
            frame.items.append((position, item[0][1]))
        elif kinds == ["frame"]:
            inner = item[0][1]
            assert isinstance(inner, _Frame)
            if inner.valid and inner.items and not inner.call:
                frame.rows.append(inner.items)
            else:
                frame.valid = False
        elif (
            kinds[-1] == "frame"
            and len(kinds) <= 3
            and all(k in ("ident", "other") for k in kinds[:-1])
        ):
            # A call as a row: Region("RU-AD", "Республика Адыгея", "RU")
            inner = item[-1][1]
            assert isinstance(inner, _Frame)
            if inner.call and inner.valid and inner.items and not inner.keyed:
                frame.rows.append(inner.items)
            else:
                frame.valid = False
        elif frame.call and all(k in ("ident", "other") for k in kinds):
            pass  # a number, a constant or a name as an argument: not text
        elif pair is not None:
            frame.items.append(pair)
            frame.keyed = True
        elif (
            len(item) >= 3
            and kinds[1] == "colon"
            and kinds[0] in ("str", "ident", "other")
            and (all(k in ("ident", "other") for k in kinds[2:]) or kinds[2:] == ["frame"])
        ):
            # A number, a constant or a name as the value: not text; a nested object or list
            # ("coords": {"lat": …}) is read on its own, and leaves this one a row.
            frame.keyed = True
        else:
            frame.valid = False

    def _close(self, frame: _Frame) -> None:
        """A list closed: a table of rows gives column enumerations; a plain list is emitted
        when its parent is known not to be a table of such rows (or at top level). Its
        ``key: "string"`` pairs, two or more, are a record."""
        if len(frame.keys) >= _MIN_KEYS:
            path = f"{frame.name or f'line {frame.keys[0].line}'}.keys()"
            self.col.enumeration(list(frame.keys), path, f"{self.lang}-keys")
        if frame.objects >= 2:
            for name, segs in frame.columns.items():
                if len(segs) >= 2:
                    path = f"{frame.name or f'line {segs[0].line}'}[*].{name}"
                    self.col.enumeration(segs, path, f"{self.lang}-field:{name}")
        if len(frame.fields) >= 2:
            lines = [seg.line for seg in frame.fields.values()]
            self.col.record(
                {key: seg.text for key, seg in frame.fields.items()},
                frame.name or None,
                None,
                min(lines),
                max(lines),
            )
        elif frame.call and not frame.keyed and len(frame.items) >= 2:
            # A call's string arguments, by position: a row without column names
            # (ensureRegion("Крым", "Crimea", "RU")).
            positional = [(pos, seg) for pos, seg in frame.items if isinstance(pos, int)]
            lines = [seg.line for _, seg in positional]
            self.col.record(
                {f"column {pos + 1}": seg.text for pos, seg in positional},
                None,
                None,
                min(lines),
                max(lines),
            )
        table = frame.valid and not frame.call and not frame.items and len(frame.rows) >= 2
        if table:
            self._emit_columns(frame)
        else:
            for child in frame.children:
                self._emit(child)
        frame.children = []
        if frame.valid and not frame.call and frame.items:
            if self.frames:
                self.frames[-1].children.append(frame)
            else:
                self._emit(frame)

    def finish(self) -> None:
        """Emit what unclosed frames hold (a file cut short), and the last run of statements."""
        while self.frames:
            frame = self.frames.pop()
            for child in frame.children:
                self._emit(child)
            if frame.valid and not frame.call and not frame.items and len(frame.rows) >= 2:
                self._emit_columns(frame)  # the complete rows of a table cut short
        self._end_run()

    def _statement(self, frame: _Frame) -> None:
        """An object passed by a statement of its own (at top level, or the argument of a
        top-level call): statements in a row that pass objects of the same keys are the rows
        of a table, each key's values a list."""
        keys = tuple(sorted(frame.fields))
        if keys != self.run_keys:
            self._end_run()
            self.run_keys = keys
        self.run.append(dict(frame.fields))

    def _end_run(self) -> None:
        run, self.run = self.run, []
        if len(run) < 2:
            return
        for key in self.run_keys:
            segs = [row[key] for row in run]
            path = f"line {segs[0].line}[*].{key}"
            self.col.enumeration(segs, path, f"{self.lang}-column:{key}")

    def _emit(self, frame: _Frame) -> None:
        segs = [seg for _, seg in frame.items]
        if len(segs) < 2 or (frame.opener == "(" and len(segs) < 3):
            return
        kind = "object" if frame.keyed else {"[": "list", "(": "tuple", "{": "set"}[frame.opener]
        path = frame.name or f"line {segs[0].line}"
        self.col.enumeration(segs, path, f"{self.lang}-{kind}")

    def _emit_columns(self, frame: _Frame) -> None:
        columns: dict[str | int, list[TextSegment]] = {}
        for row in frame.rows:
            for key, seg in row:
                columns.setdefault(key, []).append(seg)
        for key, segs in columns.items():
            if len(segs) >= 2:
                label = key + 1 if isinstance(key, int) else key
                path = f"{frame.name or f'line {segs[0].line}'}[*].{label}"
                self.col.enumeration(segs, path, f"{self.lang}-column:{label}")


# --- reading -----------------------------------------------------------------------------------


def _blank_markers(text: str, lang: str) -> tuple[str, int]:
    """A comment's text with its markers as spaces, and the offset of its first character."""
    if text.startswith(("//", "--")):
        body = text[2:]
        skip = 2
    elif text.startswith("#"):
        body, skip = text[1:], 1
    else:  # block comment: /* … */ or --[[ … ]]
        opener = 4 if text.startswith("--[[") else 2
        closer = 2 if text.endswith(("*/", "]]")) else 0
        body = text[opener : len(text) - closer]
        skip = opener
    return body, skip


#: A shape keyed or labelled as Ukraine or Russia with SVG path data right after it: an svgMap
#: module's ``'UA': {d: 'M…'}``, a Mapael module's ``"UA": "M…"``, an inline
#: ``<path id="UA" … d="M…">`` in a component (map modules mapcheck reads as maps, such as
#: jsVectorMap's, never get here).
_MAP_SHAPE = re.compile(
    # Led by the names, so that the engine skips ahead to them (what stands before a name is
    # checked by _holds_map_shapes: a pattern led by it ran at every position of the file).
    r"""(?:UA|RU|UKR|RUS|Ukraine|Russia|ukraine|russia)["']?"""
    r"""(?:\s*:\s*\{?\s*["']?(?:d|path)["']?\s*:|\s*:|[^<>]{0,120}?\sd\s*=)\s*"""
    r"""["'`]\s*[Mm]\s*-?\d+(?:\.\d+)?[\s,]+-?\d"""
)


def _holds_map_shapes(text: str) -> bool:
    """Whether a :data:`_MAP_SHAPE` match starts a word (after a quote, if any)."""
    for m in _MAP_SHAPE.finditer(text):
        at = m.start()
        if at and text[at - 1] in "\"'":
            at -= 1
        before = text[at - 1] if at else " "
        if not (before.isalnum() or before in "_-"):
            return True
    return False


def read_source(data: bytes, suffix: str) -> TextEvidence:
    text, encoding, notes = decode(data)
    text = normalise_newlines(text)
    col = Collector("source", encoding, notes)
    col.evidence.source_lines = text.split("\n")
    lang = LANGUAGES.get(suffix.lower(), "")
    if not lang:
        lang = "python" if text.startswith("#!") and "python" in text[:80] else "c"
    if lang == "python" and len(data) <= MAX_TOKENIZE_BYTES:
        try:
            _read_python(col, text)
            _read_map_calls(col, text)
            return col.evidence
        except Exception:  # tokenize.TokenError, IndentationError, SyntaxError (Python 2 …)
            col.evidence.segments.clear()
            col.evidence.enumerations.clear()
            col.chars = col.items = 0
            col.note("read with the generic lexer: Python's tokenizer rejected the file")
    # (a .php file without a PHP block is a page all the same: PHP outputs it as it is)
    if lang == "php" and _HTML_OUTSIDE.search(_blank_php(text)):
        _read_php_page(col, text)
        return col.evidence
    _read_generic(col, text, lang)
    if lang in ("js", "ts") and "<" in text:
        _read_markup_text(col, text)
    _read_map_calls(col, text)
    if _holds_map_shapes(text):
        col.undetermined(
            "the file holds map shapes (SVG path data for Ukraine or Russia, as a map "
            "widget's module or an inline <svg> has them) in a layout mapcheck does not "
            "draw here: whether Crimea is drawn as Ukraine's is not checked"
        )
    if lang in _ENUM_LANGUAGES and "enum" in text:
        _read_enum_constants(col, text)
    if lang == "shell":
        _read_shell_files(col, text)
    return col.evidence


#: An unquoted argument of a shell command that names a map or data file (a path or URL):
#: ``ogr2ogr … ne_110m_admin_0_countries.shp``, ``curl -O https://…/countries-110m.json``.
_SHELL_FILE = re.compile(
    r"(?<![^\s=])[^\s\"'`;|&<>()#]+\.(?:json|topojson|geojson|zip|shp|gpkg|csv|js)(?![\w.])"
)


def _read_shell_files(col: Collector, text: str) -> None:
    """The file names a shell script's commands take unquoted (part ``script``), for the rule
    on maps that draw Crimea in Russia (MD409); quoted ones are its strings already. A command
    that keeps only features away from Ukraine (an ``ogr2ogr -where`` naming neither Russia,
    Ukraine nor Europe, a clip window west or east of Crimea) takes no part of the map that
    matters."""
    inside = _literal_spans(col)
    lines = LineCounter(text)
    for m in _SHELL_FILE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if "#" in text[line_start : m.start()]:
            continue  # a comment (its text is read as one)
        line, column = lines.at(m.start())
        if inside(line, column) or _away_from_ukraine(_shell_command(text, m.start())):
            continue
        col.segment(m.group(), line, column, part="script")


def _shell_command(text: str, at: int) -> str:
    """The whole command around ``at``: its lines joined where they end with a backslash."""
    start = text.rfind("\n", 0, at) + 1
    while start > 1 and text[start - 2] == "\\":
        start = text.rfind("\n", 0, start - 1) + 1
    end = text.find("\n", at)
    while end >= 0 and end > 0 and text[end - 1] == "\\":
        end = text.find("\n", end + 1)
    return text[start : len(text) if end < 0 else end]


_SHELL_WHERE = re.compile(r"-where\b")
_SHELL_UA_RU = re.compile(r"\b(?:RUS|UKR|RU|UA|Russia|Ukraine|643|804|(?i:europe))\b")
_SHELL_CLIP = re.compile(
    r"-(?:clipdst|clipsrc|spat)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)"
)


def _away_from_ukraine(command: str) -> bool:
    if _SHELL_WHERE.search(command) and not _SHELL_UA_RU.search(command):
        return True
    clip = _SHELL_CLIP.search(command)
    if clip is not None:
        west, _, east, _ = (float(v) for v in clip.groups())
        return east < 32.0 or west > 37.0  # Crimea lies between 32.5 and 36.7 E
    return False


#: Languages whose ``enum X { A, B(…), C = 3 }`` names its constants.
_ENUM_LANGUAGES = frozenset(
    {"java", "kotlin", "csharp", "ts", "swift", "rust", "c", "dart", "scala"}
)
_ENUM_HEAD = re.compile(r"\benum\s+(?:class\s+|struct\s+)?([A-Za-z_]\w*)[^{;]{0,200}\{")
_ENUM_CASE = re.compile(r"\bcase\s+")
_QUOTED = re.compile(r"[=:]\s*[\"'`]")
_ENUM_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_ENUM_ITEM = re.compile(r"\s*(?:@\w+\s*)*(?:case\s+)?([A-Za-z_][A-Za-z0-9_]*)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _enum_words(name: str) -> str:
    """An enum constant's name as words: ``RESPUBLIKA_KRYM`` → "Respublika Krym",
    ``KrasnodarKrai`` → "Krasnodar Krai"."""
    parts = [p for p in re.split(r"_+", _CAMEL.sub("_", name)) if p]
    return " ".join(p[:1].upper() + p[1:].lower() for p in parts)


def _read_enum_constants(col: Collector, text: str) -> None:
    """The constants of each ``enum`` as words, a list (part ``identifier``): an enum of
    Russia's regions in transliteration (``RESPUBLIKA_KRYM(91)`` among ``KRASNODARSKIY_KRAY``)
    is a region list as its strings would be (MD401)."""
    lines = LineCounter(text)
    for head in _ENUM_HEAD.finditer(text):
        start = head.end()
        depth, pos = 1, start
        while pos < len(text) and depth:
            ch = text[pos]
            depth += 1 if ch == "{" else -1 if ch == "}" else 0
            pos += 1
        body = _ENUM_COMMENT.sub(lambda m: " " * len(m.group()), text[start : pos - 1])
        # Constants come first (Java and Kotlin put members after a ";"); Swift starts each
        # line of them with "case".
        body = _ENUM_CASE.sub(lambda m: "," + " " * (len(m.group()) - 1), body.split(";", 1)[0])
        items: list[TextSegment] = []
        depth, piece_start = 0, 0
        for i, ch in enumerate(body + ","):
            if ch in "([{<":
                depth += 1
            elif ch in ")]}>":
                depth -= 1
            elif ch == "," and depth <= 0:
                m = _ENUM_ITEM.match(body, piece_start, i)
                # A constant with a string value (CRIMEA = "Republic of Crimea") is read by
                # its string: its name would say the same twice (arguments in parentheses,
                # MOSCOW_CITY("77"), are no value).
                if m is not None and not _QUOTED.search(body, piece_start, i):
                    words = _enum_words(m.group(1))
                    line, column = lines.at(start + m.start(1))
                    seg = col.segment(words, line, column, part="identifier")
                    if seg is not None:
                        items.append(seg)
                piece_start = i + 1
        if len(items) >= 2:
            col.enumeration(items, f"{head.group(1)}.entries", "enum")


#: Calls that draw a library's built-in world map (plotly's geo traces): kept as code segments
#: (part ``script``), with their arguments, for the rule on base maps that draw Crimea in Russia
#: (MD409), as a page's scripts keep the map files they load.
_MAP_CALL = re.compile(
    r"\b(?:px|express|go|graph_objs|graph_objects)\.(?:choropleth|scatter_geo|line_geo|Choropleth|"
    r"Scattergeo)\([^)]{0,600}"
)


def _read_map_calls(col: Collector, text: str) -> None:
    if "choropleth" not in text.lower() and "_geo(" not in text and "Scattergeo" not in text:
        return
    lines = LineCounter(text)
    for m in _MAP_CALL.finditer(text):
        line, column = lines.at(m.start())
        col.segment(m.group(0), line, column, part="script")


#: A PHP block in a page: ``<?php … ?>``, ``<?= … ?>``, ``<? … ?>`` (to the end when unclosed).
_PHP_BLOCK = re.compile(r"<\?(?:php\b|=)?.*?(?:\?>|\Z)", re.S | re.I)
#: Markup outside the PHP blocks (an HTML page, an XML feed): the file is a template.
_HTML_OUTSIDE = re.compile(r"<[A-Za-z][\w:.-]*[\s/>]")


def _blank_php(text: str) -> str:
    return _PHP_BLOCK.sub(lambda m: blank(m.group()), text)


def _read_php_page(col: Collector, text: str) -> None:
    """A PHP page or feed template: its markup read as HTML (visible text, alt and title
    attributes; an XML feed's element text too) with the PHP blocks blanked, and the PHP
    blocks read as code with the markup blanked; both at the file's own lines and columns."""
    from checker.readers.docs.html import read_html

    page = read_html(_blank_php(text).encode("utf-8"))
    adopt(col, page)
    code: list[str] = []
    last = 0
    for m in _PHP_BLOCK.finditer(text):
        code.append(blank(text[last : m.start()]))
        code.append(m.group())
        last = m.end()
    code.append(blank(text[last:]))
    _read_generic(col, "".join(code), "php")
    col.sort_segments()


#: Text between a markup tag's ``>`` and the next ``<`` (JSX, Vue and Svelte templates): the
#: words a page shows, which are neither string literals nor comments to the lexer.
_MARKUP_TEXT = re.compile(r">([^<>]++)(?=<)")
#: An embedded expression (``{phone}``) inside such text, blanked to spaces.
_EMBEDDED = re.compile(r"\{[^{}]*+\}")
#: Text holding these is code between two comparisons, or holds a literal or a comment the
#: lexer has read already.
_NOT_MARKUP = re.compile(r"[\"'`;={}]|//|/\*|&&|\|\||=>")


def _literal_spans(col: Collector) -> Callable[[int, int], bool]:
    """Whether a (line, column) lies inside a string literal the lexer read: its segment's
    text, from its first character to its last, in the file's lines and columns."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for seg in col.evidence.segments:
        if seg.part != "string":
            continue
        rows = seg.text.split("\n")
        for i, row in enumerate(rows):
            first = seg.column if i == 0 else 1
            spans.setdefault(seg.line + i, []).append((first, first + len(row)))

    def inside(line: int, column: int) -> bool:
        return any(lo <= column < hi for lo, hi in spans.get(line, ()))

    return inside


def _read_markup_text(col: Collector, text: str) -> None:
    """Segments (part ``markup``) for the text nodes of JSX, Vue, Svelte or PHP-page markup:
    ``<li>+7 (978) 507-70-00</li>``, ``<p>Tours of {city}, Russia</p>``."""
    lines = LineCounter(text)
    added = False
    options: list[TextSegment] = []  # the current <select>'s options, in order
    after = 0  # where the last option's text ended
    inside = _literal_spans(col)
    for m in _MARKUP_TEXT.finditer(text):
        body = _EMBEDDED.sub(lambda e: " " * len(e.group()), m.group(1))
        if _NOT_MARKUP.search(body) or sum(ch.isalnum() for ch in body) < 2:
            continue
        lead = len(body) - len(body.lstrip())
        value = body.strip()
        if not value:
            continue
        line, column = lines.at(m.start(1) + lead)
        tag = text.rfind("<", 0, m.start() + 1)
        option = text[tag + 1 : tag + 7].lower() == "option"
        if not option and inside(line, column):
            continue  # markup in a string literal ("<p>… Simferopol, Russia</p>"): read already
        seg = col.segment(value, line, column, part="markup")
        if seg is not None:
            added = True
            if option:
                # a <select>'s options are a list (a JSX region dropdown), as in a page
                if options and "</select" in text[after:tag].lower():
                    _options(col, options)
                    options = []
                options.append(seg)
                after = m.end()
        if col.full:
            break
    _options(col, options)
    if added:
        col.sort_segments()


def _options(col: Collector, options: list[TextSegment]) -> None:
    if len(options) >= 2:
        col.enumeration(options, f"select at line {options[0].line}", "select")


def _string_segment(
    col: Collector, text: str, line: int, column: int, raw: str
) -> TextSegment | None:
    if "\n" in text and "\n" not in raw:
        text = text.replace("\n", " ")
    if not text.strip():
        return None
    return col.segment(text, line, column, part="string")


def _read_python(col: Collector, text: str) -> None:
    import ast
    import tokenize

    lists = _Lists(col, "python")
    opens = {"(", "[", "{"}
    closes = {")", "]", "}"}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        kind = tok.type
        if kind == tokenize.STRING:
            raw = tok.string
            quote_at = min(i for i in (raw.find('"'), raw.find("'")) if i >= 0)
            prefix = raw[:quote_at].lower()
            quote = (
                raw[quote_at : quote_at + 3]
                if raw[quote_at : quote_at + 3] in ('"""', "'''")
                else raw[quote_at]
            )
            body = raw[quote_at + len(quote) : len(raw) - len(quote)]
            try:
                if "r" not in prefix and "\\\n" in body:
                    # Line continuations: decoded here so that they keep their line breaks
                    # (literal_eval drops them, and every later line would be one line off).
                    value = _unescape_c(body)
                else:
                    value = ast.literal_eval(
                        raw.replace("f", "", 1).replace("F", "", 1) if "f" in prefix else raw
                    )
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                value = body
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            if not isinstance(value, str):
                value = body
            line, column = tok.start[0], tok.start[1] + quote_at + len(quote) + 1
            seg = _string_segment(col, value, line, column, raw)
            lists.token("str" if seg is not None else "other", raw, seg)
        elif kind == tokenize.COMMENT:
            body = tok.string[1:]
            if body.strip():
                col.segment(body, tok.start[0], tok.start[1] + 2, part="comment-code")
        elif kind == tokenize.OP:
            s = tok.string
            if s in opens:
                lists.token("open", s)
            elif s in closes:
                lists.token("close", s)
            elif s == ",":
                lists.token("comma", s)
            elif s in (":", "="):
                lists.token("colon", s)
            else:
                lists.token("other", s)
        elif kind == tokenize.NAME:
            lists.token("ident", tok.string)
        elif kind == tokenize.NUMBER:
            lists.token("other", tok.string)
        if col.full:
            break
    lists.finish()


def _read_generic(col: Collector, text: str, lang: str) -> None:
    lexer = _LEXERS.get(lang)
    if lexer is None:
        lexer = _LEXERS[lang] = _lexer(lang)
    lines = LineCounter(text)
    lists = _Lists(col, lang)
    quotes_only = lang in ("php", "ruby", "perl", "shell")
    pos = 0
    end = len(text)
    prev = "("
    # gettext: the last string's segment (the last one added) and where it ended.
    follows: tuple[TextSegment, int] | None = None
    while pos < end and not col.full:
        m = lexer.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup or "other"
        if kind == "hashes":
            kind = "rawrust"
        start = m.start(kind)
        tok = m.group(kind)
        if kind == "slash":
            lit = (
                _REGEX_LITERAL.match(text, start)
                if prev in _REGEX_BEFORE and lang in ("js", "ts")
                else None
            )
            if lit is not None:
                pos = lit.end()
                lists.token("other", lit.group())
                prev = "regex"
                continue
            kind = "other"
        if kind in ("lc", "bc", "hc"):
            follows = None
            body, skip = _blank_markers(tok, lang)
            if body.strip():
                line, column = lines.at(start + skip)
                col.segment(body, line, column, part="comment-code")
            continue
        if kind in ("dq", "sq", "template", "triple", "verbatim", "rawrust", "char"):
            value, skip = _literal(kind, tok, quotes_only, lang)
            line, column = lines.at(start + skip)
            gap = text[follows[1] : start] if follows is not None else ""
            if follows is not None and kind == "dq" and "\n" in gap and not gap.strip():
                # gettext wraps a long message into strings on the lines that follow: one text,
                # laid out as in the file so that every position still maps to it.
                first = follows[0]
                # (A decoded "\n" inside a string is a space, as in any literal.)
                joined = (first.text + "\n" * gap.count("\n") + " " * (column - 1)) + value.replace(
                    "\n", " "
                )
                col.evidence.segments[-1] = TextSegment(
                    joined,
                    first.line,
                    first.column,
                    first.page,
                    first.part,
                    first.key_path,
                    first.row,
                )
                follows = (col.evidence.segments[-1], pos)
                continue
            seg = _string_segment(col, value, line, column, tok) if kind != "char" else None
            lists.token("str" if seg is not None else "other", tok, seg)
            follows = (seg, pos) if seg is not None and lang == "gettext" else None
            prev = "str"
            continue
        follows = None
        lists.token(kind, tok)
        prev = tok
    lists.finish()


def _literal(kind: str, tok: str, quotes_only: bool, lang: str) -> tuple[str, int]:
    """(decoded value, offset of the value's first character in the token)."""
    if kind == "rawrust":
        quote_at = tok.index('"')
        closer = (
            len(tok) - quote_at - 1 if tok.endswith('"' + tok[tok.index("r") + 1 : quote_at]) else 0
        )
        hashes = quote_at - tok.index("r") - 1
        body = tok[quote_at + 1 : len(tok) - (hashes + 1) if closer else len(tok)]
        return body, quote_at + 1
    if kind == "verbatim":
        quote_at = tok.index('"')
        body = (
            tok[quote_at + 1 : -1]
            if tok.endswith('"') and len(tok) > quote_at + 1
            else tok[quote_at + 1 :]
        )
        return body.replace('""', '"'), quote_at + 1
    if kind == "triple":
        quote_at = min(i for i in (tok.find('"""'), tok.find("'''")) if i >= 0)
        prefix = tok[:quote_at].lower()
        body = tok[quote_at + 3 : -3] if len(tok) >= quote_at + 6 else tok[quote_at + 3 :]
        return (body if "r" in prefix else _unescape_c(body)), quote_at + 3
    if kind == "template":
        body = tok[1:-1] if len(tok) > 1 and tok.endswith("`") else tok[1:]
        return (body if lang == "go" else _unescape_c(body)), 1  # Go's are raw strings
    quote = '"' if kind == "dq" else "'"
    quote_at = tok.index(quote)
    prefix = tok[:quote_at].lower()
    body = tok[quote_at + 1 :]
    if (body.endswith(quote) and not body.endswith("\\" + quote)) or body.endswith("\\\\" + quote):
        body = body[:-1]
    if "r" in prefix or "@" in prefix:
        return body, quote_at + 1
    if quotes_only and quote == "'":
        return _unescape_quotes_only(body, quote), quote_at + 1
    return _unescape_c(body), quote_at + 1
