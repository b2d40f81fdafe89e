"""The published rules reference (docs/rules.md) is generated from the rule registry."""

from __future__ import annotations

import re
from pathlib import Path

from checker.reporters._common import rule_url
from checker.rules.catalogue import explain_text, rules_markdown
from checker.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "rules.md"


def test_docs_rules_md_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `python -m checker.rules.catalogue > docs/rules.md`"
    )


def test_every_rule_has_the_anchor_reports_link_to() -> None:
    text = rules_markdown()
    anchors = set(re.findall(r'<a id="([a-z0-9]+)"></a>', text))
    for code in all_rules():
        assert rule_url(code).endswith("docs/rules.md#" + code.lower())
        assert code.lower() in anchors, code
    assert len(anchors) == len(all_rules())


def test_explain_text_names_both_profiles_and_the_policy() -> None:
    text = explain_text(all_rules()["MG101"])
    assert text.startswith("MG101 geometry.crimea-in-russia\n")
    assert "in profile un" in text and "in ua-strict" in text
    assert "68/262" in text
