"""Colours, palettes, colour distance and the land texture shared by both renderers."""

from __future__ import annotations

import colorsys
import math

import numpy as np
from numpy.typing import NDArray

RGB = tuple[int, int, int]

STYLES = ("political", "choropleth", "highlight", "outline", "texture")

#: Sequential ramps for choropleths (light to dark), as RGB stops.
RAMPS: dict[str, tuple[RGB, ...]] = {
    "blues": ((239, 243, 255), (189, 215, 231), (107, 174, 214), (49, 130, 189), (8, 81, 156)),
    "reds": ((254, 229, 217), (252, 174, 145), (251, 106, 74), (222, 45, 38), (165, 15, 21)),
    "greens": ((237, 248, 233), (186, 228, 179), (116, 196, 118), (49, 163, 84), (0, 109, 44)),
    "ylorbr": ((255, 255, 212), (254, 217, 142), (254, 153, 41), (217, 95, 14), (153, 52, 4)),
    "purples": ((242, 240, 247), (203, 201, 226), (158, 154, 200), (117, 107, 177), (84, 39, 143)),
    "viridis": ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)),
}


def hex_colour(c: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*c)


def _clamp(v: float) -> int:
    return max(0, min(255, round(v)))


def hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (_clamp(r * 255), _clamp(g * 255), _clamp(b * 255))


def _lin(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(c: RGB) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    r, g, b = (_lin(v) for v in c)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def delta_e(a: RGB, b: RGB) -> float:
    """CIE76 colour difference (about 2.3 is just noticeable; 20+ reads as another colour)."""
    la, lb = lab(a), lab(b)
    return math.sqrt(sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        _clamp(a[0] + (b[0] - a[0]) * t),
        _clamp(a[1] + (b[1] - a[1]) * t),
        _clamp(a[2] + (b[2] - a[2]) * t),
    )


def ramp_colour(ramp: tuple[RGB, ...], value: float) -> RGB:
    """The ramp's colour at ``value`` in 0..1 (piecewise linear between stops)."""
    v = min(max(value, 0.0), 1.0) * (len(ramp) - 1)
    i = min(int(v), len(ramp) - 2)
    return mix(ramp[i], ramp[i + 1], v - i)


def palette_colour(rng: np.random.Generator, family: str) -> RGB:
    """A random fill colour of a palette family."""
    h = float(rng.random())
    if family == "pastel":
        return hsv(h, float(rng.uniform(0.15, 0.45)), float(rng.uniform(0.85, 1.0)))
    if family == "bold":
        return hsv(h, float(rng.uniform(0.45, 0.85)), float(rng.uniform(0.65, 0.95)))
    if family == "dark":
        return hsv(h, float(rng.uniform(0.25, 0.6)), float(rng.uniform(0.3, 0.55)))
    return hsv(h, float(rng.uniform(0.1, 0.3)), float(rng.uniform(0.6, 0.85)))  # muted


def distinct_colour(
    rng: np.random.Generator, family: str, avoid: list[RGB], min_delta: float = 25.0
) -> RGB:
    """A palette colour at least ``min_delta`` away from every colour in ``avoid`` (bounded)."""
    best = palette_colour(rng, family)
    best_d = min((delta_e(best, a) for a in avoid), default=1e9)
    for _ in range(40):
        if best_d >= min_delta:
            break
        c = palette_colour(rng, family)
        d = min((delta_e(c, a) for a in avoid), default=1e9)
        if d > best_d:
            best, best_d = c, d
    return best


def similar_colour(rng: np.random.Generator, base: RGB, lo: float, hi: float) -> RGB:
    """A colour whose ΔE from ``base`` is between ``lo`` and ``hi`` (bounded search)."""
    best = base
    for _ in range(200):
        c = (
            _clamp(base[0] + rng.normal(0, 10)),
            _clamp(base[1] + rng.normal(0, 10)),
            _clamp(base[2] + rng.normal(0, 10)),
        )
        d = delta_e(c, base)
        if lo <= d <= hi:
            return c
        if abs(d - (lo + hi) / 2) < abs(delta_e(best, base) - (lo + hi) / 2):
            best = c
    return best


def texture_field(width: int, height: int, seed: int, strength: float) -> NDArray[np.float32]:
    """Multiplicative shading (about 1 ± ``strength``) that looks like hillshade with noise.

    A smooth random height field is lit from the north-west, a faint large-scale gradient and
    grain are added. The field depends only on (seed, strength, aspect), so both renderers shade
    the same map the same way at any resolution. It is computed on at most ~800 px and resized.
    """
    from PIL import Image

    rng = np.random.default_rng(seed)
    factor = min(1.0, 800.0 / max(width, height, 1))
    w = max(8, round(width * factor))
    h = max(8, round(height * factor))
    cells = 24
    ch = max(4, round(cells * h / w))
    base = rng.normal(0.0, 1.0, size=(ch, cells)).astype(np.float32)
    height_map = np.asarray(
        Image.fromarray(base).resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32
    )
    gy, gx = np.gradient(height_map)
    shade = -(gx - gy) * (w / cells) * 0.35
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = float(rng.uniform(0, 2 * math.pi))
    gradient = (np.cos(angle) * xx / w + np.sin(angle) * yy / h) - 0.5
    grain = rng.normal(0.0, 0.25, size=(h, w)).astype(np.float32)
    field = np.clip(shade + 0.6 * gradient + grain, -2.5, 2.5) * (strength / 2.5)
    out = Image.fromarray((1.0 + field).astype(np.float32))
    if (w, h) != (width, height):
        out = out.resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(out, dtype=np.float32)
