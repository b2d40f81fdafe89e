"""CRS handling shared by the vector readers: parse, reproject to EPSG:4326 lon/lat, validate.

Every reader ends with :func:`to_lonlat`, which reprojects (when the input declares a CRS other
than WGS 84 lon/lat) and then checks the coordinates, so that no reader can hand rules a map
whose numbers are not longitudes and latitudes.
"""

from __future__ import annotations

import functools
import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from checker.readers.base import ReaderError

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from pyproj import CRS, Transformer
    from shapely.geometry.base import BaseGeometry

#: Tolerance, in degrees, for coordinates just past ±180/±90 (rounding in real data).
LONLAT_EPSILON = 1e-3
#: No coordinate system in use has values this large; such numbers are corrupt data.
ABSURD = 1e10

_URN = re.compile(r"^urn:ogc:def:crs:(?P<auth>[A-Za-z]+):(?P<version>[^:]*):(?P<code>.+)$")


def crs_from_text(text: str) -> str:
    """Normalise a CRS name as files write it to something pyproj accepts.

    ``urn:ogc:def:crs:EPSG::3857`` becomes ``EPSG:3857`` and ``urn:ogc:def:crs:OGC:1.3:CRS84``
    becomes ``OGC:CRS84``; other text (``EPSG:3857``, PROJ strings, WKT) is returned unchanged.
    """
    text = text.strip()
    m = _URN.match(text)
    if m:
        return f"{m['auth'].upper()}:{m['code']}"
    if text.upper().startswith("EPSG:"):
        return "EPSG:" + text[5:].strip()
    return text


def crs_from_geojson_member(member: Any) -> str | None:
    """The CRS named by a legacy GeoJSON (2008) ``crs`` member, or ``None`` if there is none.

    Handles ``{"type": "name", "properties": {"name": ...}}`` and
    ``{"type": "EPSG", "properties": {"code": 3857}}``; raises ME901 for other forms (linked
    CRS files cannot be followed safely).
    """
    if member is None:
        return None
    if not isinstance(member, dict):
        raise ReaderError("ME901", f"the 'crs' member must be an object, not {member!r:.60}")
    kind = str(member.get("type", "")).lower()
    props = member.get("properties")
    if not isinstance(props, dict):
        props = {}
    if kind == "name" and isinstance(props.get("name"), str):
        return crs_from_text(props["name"])
    if kind == "epsg" and isinstance(props.get("code"), (int, str)):
        return f"EPSG:{props['code']}"
    raise ReaderError(
        "ME901", f"the 'crs' member {member!r:.120} is not a named or EPSG CRS mapcheck can use"
    )


@functools.lru_cache(maxsize=64)
def parse_crs(text: str) -> CRS:
    """A pyproj CRS for ``text``; ME901 if pyproj does not know it.

    Files often write ESRI codes under the EPSG authority (``EPSG:102004``), so an unknown EPSG
    code is retried as ``ESRI:<code>`` before giving up.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        if text.upper().startswith("EPSG:"):
            try:
                return CRS.from_user_input("ESRI:" + text[5:])
            except CRSError:
                pass
        raise ReaderError(
            "ME901", f"unknown coordinate reference system {text!r:.200}: {exc}"
        ) from None


@functools.lru_cache(maxsize=64)
def describe(text: str) -> str:
    """A short name for a CRS given as WKT or PROJJSON: ``EPSG:3857`` when it has one."""
    if len(text) < 40:
        return text
    try:
        crs = parse_crs(text)
    except ReaderError:
        return text
    auth = crs.to_authority(min_confidence=90)
    return f"{auth[0]}:{auth[1]}" if auth else text


@functools.lru_cache(maxsize=64)
def _is_lonlat_wgs84(text: str) -> bool:
    crs = parse_crs(text)
    if not crs.is_geographic:
        return False
    # EPSG:4326 and OGC:CRS84 differ only in axis order, which always_xy already ignores.
    return crs.equals("EPSG:4326", ignore_axis_order=True)


@functools.lru_cache(maxsize=64)
def transformer_to_lonlat(text: str) -> Transformer:
    """A cached transformer from ``text`` to EPSG:4326 with x = longitude (always_xy)."""
    from pyproj import Transformer

    return Transformer.from_crs(parse_crs(text), "EPSG:4326", always_xy=True)


def needs_reprojection(crs: str | None) -> bool:
    return crs is not None and not _is_lonlat_wgs84(crs)


def reproject_xy(xy: NDArray[np.float64], crs: str) -> NDArray[np.float64]:
    """Reproject an (N, 2) array from ``crs`` to lon/lat; failed points become inf."""
    from pyproj.exceptions import ProjError

    tr = transformer_to_lonlat(crs)
    try:
        x, y = tr.transform(xy[:, 0], xy[:, 1], errcheck=False)
    except ProjError as exc:  # pragma: no cover - errcheck=False makes this rare
        raise ReaderError("ME905", f"reprojection from {crs} failed: {exc}") from None
    return np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])


def reproject(geoms: NDArray[np.object_], crs: str) -> NDArray[np.object_]:
    """Reproject shapely geometries (an object array, ``None`` allowed) to lon/lat."""
    import shapely

    with np.errstate(invalid="ignore", over="ignore"):
        return shapely.transform(geoms, lambda xy: reproject_xy(xy, crs))


def check_lonlat(
    geoms: NDArray[np.object_],
    *,
    declared_crs: str | None,
    labels: list[str] | None = None,
) -> None:
    """Raise ME905/ME904 unless every coordinate is a finite lon/lat.

    ``declared_crs`` is the CRS the input declared (``None`` if it declared none: then values
    outside lon/lat range mean projected data, ME904, rather than bad data). ``labels`` names
    each geometry for messages ("feature 12 (id 'UA')").
    """
    import shapely

    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if coords.size == 0:
        return

    def where(row: int) -> str:
        i = int(index[row])
        return labels[i] if labels is not None and i < len(labels) else f"geometry {i}"

    # Column-wise: numpy reduces (N, 2) arrays along axis 1 some 30x slower.
    finite = np.isfinite(coords[:, 0]) & np.isfinite(coords[:, 1])
    if not finite.all():
        row = int(np.argmin(finite))
        bad = coords[row]
        if declared_crs is not None and needs_reprojection(declared_crs):
            raise ReaderError(
                "ME905",
                f"{where(row)}: coordinate ({bad[0]}, {bad[1]}) could not be reprojected from "
                f"{declared_crs} (NaN, infinite or outside the projection's area)",
            )
        raise ReaderError(
            "ME905", f"{where(row)}: coordinate ({bad[0]}, {bad[1]}) is NaN or infinite"
        )
    absx = np.abs(coords[:, 0])
    absy = np.abs(coords[:, 1])
    biggest = np.maximum(absx, absy)
    if biggest.max() > ABSURD:
        row = int(np.argmax(biggest))
        raise ReaderError(
            "ME905",
            f"{where(row)}: coordinate value {float(biggest[row]):.6g} is far outside any real "
            "coordinate system (corrupt data?)",
        )
    xmax = float(absx.max())
    ymax = float(absy.max())
    x_ok = xmax <= 180 + LONLAT_EPSILON
    y_ok = ymax <= 90 + LONLAT_EPSILON
    if x_ok and y_ok:
        return
    if declared_crs is None:
        if y_ok and xmax <= 360 + LONLAT_EPSILON:
            # Latitudes fit and longitudes reach past 180 but not past 360: a 0..360 lon/lat map,
            # not projected metres. Shifting it would be a guess, so say what is wrong instead.
            row = int(np.argmax(absx))
            raise ReaderError(
                "ME905",
                f"{where(row)}: longitude {float(coords[row, 0]):.6g} is outside -180..180 "
                "(0..360 longitudes?); convert the file to -180..180",
            )
        axis, value = ("x", xmax) if not x_ok else ("y", ymax)
        raise ReaderError(
            "ME904",
            f"coordinates look projected ({axis} up to {value:,.0f}) but the file declares no "
            "CRS; declare the CRS or reproject to EPSG:4326",
        )
    row = int(np.argmax(absx)) if not x_ok else int(np.argmax(absy))
    raise ReaderError(
        "ME905",
        f"{where(row)}: coordinate ({coords[row, 0]:.6g}, {coords[row, 1]:.6g}) is outside "
        f"longitude/latitude range after reading it as {declared_crs}",
    )


def within_lonlat(arrays: list[NDArray[np.float64]]) -> bool:
    """True if every (N, 2) array is finite lon/lat: lets readers skip the per-geometry check."""
    for xy in arrays:
        if len(xy) == 0:
            continue
        # Column by column (axis-0 reductions of (N, 2) arrays are ~30x slower). NaN
        # propagates through min/max, so a NaN anywhere fails these comparisons.
        x, y = xy[:, 0], xy[:, 1]
        if not (x.min() >= -180 - LONLAT_EPSILON and x.max() <= 180 + LONLAT_EPSILON):
            return False
        if not (y.min() >= -90 - LONLAT_EPSILON and y.max() <= 90 + LONLAT_EPSILON):
            return False
    return True


def to_lonlat(
    geoms: list[BaseGeometry | None],
    crs: str | None,
    *,
    labels: list[str] | None = None,
    notes: list[str] | None = None,
    hint: list[NDArray[np.float64]] | None = None,
) -> list[BaseGeometry | None]:
    """Reproject ``geoms`` from ``crs`` (``None``: undeclared, assumed lon/lat) and validate.

    ``hint`` may hold arrays covering every coordinate of ``geoms`` (a TopoJSON's arcs): when
    they are all valid lon/lat, the per-geometry check is skipped. Appends a note such as
    "reprojected from EPSG:3857 to EPSG:4326" to ``notes``.
    """
    reproject_needed = crs is not None and needs_reprojection(crs)
    if not reproject_needed and hint is not None and within_lonlat(hint):
        return geoms
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    if reproject_needed:
        assert crs is not None
        check_finite_only(arr, labels, crs)
        arr = reproject(arr, crs)
        if notes is not None:
            notes.append(f"reprojected from {_resolved(crs)} to EPSG:4326")
    check_lonlat(arr, declared_crs=crs, labels=labels)
    return list(arr)


@functools.lru_cache(maxsize=64)
def _resolved(text: str) -> str:
    """``text`` as the notes name it: an authority code as is; a bare name with what pyproj
    read it as (it matches names loosely: a ``crs`` named "ukraine" is UCS-2000, EPSG:5561)."""
    if re.fullmatch(r"[A-Za-z]+:\S+", text) or len(text) > 80:
        return describe(text)
    crs = parse_crs(text)
    auth = crs.to_authority(min_confidence=90)
    code = f", {auth[0]}:{auth[1]}" if auth else ""
    return f"{text!r} (read as {crs.name}{code})"


def _check_not_lonlat(x: NDArray[np.float64], y: NDArray[np.float64], crs: str) -> None:
    """ME905 when a projected CRS is declared for coordinates that are longitudes and
    latitudes: read in metres, a map of countries would lie within 200 m of the projection's
    origin ("nothing near Ukraine"), and a map of Crimea in Russia would pass for clean."""
    if len(x) < 2 or parse_crs(crs).is_geographic:
        return
    if np.abs(x).max() > 180 or np.abs(y).max() > 90:
        return
    if x.max() - x.min() < 1 and y.max() - y.min() < 1:
        return  # a tiny drawing in metres (a site plan) is possible; a degree's span is not
    raise ReaderError(
        "ME905",
        f"the file declares {crs}, a projected CRS, but every coordinate is within "
        f"longitude/latitude range (x {x.min():.6g} to {x.max():.6g}, y {y.min():.6g} to "
        f"{y.max():.6g}): read in "
        "its units, the whole map would lie within 200 m of the projection's origin. Wrong CRS "
        "declared? Remove the crs member, or declare EPSG:4326",
    )


@functools.lru_cache(maxsize=64)
def _plausible_extent(text: str) -> tuple[float, float, float, float] | None:
    """Projected bounds of the CRS's area of use, widened 5x: values beyond are not data in it.

    Without this, PROJ wraps a longitude computed from a wild easting back into -180..180 and
    a corrupt or mislabelled file reads as plausible lon/lat.
    """
    from pyproj import Transformer

    crs = parse_crs(text)
    aou = crs.area_of_use
    if aou is None or crs.is_geographic:
        return None
    try:
        tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        x0, y0, x1, y1 = tr.transform_bounds(aou.west, aou.south, aou.east, aou.north)
    except Exception:  # pyproj cannot bound some CRSs; then there is no check, not an error
        return None
    if not all(map(math.isfinite, (x0, y0, x1, y1))) or x1 <= x0 or y1 <= y0:
        return None
    w, h = x1 - x0, y1 - y0
    return x0 - 5 * w, y0 - 5 * h, x1 + 5 * w, y1 + 5 * h


def check_finite_only(
    geoms: NDArray[np.object_], labels: list[str] | None, crs: str | None = None
) -> None:
    """ME905 for NaN/inf/absurd values *before* reprojection (PROJ would hide them as inf or
    wrap them into range), including values far outside ``crs``'s area of use, and for
    longitudes and latitudes declared as a projected ``crs`` (:func:`_check_not_lonlat`): one
    pass over the coordinates for all three."""
    import shapely

    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if coords.size == 0:
        return
    x, y = coords[:, 0], coords[:, 1]
    finite = np.isfinite(x) & np.isfinite(y)
    bad = ~finite | (np.maximum(np.abs(x), np.abs(y)) > ABSURD)
    extent = _plausible_extent(crs) if crs is not None else None
    if extent is not None and not bad.any():
        outside = (x < extent[0]) | (x > extent[2]) | (y < extent[1]) | (y > extent[3])
        if outside.any():
            row = int(np.argmax(outside))
            i = int(index[row])
            name = labels[i] if labels is not None and i < len(labels) else f"geometry {i}"
            raise ReaderError(
                "ME905",
                f"{name}: coordinate ({coords[row, 0]:.6g}, {coords[row, 1]:.6g}) is far outside "
                f"the area {crs} covers: outside longitude/latitude range once reprojected "
                "(wrong CRS declared?)",
            )
    if bad.any():
        row = int(np.argmax(bad))
        i = int(index[row])
        name = labels[i] if labels is not None and i < len(labels) else f"geometry {i}"
        raise ReaderError(
            "ME905",
            f"{name}: coordinate ({coords[row, 0]:.6g}, {coords[row, 1]:.6g}) is NaN, infinite "
            "or absurdly large",
        )
    if crs is not None:
        _check_not_lonlat(x, y, crs)
