"""The image benchmark's report: how each picture was placed, read from its notes."""

from __future__ import annotations

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
        (["its labels name places elsewhere (Lyon, Paris)"], "labels: elsewhere"),
        (["OCR read 3 line(s) of text (0.20 s)"], "not placed"),
    ],
)
def test_placed_by(notes: list[str], placed: str) -> None:
    assert placed_by({"notes": notes}) == placed
