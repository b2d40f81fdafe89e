"""Text decoding with encoding detection.

Order: byte-order marks (UTF-8, UTF-16 LE/BE, UTF-32), strict UTF-8 (the common case, decoded at
C speed), BOM-less UTF-16 (NUL bytes at every other position), then the legacy Cyrillic code
pages scored on letter statistics, and finally ``charset-normalizer`` for everything else.

The Cyrillic scoring is ours because the single-byte Cyrillic code pages are the ones that
matter here and the most often confused: a cp1251 text read as KOI8 comes out in mostly capital
letters (the two tables put lower and upper case the other way round), and a Latin-1 text read
as cp1251 gives Cyrillic letters stuck inside Latin words. Natural Ukrainian and Russian text is
mostly lower case and its most frequent letters are о а е и і н т с р в л к.
"""

from __future__ import annotations

import re

from checker.readers.base import ReaderError

_SAMPLE = 256 * 1024
#: The legacy code pages tried by the Cyrillic scorer. KOI8-U is a superset of KOI8-R for
#: letters (it adds і ї є ґ), so it reads Russian KOI8-R text too.
_CYRILLIC_CODEPAGES = ("cp1251", "koi8-u", "cp866", "iso8859-5", "mac-cyrillic")
_FREQUENT = frozenset("оаеиінтсрвлк")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_CYR_LOWER = "".join(chr(c) for c in range(0x430, 0x460)) + "\u0491"
_MIXED_RE = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")
#: A Cyrillic decoding must score at least this (:func:`_cyrillic_score`: natural text scores
#: about 0.9, a wrong table under 0.3).
_MIN_SCORE = 0.35
_ASCII = bytes(range(128))


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding name, notes) for ``data``; ME901 only for content that is not text."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _strict(data, "utf-32"), "utf-32", []
    if data.startswith(b"\xef\xbb\xbf"):
        return _lenient_utf8(data[3:], "utf-8-sig")
    if data.startswith(b"\xff\xfe"):
        return _strict(data[2:], "utf-16-le"), "utf-16-le", []
    if data.startswith(b"\xfe\xff"):
        return _strict(data[2:], "utf-16-be"), "utf-16-be", []
    sample = data[:_SAMPLE]
    # NUL bytes are valid UTF-8, so BOM-less UTF-16 is recognised before UTF-8 is tried.
    utf16 = bomless_utf16(sample) if b"\x00" in sample else None
    if utf16 is not None:
        return _strict(data, utf16), utf16, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(sample):
        return _lenient_utf8(data, "utf-8")
    cyrillic = _guess_cyrillic(sample)
    if cyrillic is not None:
        return data.decode(cyrillic, "replace"), cyrillic, []
    if _western(sample):
        return data.decode("cp1252", "replace"), "cp1252", []
    return _guess_other(data, sample)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, "replace")
        if text.count("\ufffd") > max(16, len(text) // 100):
            raise ReaderError(
                "ME901", f"not valid {encoding.upper()} text: undecodable bytes at {exc.start}"
            ) from None
        return text


def _lenient_utf8(data: bytes, name: str) -> tuple[str, str, list[str]]:
    try:
        return data.decode("utf-8"), name, []
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        bad = text.count("\ufffd")
        return text, name, [f"{bad:,} bytes that are not valid UTF-8 were replaced"]


def bomless_utf16(sample: bytes) -> str | None:
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    # ASCII-heavy UTF-16 has NULs in every other byte; Cyrillic UTF-16 has 0x04 there instead.
    if odd > pairs * 0.3 and even < pairs * 0.05:
        return "utf-16-le"
    if even > pairs * 0.3 and odd < pairs * 0.05:
        return "utf-16-be"
    high_le = sample[1 : pairs * 2 : 2].count(4)
    high_be = sample[0 : pairs * 2 : 2].count(4)
    if high_le > pairs * 0.3 and high_be < pairs * 0.05:
        return "utf-16-le"
    if high_be > pairs * 0.3 and high_le < pairs * 0.05:
        return "utf-16-be"
    return None


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8 with a few broken bytes (a cut multi-byte character, one stray Latin-1 byte)."""
    text = sample.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii > 0 and bad <= max(2, (non_ascii - bad) // 20)


def _cyrillic_score(text: str) -> float:
    """How natural ``text`` (the non-ASCII bytes, decoded) looks: the share of frequent
    lower-case letters plus half the share of lower-case letters (the wrong one of cp1251/KOI8
    swaps the cases)."""
    if not text:
        return 0.0
    frequent = sum(text.count(ch) for ch in _FREQUENT)
    lower = sum(text.count(ch) for ch in _CYR_LOWER)
    return (frequent + 0.5 * lower) / len(text)


def _guess_cyrillic(sample: bytes) -> str | None:
    high = sample.translate(None, _ASCII)[:65536]
    if not high:
        return None
    best, best_score = None, 0.0
    for codepage in _CYRILLIC_CODEPAGES:
        score = _cyrillic_score(high.decode(codepage, "replace"))
        if score > best_score:
            best, best_score = codepage, score
    if best is None or best_score < _MIN_SCORE:
        return None
    text = sample[:65536].decode(best, "replace")
    letters = len(_CYR_RE.findall(text))
    # Latin-1/cp1252 prose read as Cyrillic: accented letters become Cyrillic ones inside
    # Latin words.
    if letters == 0 or len(_MIXED_RE.findall(text)) > letters * 0.2:
        return None
    return best


_WESTERN_PUNCT = frozenset(
    "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a3\u00b0\u00a7\u00a9\u00ae\u00ab\u00bb\u00b7\u00a0"
)


def _western(sample: bytes) -> bool:
    """Windows-1252 (Latin-1) text: every non-ASCII character a letter of a Latin word or common
    punctuation. Checked before the general detector, which confuses short Western samples
    with Baltic and Central European code pages."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [i for i, ch in enumerate(text) if ord(ch) > 127]
    if not high:
        return False
    inside = 0
    for i in high:
        ch = text[i]
        if ch in _WESTERN_PUNCT:
            continue
        if not ch.isalpha():
            return False
        near = text[max(0, i - 1) : i + 2]
        if any(c.isascii() and c.isalpha() for c in near):
            inside += 1
    letters = sum(1 for i in high if text[i] not in _WESTERN_PUNCT)
    return letters == 0 or inside >= letters * 0.8


def _guess_other(data: bytes, sample: bytes) -> tuple[str, str, list[str]]:
    from charset_normalizer import from_bytes

    match = from_bytes(sample).best()
    if match is None:
        raise ReaderError("ME901", "the file is not text in any encoding mapcheck recognises")
    encoding = str(match.encoding).replace("_", "-")
    try:
        text = data.decode(encoding, "replace")
    except LookupError:  # a codec name Python does not know
        text = data.decode("cp1252", "replace")
        encoding = "cp1252"
    return text, encoding, [f"encoding guessed as {encoding}"]
