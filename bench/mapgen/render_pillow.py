"""Renderer (a): Pillow ImageDraw on a supersampled canvas, reduced with a box filter.

ImageDraw fills polygons without antialiasing, so the scene is drawn 2–4× larger and averaged
down, which is how many server-side chart tools get smooth edges. Text uses FreeType through
``ImageFont.truetype`` (DejaVu, from the system or from matplotlib's bundled copy).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

from bench.mapgen.scene import Area, Hatch, Legend, LegendEntry, Line, Ring, Scene, dash_path
from bench.mapgen.styles import RGB, texture_field

SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "sans": ("DejaVuSans.ttf",),
    "serif": ("DejaVuSerif.ttf",),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansMono.ttf"),
    "bold": ("DejaVuSans-Bold.ttf",),
}


@cache
def font_path(kind: str) -> Path:
    """A TTF with Cyrillic: DejaVu from the system, else the copy matplotlib ships."""
    dirs = [SYSTEM_FONT_DIR]
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:  # pragma: no cover - matplotlib is a bench dependency
        pass
    for name in (*FONT_FILES.get(kind, ()), "DejaVuSans.ttf"):
        for d in dirs:
            if (d / name).is_file():
                return d / name
    raise FileNotFoundError("no DejaVu TTF font found (install fonts-dejavu-core or matplotlib)")


@cache
def _font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(kind)), size)


def supersampling(width: int, height: int) -> int:
    side = max(width, height)
    return 3 if side <= 800 else 2


def _flat(ring: Ring, s: int, dx: float = 0.0, dy: float = 0.0) -> list[float]:
    pts = ring * s
    pts[:, 0] -= dx
    pts[:, 1] -= dy
    out: list[float] = pts.ravel().tolist()
    return out


def render(scene: Scene) -> Image.Image:
    s = supersampling(scene.width, scene.height)
    size = (scene.width * s, scene.height * s)
    canvas = Image.new("RGB", size, scene.background)
    draw = ImageDraw.Draw(canvas)
    land = Image.new("L", size, 0) if scene.texture_strength > 0 else None
    land_draw = ImageDraw.Draw(land) if land is not None else None

    for area in scene.areas:
        if area.overlay:
            continue
        for poly in area.polygons:
            if area.fill is not None:
                draw.polygon(_flat(poly[0], s), fill=area.fill)
                for hole in poly[1:]:
                    draw.polygon(_flat(hole, s), fill=scene.background)
            if land_draw is not None:
                land_draw.polygon(_flat(poly[0], s), fill=255)
                for hole in poly[1:]:
                    land_draw.polygon(_flat(hole, s), fill=0)
        if area.hatch is not None:
            _hatch(canvas, area, area.hatch, s)

    if land is not None:
        _texture(canvas, land, scene, s)

    for area in scene.areas:
        if not area.overlay:
            continue
        if area.hatch is not None:
            _hatch(canvas, area, area.hatch, s)
        elif area.fill is not None:
            _tint(canvas, area, area.fill, area.alpha, s)

    for line in scene.lines:
        _line(draw, line, s)
    for dot in scene.dots:
        r = dot.radius * s
        draw.ellipse(
            (dot.x * s - r, dot.y * s - r, dot.x * s + r, dot.y * s + r),
            fill=dot.colour,
            outline=dot.edge,
            width=max(1, s // 2),
        )
    for text in scene.texts:
        font = _font(scene.font if text.kind != "title" else "bold", max(6, round(text.size * s)))
        stroke = max(1, round(text.size * s * 0.12)) if text.halo is not None else 0
        draw.text(
            (text.x * s, text.y * s),
            text.text,
            font=font,
            fill=text.colour,
            anchor=text.anchor,
            stroke_width=stroke,
            stroke_fill=text.halo,
        )
    if scene.legend is not None:
        _legend(canvas, scene.legend, scene.font, s)
    return canvas.reduce(s) if s > 1 else canvas


def _mask(area: Area, size: tuple[int, int], s: int) -> tuple[Image.Image, tuple[int, int]] | None:
    """The area's polygons as an L mask cropped to their bounding box, and the box's origin."""
    pts = [ring for poly in area.polygons for ring in poly[:1]]
    if not pts:
        return None
    allp = np.concatenate(pts) * s
    x0 = max(0, math.floor(float(allp[:, 0].min())))
    y0 = max(0, math.floor(float(allp[:, 1].min())))
    x1 = min(size[0], math.ceil(float(allp[:, 0].max())) + 1)
    y1 = min(size[1], math.ceil(float(allp[:, 1].max())) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    mask = Image.new("L", (x1 - x0, y1 - y0), 0)
    md = ImageDraw.Draw(mask)
    for poly in area.polygons:
        md.polygon(_flat(poly[0], s, x0, y0), fill=255)
        for hole in poly[1:]:
            md.polygon(_flat(hole, s, x0, y0), fill=0)
    return mask, (x0, y0)


def _hatch(canvas: Image.Image, area: Area, hatch: Hatch, s: int) -> None:
    got = _mask(area, canvas.size, s)
    if got is None:
        return
    mask, (x0, y0) = got
    w, h = mask.size
    lines = Image.new("L", (w, h), 0)
    ld = ImageDraw.Draw(lines)
    spacing = max(2.0, hatch.spacing * s)
    width = max(1, round(hatch.width * s))
    theta = math.radians(hatch.angle)
    # Lines at angle theta, one every `spacing` along the normal, anchored to the canvas origin so
    # neighbouring areas' hatches line up.
    nx, ny = -math.sin(theta), math.cos(theta)
    dx, dy = math.cos(theta), math.sin(theta)
    corners = [(x0, y0), (x0 + w, y0), (x0, y0 + h), (x0 + w, y0 + h)]
    offsets = [cx * nx + cy * ny for cx, cy in corners]
    length = math.hypot(w, h) + spacing
    k0 = math.floor(min(offsets) / spacing) - 1
    k1 = math.ceil(max(offsets) / spacing) + 1
    cx, cy = x0 + w / 2, y0 + h / 2
    base = cx * nx + cy * ny
    for k in range(k0, k1 + 1):
        off = k * spacing - base
        px, py = cx + nx * off - x0, cy + ny * off - y0
        ld.line(
            (px - dx * length, py - dy * length, px + dx * length, py + dy * length),
            fill=255,
            width=width,
        )
    combined = ImageChops.multiply(mask, lines)
    canvas.paste(hatch.colour, (x0, y0, x0 + w, y0 + h), combined)


def _tint(canvas: Image.Image, area: Area, colour: RGB, alpha: float, s: int) -> None:
    got = _mask(area, canvas.size, s)
    if got is None:
        return
    mask, (x0, y0) = got
    scaled = mask.point(lambda v: round(v * alpha))
    w, h = mask.size
    canvas.paste(colour, (x0, y0, x0 + w, y0 + h), scaled)


def _texture(canvas: Image.Image, land: Image.Image, scene: Scene, s: int) -> None:
    """Multiply land by the shared texture field: darken toward black where it is below 1,
    lighten toward white where above."""
    field = texture_field(scene.width, scene.height, scene.texture_seed, scene.texture_strength)
    dark = Image.fromarray(np.clip((1.0 - field) * 255.0, 0, 255).astype(np.uint8))
    light = Image.fromarray(np.clip((field - 1.0) * 255.0, 0, 255).astype(np.uint8))
    size = canvas.size
    dark = ImageChops.multiply(dark.resize(size, Image.Resampling.BILINEAR), land)
    light = ImageChops.multiply(light.resize(size, Image.Resampling.BILINEAR), land)
    canvas.paste((0, 0, 0), (0, 0, *size), dark)
    canvas.paste((255, 255, 255), (0, 0, *size), light)


def _line(draw: ImageDraw.ImageDraw, line: Line, s: int) -> None:
    width = max(1, round(line.width * s))
    for path in line.paths:
        parts = dash_path(path, line.dash[0], line.dash[1]) if line.dash else [path]
        for part in parts:
            if len(part) < 2:
                continue
            # No rounded joints: Pillow draws one pie slice per vertex for them, which costs more
            # than everything else; on the supersampled canvas the notches vanish when reduced.
            draw.line(_flat(part, s), fill=line.colour, width=width)


def _swatch(
    canvas: Image.Image,
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    entry: LegendEntry,
    edge: RGB,
    s: int,
) -> None:
    x0, y0, x1, y1 = box
    if entry.kind == "fill":
        draw.rectangle(box, fill=entry.colour, outline=edge, width=max(1, s // 2))
        return
    if entry.kind == "tint":
        base = Image.new("RGB", (x1 - x0, y1 - y0), (255, 255, 255))
        overlay = Image.new("RGB", base.size, entry.colour)
        canvas.paste(Image.blend(base, overlay, entry.alpha), (x0, y0))
        draw.rectangle(box, outline=edge, width=max(1, s // 2))
        return
    if entry.kind == "dashed":
        y = (y0 + y1) // 2
        for xa in range(x0, x1, 6 * s):
            draw.line((xa, y, min(x1, xa + 3 * s), y), fill=entry.colour, width=max(1, 2 * s))
        return
    # hatch / stripes: drawn on a swatch-sized tile so strokes end at its edges
    tile = Image.new("RGB", (x1 - x0, y1 - y0), entry.colour2 or (255, 255, 255))
    td = ImageDraw.Draw(tile)
    step = 5 * s if entry.kind == "hatch" else 8 * s
    width = max(1, s) if entry.kind == "hatch" else 4 * s
    th = y1 - y0
    for k in range(-th, x1 - x0 + step, step):
        td.line((k, th, k + th, 0), fill=entry.colour, width=width)
    canvas.paste(tile, (x0, y0))
    draw.rectangle(box, outline=edge, width=max(1, s // 2))


def _legend(canvas: Image.Image, legend: Legend, font_kind: str, s: int) -> None:
    draw = ImageDraw.Draw(canvas)
    size = max(6, round(legend.size * s))
    font = _font(font_kind, size)
    title_font = _font("bold", size)
    pad = round(size * 0.6)
    sw = round(size * 1.3)
    row = round(size * 1.6)
    widths = [draw.textlength(e.label, font=font) for e in legend.entries]
    title_w = draw.textlength(legend.title, font=title_font) if legend.title else 0.0
    inner_w = max(max(widths, default=0.0) + sw + pad, title_w)
    box_w = round(inner_w + 2 * pad)
    box_h = round(len(legend.entries) * row + 2 * pad + (row if legend.title else 0))
    width, height = canvas.size
    margin = round(10 * s)
    x = margin if legend.corner in ("nw", "sw") else width - margin - box_w
    y = margin if legend.corner in ("nw", "ne") else height - margin - box_h
    draw.rectangle(
        (x, y, x + box_w, y + box_h), fill=legend.background, outline=legend.edge, width=max(1, s)
    )
    text_colour: RGB = (20, 20, 20) if sum(legend.background) > 380 else (235, 235, 235)
    cy = y + pad
    if legend.title:
        draw.text(
            (x + pad, cy + row // 2), legend.title, font=title_font, fill=text_colour, anchor="lm"
        )
        cy += row
    for entry in legend.entries:
        box = (x + pad, cy + (row - sw) // 2, x + pad + sw, cy + (row - sw) // 2 + sw)
        _swatch(canvas, draw, box, entry, legend.edge, s)
        draw.text(
            (x + pad + sw + pad, cy + row // 2),
            entry.label,
            font=font,
            fill=text_colour,
            anchor="lm",
        )
        cy += row
