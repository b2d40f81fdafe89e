"""Every fixture from make_fixtures.py: good ones read to known results, bad ones fail with
the right ME9xx code and a message that says what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from checker.readers import ReaderError, Source, VectorEvidence, detect, read_vector

FIXTURES = Path(__file__).parent / "fixtures"
KYIV = (30.52, 50.45)
CRIMEA_BOUNDS = (32.5, 44.4, 36.6, 46.2)
#: 1e-6 degrees is about 10 cm: reprojected fixtures come back far closer than 1 m.
TOL = 1e-6


def read(name: str) -> VectorEvidence:
    path = FIXTURES / name
    source = Source(name, path=path)
    kind, fmt = detect(source)
    assert kind == "vector", (kind, fmt)
    return read_vector(source, fmt)


def find(ev: VectorEvidence, name: str) -> shapely.Geometry:
    for layer in ev.layers:
        for feat in layer.features:
            if feat.properties.get("name") == name:
                assert feat.geometry is not None
                return feat.geometry
    raise AssertionError(f"no feature named {name!r}")


# (fixture, format, {layer: feature count}, source CRS, name of the Kyiv feature or None)
GOOD = [
    ("collection.geojson", "geojson", {"regions": 5}, None, "Kyiv"),
    ("feature.geojson", "geojson", {"feature": 1}, None, "Kyiv"),
    ("geometry.geojson", "geojson", {"geometry": 1}, None, None),
    ("geometry_collection.geojson", "geojson", {"geometry_collection": 1}, None, None),
    ("features_array.json", "geojson", {"features_array": 3}, None, "Kyiv"),
    ("crs_3857_name.geojson", "geojson", {"crs_3857_name": 3}, "EPSG:3857", "Kyiv"),
    ("crs_3857_urn.geojson", "geojson", {"crs_3857_urn": 3}, "EPSG:3857", "Kyiv"),
    ("crs_3857_code.geojson", "geojson", {"crs_3857_code": 3}, "EPSG:3857", "Kyiv"),
    ("crs84_urn.geojson", "geojson", {"crs84_urn": 3}, "OGC:CRS84", "Kyiv"),
    ("geojson_named.txt", "geojson", {"geojson_named": 3}, None, "Kyiv"),
    ("sequence_rs.geojsons", "geojsonseq", {"sequence_rs": 3}, None, "Kyiv"),
    ("sequence_lines.geojsonl", "geojsonseq", {"sequence_lines": 3}, None, "Kyiv"),
    ("quantized.topojson", "topojson", {"regions": 5, "cities": 1}, None, "Kyiv"),
    ("plain.topojson", "topojson", {"regions": 5, "cities": 1}, None, "Kyiv"),
    ("topojson_named.geojson", "topojson", {"regions": 5, "cities": 1}, None, "Kyiv"),
    ("highcharts_ua.js", "jsmodule", {"countries/ua/ua-all": 3}, "+proj=lcc", "Kyiv City"),
    ("highcharts_ua.geo.json", "geojson", {"highcharts_ua": 3}, "+proj=lcc", "Kyiv City"),
    ("export_default.mjs", "jsmodule", {"export_default": 2}, None, "Kyiv"),
    ("module_exports.js", "jsmodule", {"regions": 5, "cities": 1}, None, "Kyiv"),
    ("embedded.html", "jsmodule", {"embedded": 3}, None, "Kyiv"),
    ("shp/cities.shp", "shapefile", {"cities": 3}, "EPSG:4326", "Kyiv"),
    ("shp_noprj/cities.shp", "shapefile", {"cities": 3}, None, "Kyiv"),
    ("shp_3857/cities.shp", "shapefile", {"cities": 3}, "EPSG:3857", "Kyiv"),
    ("cities_shp.zip", "shapefile", {"cities": 3}, "EPSG:4326", "Kyiv"),
    ("cities_shp_zip.dat", "shapefile", {"cities": 3}, "EPSG:4326", "Kyiv"),
    ("two_layers.gpkg", "gpkg", {"cities": 1, "regions": 1}, "EPSG:4326", "Kyiv"),
    ("regions.fgb", "flatgeobuf", {"regions": 3}, "EPSG:4326", "Kyiv"),
    ("regions.kml", "kml", {"kml": 1, "Cities": 1, "Regions/South": 2}, "EPSG:4326", "Kyiv"),
    ("regions.kmz", "kmz", {"kml": 1, "Cities": 1, "Regions/South": 2}, "EPSG:4326", "Kyiv"),
    ("regions.parquet", "geoparquet", {"regions": 3}, "OGC:CRS84", "Kyiv"),
    ("regions_3857.parquet", "geoparquet", {"regions_3857": 3}, "EPSG:3857", "Kyiv"),
]


@pytest.mark.parametrize(("name", "fmt", "layers", "crs", "kyiv"), GOOD, ids=[g[0] for g in GOOD])
def test_good_fixture(
    name: str, fmt: str, layers: dict[str, int], crs: str | None, kyiv: str | None
) -> None:
    source = Source(name, path=FIXTURES / name)
    assert detect(source) == ("vector", fmt)
    ev = read_vector(source, fmt)
    assert ev.format == fmt
    assert {layer.name: len(layer.features) for layer in ev.layers} == layers
    if crs is None:
        assert ev.source_crs is None
    else:
        assert ev.source_crs is not None and ev.source_crs.startswith(crs)
    if kyiv is not None:
        point = find(ev, kyiv)
        assert point.geom_type == "Point"
        assert point.x == pytest.approx(KYIV[0], abs=TOL)
        assert point.y == pytest.approx(KYIV[1], abs=TOL)
    for layer in ev.layers:
        for feat in layer.features:
            assert feat.geometry is None or isinstance(feat.geometry, shapely.Geometry)
            assert isinstance(feat.properties, dict)
            assert feat.id is None or isinstance(feat.id, str)


@pytest.mark.parametrize(
    "name",
    [
        g[0]
        for g in GOOD
        if g[0].startswith(("collection", "crs", "features_", "highcharts", "export", "embedded"))
    ]
    + [
        "regions.kml",
        "regions.kmz",
        "regions.parquet",
        "regions_3857.parquet",
        "regions.fgb",
        "two_layers.gpkg",
    ],
)
def test_crimea_polygon_survives_every_format(name: str) -> None:
    crimea = find(read(name), "Crimea")
    assert crimea.geom_type == "Polygon"
    assert crimea.bounds == pytest.approx(CRIMEA_BOUNDS, abs=TOL)


def test_bare_geometries() -> None:
    (feat,) = read("geometry.geojson").layers[0].features
    assert feat.properties == {} and feat.id is None
    assert (feat.geometry.x, feat.geometry.y) == KYIV  # type: ignore[union-attr]
    (gc,) = read("geometry_collection.geojson").layers[0].features
    assert gc.geometry is not None and gc.geometry.geom_type == "GeometryCollection"
    assert [g.geom_type for g in gc.geometry.geoms] == ["Point", "Polygon", "LineString"]


def test_geojson_ids_and_properties() -> None:
    feats = read("collection.geojson").layers[0].features
    assert [f.id for f in feats] == ["kyiv", "2", "dnipro", "4", None]
    assert feats[1].properties == {"name": "Crimea", "adm0_a3": "UKR", "name_uk": "Крим"}
    assert feats[2].properties["kind"] is None
    assert feats[4].geometry is None and feats[4].properties == {}
    block = feats[3].geometry
    assert block is not None and block.geom_type == "MultiPolygon"
    assert len(block.geoms[0].interiors) == 1
    assert block.area == pytest.approx(9.0 - 1.0 + 0.5)


def test_reprojection_note() -> None:
    ev = read("crs_3857_name.geojson")
    assert ev.notes == ["reprojected from EPSG:3857 to EPSG:4326"]


def test_topojson_stitching_and_reversed_arcs() -> None:
    for name in ("quantized.topojson", "plain.topojson"):
        ev = read(name)
        regions = {f.properties["name"]: f for f in ev.layers[0].features}
        west = regions["West"].geometry
        east = regions["East"].geometry
        assert west is not None and east is not None
        # West: arcs 0 + 1, joint point dropped, one hole (arc 3).
        np.testing.assert_allclose(
            west.exterior.coords, [(31, 51), (29, 51), (29, 49), (31, 49), (31, 51)], atol=1e-9
        )
        assert west.area == pytest.approx(4 - 0.25)
        # East: arc 2 then ~1 (arc 1 reversed): the shared edge runs the other way.
        np.testing.assert_allclose(
            east.exterior.coords, [(31, 49), (33, 49), (33, 51), (31, 51), (31, 49)], atol=1e-9
        )
        assert west.is_valid and east.is_valid and east.exterior.is_ccw and west.exterior.is_ccw
        assert regions["Both"].geometry.area == pytest.approx(8)  # type: ignore[union-attr]
        assert regions["Dnipro"].geometry.geom_type == "LineString"  # type: ignore[union-attr]
        assert regions["Null geometry"].geometry is None
        assert regions["Null geometry"].id == "nothing"
        assert regions["East"].id == "2"


def test_highcharts_transform_and_inset() -> None:
    for name in ("highcharts_ua.js", "highcharts_ua.geo.json"):
        ev = read(name)
        island = find(ev, "Snake Island")  # drawn in an inset, picked by its hitZone
        assert (island.x, island.y) == pytest.approx((30.2046, 45.2553), abs=TOL)
        crimea = find(ev, "Crimea")
        assert crimea.bounds == pytest.approx(CRIMEA_BOUNDS, abs=TOL)
        feat = next(f for f in ev.layers[0].features if f.id == "UA.KR")
        assert feat.properties["hc-key"] == "ua-kr"
        assert any("hc-transform" in note and "ua-all-inset" in note for note in ev.notes)
    note = read("highcharts_ua.js").notes[0]
    assert note.startswith(
        "GeoJSON FeatureCollection embedded in a Highcharts map module [countries/ua/ua-all] at "
        "characters 41–"
    )


def test_js_literal_conversion_keeps_strings() -> None:
    ev = read("export_default.mjs")
    kyiv = ev.layers[0].features[0]
    assert kyiv.id == "kyiv"
    assert kyiv.properties["note"] == 'it\'s "quoted"'
    assert "converted to JSON" in ev.notes[0]


def test_kml_layers_and_properties() -> None:
    ev = read("regions.kml")
    cities = next(layer for layer in ev.layers if layer.name == "Cities")
    (kyiv,) = cities.features
    assert kyiv.id == "kyiv"
    assert kyiv.properties == {
        "name": "Kyiv",
        "description": "Capital of <b>Ukraine</b>",
        "iso_a2": "UA",
        "name_uk": "Київ",
    }
    south = next(layer for layer in ev.layers if layer.name == "Regions/South")
    crimea, pair = (f.geometry for f in south.features)
    assert crimea is not None and len(crimea.interiors) == 1  # type: ignore[attr-defined]
    assert pair is not None and pair.geom_type == "GeometryCollection"


def test_ogr_attributes_and_fids() -> None:
    ev = read("shp/cities.shp")
    feats = ev.layers[0].features
    assert [f.id for f in feats] == ["0", "1", "2"]
    assert feats[1].properties == {
        "name": "Sevastopol",
        "name_uk": "Севастополь",
        "population": 479394,
    }
    gpkg = read("two_layers.gpkg")
    region = gpkg.layers[1].features[0]
    assert region.properties["name_uk"] == "Крим"
    assert region.geometry is not None
    assert region.geometry.bounds == pytest.approx(CRIMEA_BOUNDS, abs=TOL)
    assert "layer 'regions': reprojected from EPSG:3857 to EPSG:4326" in gpkg.notes
    assert read("shp_noprj/cities.shp").notes == [
        "no .prj file: coordinates are taken as longitude/latitude"
    ]


def test_geoparquet_properties() -> None:
    feats = read("regions.parquet").layers[0].features
    assert [f.properties for f in feats] == [
        {"name": "Kyiv", "rank": 1},
        {"name": "Crimea", "rank": 2},
        {"name": "Dnipro", "rank": 3},
    ]


# (fixture, expected code, message substring)
BAD = [
    ("empty.geojson", "ME906", "the file is empty"),
    ("whitespace.geojson", "ME906", "only whitespace"),
    ("truncated.geojson", "ME901", "truncated file?"),
    ("syntax_error.geojson", "ME901", "invalid JSON at line 3 column 22: Expecting ',' delimiter"),
    ("truncated.topojson", "ME901", "truncated file?"),
    ("bad_arc_index.topojson", "ME901", "arc index 99 is out of range (the topology has 5 arcs)"),
    ("nan.geojson", "ME905", "coordinate (nan, 50.45) is NaN or infinite"),
    ("huge.geojson", "ME905", "coordinate value 1e+300 is far outside"),
    (
        "projected_nocrs.geojson",
        "ME904",
        "coordinates look projected (x up to 4,074,293) but the file declares no CRS; declare "
        "the CRS or reproject to EPSG:4326",
    ),
    ("projected.topojson", "ME904", "coordinates look projected (x up to 900)"),
    ("shp_projected_noprj/cities.shp", "ME904", "coordinates look projected"),
    ("garbage.geojson", "ME901", "not valid UTF-8 text"),
    ("bad_coordinates.geojson", "ME901", "position 0 holds a non-number"),
    ("bad_literal.js", "ME901", "refers to 'someVariable'"),
    ("entity_bomb.kml", "ME901", "XML entities are not allowed"),
    ("broken.kml", "ME901", "invalid XML at line"),
    ("evil.zip", "ME901", "zip member '../evil.shp' points outside the archive"),
    ("corrupt.gpkg", "ME901", "GDAL could not read"),
    ("unknown.bin", "ME902", "unrecognised file format"),
]


@pytest.mark.parametrize(("name", "code", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_fixture(name: str, code: str, message: str) -> None:
    with pytest.raises(ReaderError) as info:
        read(name)
    assert info.value.code == code
    assert message in info.value.message


def test_bad_fixture_read_directly_with_wrong_format() -> None:
    """read_vector on a format that does not fit gives ReaderError, never a traceback."""
    cases = [
        ("regions.kml", "geojson"),
        ("regions.parquet", "kml"),
        ("quantized.topojson", "geoparquet"),
        ("two_layers.gpkg", "topojson"),
        ("collection.geojson", "shapefile"),
        ("regions.kml", "jsmodule"),
        ("not_geo.parquet", "geoparquet"),
    ]
    for name, fmt in cases:
        with pytest.raises(ReaderError) as info:
            read_vector(Source(name, path=FIXTURES / name), fmt)
        assert info.value.code in ("ME901", "ME902"), (name, fmt, info.value.message)


def test_not_geo_parquet() -> None:
    source = Source("not_geo.parquet", path=FIXTURES / "not_geo.parquet")
    assert detect(source) == ("data", "parquet")
    with pytest.raises(ReaderError, match="not GeoParquet") as info:
        read_vector(source, "geoparquet")
    assert info.value.code == "ME902"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("collection.geojson", "geojson"),
        ("quantized.topojson", "topojson"),
        ("two_layers.gpkg", "gpkg"),
        ("cities_shp.zip", "shapefile"),
        ("regions.fgb", "flatgeobuf"),
        ("regions.kmz", "kmz"),
        ("regions.parquet", "geoparquet"),
        ("highcharts_ua.js", "jsmodule"),
    ],
)
def test_stdin_bytes(name: str, fmt: str) -> None:
    data = (FIXTURES / name).read_bytes()
    source = Source("-", data=data)
    assert detect(source) == ("vector", fmt)
    ev = read_vector(source, fmt)
    assert ev.feature_count > 0


def test_stdin_temp_files_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    data = (FIXTURES / "two_layers.gpkg").read_bytes()
    read_vector(Source("-", data=data), "gpkg")
    assert list(tmp_path.iterdir()) == []


def test_size_limit() -> None:
    source = Source("collection.geojson", path=FIXTURES / "collection.geojson", max_bytes=100)
    with pytest.raises(ReaderError) as info:
        read_vector(source, "geojson")
    assert info.value.code == "ME903"
    assert "over the 100-byte limit" in info.value.message
    with pytest.raises(ReaderError) as info:
        read_vector(Source("-", data=b"{}" * 100, max_bytes=10), "geojson")
    assert info.value.code == "ME903"


def test_fixture_generator_is_in_sync(tmp_path: Path) -> None:
    """Text fixtures match what make_fixtures.py writes (binary ones embed library versions)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_fixtures", Path(__file__).parent / "make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path / "fixtures")
    text_suffixes = {
        ".geojson",
        ".json",
        ".topojson",
        ".js",
        ".mjs",
        ".html",
        ".kml",
        ".txt",
        ".geojsonl",
        ".geojsons",
    }
    checked = 0
    for path in sorted((tmp_path / "fixtures").rglob("*")):
        if path.suffix in text_suffixes:
            committed = FIXTURES / path.relative_to(tmp_path / "fixtures")
            assert committed.read_bytes() == path.read_bytes(), committed.name
            checked += 1
    assert checked > 30
    assert json.loads((FIXTURES / "feature.geojson").read_text())["id"] == "kyiv"
