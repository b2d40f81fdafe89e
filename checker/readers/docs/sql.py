"""SQL dumps: ``INSERT … VALUES`` rows, PostgreSQL ``COPY … FROM stdin`` blocks, string literals
and comments.

A small tokenizer (comments, string literals, quoted identifiers, words, punctuation) drives a
statement recogniser; nothing is executed. The quoting convention is chosen per file: MySQL
dumps (``mysqldump`` header or backquoted identifiers) use backslash escapes inside strings and
``#`` comments; others follow the SQL standard (``''`` doubles a quote, backslashes are plain
text, except in PostgreSQL ``E'…'`` strings).

Evidence:

* a :class:`DataRecord` per inserted or copied row: ``fields`` by column name (from the
  statement's column list, else from an earlier ``CREATE TABLE`` of that table, else "column 1",
  "column 2" …), ``row`` numbered per table from 1, ``line`` where the row starts, ``key_path``
  "regions row 3";
* a segment per string value (part ``value``, ``key_path`` "regions row 3 column name", line and
  column of the first character inside the quotes), per other string literal (part ``string``)
  and per comment (part ``comment-code``);
* an enumeration per table column of string values (origin ``sql-column:<table>.<column>``).
"""

from __future__ import annotations

import re
from typing import Any

from checker.readers.base import TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, LineCounter
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import normalise_newlines

_COMMON = r"""
  (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z){hash})
 |(?P<estring>[Ee]'(?:[^'\\]++|''|\\.)*+(?:'|\Z))
 |(?P<string>[Nn]?'{body}*+(?:'|\Z))
 |(?P<dollar>\$(?P<tag>[A-Za-z_]\w*)?\$.*?(?:\$(?P=tag)\$|\Z))
 |(?P<ident>"(?:[^"]++|"")*+"|`(?:[^`]++|``)*+`)
 |(?P<word>[A-Za-z_][\w$]*)
 |(?P<punct>[(),;.])
 |(?P<other>[^\s(),;.'"`]+)
"""
_STANDARD = re.compile(
    _COMMON.replace("{hash}", "").replace("{body}", "(?:[^']++|'')"), re.S | re.X
)
_MYSQL = re.compile(
    _COMMON.replace("{hash}", r"|\#[^\n]*").replace("{body}", r"(?:[^'\\]++|''|\\.)"), re.S | re.X
)
_MYSQL_ESCAPES = {
    "0": "\0",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "Z": "\x1a",
    "%": "\\%",
    "_": "\\_",
}
_C_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_BACKSLASH = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{1,3}|.)", re.S)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)")
#: Column lists and CREATE TABLE bodies longer than this are not column lists.
_MAX_COLUMNS = 4096
_CONSTRAINTS = frozenset(
    [
        "PRIMARY",
        "KEY",
        "UNIQUE",
        "CONSTRAINT",
        "INDEX",
        "FOREIGN",
        "CHECK",
        "FULLTEXT",
        "SPATIAL",
        "EXCLUDE",
        "LIKE",
        "PERIOD",
    ]
)


def _unescape_mysql(body: str) -> str:
    out = body.replace("''", "'")
    if "\\" not in out:
        return out
    return _BACKSLASH.sub(lambda m: _MYSQL_ESCAPES.get(m.group(1), m.group(1)[-1:]), body).replace(
        "''", "'"
    )


def _unescape_c(m: re.Match[str]) -> str:
    esc = m.group(1)
    if esc[0] in "xuU" and len(esc) > 1:
        return chr(int(esc[1:], 16))
    if esc[0] in "01234567":
        return chr(int(esc, 8) & 0x10FFFF)
    return _C_ESCAPES.get(esc, esc)


def _unescape_copy(field: str) -> str:
    return _BACKSLASH.sub(_unescape_c, field) if "\\" in field else field


def _ident(token: str) -> str:
    if token[:1] in ('"', "`"):
        return token[1:-1].replace(token[0] * 2, token[0])
    return token


class _Token:
    __slots__ = ("end", "kind", "start", "text")

    def __init__(self, kind: str, text: str, start: int, end: int) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


class _Reader:
    def __init__(self, col: Collector, text: str) -> None:
        self.col = col
        self.text = text
        head = text[:65536]
        self.mysql = "mysqldump" in head.lower() or "`" in head or "ENGINE=" in head
        self.pattern = _MYSQL if self.mysql else _STANDARD
        self.pos = 0
        self.lines = LineCounter(text)
        self.tables: dict[str, list[str]] = {}
        self.rows: dict[str, int] = {}
        self.columns: dict[tuple[str, str], list[TextSegment]] = {}
        self.pushed: list[_Token] = []

    # -- tokens -----------------------------------------------------------------------------

    def token(self) -> _Token | None:
        """The next token that is not a comment (comments are added as segments)."""
        if self.pushed:
            return self.pushed.pop()
        while True:
            m = self.pattern.search(self.text, self.pos)
            if m is None:
                self.pos = len(self.text)
                return None
            self.pos = m.end()
            kind = m.lastgroup or "other"
            if kind == "tag":
                kind = "dollar"
            if kind == "comment":
                self._segment(m.group(), m.start(), 0, "comment-code")
                continue
            return _Token(kind, m.group(), m.start(), m.end())

    def push(self, tok: _Token) -> None:
        self.pushed.append(tok)

    def _segment(
        self,
        text: str,
        offset: int,
        skip: int,
        part: str,
        key_path: str | None = None,
        row: int | None = None,
    ) -> TextSegment | None:
        if not text.strip():
            return None
        line, column = self.lines.at(offset)
        return self.col.segment(text, line, column + skip, part=part, key_path=key_path, row=row)

    def string_value(self, tok: _Token) -> tuple[str, int]:
        """(decoded text, characters before the text starts) of a string token."""
        raw = tok.text
        if tok.kind == "dollar":
            opener = raw[: raw.index("$", 1) + 1]
            body = raw[len(opener) :]
            if body.endswith(opener):
                body = body[: -len(opener)]
            return body, len(opener)
        skip = 2 if raw[0] in "EeNn" else 1
        body = raw[skip:-1] if len(raw) > skip and raw.endswith("'") else raw[skip:]
        if tok.kind == "estring":
            return _BACKSLASH.sub(_unescape_c, body.replace("''", "'")), skip
        if self.mysql:
            return _unescape_mysql(body), skip
        return body.replace("''", "'"), skip

    # -- statements -------------------------------------------------------------------------

    def run(self) -> None:
        at_start = True
        while not self.col.full:
            tok = self.token()
            if tok is None:
                return
            if tok.kind == "punct" and tok.text == ";":
                at_start = True
                continue
            if at_start and tok.kind == "word":
                at_start = False
                word = tok.upper
                if word in ("INSERT", "REPLACE"):
                    self.insert()
                elif word == "CREATE":
                    self.create()
                elif word == "COPY":
                    self.copy()
                elif word == "UPDATE":
                    self.update()
                continue
            at_start = False
            if tok.kind in ("string", "estring", "dollar"):
                text, skip = self.string_value(tok)
                self._segment(self._one_line(text, tok.text), tok.start, skip, "string")

    @staticmethod
    def _one_line(value: str, raw: str) -> str:
        return value.replace("\n", " ") if "\n" in value and "\n" not in raw else value

    def _name(self) -> tuple[str, _Token | None]:
        """A possibly schema-qualified name; returns it and the token after it."""
        parts: list[str] = []
        while True:
            tok = self.token()
            if tok is None or tok.kind not in ("word", "ident"):
                return ".".join(parts), tok
            parts.append(_ident(tok.text))
            nxt = self.token()
            if nxt is None or not (nxt.kind == "punct" and nxt.text == "."):
                return ".".join(parts), nxt

    def _column_list(self) -> list[str]:
        """Names inside parentheses (the opening one already read)."""
        names: list[str] = []
        depth = 1
        while depth and len(names) < _MAX_COLUMNS:
            tok = self.token()
            if tok is None:
                break
            if tok.kind == "punct" and tok.text == "(":
                depth += 1
            elif tok.kind == "punct" and tok.text == ")":
                depth -= 1
            elif depth == 1 and tok.kind in ("word", "ident"):
                names.append(_ident(tok.text))
        return names

    def create(self) -> None:
        words = []
        tok = self.token()
        while tok is not None and tok.kind == "word" and tok.upper != "TABLE":
            words.append(tok.upper)
            tok = self.token()
            if len(words) > 4:
                break
        if tok is None or tok.upper != "TABLE":
            if tok is not None:
                self.push(tok)
            return
        name, tok = self._name()
        while name.upper() in ("IF", "NOT", "EXISTS", "IF.NOT", ""):
            if tok is None or tok.kind not in ("word", "ident"):
                break
            self.push(tok)
            name, tok = self._name()
        if tok is None or not (tok.kind == "punct" and tok.text == "("):
            if tok is not None:
                self.push(tok)
            return
        columns: list[str] = []
        depth = 1
        expect_name = True
        while depth:
            tok = self.token()
            if tok is None:
                break
            if tok.kind == "punct" and tok.text == "(":
                depth += 1
            elif tok.kind == "punct" and tok.text == ")":
                depth -= 1
            elif depth == 1 and tok.kind == "punct" and tok.text == ",":
                expect_name = True
            elif depth == 1 and expect_name and tok.kind in ("word", "ident"):
                expect_name = False
                if not (tok.kind == "word" and tok.upper in _CONSTRAINTS):
                    columns.append(_ident(tok.text))
        if columns:
            self.tables[name] = columns

    def insert(self) -> None:
        tok = self.token()
        while (
            tok is not None
            and tok.kind == "word"
            and tok.upper
            in (
                "INTO",
                "IGNORE",
                "LOW_PRIORITY",
                "DELAYED",
                "HIGH_PRIORITY",
            )
        ):
            tok = self.token()
        if tok is None or tok.kind not in ("word", "ident"):
            return
        self.push(tok)
        table, tok = self._name()
        columns: list[str] | None = None
        if tok is not None and tok.kind == "punct" and tok.text == "(":
            columns = self._column_list()
            tok = self.token()
        if tok is None or tok.upper not in ("VALUES", "VALUE"):
            if tok is not None:
                self.push(tok)
            return
        names = columns or self.tables.get(table) or []
        while not self.col.full:
            tok = self.token()
            if tok is None:
                return
            if tok.kind == "punct" and tok.text == "(":
                self.row(table, names, tok)
                nxt = self.token()
                if nxt is None:
                    return
                if nxt.kind == "punct" and nxt.text == ",":
                    continue
                self.push(nxt)
            else:
                self.push(tok)
            return

    def row(self, table: str, names: list[str], opener: _Token) -> None:
        number = self.rows.get(table, 0) + 1
        self.rows[table] = number
        values: list[Any] = []
        strings: list[tuple[int, _Token]] = []
        depth = 1
        current: list[_Token] = []

        def finish() -> None:
            index = len(values)
            if len(current) == 1 and current[0].kind == "ident" and current[0].text[:1] == '"':
                # A double-quoted value in VALUES is a string (MySQL's default), not a column:
                # read it as one ("Simferopol", "Russia").
                tok = current[0]
                quoted = "'" + _ident(tok.text).replace("'", "''") + "'"
                current[0] = _Token("string", quoted, tok.start, tok.end)
            strs = [t for t in current if t.kind in ("string", "estring", "dollar")]
            if len(current) == 1 and strs:
                values.append(self.string_value(strs[0])[0])
                strings.append((index, strs[0]))
            elif len(current) == 1:
                values.append(_scalar(current[0].text))
            elif not current:
                values.append(None)
            else:
                values.append(self.text[current[0].start : current[-1].end])
                strings.extend((index, t) for t in strs[-1:])
            current.clear()

        while True:
            tok = self.token()
            if tok is None:
                break
            if tok.kind == "punct" and tok.text == "(":
                depth += 1
            elif tok.kind == "punct" and tok.text == ")":
                depth -= 1
                if depth == 0:
                    finish()
                    break
            elif depth == 1 and tok.kind == "punct" and tok.text == ",":
                finish()
                continue
            current.append(tok)
        fields: dict[str, Any] = {}
        for i, value in enumerate(values):
            fields[names[i] if i < len(names) else f"column {i + 1}"] = value
        line, _ = self.lines.at(opener.start)
        self.col.record(fields, f"{table} row {number}", number, line)
        for index, tok in strings:
            name = names[index] if index < len(names) else f"column {index + 1}"
            text, skip = self.string_value(tok)
            seg = self._segment(
                self._one_line(text, tok.text),
                tok.start,
                skip,
                "value",
                f"{table} row {number} column {name}",
                number,
            )
            if seg is not None:
                self.columns.setdefault((table, name), []).append(seg)

    def update(self) -> None:
        """``UPDATE t SET a = 'x', b = 'y' WHERE …``: the values set, as a record of their own
        (``UPDATE place SET country = 'Россия', oblast = 'Республика Крым'`` files a place under
        Russia as an INSERT would); the WHERE clause is a condition, not data."""
        tok = self.token()
        if tok is not None and tok.upper == "ONLY":
            tok = self.token()
        if tok is None or tok.kind not in ("word", "ident"):
            return
        self.push(tok)
        table, tok = self._name()
        if tok is None or tok.upper != "SET":
            if tok is not None:
                self.push(tok)
            return
        fields: dict[str, Any] = {}
        strings: list[tuple[str, _Token]] = []
        while len(fields) < _MAX_COLUMNS:
            name_tok = self.token()
            equals = self.token() if name_tok is not None else None
            if name_tok is None or name_tok.kind not in ("word", "ident") or equals is None:
                break
            if not (equals.kind == "other" and equals.text.startswith("=")):
                self.push(equals)
                break
            name = _ident(name_tok.text)
            value: list[_Token] = []
            depth = 0
            if len(equals.text) > 1:  # "=7": the value is glued to the sign
                glued = _Token("other", equals.text[1:], equals.start + 1, equals.end)
                value.append(glued)
            tok = self.token()
            while tok is not None:
                if tok.kind == "punct" and tok.text in ",;" and depth == 0:
                    break
                if tok.kind == "word" and depth == 0 and tok.upper in _UPDATE_ENDS:
                    break
                if tok.kind == "punct" and tok.text == "(":
                    depth += 1
                elif tok.kind == "punct" and tok.text == ")":
                    depth -= 1
                value.append(tok)
                tok = self.token()
            if len(value) == 1 and value[0].kind in ("string", "estring", "dollar"):
                fields[name] = self.string_value(value[0])[0]
                strings.append((name, value[0]))
            elif len(value) == 1:
                fields[name] = _scalar(value[0].text)
            elif value:
                fields[name] = self.text[value[0].start : value[-1].end]
            if tok is None or not (tok.kind == "punct" and tok.text == ","):
                if tok is not None:
                    self.push(tok)
                break
        if not fields:
            return
        number = self.rows.get(f"UPDATE {table}", 0) + 1
        self.rows[f"UPDATE {table}"] = number
        path = f"UPDATE {table} row {number}"
        line, _ = self.lines.at(strings[0][1].start if strings else self.pos)
        self.col.record(fields, path, None, line)
        for name, tok in strings:
            text, skip = self.string_value(tok)
            self._segment(
                self._one_line(text, tok.text), tok.start, skip, "value", f"{path} column {name}"
            )

    def copy(self) -> None:
        table, tok = self._name()
        columns: list[str] = []
        if tok is not None and tok.kind == "punct" and tok.text == "(":
            columns = self._column_list()
            tok = self.token()
        words: list[str] = []
        while tok is not None and not (tok.kind == "punct" and tok.text == ";"):
            words.append(tok.upper or tok.text.upper())
            tok = self.token()
            if len(words) > 16:
                break
        if tok is None or words[:2] != ["FROM", "STDIN"]:
            return
        names = columns or self.tables.get(table) or []
        start = self.text.find("\n", tok.end)
        if start < 0:
            return
        pos = start + 1
        text = self.text
        while pos < len(text) and not self.col.full:
            end = text.find("\n", pos)
            if end < 0:
                end = len(text)
            raw = text[pos:end]
            if raw == "\\.":
                pos = end + 1
                break
            self.copy_row(table, names, raw, pos)
            pos = end + 1
        self.pos = pos
        self.pushed.clear()

    def copy_row(self, table: str, names: list[str], raw: str, offset: int) -> None:
        number = self.rows.get(table, 0) + 1
        self.rows[table] = number
        line, _ = self.lines.at(offset)
        fields: dict[str, Any] = {}
        column = 1
        for i, field in enumerate(raw.split("\t")):
            name = names[i] if i < len(names) else f"column {i + 1}"
            value = None if field == "\\N" else _unescape_copy(field)
            fields[name] = (
                _scalar(value) if value is not None and _NUMBER.fullmatch(value) else value
            )
            if value is not None and value.strip() and not _NUMBER.fullmatch(value):
                seg = self.col.segment(
                    self._one_line(value, field),
                    line,
                    column,
                    part="value",
                    key_path=f"{table} row {number} column {name}",
                    row=number,
                )
                if seg is not None:
                    self.columns.setdefault((table, name), []).append(seg)
            column += len(field) + 1
        self.col.record(fields, f"{table} row {number}", number, line)


#: Words that end an UPDATE's SET list.
_UPDATE_ENDS = frozenset({"WHERE", "FROM", "RETURNING", "ORDER", "LIMIT"})


def _scalar(raw: str) -> Any:
    upper = raw.upper()
    if upper == "NULL":
        return None
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    if _NUMBER.fullmatch(raw):
        try:
            return int(raw)
        except ValueError:
            try:
                return float(raw)
            except ValueError:
                return raw
    return raw


def read_sql(data: bytes) -> TextEvidence:
    text, encoding, notes = decode(data)
    text = normalise_newlines(text)
    col = Collector("sql", encoding, notes)
    col.evidence.source_lines = text.split("\n")
    reader = _Reader(col, text)
    reader.run()
    for (table, name), segs in reader.columns.items():
        if len(segs) >= 2:
            col.enumeration(segs, f"{table}.{name}", f"sql-column:{table}.{name}")
    return col.evidence
