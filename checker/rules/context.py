"""What text and data rules receive: the input name, the reader's evidence and the config."""

from __future__ import annotations

from dataclasses import dataclass

from checker.config import Config
from checker.readers.base import TextEvidence


@dataclass
class TextContext:
    """Context for MT3xx (``applies_to="text"``) and MD4xx (``applies_to="data"``) rules.

    ``kind`` is the input kind (``"document"`` or ``"data"``); rules read ``evidence.segments``
    (text rules) or ``evidence.records``/``evidence.enumerations`` (data rules) and yield
    :class:`~checker.model.RawFinding` objects whose :class:`~checker.model.Location` carries the
    page/line/column or row/key path of the match.
    """

    path: str
    kind: str
    evidence: TextEvidence
    config: Config
