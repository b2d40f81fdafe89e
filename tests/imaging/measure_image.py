"""Time the image pipeline on 1000-px maps, with and without OCR (a measurement, not a test).

Run from the repository root::

    .venv/bin/python tests/imaging/measure_image.py [--count 12]

Draws ``--count`` synthetic regional maps 1000 px wide (several styles and views) with
``tests/imaging/maps.py``, checks each with the real pipeline (coastline registration included),
and prints the median CPU seconds per image (this process plus its children, so tesseract and
the SVG renderer count) with OCR off and on. CPU time rather than wall time, so that a busy
machine does not distort the figures much.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cpu() -> float:
    own = time.process_time()
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + child.ru_utime + child.ru_stime


def main() -> int:
    from PIL import Image

    from checker.config import Config
    from checker.engine import check_file
    from checker.imaging.decide import reference_geometry
    from tests.imaging import maps

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args()
    styles = [
        maps.Style(),
        maps.Style(crimea=maps.RUSSIA, four=maps.RUSSIA),
        maps.Style(crimea=maps.GREY),
        maps.Style(hatch=(maps.RED, 6), legend=[("Russian-occupied", maps.RED)]),
        maps.Style(labels=[("Республика Крым", 34.2, 45.3, 14), ("Kherson", 32.6, 46.7, 12)]),
        maps.Style(
            sea=maps.WHITE,
            others=maps.WHITE,
            russia=maps.WHITE,
            ukraine=maps.WHITE,
            borders=maps.BLACK,
            coast=maps.BLACK,
            perekop_line=True,
        ),
    ]
    views = [(28.0, 43.0, 42.0, 53.0), (26.0, 41.0, 44.0, 54.0), (30.5, 43.8, 40.5, 49.5)]
    reference_geometry()  # load once, as a batch run would
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.count):
            reg, size = maps.projection(views[i % len(views)], 1000, ("mercator", "cos")[i % 2])
            path = Path(tmp) / f"map{i:03d}.png"
            Image.fromarray(maps.render(styles[i % len(styles)], reg, size)).save(path)
            paths.append(path)
        check_file(paths[0], Config(ocr=True))  # warm up imports and caches
        for ocr in (False, True):
            secs = []
            for path in paths:
                start = cpu()
                check_file(path, Config(ocr=ocr))
                secs.append(cpu() - start)
            label = "with OCR   " if ocr else "without OCR"
            print(
                f"{label}: median {statistics.median(secs):.2f} s CPU per 1000-px image, "
                f"max {max(secs):.2f} s (n={len(secs)})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
