"""One very long string literal (a search index, an embedded JSON blob, a data URI) must not cost
memory in proportion to its length times a regular-expression engine's per-character state: the
lexers match string bodies with possessive repeats, so the engine keeps no backtracking state.
(With ``(?:[^"\\]|\\.)*`` a 5.6 MB JavaScript search index took 1.5 GB.)"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest

from checker.readers.docs.jsondata import read_json
from checker.readers.docs.source import read_source
from checker.readers.docs.sql import read_sql

BODY = "Lorem ipsum dolor sit amet \\n " * 35_000  # about 1 MB, with escapes

READS: dict[str, Callable[[], object]] = {
    "js-string": lambda: read_source(('var s = "' + BODY + '";\n').encode(), ".js"),
    "js-single": lambda: read_source(("var s = '" + BODY + "';\n").encode(), ".js"),
    "ts-template": lambda: read_source(("const s = `" + BODY + "`;\n").encode(), ".ts"),
    "kotlin-triple": lambda: read_source(('val s = """' + BODY + '"""\n').encode(), ".kt"),
    "csharp-verbatim": lambda: read_source(('var s = @"' + BODY + '";\n').encode(), ".cs"),
    "json": lambda: read_json(('{"a": "' + BODY + '", "b": [1]}').encode()),
    "sql": lambda: read_sql(("INSERT INTO t VALUES ('" + BODY + "');\n").encode()),
}


@pytest.mark.parametrize("name", list(READS))
def test_a_long_literal_costs_memory_in_proportion_to_its_text(name: str) -> None:
    tracemalloc.start()
    try:
        READS[name]()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The text itself (UTF-8 input, decoded str, the literal's value) is a few MB; the
    # backtracking lexers needed 150-250 MB here.
    assert peak < 40_000_000, f"{peak / 1e6:.0f} MB"
