"""Inline suppression: ``mapcheck: disable=…`` comments in text formats, as a table of cases.

Most cases feed :func:`checker.suppression.apply` raw findings at given lines (any code family:
MD, MG, ME, MT are all just codes); a few run the real data rules through the engine.
"""

from __future__ import annotations

import time

import pytest

from checker.config import Config
from checker.engine import check_text_evidence
from checker.model import Location, RawFinding, Severity
from checker.readers.base import TextEvidence, TextSegment
from checker.rules.registry import all_rules
from checker.suppression import apply, find_directives


def lines_evidence(text: str) -> TextEvidence:
    """A line-oriented text input: raw source lines plus a segment per line."""
    lines = text.split("\n")
    segs = [TextSegment(line, line=i + 1) for i, line in enumerate(lines) if line]
    return TextEvidence(format="text", segments=segs, source_lines=lines)


def raw(code: str, line: int | None, page: int | None = None) -> RawFinding:
    return RawFinding(
        code=code,
        message=f"{code} at {line}",
        location=Location(path="f", line=line, page=page),
        confidence=1.0,
        identity=f"{code}|{page}|{line}",
    )


def kept(text: str, findings: list[RawFinding]) -> tuple[list[tuple[str, int | None]], list[str]]:
    """(code, line) of the findings that survive, and the MT399 messages."""
    out = apply(lines_evidence(text), findings, "f")
    survivors = [(f.code, f.location.line) for f in out if f.code != "MT399"]
    unused = [f.message for f in out if f.code == "MT399"]
    return survivors, unused


# (id, text, findings as (code, line), surviving (code, line), number of MT399)
CASES: list[tuple[str, str, list[tuple[str, int]], list[tuple[str, int]], int]] = [
    (
        "trailing-same-line",
        "a\nphone +7 978 1234567  # mapcheck: disable=MD404\nc",
        [("MD404", 2)],
        [],
        0,
    ),
    ("line-before", "# mapcheck: disable=MD404\nphone\nc", [("MD404", 2)], [], 0),
    (
        "two-lines-before-is-not-enough",
        "# mapcheck: disable=MD404\n\nphone",
        [("MD404", 3)],
        [("MD404", 3)],
        1,
    ),
    (
        "trailing-does-not-cover-next-line",
        "x  # mapcheck: disable=MD404\nphone",
        [("MD404", 2)],
        [("MD404", 2)],
        1,
    ),
    (
        "other-code-not-suppressed",
        "# mapcheck: disable=MD403\nphone",
        [("MD404", 2)],
        [("MD404", 2)],
        1,
    ),
    (
        "disable-next-line",
        "// mapcheck: disable-next-line=MD404\nphone\nphone",
        [("MD404", 2), ("MD404", 3)],
        [("MD404", 3)],
        0,
    ),
    (
        "disable-next-line-not-own-line",
        "phone // mapcheck: disable-next-line=MD404\nok",
        [("MD404", 1)],
        [("MD404", 1)],
        1,
    ),
    ("disable-line", "phone /* mapcheck: disable-line=MD404 */", [("MD404", 1)], [], 0),
    (
        "block",
        "a\n<!-- mapcheck: disable=MD401 -->\nx\ny\nz\n<!-- mapcheck: enable=MD401 -->\nw",
        [("MD401", 3), ("MD401", 5), ("MD401", 7), ("MD402", 4)],
        [("MD401", 7), ("MD402", 4)],
        0,
    ),
    (
        "block-all-codes",
        "-- mapcheck: disable\nx\ny\nz\n-- mapcheck: enable\nw",
        [("MD401", 2), ("MG101", 4), ("MD404", 6)],
        [("MD404", 6)],
        0,
    ),
    (
        "enable-all-closes-code-block",
        "; mapcheck: disable=MD404\nx\ny\n; mapcheck: enable\nz",
        [("MD404", 3), ("MD404", 5)],
        [("MD404", 5)],
        0,
    ),
    (
        "unclosed-disable-is-line-plus-next",
        "# mapcheck: disable=MD404\nx\ny",
        [("MD404", 2), ("MD404", 3)],
        [("MD404", 3)],
        0,
    ),
    (
        "disable-file",
        "a\nb\nc\n# mapcheck: disable-file=MD404\nd",
        [("MD404", 1), ("MD404", 5), ("MD403", 2)],
        [("MD403", 2)],
        0,
    ),
    (
        "comma-separated-codes",
        "# mapcheck: disable=MD403, MD404\nx",
        [("MD403", 2), ("MD404", 2)],
        [],
        0,
    ),
    (
        "partly-used",
        "# mapcheck: disable=MD403,MD404\nx",
        [("MD404", 2)],
        [],
        1,
    ),
    ("case-insensitive", "# MAPCHECK: Disable=md404\nx", [("MD404", 2)], [], 0),
    (
        "dotted-name",
        "# mapcheck: disable=data.russian-phone-prefix-crimea\nx",
        [("MD404", 2)],
        [],
        0,
    ),
    ("plain-text", "mapcheck: disable=MD401\nRegions: Adygea, …, Crimea", [("MD401", 2)], [], 0),
    ("every-family-mg", "# mapcheck: disable=MG101\nx", [("MG101", 2)], [], 0),
    ("every-family-me", "# mapcheck: disable=ME905\nx", [("ME905", 2)], [], 0),
    ("unknown-code", "# mapcheck: disable=MD499\nx", [("MD404", 2)], [("MD404", 2)], 1),
    (
        "example-in-backticks-is-no-directive",
        "Write `mapcheck: disable=MD404` above the line.\nphone",
        [("MD404", 2)],
        [("MD404", 2)],
        0,
    ),
    ("no-directives", "plain\ntext", [("MD404", 1)], [("MD404", 1)], 0),
]


@pytest.mark.parametrize(
    ("text", "findings", "survive", "unused"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_suppression_cases(
    text: str,
    findings: list[tuple[str, int]],
    survive: list[tuple[str, int]],
    unused: int,
) -> None:
    survivors, messages = kept(text, [raw(code, line) for code, line in findings])
    assert survivors == survive
    assert len(messages) == unused, messages


def test_unused_directive_is_reported_at_its_line() -> None:
    text = "a\nb\n  # mapcheck: disable=MD404,MD403\nc\n"
    out = apply(lines_evidence(text), [raw("MD404", 4)], "doc.txt")
    unused = [f for f in out if f.code == "MT399"]
    assert len(unused) == 1
    loc = unused[0].location
    assert (loc.path, loc.line, loc.column) == ("doc.txt", 3, 5)
    assert unused[0].evidence["unused"] == ["MD403"]
    assert "MD403" in unused[0].message


def test_unknown_code_message() -> None:
    out = apply(lines_evidence("# mapcheck: disable=MT3O1\nx"), [], "f")
    assert len(out) == 1 and "names no known rule (MT3O1)" in out[0].message


def test_findings_without_a_line_only_match_file_directives() -> None:
    evidence = lines_evidence("# mapcheck: disable=MG101\nx\n# mapcheck: disable-file=ME905")
    out = apply(evidence, [raw("MG101", None), raw("ME905", None)], "f")
    assert [(f.code, f.location.line) for f in out] == [("MG101", None), ("MT399", 1)]


def test_unused_warning_can_be_silenced_only_by_name() -> None:
    text = "# mapcheck: disable=MD404\nx\ny\n# mapcheck: disable-file=MT399"
    assert kept(text, []) == ([], [])
    # "disable" alone never hides its own staleness
    assert len(kept("# mapcheck: disable\nx", [])[1]) == 1


def test_pages_must_match() -> None:
    """Segments only (a PDF): directives are matched by page and line."""
    evidence = TextEvidence(
        format="pdf",
        segments=[
            TextSegment("intro\nmapcheck: disable-next-line=MD404", line=4, page=2),
            TextSegment("+7 978 123 45 67", line=6, page=2),
            TextSegment("+7 978 765 43 21", line=6, page=3),
        ],
    )
    out = apply(evidence, [raw("MD404", 6, page=2), raw("MD404", 6, page=3)], "f")
    assert [(f.code, f.location.page) for f in out] == [("MD404", 3)]
    directives = find_directives(evidence)
    assert [(d.page, d.line, d.column) for d in directives] == [(2, 5, 1)]


def test_directive_across_segments_is_ignored() -> None:
    evidence = TextEvidence(
        format="html",
        segments=[TextSegment("mapcheck:", line=1), TextSegment(" disable=MD404", line=1)],
    )
    assert find_directives(evidence) == []


def test_mt399_is_a_warning_in_every_profile() -> None:
    rule = all_rules()["MT399"]
    evidence = lines_evidence("# mapcheck: disable=MD404\nnothing here")
    for profile in ("un", "ua-strict"):
        report = check_text_evidence("f.txt", "document", evidence, Config(profile=profile))
        found = [f for f in report.findings if f.code == "MT399"]
        assert [f.severity for f in found] == [Severity.WARNING]
        assert found[0].name == rule.name == "text.unused-suppression"
        assert report.verdict.value == "warn"


def test_engine_applies_suppression_to_data_rules() -> None:
    text = (
        "Контакты отеля в Ялте\n"
        "+7 (978) 123-45-67  # mapcheck: disable=MD404\n"
        "+7 (978) 765-43-21\n"
        "<!-- mapcheck: disable-next-line=MD407 -->\n"
        "SIP,URFF\n"
    )
    report = check_text_evidence("f.txt", "data", lines_evidence(text), Config())
    found = [(f.code, f.location.line) for f in report.findings if f.code.startswith("M")]
    assert ("MD404", 3) in found
    assert ("MD404", 2) not in found
    assert not any(code in ("MD407", "MT399") for code, _ in found)


def test_no_directive_is_fast() -> None:
    """Without directives the findings pass through; the scan is a single fast regex pass."""
    lines = [f"row {i},Москва,+7 495 123 45 67" for i in range(100_000)]
    evidence = TextEvidence(format="csv", segments=[], source_lines=lines)
    findings = [raw("MD404", 5)]
    start = time.perf_counter()
    out = apply(evidence, findings, "f")
    elapsed = time.perf_counter() - start
    assert out is findings
    assert elapsed < 2.0  # ~3.5 MB; well under 0.1 s on an idle machine


def test_repeated_wording_is_capped_after_suppression() -> None:
    """Only MAX_PER_WORDING findings of one wording are listed per file; a directive on an
    occurrence past them is still used (no MT399), and what it silences is not counted."""
    from checker.rules.text import MAX_PER_WORDING

    lines = ["Tours to Yalta, Russia."] * 30
    lines[25] = "Tours to Yalta, Russia.  # mapcheck: disable=MT301"
    evidence = lines_evidence("\n".join(lines) + "\n")
    report = check_text_evidence("tours.txt", "document", evidence, Config())
    found = [f for f in report.findings if f.code == "MT301"]
    assert len(found) == MAX_PER_WORDING
    assert [f.location.line for f in found] == list(range(1, MAX_PER_WORDING + 1))
    assert found[-1].evidence["not_listed"] == 29 - MAX_PER_WORDING  # the silenced one aside
    assert not [f for f in report.findings if f.code == "MT399"]
