"""Precompute the reference lines the image georeferencing searches with (``image_reference.npz``).

Usage::

    python reference_boundaries/build_image_reference.py [--output PATH] [--check]

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
    IMAGE_REFERENCE_FILE,
    KIND_BORDER,
    KIND_COAST,
    MIN_ISLAND_KM2,
    PROJECTIONS,
    SAMPLE_SPACING_KM,
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
    to_laea = pyproj.Transformer.from_crs("EPSG:4326", LAEA_KM, always_xy=True)
    countries = sorted(_load(directory / NEIGHBOURS), key=lambda pg: str(pg[0]["ne_adm0_a3"]))
    codes = [str(p["ne_adm0_a3"]) for p, _ in countries]
    # Small islands go: at the scales searched they are specks, and generalised maps drop them.
    kept: list[BaseGeometry] = []
    for _, geom in countries:
        parts = [p for p in shapely.get_parts(geom) if _to(p, to_laea).area >= MIN_ISLAND_KM2]
        kept.append(shapely.union_all(parts) if parts else shapely.Polygon())
    land = shapely.union_all(kept)
    frame = box(*NEIGHBOURS_WINDOW).boundary.buffer(1e-7)
    coast = shapely.difference(land.boundary, frame)
    oblasts = {str(p["iso_3166_2"]): g for p, g in _load(directory / OBLASTS)}
    donbas = shapely.union(oblasts["UA-09"], oblasts["UA-14"]).buffer(DONBAS_GROW_DEG)
    border_parts = []
    for i in range(len(kept)):
        for j in range(i + 1, len(kept)):
            if kept[i].is_empty or kept[j].is_empty:
                continue
            if not kept[i].intersects(kept[j]):
                continue
            shared = shapely.intersection(kept[i].boundary, kept[j].boundary)
            shared = shapely.difference(shared, frame)
            if {codes[i], codes[j]} == {"RUS", "UKR"}:
                # The checker judges this line (occupied Donbas): it must not steer the fit.
                shared = shapely.difference(shared, donbas)
            border_parts.append(shared)
    borders = shapely.union_all(border_parts)
    crimea = shapely.union(oblasts["UA-43"], oblasts["UA-40"])
    out = [(KIND_COAST, g) for g in _lines(coast)] + [(KIND_BORDER, g) for g in _lines(borders)]
    return out, codes, land, kept, crimea


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
    lonlat, kind, ids = sample_lines(lines)
    ll64 = lonlat.astype(np.float64)
    near_crimea = shapely.contains_xy(crimea.buffer(CRIMEA_GROW_DEG), ll64[:, 0], ll64[:, 1])
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
        "samples": len(lonlat),
        "coast_samples": int((kind == KIND_COAST).sum()),
        "border_samples": int((kind == KIND_BORDER).sum()),
        "crimea_samples": int(crimea_flag.sum()),
        "built_with": {"shapely": shapely.__version__, "pyproj": pyproj.__version__},
    }
    arrays["meta"] = np.frombuffer(
        json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8
    ).copy()
    return arrays


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
    parser.add_argument("--output", type=Path, default=DATA_DIR / IMAGE_REFERENCE_FILE)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = parser.parse_args(argv)
    data = npz_bytes(build_arrays(DATA_DIR))
    if args.check:
        same = args.output.exists() and args.output.read_bytes() == data
        print("up to date" if same else f"{args.output} differs from a fresh build")
        return 0 if same else 1
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
