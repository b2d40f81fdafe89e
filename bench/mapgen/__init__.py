"""Labelled map images from real boundary data, for the image benchmark (``bench/images.py``).

``python -m bench.mapgen --seed N --count N --out DIR`` writes the images and ``labels.jsonl``.
Library use::

    from bench.mapgen import sample_spec, render, generate
    spec = sample_spec(seed=1, index=0)        # every random choice of map 0 of seed 1
    image, truth = render(spec)                # PIL image and its ground-truth record
    generate(1, 300, Path("out"), jobs=2)      # files + labels.jsonl

See ``bench/README.md`` for the ground-truth fields and the seeds.
"""

from __future__ import annotations

from bench.mapgen.generate import (
    LABELS,
    compare_specs,
    encode,
    generate,
    read_labels,
    render,
    write_labels,
    write_one,
)
from bench.mapgen.spec import DEPICTIONS, GENERATOR_VERSION, MapSpec, sample_spec, zoom_bin

#: The seed for tuning, and the held-out seed the image pipeline must never be tuned on.
TUNING_SEED = 1
HELD_OUT_SEED = 20261129

__all__ = [
    "DEPICTIONS",
    "GENERATOR_VERSION",
    "HELD_OUT_SEED",
    "LABELS",
    "TUNING_SEED",
    "MapSpec",
    "compare_specs",
    "encode",
    "generate",
    "read_labels",
    "render",
    "sample_spec",
    "write_labels",
    "write_one",
    "zoom_bin",
]
