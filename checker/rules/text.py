"""MT3xx: wording in documents that concedes Russian sovereignty over Crimea or occupied oblasts.

The phrase lists are data (``checker/data/lexicon/*.tsv``, see ``LEXICON.md`` for the policy
basis); these rules give each list its stable code, its message and its category. All of them
read one analysis per document (:mod:`checker.text.matcher`): a fast literal pre-scan, then
normalised matching in English, Ukrainian and Russian around the hits only, with guards for
quotation and attribution (reported as MT390, information), history, homonyms, substrings and
negation. Locations are the page, line and column of the first matched character; the
fingerprint uses the matched words and a few words around them, never line numbers.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from checker.model import (
    POLICY_NAMES,
    POLICY_OBLASTS,
    Category,
    Location,
    RawFinding,
    policy_for_regions,
)
from checker.readers.base import DataRecord, TextEvidence, TextSegment
from checker.rules.context import TextContext
from checker.rules.registry import all_rules, register
from checker.text.lexicon import load
from checker.text.matcher import REPORTAGE, Matcher, TextMatch

if TYPE_CHECKING:
    from checker.rules.data import RecordIndex as RecordIndexType

_WHY = {
    "MT301": "names a place in Crimea or an occupied oblast as part of Russia; under UN General "
    "Assembly resolutions 68/262 and ES-11/4 it is Ukraine",
    "MT302": "uses Russia's federal-subject name for Crimea or Sevastopol; UN General Assembly "
    "resolution 68/262 recognises no change to their status",
    "MT303": "counts Crimea, Sevastopol or the occupied oblasts among Russia's federal districts "
    "or subjects (UN General Assembly resolutions 68/262, ES-11/4)",
    "MT304": "frames Russia's annexation of Crimea as legitimate (reunification, accession, "
    "return); UN General Assembly resolution 68/262 declares the 2014 referendum invalid",
    "MT305": "presents the occupied parts of Donetsk, Luhansk, Zaporizhzhia or Kherson oblasts, "
    "or the 'DPR'/'LPR', as Russian or as states; UN General Assembly resolution ES-11/4 "
    "declares the purported annexation invalid",
    "MT306": "turns Russia's occupation into a 'dispute' or an open status; UN General Assembly "
    "resolution 68/262 affirms Ukraine's territorial integrity",
    "MT307": "is a Russian-derived or dated form of a Ukrainian name (the Russian "
    'transliteration, "the Ukraine", "на Украине"); Ukrainian usage (#CorrectUA) differs',
    "MT308": "'Crimean bridge' is the Russian name of the bridge Russia built to occupied Crimea",
    "MT309": "is an AP-style dateline that names Crimea without its country",
}
_CONCEPT = {
    "MT301": "place attributed to Russia",
    "MT302": "Russian federal-subject name",
    "MT303": "Russian federal district or subject count",
    "MT304": "legitimising framing",
    "MT305": "occupied oblast as Russian",
    "MT306": "disputed framing",
}


@dataclass
class _Analysed:
    """One document's analysis: its matches (once a rule asked: grouped by reported code, the
    list holding each segment, the columns of country codes), whether its text holds the word
    of a suppression directive, and the data rules' literals found in it."""

    evidence: weakref.ref[TextEvidence]
    matches: list[TextMatch]
    directive: bool
    literals: list[tuple[int, int, int]] | None
    #: The segments' texts joined by line breaks, as analysed (the data rules read it too).
    text: str
    by_code: dict[str, list[TextMatch]] | None = None
    lists: dict[int, str] | None = None
    code_columns: dict[str, dict[int, list[str]]] | None = None
    ukraine_items: frozenset[int] | None = None
    #: id() of every record that holds an item of such a list (a field of it).
    ukraine_records: frozenset[int] | None = None
    #: id(match) → how the data places the match in Ukraine (MT302 and MT310 both ask).
    placements: dict[int, str] = dataclasses.field(default_factory=dict)


#: The last document analysed: every MT3xx rule of one check reads the same analysis.
_LAST: list[_Analysed] = []


def _analysed(evidence: TextEvidence) -> _Analysed | None:
    """The cached analysis of ``evidence`` (read once: another thread may replace it)."""
    entry = _LAST[0] if _LAST else None
    return entry if entry is not None and entry.evidence() is evidence else None


@cache
def _matcher() -> Matcher:
    """The shipped lexicon's matcher, whose pre-scan also finds the literals of the data
    rules (place names and codes), so that they need not read the text a second time."""
    from checker.rules.data import shared_literals

    return Matcher(load(), extra=shared_literals())


def analysis(evidence: TextEvidence) -> list[TextMatch]:
    """The judged matches of one document, computed once for all MT3xx rules."""
    return _analyse(evidence).matches


def _analyse(evidence: TextEvidence) -> _Analysed:
    entry = _analysed(evidence)
    if entry is None:
        text = "\n".join([seg.text for seg in evidence.segments])
        matches, directive, literals = _matcher().analyse_joined(text, evidence.segments)
        matches = _without_covered(matches)
        entry = _Analysed(weakref.ref(evidence), matches, directive, literals, text)
        _LAST[:] = [entry]
    return entry


def _without_covered(matches: list[TextMatch]) -> list[TextMatch]:
    """``matches`` without an MT304 match that lies inside an MT305 match: MT304 reads a word
    such as "воссоединения" as Crimea's when Crimea is named nearby, but in "день воссоединения
    Запорожской области с Россией" the oblast's framing (MT305) is what the words say."""
    spans = [
        (m.segment, m.line, m.column, m.column + len(m.text)) for m in matches if m.code == "MT305"
    ]
    if not spans:
        return matches
    return [
        m
        for m in matches
        if m.code != "MT304"
        or not any(
            seg is m.segment
            and line == m.line
            and start <= m.column
            and m.column + len(m.text) <= end
            for seg, line, start, end in spans
        )
    ]


def data_literals(evidence: TextEvidence) -> list[tuple[int, int, int]] | None:
    """The occurrences of :func:`checker.rules.data.shared_literals` that the analysis of
    ``evidence`` found (in its segments joined by one character), or ``None`` when it has
    not been analysed (or they were not looked for)."""
    entry = _analysed(evidence)
    return entry.literals if entry is not None else None


def analysed_text(evidence: TextEvidence) -> str | None:
    """The segments' texts of ``evidence`` joined by line breaks, where the offsets of
    :func:`data_literals` point (``None`` when it has not been analysed)."""
    entry = _analysed(evidence)
    return entry.text if entry is not None else None


def may_hold_directive(evidence: TextEvidence) -> bool:
    """Whether the text segments of ``evidence`` may hold an inline suppression directive:
    ``False`` only when the analysis (already made for the MT3xx rules) found no ``mapcheck``
    word in them; the raw source lines a reader kept are not looked at."""
    entry = _analysed(evidence)
    return entry.directive if entry is not None else True


def _location(ctx: TextContext, match: TextMatch) -> Location:
    seg = match.segment
    return Location(
        path=ctx.path,
        page=seg.page,
        line=match.line,
        column=match.column,
        row=seg.row,
        key_path=seg.key_path,
    )


def _matches_of(evidence: TextEvidence, code: str) -> list[TextMatch]:
    """The matches of :func:`analysis` reported under ``code``, in document order (grouped
    once per document, not filtered again by each of the ten rules)."""
    entry = _analyse(evidence)
    if entry.by_code is None:
        grouped: dict[str, list[TextMatch]] = {}
        for match in entry.matches:
            grouped.setdefault(match.reported_code, []).append(match)
        entry.by_code = grouped
    return entry.by_code.get(code, [])


#: Codes of names that other countries' places share (Odessa in Texas, Slavyansk-na-Kubani
#: written "Slavyansk"): not reported in a data record whose own country field names another
#: country.
_HOMONYM_CODES = frozenset({"MT307"})


def _of_another_country(evidence: TextEvidence, match: TextMatch) -> bool:
    """Whether ``match`` lies in a data record (a JSON object, a CSV row …) that names its own
    country, and that country is not Ukraine: ``{"name": "Odessa", "countrycode": "US"}``.
    (A Crimean or occupied place under Russia there is the data rules' MD402, not a name's
    spelling.)"""
    if not evidence.records:
        return _row_of_another_country(evidence, match)
    from checker.rules.data import UA, record_index

    index = record_index(evidence)
    rec = index.holder(match.segment)
    if rec is None:
        return False
    country, _, has_field = index.country(rec)
    return has_field and country not in (UA, "CONFLICT")


_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def _row_of_another_country(evidence: TextEvidence, match: TextMatch) -> bool:
    """Rows written as tuples in source code (``("31.8", "-102.3", "Odessa", "US", …)``):
    whether the row's column of two-letter country codes holds another country than Ukraine.
    Columns are the reader's ``X[*].N`` lists; a row is a line holding one item of each."""
    seg = match.segment
    path = _lists_of(evidence).get(id(seg)) if evidence.enumerations else None
    if not path or "[*]." not in path:
        return False
    codes = _code_columns(evidence).get(path.rsplit(".", 1)[0], {}).get(seg.line or 0, [])
    return len(codes) == 1 and codes[0] != "UA"


def _code_columns(evidence: TextEvidence) -> dict[str, dict[int, list[str]]]:
    """Columns of two-letter country codes (at least 90 % of the items, two codes or more) by
    the rows' key path (``X[*]``): line → the codes on it."""
    entry = _analyse(evidence)
    if entry.code_columns is None:
        found: dict[str, dict[int, list[str]]] = {}
        for enum in evidence.enumerations:
            key = enum.key_path or ""
            if "[*]." not in key or len(enum.items) < 2:
                continue
            texts = [item.text.strip() for item in enum.items]
            codes = [t for t in texts if _COUNTRY_CODE.fullmatch(t)]
            if len(codes) < 0.9 * len(texts) or len(set(codes)) < 2:
                continue
            by_line = found.setdefault(key.rsplit(".", 1)[0], {})
            for item, text in zip(enum.items, texts, strict=True):
                by_line.setdefault(item.line or 0, []).append(text)
        entry.code_columns = found
    return entry.code_columns


def _lists_of(evidence: TextEvidence) -> dict[int, str]:
    """id(segment) → the key path of the list (enumeration) holding it (kept with the
    document's analysis)."""
    entry = _analyse(evidence)
    if entry.lists is None:
        lists: dict[int, str] = {}
        for enum in evidence.enumerations:
            if enum.key_path:
                for seg in enum.items:
                    lists.setdefault(id(seg), enum.key_path)
        entry.lists = lists
    return entry.lists


def _ukraine_items(evidence: TextEvidence) -> frozenset[int]:
    """id() of every item of a list of Ukraine's regions (``rules.data.whose_regions``; kept
    with the document's analysis)."""
    entry = _analyse(evidence)
    if entry.ukraine_items is None:
        from checker.rules.data import REGION_LIST_MIN, UA, whose_regions

        found: set[int] = set()
        for enum in evidence.enumerations:
            if len(enum.items) < REGION_LIST_MIN:
                continue
            whose = whose_regions([item.text for item in enum.items])
            if whose is not None and whose[0] == UA:
                found.update(id(item) for item in enum.items)
        entry.ukraine_items = frozenset(found)
    return entry.ukraine_items


def _in_ukraine_list_entry(evidence: TextEvidence, match: TextMatch) -> bool:
    """Whether ``match`` is a value of a record one of whose other fields is an item of a list
    of Ukraine's regions (an API's ``{"name": "Республика Крым", "declension": "в Республике
    Крым"}`` among Ukraine's oblasts)."""
    from checker.rules.data import record_index

    entry = _analyse(evidence)
    if entry.ukraine_records is None:
        items = _ukraine_items(evidence)
        index = record_index(evidence)
        found: set[int] = set()
        for enum in evidence.enumerations:
            for item in enum.items:
                if id(item) in items:
                    rec = _entry_of(index, item)
                    if rec is not None:
                        found.add(id(rec))
        entry.ukraine_records = frozenset(found)
    if not entry.ukraine_records:
        return False
    holder = _entry_of(record_index(evidence), match.segment)
    return holder is not None and id(holder) in entry.ukraine_records


def _entry_of(index: RecordIndexType, seg: TextSegment) -> DataRecord | None:
    """The record a value is a field of: in data its holder, in source code its object
    literal."""
    return index.holder(seg) or index.literal_record(seg)


def _whole_value(match: TextMatch) -> bool:
    """Whether ``match`` is its segment's whole text (spacing and case aside): a list item or a
    field's value. (A length test first: prose segments are whole paragraphs, never one.)"""
    seg_text = match.segment.text
    if len(seg_text) > 2 * len(match.text) + 16:
        return False
    return " ".join(match.text.split()).casefold() == " ".join(seg_text.split()).casefold()


def _ukraine_placement(evidence: TextEvidence, match: TextMatch) -> str:
    """:func:`_placement_of`, computed once per match for the rules that ask."""
    placements = _analyse(evidence).placements
    found = placements.get(id(match))
    if found is None:
        found = placements[id(match)] = _placement_of(evidence, match)
    return found


def _placement_of(evidence: TextEvidence, match: TextMatch) -> str:
    """How the data places ``match`` under Ukraine, or ``""``: a value of a record whose own
    country is Ukraine (JHU's lookup table: "Crimea Republic*" in a row of country Ukraine);
    a whole item of a list of Ukraine's regions (a dropdown, a table column: "Республика
    Крым" between "Херсонская область" and "Киевская область"); or an alias in the record or
    on the line that names the region by its Ukrainian name (``{uk: "Автономна Республіка
    Крим", aliases: ["Республика Крым"]}``)."""
    if evidence.records and _in_ukraine_record(evidence, match):
        return "a value of a record whose country is Ukraine: the record places it in Ukraine"
    if not _whole_value(match):
        return ""
    if evidence.enumerations and id(match.segment) in _ukraine_items(evidence):
        return "an item of a list of Ukraine's regions: the list places it in Ukraine"
    if evidence.enumerations and evidence.records and _in_ukraine_list_entry(evidence, match):
        return (
            "a field of an entry of a list of Ukraine's regions (its name, another field): "
            "the list places it in Ukraine"
        )
    if _beside_its_ukrainian_name(evidence, match):
        return "an alias beside its Ukrainian name: the entry places it in Ukraine"
    return ""


def _in_ukraine_record(evidence: TextEvidence, match: TextMatch) -> bool:
    """Whether ``match`` lies in a record (a CSV row, a JSON object) whose own country field
    says Ukraine."""
    from checker.rules.data import UA, record_index

    index = record_index(evidence)
    rec = index.holder(match.segment)
    if rec is None:
        return False
    country, _, has_field = index.country(rec)
    return has_field and country == UA


#: Crimea's and Sevastopol's names and codes in Ukraine's own usage.
_UKRAINIAN_NAME = re.compile(
    r"автономн\w* республ\w* крым|автономн\w* республ\w* крим|autonomous republic of crimea"
    r"|\bUA-43\b|\bUA-40\b|\bар крим|\bар крым|\bм\.? ?севастопіль",
    re.IGNORECASE,
)


#: Russia named beside it: then the Ukrainian name is what is being replaced, not the home.
_RUSSIAN_MARK = re.compile(
    r"(?<![A-Za-z]{2}[-_])\bRUS?\b|\bRU[-_]|(?i:\bru[-_](?!ru\b|ua\b|by\b|kz\b)[a-z0-9]{1,3}\b)"
    r"|(?i:росси|російськ|росія|russia)"
)  # "ru-14", Highcharts' key for Crimea in Russia; not a locale ("ru-RU", "uk_RU")


def _beside_its_ukrainian_name(evidence: TextEvidence, match: TextMatch) -> bool:
    seg = match.segment
    if evidence.records and seg.key_path and seg.key_path.startswith("$"):
        from checker.rules.data import record_index

        index = record_index(evidence)
        rec = index.holder(seg)
        if rec is not None:
            values = " | ".join(str(v) for v in rec.fields.values() if isinstance(v, str))
            if _UKRAINIAN_NAME.search(values) and not _RUSSIAN_MARK.search(values):
                # (not when the entry sits under Russia: {"country_code": "RU", "subdivisions":
                # {"Respublika Krym": {"local_code": "Автономна …", "local_name": "Республика
                # Крым"}}} names Crimea both ways, and files it under Russia)
                parent = index.parent_country(rec.key_path, skip=rec)
                return parent is None or parent[0] != "RU"
    lines = evidence.source_lines
    line = seg.line or 0
    if evidence.format == "source" and 0 < line <= len(lines):
        text = lines[line - 1]
        return _UKRAINIAN_NAME.search(text) is not None and not _RUSSIAN_MARK.search(text)
    return False


def _a_persons_name(evidence: TextEvidence, match: TextMatch) -> bool:
    """Whether ``match`` is a whole value in a list or field of people's names."""
    seg = match.segment
    path = seg.key_path or (_lists_of(evidence).get(id(seg)) if evidence.enumerations else None)
    if not path:
        return False  # (first: a block of prose may be long, and is never such a value)
    if not _whole_value(match):
        return False
    from checker.rules.data import PERSON_KEY, key_names

    names = key_names(path)
    return bool(names) and PERSON_KEY.search(names[-1]) is not None


#: At most this many findings of one rule are listed per file for the same wording (as the
#: data rules list at most as many per value); the last one listed counts the rest. A list of
#: 250,000 "Simferopol, Russia" lines gave as many findings, and 2.6 GB of report.
MAX_PER_WORDING = 20


def cap_repeated_wording(raw: list[RawFinding]) -> list[RawFinding]:
    """``raw`` with at most :data:`MAX_PER_WORDING` findings of each MT3xx rule per wording
    (the matched text, case and spacing aside); the last one listed says how many more there
    are. Applied after inline suppression, so that a directive on any occurrence is used and
    the occurrences it silences are not counted."""

    def wording(finding: RawFinding) -> tuple[str, str] | None:
        if not finding.code.startswith("MT") or "match" not in finding.evidence:
            return None
        return finding.code, " ".join(str(finding.evidence["match"]).split()).casefold()

    counts = Counter(w for w in map(wording, raw) if w is not None)
    if not counts or max(counts.values()) <= MAX_PER_WORDING:
        return raw
    out: list[RawFinding] = []
    seen: Counter[tuple[str, str]] = Counter()
    for finding in raw:
        key = wording(finding)
        if key is None or counts[key] <= MAX_PER_WORDING:
            out.append(finding)
            continue
        seen[key] += 1
        if seen[key] < MAX_PER_WORDING:
            out.append(finding)
        elif seen[key] == MAX_PER_WORDING:
            more = counts[key] - MAX_PER_WORDING
            out.append(
                dataclasses.replace(
                    finding,
                    message=f"{finding.message} ({more:,} more occurrences of this wording "
                    "not listed)",
                    evidence={**finding.evidence, "not_listed": more},
                )
            )
    return out


def _findings(
    ctx: TextContext, code: str, *, in_ukraine_list: bool | None = None
) -> Iterator[RawFinding]:
    """Findings of ``code``'s matches; with ``in_ukraine_list`` set, only those that are (True)
    or are not (False) whole items of a list of Ukraine's regions, the first reported as
    MT310."""
    for match in _matches_of(ctx.evidence, code):
        if code in _HOMONYM_CODES and (
            _of_another_country(ctx.evidence, match) or _a_persons_name(ctx.evidence, match)
        ):
            continue
        if in_ukraine_list is not None:
            placement = _ukraine_placement(ctx.evidence, match)
            if bool(placement) is not in_ukraine_list:
                continue
            if in_ukraine_list:
                yield _naming_in_ukraine_list(ctx, match, placement)
                continue
        evidence: dict[str, object] = {
            "match": match.text,
            "phrase": match.phrase,
            "language": match.lang,
            "lexicon": match.where,
        }
        quoted = " ".join(match.text.split())
        if code == REPORTAGE:
            evidence["concept"] = match.code
            evidence["reportage"] = match.reportage
            message = (
                f"“{quoted}” is {_CONCEPT.get(match.code, match.code)} wording ({match.code}), "
                f"but {_distance(match.reportage)}: reportage, not the document's own claim"
            )
            suggestion = (
                "Fine as reportage; make sure the text itself says the area is Ukraine "
                f"(e.g. “{match.suggestion}”)."
                if match.suggestion
                else "Fine as reportage."
            )
        else:
            message = f"“{quoted}” {_WHY[code]}"
            suggestion = f"Write “{match.suggestion}”." if match.suggestion else ""
        yield RawFinding(
            code=code,
            message=message,
            location=_location(ctx, match),
            confidence=match.confidence,
            evidence=evidence,
            suggestion=suggestion,
            identity=match.identity,
            policy=_policy(match.code, match.folded),
        )


@lru_cache(maxsize=4096)
def _policy(concept: str, folded: str) -> str:
    """The resolution behind a match of rule ``concept``: by the places it names (ES-11/4 for
    "ДНР" or "Zaporizhzhia Oblast of Russia", 68/262 for "Республика Крым"), else the rule's
    own; spelling (MT307) cites the romanisation standard whatever the place."""
    from checker.rules.data import gazetteer

    default = all_rules()[concept].policy
    if concept == "MT307":
        return default
    entries = gazetteer().find_in(folded, exact_only_too=True)
    return policy_for_regions((e.place.region for e in entries), default)


def _naming_in_ukraine_list(ctx: TextContext, match: TextMatch, placement: str) -> RawFinding:
    quoted = " ".join(match.text.split())
    return RawFinding(
        code="MT310",
        message=(
            f"“{quoted}” is Russia's federal-subject name for Crimea or Sevastopol, here "
            f"{placement}, but under the occupying power's administrative name"
        ),
        location=_location(ctx, match),
        confidence=match.confidence,
        evidence={
            "match": match.text,
            "phrase": match.phrase,
            "language": match.lang,
            "lexicon": match.where,
            "concept": "MT302",
        },
        suggestion=f"Write “{match.suggestion}”." if match.suggestion else "",
        identity="MT310" + match.identity[len(match.code) :],
        policy=_policy(match.code, match.folded),
    )


def _distance(reason: str) -> str:
    if reason == "quoted":
        return "it is quoted"
    return f"it is distanced or attributed (“{reason}”)"


@register("MT301", "text.place-attributed-to-russia", Category.CONCEDES, "text")
def place_attributed_to_russia(ctx: TextContext) -> Iterator[RawFinding]:
    """A place in Crimea or an occupied oblast is attributed to Russia.

    Captions, datelines and addresses such as "Simferopol, Russia", "Yalta (Russia)",
    "Crimea in Russia", "Mariupol, Russia", "Крым, Россия", "Россия, г. Севастополь",
    "Сімферополь, Росія". Russian-language text is not Russian sovereignty: "Симферополь,
    Украина" is correct. "Sevastopol, Russia's Black Sea Fleet base" names a base, not a
    country, and is not reported; nor is "Donetsk, Rostov oblast" (a Russian town).

    Bad: ``Photo: a street market in Simferopol, Russia, in May 2023.``
    Good: ``Photo: a street market in Simferopol, Crimea, Ukraine, in May 2023.``
    """
    return _findings(ctx, "MT301")


@register("MT302", "text.federal-subject-name", Category.CONCEDES, "text")
def federal_subject_name(ctx: TextContext) -> Iterator[RawFinding]:
    """Crimea or Sevastopol under the name of a Russian federal subject.

    "Republic of Crimea" (but not "Autonomous Republic of Crimea", its name in Ukraine's
    constitution), "Республика Крым" (not "Автономная Республика Крым"), bare "Республіка Крим"
    (not "Автономна Республіка Крим"), "federal city of Sevastopol", "город федерального значения
    Севастополь". The short-lived Republic of Crimea of 1992-1995 (within Ukraine) is history.

    Bad: ``The Republic of Crimea announced new tourist taxes.``
    Good: ``The Russian-installed authorities in the Autonomous Republic of Crimea announced …``
    """
    return _findings(ctx, "MT302", in_ukraine_list=False)


@register("MT303", "text.federal-district", Category.CONCEDES, "text")
def federal_district(ctx: TextContext) -> Iterator[RawFinding]:
    """Crimea placed in a Russian federal district, or counted among Russia's federal subjects.

    "Crimean Federal District", "Крымский федеральный округ", "Кримський федеральний округ",
    "Southern Federal District" in a text about Crimea, "Russia's 85 (or 89) federal subjects"
    (Russia has 83 within its recognised borders).

    Bad: ``Sevastopol is a city in the Southern Federal District of Russia.``
    Good: ``Sevastopol is a city in Crimea, Ukraine, occupied by Russia since 2014.``
    """
    return _findings(ctx, "MT303")


@register("MT304", "text.legitimising-framing", Category.CONCEDES, "text")
def legitimising_framing(ctx: TextContext) -> Iterator[RawFinding]:
    """The 2014 annexation told as a legitimate event.

    "Reunification" (in a text about Crimea), "Crimea rejoined / returned to Russia",
    "accession of Crimea to Russia", "Crimea voted to join Russia", "Crimea is Russian";
    "воссоединение Крыма", "присоединение Крыма", "вхождение Крыма в состав России", "Крым наш",
    "Крым — это Россия", "Крым в составе России"; "возз'єднання Криму", "Крим у складі Росії".
    Descriptive or critical framing is not reported: "Russia annexed Crimea in 2014", "Russia's
    illegal annexation", "Russian-occupied Crimea", "Russia claims Crimea". Quoted or attributed
    wording ("Moscow calls it 'reunification'") is reportage (MT390).

    Bad: ``Since Crimea rejoined Russia in 2014, tourism has grown.``
    Good: ``Since Russia's illegal annexation of Crimea in 2014, tourism has fallen.``
    """
    return _findings(ctx, "MT304")


@register("MT305", "text.occupied-oblast-as-russian", Category.CONCEDES, "text", POLICY_OBLASTS)
def occupied_oblast_as_russian(ctx: TextContext) -> Iterator[RawFinding]:
    """Occupied parts of Donetsk, Luhansk, Zaporizhzhia or Kherson oblasts shown as Russian.

    "New regions of Russia", "Zaporozhye region of Russia", "Херсонская область России",
    "новые регионы", and the "DPR"/"LPR" ("Donetsk People's Republic", "ДНР") named as if they
    were states. "So-called", "self-proclaimed", "Russian-backed", "так называемая", "так звана"
    or quotation marks make it reportage (MT390).

    Bad: ``The Donetsk People's Republic opened a new school in Mariupol.``
    Good: ``Russia's occupation administration in Donetsk oblast opened a school in Mariupol.``
    """
    return _findings(ctx, "MT305")


@register("MT306", "text.disputed-framing", Category.DISPUTES, "text")
def disputed_framing(ctx: TextContext) -> Iterator[RawFinding]:
    """Crimea described as disputed rather than occupied.

    "Disputed territory" (about Crimea), "Crimea (disputed)", "Crimea (Russia/Ukraine)", "claimed
    by Ukraine", "special status for Crimea", "спорная территория", "спірний півострів". A
    warning in the ``un`` profile, an error in ``ua-strict``. "Crimea is not a disputed
    territory" is not reported.

    Bad: ``Crimea, a disputed territory claimed by both Russia and Ukraine.``
    Good: ``Crimea, a Ukrainian peninsula occupied by Russia since 2014.``
    """
    return _findings(ctx, "MT306")


@register("MT307", "text.russian-transliteration", Category.STYLE, "text", POLICY_NAMES)
def russian_transliteration(ctx: TextContext) -> Iterator[RawFinding]:
    """Russian transliterations of Ukrainian place names in English, and "на Украине".

    Kiev, Kharkov, Odessa, Lvov, Zaporozhye, Nikolaev, Dnepropetrovsk, Lugansk, Rovno, Vinnitsa,
    Chernobyl, Donbass, "the Ukraine" and more; "на Украине" (Russian), "на Україні"
    (Ukrainian). Not reported: chicken Kiev, Dynamo Kiev, Kiev cameras, Kievan Rus, Odessa in
    Texas, Prince Lvov, quoted titles, and sentences about years before 1991. Chernobyl: the
    1986 disaster keeps its historical English name ("the Chernobyl disaster/accident" is not
    reported); the town, the plant and the zone today are Chornobyl. "The Ukraine war" is fine
    ("the" belongs to "war"). Information in ``un``, a warning in ``ua-strict``.

    Not reported either: items of a list of a place's other names (GeoNames'
    ``alternatenames``, ``aliases``, ``old_names``), which exist to hold every spelling.

    Bad: ``Flights to Kiev and Odessa resumed.``
    Good: ``Flights to Kyiv and Odesa resumed.``
    """
    for finding in _findings(ctx, "MT307"):
        if not _OTHER_NAMES.search(finding.location.key_path or ""):
            yield finding


#: The key of a list of a place's other names (any spelling, old ones included).
_OTHER_NAMES = re.compile(
    r"(?:^|[.\[\]'\"])(?:alternate|alternative|alt|other|old|former|historic|historical|"
    r"variant|previous)[_ -]?names?(?:$|[.\[\]'\"])|(?:^|[.\[\]'\"])(?:aliases|synonyms)"
    r"(?:$|[.\[\]'\"])",
    re.IGNORECASE,
)


@register("MT308", "text.crimean-bridge", Category.STYLE, "text")
def crimean_bridge(ctx: TextContext) -> Iterator[RawFinding]:
    """ "Crimean bridge" / "Крымский мост" for the bridge Russia built over the Kerch Strait.

    "So-called Crimean bridge" and quoted uses are not reported; nor is Krymsky Bridge over the
    Moskva river in Moscow.

    Bad: ``Traffic on the Crimean bridge was halted.``
    Good: ``Traffic on the Kerch bridge, built by Russia to occupied Crimea, was halted.``
    """
    return _findings(ctx, "MT308")


@register("MT309", "text.dateline-crimea-only", Category.STYLE, "text")
def dateline_crimea_only(ctx: TextContext) -> Iterator[RawFinding]:
    """An AP-style dateline that names Crimea but no country ("SEVASTOPOL, Crimea (AP) —").

    Newsroom practice, and correct under the ``un`` profile (not reported there); Ukrainian MFA
    usage adds the country, so ``ua-strict`` reports it as information.

    Bad: ``SIMFEROPOL, Crimea (AP) — Officials said on Monday …`` (ua-strict)
    Good: ``SIMFEROPOL, Crimea, Ukraine (AP) — Officials said on Monday …``
    """
    return _findings(ctx, "MT309")


@register("MT310", "text.federal-subject-name-in-ukraine-list", Category.STYLE, "text")
def federal_subject_name_in_ukraine_list(ctx: TextContext) -> Iterator[RawFinding]:
    """Crimea or Sevastopol under a Russian federal-subject name as an item of a list of
    Ukraine's regions.

    A dropdown, table column or array that names three or more of Ukraine's unoccupied regions
    and none of Russia's places Crimea in Ukraine; "Republic of Crimea" or "Республика Крым"
    among them is the occupying power's administrative name, not a claim of sovereignty (MT302
    reports the name everywhere else). So is an alias in the record, or on the source line, that
    names the region by its Ukrainian name or code and names no Russia (a search alias of
    Ukraine's own Crimea entry). Information under ``un``, a warning under ``ua-strict``.

    Bad: ``["Херсонська область", "Республіка Крим", "Київська область", "Одеська область"]``
    Good: ``["Херсонська область", "Автономна Республіка Крим", "Київська область", …]``
    """
    return _findings(ctx, "MT302", in_ukraine_list=True)


@register("MT390", "text.reportage", Category.REPORTAGE, "text")
def reportage(ctx: TextContext) -> Iterator[RawFinding]:
    """Conceding or disputing wording that is quoted or attributed: reportage, not a claim.

    A phrase of MT301-MT306 inside quotation marks (« », “ ”, „ “, " ", ' '), after a distancing
    word ("so-called", "self-proclaimed", "Russian-backed", "так называемая", "так звана",
    "псевдо…"), or in a sentence that attributes it to the Russian side ("according to Russian
    authorities", "Moscow calls it", "Kremlin says", "Putin said", "по версии Кремля"). One
    finding per phrase, naming the underlying rule in ``evidence.concept``; information in every
    profile.

    Bad: (none: reportage is information) ``Putin called it the "reunification" of Crimea.``
    Good: ``Putin called it the "reunification" of Crimea; the UN calls it an illegal annexation.``
    """
    return _findings(ctx, REPORTAGE)
