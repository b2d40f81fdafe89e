"""Highcharts map collection ``hc-transform``: from Highcharts' map units back to lon/lat.

Highcharts (pre-v10) map files store coordinates in a local, y-up "map unit" space. The
``hc-transform`` member says how they were made: the projected CRS (``crs``, a PROJ string), and
the affine steps ``scale``, ``jsonres``, ``jsonmarginX/Y``, ``xoffset/yoffset``, optional
``xpan/ypan`` and ``rotation`` (radians). Highcharts' own ``transformFromLatLon`` is

    X = ((Xp - xoffset) * scale + xpan) * jsonres + jsonmarginX
    Y = -(((yoffset - Yp) * scale + ypan) * jsonres - jsonmarginY)

with (Xp, Yp) the projected point after rotation. We invert it exactly:

    Xp = ((X - jsonmarginX) / jsonres - xpan) / scale + xoffset
    Yp = ((Y - jsonmarginY) / jsonres + ypan) / scale + yoffset

Non-default transforms carry a ``hitZone`` polygon in map units (insets such as Alaska and
Hawaii); a point inside a hitZone uses that transform, any other point the ``default`` one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from checker.readers import _crs
from checker.readers.base import ReaderError

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

KEY = "hc-transform"


@dataclass
class HcTransform:
    """One entry of an ``hc-transform`` member."""

    name: str
    crs: str
    scale: float = 1.0
    jsonres: float = 1.0
    jsonmarginX: float = 0.0  # noqa: N815 - Highcharts' own key names
    jsonmarginY: float = 0.0  # noqa: N815
    xoffset: float = 0.0
    yoffset: float = 0.0
    xpan: float = 0.0
    ypan: float = 0.0
    cos: float | None = None
    sin: float | None = None
    hitzone: Any = None  # shapely Polygon in map units

    def to_projected(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map units to the projected CRS (the inverse of Highcharts' forward formula)."""
        x = ((xy[:, 0] - self.jsonmarginX) / self.jsonres - self.xpan) / self.scale + self.xoffset
        y = ((xy[:, 1] - self.jsonmarginY) / self.jsonres + self.ypan) / self.scale + self.yoffset
        if self.cos is not None and self.sin is not None:
            x, y = x * self.cos - y * self.sin, x * self.sin + y * self.cos
        return np.column_stack([x, y])

    def from_lonlat(self, lonlat: NDArray[np.float64]) -> NDArray[np.float64]:
        """Lon/lat to map units, as Highcharts does (used by tests and ``mapcheck fix``)."""
        from pyproj import Transformer

        tr = Transformer.from_crs("EPSG:4326", _crs.parse_crs(self.crs), always_xy=True)
        px, py = tr.transform(lonlat[:, 0], lonlat[:, 1])
        px = np.asarray(px)
        py = np.asarray(py)
        if self.cos is not None and self.sin is not None:
            px, py = px * self.cos + py * self.sin, -px * self.sin + py * self.cos
        x = ((px - self.xoffset) * self.scale + self.xpan) * self.jsonres + self.jsonmarginX
        y = -(((self.yoffset - py) * self.scale + self.ypan) * self.jsonres - self.jsonmarginY)
        return np.column_stack([x, y])


def _number(entry: dict[str, Any], key: str, default: float, name: str) -> float:
    value = entry.get(key, default)
    if value is None:
        return default
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ReaderError(
            "ME901", f"hc-transform {name!r}: {key} is not a number: {value!r:.40}"
        ) from None
    if not math.isfinite(out):
        raise ReaderError("ME901", f"hc-transform {name!r}: {key} is not finite")
    return out


def parse(member: Any) -> list[HcTransform]:
    """The transforms of an ``hc-transform`` member, hitZone ones first and ``default`` last."""
    import shapely

    if not isinstance(member, dict) or not isinstance(member.get("default"), dict):
        raise ReaderError("ME901", "hc-transform has no 'default' entry")
    out: list[HcTransform] = []
    for name, entry in member.items():
        if not isinstance(entry, dict):
            continue
        crs = entry.get("crs")
        if not isinstance(crs, str) or not crs.strip():
            if name == "default":
                raise ReaderError("ME901", "hc-transform 'default' has no 'crs'")
            continue
        t = HcTransform(name=name, crs=_crs.crs_from_text(crs))
        for key in ("scale", "jsonres"):
            setattr(t, key, _number(entry, key, 1.0, name))
            if getattr(t, key) == 0:
                raise ReaderError("ME901", f"hc-transform {name!r}: {key} is 0")
        for key in ("jsonmarginX", "jsonmarginY", "xoffset", "yoffset", "xpan", "ypan"):
            setattr(t, key, _number(entry, key, 0.0, name))
        # Highcharts rotates only when `rotation` is set; cosAngle/sinAngle may override it.
        rotation = _number(entry, "rotation", 0.0, name)
        if rotation:
            t.cos = _number(entry, "cosAngle", math.cos(rotation), name) or math.cos(rotation)
            t.sin = _number(entry, "sinAngle", math.sin(rotation), name) or math.sin(rotation)
        hit = entry.get("hitZone")
        if name != "default":
            if not isinstance(hit, dict):
                continue  # unreachable in Highcharts too: only `default` applies without a zone
            try:
                ring = hit["coordinates"][0]
                t.hitzone = shapely.Polygon(np.asarray(ring, dtype=np.float64)[:, :2])
            except (KeyError, IndexError, TypeError, ValueError, shapely.errors.GEOSException):
                raise ReaderError("ME901", f"hc-transform {name!r}: unreadable hitZone") from None
        out.append(t)
    out.sort(key=lambda t: t.name == "default")
    return out


def to_lonlat_xy(xy: NDArray[np.float64], transforms: list[HcTransform]) -> NDArray[np.float64]:
    """Map-unit coordinates to lon/lat, choosing each point's transform by hitZone."""
    import shapely

    out = np.empty_like(xy)
    todo = np.ones(len(xy), dtype=bool)
    for t in transforms:
        if t.hitzone is not None:
            mask = todo & shapely.intersects_xy(t.hitzone, xy[:, 0], xy[:, 1])
        else:
            mask = todo
        if mask.any():
            out[mask] = _crs.reproject_xy(t.to_projected(xy[mask]), t.crs)
        todo &= ~mask
    return out


def apply(
    geoms: list[BaseGeometry | None],
    member: Any,
    notes: list[str],
    labels: list[str] | None = None,
) -> tuple[list[BaseGeometry | None], str]:
    """Convert geometries from Highcharts map units to lon/lat; returns them and the CRS used.

    ``labels`` name the geometries in error messages.
    """
    import shapely

    transforms = parse(member)
    default = transforms[-1]
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    _crs.check_finite_only(arr, labels)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        arr = shapely.transform(arr, lambda xy: to_lonlat_xy(xy, transforms))
    insets = [t.name for t in transforms if t.hitzone is not None]
    note = f"Highcharts hc-transform {default.crs} applied"
    if insets:
        note += f" (insets: {', '.join(insets)})"
    notes.append(note)
    return list(arr), default.crs


def looks_like_map_units(geoms: list[BaseGeometry | None]) -> bool:
    """True if coordinates leave lon/lat range, i.e. hc-transform is needed to read them.

    Newer Highcharts TopoJSON maps are in lon/lat and may still carry the member; applying it
    to lon/lat data would scramble the map, so it is applied only when needed.
    """
    import shapely

    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    coords = shapely.get_coordinates(arr)
    if coords.size == 0:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.nanmax(np.abs(coords[:, 0])) > 180 or np.nanmax(np.abs(coords[:, 1])) > 90)
