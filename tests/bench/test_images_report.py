"""The image benchmark's report: how each picture was placed, read from its notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.images import placed_by


@pytest.mark.parametrize(
    ("notes", "placed"),
    [
        (["georeferenced from the GeoTIFF tags (EPSG:3857)"], "metadata"),
        (
            ["georeferenced by the coastline (equal-earth, score 16.2, margin 13.1)"],
            "coastline search",
        ),
        (
            ["georeferenced by the coastline from where its place labels put it (3 place labels)"],
            "labels + coastline",
        ),
        (["georeferenced by its place labels (5 place labels agree)"], "labels alone"),
        (
            ["georeferenced by the coastline from where its land and sea put it (12° N, 57° E)"],
            "locator + coastline",
        ),
        (
            ["the map does not show the Black Sea region: its land and sea (sea #fefefe) match"],
            "locator: elsewhere",
        ),
        (
            [
                "the map does not show the Black Sea region: its drawn lines match the world's "
                "coastlines and borders around 46° N, 2° E"
            ],
            "locator: elsewhere",
        ),
        (
            ["georeferenced by the coastline from where its drawn lines put it (45° N, 34° E)"],
            "locator + coastline",
        ),
        (
            [
                "its drawn lines match the world's coast around 45° N, 34° E (…), a frame that "
                "may hold Crimea"
            ],
            "locator: may hold Crimea",
        ),
        (["its labels name places elsewhere (Lyon, Paris)"], "labels: elsewhere"),
        (["OCR read 3 line(s) of text (0.20 s)"], "not placed"),
    ],
)
def test_placed_by(notes: list[str], placed: str) -> None:
    assert placed_by({"notes": notes}) == placed


def test_depiction_keeps_only_the_maps_of_one_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    import bench.mapgen
    from bench.images import ensure_images
    from bench.mapgen import sample_spec

    drawn: list[str] = []

    def generate(seed: int, count: int, out: Path, **kwargs: Any) -> list[dict[str, Any]]:
        specs = kwargs["specs"]
        drawn.extend(s.depiction for s in specs)
        for spec in specs:
            (out / spec.file_name).write_bytes(b"")
        return [
            {"file": s.file_name, "seed": s.seed, "index": s.index, "crimea_trace": None}
            for s in specs
        ]

    monkeypatch.setattr(bench.mapgen, "generate", generate)
    args = argparse.Namespace(
        seed=7, count=40, depiction="unrelated", compare_world_atlas=False, regenerate=False, jobs=1
    )
    records = ensure_images(args, tmp_path)
    expected = [i for i in range(40) if sample_spec(7, i).depiction == "unrelated"]
    assert drawn == ["unrelated"] * len(expected) and len(expected) >= 3
    assert [r["index"] for r in records] == expected
