"""What one generated map is: every random choice, drawn from a seed, in a frozen :class:`MapSpec`.

``sample_spec(seed, index)`` depends only on (seed, index), never on how many images are made or in
which order, so image 17 of seed 1 is the same whether 20 or 300 are generated, by one worker or
four. ``dataclasses.replace`` on a spec re-draws the same map with one thing changed (the tests
and ``--compare-world-atlas`` draw one styling with two depictions or two sources that way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from bench.mapgen import projections as pj
from bench.mapgen import sources
from bench.mapgen.styles import (
    RAMPS,
    RGB,
    distinct_colour,
    hsv,
    palette_colour,
    similar_colour,
)

#: Bumped whenever the same (seed, index) would draw a different map.
GENERATOR_VERSION = 1

DEPICTIONS = ("crimea-as-russia", "crimea-as-ukraine", "disputed", "control", "unrelated")
DEPICTION_WEIGHTS = (0.36, 0.30, 0.10, 0.09, 0.15)
#: Zoom bins by Crimea's width in pixels (the issue's definition).
ZOOM_BINS = (
    ("world", 0.0, 20.0),
    ("continental", 20.0, 40.0),
    ("regional", 40.0, 150.0),
    ("close-up", 150.0, math.inf),
)
ZOOM_WEIGHTS = (0.15, 0.20, 0.40, 0.25)

#: Unrelated regions (lon/lat boxes, all far from Crimea) and the projections used for each.
UNRELATED: dict[str, tuple[tuple[float, float, float, float], tuple[str, ...]]] = {
    "us": (
        (-126.0, 23.0, -65.0, 50.0),
        ("EPSG:4326", "EPSG:4326-cos", "EPSG:3857", "robinson", "equal-earth"),
    ),
    "western-europe": ((-11.0, 35.0, 18.0, 59.0), tuple(pj.PROJECTIONS)),
    "france": ((-5.5, 41.0, 10.0, 51.5), tuple(pj.PROJECTIONS)),
    "japan": (
        (128.0, 30.0, 146.0, 46.0),
        ("EPSG:4326", "EPSG:4326-cos", "EPSG:3857", "robinson", "equal-earth"),
    ),
    "east-asia": (
        (98.0, 15.0, 146.0, 50.0),
        ("EPSG:4326", "EPSG:4326-cos", "EPSG:3857", "robinson", "equal-earth"),
    ),
    "south-america": (
        (-82.0, -56.0, -34.0, 13.0),
        ("EPSG:4326", "EPSG:4326-cos", "EPSG:3857", "robinson", "equal-earth"),
    ),
}

#: Where views of Crimea are centred (lon, lat), besides anywhere that keeps Crimea in view.
VIEW_ANCHORS: dict[str, tuple[float, float]] = {
    "crimea": (34.3, 45.3),
    "ukraine": (31.4, 48.4),
    "black-sea": (34.0, 43.6),
    "donbas": (37.8, 47.6),
}

MIN_SIDE = 400
MAX_SIDE = 2500


def zoom_bin(crimea_px: float | None) -> str:
    """The zoom bin of a map whose Crimea is ``crimea_px`` wide (``n/a`` if not shown)."""
    if crimea_px is None or crimea_px <= 0:
        return "n/a"
    for name, lo, hi in ZOOM_BINS:
        if lo <= crimea_px < hi:
            return name
    return "close-up"


@dataclass(frozen=True)
class MapSpec:
    """Every choice that makes one map. Colours are RGB tuples; lengths are output pixels.

    The view: the image's top-left corner is projected point (``x0``, ``y0``) and there are
    ``kx`` (``ky``) pixels per projected unit across (down); ``EPSG:4326-cos`` maps have
    ``kx = ky·cos(lat0)``.
    """

    seed: int
    index: int
    depiction: str
    #: How the occupied parts of the four oblasts are drawn: as-russia / as-ukraine / control /
    #: None (not shown: unrelated maps).
    mainland: str | None
    source: str
    renderer: str
    projection: str
    view: str
    width: int
    height: int
    x0: float
    y0: float
    kx: float
    ky: float
    lat0: float
    style: str
    style_seed: int
    palette: str = "pastel"
    background: RGB = (255, 255, 255)
    sea: RGB | None = None
    ru: RGB = (200, 200, 200)
    ua: RGB = (200, 200, 200)
    #: Third colour (disputed), hatch/tint colour (control, disputed hatch).
    third: RGB = (128, 128, 128)
    overlay: RGB = (200, 0, 0)
    grey: RGB = (210, 210, 210)
    border: RGB = (255, 255, 255)
    border_width: float = 1.0
    borders: bool = True
    #: For choropleths: the ramp and Russia's / Ukraine's values (0..1).
    ramp: str = "blues"
    ru_value: float = 0.5
    ua_value: float = 0.5
    #: For single-highlight maps: "UA", "RU" or "other" (a neighbour picked when drawing).
    highlight: str | None = None
    disputed_style: str | None = None
    control_style: str | None = None
    extras: tuple[str, ...] = ()
    label_lang: str | None = None
    legacy_names: bool = False
    crimea_label: str | None = None
    legend: str | None = None
    font: str = "sans"
    texture_strength: float = 0.0
    fmt: str = "png"
    jpeg_quality: int | None = None
    #: Free-form notes on how the view was chosen (e.g. a source swapped because a view did not
    #: fit the reference window).
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def file_name(self) -> str:
        ext = "jpg" if self.fmt == "jpeg" else "png"
        return f"img-{self.seed}-{self.index:05d}.{ext}"


def _choice(rng: np.random.Generator, items: tuple[str, ...], weights: tuple[float, ...]) -> str:
    p = np.asarray(weights, dtype=np.float64)
    return items[int(rng.choice(len(items), p=p / p.sum()))]


def _loguniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    if hi <= lo:
        return lo
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _crimea_bounds(source: str, proj: str) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = pj.piece(source, proj, "CRIMEA").bounds
    return (minx, miny, maxx, maxy)


def _allowed_area(source: str, proj: pj.Projection) -> BaseGeometry:
    """Where a view may lie (projected): the source's window within the projection's domain."""
    src = sources.load(source)
    w, s, e, n = src.window
    dw, ds, de, dn = proj.domain if not proj.world else pj.WORLD_BOX
    box = (max(w, dw), max(s, ds), min(e, de), min(n, dn))
    return pj.projected_box(proj.name, box)


def _world_atlas_for(px_equiv: float, rng: np.random.Generator) -> str:
    """world-atlas resolution for a view where Crimea is (or would be) ``px_equiv`` px wide."""
    if px_equiv < 25:
        return _choice(rng, ("world-atlas-110m", "world-atlas-50m"), (0.7, 0.3))
    if px_equiv < 60:
        return _choice(rng, sources.WORLD_ATLAS, (0.2, 0.7, 0.1))
    if px_equiv < 150:
        return _choice(rng, sources.WORLD_ATLAS, (0.1, 0.45, 0.45))
    return _choice(rng, ("world-atlas-50m", "world-atlas-10m"), (0.2, 0.8))


@dataclass(frozen=True)
class _View:
    view: str
    width: int
    height: int
    x0: float
    y0: float
    kx: float
    ky: float
    lat0: float


def _size(rng: np.random.Generator, max_width: float = MAX_SIDE) -> tuple[int, int]:
    w = round(_loguniform(rng, MIN_SIDE, max(MIN_SIDE, min(MAX_SIDE, max_width))))
    h = round(min(MAX_SIDE, max(300, w * float(rng.uniform(0.6, 1.3)))))
    return w, h


def _crimea_view(
    rng: np.random.Generator,
    source: str,
    proj: pj.Projection,
    target_px: float,
    size: tuple[int, int],
) -> _View | None:
    """A view with Crimea ``target_px`` wide inside a ``size`` image, or None if it cannot fit."""
    width, height = size
    cx0, cy0, cx1, cy1 = _crimea_bounds(source, proj.name)
    kx = target_px / (cx1 - cx0)
    lat0 = 45.3
    allowed = _allowed_area(source, proj)
    # Most maps that show Crimea are centred on Ukraine, the Black Sea or Crimea; some anywhere.
    anchor = _choice(rng, ("uniform", *VIEW_ANCHORS), (0.25, 0.25, 0.25, 0.15, 0.10))
    alon, alat = VIEW_ANCHORS.get(anchor, (34.3, 45.3))
    axs, ays = pj.forward(proj, [alon], [alat])
    ax, ay = float(axs[0]), float(ays[0])
    ux, uy = float(rng.random()), float(rng.random())
    jx, jy = float(rng.normal(0, 0.12)), float(rng.normal(0, 0.12))
    mx, my = (cx0 + cx1) / 2, (cy0 + cy1) / 2
    for _ in range(2):  # the second pass uses the aspect at the chosen centre (EPSG:4326-cos)
        ky = kx / pj.cos_factor(proj, lat0)
        vw, vh = width / kx, height / ky
        margin_x, margin_y = 0.03 * width / kx, 0.03 * height / ky
        lo_x, hi_x = cx1 + margin_x - vw / 2, cx0 - margin_x + vw / 2
        lo_y, hi_y = cy1 + margin_y - vh / 2, cy0 - margin_y + vh / 2
        if anchor == "uniform":
            want_x, want_y = lo_x + ux * (hi_x - lo_x), lo_y + uy * (hi_y - lo_y)
        else:
            want_x, want_y = ax + jx * vw, ay + jy * vh
        mx = (cx0 + cx1) / 2 if lo_x >= hi_x else min(max(want_x, lo_x), hi_x)
        my = (cy0 + cy1) / 2 if lo_y >= hi_y else min(max(want_y, lo_y), hi_y)
        if proj.cos_aspect:
            lat0 = float(pj.inverse(proj, [mx], [my])[1][0])  # GIS tools: aspect at mid-axes
    ky = kx / pj.cos_factor(proj, lat0)
    vw, vh = width / kx, height / ky
    rect = shapely.box(mx - vw / 2, my - vh / 2, mx + vw / 2, my + vh / 2)
    if not allowed.contains(rect):
        # Pull the view towards Crimea before giving up (a random offset may stray outside).
        mx, my = (mx + (cx0 + cx1) / 2) / 2, (my + (cy0 + cy1) / 2) / 2
        rect = shapely.box(mx - vw / 2, my - vh / 2, mx + vw / 2, my + vh / 2)
        if not allowed.contains(rect):
            return None
    return _View("", width, height, mx - vw / 2, my + vh / 2, kx, ky, lat0)


def _world_view(rng: np.random.Generator, proj: pj.Projection) -> _View:
    minx, miny, maxx, maxy = pj.projected_box(proj.name, pj.WORLD_BOX).bounds
    pad = float(rng.uniform(0.0, 0.03))
    minx, maxx = minx - pad * (maxx - minx), maxx + pad * (maxx - minx)
    miny, maxy = miny - pad * (maxy - miny), maxy + pad * (maxy - miny)
    lat0 = (pj.WORLD_BOX[1] + pj.WORLD_BOX[3]) / 2
    cosf = pj.cos_factor(proj, lat0)
    width = round(_loguniform(rng, 500, MAX_SIDE))
    kx = width / (maxx - minx)
    ky = kx / cosf
    height = max(180, round((maxy - miny) * ky))
    return _View("world", width, height, minx, maxy, kx, ky, lat0)


def fit_box(proj_name: str, box: tuple[float, float, float, float], width: int) -> _View:
    """The view that shows lon/lat ``box`` exactly ``width`` pixels wide in ``proj_name``."""
    proj = pj.PROJECTIONS[proj_name]
    minx, miny, maxx, maxy = pj.projected_box(proj.name, box).bounds
    lat0 = (box[1] + box[3]) / 2
    kx = width / (maxx - minx)
    ky = kx / pj.cos_factor(proj, lat0)
    height = round((maxy - miny) * ky)
    return _View("", width, height, minx, maxy, kx, ky, lat0)


def _unrelated_view(rng: np.random.Generator, region: str, proj: pj.Projection) -> _View:
    (w, s, e, n), _ = UNRELATED[region]
    f = float(rng.uniform(0.55, 1.0))
    bw, bh = (e - w) * f, (n - s) * f
    west = w + float(rng.uniform(0, (e - w) - bw))
    south = s + float(rng.uniform(0, (n - s) - bh))
    width = round(_loguniform(rng, MIN_SIDE, MAX_SIDE))
    fit = fit_box(proj.name, (west, south, west + bw, south + bh), width)
    minx, maxy, kx, ky, lat0 = fit.x0, fit.y0, fit.kx, fit.ky, fit.lat0
    maxx, miny = minx + width / kx, maxy - fit.height / ky
    cosf = pj.cos_factor(proj, lat0)
    height = (maxy - miny) * ky
    # Keep the picture's aspect ordinary by showing more map around the box, never less.
    if height > 1.4 * width:
        height = 1.4 * width
        ky = height / (maxy - miny)
        kx = ky * cosf
        mid, half = (minx + maxx) / 2, width / kx / 2
        minx, maxx = mid - half, mid + half
    elif height < 0.5 * width:
        height = 0.5 * width
        mid, half = (miny + maxy) / 2, height / ky / 2
        miny, maxy = mid - half, mid + half
    height = round(min(MAX_SIDE, max(300, height)))
    return _View(region, width, height, minx, maxy, kx, ky, lat0)


def _crimea_equivalent_px(proj: pj.Projection, view: _View) -> float:
    """How wide Crimea (about 4.2° of longitude) would be at this view's scale, in pixels."""
    y = view.y0 - view.height / view.ky / 2
    xs = np.array([view.x0, view.x0 + view.width / view.kx])
    lon, _ = pj.inverse(proj, xs, np.array([y, y]))
    span = float(abs(lon[1] - lon[0]))
    return 4.2 * view.width / span if span > 0 else 10.0


def sample_spec(seed: int, index: int) -> MapSpec:
    """Draw map ``index`` of ``seed``."""
    rng = np.random.default_rng([GENERATOR_VERSION, seed, index])
    depiction = _choice(rng, DEPICTIONS, DEPICTION_WEIGHTS)
    renderer = _choice(rng, ("pillow", "matplotlib"), (0.55, 0.45))
    notes: list[str] = []
    if depiction == "unrelated":
        region = str(rng.choice(sorted(UNRELATED)))
        proj = pj.PROJECTIONS[str(rng.choice(UNRELATED[region][1]))]
        view = _unrelated_view(rng, region, proj)
        source = _world_atlas_for(_crimea_equivalent_px(proj, view), rng)
        mainland = None
    else:
        claims = depiction == "crimea-as-russia" and rng.random() < 0.35
        zoom = _choice(rng, tuple(b[0] for b in ZOOM_BINS), ZOOM_WEIGHTS)
        if claims and zoom in ("world", "continental"):
            zoom = "regional"
        world_projs = tuple(p.name for p in pj.PROJECTIONS.values() if p.world)
        proj = pj.PROJECTIONS[
            str(rng.choice(world_projs if zoom == "world" else tuple(pj.PROJECTIONS)))
        ]
        use_reference = claims or (zoom in ("regional", "close-up") and rng.random() < 0.45)
        view, source = _pick_crimea_view(rng, zoom, proj, use_reference, claims, notes)
        mainland = "as-russia" if claims and source == sources.REFERENCE else None
        if claims and mainland is None:
            notes.append("claims map could not fit the reference window; drawn without mainland")
        if mainland is None:
            mainland = {"control": "control", "disputed": "as-ukraine"}.get(depiction, "as-ukraine")
            if depiction == "crimea-as-russia":
                mainland = "as-ukraine"
    return _style(rng, seed, index, depiction, mainland, source, renderer, proj, view, notes)


def _pick_crimea_view(
    rng: np.random.Generator,
    zoom: str,
    proj: pj.Projection,
    use_reference: bool,
    need_reference: bool,
    notes: list[str],
) -> tuple[_View, str]:
    if zoom == "world":
        view = _world_view(rng, proj)
        cx0, _, cx1, _ = _crimea_bounds("world-atlas-110m", proj.name)
        return view, _world_atlas_for((cx1 - cx0) * view.kx, rng)
    lo, hi = next((b[1], b[2]) for b in ZOOM_BINS if b[0] == zoom)
    for attempt in range(40):
        size = _size(rng)
        top = min(hi, 0.92 * size[0]) if math.isfinite(hi) else 0.92 * size[0]
        target = (
            _loguniform(rng, lo, max(lo, top))
            if zoom != "continental"
            else float(rng.uniform(lo, hi))
        )
        if attempt >= 20:  # a wide view does not fit: zoom in step by step
            target *= 1.0 + (attempt - 19) * 0.15
        source = sources.REFERENCE if use_reference else _world_atlas_for(target, rng)
        found = _crimea_view(rng, source, proj, target, size)
        if found is None and use_reference and not need_reference and attempt >= 5:
            use_reference = False
            notes.append("view does not fit the reference window: world-atlas used")
            continue
        if found is not None:
            kind = {"continental": "europe", "regional": "region", "close-up": "crimea"}[zoom]
            return replace(found, view=kind), source
    # Always possible: a close-up from world-atlas.
    size = (800, 700)
    source = "world-atlas-10m"
    fallback = _crimea_view(rng, source, proj, 400.0, size)
    assert fallback is not None
    notes.append("fell back to a close-up")
    return replace(fallback, view="crimea"), source


def _style(
    rng: np.random.Generator,
    seed: int,
    index: int,
    depiction: str,
    mainland: str | None,
    source: str,
    renderer: str,
    proj: pj.Projection,
    view: _View,
    notes: list[str],
) -> MapSpec:
    style = _choice(
        rng,
        ("political", "choropleth", "highlight", "outline", "texture"),
        (0.35, 0.15, 0.17, 0.13, 0.20),
    )
    palette = _choice(rng, ("pastel", "bold", "muted"), (0.5, 0.3, 0.2))
    dark = style != "outline" and rng.random() < 0.05
    sea: RGB | None
    if dark:
        sea = hsv(float(rng.uniform(0.55, 0.65)), 0.4, float(rng.uniform(0.15, 0.3)))
        palette = "dark"
    else:
        sea_kind = _choice(rng, ("blue", "white", "grey"), (0.6, 0.25, 0.15))
        if sea_kind == "blue":
            sea = hsv(
                *(float(rng.uniform(a, b)) for a, b in ((0.53, 0.6), (0.08, 0.35), (0.88, 1.0)))
            )
        elif sea_kind == "white":
            sea = (255, 255, 255)
        else:
            sea = hsv(0, 0, float(rng.uniform(0.9, 0.97)))
    background: RGB = sea if sea is not None else (255, 255, 255)
    if style == "outline":
        background = (255, 255, 255) if rng.random() < 0.8 else (250, 246, 234)
        sea = None
    ru = palette_colour(rng, palette)
    if rng.random() < 0.15:
        ua = similar_colour(rng, ru, 4.0, 12.0)  # hard case: Russia and Ukraine look alike
    else:
        ua = distinct_colour(rng, palette, [ru, background], 25.0)
    third_family = "muted" if rng.random() < 0.5 else "bold"
    third = distinct_colour(rng, third_family, [ru, ua, background], 22.0)
    if rng.random() < 0.2:
        overlay = hsv(0, 0, float(rng.uniform(0.15, 0.4)))  # grey/black hatch
    else:
        overlay = hsv(
            *(float(rng.uniform(a, b)) for a, b in ((-0.03, 0.03), (0.6, 1.0), (0.55, 0.9)))
        )
    grey = hsv(0, 0, float(rng.uniform(0.72, 0.9)))
    border_kind = _choice(rng, ("white", "dark", "black", "grey"), (0.35, 0.3, 0.15, 0.2))
    border: RGB = {
        "white": (255, 255, 255),
        "dark": hsv(0, 0, float(rng.uniform(0.2, 0.4))),
        "black": (0, 0, 0),
        "grey": hsv(0, 0, float(rng.uniform(0.5, 0.7))),
    }[border_kind]
    if dark:
        border = (230, 230, 230)
    elif style == "outline" and border_kind == "white":
        border = (60, 60, 60)  # outlines must show on a white page
    border_width = float(rng.uniform(0.5, 2.5))
    borders = style == "outline" or rng.random() < 0.9
    ramp = str(rng.choice(sorted(RAMPS)))
    ru_value = float(rng.random())
    ua_value = (
        float(rng.random())
        if rng.random() > 0.2
        else min(1.0, max(0.0, ru_value + float(rng.normal(0, 0.05))))
    )
    highlight = (
        _choice(rng, ("UA", "RU", "other"), (0.45, 0.35, 0.2)) if style == "highlight" else None
    )
    disputed_style = None
    if depiction == "disputed":
        disputed_style = (
            _choice(rng, ("dashed-border", "hatch"), (0.5, 0.5))
            if style == "outline"
            else _choice(
                rng, ("third-colour", "hatch", "stripes", "dashed-border"), (0.35, 0.3, 0.15, 0.2)
            )
        )
    control_style = _choice(rng, ("hatch", "tint"), (0.6, 0.4)) if depiction == "control" else None
    label_lang: str | None = _choice(rng, ("none", "en", "uk", "ru"), (0.12, 0.45, 0.2, 0.23))
    if label_lang == "none":
        label_lang = None
    legacy = label_lang == "en" and rng.random() < 0.3
    extras: list[str] = []
    if rng.random() < 0.3:
        extras.append("graticule")
    if rng.random() < 0.25:
        extras.append("rivers")
    if label_lang and rng.random() < 0.55:
        extras.append("cities")
    if source == sources.REFERENCE and depiction != "unrelated" and rng.random() < 0.3:
        extras.append("oblast-borders")
    if label_lang and rng.random() < 0.3:
        extras.append("title")
    crimea_label = None
    if label_lang and depiction != "unrelated":
        from bench.mapgen.labels import CRIMEA_LABELS

        p_label = {"crimea-as-russia": 0.4, "crimea-as-ukraine": 0.25}.get(depiction, 0.4)
        if rng.random() < p_label:
            crimea_label = str(rng.choice(CRIMEA_LABELS[depiction][label_lang]))
    legend = None
    p_legend = {"control": 1.0, "disputed": 0.6}.get(depiction, 0.0 if style == "outline" else 0.35)
    if rng.random() < p_legend:
        legend = str(rng.choice(("nw", "ne", "sw", "se")))
    font = _choice(rng, ("sans", "serif", "condensed", "bold"), (0.5, 0.2, 0.2, 0.1))
    fmt = _choice(rng, ("png", "png-palette", "jpeg"), (0.3, 0.1, 0.6))
    quality = int(rng.integers(40, 96)) if fmt == "jpeg" else None
    return MapSpec(
        seed=seed,
        index=index,
        depiction=depiction,
        mainland=mainland,
        source=source,
        renderer=renderer,
        projection=proj.name,
        view=view.view,
        width=view.width,
        height=view.height,
        x0=view.x0,
        y0=view.y0,
        kx=view.kx,
        ky=view.ky,
        lat0=view.lat0,
        style=style,
        style_seed=int(rng.integers(0, 2**31 - 1)),
        palette=palette,
        background=background,
        sea=sea,
        ru=ru,
        ua=ua,
        third=third,
        overlay=overlay,
        grey=grey,
        border=border,
        border_width=border_width,
        borders=borders,
        ramp=ramp,
        ru_value=ru_value,
        ua_value=ua_value,
        highlight=highlight,
        disputed_style=disputed_style,
        control_style=control_style,
        extras=tuple(extras),
        label_lang=label_lang,
        legacy_names=legacy,
        crimea_label=crimea_label,
        legend=legend,
        font=font,
        texture_strength=float(rng.uniform(0.08, 0.25)) if style == "texture" else 0.0,
        fmt=fmt,
        jpeg_quality=quality,
        notes=tuple(notes),
    )
