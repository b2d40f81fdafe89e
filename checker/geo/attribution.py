"""Who does a feature's attribute table say it belongs to?

Real files name countries in many ways: Natural Earth's ``ISO_A2``/``ADM0_A3``/``SOV_A3``/``GU_A3``,
``iso_n3`` 643, world-atlas's numeric feature ids, Highcharts' ``hc-key`` ``ru-kr``, plain
``country``/``CNTRY``/``name`` in English, Ukrainian or Russian. This module reads them all and says
which country the *country-level* fields name, and which subdivision codes the feature carries,
so the rules can tell "Russia's polygon", "Crimea's row with a Russian country code" and "a row that
contradicts itself (UA-43 beside RU)" apart.

Only exact values count (after case, space and punctuation folding): a field that *mentions*
Russia ("Russian-occupied area", "under Russian control") does not attribute a feature to Russia.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RU = "RU"
UA = "UA"
OTHER = "OTHER"


def norm_key(key: str) -> str:
    """``ISO_A2`` → ``isoa2``; ``hc-key`` → ``hckey``."""
    return re.sub(r"[^0-9a-z]", "", key.casefold())


def norm_value(value: Any) -> str:
    """Fold case, Unicode form, punctuation and spacing (``"Russian  Federation."`` → same as
    ``russian federation``)."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = text.replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    text = re.sub(r"[\s_\-.,;:()\"]+", " ", text)
    return text.strip()


#: Fields that hold a 2- or 3-letter country code.
CODE_KEYS = frozenset(
    norm_key(k)
    for k in (
        "iso_a2", "iso_a3", "iso2", "iso3", "iso", "iso_alpha2", "iso_alpha3", "iso3166",
        "iso3166_1", "iso_3166_1", "iso_3166_1_alpha_2", "iso_3166_1_alpha_3", "iso_a2_eh",
        "iso_a3_eh", "adm0_a3", "adm0_iso", "adm0_a3_us", "adm0_a3_un", "adm0_a3_wb", "sov_a3",
        "gu_a3", "su_a3", "brk_a3", "wb_a2", "wb_a3", "postal", "country_code", "countrycode",
        "country_iso", "countryiso", "cntry_code", "cntrycode", "ccode", "cc", "ctry", "fips",
        "fips_10", "fips_10_", "iso-a2", "iso-a3", "adm0_pcode", "country_id", "shapegroup",
        "shapeiso", "gid_0", "cca2", "cca3", "cntr_id", "cntr_code", "iso3_code", "iso2_code",
        "iso_code", "iso_cc", "aff_iso", "iso3166-1", "iso3166-1:alpha2", "iso3166-1:alpha3",
        "country_a2", "country_a3", "countrycode_iso", "iso_country",
    )
)  # fmt: skip

#: Fields that hold an ISO 3166 numeric code.
NUMERIC_KEYS = frozenset(
    norm_key(k) for k in ("iso_n3", "iso_n3_eh", "un_a3", "isonum", "iso_numeric", "ccn3", "m49")
)

#: Fields that hold a country's name.
NAME_KEYS = frozenset(
    norm_key(k)
    for k in (
        "name", "name_en", "name_long", "name_sort", "name_ciawf", "admin", "sovereignt",
        "sovereign", "sovereignty", "country", "country_name", "countryname", "cntry",
        "cntry_name", "geounit", "subunit", "brk_name", "formal_en", "name_uk", "name_ru",
        "name_ua", "nom", "pays", "land", "staat", "nazva", "название", "назва", "страна",
        "країна", "name_0", "adm0_name", "adm0_en", "shapename", "countryname_en", "nation",
        "state_name_0", "woe-name", "woe_name", "name_engl", "countryaff", "name:en",
        "name_long_en", "adm0name", "country_en", "country_ru", "country_uk", "country_ua",
        # "country" transliterated from Russian and Ukrainian (DBF field names are ASCII)
        "strana", "kraina", "krayina", "krajina",
    )
)  # fmt: skip

#: Fields that may hold a subdivision code (``UA-43``, ``ru-kr``, ``RUS-283``).
SUBDIVISION_KEYS = frozenset(
    norm_key(k)
    for k in (
        "iso_3166_2", "iso3166_2", "iso_code", "code", "hc-key", "hc-a2", "key", "region_code",
        "regioncode", "state_code", "adm1_code", "adm1_pcode", "subdivision", "subdivision_code",
        "id", "gid_1", "hasc_1", "code_hasc", "shapeiso", "region", "region_id", "iso_3166",
    )
)  # fmt: skip

RUSSIA_NAMES = frozenset(
    norm_value(v)
    for v in (
        "Russia", "Russian Federation", "The Russian Federation", "Russia (Russian Federation)",
        "Rossiya", "Rossiia", "Rossija", "Rossiyskaya Federatsiya", "Россия",
        "Российская Федерация", "Росія", "Російська Федерація", "Rusia", "Russie", "Russland",
        "Rosja", "Russia Federation",
    )
)  # fmt: skip
UKRAINE_NAMES = frozenset(
    norm_value(v)
    for v in (
        "Ukraine", "Ukraina", "Ukrayina", "Україна", "Украина", "Ucrania", "Ukrajina", "Ucraina",
        "Ukraina (Ukraine)", "The Ukraine",
    )
)  # fmt: skip

_RU_CODES = frozenset({"ru", "rus", "rs"})  # "rs" is the FIPS 10-4 code for Russia
_UA_CODES = frozenset({"ua", "ukr", "up"})  # "up" is the FIPS 10-4 code for Ukraine
_FIPS_KEYS = frozenset({"fips", "fips10"})

_RU_SUBDIV = re.compile(r"^(?:ru[-_.][a-z0-9]{1,4}|rus-\d{1,5})$", re.IGNORECASE)
_UA_SUBDIV = re.compile(r"^(?:ua[-_.][a-z0-9]{1,3}|ukr-\d{1,5})$", re.IGNORECASE)
_OTHER_CODE = re.compile(r"^[a-z]{2,3}$")

#: Words that mark a feature as an overlay of *control* or occupation, not sovereignty
#: (legitimate on conflict maps; LEXICON "Maps that show Russian control ... must not be flagged").
CONTROL_WORDS = re.compile(
    r"occupi|under russian control|russian[- ]controlled|russian control|окупов|оккупир|"
    r"тимчасово|временно|temporarily|annex|анекс|аннекс|contested area|frontline|front line",
    re.IGNORECASE,
)
#: Words that mark a feature as "disputed" (a neutralising treatment, LEXICON severity W).
DISPUTED_WORDS = re.compile(r"disputed|спорн|спірн|contested|claimed by", re.IGNORECASE)


@dataclass(frozen=True)
class Attribution:
    """What a feature's attributes say.

    ``country`` is the country named by country-level fields: ``"RU"``, ``"UA"``, ``"OTHER"``,
    ``"CONFLICT"`` (both Russia and Ukraine), or ``None`` (no country-level field recognised).
    ``country_evidence`` lists the ``key=value`` pairs behind it. ``ua_subdivisions`` and
    ``ru_subdivisions`` are subdivision codes found (``UA-43``, ``ru-kr``, ``RUS-283``).
    ``numeric_id_643``/``numeric_id_804`` record a bare feature id of 643/804, which counts only
    when the file's ids are ISO numeric (decided by the caller).
    """

    country: str | None
    country_evidence: tuple[str, ...]
    ua_subdivisions: tuple[str, ...]
    ru_subdivisions: tuple[str, ...]
    control_overlay: bool
    disputed: bool
    numeric_id: str | None

    @property
    def has_attributes(self) -> bool:
        return bool(self.country or self.ua_subdivisions or self.ru_subdivisions or self.numeric_id)

    @property
    def says_russia(self) -> bool:
        """Russia by country-level fields, or (with none) by a Russian subdivision code."""
        if self.country in (RU, "CONFLICT"):
            return True
        return self.country is None and bool(self.ru_subdivisions) and not self.ua_subdivisions

    @property
    def says_ukraine(self) -> bool:
        if self.country == UA:
            return True
        return self.country is None and bool(self.ua_subdivisions) and not self.ru_subdivisions


#: Country codes that a name field may hold instead of the name (capitals only: "ru" in a
#: name field is no code).
_CAPITAL_CODES = {"RU": RU, "RUS": RU, "UA": UA, "UKR": UA}


def attribute(properties: Mapping[str, Any], feature_id: str | None = None) -> Attribution:
    """Read a feature's attributes (and its id) into an :class:`Attribution`."""
    ru: list[str] = []
    ua: list[str] = []
    other: list[str] = []
    ua_sub: list[str] = []
    ru_sub: list[str] = []
    texts: list[str] = []
    for raw_key, raw_value in properties.items():
        if raw_value is None or isinstance(raw_value, (dict, list, bool)):
            continue
        key = norm_key(str(raw_key))
        value = norm_value(raw_value)
        if not value or value in ("-99", "null", "none"):
            continue
        if isinstance(raw_value, str):
            texts.append(raw_value)
        pair = f"{raw_key}={raw_value}"
        if key in CODE_KEYS:
            if key in _FIPS_KEYS:
                # FIPS 10-4 codes differ from ISO: "RS" is Russia, "UP" Ukraine (and "RU" Rwanda).
                if value == "rs":
                    ru.append(pair)
                elif value == "up":
                    ua.append(pair)
                continue
            if value in _RU_CODES - {"rs"}:
                ru.append(pair)
            elif value in _UA_CODES - {"up"}:
                ua.append(pair)
            elif _OTHER_CODE.match(value):
                other.append(pair)
        elif key in NUMERIC_KEYS:
            if value.lstrip("0") == "643":
                ru.append(pair)
            elif value.lstrip("0") == "804":
                ua.append(pair)
            elif value.isdigit():
                other.append(pair)
        if key in NAME_KEYS:
            if value in RUSSIA_NAMES:
                ru.append(pair)
            elif value in UKRAINE_NAMES:
                ua.append(pair)
            elif isinstance(raw_value, str) and raw_value.strip() in _CAPITAL_CODES:
                # "country": "RU" (a name field holding the code, in capitals as codes are)
                (ru if _CAPITAL_CODES[raw_value.strip()] == RU else ua).append(pair)
        if key in SUBDIVISION_KEYS and isinstance(raw_value, str):
            code = raw_value.strip()
            if _RU_SUBDIV.match(code):
                ru_sub.append(code)
            elif _UA_SUBDIV.match(code):
                ua_sub.append(code)
    numeric_id: str | None = None
    if feature_id is not None:
        fid = norm_value(feature_id)
        if fid.lstrip("0") in ("643", "804"):
            numeric_id = fid.lstrip("0")
        elif fid in ("ru", "rus"):
            ru.append(f"id={feature_id}")
        elif fid in ("ua", "ukr"):
            ua.append(f"id={feature_id}")
        elif _RU_SUBDIV.match(fid):
            ru_sub.append(str(feature_id))
        elif _UA_SUBDIV.match(fid):
            ua_sub.append(str(feature_id))
    country: str | None
    if ru and ua:
        country = "CONFLICT"
    elif ru:
        country = RU
    elif ua:
        country = UA
    elif other:
        country = OTHER
    else:
        country = None
    joined = " | ".join(texts)
    return Attribution(
        country=country,
        country_evidence=tuple(ru + ua if country != OTHER else other),
        ua_subdivisions=tuple(dict.fromkeys(ua_sub)),
        ru_subdivisions=tuple(dict.fromkeys(ru_sub)),
        control_overlay=bool(CONTROL_WORDS.search(joined)),
        disputed=bool(DISPUTED_WORDS.search(joined)),
        numeric_id=numeric_id,
    )


def occupied_codes(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The subset of ``codes`` that are ISO codes of the six regions (``UA-43`` …)."""
    from checker.reference import OCCUPIED_REGIONS

    return tuple(c.upper() for c in codes if c.upper() in OCCUPIED_REGIONS)
