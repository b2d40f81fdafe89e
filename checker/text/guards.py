"""Guards: what the words around a match say about it (LEXICON "False-positive traps").

Each guard reads the *folded* window text (same length as the normalised window, so offsets
agree) and the match span. Vetoes make a match no finding at all (history, homonyms,
substrings such as "Autonomous Republic of Crimea", negation); distancing (quotation marks,
"so-called", attribution to the Russian side) makes it reportage (MT390, information).
"""

from __future__ import annotations

import re
from functools import cache

from checker.text.lexicon import Lexicon
from checker.text.normalize import fold

#: Rules that history vetoes, and the year before which a sentence counts as history: Crimea
#: was in the RSFSR until 1954; the Russian federal subjects, districts and the "reunification"
#: date from 2014; the Russian transliterations were the English names before 1991.
HISTORY_BEFORE = {
    "MT301": 1954,
    "MT302": 2014,
    "MT303": 2014,
    "MT304": 2014,
    "MT305": 2014,
    "MT307": 1991,
}
#: Rules whose "{place}, {country}" phrases may be two clauses, not an attribution
#: (:func:`clause_boundary`): "In Crimea, Russia has built a bridge".
CLAUSE_JOINTS = frozenset({"MT301"})
#: A year 1000-2099 standing alone: led by the class of its first digit, so that the regular
#: expression engine skips ahead at C speed; the look-behind after that digit is the "no digit
#: before" test.
_YEAR = re.compile(r"([12](?<!\d[12])(?:(?<=1)[0-9]{3}|(?<=2)0[0-9]{2}))(?!\d)")

#: How far (characters) guards look around a match.
NEAR_CHARS = 60
VETO_CHARS = 40
#: A source followed by a speech word at most this far on ("Russia's foreign ministry insists"),
#: or a speech word right before a source ("said Peskov", "according to Russian officials").
SOURCE_THEN_SPEECH = 45
SPEECH_THEN_SOURCE = 20
#: "Pushilin, head of the Russian-installed administration, said …": an apposition between
#: commas may stand between a source and its speech word.
_APPOSITION = re.compile(r",[^,.;:!?]{1,80},\s*$")

#: Words after which a full stop does not end a sentence (folded).
_ABBREVIATIONS = frozenset(
    (
        "st",
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "sgt",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "e.g",
        "i.e",
        "p",
        "pp",
        "vol",
        "г",
        "ул",
        "им",
        "пр",
        "т",
        "н",
        "т.н",
        "т.е",
        "т.зв",
        "зв",
        "м",
        "с",
        "ст",
        "обл",
        "р-н",
        "рис",
        "тыс",
        "млн",
        "млрд",
        "див",
        "напр",
        "см",
    )
)


#: How far a sentence reaches from a match when no sentence end is found.
SENTENCE_REACH = 400


class Sentences:
    """Sentence boundaries in one window, found on demand around a match (offsets into its
    normalised text; ``text`` and ``folded`` have the same length)."""

    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded

    def _is_end(self, pos: int) -> bool:
        """Whether the sentence-ending character at ``pos`` really ends a sentence."""
        if self.folded[pos] != ".":
            return True
        lo = max(0, pos - 40)
        word_start = max(self.folded.rfind(" ", lo, pos), self.folded.rfind("\x00", lo, pos)) + 1
        word_start = max(word_start, lo)
        token = self.folded[word_start:pos].lstrip("\"'«(„“")
        return not (token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around ``start:end``."""
        text = self.text
        # At most SENTENCE_REACH characters each way: text with no sentence ends (a list, a
        # table, a charmap's lines) merges its hits into one long window, and a sentence from
        # the window's start to every match in it made the guards quadratic.
        lo = max(0, start - SENTENCE_REACH)
        # The last boundary before the match that ends a sentence: test from the nearest back.
        for m in reversed(list(_BOUNDARY.finditer(text, lo, start))):
            at = m.start()
            if text[at] not in _ENDERS or self._is_end(at):
                lo = m.end()
                break
        hi = min(len(text), end + SENTENCE_REACH)
        for m in _BOUNDARY.finditer(text, end, hi):
            at = m.start()
            if text[at] not in _ENDERS:
                hi = at
                break
            if self._is_end(at):
                hi = at + 1
                break
        return lo, hi

    def paragraph_start(self, pos: int, reach: int = 2000) -> int:
        """Where the paragraph holding ``pos`` starts (looking back at most ``reach``)."""
        lo = max(0, pos - reach)
        hard = max(self.text.rfind("\x00", lo, pos), self.text.rfind("\n\n", lo, pos))
        return max(lo, hard)


#: A sentence end (., !, ?, … then closing quotes, then white space, or a capitalised word
#: with the space left out, as scraped pages have it: "…cynicism".Rylov lost …) or a hard
#: break (a NUL joint, a blank line, or a line break before a list item's marker:
#: "- Simferopol, Russia" and "- Founded in 1784" are two items, and the year says nothing
#: about the other one). Led by one class of every first character, so that the regular
#: expression engine skips ahead at C speed (a pattern led by alternatives is tried at every
#: position); what follows the first character depends on which it is.
_ENDERS = ".!?…"
_BOUNDARY = re.compile(
    r"[.!?…\x00\n](?:(?<=[.!?…])[\"'»”’)\]]*(?=\s|[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ])|(?<=\x00)"
    r"|(?<=\n)(?:[ \t]*\n|(?=[ \t]*(?:[-*+•‣◦▪–—]|\d{1,3}[.)])[ \t])))"
)


_OPENERS = "«„"
_CLOSERS = "»”"


_QUOTE_CHARS = re.compile("[«»„“”\"']")
#: After a closing quotation mark: the dash of direct speech ("», — сказал он").
#: (Folded text: the dash is "-".)
_SPEAKER_DASH = re.compile(r"[,.!?…]?[ \t]*[-—–][ \t]")


#: An SQL statement (folded): its apostrophes delimit values, they quote nobody.
SQL_STATEMENT = re.compile(
    r"\b(?:insert\s+into|values\s*\(|update\s+[\w.`\"]+\s+set|delete\s+from|select\s.{0,200}?\sfrom)\b"
)


def in_quotes(folded: str, start: int, end: int, from_pos: int, *, sql: bool = False) -> bool:
    """Whether ``start:end`` sits inside quotation marks opened after ``from_pos`` (the
    paragraph start), or contains one (a partly quoted phrase). With ``sql`` (the sentence is
    an SQL statement, as source code holds them in strings), apostrophes are no quotes."""
    stack: list[str] = []
    text = folded
    for m in _QUOTE_CHARS.finditer(text, from_pos, start):
        ch = m.group(0)
        i = m.start()
        if ch in _OPENERS:
            stack.append(ch)
        elif ch in _CLOSERS:
            if stack:
                stack.pop()
            if stack and _SPEAKER_DASH.match(text, i + 1):
                # «… партии «Единая Россия», — рассказал Пушилин»: one » closes both quotes
                # (the inner one's closer is often left out); a dash that names the speaker
                # ends the quotation.
                stack.clear()
        elif ch == "“":
            if stack and stack[-1] == "„":
                stack.pop()
            else:
                stack.append(ch)
        elif ch == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append(ch)
        else:  # "'": an apostrophe inside a word, or a single quotation mark
            if sql:
                continue  # VALUES ('Республика Крым')
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.isalnum() and after.isalnum():
                continue  # people's, возз'єднання
            if stack and stack[-1] == "'" and not after.isalnum():
                stack.pop()
            elif not before.isalnum() and after.isalnum():
                stack.append(ch)
            elif stack and stack[-1] == "'":
                stack.pop()
    if stack:
        return True
    inner = text[start:end]
    if any(q in inner for q in '«»„“”"'):
        return True
    return _gloss_of_a_quote(text, start, end, from_pos)


#: How far a gloss's parenthesis may open before the match, and close after it.
_GLOSS_REACH = 120


def _gloss_of_a_quote(text: str, start: int, end: int, from_pos: int) -> bool:
    """Whether ``start:end`` sits in a parenthesis right after a closing quotation mark that
    translates the quotation (one is Cyrillic, the other not): the gloss of a quoted label
    (``"Республика Крым" (Republic of Crimea)``) is part of the quotation."""
    lo = max(from_pos, start - _GLOSS_REACH)
    opened = text.rfind("(", lo, start)
    if opened < 0 or ")" in text[opened:start]:
        return False
    closed = text.find(")", end, end + _GLOSS_REACH)
    if closed < 0 or "(" in text[end:closed]:
        return False
    before = text[max(from_pos, opened - _GLOSS_REACH) : opened].rstrip()
    if not before.endswith(('"', "”", "»", "’", "'")):
        return False
    quote_open = max(before.rfind(q, 0, len(before) - 1) for q in ('"', "“", "«", "„", "‘", "'"))
    if quote_open < 0:
        return False
    quoted = before[quote_open + 1 : -1]
    gloss = text[opened + 1 : closed]
    return bool(quoted.strip()) and bool(_CYRILLIC.search(quoted)) != bool(_CYRILLIC.search(gloss))


_CYRILLIC = re.compile("[а-яёіїєґ]")


#: "{place}, Russia" read across a clause boundary (MT301): "In Crimea, Russia has built a
#: bridge", "After seizing Crimea, Russia moved troops", "В Крыму, Россия построила мост". The
#: comma closes a fronted phrase and "Russia" is the subject of the next clause. Both sides must
#: say so: a preposition or an act of seizure governs the place, and a verb follows "Russia" —
#: one that agrees with it (3rd person singular: "has", "keeps"; Russian and Ukrainian "-ла",
#: "-ет", "-є"), or, for a verb that does not show agreement ("moved", "will"), the sentence
#: opens with the fronted phrase ("After …, Russia moved"), not with its own subject
#: ("Arrivals in Simferopol, Russia rose" is an attribution). "Held in Yalta, Russia, on 12
#: June" (no verb) and "Simferopol, Russia has a population of …" (nothing governs the place)
#: stay attributions.
_CLAUSE_LEAD = {
    "en": re.compile(
        r"(?<![^\W_])(?:in|into|inside|within|from|of|on|over|across|around|throughout|near|"
        r"after|since|following|before|during|with|without|to|towards?|for|against|about|at|"
        # (the participles and nouns of seizure, "annexed", "annexation of", veto the match
        # outright: guards.tsv)
        r"beyond|despite|unlike|annex|seize|occupy|invade|capture|took|tak(?:e|ing))"
        r"\s+(?:the\s+)?$"
    ),
    "ru": re.compile(
        r"(?<![^\W_])(?:в|во|из|на|над|под|после|до|от|для|с|со|к|по|при|про|за|через|"
        r"аннекси\w*|оккупаци\w*|захват\w*|присоединени\w*|вхождени\w*|"
        r"аннексирова\w*|оккупирова\w*|захвати\w*|присоедини\w*)\s+$"
    ),
    "uk": re.compile(
        r"(?<![^\W_])(?:в|у|із|зі|з|на|над|під|після|до|від|для|по|при|про|за|через|"
        r"анексі\w*|окупаці\w*|захопленн\w*|приєднанн\w*|"
        r"анексува\w*|окупува\w*|захопи\w*|приєдна\w*)\s+$"
    ),
}
#: A verb after "Russia" that agrees with it as a subject.
_AGREEING_VERB = {
    "en": re.compile(r"\s+(?:has|is|was|does|\w{3,}[^\W_s']s)(?![^\W_])"),
    "ru": re.compile(r"\s+\w+(?:ла|ет|ит)(?![^\W_])"),
    "uk": re.compile(r"\s+\w+(?:ла|є|ить)(?![^\W_])"),
}
#: A verb (or a clause's adverb) after "Russia" that shows no agreement (English).
_OTHER_VERB = re.compile(
    r"\s+(?:had|have|were|will|would|could|should|can|may|might|must|did|also|still|then|now|"
    r"soon|quickly|already|never|only|began|begun|\w+ed)(?![^\W_])"
)
#: A sentence that opens with a fronted phrase or clause (English).
_FRONTED = re.compile(
    r"\W*(?:in|into|inside|within|from|on|over|across|around|throughout|after|since|following|"
    r"before|during|with|without|despite|unlike|having|annexing|seizing|occupying|invading|"
    r"capturing|when|while|once|although|though|because|as|until|by|upon|amid|beyond)"
    r"(?![^\W_])[^,;:]*$"
)


def clause_boundary(
    folded: str, start: int, end: int, lang: str, sentence_start: int, text: str = ""
) -> bool:
    """Whether a "{place}, Russia" match at ``start:end`` of ``folded`` is two clauses, not an
    attribution (see :data:`_CLAUSE_LEAD`); ``sentence_start`` is where its sentence starts,
    ``text`` the unfolded text (same length: its line breaks)."""
    lead = _CLAUSE_LEAD.get(lang)
    if lead is None or "," not in folded[start:end]:
        return False
    if not lead.search(folded[max(0, start - VETO_CHARS) : start]):
        return False
    if _AGREEING_VERB[lang].match(folded, end):
        return True
    if lang != "en" or _OTHER_VERB.match(folded, end) is None:
        return False
    # The sentence, or the line, opens with the fronted phrase (a string literal on the line
    # after another reads on from it when no full stop ends that one).
    line_start = max(sentence_start, (text or folded).rfind("\n", sentence_start, start) + 1)
    return any(_FRONTED.match(folded, at, start) for at in {sentence_start, line_start})


#: A sentence in the present tense ("… founded in 1918, is located in …"): its years date
#: something else, not the statement.
_PRESENT = re.compile(
    r"(?<![^\W_])(?:is located|is based|is headquartered|is situated|are located|are based|"
    r"lies in|today|currently|nowadays|находится|находятся|расположен\w*|сегодня|сейчас|ныне|"
    r"знаходиться|знаходяться|розташован\w*|сьогодні|зараз|нині)(?![^\W_])"
)


def years_before(sentence: str, before: int) -> bool:
    """The sentence names years, all of them before ``before`` (a historical statement), and
    does not speak in the present tense. A four-digit run after a decimal point or a thousands
    separator ("lon:21.1795", "$1,850"), after an identifier's word ("id 1850", "№ 1917") or
    before a unit or a counted noun ("1920 seats", "на 1920 мест", "1920 px") is no year; the
    year of a date ("18.03.2023", "2023-03-18") is one (a photo caption's "РИА Новости, 1920,
    18.03.2023" is from 2023, its 1920 an image width)."""
    years = []
    for m in _YEAR.finditer(sentence):
        at = m.start()
        if at and sentence[at - 1] in ".,":
            if sentence[at - 1] == "." and _DATE_BEFORE.search(sentence, max(0, at - 6), at):
                years.append(int(m.group(1)))
            continue
        if _NUMBERED.search(sentence, max(0, at - 12), at):
            continue
        if _QUANTITY_AFTER.match(sentence, m.end()):
            continue
        years.append(int(m.group(1)))
    return bool(years) and max(years) < before and _PRESENT.search(sentence) is None


#: Day and month before a year: "18.03." (of "18.03.2023").
_DATE_BEFORE = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.$")
#: A unit or a counted noun after a number: it counts something, it is no year.
_QUANTITY_AFTER = re.compile(
    r"\s*(?:%|px|pt|em|mb|kb|gb|km|kg|m|cm|mm|ft|mi|usd|eur|rub|uah|\$|€|₽|₴|"
    r"seats?|people|persons|visitors|guests|rooms|beds|pages|words|tons|tonnes|metres|meters|"
    r"мест\w*|місц\w*|человек|чел|людей|осіб|особ\w*|гостей|номер\w*|страниц\w*|сторін\w*|"
    r"слов\w*|тонн\w*|метр\w*|км|кг|руб\w*|грн|гривен\w*|гривень|пикс\w*|шт)(?![^\W_])"
)


#: The most characters between a title and the name it belongs to ("… Crimea Sergei ").
_TITLE_GAP = 30
#: What cannot stand between a title and its bearer's name: a clause or a quotation ends.
_NOT_A_TITLE = re.compile(r"[,.;:!?()\[\]\"«»“”„—–]|\s-\s")


#: A title in apposition after its bearer's name, up to the match: "Aksyonov, head of the".
_APPOSITION_TITLE = re.compile(
    r"\s*,\s*(?:the\s+)?(?:[\w'-]+\s+){0,2}?(?:head|leader|governor|chief|president|"
    r"prime minister|premier|mayor|speaker|chairman|глава|главы|руководител\w*|губернатор\w*|"
    r"премьер\w*|председател\w*|мэр\w*|голова|голови|керівник\w*|прем'єр\w*|очільник\w*)"
    r"(?:\s+of)?(?:\s+the)?\s*"
)


#: Sources that are places or institutions, no title's bearers ("… reunification in the
#: center of Moscow, near Red Square, according to police estimates").
_PLACES_AS_SOURCES = frozenset(
    {
        "russia", "moscow", "kremlin", "the kremlin", "россия", "москва", "в москве", "кремль",
        "кремля", "в кремле", "росія", "у москві", "в москві", "у кремлі", "в кремлі",
    }
)  # fmt: skip


def _title_of(sentence: str, at: tuple[int, int], source: tuple[int, int]) -> bool:
    """Whether the match at ``at`` is the title of the source named at ``source``: the source
    follows it within a few words, with no punctuation between ("Head of the Republic of
    Crimea Sergei Aksyonov"), or it follows the source's name as an apposition ("Sergei
    Aksyonov, head of the Republic of Crimea")."""
    gap = source[0] - at[1]
    if (
        0 <= gap <= _TITLE_GAP
        and sentence[source[0] : source[1]] not in _PLACES_AS_SOURCES
        and not _NOT_A_TITLE.search(sentence, at[1], source[0])
    ):
        return True
    return 0 <= at[0] - source[1] <= 2 * _TITLE_GAP and bool(
        _APPOSITION_TITLE.fullmatch(sentence, source[1], at[0])
    )


#: An identifier's word right before a number: the number is no year.
_NUMBERED = re.compile(r"(?:\b(?:id|no|nr|num|number|code|ref|port|№|#)\.?|[#№:=])\s*$")


def attributed(
    lex: Lexicon,
    blanked: str,
    code: str,
    match: str,
    scripts: tuple[str, ...],
    at: tuple[int, int] | None = None,
) -> str:
    """The attribution in a sentence (with the match blanked out), or ``""``. ``at`` is where
    the match lies in the sentence: a match that is the speaker's title, right before the
    source's name ("Глава Республики Крым Сергей Аксенов заявил …", "Head of the Republic of
    Crimea Sergei Aksyonov said …"), is the author's wording, not what is reported."""
    for word, pattern in lex.scoped_guards("sentence", code, scripts):
        if word is None or word in match:
            m = pattern.search(blanked)
            if m:
                return m.group(0)
    sources = [
        (m.start(), m.end(), m.group(0))
        for word, pattern in lex.scoped_guards("source", code, scripts)
        if word is None or word in match
        for m in pattern.finditer(blanked)
        if at is None or not _title_of(blanked, at, m.span())
    ]
    if not sources:
        return ""
    for word, pattern in lex.scoped_guards("speech", code, scripts):
        if word is not None and word not in match:
            continue
        for m in pattern.finditer(blanked):
            for s, e, source in sources:
                gap = m.start() - e
                if 0 <= gap <= SOURCE_THEN_SPEECH or (
                    0 <= gap <= 2 * SOURCE_THEN_SPEECH and _APPOSITION.match(blanked, e, m.start())
                ):
                    return f"{source} … {m.group(0)}"
                if 0 <= s - m.end() <= SPEECH_THEN_SOURCE:
                    return f"{m.group(0)} … {source}"
    return ""


#: Where a list's items split: commas and the words that join its last two.
_LIST_ITEMS = re.compile(r",|\b(?:and|or|и|или|і|й|та|або)\b")


#: Ukraine's neighbours, which the gazetteer lists as map features (``x:`` rows) for labels.
_NEIGHBOURS = frozenset(
    {"x:Moldova", "x:Romania", "x:Bulgaria", "x:Turkey", "x:Georgia", "x:Belarus"}
)


@cache
def _country_names() -> frozenset[str]:
    """The folded names of the world's countries other than Russia and Ukraine, in English,
    Ukrainian and Russian (the gazetteer's GeoNames rows)."""
    from checker import gazetteer

    out: set[str] = set()
    for row in gazetteer.rows():
        if row["cc"] in ("RU", "UA") or (row["kind"] != "country" and row["id"] not in _NEIGHBOURS):
            continue
        out.update(fold(name).strip() for name in gazetteer.names(row) if name.strip())
    return frozenset(out)


def in_country_list(folded: str, start: int, s_lo: int) -> bool:
    """Whether the match at ``start`` continues a list that names two or more other countries:
    "embargoed places (Cuba, Iran, Syria, Crimea, Donetsk, Luhansk, Russia)" lists places, and
    its "Luhansk, Russia" is no address."""
    head = folded[max(s_lo, start - 200) : start].rstrip()
    if not head.endswith(","):
        return False
    cut = max(head.rfind("("), head.rfind(":"), head.rfind(";"), head.rfind("\n\n"))
    names = _country_names()
    items = (item.strip() for item in _LIST_ITEMS.split(head[cut + 1 :]))
    return sum(item in names for item in items) >= 2
