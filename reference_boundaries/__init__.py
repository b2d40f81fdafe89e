"""Shipped reference boundaries (GeoJSON, EPSG:4326) and where to find them.

Kept free of heavy imports: the checker imports this module on its start-up path only to learn
file locations. ``build.py`` beside it rebuilds the data; ``SOURCES.md`` says where it comes from.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR: Path = Path(__file__).resolve().parent

#: Ukraine within its internationally recognized borders (Crimea and Sevastopol included).
UKRAINE = "ukraine.geojson"
#: Russia within its internationally recognized borders (no Crimea, no Sevastopol).
RUSSIA = "russia.geojson"
#: The 27 first-level units of Ukraine, keyed by ISO 3166-2 code (UA-43 Crimea, UA-40 Sevastopol).
OBLASTS = "ukraine_oblasts.geojson"
#: Countries in the window lon 18..50, lat 38..60, clipped to it (for the image pipeline).
NEIGHBOURS = "neighbours.geojson"
#: sha256sum-format manifest of the data files above.
MANIFEST = "MANIFEST.sha256"
#: Origin, versions, licences and transformations of the data.
SOURCES = "SOURCES.md"

DATA_FILES: tuple[str, ...] = (UKRAINE, RUSSIA, OBLASTS, NEIGHBOURS)

#: Window (west, south, east, north) in degrees that ``NEIGHBOURS`` is clipped to.
NEIGHBOURS_WINDOW: tuple[float, float, float, float] = (18.0, 38.0, 50.0, 60.0)


def path(name: str) -> Path:
    """Return the absolute path of a shipped file, e.g. ``path(UKRAINE)``."""
    return DATA_DIR / name


__all__ = [
    "DATA_DIR",
    "DATA_FILES",
    "MANIFEST",
    "NEIGHBOURS",
    "NEIGHBOURS_WINDOW",
    "OBLASTS",
    "RUSSIA",
    "SOURCES",
    "UKRAINE",
    "path",
]
