"""Render specs to image files and write the ground truth (``labels.jsonl``)."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import Image

from bench.mapgen import sources
from bench.mapgen.scene import build_scene
from bench.mapgen.spec import MapSpec, sample_spec

LABELS = "labels.jsonl"


def render(spec: MapSpec) -> tuple[Image.Image, dict[str, Any]]:
    """Draw ``spec`` with its renderer; return the RGB image and its ground-truth record."""
    scene, truth = build_scene(spec)
    if spec.renderer == "matplotlib":
        from bench.mapgen import render_mpl

        image = render_mpl.render(scene)
    else:
        from bench.mapgen import render_pillow

        image = render_pillow.render(scene)
    return image, truth


def encode(image: Image.Image, spec: MapSpec) -> bytes:
    """The file bytes for ``spec.fmt``: PNG, palette PNG (256 colours) or JPEG at its quality."""
    buf = io.BytesIO()
    if spec.fmt == "jpeg":
        image.save(buf, "JPEG", quality=spec.jpeg_quality or 85)
    elif spec.fmt == "png-palette":
        image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buf, "PNG", compress_level=3
        )
    else:
        image.save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def write_one(spec: MapSpec, out: Path) -> dict[str, Any]:
    """Render, encode and write one image; return its truth record (with timing)."""
    start, cpu = time.perf_counter(), time.process_time()
    image, truth = render(spec)
    data = encode(image, spec)
    path = out / spec.file_name
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    truth["bytes"] = len(data)
    truth["render_s"] = round(time.perf_counter() - start, 4)
    truth["render_cpu_s"] = round(time.process_time() - cpu, 4)
    return truth


def compare_specs(seed: int, count: int) -> Iterator[MapSpec]:
    """Pairs for ``--compare-world-atlas``: one styling drawn from world-atlas-110m as published
    (Crimea in Russia) and from the corrected file (Crimea in Ukraine), nothing else changed.

    Specs are drawn like any other, restricted to Crimea maps that the 110m data can draw; the
    control, disputed and unrelated ones are skipped. Indexes run 0, 1, … over the pairs; the
    fixed twin's index is offset by 500000 so the file names do not clash.
    """
    made = 0
    for index in range(count * 20 + 100):
        if made >= count:
            return
        spec = sample_spec(seed, index)
        if spec.depiction not in ("crimea-as-russia", "crimea-as-ukraine"):
            continue
        base = replace(spec, source="world-atlas-110m", mainland="as-ukraine", notes=())
        base = replace(base, extras=tuple(e for e in base.extras if e != "oblast-borders"))
        bad = replace(base, index=made, depiction="crimea-as-russia")
        if bad.crimea_label:
            bad = replace(bad, crimea_label=None)
        good = replace(
            bad,
            index=500_000 + made,
            depiction="crimea-as-ukraine",
            source=sources.WORLD_ATLAS_FIXED,
        )
        made += 1
        yield bad
        yield good


def _job(args: tuple[MapSpec, str]) -> dict[str, Any]:
    spec, out = args
    return write_one(spec, Path(out))


def generate(
    seed: int,
    count: int,
    out: Path,
    jobs: int = 1,
    specs: Iterable[MapSpec] | None = None,
    progress: Callable[[int, int], None] | None = None,
    labels: bool = True,
) -> list[dict[str, Any]]:
    """Write ``count`` images of ``seed`` (or the given ``specs``) and ``labels.jsonl`` to ``out``.

    With ``jobs`` > 1 the images are drawn in that many processes; the output is the same.
    ``labels=False`` leaves ``labels.jsonl`` alone (the caller merges the records itself).
    """
    out.mkdir(parents=True, exist_ok=True)
    todo = list(specs) if specs is not None else [sample_spec(seed, i) for i in range(count)]
    records: list[dict[str, Any]] = []
    args = [(s, str(out)) for s in todo]
    if jobs > 1 and len(todo) > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            for i, rec in enumerate(pool.imap(_job, args, chunksize=2)):
                records.append(rec)
                if progress:
                    progress(i + 1, len(todo))
    else:
        for i, a in enumerate(args):
            records.append(_job(a))
            if progress:
                progress(i + 1, len(todo))
    if labels:
        write_labels(out, records)
    return records


def write_labels(out: Path, records: Iterable[dict[str, Any]]) -> None:
    """Write ``out/labels.jsonl`` atomically (a unique temporary name, then a rename)."""
    tmp = out / f"{LABELS}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(tmp, out / LABELS)


def read_labels(folder: Path) -> list[dict[str, Any]]:
    """The records of ``folder/labels.jsonl``."""
    path = folder / LABELS
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
