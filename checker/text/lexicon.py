"""The phrase data of the text rules, loaded once and compiled for matching.

Four tab-separated files in ``checker/data/lexicon/`` (a reviewer edits them; ``#`` lines are
comments, the first other line names the columns):

``sets.tsv``      named sets of terms (places, "Russia" in its cases) that phrases refer to;
``phrases.tsv``   conceding and neutralising wording per rule code, with its replacement;
``guards.tsv``    words around a match that make it reportage or not a finding at all;
``triggers.tsv``  literal stems the fast pre-scan looks for (every phrase contains one).

:func:`load` returns the compiled :class:`Lexicon` (cached per process). Malformed data raises
:class:`LexiconError` naming the file and line; the tests load the shipped files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Any, NamedTuple

from checker.text.normalize import fold
from checker.text.phrases import (
    RIGHT,
    Alt,
    AnyWord,
    Compiler,
    Follow,
    Hyphen,
    Item,
    Number,
    PhraseError,
    Punct,
    SetRef,
    Word,
    expand,
    literal_words,
    parse,
    trie_regex,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicon"
LANGS = ("en", "uk", "ru")
#: Guard kinds (see guards.tsv).
GUARD_KINDS = (
    "near",
    "sentence",
    "source",
    "speech",
    "veto-before",
    "veto-after",
    "veto-sentence",
    "negation",
    "paragraph",
)


class LexiconError(ValueError):
    """A lexicon file is malformed."""


@dataclass(frozen=True)
class Row:
    """One data line: its columns by header name, and where it came from."""

    values: dict[str, str]
    source: str
    line: int

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class Phrase:
    """One row of phrases.tsv, compiled."""

    index: int
    code: str
    lang: str
    text: str
    replacement: str
    context: tuple[str, ...]
    notes: str
    where: str
    #: Named groups of the phrase's set references: (group name, set name).
    groups: tuple[tuple[str, str], ...]
    #: Folded trigger stems that its words or set terms contain (a superset of those needed).
    stems: frozenset[str]

    @property
    def script(self) -> str:
        return script_of(self.lang)

    @cached_property
    def capitals(self) -> bool:
        """Whether the phrase is written in capitals only (an abbreviation, "DPR", "ДНР"):
        it then matches text in capitals only, as matching is otherwise blind to case
        ("lpr" is a Unix command, "dpr" a device pixel ratio)."""
        letters = [ch for ch in self.text if ch.isalpha()]
        return bool(letters) and all(ch.isupper() for ch in letters)


@dataclass(frozen=True)
class Guard:
    """Guards of one kind and scope, compiled into one pattern."""

    kind: str
    codes: frozenset[str] | None  # None: every code
    word: str | None  # only matches whose folded text contains this
    pattern: re.Pattern[str]

    def applies(self, code: str, folded_match: str) -> bool:
        if self.codes is not None and code not in self.codes:
            return False
        return self.word is None or self.word in folded_match


@dataclass
class Lexicon:
    """Everything the matcher needs; rule patterns and guards compile on first use, per rule
    code and script, so that a Latin-only document never pays for the Cyrillic patterns."""

    sets: dict[str, dict[str, list[str]]]
    phrases: list[Phrase]
    #: (code, script) -> (phrase index, regex source without groups) of its phrases, longest
    #: first; :meth:`pattern` joins them into one alternation.
    sources: dict[tuple[str, str], list[tuple[int, str]]]
    #: Regex source of each phrase with named groups for its set references (for suggestions).
    phrase_sources: list[str]
    #: (code, script, stem) -> how many words may precede the word holding the stem.
    leads: dict[tuple[str, str, str], int]
    #: Folded trigger stem -> the (code, script) patterns worth trying around it.
    stem_targets: dict[str, frozenset[tuple[str, str]]]
    #: Trigger stems as written (folded), with their language.
    triggers: list[tuple[str, str]]
    #: (kind, script) -> [(codes, word, regex source)] of guards, compiled by :meth:`guards`.
    guard_sources: dict[tuple[str, str], list[tuple[frozenset[str] | None, str | None, str]]]
    #: Context set name -> pattern finding any of its terms.
    contexts: dict[str, re.Pattern[str]]
    dateline_cities: frozenset[str] = field(default_factory=frozenset)
    _patterns: dict[tuple[str, str], re.Pattern[str]] = field(default_factory=dict)
    _by_code: dict[tuple[str, str, tuple[str, ...]], list[Guard]] = field(default_factory=dict)
    _guards: dict[tuple[str, str], list[Guard]] = field(default_factory=dict)
    _tagged: dict[tuple[str, str], tuple[re.Pattern[str], dict[str, Phrase]]] = field(
        default_factory=dict
    )
    _firsts: dict[tuple[str, str], frozenset[str] | None] = field(default_factory=dict)
    _scoped: dict[
        tuple[str, str, tuple[str, ...]], tuple[tuple[str | None, re.Pattern[str]], ...]
    ] = field(default_factory=dict)
    _judging: dict[tuple[str, tuple[str, ...]], JudgeGuards] = field(default_factory=dict)

    def pattern(self, code: str, script: str) -> re.Pattern[str] | None:
        """The alternation of a rule's phrases in one script (``None`` if it has none)."""
        key = (code, script)
        if key not in self._patterns:
            parts = self.sources.get(key)
            if not parts:
                return None
            try:
                self._patterns[key] = re.compile("|".join(f"(?:{body})" for _, body in parts))
            except re.error as exc:  # pragma: no cover - the shipped data is tested
                raise LexiconError(f"phrases.tsv: rule {code} ({script}): {exc}") from exc
        return self._patterns[key]

    def tagged_pattern(
        self, code: str, script: str
    ) -> tuple[re.Pattern[str], dict[str, Phrase]] | None:
        """The rule's alternation (as :meth:`pattern`) with each phrase in a group of its own,
        and the phrase of each group name: ``m.lastgroup`` names the phrase that matched (the
        first alternative that matches wins, as in :meth:`pattern`), so no phrase has to be
        tried again one by one.

        Each alternative is the phrase's source with named groups ``p{index}_s{n}`` for its
        set references (:attr:`phrase_sources`), so that a match gives the spans a suggestion
        fills in without matching the phrase again, and no phrase is compiled on its own (a
        tenth of a second per process). The groups change no match: the outer group closes
        last, so ``lastgroup`` still names the phrase."""
        key = (code, script)
        tagged = self._tagged.get(key)
        if tagged is None:
            parts = self.sources.get(key)
            if not parts:
                return None
            named = self.phrase_sources
            pattern = re.compile("|".join(f"(?P<a{index}>{named[index]})" for index, _ in parts))
            tagged = (pattern, {f"a{index}": self.phrases[index] for index, _ in parts})
            self._tagged[key] = tagged
        return tagged

    def first_chars(self, code: str, script: str) -> frozenset[str] | None:
        """The characters a match of the rule's pattern can start with in folded text, or
        ``None`` when that is not a small known set (a phrase may start with a number, any
        word, a dash or nothing at all): the matcher skips start positions where no match can
        begin without running the pattern."""
        key = (code, script)
        if key not in self._firsts:
            chars: set[str] = set()
            resolver = _SetResolver(self.sets)
            try:
                for phrase in self.phrases_of(code, script):
                    found, nullable = _first(parse(phrase.text), phrase.lang, resolver, 0)
                    if found is None or nullable:
                        raise _OpenFirstError
                    chars |= found
                self._firsts[key] = frozenset(chars)
            except (_OpenFirstError, PhraseError):
                self._firsts[key] = None
        return self._firsts[key]

    def phrases_of(self, code: str, script: str) -> list[Phrase]:
        """A rule's phrases in one script, in the order its pattern tries them."""
        return [self.phrases[i] for i, _ in self.sources.get((code, script), ())]

    def lead(self, code: str, script: str, stem: str) -> int:
        """Words that may precede the word holding ``stem`` in the rule's phrases."""
        return self.leads.get((code, script, stem), 4)

    def compile_all(self) -> None:
        """Compile every rule's pattern and every guard now rather than on first use: before
        worker processes are forked, so that they share the compiled patterns."""
        for code, script in sorted(self.sources):
            self.tagged_pattern(code, script)
        for kind, script in sorted(self.guard_sources):
            self.guards(kind, script)

    def targets(self) -> set[tuple[str, str]]:
        """Every (code, script) with phrases."""
        return set(self.sources)

    def guards(self, kind: str, script: str) -> list[Guard]:
        key = (kind, script)
        if key not in self._guards:
            self._guards[key] = [
                Guard(kind, codes, word, re.compile(_GUARD_SHAPES[kind](body)))
                for codes, word, body in self.guard_sources.get(key, ())
            ]
        return self._guards[key]

    def guards_for(
        self, kind: str, code: str, folded_match: str, scripts: tuple[str, ...]
    ) -> Iterator[Guard]:
        """The guards of one kind that apply to a match of ``code``."""
        key = (kind, code, scripts)
        guards = self._by_code.get(key)
        if guards is None:
            guards = [
                guard
                for script in scripts
                for guard in self.guards(kind, script)
                if guard.codes is None or code in guard.codes
            ]
            self._by_code[key] = guards
        for guard in guards:
            if guard.word is None or guard.word in folded_match:
                yield guard

    def scoped_guards(
        self, kind: str, code: str, scripts: tuple[str, ...]
    ) -> tuple[tuple[str | None, re.Pattern[str]], ...]:
        """(word, pattern) of the guards of one kind for matches of ``code``, in the order
        :meth:`guards_for` gives them; a guard applies when its word is ``None`` or in the
        folded match (the caller checks, without a generator per match)."""
        key = (kind, code, scripts)
        scoped = self._scoped.get(key)
        if scoped is None:
            scoped = tuple(
                (guard.word, guard.pattern)
                for script in scripts
                for guard in self.guards(kind, script)
                if guard.codes is None or code in guard.codes
            )
            self._scoped[key] = scoped
        return scoped

    def judge_guards(self, code: str, scripts: tuple[str, ...]) -> JudgeGuards:
        """:meth:`scoped_guards` of the kinds the matcher reads around every match of
        ``code``, fetched at once (one look-up per match instead of one per kind)."""
        key = (code, scripts)
        found = self._judging.get(key)
        if found is None:
            found = self._judging[key] = JudgeGuards(
                *(self.scoped_guards(kind, code, scripts) for kind in _JUDGE_KINDS)
            )
        return found


#: (word, pattern) of the guards of one kind that apply to matches of a rule.
ScopedGuards = tuple[tuple[str | None, re.Pattern[str]], ...]


class JudgeGuards(NamedTuple):
    """The guards of each kind the matcher reads around a match (see :meth:`Lexicon.judge_guards`),
    in the order of :data:`_JUDGE_KINDS`."""

    veto_before: ScopedGuards
    veto_after: ScopedGuards
    negation: ScopedGuards
    veto_sentence: ScopedGuards
    near: ScopedGuards


_JUDGE_KINDS = ("veto-before", "veto-after", "negation", "veto-sentence", "near")


class _OpenFirstError(Exception):
    """A pattern's first characters are not a small known set."""


def _first(
    items: Iterable[Item], lang: str, resolver: _SetResolver, depth: int
) -> tuple[set[str] | None, bool]:
    """(first characters, whether the items can match nothing) of a parsed phrase, as its
    compiled pattern (:class:`~checker.text.phrases.Compiler`) matches folded text; ``None``
    when unknown."""
    if depth > 20:
        return None, True
    out: set[str] = set()
    for item in items:
        if isinstance(item, Word):
            text = fold(item.text)
            if not text:
                return None, True
            out.add(text[0])
            return out, False
        if isinstance(item, Punct):
            out.add(item.char)
            return out, False
        if isinstance(item, Hyphen):
            out.add("-")
            return out, False
        if isinstance(item, SetRef | Alt):
            if isinstance(item, SetRef):
                options = [parse(m) for m in resolver.members(item.name, lang)]
                optional = False
            else:
                options = list(item.options)
                optional = item.optional
            nullable = optional
            for option in options:
                found, empty = _first(option, lang, resolver, depth + 1)
                if found is None:
                    return None, True
                out |= found
                nullable = nullable or empty
            if not nullable:
                return out, False
            continue
        if isinstance(item, Follow):
            continue  # zero width
        return None, True  # a number, any word, a dash: too many first characters
    return out, True


def script_of(lang: str) -> str:
    """``latin`` for English phrases, ``cyrillic`` for Ukrainian and Russian ones."""
    return "latin" if lang == "en" else "cyrillic"


# --- reading -------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[Row]:
    """Rows of one TSV file (comments and blank lines skipped; the header names the columns)."""
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{path.name}: cannot read: {exc}") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cols
            continue
        if len(cols) > len(header):
            raise LexiconError(f"{path.name}:{number}: {len(cols)} columns, expected {len(header)}")
        values = dict(zip(header, cols + [""] * (len(header) - len(cols)), strict=True))
        rows.append(Row(values, path.name, number))
    if header is None:
        raise LexiconError(f"{path.name}: no header line")
    return rows


@cache
def load() -> Lexicon:
    """The shipped lexicon, compiled (once per process)."""
    return build(DATA_DIR)


def build(folder: Path) -> Lexicon:
    """Compile the four files of ``folder`` (rule patterns and guards compile on first use)."""
    sets = _read_sets(read_rows(folder / "sets.tsv"))
    triggers = _read_triggers(read_rows(folder / "triggers.tsv"))
    resolver = _SetResolver(sets)
    phrases, sources, named, leads = _compile_phrases(
        read_rows(folder / "phrases.tsv"), sets, resolver, triggers
    )
    stem_targets: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for phrase in phrases:
        for stem in phrase.stems:
            stem_targets[stem].add((phrase.code, phrase.script))
    guard_sources = _compile_guards(read_rows(folder / "guards.tsv"), resolver)
    contexts: dict[str, re.Pattern[str]] = {}
    for phrase in phrases:
        for name in phrase.context:
            if name not in contexts:
                langs = _langs_of(sets, name)
                body = "|".join(resolver.body(name, lang) for lang in langs)
                lead: set[str] | None = set()
                for lang in langs:
                    found = _lead_chars((SetRef(name),), lang, resolver)
                    lead = None if lead is None or found is None else lead | found
                contexts[name] = re.compile(rf"(?<![^\W_])(?:{_led_by(lead, body)})")
    cities = frozenset(fold(m) for m in sets.get("dateline_city", {}).get("en", []))
    return Lexicon(
        sets=sets,
        phrases=phrases,
        sources=sources,
        phrase_sources=named,
        leads=leads,
        stem_targets={k: frozenset(v) for k, v in stem_targets.items()},
        triggers=triggers,
        guard_sources=guard_sources,
        contexts=contexts,
        dateline_cities=cities,
    )


def _read_sets(rows: list[Row]) -> dict[str, dict[str, list[str]]]:
    sets: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        name, lang, term = row["set"], row["lang"], row["term"]
        if not name or not term:
            raise LexiconError(f"{row.where}: a set row needs a set name and a term")
        _check_lang(row, lang, allow_all=True)
        try:
            parse(term)
        except PhraseError as exc:
            raise LexiconError(f"{row.where}: {exc}") from exc
        sets[name][lang].append(term)
    return {k: dict(v) for k, v in sets.items()}


def _read_triggers(rows: list[Row]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for row in rows:
        stem = fold(row["stem"]).strip()
        if len(stem) < 3:
            raise LexiconError(f"{row.where}: trigger stems need at least 3 letters")
        _check_lang(row, row["lang"], allow_all=True)
        out.append((stem, row["lang"]))
    return out


def _check_lang(row: Row, lang: str, allow_all: bool) -> None:
    if lang not in LANGS and not (allow_all and lang == "*"):
        raise LexiconError(f"{row.where}: unknown language {lang!r}")


def _langs_of(sets: dict[str, dict[str, list[str]]], name: str) -> list[str]:
    return sorted(sets.get(name, {}))


class _SetResolver:
    """Regex bodies of sets per language (members of that language and of ``*``)."""

    def __init__(self, sets: dict[str, dict[str, list[str]]]) -> None:
        self.sets = sets
        self.cache: dict[tuple[str, str], str] = {}

    def members(self, name: str, lang: str) -> list[str]:
        by_lang = self.sets.get(name)
        if by_lang is None:
            raise PhraseError(f"unknown set {{{name}}}")
        if lang == "*":
            return [m for terms in by_lang.values() for m in terms]
        return by_lang.get(lang, []) + by_lang.get("*", [])

    def body(self, name: str, lang: str) -> str:
        key = (name, lang)
        if key not in self.cache:
            members = self.members(name, lang)
            if not members:
                raise PhraseError(f"set {{{name}}} has no terms in {lang!r}")
            compiler = Compiler(lambda n: self.body(n, lang), named=False)
            literals: list[str] = []
            others: set[str] = set()
            for member in members:
                items = parse(member)
                literal = literal_words(items)
                if literal is None:
                    others.add(compiler.compile(items))
                else:
                    literals.append(literal)
            # Plain terms share prefixes in a trie ("Russian Federation" before "Russia"); the
            # others (inflected, nested) follow, longest first, and alphabetically among equals:
            # the order of a set's iteration changes with the interpreter's hash seed, and the
            # order of alternatives decides which one a match takes.
            bodies = [trie_regex(literals)] if literals else []
            bodies += sorted(others, key=lambda body: (-len(body), body))
            self.cache[key] = "|".join(bodies)
        return self.cache[key]


def _compile_phrases(
    rows: list[Row],
    sets: dict[str, dict[str, list[str]]],
    resolver: _SetResolver,
    triggers: list[tuple[str, str]],
) -> tuple[
    list[Phrase],
    dict[tuple[str, str], list[tuple[int, str]]],
    list[str],
    dict[tuple[str, str, str], int],
]:
    phrases: list[Phrase] = []
    named_sources: list[str] = []
    bodies: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    leads: dict[tuple[str, str, str], int] = {}
    stems = sorted({stem for stem, _ in triggers})
    finder = StemFinder(stems)
    counters: dict[str, _WordCounter] = {}
    for row in rows:
        code, lang, text = row["code"], row["lang"], row["phrase"]
        if not re.fullmatch(r"MT3\d\d", code):
            raise LexiconError(f"{row.where}: bad rule code {code!r}")
        _check_lang(row, lang, allow_all=False)
        index = len(phrases)
        try:
            items = parse(text)
            named = Compiler(partial(resolver.body, lang=lang), f"p{index}_")
            named_body = named.compile(items)
            plain_body = Compiler(partial(resolver.body, lang=lang), named=False).compile(items)
        except PhraseError as exc:
            raise LexiconError(f"{row.where}: {exc}") from exc
        context = tuple(c.strip() for c in row["context"].split(",") if c.strip())
        for name in context:
            if name not in sets:
                raise LexiconError(f"{row.where}: unknown context set {name!r}")
        phrase = Phrase(
            index=index,
            code=code,
            lang=lang,
            text=text,
            replacement=row["replacement"],
            context=context,
            notes=row["notes"],
            where=row.where,
            groups=tuple(named.groups),
            stems=frozenset(finder.stems_in(_phrase_pieces(text, lang, resolver))),
        )
        phrases.append(phrase)
        named_sources.append(named_body)
        bodies[(code, phrase.script)].append((len(text), index, plain_body))
        words = counters.setdefault(lang, _WordCounter(resolver, lang, stems))
        for stem in phrase.stems:
            key = (code, phrase.script, stem)
            leads[key] = max(leads.get(key, 0), words.lead(items, stem.split()[0]))
    # Longer phrases first: at one start position the first alternative that matches wins.
    sources = {
        key: [(i, b) for _, i, b in sorted(parts, key=lambda p: (-p[0], p[1]))]
        for key, parts in bodies.items()
    }
    return phrases, sources, named_sources, leads


class _WordCounter:
    """How many words may precede, in a phrase, the word that holds a trigger stem: the matcher
    tries a rule's pattern only that many words before a hit. Only the first stem of a match
    matters, so items after one that always holds a stem are not counted."""

    def __init__(self, resolver: _SetResolver, lang: str, stems: list[str]) -> None:
        self.resolver = resolver
        self.lang = lang
        self.stems = stems
        self._sets: dict[str, tuple[int, str, bool]] = {}
        #: A word's folded text, and whether it holds a stem (the same words recur in many
        #: phrases; testing every stem against each again was a third of building a lexicon).
        self._words: dict[str, tuple[str, bool]] = {}

    def _word(self, text: str) -> tuple[str, bool]:
        """(folded text, whether it holds a trigger stem) of a phrase word."""
        known = self._words.get(text)
        if known is None:
            folded = fold(text)
            known = self._words[text] = (folded, any(st in folded for st in self.stems))
        return known

    def _set(self, name: str) -> tuple[int, str, bool]:
        """(most words, folded text of all members, whether every member holds a stem)."""
        if name not in self._sets:
            members = self.resolver.members(name, self.lang)
            most = max((self.most_seq(parse(m)) for m in members), default=1)
            folded = [fold(m.replace("*", "")) for m in members]
            always = all(any(st in f for st in self.stems) for f in folded)  # once per set
            self._sets[name] = (most, " | ".join(folded), always)
        return self._sets[name]

    def most(self, item: Item) -> int:
        if isinstance(item, Word | Number | AnyWord):
            return 1
        if isinstance(item, SetRef):
            return self._set(item.name)[0]
        if isinstance(item, Alt):
            return max((self.most_seq(option) for option in item.options), default=0)
        return 0

    def most_seq(self, items: Iterable[Item]) -> int:
        return sum(self.most(item) for item in items)

    def holds(self, item: Item, word: str) -> bool:
        if isinstance(item, Word):
            return word in self._word(item.text)[0]
        if isinstance(item, SetRef):
            return word in self._set(item.name)[1]
        if isinstance(item, Alt):
            return any(self.holds(i, word) for option in item.options for i in option)
        return False

    def always(self, item: Item) -> bool:
        if isinstance(item, Word):
            return self._word(item.text)[1]
        if isinstance(item, SetRef):
            return self._set(item.name)[2]
        if isinstance(item, Alt):
            return all(any(self.always(i) for i in option) for option in item.options)
        return False

    def lead(self, items: tuple[Item, ...], word: str) -> int:
        best = -1
        before = 0
        for item in items:
            if self.holds(item, word):
                best = max(best, before + self.most(item) - 1)
            if self.always(item):
                break
            before += self.most(item)
        return best if best >= 0 else before


def _phrase_pieces(text: str, lang: str, resolver: _SetResolver) -> str:
    """The phrase's own words and the terms of the sets it uses, folded, in one string."""
    pieces = [re.sub(r"[{}\[\]|*>]", " ", text)]
    for name in re.findall(r"\{([^}]+)\}", text):
        pieces.extend(resolver.members(name.strip(), lang))
    return " ".join(fold(p.replace("*", "")) for p in pieces)


class StemFinder:
    """Which trigger stems occur in a text; a multi-word stem counts when each of its words
    does (a cheap superset: stems only decide which rules the matcher tries around a hit)."""

    def __init__(self, stems: list[str]) -> None:
        self.by_word: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for stem in stems:
            words = tuple(stem.split())
            for word in words:
                self.by_word[word].append((stem, words))
        self.words = sorted(self.by_word)
        self.automaton: Any = None
        try:
            import ahocorasick_rs
        except ImportError:
            return
        self.automaton = ahocorasick_rs.AhoCorasick(self.words)

    def stems_in(self, text: str) -> set[str]:
        if self.automaton is not None:
            try:
                hits = self.automaton.find_matches_as_indexes(text, overlapping=True)
            except UnicodeEncodeError:  # lone surrogates (a decoded "\ud800" escape)
                clean = text.encode("utf-8", "replace").decode("utf-8")  # no stem holds one
                hits = self.automaton.find_matches_as_indexes(clean, overlapping=True)
            found = {self.words[i] for i, _, _ in hits}
        else:
            found = {w for w in self.words if w in text}
        out: set[str] = set()
        for word in found:
            for stem, words in self.by_word[word]:
                if len(words) == 1 or all(w in found for w in words):
                    out.add(stem)
        return out


def _compile_guards(
    rows: list[Row], resolver: _SetResolver
) -> dict[tuple[str, str], list[tuple[frozenset[str] | None, str | None, str]]]:
    grouped: dict[tuple[str, str, frozenset[str] | None, str | None], list[str]] = defaultdict(list)
    #: The characters each group's matches start with (``None``: not a small known set).
    leads: dict[tuple[str, str, frozenset[str] | None, str | None], set[str] | None] = {}
    for row in rows:
        kind = row["kind"]
        if kind not in GUARD_KINDS:
            raise LexiconError(f"{row.where}: unknown guard kind {kind!r}")
        lang = row["lang"]
        _check_lang(row, lang, allow_all=True)
        try:
            items = parse(row["phrase"])
            compiler = Compiler(partial(resolver.body, lang=lang), named=False)
            body = compiler.compile(items)
            lead = _lead_chars(items, lang, resolver)
        except PhraseError as exc:
            raise LexiconError(f"{row.where}: {exc}") from exc
        scripts = ("latin", "cyrillic") if lang == "*" else (script_of(lang),)
        for codes, word in _scopes(row["scope"], row):
            for script in scripts:
                key = (kind, script, codes, word)
                grouped[key].append(body)
                known = leads.get(key, set())
                leads[key] = None if known is None or lead is None else known | lead
    out: dict[tuple[str, str], list[tuple[frozenset[str] | None, str | None, str]]] = defaultdict(
        list
    )
    for key, bodies in grouped.items():
        kind, script, codes, word = key
        body = _led_by(leads[key], "|".join(f"(?:{b})" for b in bodies))
        out[(kind, script)].append((codes, word, body))
    return dict(out)


def _lead_chars(
    items: Sequence[Item], lang: str, resolver: _SetResolver, depth: int = 0
) -> set[str] | None:
    """The characters every match of the compiled ``items`` starts with (in folded text), or
    ``None`` when that is not a small known set: a number, any word or a dash first, or a first
    item that may be left out (the joint before the next item may then lead the match)."""
    if not items or depth > 20:
        return None
    item = items[0]
    if isinstance(item, Word):
        text = fold(item.text)
        return {text[0]} if text else None
    if isinstance(item, Punct):
        return {item.char}
    if isinstance(item, Hyphen):
        return {"-"}
    if isinstance(item, SetRef):
        options: Iterable[Sequence[Item]] = [parse(m) for m in resolver.members(item.name, lang)]
    elif isinstance(item, Alt) and not item.optional:
        options = item.options
    else:
        return None
    out: set[str] = set()
    for option in options:
        found = _lead_chars(option, lang, resolver, depth + 1)
        if found is None:
            return None
        out |= found
    return out


def _led_by(lead: set[str] | None, body: str) -> str:
    """``body`` behind a look-ahead for the characters its matches start with: a search then
    tries the (long) alternation only where one of them stands, not at every position."""
    if not lead:
        return body
    return f"(?=[{''.join(re.escape(c) for c in sorted(lead))}])(?:{body})"


def _scopes(scope: str, row: Row) -> Iterable[tuple[frozenset[str] | None, str | None]]:
    if scope in ("", "*"):
        return [(None, None)]
    out: list[tuple[frozenset[str] | None, str | None]] = []
    plain: set[str] = set()
    for raw_part in scope.split(","):
        part = raw_part.strip()
        code, _, word = part.partition("/")
        if not re.fullmatch(r"MT3\d\d", code):
            raise LexiconError(f"{row.where}: bad scope {part!r}")
        if word:
            out.append((frozenset({code}), fold(word)))
        else:
            plain.add(code)
    if plain:
        out.append((frozenset(plain), None))
    return out


_LEFT = r"(?<![^\W_])"
#: How each guard kind's alternation is anchored.
_GUARD_SHAPES = {
    # Searched in the text before the match: the marker, then at most one word.
    "near": lambda b: _LEFT + rf"(?P<cue>{b})(?:[\s\-\"'«»“”„]+[^\s]+)?[\s\-\"'«»“”„]*$",
    "sentence": lambda b: _LEFT + f"(?:{b})",
    "source": lambda b: _LEFT + f"(?:{b})",
    "speech": lambda b: _LEFT + f"(?:{b})",
    # Directly before the match (quotes and spaces between are fine).
    "veto-before": lambda b: _LEFT + rf"(?:{b})[\s\-\"'«»“”„]*$",
    # Directly after the match.
    "veto-after": lambda b: rf"\A\s*(?:{b})",
    "veto-sentence": lambda b: _LEFT + f"(?:{b})",
    "paragraph": lambda b: _LEFT + f"(?:{b})",
    # A negation, then at most one word, then the match.
    "negation": lambda b: _LEFT + rf"(?:{b}){RIGHT}[\s\-]+(?:[^\W\d_]+[\s\-]+)?$",
}


def grep_phrases(lexicon: Lexicon | None = None) -> list[str]:
    """The lexicon's phrases as literal strings for ``grep -F -f`` (the benchmark's baseline):
    every expansion of sets and alternatives, a ``word*`` cut to what precedes the star."""
    lex = lexicon or load()
    out: set[str] = set()
    for phrase in lex.phrases:
        members = {
            name: _members_for(lex.sets, name, phrase.lang)
            for name in re.findall(r"\{(\w+)\}", phrase.text)
        }
        members.update(_nested_members(lex.sets, members, phrase.lang))
        for expanded in expand(parse(phrase.text), members):
            literal = expanded.split("*")[0].strip() if "*" in expanded else expanded
            if len(literal) >= 3:
                out.add(literal)
    return sorted(out)


def _members_for(sets: dict[str, dict[str, list[str]]], name: str, lang: str) -> list[str]:
    by_lang = sets.get(name, {})
    return by_lang.get(lang, []) + by_lang.get("*", [])


def _nested_members(
    sets: dict[str, dict[str, list[str]]], members: dict[str, list[str]], lang: str
) -> dict[str, list[str]]:
    extra: dict[str, list[str]] = {}
    for terms in members.values():
        for term in terms:
            for name in re.findall(r"\{(\w+)\}", term):
                extra[name] = _members_for(sets, name, lang)
    return extra
