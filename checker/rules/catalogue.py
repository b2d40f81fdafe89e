"""The rules reference, written from the registry: what ``mapcheck explain`` prints for one rule
and what ``docs/rules.md`` holds for all of them (``python -m checker.rules.catalogue``).

Rule documentation lives in one place, the rule's docstring; this module only lays it out, so
the published reference can never drift from the code (a test compares ``docs/rules.md`` with
:func:`rules_markdown`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from checker.rules.registry import Rule, all_rules

PROFILES = ("un", "ua-strict")

#: Section titles by code family, in the order the reference lists them.
FAMILIES = (
    ("MG", "Vector maps: geometry and attributes"),
    ("MI", "Map images and SVG"),
    ("MT", "Text in documents, captions and code"),
    ("MD", "Data: lists, records, codes"),
    ("ME", "Input problems"),
)


def severity_labels(rule: Rule) -> dict[str, str]:
    """The rule's severity in each policy profile (``"not reported"`` where it is off)."""
    from checker.profiles import severity_for

    labels = {}
    for profile in PROFILES:
        sev = severity_for(profile, rule.category, rule.code)
        labels[profile] = sev.label if sev is not None else "not reported"
    return labels


def explain_text(rule: Rule) -> str:
    """The plain-text explanation ``mapcheck explain CODE`` prints."""
    labels = severity_labels(rule)
    lines = [
        f"{rule.code} {rule.name}",
        f"Applies to: {rule.applies_to} inputs",
        f"Severity: {labels['un']} in profile un, {labels['ua-strict']} in ua-strict "
        f"({rule.category.value})",
    ]
    if rule.policy:
        lines.append(f"Policy: {rule.policy}")
    lines += ["", rule.doc]
    return "\n".join(lines)


def rules_markdown(rules: Iterable[Rule] | None = None) -> str:
    """The whole rules reference as Markdown, one anchored section per code (``#mg101``), the
    anchors the SARIF and reviewdog reports link to."""
    chosen = list(all_rules().values() if rules is None else rules)
    out = [
        "# mapcheck rules",
        "",
        "Generated from the rule registry by `python -m checker.rules.catalogue > docs/rules.md`;",
        "do not edit by hand. `mapcheck rules` lists the same rules and `mapcheck explain CODE`",
        "prints one of them. Codes are a public contract: they are never renumbered.",
        "",
        "Severities are given for the two policy profiles: `un` (UN General Assembly",
        "resolutions 68/262 and ES-11/4; the default) and `ua-strict` (the usage of Ukraine's",
        "Ministry of Foreign Affairs).",
        "",
    ]
    for prefix, title in FAMILIES:
        members = [r for r in chosen if r.code.startswith(prefix)]
        if not members:
            continue
        out += [f"## {title}", "", "| code | name | summary |", "| --- | --- | --- |"]
        out += [
            f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {_cell(r.summary)} |" for r in members
        ]
        out.append("")
        for rule in members:
            out += _section(rule)
    others = [r for r in chosen if not r.code.startswith(tuple(p for p, _ in FAMILIES))]
    if others:
        out += ["## Other rules", ""]
        for rule in others:
            out += _section(rule)
    return "\n".join(out).rstrip() + "\n"


def _section(rule: Rule) -> list[str]:
    labels = severity_labels(rule)
    lines = [
        f'<a id="{rule.code.lower()}"></a>',
        "",
        f"### {rule.code} `{rule.name}`",
        "",
        f"- Applies to: {rule.applies_to} inputs",
        f"- Category: {rule.category.value}",
        f"- Severity: {labels['un']} in `un`, {labels['ua-strict']} in `ua-strict`",
    ]
    if rule.policy:
        lines.append(f"- Policy: {rule.policy}")
    lines += ["", rule.doc.strip(), ""]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def main() -> None:
    sys.stdout.write(rules_markdown())


if __name__ == "__main__":
    main()
