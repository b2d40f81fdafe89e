"""Inline suppression comments in text formats (documents, data files, source code).

A directive is the word ``mapcheck:`` followed by an action, inside any comment syntax (``#``,
``//``, ``/* */``, ``<!-- -->``, ``--``, ``;``) or in plain text, in any letter case::

    mapcheck: disable=MT301,MD404     the codes on this line; on a line of its own, on the next
                                      line too (or, with a matching ``enable`` later, a block)
    mapcheck: disable                 every code, likewise
    mapcheck: disable-line=MT301      this line only
    mapcheck: disable-next-line=MT301 the next line only
    mapcheck: enable=MT301            ends a block opened by ``disable=MT301`` (``enable`` alone
                                      ends every block; it does not end single codes' blocks
                                      opened by ``disable`` alone)
    mapcheck: disable-file=MD404      the whole file

Codes may be given as rule codes (``MT301``) or dotted names (``text.crimea-russia``). Every
code family is covered (MT, MD, MG, ME …), but only findings that carry a line can be matched to
a line; ``disable-file`` matches every finding of its codes. A directive written as an example —
right after a backtick or a quote, as in Markdown ```mapcheck: disable=MT301``` — is not a
directive.

A directive that suppresses nothing (or names no known rule) is reported as MT399
``text.unused-suppression`` at its own line; MT399 itself is suppressed only by directives that
name it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from checker.model import Location, RawFinding
from checker.readers.base import TextEvidence

UNUSED_CODE = "MT399"

#: ``mapcheck: <action>[=<codes>]``; not right after a backtick, quote or word character.
DIRECTIVE = re.compile(
    r"(?<![`'\"\w])mapcheck\s*:\s*"
    r"(?P<action>disable-next-line|disable-line|disable-file|disable|enable)(?![\w-])"
    r"(?:\s*=\s*(?P<codes>[A-Za-z0-9_.\-]+(?:\s*,\s*[A-Za-z0-9_.\-]+)*))?",
    re.IGNORECASE,
)
#: The directive's first word; a character-class prefix lets the regex engine skip ahead fast.
_WORD = re.compile(r"[Mm][Aa][Pp][Cc][Hh][Ee][Cc][Kk]")
#: What may stand around a directive on a line of its own: comment markers and spaces.
_COMMENT_CHARS = " \t#/*-;<>!%'\"{}()[]"

Pos = tuple[int, int]  # (page or 0, line)


@dataclass
class Directive:
    """One ``mapcheck:`` comment found in the input."""

    action: str
    codes: frozenset[str] | None  # None: every code
    page: int | None
    line: int
    column: int
    standalone: bool
    text: str
    unknown: tuple[str, ...] = ()
    used: set[str] = field(default_factory=set)

    @property
    def pos(self) -> Pos:
        return (self.page or 0, self.line)

    def names(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def find_directives(evidence: TextEvidence) -> list[Directive]:
    """Every directive in the input, in document order: from the raw source lines when the
    reader kept them, else from the text segments."""
    out: list[Directive] = []
    if evidence.source_lines:
        text = "\n".join(evidence.source_lines)
        line, last_nl, pos = 1, -1, 0
        for m in _directives_in(text):
            newlines = text.count("\n", pos, m.start())
            if newlines:
                line += newlines
                last_nl = text.rfind("\n", pos, m.start())
            pos = m.start()
            end = text.find("\n", m.end())
            line_text = text[last_nl + 1 : end if end >= 0 else len(text)]
            out.append(
                _directive(m, None, line, m.start() - last_nl, line_text, m.start() - last_nl - 1)
            )
        return out
    if not evidence.segments:
        return out
    from checker.rules.data import joined

    j = joined(evidence)
    for m in _directives_in(j.text):
        seg, off = j.locate(m.start())
        if off + (m.end() - m.start()) > len(seg.text):
            continue  # a match across two segments is no directive
        line, column = seg.position(off)
        start = seg.text.rfind("\n", 0, off) + 1
        end = seg.text.find("\n", off)
        line_text = seg.text[start : end if end >= 0 else len(seg.text)]
        out.append(_directive(m, seg.page, line, column, line_text, off - start))
    return out


def _directives_in(text: str) -> Iterator[re.Match[str]]:
    """Directive matches, found by a cheap scan for the word before the full pattern runs."""
    for word in _WORD.finditer(text):
        m = DIRECTIVE.match(text, word.start())
        if m is not None:
            yield m


def _directive(
    m: re.Match[str], page: int | None, line: int, column: int, line_text: str, at: int
) -> Directive:
    action = m.group("action").lower()
    raw_codes = m.group("codes")
    codes: frozenset[str] | None = None
    unknown: tuple[str, ...] = ()
    if raw_codes:
        wanted = [c.strip().strip("-.") for c in raw_codes.split(",")]
        resolved, unknown = _resolve([c for c in wanted if c])
        codes = frozenset(resolved)
    rest = line_text[:at] + line_text[at + (m.end() - m.start()) :]
    standalone = not rest.strip(_COMMENT_CHARS)
    return Directive(action, codes, page, line, column, standalone, m.group(0), unknown)


def _resolve(names: Iterable[str]) -> tuple[list[str], tuple[str, ...]]:
    """Rule codes for codes or dotted names; the ones no rule has."""
    from checker.rules.registry import all_rules

    rules = all_rules()
    by_name = {r.name.casefold(): code for code, r in rules.items()}
    codes: list[str] = []
    unknown: list[str] = []
    for name in names:
        if name.upper() in rules:
            codes.append(name.upper())
        elif name.casefold() in by_name:
            codes.append(by_name[name.casefold()])
        else:
            unknown.append(name)
            codes.append(name.upper())  # still honoured: a rule may come from a newer version
    return codes, tuple(unknown)


@dataclass
class _Cover:
    """What one directive covers: lines, an interval, or the whole file."""

    directive: Directive
    code: str  # a code, or "*" for every code
    lines: frozenset[Pos] = frozenset()
    start: Pos | None = None
    end: Pos | None = None
    whole_file: bool = False

    def covers(self, code: str, pos: Pos | None) -> bool:
        if self.code not in ("*", code):
            return False
        if self.code == "*" and code == UNUSED_CODE:
            return False  # "disable" alone never hides its own staleness
        if self.whole_file:
            return True
        if pos is None:
            return False
        if self.start is not None and self.end is not None:
            return self.start <= pos <= self.end
        return pos in self.lines


def _covers(directives: list[Directive]) -> list[_Cover]:
    out: list[_Cover] = []
    for i, d in enumerate(directives):
        if d.action == "enable":
            continue
        codes = sorted(d.codes) if d.codes is not None else ["*"]
        page = d.page or 0
        for code in codes:
            if d.action == "disable-file":
                out.append(_Cover(d, code, whole_file=True))
            elif d.action == "disable-line":
                out.append(_Cover(d, code, lines=frozenset({d.pos})))
            elif d.action == "disable-next-line":
                out.append(_Cover(d, code, lines=frozenset({(page, d.line + 1)})))
            elif not d.standalone:
                out.append(_Cover(d, code, lines=frozenset({d.pos})))
            else:
                end = _block_end(directives, i, code)
                if end is not None:
                    out.append(_Cover(d, code, start=d.pos, end=end.pos))
                else:
                    out.append(_Cover(d, code, lines=frozenset({d.pos, (page, d.line + 1)})))
    return out


def _block_end(directives: list[Directive], i: int, code: str) -> Directive | None:
    """The ``enable`` that closes a block opened by directive ``i`` for ``code``."""
    for later in directives[i + 1 :]:
        if later.action != "enable":
            continue
        if code == "*" and later.codes is None:
            return later
        if code != "*" and (later.codes is None or code in later.codes):
            return later
    return None


def apply(evidence: TextEvidence, raw: list[RawFinding], path: str) -> list[RawFinding]:
    """Drop findings that a directive covers; add MT399 for directives that covered none."""
    directives = find_directives(evidence)
    if not directives:
        return raw
    covers = _covers(directives)
    kept: list[RawFinding] = []
    for finding in raw:
        if not _suppressed(finding, covers):
            kept.append(finding)
    unused = _unused(directives, path)
    kept.extend(f for f in unused if not _suppressed(f, covers))
    return kept


def _suppressed(finding: RawFinding, covers: list[_Cover]) -> bool:
    loc = finding.location
    pos = (loc.page or 0, loc.line) if loc.line is not None else None
    hit = False
    for cover in covers:
        if cover.covers(finding.code, pos):
            cover.directive.used.add(cover.code)
            hit = True
    return hit


def _unused(directives: list[Directive], path: str) -> list[RawFinding]:
    out: list[RawFinding] = []
    seen: dict[str, int] = {}
    for d in directives:
        if d.action == "enable":
            continue
        if d.codes is None:
            idle = [] if d.used else ["every code"]
        else:
            idle = sorted(c for c in d.codes if c not in d.used and c != UNUSED_CODE)
        unknown = list(d.unknown)  # no rule reports them, so they are always idle
        if not idle:
            continue
        key = f"{d.action}|{','.join(sorted(d.codes or ()))}"
        seen[key] = seen.get(key, 0) + 1
        why = (
            f"names no known rule ({', '.join(unknown)})"
            if unknown
            else f"suppresses nothing ({', '.join(idle)} reported nothing where it applies)"
        )
        out.append(
            RawFinding(
                code=UNUSED_CODE,
                message=f"Suppression comment {d.text.strip()!r} {why}.",
                location=Location(path=path, page=d.page, line=d.line, column=d.column),
                confidence=1.0,
                evidence={"directive": d.text.strip(), "unused": idle, "unknown": unknown},
                suggestion="Remove the comment, or correct the rule code it names.",
                identity=f"unused|{key}|{seen[key]}",
            )
        )
    return out


__all__ = ["DIRECTIVE", "UNUSED_CODE", "Directive", "apply", "find_directives"]
