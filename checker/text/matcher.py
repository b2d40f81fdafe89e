"""Finding the lexicon's phrases in a document's text segments, with exact locations.

The work per document:

1. Join the segments with ``\\n`` into one text (C-level ``str.join``), remembering where each
   segment starts.
2. Pre-scan that text once for trigger stems (:mod:`checker.text.prescan`).
3. Around each cluster of hits take a window (±300 characters), mark the boundaries between
   segments that do not continue each other (another page, part or cell; a line gap) so that no
   phrase is matched across them, undo soft hyphens, zero-width characters, combining marks and
   (in a second reading) line-end hyphenation, and fold it (:func:`~checker.text.normalize.fold`).
4. Run the patterns of the rules whose stems were hit, in the scripts the window contains.
5. Judge each match with the guards (:mod:`checker.text.guards`) and map it back to its
   segment's page, line and column.

Consecutive segments of the same page and part on adjacent lines are read as one text, so a
phrase wrapped over two lines ("Republic of" / "Crimea") is still found.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from checker.readers.base import TextSegment
from checker.text.guards import (
    CLAUSE_JOINTS,
    HISTORY_BEFORE,
    NEAR_CHARS,
    SQL_STATEMENT,
    VETO_CHARS,
    Sentences,
    attributed,
    clause_boundary,
    in_country_list,
    in_quotes,
    years_before,
)
from checker.text.lexicon import Lexicon, Phrase, StemFinder
from checker.text.normalize import fold
from checker.text.prescan import Hit, Prescan

#: Characters of text read on each side of a hit.
MARGIN = 300
#: How far back an opening quotation mark is looked for.
QUOTE_REACH = 2000
#: No phrase match is longer (bounds the blanking of other matches in a sentence).
_LONGEST_PHRASE = 400
#: Rules whose wording is a matter of style: quoted or distanced uses are not reported at all.
STYLE_CODES = frozenset({"MT307", "MT308", "MT309"})
#: The rule that reports distanced (quoted or attributed) conceding wording.
REPORTAGE = "MT390"
DATELINE = "MT309"


#: A match written as an identifier: lower-case words joined by hyphens or underscores.
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")
#: Characters that, right before or after such a slug, make it part of a name in code, a URL, a
#: path or a rule id (``geometry.crimea-in-russia``, ``/news/simferopol-russia``).
_ID_BEFORE = frozenset("._/#:=`@")
_ID_AFTER = frozenset("._/-`")
#: What closes a fragment identifier after ``#name``.
_FRAGMENT_AFTER = frozenset("})\"'")


def _identifier(text: str, start: int, end: int) -> bool:
    """Whether the document's text at ``start:end`` is part of an identifier, not prose: an
    id, slug, path or URL never asserts sovereignty (it names a thing), and flagging it would
    make documentation about such names unusable. A fragment (``{#kiev}``, ``](#kiev)``, a
    heading's id or a link to it) is one too."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before == "#" and after in _FRAGMENT_AFTER and after:
        return True
    if not _SLUG.fullmatch(text, start, end):
        return False
    return before in _ID_BEFORE or after in _ID_AFTER  # ("" is in neither)


@dataclass(frozen=True)
class TextMatch:
    """One judged match."""

    code: str
    """The rule whose wording matched (MT301 … MT309)."""
    reportage: str
    """Why the match is reportage ("quoted", "so-called", …), or ``""`` when it is not."""
    lang: str
    text: str
    """The matched text exactly as in the input."""
    folded: str
    phrase: str
    """The lexicon phrase that matched, as written in phrases.tsv."""
    suggestion: str
    where: str
    """The lexicon row (``phrases.tsv:12``)."""
    segment: TextSegment
    line: int
    column: int
    identity: str
    confidence: float

    @property
    def reported_code(self) -> str:
        return REPORTAGE if self.reportage else self.code


class Matcher:
    """Finds and judges phrases in text segments."""

    def __init__(self, lexicon: Lexicon, extra: Sequence[str] = ()) -> None:
        """``extra``: literals that other rules look for in the same text; the pre-scan finds
        them in the same pass (:meth:`analyse_all`)."""
        self.lex = lexicon
        self.stems = sorted({stem for stem, _ in lexicon.triggers})
        self.prescan = Prescan(self.stems, extra)
        self.all_targets = frozenset(lexicon.targets())
        self._plans: dict[tuple[int, tuple[str, ...]], tuple[list[_Target], int]] = {}
        self._folded_stems = StemFinder(self.stems)

    def analyse(self, segments: Sequence[TextSegment]) -> list[TextMatch]:
        """Every match in the segments, in document order."""
        return self.analyse_all(segments)[0]

    def analyse_all(
        self, segments: Sequence[TextSegment]
    ) -> tuple[list[TextMatch], bool, list[tuple[int, int, int]] | None]:
        """:meth:`analyse`; whether the text holds the word ``mapcheck`` (in any ASCII letter
        case) that every inline suppression directive starts with; and every occurrence of the
        ``extra`` literals as (literal index, start, end) in the segments' texts joined by one
        character (``None`` when they were not looked for)."""
        if not segments:
            return [], False, None
        return self.analyse_joined("\n".join([seg.text for seg in segments]), segments)

    def analyse_joined(
        self, text: str, segments: Sequence[TextSegment]
    ) -> tuple[list[TextMatch], bool, list[tuple[int, int, int]] | None]:
        """:meth:`analyse_all` on ``text``, the segments' texts joined by ``"\\n"`` (a caller
        that keeps the joined text for other rules passes it)."""
        if not segments:
            return [], False, None
        hits, directive, extras = self.prescan.scan_all(text)
        if not hits:
            return [], directive, extras
        # Where each segment starts in ``text``: running sums of length + 1, at C speed.
        steps = map(_PLUS_ONE, [len(seg.text) for seg in segments])
        starts = list(itertools.accumulate(steps, initial=0))[:-1]
        doc = _Document(text, segments, starts)
        out: list[TextMatch] = []
        seen: dict[str, int] = {}
        for lo, hi, window_hits in _windows(hits, len(text)):
            for match in self._window(doc, lo, hi, window_hits):
                count = seen.get(match.identity, 0) + 1
                seen[match.identity] = count
                # The same words in the same context again: keep both, told apart.
                out.append(
                    _with_identity(match, f"{match.identity}#{count}") if count > 1 else match
                )
        return out, directive, extras

    # --- one window --------------------------------------------------------------------------

    def _window(self, doc: _Document, lo: int, hi: int, hits: list[Hit]) -> list[TextMatch]:
        raw = doc.window_text(lo, hi)
        special = False
        for hit in hits:
            if hit.stem < 0:
                special = True
                break
        found: dict[tuple[str, int, int], TextMatch] = {}
        readings = _readings(raw) if special else [(raw, _identity_map, False)]
        for variant, to_raw, exotic in readings:
            folded = fold(variant)
            view = _View(doc, lo, variant, folded, to_raw, exotic)
            scripts = _LATIN if folded.isascii() else _BOTH
            if special or exotic:
                candidates = self._scan(folded, scripts)
            else:
                candidates = self._anchored(folded, scripts, hits, lo)
            spans = sorted((start, end) for _, start, end, _ in candidates)
            # Per rule, the first (then longest) match that survives the guards wins; matches
            # of the same rule overlapping it are the same wording. Candidates come by rule,
            # then start: a match overlaps one taken before it exactly when it starts before
            # the furthest end taken so far.
            candidates.sort(key=_candidate_order)
            reach: dict[str, int] = {}
            for phrase, start, end, match in candidates:
                code = phrase.code
                if reach.get(code, -1) > start:
                    continue
                key = (code, to_raw(start), to_raw(end))
                if key in found:
                    continue
                judged = self._judge(view, phrase, match, scripts, spans)
                if judged is not None:
                    found[key] = judged
                    if end > reach.get(code, -1):
                        reach[code] = end
            if ", crimea" in folded:
                self._datelines(view, found)
        if len(found) > 1:
            return sorted(found.values(), key=_match_order)
        return list(found.values())

    def _plan(self, stem: int, scripts: tuple[str, ...]) -> tuple[list[_Target], int]:
        """The rules worth trying around a hit of trigger stem ``stem``, and the most words any
        of them may have before the stem's word (cached)."""
        key = (stem, scripts)
        plan = self._plans.get(key)
        if plan is None:
            lex = self.lex
            text = self.stems[stem]
            targets: list[_Target] = []
            for code, script in sorted(lex.stem_targets.get(text, ())):
                if script not in scripts:
                    continue
                tagged = lex.tagged_pattern(code, script)
                if tagged is not None:
                    lead = lex.lead(code, script, text)
                    first = lex.first_chars(code, script)
                    targets.append((code, script, lead, tagged[0], tagged[1], first))
            plan = (targets, max((t[2] for t in targets), default=0))
            self._plans[key] = plan
        return plan

    def _anchored(
        self, folded: str, scripts: tuple[str, ...], hits: list[Hit], lo: int
    ) -> list[_Candidate]:
        """Try each rule only at the word starts that can begin a phrase holding the stem hit
        (the hit's own word and up to :meth:`Lexicon.lead` words before it)."""
        out: list[_Candidate] = []
        tried: set[tuple[str, str, int]] = set()
        size = len(folded)
        # Overlapping hits ("Crimea" and "Crimean", "Севастопол" and "Севастополь") share
        # their word starts: found once per position.
        starts_at: dict[tuple[int, int], list[int]] = {}
        # One hit (most windows): its plan names each rule once and its word starts differ, so
        # no (rule, start) comes twice and none needs remembering.
        single = len(hits) == 1
        for hit in hits:
            pos = hit.start - lo
            if not 0 <= pos < size:
                continue
            plan, most = self._plan(hit.stem, scripts)
            if not plan:
                continue
            starts = starts_at.get((pos, most))
            if starts is None:
                starts = starts_at[pos, most] = _word_starts_before(folded, pos, most)
            if not starts:
                continue
            for code, script, lead, pattern, phrases, first in plan:
                for start in starts[-(lead + 1) :]:
                    if first is not None and folded[start] not in first:
                        continue  # no phrase of the rule starts with this character
                    if not single:
                        key = (code, script, start)
                        if key in tried:
                            continue
                        tried.add(key)
                    m = pattern.match(folded, start)
                    if m is not None:
                        out.append((phrases[m.lastgroup], start, m.end(), m))  # type: ignore[index]
        return out

    def _scan(self, folded: str, scripts: tuple[str, ...]) -> list[_Candidate]:
        """Every rule over the whole window: for windows with look-alike letters, invisible
        characters or hyphenation, where the stems cannot say which rules to try."""
        out: list[_Candidate] = []
        size = len(folded)
        #: Where a match may start: the window's start and every position after a character
        #: that is not a letter or digit (found once, for every rule that uses them).
        bounded: list[int] | None = None
        # Only the rules with a trigger stem in the folded window can match in it (every phrase
        # holds a stem; a stem of several words counts when each word is there).
        targets = {
            target
            for stem in self._folded_stems.stems_in(folded)
            for target in self.lex.stem_targets.get(stem, ())
        }
        for code, script in sorted(targets):
            if script not in scripts:
                continue
            tagged = self.lex.tagged_pattern(code, script)
            if tagged is None:
                continue
            pattern, phrases = tagged
            first = self.lex.first_chars(code, script)
            if first is not None:
                # The matches at every left word boundary, as below, but tried only where the
                # rule's phrases can start (as _anchored does): a search for the rule's
                # pattern has no first character to skip ahead to and runs the whole
                # alternation at every position of the window.
                if bounded is None:
                    found = _LEFT_BOUNDARY.finditer(folded, 0, size - 1) if size else ()
                    bounded = [b.start() for b in found]
                for start in bounded:
                    if folded[start] in first:
                        m = pattern.match(folded, start)
                        if m is not None:
                            out.append((phrases[m.lastgroup], start, m.end(), m))  # type: ignore[index]
                continue
            pos = 0
            while pos < size:
                m = pattern.search(folded, pos)
                if m is None:
                    break
                start = m.start()
                pos = start + 1  # overlapping matches too: a rejected one may hide a good one
                if start > 0 and folded[start - 1].isalnum():  # the left word boundary
                    continue
                out.append((phrases[m.lastgroup], start, m.end(), m))  # type: ignore[index]
        return out

    def _judge(
        self,
        view: _View,
        phrase: Phrase,
        match: re.Match[str],
        scripts: tuple[str, ...],
        spans: list[tuple[int, int]],
    ) -> TextMatch | None:
        """The match of ``phrase`` (by its rule's tagged pattern) judged by the guards: a
        :class:`TextMatch`, or ``None`` when a guard vetoes it."""
        start, end = match.span()
        lex = self.lex
        code = phrase.code
        folded = view.folded
        fmatch = folded[start:end]
        if phrase.context:
            lo, hi = max(0, start - MARGIN), min(len(folded), end + MARGIN)
            if not any(
                _context_near(lex.contexts[name], folded, lo, hi, start, end)
                for name in phrase.context
            ):
                return None
        if phrase.capitals and not view.original(start, end).isupper():
            return None  # an abbreviation in lower case: a command, a variable
        if start > 1 and folded[start - 1] == "-" and _second_part_of_a_name(view, start):
            return None  # "Ust-Donetsk, Russia", "Усть-Донецк": another place's name
        # An identifier has a hyphen or an underscore, and so has the folded text of one:
        # fold keeps both and maps no other character to them.
        if ("-" in fmatch or "_" in fmatch or (start and folded[start - 1] == "#")) and _identifier(
            view.doc.text, view.to_doc(start), view.to_doc(end)
        ):
            return None
        guards = lex.judge_guards(code, scripts)
        before: str | None = None
        for word, pattern in guards.veto_before:
            if word is None or word in fmatch:
                if before is None:
                    before = folded[max(0, start - VETO_CHARS) : start]
                if pattern.search(before):
                    return None
        after: str | None = None
        for word, pattern in guards.veto_after:
            if word is None or word in fmatch:
                if after is None:
                    after = folded[end : end + VETO_CHARS]
                if pattern.search(after):
                    return None
        for word, pattern in guards.negation:
            if word is None or word in fmatch:
                if before is None:
                    before = folded[max(0, start - VETO_CHARS) : start]
                if pattern.search(before):
                    return None
        s_lo, s_hi = view.sentences.span(start, end)
        if code in CLAUSE_JOINTS and (
            clause_boundary(folded, start, end, phrase.lang, s_lo, view.text)
            or in_country_list(folded, start, s_lo)
        ):
            return None
        sentence = folded[s_lo:s_hi]
        for word, pattern in guards.veto_sentence:
            if (word is None or word in fmatch) and pattern.search(sentence):
                return None
        history = HISTORY_BEFORE.get(code)
        if history is not None and years_before(sentence, history):
            return None
        reportage = ""
        quote_from = max(view.sentences.paragraph_start(start), start - QUOTE_REACH)
        # Apostrophes before the match are SQL's when the sentence is a statement (looked for
        # only then: most sentences hold none).
        sql = "'" in folded[quote_from:start] and SQL_STATEMENT.search(sentence) is not None
        if (view.doc.quoted and view.doc.in_quotation(view.to_doc(start))) or in_quotes(
            folded, start, end, quote_from, sql=sql
        ):
            reportage = "quoted"
        else:
            near: str | None = None
            for word, pattern in guards.near:
                if word is None or word in fmatch:
                    if near is None:
                        near = folded[max(0, start - NEAR_CHARS) : start]
                    hit = pattern.search(near)
                    if hit:
                        # The cue itself ("so-called", "так званої"), not the word after it.
                        reportage = " ".join(hit.group("cue").split()).strip("\"'«»“”„")
                        break
        if code in STYLE_CODES:
            if reportage:
                return None  # a quoted title or a "so-called Crimean bridge" is fine
        elif not reportage:
            # Attribution is read with every phrase of the sentence blanked out: "Russia" in
            # "claimed by both Russia and Ukraine" is no speaker.
            reportage = attributed(
                lex,
                _blanked(folded, s_lo, s_hi, spans),
                code,
                fmatch,
                scripts,
                (start - s_lo, end - s_lo),
            )
            if not reportage:
                reportage = _distanced_before(lex, view, code, fmatch, scripts, start)
        confidence = 0.85 if phrase.context else 0.9 if code == "MT307" else 0.95
        if view.exotic:
            confidence = round(confidence * 0.95, 3)
        if phrase.replacement.startswith("=") or "{" in phrase.replacement:
            # The tagged match holds the phrase's set-reference groups (Lexicon.tagged_pattern).
            suggestion = _suggestion(view, match, phrase)
        else:
            suggestion = phrase.replacement
        return self._build(
            view,
            start,
            end,
            code,
            phrase.lang,
            reportage,
            phrase.text,
            suggestion,
            phrase.where,
            confidence,
        )

    def _build(
        self,
        view: _View,
        start: int,
        end: int,
        code: str,
        lang: str,
        reportage: str,
        phrase_text: str,
        suggestion: str,
        where: str,
        confidence: float,
    ) -> TextMatch:
        folded = view.folded
        doc_start = view.to_doc(start)
        doc_end = view.to_doc(end)
        segment, line, column = view.doc.locate(doc_start)
        fmatch = " ".join(folded[start:end].split())
        # Up to four words on each side, within the sentence: the identity survives re-wrapping
        # and moving the sentence elsewhere in the document.
        left = " ".join(_SENTENCE_CUT.split(folded[max(0, start - 60) : start])[-1].split()[-4:])
        right = " ".join(_SENTENCE_CUT.split(folded[end : end + 60])[0].split()[:4])
        return TextMatch(
            code=code,
            reportage=reportage,
            lang=lang,
            text=view.doc.text[doc_start:doc_end],
            folded=fmatch,
            phrase=phrase_text,
            suggestion=suggestion,
            where=where,
            segment=segment,
            line=line,
            column=column,
            identity=f"{code}|{fmatch}|{left}|{right}",
            confidence=confidence,
        )

    def _datelines(self, view: _View, found: dict[tuple[str, int, int], TextMatch]) -> None:
        """AP-style datelines: "SEVASTOPOL, Crimea (AP) —" at the start of a paragraph."""
        text = view.text
        folded = view.folded
        idx = folded.find(", crimea")
        while idx >= 0:
            after = folded[idx + 8 : idx + 30]
            line_start = max(text.rfind("\n", 0, idx), text.rfind("\x00", 0, idx)) + 1
            city = text[line_start:idx].strip()
            at_line_start = (
                line_start > 0 or view.to_doc(0) == 0 or (view.doc.text[view.to_doc(0) - 1] == "\n")
            )
            if (
                at_line_start
                and city.isupper()
                and fold(city) in self.lex.dateline_cities
                and not (after[:1].isalnum())
                and not _DATELINE_COUNTRY.match(after)
                and text[idx + 2 : idx + 8] == "Crimea"
            ):
                start = text.index(city, line_start)
                end = idx + 8
                key = (DATELINE, view.to_raw(start), view.to_raw(end))
                quoted = view.doc.quoted and view.doc.in_quotation(view.to_doc(start))
                if key not in found and not quoted:  # (a style rule: silent in quotations)
                    found[key] = self._build(
                        view,
                        start,
                        end,
                        DATELINE,
                        "en",
                        "",
                        "{dateline_city}, Crimea",
                        f"{city}, Crimea, Ukraine",
                        "MT309 (datelines)",
                        0.95,
                    )
            idx = folded.find(", crimea", idx + 1)


#: A sentence end or a joint (led by one character class: see guards._BOUNDARY).
_SENTENCE_CUT = re.compile(r"[.!?\x00](?:\s|$|(?<=\x00))")

#: An empty match at the start of the text and after every character that is not a letter or
#: digit (``[^\W_]`` is ``str.isalnum``).
_LEFT_BOUNDARY = re.compile(r"(?<![^\W_])")
_DATELINE_COUNTRY = re.compile(r"\s*,?\s*(?:russia|russian|rf|ukraine)(?![^\W_])")
_WORD = re.compile(r"[^\W_]+")
#: Longer runs of letters are no word of any phrase (bounds the look-back on junk input).
_LONGEST_WORD = 40


_PLUS_ONE = (1).__add__

_LATIN = ("latin",)
_BOTH = ("latin", "cyrillic")
#: (code, script, lead, tagged pattern, phrase of each group, first characters or None) of a
#: rule worth trying around a stem.
_Target = tuple[str, str, int, re.Pattern[str], dict[str, Phrase], frozenset[str] | None]


#: A match of a rule's tagged pattern: (phrase, start, end, the match).
_Candidate = tuple[Phrase, int, int, re.Match[str]]


def _candidate_order(candidate: _Candidate) -> tuple[str, int, int]:
    return (candidate[0].code, candidate[1], -candidate[2])


def _match_order(match: TextMatch) -> tuple[int, int, str]:
    return (match.line, match.column, match.code)


def _distanced_before(
    lex: Lexicon, view: _View, code: str, fmatch: str, scripts: tuple[str, ...], start: int
) -> str:
    """A ``paragraph`` guard's word earlier in the match's paragraph (news shorthand: "the
    self-proclaimed Donetsk People's Republic (DPR) … its leader said the DPR …"), or ``""``."""
    guards = lex.scoped_guards("paragraph", code, scripts)
    if not guards:
        return ""
    folded = view.folded
    lo = view.sentences.paragraph_start(start)
    for word, pattern in guards:
        if word is None or word in fmatch:
            hit = pattern.search(folded, lo, start)
            if hit:
                return hit.group(0)
    return ""


def _second_part_of_a_name(view: _View, start: int) -> bool:
    """Whether the match at ``start`` (after a hyphen) is the second part of a capitalised
    hyphenated name: "Ust-Donetsk" (a port in Russia's Rostov oblast), "Усть-Донецк"."""
    text = view.doc.text
    pos = view.to_doc(start)
    if pos < 2 or text[pos - 1] != "-" or not text[pos].isupper() or not text[pos - 2].isalpha():
        return False
    if not text[pos + 1 : pos + 2].islower():
        return False  # an acronym: "LPR-DPR" names two
    word = pos - 2
    while word > 0 and text[word - 1].isalpha():
        word -= 1
    return text[word].isupper()


def _blanked(folded: str, s_lo: int, s_hi: int, spans: list[tuple[int, int]]) -> str:
    """``folded[s_lo:s_hi]`` with every matched span in it turned into spaces."""
    pieces: list[str] = []
    cur = s_lo
    first = max(0, bisect_right(spans, (s_lo - _LONGEST_PHRASE, 0)) - 1)
    for i in range(first, len(spans)):  # not islice: it would step over the first ones
        a, b = spans[i]
        if a >= s_hi:
            break
        lo = a if a > cur else cur
        hi = b if b < s_hi else s_hi
        if hi > lo:
            pieces.append(folded[cur:lo])
            pieces.append(" " * (hi - lo))
            cur = hi
    if not pieces:
        return folded[s_lo:s_hi]
    pieces.append(folded[cur:s_hi])
    return "".join(pieces)


def _context_near(
    pattern: re.Pattern[str], folded: str, lo: int, hi: int, start: int, end: int
) -> bool:
    """Whether a term of a context set occurs in ``folded[lo:hi]`` other than as the whole
    match ``start:end``: "LPR" is context for "DPR" beside it, but not for itself (an airport
    code in a list of airports). A term inside a longer match still counts ("вхождение Крыма
    в состав России" is about Crimea by its own words)."""
    return any(m.span() != (start, end) for m in pattern.finditer(folded, lo, hi))


def _word_starts_before(folded: str, pos: int, count: int) -> list[int]:
    """Start of the word holding ``pos`` and of up to ``count`` words before it, in order
    (none when that word is longer than any place name: "CrimeaCrimeaCrimea…")."""
    start = pos
    floor = max(0, pos - _LONGEST_WORD)
    while start > floor and folded[start - 1].isalnum():
        start -= 1
    if start == floor and start > 0 and folded[start - 1].isalnum():
        return []
    if count == 0:
        return [start]
    # The words before, nearest first: over the look-back reversed, so that the search stops
    # after ``count`` words instead of finding every word of the look-back.
    lo = max(0, start - 16 * (count + 1))
    starts = [start]
    for m in _WORD.finditer(folded[lo:start][::-1]):
        word = start - m.end()
        if word == lo and lo > 0 and folded[lo - 1].isalnum():
            break  # a word cut by the look-back limit (the furthest one)
        starts.append(word)
        if len(starts) > count:
            break
    starts.reverse()
    return starts


def _with_identity(match: TextMatch, identity: str) -> TextMatch:
    from dataclasses import replace

    return replace(match, identity=identity)


def _suggestion(view: _View, m: re.Match[str], phrase: Phrase) -> str:
    """The phrase's replacement, with ``{set}`` filled in from the match; ``=set:TEXT`` means
    "the matched text with that set's term replaced by TEXT"."""
    template = phrase.replacement
    if template.startswith("="):
        name, _, value = template[1:].partition(":")
        value, _, tail = value.partition(" (")
        tail = f" ({tail}" if tail else ""
        for group, set_name in phrase.groups:
            if set_name == name and m.start(group) >= 0:
                whole = view.original(m.start(), m.end())
                g_start = view.to_doc(m.start(group)) - view.to_doc(m.start())
                g_end = view.to_doc(m.end(group)) - view.to_doc(m.start())
                return whole[:g_start] + value + whole[g_end:] + tail
        return value + tail

    def fill(ref: re.Match[str]) -> str:
        for group, set_name in phrase.groups:
            if set_name == ref.group(1) and m.start(group) >= 0:
                return view.original(m.start(group), m.end(group))
        return view.original(m.start(), m.end())

    return re.sub(r"\{(\w+)\}", fill, template)


# --- documents, windows, readings ----------------------------------------------------------------


class _Document:
    """The joined text of a document's segments and the way back to segments."""

    def __init__(self, text: str, segments: Sequence[TextSegment], starts: list[int]) -> None:
        self.text = text
        self.segments = segments
        self.starts = starts
        self._counted: dict[int, tuple[int, int]] = {}
        #: Segments a reader marked as a quotation (part ``quote``: a web page's
        #: ``<blockquote>``): what they say is reported, as inside quotation marks.
        self.quoted = frozenset(i for i, seg in enumerate(segments) if seg.part == "quote")

    def segment_index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def in_quotation(self, pos: int) -> bool:
        return self.segment_index(pos) in self.quoted

    def locate(self, pos: int) -> tuple[TextSegment, int, int]:
        """The segment, line and column of ``pos`` (as :meth:`TextSegment.position` gives them,
        with the segment's line breaks indexed once instead of counted per match)."""
        k = self.segment_index(pos)
        seg = self.segments[k]
        offset = pos - self.starts[k]
        # Line breaks counted from the previous match in the segment, forwards or backwards:
        # windows come in document order, but a window's matches are judged rule by rule.
        last_offset, last_count = self._counted.get(k, (0, 0))
        if offset < last_offset:
            count = last_count - seg.text.count("\n", offset, last_offset)
        else:
            count = last_count + seg.text.count("\n", last_offset, offset)
        self._counted[k] = (offset, count)
        if count == 0:
            return seg, seg.line, seg.column + offset
        return seg, seg.line + count, offset - seg.text.rfind("\n", 0, offset)

    def window_text(self, lo: int, hi: int) -> str:
        """``text[lo:hi]`` with ``\\x00`` at the joints between segments that do not continue
        each other and on each blank line, so that no phrase is matched across them (the
        readers keep paragraphs together in one segment)."""
        raw = self.text[lo:hi]
        if "\n\n" in raw:
            raw = raw.replace("\n\n", "\x00\x00")
            if "\x00\n" in raw:  # three line breaks or more
                raw = raw.replace("\x00\n", "\x00\x00")
        k0 = self.segment_index(lo)
        k1 = self.segment_index(max(lo, hi - 1))
        if k0 == k1:
            return raw
        pieces: list[str] = []
        cut = 0
        for k in range(k0, k1):
            joint = self.starts[k + 1] - 1
            if lo <= joint < hi and not _continues(self.segments[k], self.segments[k + 1]):
                pieces.append(raw[cut : joint - lo])
                pieces.append("\x00")
                cut = joint - lo + 1
        if not pieces:
            return raw
        pieces.append(raw[cut:])
        return "".join(pieces)


def _continues(a: TextSegment, b: TextSegment) -> bool:
    """Whether segment ``b`` continues ``a`` (same page, part, cell and block; next line)."""
    if (a.page, a.part, a.key_path, a.row, a.block) != (b.page, b.part, b.key_path, b.row, b.block):
        return False
    end_line = a.line + a.text.count("\n")
    return 0 <= b.line - end_line <= 1


class _View:
    """One reading of a window: its normalised text, folded, and the way back to the document."""

    def __init__(
        self,
        doc: _Document,
        lo: int,
        text: str,
        folded: str,
        to_raw: Callable[[int], int],
        exotic: bool,
    ) -> None:
        self.doc = doc
        self.lo = lo
        self.text = text
        self.folded = folded
        self.to_raw = to_raw
        self.exotic = exotic
        self._sentences: Sentences | None = None

    @property
    def sentences(self) -> Sentences:
        if self._sentences is None:
            self._sentences = Sentences(self.text, self.folded)
        return self._sentences

    def to_doc(self, pos: int) -> int:
        return self.lo + self.to_raw(pos)

    def original(self, start: int, end: int) -> str:
        return self.doc.text[self.to_doc(start) : self.to_doc(end)]


def _windows(hits: list[Hit], length: int) -> list[tuple[int, int, list[Hit]]]:
    """Hits grouped into windows of ±:data:`MARGIN` characters, overlapping ones merged."""
    out: list[tuple[int, int, list[Hit]]] = []
    for hit in hits:
        lo = max(0, hit.start - MARGIN)
        hi = min(length, hit.end + MARGIN)
        if out and lo <= out[-1][1]:
            prev_lo, prev_hi, prev_hits = out[-1]
            prev_hits.append(hit)
            out[-1] = (prev_lo, max(prev_hi, hi), prev_hits)
        else:
            out.append((lo, hi, [hit]))
    return out


def _identity_map(pos: int) -> int:
    return pos


_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]|[\u0300-\u036f]+")
_HYPHENATION = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])")


def _readings(raw: str) -> list[tuple[str, Callable[[int], int], bool]]:
    """The window as read for matching: invisible characters and combining marks undone; and,
    when there is line-end hyphenation, a second reading with it joined ("Sevas-/topol")."""
    first = _rewrite(raw, _INVISIBLE)
    out = [first]
    if _HYPHENATION.search(raw):
        joined_text, joined_map, _ = _rewrite(first[0], _HYPHENATION)
        inner = first[1]
        out.append((joined_text, lambda pos: inner(joined_map(pos)), True))
    return out


def _rewrite(raw: str, pattern: re.Pattern[str]) -> tuple[str, Callable[[int], int], bool]:
    """``raw`` with every match of ``pattern`` removed (combining marks composed onto the
    letter before them when they can be), and a map from new offsets to ``raw`` offsets."""
    pieces: list[str] = []
    new_starts: list[int] = []
    raw_starts: list[int] = []
    pos = 0
    new_len = 0
    for m in pattern.finditer(raw):
        chunk = raw[pos : m.start()]
        if chunk and "\u0300" <= m.group(0)[0] <= "\u036f":
            composed = unicodedata.normalize("NFC", chunk[-1] + m.group(0))
            if len(composed) == 1:
                chunk = chunk[:-1] + composed
        if chunk:
            new_starts.append(new_len)
            raw_starts.append(pos)
            pieces.append(chunk)
            new_len += len(chunk)
        pos = m.end()
    if pos == 0:
        return raw, _identity_map, False
    tail = raw[pos:]
    new_starts.append(new_len)
    raw_starts.append(pos)
    pieces.append(tail)
    new_len += len(tail)
    new_starts.append(new_len)
    raw_starts.append(len(raw))

    def to_raw(index: int) -> int:
        i = bisect_right(new_starts, index) - 1
        if i < 0:
            return index
        return min(raw_starts[i] + (index - new_starts[i]), len(raw))

    return "".join(pieces), to_raw, True
