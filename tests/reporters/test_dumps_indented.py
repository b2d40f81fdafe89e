"""The reporters' indented JSON writer equals ``json.dumps(..., indent=2)`` byte for byte."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest

from checker.reporters._common import dumps_indented
from tests.ci._fixtures import golden_reports


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(10 if depth < 4 else 6)
    if kind == 0:
        return rng.choice(["", "Крим", 'q"uote\\', "tab\tnew\nline", "\x00\x1f", "😀", "a/b"])
    if kind == 1:
        return rng.choice([0, -1, 2**70, True, False, None])
    if kind == 2:
        return rng.choice([0.1, -0.0, 1e-05, 1e16, 123456.789, math.pi, 5e-324])
    if kind == 3:
        return rng.choice([math.nan, math.inf, -math.inf])
    if kind in (4, 5):
        return rng.random()
    if kind in (6, 7):
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 8:
        return tuple(_random_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    keys: list[Any] = ["k", "ключ", 1, 2.5, True, None, ""]
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


@pytest.mark.parametrize("seed", range(200))
def test_random_documents(seed: int) -> None:
    doc = _random_value(random.Random(seed))
    assert dumps_indented(doc) == json.dumps(doc, ensure_ascii=False, indent=2)


def test_reports() -> None:
    doc = {"files": [r.to_dict() for r in golden_reports()]}
    assert dumps_indented(doc) == json.dumps(doc, ensure_ascii=False, indent=2)


def test_other_types_fall_back_to_the_standard_library() -> None:
    class Text(str):
        pass

    doc = {"a": Text("x"), "b": [1, {"c": 2}]}
    assert dumps_indented(doc) == json.dumps(doc, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):  # as json.dumps does
        dumps_indented({"set": {1, 2}})
