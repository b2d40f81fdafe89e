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
        _line(out, {"type": "file", **report.to_dict()})

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
