"""Run configuration: profile, failure threshold and rule overrides.

Configuration files (``[mapcheck]`` in setup.cfg and friends) arrive with the CI-hook work; for
now the CLI builds a :class:`Config` from its options and library users build one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.model import Severity

PROFILES = ("un", "ua-strict")


@dataclass(frozen=True)
class Config:
    """Everything that changes what a check reports.

    ``profile`` maps each rule's category to a severity (see :mod:`checker.profiles`);
    ``disable`` turns rules off by code; ``severity`` overrides a rule's severity by code.
    """

    profile: str = "un"
    fail_on: Severity = Severity.ERROR
    fail_on_undetermined: bool = False
    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    use_cache: bool = True
    #: Write an evidence picture per image into this folder (``check --evidence DIR``).
    evidence_dir: Path | None = None
    #: Run OCR on images and scanned pages (``--no-ocr`` turns it off for speed).
    ocr: bool = True
    #: Inputs larger than this many bytes get an ME903 error verdict.
    max_bytes: int = 512 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            msg = f"unknown profile {self.profile!r} (expected one of: {', '.join(PROFILES)})"
            raise ValueError(msg)

    def key(self) -> str:
        """A stable string of everything that affects findings (for caches)."""
        sev = ",".join(f"{k}={v.label}" for k, v in sorted(self.severity.items()))
        return f"profile={self.profile};disable={','.join(sorted(self.disable))};severity={sev}"
