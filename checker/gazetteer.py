"""The shipped gazetteer of place names (``checker/data/gazetteer/places.tsv``, built from
GeoNames by ``build_gazetteer.py``; see ``SOURCES.md`` beside it), read once.

Each row is a place (a country, a city, a feature near Ukraine) with its columns by name: ``id``,
``kind``, ``area``, ``cc``, ``lon``, ``lat``, ``population`` and its names, ``|``-separated, in
``latin``, ``uk`` and ``ru``. The OCR of map labels matches its names; the text guards know the
world's countries by it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PATH = Path(__file__).resolve().parent / "data" / "gazetteer" / "places.tsv"
#: The columns that hold names, in the order a place's display name is taken from.
NAME_COLUMNS = ("latin", "uk", "ru")


@cache
def rows() -> tuple[dict[str, str], ...]:
    """Every row as a mapping of column name to text (rows with the wrong cell count left out)."""
    with open(PATH, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        out = []
        for raw in fh:
            cells = raw.rstrip("\n").split("\t")
            if len(cells) == len(header):
                out.append(dict(zip(header, cells, strict=True)))
    return tuple(out)


def names(row: dict[str, str]) -> list[str]:
    """A row's names, Latin first, then Ukrainian and Russian."""
    return [n for key in NAME_COLUMNS for n in row[key].split("|") if n]
