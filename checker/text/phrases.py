"""The phrase mini-language of the lexicon files (``checker/data/lexicon/*.tsv``).

A phrase is written the way it reads, and compiled to a regular expression over *folded* text
(:func:`checker.text.normalize.fold`: lower case, unified apostrophes and dashes, white space as
plain spaces). The syntax, kept small so that a reviewer can edit the lists:

``word``
    A literal word (letters, digits, apostrophes). Words are separated by any run of spaces,
    hyphens and line breaks, so ``self-proclaimed`` also matches ``self proclaimed``.
``word*``
    The word followed by up to five more letters: inflections (``Республик*`` matches
    *Республика, Республики, Республике, Республикой*).
``{name}``
    Any term of the named set (``sets.tsv``) in the phrase's language. The matched text is kept
    and a replacement may refer to it as ``{name}``.
``[a|b c|]``
    One of the alternatives (each a phrase); an empty alternative makes the group optional.
``, ( ) / : ; . « » "``
    Literal punctuation; spaces around it are optional.
``—``
    A dash between words, with or without spaces (``Крым — это Россия``, ``Крым - это``); a dash
    may also be left out.
``-`` at the start
    A hyphen right after the preceding text (guards: ``-class`` after *Kiev*).
``#``
    A number.
``@``
    Any one word.
``>{name}``
    At the end only: the phrase must be followed by a term of the set, by punctuation, or by
    the end of the text (``the Ukraine >{ukraine_follow}``).

Matches are bounded by non-letters on the right by the compiled pattern; the left boundary is
checked by the matcher (a look-behind at the start of a pattern would keep Python's regular
expression engine from skipping ahead quickly).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checker.text.normalize import fold

#: What may stand between two items: spaces, hyphens, line breaks (already spaces after
#: folding). Words end with a boundary check, so two words still need at least one of them.
JOINT = r"[\s\-]*"
#: Up to five more letters for an inflected word.
STAR = r"[^\W\d_]{0,5}"
#: Punctuation that stands for itself.
PUNCT = ',()/:;.«»"“”„!?'
_DASHES = "—–"
#: A right word boundary: no letter, digit or underscore follows.
RIGHT = r"(?![^\W_])"


class PhraseError(ValueError):
    """A phrase in a lexicon file does not follow the syntax."""


@dataclass(frozen=True)
class Word:
    text: str
    star: bool = False


@dataclass(frozen=True)
class SetRef:
    name: str


@dataclass(frozen=True)
class Alt:
    options: tuple[tuple[Item, ...], ...]

    @property
    def optional(self) -> bool:
        return any(not opt for opt in self.options)


@dataclass(frozen=True)
class Punct:
    char: str


@dataclass(frozen=True)
class Dash:
    """An em/en dash between words (may be absent)."""


@dataclass(frozen=True)
class Hyphen:
    """A hyphen at the start of a phrase (directly attached to what precedes)."""


@dataclass(frozen=True)
class Number:
    pass


@dataclass(frozen=True)
class AnyWord:
    pass


@dataclass(frozen=True)
class Follow:
    name: str


Item = Word | SetRef | Alt | Punct | Dash | Hyphen | Number | AnyWord | Follow

#: Items that bring their own spacing (no joint before them).
_GLUED = (Dash, Hyphen, Follow)


def parse(phrase: str) -> tuple[Item, ...]:
    """Parse a phrase into items (raises :class:`PhraseError`)."""
    items, pos = _parse_seq(phrase, 0, top=True)
    if pos != len(phrase):
        raise PhraseError(f"unexpected {phrase[pos]!r} at {pos} in {phrase!r}")
    if not items:
        raise PhraseError(f"empty phrase {phrase!r}")
    for i, item in enumerate(items):
        if isinstance(item, Follow) and i != len(items) - 1:
            raise PhraseError(f"'>{{...}}' must end the phrase: {phrase!r}")
    return tuple(items)


def _parse_seq(text: str, pos: int, top: bool) -> tuple[list[Item], int]:
    items: list[Item] = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch.isspace():
            pos += 1
        elif ch == "{":
            end = text.find("}", pos)
            if end < 0:
                raise PhraseError(f"unclosed '{{' in {text!r}")
            items.append(SetRef(text[pos + 1 : end].strip()))
            pos = end + 1
        elif ch == ">" and text.startswith(">{", pos):
            end = text.find("}", pos)
            if end < 0:
                raise PhraseError(f"unclosed '>{{' in {text!r}")
            items.append(Follow(text[pos + 2 : end].strip()))
            pos = end + 1
        elif ch == "[":
            options: list[tuple[Item, ...]] = []
            pos += 1
            while True:
                sub, pos = _parse_seq(text, pos, top=False)
                options.append(tuple(sub))
                if pos >= n:
                    raise PhraseError(f"unclosed '[' in {text!r}")
                if text[pos] == "|":
                    pos += 1
                    continue
                if text[pos] == "]":
                    pos += 1
                    break
            items.append(Alt(tuple(options)))
        elif ch in "|]":
            if top:
                raise PhraseError(f"unexpected {ch!r} in {text!r}")
            return items, pos
        elif ch in _DASHES:
            items.append(Dash())
            pos += 1
        elif ch == "-" and not items:
            items.append(Hyphen())
            pos += 1
        elif ch == "-":
            pos += 1  # between words: an ordinary separator
        elif ch == "#":
            items.append(Number())
            pos += 1
        elif ch == "@":
            items.append(AnyWord())
            pos += 1
        elif ch in PUNCT:
            items.append(Punct(ch))
            pos += 1
        elif _is_word_char(ch):
            start = pos
            while pos < n and _is_word_char(text[pos]):
                pos += 1
            star = pos < n and text[pos] == "*"
            items.append(Word(text[start:pos], star))
            pos += 1 if star else 0
        else:
            raise PhraseError(f"unexpected {ch!r} at {pos} in {text!r}")
    return items, pos


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "'’ʼ"


# --- compiling --------------------------------------------------------------------------------

#: How a set is compiled: its name to an alternation regex (members longest first).
SetResolver = Callable[[str], str]


class Compiler:
    """Compiles parsed phrases to regex source, naming the groups of set references."""

    def __init__(
        self, resolve_set: SetResolver, group_prefix: str = "", named: bool = True
    ) -> None:
        self.resolve_set = resolve_set
        self.group_prefix = group_prefix
        self.named = named
        #: (group name, set name) of every set reference compiled, in order.
        self.groups: list[tuple[str, str]] = []

    def compile(self, items: Sequence[Item]) -> str:
        return self._seq(list(items), named=self.named)

    def _seq(self, items: list[Item], named: bool) -> str:
        out: list[str] = []
        for i, item in enumerate(items):
            joint = JOINT if i and not isinstance(item, _GLUED) else ""
            if isinstance(items[i - 1], Dash | Hyphen) and i:
                joint = ""
            body = self._item(item, named)
            if isinstance(item, Alt) and item.optional:
                # The separator goes inside the optional group (after it when it comes first).
                out.append(f"(?:{joint}{body})?" if i else f"(?:{body}{JOINT})?")
            else:
                out.append(joint + body)
        return "".join(out)

    def _item(self, item: Item, named: bool) -> str:
        if isinstance(item, Word):
            text = re.escape(fold(item.text))
            return text + STAR + RIGHT if item.star else text + RIGHT
        if isinstance(item, SetRef):
            body = self.resolve_set(item.name)
            if not named:
                return f"(?:{body})"
            name = f"{self.group_prefix}s{len(self.groups)}"
            self.groups.append((name, item.name))
            return f"(?P<{name}>{body})"
        if isinstance(item, Alt):
            return self._alt(item, named)
        if isinstance(item, Punct):
            return re.escape(item.char)
        if isinstance(item, Dash):
            return r"(?:\s*-\s*|\s+)"
        if isinstance(item, Hyphen):
            return "-"
        if isinstance(item, Number):
            return r"\d+" + RIGHT
        if isinstance(item, AnyWord):
            return r"[^\W\d_]+" + RIGHT
        body = self.resolve_set(item.name)
        return rf"(?=\s*(?:(?:{body})|[^\w\s]|$))"

    def _alt(self, alt: Alt, named: bool) -> str:
        options = [self._seq(list(opt), named) for opt in alt.options if opt]
        return "(?:" + "|".join(options) + ")"


# --- expanding to literal phrases ---------------------------------------------------------------


def expand(
    items: Sequence[Item], members: Mapping[str, Sequence[str]], limit: int = 100_000
) -> Iterator[str]:
    """Every literal phrase the items stand for (``*`` dropped; ``#``/``@``/``>`` left out),
    with the case of the source text: used to check trigger coverage and to write the phrase
    list the benchmark gives to ``grep -F``."""
    for count, parts in enumerate(_expand_seq(list(items), members), start=1):
        yield _join(parts)
        if count >= limit:
            return


def _expand_seq(items: list[Item], members: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    choices: list[list[list[str]]] = []
    for item in items:
        if isinstance(item, Word):
            choices.append([[item.text + ("*" if item.star else "")]])
        elif isinstance(item, SetRef):
            opts: list[list[str]] = []
            for member in members.get(item.name, ()):
                opts.extend(_expand_seq(list(parse(member)), members))
            choices.append(opts or [[]])
        elif isinstance(item, Alt):
            alt_opts: list[list[str]] = []
            for opt in item.options:
                alt_opts.extend(_expand_seq(list(opt), members) if opt else [[]])
            choices.append(alt_opts)
        elif isinstance(item, Punct):
            choices.append([["\x00" + item.char]])
        elif isinstance(item, Dash):
            choices.append([["\x00—"]])
        else:
            choices.append([[]])
    for combo in itertools.product(*choices):
        yield [part for chunk in combo for part in chunk]


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if part.startswith("\x00"):
            char = part[1:]
            if char in ",):;.!?»”":
                out += char
            elif char == "—":
                out += " — "
            else:
                out += (" " if out and char in "(«„“" else "") + char
            continue
        if out and not out.endswith(("(", "«", "„", "/", " ")) and not part.startswith("'"):
            out += " "
        out += part
    return out.strip()


# --- literal alternations as tries ------------------------------------------------------------


def literal_words(items: Sequence[Item]) -> str | None:
    """The folded text of a phrase made of plain words only (``None`` otherwise)."""
    words: list[str] = []
    for item in items:
        if not isinstance(item, Word) or item.star:
            return None
        words.append(fold(item.text))
    return " ".join(words)


def trie_regex(literals: Iterable[str]) -> str:
    """One regex for many folded literals (words separated by single spaces), sharing prefixes
    so that the engine decides on the first letters instead of trying every literal in turn.
    A space stands for :data:`JOINT`; every literal ends with a word boundary."""
    trie: dict[str, Any] = {}
    for literal in literals:
        node = trie
        for ch in literal:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_body(trie)


def _trie_body(node: dict[str, Any]) -> str:
    branches: list[str] = []
    end = False
    for ch in sorted(node, key=lambda c: (c == "", c)):  # longer continuations before the end
        if ch == "":
            end = True
            continue
        head = JOINT if ch == " " else re.escape(ch)
        branches.append(head + _trie_body(node[ch]))
    if end:
        branches.append(RIGHT)
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
