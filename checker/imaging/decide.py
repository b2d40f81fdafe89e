"""Decide, from a registered map picture, how it draws Crimea and the occupied mainland.

Given any registration (a function from lon/lat to pixels), the reference regions are projected
into the picture and sampled:

* **colour**: the dominant colour (a robust mode in CIE Lab over an eroded interior mask, so
  labels, borders and hillshade speckle do not count) of Crimea with Sevastopol, of the occupied
  mainland (a conservative core of the areas Russia has held since 2014/2022), of Russia near the
  border (Krasnodar, Rostov, Belgorod, Kursk, Bryansk), of unoccupied Ukraine and of the sea. The
  colours are compared with CIEDE2000: Crimea like Russia and unlike Ukraine is drawn as Russian;
  like Ukraine and unlike Russia, as Ukrainian; a third colour, grey or a hatch that is neither
  is the "disputed" treatment; a hatch over Ukraine's fill (or a third colour shared with the
  occupied mainland) is how *control* maps draw occupation.
* **lines**, for maps that fill Russia and Ukraine alike (outline-only and single-colour maps):
  a border drawn across the Perekop isthmus and the Chonhar/Arabat crossings, and a border drawn
  down the Kerch Strait, judged by short transects across the reference boundary.

:func:`decide` returns an :class:`ImageDecision` holding one :class:`Assessment` per area
(``depicts-as-russia`` / ``depicts-as-ukraine`` / ``disputed`` / ``undetermined`` / ``not-shown``),
each with a confidence and its reasons, and every measurement the rules quote as evidence.
Label text (OCR) and SVG element evidence are added by :mod:`checker.imaging` afterwards.
An ``undetermined`` assessment always says why; there is no default verdict.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from checker.imaging.locate import Location
    from checker.imaging.separation import Separation

FloatArray = npt.NDArray[np.float64]
UInt8Array = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]

RUSSIA = "depicts-as-russia"
UKRAINE = "depicts-as-ukraine"
DISPUTED = "disputed"
UNDETERMINED = "undetermined"
NOT_SHOWN = "not-shown"

# --- thresholds (CIEDE2000 units unless said otherwise) ------------------------------------------

#: Two region colours this close are "the same fill" (JPEG at quality 40 and hillshade medians
#: move a flat fill by up to ~4).
SAME_DE = 6.0
#: Two region colours at least this far apart are "different fills".
DIFF_DE = 10.0
#: Russia and Ukraine at least this far apart (but under ``DIFF_DE``) are "similar fills": Crimea
#: must then match one of them almost exactly (within a quarter of their difference, and three
#: quarters of it from the other; see ``_relative_match``). Medians of large flat areas are far
#: steadier than single pixels: neighbouring choropleth classes 2 apart still tell Crimea's
#: class, and JPEG's shifts of a few units make the match fail (undetermined), not flip.
SIMILAR_DE = 1.5
#: Pixels within this (ΔE76, lightness weighted 0.7) of a cluster's centre belong to it.
CLUSTER_DE = 10.0
#: Crimea must be at least this many pixels across for any verdict (DESIGN §6: none below ~20).
MIN_CRIMEA_PX = 20.0
#: Below this many pixels across, colour verdicts carry reduced confidence.
FULL_CONFIDENCE_PX = 40.0
#: A sample needs at least this many interior pixels after erosion.
MIN_SAMPLE_PIXELS = 25
#: At most this many pixels are converted to Lab per sample (a fixed-seed subsample).
MAX_SAMPLE_PIXELS = 20_000
#: Share of Crimea's projected area that must lie inside the picture for it to count as shown.
MIN_VISIBLE_SHARE = 0.5
#: Chroma (C*ab) below which a fill is grey (the usual "disputed" grey).
GREY_CHROMA = 8.0
#: Border lines are read only when Crimea is at least this many pixels across (the Perekop
#: isthmus is then ~1 px wide; below it any line near 46°N, a graticule say, would do).
LINES_MIN_PX = 40.0
#: A line probe with at least this share of transects crossing a line has a line drawn; at most
#: ``LINE_ABSENT`` has none; in between is unreadable.
LINE_PRESENT = 0.6
LINE_ABSENT = 0.2
#: A short line read with closer transects (the Perekop isthmus alone, where the sea has the
#: land's colour) has a line drawn only when nearly every transect crosses one: a border drawn
#: across it crosses them all, a coast converging on it at a small scale only some.
SHORT_LINE_PRESENT = 0.9
#: Minimum number of usable transects for a line probe to say anything.
MIN_TRANSECTS = 4
#: A faint line (ΔE76 from the fill) counts where the fill beside it is this even (ΔE76).
FAINT_LINE_DE = 10.0
FAINT_EVEN_DE = 4.0
#: A dashed line's gaps: their strongest trace at most this share of the dashes' (median).
DASH_GAP_SHARE = 0.4

#: A conservative core of the mainland areas Russia has occupied continuously since 2014/2022
#: (left-bank Kherson, southern Zaporizhzhia, south-eastern Donetsk, most of Luhansk), drawn well
#: inside the front line so that it stays occupied whichever year a map shows. Intersected with
#: the four oblasts it is what "the occupied mainland" is sampled from.
OCCUPIED_CORE: tuple[tuple[float, float], ...] = (
    (32.55, 46.50),
    (33.40, 46.72),
    (34.20, 46.95),
    (35.10, 47.05),
    (35.90, 47.15),
    (36.60, 47.40),
    (37.55, 47.85),
    (37.90, 48.20),
    (38.35, 48.55),
    (38.60, 48.95),
    (38.75, 49.35),
    (39.10, 49.75),
    (40.30, 49.75),
    (40.30, 46.80),
    (37.00, 46.80),
    (35.20, 46.20),
    (34.00, 45.95),
    (32.40, 46.05),
)


class RegistrationLike(Protocol):
    """What the decision needs from a registration (see :mod:`checker.imaging.register`)."""

    @property
    def projection(self) -> str: ...

    @property
    def to_pixel(self) -> Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]: ...

    @property
    def score(self) -> float: ...

    @property
    def margin(self) -> float: ...

    @property
    def method(self) -> str: ...


# --- colour science ------------------------------------------------------------------------------


_V = np.arange(256, dtype=np.float64) / 255.0
#: sRGB 8-bit value → linear light.
_LINEAR = np.where(_V <= 0.04045, _V / 12.92, ((_V + 0.055) / 1.055) ** 2.4)


def srgb_to_lab(rgb: npt.ArrayLike) -> FloatArray:
    """CIE L*a*b* (D65) of sRGB colours given as 0–255 values in the last axis."""
    arr = np.asarray(rgb)
    if arr.dtype == np.uint8:
        lin = _LINEAR[arr]  # a lookup instead of a power per channel: 10× faster
    else:
        f = arr.astype(np.float64) / 255.0
        lin = np.where(f <= 0.04045, f / 12.92, ((f + 0.055) / 1.055) ** 2.4)
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = lin @ m.T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    eps = 216 / 24389
    kappa = 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


def delta_e76(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> FloatArray:
    """Euclidean ΔE*ab (CIE76): fast, used for clustering pixels."""
    d = np.asarray(lab1, dtype=np.float64) - np.asarray(lab2, dtype=np.float64)
    return np.asarray(np.sqrt(np.sum(d * d, axis=-1)))


def delta_e2000(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> FloatArray:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), broadcasting over leading axes."""
    a1 = np.asarray(lab1, dtype=np.float64)
    a2 = np.asarray(lab2, dtype=np.float64)
    l1, aa1, b1 = a1[..., 0], a1[..., 1], a1[..., 2]
    l2, aa2, b2 = a2[..., 0], a2[..., 1], a2[..., 2]
    c1 = np.hypot(aa1, b1)
    c2 = np.hypot(aa2, b2)
    cbar = (c1 + c2) / 2
    g = 0.5 * (1 - np.sqrt(cbar**7 / (cbar**7 + 25.0**7)))
    ap1 = (1 + g) * aa1
    ap2 = (1 + g) * aa2
    cp1 = np.hypot(ap1, b1)
    cp2 = np.hypot(ap2, b2)
    hp1 = np.degrees(np.arctan2(b1, ap1)) % 360
    hp2 = np.degrees(np.arctan2(b2, ap2)) % 360
    dl = l2 - l1
    dc = cp2 - cp1
    dh = hp2 - hp1
    dh = np.where(dh > 180, dh - 360, dh)
    dh = np.where(dh < -180, dh + 360, dh)
    dh = np.where(cp1 * cp2 == 0, 0.0, dh)
    dhh = 2 * np.sqrt(cp1 * cp2) * np.sin(np.radians(dh / 2))
    lbar = (l1 + l2) / 2
    cpbar = (cp1 + cp2) / 2
    hsum = hp1 + hp2
    hbar = np.where(
        np.abs(hp1 - hp2) > 180,
        np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2),
        hsum / 2,
    )
    hbar = np.where(cp1 * cp2 == 0, hsum, hbar)
    t = (
        1
        - 0.17 * np.cos(np.radians(hbar - 30))
        + 0.24 * np.cos(np.radians(2 * hbar))
        + 0.32 * np.cos(np.radians(3 * hbar + 6))
        - 0.20 * np.cos(np.radians(4 * hbar - 63))
    )
    dtheta = 30 * np.exp(-(((hbar - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cpbar**7 / (cpbar**7 + 25.0**7))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    sc = 1 + 0.045 * cpbar
    sh = 1 + 0.015 * cpbar * t
    rt = -np.sin(np.radians(2 * dtheta)) * rc
    return np.asarray(
        np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh))
    )


def de(lab1: Sequence[float], lab2: Sequence[float]) -> float:
    """CIEDE2000 between two single colours."""
    return float(delta_e2000(np.asarray(lab1), np.asarray(lab2)))


def hex_colour(rgb: Sequence[float]) -> str:
    r, g, b = (round(min(255.0, max(0.0, float(v)))) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


# --- reference geometry in lon/lat ---------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceGeometry:
    """What the decision projects, in lon/lat, built once per process from the shipped data."""

    #: Sampling areas: crimea, mainland, ukraine, ukraine-near, russia, sea and others (the
    #: countries around; sampled only when Russia is not in the picture), cores a few km inside
    #: the borders.
    samples: dict[str, BaseGeometry]
    #: Outlines for the evidence picture: crimea, sevastopol, the four oblasts, ukraine, russia.
    outlines: dict[str, BaseGeometry]
    #: Boundary lines probed for a drawn border: ``perekop`` (every land link between Crimea and
    #: the mainland), ``state`` (Russia–Ukraine north of Luhansk), ``east`` (Donetsk and Luhansk
    #: oblasts' border with Russia), ``oblast`` (borders between unoccupied southern oblasts),
    #: ``claimed`` (the four oblasts' border with the rest of Ukraine), ``perekop-isthmus``
    #: (the part of ``perekop`` across the Perekop isthmus itself, west of the Syvash), as
    #: (N, 2) arrays of points about 1 km apart, one array per connected piece.
    lines: dict[str, list[FloatArray]]
    #: Points down the middle of the Kerch Strait with their distance to the nearer shore (deg).
    kerch: FloatArray
    #: Representative points (lon, lat) per sampling area.
    points: dict[str, tuple[float, float]]


#: Countries sampled together as "the countries around" (ISO 3166-1 alpha-2).
OTHER_COUNTRIES = frozenset({"RO", "MD", "BG", "TR", "BY", "GE", "PL", "SK", "HU"})
#: The countries around share one fill (a map that singles one country out) when their
#: dominant colour covers at least this share of them.
OTHERS_SHARED = 0.75

_REF_LOCK = threading.Lock()
_REF: ReferenceGeometry | None = None


def reference_geometry() -> ReferenceGeometry:
    """The process-wide :class:`ReferenceGeometry` (about 0.3 s to build, then cached)."""
    global _REF  # noqa: PLW0603 - load once per process
    if _REF is None:
        with _REF_LOCK:
            if _REF is None:
                _REF = _build_reference()
    return _REF


def _load(name: str) -> list[tuple[BaseGeometry, dict[str, Any]]]:
    from shapely.geometry import shape

    from reference_boundaries import path

    data = json.loads(path(name).read_text(encoding="utf-8"))
    return [(shape(f["geometry"]), f.get("properties") or {}) for f in data["features"]]


def _densify_lines(geom: BaseGeometry, step: float = 0.01) -> list[FloatArray]:
    import shapely

    merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
    parts = list(getattr(merged, "geoms", [merged]))
    out: list[FloatArray] = []
    for part in parts:
        if part.geom_type != "LineString" or part.length < step:
            continue
        dense = shapely.segmentize(part, step)
        out.append(np.asarray(dense.coords, dtype=np.float64)[:, :2])
    return out


def _build_reference() -> ReferenceGeometry:
    import shapely
    from shapely.geometry import Polygon, box

    window = box(18.0, 38.0, 50.0, 60.0)
    ukraine = shapely.make_valid(_load("ukraine.geojson")[0][0])
    russia = shapely.make_valid(shapely.clip_by_rect(_load("russia.geojson")[0][0], 18, 38, 50, 60))
    oblasts = {p["iso_3166_2"]: shapely.make_valid(g) for g, p in _load("ukraine_oblasts.geojson")}
    simplify = 0.005
    # The sea only needs a coarse land mask: simplify before the (slow) union and buffer.
    land = shapely.union_all(
        [g.simplify(0.01) for g, _ in _load("neighbours.geojson")] + [ukraine.simplify(0.01)]
    )
    crimea = shapely.union(oblasts["UA-43"], oblasts["UA-40"])
    fine = {k: v.simplify(0.002) for k, v in oblasts.items()}
    four = shapely.union_all([fine[c] for c in ("UA-14", "UA-09", "UA-23", "UA-65")])
    shrink = 0.03  # about 3 km: generalisation and coastline differences
    mainland = shapely.intersection(four.buffer(-shrink), Polygon(OCCUPIED_CORE))
    six = shapely.union(four, crimea.simplify(0.002))
    coarse_ukraine = ukraine.simplify(0.002)
    ukraine_free = shapely.difference(coarse_ukraine, six.buffer(0.25)).buffer(-shrink)
    near_border = coarse_ukraine.simplify(0.05).buffer(2.5)
    russia_box = shapely.clip_by_rect(russia, 30.0, 43.0, 44.5, 54.0).simplify(0.002)
    russia_near = shapely.intersection(russia_box.buffer(-shrink), near_border)
    sea_box = box(27.6, 40.9, 41.9, 47.4)
    sea = shapely.difference(sea_box, land.buffer(0.06))
    # Keep the Black Sea and the Sea of Azov (drop lagoons and lakes inside the box).
    sea_parts = [p for p in getattr(sea, "geoms", [sea]) if p.area > 0.5]
    sea = shapely.union_all(sea_parts)
    # Unoccupied parts of Kherson and Zaporizhzhia oblasts (the Dnipro's right bank, the north):
    # Ukraine's colour on close-ups of Crimea that show no other part of Ukraine. Used only when
    # "ukraine" is not in the picture (Russian-style maps fill these oblasts whole).
    near = shapely.union(fine["UA-65"], fine["UA-23"])
    ukraine_near = shapely.difference(near, Polygon(OCCUPIED_CORE).buffer(0.3)).buffer(-shrink)
    # The other countries around the Black Sea and Ukraine: on a map that singles one country
    # out, they share the "everyone else" fill.
    others = shapely.union_all(
        [
            g.simplify(0.01)
            for g, p in _load("neighbours.geojson")
            if p.get("iso_a2") in OTHER_COUNTRIES
        ]
    )
    others = shapely.clip_by_rect(others, 20.0, 39.0, 46.0, 56.0).buffer(-2 * shrink)
    samples = {
        "crimea": crimea.simplify(0.002).buffer(-shrink),
        "others": others,
        "mainland": mainland,
        "ukraine": ukraine_free,
        "ukraine-near": ukraine_near,
        "russia": russia_near,
        "sea": sea,
    }
    samples = {k: shapely.make_valid(v.simplify(simplify)) for k, v in samples.items()}
    outlines: dict[str, BaseGeometry] = {
        "crimea": oblasts["UA-43"],
        "sevastopol": oblasts["UA-40"],
        **{c: oblasts[c] for c in ("UA-14", "UA-09", "UA-23", "UA-65")},
        "ukraine": ukraine,
        "russia": shapely.intersection(russia, window),
    }
    outlines = {k: v.simplify(simplify / 2) for k, v in outlines.items()}

    def shared(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
        return shapely.intersection(a.boundary, b.boundary)

    state = shared(ukraine, russia)
    lines = {
        "perekop": _densify_lines(
            shapely.intersection(shared(oblasts["UA-65"], oblasts["UA-43"]), ukraine.buffer(-0.01))
        ),
        # West of 34.0° E the line crosses the isthmus between the Karkinit Gulf and the
        # Syvash; further east it follows the Syvash shore, a coastline on any map.
        "perekop-isthmus": _densify_lines(
            shapely.clip_by_rect(
                shapely.intersection(
                    shared(oblasts["UA-65"], oblasts["UA-43"]), ukraine.buffer(-0.01)
                ),
                33.675,
                45.8,
                34.0,
                46.5,
            )
        ),
        "state": _densify_lines(shapely.clip_by_rect(state, 30.0, 50.15, 41.0, 53.0)),
        "east": _densify_lines(shapely.clip_by_rect(state, 36.0, 46.9, 41.0, 50.05)),
        "oblast": _densify_lines(
            shapely.union_all(
                [
                    shared(oblasts["UA-48"], oblasts["UA-51"]),
                    shared(oblasts["UA-48"], oblasts["UA-35"]),
                    shared(oblasts["UA-12"], oblasts["UA-35"]),
                ]
            )
        ),
        # The four oblasts' border with the rest of Ukraine: where Russia's claimed border runs.
        "claimed": _densify_lines(
            shapely.union_all(
                [
                    shared(oblasts[a], oblasts[b])
                    for a, b in (
                        ("UA-65", "UA-48"),
                        ("UA-65", "UA-12"),
                        ("UA-23", "UA-12"),
                        ("UA-14", "UA-12"),
                        ("UA-14", "UA-63"),
                        ("UA-09", "UA-63"),
                    )
                ]
            )
        ),
    }
    kerch = _kerch_probe(oblasts["UA-43"], russia)
    points: dict[str, tuple[float, float]] = {}
    for key, geom in samples.items():
        p = geom.representative_point() if not geom.is_empty else None
        if p is not None:
            points[key] = (float(p.x), float(p.y))
    return ReferenceGeometry(samples, outlines, lines, kerch, points)


def _kerch_probe(crimea: BaseGeometry, russia: BaseGeometry) -> FloatArray:
    """Points in the Kerch Strait about equally far from Crimea and from Russia's Taman shore."""
    import shapely

    lon, lat = np.meshgrid(np.arange(36.40, 36.95, 0.005), np.arange(45.02, 45.50, 0.005))
    pts = shapely.points(lon.ravel(), lat.ravel())
    west = shapely.clip_by_rect(crimea, 36.0, 44.8, 37.2, 45.7)
    east = shapely.clip_by_rect(russia, 36.0, 44.8, 37.2, 45.7)
    d_w = shapely.distance(pts, west)
    d_e = shapely.distance(pts, east)
    # Only where the strait is at least ~8 km wide: in its narrows (Chushka spit) coastlines from
    # other sources than the reference lie where the reference has water.
    keep = (np.abs(d_w - d_e) < 0.006) & (d_w > 0.04) & (d_e > 0.04)
    out = np.column_stack([lon.ravel()[keep], lat.ravel()[keep], np.minimum(d_w, d_e)[keep]])
    return np.asarray(out[np.argsort(out[:, 1])], dtype=np.float64)


# --- masks ---------------------------------------------------------------------------------------


def project_rings(
    geom: BaseGeometry, reg: RegistrationLike
) -> list[tuple[FloatArray, list[FloatArray]]]:
    """Each polygon of ``geom`` as (exterior, holes) pixel coordinate arrays (N, 2)."""
    out: list[tuple[FloatArray, list[FloatArray]]] = []
    polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    for poly in polys:
        ext = _project_coords(np.asarray(poly.exterior.coords), reg)
        if ext is None:
            continue
        holes = [h for h in (_project_coords(np.asarray(r.coords), reg) for r in poly.interiors)]
        out.append((ext, [h for h in holes if h is not None]))
    return out


def project_lines(lines: Sequence[FloatArray], reg: RegistrationLike) -> list[FloatArray]:
    out = []
    for line in lines:
        xy = _project_coords(line[:, :2], reg)
        if xy is not None:
            out.append(xy)
    return out


def _project_coords(lonlat: FloatArray, reg: RegistrationLike) -> FloatArray | None:
    if len(lonlat) < 2:
        return None
    try:
        x, y = reg.to_pixel(lonlat[:, 0].astype(np.float64), lonlat[:, 1].astype(np.float64))
    except (ValueError, ArithmeticError, RuntimeError):  # pyproj errors are RuntimeErrors
        return None
    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    ok = np.all(np.isfinite(xy), axis=1)
    if ok.sum() < 2:
        return None
    # Clamp far-off vertices: Pillow fills polygons of any extent, but keep numbers sane.
    return np.asarray(np.clip(xy[ok], -1e6, 1e6), dtype=np.float64)


def rasterize(geom: BaseGeometry, reg: RegistrationLike, size: tuple[int, int]) -> BoolArray:
    """Pixels (height × width) inside ``geom`` under the registration."""
    from PIL import Image, ImageDraw

    width, height = size
    img = Image.new("1", (width, height), 0)
    draw = ImageDraw.Draw(img)
    for ext, holes in project_rings(geom, reg):
        # Continuous pixel coordinates (pixel centres at +0.5) → Pillow's (centres at integers).
        if len(ext) >= 3:
            draw.polygon([(float(x) - 0.5, float(y) - 0.5) for x, y in ext], fill=1)
        for hole in holes:
            if len(hole) >= 3:
                draw.polygon([(float(x) - 0.5, float(y) - 0.5) for x, y in hole], fill=0)
    return np.asarray(img, dtype=bool)


def projected_area(geom: BaseGeometry, reg: RegistrationLike) -> float:
    """Area in pixels of ``geom`` projected (inside or outside the picture)."""
    total = 0.0
    for ext, holes in project_rings(geom, reg):
        total += _shoelace(ext) - sum(_shoelace(h) for h in holes)
    return max(0.0, total)


def _shoelace(xy: FloatArray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def erode(mask: BoolArray, radius: int) -> BoolArray:
    """Binary erosion with a (2r+1)² square, via a summed-area table over the mask's box."""
    box = mask_box(mask)
    if radius <= 0 or box is None:
        return mask
    x0, y0, x1, y1 = box
    out = np.zeros_like(mask)
    out[y0:y1, x0:x1] = _window_count(mask[y0:y1, x0:x1], radius) == (2 * radius + 1) ** 2
    return out


def dilate(mask: BoolArray, radius: int) -> BoolArray:
    """Binary dilation with a (2r+1)² square."""
    box = mask_box(mask)
    if radius <= 0 or box is None:
        return mask
    h, w = mask.shape
    x0, y0 = max(0, box[0] - radius), max(0, box[1] - radius)
    x1, y1 = min(w, box[2] + radius), min(h, box[3] + radius)
    out = np.zeros_like(mask)
    out[y0:y1, x0:x1] = _window_count(mask[y0:y1, x0:x1], radius) > 0
    return out


def _window_count(mask: BoolArray, r: int) -> npt.NDArray[np.int32]:
    padded = np.pad(mask.astype(np.int32), r + 1)
    sat = padded.cumsum(0).cumsum(1)
    k = 2 * r + 1
    h, w = mask.shape
    return np.asarray(
        sat[k : k + h, k : k + w] - sat[0:h, k : k + w] - sat[k : k + h, 0:w] + sat[0:h, 0:w]
    )


def mask_box(mask: BoolArray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of the set pixels, x1/y1 exclusive; ``None`` when empty."""
    ys = np.flatnonzero(mask.any(axis=1))
    xs = np.flatnonzero(mask.any(axis=0))
    if len(xs) == 0:
        return None
    return int(xs[0]), int(ys[0]), int(xs[-1]) + 1, int(ys[-1]) + 1


# --- colour samples ------------------------------------------------------------------------------


@dataclass
class Cluster:
    """One colour cluster of a sample: its median colour and share of the sample's pixels."""

    lab: tuple[float, float, float]
    rgb: tuple[float, float, float]
    share: float

    @property
    def hex(self) -> str:
        return hex_colour(self.rgb)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hex": self.hex,
            "lab": [round(v, 1) for v in self.lab],
            "share": round(self.share, 3),
        }


@dataclass
class ColourSample:
    """The colours found inside one projected reference area."""

    key: str
    pixels: int
    clusters: list[Cluster]
    #: The two leading clusters alternate in a fine pattern (hatching, stripes, dots).
    pattern: bool = False
    box: tuple[int, int, int, int] | None = None
    mask: BoolArray | None = field(default=None, repr=False)
    #: (dx, dy) pixels by which the mask was moved to fit the picture (see ``_align_crimea``).
    shift: tuple[int, int] = (0, 0)

    @property
    def dominant(self) -> Cluster:
        return self.clusters[0]

    @property
    def lab(self) -> tuple[float, float, float]:
        return self.dominant.lab

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "hex": self.dominant.hex,
            "lab": [round(v, 1) for v in self.dominant.lab],
            "pixels": self.pixels,
            "dominant_share": round(self.dominant.share, 3),
        }
        if len(self.clusters) > 1:
            out["second"] = self.clusters[1].to_dict()
        if self.pattern:
            out["pattern"] = True
        if self.shift != (0, 0):
            out["aligned_by_px"] = list(self.shift)
        if self.box is not None:
            out["pixel_box"] = list(self.box)
        return out


def sample_colours(
    rgb: UInt8Array,
    mask: BoolArray,
    key: str,
    sea_lab: Sequence[float] | None = None,
) -> ColourSample | None:
    """Dominant colours of the masked pixels: modes of a coarse Lab histogram, refined to medians.

    ``None`` when fewer than :data:`MIN_SAMPLE_PIXELS` pixels are available.
    """
    ys, xs = np.nonzero(mask)
    n = len(ys)
    if n < MIN_SAMPLE_PIXELS:
        return None
    if n > MAX_SAMPLE_PIXELS:
        pick = np.random.default_rng(12345).choice(n, MAX_SAMPLE_PIXELS, replace=False)
        pick.sort()
        ys, xs = ys[pick], xs[pick]
    pix = rgb[ys, xs].astype(np.float64)
    lab = srgb_to_lab(pix)
    clusters: list[Cluster] = []
    remaining = np.ones(len(lab), dtype=bool)
    for _ in range(3):
        if remaining.sum() < max(5, 0.03 * len(lab)):
            break
        sub = lab[remaining]
        # Coarse histogram; lightness counts less (hillshade and JPEG move L most).
        q = np.floor(sub / np.array([8.0, 6.0, 6.0])).astype(np.int64) + 64
        keys = (q[:, 0] * 256 + q[:, 1]) * 256 + q[:, 2]
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        mode = int(np.argmax(counts))
        centre = np.median(sub[inverse == mode], axis=0)
        dist = _weighted_de(lab, centre)
        member = remaining & (dist < CLUSTER_DE)
        if not member.any():
            break
        med_lab = np.median(lab[member], axis=0)
        med_rgb = np.median(pix[member], axis=0)
        clusters.append(
            Cluster(
                lab=(float(med_lab[0]), float(med_lab[1]), float(med_lab[2])),
                rgb=(float(med_rgb[0]), float(med_rgb[1]), float(med_rgb[2])),
                share=float(member.sum() / len(lab)),
            )
        )
        remaining &= ~member
    if not clusters:
        return None
    pattern = False
    minor: BoolArray | None = None  # the second cluster's pixels, found once when needed
    if len(clusters) >= 2 and clusters[1].share >= 0.15 and clusters[0].share < 0.8:
        pattern = _interleaved(rgb, mask, clusters[0], clusters[1])
    elif len(clusters) >= 2 and clusters[1].share >= THIN_PATTERN_SHARE:
        # Thin hatch lines are a small share of the area, as labels and city dots can be; a
        # hatch, unlike those, covers the whole area.
        minor = _minor_mask(rgb, mask, clusters[0], clusters[1])
        pattern = everywhere(mask, minor) and _interleaved(rgb, mask, clusters[0], clusters[1])
    if pattern and sea_lab is not None and min(de(c.lab, sea_lab) for c in clusters[:2]) < SAME_DE:
        # One of the two colours is the sea's: a ragged coast letting the sea in, unless the
        # two alternate deep inside the area too (a hatch over a fill as light as the sea).
        if minor is None:
            minor = _minor_mask(rgb, mask, clusters[0], clusters[1])
        pattern = everywhere(mask, minor) and _interleaved_inside(
            rgb, mask, minor, clusters[0], clusters[1]
        )
    return ColourSample(
        key=key, pixels=n, clusters=clusters, pattern=pattern, box=mask_box(mask), mask=mask
    )


#: A pattern whose minor colour is this share of the area or more (up to 0.15) counts when it
#: is found all over the area (:func:`everywhere`).
THIN_PATTERN_SHARE = 0.08
#: :func:`everywhere`: the area's box is cut into CELLS × CELLS cells; the minor colour must make
#: EVERYWHERE_MIN_SHARE of the pixels of EVERYWHERE_CELLS of the cells that hold the area.
CELLS = 4
EVERYWHERE_MIN_SHARE = 0.03
EVERYWHERE_CELLS = 0.75


def _minor_mask(rgb: UInt8Array, mask: BoolArray, first: Cluster, second: Cluster) -> BoolArray:
    """The pixels of ``mask`` in the ``second`` cluster: nearer it than ``first``, and within
    :data:`CLUSTER_DE` of it (converted to Lab once, for every test of the area)."""
    out = np.zeros_like(mask)
    box = mask_box(mask)
    if box is None:
        return out
    x0, y0, x1, y1 = box
    inside = mask[y0:y1, x0:x1]
    lab = srgb_to_lab(rgb[y0:y1, x0:x1][inside].astype(np.float64))
    d0 = _weighted_de(lab, np.asarray(first.lab))
    d1 = _weighted_de(lab, np.asarray(second.lab))
    sub = np.zeros_like(inside)
    sub[inside] = (d1 < d0) & (d1 < CLUSTER_DE)
    out[y0:y1, x0:x1] = sub
    return out


def everywhere(mask: BoolArray, minor: BoolArray) -> bool:
    """Whether the minor colour (``minor``, :func:`_minor_mask`) is found all over the area (a
    hatch), not in a few places (labels, city dots, a legend's corner)."""
    box = mask_box(mask)
    if box is None:
        return False
    x0, y0, x1, y1 = box
    xs = np.linspace(x0, x1, CELLS + 1).astype(int)
    ys = np.linspace(y0, y1, CELLS + 1).astype(int)
    held = covered = 0
    for i in range(CELLS):
        for j in range(CELLS):
            cell = mask[ys[i] : ys[i + 1], xs[j] : xs[j + 1]]
            n = int(cell.sum())
            if n < 20:
                continue
            held += 1
            found = int(minor[ys[i] : ys[i + 1], xs[j] : xs[j + 1]][cell].sum())
            if found / n >= EVERYWHERE_MIN_SHARE:
                covered += 1
    return held >= 4 and covered >= EVERYWHERE_CELLS * held


#: The interior a hatch must reach: pixels this share of the area's box size (at least 2 px)
#: away from its edge.
INSIDE_SHARE = 0.08


def _interleaved_inside(
    rgb: UInt8Array, mask: BoolArray, minor: BoolArray, first: Cluster, second: Cluster
) -> bool:
    """Whether the two clusters alternate finely all over the area's interior as well (a coast
    that lets the sea in does so at the edge; lagoons and bays in one part of it)."""
    box = mask_box(mask)
    if box is None:
        return False
    from scipy import ndimage

    x0, y0, x1, y1 = box
    sub = np.pad(mask[y0:y1, x0:x1], 1)
    depth = max(2.0, INSIDE_SHARE * min(x1 - x0, y1 - y0))
    inner = np.zeros_like(mask)
    inner[y0:y1, x0:x1] = ndimage.distance_transform_edt(sub)[1:-1, 1:-1] > depth
    if int(inner.sum()) < MIN_SAMPLE_PIXELS:
        return False
    return (
        float(minor[inner].mean()) >= 0.5 * THIN_PATTERN_SHARE
        and everywhere(inner, minor)
        and _interleaved(rgb, inner, first, second)
    )


def _weighted_de(lab: FloatArray, centre: FloatArray) -> FloatArray:
    d = lab - centre
    d[..., 0] *= 0.7
    return np.asarray(np.sqrt(np.sum(d * d, axis=-1)))


def _interleaved(rgb: UInt8Array, mask: BoolArray, first: Cluster, second: Cluster) -> bool:
    """Whether two colour clusters alternate finely (a hatch) rather than split the area in two.

    Counts label changes between horizontal and vertical neighbours per pixel of the minor
    cluster: stripes a few pixels wide change every few pixels; two large blobs almost never.
    A pixel that mixes the two colours (the anti-aliased edge of a stripe) goes with the nearer:
    left out, it would sit between every pair of neighbours that change.
    """
    box = mask_box(mask)
    if box is None:
        return False
    x0, y0, x1, y1 = box
    sub_mask = mask[y0:y1, x0:x1]
    lab = srgb_to_lab(rgb[y0:y1, x0:x1])
    d0 = _weighted_de(lab, np.asarray(first.lab))
    d1 = _weighted_de(lab, np.asarray(second.lab))
    apart = float(_weighted_de(np.asarray([first.lab]), np.asarray(second.lab))[0])
    grid = np.where(d0 <= d1, 0, 1)
    mixed = (d0 < apart) & (d1 < apart)
    grid = np.where(sub_mask & ((np.minimum(d0, d1) < CLUSTER_DE) | mixed), grid, -1)
    a, b = grid[:, :-1], grid[:, 1:]
    changes = int(np.sum((a >= 0) & (b >= 0) & (a != b)))
    a, b = grid[:-1, :], grid[1:, :]
    changes += int(np.sum((a >= 0) & (b >= 0) & (a != b)))
    minor = min(int(np.sum(grid == 0)), int(np.sum(grid == 1)))
    return changes / max(1, minor) >= 0.25


# --- line probes ---------------------------------------------------------------------------------


@dataclass
class LineProbe:
    """Whether a border is drawn along a reference line (transects across it)."""

    key: str
    transects: int
    hits: int
    #: Hits alternate with misses in runs (a dashed line).
    dashed: bool = False
    #: Median colour of the line pixels found.
    line_hex: str | None = None
    #: Share of transects crossing a line for it to be present.
    present_share: float = LINE_PRESENT
    #: A line found between the areas either side where the transects could not read one
    #: (:mod:`checker.imaging.separation`; only ever *present*).
    areas: Separation | None = None

    @property
    def fraction(self) -> float:
        return self.hits / self.transects if self.transects else 0.0

    @property
    def line_lab(self) -> tuple[float, float, float] | None:
        """The line's colour in CIELAB (from :attr:`line_hex`)."""
        if self.line_hex is None:
            return None
        from PIL import ImageColor

        lab = srgb_to_lab(np.array([ImageColor.getrgb(self.line_hex)], np.uint8))[0]
        return (float(lab[0]), float(lab[1]), float(lab[2]))

    @property
    def state(self) -> str:
        """``present``, ``absent`` or ``unreadable``."""
        if self.areas is not None and self.areas.state == "present":
            return "present"
        if self.transects < MIN_TRANSECTS:
            return "unreadable"
        if self.fraction >= self.present_share or (self.dashed and self.fraction >= 0.3):
            return "present"
        if self.fraction <= LINE_ABSENT:
            return "absent"
        return "unreadable"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "state": self.state,
            "transects": self.transects,
            "crossing_a_line": self.hits,
            "share": round(self.fraction, 3),
        }
        if self.dashed:
            out["dashed"] = True
        if self.line_hex:
            out["line_colour"] = self.line_hex
        if self.areas is not None:
            out["areas"] = self.areas.to_dict()
        return out


def probe_line(
    rgb: UInt8Array,
    lines: Sequence[FloatArray],
    fill_lab: Sequence[float],
    tol: int,
    key: str,
    min_transects: int = 0,
) -> LineProbe:
    """Transects across projected ``lines`` (pixel coordinates): does a line cross them?

    A transect counts only when both its ends lie on the ``fill`` colour (land on both sides of
    the boundary, not water or a label); it *hits* when a pixel within ``tol`` of the boundary
    differs from the fill by more than 20 ΔE76 (a drawn line of any colour). Transects are
    about ``1.5 tol`` pixels apart, closer (down to 1 px) where the lines are too short in the
    picture for ``min_transects`` of them (the Perekop isthmus alone is a few pixels wide); a
    line read so is present only when :data:`SHORT_LINE_PRESENT` of them cross one.
    """
    h, w = rgb.shape[:2]
    reach = tol + 4
    fill = np.asarray(fill_lab, dtype=np.float64)
    usual = max(2.0, tol * 1.5)  # transects about this many pixels apart
    step = usual
    if min_transects:
        length = sum(float(np.hypot(*np.diff(xy, axis=0).T).sum()) for xy in lines)
        step = float(np.clip(length / (min_transects + 2), 1.0, usual))
    centres: list[FloatArray] = []
    normals: list[FloatArray] = []
    for xy in lines:
        seg = np.diff(xy, axis=0)
        seglen = np.hypot(seg[:, 0], seg[:, 1])
        cum = np.concatenate([[0.0], np.cumsum(seglen)])
        if cum[-1] < 1:
            continue
        at = np.arange(step / 2, cum[-1], step)
        idx = np.clip(np.searchsorted(cum, at, side="right") - 1, 0, len(seg) - 1)
        ok = seglen[idx] > 0
        idx, at = idx[ok], at[ok]
        t = (at - cum[idx]) / seglen[idx]
        centres.append(xy[idx] + t[:, None] * seg[idx])
        normals.append(np.column_stack([-seg[idx, 1], seg[idx, 0]]) / seglen[idx, None])
    if not centres:
        return LineProbe(key=key, transects=0, hits=0)
    c = np.concatenate(centres)
    n = np.concatenate(normals)
    offs = np.arange(-reach, reach + 1, dtype=np.float64)
    sx = np.floor(c[:, 0:1] + offs[None, :] * n[:, 0:1]).astype(np.int64)
    sy = np.floor(c[:, 1:2] + offs[None, :] * n[:, 1:2]).astype(np.int64)
    inside = (sx.min(axis=1) >= 0) & (sy.min(axis=1) >= 0)
    inside &= (sx.max(axis=1) < w) & (sy.max(axis=1) < h)
    sx, sy = sx[inside], sy[inside]
    if len(sx) == 0:
        return LineProbe(key=key, transects=0, hits=0)
    prof = srgb_to_lab(rgb[sy, sx])  # (transects, samples, 3)
    ends = np.concatenate([prof[:, :2], prof[:, -2:]], axis=1)
    # Fill colour at both ends: land on both sides of the boundary.
    end_de = delta_e76(ends, fill)
    land = np.asarray(np.all(end_de <= 15.0, axis=1), dtype=bool)
    # A drawn line differs from the fill by more than 20 ΔE76; a faint one (white on light
    # grey: 17 ΔE) by more than 10 where the fill on both sides is even (within 4 ΔE).
    centre_de = delta_e76(prof[:, 2:-2], fill)
    even = np.all(end_de <= FAINT_EVEN_DE, axis=1)
    hit_px = np.asarray(
        (centre_de > 20.0) | ((centre_de > FAINT_LINE_DE) & even[:, None]), dtype=bool
    )
    hits = np.asarray(hit_px.any(axis=1), dtype=bool)[land]
    probe = LineProbe(key=key, transects=int(land.sum()), hits=int(hits.sum()))
    if step < usual:
        probe.present_share = SHORT_LINE_PRESENT
    if len(hits):
        runs = 1 + int(np.sum(np.diff(hits.astype(np.int8)) != 0))
        probe.dashed = 0.25 <= probe.fraction <= 0.8 and runs >= 6
        if probe.dashed:
            # Between dashes the fill shows clean; a faint solid line that the transects catch
            # only now and then leaves a trace in the misses too.
            peak = centre_de.max(axis=1)[land]
            probe.dashed = bool(np.median(peak[~hits]) <= DASH_GAP_SHARE * np.median(peak[hits]))
    line_px = rgb[sy[:, 2:-2], sx[:, 2:-2]][hit_px & land[:, None]]
    if len(line_px):
        probe.line_hex = hex_colour(np.median(line_px.astype(np.float64), axis=0).tolist())
    return probe


def probe_strait(
    rgb: UInt8Array,
    points: FloatArray,
    sea_lab: Sequence[float],
    reg: RegistrationLike,
    tol: int,
) -> LineProbe:
    """A border drawn down the Kerch Strait: non-sea pixels near the strait's middle, where the
    strait is wide enough in the picture that the coastlines are further than ``tol`` away."""
    h, w = rgb.shape[:2]
    if len(points) == 0:
        return LineProbe("kerch", 0, 0)
    x, y = reg.to_pixel(points[:, 0].copy(), points[:, 1].copy())
    x2, _ = reg.to_pixel(points[:, 0] + 0.01, points[:, 1].copy())
    px_per_deg = np.abs(np.asarray(x2) - np.asarray(x)) / 0.01
    shore_px = points[:, 2] * px_per_deg
    sea = np.asarray(sea_lab, dtype=np.float64)
    hits: list[bool] = []
    last: tuple[int, int] | None = None
    for xi, yi, shore in zip(np.asarray(x), np.asarray(y), shore_px, strict=True):
        if not (np.isfinite(xi) and np.isfinite(yi)) or shore < tol + 4:
            continue  # the coastlines would be within reach
        cx, cy = int(np.floor(xi)), int(np.floor(yi))
        if last is not None and abs(cx - last[0]) + abs(cy - last[1]) < 2:
            continue
        last = (cx, cy)
        r = max(1, min(tol, int(shore) - 4))
        x0, x1, y0, y1 = cx - r, cx + r + 1, cy - r, cy + r + 1
        if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
            continue
        patch = srgb_to_lab(rgb[y0:y1, x0:x1])
        hits.append(bool(np.any(delta_e76(patch, sea) > 20.0)))
    return LineProbe("kerch", len(hits), int(sum(hits)))


# --- assessments ---------------------------------------------------------------------------------


@dataclass
class Assessment:
    """How one area (Crimea, or the occupied mainland) is drawn, with confidence and reasons."""

    area: str
    outcome: str
    confidence: float
    reasons: list[str] = field(default_factory=list)
    #: What decided it: ``colour``, ``lines``, ``svg`` or ``labels``.
    basis: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    pixel_box: tuple[int, int, int, int] | None = None
    lonlat: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "outcome": self.outcome,
            "confidence": round(self.confidence, 3),
            "basis": self.basis,
            "reasons": list(self.reasons),
        }


@dataclass
class ImageDecision:
    """Everything decided about one picture; the MI2xx rules read it."""

    width: int
    height: int
    registration: RegistrationLike | None
    crimea: Assessment
    mainland: Assessment
    samples: dict[str, ColourSample] = field(default_factory=dict)
    lines: dict[str, LineProbe] = field(default_factory=dict)
    crimea_px: float = 0.0
    notes: list[str] = field(default_factory=list)
    #: Set when the picture positively shows somewhere else (why, in words).
    elsewhere: str | None = None
    #: Where the map locator placed a picture that did not georeference (the evidence picture
    #: draws the world's coast there).
    located: Location | None = None

    def registration_evidence(self) -> dict[str, Any]:
        reg = self.registration
        if reg is None:
            return {}
        return {
            "projection": reg.projection,
            "method": reg.method,
            "score": round(float(reg.score), 4),
            "margin": round(float(reg.margin), 4),
        }


def undetermined(area: str, reason: str, **evidence: Any) -> Assessment:
    return Assessment(area, UNDETERMINED, 0.0, [reason], evidence=dict(evidence))


def decide(rgb: UInt8Array, reg: RegistrationLike | None, reason: str = "") -> ImageDecision:
    """Assess Crimea and the occupied mainland in ``rgb`` (H × W × 3) under ``reg``.

    ``reason`` says why there is no registration when ``reg`` is ``None``.
    """
    h, w = rgb.shape[:2]
    if reg is None:
        why = (
            reason
            if reason.startswith("not georeferenced")
            else ("not georeferenced" + (f": {reason}" if reason else ""))
        )
        return ImageDecision(
            width=w,
            height=h,
            registration=None,
            crimea=undetermined("crimea", why),
            mainland=undetermined("mainland", why),
        )
    ref = reference_geometry()
    decision = ImageDecision(
        width=w,
        height=h,
        registration=reg,
        crimea=undetermined("crimea", "not assessed"),
        mainland=undetermined("mainland", "not assessed"),
    )
    crimea_outline = ref.outlines["crimea"].union(ref.outlines["sevastopol"])
    rings = project_rings(crimea_outline, reg)
    if not rings:
        why = "Crimea does not project into the picture under the registration"
        decision.crimea = Assessment("crimea", NOT_SHOWN, 0.9, [why])
        decision.mainland = undetermined("mainland", why)
        return decision
    allxy = np.concatenate([ext for ext, _ in rings])
    span = allxy.max(axis=0) - allxy.min(axis=0)
    crimea_px = float(max(span))
    decision.crimea_px = crimea_px
    total_area = projected_area(crimea_outline, reg)
    visible = rasterize(crimea_outline, reg, (w, h))
    visible_share = float(visible.sum()) / total_area if total_area > 0 else 0.0

    # Erosion scales with the picture: registration error and border width grow with it.
    radius = int(np.clip(round(1 + crimea_px * 0.02), 1, 8))
    # A registration that may be off by some pixels (labels: a few at their markers, a
    # label's width at their centres) keeps the samples that far inside each area; one
    # placed by labels reads no line a pixel wide.
    radius = max(radius, int(np.ceil(1.5 * float(getattr(reg, "error_px", 0.0)))))
    by_labels = reg.method == "labels"
    masks: dict[str, BoolArray] = {}
    for key, geom in ref.samples.items():
        if key != "others":  # sampled below, only when needed
            masks[key] = erode(rasterize(geom, reg, (w, h)), radius)
    samples: dict[str, ColourSample] = {}
    sea_sample = sample_colours(rgb, masks["sea"], "sea")
    sea_lab = sea_sample.lab if sea_sample is not None else None
    for key, mask in masks.items():
        sample = sea_sample if key == "sea" else sample_colours(rgb, mask, key, sea_lab)
        if sample is not None:
            samples[key] = sample
    if "ukraine" not in samples and "ukraine-near" in samples:
        samples["ukraine"] = samples["ukraine-near"]
        decision.notes.append(
            "Ukraine's colour is taken from the unoccupied parts of Kherson and Zaporizhzhia "
            "oblasts (no other part of Ukraine is in the picture)"
        )
    samples.pop("ukraine-near", None)
    if "russia" not in samples and "ukraine" in samples:
        # The countries around stand in for Russia only on maps without it; their large
        # outline costs as much to sample as all the other areas together.
        masks["others"] = erode(rasterize(ref.samples["others"], reg, (w, h)), radius)
        others = sample_colours(rgb, masks["others"], "others", sea_lab)
        if others is not None:
            samples["others"] = others
    aligned = _align_crimea(rgb, masks["crimea"], samples, crimea_px)
    if aligned is not None:
        samples["crimea"] = aligned
    decision.samples = samples
    lonlat = ref.points.get("crimea")
    box = mask_box(visible)

    tol = int(np.clip(round(1 + crimea_px * 0.01), 2, 6))
    if by_labels:
        decision.notes.append("placed by its labels, not its coastline: border lines are not read")
    elif "crimea" in samples or "ukraine" in samples:
        fill = (samples.get("ukraine") or samples["crimea"]).lab
        projected: dict[str, list[FloatArray]] = {}
        for key in ("perekop", "state", "oblast", "east", "claimed"):
            ref_key = key
            if key == "perekop" and "sea" in samples and de(samples["sea"].lab, fill) < SAME_DE:
                # The sea is filled like the land: the Syvash shore would pass for a border.
                ref_key = "perekop-isthmus"
                decision.notes.append(
                    "the sea has the land's colour: a border at Perekop is looked for across "
                    "the isthmus only, not along the Syvash shore"
                )
            projected[ref_key] = project_lines(ref.lines[ref_key], reg)
            decision.lines[key] = probe_line(
                rgb,
                projected[ref_key],
                fill,
                tol,
                key,
                2 * MIN_TRANSECTS if ref_key == "perekop-isthmus" else 0,
            )
        _read_by_areas(rgb, reg, decision.lines, projected, masks, fill, tol, crimea_px, sea_lab)
    if "sea" in samples and not by_labels:
        decision.lines["kerch"] = probe_strait(rgb, ref.kerch, samples["sea"].lab, reg, tol)

    if visible_share < MIN_VISIBLE_SHARE:
        decision.crimea = Assessment(
            "crimea",
            NOT_SHOWN,
            0.9,
            [f"Crimea is outside the picture ({visible_share:.0%} of it is inside)"],
            pixel_box=box,
            lonlat=lonlat,
        )
    elif crimea_px < MIN_CRIMEA_PX:
        decision.crimea = undetermined(
            "crimea",
            f"Crimea is only {crimea_px:.0f} px across (at least {MIN_CRIMEA_PX:.0f} px are "
            "needed for a verdict)",
            crimea_px=round(crimea_px, 1),
        )
    else:
        decision.crimea = _assess_crimea(rgb, decision, samples, crimea_px)
    decision.crimea.pixel_box = decision.crimea.pixel_box or box
    decision.crimea.lonlat = decision.crimea.lonlat or lonlat
    decision.mainland = _assess_mainland(decision, samples, masks, crimea_px)
    return decision


#: Sample areas either side of a boundary are taken this far from it (× Crimea's size in px).
AREAS_NEAR = 0.15
#: A line that separates them is at least this long (× Crimea's size; and 8 px).
AREAS_MIN_EXTENT = 0.15
#: The boundaries read so, with the sample areas either side of each.
AREAS_SIDES = {
    "perekop": ("crimea", "mainland"),
    "state": ("russia", "ukraine"),
    "east": ("russia", "mainland"),
}


def _read_by_areas(
    rgb: UInt8Array,
    reg: RegistrationLike,
    lines: dict[str, LineProbe],
    projected: dict[str, list[FloatArray]],
    masks: dict[str, BoolArray],
    fill: Sequence[float],
    tol: int,
    crimea_px: float,
    sea_lab: Sequence[float] | None,
) -> None:
    """Where the transects saw a line here and there but could not read it, ask whether a line
    separates the areas either side (:func:`checker.imaging.separation.separation`): borders
    from coarse data run tens of kilometres off the reference boundary. ``projected``: the
    reference lines the transects were laid across, in pixels, by reference key."""
    from checker.imaging.separation import separation

    ref = reference_geometry()
    h, w = rgb.shape[:2]
    for key, (side_a, side_b) in AREAS_SIDES.items():
        probe = lines.get(key)
        if (
            probe is None
            or probe.state != "unreadable"
            or probe.fraction <= LINE_ABSENT
            or probe.dashed
            or side_a not in masks
            or side_b not in masks
        ):
            continue
        if key not in projected:  # (the isthmus alone was probed: the sea is land-coloured)
            projected[key] = project_lines(ref.lines[key], reg)
        near = _near_lines(projected[key], AREAS_NEAR * crimea_px, (w, h))
        keep: BoolArray | None = None
        if key == "perekop":
            # Crimea and the mainland must not join through Russia over the Kerch Strait.
            keep = ~dilate(rasterize(ref.outlines["russia"], reg, (w, h)), 2 * tol)
        found = separation(
            rgb,
            fill,
            masks[side_a] & near,
            masks[side_b] & near,
            radius=max(2, tol),
            min_extent=max(8.0, AREAS_MIN_EXTENT * crimea_px),
            keep=keep,
            line_lab=probe.line_lab,
            sea_lab=sea_lab,
            whole=(masks[side_a], masks[side_b]),
        )
        probe.areas = found
        if found.state == "present":
            probe.dashed = False
            probe.line_hex = probe.line_hex or found.line_hex


def _near_lines(lines: Sequence[FloatArray], reach: float, size: tuple[int, int]) -> BoolArray:
    """Pixels within about ``reach`` of the projected ``lines``."""
    from PIL import Image, ImageDraw

    img = Image.new("1", size, 0)
    draw = ImageDraw.Draw(img)
    width = max(1, round(2 * reach))
    for xy in lines:
        pts = [(float(x), float(y)) for x, y in xy]
        draw.line(pts, fill=1, width=width, joint="curve")
    return np.asarray(img, dtype=bool)


def _align_crimea(
    rgb: UInt8Array, mask: BoolArray, samples: dict[str, ColourSample], crimea_px: float
) -> ColourSample | None:
    """Crimea's sample re-taken a few pixels off when the registration is slightly off.

    A registration good to a few pixels puts part of a small Crimea's mask on the sea. Shifts
    up to ~8 % of Crimea's size (at most 6 px) are tried; the one whose pixels are most uniform
    in colour (a flat fill, not half land and half sea) wins if it is clearly better than no
    shift. ``None`` keeps the unshifted sample.
    """
    current = samples.get("crimea")
    ys, xs = np.nonzero(mask)
    if current is None or len(ys) == 0:
        return None
    if len(ys) > 4000:  # a fixed subsample is plenty to compare shifts
        pick = np.random.default_rng(7).choice(len(ys), 4000, replace=False)
        ys, xs = ys[pick], xs[pick]
    h, w = mask.shape
    reach = int(np.clip(round(0.08 * crimea_px), 1, 6))
    sea = samples.get("sea")
    sea_key = None
    if sea is not None:
        sea_key = _coarse_key(np.asarray([sea.dominant.rgb]))[0]

    def uniformity(dx: int, dy: int) -> float:
        y = np.clip(ys + dy, 0, h - 1)
        x = np.clip(xs + dx, 0, w - 1)
        counts = np.bincount(_coarse_key(rgb[y, x]), minlength=4096)
        mode = int(np.argmax(counts))
        if sea_key is not None and mode == sea_key:
            return 0.0
        return float(counts[mode] / len(y))

    base = uniformity(0, 0)
    best, best_shift = base, (0, 0)
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            if (dx or dy) and (score := uniformity(dx, dy)) > best + 1e-9:
                best, best_shift = score, (dx, dy)
    if best_shift == (0, 0) or best < base + 0.15:
        return None
    shifted = np.roll(mask, (best_shift[1], best_shift[0]), axis=(0, 1))
    sample = sample_colours(rgb, shifted, "crimea", sea.lab if sea is not None else None)
    if sample is not None:
        sample.shift = best_shift
    return sample


def _coarse_key(pix: npt.ArrayLike) -> npt.NDArray[np.int64]:
    q = (np.asarray(pix, dtype=np.float64) // 16).astype(np.int64)
    return np.asarray((q[:, 0] * 16 + q[:, 1]) * 16 + q[:, 2])


def _size_factor(crimea_px: float) -> float:
    if crimea_px >= FULL_CONFIDENCE_PX:
        return 1.0
    return 0.75 + 0.25 * (crimea_px - MIN_CRIMEA_PX) / (FULL_CONFIDENCE_PX - MIN_CRIMEA_PX)


def _colour_confidence(d_same: float, d_other: float, crimea_px: float) -> float:
    base = 0.6 + min(0.39, (d_other - d_same) / 60.0)
    return round(max(0.5, base) * _size_factor(crimea_px), 3)


def _colours(samples: dict[str, ColourSample], *keys: str) -> dict[str, Any]:
    return {k: samples[k].to_dict() for k in keys if k in samples}


def _assess_crimea(
    rgb: UInt8Array, decision: ImageDecision, samples: dict[str, ColourSample], crimea_px: float
) -> Assessment:
    crimea = samples.get("crimea")
    ru = samples.get("russia")
    ua = samples.get("ukraine")
    sea = samples.get("sea")
    if crimea is None:
        return undetermined("crimea", "too few pixels of Crimea's interior to sample its colour")
    if ua is None and ru is None:
        return undetermined(
            "crimea", "neither Russia nor unoccupied Ukraine is in the picture to compare with"
        )
    ev: dict[str, Any] = {
        "colours": _colours(samples, "crimea", "russia", "ukraine", "sea", "mainland"),
        "crimea_px": round(crimea_px, 1),
    }
    c = crimea.lab
    d_ru = de(c, ru.lab) if ru else None
    d_ua = de(c, ua.lab) if ua else None
    d_sea = de(c, sea.lab) if sea else None
    d_ru_ua = de(ru.lab, ua.lab) if ru and ua else None
    ev["delta_e"] = {
        k: round(v, 2)
        for k, v in (
            ("crimea_russia", d_ru),
            ("crimea_ukraine", d_ua),
            ("crimea_sea", d_sea),
            ("russia_ukraine", d_ru_ua),
        )
        if v is not None
    }
    ev["lines"] = {k: p.to_dict() for k, p in decision.lines.items()}

    # A legend box or inset covering Crimea: the "sea" right around Crimea has Crimea's colour
    # although the sea elsewhere does not.
    if sea is not None and d_sea is not None and d_sea > DIFF_DE:
        covered = _covered_share(rgb, samples)
        if covered >= 0.9:
            return Assessment(
                "crimea",
                NOT_SHOWN,
                0.7,
                [
                    "Crimea seems covered by a box (a legend or inset): its colour fills the sea "
                    "around it"
                ],
                basis="colour",
                evidence=ev,
            )
    sea_distinct = sea is not None and all(
        de(sea.lab, other.lab) >= DIFF_DE for other in (ru, ua) if other is not None
    )
    if d_sea is not None and d_sea < SAME_DE and sea_distinct and not crimea.pattern:
        # Crimea's pixels are the sea's: the registration is off, or Crimea is not drawn.
        return undetermined(
            "crimea",
            f"Crimea has the sea's colour ({crimea.dominant.hex}): it is not drawn as land here, "
            "or the map is registered wrongly",
            **ev,
        )
    ukraine_like = d_ua is not None and d_ua <= SAME_DE and (d_sea is None or d_sea >= DIFF_DE)
    if ru is None and ua is not None and ukraine_like:
        cut_off = _cut_off_at_perekop(decision, crimea_px)
        if cut_off:
            return Assessment(
                "crimea",
                RUSSIA,
                round(0.65 * _size_factor(crimea_px), 3),
                [
                    f"Crimea's fill is like Ukraine's ({crimea.dominant.hex} vs "
                    f"{ua.dominant.hex}, ΔE {d_ua or 0:.1f}), but {cut_off}; Russia is not in "
                    "the picture"
                ],
                basis="lines",
                evidence=ev,
            )
        doubt = _unexplained_perekop_line(decision, crimea, crimea_px)
        if doubt:
            return undetermined(
                "crimea",
                f"Crimea's fill is like Ukraine's ({crimea.dominant.hex} vs {ua.dominant.hex}, "
                f"ΔE {d_ua or 0:.1f}), but {doubt}; Russia is not in the picture to tell whether "
                "the map gives it the same fill",
                **ev,
            )
        return Assessment(
            "crimea",
            UKRAINE,
            round(0.7 * _size_factor(crimea_px), 3),
            [
                f"Crimea is drawn in Ukraine's colour ({crimea.dominant.hex} vs "
                f"{ua.dominant.hex}, ΔE {d_ua or 0:.1f}); Russia is not in the picture"
            ],
            basis="colour",
            evidence=ev,
        )
    others = samples.get("others")
    if (
        ru is None
        and ua is not None
        and others is not None
        and others.dominant.share >= OTHERS_SHARED
        and d_ua is not None
        and (d_sea is None or d_sea >= SAME_DE)
    ):
        d_others = de(c, others.lab)
        d_ua_others = de(ua.lab, others.lab)
        if d_others <= SAME_DE and min(d_ua, d_ua_others) >= max(DIFF_DE, 2 * d_others + 4):
            # A map that singles Ukraine out (or fills the countries around alike) and gives
            # Crimea the others' fill: Crimea is drawn as not Ukraine's.
            ev["delta_e"]["crimea_others"] = round(d_others, 2)
            return Assessment(
                "crimea",
                RUSSIA,
                round(0.7 * _size_factor(crimea_px), 3),
                [
                    f"Crimea is drawn in the fill of the countries around ({crimea.dominant.hex} "
                    f"vs {others.dominant.hex}, ΔE {d_others:.1f}), not in Ukraine's "
                    f"({ua.dominant.hex}, ΔE {d_ua:.1f}): the map leaves Crimea out of Ukraine; "
                    "Russia is not in the picture"
                ],
                basis="colour",
                evidence=ev,
            )
    mainland = samples.get("mainland")
    if ru is not None and ua is None and mainland is not None and d_ru is not None:
        # A close-up without unoccupied Ukraine: the occupied mainland across Perekop stands in
        # for it. Crimea in Russia's colour while the mainland next to it is not; or all three
        # alike (below).
        d_main = de(c, mainland.lab)
        d_main_ru = de(mainland.lab, ru.lab)
        main_is_sea = sea is not None and de(mainland.lab, sea.lab) < SAME_DE
        if (
            d_ru <= SAME_DE
            and min(d_main, d_main_ru) >= max(DIFF_DE, 2 * d_ru + 4)
            and not main_is_sea
            and (d_sea is None or d_sea >= DIFF_DE)
        ):
            ev["delta_e"]["crimea_mainland"] = round(d_main, 2)
            return Assessment(
                "crimea",
                RUSSIA,
                round(0.7 * _size_factor(crimea_px), 3),
                [
                    f"Crimea is drawn in Russia's colour ({crimea.dominant.hex} vs "
                    f"{ru.dominant.hex}, ΔE {d_ru:.1f}), unlike the mainland across the Perekop "
                    f"isthmus ({mainland.dominant.hex}, ΔE {d_main:.1f}); unoccupied Ukraine is "
                    "not in the picture"
                ],
                basis="colour",
                evidence=ev,
            )
        if d_ru < SAME_DE and d_main_ru < SAME_DE and d_main < SAME_DE:
            # Crimea, the mainland and Russia in one fill, or similar fills: Crimea matching
            # Russia's fill exactly and not the mainland's similar one is drawn as Russia's; in
            # one fill the borders drawn decide, as on any one-fill map (a map that also fills
            # the mainland as Russia draws no line at Perekop, and then the recognized border
            # elsewhere is out of the picture or missing, which the lines do not take for
            # Ukraine's).
            decision.notes.append(
                "unoccupied Ukraine is not in the picture: the occupied mainland across Perekop "
                "stands in for it"
            )
            if d_main_ru >= SIMILAR_DE:
                relative = _relative_match(
                    crimea, ru, mainland, d_ru, d_main, d_main_ru, ev, crimea_px,
                    ukraine="the similar one of the occupied mainland across Perekop "
                    "(unoccupied Ukraine is not in the picture)",
                )  # fmt: skip
                if relative is not None and relative.outcome == RUSSIA:
                    return relative
            return _assess_by_lines(decision, crimea, ru, ev, crimea_px)
    if ru is None and annexation_border(decision):
        perekop = decision.lines.get("perekop")
        joined = mainland is not None and de(c, mainland.lab) <= SAME_DE
        if joined and (perekop is None or perekop.state != "present"):
            return Assessment(
                "crimea",
                RUSSIA,
                round(0.7 * _size_factor(crimea_px), 3),
                [
                    "the border is drawn around Zaporizhzhia and Kherson oblasts (Russia's "
                    "claimed border) and no other oblast border is, and Crimea lies inside it "
                    "in the occupied mainland's fill; Russia is not in the picture"
                ],
                basis="annexation-border",
                evidence=ev,
            )
    if ru is None or ua is None:
        missing = "Russia" if ru is None else "unoccupied Ukraine"
        return undetermined(
            "crimea",
            f"{missing} is not in the picture, so Crimea's colour cannot be compared",
            **ev,
        )
    assert d_ru is not None and d_ua is not None and d_ru_ua is not None

    if d_ru_ua >= SIMILAR_DE:
        relative = _relative_match(crimea, ru, ua, d_ru, d_ua, d_ru_ua, ev, crimea_px)
        if relative is not None and d_ru_ua < DIFF_DE:
            return relative
    if d_ru_ua < SAME_DE:
        return _assess_by_lines(decision, crimea, ru, ev, crimea_px)

    if crimea.pattern and len(crimea.clusters) >= 2:
        return _assess_pattern(crimea, ru, ua, ev, crimea_px)

    if d_ru <= SAME_DE and d_ua >= max(DIFF_DE, 2 * d_ru + 4):
        russia_is_background = sea is not None and de(ru.lab, sea.lab) < SAME_DE
        reasons = [
            f"Crimea is drawn in Russia's colour ({crimea.dominant.hex} vs {ru.dominant.hex}, "
            f"ΔE {d_ru:.1f}), unlike unoccupied Ukraine ({ua.dominant.hex}, ΔE {d_ua:.1f})"
        ]
        if russia_is_background:
            reasons.append(
                "Russia is not filled (it has the background's colour): Ukraine is drawn "
                "without Crimea"
            )
        return Assessment(
            "crimea",
            RUSSIA,
            _colour_confidence(d_ru, d_ua, crimea_px),
            reasons,
            basis="colour",
            evidence=ev,
        )
    if d_ua <= SAME_DE and d_ru >= max(DIFF_DE, 2 * d_ua + 4):
        return Assessment(
            "crimea",
            UKRAINE,
            _colour_confidence(d_ua, d_ru, crimea_px),
            [
                f"Crimea is drawn in Ukraine's colour ({crimea.dominant.hex} vs "
                f"{ua.dominant.hex}, ΔE {d_ua:.1f}), unlike Russia ({ru.dominant.hex}, "
                f"ΔE {d_ru:.1f})"
            ],
            basis="colour",
            evidence=ev,
        )
    if d_ru >= DIFF_DE and d_ua >= DIFF_DE:
        return _assess_third_colour(decision, samples, crimea, ev, crimea_px, d_sea)
    return undetermined(
        "crimea",
        f"Crimea's colour ({crimea.dominant.hex}) is between Russia's ({ru.dominant.hex}, "
        f"ΔE {d_ru:.1f}) and Ukraine's ({ua.dominant.hex}, ΔE {d_ua:.1f}): too close to call",
        **ev,
    )


def _relative_match(
    sample: ColourSample,
    ru: ColourSample,
    ua: ColourSample,
    d_ru: float,
    d_ua: float,
    d_ru_ua: float,
    ev: dict[str, Any],
    crimea_px: float,
    area: str = "crimea",
    ukraine: str = "unoccupied Ukraine's similar one",
) -> Assessment | None:
    """Russia and Ukraine in similar fills (a choropleth's neighbouring classes): the
    ``area`` (``crimea`` or ``mainland``, whose colours are ``sample``) matches one of them
    almost exactly (within a quarter of their difference) and not the other. ``ukraine``
    names what ``ua`` was sampled from."""
    subject = "Crimea" if area == "crimea" else "the occupied mainland"
    for outcome, near, far, ref, other, name, other_name in (
        (RUSSIA, d_ru, d_ua, ru, ua, "Russia's", ukraine),
        (UKRAINE, d_ua, d_ru, ua, ru, "Ukraine's", "Russia's similar one"),
    ):
        if near <= min(SAME_DE, 0.25 * d_ru_ua) and far >= 0.75 * d_ru_ua:
            return Assessment(
                area,
                outcome,
                round(min(0.85, 0.55 + d_ru_ua / 40) * _size_factor(crimea_px), 3),
                [
                    f"{subject} is drawn in {name} colour ({sample.dominant.hex} vs "
                    f"{ref.dominant.hex}, ΔE {near:.1f}), not {other_name} "
                    f"({other.dominant.hex}, ΔE {far:.1f})"
                ],
                basis="colour",
                evidence=ev,
            )
    return None


def _covered_share(rgb: UInt8Array, samples: dict[str, ColourSample]) -> float:
    """Share of the sea right around Crimea that has Crimea's colour."""
    crimea, sea = samples.get("crimea"), samples.get("sea")
    if crimea is None or sea is None or crimea.mask is None or sea.mask is None:
        return 0.0
    box = crimea.box
    if box is None:
        return 0.0
    x0, y0, x1, y1 = box
    near = np.zeros_like(sea.mask)
    near[y0:y1, x0:x1] = True  # the sea between Crimea's capes and in its bays
    around = near & sea.mask
    if around.sum() < MIN_SAMPLE_PIXELS:
        return 0.0
    around_sample = sample_colours(rgb, around, "sea-around-crimea")
    if around_sample is None:
        return 0.0
    if de(around_sample.lab, crimea.lab) < SAME_DE:
        return around_sample.dominant.share
    return 0.0


def _assess_pattern(
    crimea: ColourSample,
    ru: ColourSample,
    ua: ColourSample,
    ev: dict[str, Any],
    crimea_px: float,
) -> Assessment:
    """Crimea is hatched or striped: over Ukraine's fill it is a control map's occupation
    overlay (legitimate); with neither Ukraine's nor Russia's colour it is the disputed style."""
    c1, c2 = crimea.clusters[0], crimea.clusters[1]
    ua_base = min(de(c1.lab, ua.lab), de(c2.lab, ua.lab))
    ru_fill = min(de(c1.lab, ru.lab), de(c2.lab, ru.lab))
    ev = {**ev, "pattern": [c1.to_dict(), c2.to_dict()]}
    if ua_base <= SAME_DE:
        return Assessment(
            "crimea",
            UKRAINE,
            round(0.75 * _size_factor(crimea_px), 3),
            [
                f"Crimea keeps Ukraine's fill ({ua.dominant.hex}) under a hatch "
                f"({c1.hex}/{c2.hex}): a control map's occupation overlay, not Russian territory"
            ],
            basis="colour",
            evidence={**ev, "control_overlay": True},
        )
    if ru_fill <= SAME_DE and max(de(c1.lab, ru.lab), de(c2.lab, ru.lab)) <= SAME_DE:
        return Assessment(
            "crimea",
            RUSSIA,
            round(0.8 * _size_factor(crimea_px), 3),
            [f"Crimea is drawn in Russia's colour ({ru.dominant.hex}) under a fine pattern"],
            basis="colour",
            evidence=ev,
        )
    return Assessment(
        "crimea",
        DISPUTED,
        round(0.75 * _size_factor(crimea_px), 3),
        [
            f"Crimea is hatched ({c1.hex}/{c2.hex}) over neither Ukraine's fill "
            f"({ua.dominant.hex}) nor Russia's ({ru.dominant.hex}): the 'disputed' style"
        ],
        basis="colour",
        evidence=ev,
    )


def _assess_third_colour(
    decision: ImageDecision,
    samples: dict[str, ColourSample],
    crimea: ColourSample,
    ev: dict[str, Any],
    crimea_px: float,
    d_sea: float | None,
) -> Assessment:
    ru, ua = samples["russia"], samples["ukraine"]
    if d_sea is not None and d_sea < SAME_DE:
        return undetermined(
            "crimea",
            f"Crimea has the sea's colour ({crimea.dominant.hex}): it is not drawn as land here, "
            "or the map is registered wrongly",
            **ev,
        )
    mainland = samples.get("mainland")
    if mainland is not None:
        d_main = de(crimea.lab, mainland.lab)
        ev["delta_e"]["crimea_mainland"] = round(d_main, 2)
        if d_main < SAME_DE and de(mainland.lab, ua.lab) >= DIFF_DE:
            # Crimea and the occupied mainland share a colour that is neither Russia's nor
            # Ukraine's: the way control maps draw occupation. Only a legend can tell it from a
            # "disputed" fill; the OCR stage settles it when it reads one.
            return Assessment(
                "crimea",
                UNDETERMINED,
                0.0,
                [
                    f"Crimea shares a third colour ({crimea.dominant.hex}) with the occupied "
                    f"mainland, neither Russia's ({ru.dominant.hex}) nor Ukraine's "
                    f"({ua.dominant.hex}): an 'occupied' overlay or a 'disputed' fill, and no "
                    "legend was read to tell which"
                ],
                basis="colour",
                evidence={**ev, "shared_with_mainland": True},
            )
    chroma = float(np.hypot(crimea.lab[1], crimea.lab[2]))
    grey = chroma < GREY_CHROMA
    label = "grey" if grey else "a third colour"
    return Assessment(
        "crimea",
        DISPUTED,
        round(0.8 * _size_factor(crimea_px), 3),
        [
            f"Crimea is drawn in {label} ({crimea.dominant.hex}), neither Russia's "
            f"({ru.dominant.hex}) nor Ukraine's ({ua.dominant.hex}): the 'disputed' style"
        ],
        basis="colour",
        evidence=ev,
    )


def _state(lines: dict[str, LineProbe], key: str) -> str:
    probe = lines.get(key)
    return probe.state if probe is not None else "unreadable"


def _perekop_line(decision: ImageDecision, crimea_px: float) -> LineProbe | None:
    """The line found across the Perekop isthmus, if any, on a Crimea large enough for its
    lines to be read (:data:`LINES_MIN_PX`)."""
    perekop = decision.lines.get("perekop")
    if crimea_px < LINES_MIN_PX or perekop is None or perekop.state != "present":
        return None
    return perekop


def _cut_off_at_perekop(decision: ImageDecision, crimea_px: float) -> str:
    """Why the borders drawn set Crimea apart from Ukraine as another country, or ``""``: a
    solid line across the Perekop isthmus, none down the Kerch Strait, and no other oblast
    border drawn (with them, the line would be Crimea's own regional outline) nor the four
    oblasts' border with the rest of Ukraine (Russia's claimed line, judged elsewhere)."""
    lines = decision.lines
    perekop = _perekop_line(decision, crimea_px)
    if (
        perekop is None
        or perekop.dashed
        or _state(lines, "kerch") != "absent"
        or _state(lines, "oblast") != "absent"
        or _state(lines, "claimed") == "present"
    ):
        return ""
    return (
        "a border is drawn across the Perekop isthmus, separating Crimea from Ukraine, and none "
        "down the Kerch Strait, while no other oblast border is drawn"
    )


def _border_ink(perekop: LineProbe, *borders: LineProbe | None) -> bool:
    """Whether the line found across Perekop (solid) has the colour of a line the transects
    crossed along one of the ``borders`` (within :data:`SAME_LINE_DE`; on at least
    :data:`BORDER_INK_SHARE` of them)."""
    lab = perekop.line_lab
    if lab is None or perekop.dashed:
        return False
    for probe in borders:
        if probe is None or probe.fraction < BORDER_INK_SHARE:
            continue
        other = probe.line_lab
        if other is not None and de(lab, other) <= SAME_LINE_DE:
            return True
    return False


#: The share of a border's transects that must cross a line for its ink to count
#: (:func:`_border_ink`): more than a stray crossing of a coast or a river.
BORDER_INK_SHARE = 0.1


def _unexplained_perekop_line(
    decision: ImageDecision, crimea: ColourSample, crimea_px: float
) -> str:
    """Why a Crimea in Ukraine's fill may still be drawn apart from Ukraine, or ``""``: a line
    across the Perekop isthmus (solid, dashed, or the seam two areas of one fill leave) that no
    other oblast border explains and no hatch over Crimea does (a control map outlines its
    overlay). A map that fills Russia and Ukraine alike and draws Crimea in Russia's polygon
    shows exactly this when Russia is cut out of the frame."""
    lines = decision.lines
    perekop = _perekop_line(decision, crimea_px)
    if (
        perekop is None
        or _state(lines, "oblast") == "present"
        or _state(lines, "claimed") == "present"
    ):
        return ""
    if _marks(crimea) is not None:
        return ""
    kind = "a broken line" if perekop.dashed else "a line"
    return (
        f"{kind} is drawn across the Perekop isthmus, as between two countries, and no other "
        "oblast border is"
    )


def _assess_by_lines(
    decision: ImageDecision,
    crimea: ColourSample,
    ru: ColourSample,
    ev: dict[str, Any],
    crimea_px: float,
) -> Assessment:
    """Russia and Ukraine share a fill: judge from the borders drawn at Perekop and Kerch."""
    d_c = de(crimea.lab, ru.lab)
    if d_c < DIFF_DE and crimea_px < LINES_MIN_PX:
        return undetermined(
            "crimea",
            f"Russia and Ukraine share one fill and Crimea is only {crimea_px:.0f} px across: "
            f"borders at Perekop are read from {LINES_MIN_PX:.0f} px",
            **ev,
        )
    if d_c >= DIFF_DE:
        chroma = float(np.hypot(crimea.lab[1], crimea.lab[2]))
        land_chroma = float(np.hypot(ru.lab[1], ru.lab[2]))
        if crimea.pattern or (chroma < GREY_CHROMA <= land_chroma):
            return Assessment(
                "crimea",
                DISPUTED,
                round(0.7 * _size_factor(crimea_px), 3),
                [
                    f"Russia and Ukraine share one fill ({ru.dominant.hex}) and Crimea alone is "
                    f"{'hatched' if crimea.pattern else 'grey'} ({crimea.dominant.hex}): "
                    "the 'disputed' style"
                ],
                basis="colour",
                evidence=ev,
            )
        return undetermined(
            "crimea",
            f"Crimea alone is highlighted ({crimea.dominant.hex}) on a map that fills Russia and "
            f"Ukraine alike ({ru.dominant.hex}): the colours do not say whose it is",
            **ev,
        )
    if crimea.pattern and not ru.pattern and not _hatched_alike(crimea, decision.samples):
        # Hatched alone on an outline or one-fill map (the hatch's own outline then crosses
        # Perekop): the 'disputed' style, whatever the lines say. A control map hatches the
        # occupied mainland too.
        return Assessment(
            "crimea",
            DISPUTED,
            round(0.6 * _size_factor(crimea_px), 3),
            [
                f"Russia and Ukraine share one fill ({ru.dominant.hex}) and Crimea alone is "
                "hatched: the 'disputed' style"
            ],
            basis="colour",
            evidence=ev,
        )
    perekop = decision.lines.get("perekop")
    state = decision.lines.get("state")
    claimed = decision.lines.get("claimed")
    p = _state(decision.lines, "perekop")
    k = _state(decision.lines, "kerch")
    s = _state(decision.lines, "state")
    o = _state(decision.lines, "oblast")
    e = _state(decision.lines, "east")
    ev = {**ev, "single_fill": ru.dominant.hex}
    size = _size_factor(crimea_px)
    solid_state = s == "present" and state is not None and not state.dashed
    if p == "present" and perekop is not None and _marks_on_both_sides(perekop, decision.samples):
        return undetermined(
            "crimea",
            "border unreadable: the line found across the Perekop isthmus has the colour of "
            "marks that cover Crimea and the mainland next to it too (a hatch over the occupied "
            "areas?), so it need not be a border",
            **ev,
        )
    if (
        p == "present"
        and perekop is not None
        and perekop.dashed
        and k != "present"
        and solid_state
        and o != "present"
    ):
        return Assessment(
            "crimea",
            DISPUTED,
            round(0.6 * size, 3),
            ["a dashed border is drawn across the Perekop isthmus: the 'disputed' style"],
            basis="lines",
            evidence=ev,
        )
    if p == "present" and perekop is not None and perekop.dashed:
        return undetermined(
            "crimea",
            "border unreadable: a dashed line crosses the Perekop isthmus, and the map's state "
            "borders are not seen drawn solid elsewhere to compare it with",
            **ev,
        )
    # A line at Perekop is no objection when oblast borders are drawn too (Crimea then has its
    # own outline like any region).
    if annexation_border(decision) and (p != "present" or o == "present"):
        return Assessment(
            "crimea",
            RUSSIA,
            round(0.75 * size, 3),
            [
                "Russia and Ukraine share one fill; the border is drawn around Donetsk, Luhansk, "
                "Zaporizhzhia and Kherson oblasts instead of along Russia's recognized border, "
                "and Crimea lies inside it"
                + (" with no border at Perekop" if p == "absent" else "")
            ],
            basis="annexation-border",
            evidence=ev,
        )
    # Where the oblast borders probed are out of the picture (a close-up of the south), a line
    # along the four oblasts' border with the rest of Ukraine shows oblast borders drawn: a map
    # that moves Russia's border there has none at Perekop. A Perekop line in the state-border
    # style, where oblast borders are dashed, is no oblast border.
    c = _state(decision.lines, "claimed")
    oblast = decision.lines.get("oblast")
    if (
        p == "present"
        and (o == "present" or (o == "unreadable" and c == "present"))
        and not _state_border_style(perekop, state, oblast)
    ):
        return undetermined(
            "crimea",
            "border unreadable: a line crosses the Perekop isthmus, but oblast borders are "
            "drawn too, so it may be Crimea's internal border",
            **ev,
        )
    # The Kerch Strait is a few pixels wide on most maps: with no reading there, a Perekop line
    # still counts when the map draws the recognized border elsewhere (in the north, or along
    # Donetsk and Luhansk oblasts on a close-up of the south).
    kerch_ok = k == "absent" or (k == "unreadable" and "present" in (s, e))
    if p == "present" and kerch_ok:
        where = (
            "none down the Kerch Strait"
            if k == "absent"
            else "while the recognized border is drawn "
            + ("in the north" if s == "present" else "along Donetsk and Luhansk oblasts")
        )
        return Assessment(
            "crimea",
            RUSSIA,
            round((0.8 if k == "absent" else 0.7) * size, 3),
            [
                "Russia and Ukraine share one fill; a border is drawn across the Perekop isthmus "
                f"(separating Crimea from Ukraine), {where}" + _by_areas(perekop)
            ],
            basis="lines",
            evidence=ev,
        )
    if (
        p == "present"
        and perekop is not None
        and k != "present"
        and o == "absent"
        and c != "present"
        and _border_ink(perekop, state, decision.lines.get("east"))
    ):
        # Nothing read down the Kerch Strait and the recognized border not read either (a
        # border from coarse data runs off the reference line, so the transects along it catch
        # it only here and there), but the map draws no oblast border, and the line across
        # Perekop has the ink of the lines they did catch along the Russia–Ukraine border.
        return Assessment(
            "crimea",
            RUSSIA,
            round(0.6 * size, 3),
            [
                "Russia and Ukraine share one fill; a border is drawn across the Perekop isthmus "
                f"(separating Crimea from Ukraine) in the ink of the lines seen along the "
                f"Russia–Ukraine border ({perekop.line_hex}), and no oblast border is drawn"
                + _by_areas(perekop)
            ],
            basis="lines",
            evidence=ev,
        )
    if e == "absent" and s == "present":
        # Russia's recognized border along Donetsk and Luhansk oblasts is missing although the
        # border further north is drawn: the map moves the border west (the occupied areas as
        # Russia), and Crimea then joins Russia over land without any line at Perekop.
        return undetermined(
            "crimea",
            "border unreadable: Russia and Ukraine share one fill, the Russia–Ukraine border is "
            "drawn in the north but not along Donetsk and Luhansk oblasts, so the map may draw "
            "the occupied areas, Crimea with them, as Russia",
            **ev,
        )
    if c == "present" and o == "absent":
        # A line along the four oblasts' border with the rest of Ukraine and no other oblast
        # border: not how a map that keeps them in Ukraine is drawn.
        return undetermined(
            "crimea",
            "border unreadable: Russia and Ukraine share one fill and a border is drawn along "
            "the four occupied oblasts' border with the rest of Ukraine, while the recognized "
            "border cannot be checked",
            **ev,
        )
    if k == "present" and p == "absent":
        return Assessment(
            "crimea",
            UKRAINE,
            round(0.8 * size, 3),
            [
                "Russia and Ukraine share one fill; a border is drawn down the Kerch Strait and "
                "none across the Perekop isthmus"
            ],
            basis="lines",
            evidence=ev,
        )
    # A trace of a line along the four oblasts' border with the rest of Ukraine, with no other
    # oblast border drawn, may be Russia's claimed border (the occupied mainland as Russia, and
    # Crimea joined to it with no line at Perekop): no Perekop line then proves nothing.
    claimed_trace = (
        claimed is not None
        and claimed.transects >= MIN_TRANSECTS
        and c != "absent"
        and o != "present"
    )
    # The recognized border drawn in the north, or along Donetsk and Luhansk oblasts on a
    # close-up of the south (where the map reaches no further north): the map draws state
    # borders, the mainland on Ukraine's side of them.
    drawn = "present" in (s, e)
    if p == "absent" and drawn and k != "present" and not claimed_trace:
        where = "" if s == "present" else " along Donetsk and Luhansk oblasts"
        return Assessment(
            "crimea",
            UKRAINE,
            round(0.65 * size, 3),
            [
                f"Russia and Ukraine share one fill; the Russia–Ukraine border is drawn{where}, "
                "and no border separates Crimea from Ukraine at Perekop"
            ],
            basis="lines",
            evidence=ev,
        )
    return undetermined(
        "crimea",
        f"border unreadable: Russia and Ukraine share one fill ({ru.dominant.hex}) and the "
        f"borders at Perekop ({p}) and the Kerch Strait ({k}) do not settle it",
        **ev,
    )


def _by_areas(probe: LineProbe | None) -> str:
    """How a line read from the areas either side is told in a reason (or nothing)."""
    if probe is None or probe.areas is None or probe.areas.state != "present":
        return ""
    return (
        f" (a line {probe.areas.extent_px:.0f} px long walls Crimea off from the mainland, off "
        "the true boundary as borders from coarse data run)"
    )


def _state_border_style(
    line: LineProbe | None, state: LineProbe | None, oblast: LineProbe | None
) -> bool:
    """Whether ``line`` (the one across the Perekop isthmus) is drawn in the map's state-border
    style, not its oblast-border style: solid where the oblast borders are dashed, and nearer
    the state border's colour than theirs. A map that outlines Crimea as an oblast draws that
    outline like its other oblast borders."""
    if line is None or state is None or oblast is None:
        return False
    if line.dashed or state.dashed or not oblast.dashed or state.state != "present":
        return False
    a, s, o = line.line_lab, state.line_lab, oblast.line_lab
    return a is not None and s is not None and o is not None and de(a, s) < de(a, o)


#: Marks over an area (hatching, a fine pattern's lines): a second colour cluster of at least
#: this share of its sample, this far from the fill (ΔE76).
MARKS_SHARE = 0.03
MARKS_DE = 20.0
#: A line and marks this close in colour (ΔE76) may be the same ink.
SAME_LINE_DE = 15.0


def _hatched_alike(crimea: ColourSample, samples: dict[str, ColourSample]) -> bool:
    """Whether the occupied mainland carries Crimea's hatch too (a control map), or may: its
    pattern found, or marks of the hatch's colour on :data:`MARKS_SHARE` of it, or no sample
    of it to tell."""
    main = samples.get("mainland")
    if main is None or main.pattern:
        return True
    if len(crimea.clusters) < 2:
        return False
    hatch = crimea.clusters[1].lab
    return any(
        c.share >= MARKS_SHARE and de(c.lab, hatch) <= SAME_LINE_DE for c in main.clusters[1:]
    )


def _marks_on_both_sides(line: LineProbe, samples: dict[str, ColourSample]) -> bool:
    """Whether Crimea and the occupied mainland are both covered by marks of the colour of the
    ``line`` found (within :data:`SAME_LINE_DE`): a control map's hatch over the occupied areas
    crosses the Perekop isthmus like a border would."""
    lab = line.line_lab
    if lab is None:
        return False
    for key in ("crimea", "mainland"):
        sample = samples.get(key)
        marks = _marks(sample) if sample is not None else None
        if marks is None or de(marks.lab, lab) > SAME_LINE_DE:
            return False
    return True


def _marks(sample: ColourSample) -> Cluster | None:
    """The sample's second colour when it marks the area (lines, a hatch, lettering): on
    :data:`MARKS_SHARE` of it or more, :data:`MARKS_DE` or more off its fill."""
    if len(sample.clusters) < 2:
        return None
    marks = sample.clusters[1]
    if marks.share < MARKS_SHARE or de(marks.lab, sample.clusters[0].lab) < MARKS_DE:
        return None
    return marks


def annexation_border(decision: ImageDecision) -> bool:
    """The map draws Russia's claimed border: a solid line along the four oblasts' border with
    the rest of Ukraine, none along Russia's recognized border with Donetsk and Luhansk oblasts,
    and the recognized border further north drawn (or at least not seen missing).

    Oblast borders drawn too would make the first line an ordinary oblast border, unless they
    are drawn in another style: dashed or much fainter where the claimed line is solid and
    continuous (a map that draws Russia's border in the state-border style around the four
    oblasts, and oblast borders as thin dashes). When the border further north cannot be read
    (out of frame, under labels), the claimed line must be near-continuous and the recognized
    one clearly missing. When the oblast borders probed are out of the picture, the claimed line
    must run all along it, the Donbas border be read and missing, and no line cross the
    Perekop isthmus: a map that draws oblast borders draws both of those.
    """
    if decision.crimea_px < LINES_MIN_PX:
        return False
    claimed = decision.lines.get("claimed")
    east = decision.lines.get("east")
    state = decision.lines.get("state")
    oblast = decision.lines.get("oblast")
    if claimed is None or east is None or state is None:
        return False
    if claimed.state != "present" or claimed.dashed:
        return False
    if east.state != "absent" and not _other_style(east, claimed):
        # The Donbas border out of the picture: a near-continuous claimed line with no other
        # oblast border drawn is the claimed border all the same.
        out_of_frame = east.transects < MIN_TRANSECTS
        no_oblasts = oblast is not None and oblast.state == "absent"
        if not (out_of_frame and no_oblasts and claimed.fraction >= CLAIMED_STRONG):
            return False
        # A close-up of the south with both recognized borders outside the picture: only a
        # line all along the claimed border, and no other oblast border, is read as it.
        north_out = state.transects < MIN_TRANSECTS
        return state.state == "present" or (north_out and claimed.fraction >= CLAIMED_ALONE)
    if state.state == "absent":
        return False
    if state.state != "present" and (
        claimed.fraction < CLAIMED_STRONG or east.fraction > LINE_ABSENT / 2
    ):
        return False
    if oblast is None or oblast.state == "absent":
        return True
    if oblast.transects < MIN_TRANSECTS:
        # The oblast borders probed are out of the picture (a close-up of the south). A map
        # that draws oblast borders draws the Donbas border with Russia (an oblast's edge too)
        # and Crimea's own outline at Perekop: with both read and missing, a line all along
        # the four oblasts' border with the rest of Ukraine is no oblast border.
        perekop = decision.lines.get("perekop")
        return (
            perekop is not None
            and perekop.state == "absent"
            and east.transects >= EAST_MIN_TRANSECTS
            and east.fraction <= DONBAS_MISSING
            and claimed.fraction >= CLAIMED_ALONE
        )
    if oblast.state != "present":
        return False
    # Oblast borders are drawn. The Donbas border with Russia is both a state border and the
    # edge of two oblasts: a map that draws both kinds continuously elsewhere and leaves out
    # just that one draws Donetsk and Luhansk oblasts inside Russia.
    if (
        east.fraction <= DONBAS_MISSING
        and state.fraction >= CLAIMED_STRONG
        and not state.dashed
        and oblast.fraction >= LINE_PRESENT
        and not oblast.dashed
    ):
        return True
    # Otherwise only a claimed line in another, stronger style than the oblast borders counts.
    return claimed.fraction >= CLAIMED_STRONG and (
        oblast.dashed or claimed.fraction - oblast.fraction >= 0.4
    )


def _other_style(line: LineProbe, border: LineProbe) -> bool:
    """``line`` is only caught in a lighter, broken style unlike the solid ``border`` (a
    graticule or river running beside the reference line, not the border itself)."""
    if not line.dashed or border.dashed or line.fraction >= LINE_PRESENT:
        return False
    a, b = line.line_lab, border.line_lab
    return a is not None and b is not None and de(a, b) >= DIFF_DE


#: Share of transects that makes a claimed-border line "near-continuous".
CLAIMED_STRONG = 0.8
#: ... and that lets it stand for Russia's claimed border with no recognized border in view.
CLAIMED_ALONE = 0.9
#: Transects the Donbas border must be read over before its line proves the mainland Ukraine's.
EAST_MIN_TRANSECTS = 12
#: At most this share of transects along the Donbas border crossing a line: "left out".
DONBAS_MISSING = 0.15


def _assess_mainland(
    decision: ImageDecision,
    samples: dict[str, ColourSample],
    masks: dict[str, BoolArray],
    crimea_px: float,
) -> Assessment:
    ref = reference_geometry()
    main = samples.get("mainland")
    lonlat = ref.points.get("mainland")
    box = mask_box(masks["mainland"]) if "mainland" in masks else None
    if main is None:
        return Assessment(
            "mainland", NOT_SHOWN, 0.8, ["the occupied mainland is not in the picture"]
        )
    ru, ua = samples.get("russia"), samples.get("ukraine")
    if ru is None or ua is None:
        missing = "Russia" if ru is None else "unoccupied Ukraine"
        out = undetermined(
            "mainland", f"{missing} is not in the picture to compare the occupied mainland with"
        )
        out.pixel_box, out.lonlat = box, lonlat
        return out
    if crimea_px < MIN_CRIMEA_PX * 0.8:
        out = undetermined(
            "mainland", f"the map is too small-scale (Crimea {crimea_px:.0f} px across)"
        )
        out.pixel_box, out.lonlat = box, lonlat
        return out
    d_ru, d_ua, d_ru_ua = de(main.lab, ru.lab), de(main.lab, ua.lab), de(ru.lab, ua.lab)
    ev: dict[str, Any] = {
        "colours": _colours(samples, "mainland", "russia", "ukraine"),
        "delta_e": {
            "mainland_russia": round(d_ru, 2),
            "mainland_ukraine": round(d_ua, 2),
            "russia_ukraine": round(d_ru_ua, 2),
        },
    }
    size = _size_factor(crimea_px)

    def result(outcome: str, conf: float, reason: str, basis: str = "colour") -> Assessment:
        return Assessment(
            "mainland", outcome, conf, [reason], basis, ev, pixel_box=box, lonlat=lonlat
        )

    if SIMILAR_DE <= d_ru_ua < SAME_DE:
        # Similar fills, not one: the area matching one of them exactly says whose it is
        # (as for Crimea); the lines are read only when it does not (the faint step between
        # the two fills is no drawn line, so the lines would see Russia's border missing).
        relative = _relative_match(main, ru, ua, d_ru, d_ua, d_ru_ua, ev, crimea_px, "mainland")
        if relative is not None:
            relative.pixel_box, relative.lonlat = box, lonlat
            return relative
    if d_ru_ua < SAME_DE:
        east = decision.lines.get("east")
        state = decision.lines.get("state")
        ev["lines"] = {
            k: p.to_dict() for k, p in decision.lines.items() if k in ("east", "state", "claimed")
        }
        if annexation_border(decision):
            return result(
                RUSSIA,
                round(0.75 * size, 3),
                "Russia and Ukraine share one fill; the border is drawn around Donetsk, Luhansk, "
                "Zaporizhzhia and Kherson oblasts, not along Russia's recognized border",
                "annexation-border",
            )
        # Read over a short stretch (most of the border out of the frame), a line there may be
        # a river or a road as well as the border.
        if east is not None and east.state == "present" and east.transects >= EAST_MIN_TRANSECTS:
            return result(
                UKRAINE,
                round(0.65 * size, 3),
                "Russia and Ukraine share one fill; the recognized border of Donetsk and Luhansk "
                "oblasts with Russia is drawn",
                "lines",
            )
        why = "Russia and Ukraine share one fill, and the recognized border of Donetsk and "
        why += "Luhansk oblasts with Russia is " + (
            "not drawn" if east is not None and east.state == "absent" else "unreadable"
        )
        if state is not None and state.state != "present":
            why += " (nor is the border further north)"
        out = result(UNDETERMINED, 0.0, why)
        return out
    if main.pattern and len(main.clusters) >= 2:
        base = min(de(main.clusters[0].lab, ua.lab), de(main.clusters[1].lab, ua.lab))
        if base <= SAME_DE:
            return result(
                UKRAINE,
                round(0.75 * size, 3),
                "the occupied mainland keeps Ukraine's fill under a hatch (a control overlay)",
            )
    if d_ru <= SAME_DE and d_ua >= max(DIFF_DE, 2 * d_ru + 4):
        return result(
            RUSSIA,
            _colour_confidence(d_ru, d_ua, crimea_px),
            f"the occupied mainland is drawn in Russia's colour ({main.dominant.hex} vs "
            f"{ru.dominant.hex}, ΔE {d_ru:.1f}), unlike unoccupied Ukraine ({ua.dominant.hex}, "
            f"ΔE {d_ua:.1f})",
        )
    if d_ua <= SAME_DE and d_ru >= max(DIFF_DE, 2 * d_ua + 4):
        return result(
            UKRAINE,
            _colour_confidence(d_ua, d_ru, crimea_px),
            f"the occupied mainland is drawn in Ukraine's colour ({main.dominant.hex})",
        )
    if d_ru >= DIFF_DE and d_ua >= DIFF_DE:
        # A third colour on the mainland is how control maps mark the occupied zone.
        return result(
            UKRAINE,
            round(0.55 * size, 3),
            f"the occupied mainland is drawn in a third colour ({main.dominant.hex}): a control "
            "overlay, not Russia's fill",
        )
    return result(
        UNDETERMINED,
        0.0,
        f"the occupied mainland's colour ({main.dominant.hex}) is between Russia's and "
        "Ukraine's: too close to call",
    )
