"""The evidence picture: the map with what the checker fitted, sampled and concluded drawn on it.

``mapcheck check --evidence DIR`` writes one PNG per picture: the reference outlines projected by
the registration (Crimea and Sevastopol in magenta, the four oblasts in orange, Ukraine in blue,
Russia in red), the sampled areas outlined in the colour of their key, the Perekop and Kerch
probes coloured by what they found (and, in bright green, a border found off the reference line
between the areas either side), purple rings at the place labels the registration rests on
(:mod:`checker.imaging.anchors`), and a banner with the verdict and the reasons. A map that the
locator placed elsewhere in the world (:mod:`checker.imaging.locate`) gets the world's coast
drawn where it was found, in teal (and its land borders, when its lines placed it). This is
how a journalist sees why.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from checker.imaging.decide import (
    ImageDecision,
    erode,
    project_lines,
    project_rings,
    reference_geometry,
)

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

#: The world's coast where the map locator placed a picture of another region.
LOCATED_COLOUR = (0, 150, 140)
OUTLINE_COLOURS: dict[str, tuple[int, int, int]] = {
    "ukraine": (30, 90, 220),
    "russia": (210, 30, 30),
    "UA-14": (245, 140, 0),
    "UA-09": (245, 140, 0),
    "UA-23": (245, 140, 0),
    "UA-65": (245, 140, 0),
    "crimea": (220, 0, 220),
    "sevastopol": (220, 0, 220),
}
SAMPLE_COLOURS: dict[str, tuple[int, int, int]] = {
    "crimea": (220, 0, 220),
    "mainland": (245, 140, 0),
    "ukraine": (30, 90, 220),
    "russia": (210, 30, 30),
    "sea": (0, 170, 170),
}
#: Rings at the place labels a registration rests on.
ANCHOR_COLOUR = (110, 0, 170)
#: A border found between the areas either side, where the transects could not read it.
AREAS_COLOUR = (0, 200, 90)
PROBE_COLOURS = {"present": (0, 160, 0), "absent": (128, 128, 128), "unreadable": (200, 160, 0)}


def picture_name(source_name: str) -> str:
    """A file name for the evidence picture of ``source_name``: readable and unique."""
    base = Path(source_name).name.replace(".", "_") or "stdin"
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", base).strip("_-")[:80] or "image"
    digest = hashlib.sha256(source_name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{stem}-{digest}.evidence.png"


def render(
    rgb: npt.NDArray[np.uint8], decision: ImageDecision, verdict: str, lines: list[str]
) -> bytes:
    """The evidence picture as PNG bytes."""
    from PIL import Image, ImageDraw

    base = Image.fromarray(rgb).convert("RGB")
    # Fade the map a little so that the drawing stands out.
    img = Image.blend(base, Image.new("RGB", base.size, (255, 255, 255)), 0.25)
    draw = ImageDraw.Draw(img)
    reg = decision.registration
    width = max(1, round(max(img.size) / 600))
    if reg is not None:
        ref = reference_geometry()
        for key, geom in ref.outlines.items():
            colour = OUTLINE_COLOURS.get(key, (0, 0, 0))
            thick = width + (1 if key in ("crimea", "sevastopol") else 0)
            for ext, holes in project_rings(geom, reg):
                for ring in (ext, *holes):
                    _polyline(draw, ring, colour, thick, closed=True)
        for key, sample in decision.samples.items():
            if sample.mask is None:
                continue
            edge = sample.mask & ~erode(sample.mask, 1)
            ys, xs = np.nonzero(edge)
            arr = np.asarray(img).copy()
            arr[ys, xs] = SAMPLE_COLOURS.get(key, (0, 0, 0))
            img = Image.fromarray(arr)
            draw = ImageDraw.Draw(img)
        for key in ("perekop", "east", "state"):
            probe = decision.lines.get(key)
            if probe is None or (probe.state == "unreadable" and key != "perekop"):
                continue
            colour = PROBE_COLOURS[probe.state]
            for xy in project_lines(ref.lines[key], reg):
                _polyline(draw, xy, colour, width + 2, closed=False)
        for probe in decision.lines.values():
            # A border read from the areas either side (off the reference line): its pixels.
            if probe.areas is not None and probe.areas.pixels is not None:
                px, py = probe.areas.pixels
                for x, y in zip(px.tolist(), py.tolist(), strict=True):
                    draw.ellipse([x - width, y - width, x + width, y + width], fill=AREAS_COLOUR)
        for x, y in getattr(reg, "anchors", ()):
            # The place labels the registration rests on: a ring at each place.
            r = 3 * width + 1
            draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=width + 2)
            draw.ellipse([x - r, y - r, x + r, y + r], outline=ANCHOR_COLOUR, width=width)
        kerch = decision.lines.get("kerch")
        if kerch is not None and len(ref.kerch):
            x, y = reg.to_pixel(ref.kerch[:, 0].copy(), ref.kerch[:, 1].copy())
            colour = PROBE_COLOURS[kerch.state]
            for xi, yi in zip(np.asarray(x), np.asarray(y), strict=True):
                if np.isfinite(xi) and np.isfinite(yi):
                    draw.point((float(xi) - 0.5, float(yi) - 0.5), fill=colour)
    elif decision.located is not None:
        from checker.imaging.locate import border_pixels, coast_pixels

        found = decision.located
        for ring in coast_pixels(found, img.size[0], img.size[1]):
            _polyline(draw, ring, LOCATED_COLOUR, width + 1, closed=True)
        if found.by_lines:
            for line in border_pixels(found, img.size[0], img.size[1]):
                _polyline(draw, line, LOCATED_COLOUR, width, closed=False)
    img = _with_banner(img, verdict, lines)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def _polyline(
    draw: ImageDraw.ImageDraw,
    xy: npt.NDArray[np.float64],
    colour: tuple[int, int, int],
    width: int,
    closed: bool,
) -> None:
    pts = [(float(x) - 0.5, float(y) - 0.5) for x, y in xy]
    if closed and pts:
        pts.append(pts[0])
    if len(pts) >= 2:
        draw.line(pts, fill=colour, width=width)


def _with_banner(img: Image.Image, verdict: str, lines: list[str]) -> Image.Image:
    from PIL import Image, ImageDraw, ImageFont

    size = max(12, min(22, img.width // 45))
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(
            "DejaVuSans.ttf", size
        )
    except OSError:
        font = ImageFont.load_default()
    text = [f"mapcheck: {verdict}", *lines]
    wrapped: list[str] = []
    probe = ImageDraw.Draw(img)
    for line in text:
        wrapped.extend(_wrap(probe, line, font, img.width - 16))
    height = 8 + (size + 6) * len(wrapped)
    out = Image.new("RGB", (img.width, img.height + height), (255, 255, 255))
    out.paste(img, (0, height))
    draw = ImageDraw.Draw(out)
    colour = {"flag": (190, 0, 0), "warn": (200, 120, 0), "clean": (0, 130, 0)}.get(
        verdict, (60, 60, 60)
    )
    y = 4
    for i, line in enumerate(wrapped):
        draw.text((8, y), line, fill=colour if i == 0 else (0, 0, 0), font=font)
        y += size + 6
    return out


def _wrap(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words[:400]:
        trial = f"{current} {word}".strip()
        if current and draw.textlength(trial, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines[:12]


def write(
    directory: Path,
    source_name: str,
    rgb: npt.NDArray[np.uint8],
    decision: ImageDecision,
    verdict: str,
    lines: list[str],
) -> Path:
    """Write the evidence picture atomically into ``directory``; returns its path."""
    from checker.io import atomic_write_bytes

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / picture_name(source_name)
    atomic_write_bytes(path, render(rgb, decision, verdict, lines))
    return path
