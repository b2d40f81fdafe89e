"""The data that flows between stages: locations, findings and file reports.

Findings are frozen so that reporters, baselines and caches can share them safely. A finding's
severity is *not* chosen by the rule that raised it: rules yield :class:`RawFinding` objects that
carry the rule's *category*, and the engine stamps code, name and severity from the active policy
profile (see :mod:`checker.profiles`).
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Severity of a finding; ordered so that ``ERROR > WARNING > INFO``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            msg = f"unknown severity {text!r} (expected error, warning or info)"
            raise ValueError(msg) from None


class Category(enum.Enum):
    """What a rule's observation means for sovereignty; profiles map categories to severities.

    ``CONCEDES``: shows the area as Russian (error in every profile). ``DISPUTES``: neutralises
    the status ("disputed", unattributed Crimea). ``STYLE``: wording or data hygiene only.
    ``INPUT``: a problem with the input itself (ME9xx). ``REPORTAGE``: conceding wording that is
    quoted or attributed (information in every profile). ``HYGIENE``: problems with mapcheck's
    own directives, such as an unused suppression comment (a warning in every profile).
    """

    CONCEDES = "concedes"
    DISPUTES = "disputes"
    STYLE = "style"
    INPUT = "input"
    REPORTAGE = "reportage"
    HYGIENE = "hygiene"


class Verdict(enum.Enum):
    """Verdict for one file (DESIGN §3)."""

    FLAG = "flag"
    WARN = "warn"
    CLEAN = "clean"
    UNDETERMINED = "undetermined"
    ERROR = "error"


POLICY_CRIMEA = (
    "UN General Assembly resolution 68/262 (2014) affirms Ukraine's territorial integrity within "
    "its internationally recognized borders and calls on all states not to recognize any change "
    "to the status of Crimea and Sevastopol"
)
POLICY_OBLASTS = (
    "UN General Assembly resolution ES-11/4 (2022) declares the purported annexation of Donetsk, "
    "Luhansk, Zaporizhzhia and Kherson oblasts invalid and calls on all states not to recognize it"
)
POLICY_BOTH = f"{POLICY_CRIMEA}; {POLICY_OBLASTS}"
POLICY_NAMES = (
    "Ukraine's national system for romanising its place names (Cabinet of Ministers resolution "
    "No. 55 of 27 January 2010), which the Tenth UN Conference on the Standardization of "
    "Geographical Names recommended in 2012, spells them from Ukrainian: Kyiv, Kharkiv, Odesa"
)
_CRIMEA_REGIONS = frozenset({"UA-43", "UA-40"})
_OCCUPIED_OBLASTS = frozenset({"UA-14", "UA-09", "UA-23", "UA-65"})


def policy_for_regions(regions: Iterable[str], default: str) -> str:
    """The resolution behind a finding about these ISO 3166-2 regions: 68/262 for Crimea and
    Sevastopol, ES-11/4 for the four oblasts, both for both; ``default`` for none of them."""
    found = set(regions)
    crimea = bool(found & _CRIMEA_REGIONS)
    oblasts = bool(found & _OCCUPIED_OBLASTS)
    if crimea and oblasts:
        return POLICY_BOTH
    if crimea:
        return POLICY_CRIMEA
    if oblasts:
        return POLICY_OBLASTS
    return default


@dataclass(frozen=True)
class Location:
    """Where in a file a finding sits. Only the fields that apply to the input kind are set.

    Vector data: ``layer``, ``feature_index``, ``feature_id``, ``properties`` (a few key ones).
    Text: ``page``, ``line``, ``column``. Data: ``row``, ``key_path``. Images: ``pixel_box``.
    ``lonlat`` is a representative point when known.
    """

    path: str
    layer: str | None = None
    feature_index: int | None = None
    feature_id: str | None = None
    properties: Mapping[str, Any] | None = None
    page: int | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None
    key_path: str | None = None
    pixel_box: tuple[int, int, int, int] | None = None
    lonlat: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        for key in (
            "layer",
            "feature_index",
            "feature_id",
            "page",
            "line",
            "column",
            "row",
            "key_path",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.properties:
            out["properties"] = dict(self.properties)
        if self.pixel_box is not None:
            out["pixel_box"] = list(self.pixel_box)
        if self.lonlat is not None:
            out["lonlat"] = [round(self.lonlat[0], 5), round(self.lonlat[1], 5)]
        return out

    def short(self) -> str:
        """A compact human description, e.g. ``layer countries, feature #117 (id 643)``."""
        parts: list[str] = []
        if self.layer:
            parts.append(f"layer {self.layer}")
        if self.feature_index is not None:
            feat = f"feature #{self.feature_index}"
            if self.feature_id is not None:
                feat += f" (id {self.feature_id})"
            parts.append(feat)
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}" + (f":{self.column}" if self.column else ""))
        if self.row is not None and not (self.key_path or "").startswith(f"row {self.row} "):
            parts.append(f"row {self.row}")
        if self.key_path:
            parts.append(self.key_path)
        if self.pixel_box is not None:
            parts.append("pixels " + ",".join(str(v) for v in self.pixel_box))
        return ", ".join(parts)


@dataclass(frozen=True)
class RawFinding:
    """What a rule saw, before the engine applies the profile."""

    code: str
    message: str
    location: Location
    confidence: float
    evidence: Mapping[str, Any] = field(default_factory=dict)
    suggestion: str = ""
    #: Stable, line-free identity of the thing found (e.g. ``feature:643|region:UA-43``).
    identity: str = ""
    #: The policy source when it is not the rule's own (a text rule's match about an occupied
    #: oblast cites ES-11/4, not 68/262): see :func:`policy_for_regions`.
    policy: str = ""


@dataclass(frozen=True)
class Finding:
    """One problem found in one file, ready to report."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    confidence: float
    evidence: Mapping[str, Any]
    suggestion: str
    policy: str
    fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.label,
            "message": self.message,
            "location": self.location.to_dict(),
            "confidence": round(self.confidence, 3),
            "evidence": _jsonable(self.evidence),
            "suggestion": self.suggestion,
            "policy": self.policy,
            "fingerprint": self.fingerprint,
        }


def fingerprint(code: str, path: str, identity: str) -> str:
    """A line-number-free fingerprint: survives re-wrapping, moving text and reordering features."""
    # surrogateescape: a path with undecodable bytes (os.fsdecode) still has a fingerprint;
    # surrogatepass: so has text with other lone surrogates (a decoded "\ud800" escape).
    text = f"{code}\x1f{path}\x1f{identity}"
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass(frozen=True)
class FileReport:
    """The result for one input: its verdict, findings, and any error or undetermined reason."""

    path: str
    kind: str
    verdict: Verdict
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    #: Why the verdict is undetermined (or notes on how the file was judged), if any.
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in self.findings],
            "error": self.error,
            "notes": list(self.notes),
        }

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


def verdict_for(findings: tuple[Finding, ...], undetermined: bool) -> Verdict:
    """Derive a file verdict from its findings (DESIGN §3)."""
    worst = max((f.severity for f in findings), default=None)
    if worst is Severity.ERROR:
        return Verdict.FLAG
    if worst is Severity.WARNING:
        return Verdict.WARN
    if undetermined:
        return Verdict.UNDETERMINED
    return Verdict.CLEAN


def _jsonable(value: Any) -> Any:
    """Evidence may hold numpy scalars or tuples; make it plain JSON."""
    kind = type(value)  # the plain types first (see reporters._common.jsonable)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalar
        return _jsonable(value.item())
    return json.loads(json.dumps(value, default=str))
