"""Renderer (b): matplotlib's Agg backend, independent of Pillow's drawing code.

Polygons become compound ``Path`` objects filled by Agg's own scanline rasteriser with its own
antialiasing (holes by non-zero winding); hatches are matplotlib hatches, lines a
``LineCollection`` with its own dash and join handling, text goes through matplotlib's font
machinery (its bundled DejaVu) with path-effect halos, and the legend is ``Axes.legend``. No
pyplot: a ``Figure`` with a ``FigureCanvasAgg`` keeps it free of global state.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from bench.mapgen.scene import Area, Legend, PixelPolygon, Scene
from bench.mapgen.styles import RGB, texture_field

DPI = 100.0
PT = 72.0 / DPI  # points per output pixel

FAMILIES = {
    "sans": ("DejaVu Sans", "normal"),
    "serif": ("DejaVu Serif", "normal"),
    "condensed": ("DejaVu Sans Mono", "normal"),
    "bold": ("DejaVu Sans", "bold"),
}
LOCATIONS = {"nw": "upper left", "ne": "upper right", "sw": "lower left", "se": "lower right"}


def _c(rgb: RGB) -> tuple[float, float, float]:
    return (rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0)


def _path(polys: list[PixelPolygon]) -> Any:
    from matplotlib.path import Path as MplPath

    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in polys:
        for ring in poly:
            n = len(ring)
            c = np.full(n, MplPath.LINETO, dtype=np.uint8)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            verts.append(ring)
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _hatch_pattern(angle: float, spacing: float) -> str:
    char = "/" if angle > 0 else "\\"
    if abs(abs(angle) - 90) < 1:
        char = "|"
    return char * (3 if spacing < 6 else 2 if spacing < 10 else 1)


def render(scene: Scene) -> Image.Image:
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

    w, h = scene.width, scene.height
    fig = Figure(figsize=(w / DPI, h / DPI), dpi=DPI, facecolor=_c(scene.background))
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_autoscale_on(False)

    land = [a for a in scene.areas if not a.overlay]
    paths = [(_path(a.polygons), a) for a in land]
    filled = [(p, a) for p, a in paths if p is not None and a.fill is not None]
    if filled:
        coll = PathCollection(
            [p for p, _ in filled],
            facecolors=[_c(a.fill) for _, a in filled if a.fill is not None],
            edgecolors="none",
            linewidths=0.0,
            antialiaseds=True,
            zorder=1,
        )
        ax.add_collection(coll)
    for p, a in paths:
        if p is not None and a.hatch is not None:
            _add_hatch(ax, p, a, zorder=1.5)

    if scene.texture_strength > 0 and paths:
        land_path = _path([poly for a in land for poly in a.polygons])
        if land_path is not None:
            field = texture_field(w, h, scene.texture_seed, scene.texture_strength)
            rgba = np.zeros((h, w, 4), dtype=np.float32)
            rgba[..., :3] = (field > 1.0)[..., None].astype(np.float32)
            rgba[..., 3] = np.abs(field - 1.0)
            im = ax.imshow(rgba, extent=(0, w, h, 0), interpolation="bilinear", zorder=2)
            clip = PathPatch(land_path, transform=ax.transData, facecolor="none", edgecolor="none")
            im.set_clip_path(clip)

    for area in scene.areas:
        if not area.overlay:
            continue
        p = _path(area.polygons)
        if p is None:
            continue
        if area.hatch is not None:
            _add_hatch(ax, p, area, zorder=3)
        elif area.fill is not None:
            ax.add_patch(
                PathPatch(p, facecolor=_c(area.fill), edgecolor="none", alpha=area.alpha, zorder=3)
            )

    for i, line in enumerate(scene.lines):
        segs = [seg for seg in line.paths if len(seg) >= 2]
        if not segs:
            continue
        lw = max(0.3, line.width * PT)
        style: Any = "solid"
        if line.dash:
            style = (0, (line.dash[0] * PT / lw, line.dash[1] * PT / lw))
        coll_l = LineCollection(
            segs,
            colors=[_c(line.colour)],
            linewidths=lw,
            linestyles=style,
            capstyle="round",
            joinstyle="round",
            antialiaseds=True,
            zorder=4 + i * 0.01,
        )
        ax.add_collection(coll_l)

    if scene.dots:
        ax.scatter(
            [d.x for d in scene.dots],
            [d.y for d in scene.dots],
            s=[(2 * d.radius * PT) ** 2 for d in scene.dots],
            c=[_c(d.colour) for d in scene.dots],
            edgecolors=[_c(d.edge) for d in scene.dots],
            linewidths=0.5,
            zorder=5,
        )
    family, weight = FAMILIES.get(scene.font, FAMILIES["sans"])
    for text in scene.texts:
        effects = []
        if text.halo is not None:
            effects = [
                patheffects.withStroke(linewidth=text.size * PT * 0.25, foreground=_c(text.halo))
            ]
        ax.text(
            text.x,
            text.y,
            text.text,
            fontsize=text.size * PT,
            color=_c(text.colour),
            family=family,
            weight="bold" if text.kind == "title" else weight,
            ha="left" if text.anchor == "lm" else "center",
            va="center",
            path_effects=effects,
            zorder=6,
        )
    if scene.legend is not None:
        _legend(ax, scene.legend, family)

    canvas.draw()
    cw, ch = canvas.get_width_height()
    img = Image.frombuffer("RGBA", (cw, ch), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert(
        "RGB"
    )
    if img.size != (w, h):  # figure sizes are floats; guard a one-pixel rounding difference
        fixed = Image.new("RGB", (w, h), scene.background)
        fixed.paste(img.crop((0, 0, min(w, img.width), min(h, img.height))), (0, 0))
        img = fixed
    return img


def _add_hatch(ax: Any, path: Any, area: Area, zorder: float) -> None:
    from matplotlib import rc_context
    from matplotlib.patches import PathPatch

    hatch = area.hatch
    assert hatch is not None
    with rc_context({"hatch.linewidth": max(0.4, hatch.width * PT)}):
        patch = PathPatch(
            path,
            facecolor="none",
            edgecolor=_c(hatch.colour),
            hatch=_hatch_pattern(hatch.angle, hatch.spacing),
            linewidth=0.0,
            zorder=zorder,
        )
        ax.add_patch(patch)


def _legend(ax: Any, legend: Legend, family: str) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for e in legend.entries:
        if e.kind == "fill":
            handles.append(Patch(facecolor=_c(e.colour), edgecolor=_c(legend.edge), label=e.label))
        elif e.kind == "tint":
            handles.append(
                Patch(facecolor=_c(e.colour), alpha=e.alpha, edgecolor="none", label=e.label)
            )
        elif e.kind == "dashed":
            handles.append(Line2D([0], [0], color=_c(e.colour), linestyle="--", label=e.label))
        else:
            handles.append(
                Patch(
                    facecolor=_c(e.colour2 or (255, 255, 255)),
                    edgecolor=_c(e.colour),
                    hatch="///" if e.kind == "hatch" else "//",
                    label=e.label,
                )
            )
    text_colour = (0.08, 0.08, 0.08) if sum(legend.background) > 380 else (0.92, 0.92, 0.92)
    leg = ax.legend(
        handles=handles,
        loc=LOCATIONS.get(legend.corner, "lower right"),
        title=legend.title,
        title_fontsize=legend.size * PT,
        frameon=True,
        facecolor=_c(legend.background),
        edgecolor=_c(legend.edge),
        framealpha=1.0,
        fancybox=False,
        prop={"family": family, "size": legend.size * PT},
    )
    for t in leg.get_texts():
        t.set_color(text_colour)
    if leg.get_title() is not None:
        leg.get_title().set_color(text_colour)
    leg.set_zorder(7)
