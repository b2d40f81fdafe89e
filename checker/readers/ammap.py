"""amCharts 3 (ammap) maps: SVG paths in a pixel space that the map's own bounds place.

An ammap map file (``AmCharts.maps.worldLow = {"svg": {"defs": {"amcharts:ammap": {...}},
"g": {"path": [{"id": "UA", "title": "Ukraine", "d": "M…"}, …]}}}``) states its projection
(``mercator``, ``miller`` or ``equirectangular``) and the longitudes and latitudes of the map's
left, right, top and bottom edges. ammap lays the paths' common bounding box over those edges,
so each pixel maps back exactly: x linearly to longitude, y linearly to the projection's
northing, then to latitude. Regions are keyed by ISO 3166 code (``UA``, ``RU``, ``UA-43``);
subpaths are combined even-odd, as the SVG renderer fills them.
"""

from __future__ import annotations

import math
from functools import reduce
from typing import Any

import numpy as np

from checker.readers._geom import make_valid
from checker.readers.base import ReaderError, VectorEvidence, VectorFeature, VectorLayer
from checker.readers.jvectormap import parse_path, region_properties, wrap

#: The member that names an ammap map's projection and bounds.
DEFS_KEY = "amcharts:ammap"
PROJECTIONS = ("mercator", "miller", "equirectangular")
#: Latitudes beyond this are no edge a Mercator or Miller map can have.
MAX_LAT = 89.5


def looks_like_ammap(obj: Any) -> bool:
    """An object with ammap's ``svg.defs["amcharts:ammap"]`` and ``svg.g.path`` list."""
    svg = obj.get("svg") if isinstance(obj, dict) else None
    if not isinstance(svg, dict):
        return False
    defs, g = svg.get("defs"), svg.get("g")
    return (
        isinstance(defs, dict)
        and isinstance(defs.get(DEFS_KEY), dict)
        and isinstance(g, dict)
        and isinstance(g.get("path"), list)
    )


def _degrees(defs: dict[str, Any], key: str) -> float:
    try:
        value = float(defs[key])
    except (KeyError, TypeError, ValueError):
        raise ReaderError("ME901", f"ammap map: {key!r} is missing or not a number") from None
    if not math.isfinite(value):
        raise ReaderError("ME901", f"ammap map: {key!r} is not a finite number")
    return value


def _northing(kind: str, lat: np.ndarray) -> np.ndarray:
    rad = np.radians(lat)
    if kind == "mercator":
        return np.log(np.tan(math.pi / 4 + rad / 2))
    if kind == "miller":
        return 1.25 * np.log(np.tan(math.pi / 4 + 0.4 * rad))
    return rad  # equirectangular


def _latitude(kind: str, northing: np.ndarray) -> np.ndarray:
    if kind == "mercator":
        return np.degrees(2.0 * np.arctan(np.exp(northing)) - math.pi / 2)
    if kind == "miller":
        return np.degrees((np.arctan(np.exp(northing / 1.25)) - math.pi / 4) / 0.4)
    return np.degrees(northing)


def evidence_from_ammap(
    obj: dict[str, Any], *, layer_name: str, fmt: str = "jsmodule", notes: list[str] | None = None
) -> VectorEvidence:
    """VectorEvidence in lon/lat for a parsed ammap map object."""
    import shapely

    notes = [] if notes is None else notes
    defs = obj["svg"]["defs"][DEFS_KEY]
    kind = str(defs.get("projection", "mercator")).strip().lower()
    if kind not in PROJECTIONS:
        raise ReaderError(
            "ME904",
            f"ammap projection {kind[:20]!r} is not read (only {', '.join(PROJECTIONS)}); "
            "export the map as GeoJSON to check it",
        )
    west, east = _degrees(defs, "leftLongitude"), _degrees(defs, "rightLongitude")
    north, south = _degrees(defs, "topLatitude"), _degrees(defs, "bottomLatitude")
    if not (east > west and -MAX_LAT <= south < north <= MAX_LAT):
        raise ReaderError("ME901", "ammap map: its edges do not make a map")
    regions: list[tuple[int, dict[str, Any], list[np.ndarray]]] = []
    for index, raw in enumerate(obj["svg"]["g"]["path"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("d"), str):
            continue
        where = f"area {index} ({str(raw.get('id'))[:20]!r})"
        rings = [
            np.asarray(r, dtype=np.float64) for r in parse_path(raw["d"], where) if len(r) >= 3
        ]
        regions.append((index, raw, rings))
    points = [ring for _, _, rings in regions for ring in rings]
    if not points:
        raise ReaderError("ME901", "ammap map: no area has an SVG path")
    allpts = np.concatenate(points)
    x0, y0 = allpts.min(axis=0)
    x1, y1 = allpts.max(axis=0)
    if not (x1 > x0 and y1 > y0):
        raise ReaderError("ME901", "ammap map: its paths have no extent")
    top, bottom = _northing(kind, np.array([north, south]))
    features: list[VectorFeature] = []
    for index, raw, rings in regions:
        polygons = []
        for pts in rings:
            lon = west + (pts[:, 0] - x0) / (x1 - x0) * (east - west)
            lat = _latitude(kind, top - (pts[:, 1] - y0) / (y1 - y0) * (top - bottom))
            polygons.append(wrap(make_valid(shapely.Polygon(np.column_stack([lon, lat])))))
        geom = reduce(shapely.symmetric_difference, polygons) if polygons else None
        if geom is not None:
            geom = make_valid(geom)
        code = str(raw.get("id", ""))
        props = region_properties(code, raw)
        props.pop("d", None)
        if isinstance(raw.get("title"), str):
            props["name"] = raw["title"]
        features.append(
            VectorFeature(index=index, geometry=geom, properties=props, id=code or None)
        )
    notes.append(
        f"amCharts 3 map ({kind} projection, {west:g}° to {east:g}° E, {south:g}° to "
        f"{north:g}° N): SVG paths mapped back to longitude/latitude"
    )
    return VectorEvidence(
        format=fmt, layers=[VectorLayer(layer_name, features)], source_crs=None, notes=notes
    )
