"""Helpers the machine-readable reporters share: project links, paths relative to the root."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The project's home (SARIF ``informationUri``, reviewdog ``source.url``).
PROJECT_URL = "https://github.com/mapcheck/mapcheck"


def rule_url(code: str) -> str:
    """Where a rule is documented (the rules reference, one anchor per code)."""
    return f"{PROJECT_URL}/blob/main/docs/rules.md#{code.lower()}"


def relative_path(path: str, root: Path | None) -> str | None:
    """``path`` relative to ``root`` with ``/`` separators, or ``None`` when it lies outside
    (or is standard input)."""
    if path == "-":
        return None
    from checker.config import relative_to

    return relative_to(path, root if root is not None else os.getcwd())


def display_path(path: str, root: Path | None) -> str:
    """The path CI tools expect: relative to the root when inside it, else as given."""
    rel = relative_path(path, root)
    return rel if rel is not None else path


def jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars unwrapped, tuples as lists, NaN and infinities as
    strings (strict JSON has no NaN), anything else as its string."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "item"):  # numpy scalar
        try:
            return jsonable(value.item())
        except (TypeError, ValueError):
            return str(value)
    return str(value)
