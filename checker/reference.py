"""Access to the shipped reference boundaries (``reference_boundaries/``), loaded once per process.

Everything is measured in one equal-area projection centred on Ukraine (Lambert azimuthal
equal-area at 48°N 33°E): areas there are within a fraction of a percent of geodesic areas across
the whole window, so shares of a region's area can be compared directly. Geometry is clipped to
:data:`WINDOW` *before* projecting; projecting the whole of Russia would fold it over the
antimeridian and break the geometry.

Regions are also offered *shrunk inward* ("cores"): the reference and a user's map never agree on
coastlines, bay water (Sevastopol loses 13 % to its bays in Natural Earth) or generalisation, so
coverage shares are measured against cores a few km inside the borders. That keeps a 110m world
file's Crimea polygon at ~90 % coverage while a neighbour's sliver stays near 0 %.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyproj
    from shapely.geometry.base import BaseGeometry

#: lon/lat window (min lon, min lat, max lon, max lat) that holds Ukraine, Crimea and the parts of
#: Russia that matter for identification (Rostov, Krasnodar, Belgorod, Kursk, Bryansk, Voronezh).
WINDOW: tuple[float, float, float, float] = (20.0, 40.0, 50.0, 58.0)

#: The equal-area projection every measurement uses.
EQUAL_AREA_CRS = "+proj=laea +lat_0=48 +lon_0=33 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"

#: Metres that region cores are shrunk by (see the module docstring).
CORE_SHRINK_M = 3_000.0
#: Metres that regions are grown by when asking "is this feature located in the region?".
LOCATE_GROW_M = 3_000.0

#: The areas under the resolutions, with ISO 3166-2 codes and English names.
OCCUPIED_REGIONS: dict[str, str] = {
    "UA-43": "Autonomous Republic of Crimea",
    "UA-40": "Sevastopol",
    "UA-14": "Donetsk oblast",
    "UA-09": "Luhansk oblast",
    "UA-23": "Zaporizhzhia oblast",
    "UA-65": "Kherson oblast",
}
CRIMEA_CODES = ("UA-43", "UA-40")
MAINLAND_OCCUPIED_CODES = ("UA-14", "UA-09", "UA-23", "UA-65")


def data_dir() -> Path:
    """Where the reference files live (the ``reference_boundaries`` package)."""
    import reference_boundaries

    return reference_boundaries.DATA_DIR


@dataclass(frozen=True)
class Region:
    """A reference region, projected to :data:`EQUAL_AREA_CRS`."""

    key: str
    name: str
    shape: BaseGeometry
    core: BaseGeometry
    grown: BaseGeometry

    @cached_property
    def core_area(self) -> float:
        return float(self.core.area)


#: Derived, precomputed regions (projected shapes, cores, grown shapes) shipped beside the data.
DERIVED_FILE = "regions_laea.json"
#: Vertices closer than this (metres) are merged when deriving regions: far below every tolerance
#: the rules use, and it makes the shipped file small and loading fast.
DERIVE_SIMPLIFY_M = 50.0
_SOURCE_FILES = ("ukraine.geojson", "russia.geojson", "ukraine_oblasts.geojson")


def derive_params(directory: Path) -> dict[str, Any]:
    """Everything the derived regions depend on; a mismatch means they must be derived anew."""
    import hashlib

    hashes = {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in _SOURCE_FILES
    }
    return {
        "crs": EQUAL_AREA_CRS,
        "window": list(WINDOW),
        "core_shrink_m": CORE_SHRINK_M,
        "locate_grow_m": LOCATE_GROW_M,
        "simplify_m": DERIVE_SIMPLIFY_M,
        "sources": hashes,
    }


def derive_regions(directory: Path) -> tuple[dict[str, Region], dict[str, str]]:
    """Build every region from the reference GeoJSON (slow: ~0.5 s; done at build time)."""
    import shapely

    ukraine = _load_single(directory, "ukraine.geojson")
    russia = _load_single(directory, "russia.geojson")
    oblasts = _load_features(directory, "ukraine_oblasts.geojson")
    by_code = {props["iso_3166_2"]: geom for geom, props in oblasts}
    names = {props["iso_3166_2"]: str(props.get("name_en", "")) for _, props in oblasts}
    sources: dict[str, tuple[str, BaseGeometry]] = {
        code: (label, by_code[code]) for code, label in OCCUPIED_REGIONS.items()
    }
    sources["crimea"] = (
        "Crimea (with Sevastopol)",
        shapely.union(by_code["UA-43"], by_code["UA-40"]),
    )
    occupied = shapely.union_all([by_code[c] for c in OCCUPIED_REGIONS])
    # Ukraine outside the six regions: how a Ukraine feature is told by its shape.
    sources["ukraine-rest"] = (
        "Ukraine outside the six regions",
        shapely.difference(ukraine, occupied),
    )
    sources["ukraine"] = ("Ukraine", ukraine)
    sources["russia"] = ("Russia (recognized borders, in window)", russia)
    regions = {}
    for key, (label, lonlat) in sources.items():
        clipped = shapely.clip_by_rect(lonlat, *WINDOW)
        shape = shapely.make_valid(reproject(clipped, "EPSG:4326", EQUAL_AREA_CRS))
        shape = shape.simplify(DERIVE_SIMPLIFY_M, preserve_topology=True)
        regions[key] = Region(
            key=key,
            name=label,
            shape=shape,
            core=shape.buffer(-CORE_SHRINK_M),
            grown=shape.buffer(LOCATE_GROW_M),
        )
    return regions, names


def write_derived(directory: Path) -> Path:
    """Write :data:`DERIVED_FILE` (deterministic JSON with hex WKB) into ``directory``."""
    import shapely

    regions, names = derive_regions(directory)
    doc = {
        "params": derive_params(directory),
        "oblast_names": dict(sorted(names.items())),
        "regions": {
            key: {
                "name": r.name,
                **{
                    part: shapely.to_wkb(getattr(r, part), hex=True, output_dimension=2)
                    for part in ("shape", "core", "grown")
                },
            }
            for key, r in sorted(regions.items())
        },
    }
    out = directory / DERIVED_FILE
    out.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


def _load_derived(directory: Path) -> tuple[dict[str, Region], dict[str, str]] | None:
    import shapely

    path = directory / DERIVED_FILE
    if not path.exists():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("params") != derive_params(directory):
        return None  # stale: the sources or the parameters changed
    regions = {}
    for key, item in doc["regions"].items():
        shape, core, grown = shapely.from_wkb([item["shape"], item["core"], item["grown"]])
        regions[key] = Region(key=key, name=item["name"], shape=shape, core=core, grown=grown)
    return regions, doc["oblast_names"]


class Reference:
    """The reference boundaries, projected, with prepared geometries. Use :func:`get_reference`.

    Loads the precomputed :data:`DERIVED_FILE` when it matches the sources and parameters, and
    derives the regions itself (slower) when it does not.
    """

    def __init__(self, directory: Path | None = None) -> None:
        import shapely

        self.directory = directory or data_dir()
        loaded = _load_derived(self.directory)
        self.derived_from_cache = loaded is not None
        regions, names = loaded if loaded is not None else derive_regions(self.directory)
        self.regions = regions
        self.oblast_names = names
        for region in regions.values():
            shapely.prepare(region.core)
            shapely.prepare(region.grown)
            shapely.prepare(region.shape)

    def project(self, geom: BaseGeometry) -> BaseGeometry:
        """Clip a lon/lat geometry to :data:`WINDOW` and project it to the equal-area CRS."""
        import shapely

        clipped = shapely.clip_by_rect(geom, *WINDOW)
        if clipped.is_empty:
            return clipped
        return reproject(clipped, "EPSG:4326", EQUAL_AREA_CRS)

    def to_lonlat(self, geom: BaseGeometry) -> BaseGeometry:
        """Inverse of :meth:`project` (without the clipping)."""
        return reproject(geom, EQUAL_AREA_CRS, "EPSG:4326")

    def lonlat_shape(self, key: str) -> BaseGeometry:
        """A region's reference geometry in lon/lat."""
        return self.to_lonlat(self.regions[key].shape)


def _load_features(directory: Path, name: str) -> list[tuple[BaseGeometry, dict[str, Any]]]:
    import shapely

    with open(directory / name, encoding="utf-8") as fh:
        data = json.load(fh)
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in data["features"]])
    return [(g, f.get("properties") or {}) for g, f in zip(geoms, data["features"], strict=True)]


def _load_single(directory: Path, name: str) -> BaseGeometry:
    features = _load_features(directory, name)
    if len(features) != 1:
        msg = f"reference file {name} should hold one feature, has {len(features)}"
        raise RuntimeError(msg)
    return features[0][0]


_LOCK = threading.Lock()
_REFERENCE: Reference | None = None


def get_reference() -> Reference:
    """The process-wide reference, loaded on first use (thread-safe)."""
    global _REFERENCE  # noqa: PLW0603 - a deliberate load-once cache
    if _REFERENCE is None:
        with _LOCK:
            if _REFERENCE is None:
                _REFERENCE = Reference()
    return _REFERENCE


_TRANSFORMERS: dict[tuple[str, str], pyproj.Transformer] = {}


def reproject(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """``geom`` from CRS ``src`` to ``dst`` (axis order x/lon first), all vertices at once."""
    import numpy as np
    import shapely

    transformer = _transformer(src, dst)

    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def _transformer(src: str, dst: str) -> pyproj.Transformer:
    key = (src, dst)
    if key not in _TRANSFORMERS:
        import pyproj

        _TRANSFORMERS[key] = pyproj.Transformer.from_crs(src, dst, always_xy=True)
    return _TRANSFORMERS[key]
