"""jVectorMap maps: SVG paths in a projected pixel space, embedded in JS.

A jVectorMap map (``jQuery.fn.vectorMap('addMap', 'world_mill', {...})``, or ``var map =
{...}; module.exports = map`` in the npm map packages) is an object with ``paths`` (one SVG
path per region, keyed by ISO 3166 code: ``RU``, ``UA``, ``RU-KR``), ``insets`` (pixel
rectangles, each with the ``bbox`` of projected coordinates it shows) and ``projection``
(``{type: 'mill', centralMeridian: 11.5}``). Each path is mapped back: pixels → projected
metres of its inset → lon/lat with jVectorMap's own spherical formulas (``jvm.Proj``: radius
6381372 m; Miller and Mercator are read, the conic ``aea``/``lcc`` of the US and Canada maps are
refused). Subpaths are combined even-odd, as the SVG renderer fills them.
"""

from __future__ import annotations

import math
import re
from functools import reduce
from typing import Any

import numpy as np

from checker.readers._geom import make_valid
from checker.readers.base import ReaderError, VectorEvidence, VectorFeature, VectorLayer

#: jVectorMap's sphere radius (``jvm.Proj.radius``).
RADIUS = 6381372.0
PROJECTIONS = ("mill", "merc")
_PATH_TOKEN = re.compile(r"[MmLlHhVvZzCcSsQqTtAa]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: Numbers each SVG command takes per repetition, and how many of them are the end point.
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def looks_like_jvectormap(obj: Any) -> bool:
    """An object with jVectorMap's ``paths`` and ``insets`` members."""
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("paths"), dict)
        and isinstance(obj.get("insets"), list)
        and bool(obj["insets"])
        and all(isinstance(i, dict) and "bbox" in i for i in obj["insets"])
    )


def parse_path(d: str, where: str) -> list[list[tuple[float, float]]]:
    """An SVG path's subpaths as lists of absolute points (curves by their end points)."""
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    cmd = ""
    nums: list[float] = []

    def flush() -> None:
        nonlocal x, y, start, ring, cmd
        if not cmd:
            if nums:
                raise ReaderError("ME901", f"{where}: the SVG path starts with numbers")
            return
        low = cmd.lower()
        rel = cmd == low
        arity = _ARITY[low]
        if low == "z":
            if ring:
                rings.append(ring)
            ring = []
            x, y = start
            return
        if not nums or len(nums) % arity:
            raise ReaderError("ME901", f"{where}: SVG command {cmd!r} has {len(nums)} numbers")
        for k in range(0, len(nums), arity):
            args = nums[k : k + arity]
            if low == "h":
                x = x + args[0] if rel else args[0]
            elif low == "v":
                y = y + args[0] if rel else args[0]
            else:
                ex, ey = args[-2], args[-1]
                x, y = (x + ex, y + ey) if rel else (ex, ey)
            if low == "m" and k == 0:
                if ring:
                    rings.append(ring)
                ring = []
                start = (x, y)
            ring.append((x, y))

    for tok in _PATH_TOKEN.findall(d):
        if tok.isalpha():
            flush()
            cmd = tok
            nums = []
        else:
            nums.append(float(tok))
    flush()
    if ring:
        rings.append(ring)
    return rings


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ReaderError("ME901", f"jVectorMap {what} {str(value)[:30]!r} is not a number")
    return float(value)


class _Inset:
    def __init__(self, raw: dict[str, Any], n: int) -> None:
        bbox = raw.get("bbox")
        if not (
            isinstance(bbox, list) and len(bbox) == 2 and all(isinstance(b, dict) for b in bbox)
        ):
            raise ReaderError("ME901", f"jVectorMap inset {n}: 'bbox' is not two {{x, y}} corners")
        self.left = _number(raw.get("left", 0), f"inset {n} left")
        self.top = _number(raw.get("top", 0), f"inset {n} top")
        self.width = _number(raw.get("width"), f"inset {n} width")
        self.height = _number(raw.get("height"), f"inset {n} height")
        self.x0 = _number(bbox[0].get("x"), f"inset {n} bbox x")
        self.y0 = _number(bbox[0].get("y"), f"inset {n} bbox y")
        self.x1 = _number(bbox[1].get("x"), f"inset {n} bbox x")
        self.y1 = _number(bbox[1].get("y"), f"inset {n} bbox y")
        if self.width <= 0 or self.height <= 0:
            raise ReaderError("ME901", f"jVectorMap inset {n} has no area")

    def distance(self, px: float, py: float) -> float:
        """0 inside the inset's pixel rectangle, else how far outside."""
        dx = max(self.left - px, 0.0, px - (self.left + self.width))
        dy = max(self.top - py, 0.0, py - (self.top + self.height))
        return max(dx, dy)

    def to_projected(self, pts: np.ndarray) -> np.ndarray:
        out = np.empty_like(pts)
        out[:, 0] = self.x0 + (pts[:, 0] - self.left) / self.width * (self.x1 - self.x0)
        out[:, 1] = self.y0 + (pts[:, 1] - self.top) / self.height * (self.y1 - self.y0)
        return out


def inverse(kind: str, central: float, xy: np.ndarray) -> np.ndarray:
    """jVectorMap's projected (x, y) → (lon, lat); y grows southwards as in ``jvm.Proj``."""
    lon = np.degrees(xy[:, 0] / RADIUS) + central
    if kind == "mill":
        lat = (np.degrees(np.arctan(np.exp(-xy[:, 1] * 0.8 / RADIUS))) - 45.0) / 0.4
    else:  # merc
        lat = np.degrees(2.0 * np.arctan(np.exp(-xy[:, 1] / RADIUS)) - math.pi / 2)
    return np.column_stack([lon, lat])


def wrap(geom: Any) -> Any:
    """Bring parts past ±180° (Chukotka on a map centred at 11.5°E) back into range."""
    import shapely

    xmin, _, xmax, _ = geom.bounds
    if xmin >= -180.0 and xmax <= 180.0:
        return geom
    parts = [geom.intersection(shapely.box(-180.0, -90.0, 180.0, 90.0))]
    for shift, box in (
        (-360.0, (180.0, -90.0, 540.0, 90.0)),
        (360.0, (-540.0, -90.0, -180.0, 90.0)),
    ):
        piece = geom.intersection(shapely.box(*box))
        if not piece.is_empty:
            parts.append(shapely.affinity.translate(piece, xoff=shift))
    return shapely.union_all([p for p in parts if not p.is_empty])


def region_properties(code: str, raw: dict[str, Any]) -> dict[str, Any]:
    """jVectorMap keys regions by ISO 3166 code: say which kind, so attribution can read it."""
    props: dict[str, Any] = {"code": code}
    if re.fullmatch(r"[A-Z]{2}", code):
        props["iso_a2"] = code
    elif re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code):
        props["iso_3166_2"] = code
    for key, value in raw.items():
        if key != "path" and isinstance(value, (str, int, float, bool)):
            props[key] = value
    return props


def evidence_from_jvectormap(
    obj: dict[str, Any], *, layer_name: str, fmt: str = "jsmodule", notes: list[str] | None = None
) -> VectorEvidence:
    """VectorEvidence in lon/lat for a parsed jVectorMap map object."""
    import shapely

    notes = [] if notes is None else notes
    proj = obj.get("projection")
    kind = proj.get("type") if isinstance(proj, dict) else None
    if kind not in PROJECTIONS:
        raise ReaderError(
            "ME904",
            f"jVectorMap projection {str(kind)[:20]!r} is not read (only "
            + ", ".join(PROJECTIONS)
            + "); export the map as GeoJSON to check it",
        )
    assert isinstance(proj, dict)
    central = _number(proj.get("centralMeridian", 0), "centralMeridian")
    insets = [_Inset(raw, n) for n, raw in enumerate(obj["insets"])]
    features: list[VectorFeature] = []
    for index, (code, raw) in enumerate(obj["paths"].items()):
        where = f"region {index} ({code!r})"
        d = raw.get("path") if isinstance(raw, dict) else None
        if not isinstance(d, str):
            raise ReaderError("ME901", f"{where}: no SVG 'path' string")
        polygons = []
        for ring in parse_path(d, where):
            if len(ring) < 3:
                continue
            pts = np.asarray(ring, dtype=np.float64)
            cx, cy = pts.mean(axis=0)
            inset = min(insets, key=lambda i: i.distance(float(cx), float(cy)))
            lonlat = inverse(kind, central, inset.to_projected(pts))
            if not np.isfinite(lonlat).all():
                raise ReaderError("ME905", f"{where}: a point maps outside the projection")
            polygons.append(wrap(make_valid(shapely.Polygon(lonlat))))
        geom = reduce(shapely.symmetric_difference, polygons) if polygons else None
        if geom is not None:
            geom = make_valid(geom)
        props = region_properties(str(code), raw if isinstance(raw, dict) else {})
        features.append(VectorFeature(index=index, geometry=geom, properties=props, id=str(code)))
    notes.append(
        f"jVectorMap map ({kind} projection, central meridian {central:g}, "
        f"{len(insets)} inset(s)): SVG paths mapped back to longitude/latitude"
    )
    return VectorEvidence(
        format=fmt, layers=[VectorLayer(layer_name, features)], source_crs=None, notes=notes
    )
