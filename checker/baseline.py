"""Baselines: record today's findings so that CI fails only on new ones.

A baseline is a JSON file of findings keyed by their line-free fingerprints
(:func:`checker.model.fingerprint`: rule code, path and what was found, never a line number), so
moving a sentence, re-wrapping a paragraph or reordering features keeps a finding matched.
Entries are sorted and the file holds no timestamps, so an unchanged tree gives a byte-identical
baseline and reviews show only real changes::

    {
      "about": "...",
      "format": 1,
      "findings": [
        {"code": "MG101", "path": "maps/world.json", "fingerprint": "...", "message": "..."}
      ]
    }

``code``, ``path`` and ``message`` are for people; matching uses ``fingerprint`` alone. The
fingerprint includes the file's path relative to the configuration's root (the folder of the
configuration file, else the working directory), so `maps/x.json`, `./maps/x.json` and an
absolute path match the same entries; a file outside the root is fingerprinted by the path as
given. Renaming or moving a file makes its findings new. Input errors (ME9xx) are never
baselined: a file that cannot be read is not known to be unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from checker.model import FileReport, Finding, Verdict, verdict_for

FORMAT = 1
ABOUT = (
    "mapcheck baseline: findings recorded here are not reported by `mapcheck check --baseline "
    "FILE`. Matching uses the fingerprint; code, path and message are for people. Refresh with "
    "`mapcheck baseline update FILE PATH...`."
)
#: Refuse baseline files larger than this (a baseline is a few hundred bytes per finding).
MAX_BYTES = 64 * 1024 * 1024


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not a mapcheck baseline."""


@dataclass(frozen=True)
class Entry:
    code: str
    path: str
    fingerprint: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "path": self.path,
            "fingerprint": self.fingerprint,
            "message": self.message,
        }


@dataclass(frozen=True)
class Baseline:
    entries: tuple[Entry, ...] = ()

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)

    def __contains__(self, finding: object) -> bool:
        return isinstance(finding, Finding) and finding.fingerprint in self.fingerprints

    def to_json(self) -> str:
        doc = {
            "about": ABOUT,
            "format": FORMAT,
            "findings": [e.to_dict() for e in self.entries],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def baselinable(finding: Finding) -> bool:
    """Input errors (ME9xx) are never baselined."""
    return not finding.code.startswith("ME")


def from_reports(reports: Iterable[FileReport]) -> Baseline:
    """A baseline of every finding in ``reports`` (sorted, duplicates merged)."""
    entries: dict[str, Entry] = {}
    for report in reports:
        if report.verdict is Verdict.ERROR:
            continue
        for f in report.findings:
            if baselinable(f):
                entries.setdefault(
                    f.fingerprint, Entry(f.code, report.path, f.fingerprint, f.message)
                )
    ordered = sorted(entries.values(), key=lambda e: (e.path, e.code, e.fingerprint))
    return Baseline(tuple(ordered))


def load(path: Path) -> Baseline:
    """Read a baseline file; :class:`BaselineError` says what is wrong with it."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BaselineError(f"{path}: {size:,} bytes is too large for a baseline")
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: no such baseline (create it with `mapcheck baseline create {path} PATH...`)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read it: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{path}: not a mapcheck baseline (no 'findings' list)")
    if doc.get("format") != FORMAT:
        raise BaselineError(
            f"{path}: baseline format {doc.get('format')!r} is not supported (expected {FORMAT})"
        )
    entries: list[Entry] = []
    for i, item in enumerate(doc["findings"]):
        entries.append(_entry(item, f"{path}: findings[{i}]"))
    return Baseline(tuple(entries))


def _entry(item: Any, where: str) -> Entry:
    if not isinstance(item, dict):
        raise BaselineError(f"{where}: expected an object")
    values = {}
    for key in ("code", "path", "fingerprint", "message"):
        value = item.get(key, "")
        if not isinstance(value, str):
            raise BaselineError(f"{where}: {key} must be a string")
        values[key] = value
    if not values["fingerprint"]:
        raise BaselineError(f"{where}: has no fingerprint")
    return Entry(**values)


def save(baseline: Baseline, path: Path) -> None:
    """Write the baseline atomically."""
    from checker.io import atomic_write_text

    atomic_write_text(path, baseline.to_json())


def filter_report(report: FileReport, baseline: Baseline) -> tuple[FileReport, int]:
    """``report`` without the findings the baseline holds, its verdict recomputed, and how many
    were left out. Error verdicts are kept as they are."""
    if report.verdict is Verdict.ERROR or not report.findings:
        return report, 0
    known = baseline.fingerprints
    kept = tuple(f for f in report.findings if f.fingerprint not in known)
    dropped = len(report.findings) - len(kept)
    if not dropped:
        return report, 0
    verdict = verdict_for(kept, report.verdict is Verdict.UNDETERMINED)
    note = f"{dropped} finding{'s' if dropped != 1 else ''} matched the baseline"
    return replace(report, findings=kept, verdict=verdict, notes=(*report.notes, note)), dropped


def diff(old: Baseline, new: Baseline) -> tuple[int, int, int]:
    """(added, removed, kept) between two baselines."""
    a, b = old.fingerprints, new.fingerprints
    return len(b - a), len(a - b), len(a & b)
