"""Synthetic map pictures for the decision tests, drawn with Pillow from the reference boundaries.

A :class:`FakeRegistration` stands in for :mod:`checker.imaging.register`: it carries the exact
projection the picture was drawn with, so the decision logic is tested on its own.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFont
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

from checker.imaging.decide import OCCUPIED_CORE, reference_geometry

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "reference_boundaries"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

Colour = tuple[int, int, int]
SEA: Colour = (170, 211, 223)
OTHER: Colour = (230, 230, 220)
RUSSIA: Colour = (240, 190, 160)
UKRAINE: Colour = (250, 230, 120)
GREY: Colour = (190, 190, 190)
RED: Colour = (220, 60, 60)
WHITE: Colour = (255, 255, 255)
BLACK: Colour = (0, 0, 0)


@dataclass(frozen=True)
class FakeRegistration:
    """A registration with a known projection (the test double for ``register``)."""

    projection: str
    to_pixel: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    score: float = 0.9
    margin: float = 0.5
    crimea_px: float = 0.0
    params: dict[str, float] = field(default_factory=dict)
    method: str = "test-double"


def projection(
    bbox: tuple[float, float, float, float], width: int, kind: str = "mercator"
) -> tuple[FakeRegistration, tuple[int, int]]:
    """A registration mapping ``bbox`` (lon0, lat0, lon1, lat1) onto a ``width``-px picture."""
    lon0, lat0, lon1, lat1 = bbox

    def fy(lat: np.ndarray) -> np.ndarray:
        if kind == "mercator":
            return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))
        if kind == "cos":  # plate carrée stretched by 1/cos(latitude), as GIS plots do
            return np.asarray(lat) / math.cos(math.radians((lat0 + lat1) / 2))
        return np.asarray(lat, dtype=np.float64)

    scale = width / (lon1 - lon0)
    top = float(fy(np.asarray(lat1)))
    bottom = float(fy(np.asarray(lat0)))
    height = round((top - bottom) * scale)

    def to_pixel(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = (np.asarray(lon, dtype=np.float64) - lon0) * scale
        y = (top - fy(np.asarray(lat, dtype=np.float64))) * scale
        return x, y

    return FakeRegistration(projection=kind, to_pixel=to_pixel), (width, height)


@cache
def shapes() -> dict[str, BaseGeometry]:
    def load(name: str) -> list[tuple[BaseGeometry, dict[str, Any]]]:
        data = json.loads((REF / name).read_text(encoding="utf-8"))
        return [(shape(f["geometry"]), f["properties"]) for f in data["features"]]

    out: dict[str, BaseGeometry] = {}
    out["ukraine"] = load("ukraine.geojson")[0][0].simplify(0.005)
    out["russia"] = shapely.clip_by_rect(load("russia.geojson")[0][0], 18, 38, 50, 60).simplify(
        0.005
    )
    others = [g for g, p in load("neighbours.geojson") if p.get("iso_a2") not in ("RU", "UA")]
    out["others"] = shapely.union_all([g.simplify(0.01) for g in others])
    raw = {p["iso_3166_2"]: g for g, p in load("ukraine_oblasts.geojson")}
    out["perekop"] = shapely.intersection(raw["UA-65"].boundary, raw["UA-43"].boundary)
    for code, g in raw.items():
        out[code] = g.simplify(0.003)
    out["crimea"] = shapely.union(out["UA-43"], out["UA-40"])
    out["land"] = shapely.union_all([out["others"], out["russia"], out["ukraine"]]).buffer(0)
    four = shapely.union_all([out[c] for c in ("UA-14", "UA-09", "UA-23", "UA-65")])
    out["four"] = four
    out["occupied"] = shapely.intersection(four, Polygon(OCCUPIED_CORE).buffer(0.15))
    return out


def _rings(geom: BaseGeometry, reg: FakeRegistration) -> list[tuple[list[Any], list[list[Any]]]]:
    out = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue

        def proj(coords: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
            # Registrations use continuous pixel coordinates (pixel centres at +0.5); Pillow
            # draws integer coordinates at pixel centres.
            arr = np.asarray(coords)
            x, y = reg.to_pixel(arr[:, 0], arr[:, 1])
            return list(zip((x - 0.5).tolist(), (y - 0.5).tolist(), strict=True))

        out.append((proj(poly.exterior.coords), [proj(r.coords) for r in poly.interiors]))
    return out


def fill(
    draw: ImageDraw.ImageDraw,
    geom: BaseGeometry,
    reg: FakeRegistration,
    colour: Colour,
    background: Colour | None = None,
) -> None:
    for ext, holes in _rings(geom, reg):
        draw.polygon(ext, fill=colour)
        for hole in holes:
            draw.polygon(hole, fill=background or colour)


def outline(
    draw: ImageDraw.ImageDraw, geom: BaseGeometry, reg: FakeRegistration, colour: Colour, width: int
) -> None:
    if geom.geom_type in ("LineString", "MultiLineString"):
        for line in getattr(geom, "geoms", [geom]):
            arr = np.asarray(line.coords)
            x, y = reg.to_pixel(arr[:, 0], arr[:, 1])
            pts = list(zip((x - 0.5).tolist(), (y - 0.5).tolist(), strict=True))
            draw.line(pts, fill=colour, width=width)
        return
    for ext, holes in _rings(geom, reg):
        for ring in [ext, *holes]:
            draw.line([*ring, ring[0]], fill=colour, width=width)


def hatch(
    img: Image.Image,
    geom: BaseGeometry,
    reg: FakeRegistration,
    colour: Colour,
    spacing: int = 6,
    width: int = 2,
) -> None:
    """Diagonal stripes over ``geom``."""
    mask = Image.new("1", img.size, 0)
    fill(ImageDraw.Draw(mask), geom, reg, 1)  # type: ignore[arg-type]
    stripes = Image.new("1", img.size, 0)
    d = ImageDraw.Draw(stripes)
    w, h = img.size
    for off in range(-h, w, spacing):
        d.line([(off, 0), (off + h, h)], fill=1, width=width)
    both = Image.fromarray(np.asarray(mask) & np.asarray(stripes))
    img.paste(Image.new("RGB", img.size, colour), (0, 0), both)


@dataclass
class Style:
    """How a synthetic map is drawn."""

    sea: Colour = SEA
    others: Colour = OTHER
    russia: Colour = RUSSIA
    ukraine: Colour = UKRAINE
    #: Crimea's fill; ``None`` draws it like Ukraine.
    crimea: Colour | None = None
    #: Fill of the four oblasts (whole) or of the occupied zone; ``None`` leaves Ukraine's.
    four: Colour | None = None
    occupied: Colour | None = None
    #: (colour, spacing) of a hatch over Crimea (and the occupied zone with ``hatch_mainland``).
    hatch: tuple[Colour, int] | None = None
    hatch_mainland: bool = True
    hatch_width: int = 2
    borders: Colour | None = None
    border_width: int = 1
    #: Draw the borders as Russia claims them (the four oblasts and Crimea inside Russia).
    annexed: bool = False
    oblast_borders: bool = False
    perekop_line: bool = False
    kerch_line: bool = False
    coast: Colour | None = None
    labels: list[tuple[str, float, float, int]] = field(default_factory=list)
    legend: list[tuple[str, Colour]] = field(default_factory=list)


def render(style: Style, reg: FakeRegistration, size: tuple[int, int]) -> np.ndarray:
    s = shapes()
    img = Image.new("RGB", size, style.sea)
    draw = ImageDraw.Draw(img)
    fill(draw, s["others"], reg, style.others, style.sea)
    fill(draw, s["russia"], reg, style.russia, style.sea)
    fill(draw, s["ukraine"], reg, style.ukraine, style.sea)
    if style.four is not None:
        fill(draw, s["four"], reg, style.four)
    if style.occupied is not None:
        fill(draw, s["occupied"], reg, style.occupied)
    fill(draw, s["crimea"], reg, style.crimea or style.ukraine)
    if style.hatch is not None:
        colour, spacing = style.hatch
        area = shapely.union(s["crimea"], s["occupied"]) if style.hatch_mainland else s["crimea"]
        hatch(img, area, reg, colour, spacing, style.hatch_width)
        draw = ImageDraw.Draw(img)
    if style.coast is not None:
        outline(draw, s["land"], reg, style.coast, 1)
    if style.borders is not None:
        ua, ru = s["ukraine"], s["russia"]
        if style.annexed:
            claimed = shapely.union(s["four"], s["crimea"]).buffer(0.002)
            ua, ru = shapely.difference(ua, claimed), shapely.union(ru, claimed)
        outline(draw, ua, reg, style.borders, style.border_width)
        outline(draw, ru, reg, style.borders, style.border_width)
    if style.oblast_borders:
        for key, geom in s.items():
            if key.startswith("UA-"):
                outline(draw, geom, reg, style.borders or BLACK, 1)
    if style.perekop_line:
        outline(draw, s["perekop"], reg, style.borders or BLACK, max(2, style.border_width))
    if style.kerch_line:
        pts = reference_geometry().kerch
        x, y = reg.to_pixel(pts[:, 0], pts[:, 1])
        order = np.argsort(y)
        draw.line(
            list(zip(x[order].tolist(), y[order].tolist(), strict=True)),
            fill=style.borders or BLACK,
            width=max(2, style.border_width),
        )
    for text, lon, lat, size_pt in style.labels:
        x, y = reg.to_pixel(np.asarray([lon]), np.asarray([lat]))
        font = _font(size_pt)
        draw.text((float(x[0]), float(y[0])), text, fill=BLACK, font=font, anchor="mm")
    if style.legend:
        font = _font(16)
        y0 = 10
        w = 10 + max(int(draw.textlength(t, font=font)) for t, _ in style.legend) + 40
        draw.rectangle([5, 5, 5 + w, 15 + 26 * len(style.legend)], fill=WHITE, outline=BLACK)
        for text, colour in style.legend:
            draw.rectangle([12, y0 + 4, 32, y0 + 20], fill=colour, outline=BLACK)
            draw.text((40, y0 + 2), text, fill=BLACK, font=font)
            y0 += 26
    return np.asarray(img, dtype=np.uint8)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default()


def png_bytes(rgb: np.ndarray, fmt: str = "PNG", **kw: Any) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, fmt, **kw)
    return buf.getvalue()


#: A regional view: Ukraine, Crimea, the Sea of Azov and the Russian border (Crimea ~230 px).
REGIONAL = (28.0, 43.0, 42.0, 53.0)
#: Zoomed on Crimea and the south.
SOUTH = (30.5, 43.8, 40.5, 49.5)
