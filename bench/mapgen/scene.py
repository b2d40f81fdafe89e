"""From a :class:`MapSpec` to a renderer-independent scene in output pixel coordinates, and the
ground truth that goes with it.

The scene says *what* is on the map (areas with fills, hatches or tints, lines, dots, texts, a
legend, a texture); each renderer decides *how* to draw it with its own polygon filling,
antialiasing, line joins, fonts and legend layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from bench.mapgen import labels as lb
from bench.mapgen import projections as pj
from bench.mapgen import sources
from bench.mapgen.spec import GENERATOR_VERSION, MapSpec, zoom_bin
from bench.mapgen.styles import RAMPS, RGB, delta_e, hex_colour, mix, palette_colour, ramp_colour

Ring = NDArray[np.float64]
#: A polygon as rings in pixel coordinates: the exterior, then the holes.
PixelPolygon = list[Ring]


@dataclass
class Hatch:
    colour: RGB
    spacing: float
    angle: float
    width: float


@dataclass
class Area:
    key: str
    polygons: list[PixelPolygon]
    fill: RGB | None
    hatch: Hatch | None = None
    #: Opacity of the fill; below 1 the area is a translucent overlay over what is beneath.
    alpha: float = 1.0
    #: Overlays are drawn after the land fills and the texture (hatches, tints).
    overlay: bool = False
    area_px: float = 0.0


@dataclass
class Line:
    kind: str
    paths: list[Ring]
    colour: RGB
    width: float
    dash: tuple[float, float] | None = None


@dataclass
class Dot:
    x: float
    y: float
    radius: float
    colour: RGB
    edge: RGB


@dataclass
class Text:
    kind: str
    text: str
    x: float
    y: float
    size: float
    colour: RGB
    halo: RGB | None
    #: Pillow-style anchor: "mm" centred, "lm" left-middle.
    anchor: str = "mm"


@dataclass
class LegendEntry:
    #: fill, hatch, tint or stripes.
    kind: str
    colour: RGB
    label: str
    colour2: RGB | None = None
    alpha: float = 1.0


@dataclass
class Legend:
    corner: str
    title: str | None
    entries: list[LegendEntry]
    size: float
    background: RGB
    edge: RGB


@dataclass
class Scene:
    width: int
    height: int
    background: RGB
    font: str
    areas: list[Area] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    legend: Legend | None = None
    texture_seed: int = 0
    texture_strength: float = 0.0


# --- geometry helpers --------------------------------------------------------------------------


class _Frame:
    """The view: projected units to output pixels, and clipping with a margin."""

    def __init__(self, spec: MapSpec) -> None:
        self.spec = spec
        self.proj = pj.PROJECTIONS[spec.projection]
        self.x1 = spec.x0 + spec.width / spec.kx
        self.y1 = spec.y0 - spec.height / spec.ky
        margin = 12.0
        self.clip = (
            spec.x0 - margin / spec.kx,
            self.y1 - margin / spec.ky,
            self.x1 + margin / spec.kx,
            spec.y0 + margin / spec.ky,
        )

    def to_px(self, geom: BaseGeometry) -> BaseGeometry:
        s = self.spec

        def fn(c: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.column_stack([(c[:, 0] - s.x0) * s.kx, (s.y0 - c[:, 1]) * s.ky])

        return shapely.transform(geom, fn)

    def clip_px(self, geom: BaseGeometry) -> BaseGeometry:
        """Clip a projected geometry to the view (with margin) and move it to pixels."""
        w, s, e, n = geom.bounds if not geom.is_empty else (0.0, 0.0, 0.0, 0.0)
        if (
            geom.is_empty
            or e < self.clip[0]
            or w > self.clip[2]
            or n < self.clip[1]
            or s > self.clip[3]
        ):
            return shapely.Polygon()
        return self.to_px(shapely.clip_by_rect(geom, *self.clip))

    def lonlat_px(self, lon: Any, lat: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        x, y = pj.forward(self.proj, lon, lat)
        return (x - self.spec.x0) * self.spec.kx, (self.spec.y0 - y) * self.spec.ky


def polygons_px(geom: BaseGeometry) -> list[PixelPolygon]:
    """Polygons of a pixel-space geometry as ring arrays, exteriors counter-clockwise in lon/lat
    sense (so holes wind the other way and non-zero filling leaves them open)."""
    out: list[PixelPolygon] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon" and not part.is_empty:
            poly = shapely.orient_polygons(part)
            rings = [np.asarray(poly.exterior.coords)]
            rings.extend(np.asarray(r.coords) for r in poly.interiors)
            out.append([r for r in rings if len(r) >= 3])
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(polygons_px(part))
    return [p for p in out if p]


def lines_px(geom: BaseGeometry) -> list[Ring]:
    """Line parts of a geometry (polygon boundaries included) as arrays."""
    out: list[Ring] = []
    for part in shapely.get_parts(geom):
        kind = part.geom_type
        if kind in ("LineString", "LinearRing") and not part.is_empty:
            out.append(np.asarray(part.coords))
        elif kind == "Polygon":
            out.extend(lines_px(part.boundary))
        elif kind in ("MultiLineString", "MultiPolygon", "GeometryCollection"):
            out.extend(lines_px(part))
    return [p for p in out if len(p) >= 2]


def dash_path(path: Ring, on: float, off: float) -> list[Ring]:
    """Split a polyline into dashes ``on`` long with ``off`` gaps (pixels)."""
    seg = np.diff(path, axis=0)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(seg[:, 0], seg[:, 1]))])
    total = float(cum[-1])
    if total <= 0 or on <= 0:
        return [path]
    starts = np.arange(0.0, total, on + off)[:100_000]
    ends = np.minimum(starts + on, total)
    lo = np.searchsorted(cum, starts, side="right")
    hi = np.searchsorted(cum, ends, side="left")
    xs_s, ys_s = np.interp(starts, cum, path[:, 0]), np.interp(starts, cum, path[:, 1])
    xs_e, ys_e = np.interp(ends, cum, path[:, 0]), np.interp(ends, cum, path[:, 1])
    out: list[Ring] = []
    for k in range(len(starts)):
        inner = path[lo[k] : hi[k]]
        out.append(np.vstack([[xs_s[k], ys_s[k]], inner, [xs_e[k], ys_e[k]]]))
    return out


# --- building the scene ------------------------------------------------------------------------


def crimea_pixels(spec: MapSpec) -> BaseGeometry:
    """The source's Crimea (with Sevastopol) in the image's pixel coordinates (not clipped)."""
    return _Frame(spec).to_px(pj.piece(spec.source, spec.projection, "CRIMEA"))


def _depiction_pieces(spec: MapSpec, src: sources.Source) -> list[tuple[str, str]]:
    """(scene key, source piece) for Russia, Ukraine and Crimea as the depiction draws them."""
    if spec.depiction == "crimea-as-russia":
        if spec.mainland == "as-russia":
            return [("RU", "RU++"), ("UA", "UA--")]
        return [("RU", "RU+"), ("UA", "UA-")]
    if spec.depiction == "disputed":
        return [("RU", "RU-"), ("UA", "UA-"), ("CRIMEA", "CRIMEA")]
    return [("RU", "RU-"), ("UA", "UA+")]  # crimea-as-ukraine, control, unrelated


def build_scene(spec: MapSpec) -> tuple[Scene, dict[str, Any]]:
    """The scene for ``spec`` and its ground truth record (see ``bench/README.md``)."""
    frame = _Frame(spec)
    src = sources.load(spec.source)
    rng = np.random.default_rng(spec.style_seed)
    scene = Scene(spec.width, spec.height, spec.background, spec.font)
    truth: dict[str, Any] = {}
    scale = max(spec.width, spec.height)
    text_size = float(np.clip(scale / 70.0, 10.0, 26.0)) * float(rng.uniform(0.85, 1.2))

    # Countries -------------------------------------------------------------------------------
    others = pj.others(spec.source, spec.projection)
    cw, cs, ce, cn = frame.clip
    b = others.bounds
    visible = np.nonzero((b[:, 2] >= cw) & (b[:, 0] <= ce) & (b[:, 3] >= cs) & (b[:, 1] <= cn))[0]
    country_geoms: dict[str, BaseGeometry] = {}
    for i in visible:
        geom = frame.clip_px(others.geoms[i])
        if not geom.is_empty:
            country_geoms[others.names[i]] = geom
    main_geoms: dict[str, BaseGeometry] = {}
    for key, piece in _depiction_pieces(spec, src):
        if not src.can_draw(piece):
            raise ValueError(f"source {spec.source} cannot draw {piece} ({spec.depiction})")
        geom = frame.clip_px(pj.piece(spec.source, spec.projection, piece))
        if not geom.is_empty:
            main_geoms[key] = geom

    fills, highlight_name = _fills(spec, rng, list(country_geoms), truth)
    for name, geom in [*country_geoms.items(), *main_geoms.items()]:
        polys = polygons_px(geom)
        if not polys:
            continue
        area = Area(name, polys, fills.get(name), area_px=float(shapely.area(geom)))
        if name == "CRIMEA":
            _style_disputed(spec, area, rng)
        scene.areas.append(area)
    # Big areas first, so an enclave (Lesotho, San Marino) is painted over its host's hole fill.
    scene.areas.sort(key=lambda a: -a.area_px)

    # Overlays (control maps) -----------------------------------------------------------------
    if spec.depiction == "control":
        occ = frame.clip_px(pj.piece(spec.source, spec.projection, "OCCUPIED"))
        polys = polygons_px(occ)
        if spec.control_style == "hatch":
            hatch = Hatch(
                spec.overlay,
                float(rng.uniform(5, 12)),
                float(rng.choice([45, -45, 30, 60])),
                float(rng.uniform(1.0, 2.5)),
            )
            scene.areas.append(Area("OCCUPIED", polys, None, hatch=hatch, overlay=True))
        else:
            alpha = float(rng.uniform(0.35, 0.6))
            scene.areas.append(Area("OCCUPIED", polys, spec.overlay, alpha=alpha, overlay=True))
        if rng.random() < 0.6:
            scene.lines.append(
                Line("overlay-edge", lines_px(occ), spec.overlay, float(rng.uniform(0.8, 1.8)))
            )

    # Borders and coastlines ------------------------------------------------------------------
    if spec.borders:
        _borders(spec, frame, src, scene, country_geoms, main_geoms)
    if "oblast-borders" in spec.extras and src.can_draw("OBLAST_LINES"):
        lines = frame.clip_px(pj.piece(spec.source, spec.projection, "OBLAST_LINES"))
        colour = (
            mix(spec.border, (128, 128, 128), 0.5)
            if spec.border != (255, 255, 255)
            else (255, 255, 255)
        )
        scene.lines.append(
            Line(
                "oblast-border",
                lines_px(lines),
                colour,
                max(0.5, spec.border_width * 0.6),
                (4.0, 3.0) if rng.random() < 0.5 else None,
            )
        )
    if "graticule" in spec.extras:
        _graticule(spec, frame, scene, rng)
    if "rivers" in spec.extras:
        _rivers(spec, scene, rng, [*country_geoms.values(), *main_geoms.values()])

    # Texture ---------------------------------------------------------------------------------
    if spec.style == "texture":
        scene.texture_seed = spec.style_seed
        scene.texture_strength = spec.texture_strength

    # Labels ----------------------------------------------------------------------------------
    placed: list[tuple[float, float, float, float]] = []
    drawn: list[dict[str, Any]] = []
    text_colour: RGB = (230, 230, 230) if spec.palette == "dark" else (30, 30, 30)
    halo: RGB | None = (
        None if rng.random() < 0.4 else (spec.background if spec.palette != "dark" else (0, 0, 0))
    )
    if spec.label_lang:
        _country_labels(
            spec, scene, country_geoms, main_geoms, text_size, text_colour, halo, placed, drawn
        )
        if spec.crimea_label:
            _crimea_label(spec, frame, scene, text_size, text_colour, halo, placed, drawn)
        if "cities" in spec.extras:
            _cities(spec, frame, scene, text_size * 0.8, text_colour, halo, placed, drawn)
        if "title" in spec.extras and spec.view in lb.TITLES:
            title = str(rng.choice(lb.TITLES[spec.view][spec.label_lang]))
            size = text_size * 1.5
            scene.texts.append(Text("title", title, spec.width / 2, size, size, text_colour, halo))
            drawn.append(
                {"kind": "title", "text": title, "x": round(spec.width / 2, 1), "y": round(size, 1)}
            )
    legend = _legend(spec, rng, text_size * 0.85, highlight_name, truth) if spec.legend else None
    scene.legend = legend

    truth.update(_truth(spec, frame, src, scene, drawn, highlight_name))
    truth["crimea_trace"] = crimea_trace(spec, truth)
    # How much of Russia and of Ukraine (as drawn, Crimea per the depiction) is in the frame: a
    # Crimea-only close-up may leave nothing to compare Crimea's colour with.
    truth["visible_px"] = {
        key: round(float(shapely.area(shapely.clip_by_rect(geom, 0, 0, spec.width, spec.height))))
        for key, geom in main_geoms.items()
    }
    return scene, truth


#: A drawn border across the isthmus shorter than this (in pixels, all crossings together) is
#: lost in the coastlines on both sides of it.
MIN_CROSSING_PX = 4.0


def crossing_px(spec: MapSpec) -> float:
    """Pixel length, inside the frame, of Crimea's land boundary with mainland Ukraine (the
    Perekop isthmus and the Syvash crossings): the line a border between them would draw."""
    frame = _Frame(spec)
    if "PEREKOP" in sources.load(spec.source).pieces:
        shared = frame.to_px(pj.piece(spec.source, spec.projection, "PEREKOP"))
    else:  # a corrected file: Crimea is inside Ukraine's polygon
        crimea = frame.to_px(pj.piece(spec.source, spec.projection, "CRIMEA"))
        ukraine = frame.to_px(pj.piece(spec.source, spec.projection, "UA+"))
        mainland = shapely.difference(ukraine, shapely.buffer(crimea, 0.5))
        shared = shapely.intersection(crimea.boundary, shapely.buffer(mainland, 1.0))
    return float(shapely.length(shapely.clip_by_rect(shared, 0, 0, spec.width, spec.height)))


def _country_name_on_crimea(spec: MapSpec, truth: dict[str, Any]) -> bool:
    """Whether a country's name is set on Crimea (the labels go to the middle of a country's
    part in the frame, so where Russia's or Ukraine's name lands depends on the depiction)."""
    crimea = crimea_pixels(spec)
    if spec.mainland == "as-russia" and "OCCUPIED" in sources.load(spec.source).pieces:
        # Drawn as Russia's, the occupied mainland is one area with Crimea: a name set there
        # names Crimea too (and where it lands depends on the depiction).
        occupied = _Frame(spec).to_px(pj.piece(spec.source, spec.projection, "OCCUPIED"))
        crimea = shapely.union(crimea, occupied)
    near = shapely.buffer(crimea, 0.05 * max(1.0, float(truth.get("crimea_px") or 0.0)))
    return any(
        t.get("kind") == "country" and shapely.contains_xy(near, t["x"], t["y"])
        for t in truth.get("texts") or []
    )


def crimea_trace(spec: MapSpec, truth: dict[str, Any]) -> list[str] | None:
    """What in the picture shows whose Crimea is: ``fill`` (Russia's and Ukraine's fills differ
    or Crimea has its own), ``label`` (a Crimea label names it, or a country's name is set on
    it), ``border`` (a border is drawn
    between Crimea and the mainland, long enough to see). An empty list: the two depictions
    draw the same picture, and no reader of it can tell them apart. ``front line``: the
    occupied mainland drawn as Russia's, its edge a border. None on unrelated maps."""
    if spec.depiction == "unrelated" or not truth.get("crimea_px"):
        return None
    trace: list[str] = []
    colours = truth.get("colours") or {}
    crimea_fill = colours.get("crimea")
    if not truth.get("ru_ua_same_fill") or (
        crimea_fill is not None and crimea_fill not in (colours.get("ru"), colours.get("ua"))
    ):
        trace.append("fill")
    if spec.crimea_label or _country_name_on_crimea(spec, truth):
        trace.append("label")
    if spec.borders and crossing_px(spec) >= MIN_CROSSING_PX:
        trace.append("border")
    if spec.mainland == "as-russia" and spec.borders:
        trace.append("front line")  # the occupied mainland's edge drawn as Russia's border
    return trace


#: Countries a single-highlight map of the region may pick instead of Russia or Ukraine.
NEIGHBOURS = frozenset(
    {
        "Poland",
        "Romania",
        "Belarus",
        "Moldova",
        "Turkey",
        "Georgia",
        "Hungary",
        "Bulgaria",
        "Kazakhstan",
    }
)


def _fills(
    spec: MapSpec, rng: np.random.Generator, names: list[str], truth: dict[str, Any]
) -> tuple[dict[str, RGB | None], str | None]:
    """Fill colour of every country key (None: not filled)."""
    fills: dict[str, RGB | None] = {}
    highlight_name: str | None = None
    if spec.style == "outline":
        return dict.fromkeys([*names, "RU", "UA", "CRIMEA"]), None
    if spec.style in ("political", "texture"):
        for name in names:
            fills[name] = palette_colour(rng, spec.palette)
        fills["RU"], fills["UA"] = spec.ru, spec.ua
    elif spec.style == "choropleth":
        ramp = RAMPS[spec.ramp]
        values = {name: float(rng.random()) for name in names}
        for name in names:
            fills[name] = ramp_colour(ramp, values[name]) if rng.random() > 0.08 else spec.grey
        fills["RU"] = ramp_colour(ramp, spec.ru_value)
        fills["UA"] = ramp_colour(ramp, spec.ua_value)
    else:  # highlight
        for name in names:
            fills[name] = spec.grey
        fills["RU"] = fills["UA"] = spec.grey
        colour = spec.ru if spec.highlight == "RU" else spec.ua
        if spec.highlight in ("RU", "UA") and spec.depiction != "unrelated":
            fills[spec.highlight] = colour
            highlight_name = "Russia" if spec.highlight == "RU" else "Ukraine"
        else:
            # A neighbour (or, on a map of elsewhere, a country in view) with a label in every
            # language.
            near = [n for n in names if n in NEIGHBOURS] if spec.depiction != "unrelated" else []
            known = [n for n in names if n in lb.COUNTRIES]
            pick = sorted(near or known or names or ["Ukraine"])
            highlight_name = str(rng.choice(pick))
            if highlight_name in fills:
                fills[highlight_name] = colour
        truth["highlight"] = highlight_name
    # Crimea's own fill (disputed maps only draw it as a separate area).
    if spec.depiction == "disputed":
        fills["CRIMEA"] = _disputed_fill(spec, fills)
    return fills, highlight_name


def _disputed_fill(spec: MapSpec, fills: dict[str, RGB | None]) -> RGB | None:
    if spec.style == "outline":
        return None
    if spec.disputed_style == "dashed-border":
        return fills.get("UA")
    if spec.disputed_style == "stripes":
        return fills.get("UA")
    if spec.disputed_style == "hatch":
        return mix(spec.grey, (255, 255, 255), 0.4)
    return spec.third


def _style_disputed(spec: MapSpec, area: Area, rng: np.random.Generator) -> None:
    if spec.disputed_style == "hatch":
        area.hatch = Hatch(
            mix(spec.grey, (0, 0, 0), 0.55),
            float(rng.uniform(4, 9)),
            45.0,
            float(rng.uniform(0.8, 1.6)),
        )
    elif spec.disputed_style == "stripes" and spec.style != "outline":
        spacing = float(rng.uniform(6, 12))
        area.hatch = Hatch(
            spec.ru if spec.style != "highlight" else spec.third, spacing, -45.0, spacing / 2
        )


def _borders(
    spec: MapSpec,
    frame: _Frame,
    src: sources.Source,
    scene: Scene,
    country_geoms: dict[str, BaseGeometry],
    main_geoms: dict[str, BaseGeometry],
) -> None:
    """Country borders and coastlines: every area's outline, except that a dashed-border
    disputed Crimea gets a dashed line at Perekop and no solid one."""
    paths: list[Ring] = []
    for geom in country_geoms.values():
        paths.extend(lines_px(geom))
    perekop = None
    if (
        spec.depiction == "disputed"
        and spec.disputed_style == "dashed-border"
        and src.can_draw("PEREKOP")
    ):
        perekop = frame.clip_px(pj.piece(spec.source, spec.projection, "PEREKOP"))
    for key, geom in main_geoms.items():
        boundary = shapely.boundary(geom)
        if perekop is not None and not perekop.is_empty and key in ("UA", "CRIMEA"):
            boundary = shapely.difference(boundary, perekop.buffer(0.01))
        paths.extend(lines_px(boundary))
    scene.lines.append(Line("border", paths, spec.border, spec.border_width))
    if perekop is not None and not perekop.is_empty:
        w = max(spec.border_width, 1.0)
        scene.lines.append(
            Line("disputed-border", lines_px(perekop), spec.border, w, (4 * w, 3 * w))
        )


def _graticule(spec: MapSpec, frame: _Frame, scene: Scene, rng: np.random.Generator) -> None:
    xs = np.linspace(spec.x0, frame.x1, 7)
    ys = np.linspace(frame.y1, spec.y0, 7)
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = pj.inverse(frame.proj, gx.ravel(), gy.ravel())
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return
    span = max(float(np.ptp(lon[ok])), float(np.ptp(lat[ok])))
    step = next((s for s in (1, 2, 5, 10, 15, 20, 30) if span / s <= 8), 30)
    dw, ds, de, dn = frame.proj.domain
    # Sample the lines over the part of the globe in view (plus a step), so they stay smooth
    # however far the map is zoomed in.
    w = max(dw, float(lon[ok].min()) - step)
    e = min(de, float(lon[ok].max()) + step)
    s = max(ds, -80.0, float(lat[ok].min()) - step)
    n = min(dn, 84.0, float(lat[ok].max()) + step)
    paths: list[Ring] = []
    fine = np.linspace(0, 1, 241)
    for la in np.arange(math.ceil(s / step) * step, n + 1e-9, step):
        x, y = frame.lonlat_px(w + (e - w) * fine, np.full_like(fine, la))
        paths.append(np.column_stack([x, y]))
    for lo in np.arange(math.ceil(w / step) * step, e + 1e-9, step):
        x, y = frame.lonlat_px(np.full_like(fine, lo), s + (n - s) * fine)
        paths.append(np.column_stack([x, y]))
    box = (-10.0, -10.0, spec.width + 10.0, spec.height + 10.0)
    clipped = [
        p
        for path in paths
        if np.isfinite(path).all()
        for p in lines_px(shapely.clip_by_rect(shapely.LineString(path), *box))
    ]
    colour = (200, 210, 225) if spec.palette != "dark" else (70, 80, 100)
    scene.lines.insert(
        0,
        Line(
            "graticule",
            clipped,
            colour,
            float(rng.uniform(0.5, 1.2)),
            (3.0, 3.0) if rng.random() < 0.3 else None,
        ),
    )


def _rivers(
    spec: MapSpec, scene: Scene, rng: np.random.Generator, land: list[BaseGeometry]
) -> None:
    """A few river-like wiggly lines that start on land (pure decoration and clutter)."""
    if not land:
        return
    geoms = np.array(land, dtype=object)
    shapely.prepare(geoms)
    paths: list[Ring] = []
    step = max(spec.width, spec.height) / 70.0
    for _ in range(int(rng.integers(1, 7))):
        for _ in range(30):
            x, y = float(rng.uniform(0, spec.width)), float(rng.uniform(0, spec.height))
            if bool(shapely.contains_xy(geoms, x, y).any()):
                break
        else:
            continue
        heading = float(rng.uniform(0, 2 * math.pi))
        pts = [(x, y)]
        for _ in range(int(rng.integers(15, 60))):
            heading += float(rng.normal(0, 0.35))
            x, y = x + step * math.cos(heading), y + step * math.sin(heading)
            pts.append((x, y))
        paths.append(np.asarray(pts))
    colour = (90, 140, 200) if spec.palette != "dark" else (80, 120, 170)
    scene.lines.append(Line("river", paths, colour, float(rng.uniform(0.7, 1.8))))


def _fits(
    box: tuple[float, float, float, float],
    placed: list[tuple[float, float, float, float]],
    width: int,
    height: int,
) -> bool:
    x0, y0, x1, y1 = box
    if x0 < 2 or y0 < 2 or x1 > width - 2 or y1 > height - 2:
        return False
    return all(x1 < a or x0 > c or y1 < b or y0 > d for a, b, c, d in placed)


def _text_box(
    x: float, y: float, text: str, size: float, anchor: str
) -> tuple[float, float, float, float]:
    w = 0.62 * size * len(text)
    h = 1.2 * size
    if anchor == "lm":
        return (x, y - h / 2, x + w, y + h / 2)
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def _country_labels(
    spec: MapSpec,
    scene: Scene,
    country_geoms: dict[str, BaseGeometry],
    main_geoms: dict[str, BaseGeometry],
    size: float,
    colour: RGB,
    halo: RGB | None,
    placed: list[tuple[float, float, float, float]],
    drawn: list[dict[str, Any]],
) -> None:
    assert spec.label_lang is not None
    items = [(n, g) for n, g in country_geoms.items()]
    items += [
        ({"RU": "Russia", "UA": "Ukraine"}[k], g)
        for k, g in main_geoms.items()
        if k in ("RU", "UA")
    ]
    items.sort(key=lambda item: -float(shapely.area(item[1])))
    for name, geom in items[:40]:
        text = lb.country_label(name, spec.label_lang)
        if not text:
            continue
        inside = shapely.clip_by_rect(geom, 0, 0, spec.width, spec.height)
        if inside.is_empty:
            continue
        parts = [g for g in shapely.get_parts(inside) if g.geom_type == "Polygon"]
        if not parts:
            continue
        part = max(parts, key=lambda g: float(shapely.area(g)))
        bx0, by0, bx1, by1 = part.bounds
        if bx1 - bx0 < 0.62 * size * len(text) * 0.8 or by1 - by0 < size * 1.5:
            continue
        p = shapely.point_on_surface(part)
        box = _text_box(p.x, p.y, text, size, "mm")
        if not _fits(box, placed, spec.width, spec.height):
            continue
        placed.append(box)
        scene.texts.append(Text("country", text, p.x, p.y, size, colour, halo))
        drawn.append({"kind": "country", "text": text, "x": round(p.x, 1), "y": round(p.y, 1)})


def _crimea_label(
    spec: MapSpec,
    frame: _Frame,
    scene: Scene,
    size: float,
    colour: RGB,
    halo: RGB | None,
    placed: list[tuple[float, float, float, float]],
    drawn: list[dict[str, Any]],
) -> None:
    assert spec.crimea_label is not None
    crimea = frame.clip_px(pj.piece(spec.source, spec.projection, "CRIMEA"))
    if crimea.is_empty:
        return
    text = spec.crimea_label
    size = size * 0.9
    p = shapely.point_on_surface(crimea)
    x0, _, x1, y1 = crimea.bounds
    candidates = [(p.x, p.y)] if x1 - x0 > 0.62 * size * len(text) else []
    candidates += [((x0 + x1) / 2, y1 + size * 1.2), (x0 - 0.31 * size * len(text), p.y)]
    for x, y in candidates:
        box = _text_box(x, y, text, size, "mm")
        if _fits(box, placed, spec.width, spec.height):
            placed.append(box)
            scene.texts.append(Text("crimea", text, x, y, size, colour, halo))
            drawn.append({"kind": "crimea", "text": text, "x": round(x, 1), "y": round(y, 1)})
            return


def _cities(
    spec: MapSpec,
    frame: _Frame,
    scene: Scene,
    size: float,
    colour: RGB,
    halo: RGB | None,
    placed: list[tuple[float, float, float, float]],
    drawn: list[dict[str, Any]],
) -> None:
    assert spec.label_lang is not None
    cities = sorted(lb.CITIES, key=lambda c: (not c.capital, c.en))
    lon = np.array([c.lon for c in cities])
    lat = np.array([c.lat for c in cities])
    xs, ys = frame.lonlat_px(lon, lat)
    dot_colour: RGB = (40, 40, 40) if spec.palette != "dark" else (235, 235, 235)
    count = 0
    for city, x, y in zip(cities, xs, ys, strict=True):
        if count >= 14 or not (8 < x < spec.width - 8 and 8 < y < spec.height - 8):
            continue
        text = city.name(spec.label_lang, spec.legacy_names)
        r = size * (0.32 if city.capital else 0.24)
        box = _text_box(x + r * 2, y, text, size, "lm")
        if not _fits((x - r, y - r, box[2], box[3]), placed, spec.width, spec.height):
            continue
        placed.append((x - r, y - r, box[2], box[3]))
        scene.dots.append(Dot(float(x), float(y), r, dot_colour, (255, 255, 255)))
        scene.texts.append(Text("city", text, float(x + r * 2), float(y), size, colour, halo, "lm"))
        drawn.append(
            {"kind": "city", "text": text, "x": round(float(x), 1), "y": round(float(y), 1)}
        )
        count += 1


def _legend(
    spec: MapSpec,
    rng: np.random.Generator,
    size: float,
    highlight_name: str | None,
    truth: dict[str, Any],
) -> Legend | None:
    lang = spec.label_lang or "en"
    entries: list[LegendEntry] = []
    title: str | None = None
    ru_name = lb.country_label("Russia", lang) or "Russia"
    ua_name = lb.country_label("Ukraine", lang) or "Ukraine"
    if spec.style in ("political", "texture") and spec.depiction != "unrelated":
        entries += [LegendEntry("fill", spec.ru, ru_name), LegendEntry("fill", spec.ua, ua_name)]
    elif spec.style == "choropleth":
        ramp = RAMPS[spec.ramp]
        title = str(rng.choice(lb.CHOROPLETH_TITLES[lang]))
        top = float(rng.choice([10, 20, 50, 100]))
        for i in range(4):
            lo, hi = top * i / 4, top * (i + 1) / 4
            entries.append(LegendEntry("fill", ramp_colour(ramp, (i + 0.5) / 4), f"{lo:g}–{hi:g}"))
    elif spec.style == "highlight" and highlight_name:
        colour = spec.ru if spec.highlight == "RU" else spec.ua
        entries.append(
            LegendEntry("fill", colour, lb.country_label(highlight_name, lang) or highlight_name)
        )
        entries.append(LegendEntry("fill", spec.grey, str(rng.choice(lb.WORDS["other"][lang]))))
    if spec.depiction == "disputed":
        word = str(rng.choice(lb.WORDS["disputed"][lang]))
        kind = {"hatch": "hatch", "stripes": "stripes"}.get(spec.disputed_style or "", "fill")
        colour = spec.third
        colour2 = None
        if kind == "hatch":
            colour, colour2 = mix(spec.grey, (0, 0, 0), 0.55), mix(spec.grey, (255, 255, 255), 0.4)
        elif kind == "stripes":
            colour, colour2 = spec.ru, spec.ua
        if spec.disputed_style == "dashed-border":
            kind, colour = "dashed", spec.border
        entries.append(LegendEntry(kind, colour, word, colour2))
    if spec.depiction == "control":
        word = str(rng.choice(lb.WORDS["occupied"][lang]))
        if spec.control_style == "hatch":
            entries.append(LegendEntry("hatch", spec.overlay, word, (255, 255, 255)))
        else:
            entries.append(LegendEntry("tint", spec.overlay, word, alpha=0.5))
    if not entries:
        return None
    truth["legend"] = {"corner": spec.legend, "title": title, "entries": [e.label for e in entries]}
    background: RGB = (255, 255, 255) if spec.palette != "dark" else (20, 24, 32)
    edge: RGB = (120, 120, 120) if spec.palette != "dark" else (160, 160, 160)
    return Legend(spec.legend or "se", title, entries, size, background, edge)


def _truth(
    spec: MapSpec,
    frame: _Frame,
    src: sources.Source,
    scene: Scene,
    drawn: list[dict[str, Any]],
    highlight_name: str | None,
) -> dict[str, Any]:
    crimea_px: float | None = None
    crimea_box: list[float] | None = None
    crimea_visible = 0.0
    if spec.depiction != "unrelated":
        crimea = crimea_pixels(spec)
        x0, y0, x1, y1 = crimea.bounds
        crimea_px = round(x1 - x0, 2)
        crimea_box = [round(v, 1) for v in (x0, y0, x1, y1)]
        inside = shapely.clip_by_rect(crimea, 0, 0, spec.width, spec.height)
        crimea_visible = float(shapely.area(inside) / max(crimea.area, 1e-9))
    fills = {a.key: a.fill for a in scene.areas if not a.overlay}
    ru_fill, ua_fill = fills.get("RU"), fills.get("UA")
    if spec.depiction == "crimea-as-russia":
        crimea_fill = ru_fill
    elif spec.depiction == "disputed":
        crimea_fill = fills.get("CRIMEA")
    else:
        crimea_fill = ua_fill
    delta = round(delta_e(ru_fill, ua_fill), 1) if ru_fill and ua_fill else None
    # Nothing but lines tells them apart when neither is filled or both share one fill.
    same_fill = delta is None or delta < 3.0
    expected = {
        "crimea-as-russia": "flag",
        "crimea-as-ukraine": "clean",
        "disputed": "warn",
        "control": "clean",
        "unrelated": "clean",
    }[spec.depiction]
    if spec.mainland == "as-russia":
        expected = "flag"
    proj = frame.proj
    return {
        "file": spec.file_name,
        "seed": spec.seed,
        "index": spec.index,
        "depiction": spec.depiction,
        "mainland": spec.mainland,
        "expected": expected,
        "source": spec.source,
        "renderer": spec.renderer,
        "projection": spec.projection,
        "view": spec.view,
        "crimea_px": crimea_px,
        "zoom_bin": zoom_bin(crimea_px),
        "crimea_box_px": crimea_box,
        "crimea_visible": round(crimea_visible, 3),
        "style": spec.style,
        "highlight": highlight_name,
        "disputed_style": spec.disputed_style,
        "control_style": spec.control_style,
        "borders": spec.borders,
        "colours": {
            "background": hex_colour(spec.background),
            "ru": hex_colour(ru_fill) if ru_fill else None,
            "ua": hex_colour(ua_fill) if ua_fill else None,
            "crimea": hex_colour(crimea_fill) if crimea_fill else None,
            "border": hex_colour(spec.border) if spec.borders else None,
            "overlay": hex_colour(spec.overlay) if spec.depiction == "control" else None,
        },
        "ru_ua_delta_e": delta,
        "ru_ua_same_fill": same_fill,
        "extras": list(spec.extras),
        "label_lang": spec.label_lang,
        "legacy_names": spec.legacy_names,
        "crimea_label": spec.crimea_label,
        "texts": drawn,
        "width": spec.width,
        "height": spec.height,
        "format": spec.fmt,
        "jpeg_quality": spec.jpeg_quality,
        "font": spec.font,
        "georef": {
            "projection": spec.projection,
            "crs": proj.crs,
            "lat0": round(spec.lat0, 6) if proj.cos_aspect else None,
            # GDAL order: x = a0 + col·a1 + row·a2; y = a3 + col·a4 + row·a5 (pixel corners).
            "geotransform": [spec.x0, 1.0 / spec.kx, 0.0, spec.y0, 0.0, -1.0 / spec.ky],
        },
        "generator_version": GENERATOR_VERSION,
        "notes": list(spec.notes),
        "source_window": list(src.window) if src.name == sources.REFERENCE else None,
    }
