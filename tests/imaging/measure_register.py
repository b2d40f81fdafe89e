"""Measure :func:`checker.imaging.register.register_reason` on synthetic maps (not a test).

    .venv/bin/python -m tests.imaging.measure_register --n 200 --unrelated 60 --seed 7

Renders maps of the Black Sea region across projections, zooms (Crimea 20 px to most of the
picture), styles, overlays, sizes (400–2500 px) and JPEG qualities with :mod:`tests.imaging.synth`,
plus maps of unrelated regions (drawn from a world layer), and prints the registration rate, the
rate of wrong registrations (error > 10 % of Crimea's width at Simferopol, Kerch, Odesa or
Sevastopol) and the time per picture, by projection, zoom and style.

``--world FILE`` draws the world layer (context beyond the reference window, and the unrelated
maps) from a GeoJSON of countries (e.g. a 50m world file); default: pyogrio's bundled 110m file.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from checker.imaging.register import register_reason
from tests.imaging import synth

PROJECTIONS = (
    ("EPSG:3857", 3.0),
    ("plate-carree", 1.0),
    ("plate-carree-cos", 2.0),
    ("EPSG:3035", 1.5),
    ("EPSG:3034", 0.7),
    ("EPSG:32636", 1.0),
    ("EPSG:32635", 0.5),
    ("robinson", 0.7),
    ("equal-earth", 0.7),
    ("winkel-tripel", 0.3),
)
#: Unrelated regions: (name, lon, lat, half-width in degrees of the view's width).
UNRELATED = (
    ("France", 2.5, 46.5, 8.0),
    ("USA", -98.0, 39.0, 30.0),
    ("Japan", 137.0, 37.0, 10.0),
    ("Iberia", -4.0, 40.0, 8.0),
    ("UK", -3.0, 54.0, 7.0),
    ("Brazil", -52.0, -12.0, 25.0),
    ("Australia", 134.0, -26.0, 25.0),
    ("India", 80.0, 22.0, 16.0),
    ("Mexico", -102.0, 23.0, 14.0),
    ("Scandinavia", 12.0, 62.0, 12.0),
)


SAVE: dict[str, Path | None] = {}
CACHE_DIR: list[Path] = []


def _key_path(key: tuple[object, ...]) -> Path | None:
    if not CACHE_DIR:
        return None
    import hashlib

    return CACHE_DIR[0] / (hashlib.sha256(repr(key).encode()).hexdigest()[:24] + ".png")


def _cached(key: tuple[object, ...]) -> np.ndarray | None:
    path = _key_path(key)
    if path is None or not path.exists():
        return None
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


def _store(key: tuple[object, ...], rgb: np.ndarray) -> np.ndarray:
    path = _key_path(key)
    if path is not None:
        from PIL import Image

        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(rgb).save(path)
    return rgb


@dataclass
class Case:
    kind: str  # "region" or "unrelated"
    projection: str
    zoom: str
    style: str
    size: int
    crimea_px: float
    ok: bool  # registered (region) / rejected (unrelated)
    wrong: bool  # registered with error > 10 % (region) / any fit (unrelated)
    error: float  # share of Crimea's width (region)
    seconds: float
    reason: str
    timings: dict[str, float] | None = None


def _describe(reg: object) -> str:
    if reg is None:
        return ""
    p = getattr(reg, "params", {})
    return (
        f"{getattr(reg, 'projection', '')} z={getattr(reg, 'score', 0):.1f} "
        f"margin={getattr(reg, 'margin', 0):.1f} hit={p.get('hit_rate', 0):.2f} "
        f"local={p.get('local_hit_rate', 0):.2f}"
    )


def zoom_class(c: float) -> str:
    if c < 40:
        return "crimea 20-40"
    if c < 100:
        return "crimea 40-100"
    if c < 300:
        return "crimea 100-300"
    return "crimea 300+"


def pick_projection(rng: np.random.Generator) -> tuple[str, float, str]:
    names = [p for p, _ in PROJECTIONS]
    weights = np.array([w for _, w in PROJECTIONS])
    name = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    if name == "plate-carree-cos":
        phi = float(rng.uniform(38, 58))
        return "plate-carree", math.cos(math.radians(phi)), f"plate-carree-cos{round(phi)}"
    return name, 1.0, name


def region_case(rng: np.random.Generator, world: synth.Layer | None, budget: float) -> Case:
    """Render (or reuse, with --cache) one map of the region and register it."""
    proj, aspect, label = pick_projection(rng)
    long_side = int(math.exp(rng.uniform(math.log(400), math.log(2500))))
    ratio = float(rng.uniform(0.6, 1.0))
    if rng.random() < 0.5:
        w, h = long_side, max(64, int(long_side * ratio))
    else:
        w, h = max(64, int(long_side * ratio)), long_side
    c_hi = 0.8 * min(w, h)
    crimea = float(math.exp(rng.uniform(math.log(20), math.log(max(21.0, c_hi)))))
    # Crimea somewhere in the picture's middle 70 %.
    shift = (float(rng.uniform(-0.35, 0.35) * w), float(rng.uniform(-0.35, 0.35) * h))
    view = synth.make_view(proj, crimea, w, h, aspect=aspect, shift=shift)
    countries, _ = synth.reference_layers()
    style_name = synth.STYLES[int(rng.integers(len(synth.STYLES)))]
    style = synth.make_style(style_name, rng, countries.shapes)
    quality = int(rng.integers(40, 96)) if rng.random() < 0.6 else None
    key = (
        proj,
        aspect,
        w,
        h,
        crimea,
        shift,
        style_name,
        quality,
        rng.bit_generator.state["state"]["state"],
    )
    rgb = _cached(key)
    if rgb is None:
        rgb = _store(
            key,
            synth.render(
                view,
                style,
                rng,
                depiction="russia" if rng.random() < 0.5 else "ukraine",
                world=world,
                labels=int(rng.integers(0, 25)),
                legend=bool(rng.random() < 0.5),
                graticule=bool(rng.random() < 0.2),
                jpeg_quality=quality,
            ),
        )
    if budget <= 0:
        return Case("skip", label, "", style_name, long_side, 0.0, False, False, 0.0, 0.0, "")
    if SAVE.get("path") is not None:
        from PIL import Image

        Image.fromarray(rgb).save(SAVE["path"])
        SAVE["path"] = None
        print("true pose", view)
    if SAVE.get("ranks"):
        print("  coarse rank of the truth:", _truth_rank(rgb, view))
    t0 = time.process_time()
    res = register_reason(rgb, budget_s=budget)
    secs = time.process_time() - t0
    reg = res.registration
    err = math.nan
    wrong = False
    if reg is not None:
        lon = np.array([p[0] for p in synth.PLACES.values()])
        lat = np.array([p[1] for p in synth.PLACES.values()])
        tx, ty = view.to_pixel(lon, lat)
        rx, ry = reg.to_pixel(lon, lat)
        err = float(np.max(np.hypot(rx - tx, ry - ty)) / view.crimea_px)
        wrong = err > 0.10
    return Case(
        "region",
        label,
        zoom_class(view.crimea_px),
        style_name,
        long_side,
        view.crimea_px,
        reg is not None,
        wrong,
        err,
        secs,
        res.reason or _describe(reg),
        res.timings,
    )


def unrelated_case(rng: np.random.Generator, world: synth.Layer, budget: float) -> Case:
    name, lon, lat, half = UNRELATED[int(rng.integers(len(UNRELATED)))]
    proj, aspect, label = pick_projection(rng)
    if proj in ("EPSG:3035", "EPSG:3034", "EPSG:32636", "EPSG:32635"):
        proj, aspect, label = "EPSG:3857", 1.0, "EPSG:3857"
    long_side = int(math.exp(rng.uniform(math.log(400), math.log(2500))))
    w, h = long_side, max(64, int(long_side * rng.uniform(0.6, 1.0)))
    base = synth.View(proj, 1.0, aspect, 0.0, 0.0, w, h)
    x0, _ = base.to_pixel(np.array([lon - half]), np.array([lat]))
    x1, _ = base.to_pixel(np.array([lon + half]), np.array([lat]))
    scale = w / float(abs(x1[0] - x0[0])) * float(rng.uniform(0.7, 1.4))
    view0 = synth.View(proj, scale, aspect, 0.0, 0.0, w, h)
    cx, cy = view0.to_pixel(np.array([lon]), np.array([lat]))
    view = synth.View(proj, scale, aspect, w / 2 - float(cx[0]), h / 2 - float(cy[0]), w, h)
    style_name = synth.STYLES[int(rng.integers(len(synth.STYLES)))]
    style = synth.make_style(style_name, rng, world.shapes)
    rgb = synth.render(
        view,
        style,
        rng,
        world=world,
        world_only=True,
        labels=int(rng.integers(0, 25)),
        legend=bool(rng.random() < 0.5),
        graticule=bool(rng.random() < 0.2),
        jpeg_quality=int(rng.integers(40, 96)) if rng.random() < 0.6 else None,
    )
    t0 = time.process_time()
    res = register_reason(rgb, budget_s=budget)
    secs = time.process_time() - t0
    fit = res.registration is not None
    return Case(
        "unrelated",
        label,
        name,
        style_name,
        long_side,
        0.0,
        not fit,
        fit,
        math.nan,
        secs,
        res.reason or (f"FIT {res.registration.projection}" if res.registration else ""),
        res.timings,
    )


def _truth_rank(rgb: np.ndarray, view: synth.View) -> tuple[int, float]:
    """(rank among coarse hits of the first within 30 % of Crimea of the truth, its error)."""
    from checker.imaging import _register_search as rs
    from checker.imaging._register_edges import Pyramid, to_float_rgb

    truth = rs.axis_pose(view.projection, view.scale * view.aspect, view.scale, view.tx, view.ty)
    ref = rs.anchor_pixels(truth)
    pyr = Pyramid(to_float_rgb(rgb), rgb.shape[:2])
    hits, _ = rs.coarse_search(pyr, rs.COARSE_VARIANTS, 1e18)
    for rank, hit in enumerate(sorted(hits, key=lambda h: -h.z)):
        err = float(np.max(np.hypot(*(rs.anchor_pixels(rs.pose_from_hit(hit)) - ref).T)))
        if err < 0.3 * view.crimea_px:
            return rank, err / view.crimea_px
    return -1, math.nan


def table(cases: list[Case], key: str) -> None:
    groups: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        groups[str(getattr(c, key))].append(c)
    print(
        f"\n{'by ' + key:<22} {'n':>4} {'registered':>10} {'wrong':>6} {'wrong|reg':>9} {'err med':>8}"
    )
    for name in sorted(groups):
        g = groups[name]
        reg = [c for c in g if c.ok]
        wrong = sum(c.wrong for c in g)
        errs = [c.error for c in reg if not math.isnan(c.error)]
        med = statistics.median(errs) if errs else math.nan
        print(
            f"{name:<22} {len(g):>4} {100 * len(reg) / len(g):>9.1f}% {wrong:>6} "
            f"{100 * wrong / max(1, len(reg)):>8.1f}% {100 * med:>7.2f}%"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--unrelated", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", type=Path, default=None)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--budget", type=float, default=1.5, help="budget_s per picture")
    parser.add_argument("--only", type=int, default=-1, help="run only region case i (debug)")
    parser.add_argument("--save", type=Path, default=None, help="save case --only as PNG")
    parser.add_argument("--cache", type=Path, default=None, help="reuse rendered maps from DIR")
    parser.add_argument("--ranks", action="store_true", help="print the truth's coarse rank")
    args = parser.parse_args()
    if args.cache is not None:
        CACHE_DIR.append(args.cache)
    if args.ranks:
        SAVE["ranks"] = Path(".")
    world = synth.read_world(args.world) if args.world else synth.lowres_world()
    if world is None:
        raise SystemExit("no world layer: pass --world FILE")
    register_reason(np.zeros((64, 64, 3), np.uint8))  # warm imports
    cases: list[Case] = []
    for i in range(args.n):
        if args.only >= 0 and i != args.only:
            continue
        if args.save is not None:
            SAVE["path"] = args.save
        c = region_case(np.random.default_rng([args.seed, i]), world, args.budget)
        cases.append(c)
        if args.verbose or c.wrong:
            print(
                i,
                c.projection,
                c.zoom,
                c.style,
                c.size,
                f"{c.crimea_px:.0f}px",
                "OK" if c.ok else "none",
                f"err={100 * c.error:.1f}%",
                f"{c.seconds:.2f}s",
                c.reason[:120],
            )
    for i in range(args.unrelated):
        if args.only >= 0:
            break
        c = unrelated_case(np.random.default_rng([args.seed, 100_000 + i]), world, args.budget)
        cases.append(c)
        if args.verbose or c.wrong:
            print(
                "U",
                i,
                c.projection,
                c.zoom,
                c.style,
                c.size,
                "FIT" if c.wrong else "none",
                f"{c.seconds:.2f}s",
                c.reason[:120],
            )
    region = [c for c in cases if c.kind == "region"]
    unrel = [c for c in cases if c.kind == "unrelated"]
    for key in ("projection", "zoom", "style"):
        table(region, key)
    regional = [c for c in region if c.crimea_px >= 40]
    if regional:
        ok = [c for c in regional if c.ok and not c.wrong]
        wrong = [c for c in regional if c.wrong]
        print(
            f"\nregional (Crimea >= 40 px): {len(regional)} maps, correct {100 * len(ok) / len(regional):.1f}%,"
            f" wrong {len(wrong)} ({100 * len(wrong) / max(1, sum(c.ok for c in regional)):.2f}% of registered)"
        )
    allwrong = sum(c.wrong for c in region)
    print(
        f"all region maps: {len(region)}, registered {sum(c.ok for c in region)}, wrong {allwrong}"
    )
    if unrel:
        fits = sum(c.wrong for c in unrel)
        print(f"unrelated maps: {len(unrel)}, false fits {fits}")
    secs = sorted(c.seconds for c in cases)
    if secs:
        p90 = secs[min(len(secs) - 1, int(0.9 * len(secs)))]
        print(
            f"CPU time per picture: median {statistics.median(secs):.3f} s, p90 {p90:.3f} s, max {secs[-1]:.3f} s"
        )
        stages: dict[str, list[float]] = defaultdict(list)
        for c in cases:
            for k, v in (c.timings or {}).items():
                stages[k].append(v)
        print(
            "  stage medians: "
            + ", ".join(f"{k} {statistics.median(v):.3f}" for k, v in stages.items())
        )
        k1 = [c.seconds for c in cases if 800 <= c.size <= 1250]
        if k1:
            print(f"  ~1000-px pictures ({len(k1)}): median {statistics.median(k1):.3f} s")


if __name__ == "__main__":
    main()
