"""MD4xx: data files, lists and codes that put Crimea or the occupied oblasts in Russia.

The rules read a data file's structure (:class:`~checker.readers.base.Enumeration` lists,
:class:`~checker.readers.base.DataRecord` rows) and its text segments, and match names against the
editable gazetteer in ``checker/data/places/`` (Russia's federal subjects, the occupied regions and
their towns in English, Ukrainian, Russian and Crimean Tatar, Ukraine's other regions, and the
codes Russia's administration issued: ``RU-CR``, +7 978, 295xxx, URFF …).

Everything here is linear in the input. One pass over all segment text (joined, as UTF-8
bytes, through an Aho-Corasick automaton of occupied-place words and literal codes, from
``ahocorasick_rs`` when installed; literal-led regular expressions for postal codes) finds every
candidate; only the records and lists around a candidate are then examined in Python. List items
and field values are classified once per *distinct* value (cached); small lists are classified
whole, so look-alike letters ("Kрым") are caught there too. The scan is shared by all rules
(kept for the last evidence seen).

Bare homonyms are never enough: Krymsk (Krasnodar krai), Donetsk (Rostov oblast), "Krymskaya
street" and "Sevastopolsky Prospekt" are not Crimea; a bare "Donetsk" counts only beside another
place or code of the occupied areas.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from checker.model import (
    POLICY_BOTH,
    POLICY_CRIMEA,
    POLICY_NAMES,
    Category,
    Location,
    RawFinding,
    policy_for_regions,
)
from checker.readers.base import (
    STRUCTURED_PATHS,
    DataRecord,
    Enumeration,
    TextEvidence,
    TextSegment,
)
from checker.rules.context import TextContext
from checker.rules.registry import declare, register

#: A list must name at least this many of Russia's federal subjects (within its recognized
#: borders) before Crimea in it counts as "listed among Russia's regions". Five keeps short
#: mixed lists ("Moscow, Kyiv, Minsk, Crimea") out while every real region list (80+ items, or
#: Faker-style lists split by subject type: 9 krais, 21 republics) is far above it.
MIN_RUSSIAN_SUBJECTS = 5
#: …and at least this share of its distinct values must be recognised places. Street-name lists
#: ("Московская", "Тульская", "Запорожская" … among 300 streets) stay below it; region lists are
#: above 0.8.
MIN_PLACE_SHARE = 0.3
#: A list naming this many of Ukraine's other regions lists Ukraine's regions too; Crimea in it is
#: only reported when it sits inside the block of Russian items.
MIN_UKRAINE_REGIONS = 3
#: A list whose recognised items change country more often than this is interleaved (sorted by
#: name across countries): no position in it says "Russia's block".
MAX_COUNTRY_RUNS = 6
#: Lists up to this many items are analysed whole (so look-alike letters, "Kрым", are caught),
#: up to :data:`FULL_LIST_BUDGET` items per file; longer lists only when the one-pass scan
#: found an occupied place in them. Keeps the cost per file bounded on huge inputs.
FULL_LIST_ITEMS = 1_000
FULL_LIST_BUDGET = 20_000
#: Code findings (MD403–MD408) and records (MD402) are reported one by one up to this many per
#: distinct value (place), so each keeps its own line for suppression comments; the last one
#: reported says how many more there are.
MAX_PER_VALUE = 20
#: A segment of more than this many words is prose: a subdivision code in it is mentioned, not
#: used (codes in data are whole values, keys, ids or short cells).
PROSE_WORDS = 8
#: Findings list at most this many example rows/items in their evidence.
MAX_EXAMPLES = 10

_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "places"

_RESOLUTION = {
    "UA-43": "UNGA 68/262",
    "UA-40": "UNGA 68/262",
    "UA-14": "UNGA ES-11/4",
    "UA-09": "UNGA ES-11/4",
    "UA-23": "UNGA ES-11/4",
    "UA-65": "UNGA ES-11/4",
}
_REGION_NAMES = {
    "UA-43": "the Autonomous Republic of Crimea",
    "UA-40": "Sevastopol",
    "UA-14": "Donetsk oblast",
    "UA-09": "Luhansk oblast",
    "UA-23": "Zaporizhzhia oblast",
    "UA-65": "Kherson oblast",
}


def region_name(region: str) -> str:
    """The English name of an occupied area by its ISO 3166-2 code ("Donetsk oblast")."""
    return _REGION_NAMES.get(region, region)


_SHORT_NAMES = {
    "UA-43": "Crimea",
    "UA-40": "Sevastopol",
    "UA-14": "Donetsk oblast",
    "UA-09": "Luhansk oblast",
    "UA-23": "Zaporizhzhia oblast",
    "UA-65": "Kherson oblast",
}
_CORRECT_NAMES = {
    "UA-43": "Autonomous Republic of Crimea (UA-43)",
    "UA-40": "Sevastopol (UA-40)",
    "UA-14": "Donetsk oblast (UA-14)",
    "UA-09": "Luhansk oblast (UA-09)",
    "UA-23": "Zaporizhzhia oblast (UA-23)",
    "UA-65": "Kherson oblast (UA-65)",
}

# --- normalisation ------------------------------------------------------------------------------

_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\uff07"
_DROP = re.compile("[" + re.escape(_APOSTROPHES) + "\u00ad]")
_NON_WORD = re.compile(r"[^\w]+")
_LATIN = re.compile(r"[a-z]")
_NON_ASCII_LETTER = re.compile(r"[\u0400-\u04ff]")
_LAT_TO_CYR = str.maketrans("aceiopxyk", "асеіорхук")
_CYR_TO_LAT = str.maketrans("асеіорхук", "aceiopxyk")
_DIGIT = re.compile(r"\d")
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")

#: Words naming a kind of region or settlement; stripped so that "Amur Oblast", "Amurskaya
#: oblast'" and "Амурская обл." all meet "Amur"/"Амурская" in the gazetteer.
_TYPE_WORDS = frozenset(
    {
        "oblast", "obl", "region", "province", "krai", "kray", "kraj", "territory", "republic",
        "rep", "resp", "respublika", "autonomous", "avtonomnaya", "avtonomnyy", "avtonomnyi",
        "avtonomnyj", "avtonomna", "avtonomnoy", "okrug", "ao", "district", "city", "gorod",
        "misto", "federal", "of", "the", "область", "обл", "край", "республика", "респ",
        "автономная", "автономный", "автономной", "автономна", "автономний", "округ", "ао",
        "город", "г", "федерального", "значения", "федеральный", "республіка", "місто", "м",
    }
)  # fmt: skip
#: Abbreviations of type words, written out before phrase search in free text.
_TYPE_CANON = {"обл": "область", "респ": "республика", "obl": "oblast", "resp": "respublika"}


def _fix_script(token: str) -> str:
    """Map look-alike letters to the script most of the token is written in ("Kpым" → "крым")."""
    if token.isascii() or not _LATIN.search(token):
        return token
    cyr = len(_NON_ASCII_LETTER.findall(token))
    lat = len(_LATIN.findall(token))
    if not cyr:
        return token
    return token.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)


def tokens(text: str) -> list[str]:
    """Folded word tokens: case, compatibility forms, apostrophes and soft hyphens (dropped),
    dashes and underscores (split), ё → е, look-alike letters (mapped to the word's script)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    if _DROP.search(folded):
        folded = _DROP.sub("", folded)
    if "ё" in folded:
        folded = folded.replace("ё", "е")
    if "_" in folded:
        folded = folded.replace("_", " ")
    toks = [t for t in _NON_WORD.split(folded) if t]
    if not folded.isascii() and _LATIN.search(folded):
        toks = [_fix_script(t) for t in toks]
    return toks


def _keys(text: str) -> tuple[str, str]:
    """(full key, key without type words) of a name."""
    toks = tokens(text)
    full = " ".join(toks)
    stripped = " ".join(t for t in toks if t not in _TYPE_WORDS)
    return full, stripped


# --- the gazetteer ------------------------------------------------------------------------------

#: Countries a gazetteer place belongs to: Russia within its recognized borders, the occupied
#: regions of Ukraine, Ukraine's other regions.
RU, OCC, UA = "RU", "OCC", "UA"


@dataclass(frozen=True)
class Place:
    """One place of the gazetteer (a region or a town)."""

    id: str
    region: str
    country: str
    kind: str
    name: str


@dataclass(frozen=True)
class Entry:
    """A name of a place: ``ambiguous`` names need corroboration, ``exact_only`` names never
    match inside free text."""

    place: Place
    ambiguous: bool = False
    exact_only: bool = False


@dataclass
class Gazetteer:
    """Names of places, compiled for whole-value lookups and for phrase search in free text."""

    exact: dict[str, Entry] = field(default_factory=dict)
    #: first token → [(tokens, entry)] for occupied places that may be found inside free text.
    phrases: dict[str, list[tuple[tuple[str, ...], Entry]]] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    _cache: dict[str, Entry | None] = field(default_factory=dict)

    def classify(self, text: Any) -> Entry | None:
        """The place a whole value names (a list item, a field), or ``None``."""
        if not isinstance(text, str):
            return None
        hit = self._cache.get(text, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        result = self._classify(text)
        if len(self._cache) > 500_000:  # bound memory on huge files with unique values
            self._cache.clear()
        self._cache[text] = result
        return result

    def _classify(self, text: str) -> Entry | None:
        if not text or len(text) > 120 or _DIGIT.search(text):
            return None  # no place name in the gazetteer is long or holds a digit
        for n, candidate in enumerate(_candidates(text)):
            full, stripped = _keys(candidate)
            if not stripped:
                continue
            entry = self.exact.get(full) or self.exact.get(stripped)
            if entry is not None and not (n and entry.ambiguous):
                # a homonym with a qualifier ("Белогорск (Амур.)") is the qualified one
                return entry
        return None

    def find_in(self, text: str, *, exact_only_too: bool = False) -> list[Entry]:
        """Occupied places named inside free text ("ул. Ленина 1, г. Симферополь, 295000")."""
        if not isinstance(text, str) or not text:
            return []
        toks = [_TYPE_CANON.get(t, t) for t in tokens(text)]
        found: list[Entry] = []
        i = 0
        while i < len(toks):
            step = 1
            for seq, entry in self.phrases.get(toks[i], ()):
                if entry.exact_only and not exact_only_too:
                    continue
                if tuple(toks[i : i + len(seq)]) == seq:
                    found.append(entry)
                    step = len(seq)  # "республика крым" is one name, not two
                    break
            i += step
        return found


_MISSING = object()


#: The most words a place's name has ("Ханты-Мансийский автономный округ — Югра").
_NAME_WORDS = 6


def _candidates(text: str) -> Iterator[str]:
    """The value, then without parentheses ("Саха (Якутия)" → "Саха"), then each part of a
    bilingual value ("Krasnodar Krai / Краснодарский край")."""
    yield text
    if "(" in text or "[" in text:
        bare = _PAREN.sub(" ", text)
        if bare.strip():
            yield bare
    for sep in (" / ", " | ", "; "):
        if sep in text:
            parts = [p for p in text.split(sep) if p.strip()]
            # names in two languages, not a headline with a section after it ("Глава ДНР
            # рассказал о … | Республика Крым"): every part short
            if all(len(p.split()) <= _NAME_WORDS for p in parts):
                yield from parts


def _read_tsv(name: str) -> Iterator[list[str]]:
    path = _DATA_DIR / name
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        yield [cell.strip() for cell in raw.split("\t")]


def _variants(cells: Iterable[str]) -> Iterator[tuple[str, bool, bool]]:
    """(name, ambiguous, exact_only) for every ``|``-separated variant in the cells."""
    for cell in cells:
        for raw in cell.split("|"):
            name = raw.strip()
            ambiguous = exact_only = False
            while name[:1] in ("=", "?"):
                if name[0] == "=":
                    exact_only = True
                else:
                    ambiguous = True
                name = name[1:].strip()
            if name:
                yield name, ambiguous, exact_only


_ADJECTIVE = re.compile(r"(?:ская|цкая|ська|цька|ский|ський|ской|skaya|ska|skiy|sky)$")


@cache
def gazetteer() -> Gazetteer:
    """The compiled gazetteer (loaded once per process)."""
    gaz = Gazetteer()
    explicit: list[tuple[str, str, Entry]] = []  # (full key, stripped key, entry)
    for cells in _read_tsv("russian_subjects.tsv"):
        code, kind = cells[0], cells[1]
        place = Place(code, code, RU, kind, cells[2].split("|")[0].strip())
        gaz.places[place.id] = place
        for name, amb, exact in _variants(cells[2:5]):
            explicit.append((*_keys(name), Entry(place, amb, exact)))
        if len(cells) > 5:
            city = Place(f"{code}:capital", code, RU, "city", cells[5].split("|")[0].strip())
            for name, amb, exact in _variants(cells[5:6]):
                explicit.append((*_keys(name), Entry(city, amb, exact)))
    for filename, country in (("occupied.tsv", OCC), ("ukraine_regions.tsv", UA)):
        for cells in _read_tsv(filename):
            code, kind, canonical = cells[0], cells[1], cells[2]
            pid = code if kind == "region" else f"{code}:{canonical}"
            place = Place(pid, code, country, kind, canonical)
            gaz.places[pid] = place
            for name, amb, exact in _variants(cells[3:]):
                full = _keys(name)[0]
                bare_adjective = " " not in full and _ADJECTIVE.search(full) is not None
                explicit.append((*_keys(name), Entry(place, amb, exact or bare_adjective)))
    # Explicit names first; a key without type words only where no explicit name claims it
    # ("Donetsk Oblast" stripped is "donetsk", which the city's own entry already holds).
    for full, _stripped, entry in explicit:
        gaz.exact.setdefault(full, entry)
    for _full, stripped, entry in explicit:
        if stripped:
            gaz.exact.setdefault(stripped, entry)
    for full, _stripped, entry in explicit:
        if entry.place.country != OCC or not full:
            continue
        seq = tuple(_TYPE_CANON.get(t, t) for t in full.split())
        bucket = gaz.phrases.setdefault(seq[0], [])
        if all(s != seq for s, _ in bucket):
            bucket.append((seq, entry))
    for bucket in gaz.phrases.values():
        bucket.sort(key=lambda item: -len(item[0]))  # longest phrase first
    return gaz


@dataclass(frozen=True)
class CodeInfo:
    """One row of ``codes.tsv``."""

    kind: str
    value: str
    region: str
    correct: str
    note: str


@cache
def codes() -> tuple[CodeInfo, ...]:
    """The code table (``codes.tsv``)."""
    out = []
    for row in _read_tsv("codes.tsv"):
        kind, value, region, correct, note = [*row, "", "", "", "", ""][:5]
        out.append(CodeInfo(kind, value, region, correct, note))
    return tuple(out)


def _regions_of(region: str) -> tuple[str, ...]:
    return tuple(region.split("+"))


# --- record conventions -------------------------------------------------------------------------


def _country_roles() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from checker.geo.attribution import CODE_KEYS, NAME_KEYS, NUMERIC_KEYS

    return CODE_KEYS, NUMERIC_KEYS, NAME_KEYS


#: Keys that model *control* or claims, not sovereignty: a record may say who controls a place.
_CONTROL_KEY = re.compile(r"control|occup|claim|defacto|de_facto|administered|admin_by|operat")
#: Keys of street names: "Крымская", "Севастопольский проспект" are streets, not Crimea.
_STREET_KEY = re.compile(r"street|road|avenue|^str$|strasse|улиц|вулиц|проспект|дорог|house|дом")
#: Keys whose values are place names (looked up as whole values first).
_PLACE_KEY = re.compile(
    r"name|city|town|region|state|province|oblast|subject|admin|area|district|locality|place|"
    r"settlement|address|addr|location|label|title|text|value|municipal|county|capital|"
    r"город|місто|регион|регіон|область|адрес|населен|субъект|название|назва",
    re.IGNORECASE,
)
#: Keys whose values say where a record is (a place named there is the record's location; one
#: named in "name" or "title" may be a namesake: a restaurant "Крым" in Moscow).
_PLACE_FIELD = re.compile(
    r"city|town|region|state|province|oblast|subject|district|locality|area|settlement|"
    r"municipal|county|capital|admin|iso|code|subdivision|город|місто|регион|регіон|област|"
    r"субъект|населен|край|район",
    re.IGNORECASE,
)
#: Keys whose values are addresses: searched for town names inside them (a business *name*
#: such as "Hotel Simferopol" is not searched; a region list's "name" is matched whole).
_FREE_TEXT_KEY = re.compile(
    r"address|addr|location|locality|place|display|adres|адрес|местополож|розташув|geo",
    re.IGNORECASE,
)
_COUNTRY_WORD = re.compile(r"country|cntry|nation|страна|країна|держава|государство")
_RU_VALUES = frozenset({"ru", "rus"})
_UA_VALUES = frozenset({"ua", "ukr"})
_OCCUPIED_CODE = re.compile(r"^\s*(?:UA|UKR)[-_.]?(43|40|14|09|23|65)\s*$", re.IGNORECASE)


@cache
def _key_role(key: str) -> str:
    """What a field name says its value is: ``country-code``, ``country-numeric``,
    ``country-name``, ``street``, ``control`` or ``other``."""
    from checker.geo.attribution import norm_key

    code_keys, numeric_keys, name_keys = _country_roles()
    nk = norm_key(key)
    low = key.casefold()
    if _CONTROL_KEY.search(low):
        return "control"
    if _STREET_KEY.search(low):
        return "street"
    if _COUNTRY_WORD.search(low):
        return "country-any"
    if low == "optgroup":
        # an HTML <option>'s group label: a country when it names one ("Украина" over
        # Ukraine's oblasts), else a group of any kind ("Популярные", a federal district)
        return "country-name"
    if nk in numeric_keys:
        return "country-numeric"
    if nk in code_keys:
        return "country-code"
    if nk in name_keys:
        return "country-name"
    return "other"


@cache
def _russia_names() -> tuple[frozenset[str], frozenset[str]]:
    from checker.geo.attribution import RUSSIA_NAMES, UKRAINE_NAMES

    return RUSSIA_NAMES, UKRAINE_NAMES


def _country_value(role: str, value: Any) -> str | None:
    """``RU``/``UA`` when a country field's value names Russia or Ukraine."""
    from checker.geo.attribution import norm_value

    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = norm_value(value)
    if not text:
        return None
    ru_names, ua_names = _russia_names()
    if role in ("country-code", "country-any") and text in _RU_VALUES:
        return RU
    if role in ("country-code", "country-any") and text in _UA_VALUES:
        return UA
    if role in ("country-numeric", "country-any") and text.lstrip("0") in ("643", "804"):
        return RU if text.lstrip("0") == "643" else UA
    if role in ("country-name", "country-any"):
        if text in ru_names:
            return RU
        if text in ua_names:
            return UA
        m = _QUALIFIED.fullmatch(value) if isinstance(value, str) else None
        if m is not None:  # "Russia (Crimea)": the country, with a region after it
            return _country_value(role, m.group(1))
    return None


#: A country's name with a qualifier in parentheses after it: "Russia (Crimea)".
_QUALIFIED = re.compile(r"\s*([^()]+?)\s*\(([^()]+)\)\s*")


@dataclass(frozen=True)
class RecordFacts:
    """What one record says: its country fields and the occupied places and codes it names."""

    country: str | None  # RU, UA, CONFLICT or None
    country_fields: tuple[str, ...]
    has_country_field: bool
    places: tuple[tuple[str, Entry], ...]  # (field, entry)
    codes: tuple[tuple[str, str], ...]  # (field, UA-43 …)
    controlled: bool


@cache
def _country_keys(keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The (key, role) pairs of a record layout that may name a country (cached per layout)."""
    return tuple((k, role) for k in keys if (role := _key_role(str(k))).startswith("country"))


#: Country codes taken as a row's country without a column name: upper case only ("ru" is
#: as often a language).
_UNNAMED_CODES = frozenset({"RU", "RUS", "UA", "UKR"})
#: A column that has no name: "column 3" (SQL without a column list), "3", "col3".
_UNNAMED = re.compile(r"(?:column|col|field)?\s*_?\d+", re.IGNORECASE)


def record_country(fields: Mapping[str, Any]) -> tuple[str | None, tuple[str, ...], bool]:
    """(country, the ``key=value`` pairs behind it, whether the record names its own country).

    A record names its own country when a field called country/страна/… holds any value, or a
    code or name field holds Russia or Ukraine (``iso: "CR"`` in a region record is the
    region's own code, not Costa Rica).
    """
    ru: list[str] = []
    ua: list[str] = []
    has_field = False
    keys = _country_keys(tuple(fields))
    if not keys and fields and all(_UNNAMED.fullmatch(str(k)) for k in fields):
        # A row without column names (an SQL insert without a column list, a CSV without a
        # header): a value that is a country's whole name is its country column.
        keys = tuple(
            (k, "country-code" if v in _UNNAMED_CODES else "country-name")
            for k, v in fields.items()
            if isinstance(v, str)
            and (v in _UNNAMED_CODES or _country_value("country-name", v) in (RU, UA))
        )
    for key, role in keys:
        value = fields[key]
        if value is None or value == "" or isinstance(value, (dict, list)):
            continue
        verdict = _country_value(role, value)
        if role == "country-any" or verdict:
            has_field = True
        if verdict == RU:
            ru.append(f"{key}={value}")
        elif verdict == UA:
            ua.append(f"{key}={value}")
    if ru and ua:
        return "CONFLICT", tuple(ru + ua), True
    if ru:
        return RU, tuple(ru), True
    if ua:
        return UA, tuple(ua), True
    return None, (), has_field


def record_facts(fields: Mapping[str, Any], *, free_text: bool = True) -> RecordFacts:
    """Read one record (see :class:`RecordFacts`)."""
    from checker.geo.attribution import CONTROL_WORDS

    gaz = gazetteer()
    country, evidence, has_field = record_country(fields)
    places: list[tuple[str, Entry]] = []
    in_text: list[tuple[str, Entry]] = []
    by_name: list[tuple[str, Entry]] = []
    found_codes: list[tuple[str, str]] = []
    controlled = elsewhere = other_region = False
    for key, value in fields.items():
        if not isinstance(value, str) or not value.strip():
            continue
        role = _key_role(str(key))
        if role == "control":
            controlled = True
            continue
        m = _OCCUPIED_CODE.match(value)
        if m:
            found_codes.append((str(key), f"UA-{m.group(1)}"))
            continue
        if role in ("street", "country-code", "country-numeric"):
            continue
        if role in ("country-name", "country-any"):
            q = _QUALIFIED.fullmatch(value)
            inner = gaz.classify(q.group(2)) if q is not None else None
            if inner is not None and inner.place.country == OCC:
                places.append((str(key), inner))  # "Russia (Crimea)": the place is in it
                continue
        if CONTROL_WORDS.search(value):
            controlled = True
        entry = gaz.classify(value)
        if entry is not None:
            if entry.place.country != OCC:
                elsewhere = True
                other_region = other_region or entry.place.kind not in ("city", "federal city")
            elif _PLACE_FIELD.search(str(key)):
                places.append((str(key), entry))
            else:
                by_name.append((str(key), entry))
            continue
        if free_text and _FREE_TEXT_KEY.search(str(key)) and (" " in value.strip() or "," in value):
            in_text.extend((str(key), e) for e in gaz.find_in(value))
    if not elsewhere:
        # a name field ("name": "Sevastopol" in a region table) or an address naming an
        # occupied town counts unless the record's place fields say it is elsewhere: a
        # restaurant "Крым" or a hostel "Симферополь" in Moscow is in Moscow
        places.extend(by_name)
        if not places:
            places.extend(in_text)
    elif other_region and all(entry.place.kind == "city" for _, entry in places):
        # a town of the same name in the region the record gives: Артемовск, Красноярский
        # край (Bakhmut was Artemivsk until 2016)
        places = []
    return RecordFacts(country, evidence, has_field, tuple(places), tuple(found_codes), controlled)


def _corroborated(entries: Iterable[Entry], extra: bool = False) -> list[Entry]:
    """Drop ambiguous names unless something unambiguous of the occupied areas is present."""
    items = list(entries)
    solid = extra or any(not e.ambiguous for e in items)
    return [e for e in items if solid or not e.ambiguous]


# --- key paths ----------------------------------------------------------------------------------

_PATH_PART = re.compile(r"""\.[^.\[]+|\[\*\]|\[\d+\]|\["(?:[^"\\]|\\.)*"\]|\['(?:[^'\\]|\\.)*'\]""")


def ancestors(key_path: str | None) -> list[str]:
    """Key paths that enclose ``key_path``, nearest first (``$.a[2].b`` → ``$.a[2]``, ``$.a``,
    ``$``)."""
    if not key_path or not key_path.startswith("$"):
        return []
    parts = _PATH_PART.findall(key_path[1:])
    out = []
    prefix = "$"
    prefixes = [prefix]
    for part in parts:
        prefix += part
        prefixes.append(prefix)
    for p in reversed(prefixes[:-1]):
        out.append(p)
    return out


def key_names(key_path: str) -> list[str]:
    """The names of a key path's keys, indices left out (``$.people[3].first_names`` →
    ``["people", "first_names"]``); a path that is no JSON path (a source list's variable,
    ``first_names_female``) is its own one name."""
    if not key_path.startswith("$"):
        return [key_path.split("[", 1)[0]]
    names = []
    for part in _PATH_PART.findall(key_path[1:]):
        if part.startswith("."):
            names.append(part[1:])
        elif part.startswith(('["', "['")):
            names.append(part[2:-2])
    return names


#: Keys of lists and fields of people's names ("Odessa" and "Kiev" are given names and
#: surnames too: Faker's ``first_names_female`` holds "Odessa").
PERSON_KEY = re.compile(
    r"(?:first|given|last|family|middle|maiden|nick|sur|fore|baby|girl|boy|female|male)"
    r"[\s_-]?names?|surnames?|forenames?|names?[\s_-](?:female|male)|person",
    re.IGNORECASE,
)


def _last_component(key_path: str) -> str:
    parts = _PATH_PART.findall(key_path[1:]) if key_path.startswith("$") else []
    if not parts:
        return ""
    part = parts[-1]
    if part.startswith("."):
        return part[1:]
    if part.startswith('["') or part.startswith("['"):
        return part[2:-2]
    return ""


def _component_country(component: str) -> str | None:
    from checker.geo.attribution import norm_value

    if not component:
        return None
    text = norm_value(component)
    ru_names, ua_names = _russia_names()
    if text in _RU_VALUES or text in ru_names or text in ("russian federation", "russia"):
        return RU
    if text in _UA_VALUES or text in ua_names:
        return UA
    return None


#: The most lines between an object literal's key and its first field (a comment, a blank line).
_KEY_TO_FIELDS = 2


#: A table cell's key path: its row's ("airports row 2 column column 4" → "airports row 2").
_TABLE_CELL = re.compile(r"(.* row \d+) column ")


def _record_line(rec: DataRecord) -> int:
    return rec.line or 0


class RecordIndex:
    """Records by key path and by row, and what they say about their country (cached)."""

    def __init__(self, records: list[DataRecord]) -> None:
        self.records = records
        self._by_path: dict[str, DataRecord] | None = None
        self._by_row: dict[int, DataRecord] | None = None
        self._by_name: dict[tuple[str, int], DataRecord] | None = None
        self._by_line: list[DataRecord] | None = None
        self._structured: list[DataRecord] | None = None
        self._country: dict[int, tuple[str | None, tuple[str, ...], bool]] = {}

    @property
    def by_path(self) -> dict[str, DataRecord]:
        if self._by_path is None:
            self._by_path = {}
            for rec in self.records:
                if rec.key_path:
                    self._by_path.setdefault(rec.key_path, rec)
        return self._by_path

    @property
    def by_row(self) -> dict[int, DataRecord]:
        if self._by_row is None:
            self._by_row = {}
            for rec in self.records:
                if rec.row is not None:
                    self._by_row.setdefault(rec.row, rec)
        return self._by_row

    def country(self, rec: DataRecord) -> tuple[str | None, tuple[str, ...], bool]:
        key = id(rec)
        hit = self._country.get(key)
        if hit is None:
            hit = record_country(rec.fields)
            self._country[key] = hit
        return hit

    def own_record(self, seg: TextSegment) -> DataRecord | None:
        """The record a list item or segment belongs to (same row, or the enclosing object)."""
        path = seg.key_path
        if path and " column " in path:
            # a cell of a named table ("biggestAirports row 33 column countryName"): rows are
            # numbered per table, so the row number alone may name another table's row
            m = _TABLE_CELL.match(path)
            rec = self.by_path.get(m.group(1)) if m is not None else None
            if rec is not None:
                return rec
        if seg.row is not None:
            row = seg.row
            if 0 < row <= len(self.records) and self.records[row - 1].row == row:
                return self.records[row - 1]  # rows in order: no table needed
            if row in self.by_row:
                return self.by_row[row]
        # up through keys only: "$.a[3].name" belongs to "$.a[3]", but an array item
        # ("$.ru.regions[4]") is nobody's field, and the object around the array is its parent
        if path and " cell " in path:  # a table cell of a document: its row is the record
            return self.by_path.get(path.rsplit(" cell ", 1)[0])
        if not path or not path.startswith("$"):
            return None
        for _ in range(64):
            parts = _PATH_PART.findall(path[1:])
            if not parts:
                return None
            if parts[-1].startswith("[") and parts[-1][1:2] not in ("'", '"'):
                # ... but a cell of a row of a table of arrays ("$[3][0]") is the row's, a
                # record of columns without names ("column 1" …)
                cells = self.by_path.get(path[: len(path) - len(parts[-1])])
                if (
                    cells is not None
                    and cells.fields
                    and all(map(_UNNAMED.fullmatch, cells.fields))
                ):
                    return cells
                return None
            path = path[: len(path) - len(parts[-1])]
            rec = self.by_path.get(path)
            if rec is not None:
                return rec
        return None

    def keyed_record(self, seg: TextSegment) -> DataRecord | None:
        """The record that is the value of the key ``seg`` of an object literal in source code
        (``"simferopol": {"name": "Simferopol", "country": "Ukraine"}``): the source readers
        name such a record by its key, and its fields start on the key's line or just after."""
        if self._by_name is None:
            self._by_name = {}
            for each in self.records:
                if each.key_path and not each.key_path.startswith("$") and each.line is not None:
                    self._by_name.setdefault((each.key_path, each.line), each)
        for line in range(seg.line, seg.line + _KEY_TO_FIELDS + 1):
            found = self._by_name.get((seg.text, line))
            if found is not None:
                return found
        return None

    def spanning_record(self, seg: TextSegment) -> DataRecord | None:
        """The record of an object literal in source code that holds the value ``seg`` (its
        lines span the value's line, and one of its fields is the value)."""
        if self._by_line is None:
            self._by_line = sorted(
                (
                    r
                    for r in self.records
                    if r.line is not None and not (r.key_path or "").startswith("$")
                ),
                key=_record_line,
            )
        lines = self._by_line
        i = bisect.bisect_right(lines, seg.line, key=_record_line) - 1
        while i >= 0 and seg.line - _record_line(lines[i]) <= _RECORD_SPAN:
            rec = lines[i]
            if (rec.end_line or rec.line or 0) >= seg.line and seg.text in rec.fields.values():
                return rec
            i -= 1
        return None

    @property
    def structured(self) -> list[DataRecord]:
        """The records of a web page's structured items (their key paths:
        :data:`~checker.readers.base.STRUCTURED_PATHS`)."""
        if self._structured is None:
            self._structured = [
                r for r in self.records if (r.key_path or "").startswith(STRUCTURED_PATHS)
            ]
        return self._structured

    def structured_record(self, seg: TextSegment, text: str) -> DataRecord | None:
        """For a web page's visible text, the structured item (microdata, RDFa, a microformat)
        whose lines hold the segment's line and one of whose fields holds ``text`` (the postal
        code or number found there): the address it is part of."""
        for rec in self.structured:
            first = rec.line or 0
            spans = first <= seg.line + seg.text.count("\n") and seg.line <= (rec.end_line or first)
            if spans and any(isinstance(v, str) and text in v for v in rec.fields.values()):
                return rec
        return None

    def holder(self, seg: TextSegment) -> DataRecord | None:
        """The record a value belongs to: its own record, or for an item of a list inside a
        record (``$["5527554"].alternatenames[6]``) the nearest record around the list."""
        rec = self.own_record(seg)
        if rec is not None or not seg.key_path or not seg.key_path.startswith("$"):
            return rec
        for path in ancestors(seg.key_path):
            rec = self.by_path.get(path)
            if rec is not None:
                return rec
        return None

    def literal_record(self, seg: TextSegment) -> DataRecord | None:
        """For a string of source code (no key path), the object literal it belongs to: the
        record its key names (``"RU-DON": {name: …}``), or the one whose field it is."""
        if seg.key_path is not None or not self.records:
            return None
        return self.keyed_record(seg) or self.spanning_record(seg)

    def parent_country(
        self, key_path: str | None, skip: DataRecord | None = None
    ) -> tuple[str, str] | None:
        """(RU/UA, why) from the nearest enclosing record (or key: ``$.RU``) naming a country."""
        if not key_path or not key_path.startswith("$"):
            return None  # only nested data (JSON, YAML) has parents
        for path in [key_path, *ancestors(key_path)]:
            rec = self.by_path.get(path)
            if rec is not None and rec is not skip:
                country, evidence, _ = self.country(rec)
                if country in (RU, UA):
                    return country, f"{path}: {', '.join(evidence)}"
            comp = _component_country(_last_component(path))
            if comp is not None:
                return comp, f"key {path}"
        return None


_INDEXES: list[tuple[TextEvidence, int, RecordIndex]] = []


def record_index(evidence: TextEvidence) -> RecordIndex:
    """The :class:`RecordIndex` of ``evidence`` (shared by every rule)."""
    n = len(evidence.records)
    if _INDEXES and _INDEXES[0][0] is evidence and _INDEXES[0][1] == n:
        return _INDEXES[0][2]
    index = RecordIndex(evidence.records)
    _INDEXES[:] = [(evidence, n, index)]
    return index


# --- one pass over all segment text ---------------------------------------------------------------


class Joined:
    """All segment texts joined by one character, and where each segment starts.

    The text analysis joins them by line breaks (:func:`checker.rules.text.analysed_text`),
    and the data rules read that text when it is there. Otherwise they join them by U+001F
    (the unit separator; a NUL would slow the automaton tenfold): :meth:`locate` then counts
    the separators before an offset (C speed, incrementally for increasing offsets), so no
    per-segment table is built unless a segment itself holds one.
    """

    def __init__(
        self, texts: list[str], segments: list[TextSegment], text: str | None = None
    ) -> None:
        self.segments = segments
        self._starts: list[int] | None = None
        if text is None:
            text = "\x1f".join(texts)
            if text.count("\x1f") == max(len(segments) - 1, 0):
                self.text = text
                self._cursor = (0, 0)  # (offset, segment index) of the last lookup
                return
        self.text = text
        self._starts = [0, *itertools.accumulate([len(t) + 1 for t in texts])][: len(segments)]
        self._cursor = (0, 0)

    def locate(self, offset: int) -> tuple[TextSegment, int]:
        """The segment that holds ``offset``, and the offset inside it."""
        if self._starts is not None:
            i = bisect.bisect_right(self._starts, offset) - 1
            return self.segments[i], offset - self._starts[i]
        last, index = self._cursor
        if offset < last:
            last, index = 0, 0
        index += self.text.count("\x1f", last, offset)
        self._cursor = (offset, index)
        start = self.text.rfind("\x1f", 0, offset) + 1
        return self.segments[index], offset - start


_JOINED: list[tuple[TextEvidence, int, Joined]] = []


def joined(evidence: TextEvidence) -> Joined:
    """The joined text of ``evidence`` (kept for the last evidence, so every rule shares it)."""
    from checker.rules.text import analysed_text

    segs = evidence.segments
    if _JOINED and _JOINED[0][0] is evidence and _JOINED[0][1] == len(segs):
        return _JOINED[0][2]
    texts = [s.text for s in segs]
    text = analysed_text(evidence)
    if text is not None and len(text) != sum(map(len, texts)) + len(texts) - 1:
        text = None  # (segments added since the analysis)
    result = Joined(texts, segs, text)
    _JOINED[:] = [(evidence, len(segs), result)]
    return result


#: Literal codes found by the same pass as place names: kind → spellings (lower case).
def _literal_patterns() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in codes():
        value = c.value.lower()
        if c.kind.startswith("subdivision"):
            country, suffix = value.split("-", 1)
            for sep in "-_.":
                out[f"{country}{sep}{suffix}"] = "sub"
        elif c.kind in ("timezone", "timezone-old"):
            out[value] = "tz"
        elif c.kind == "icao":
            out[value] = "icao"
    for c in codes():
        if c.kind == "phone":
            out[c.value[:3]] = "phone-area"  # 978, 365, 869 …: the prefix is checked after
    for region in _REGION_NAMES:
        number = region.split("-")[1]
        for prefix in ("ua-", "ua_", "ua.", "ukr-", "ua"):
            out[f"{prefix}{number}"] = "ua-code"
    for basemap in basemaps():
        for anchor in basemap.written:
            out.setdefault(anchor, "basemap")
    return out


@dataclass(frozen=True)
class Basemap:
    """A map file or dataset that draws Crimea as part of Russia (``basemaps.tsv``)."""

    anchors: tuple[str, ...]
    pattern: re.Pattern[str]
    source: str
    fix: str
    #: The anchors as the table writes them (``russiaCrimeaLow``: looked for in that spelling
    #: too, besides lower, upper and capitalised case).
    written: tuple[str, ...] = ()


@cache
def basemaps() -> tuple[Basemap, ...]:
    """The references MD409 reports (``basemaps.tsv``)."""
    out = []
    for row in _read_tsv("basemaps.tsv"):
        anchors, pattern, source, fix = [*row, "", "", "", ""][:4]
        written = tuple(a.strip() for a in anchors.split("|") if a.strip())
        out.append(
            Basemap(
                tuple(a.lower() for a in written),
                re.compile(pattern, re.IGNORECASE),
                source,
                fix,
                written,
            )
        )
    return tuple(out)


@cache
def _basemap_pattern() -> re.Pattern[str]:
    """Every reference of :func:`basemaps` in one pattern (for records without segments)."""
    return re.compile("|".join(f"(?:{b.pattern.pattern})" for b in basemaps()), re.IGNORECASE)


def _case_forms(word: str) -> set[str]:
    return {word, word.upper(), word.capitalize(), word.title()}


@cache
def _literals() -> list[tuple[str, str]]:
    """(literal, kind) of what the data rules look for in text: occupied-place words and
    literal codes, in lower, upper and title case (data spells "Крым", "КРЫМ", "RU-CR",
    "ru-cr"; other mixes are not looked for), longest first."""
    patterns: dict[str, str] = {}
    gaz = gazetteer()
    words: set[str] = set()
    for bucket in gaz.phrases.values():
        for seq, _entry in bucket:
            words.update(w for w in seq if w not in _TYPE_WORDS and len(w) >= 3)
    for cells in _read_tsv("occupied.tsv"):  # spellings with ё, and words split at apostrophes
        for name, _amb, _exact in _variants(cells[3:]):
            for word in re.split(r"[^\w]+", name.lower()):
                if word not in _TYPE_WORDS and len(word) >= 3:
                    words.add(word)
    for word in words:
        for form in _case_forms(word):
            patterns.setdefault(form, "place")
    for literal, kind in _literal_patterns().items():
        for form in _case_forms(literal):
            patterns[form] = kind
    return sorted(patterns.items(), key=lambda kv: (-len(kv[0]), kv[0]))


@cache
def _matcher() -> tuple[Any, list[tuple[str, str]]]:
    """The multi-pattern matcher of :func:`_literals`, and the literals.

    Uses ``ahocorasick_rs`` over UTF-8 bytes (a DFA: linear time, well over 100 MB/s) when it
    is installed, else one regular expression (correct, several times slower). Built only when
    the text analysis has not found the literals already (:func:`shared_literals`): building
    the DFA costs some 0.03 s, which a run over documents need not pay at all."""
    items = _literals()
    try:
        import ahocorasick_rs

        automaton = ahocorasick_rs.BytesAhoCorasick(
            [p.encode() for p, _ in items],
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA,
        )
        return automaton, items
    except ImportError:  # pragma: no cover - exercised only without the optional accelerator
        return re.compile("|".join(re.escape(p) for p, _ in items)), items


#: Lead bytes of two-byte UTF-8 letters (Latin-1 letters through Cyrillic): a match that
#: touches one is inside a word.
_LETTER_LEADS = frozenset(range(0xC3, 0xD5))
_PHONE_PREFIX_BYTES = re.compile(rb"(?:\+\s?7|(?<![\d+])[78])(?:[\s\-.]|\xc2\xa0)*\(?\s*$")


def _inside_word(data: bytes, start: int, end: int) -> bool:
    """Does the byte match ``data[start:end]`` touch a letter or digit on either side?"""
    if end < len(data):
        after = data[end]
        if after < 0x80:
            if chr(after).isalnum():
                return True
        elif after in _LETTER_LEADS:
            return True
    if start:
        before = data[start - 1]
        if before < 0x80:
            return chr(before).isalnum()
        if 0x80 <= before < 0xC0 and start >= 2 and data[start - 2] in _LETTER_LEADS:
            return True
    return False


def shared_literals() -> list[str]:
    """The literals of :func:`_matcher`, in its order, for the text analysis's pre-scan to look
    for in the same pass as its own triggers (:func:`scan` then takes them from there)."""
    return [pattern for pattern, _ in _literals()]


def _leftmost_longest(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of every occurrence (pattern, start, end), overlapping ones included, those that a
    leftmost-longest search reports: the earliest start, the longest there, then on after its
    end (as the automaton of :func:`_matcher` does)."""
    out: list[tuple[int, int, int]] = []
    end = -1
    for index, start, stop in sorted(found, key=lambda f: (f[1], -f[2], f[0])):
        if start >= end:
            out.append((index, start, stop))
            end = stop
    return out


def _shared_hits(text: str, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """:func:`_find_literals` from occurrences the text analysis found in the same text
    (character offsets): the same selection and the same word and prefix checks."""
    phone = _phone_area_indexes()
    size = len(text)
    out: list[tuple[int, int, int]] = []
    for hit in _leftmost_longest(found):
        index, start, end = hit
        if index in phone:
            # The prefix check of _find_literals, on the same ten bytes before the code.
            head = text[max(0, start - 11) : start].encode("utf-8", "surrogatepass")
            if _PHONE_PREFIX_BYTES.search(head, max(0, len(head) - 10)) is None:
                continue
        else:
            # a character _inside_word counts as part of a word: ASCII letters and digits,
            # and the two-byte UTF-8 letters (Latin-1 letters through Cyrillic)
            if end < size:
                after = text[end]
                if (after.isalnum() and after < "\x80") or "\xc0" <= after <= "\u053f":
                    continue
            if start:
                before = text[start - 1]
                if (before.isalnum() and before < "\x80") or "\xc0" <= before <= "\u053f":
                    continue
        out.append(hit)
    return out


@cache
def _phone_area_indexes() -> frozenset[int]:
    """The indexes in :func:`_literals` of the ``phone-area`` codes."""
    return frozenset(i for i, (_, kind) in enumerate(_literals()) if kind == "phone-area")


def _find_literals(text: str) -> Iterator[tuple[int, int, int]]:
    """(pattern index, start, end) of every pattern in ``text`` (character offsets) that stands
    as a word of its own (codes of the kind ``phone-area``: that follow a +7/8 prefix)."""
    matcher, items = _matcher()
    if isinstance(matcher, re.Pattern):
        index = {p: i for i, (p, _) in enumerate(items)}
        for m in matcher.finditer(text):
            yield index[m.group(0)], m.start(), m.end()
        return
    data = text.encode("utf-8", "surrogatepass")
    ascii_only = len(data) == len(text)
    byte_pos = char_pos = 0
    for index, start, end in matcher.find_matches_as_indexes(data):
        if items[index][1] == "phone-area":
            if _PHONE_PREFIX_BYTES.search(data, max(0, start - 10), start) is None:
                continue
        elif _inside_word(data, start, end):
            continue  # most candidates: "Крым" in "Крымская", "978" inside a number
        if ascii_only:
            yield index, start, end
            continue
        char_pos += len(data[byte_pos:start].decode("utf-8", "surrogatepass"))
        byte_pos = start
        yield index, char_pos, char_pos + len(data[start:end].decode("utf-8", "surrogatepass"))


_DIGIT_RUNS = {
    # literal-led, so the regex engine skips ahead to the first character; the boundaries are
    # checked in Python on the few hits
    "postal": re.compile(r"2[6-9]\d{4}"),
}
#: What stands before a Crimean/occupied-area code (978, 365 …) in a Russian number: +7 or the
#: trunk prefix 8 (or 7), separators, an opening parenthesis.
_PHONE_PREFIX = re.compile(r"(?:\+\s?7|(?<![\d+])[78])[\s\-.\u00a0]*\(?\s*$")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a segment (``segment.text[start:end]``, no blank line inside): readers
    keep a document's paragraphs together in one segment, and what is read as one unit
    ("City: … | Country: …" pairs, the rows of a table) must not run into the next."""

    segment: TextSegment
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.segment.text[self.start : self.end]

    @property
    def line(self) -> int:
        """The paragraph's first line."""
        return self.segment.line + self.segment.text.count("\n", 0, self.start)


@dataclass
class Scan:
    """What one pass over a file's text found: occupied-place words and codes, by kind, as
    (start, end) offsets into the joined text; and which segments, and which paragraphs of
    them, hold a place or a code."""

    joined: Joined
    hits: dict[str, list[tuple[int, int]]]
    marked: list[TextSegment]  # segments with an occupied place or a Ukrainian region code
    paragraphs: list[Paragraph]  # their paragraphs that hold one, in document order


def _paragraph(seg: TextSegment, offset: int) -> Paragraph:
    """The paragraph of ``seg`` that holds ``offset``."""
    text = seg.text
    start = text.rfind("\n\n", 0, offset)
    start = 0 if start < 0 else start + 2
    while start < offset and text[start] == "\n":
        start += 1
    end = text.find("\n\n", offset)
    return Paragraph(seg, start, len(text) if end < 0 else end)


_SCANS: list[tuple[TextEvidence, int, Scan]] = []


def scan(evidence: TextEvidence) -> Scan:
    """The scan of ``evidence`` (computed once; every rule shares it)."""
    n = len(evidence.segments)
    if _SCANS and _SCANS[0][0] is evidence and _SCANS[0][1] == n:
        return _SCANS[0][2]
    j = joined(evidence)
    text = j.text
    hits: dict[str, list[tuple[int, int]]] = {}
    items = _literals()
    from checker.rules.text import data_literals

    found = data_literals(evidence)
    literals = _find_literals(text) if found is None else _shared_hits(text, found)
    for index, start, end in literals:
        _pattern, kind = items[index]
        if kind == "phone-area":
            m = _PHONE_PREFIX.search(text, max(0, start - 8), start)
            if m is not None:
                hits.setdefault("phone", []).append((m.start(), end))
            continue
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if before.isalnum() or after.isalnum():
            continue
        if kind == "tz" and after in "_/":
            continue
        hits.setdefault(kind, []).append((start, end))
    for kind, regex in _DIGIT_RUNS.items():
        for m in regex.finditer(text):
            start = m.start()
            before = text[start - 1] if start else " "
            if before.isdigit() or (kind == "postal" and before in ".,") or before.isalpha():
                continue
            if kind == "postal":
                after = text[m.end()] if m.end() < len(text) else " "
                if after.isdigit():
                    continue
            elif text[start] != "+" and before == "+":
                continue
            hits.setdefault(kind, []).append((start, m.end()))
    marked: dict[int, TextSegment] = {}
    paragraphs: dict[tuple[int, int], Paragraph] = {}
    for kind in ("place", "ua-code"):
        # Hits come in order, and most are in the paragraph of the one before: its bounds in
        # the joined text are kept, so that such a hit is not even located.
        last_lo, last_hi = 1, 0
        for start, _ in hits.get(kind, ()):
            if last_lo <= start <= last_hi:
                continue
            seg, offset = j.locate(start)
            marked.setdefault(id(seg), seg)
            if "\n\n" in seg.text:
                para = _paragraph(seg, offset)
            else:
                para = Paragraph(seg, 0, len(seg.text))
            paragraphs.setdefault((id(seg), para.start), para)
            last_lo, last_hi = start - (offset - para.start), start + (para.end - offset)
    ordered = sorted(paragraphs.values(), key=_paragraph_order)
    result = Scan(j, hits, list(marked.values()), ordered)
    _SCANS[:] = [(evidence, n, result)]
    return result


def _paragraph_order(para: Paragraph) -> tuple[int, int, int]:
    return (para.segment.page or 0, para.segment.line, para.start)


def _line_of(seg: TextSegment, offset: int) -> str:
    text = seg.text
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def _seg_location(ctx: TextContext, seg: TextSegment, offset: int) -> Location:
    line, column = seg.position(offset)
    return Location(
        path=ctx.path,
        page=seg.page,
        line=line,
        column=column,
        row=seg.row,
        key_path=seg.key_path,
    )


def _record_location(ctx: TextContext, rec: DataRecord) -> Location:
    return Location(path=ctx.path, line=rec.line, row=rec.row, key_path=rec.key_path)


def _item_location(ctx: TextContext, seg: TextSegment, enum: Enumeration | None) -> Location:
    return Location(
        path=ctx.path,
        page=seg.page,
        line=seg.line,
        column=seg.column,
        row=seg.row,
        key_path=seg.key_path or (enum.key_path if enum else None),
    )


class _Hit:
    """One code or number found; the text around it (its line, the raw source line, its
    record) is gathered only when a rule asks for it."""

    __slots__ = ("_context", "_ctx", "_index", "location", "offset", "record", "seg", "text")

    def __init__(
        self,
        ctx: TextContext,
        index: RecordIndex,
        seg: TextSegment | None,
        offset: int,
        text: str,
        record: DataRecord | None = None,
    ) -> None:
        self._ctx = ctx
        self._index = index
        self.seg = seg
        self.offset = offset
        self.text = text
        self.record = record
        self._context: str | None = None
        if seg is not None:
            self.location = _seg_location(ctx, seg, offset)
            self.record = (
                index.own_record(seg)
                or index.literal_record(seg)
                or index.structured_record(seg, text)
            )
        else:
            assert record is not None
            self.location = _record_location(ctx, record)

    @property
    def context(self) -> str:
        if self._context is None:
            parts: list[str] = []
            seg = self.seg
            if seg is not None:
                parts.append(_line_of(seg, self.offset))
                lines = self._ctx.evidence.source_lines
                line = self.location.line or 0
                if lines and seg.page is None and 0 < line <= len(lines):
                    parts.append(lines[line - 1][:2000])
            if self.record is not None:
                # Keys too: "phone: 79781234567" says what the number is. A record is an
                # address or a row, not a table: past CONTEXT_FIELDS fields (a whole file's
                # mapping read as one record) the rest says nothing about this value.
                parts.append(_fields_text(self.record))
            self._context = " \n ".join(p for p in parts if p)
        return self._context

    def record_fields(self) -> str:
        """The hit's own record's fields, as :attr:`context` gives them (``""`` without one)."""
        return _fields_text(self.record) if self.record is not None else ""

    def holder_fields(self) -> str:
        """For an item of a list inside a record (``{"abbr": "MSK", "utc": ["Europe/Moscow",
        "Europe/Simferopol"]}``), that record's fields as :attr:`context` gives them; else
        ``""`` (a value with a record of its own has them in its context already)."""
        if self.record is not None or self.seg is None:
            return ""
        holder = self._index.holder(self.seg)
        return "" if holder is None else _fields_text(holder)


def _fields_text(rec: DataRecord) -> str:
    """A record's first :data:`CONTEXT_FIELDS` scalar fields as ``key: value`` lines."""
    fields = itertools.islice(rec.fields.items(), CONTEXT_FIELDS)
    return " \n ".join(
        f"{k}: {v}"[:CONTEXT_VALUE_CHARS]
        for k, v in fields
        if isinstance(v, (str, int, float)) and not isinstance(v, bool)
    )


_NUMBERS: list[tuple[TextEvidence, int, list[tuple[DataRecord, str, str]]]] = []
#: How much of a hit's record its context takes: fields, and characters per field.
CONTEXT_FIELDS = 64
CONTEXT_VALUE_CHARS = 300
#: Formats whose values are all text (every value is a segment already).
_TEXT_ONLY_FORMATS = frozenset({"csv", "tsv", "text", "markdown", "html", "pdf", "docx", "odt"})


#: Field names under which an integer can be a postal code or a phone number. Integers under
#: other names (``geonameid``, ``population``, ``id``) are identifiers and counts, never
#: addresses, whatever their digits.
_NUMERIC_KEYS = {
    "postal": re.compile(r"post|zip|pin\b|index|индекс|індекс|почт|пошт", re.IGNORECASE),
    "phone": re.compile(r"phone|tel|mobile|mob\b|fax|телефон|тел\b|моб", re.IGNORECASE),
}


def _numeric_fields(evidence: TextEvidence) -> list[tuple[DataRecord, str, str]]:
    """Integer field values with their keys (``"zip": 295000``, ``"phone": 79781234567``),
    which readers do not add as text segments; computed once per evidence."""
    records = evidence.records
    if evidence.format in _TEXT_ONLY_FORMATS or not records:
        return []
    if _NUMBERS and _NUMBERS[0][0] is evidence and _NUMBERS[0][1] == len(records):
        return _NUMBERS[0][2]
    out = [
        (rec, str(k), str(v))
        for rec in records
        for k, v in rec.fields.items()
        if type(v) is int and v > 99_999  # bools are ints too; only 6+ digits matter
    ]
    _NUMBERS[:] = [(evidence, len(records), out)]
    return out


_SPAN_CHARS = frozenset("0123456789 -.()+\u00a0")


def _extend_number(text: str, start: int, end: int) -> int:
    """Where a phone number that starts at ``start`` ends (digits and separators, bounded)."""
    limit = min(len(text), start + 28)
    while end < limit and text[end] in _SPAN_CHARS:
        end += 1
    return end


def _scan_hits(
    ctx: TextContext, index: RecordIndex, kind: str, pattern: re.Pattern[str]
) -> Iterator[_Hit]:
    """Hits of one kind: from the shared scan of the segments, then (with ``pattern``) from
    integer record fields; without any segments, from the records' string fields."""
    evidence = ctx.evidence
    shown: set[str] = set()  # (the numbers found in the text)
    if evidence.segments:
        s = scan(evidence)
        text = s.joined.text
        for start, found_end in s.hits.get(kind, ()):
            end = _extend_number(text, start, found_end) if kind == "phone" else found_end
            seg, off = s.joined.locate(start)
            if (seg.part == "key" and kind in ("phone", "postal")) or _repeated_inside(index, seg):
                # A number as a mapping's key is an id ("291074": {…} in a city table), not a
                # value; a code as a key ({"RU-SEV": …}, {"URFF": …}) is the code in use,
                # reported at its value when the entry repeats it ("URFB": {"icao": "URFB"}).
                continue
            shown.add(text[start:end].strip())
            yield _Hit(ctx, index, seg, off, text[start:end])
    if evidence.segments and evidence.format in _PAGE_FORMATS:
        # A web page's structured items hold values its text may not show
        # (<meta itemprop="postalCode" content="295011">); one shown was found above.
        for rec in index.structured:
            for value in rec.fields.values():
                if isinstance(value, str):
                    for m in pattern.finditer(value):
                        if m.group(0).strip() not in shown:
                            yield _Hit(ctx, index, None, 0, m.group(0), rec)
    keys = _NUMERIC_KEYS.get(kind)
    for rec, key, value in _numeric_fields(evidence):
        if keys is not None and not keys.search(key.rsplit(".", 1)[-1]):
            continue
        for m in pattern.finditer(value):
            yield _Hit(ctx, index, None, 0, m.group(0), rec)
    if not evidence.segments:
        for rec in evidence.records:
            for value in rec.fields.values():
                if isinstance(value, str):
                    for m in pattern.finditer(value):
                        yield _Hit(ctx, index, None, 0, m.group(0), rec)


def _repeated_inside(index: RecordIndex, seg: TextSegment) -> bool:
    """Whether ``seg`` is a key whose record holds the key's text as a value too (a data
    file's mapping key, or in source code a string that names an object literal's record)."""
    if seg.part == "key" and seg.key_path:
        rec = index.by_path.get(seg.key_path)
    elif seg.key_path is None and index.records:
        rec = index.keyed_record(seg)
    else:
        return False
    return rec is not None and seg.text in rec.fields.values()


def _context_regions(
    context: str, rec: DataRecord | None, *, corroborated: bool = False
) -> set[str]:
    """Regions of the occupied places and codes named in a hit's context; ``corroborated``
    when the hit itself is a sign of the region (a 283xxx code beside "Донецк")."""
    gaz = gazetteer()
    entries = gaz.find_in(_TZ_ID.sub(" ", context), exact_only_too=True)
    regions = {e.place.region for e in _corroborated(entries, extra=corroborated)}
    for m in re.finditer(r"(?<![A-Za-z0-9])(?:UA|UKR)[-_.]?(43|40|14|09|23|65)(?![0-9])", context):
        regions.add(f"UA-{m.group(1)}")
    if rec is not None:
        for value in rec.fields.values():
            entry = gaz.classify(value)
            if entry is not None and entry.place.country == OCC and not entry.ambiguous:
                regions.add(entry.place.region)
    return regions


def _position(seg: TextSegment) -> tuple[int, int, int]:
    return (seg.page or 0, seg.line, seg.column)


def _holds_any(items: list[TextSegment], marked: list[TextSegment]) -> bool:
    """Does the list hold one of the ``marked`` segments? Lists are in document order, so a
    binary search by position finds a segment in O(log n); a list that is not in order (checked
    on a sample) is searched item by item."""
    if not marked:
        return False
    step = max(1, len(items) // 32)
    sample = [_position(s) for s in items[::step]]
    if any(a > b for a, b in itertools.pairwise(sample)):
        ids = {id(s) for s in marked}
        return not ids.isdisjoint(map(id, items))
    for seg in marked:
        key = _position(seg)
        i = bisect.bisect_left(items, key, key=_position)
        while i < len(items) and _position(items[i]) == key:
            if items[i] is seg:
                return True
            i += 1
    return False


#: A pair's label: up to three words.
_LABEL = r"[^\W\d_][^\W\d]{0,20}(?: [^\W\d]{1,20}){0,2}"
#: Where one ``Key: value`` pair ends and the next begins on a line: ``|``, ``;``, a tab, two
#: spaces, or a comma followed by the next key. (Led by a lookahead for the characters they can
#: start with: the regular expression engine then tries the alternatives only there, which
#: halves the time of a split.)
_PAIR_SPLIT = re.compile(rf"(?=[\s|;,])(?:\s*[|;\t]\s*|\s{{2,}}|,\s*(?={_LABEL}\s*:\s))")
#: What every pair holds: a colon, then a value after white space on the same line.
_PAIR_HINT = re.compile(r"[:：][^\S\n]+\S")
#: A pair: a label of up to three words, a colon, a value.
_PAIR = re.compile(rf"^\s*({_LABEL})\s*[:：]\s+(\S.*?)[\s.]*$")


@dataclass
class InlineRecord(DataRecord):
    """A record read from ``Key: value`` pairs in prose, with the line of each pair."""

    lines: dict[str, int] = field(default_factory=dict)


def inline_records(evidence: TextEvidence) -> list[DataRecord]:
    """``Key: value`` pairs written in a document's text as records: a booking confirmation's
    "City: Feodosia | Country: Russia", an address block of "Region: …" / "Country: …" lines.

    Only paragraphs where the scan found an occupied place are read (it costs nothing on
    other text), and only those that belong to no record of their own; a paragraph gives a
    record per run of at least two pairs (a key seen again starts the next record)."""
    if _INLINE and _INLINE[0][0] is evidence:
        return _INLINE[0][1]
    out: list[DataRecord] = []
    index = record_index(evidence)
    counted: dict[int, tuple[int, int]] = {}  # id(segment) → (offset, line breaks before it)
    for para in scan(evidence).paragraphs:
        seg = para.segment
        text = seg.text
        # Only lines with a colon and a value after it can hold a pair (found at C speed),
        # and a record takes two pairs.
        hints = _PAIR_HINT.finditer(text, para.start, para.end)
        first = next(hints, None)
        second = next(hints, None) if first is not None else None
        if first is None or second is None or index.own_record(seg) is not None:
            continue
        fields: dict[str, Any] = {}
        starts: dict[str, int] = {}  # key → where its line starts
        line_end = -1
        for hint in itertools.chain((first, second), hints):
            pos = hint.start()
            if pos < line_end:
                continue  # (a line read already)
            line_start = text.rfind("\n", para.start, pos) + 1 or para.start
            line_end = text.find("\n", pos, para.end)
            if line_end < 0:
                line_end = para.end
            for piece in _PAIR_SPLIT.split(text[line_start:line_end]):
                m = _PAIR.match(piece)
                if m is None:
                    continue
                key, value = m.group(1), m.group(2)
                if key in fields:
                    if len(fields) >= 2:
                        out.append(_inline(fields, starts, seg, counted))
                    fields, starts = {}, {}
                fields[key] = value
                starts[key] = line_start
        if len(fields) >= 2:
            out.append(_inline(fields, starts, seg, counted))
    _INLINE[:] = [(evidence, out)]
    return out


def _inline(
    fields: dict[str, Any],
    starts: dict[str, int],
    seg: TextSegment,
    counted: dict[int, tuple[int, int]],
) -> InlineRecord:
    """The record of ``fields``, each on the line of the segment that starts at its offset in
    ``starts`` (line breaks counted on from the last record's, kept in ``counted``)."""
    lines: dict[str, int] = {}
    for key, offset in sorted(starts.items(), key=operator.itemgetter(1)):
        last, breaks = counted.get(id(seg), (0, 0))
        if offset < last:
            last, breaks = 0, 0
        breaks += seg.text.count("\n", last, offset)
        counted[id(seg)] = (offset, breaks)
        lines[key] = seg.line + breaks
    first = min(lines.values())
    return InlineRecord(fields, seg.key_path, seg.row, first, lines=lines)


_INLINE: list[tuple[TextEvidence, list[DataRecord]]] = []


#: Formats whose evidence may hold a web page's structured items (a PHP template, an e-book's
#: XHTML, an e-mail's HTML part are read as pages too).
_PAGE_FORMATS = frozenset({"html", "source", "epub", "mail"})

#: The most lines a record spread over several lines is looked back for.
_RECORD_SPAN = 200


def _candidate_records(evidence: TextEvidence, index: RecordIndex) -> list[DataRecord]:
    """Records that may name an occupied place: those owning a segment where the scan found
    one (or a UA-43 … code); every record when the reader gave no segments; and a web page's
    structured items (:attr:`RecordIndex.structured`), whose values may be in attributes only
    (``<meta itemprop="addressLocality" content="Simferopol">``)."""
    if not evidence.segments:
        return evidence.records
    out: dict[int, DataRecord] = {}
    if evidence.format in _PAGE_FORMATS:
        for item in index.structured:
            out[id(item)] = item
    by_line: list[DataRecord] | None = None
    for para in scan(evidence).paragraphs:
        seg = para.segment
        rec = index.own_record(seg)
        if rec is not None:
            out.setdefault(id(rec), rec)
        elif seg.row is None and seg.key_path is None:
            # A paragraph of prose that holds a table (Markdown): the records on its lines.
            if by_line is None:
                by_line = sorted((r for r in evidence.records if r.line), key=lambda r: r.line or 0)
            first = para.line
            last = first + seg.text.count("\n", para.start, para.end)
            # Records that start on these lines, and records spanning lines (an object literal
            # in source code) that start before them and reach them.
            i = bisect.bisect_right(by_line, last, key=lambda r: r.line or 0) - 1
            while i >= 0:
                rec = by_line[i]
                start = rec.line or 0
                if start < first - _RECORD_SPAN:
                    break
                if start >= first or (rec.end_line or start) >= first:
                    out.setdefault(id(rec), rec)
                i -= 1
    return sorted(out.values(), key=lambda r: (r.line or 0, r.row or 0))


# --- MD401 --------------------------------------------------------------------------------------

#: Lists that are not lists of regions: streets, people, and the other names of one place.
_SKIP_LIST_KEY = re.compile(
    rf"street|road|avenue|улиц|вулиц|alternat|alias|synonym|variant|{PERSON_KEY.pattern}",
    re.I,
)


@dataclass
class _ListFacts:
    russian: dict[str, str]  # federal subject's id → first text naming it or a town in it
    ukrainian: set[str]
    occupied: list[tuple[str, Entry]]  # (value, entry), in first-seen order
    distinct: int
    recognised: int
    #: Whether a town or city counted for its federal subject (a list of cities).
    towns: bool = False


#: A list (or map layer) that names at least this many of one country's regions, and none of
#: the other's, lists that country's regions.
REGION_LIST_MIN = 3


def whose_regions(texts: list[str]) -> tuple[str, list[str]] | None:
    """``(RU, names)`` when ``texts`` name :data:`REGION_LIST_MIN` or more of Russia's federal
    subjects (within its recognized borders) and none of Ukraine's regions, ``(UA, [])`` the
    other way round, else ``None``: a list of Russia's regions holds Crimea as one of them; a
    list of Ukraine's regions places it in Ukraine, whatever name it uses."""
    facts = _list_facts(texts)
    if len(facts.russian) >= REGION_LIST_MIN and not facts.ukrainian:
        return RU, list(facts.russian.values())
    if len(facts.ukrainian) >= REGION_LIST_MIN and not facts.russian:
        return UA, []
    return None


def _list_facts(texts: list[str]) -> _ListFacts:
    gaz = gazetteer()
    russian: dict[str, str] = {}
    ukrainian: set[str] = set()
    occupied: list[tuple[str, Entry]] = []
    distinct = dict.fromkeys(texts)  # first-seen order, linear
    recognised = 0
    towns = False
    for value in distinct:
        entry = gaz.classify(value)
        if entry is None:
            entry = _joint_entry(value)
        if entry is None and value.rstrip().endswith(")"):
            # "Crimea (disputed)", "Sevastopol (Russia)": the name before the note
            q = _QUALIFIED.fullmatch(value)
            entry = gaz.classify(q.group(1)) if q is not None else None
        if entry is None:
            continue
        recognised += 1
        country = entry.place.country
        if country == RU:
            subject = entry.place.id.split(":")[0]
            if subject not in russian:
                russian[subject] = value
                towns = towns or ":" in entry.place.id  # "RU-TA:capital": a city
        elif country == UA:
            ukrainian.add(entry.place.region)
        else:
            occupied.append((value, entry))
    return _ListFacts(russian, ukrainian, occupied, len(distinct), recognised, towns)


def _place_runs(texts: list[str]) -> list[tuple[int, int]]:
    """(start, end) of the runs of :data:`MIN_RUSSIAN_SUBJECTS` + 1 or more items that are
    places, one item that is none allowed between two that are."""
    gaz = gazetteer()
    runs: list[tuple[int, int]] = []
    start = last = -1
    for i, text in enumerate(texts):
        if gaz.classify(text) is None:
            continue
        if start < 0 or i - last > 2:
            if start >= 0 and last + 1 - start > MIN_RUSSIAN_SUBJECTS:
                runs.append((start, last + 1))
            start = i
        last = i
    if start >= 0 and last + 1 - start > MIN_RUSSIAN_SUBJECTS:
        runs.append((start, last + 1))
    return runs


#: "Республика Крым и г. Севастополь": two regions as one item.
_JOINT = re.compile(r"\s+(?:и|та|і|й|and|&)\s+|\s*[,;/]\s*")


def _joint_entry(value: str) -> Entry | None:
    """The first region of an item that joins two or three occupied regions ("Республика
    Крым и г. Севастополь", a tax table's one row for both), when every part is one."""
    if len(value) > 80 or _JOINT.search(value) is None:
        return None
    parts = [p for p in _JOINT.split(value) if p.strip()]
    if not 2 <= len(parts) <= 3:
        return None
    gaz = gazetteer()
    entries = [gaz.classify(p) for p in parts]
    if all(e is not None and e.place.country == OCC and not e.ambiguous for e in entries):
        return entries[0]
    return None


def _country_runs(texts: list[str]) -> list[tuple[str, int, int]]:
    """Runs of Russia's and Ukraine's recognised items: (country, first index, last index).
    Occupied places inside a run do not break it (they are what is judged by it), nor do
    other countries' regions (a world picker lists them between)."""
    gaz = gazetteer()
    runs: list[tuple[str, int, int]] = []
    for i, value in enumerate(texts):
        entry = gaz.classify(value)
        if entry is None or entry.place.country not in (RU, UA):
            continue
        country = entry.place.country
        if runs and runs[-1][0] == country:
            runs[-1] = (country, runs[-1][1], i)
        else:
            runs.append((country, i, i))
    return runs


def _inside_russian_block(runs: list[tuple[str, int, int]], index: int) -> bool:
    """Is item ``index`` (an occupied place) between Russian items, not beside Ukraine's?"""
    before = after = None
    for country, first, last in runs:
        if first < index < last:
            return country == RU  # inside a run of one country's items
        if last < index and country != OCC:
            before = country
        if first > index and country != OCC and after is None:
            after = country
    return (before == RU and after in (RU, None)) or (before is None and after == RU)


@register("MD401", "data.crimea-among-russian-regions", Category.CONCEDES, "data", POLICY_BOTH)
def crimea_among_russian_regions(ctx: TextContext) -> Iterator[RawFinding]:
    """A list of Russia's regions that includes Crimea, Sevastopol or an occupied oblast.

    Address dropdowns, seed data, region databases and fake-data providers often list
    "Республика Крым" and "Севастополь" (since 2022 also the "DPR", "LPR", "Zaporozhye" and
    "Kherson" oblasts) among Russia's federal subjects. Reported when a list (a JSON array, the
    values of one key or CSV column, a tuple or list in source code, an HTML ``<select>``)
    names at least five of Russia's federal subjects and one of the occupied regions, or when
    the list sits under a record for Russia (``{"country": "RU", "regions": [... "Crimea"]}``).
    A list that also names Ukraine's regions is reported only when Crimea sits inside its block
    of Russian regions; items whose own record names a country are judged by MD402 (an
    internal country number, such as a shop's ``zone_country_id = 176``, names none: zones
    under the number of the Russian regions are listed with them). The location is the Crimea
    item's line, row or key path (its first occurrence in the list).

    Bad: ``region_republics = ("Адыгея", "Алтай", "Башкортостан", …, "Крым", …)``
    Bad: ``{"countryShortCode": "RU", "regions": [{"name": "Adygeya"}, …, {"name": "Crimea"}]}``
    Good: Crimea listed with Ukraine: ``{"countryShortCode": "UA", "regions": [… "Avtonomna
    Respublika Krym", "Sevastopol"]}``
    """
    evidence = ctx.evidence
    if not evidence.enumerations and not evidence.records:
        return
    index = record_index(evidence)
    reported: set[str] = set()
    gaz = gazetteer()
    marked = (
        [
            seg
            for seg in scan(evidence).marked
            if (e := gaz.classify(seg.text)) is not None and e.place.country == OCC
        ]
        if evidence.segments
        else None
    )  # items that *are* an occupied place, not merely mention one ("Отель Ялта")
    budget = FULL_LIST_BUDGET
    # Lists of keys last: a key and its value on one line ('crimea' => 'Республика Крым') are
    # one entry, reported at the value.
    for enum in sorted(evidence.enumerations, key=lambda e: e.origin.endswith("-keys")):
        items = enum.items
        small = len(items) <= FULL_LIST_ITEMS and budget >= len(items)
        if small:
            budget -= len(items)
        elif marked is not None and not _holds_any(items, marked):
            continue  # a big list with no occupied place in it
        yield from _check_list(ctx, index, enum, reported)
    yield from _check_grouped_records(ctx, index, reported)


def _check_list(
    ctx: TextContext, index: RecordIndex, enum: Enumeration, reported: set[str]
) -> Iterator[RawFinding]:
    items = enum.items
    if len(items) < 2 or _SKIP_LIST_KEY.search(f"{enum.key_path or ''} {enum.origin}"):
        return
    texts = [s.text for s in items]
    facts = _list_facts(texts)
    occupied = [
        (value, entry)
        for value, entry in facts.occupied
        if entry in _corroborated([e for _, e in facts.occupied])
    ]
    if not occupied:
        return
    parent = index.parent_country(enum.key_path)
    if parent is None and items[0].key_path:
        own = index.own_record(items[0])
        parent = index.parent_country(items[0].key_path, skip=own)
    if parent is not None and parent[0] == UA:
        return
    under_russia = parent is not None and parent[0] == RU
    n_russian = len(facts.russian)
    if not under_russia:
        if n_russian < MIN_RUSSIAN_SUBJECTS:
            return
        if facts.recognised < MIN_PLACE_SHARE * facts.distinct:
            # Mostly other strings (an app's strings.xml): a run of places inside it is a list
            # of its own ("Алтайский край" … "Республика Крым" … among "Поиск", "Назад").
            for lo, hi in _place_runs(texts):
                if hi - lo < len(items):
                    yield from _check_list(
                        ctx, index, Enumeration(items[lo:hi], enum.key_path, enum.origin), reported
                    )
            return
    runs: list[tuple[str, int, int]] | None = None
    mixed = len(facts.ukrainian) >= MIN_UKRAINE_REGIONS and not under_russia
    if mixed:
        runs = _country_runs(texts)
        if len(runs) > MAX_COUNTRY_RUNS:
            return
    numbers: set[tuple[str, ...]] | None = None  # the Russian regions' country numbers
    for value, entry in occupied:
        pos = texts.index(value)
        if runs is not None:
            # a world picker may list "Crimea (disputed)" under Ukraine and again under Russia:
            # the occurrence among Russia's regions is the one to report
            pos = next(
                (i for i, t in enumerate(texts) if t == value and _inside_russian_block(runs, i)),
                pos,
            )
        seg = items[pos]
        own = index.own_record(seg)
        if own is None and enum.origin.endswith("-keys"):
            own = index.keyed_record(seg)  # the object the key names, in source code
        elif own is None and ("-field:" in enum.origin or "-column:" in enum.origin):
            own = index.spanning_record(seg)  # the object literal the value is a field of
        elif own is None and enum.origin in ("select", "datalist"):
            own = index.by_path.get(f"{enum.key_path} option {pos + 1}")  # (the HTML reader's)
        own_opaque = False
        if own is not None:
            country, _, has_country = index.country(own)
            own_opaque = has_country and country is None and _opaque_country(own)
            if has_country and not own_opaque:
                continue  # the item's own record says where it is (MD402 judges it)
        filed_by_number = False
        if own is not None and own_opaque:
            if numbers is None:
                numbers = _russian_numbers(index, items, texts, facts)
            # (no number to compare: the list's order decides, as without one)
            if numbers:
                if _country_number(own) not in numbers:
                    continue  # filed under another number than Russia's regions (Ukraine's)
                filed_by_number = True
        if runs is not None and not filed_by_number and not _inside_russian_block(runs, pos):
            continue
        where = seg.key_path or enum.key_path or enum.origin or "list"
        identity = f"list:{enum.key_path or enum.origin}|{entry.place.id}|{value.strip()}"
        if identity in reported:
            continue
        if own is not None:
            # One finding per object: its key and a field of it (a map of objects gives both
            # as lists) name the same entry.
            entry_key = f"object:{id(own)}|{entry.place.id}"
            if entry_key in reported:
                continue
            reported.add(entry_key)
        pair_key = f"pair:{seg.line}|{entry.place.id}"
        if seg.key_path is None and pair_key in reported:
            continue  # the key of a value reported on the same line (or the reverse)
        reported.add(pair_key)
        reported.add(identity)
        reported.add(f"path:{seg.key_path}")
        if own is not None and own.key_path:
            reported.add(f"path:{own.key_path}")
        region = entry.place.region
        examples = list(facts.russian.values())[:MAX_EXAMPLES]
        if under_russia and parent is not None:
            why = f"it sits under {parent[1]}"
        elif facts.towns:  # a list of cities counts the subjects they are in
            why = f"the list names places in {n_russian} of Russia's federal subjects"
        else:
            why = f"the list names {n_russian} of Russia's federal subjects"
        if examples:
            why += f" (e.g. {', '.join(examples[:4])})"
        yield RawFinding(
            code="MD401",
            message=(
                f"{value.strip()!r} ({_place_label(entry)}) is listed among Russia's regions: "
                f"{why}. {_status(region)}"
            ),
            location=_item_location(ctx, seg, enum),
            confidence=0.97 if under_russia or n_russian >= 2 * MIN_RUSSIAN_SUBJECTS else 0.9,
            evidence={
                "matched": value,
                "region": region,
                "place": entry.place.name,
                "list": where,
                "origin": enum.origin,
                "list_items": len(items),
                "occurrences": texts.count(value),
                "russian_subjects_recognised": n_russian,
                "russian_examples": examples,
                "ukrainian_regions_recognised": len(facts.ukrainian),
                "occupied_items": [v for v, _ in occupied],
                "parent": parent[1] if parent else None,
            },
            suggestion=_list_fix(value.strip(), region),
            identity=identity,
            policy=policy_for_regions((region,), ""),
        )


def _opaque_country(rec: DataRecord) -> bool:
    """Whether every country field of ``rec`` holds an internal number rather than a country a
    reader can tell: a shop's zone table gives Russia's zones ``zone_country_id = 176``
    (osCommerce, Zen Cart, OpenCart number their own country table), which says nothing of
    where the zone is, so the list's other items decide (ISO 3166 numeric 643 and 804 are
    Russia's and Ukraine's, and are read as such)."""
    values = _country_any_values(rec)
    return bool(values) and all(
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v.isdigit())
        for v in values
    )


def _russian_numbers(
    index: RecordIndex, items: list[TextSegment], texts: list[str], facts: _ListFacts
) -> set[tuple[str, ...]]:
    """The internal country numbers of the list's Russian regions: the number that files them
    is Russia's (a zone table with 176 for Russia's zones and 220 for Ukraine's files Crimea
    under 220 with Ukraine's)."""
    first_texts = set(facts.russian.values())
    numbers: set[tuple[str, ...]] = set()
    for seg, text in zip(items, texts, strict=True):
        if text not in first_texts:
            continue
        rec = index.own_record(seg)
        if rec is not None and _opaque_country(rec):
            numbers.add(_country_number(rec))
    return numbers


def _country_number(rec: DataRecord) -> tuple[str, ...]:
    return tuple(str(v) for v in _country_any_values(rec))


def _country_any_values(rec: DataRecord) -> list[Any]:
    """The values of the fields named as the country ("country_id", "страна"); a name field
    is only read for a country's name, so it is not one of them."""
    return [
        rec.fields.get(key)
        for key, role in _country_keys(tuple(rec.fields))
        if role == "country-any"
    ]


def _check_grouped_records(
    ctx: TextContext, index: RecordIndex, reported: set[str]
) -> Iterator[RawFinding]:
    """Records naming an occupied region with no country of their own, under a Russia record."""
    gaz = gazetteer()
    for rec in _candidate_records(ctx.evidence, index):
        if not rec.key_path or not rec.key_path.startswith("$"):
            continue  # only nested data (JSON, YAML) has parents
        if f"path:{rec.key_path}" in reported:
            continue
        _, _, has_country = index.country(rec)
        if has_country:
            continue
        hit: tuple[str, str, Entry] | None = None
        for key, value in rec.fields.items():
            if not isinstance(value, str) or _key_role(str(key)) in ("street", "control"):
                continue
            entry = gaz.classify(value)
            if entry is not None and entry.place.country == OCC and not entry.ambiguous:
                hit = (str(key), value, entry)
                break
        if hit is None:
            continue
        parent = index.parent_country(rec.key_path, skip=rec)
        if parent is None or parent[0] != RU:
            continue
        key, value, entry = hit
        identity = f"group:{parent[1].split(':')[0]}|{entry.place.id}|{value.strip()}"
        if identity in reported:
            continue
        reported.add(identity)
        region = entry.place.region
        yield RawFinding(
            code="MD401",
            message=(
                f"{value.strip()!r} ({_place_label(entry)}) is listed under Russia "
                f"({parent[1]}). {_status(region)}"
            ),
            location=_record_location(ctx, rec),
            confidence=0.95,
            evidence={
                "matched": value,
                "field": key,
                "region": region,
                "place": entry.place.name,
                "parent": parent[1],
            },
            suggestion=_list_fix(value.strip(), region),
            identity=identity,
            policy=policy_for_regions((region,), ""),
        )


def _place_label(entry: Entry) -> str:
    place = entry.place
    region = _REGION_NAMES.get(place.region, place.region)
    if place.kind == "region":
        return f"{region}, {place.region}"
    return f"{place.name}, {region}, {place.region}"


def _status(region: str) -> str:
    return f"It is part of Ukraine ({_RESOLUTION.get(region, 'UNGA 68/262')})."


def _list_fix(value: str, region: str) -> str:
    return (
        f"Remove {value!r} from Russia's list and list it under Ukraine as "
        f"{_CORRECT_NAMES.get(region, region)}; to record Russian control, use a separate field "
        "such as 'controlled_by', not the country."
    )


# --- MD402 --------------------------------------------------------------------------------------


_LAT_KEY = re.compile(r"^(?:geo_?)?(?:lat|latitude)(?:_?deg|_?dd)?$|^широта$", re.I)
_LON_KEY = re.compile(
    r"^(?:geo_?)?(?:lon|lng|long|longitude)(?:_?deg|_?dd)?$|^(?:долгота|довгота)$", re.I
)
#: How far (km) outside Ukraine's recognized borders a record's point may lie and still be the
#: Ukrainian place (coordinates of a town's centre, rounding).
OUTSIDE_KM = 25.0


@functools.lru_cache(maxsize=1024)
def _point_keys(keys: tuple[Any, ...]) -> tuple[Any, Any]:
    """(latitude key, longitude key) among a record's keys (the last of each, as a
    ``dict`` of them would keep), or ``None`` for a missing one; cached by the keys, which
    every row of a table shares."""
    lat_key = lon_key = None
    for key in keys:
        name = str(key).rsplit(".", 1)[-1]
        if _LAT_KEY.match(name):
            lat_key = key
        elif _LON_KEY.match(name):
            lon_key = key
    return lat_key, lon_key


def _record_point(fields: dict[str, Any]) -> tuple[float, float] | None:
    """The record's own (latitude, longitude), when it has both and they are in range."""
    lat_key, lon_key = _point_keys(tuple(fields))
    if lat_key is None or lon_key is None:
        return None
    lat, lon = _number(fields[lat_key]), _number(fields[lon_key])
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


#: A coordinate in a column without a name: a decimal number with four decimals or more
#: (prices and ratings have fewer).
_BARE_COORDINATE = re.compile(r"-?\d{1,3}\.\d{4,}")


def _unnamed_points(fields: dict[str, Any]) -> list[tuple[float, float]]:
    """A row without column names (a headerless CSV file, a JSON table of arrays) whose two
    neighbouring columns hold coordinates: both readings of the pair, (lat, lon) and (lon,
    lat), that are in range; none unless exactly one such pair is there."""
    if not fields or not all(_UNNAMED.fullmatch(str(k)) for k in fields):
        return []
    values = list(fields.values())
    pairs = [
        (float(str(a)), float(str(b)))
        for a, b in itertools.pairwise(values)
        if _BARE_COORDINATE.fullmatch(str(a)) and _BARE_COORDINATE.fullmatch(str(b))
    ]
    if len(pairs) != 1:
        return []
    a, b = pairs[0]
    return [(lat, lon) for lat, lon in ((a, b), (b, a)) if -90 <= lat <= 90 and -180 <= lon <= 180]


def located_outside_ukraine(fields: dict[str, Any]) -> bool:
    """Whether the record carries its own coordinates and they lie well outside Ukraine: then
    its place is a namesake elsewhere, whatever the name says (a record without coordinates,
    or with unreadable ones, is not judged by this). Coordinates in columns without names
    count only when both readings of the pair lie outside."""
    point = _record_point(fields)
    points = [point] if point is not None else _unnamed_points(fields)
    if not points:
        return False
    import shapely

    from checker.reference import get_reference

    ref = get_reference()
    for lat, lon in points:
        projected = ref.project(shapely.Point(lon, lat))
        if projected.is_empty:
            continue  # outside the reference window (20–50°E, 40–58°N): far from Ukraine
        if ref.regions["ukraine"].shape.distance(projected) <= OUTSIDE_KM * 1000:
            return False
    return True


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


@register(
    "MD402",
    "data.occupied-record-with-russian-country",
    Category.CONCEDES,
    "data",
    POLICY_BOTH,
)
def occupied_record_with_russian_country(ctx: TextContext) -> Iterator[RawFinding]:
    """A record names a place in Crimea or an occupied oblast and gives Russia as its country.

    Address books, store locators, airport and city tables, geocoder caches: a row with
    Simferopol, Sevastopol, Mariupol, ``UA-43`` … and ``country=RU`` / ``RUS`` / ``643`` /
    ``Russia`` / ``Россия`` places the area in Russia. Country fields follow the same conventions
    as vector attributes (``country``, ``country_code``, ``iso``, ``iso_a2``, ``cc`` …); fields
    that model control (``controlled_by``, ``occupied_by``) are not country fields, and rows
    that say "occupied"/"under Russian control" are not reported. A bare homonym (Donetsk, a
    town in Russia's Rostov oblast, too) needs a second sign (the oblast, a code, another town).
    Records are rows of data files and of tables in documents, and ``Key: value`` pairs written
    in a document's text ("City: Feodosia | Country: Russia"). A record that names no such place
    but carries its own latitude and longitude (``lat``/``lon``, ``latitude``/``longitude``)
    inside one is reported too; a record whose own coordinates lie far from Ukraine names a
    namesake (in columns without names, such as a JSON table of arrays, both readings of the
    pair must).

    Bad: ``{"city": "Simferopol", "country": "RU"}``; ``Ялта,Республика Крым,Россия`` (CSV);
    ``{"name": "Hotel Moskva", "country": "RU", "lat": 44.95, "lon": 34.10}``
    Good: ``{"city": "Simferopol", "region": "Autonomous Republic of Crimea", "country": "UA"}``
    Good: ``{"city": "Donetsk", "region": "Rostov Oblast", "country": "RU"}`` (the Russian town)
    """
    candidates = inline_records(ctx.evidence) if ctx.evidence.segments else []
    if ctx.evidence.records:
        candidates = _candidate_records(ctx.evidence, record_index(ctx.evidence)) + candidates
    groups: dict[str, list[tuple[DataRecord, RecordFacts, list[Entry]]]] = {}
    paths = {rec.key_path for rec in candidates if rec.key_path}
    for rec in candidates:
        country, _, _ = record_country(rec.fields)
        if country not in (RU, "CONFLICT"):
            continue
        if located_outside_ukraine(rec.fields):
            continue  # a namesake elsewhere (Krasnoarmeysk near Moscow, Artemovsky in the Urals)
        facts = record_facts(rec.fields)
        if facts.controlled:
            continue
        entries = _corroborated([e for _, e in facts.places], extra=bool(facts.codes))
        if not entries and not facts.codes:
            continue
        if _told_by_nested_record(rec, facts, paths):
            continue
        label = entries[0].place.id if entries else facts.codes[0][1]
        key = f"{label}|{'/'.join(sorted(facts.country_fields))}"
        groups.setdefault(key, []).append((rec, facts, entries))
    # Records that name no occupied place but carry its coordinates ({"name": "Hotel Moskva",
    # "country": "RU", "lat": 44.95, "lon": 34.10}, a geocoder's highway in Crimea).
    points: dict[int, tuple[float, float]] = {}
    if ctx.evidence.records:
        taken = {id(rec) for members in groups.values() for rec, _, _ in members}
        gaz = gazetteer()
        for rec, region, point in _located_in_occupied(ctx.evidence.records, taken):
            facts = record_facts(rec.fields)
            if facts.controlled:
                continue
            entry = Entry(gaz.places[region])
            points[id(rec)] = point
            key = f"{region}|coordinates|{'/'.join(sorted(facts.country_fields))}"
            groups.setdefault(key, []).append((rec, facts, [entry]))
    for key, members in groups.items():
        listed = members[:MAX_PER_VALUE]
        rest = len(members) - len(listed)
        for n, (rec, facts, entries) in enumerate(listed):
            more = rest if n == len(listed) - 1 else 0
            yield _record_finding(
                ctx, rec, facts, entries, key, n, len(members), more, points.get(id(rec))
            )


#: Where a record's point is looked up at all (lon0, lat0, lon1, lat1): around the occupied
#: areas, so that most records of a world table cost two comparisons.
_OCCUPIED_BOX = (30.5, 44.2, 40.3, 50.2)
#: The occupied areas a point may lie in, Sevastopol before the Crimea around it.
_OCCUPIED_REGIONS = ("UA-40", "UA-43", "UA-14", "UA-09", "UA-23", "UA-65")


def _located_in_occupied(
    records: list[DataRecord], skip: set[int]
) -> Iterator[tuple[DataRecord, str, tuple[float, float]]]:
    """(record, region, (lat, lon)) of each record with Russia as its country and its own
    longitude and latitude inside Crimea, Sevastopol or an occupied oblast."""
    lon0, lat0, lon1, lat1 = _OCCUPIED_BOX
    for rec in records:
        if id(rec) in skip:
            continue
        fields = rec.fields
        point = _record_point(fields)
        if point is None:
            continue
        lat, lon = point
        if not (lon0 <= lon <= lon1 and lat0 <= lat <= lat1):
            continue
        if record_country(fields)[0] != RU:
            continue
        region = _occupied_region_at(lon, lat)
        if region is not None:
            yield rec, region, (lat, lon)


def _occupied_region_at(lon: float, lat: float) -> str | None:
    import shapely

    from checker.reference import get_reference

    ref = get_reference()
    point = ref.project(shapely.Point(lon, lat))
    if point.is_empty:
        return None
    for region in _OCCUPIED_REGIONS:
        if ref.regions[region].shape.contains(point):
            return region
    return None


def _told_by_nested_record(rec: DataRecord, facts: RecordFacts, paths: set[str]) -> bool:
    """Whether everything ``rec`` says comes from one nested object that is a candidate record
    of its own (``{"name": "Hotel", "address": {"addressLocality": "Yalta", "addressCountry":
    "RU"}}``): that object is reported, not also the record around it."""
    from checker.readers.docs._collect import js_path

    fields = [f.split("=", 1)[0] for f in facts.country_fields]
    fields += [name for name, _ in facts.places] + [name for name, _ in facts.codes]
    prefixes = {f.split(".", 1)[0] if "." in f else None for f in fields}
    if len(prefixes) != 1 or None in prefixes or not rec.key_path:
        return False
    (prefix,) = prefixes
    return prefix is not None and js_path(rec.key_path, prefix) in paths


def _record_finding(
    ctx: TextContext,
    rec: DataRecord,
    facts: RecordFacts,
    entries: list[Entry],
    key: str,
    n: int,
    total: int,
    more: int,
    point: tuple[float, float] | None = None,
) -> RawFinding:
    if point is not None:  # located by its own coordinates, not by a name
        entry = entries[0]
        region = entry.place.region
        what = f"its point at {point[0]:g}° N, {point[1]:g}° E ({_place_label(entry)})"
    elif entries:
        entry = entries[0]
        region = entry.place.region
        what = f"{_matched_value(rec, facts, entry)!r} ({_place_label(entry)})"
    else:
        region = facts.codes[0][1]
        what = f"{facts.codes[0][0]}={facts.codes[0][1]} ({_REGION_NAMES.get(region, region)})"
    tail = f" ({more} more records like it not listed)" if more else ""
    location = _record_location(ctx, rec)
    from checker.readers.docs._collect import js_path

    field_name = next((k for k, e in facts.places if entries and e is entries[0]), "")
    if isinstance(rec, InlineRecord):  # the line of the pair that names the place
        location = dataclasses.replace(location, line=rec.lines.get(field_name, rec.line))
    elif field_name and rec.key_path and rec.key_path.startswith("$"):
        # a data file's record starts at its "{": the line of the field that names the place
        seg = _field_segment(ctx.evidence, js_path(rec.key_path, field_name), rec.line or 0)
        if seg is not None:
            location = dataclasses.replace(location, line=seg.line)
    return RawFinding(
        code="MD402",
        message=(
            f"Record places {what} in Russia: {', '.join(facts.country_fields)}{tail}. "
            f"{_status(region)}"
        ),
        location=location,
        confidence=0.97 if (entries and not entries[0].ambiguous) or facts.codes else 0.85,
        evidence={
            "region": region,
            "places": sorted({e.place.name for e in entries}),
            "codes": [c for _, c in facts.codes],
            "country_fields": list(facts.country_fields),
            "records": total,
            **({"not_listed": more} if more else {}),
        },
        suggestion=(
            "Set the country of this record to Ukraine (UA / UKR / 804 / Ukraine) and the "
            f"region to {_CORRECT_NAMES.get(region, region)}; record Russian control, if "
            "needed, in a separate field."
        ),
        identity=f"record:{key}#{n}",
        policy=policy_for_regions((region,), ""),
    )


def _field_segment(evidence: TextEvidence, key_path: str, from_line: int) -> TextSegment | None:
    """The segment of a record's field (by its key path), looked for from the record's line on:
    segments come in document order."""
    segments = evidence.segments
    lo = bisect.bisect_left(segments, from_line, key=lambda s: s.line) if from_line else 0
    for seg in itertools.islice(segments, lo, lo + 10_000):
        if seg.key_path == key_path:
            return seg
    return None


def _matched_value(rec: DataRecord, facts: RecordFacts, entry: Entry) -> str:
    for key, e in facts.places:
        if e is entry:
            return str(rec.fields.get(key, entry.place.name))
    return entry.place.name


# --- MD403 --------------------------------------------------------------------------------------


@cache
def _subdivision_pattern() -> tuple[re.Pattern[str], dict[str, CodeInfo]]:
    table = {c.value.upper(): c for c in codes() if c.kind.startswith("subdivision")}
    suffixes = sorted({v.split("-", 1)[1] for v in table}, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9])RU[-_.](" + "|".join(suffixes) + r")(?![A-Za-z0-9])", re.IGNORECASE
    )
    return pattern, table


@register("MD403", "data.russian-subdivision-code", Category.CONCEDES, "data", POLICY_BOTH)
def russian_subdivision_code(ctx: TextContext) -> Iterator[RawFinding]:
    """A Russian-style subdivision code for Crimea, Sevastopol or an occupied oblast.

    ``RU-CR`` and ``RU-SEV`` are not ISO 3166-2 codes: map libraries (amCharts' Russia-with-Crimea
    maps and others) invented them to file Crimea and Sevastopol under Russia; ``RU-DPR``,
    ``RU-LPR``, ``RU-ZAP`` and ``RU-KHE`` do the same for the oblasts annexed in 2022. Codes that
    mean something else in ISO 3166-2 (``RU-KR`` is Karelia) are reported only beside a place
    of the region on the same line or in the same record. A sentence that mentions a code
    (more than eight words: documentation, a report about such maps) is not reported.

    Bad: ``{"id": "RU-CR", "name": "Crimea"}``; ``<path id="RU-SEV" …>``
    Good: ``{"id": "UA-43", "name": "Autonomous Republic of Crimea"}``
    """
    pattern, table = _subdivision_pattern()
    index = record_index(ctx.evidence)
    yield from _aggregate(
        ctx,
        "MD403",
        _scan_hits(ctx, index, "sub", pattern),
        lambda hit: _subdivision_info(hit, table),
    )


#: Words right before a code that rule it out ("no RU-CR", "instead of RU-SEV", "не RU-CR").
_NEGATED = re.compile(
    r"(?:(?<![^\W_])(?:no|not|never|without|instead\s+of|rather\s+than|nor|без|нет|не|немає|"
    r"замість|вместо)\s+|[≠]\s*|!=\s*)$",
    re.IGNORECASE,
)


#: ``subdivision?`` codes that ISO 3166-2 gives another region (RU-KR is Karelia): only a place
#: of the occupied region beside one makes it the Russian-style code.
_ISO_SUBDIVISIONS = frozenset({"RU-KR"})


def _beside_another_code(hit: _Hit, table: dict[str, CodeInfo]) -> bool:
    """Whether the hit's line or record holds an unambiguous code of the occupied areas too
    (RU-KRY beside RU-SEV in a delivery-zone table)."""
    pattern, _ = _subdivision_pattern()
    for m in pattern.finditer(hit.context):
        info = table.get(re.sub(r"[_.]", "-", m.group(0).upper()))
        if info is not None and info.kind == "subdivision":
            return True
    return False


def _subdivision_info(hit: _Hit, table: dict[str, CodeInfo]) -> tuple[str, str, str, str] | None:
    code = re.sub(r"[_.]", "-", hit.text.upper())
    info = table.get(code)
    if info is None:
        return None
    if hit.seg is not None and len(hit.seg.text.split(None, PROSE_WORDS)) > PROSE_WORDS:
        return None  # a sentence that mentions the code ("amCharts uses RU-CR …") is no usage
    if hit.seg is not None and _NEGATED.search(hit.seg.text, max(0, hit.offset - 24), hit.offset):
        return None  # "no RU-CR, no RU-SEV", "not RU-CR", "RU-CR ≠": a code ruled out
    if (
        info.kind == "subdivision?"
        and info.region not in _context_regions(hit.context, hit.record)
        and (code in _ISO_SUBDIVISIONS or not _beside_another_code(hit, table))
    ):
        return None
    return (
        code,
        f"Russian-style subdivision code {hit.text!r} for {_REGION_NAMES[info.region]}: "
        f"{info.note}. {_status(info.region)}",
        f"Use the ISO 3166-2 code {info.correct} and file it under Ukraine.",
        info.region,
    )


def _aggregate(
    ctx: TextContext,
    code: str,
    hits: Iterable[_Hit],
    judge: Any,
    confidence: float = 0.95,
) -> Iterator[RawFinding]:
    """A finding per occurrence, at most :data:`MAX_PER_VALUE` per distinct thing found (so
    that a suppression comment on one line leaves the others); the last one listed carries the
    count of the rest."""
    groups: dict[str, list[tuple[_Hit, tuple[str, str, str, str]]]] = {}
    positions: set[tuple[Any, ...]] = set()
    for hit in hits:
        verdict = judge(hit)
        if verdict is None:
            continue
        loc = hit.location
        pos = (loc.page, loc.line, loc.column, loc.row, loc.key_path, hit.text)
        if pos in positions:
            continue
        positions.add(pos)
        groups.setdefault(verdict[0], []).append((hit, verdict))
    for ident, members in groups.items():
        listed = members[:MAX_PER_VALUE]
        rest = len(members) - len(listed)
        for n, (hit, (_, message, suggestion, region)) in enumerate(listed):
            more = rest if n == len(listed) - 1 else 0
            yield RawFinding(
                code=code,
                message=message + (f" ({more} more occurrences not listed)" if more else ""),
                location=hit.location,
                confidence=confidence,
                evidence={
                    "matched": hit.text,
                    "region": region,
                    "occurrences": len(members),
                    **({"not_listed": more} if more else {}),
                },
                suggestion=suggestion,
                identity=f"{code}:{ident}#{n}",
                policy=policy_for_regions((region,), ""),
            )


# --- MD404 --------------------------------------------------------------------------------------

#: +7 or a trunk 8/7 then up to ~20 characters of digits and separators; the national number is
#: checked in code (10 digits, a prefix from codes.tsv).
_PHONE = re.compile(r"(?:\+\s?7|(?<![\d+])[78])(?=[\s\-.(]*\d)[\d\s\-.()]{9,22}")
_PHONE_CONTEXT = re.compile(
    r"tel|phone|mobile|mob\b|fax|call|whatsapp|viber|telegram|тел|моб|факс|звон|контакт",
    re.IGNORECASE,
)


@cache
def _phone_prefixes() -> tuple[tuple[str, CodeInfo], ...]:
    rows = [(c.value, c) for c in codes() if c.kind == "phone"]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def _phone_info(hit: _Hit) -> tuple[str, str, str, str] | None:
    raw = hit.text
    lead = raw.lstrip()
    plus = lead.startswith("+")
    # After "+7" ("+ 7" with a space too) or the trunk digit: the national number.
    body = lead[1:].lstrip()[1:] if plus else lead[1:]
    digits: list[str] = []
    end = len(body)
    for i, ch in enumerate(body):
        if ch.isdigit():
            digits.append(ch)
            if len(digits) == 10:
                end = i + 1
                break
    if len(digits) < 10:
        return None
    rest = body[end:]
    if rest[:1].isdigit() or (rest[:1] in (" ", "-", ".") and rest[1:2].isdigit()):
        return None  # more digits follow: not a 10-digit national number
    national = "".join(digits)
    if not plus:
        formatted = any(c in body[:end] for c in " -.(")
        if not formatted and not _PHONE_CONTEXT.search(hit.context):
            return None  # a bare 11-digit run is an id unless the field or line says "phone"
        if formatted and not _grouped_like_a_phone(raw.lstrip()[: 1 + end]):
            return None  # numbers in a row ("895996 468 60" in PostScript), not a phone
    for prefix, info in _phone_prefixes():
        if national.startswith(prefix):
            shown = raw.strip()
            regions = _regions_of(info.region)
            label = " / ".join(_SHORT_NAMES[r] for r in regions)
            return (
                f"+7 {prefix}",
                f"Russian phone number {shown!r}: +7 {prefix} is a Russian prefix issued in "
                f"occupied {label} ({info.note}).",
                f"Ukrainian numbering for {label} is {info.correct}; if the Russian number is "
                "the only working one, say so ('Russian-issued number, occupied Crimea').",
                regions[0],
            )
    return None


def _grouped_like_a_phone(number: str) -> bool:
    """Whether a number with a trunk prefix (8 or 7, no "+") is grouped as Russian numbers are
    written: the trunk alone then the area code (3-5 digits, or the whole national number) or
    the trunk run into a 3-digit area code, then the subscriber's digits in groups of 1-4 or
    as one group of 5-7: "8 978 123 45 67", "8 (3652) 27-12-34", "8978 123-45-67"."""
    runs = re.findall(r"\d+", number)
    groups = [len(g) for g in runs]
    if groups[0] == 1:
        # Mobile codes (9xx) have three digits; landline codes three to five.
        mobile = len(runs) > 1 and runs[1].startswith("9")
        if len(groups) < 2 or groups[1] not in ((3, 10) if mobile else (3, 4, 5, 10)):
            return False
        rest = groups[2:]
    elif groups[0] == 4:
        rest = groups[1:]
    else:
        return False
    return (len(rest) <= 1 and all(5 <= g <= 7 for g in rest)) or all(1 <= g <= 4 for g in rest)


@register("MD404", "data.russian-phone-prefix-crimea", Category.DISPUTES, "data", POLICY_BOTH)
def russian_phone_prefix(ctx: TextContext) -> Iterator[RawFinding]:
    """A Russian (+7) phone number issued in occupied Crimea, Sevastopol or Donbas.

    +7 978 (Crimean mobile operators), +7 365x (Crimean landlines), +7 8692 (Sevastopol), and
    since 2022 +7 949 / +7 959 (occupied Donetsk and Luhansk oblasts). Contact data can be
    factual (a human-rights report quoting a number is evidence, not endorsement), so this is a
    warning in every profile; suppress it with ``mapcheck: disable=MD404`` where it is intended.
    Numbers are recognised in common formats (``+7 (978) 123-45-67``, ``8 978 123 45 67``,
    ``+79781234567``; a bare 11-digit run only in a phone field or after "tel").

    Bad: ``Телефон: +7 (978) 123-45-67`` in a hotel listing for Yalta, Crimea, Russia
    Good: ``+380 65 …`` (Crimea), ``+380 69 …`` (Sevastopol)
    """
    index = record_index(ctx.evidence)
    yield from _aggregate(ctx, "MD404", _scan_hits(ctx, index, "phone", _PHONE), _phone_info, 0.85)


# --- MD405 --------------------------------------------------------------------------------------

_POSTAL = re.compile(r"(?<![\d.,])2[6-9]\d{4}(?![\d])")


@cache
def _postal_ranges() -> tuple[tuple[int, int, CodeInfo], ...]:
    out = []
    for c in codes():
        if c.kind == "postal":
            lo, hi = c.value.split("-")
            out.append((int(lo), int(hi), c))
    return tuple(out)


def _postal_info(hit: _Hit) -> tuple[str, str, str, str] | None:
    value = int(hit.text)
    for lo, hi, info in _postal_ranges():
        if lo <= value <= hi:
            regions = set(_regions_of(info.region))
            near = _context_regions(hit.context, hit.record, corroborated=True)
            if not regions & near:
                return None  # 2xxxxx without a place of the region: Belarus, Smolensk …
            if _postal_mentioned(hit):
                return None
            region = info.region
            return (
                f"{hit.text}|{region}",
                f"Russian postal code {hit.text} for {_REGION_NAMES[region]} "
                f"(Russian range {info.value}; the Ukrainian code drops the leading 2).",
                f"Use the Ukrainian postal code {hit.text[1:]} (range {info.correct}).",
                region,
            )
    return None


#: Words of a sentence about the Russian codes, not an address that uses one.
_ABOUT_THE_SCHEME = re.compile(
    r"occupi|annex|impos|scheme|illegal|оккуп|окуп|аннекс|анекс|навяз|нав.яз|незаконн|присво",
    re.IGNORECASE,
)
_RANGE_AROUND = re.compile(r"\d\s*[-–—]\s*$|^\s*[-–—]\s*\d")
#: A line that labels the code as the Russian one ("Russian system: Simferopol = 295000").
_RUSSIAN_SCHEME = re.compile(
    r"russian\s+(?:system|scheme|code|postal|post|index|numbering)|"
    r"российск\w*\s+(?:индекс|систем|код|почт)|російськ\w*\s+(?:індекс|систем|код|пошт)",
    re.IGNORECASE,
)


def _postal_mentioned(hit: _Hit) -> bool:
    """Whether the code is mentioned in prose, not used: a range of them ("295000–299999"),
    or a sentence that speaks of the occupier's scheme ("Russia imposed its own postal codes
    …", "in the Russian scheme Simferopol is 295000")."""
    if hit.seg is None:
        return False
    line = _line_of(hit.seg, hit.offset)
    at = hit.offset - (hit.seg.text.rfind("\n", 0, hit.offset) + 1)
    if _RANGE_AROUND.search(line[:at]) or _RANGE_AROUND.search(line[at + len(hit.text) :]):
        return True
    if _RUSSIAN_SCHEME.search(line):
        return True
    return len(line.split(None, PROSE_WORDS)) > PROSE_WORDS and bool(_ABOUT_THE_SCHEME.search(line))


@register("MD405", "data.russian-postal-code-crimea", Category.DISPUTES, "data", POLICY_BOTH)
def russian_postal_code(ctx: TextContext) -> Iterator[RawFinding]:
    """A Russian postal code for a Crimean or occupied-area address.

    Russia's post gave Crimea 295000–298999 and Sevastopol 299000–299999 (the Ukrainian code
    with a leading 2), and later ranges of the same form to the occupied oblasts. Belarus and
    parts of Russia also use six-digit codes starting with 2, so a code is reported only with a
    place of the same region on the same line or in the same record. A range of codes, or a
    sentence about the occupier's scheme ("Russia imposed its own postal codes on Crimea"),
    mentions them and is not reported.

    Bad: ``295000, Республика Крым, г. Симферополь``
    Good: ``95000, Автономна Республіка Крим, м. Сімферополь``; ``220030, Minsk`` (Belarus)
    """
    index = record_index(ctx.evidence)
    yield from _aggregate(
        ctx, "MD405", _scan_hits(ctx, index, "postal", _POSTAL), _postal_info, 0.85
    )


# --- MD406 / MD408 ------------------------------------------------------------------------------

_TZ_ID = re.compile(r"\b(?:Europe|Asia|Etc|W-SU)/[A-Za-z_+\-0-9]+")
_TZ_SIMFEROPOL = re.compile(r"Europe/Simferopol(?![A-Za-z_])", re.IGNORECASE)
_RU_LABEL = re.compile(
    r"(?<![^\W_])(?:russia|russian federation|россия|российская федерация|росія|"
    r"російська федерація|msk|moscow|москва|московское время|московський час|moscow time)"
    r"(?![^\W_])|(?<![A-Za-z])RUS?(?![A-Za-z])",
    re.IGNORECASE,
)
_UA_LABEL = re.compile(
    r"(?<![^\W_])(?:ukraine|україна|украина|kyiv|kiev|київ|киев)(?![^\W_])|(?<![A-Za-z])UA(?![A-Za-z])",
    re.IGNORECASE,
)


def _tz_context(hit: _Hit) -> str:
    """What labels the zone at ``hit``: its line and record, or the record around the list
    that holds it (zone names taken out)."""
    holder = hit.holder_fields()
    if hit.record is not None:
        own = hit.record_fields()
    elif holder:
        own = ""  # an item of a list inside a record: that record says what the list is
    else:
        own = hit.context
    return _TZ_ID.sub(" ", f"{own} \n {holder}")


def _tz_info(hit: _Hit, context: str) -> tuple[str, str, str, str] | None:
    """MD406's verdict on a zone found, with what labels it (:func:`_tz_context`)."""
    if hit.text.lower() != "europe/simferopol":
        return None
    # The zone's line and record, or the record around the list that holds it (a picker's
    # group: {"value": "Moscow Standard Time", "abbr": "MSK", "utc": [..., "Europe/Simferopol"]});
    # "Europe/Moscow" in a list of zones is no label.
    # A zone with a record of its own, or in a list inside one, is judged by that record (a
    # minified file is one line, and another record's "Ukraine" on it says nothing of this one).
    labels = [m.group(0) for m in _RU_LABEL.finditer(context)]
    labels = [x for x in labels if x.upper() not in ("RU", "RUS") or x.isupper()]
    if not labels:
        return None
    if _UA_LABEL.search(context):
        return None  # "RU,UA" (tzdata's zone1970.tab: clocks, not sovereignty) or a UA label
    return (
        "Europe/Simferopol",
        f"Time zone {hit.text} is labelled as Russian ({', '.join(dict.fromkeys(labels))}).",
        "Label Europe/Simferopol as Ukraine (zone.tab: UA), e.g. 'Simferopol, Crimea, "
        "Ukraine (UTC+3, Moscow time imposed under occupation)'.",
        "UA-43",
    )


@register("MD406", "data.simferopol-timezone-as-russia", Category.DISPUTES, "data", POLICY_CRIMEA)
def simferopol_timezone_as_russia(ctx: TextContext) -> Iterator[RawFinding]:
    """The time zone Europe/Simferopol labelled Russia, Russian Federation or MSK.

    The IANA zone is Ukraine's (``zone.tab`` lists it under UA). A time-zone picker or table
    that files it under Russia, or names it "Moscow time"/MSK, presents Crimea as Russian.
    Lines that name both countries (tzdata's ``zone1970.tab``: ``RU,UA``, which says whose
    clocks follow the zone) are not reported, nor files that also file the zone under Ukraine
    (moment-timezone's metadata lists it in both countries' zones).

    Bad: ``{"zone": "Europe/Simferopol", "country": "Russia"}``; ``Europe/Simferopol (MSK)``
    Good: ``{"zone": "Europe/Simferopol", "country": "Ukraine"}``
    """
    index = record_index(ctx.evidence)
    hits = list(_scan_hits(ctx, index, "tz", _TZ_SIMFEROPOL))
    contexts = {id(h): _tz_context(h) for h in hits if h.text.lower() == "europe/simferopol"}
    if any(_UA_LABEL.search(context) for context in contexts.values()):
        # The file files the zone under Ukraine too (moment-timezone's metadata lists it in
        # both countries' zones, as zone1970.tab does): whose clocks follow it, not whose it is.
        return
    yield from _aggregate(
        ctx, "MD406", iter(hits), lambda hit: _tz_info(hit, contexts.get(id(hit), "")), 0.85
    )


@cache
def _old_zones() -> tuple[re.Pattern[str], dict[str, CodeInfo]]:
    table = {c.value.casefold(): c for c in codes() if c.kind == "timezone-old"}
    pattern = re.compile(
        "(?:" + "|".join(re.escape(c.value) for c in table.values()) + r")(?![A-Za-z_])",
        re.IGNORECASE,
    )
    return pattern, table


@register("MD408", "data.deprecated-ukrainian-timezone", Category.STYLE, "data", POLICY_NAMES)
def deprecated_ukrainian_timezone(ctx: TextContext) -> Iterator[RawFinding]:
    """A deprecated time-zone name for Ukraine: Europe/Kiev, Europe/Zaporozhye, Europe/Uzhgorod.

    tzdata 2022b renamed Europe/Kiev to Europe/Kyiv (the Ukrainian spelling) and 2022g merged
    Europe/Zaporozhye and Europe/Uzhgorod into it; the old names remain only as links.
    Information only (style), like other Russian transliterations.

    Bad: ``TIME_ZONE = "Europe/Kiev"``
    Good: ``TIME_ZONE = "Europe/Kyiv"``
    """
    pattern, table = _old_zones()
    index = record_index(ctx.evidence)

    def judge(hit: _Hit) -> tuple[str, str, str, str] | None:
        info = table.get(hit.text.casefold())
        if info is None:
            return None
        return (
            info.value,
            f"Deprecated time-zone name {hit.text} ({info.note}).",
            f"Use {info.correct}.",
            info.region,
        )

    yield from _aggregate(ctx, "MD408", _scan_hits(ctx, index, "tz", pattern), judge, 0.99)


# --- MD409 --------------------------------------------------------------------------------------


@register("MD409", "data.crimea-in-russia-basemap", Category.CONCEDES, "data", POLICY_CRIMEA)
def crimea_in_russia_basemap(ctx: TextContext) -> Iterator[RawFinding]:
    """Code, a chart spec or a document loads its map from a file that draws Crimea in Russia.

    The files and datasets: npm world-atlas 2 (``countries-110m.json`` …), Natural
    Earth's default admin-0 countries, geopandas' naturalearth_lowres dataset, amCharts'
    russiaCrimea* and worldRussia* geodata, and plotly's built-in world map (a choropleth or
    scattergeo trace without a ``geojson`` of its own, in Python, JavaScript, a saved figure
    or a page plotly wrote).

    The map the code renders shows Crimea as Russian, though the file checked holds no map: a
    warning in every profile, since the code may correct the map after loading it. The table is
    ``basemaps.tsv``. References are read where the readers give text: string literals and
    comments of code, values of data files, documents, and the file names a page's scripts
    load (a web page's visible text counts only inside a quoted string, as in a code sample:
    a heading or link that names the file loads nothing).

    Bad: ``d3.json("https://cdn.jsdelivr.net/npm/world-atlas@2/countries-110m.json")``;
    ``import geodata from "@amcharts/amcharts5-geodata/russiaCrimeaLow"``;
    ``px.choropleth(df, locations="iso_alpha")``
    Good: ``d3.json("maps/countries-110m-ua.json")`` (made with ``mapcheck fix``)
    """
    index = record_index(ctx.evidence)
    table = basemaps()
    combined = _basemap_pattern()
    # A web page loads files in its scripts (the reader gives the names they load); in its
    # visible text a file name loads something only inside a quoted string, as a code sample
    # has it ('d3.json("…/countries-110m.json")'), not in a heading or a link's text.
    page = ctx.evidence.format == "html"

    def judge(hit: _Hit) -> tuple[str, str, str, str] | None:
        if hit.seg is not None and hit.seg.part.startswith("comment"):
            return None  # commented-out code loads nothing ("// d3.json(…countries-110m.json)")
        if hit.seg is not None:
            text, at = hit.seg.text, hit.offset
        else:
            text, at = hit.text, 0
        anchor = hit.text.casefold()
        lo, hi = max(0, at - 200), min(len(text), at + len(hit.text) + 200)
        # A string literal of code ('choropleth' in {type: 'choropleth', …}) is judged with its
        # source line around it, a data file's value with its record: the hit's context.
        whole_literal = hit.seg is not None and len(hit.seg.text) == len(anchor)
        for basemap in table:
            if hit.seg is not None and anchor not in basemap.anchors:
                continue
            found = next(
                (m for m in basemap.pattern.finditer(text, lo, hi) if m.start() <= at < m.end()),
                None,
            )
            if found is None and whole_literal:
                found = next(
                    (
                        m
                        for m in basemap.pattern.finditer(hit.context)
                        if anchor in m.group(0).casefold()
                    ),
                    None,
                )
            if found is None:
                continue
            if (
                page
                and hit.seg is not None
                and hit.seg.part != "script"
                and not _QUOTED_BEFORE.search(text, max(0, found.start() - 200), found.start())
            ):
                return None  # a page's own words naming the file (a heading, a link), no load
            return (
                basemap.source,
                f"“{found.group(0)}” loads {basemap.source}, which draws Crimea and Sevastopol "
                "as part of Russia: the map this renders shows them as Russian.",
                basemap.fix,
                "UA-43",
            )
        return None

    yield from _aggregate(ctx, "MD409", _scan_hits(ctx, index, "basemap", combined), judge, 0.9)


#: Right before a file name: an opening quote, backtick or parenthesis, and a URL or path up
#: to the name (the name is inside a string literal of a code sample).
_QUOTED_BEFORE = re.compile(r"""[\"'`(][^\"'`\s()]*$""")


# --- MD407 --------------------------------------------------------------------------------------


@cache
def _icao() -> tuple[re.Pattern[str], dict[str, CodeInfo]]:
    table = {c.value.upper(): c for c in codes() if c.kind == "icao"}
    pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(table) + r")(?![A-Za-z0-9])", re.I)
    return pattern, table


@register("MD407", "data.icao-urff", Category.DISPUTES, "data", POLICY_CRIMEA)
def icao_urff(ctx: TextContext) -> Iterator[RawFinding]:
    """Russian ICAO code URFF for Simferopol airport (or URFB for Belbek, Sevastopol).

    ICAO still lists Simferopol as UKFF under Ukraine; URFF is the indicator Russia's aviation
    authority assigned after the annexation. Airport tables and flight data that use it file
    the airport under Russia's URxx block.

    Bad: ``SIP,URFF,Simferopol International Airport``
    Good: ``SIP,UKFF,Simferopol International Airport``; ``URFF`` as an alias beside ``UKFF``
    """
    pattern, table = _icao()
    index = record_index(ctx.evidence)

    def judge(hit: _Hit) -> tuple[str, str, str, str] | None:
        info = table.get(hit.text.upper())
        if info is None or not (hit.text.isupper() or hit.text.islower()):
            return None
        if re.search(rf"(?<![A-Za-z]){info.correct}(?![A-Za-z])", hit.context, re.IGNORECASE):
            # the ICAO code stands beside it: URFF is an alias (a lookup's old name), the
            # airport is filed as UKFF ("AirportInfo("SIP", "UKFF", …, aliases: ["URFF"])")
            return None
        return (
            info.value,
            f"Russian ICAO code {hit.text} for {info.note} (ICAO: {info.correct}).",
            f"Use the ICAO code {info.correct}.",
            info.region,
        )

    yield from _aggregate(ctx, "MD407", _scan_hits(ctx, index, "icao", pattern), judge, 0.9)


# --- MT399 (raised by checker.suppression) ------------------------------------------------------

declare(
    "MT399",
    "text.unused-suppression",
    Category.HYGIENE,
    "text",
    """A ``mapcheck: disable=…`` comment that suppresses nothing.

    Raised by inline suppression (:mod:`checker.suppression`): the directive names a code that
    reported nothing on the lines it covers, or a code that does not exist. Stale directives hide
    future findings; remove them. A warning in every profile.

    Bad: ``# mapcheck: disable=MT301`` above a line that no longer says "Crimea, Russia"
    Good: no directive, or one that still suppresses a finding
    """,
)


__all__ = [
    "MIN_PLACE_SHARE",
    "MIN_RUSSIAN_SUBJECTS",
    "Entry",
    "Gazetteer",
    "Place",
    "RecordIndex",
    "ancestors",
    "codes",
    "gazetteer",
    "record_country",
    "record_facts",
    "tokens",
]
