"""SARIF 2.1.0 for code-scanning views (GitHub, GitLab, Azure DevOps, IDE viewers).

One run; ``tool.driver.rules`` lists every rule mapcheck knows (``ruleId`` is the stable code,
with short and full descriptions and help from the rule's docstring). Artifact URIs are relative
to ``%SRCROOT%`` (the working directory, or the root the reporter is given); files outside it get
absolute ``file:`` URIs. Each result carries ``partialFingerprints["mapcheck/v1"]`` (the finding's
line-free fingerprint), so code scanning tracks an alert across edits and rebases.

Where a finding is:

- text: ``region.startLine``/``startColumn``; a PDF page goes in ``region.properties.page``;
- vector data: a logical location for the feature (``layer/features[17]``, kind ``object``) with
  its id, index and key properties; the representative lon/lat in ``properties.lonlat``;
- data: logical locations for the key path (``property``) and row (``element``);
- images: ``region.properties.pixelBox`` and an attachment with a ``rectangle`` over the image
  (SARIF's own way to mark an image area); an evidence picture, when written, as an attachment.

Findings with no line get ``startLine`` 1 (GitHub needs a line to show an alert), with
``region.properties.lineKnown`` false. Files that could not be checked (``error`` verdict) are
reported twice, as the spec intends: their ME9xx findings are results (the input needs fixing),
and a ``toolExecutionNotification`` says the artifact was not analysed; ``undetermined`` files
get a note-level notification with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from checker import __version__
from checker.model import FileReport, Finding, Location, Severity, Verdict
from checker.reporters._common import (
    PROJECT_URL,
    dumps_indented,
    jsonable,
    relative_path,
    rule_url,
)
from checker.reporters.base import Reporter, Summary

if TYPE_CHECKING:
    from checker.config import Config
    from checker.rules.registry import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mapcheck/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifReporter(Reporter):
    def __init__(
        self,
        root: Path | None = None,
        config: Config | None = None,
        rules: Mapping[str, Rule] | None = None,
    ) -> None:
        """``rules`` replaces the registry's rule table (golden tests pin one)."""
        self.root = Path(os.path.abspath(root if root is not None else os.getcwd()))
        self.config = config
        self.rules = rules
        self._artifacts: list[dict[str, Any]] = []
        self._results: list[dict[str, Any]] = []
        self._notifications: list[dict[str, Any]] = []

    # --- per file --------------------------------------------------------------------------

    def report(self, out: TextIO, report: FileReport) -> None:
        index = len(self._artifacts)
        artifact: dict[str, Any] = {
            "location": self._artifact_location(report.path, index=None),
            "roles": ["analysisTarget"],
            "properties": {"kind": report.kind, "verdict": report.verdict.value},
        }
        if report.error:
            artifact["properties"]["error"] = report.error
        if report.notes:
            artifact["properties"]["notes"] = list(report.notes)
        self._artifacts.append(artifact)
        for finding in report.findings:
            self._results.append(self._result(finding, report.path, index))
        if report.verdict is Verdict.ERROR:
            self._notify(report, index, "error", f"{report.path} could not be checked: ")
        elif report.verdict is Verdict.UNDETERMINED:
            self._notify(report, index, "note", f"{report.path} is undetermined: ")

    def _notify(self, report: FileReport, index: int, level: str, prefix: str) -> None:
        detail = report.error or "; ".join(report.notes) or "no reason given"
        note: dict[str, Any] = {
            "level": level,
            "message": {"text": prefix + detail},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": self._artifact_location(report.path, index)
                    }
                }
            ],
        }
        if report.error:
            code = report.error.split(":", 1)[0].strip()
            note["associatedRule"] = {"id": code}
        self._notifications.append(note)

    def _artifact_location(self, path: str, index: int | None) -> dict[str, Any]:
        loc: dict[str, Any]
        rel = relative_path(path, self.root)
        if path == "-":
            loc = {"description": {"text": "standard input"}}
        elif rel is not None:
            loc = {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}
        else:
            loc = {"uri": Path(os.path.abspath(path)).as_uri()}
        if index is not None:
            loc["index"] = index
        return loc

    def _result(self, f: Finding, path: str, index: int) -> dict[str, Any]:
        loc = f.location
        physical: dict[str, Any] = {
            "artifactLocation": self._artifact_location(path, index),
            "region": _region(loc),
        }
        location: dict[str, Any] = {"physicalLocation": physical}
        logical = _logical_locations(loc)
        if logical:
            location["logicalLocations"] = logical
        text = f.message
        if f.suggestion:
            text += f" What to do: {f.suggestion}"
        result: dict[str, Any] = {
            "ruleId": f.code,
            "level": _LEVEL[f.severity],
            "kind": "fail",
            "message": {"text": text},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        }
        attachments = self._attachments(f, path)
        if attachments:
            result["attachments"] = attachments
        props: dict[str, Any] = {
            "name": f.name,
            "severity": f.severity.label,
            "confidence": round(f.confidence, 3),
        }
        if f.evidence:
            props["evidence"] = jsonable(f.to_dict()["evidence"])
        if f.suggestion:
            props["suggestion"] = f.suggestion
        if f.policy:
            props["policy"] = f.policy
        if loc.lonlat is not None:
            props["lonlat"] = [round(loc.lonlat[0], 5), round(loc.lonlat[1], 5)]
        result["properties"] = props
        return result

    def _attachments(self, f: Finding, path: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        box = f.location.pixel_box
        if box is not None and path != "-":
            left, top, right, bottom = (float(v) for v in box)
            out.append(
                {
                    "description": {"text": "the area of the image this finding is about"},
                    "artifactLocation": self._artifact_location(path, None),
                    "rectangles": [{"top": top, "left": left, "bottom": bottom, "right": right}],
                }
            )
        picture = f.evidence.get("evidence_picture") if f.evidence else None
        if isinstance(picture, str) and picture:
            out.append(
                {
                    "description": {"text": "evidence picture: fitted outlines and sampled areas"},
                    "artifactLocation": self._artifact_location(picture, None),
                }
            )
        return out

    # --- the log ---------------------------------------------------------------------------

    def end(self, out: TextIO, summary: Summary) -> None:
        from checker.rules.registry import all_rules

        rules = self.rules if self.rules is not None else all_rules()
        codes = sorted(rules)
        index = {code: i for i, code in enumerate(codes)}
        for result in self._results:
            if result["ruleId"] in index:
                result["ruleIndex"] = index[result["ruleId"]]
        for note in self._notifications:
            rule = note.get("associatedRule")
            if rule is not None and rule["id"] in index:
                rule["index"] = index[rule["id"]]
            elif rule is not None:
                del note["associatedRule"]
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "mapcheck",
                    "fullName": "mapcheck map-integrity checker",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": PROJECT_URL,
                    "rules": [self._descriptor(rules[c]) for c in codes],
                }
            },
            "invocations": [
                {"executionSuccessful": True, "toolExecutionNotifications": self._notifications}
            ],
            "originalUriBaseIds": {SRCROOT: {"uri": self.root.as_uri().rstrip("/") + "/"}},
            "artifacts": self._artifacts,
            "results": self._results,
            "columnKind": "unicodeCodePoints",
            "properties": {
                "profile": self.config.profile if self.config else "un",
                "summary": summary.to_dict(),
            },
        }
        doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        out.write(dumps_indented(doc) + "\n")

    def _descriptor(self, rule: Rule) -> dict[str, Any]:
        from checker.profiles import severity_for

        profile = self.config.profile if self.config else "un"
        severity: Severity | None = None
        if self.config is not None and rule.code in self.config.severity:
            severity = self.config.severity[rule.code]
        else:
            severity = severity_for(profile, rule.category, rule.code)
        enabled = severity is not None and not (
            self.config is not None and rule.code in self.config.disable
        )
        help_text = rule.doc
        help_md = rule.doc
        if rule.policy:
            help_text += f"\n\nWhy it matters: {rule.policy}."
            help_md += f"\n\n**Why it matters:** {rule.policy}."
        help_text += f"\n\n`mapcheck explain {rule.code}` prints this text."
        help_md += f"\n\n`mapcheck explain {rule.code}` prints this text."
        descriptor: dict[str, Any] = {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc or rule.summary},
            "help": {"text": help_text, "markdown": help_md},
            "helpUri": rule_url(rule.code),
            "defaultConfiguration": {
                "enabled": enabled,
                "level": _LEVEL[severity] if severity is not None else "none",
            },
            "properties": {
                "category": rule.category.value,
                "appliesTo": rule.applies_to,
                "tags": list(dict.fromkeys(["mapcheck", rule.category.value, rule.applies_to])),
                "precision": "high",
            },
        }
        if rule.policy:
            descriptor["properties"]["policy"] = rule.policy
        return descriptor


def _region(loc: Location) -> dict[str, Any]:
    region: dict[str, Any] = {}
    props: dict[str, Any] = {}
    if loc.line is not None and loc.line >= 1:
        region["startLine"] = loc.line
        if loc.column is not None and loc.column >= 1:
            region["startColumn"] = loc.column
    else:
        region["startLine"] = 1
        props["lineKnown"] = False
    if loc.page is not None:
        props["page"] = loc.page
    if loc.row is not None:
        props["row"] = loc.row
    if loc.key_path:
        props["keyPath"] = loc.key_path
    if loc.pixel_box is not None:
        props["pixelBox"] = [int(v) for v in loc.pixel_box]
    if props:
        region["properties"] = props
    return region


def _logical_locations(loc: Location) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if loc.feature_index is not None or loc.feature_id is not None:
        layer = loc.layer or "layer"
        index = loc.feature_index
        name = loc.feature_id if loc.feature_id is not None else f"#{index}"
        fqn = f"{layer}/features[{index}]" if index is not None else f"{layer}/{name}"
        props: dict[str, Any] = {"layer": layer}
        if index is not None:
            props["featureIndex"] = index
        if loc.feature_id is not None:
            props["featureId"] = loc.feature_id
        if loc.properties:
            props["featureProperties"] = jsonable(dict(loc.properties))
        out.append({"name": name, "fullyQualifiedName": fqn, "kind": "object", "properties": props})
    elif loc.layer:
        out.append({"name": loc.layer, "fullyQualifiedName": loc.layer, "kind": "module"})
    if loc.key_path:
        out.append({"name": loc.key_path, "fullyQualifiedName": loc.key_path, "kind": "property"})
    if loc.row is not None:
        out.append({"name": f"row {loc.row}", "kind": "element"})
    return out
