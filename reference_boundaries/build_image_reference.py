"""Precompute the reference lines the image georeferencing searches with (``image_reference.npz``).

Usage::

    python reference_boundaries/build_image_reference.py [--output-dir DIR] [--check]

Input: the shipped ``neighbours.geojson`` (Natural Earth 10m admin-0, public domain, clipped to lon
18..50, lat 38..60) and ``ukraine_oblasts.geojson`` (to find the Russia–Ukraine border along
Luhansk and Donetsk oblasts, which is left out). Output: one deterministic ``.npz`` (a zip of
``.npy`` arrays with fixed timestamps; no pickles) holding

* ``lonlat`` (float32, n×2): samples every 2 km along the coastline and the land borders;
* ``kind`` (uint8): 0 coast, 1 land border; ``crimea`` (bool): on Crimea's coast;
* ``left``/``right`` (uint8): index into ``meta.countries`` of the land on each side of the line
  (255 = sea), side taken in every projection's plane with y pointing north;
* ``xy:NAME`` (float32, n×2) and ``tan:NAME`` (int8, n×2, unit tangent × 127) per projection in
  :data:`checker.imaging.refdata.PROJECTIONS`;
* ``meta``: JSON bytes (format version, parameters, sha256 of the inputs, countries, counts).

A second file per generalised line work (:data:`GENERALISED_SOURCES`, ``…_ne110m.npz``)
holds the same arrays for the coast and borders as that data draws them.

``--check`` rebuilds in memory and exits 1 if the shipped file differs (used by the tests' spirit;
the file is small enough to rebuild in a few seconds).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from checker.imaging.refdata import (
    FORMAT_VERSION,
    GENERALISED,
    IMAGE_REFERENCE_FILE,
    KIND_BORDER,
    KIND_COAST,
    MIN_ISLAND_KM2,
    PROJECTIONS,
    SAMPLE_SPACING_KM,
    generalised_file,
    planar_units,
)
from reference_boundaries import (
    DATA_DIR,
    NEIGHBOURS,
    NEIGHBOURS_WINDOW,
    OBLASTS,
)

#: Equal-area plane for lengths, areas and side tests (the one checker.reference uses).
LAEA_KM = "+proj=laea +lat_0=48 +lon_0=33 +x_0=0 +y_0=0 +ellps=WGS84 +units=km +no_defs"
#: Border stretches within this distance (degrees) of Luhansk or Donetsk oblast are left out.
DONBAS_GROW_DEG = 0.02
#: Coast samples within this distance (degrees) of Crimea/Sevastopol are flagged ``crimea``.
CRIMEA_GROW_DEG = 0.02
#: Offset (km) at which the two sides of a line are probed for land.
SIDE_PROBE_KM = 1.0
SEA = 255
#: The source of each generalised line work (:data:`checker.imaging.refdata.GENERALISED`):
#: world-atlas 2.0.2 (ISC; Natural Earth 4.1.0, public domain), the data behind d3, Vega and
#: plotly world maps; the repository keeps it as a test fixture.
GENERALISED_SOURCES: dict[str, Path] = {
    "ne110m": Path(__file__).resolve().parent.parent
    / "tests"
    / "fixtures"
    / "world-atlas"
    / "countries-110m.json",
}
#: World-atlas ids (ISO 3166 numeric) of Russia and Ukraine.
RUSSIA_ID, UKRAINE_ID = "643", "804"
#: A polygon of Russia or Ukraine whose inside point is this near the reference's Crimea is
#: Crimea as the generalised data draws it.
GENERALISED_CRIMEA_REACH_DEG = 0.1
#: What the checker judges is left out this far around (degrees): 1:110m lines are up to ~10 km
#: off the true ones.
GENERALISED_JUDGED_GROW_DEG = 0.25
#: Coast samples this near the generalised Crimea are Crimea's; a Perekop line this near it goes.
GENERALISED_CRIMEA_GROW_DEG = 0.02
#: A fixed zip timestamp keeps the output byte-identical between builds.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _load(path: Path) -> list[tuple[dict[str, Any], BaseGeometry]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(f["properties"], shape(f["geometry"])) for f in data["features"]]


def _to(geom: BaseGeometry, tr: pyproj.Transformer) -> BaseGeometry:
    return shapely.transform(geom, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def _lines(geom: BaseGeometry) -> list[BaseGeometry]:
    merged = shapely.line_merge(geom) if not geom.is_empty else geom
    return [g for g in shapely.get_parts(merged) if g.geom_type == "LineString" and not g.is_empty]


def build_lines(
    directory: Path,
) -> tuple[
    list[tuple[int, BaseGeometry]], list[str], BaseGeometry, list[BaseGeometry], BaseGeometry
]:
    """(kind, lon/lat line) pairs, country codes, land, each country's land, and Crimea."""
    countries = sorted(_load(directory / NEIGHBOURS), key=lambda pg: str(pg[0]["ne_adm0_a3"]))
    codes = [str(p["ne_adm0_a3"]) for p, _ in countries]
    kept = _without_islets([geom for _, geom in countries])
    oblasts = {str(p["iso_3166_2"]): g for p, g in _load(directory / OBLASTS)}
    donbas = shapely.union(oblasts["UA-09"], oblasts["UA-14"]).buffer(DONBAS_GROW_DEG)
    crimea = shapely.union(oblasts["UA-43"], oblasts["UA-40"])
    out, land = _country_lines(kept, codes, ("RUS", "UKR"), donbas)
    return out, codes, land, kept, crimea


def _without_islets(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    """Each country without its islands under MIN_ISLAND_KM2: at the scales searched they are
    specks, and generalised maps drop them."""
    to_laea = pyproj.Transformer.from_crs("EPSG:4326", LAEA_KM, always_xy=True)
    kept: list[BaseGeometry] = []
    for geom in geoms:
        parts = [p for p in shapely.get_parts(geom) if _to(p, to_laea).area >= MIN_ISLAND_KM2]
        kept.append(shapely.union_all(parts) if parts else shapely.Polygon())
    return kept


def _country_lines(
    kept: list[BaseGeometry], codes: list[str], judged_pair: tuple[str, str], judged: BaseGeometry
) -> tuple[list[tuple[int, BaseGeometry]], BaseGeometry]:
    """The coastline and the land borders of ``kept`` (clipped to the window, whose artificial
    edges are dropped), without the stretch of the ``judged_pair`` border inside ``judged``;
    and the land."""
    land = shapely.union_all(kept)
    frame = box(*NEIGHBOURS_WINDOW).boundary.buffer(1e-7)
    coast = shapely.difference(land.boundary, frame)
    border_parts = []
    for i in range(len(kept)):
        for j in range(i + 1, len(kept)):
            if kept[i].is_empty or kept[j].is_empty:
                continue
            if not kept[i].intersects(kept[j]):
                continue
            shared = shapely.intersection(kept[i].boundary, kept[j].boundary)
            shared = shapely.difference(shared, frame)
            if {codes[i], codes[j]} == set(judged_pair):
                # The checker judges this line (occupied Donbas): it must not steer the fit.
                shared = shapely.difference(shared, judged)
            border_parts.append(shared)
    borders = shapely.union_all(border_parts)
    out = [(KIND_COAST, g) for g in _lines(coast)] + [(KIND_BORDER, g) for g in _lines(borders)]
    return out, land


def sample_lines(
    lines: list[tuple[int, BaseGeometry]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Samples every SAMPLE_SPACING_KM: lon/lat (float32-rounded), kind and line id."""
    to_laea = pyproj.Transformer.from_crs("EPSG:4326", LAEA_KM, always_xy=True)
    from_laea = pyproj.Transformer.from_crs(LAEA_KM, "EPSG:4326", always_xy=True)
    lonlat, kinds, ids = [], [], []
    for line_id, (kind, line) in enumerate(lines):
        planar = _to(line, to_laea)
        length = float(planar.length)
        if length < SAMPLE_SPACING_KM / 2:
            continue
        n = int(np.ceil(length / SAMPLE_SPACING_KM)) + 1
        pts = shapely.line_interpolate_point(planar, np.linspace(0.0, length, n))
        xy = shapely.get_coordinates(pts)
        lon, lat = from_laea.transform(xy[:, 0], xy[:, 1])
        lonlat.append(np.column_stack([lon, lat]))
        kinds.append(np.full(n, kind, dtype=np.uint8))
        ids.append(np.full(n, line_id, dtype=np.int64))
    ll = np.concatenate(lonlat).astype(np.float32)
    return ll, np.concatenate(kinds), np.concatenate(ids)


def tangents(xy: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Unit tangents by central differences inside each line (one-sided at its ends)."""
    n = len(xy)
    nxt = np.minimum(np.arange(n) + 1, n - 1)
    prv = np.maximum(np.arange(n) - 1, 0)
    nxt = np.where(ids[nxt] == ids, nxt, np.arange(n))
    prv = np.where(ids[prv] == ids, prv, np.arange(n))
    d = xy[nxt] - xy[prv]
    norm = np.hypot(d[:, 0], d[:, 1])
    norm[norm == 0] = 1.0
    return d / norm[:, None]


def side_owners(
    lonlat: np.ndarray, ids: np.ndarray, countries: list[BaseGeometry]
) -> tuple[np.ndarray, np.ndarray]:
    """Country index on the left and on the right of each sample (SEA where no country)."""
    to_laea = pyproj.Transformer.from_crs("EPSG:4326", LAEA_KM, always_xy=True)
    from_laea = pyproj.Transformer.from_crs(LAEA_KM, "EPSG:4326", always_xy=True)
    x, y = to_laea.transform(lonlat[:, 0].astype(np.float64), lonlat[:, 1].astype(np.float64))
    planar = np.column_stack([x, y])
    t = tangents(planar, ids)
    normal_left = np.column_stack([-t[:, 1], t[:, 0]])
    owners = []
    for sign in (1.0, -1.0):
        probe = planar + sign * SIDE_PROBE_KM * normal_left
        plon, plat = from_laea.transform(probe[:, 0], probe[:, 1])
        owner = np.full(len(plon), SEA, dtype=np.uint8)
        for idx, geom in enumerate(countries):
            if geom.is_empty:
                continue
            shapely.prepare(geom)
            inside = shapely.contains_xy(geom, plon, plat)
            owner[inside] = idx
        owners.append(owner)
    return owners[0], owners[1]


def build_arrays(directory: Path) -> dict[str, np.ndarray]:
    """Every array of the output file, deterministically."""
    lines, codes, _land, country_land, crimea = build_lines(directory)
    arrays = _sampled(lines, country_land, crimea.buffer(CRIMEA_GROW_DEG))
    sources = {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for name in (NEIGHBOURS, OBLASTS)
    }
    meta = {
        "format_version": FORMAT_VERSION,
        "sample_spacing_km": SAMPLE_SPACING_KM,
        "min_island_km2": MIN_ISLAND_KM2,
        "donbas_grow_deg": DONBAS_GROW_DEG,
        "crimea_grow_deg": CRIMEA_GROW_DEG,
        "projections": PROJECTIONS,
        "countries": codes,
        "sources": sources,
    }
    return _with_meta(arrays, meta)


def _sampled(
    lines: list[tuple[int, BaseGeometry]], country_land: list[BaseGeometry], crimea: BaseGeometry
) -> dict[str, np.ndarray]:
    """The sample arrays of ``lines``: coast samples inside ``crimea`` are Crimea's."""
    lonlat, kind, ids = sample_lines(lines)
    ll64 = lonlat.astype(np.float64)
    near_crimea = shapely.contains_xy(crimea, ll64[:, 0], ll64[:, 1])
    crimea_flag = near_crimea & (kind == KIND_COAST)
    left, right = side_owners(lonlat, ids, country_land)
    arrays: dict[str, np.ndarray] = {
        "lonlat": lonlat,
        "kind": kind,
        "crimea": crimea_flag,
        "left": left,
        "right": right,
    }
    for name, definition in PROJECTIONS.items():
        tr = pyproj.Transformer.from_crs("EPSG:4326", definition, always_xy=True)
        x, y = tr.transform(ll64[:, 0], ll64[:, 1])
        xy = np.column_stack([x, y]) / planar_units(name)
        if not np.all(np.isfinite(xy)):
            raise SystemExit(f"{name}: non-finite projected samples")
        arrays[f"xy:{name}"] = xy.astype(np.float32)
        arrays[f"tan:{name}"] = np.round(tangents(xy, ids) * 127.0).astype(np.int8)
    return arrays


def _with_meta(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> dict[str, np.ndarray]:
    kind, crimea = arrays["kind"], arrays["crimea"]
    meta = {
        **meta,
        "samples": len(kind),
        "coast_samples": int((kind == KIND_COAST).sum()),
        "border_samples": int((kind == KIND_BORDER).sum()),
        "crimea_samples": int(crimea.sum()),
        "built_with": {"shapely": shapely.__version__, "pyproj": pyproj.__version__},
    }
    arrays["meta"] = np.frombuffer(
        json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8
    ).copy()
    return arrays


def build_generalised_arrays(name: str, directory: Path) -> dict[str, np.ndarray]:
    """The arrays of a generalised line work (:data:`GENERALISED_SOURCES`), same format.

    Countries come from a world-atlas TopoJSON (Natural Earth's default view, whose Russia holds
    Crimea as a polygon of its own), clipped to the window. What the checker judges is left out
    as in the detailed file, grown for the generalisation's error: the Russia–Ukraine border along
    Luhansk and Donetsk oblasts, and any line where Crimea meets the mainland (Perekop)."""
    from checker.readers.base import Source
    from checker.readers.topojson import read_topojson

    path = GENERALISED_SOURCES[name]
    evidence = read_topojson(Source(name=str(path), path=path))
    layer = next(layer for layer in evidence.layers if layer.name == "countries")
    window = box(*NEIGHBOURS_WINDOW)
    rows: dict[str, BaseGeometry] = {}
    for feat in layer.features:
        geom = feat.geometry
        if geom is None or geom.is_empty or not geom.intersects(window):
            continue
        code = str(feat.id or feat.properties.get("name"))
        clipped = shapely.intersection(shapely.make_valid(geom), window)
        rows[code] = shapely.union(rows[code], clipped) if code in rows else clipped
    codes = sorted(rows)
    kept = _without_islets([rows[c] for c in codes])
    oblasts = {str(p["iso_3166_2"]): g for p, g in _load(directory / OBLASTS)}
    reference_crimea = shapely.union(oblasts["UA-43"], oblasts["UA-40"])
    around = reference_crimea.buffer(GENERALISED_CRIMEA_REACH_DEG)
    parts = [
        part
        for code in (RUSSIA_ID, UKRAINE_ID)
        for part in shapely.get_parts(rows.get(code, shapely.Polygon()))
        if around.contains(part.representative_point())
    ]
    land = shapely.union_all(kept)
    # Crimea as this data draws it: its own polygon, or (joined to the mainland) what of the
    # land lies near the reference's Crimea.
    crimea = shapely.union_all(parts) if parts else shapely.intersection(land, around)
    donbas = shapely.union(oblasts["UA-09"], oblasts["UA-14"])
    judged = shapely.union(
        donbas.buffer(GENERALISED_JUDGED_GROW_DEG), crimea.buffer(GENERALISED_CRIMEA_GROW_DEG)
    )
    lines, _ = _country_lines(kept, codes, (RUSSIA_ID, UKRAINE_ID), judged)
    arrays = _sampled(lines, kept, crimea.buffer(GENERALISED_CRIMEA_GROW_DEG))
    meta = {
        "format_version": FORMAT_VERSION,
        "generalisation": name,
        "sample_spacing_km": SAMPLE_SPACING_KM,
        "min_island_km2": MIN_ISLAND_KM2,
        "judged_grow_deg": GENERALISED_JUDGED_GROW_DEG,
        "crimea_grow_deg": GENERALISED_CRIMEA_GROW_DEG,
        "projections": PROJECTIONS,
        "countries": codes,
        "sources": {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest(),
            OBLASTS: hashlib.sha256((directory / OBLASTS).read_bytes()).hexdigest(),
        },
    }
    return _with_meta(arrays, meta)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A deterministic ``.npz``: members in sorted order, fixed timestamps, deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(
                member, np.ascontiguousarray(arrays[name]), allow_pickle=False
            )
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.getvalue(), compresslevel=9)
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--check", action="store_true", help="compare with the shipped files")
    args = parser.parse_args(argv)
    builds = {IMAGE_REFERENCE_FILE: lambda: build_arrays(DATA_DIR)}
    for name in GENERALISED:
        builds[generalised_file(name)] = lambda name=name: build_generalised_arrays(name, DATA_DIR)
    status = 0
    for file_name, build in builds.items():
        target = args.output_dir / file_name
        data = npz_bytes(build())
        if args.check:
            same = target.exists() and target.read_bytes() == data
            print(f"{target}: " + ("up to date" if same else "differs from a fresh build"))
            status |= 0 if same else 1
            continue
        target.write_bytes(data)
        print(f"wrote {target} ({len(data):,} bytes)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
