"""Precomputed reference lines for georeferencing map pictures (``image_reference.npz``).

The build script ``reference_boundaries/build_image_reference.py`` samples the coastline and the
land borders of ``neighbours.geojson`` every :data:`SAMPLE_SPACING_KM` and stores, for every
candidate projection in :data:`PROJECTIONS`, the samples' planar coordinates and unit tangents. At
run time nothing is projected for the search: :mod:`checker.imaging.register` scales and shifts
these arrays. Only the final ``to_pixel`` of a registration projects (with pyproj, or with numpy
for plate carrée and Web Mercator).

Left out on purpose (they are what the checker judges, so they must not steer the fit): the
Russia–Ukraine border along Luhansk and Donetsk oblasts. Admin-0 data has no line at Perekop or
across the Kerch Strait, and no line of contact, so nothing else needs removing. Islands under
:data:`MIN_ISLAND_KM2` and the artificial edges of the clipping window are dropped too.

Planar units: kilometres for the metric projections, degrees for ``plate-carree`` (whose
``cos(latitude)`` aspect variants are a runtime scale factor on x, not separate arrays).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pyproj

FloatArray = npt.NDArray[np.float64]

#: File name of the precomputed arrays inside ``reference_boundaries/``.
IMAGE_REFERENCE_FILE = "image_reference.npz"
#: Generalised line work searched besides the detailed reference, each in a file of its own
#: (``image_reference_NAME.npz``, same format): maps drawn from Natural Earth's 1:110m data (d3's
#: world-atlas, plotly, Vega) are several pixels off the detailed coast when seen close up.
#: Name → how notes call it.
GENERALISED: dict[str, str] = {"ne110m": "Natural Earth 1:110m"}
#: Format version: bump when the arrays or their meaning change.
FORMAT_VERSION = 1
#: Distance between consecutive samples along a line, measured on the ground.
SAMPLE_SPACING_KM = 2.0
#: Islands smaller than this are left out (at the scales searched they are specks, and generalised
#: maps drop them).
MIN_ISLAND_KM2 = 100.0

#: Candidate projections: name → pyproj definition. The names are what ``Registration.projection``
#: reports (``plate-carree`` also as ``plate-carree-cosNN`` for its aspect variants). World
#: projections are centred on Greenwich as world maps are; the UTM zones stand for the local
#: transverse-Mercator / conic maps centred on Ukraine; 3035/3034 are Eurostat's Europe-wide ones.
PROJECTIONS: dict[str, str] = {
    "plate-carree": "EPSG:4326",
    "EPSG:3857": "EPSG:3857",
    "EPSG:3035": "EPSG:3035",
    "EPSG:3034": "EPSG:3034",
    "EPSG:32635": "EPSG:32635",
    "EPSG:32636": "EPSG:32636",
    "EPSG:32637": "EPSG:32637",
    "robinson": "+proj=robin +lon_0=0 +datum=WGS84 +units=m +no_defs",
    "equal-earth": "EPSG:8857",
    "natural-earth": "+proj=natearth +lon_0=0 +datum=WGS84 +units=m +no_defs",
    "winkel-tripel": "+proj=wintri +lon_0=0 +datum=WGS84 +units=m +no_defs",
}

#: Sample kinds.
KIND_COAST = 0
KIND_BORDER = 1

_WEB_MERCATOR_R_KM = 6378.137


def planar_units(name: str) -> float:
    """Divisor from the projection's native units to the stored ones (m → km; degrees stay)."""
    return 1.0 if name == "plate-carree" else 1000.0


@dataclass(frozen=True)
class ProjectedLines:
    """The reference samples in one projection."""

    xy: npt.NDArray[np.float32]  # (n, 2) planar coordinates, y up
    tangent: npt.NDArray[np.float32]  # (n, 2) unit tangents in the same plane


@dataclass(frozen=True)
class ImageReference:
    """The loaded ``image_reference.npz``."""

    lonlat: npt.NDArray[np.float32]  # (n, 2)
    kind: npt.NDArray[np.uint8]  # (n,) KIND_COAST / KIND_BORDER
    crimea: npt.NDArray[np.bool_]  # (n,) sample lies on Crimea's (with Sevastopol's) coast
    lines: dict[str, ProjectedLines]
    meta: dict[str, Any]

    def __len__(self) -> int:
        return int(self.lonlat.shape[0])


def reference_path(generalisation: str = "") -> Path:
    """Where the shipped file lives (``generalisation``: one of :data:`GENERALISED`, or the
    detailed reference)."""
    import reference_boundaries

    name = generalised_file(generalisation) if generalisation else IMAGE_REFERENCE_FILE
    return reference_boundaries.DATA_DIR / name


def generalised_file(generalisation: str) -> str:
    """The file name of a generalised reference."""
    stem, dot, ext = IMAGE_REFERENCE_FILE.rpartition(".")
    return f"{stem}_{generalisation}{dot}{ext}"


def load_image_reference(path: Path | None = None) -> ImageReference:
    """Read the arrays (no pickles); raises ``FileNotFoundError``/``ValueError`` on a bad file."""
    with np.load(path or reference_path(), allow_pickle=False) as data:
        meta = json.loads(bytes(data["meta"]).decode("utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            msg = f"image reference has format {meta.get('format_version')}, need {FORMAT_VERSION}"
            raise ValueError(msg)
        lines = {
            name: ProjectedLines(
                xy=data[f"xy:{name}"].astype(np.float32),
                tangent=data[f"tan:{name}"].astype(np.float32) / 127.0,
            )
            for name in PROJECTIONS
        }
        return ImageReference(
            lonlat=data["lonlat"].astype(np.float32),
            kind=data["kind"].astype(np.uint8),
            crimea=data["crimea"].astype(bool),
            lines=lines,
            meta=meta,
        )


_LOCK = threading.Lock()
_CACHE: dict[str, ImageReference] = {}


def get_image_reference(generalisation: str = "") -> ImageReference:
    """The process-wide image reference (or a generalised one), loaded on first use
    (thread-safe)."""
    ref = _CACHE.get(generalisation)
    if ref is None:
        with _LOCK:
            ref = _CACHE.get(generalisation)
            if ref is None:
                ref = load_image_reference(reference_path(generalisation))
                _CACHE[generalisation] = ref
    return ref


_TRANSFORMERS: dict[str, pyproj.Transformer] = {}


def forward(name: str, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Project lon/lat (degrees) to ``name``'s planar coordinates in the stored units.

    Plate carrée and Web Mercator are closed forms in numpy; the others go through pyproj
    (imported here, on first use). Points a projection cannot represent come back as NaN.
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if name == "plate-carree":
        return lon_a.copy(), lat_a.copy()
    if name == "EPSG:3857":
        lat_c = np.clip(lat_a, -85.06, 85.06)
        x = np.radians(lon_a) * _WEB_MERCATOR_R_KM
        y = np.log(np.tan(np.pi / 4 + np.radians(lat_c) / 2)) * _WEB_MERCATOR_R_KM
        return x, y
    transformer = _transformer(name)
    x, y = transformer.transform(lon_a, lat_a)
    unit = planar_units(name)
    xa = np.asarray(x, dtype=np.float64) / unit
    ya = np.asarray(y, dtype=np.float64) / unit
    bad = ~(np.isfinite(xa) & np.isfinite(ya)) | (np.abs(xa) > 1e8) | (np.abs(ya) > 1e8)
    xa[bad] = np.nan
    ya[bad] = np.nan
    return xa, ya


def _transformer(name: str) -> pyproj.Transformer:
    tr = _TRANSFORMERS.get(name)
    if tr is None:
        import pyproj

        with _LOCK:
            tr = pyproj.Transformer.from_crs("EPSG:4326", PROJECTIONS[name], always_xy=True)
            _TRANSFORMERS[name] = tr
    return tr
