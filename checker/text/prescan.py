"""The fast literal pre-scan: where in a text is there anything worth analysing?

One multi-literal automaton looks for every trigger
stem of the lexicon (``triggers.tsv``) in the raw text, in the spellings raw text uses: lower
case, Capitalised, Title Case and UPPER CASE; any apostrophe; ``ё`` for ``е``; a line break or
no-break space for a space. The same pass looks for the few things that can hide a phrase from
those literals, so that the text around them is analysed too:

* a Latin look-alike letter next to a Cyrillic letter, or the reverse (``Kрым``, ``Crimеa``):
  :func:`~checker.text.normalize.fold` maps look-alikes, the literals cannot;
* soft hyphens, zero-width characters and combining marks inside words;
* line-end hyphenation (a letter, ``-`` and a line break);
* full-width Latin letters.

The matcher then normalises and folds only the windows around these hits, never whole files.

The automaton is `Hyperscan <https://www.hyperscan.io>`_'s (``hyperscan``, SIMD literal
matching, over a gigabyte a second) where its wheels exist and the processor runs it; else
``ahocorasick_rs``'s DFA (about a quarter of the speed); both report every occurrence of every
literal, overlapping ones too, so the hits are the same (a test compares them).
``MAPCHECK_PRESCAN=ahocorasick`` picks the DFA. Without either, a slower pure-Python scan
(lower-cased text and ``str.find``) gives the same hits for lower/Capitalised/UPPER spellings.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

#: Hit kinds besides trigger stems (their ``stem`` index is negative).
MIXED = -1
EXOTIC = -2
#: The word of an inline suppression directive (``mapcheck:``) in any ASCII letter case: not a
#: hit, but :meth:`Prescan.scan` tells whether the text has one.
DIRECTIVE = -3

_LATIN_LOOKALIKE = "aceiopxykACEHIKMOPTXYB"
_CYRILLIC_LOOKALIKE = "асеіорхукАСЕНІКМОРТХУВ"
_CYRILLIC_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ"
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_APOSTROPHES = "'’ʼ"


class Hit(NamedTuple):
    """A trigger found at ``start:end`` (character offsets); ``stem`` indexes the stems, or is
    :data:`MIXED` / :data:`EXOTIC`. A named tuple: tens of thousands are made per 100 MB, and a
    tuple is made at C speed."""

    start: int
    end: int
    stem: int


def spellings(stem: str) -> set[str]:
    """How a folded stem may be written in raw text."""
    out: set[str] = set()
    for base in _yo_variants(stem):
        for spaced in _space_variants(base):
            for apos in _apostrophe_variants(spaced):
                out.update(_cases(apos))
    return out


def _cases(text: str) -> set[str]:
    """lower, UPPER, and every word either lower or Capitalised ("на Україну", "New regions")."""
    out = {text, text.upper()}
    for sep in (" ", "\n", "\u00a0"):
        if sep in text:
            words = text.split(sep)
            break
    else:
        return out | {text[:1].upper() + text[1:]}
    for caps in itertools.product((False, True), repeat=len(words)):
        out.add(
            sep.join(w[:1].upper() + w[1:] if c else w for w, c in zip(words, caps, strict=True))
        )
    return out


def _yo_variants(stem: str) -> list[str]:
    positions = [i for i, ch in enumerate(stem) if ch == "е"][:3]
    out = []
    for n in range(len(positions) + 1):
        for chosen in itertools.combinations(positions, n):
            chars = list(stem)
            for i in chosen:
                chars[i] = "ё"
            out.append("".join(chars))
    return out


def _space_variants(stem: str) -> list[str]:
    if " " not in stem:
        return [stem]
    return [stem, stem.replace(" ", "\n"), stem.replace(" ", "\u00a0")]


def _apostrophe_variants(stem: str) -> list[str]:
    if "'" not in stem:
        return [stem]
    return [stem.replace("'", a) for a in _APOSTROPHES]


def _special_patterns() -> list[tuple[str, int]]:
    """Mixed-script adjacencies and exotic characters (see the module docstring)."""
    out: list[tuple[str, int]] = []
    cyr = _CYRILLIC_LETTERS + _CYRILLIC_LETTERS.upper()
    lat = _LATIN_LETTERS + _LATIN_LETTERS.upper()
    for a in _LATIN_LOOKALIKE:
        for c in cyr:
            out += [(a + c, MIXED), (c + a, MIXED)]
    for a in _CYRILLIC_LOOKALIKE:
        for c in lat:
            out += [(a + c, MIXED), (c + a, MIXED)]
    for ch in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
        out.append((ch, EXOTIC))
    out += [(chr(cp), EXOTIC) for cp in range(0x300, 0x370)]
    out += [(chr(cp), EXOTIC) for cp in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))]
    for letter in lat + cyr:
        out += [(letter + "-\n", EXOTIC), (letter + "-\r\n", EXOTIC)]
    return out


#: Kinds at or below this are ``extra`` literals (``EXTRA - kind`` is the literal's index).
EXTRA = -1000


class Prescan:
    """Finds trigger hits in raw text (see the module docstring).

    ``extra`` literals (exact strings) are looked for in the same pass, for other rules that
    would otherwise read the whole text again: :meth:`scan_all` returns every occurrence of
    them, overlapping ones included, as (literal index, start, end) in character offsets.
    """

    def __init__(self, stems: Sequence[str], extra: Sequence[str] = ()) -> None:
        self.stems = list(stems)
        self.extra = list(extra)
        patterns: dict[str, int] = {}
        for index, stem in enumerate(self.stems):
            for spelling in spellings(stem):
                patterns.setdefault(spelling, index)
        for text, kind in _special_patterns():
            patterns.setdefault(text, kind)
        for letters in itertools.product(*({c, c.upper()} for c in _DIRECTIVE_WORD)):
            patterns.setdefault("".join(letters), DIRECTIVE)
        self._kinds = list(patterns.values())
        self._texts = list(patterns)
        # An extra literal that is also a trigger spelling gets a pattern of its own index.
        self._extra_of: dict[int, list[int]] = {}
        for i, literal in enumerate(self.extra):
            if literal in patterns:
                self._extra_of.setdefault(self._texts.index(literal), []).append(i)
            else:
                patterns[literal] = EXTRA - i
                self._kinds.append(EXTRA - i)
                self._texts.append(literal)
        self._automaton = _build_automaton(self._texts)

    def hits(self, text: str) -> list[Hit]:
        """Hits in ``text`` by start offset (overlapping trigger hits are all reported)."""
        return self.scan(text)[0]

    def scan(self, text: str) -> tuple[list[Hit], bool]:
        """:meth:`hits`, and whether ``text`` holds the word ``mapcheck`` in any ASCII case
        (without it, no inline suppression directive can be in the text)."""
        hits, directive, _ = self.scan_all(text)
        return hits, directive

    def scan_all(self, text: str) -> tuple[list[Hit], bool, list[tuple[int, int, int]] | None]:
        """:meth:`scan`, and the occurrences of the ``extra`` literals (``None`` when they
        were not looked for: no automaton, or no extra literals)."""
        if self._automaton is None:
            return self._hits_fallback(text), _DIRECTIVE_WORD in text.lower(), None
        # The automaton runs over the text's UTF-8 form, which CPython makes once and keeps
        # with the string, and gives character offsets itself: faster than encoding here and
        # mapping the hits' byte offsets back (which it did before), as soon as the text is
        # not ASCII.
        try:
            found = self._automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:
            # Lone surrogates (a decoded "\ud800" escape) have no UTF-8 form. Each is one
            # character and in no pattern: a replacement character in its place keeps every
            # offset and every match.
            text = _SURROGATE.sub("\ufffd", text)
            found = self._automaton.find_matches_as_indexes(text, overlapping=True)
        kinds = self._kinds
        extras: list[tuple[int, int, int]] | None = [] if self.extra else None
        if extras is None:
            out = [Hit(s, e, kinds[i]) for i, s, e in found]
        else:
            out = []
            shared = self._extra_of
            for i, s, e in found:
                kind = kinds[i]
                if kind <= EXTRA:
                    extras.append((EXTRA - kind, s, e))
                    continue
                if shared and i in shared:
                    extras.extend((x, s, e) for x in shared[i])
                out.append(Hit(s, e, kind))
        if not out:
            return out, False, extras
        directive = False
        if any(h.stem == DIRECTIVE for h in out):
            directive = True
            out = [h for h in out if h.stem != DIRECTIVE]
        out.sort(key=_START)
        return out, directive, extras

    def _hits_fallback(self, text: str) -> list[Hit]:
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = "".join(ch.lower()[:1] or ch for ch in text)
        out: list[Hit] = []
        for index, stem in enumerate(self.stems):
            for variant in {stem, *_yo_variants(stem)}:
                for spaced in _space_variants(variant):
                    for apos in _apostrophe_variants(spaced):
                        start = lowered.find(apos)
                        while start >= 0:
                            out.append(Hit(start, start + len(apos), index))
                            start = lowered.find(apos, start + 1)
        for special, kind in _SPECIAL_FALLBACK:
            start = text.find(special)
            while start >= 0:
                out.append(Hit(start, start + len(special), kind))
                start = text.find(special, start + 1)
        out.extend(_mixed_fallback(text))
        out.sort(key=lambda h: h.start)
        return out


_SPECIAL_FALLBACK = [("\u00ad", EXOTIC), ("\u200b", EXOTIC), ("-\n", EXOTIC), ("\ufeff", EXOTIC)]


def _mixed_fallback(text: str) -> Iterable[Hit]:
    pattern = re.compile(
        f"[{_LATIN_LOOKALIKE}][{_CYRILLIC_LETTERS}{_CYRILLIC_LETTERS.upper()}]"
        f"|[{_CYRILLIC_LETTERS}{_CYRILLIC_LETTERS.upper()}][{_LATIN_LOOKALIKE}]"
        f"|[{_CYRILLIC_LOOKALIKE}][a-zA-Z]|[a-zA-Z][{_CYRILLIC_LOOKALIKE}]"
        r"|[\u0300-\u036f\uff21-\uff3a\uff41-\uff5a]"
    )
    for m in pattern.finditer(text):
        yield Hit(m.start(), m.end(), MIXED)


_SURROGATE = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")  # (mypyc takes no surrogate literal)
_DIRECTIVE_WORD = "mapcheck"
_START = operator.itemgetter(0)


def _build_automaton(texts: list[str]) -> Any:
    """The automaton: a :class:`HyperscanAutomaton` unless ``MAPCHECK_PRESCAN`` asks for
    another or Hyperscan cannot take the literals (not installed, not for this processor, a
    literal with a NUL), else ``ahocorasick_rs``'s DFA; ``None`` without either or with
    ``MAPCHECK_PRESCAN=python`` (the fallback gives the same answers, slower). What it built
    is what :func:`backend` names from then on."""
    wanted = _wanted()
    if wanted == "hyperscan":
        try:
            automaton = HyperscanAutomaton(texts)
            _BACKEND[:] = [_hyperscan_name()]
            return automaton
        except (ImportError, ValueError, RuntimeError):
            pass
    _BACKEND[:] = [_choose_backend(hyperscan=False)]
    if wanted == "python":
        return None
    try:
        import ahocorasick_rs
    except ImportError:
        return None
    return ahocorasick_rs.AhoCorasick(texts, implementation=ahocorasick_rs.Implementation.DFA)


_BACKEND: list[str] = []


def backend() -> str:
    """The pre-scan's automaton, as ``mapcheck --version`` names it: ``Hyperscan <version>``
    when the module is installed, the processor runs it (it checks for the instruction sets
    its build needs) and ``MAPCHECK_PRESCAN`` does not ask for ``ahocorasick`` (or
    ``python``); else ``ahocorasick_rs <version>``; else ``Python``. Once an automaton is
    built, the one built."""
    if not _BACKEND:
        _BACKEND.append(_choose_backend())
    return _BACKEND[0]


def _wanted() -> str:
    """``hyperscan``, ``ahocorasick`` or ``python``, as ``MAPCHECK_PRESCAN`` asks (Hyperscan
    first unless it says otherwise)."""
    wanted = os.environ.get("MAPCHECK_PRESCAN", "").strip().lower()
    if wanted in ("ahocorasick", "ahocorasick_rs"):
        return "ahocorasick"
    return "python" if wanted == "python" else "hyperscan"


def _hyperscan_name() -> str:
    from importlib import metadata

    try:
        return f"Hyperscan {metadata.version('hyperscan')}"
    except metadata.PackageNotFoundError:
        return "Hyperscan"


def _choose_backend(hyperscan: bool = True) -> str:
    """What :func:`_build_automaton` would build, without building it (a one-literal
    database tells whether Hyperscan runs here)."""
    from importlib import metadata

    wanted = _wanted()
    if hyperscan and wanted == "hyperscan":
        try:
            HyperscanAutomaton(["mapcheck"])
            return _hyperscan_name()
        except (ImportError, ValueError, RuntimeError):
            pass  # not installed, or not for this processor
    if wanted != "python":
        try:
            import ahocorasick_rs  # noqa: F401

            return f"ahocorasick_rs {metadata.version('ahocorasick_rs')}"
        except (ImportError, metadata.PackageNotFoundError):
            pass
    return "Python"


class HyperscanAutomaton:
    """Every occurrence of every literal in a text, overlapping ones too, as (literal index,
    start, end) in character offsets: what ``ahocorasick_rs``'s ``find_matches_as_indexes(text,
    overlapping=True)`` gives, found by Hyperscan in the text's UTF-8 form.

    Hyperscan reports byte offsets; they are turned into character offsets by decoding the
    bytes between one hit and the next (each byte once, as hits come by start), and need no
    turning at all when the text is ASCII. Each thread scans with a scratch
    space of its own (Hyperscan releases the interpreter lock while it scans, and a scratch
    space serves one scan at a time). Raises ``ImportError`` without the module, ``ValueError``
    for a literal it cannot take (one with a NUL), ``RuntimeError`` when the processor cannot
    run it.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        import hyperscan

        patterns = [text.encode("utf-8", "surrogatepass") for text in texts]
        if not patterns or any(not p or b"\x00" in p for p in patterns):
            raise ValueError("Hyperscan takes no empty literal, nor one with a NUL")
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            database.compile(
                expressions=patterns,
                ids=list(range(len(patterns))),
                elements=len(patterns),
                flags=[hyperscan.HS_FLAG_SOM_LEFTMOST] * len(patterns),
                literal=True,
            )
        except hyperscan.HyperscanError as exc:  # ArchitectureError, CompilerError …
            raise RuntimeError(f"Hyperscan cannot compile the literals: {exc!r}") from None
        self._hyperscan: Any = hyperscan
        self._database: Any = database
        self._local = threading.local()

    def find_matches_as_indexes(
        self, text: str, overlapping: bool = True
    ) -> list[tuple[int, int, int]]:
        """See the class docstring (``overlapping`` is always true)."""
        data = text.encode("utf-8", "surrogatepass")
        found: list[tuple[int, int, int]] = []
        append = found.append

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            append((start, end, index))

        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hyperscan.Scratch(self._database)
        self._database.scan(data, match_event_handler=on_match, scratch=scratch)
        if not found:
            return []
        found.sort()
        if len(data) == len(text):  # ASCII: byte offsets are character offsets
            return [(index, start, end) for start, end, index in found]
        out: list[tuple[int, int, int]] = []
        byte_pos = char_pos = 0
        for start, end, index in found:
            char_pos += len(data[byte_pos:start].decode("utf-8", "surrogatepass"))
            byte_pos = start
            length = len(data[start:end].decode("utf-8", "surrogatepass"))
            out.append((index, char_pos, char_pos + length))
        return out
