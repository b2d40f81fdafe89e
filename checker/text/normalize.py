"""Normalisation for matching phrases in English, Ukrainian and Russian text.

``fold`` maps text to a canonical form *of the same length* so that a match found in the folded
text points at the same offsets in the original (locations stay exact): case folded, Unicode
compatibility forms unified, apostrophes and dashes unified, Latin letters that look like Cyrillic
ones mapped to Cyrillic inside Cyrillic words (and the reverse inside Latin words), and every
kind of white space (line breaks included) turned into a plain space. Soft hyphens and line-end
hyphenation are handled by :func:`fold` too: they become spaces, and matchers treat runs of
spaces and hyphens as one separator.
"""

from __future__ import annotations

import re
import unicodedata

#: Apostrophe look-alikes (Ukrainian uses U+02BC and U+2019 for the apostrophe).
_APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\uff07"
#: Dash look-alikes.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
#: Latin letters that look like Cyrillic ones, and the reverse (lower case; text is folded first).
_LAT_TO_CYR = str.maketrans("aceiopxyk", "асеіорхук")
_CYR_TO_LAT = str.maketrans("асеіорхук", "aceiopxyk")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _fold_char(ch: str) -> str:
    """One character to one character (keeps offsets)."""
    if ch in _APOSTROPHES:
        return "'"
    if ch in _DASHES:
        return "-"
    if ch == "\u00ad" or ch.isspace():  # soft hyphen, newline, NBSP, tabs …
        return " "
    folded = unicodedata.normalize("NFKC", ch).casefold()
    if len(folded) != 1:
        # ß → ss, ligatures … : keep length by taking the first letter; matching stays sensible.
        folded = folded[:1] or " "
    if folded == "ё":
        return "е"
    return folded


def fold(text: str) -> str:
    """Same-length canonical form of ``text`` for matching (see the module docstring).

    Most text takes a fast path of C-level string operations (translate, casefold); text that
    is not in NFKC form, or whose case folding changes its length (``ß``), goes through the
    per-character definition :func:`fold_reference`, which the fast path equals.
    """
    # Line breaks are the usual special characters: replace them at C speed, and translate
    # only when others are left (translate with a mapping is slow on non-ASCII text).
    special = text.replace("\n", " ") if "\n" in text else text
    found = _SPECIAL.findall(special)
    if found:
        table = _special_table()
        for ch in set(found):
            special = special.replace(ch, table[ord(ch)])
    if unicodedata.is_normalized("NFKC", special):
        low = special.casefold()
        if len(low) == len(text):
            if low.isascii():
                return low
            low = low.replace("ё", "е")
            scripts = _script_classes(low)
            if b"C" not in scripts or b"L" not in scripts:
                return low  # one script only: no word mixes them
            if b"LC" in scripts or b"CL" in scripts:
                return _fix_mixed_scripts(low)  # side by side
            if b"O" in scripts and _apart_possible(scripts) and _mixed_apart(low):
                return _fix_mixed_scripts(low)
            return low
    return fold_reference(text)


def fold_reference(text: str) -> str:
    """The definition of :func:`fold`, one character at a time (slow; kept for tests)."""
    out = "".join(_fold_char(ch) for ch in text)
    return _fix_mixed_scripts(out)


#: Characters :func:`_fold_char` maps before any Unicode normalisation. White space is listed
#: explicitly (every code point for which ``str.isspace`` is true; a test checks the list).
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_TABLE: dict[int, str] = {}
_SPECIAL = re.compile(
    "[" + re.escape(_APOSTROPHES + _DASHES + _SPACES.replace(" ", "") + "\u00ad") + "]"
)


def _special_table() -> dict[int, str]:
    if not _TABLE:
        table = {ord(c): "'" for c in _APOSTROPHES}
        table.update({ord(c): "-" for c in _DASHES})
        table.update({ord(c): " " for c in _SPACES + "\u00ad"})
        _TABLE.update(table)
    return _TABLE


#: A Latin letter right before or after a Cyrillic one (led by the Cyrillic letter, so that the
#: regular expression engine skips ahead to Cyrillic text).
_MIXED_DIRECT = re.compile(r"[\u0400-\u04ff](?:(?<=[a-z][\u0400-\u04ff])|[a-z])")
#: A letter of neither script, and a Latin and a Cyrillic letter with only such letters
#: between them.
_OTHER_LETTER = re.compile(r"[^\W\d_a-z\u0400-\u04ff]")
#: Every letter ``_OTHER_LETTER`` finds is one of these (all but ASCII other than capitals,
#: Cyrillic, and quotation marks, ellipsis and numero sign), a class twice as fast to test.
_BEYOND = re.compile("[^\x00-\x40\x5b-\x7f\u0400-\u04ff\u00ab\u00bb\u201c-\u201e\u2026\u2116]")
_MIXED_APART = re.compile(
    r"[a-z][^\W\d_a-z\u0400-\u04ff]+[\u0400-\u04ff]|[\u0400-\u04ff][^\W\d_a-z\u0400-\u04ff]+[a-z]"
)


def _has_mixed_word(text: str) -> bool:
    """Whether some word has both Latin and Cyrillic letters (only then does the look-alike
    mapping of :func:`_fix_mixed_scripts` change anything): two such letters side by side, or
    with only letters of a third script between them."""
    if _MIXED_DIRECT.search(text) is not None:
        return True
    return _mixed_apart(text)


def _mixed_apart(text: str) -> bool:
    """Whether a Latin and a Cyrillic letter have only letters of a third script between them."""
    if _BEYOND.search(text) is None:
        return False  # no letter of a third script (the class below is slow to test)
    return _OTHER_LETTER.search(text) is not None and _MIXED_APART.search(text) is not None


def _byte_class(byte: int) -> int:
    if 0x61 <= byte <= 0x7A:
        return ord("L")
    if 0xD0 <= byte <= 0xD3:
        return ord("C")
    if 0x41 <= byte <= 0x5A or byte >= 0xC0:
        return ord("O")
    return ord(" ")


#: UTF-8 bytes to the class of the character they start: ``L`` a Latin letter a-z, ``C`` a
#: Cyrillic character (U+0400-U+04FF, lead bytes 0xD0-0xD3), ``O`` a capital A-Z or any other
#: character beyond ASCII (every letter of a third script is one), a space anything else; the
#: continuation bytes (0x80-0xBF) are deleted, so that one byte stands for one character.
_CLASS_TABLE = bytes(map(_byte_class, range(256)))
_CONTINUATION = bytes(range(0x80, 0xC0))


def _script_classes(text: str) -> bytes:
    r"""One byte per character of ``text``: ``L`` for ``[a-z]``, ``C`` for ``[\u0400-\u04ff]``,
    ``O`` for ``[A-Z]`` and every other character beyond ASCII, a space for anything else.
    ``b"LC" in`` it or ``b"CL" in`` it is :data:`_MIXED_DIRECT`'s test at C speed (that pattern
    is entered at every Cyrillic letter of the text)."""
    return text.encode("utf-8", "surrogatepass").translate(_CLASS_TABLE, _CONTINUATION)


def _apart_possible(classes: bytes) -> bool:
    """Whether, by :func:`_script_classes`, a Latin and a Cyrillic letter stand on the two sides
    of a run of ``O`` characters: a necessary condition for :data:`_MIXED_APART` (whose middle
    letters are all ``O``), tested at C speed (English text has a run at every capital
    letter): with the ``O`` characters taken out, such a pair stands side by side. (Callers
    ask only when no Latin and Cyrillic letter stand side by side already.)"""
    joined = classes.translate(None, b"O")
    return b"LC" in joined or b"CL" in joined


def _fix_mixed_scripts(text: str) -> str:
    """Map look-alike letters to the script most of the word is written in ("Kpым" → "крым")."""

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        cyr = len(_CYRILLIC.findall(word))
        lat = len(_LATIN.findall(word))
        if cyr and lat:
            return word.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)
        return word

    return _WORD.sub(repl, text)


def phrase_pattern(phrase: str) -> str:
    """A regular expression for a folded phrase where any run of spaces, hyphens or line-break
    hyphenation may separate the words, bounded by non-letters on both sides."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", fold(phrase).strip()) if w]
    sep = r"[\s\-]+"
    return r"(?<![^\W_])" + sep.join(words) + r"(?![^\W_])"
