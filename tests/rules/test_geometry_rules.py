"""MG1xx rules as a table of true and false positives.

Every case builds a small vector file from the reference shapes (full detail, or generalised
the way 1:110m world files are) and states the rule codes it must raise and the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import shapely
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from checker.config import Config
from checker.engine import check_vector_evidence
from checker.geo.attribution import attribute
from checker.readers.base import VectorEvidence
from tests.conftest import evidence, ref_shapes

S = dict[str, BaseGeometry]

RU_NE = {"featurecla": "Admin-0 country", "ADM0_A3": "RUS", "SOV_A3": "RUS", "NAME": "Russia"}
UA_NE = {"featurecla": "Admin-0 country", "ADM0_A3": "UKR", "SOV_A3": "UKR", "NAME": "Ukraine"}


def gen(g: BaseGeometry, tol: float = 0.1) -> BaseGeometry:
    """Generalise like a 1:110m file (tolerance in degrees)."""
    return g.simplify(tol, preserve_topology=True)


def ru_with(s: S, *codes: str) -> BaseGeometry:
    return shapely.union_all([s["russia"], *(s[c] for c in codes)])


def ua_without(s: S, *codes: str) -> BaseGeometry:
    return shapely.difference(s["ukraine"], shapely.union_all([s[c] for c in codes]))


def kuban_and_rostov(
    s: S, key: str = "name", names: tuple[str, str] = ("Краснодарский край", "Ростовская область")
) -> list[tuple[dict[str, str], BaseGeometry]]:
    """Two of Russia's regions near Crimea, by name only: Krasnodar krai and Rostov oblast."""
    return [
        ({key: names[0]}, shapely.clip_by_rect(s["russia"], 37.0, 43.5, 41.5, 46.5)),
        ({key: names[1]}, shapely.clip_by_rect(s["russia"], 38.5, 46.5, 44.0, 50.0)),
    ]


@dataclass
class Case:
    id: str
    build: Callable[[S], VectorEvidence]
    codes: set[str]
    verdict: str


CASES = [
    # --- true positives ------------------------------------------------------------------------
    Case(
        "ne-admin0-crimea-in-russia",
        lambda s: evidence((RU_NE, ru_with(s, "crimea")), (UA_NE, ua_without(s, "crimea"))),
        {"MG101", "MG108"},
        "flag",
    ),
    Case(
        "generalised-110m",
        lambda s: evidence(
            ({"name": "Russia"}, gen(ru_with(s, "crimea"))),
            ({"name": "Ukraine"}, gen(ua_without(s, "crimea"))),
        ),
        {"MG101"},
        "flag",
    ),
    Case(
        "world-atlas-ids-no-properties",
        lambda s: evidence(
            ({}, gen(ru_with(s, "crimea"))),
            ({}, gen(ua_without(s, "crimea"))),
            ({}, box(-10, 40, -5, 43)),
            fid=["643", "804", "724"],
        ),
        {"MG101"},
        "flag",
    ),
    Case(
        "no-attributes-at-all-judged-by-shape",
        lambda s: evidence(({}, ru_with(s, "crimea")), ({}, ua_without(s, "crimea"))),
        {"MG101"},
        "flag",
    ),
    Case(
        "russian-name-in-cyrillic",
        lambda s: evidence(({"страна": "Россия"}, ru_with(s, "crimea"))),
        {"MG101"},
        "flag",
    ),
    Case(
        "ukrainian-name-russia",
        lambda s: evidence(({"country": "Російська Федерація"}, ru_with(s, "crimea"))),
        {"MG101"},
        "flag",
    ),
    Case(
        "fips-rs",
        lambda s: evidence(({"FIPS": "RS"}, ru_with(s, "crimea"))),
        {"MG101"},
        "flag",
    ),
    Case(
        "iso-numeric-643-as-number",
        lambda s: evidence(({"iso_n3": 643}, ru_with(s, "crimea"))),
        {"MG101"},
        "flag",
    ),
    Case(
        "occupied-oblasts-in-russia",
        lambda s: evidence(
            ({"iso_a2": "RU"}, ru_with(s, "UA-14", "UA-09")),
            ({"iso_a2": "UA"}, ua_without(s, "UA-14", "UA-09")),
        ),
        {"MG102"},
        "flag",
    ),
    Case(
        "crimea-in-both",
        lambda s: evidence(
            ({"iso_a3": "RUS"}, ru_with(s, "crimea")), ({"iso_a3": "UKR"}, s["ukraine"])
        ),
        {"MG104"},
        "flag",
    ),
    Case(
        "ukraine-without-crimea-only",
        lambda s: evidence(({"name": "Ukraine"}, ua_without(s, "crimea"))),
        {"MG103"},
        "flag",
    ),
    Case(
        "admin1-crimea-row-russian",
        lambda s: evidence(({"name": "Crimea", "country": "Russia"}, s["UA-43"])),
        {"MG105"},
        "flag",
    ),
    Case(
        "highcharts-ru-kr",
        lambda s: evidence(({"hc-key": "ru-kr", "name": "Crimea"}, s["UA-43"])),
        {"MG105"},
        "flag",
    ),
    Case(
        "city-point-simferopol-russia",
        lambda s: evidence(({"name": "Simferopol", "country": "Russia"}, Point(34.10, 44.95))),
        {"MG105"},
        "flag",
    ),
    Case(
        "city-point-mariupol-ru",
        lambda s: evidence(({"name": "Mariupol", "cc": "RU"}, Point(37.55, 47.10))),
        {"MG105"},
        "flag",
    ),
    Case(
        "natural-earth-admin1-contradiction",
        lambda s: evidence(
            (
                {"iso_3166_2": "UA-43", "iso_a2": "RU", "adm0_a3": "RUS", "adm1_code": "RUS-283"},
                s["UA-43"],
            )
        ),
        {"MG106"},
        "flag",
    ),
    Case(
        "contradiction-without-geometry",
        lambda s: evidence(({"iso_3166_2": "UA-40", "country": "Russia"}, None)),
        {"MG106"},
        "flag",
    ),
    Case(
        "crimea-separate-unattributed",
        lambda s: evidence(
            ({"iso_a2": "RU"}, s["russia"]),
            ({"iso_a2": "UA"}, ua_without(s, "crimea")),
            ({"name": "Crimea"}, s["crimea"]),
        ),
        {"MG107"},
        "warn",
    ),
    Case(
        "crimea-marked-disputed",
        lambda s: evidence(
            ({"name": "Russia"}, s["russia"]),
            ({"name": "Ukraine"}, ua_without(s, "crimea")),
            ({"name": "Crimea", "status": "Disputed territory"}, s["crimea"]),
        ),
        {"MG107"},
        "warn",
    ),
    # --- false-positive traps ------------------------------------------------------------------
    Case(
        "correct-world",
        lambda s: evidence((RU_NE, s["russia"]), (UA_NE, s["ukraine"])),
        set(),
        "clean",
    ),
    Case(
        "correct-world-generalised",
        lambda s: evidence(
            ({"name": "Russia"}, gen(s["russia"])), ({"name": "Ukraine"}, gen(s["ukraine"]))
        ),
        set(),
        "clean",
    ),
    Case(
        "russia-only-without-crimea",
        lambda s: evidence(({"iso_a2": "RU", "name": "Russia"}, s["russia"])),
        set(),
        "clean",
    ),
    Case(
        "control-overlay-is-legitimate",
        lambda s: evidence(
            ({"name": "Russia"}, s["russia"]),
            ({"name": "Ukraine"}, s["ukraine"]),
            ({"name": "Russian-occupied territory"}, s["crimea"]),
            ({"label": "Under Russian control"}, s["UA-14"]),
        ),
        set(),
        "clean",
    ),
    Case(
        "crimea-row-correct",
        lambda s: evidence(({"iso_3166_2": "UA-43", "iso_a2": "UA"}, s["UA-43"])),
        set(),
        "clean",
    ),
    Case(
        "simferopol-in-russian-language-is-fine",
        lambda s: evidence(({"name": "Симферополь", "страна": "Украина"}, Point(34.10, 44.95))),
        set(),
        "clean",
    ),
    Case(
        "donetsk-rostov-oblast-is-russia",
        lambda s: evidence(({"name": "Donetsk", "country": "Russia"}, Point(39.95, 48.34))),
        set(),
        "clean",
    ),
    Case(
        "krymsk-krasnodar-is-russia",
        lambda s: evidence(({"name": "Krymsk", "country": "RU"}, Point(38.00, 44.93))),
        set(),
        "clean",
    ),
    Case(
        "fips-ru-is-rwanda",
        lambda s: evidence(({"FIPS": "RU"}, box(29, -3, 31, -1))),
        set(),
        "clean",
    ),
    Case(
        "id-643-in-a-sequential-file",
        lambda s: evidence(
            *[
                ({}, box(-100 + i * 0.001, 30, -100 + i * 0.001 + 0.0005, 30.0005))
                for i in range(700)
            ],
            fid=list(range(700)),
        ),
        set(),
        "clean",
    ),
    Case(
        "us-states-far-away",
        lambda s: evidence(({"name": "Texas", "iso_a2": "US"}, box(-106, 26, -94, 36))),
        set(),
        "clean",
    ),
    Case(
        "land-mass-covering-both",
        lambda s: evidence(({}, shapely.union_all([s["russia"], s["ukraine"]]))),
        set(),
        "clean",
    ),
    Case(
        "russia-mentions-crimea-in-text",
        lambda s: evidence(({"name": "Russia", "note": "annexed Crimea in 2014"}, s["russia"])),
        set(),
        "clean",
    ),
    # A map of Russia's regions by name only (no country field), with Crimea and Sevastopol
    # among them: each is one of Russia's regions (MG105).
    Case(
        "russia-regions-by-name-with-crimea",
        lambda s: evidence(
            *kuban_and_rostov(s),
            ({"name": "Москва"}, box(37.3, 55.6, 37.9, 55.9)),
            ({"name": "Республика Крым"}, s["UA-43"]),
            ({"name": "Севастополь"}, s["UA-40"]),
        ),
        {"MG105"},
        "flag",
    ),
    Case(
        "russia-regions-in-english-with-crimea",
        lambda s: evidence(
            *kuban_and_rostov(s, "region", ("Krasnodar Krai", "Rostov Oblast")),
            (
                {"region": "Belgorod Oblast"},
                shapely.clip_by_rect(s["russia"], 35.5, 50.0, 39.0, 51.5),
            ),
            ({"region": "Crimea"}, s["crimea"]),
        ),
        {"MG105"},
        "flag",
    ),
    # A region named as one of Russia's federal subjects, with no country field: "Республика
    # Крым", the "people's republics" (a layer of the "new territories").
    Case(
        "federal-subject-names-over-occupied-regions",
        lambda s: evidence(
            ({"name": "Республика Крым"}, s["UA-43"]),
            ({"name": "Donetsk People's Republic"}, s["UA-14"]),
        ),
        {"MG105"},
        "flag",
    ),
    # The same names with Ukraine as the sovereign (a disputed-areas layer) say Ukraine.
    Case(
        "dpr-named-but-ukraine-sovereign",
        lambda s: evidence(
            ({"NAME": "Donetsk People's Republic", "SOVEREIGNT": "Ukraine"}, s["UA-14"]),
        ),
        set(),
        "clean",
    ),
    # Regions of Russia and of Ukraine in one layer, by name: the layer is no map of Russia's,
    # but Crimea has the name of a Russian federal subject there.
    Case(
        "russia-and-ukraine-regions-by-name",
        lambda s: evidence(
            *kuban_and_rostov(s),
            ({"name": "Москва"}, box(37.3, 55.6, 37.9, 55.9)),
            ({"name": "Одесская область"}, s["UA-51"]),
            ({"name": "Республика Крым"}, s["UA-43"]),
        ),
        {"MG105"},
        "flag",
    ),
    # A map of Ukraine's regions that names Crimea by its Russian name: only a name.
    Case(
        "ukraine-regions-with-russian-name-for-crimea",
        lambda s: evidence(
            ({"name": "Київська область"}, s["UA-32"]),
            ({"name": "Одеська область"}, s["UA-51"]),
            ({"name": "Львівська область"}, s["UA-46"]),
            ({"name": "Республика Крым"}, s["UA-43"]),
        ),
        set(),
        "clean",
    ),
    # Two of Russia's regions are not yet a map of Russia's regions.
    Case(
        "two-russian-regions-and-crimea-by-name",
        lambda s: evidence(
            *kuban_and_rostov(s),
            ({"name": "Крым"}, s["crimea"]),
        ),
        set(),
        "clean",
    ),
    # --- undetermined --------------------------------------------------------------------------
    Case(
        "crimea-merged-with-kuban-no-attributes",
        lambda s: evidence(
            (
                {},
                shapely.union(
                    s["crimea"], shapely.clip_by_rect(s["russia"], 36.5, 44.0, 40.0, 46.5)
                ),
            )
        ),
        set(),
        "undetermined",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_table(case: Case) -> None:
    report = check_vector_evidence(case.id, case.build(ref_shapes()), Config())
    codes = {f.code for f in report.findings}
    assert codes == case.codes, [f.message for f in report.findings]
    assert report.verdict.value == case.verdict, report.notes


def test_finding_names_feature_share_policy_and_fix() -> None:
    s = ref_shapes()
    ev = evidence(
        ({"name": "Ukraine"}, gen(ua_without(s, "crimea"))),
        ({"name": "Russia"}, gen(ru_with(s, "crimea"))),
        fid=["804", "643"],
    )
    report = check_vector_evidence("world.json", ev, Config())
    (finding,) = [f for f in report.findings if f.code == "MG101"]
    assert finding.location.feature_id == "643"
    assert finding.location.feature_index == 1
    assert finding.severity.label == "error"
    share = finding.evidence["share_of_region_covered"]
    assert 0.8 <= share <= 1.0
    assert f"{share:.0%}" in finding.message
    assert "68/262" in finding.policy
    assert "mapcheck fix" in finding.suggestion
    assert finding.confidence >= 0.9


def test_profile_ua_strict_makes_disputed_an_error() -> None:
    case = next(c for c in CASES if c.id == "crimea-marked-disputed")
    ev = case.build(ref_shapes())
    assert check_vector_evidence("x", ev, Config(profile="un")).verdict.value == "warn"
    strict = check_vector_evidence("x", ev, Config(profile="ua-strict"))
    assert strict.verdict.value == "flag"


def test_fingerprint_survives_feature_reordering() -> None:
    s = ref_shapes()
    a = evidence(({"name": "Russia"}, ru_with(s, "crimea")), ({"name": "Ukraine"}, s["UA-05"]))
    b = evidence(({"name": "Ukraine"}, s["UA-05"]), ({"name": "Russia"}, ru_with(s, "crimea")))
    fa = check_vector_evidence("f", a, Config()).findings
    fb = check_vector_evidence("f", b, Config()).findings
    assert [f.fingerprint for f in fa] == [f.fingerprint for f in fb]
    assert fa[0].location.feature_index != fb[0].location.feature_index


def test_disabled_rule_is_not_reported() -> None:
    s = ref_shapes()
    ev = evidence(({"name": "Russia"}, ru_with(s, "crimea")))
    report = check_vector_evidence("f", ev, Config(disable=frozenset({"MG101"})))
    assert not report.findings


#: Attribute conventions seen in real files that name Russia.
RUSSIA_CONVENTIONS = [
    {"ISO_A2": "RU"},
    {"ISO_A3": "RUS"},
    {"ADM0_A3": "RUS"},
    {"SOV_A3": "RUS"},
    {"GU_A3": "RUS"},
    {"ISO_N3": "643"},
    {"iso-a2": "RU", "hc-key": "ru"},
    {"NAME_EN": "Russian Federation"},
    {"ADMIN": "Russia"},
    {"SOVEREIGNT": "Russia"},
    {"CNTRY_NAME": "Russia"},
    {"country": "россия"},
    {"name": "Росія"},
    {"CNTR_ID": "RU", "NAME_ENGL": "Russian Federation"},
    {"GID_0": "RUS", "NAME_0": "Russia"},
    {"shapeGroup": "RUS"},
    {"ISO3166-1": "RU"},
    {"code": "RU-KDA"},
    # the code in a name field, in capitals (a POI export's "country": "RU")
    {"country": "RU"},
    {"country": "RUS"},
]
#: Conventions that do not name Russia (and must not be read as if they did).
NOT_RUSSIA = [
    {"name": "Russian-occupied territory"},
    {"FIPS": "RU"},  # FIPS 10-4 "RU" is Rwanda
    {"name": "Rusyn"},
    {"ISO_A2": "RO"},
    {"note": "Russia"},  # not a country field
    {"name": "ru"},  # a name field's lower-case word is no code
    {"country": "Rus"},
]


@pytest.mark.parametrize("props", RUSSIA_CONVENTIONS, ids=",".join)
def test_russia_conventions_flag_crimea(props: dict[str, str]) -> None:
    s = ref_shapes()
    report = check_vector_evidence("f", evidence((props, gen(ru_with(s, "crimea")))), Config())
    assert "MG101" in {f.code for f in report.findings}, props


@pytest.mark.parametrize(
    ("props", "russia"),
    [({"country": "RU"}, True), ({"country": "RUS"}, True), ({"country": "UA"}, False)],
)
def test_a_country_code_in_a_name_field(props: dict[str, str], russia: bool) -> None:
    """A POI export's ``"country": "RU"``: a name field holding the code in capitals (the
    shape tests above find Russia by its outline too, so this asks the attributes alone)."""
    assert attribute(props).says_russia is russia
    assert attribute(props).country == ("RU" if russia else "UA")


@pytest.mark.parametrize("props", NOT_RUSSIA, ids=",".join)
def test_non_russia_conventions_are_not_russia(props: dict[str, str]) -> None:
    assert not attribute(props).says_russia, props


def test_other_country_attributes_stop_shape_identification() -> None:
    s = ref_shapes()
    # A shape joining Crimea to Russia but attributed to Romania is not read as Russia by shape.
    report = check_vector_evidence(
        "f", evidence(({"ISO_A2": "RO"}, ru_with(s, "crimea"))), Config()
    )
    assert not report.findings


def test_shape_identification_is_said_in_the_finding() -> None:
    s = ref_shapes()
    report = check_vector_evidence("f", evidence(({"note": "x"}, ru_with(s, "crimea"))), Config())
    (finding,) = report.findings
    assert finding.code == "MG101"
    assert finding.evidence["identified_by"].startswith("shape:")
    assert finding.confidence < 0.9


@pytest.mark.parametrize(
    ("props", "point", "resolution"),
    [
        ({"name": "Simferopol", "country": "Russia"}, Point(34.10, 44.95), "68/262"),
        ({"name": "Mariupol", "cc": "RU"}, Point(37.55, 47.10), "ES-11/4"),
    ],
)
def test_attribute_findings_cite_the_region_s_resolution(
    props: dict[str, str], point: Point, resolution: str
) -> None:
    report = check_vector_evidence("x.geojson", evidence((props, point)), Config())
    (finding,) = report.findings
    assert finding.code == "MG105"
    assert resolution in finding.policy
    assert ({"68/262", "ES-11/4"} - {resolution}).pop() not in finding.policy


def _outline(g: BaseGeometry) -> BaseGeometry:
    """A country's border as closed lines (the exterior of each of its parts)."""
    return shapely.MultiLineString([p.exterior.coords for p in getattr(g, "geoms", [g])])


@pytest.mark.parametrize(
    ("build", "codes", "verdict"),
    [
        # Ukraine's border drawn as a closed line around Crimea: the area it encloses.
        (lambda s: evidence(({"name": "Ukraine"}, _outline(gen(s["ukraine"], 0.05)))), set(),
         "clean"),
        # The same line without Crimea, and Russia's around it: judged as the areas they are.
        (lambda s: evidence(({"name": "Ukraine"}, _outline(gen(ua_without(s, "crimea"), 0.05)))),
         {"MG103"}, "flag"),
        (lambda s: evidence(({"name": "Russia"}, _outline(gen(ru_with(s, "crimea"), 0.05)))),
         {"MG101"}, "flag"),
        # An open line is still only a line.
        (lambda s: evidence(({"name": "Ukraine"}, shapely.LineString([(30, 50), (34, 45)]))),
         set(), "undetermined"),
    ],
)  # fmt: skip
def test_a_country_outline_drawn_as_a_closed_line(
    build: Callable[[S], VectorEvidence], codes: set[str], verdict: str
) -> None:
    report = check_vector_evidence("outline.kml", build(ref_shapes()), Config())
    assert {f.code for f in report.findings} == codes
    assert report.verdict.value == verdict
