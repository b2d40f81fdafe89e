"""Map projections and the (cached) projection of a source's pieces into each of them.

The projections are the ones the issue names, as real map makers use them:

| name | CRS | notes |
|---|---|---|
| ``EPSG:4326`` | EPSG:4326 | plain lon/lat, one degree of longitude as wide as one of latitude |
| ``EPSG:4326-cos`` | EPSG:4326 | lon/lat with the 1/cos(latitude) aspect GIS plotting tools use |
| ``EPSG:3857`` | EPSG:3857 | web Mercator |
| ``EPSG:3035`` | EPSG:3035 | LAEA Europe (Europe only) |
| ``EPSG:3034`` | EPSG:3034 | LCC Europe (Europe only) |
| ``robinson`` | ESRI:54030 | world Robinson |
| ``equal-earth`` | EPSG:8857 | Equal Earth, Greenwich |

``EPSG:4326-cos`` differs from ``EPSG:4326`` only in the image's affine (x is scaled by cos φ₀ at
the view's central latitude φ₀), so both share one projected geometry cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
import shapely.errors
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from bench.mapgen import sources


@dataclass(frozen=True)
class Projection:
    name: str
    crs: str
    #: Drawn with x scaled by cos(central latitude) (the GIS "equal aspect" for lon/lat data).
    cos_aspect: bool
    #: Lon/lat box the data is clipped to before projecting (west, south, east, north).
    domain: tuple[float, float, float, float]
    #: Whether a whole-world map can be drawn in it.
    world: bool


WORLD_DOMAIN = (-180.0, -85.0, 180.0, 85.0)
EUROPE_DOMAIN = (-30.0, 25.0, 75.0, 82.0)
#: What a "world map" shows: Antarctica and the far north left out, as most world maps do.
WORLD_BOX = (-180.0, -58.0, 180.0, 84.0)

PROJECTIONS: dict[str, Projection] = {
    p.name: p
    for p in (
        Projection("EPSG:4326", "EPSG:4326", False, WORLD_DOMAIN, True),
        Projection("EPSG:4326-cos", "EPSG:4326", True, WORLD_DOMAIN, True),
        Projection("EPSG:3857", "EPSG:3857", False, WORLD_DOMAIN, True),
        Projection("EPSG:3035", "EPSG:3035", False, EUROPE_DOMAIN, False),
        Projection("EPSG:3034", "EPSG:3034", False, EUROPE_DOMAIN, False),
        Projection("robinson", "ESRI:54030", False, WORLD_DOMAIN, True),
        Projection("equal-earth", "EPSG:8857", False, WORLD_DOMAIN, True),
    )
}

#: Longest segment (degrees) before projecting, so straight lon/lat edges bend as they should.
SEGMENT_DEG = 0.5


@cache
def _transformer(crs: str) -> Any:
    import pyproj

    return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def forward(
    proj: Projection, lon: Any, lat: Any
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project lon/lat arrays (degrees) to the projection's x/y."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if proj.crs == "EPSG:4326":
        return lon_a.copy(), lat_a.copy()
    x, y = _transformer(proj.crs).transform(lon_a, lat_a)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def inverse(proj: Projection, x: Any, y: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Projected x/y back to lon/lat (degrees)."""
    import pyproj

    x_a = np.asarray(x, dtype=np.float64)
    y_a = np.asarray(y, dtype=np.float64)
    if proj.crs == "EPSG:4326":
        return x_a.copy(), y_a.copy()
    tr = _transformer(proj.crs)
    lon, lat = tr.transform(x_a, y_a, direction=pyproj.enums.TransformDirection.INVERSE)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def _project_coords(proj: Projection) -> Any:
    def fn(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = forward(proj, coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return fn


#: Projections whose parallels or meridians bend enough that long lon/lat edges must be densified
#: (in the others, parallels stay straight and meridians bend gently).
CURVED = frozenset({"EPSG:3035", "EPSG:3034"})


def project_geometry(proj: Projection, geom: BaseGeometry, densify: bool = True) -> BaseGeometry:
    """Clip to the projection's domain, densify long edges where it matters, project."""
    clipped = shapely.clip_by_rect(geom, *proj.domain)
    if clipped.is_empty:
        return clipped
    if not densify and proj.name not in CURVED:
        return _valid(shapely.transform(clipped, _project_coords(proj)))
    try:
        dense = shapely.segmentize(clipped, SEGMENT_DEG)
    except shapely.errors.GEOSException:
        # Clipping an invalid world-atlas ring can leave a degenerate one; drawing copes with it.
        dense = clipped
    return _valid(shapely.transform(dense, _project_coords(proj)))


def _valid(geom: BaseGeometry) -> BaseGeometry:
    """``geom`` made valid, its polygons kept. A polygon valid in lon/lat can cross itself once
    projected (a sliver along the line of contact in EPSG:3034), and a world-atlas ring can
    cross itself to begin with; clipping such a polygon to the view can turn it inside out
    (Ukraine filling a close-up's sea)."""
    if geom.is_empty or geom.is_valid or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return geom
    fixed = shapely.make_valid(geom)
    polys = [
        g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(polys) if polys else shapely.Polygon()


@cache
def piece(source_name: str, proj_name: str, name: str) -> BaseGeometry:
    """A source piece (``RU+``, ``CRIMEA``, …) projected, cached per process."""
    return project_geometry(
        PROJECTIONS[proj_name], sources.load(source_name).pieces[name], _needs_densify(source_name)
    )


def _needs_densify(source_name: str) -> bool:
    # Only 1:110m data has edges long enough (tens of degrees) to show as straight chords.
    return source_name.startswith("world-atlas-110m")


@dataclass(frozen=True)
class ProjectedOthers:
    names: tuple[str, ...]
    geoms: NDArray[np.object_]
    bounds: NDArray[np.float64]


@cache
def others(source_name: str, proj_name: str) -> ProjectedOthers:
    """Every other country of a source, projected, with bounds for quick view selection."""
    src = sources.load(source_name)
    proj = PROJECTIONS[proj_name]
    names = tuple(sorted(src.others))
    dense = _needs_densify(source_name)
    geoms = np.array([project_geometry(proj, src.others[n], dense) for n in names], dtype=object)
    bounds = shapely.bounds(geoms) if len(geoms) else np.zeros((0, 4))
    return ProjectedOthers(names, geoms, np.asarray(bounds, dtype=np.float64))


def densified_box(box: tuple[float, float, float, float], steps: int = 64) -> BaseGeometry:
    """A lon/lat box as a polygon with ``steps`` points per side."""
    w, s, e, n = box
    xs = np.linspace(w, e, steps)
    ys = np.linspace(s, n, steps)
    ring = (
        [(x, s) for x in xs]
        + [(e, y) for y in ys[1:]]
        + [(x, n) for x in xs[::-1][1:]]
        + [(w, y) for y in ys[::-1][1:]]
    )
    return shapely.Polygon(ring)


@cache
def projected_box(proj_name: str, box: tuple[float, float, float, float]) -> BaseGeometry:
    """A lon/lat box projected (its outline bends in conic and pseudo-cylindrical projections)."""
    proj = PROJECTIONS[proj_name]
    return shapely.transform(densified_box(box), _project_coords(proj))


def cos_factor(proj: Projection, lat0: float) -> float:
    """Horizontal scale factor of the image's affine (cos φ₀ for the GIS aspect, else 1)."""
    return math.cos(math.radians(lat0)) if proj.cos_aspect else 1.0
