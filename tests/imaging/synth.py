"""Synthetic map pictures with a known georeference, for the registration tests and measurements.

Maps are drawn with Pillow's ImageDraw from the shipped reference polygons (Natural Earth 10m
countries in lon 18..50, lat 38..60, and Ukraine's oblasts) under a known projection, scale and
offset, in several styles (political fills, choropleth, single highlight, outline only, dark,
textured), with optional labels, legend boxes, graticules and JPEG compression. A coarser "world"
layer (any lon/lat polygons, e.g. a 110m world file) can be drawn underneath so that views wider
than the reference window have land beyond it, and alone to draw maps of unrelated regions.

Pixel convention (the one ``Registration.to_pixel`` uses): continuous coordinates with (0, 0) at
the top-left corner of the top-left pixel. Pillow puts integer coordinates at pixel centres, so
drawing subtracts 0.5 after supersampling.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from checker.imaging.refdata import forward

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "reference_boundaries"

STYLES = ("political", "choropleth", "highlight", "outline", "dark", "texture")

#: Known places (lon, lat) whose pixel positions the tests compare.
PLACES: dict[str, tuple[float, float]] = {
    "Simferopol": (34.10, 44.95),
    "Kerch": (36.47, 45.36),
    "Odesa": (30.73, 46.48),
    "Sevastopol": (33.52, 44.60),
}
CRIMEA_CENTRE = (34.3, 45.3)
#: The window of neighbours.geojson (lon/lat).
WINDOW = (18.0, 38.0, 50.0, 60.0)
_FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font with Cyrillic where the system has DejaVu, else Pillow's default."""
    for path in _FONT_FILES:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class Layer:
    """Polygons keyed by an id (country code or oblast code), in lon/lat."""

    shapes: dict[str, BaseGeometry]


@cache
def reference_layers() -> tuple[Layer, Layer]:
    """(countries from neighbours.geojson, Ukraine's oblasts)."""
    countries = _read(REF / "neighbours.geojson", "ne_adm0_a3")
    oblasts = _read(REF / "ukraine_oblasts.geojson", "iso_3166_2")
    return Layer(countries), Layer(oblasts)


def _read(path: Path, key: str) -> dict[str, BaseGeometry]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(f["properties"][key]): shape(f["geometry"]) for f in data["features"]}


def read_world(path: Path, key: str = "name") -> Layer:
    """A lon/lat GeoJSON FeatureCollection as a layer (e.g. a world file)."""
    return Layer(_read(path, key))


@cache
def lowres_world() -> Layer | None:
    """pyogrio's bundled Natural Earth 110m countries (a test fixture it ships), if present."""
    try:
        import pyogrio
    except ImportError:
        return None
    path = (
        Path(pyogrio.__file__).parent
        / "tests"
        / "fixtures"
        / "naturalearth_lowres"
        / "naturalearth_lowres.shp"
    )
    if not path.exists():
        return None
    frame = pyogrio.read_dataframe(path)
    keys = [
        str(a3) if str(a3) != "-99" else str(n)
        for a3, n in zip(frame["iso_a3"], frame["name"], strict=True)
    ]
    return Layer(dict(zip(keys, frame.geometry, strict=True)))


@dataclass(frozen=True)
class View:
    """A known georeference: x = scale·aspect·X + tx, y = −scale·Y + ty (X, Y planar)."""

    projection: str
    scale: float
    aspect: float
    tx: float
    ty: float
    width: int
    height: int

    def to_pixel(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        x, y = forward(self.projection, lon, lat)
        return self.scale * self.aspect * x + self.tx, -self.scale * y + self.ty

    @property
    def crimea_px(self) -> float:
        return crimea_extent_px(self.to_pixel)


def crimea_extent_px(to_pixel: Any) -> float:
    """Crimea's larger bbox side in pixels under ``to_pixel``."""
    _, oblasts = reference_layers()
    crimea = shapely.union(oblasts.shapes["UA-43"], oblasts.shapes["UA-40"])
    xy = shapely.get_coordinates(crimea)
    x, y = to_pixel(xy[:, 0], xy[:, 1])
    return float(max(np.ptp(x), np.ptp(y)))


def make_view(
    projection: str,
    crimea_px: float,
    width: int,
    height: int,
    centre: tuple[float, float] = CRIMEA_CENTRE,
    aspect: float = 1.0,
    shift: tuple[float, float] = (0.0, 0.0),
) -> View:
    """A view with Crimea ``crimea_px`` across and ``centre`` at the image centre (+ shift px)."""
    base = View(projection, 1.0, aspect, 0.0, 0.0, width, height)
    scale = crimea_px / base.crimea_px
    cx, cy = forward(projection, np.array([centre[0]]), np.array([centre[1]]))
    tx = width / 2 + shift[0] - scale * aspect * float(cx[0])
    ty = height / 2 + shift[1] + scale * float(cy[0])
    return View(projection, scale, aspect, tx, ty, width, height)


@dataclass
class Style:
    """Colours and line settings of one rendering."""

    sea: tuple[int, int, int]
    land_default: tuple[int, int, int]
    fills: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    line: tuple[int, int, int] | None = None
    line_width: int = 1
    oblast_fills: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    oblast_line: tuple[int, int, int] | None = None
    texture: float = 0.0


def _pastel(rng: np.random.Generator) -> tuple[int, int, int]:
    hue = rng.random()
    sat = 0.25 + 0.35 * rng.random()
    val = 0.8 + 0.18 * rng.random()
    return _hsv(hue, sat, val)


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return (round(r * 255), round(g * 255), round(b * 255))


def make_style(name: str, rng: np.random.Generator, codes: Iterable[str]) -> Style:
    """A random style of the named family."""
    codes = sorted(codes)
    blue_sea = _hsv(
        0.55 + 0.05 * rng.random(), 0.15 + 0.25 * rng.random(), 0.85 + 0.14 * rng.random()
    )
    if name == "political":
        return Style(
            sea=blue_sea,
            land_default=(235, 230, 220),
            fills={c: _pastel(rng) for c in codes},
            line=[(255, 255, 255), (90, 90, 90), (150, 150, 150)][int(rng.integers(3))],
            line_width=int(rng.integers(1, 3)),
        )
    if name == "choropleth":
        grey = int(rng.integers(215, 240))
        _, oblasts = reference_layers()
        hue = rng.random()
        fills = {
            code: _hsv(hue, 0.15 + 0.7 * rng.random(), 0.95 - 0.4 * rng.random())
            for code in sorted(oblasts.shapes)
        }
        return Style(
            sea=blue_sea if rng.random() < 0.5 else (255, 255, 255),
            land_default=(grey, grey, grey),
            line=(255, 255, 255),
            oblast_fills=fills,
            oblast_line=(255, 255, 255),
        )
    if name == "highlight":
        grey = int(rng.integers(200, 235))
        target = "UKR" if rng.random() < 0.6 else "RUS"
        colour = [(214, 39, 40), (255, 127, 14), (31, 119, 180), (44, 160, 44)][
            int(rng.integers(4))
        ]
        return Style(
            sea=(255, 255, 255) if rng.random() < 0.5 else blue_sea,
            land_default=(grey, grey, grey),
            fills={target: colour},
            line=(255, 255, 255),
            line_width=1,
        )
    if name == "outline":
        return Style(
            sea=(255, 255, 255),
            land_default=(255, 255, 255),
            line=[(0, 0, 0), (60, 60, 60), (110, 110, 110)][int(rng.integers(3))],
            line_width=int(rng.integers(1, 3)),
        )
    if name == "dark":
        return Style(
            sea=(20, 30, 48),
            land_default=(60, 64, 72),
            fills={c: (60 + int(rng.integers(0, 25)),) * 3 for c in codes},
            line=(120, 125, 135),
            line_width=1,
        )
    if name == "texture":
        return Style(
            sea=blue_sea,
            land_default=(225, 215, 190),
            fills={c: _pastel(rng) for c in codes},
            line=(110, 110, 110),
            line_width=1,
            texture=0.35,
        )
    raise ValueError(name)


def _rings(geom: BaseGeometry) -> list[tuple[np.ndarray, list[np.ndarray]]]:
    out = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        ext = shapely.get_coordinates(poly.exterior)
        holes = [shapely.get_coordinates(r) for r in poly.interiors]
        out.append((ext, holes))
    return out


def _draw_geom(
    draw: ImageDraw.ImageDraw,
    geom: BaseGeometry,
    view: View,
    ss: int,
    fill: tuple[int, int, int] | None,
    line: tuple[int, int, int] | None,
    width: int,
    hole_fill: tuple[int, int, int] | None = None,
) -> None:
    for ext, holes in _rings(geom):
        for k, ring in enumerate([ext, *holes]):
            x, y = view.to_pixel(ring[:, 0], ring[:, 1])
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() < 3:
                continue
            pts = list(zip((x[ok] * ss - 0.5).tolist(), (y[ok] * ss - 0.5).tolist(), strict=True))
            ring_fill = fill if k == 0 else hole_fill
            if ring_fill is not None:
                draw.polygon(pts, fill=ring_fill)
            if line is not None:
                draw.line([*pts, pts[0]], fill=line, width=max(1, width * ss), joint="curve")


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    geom: BaseGeometry,
    view: View,
    ss: int,
    colour: tuple[int, int, int],
    width: int,
) -> None:
    for part in shapely.get_parts(geom):
        if part.geom_type != "LineString" or part.is_empty:
            continue
        xy = shapely.get_coordinates(part)
        x, y = view.to_pixel(xy[:, 0], xy[:, 1])
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() < 2:
            continue
        pts = list(zip((x[ok] * ss - 0.5).tolist(), (y[ok] * ss - 0.5).tolist(), strict=True))
        draw.line(pts, fill=colour, width=max(1, width * ss), joint="curve")


def render(
    view: View,
    style: Style,
    rng: np.random.Generator,
    *,
    depiction: str = "ukraine",
    world: Layer | None = None,
    world_only: bool = False,
    labels: int = 0,
    legend: bool = False,
    graticule: bool = False,
    jpeg_quality: int | None = None,
    supersample: int = 2,
) -> np.ndarray:
    """Draw the map; returns an RGB uint8 array (height × width × 3)."""
    ss = supersample
    w, h = view.width, view.height
    img = Image.new("RGB", (w * ss, h * ss), style.sea)
    draw = ImageDraw.Draw(img)
    countries, oblasts = reference_layers()
    if world is not None:
        # Beyond the reference window only: inside it the 10m reference is drawn instead.
        window = shapely.box(*WINDOW)
        for code, geom in sorted(world.shapes.items()):
            fill = style.fills.get(code, style.land_default)
            if world_only and style.fills:
                fill = list(style.fills.values())[hash_code(code) % len(style.fills)]
            part = _visible(geom, view)
            if world_only:
                _draw_geom(draw, part, view, ss, fill, style.line, style.line_width)
                continue
            _draw_geom(draw, shapely.difference(part, window), view, ss, fill, None, 1)
            if style.line is not None:
                outline = shapely.difference(part.boundary, window)
                _draw_lines(draw, outline, view, ss, style.line, style.line_width)
    if not world_only:
        russia_fill = style.fills.get("RUS", style.land_default)
        for code, geom in sorted(countries.shapes.items()):
            fill = style.fills.get(code, style.land_default)
            _draw_geom(draw, geom, view, ss, fill, None, 1)
        if style.oblast_fills:
            for code, geom in sorted(oblasts.shapes.items()):
                _draw_geom(draw, geom, view, ss, style.oblast_fills[code], style.oblast_line, 1)
        if depiction == "russia":
            crimea = shapely.union(oblasts.shapes["UA-43"], oblasts.shapes["UA-40"])
            _draw_geom(draw, crimea, view, ss, russia_fill, None, 1)
        if style.line is not None:
            # Outlines without the clipping window's edges (no real map has them).
            frame = shapely.box(*WINDOW).boundary.buffer(1e-6)
            for _, geom in sorted(countries.shapes.items()):
                outline = shapely.difference(geom.boundary, frame)
                _draw_lines(
                    draw, shapely.line_merge(outline), view, ss, style.line, style.line_width
                )
            if depiction == "russia":
                perekop = shapely.intersection(
                    oblasts.shapes["UA-43"].boundary, oblasts.shapes["UA-65"].boundary
                )
                _draw_lines(
                    draw, shapely.line_merge(perekop), view, ss, style.line, style.line_width
                )
    if style.texture > 0:
        img = _texture(img, style, rng)
        draw = ImageDraw.Draw(img)
    if graticule:
        _graticule(draw, view, ss)
    img = img.resize((w, h), Image.Resampling.BOX) if ss > 1 else img
    draw = ImageDraw.Draw(img)
    if labels:
        _labels(draw, rng, w, h, labels)
    if legend:
        _legend(draw, rng, w, h, style)
    if jpeg_quality is not None:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=int(jpeg_quality))
        buf.seek(0)
        img = Image.open(buf).convert("RGB")
    return np.asarray(img, dtype=np.uint8).copy()


def hash_code(code: str) -> int:
    """A stable small hash (Python's ``hash`` of str is salted per process)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(code))


def _visible(geom: BaseGeometry, view: View) -> BaseGeometry:
    """Drop parts of a world geometry that fall far outside the picture (and avoid drawing
    polygons that wrap around the antimeridian)."""
    parts = []
    for poly in shapely.get_parts(geom):
        minx, miny, maxx, maxy = poly.bounds
        if maxx - minx > 180:
            continue
        xs = np.array([minx, maxx, minx, maxx, (minx + maxx) / 2])
        ys = np.array([miny, miny, maxy, maxy, (miny + maxy) / 2])
        x, y = view.to_pixel(xs, ys)
        if not np.all(np.isfinite(x)):
            continue
        if x.max() < -view.width or x.min() > 2 * view.width:
            continue
        if y.max() < -view.height or y.min() > 2 * view.height:
            continue
        parts.append(poly)
    return shapely.MultiPolygon(parts) if parts else shapely.Polygon()


def _texture(img: Image.Image, style: Style, rng: np.random.Generator) -> Image.Image:
    arr = np.asarray(img, dtype=np.float32)
    h, w = arr.shape[:2]
    small = rng.normal(0.0, 1.0, (max(2, h // 24), max(2, w // 24))).astype(np.float32)
    noise = np.asarray(
        Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32
    )
    fine = rng.normal(0.0, 0.4, (h, w)).astype(np.float32)
    land = np.any(np.abs(arr - np.array(style.sea, dtype=np.float32)) > 8, axis=2)
    shade = 1.0 + style.texture * 0.25 * (noise + fine)
    out = np.where(land[..., None], arr * shade[..., None], arr)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.SMOOTH)


def _graticule(draw: ImageDraw.ImageDraw, view: View, ss: int) -> None:
    for lon in range(-30, 90, 10):
        lat = np.linspace(20, 75, 60)
        x, y = view.to_pixel(np.full_like(lat, lon), lat)
        draw.line(
            list(zip((x * ss).tolist(), (y * ss).tolist(), strict=True)),
            fill=(170, 170, 190),
            width=ss,
        )
    for lat0 in range(30, 75, 10):
        lon = np.linspace(-30, 90, 120)
        x, y = view.to_pixel(lon, np.full_like(lon, lat0))
        draw.line(
            list(zip((x * ss).tolist(), (y * ss).tolist(), strict=True)),
            fill=(170, 170, 190),
            width=ss,
        )


WORDS = (
    "Ukraine",
    "Україна",
    "Украина",
    "Russia",
    "Росія",
    "Moldova",
    "Romania",
    "Black Sea",
    "Чорне море",
    "Sea of Azov",
    "Kyiv",
    "Київ",
    "Odesa",
    "Kharkiv",
    "Crimea",
    "Крим",
    "Poland",
    "Belarus",
    "Turkey",
    "Georgia",
    "Dnipro",
    "Mariupol",
    "Zaporizhzhia",
    "Kherson",
    "Donetsk",
)


def _labels(draw: ImageDraw.ImageDraw, rng: np.random.Generator, w: int, h: int, n: int) -> None:
    for _ in range(n):
        size = int(rng.integers(10, max(12, min(w, h) // 22)))
        fnt = font(size)
        text = WORDS[int(rng.integers(len(WORDS)))]
        x, y = float(rng.integers(0, w)), float(rng.integers(0, h))
        colour = (0, 0, 0) if rng.random() < 0.7 else (80, 80, 80)
        if rng.random() < 0.3:
            draw.text(
                (x, y), text, fill=colour, font=fnt, stroke_width=2, stroke_fill=(255, 255, 255)
            )
        else:
            draw.text((x, y), text, fill=colour, font=fnt)


def _legend(
    draw: ImageDraw.ImageDraw, rng: np.random.Generator, w: int, h: int, style: Style
) -> None:
    bw, bh = int(w * (0.18 + 0.1 * rng.random())), int(h * (0.12 + 0.1 * rng.random()))
    corner = int(rng.integers(4))
    x0 = 8 if corner in (0, 2) else w - bw - 8
    y0 = 8 if corner in (0, 1) else h - bh - 8
    draw.rectangle([x0, y0, x0 + bw, y0 + bh], fill=(255, 255, 255), outline=(80, 80, 80))
    fnt = font(max(9, bh // 7))
    colours: Sequence[tuple[int, int, int]] = list(style.fills.values())[:3] or [style.land_default]
    for i, colour in enumerate(colours):
        yy = y0 + 6 + i * (bh // 4)
        draw.rectangle([x0 + 6, yy, x0 + 20, yy + bh // 6], fill=colour, outline=(0, 0, 0))
        draw.text((x0 + 26, yy), WORDS[i], fill=(0, 0, 0), font=fnt)
    # A title band along the top, as news graphics have.
    if rng.random() < 0.5:
        draw.rectangle([0, 0, w, max(12, h // 14)], fill=(250, 250, 250))
        draw.text((6, 2), "Map", fill=(0, 0, 0), font=font(max(9, h // 20)))
