"""JSON Lines: one object per file as soon as it is checked, then one summary object.

Every line is a complete JSON document with a ``type``: ``"file"`` lines carry the same fields
as an entry of the JSON reporter's ``files``; the last line is ``"summary"``. A consumer can act
on each file while a long run goes on (``mapcheck check --format jsonl tree/ | jq ...``).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from checker import __version__
from checker.model import FileReport
from checker.reporters._common import jsonable
from checker.reporters.base import Reporter, Summary


class JsonLinesReporter(Reporter):
    def report(self, out: TextIO, report: FileReport) -> None:
        doc = {"type": "file", **report.to_dict()}
        if any(f.location.properties for f in report.findings):
            _line(out, doc)
        else:
            out.write(file_line(doc) + "\n")
            out.flush()

    def end(self, out: TextIO, summary: Summary) -> None:
        _line(
            out,
            {
                "type": "summary",
                "tool": {"name": "mapcheck", "version": __version__},
                **summary.to_dict(),
            },
        )


def _line(out: TextIO, doc: dict[str, Any]) -> None:
    out.write(json.dumps(jsonable(doc), ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()  # streamed: each file is visible to a reader of the pipe at once


def file_line(doc: dict[str, Any]) -> str:
    """``json.dumps(jsonable(doc), ...)`` of a report's ``to_dict()`` whose locations carry no
    feature properties, without walking the document first (a third of writing a report).

    Every dict of such a document has ``str`` keys (the ``to_dict`` methods name them; the
    evidence is made plain by :class:`~checker.model.Finding`), and for every other value
    the encoder writes what :func:`jsonable` would have handed it: tuples as lists, ``str``,
    ``int`` and ``float`` subclasses as those types, and anything else through ``default``,
    which is :func:`jsonable` itself. What remains are NaN and infinities, which
    :func:`jsonable` writes as strings: the encoder refuses them (``allow_nan=False``) and the
    document takes the walk after all, as does one that trips the encoder in any other way.
    """
    try:
        return json.dumps(
            doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=jsonable
        )
    except (ValueError, TypeError):
        return json.dumps(jsonable(doc), ensure_ascii=False, separators=(",", ":"))
