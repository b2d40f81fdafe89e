"""``python -m bench.mapgen --seed N --count N --out DIR [--jobs J] [--compare-world-atlas]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.mapgen",
        description="Render labelled map images from real boundary data (images + labels.jsonl).",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--count", type=int, default=20, help="number of images (default 20)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--compare-world-atlas",
        action="store_true",
        help="pairs of maps from world-atlas 110m as published and corrected, same styling "
        "(--count pairs)",
    )
    args = parser.parse_args(argv)
    if args.count < 0 or args.jobs < 1:
        parser.error("--count must be >= 0 and --jobs >= 1")

    from bench.mapgen import compare_specs, generate

    start = time.perf_counter()
    specs = list(compare_specs(args.seed, args.count)) if args.compare_world_atlas else None
    records = generate(args.seed, args.count, args.out, jobs=args.jobs, specs=specs)
    elapsed = time.perf_counter() - start
    rate = len(records) / elapsed if elapsed > 0 else 0.0
    cpu = sum(r["render_cpu_s"] for r in records)
    print(
        f"wrote {len(records)} images and labels.jsonl to {args.out} in {elapsed:.1f} s "
        f"({rate:.1f} images/s; {len(records) / max(cpu, 1e-9):.1f} per CPU-second of drawing)"
    )
    for key in ("depiction", "zoom_bin", "source", "renderer"):
        counts = Counter(str(r[key]) for r in records)
        print(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
