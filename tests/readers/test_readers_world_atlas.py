"""Real TopoJSON: the world-atlas 2.0.2 country maps (see tests/fixtures/world-atlas/README.md)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import shapely

from checker.readers import Source, detect, read_vector
from checker.readers.topojson import decode_arcs, object_features

ATLAS = Path(__file__).resolve().parents[1] / "fixtures" / "world-atlas"
#: Country features per resolution, counted in the files themselves (not 242/258: the 50m and
#: 10m files hold 241 and 255 geometries in their "countries" object).
COUNTS = {"110m": 177, "50m": 241, "10m": 255}


@pytest.mark.parametrize("res", list(COUNTS))
def test_world_atlas_countries(res: str) -> None:
    path = ATLAS / f"countries-{res}.json"
    source = Source(path.name, path=path)
    assert detect(source) == ("vector", "topojson")
    start = time.perf_counter()
    ev = read_vector(source, "topojson")
    elapsed = time.perf_counter() - start
    # Timing is for bench/, not an assertion here: machines differ.
    print(f"\ncountries-{res}.json read in {elapsed:.3f} s")
    assert [layer.name for layer in ev.layers] == ["countries", "land"]
    countries, land = ev.layers
    assert len(countries.features) == COUNTS[res]
    assert len(land.features) == 1
    (russia,) = [f for f in countries.features if f.id == "643"]
    assert russia.properties == {"name": "Russia"}
    assert russia.geometry is not None and russia.geometry.geom_type == "MultiPolygon"
    # Natural Earth's default view puts Crimea in Russia: exactly what mapcheck must flag.
    assert russia.geometry.contains(shapely.Point(34.1, 45.3))
    (ukraine,) = [f for f in countries.features if f.properties.get("name") == "Ukraine"]
    assert ukraine.id == "804"
    assert not ukraine.geometry.contains(shapely.Point(34.1, 45.3))  # type: ignore[union-attr]
    minx, miny, maxx, maxy = shapely.total_bounds([f.geometry for f in land.features])
    assert -180 <= minx < -179 and 179 < maxx <= 180 and miny >= -90 and maxy <= 90


def test_world_atlas_matches_gdal() -> None:
    """Same geometry as GDAL's TopoJSON driver for every 50m country."""
    import pyogrio

    path = ATLAS / "countries-50m.json"
    ev = read_vector(Source(path.name, path=path), "topojson")
    _, _, wkb, _ = pyogrio.raw.read(path, layer="countries")
    gdal = shapely.from_wkb(wkb)
    ours = [f.geometry for f in ev.layers[0].features]
    assert len(ours) == len(gdal)
    equal = shapely.equals_exact(shapely.normalize(ours), shapely.normalize(gdal), tolerance=1e-9)
    assert equal.all()


def test_public_decode_api_on_plain_json() -> None:
    """decode_arcs/object_features work on a plain json.load result (as `mapcheck fix` uses)."""
    import json

    topo = json.loads((ATLAS / "countries-110m.json").read_text())
    arcs = decode_arcs(topo)
    assert len(arcs) == len(topo["arcs"])
    assert all(a.shape[1] == 2 for a in arcs)
    feats = object_features(topo, "countries", arcs)
    assert len(feats) == 177
    ev = read_vector(Source("x", path=ATLAS / "countries-110m.json"), "topojson")
    for mine, theirs in zip(feats, ev.layers[0].features, strict=True):
        assert mine.id == theirs.id and mine.properties == theirs.properties
        assert mine.geometry is not None and theirs.geometry is not None
        assert mine.geometry.equals_exact(theirs.geometry, tolerance=0)
