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
    """Same-length canonical form of ``text`` for matching (see the module docstring)."""
    out = "".join(_fold_char(ch) for ch in text)
    return _fix_mixed_scripts(out)


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
