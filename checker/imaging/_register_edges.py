"""Edge maps of a map picture at a few resolutions, for :mod:`checker.imaging.register`.

Each level holds an oriented edge map (colour gradient after non-maximum suppression: the lines a
map draws and the boundaries between its fills) and, per orientation, how dense such edges are
around each pixel. The density gives the chance that a reference line would meet an edge there
by accident, so a hit in a cluttered place (labels, hillshade, a legend) counts for less than a
hit on clean paper.

Coordinates: continuous, (0, 0) at the top-left corner of the top-left pixel; pixel ``(i, j)``
covers ``[j, j+1) × [i, i+1)``. A level whose ``factor`` is ``f`` maps full-resolution ``x`` to
``x / f``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from checker.imaging import _work

#: Orientation bins over [0, π) for edge directions (the gradient's direction, modulo π).
N_BINS = 8
#: Edges weaker than this (in 0–255 intensity units per pixel, all channels together) are noise:
#: JPEG ringing at quality 40 stays under it, the faintest choropleth step between two classes
#: is well over it.
EDGE_THRESHOLD = 9.0
#: Side of the box over which edge density is measured, as a share of the level's shorter side.
DENSITY_WINDOW = 0.12

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class EdgeLevel:
    """One resolution of the picture."""

    factor: float  # full-resolution pixels per level pixel
    code: U8  # 0 where no edge, else 1 + orientation bin (N_BINS bins over [0, π))
    magnitude: F32  # gradient magnitude on edges (0 elsewhere)
    #: (N_BINS, h', w'): local share of pixels holding an edge compatible with bin b, on a grid
    #: ``density_step`` times coarser than the level.
    density: F32
    density_step: int

    @property
    def shape(self) -> tuple[int, int]:
        h, w = self.code.shape
        return int(h), int(w)


def to_float_rgb(rgb: npt.NDArray[np.generic]) -> F32:
    """H×W×3 float32 in 0–255 from uint8/uint16/float RGB, RGBA (over white) or grey input."""
    arr = np.asarray(rgb)
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3:
        raise ValueError(f"expected an H×W×C image, got shape {arr.shape}")
    if arr.dtype == np.uint16:
        out = arr.astype(np.float32) / 257.0
    elif np.issubdtype(arr.dtype, np.floating):
        out = arr.astype(np.float32)
        finite = np.isfinite(out)
        if finite.any() and float(out[finite].max()) <= 1.0:
            out = out * 255.0
        out = np.clip(np.nan_to_num(out, nan=255.0, posinf=255.0, neginf=0.0), 0.0, 255.0)
    else:
        out = arr.astype(np.float32)
    channels = out.shape[2]
    if channels == 1:
        out = np.repeat(out, 3, axis=2)
    elif channels == 2:
        grey, alpha = out[..., :1], out[..., 1:2] / 255.0
        out = np.repeat(grey * alpha + 255.0 * (1 - alpha), 3, axis=2)
    elif channels >= 4:
        alpha = out[..., 3:4] / 255.0
        out = out[..., :3] * alpha + 255.0 * (1 - alpha)
    return np.ascontiguousarray(out[..., :3], dtype=np.float32)


def downsample(img: F32, factor: float) -> F32:
    """Area-average ``img`` (H×W×3) by ``factor`` (≥ 1) with Pillow's box filter."""
    if factor <= 1.0:
        return img
    from PIL import Image

    h, w = img.shape[:2]
    nh, nw = max(1, round(h / factor)), max(1, round(w / factor))
    chans = [
        np.asarray(
            Image.fromarray(img[..., c]).resize((nw, nh), Image.Resampling.BOX), dtype=np.float32
        )
        for c in range(3)
    ]
    return np.stack(chans, axis=2)


def edge_level(img: F32, factor: float) -> EdgeLevel:
    """Oriented, thinned colour edges of ``img`` (already at this level's resolution)."""
    from scipy import ndimage

    h, w = img.shape[:2]
    jxx = np.zeros((h, w), np.float32)
    jyy = np.zeros((h, w), np.float32)
    jxy = np.zeros((h, w), np.float32)
    smooth = np.empty((h, w), np.float32)
    for c in range(3):
        ch = img[..., c]
        # Sobel divided by 8: a step of height d gives about d/2 on each of its two pixels.
        ndimage.correlate1d(ch, _SMOOTH, axis=0, output=smooth, mode="nearest")
        gx = ndimage.correlate1d(smooth, _DERIV, axis=1, mode="nearest")
        ndimage.correlate1d(ch, _SMOOTH, axis=1, output=smooth, mode="nearest")
        gy = ndimage.correlate1d(smooth, _DERIV, axis=0, mode="nearest")
        jxx += gx * gx
        jyy += gy * gy
        jxy += gx * gy
    # Di Zenzo: the colour gradient is the structure tensor's main eigenvector; its squared
    # magnitude is the tensor's larger eigenvalue.
    diff = jxx - jyy
    lam = 0.5 * (jxx + jyy + np.sqrt(diff * diff + 4 * jxy * jxy))
    # Only pixels over the threshold can be edges: orientation and suppression just there.
    cand = lam >= (EDGE_THRESHOLD / 2.0) ** 2
    cand[0, :] = cand[-1, :] = False
    cand[:, 0] = cand[:, -1] = False
    ys, xs = np.nonzero(cand)
    mag = np.zeros((h, w), np.float32)
    mag[ys, xs] = 2.0 * np.sqrt(lam[ys, xs])
    theta = 0.5 * np.arctan2(2 * jxy[ys, xs], diff[ys, xs])  # gradient direction in (-π/2, π/2]
    # Non-maximum suppression across the edge, in 4 direction classes (0: horizontal gradient,
    # 1: 45°, 2: vertical, 3: 135°; y points down in theta as in the picture).
    cls = np.floor((theta % np.pi) / np.pi * 4.0 + 0.5).astype(np.int64) % 4
    dy = np.array([0, 1, 1, 1])[cls]
    dx = np.array([1, 1, 0, -1])[cls]
    m = mag[ys, xs]
    keep = (m >= mag[ys + dy, xs + dx]) & (m > mag[ys - dy, xs - dx])
    ys, xs, theta = ys[keep], xs[keep], theta[keep]
    code = np.zeros((h, w), np.uint8)
    bins = np.floor((theta % np.pi) / np.pi * N_BINS).astype(np.int64) % N_BINS
    code[ys, xs] = (bins + 1).astype(np.uint8)
    out_mag = np.zeros((h, w), np.float32)
    out_mag[ys, xs] = mag[ys, xs]
    return _finish(code, out_mag, factor)


_SMOOTH = np.array([1.0, 2.0, 1.0], np.float32) / 4.0
_DERIV = np.array([-1.0, 0.0, 1.0], np.float32) / 2.0


def pooled_level(src: EdgeLevel, factor: float, size: tuple[int, int]) -> EdgeLevel:
    """A coarser level made from ``src``'s edges: each coarse pixel takes the strongest edge
    that falls in it. Unlike edges of a shrunk picture, thin lines keep their contrast."""
    w, h = size
    ys, xs = np.nonzero(src.code)
    order = np.argsort(src.magnitude[ys, xs], kind="stable")  # strongest written last
    ys, xs = ys[order], xs[order]
    r = src.factor / factor
    dy = np.minimum(((ys + 0.5) * r).astype(np.int64), h - 1)
    dx = np.minimum(((xs + 0.5) * r).astype(np.int64), w - 1)
    code = np.zeros((h, w), np.uint8)
    mag = np.zeros((h, w), np.float32)
    code[dy, dx] = src.code[ys, xs]
    mag[dy, dx] = src.magnitude[ys, xs]
    return _finish(code, mag, factor)


def _finish(code: U8, mag: F32, factor: float) -> EdgeLevel:
    """Add the per-orientation edge density (box-averaged, on a coarser grid: it is smooth)."""
    from scipy import ndimage

    h, w = code.shape
    step = max(1, min(h, w) // 64)
    hh, ww = max(1, h // step), max(1, w // step)
    win = max(3, round(DENSITY_WINDOW * min(h, w) / step) | 1)
    ys, xs = np.nonzero(code[: hh * step, : ww * step])
    cell = (ys // step) * ww + (xs // step)
    counts = np.bincount(
        (code[ys, xs].astype(np.int64) - 1) * (hh * ww) + cell, minlength=N_BINS * hh * ww
    )
    per_bin = counts.reshape(N_BINS, hh, ww).astype(np.float32) / float(step * step)
    density = np.empty_like(per_bin)
    for b in range(N_BINS):
        compat = per_bin[b] + per_bin[(b - 1) % N_BINS] + per_bin[(b + 1) % N_BINS]
        density[b] = ndimage.uniform_filter(compat, size=win, mode="constant")
    return EdgeLevel(factor=factor, code=code, magnitude=mag, density=density, density_step=step)


#: Longest side of the finest level built (finer pictures are shrunk to it first).
MAX_LEVEL_SIDE = 1448
#: Levels up to this long are edge-detected on the picture; coarser ones pool their edges.
EDGE_SOURCE_SIDE = 1024
#: Coarsest level kept: its longer side.
MIN_LEVEL_SIDE = 48


class Pyramid:
    """Levels at factors √2 apart, from the picture (shrunk to :data:`MAX_LEVEL_SIDE`) down to
    :data:`MIN_LEVEL_SIDE`; each level's edges are computed on first use."""

    def __init__(self, rgb: F32, full_shape: tuple[int, int]) -> None:
        from PIL import Image

        self.full_shape = full_shape
        h, w = full_shape
        self._channels = [Image.fromarray(rgb[..., c]) for c in range(3)]
        top_w = rgb.shape[1]
        long_side = max(rgb.shape[:2])
        self.sizes: list[tuple[int, int]] = []  # (w, h) per level, finest first
        k = 0
        while long_side / math.sqrt(2.0) ** k >= MIN_LEVEL_SIDE and k < 40:
            d = math.sqrt(2.0) ** k
            self.sizes.append((max(1, round(rgb.shape[1] / d)), max(1, round(rgb.shape[0] / d))))
            k += 1
        self.factors = [w / sw for sw, _ in self.sizes]
        del top_w, h
        self._levels: dict[int, EdgeLevel] = {}
        self.source_index = next(
            (i for i, (sw, sh) in enumerate(self.sizes) if max(sw, sh) <= EDGE_SOURCE_SIDE),
            len(self.sizes) - 1,
        )

    def __len__(self) -> int:
        return len(self.sizes)

    def level(self, i: int) -> EdgeLevel:
        lv = self._levels.get(i)
        if lv is None:
            from PIL import Image

            size = self.sizes[i]
            src = self.source_index
            if i > src:
                source = self.level(src)
                _work.charge("pool", source.code.size)
                lv = pooled_level(source, self.factors[i], size)
                self._levels[i] = lv
                return lv
            if i == 0 and self._channels[0].size == size:
                chans = [np.asarray(c, dtype=np.float32) for c in self._channels]
            else:
                chans = [
                    np.asarray(c.resize(size, Image.Resampling.BOX), dtype=np.float32)
                    for c in self._channels
                ]
            _work.charge("edges", size[0] * size[1])
            lv = edge_level(np.stack(chans, axis=2), self.factors[i])
            self._levels[i] = lv
        return lv

    def index_for(
        self, c_px: float, want: float, min_side: int, max_side: int = MAX_LEVEL_SIDE
    ) -> int:
        """The coarsest level no longer than ``max_side`` where Crimea (``c_px`` px at full
        resolution) is at least ``want`` px and the longer side at least ``min_side`` px; the
        finest level no longer than ``max_side`` if none is."""
        allowed = [i for i, (sw, sh) in enumerate(self.sizes) if max(sw, sh) <= max_side]
        if not allowed:
            return len(self.sizes) - 1
        chosen = allowed[0]
        for i in allowed:
            sw, sh = self.sizes[i]
            if c_px / self.factors[i] >= want and max(sw, sh) >= min_side:
                chosen = i
        return chosen
