"""The JSON Lines reporter writes a report without properties straight from ``to_dict()``
(:func:`checker.reporters.jsonl.file_line`): byte for byte what the walk through
:func:`~checker.reporters._common.jsonable` gives."""

from __future__ import annotations

import io
import json
import math
import random
from enum import IntEnum
from typing import Any

import pytest

from checker.model import FileReport, Finding, Location, Severity, Verdict
from checker.reporters import get_reporter
from checker.reporters._common import jsonable
from checker.reporters.jsonl import file_line
from tests.ci._fixtures import golden_reports


class _Level(IntEnum):
    LOW = 1


class _Text(str):
    pass


class _Scalar:
    """Like a numpy scalar: ``item()`` gives the plain value."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def item(self) -> Any:
        return self.value


def _walked(doc: Any) -> str:
    return json.dumps(jsonable(doc), ensure_ascii=False, separators=(",", ":"))


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(12 if depth < 4 else 8)
    if kind == 0:
        return rng.choice(["", "Крим", 'q"uote\\', "tab\tnew\nline", "\x00\x1f", "😀", _Text("t")])
    if kind == 1:
        return rng.choice([0, -1, 2**70, True, False, None, _Level.LOW])
    if kind == 2:
        return rng.choice([0.1, -0.0, 1e-05, 1e16, math.pi, 5e-324])
    if kind == 3:
        return rng.choice([math.nan, math.inf, -math.inf, _Scalar(math.nan)])
    if kind == 4:
        return rng.choice([_Scalar(3), _Scalar((1, 2)), {1, 2}, frozenset(), object])
    if kind in (5, 6, 7):
        return rng.random()
    if kind in (8, 9):
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 10:
        return tuple(_random_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    keys = ["k", "ключ", "", "a b", _Text("s")]  # str keys only, as to_dict() gives them
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


@pytest.mark.parametrize("seed", range(300))
def test_random_documents_with_str_keys(seed: int) -> None:
    doc = {"type": "file", "value": _random_value(random.Random(seed))}
    assert file_line(doc) == _walked(doc)


def test_golden_reports() -> None:
    for report in golden_reports():
        doc = {"type": "file", **report.to_dict()}
        assert file_line(doc) == _walked(doc)


def _report(properties: dict[Any, Any] | None, confidence: float) -> FileReport:
    finding = Finding(
        code="MT301",
        name="text.place-attributed-to-russia",
        severity=Severity.ERROR,
        message="“Yalta, Russia” …",
        location=Location(path="a.txt", line=3, column=7, properties=properties),
        confidence=confidence,
        evidence={"match": "Yalta, Russia", 2: (1.5, None)},
        suggestion="Write “Yalta, Ukraine”.",
        policy="UNGA A/RES/68/262 (2014)",
        fingerprint="0" * 32,
    )
    return FileReport(path="a.txt", kind="document", verdict=Verdict.FLAG, findings=(finding,))


@pytest.mark.parametrize(
    ("properties", "confidence"),
    [
        (None, 0.95),
        (None, math.nan),  # the encoder refuses NaN: the walk writes "nan"
        ({"name": "Russia"}, 0.9),
        ({True: 1, None: 2, _Level.LOW: 3}, 0.9),  # keys the encoder would spell otherwise
    ],
)
def test_reporter_writes_what_the_walk_writes(
    properties: dict[Any, Any] | None, confidence: float
) -> None:
    report = _report(properties, confidence)
    out = io.StringIO()
    get_reporter("jsonl").report(out, report)
    assert out.getvalue() == _walked({"type": "file", **report.to_dict()}) + "\n"
