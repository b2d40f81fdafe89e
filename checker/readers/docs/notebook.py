"""Jupyter notebooks (``.ipynb``): Markdown cells, code cells and their outputs, plotted maps.

A notebook is JSON, but reading it as JSON data would cut every cell into its lines and take its
metadata for records. Here:

* a Markdown cell is one Markdown block (markup masked as in ``.md`` files), part ``markdown``;
* a code cell is read as Python source: its string literals and comments (part ``string`` /
  ``comment-code``), lists of literals as enumerations;
* an output's text (``stream``, ``text/plain``, ``text/markdown``) is a block, part ``output``;
  an HTML output (a pandas table) is read as HTML, so its table rows are records;
* a plotted picture (``image/png``, ``image/jpeg``, ``image/svg+xml``) goes to the image pipeline
  as ``cell N output``: a map drawn from Natural Earth in a notebook is checked like any map.

Positions are the notebook file's: ``line`` is the JSON line of the cell's first source line
(nbformat writes one source line per JSON line, so later lines follow) and ``key_path`` is
``$.cells[N]`` (the cell's index from 0, as in the JSON), with ``.outputs[K]`` for outputs.
Columns inside a cell are counted from the start of its source line, not of the JSON line.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from checker.readers._jsonio import json_error
from checker.readers.base import ReaderError, TextEvidence, TextSegment
from checker.readers.docs._collect import Collector, LineCounter, adopt
from checker.readers.docs.encoding import decode
from checker.readers.docs.plain import add_blocks, mask_markdown

_PICTURES = ("image/png", "image/jpeg", "image/svg+xml")


def _text(value: Any) -> str:
    """nbformat's multi-line strings: a string or a list of lines."""
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def read_notebook(data: bytes) -> TextEvidence:
    text, encoding, notes = decode(data)
    col = Collector("ipynb", encoding, notes)
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise json_error(exc, text) from None
    except RecursionError:
        raise ReaderError("ME903", "notebook nested more deeply than the reader allows") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ReaderError("ME901", "not a Jupyter notebook (no list of cells)")
    lines = _CellLines(text)
    for index, cell in enumerate(cells):
        if col.full:
            break
        if not isinstance(cell, dict):
            continue
        path = f"$.cells[{index}]"
        line = lines.next_source()
        kind = cell.get("cell_type")
        source = _text(cell.get("source"))
        if kind == "markdown" and source.strip():
            _blocks(col, mask_markdown(source), line, "markdown", path)
        elif kind == "code" and source.strip():
            _code(col, source, line, path)
        elif kind == "raw" and source.strip():
            _blocks(col, source, line, "body", path)
        for k, output in enumerate(cell.get("outputs") or []):
            if isinstance(output, dict):
                _output(col, output, index, line, f"{path}.outputs[{k}]")
    return col.evidence


class _CellLines:
    """The JSON line of each cell's ``"source"`` key, in order (the n-th ``"source":`` key of
    the file is the n-th cell's: outputs and metadata have no such key)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.counter = LineCounter(text)
        self.pos = 0

    def next_source(self) -> int:
        at = self.text.find('"source"', self.pos)
        if at < 0:
            return 1
        self.pos = at + 8
        line, _ = self.counter.at(at)
        # One line on when the source is a list written one item per line.
        rest = self.text[self.pos : self.pos + 40].lstrip(" :\t")
        return line + 1 if rest.startswith("[\n") or rest.startswith("[\r\n") else line


def _blocks(col: Collector, text: str, line: int, part: str, path: str) -> None:
    before = len(col.evidence.segments)
    add_blocks(col, text)
    for i in range(before, len(col.evidence.segments)):
        seg = col.evidence.segments[i]
        col.evidence.segments[i] = TextSegment(
            seg.text, line + seg.line - 1, seg.column, None, part, path, None
        )


def _code(col: Collector, source: str, line: int, path: str) -> None:
    from checker.readers.docs.source import read_source

    # IPython magics and shell escapes are not Python: blank them so the tokenizer reads on.
    cleaned = "\n".join(
        "" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.split("\n")
    )
    adopt(
        col,
        read_source(cleaned.encode("utf-8"), ".py"),
        lambda ln, column: (line + ln - 1, column),
        lambda _: path,
        lambda key: f"{path}.{key or 'list'}",
    )


def _output(col: Collector, output: dict[str, Any], index: int, line: int, path: str) -> None:
    if output.get("output_type") == "stream":
        _blocks(col, _text(output.get("text")), line, "output", path)
        return
    data = output.get("data")
    if not isinstance(data, dict):
        return
    for mime in _PICTURES:
        if mime in data:
            _picture(col, data[mime], mime, f"cell {index} output")
            break
    if "text/html" in data:
        _html(col, _text(data["text/html"]), line, path)
    elif json_mime := next(
        (m for m in data if m == "application/json" or m.endswith("+json")), None
    ):
        # A table viewer's data (Data Wrangler, Vega): its values are the table.
        _json(col, data[json_mime], line, path)
    elif "text/markdown" in data:
        _blocks(col, mask_markdown(_text(data["text/markdown"])), line, "output", path)
    elif "text/plain" in data and not any(m in data for m in _PICTURES):
        # A picture's text/plain is its repr ("<Figure size 640x480 with 1 Axes>").
        text = _text(data["text/plain"])
        if _COLLECTION_REPR.match(text):
            # A list's repr (df.region.unique(): "array(['Москва', …, 'Республика Крым'],
            # dtype=object)"): read as the Python it is, so its strings are a list.
            _code(col, text, line, path)
        else:
            _blocks(col, text, line, "output", path)


#: The repr of a Python, numpy or pandas collection of strings.
_COLLECTION_REPR = re.compile(
    r"\s*(?:array\(\[|Index\(\[|dict_keys\(\[|dict_values\(\[|\[\s*['\"]|\(\s*['\"]|\{\s*['\"])"
)


def _json(col: Collector, value: Any, line: int, path: str) -> None:
    from checker.readers.docs.jsondata import read_json

    try:
        sub = read_json(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    except Exception:  # a viewer's payload that is no JSON after all: its text, as before
        return
    adopt(
        col,
        sub,
        lambda _line, _column: (line, 1),  # (the payload's own layout is not the file's)
        lambda key: f"{path}.{key or 'output'}",
        lambda key: f"{path}.{key or 'output'}",
    )


def _picture(col: Collector, value: Any, mime: str, name: str) -> None:
    body = _text(value)
    if mime == "image/svg+xml":
        col.image(body.encode("utf-8"), name=name)
        return
    try:
        col.image(base64.b64decode("".join(body.split()), validate=True), name=name)
    except (binascii.Error, ValueError):
        col.undetermined(f"{name}: the picture's base64 data is damaged; it was not checked")


def _html(col: Collector, html: str, line: int, path: str) -> None:
    from checker.readers.docs.html import read_html

    # The page's texts keep no key path: the data rules then pair a table's cells with the
    # row records on the same line (the cell's), as in a Markdown table.
    adopt(
        col,
        read_html(html.encode("utf-8")),
        lambda _, column: (line, column),
        lambda _: None,
        lambda key: f"{path} {key or 'list'}",
        part="output",
    )
