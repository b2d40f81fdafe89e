"""Readers: turn an input into evidence. :func:`detect` says what an input is and
:func:`read_vector` reads vector maps into :class:`~checker.readers.base.VectorEvidence` with
geometry in EPSG:4326 lon/lat.

This module stays import-light (no shapely, pyproj or pyogrio at import time): the engine
imports it for every input, including text checks that must start fast.

Vector formats: ``geojson``, ``geojsonseq``, ``topojson``, ``jsmodule`` (GeoJSON/TopoJSON
embedded in JS or HTML), ``shapefile`` (also zipped), ``gpkg``, ``flatgeobuf``, ``kml``, ``kmz``,
``geoparquet``. Every failure is a :class:`~checker.readers.base.ReaderError` with an ME9xx code.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.readers.base import (
    DEFAULT_MAX_BYTES,
    ReaderError,
    Source,
    VectorEvidence,
    VectorFeature,
    VectorLayer,
)
from checker.readers.detect import detect

__all__ = [
    "DEFAULT_MAX_BYTES",
    "VECTOR_FORMATS",
    "ReaderError",
    "Source",
    "VectorEvidence",
    "VectorFeature",
    "VectorLayer",
    "detect",
    "read_vector",
]

VECTOR_FORMATS = (
    "geojson",
    "geojsonseq",
    "topojson",
    "jsmodule",
    "shapefile",
    "gpkg",
    "flatgeobuf",
    "kml",
    "kmz",
    "geoparquet",
)


def _reader(fmt: str) -> Callable[[Source], VectorEvidence]:
    # Imported on demand: each reader pulls in shapely/pyproj, some pyogrio or pyarrow.
    if fmt == "geojson":
        from checker.readers.geojson import read_geojson

        return read_geojson
    if fmt == "geojsonseq":
        from checker.readers.geojson import read_geojsonseq

        return read_geojsonseq
    if fmt == "topojson":
        from checker.readers.topojson import read_topojson

        return read_topojson
    if fmt == "jsmodule":
        from checker.readers.jsmodule import read_jsmodule

        return read_jsmodule
    if fmt in ("shapefile", "gpkg", "flatgeobuf"):
        from checker.readers.ogr import read_ogr

        return lambda source: read_ogr(source, fmt)
    if fmt in ("kml", "kmz"):
        from checker.readers.kml import read_kml, read_kmz

        return read_kml if fmt == "kml" else read_kmz
    if fmt == "geoparquet":
        from checker.readers.geoparquet import read_geoparquet

        return read_geoparquet
    raise ReaderError("ME902", f"{fmt!r} is not a vector format mapcheck reads")


def read_vector(source: Source, fmt: str) -> VectorEvidence:
    """Read ``source`` as vector format ``fmt`` (as returned by :func:`detect`).

    Never lets an exception other than :class:`ReaderError` escape: unexpected failures in the
    libraries underneath become ME901 (or ME903 when memory runs out), so one bad input cannot
    stop a batch.
    """
    reader = _reader(fmt)
    try:
        size = source.size()
    except OSError as exc:
        raise ReaderError("ME901", f"cannot read the file: {exc.strerror or exc}") from None
    if size > source.max_bytes:
        raise ReaderError(
            "ME903", f"input is {size:,} bytes, over the {source.max_bytes:,}-byte limit"
        )
    if size == 0:
        raise ReaderError("ME906", "the file is empty")
    try:
        return reader(source)
    except ReaderError:
        raise
    except MemoryError:
        raise ReaderError("ME903", "ran out of memory reading the file") from None
    except RecursionError:
        raise ReaderError("ME901", "the data is nested too deeply to read") from None
    except OSError as exc:
        raise ReaderError("ME901", f"cannot read the file: {exc.strerror or exc}") from None
    except Exception as exc:  # a library failing on malformed input: report, don't crash
        raise ReaderError(
            "ME901", f"could not read the {fmt} data ({type(exc).__name__}: {exc})"
        ) from exc
