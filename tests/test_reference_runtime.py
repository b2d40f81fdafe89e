"""The checker's view of the reference: precomputed regions are fresh and agree with the data."""

from __future__ import annotations

import pytest

from checker.reference import (
    DERIVED_FILE,
    OCCUPIED_REGIONS,
    Reference,
    data_dir,
    derive_regions,
    get_reference,
)


def test_shipped_derived_regions_are_current() -> None:
    ref = Reference()
    assert ref.derived_from_cache, (
        f"{DERIVED_FILE} is stale: rerun reference_boundaries/build.py (or "
        "checker.reference.write_derived) after changing the data or the region parameters"
    )


def test_derived_regions_match_a_fresh_derivation() -> None:
    cached = get_reference().regions
    fresh, _ = derive_regions(data_dir())
    assert set(cached) == set(fresh)
    for key in fresh:
        assert cached[key].core.area == pytest.approx(fresh[key].core.area, rel=1e-9), key


def test_region_areas_in_equal_area_projection() -> None:
    # Geodesic areas of the same data (tests/test_reference_data.py); the projection and the 50 m
    # simplification must keep them within 0.5 %.
    expected_km2 = {"UA-43": 26_346, "UA-14": 26_599, "ukraine": 599_095}
    regions = get_reference().regions
    for key, km2 in expected_km2.items():
        assert regions[key].shape.area / 1e6 == pytest.approx(km2, rel=0.005), key


def test_cores_are_inside_and_grown_outside() -> None:
    for key in (*OCCUPIED_REGIONS, "crimea", "russia"):
        region = get_reference().regions[key]
        assert region.core.area < region.shape.area < region.grown.area, key
        assert region.shape.buffer(1).contains(region.core), key
