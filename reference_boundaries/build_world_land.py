"""Precompute the world's land outline that the map locator matches pictures against
(``world_land.npz``, read by :mod:`checker.imaging.locate`).

Usage::

    python reference_boundaries/build_world_land.py [--output-dir DIR] [--check]

Input: ``tests/fixtures/world-atlas/countries-50m.json`` and ``countries-110m.json`` (npm
world-atlas 2.0.2, ISC; Natural Earth 4.1.0, public domain), their ``land`` object: every land
polygon of the world, with lakes large enough for the scale as holes; and their ``countries``
object's shared arcs: the borders. Antarctica and any ring
wholly south of 58° S are left out (no map of interest is about them, and they would fill the
bottom of every world raster). The 1:110m land is kept besides the 1:50m one because maps drawn
from it (d3, plotly, Vega) lose so many capes and bays that, seen close up, they match the 1:50m
coast less well than a wrong place might.

Output: one deterministic ``.npz`` (``.npy`` members with fixed timestamps; no pickles), per
generalisation ``G`` (``50m``, ``110m``):

* ``lonlat_G`` (float32, n×2): the rings' vertices, densified so that no edge is longer than
  :data:`MAX_EDGE_DEG` (edges stay near-straight in every candidate projection);
* ``start_G`` (int32): where each ring starts in ``lonlat_G`` (and the total at the end);
* ``hole_G`` (uint8): 1 for a hole (a lake) in the polygon drawn before it, else 0;
* ``border_lonlat_G`` (float32, n×2) and ``border_start_G`` (int32): the land borders between
  countries, as lines: the arcs of the topology's ``countries`` object that two countries share
  (a coast is an arc of one country only, and is drawn by the land rings already), densified
  the same way. Outline drawings draw their borders with the same pen as their coasts, and the
  locator matches those lines (:mod:`checker.imaging.locate`);

and ``meta``: JSON bytes (format version, input sha256, counts).

``--check`` rebuilds in memory and exits 1 if the shipped file differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reference_boundaries.build_image_reference import npz_bytes  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent
SOURCES = {
    "50m": ROOT / "tests" / "fixtures" / "world-atlas" / "countries-50m.json",
    "110m": ROOT / "tests" / "fixtures" / "world-atlas" / "countries-110m.json",
}
OUTPUT = "world_land.npz"
FORMAT_VERSION = 3
MAX_EDGE_DEG = 0.25
SOUTH_LIMIT = -58.0


def build_arrays() -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    meta: dict[str, object] = {
        "format_version": FORMAT_VERSION,
        "max_edge_deg": MAX_EDGE_DEG,
        "south_limit": SOUTH_LIMIT,
    }
    for name, source in SOURCES.items():
        rings, holes = _land_rings(source)
        start = np.cumsum([0, *(len(r) for r in rings)]).astype(np.int32)
        out[f"lonlat_{name}"] = np.concatenate(rings)
        out[f"start_{name}"] = start
        out[f"hole_{name}"] = np.asarray(holes, dtype=np.uint8)
        borders = _border_lines(source)
        border_start = np.cumsum([0, *(len(b) for b in borders)]).astype(np.int32)
        out[f"border_lonlat_{name}"] = np.concatenate(borders)
        out[f"border_start_{name}"] = border_start
        meta[name] = {
            "source": f"world-atlas 2.0.2 {source.name}, object 'land'",
            "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
            "rings": len(rings),
            "vertices": int(start[-1]),
            "border_lines": len(borders),
            "border_vertices": int(border_start[-1]),
        }
    out["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    return out


def _land_rings(source: Path) -> tuple[list[np.ndarray], list[int]]:
    from checker.readers.base import Source
    from checker.readers.topojson import read_topojson

    evidence = read_topojson(Source(name=str(source), path=source))
    land = next(layer for layer in evidence.layers if layer.name == "land")
    rings: list[np.ndarray] = []
    holes: list[int] = []
    for feature in land.features:
        if feature.geometry is None:
            continue
        for polygon in shapely.get_parts(feature.geometry):
            if polygon.geom_type != "Polygon" or polygon.bounds[3] < SOUTH_LIMIT:
                continue
            for i, ring in enumerate([polygon.exterior, *polygon.interiors]):
                dense = shapely.segmentize(ring, MAX_EDGE_DEG)
                rings.append(np.asarray(dense.coords, dtype=np.float32))
                holes.append(1 if i else 0)
    return rings, holes


def _border_lines(source: Path) -> list[np.ndarray]:
    """The arcs of the ``countries`` object that two different countries use: the borders
    between them (TopoJSON stores each shared stretch of boundary once, as one arc)."""
    from checker.readers.topojson import decode_arcs

    topo = json.loads(source.read_text(encoding="utf-8"))
    users: dict[int, set[int]] = {}

    def walk(geometry: dict[str, Any], owner: int) -> None:
        kind = geometry.get("type")
        if kind == "GeometryCollection":
            for part in geometry.get("geometries", []):
                walk(part, owner)
            return
        if kind == "Polygon":
            polygons = [geometry.get("arcs", [])]
        elif kind == "MultiPolygon":
            polygons = list(geometry.get("arcs", []))
        else:
            return
        for polygon in polygons:
            for ring in polygon:
                for index in ring:
                    users.setdefault(index if index >= 0 else ~index, set()).add(owner)

    for owner, geometry in enumerate(topo["objects"]["countries"]["geometries"]):
        walk(geometry, owner)
    arcs = decode_arcs(topo)
    out: list[np.ndarray] = []
    for index in sorted(i for i, owners in users.items() if len(owners) >= 2):
        arc = arcs[index]
        if arc[:, 1].max() < SOUTH_LIMIT or len(arc) < 2:
            continue
        dense = shapely.segmentize(shapely.LineString(arc), MAX_EDGE_DEG)
        out.append(np.asarray(dense.coords, dtype=np.float32))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = parser.parse_args(argv)
    data = npz_bytes(build_arrays())
    target = args.output_dir / OUTPUT
    if args.check:
        same = target.exists() and target.read_bytes() == data
        print(f"{OUTPUT}: {'up to date' if same else 'DIFFERS'}")
        return 0 if same else 1
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    print(f"wrote {target} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
