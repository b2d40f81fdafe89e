"""Boundary sources: real country geometry (lon/lat) cut into the pieces depictions are built from.

Two independent sources, so a pipeline tuned on one line work is also measured on another:

- ``reference-ne10m``: the shipped reference (Natural Earth 1:10m, German point of view, correct
  borders; ``reference_boundaries/neighbours.geojson`` covers lon 18..50, lat 38..60 only), with
  Crimea and the four oblasts taken from ``ukraine_oblasts.geojson``.
- ``world-atlas-110m`` / ``-50m`` / ``-10m``: npm ``world-atlas`` 2.0.2 (Natural Earth's default
  view, whose Russia MultiPolygon holds Crimea), decoded with :mod:`checker.readers.topojson`.
- ``world-atlas-110m-fixed``: ``samples/good/world-atlas-countries-110m-fixed.json``, the same file
  with the Crimea polygon moved into Ukraine (only Crimea-as-Ukraine maps can be drawn from it).

Every source exposes the same named pieces (:data:`PIECES`), so a depiction is a choice of pieces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from numpy.typing import NDArray
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[2]
WORLD_ATLAS_DIR = ROOT / "tests" / "fixtures" / "world-atlas"
FIXED_110M = ROOT / "samples" / "good" / "world-atlas-countries-110m-fixed.json"

REFERENCE = "reference-ne10m"
WORLD_ATLAS = ("world-atlas-110m", "world-atlas-50m", "world-atlas-10m")
WORLD_ATLAS_FIXED = "world-atlas-110m-fixed"
SOURCES = (REFERENCE, *WORLD_ATLAS, WORLD_ATLAS_FIXED)

#: A schematic line of Russian control (lon, lat) from the Kinburn spit up the Dnipro, across
#: Zaporizhzhia and Donetsk oblasts to the border north of Luhansk oblast. It is NOT an
#: authoritative front line: control maps only need an "occupied" overlay over Crimea and parts
#: of the four oblasts that looks like the ones newsrooms draw.
CONTROL_LINE = (
    (31.3, 46.45),
    (32.2, 46.55),
    (33.0, 46.70),
    (33.6, 46.95),
    (34.3, 47.40),
    (35.0, 47.45),
    (35.8, 47.40),
    (36.6, 47.65),
    (37.2, 47.80),
    (37.6, 48.15),
    (37.9, 48.45),
    (38.1, 48.85),
    (38.0, 49.25),
    (38.2, 49.70),
    (38.5, 50.15),
)

#: ISO 3166-2 codes of Crimea (with Sevastopol) and of the four partly occupied oblasts.
CRIMEA_CODES = ("UA-43", "UA-40")
MAINLAND_CODES = ("UA-14", "UA-09", "UA-23", "UA-65")


@dataclass(frozen=True)
class Source:
    """One boundary source, as named pieces in lon/lat.

    ``pieces`` holds, when the source can draw them:

    - ``RU-``: Russia without Crimea; ``RU+``: with Crimea; ``RU++``: with Crimea and the four
      oblasts (Russia's claims);
    - ``UA-``: Ukraine without Crimea; ``UA+``: with Crimea; ``UA--``: without Crimea and the
      four oblasts;
    - ``CRIMEA`` (with Sevastopol), ``MAINLAND`` (the four oblasts), ``OCCUPIED`` (schematic
      occupied area, within this source's Ukraine), ``PEREKOP`` (the Crimea–Ukraine land border
      as lines), ``OBLAST_LINES`` (Ukraine's internal borders, as lines).

    ``others`` maps every other country's English name to its geometry.
    """

    name: str
    #: Where the source has data (west, south, east, north); views must stay inside it.
    window: tuple[float, float, float, float]
    pieces: dict[str, BaseGeometry]
    others: dict[str, BaseGeometry] = field(default_factory=dict)

    def can_draw(self, *names: str) -> bool:
        return all(n in self.pieces for n in names)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Valid polygonal geometry (make_valid may leave lines and points behind: dropped)."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


def _drawable(geom: BaseGeometry) -> BaseGeometry:
    """Polygonal geometry as the file has it. Validity is not needed to draw a polygon, and
    ``make_valid`` on world-atlas-10m's antimeridian rings costs seconds; geometry that takes part
    in overlay operations goes through :func:`_polygonal` instead."""
    polys: list[shapely.Polygon] = []
    for part in shapely.get_parts(geom):
        if not isinstance(part, shapely.Polygon):
            continue
        west, _, east, _ = part.bounds
        polys.extend(_split_antimeridian(part) if east - west > 180.0 else [part])
    return shapely.MultiPolygon(polys) if len(polys) != 1 else polys[0]


def _shift_west(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    out = coords.copy()
    out[:, 0] = np.where(out[:, 0] < 0.0, out[:, 0] + 360.0, out[:, 0])
    return out


def _split_antimeridian(poly: shapely.Polygon) -> list[shapely.Polygon]:
    """A ring that jumps from +180° to -180° (Russia's Chukotka, Fiji) would be drawn as a streak
    across the whole map: unwrap it to 0..360°, then cut it at 180° into two pieces."""
    unwrapped: BaseGeometry = shapely.transform(poly, _shift_west)
    if not unwrapped.is_valid:
        unwrapped = shapely.make_valid(unwrapped)
    east = shapely.clip_by_rect(unwrapped, -180.0, -90.0, 180.0, 90.0)
    west = shapely.affinity.translate(
        shapely.clip_by_rect(unwrapped, 180.0, -90.0, 540.0, 90.0), xoff=-360.0
    )
    return [
        p for p in shapely.get_parts([east, west]) if isinstance(p, shapely.Polygon) and p.area > 0
    ]


@cache
def _oblasts() -> dict[str, BaseGeometry]:
    import reference_boundaries as rb

    data = json.loads(rb.path(rb.OBLASTS).read_text(encoding="utf-8"))
    return {f["properties"]["iso_3166_2"]: shape(f["geometry"]) for f in data["features"]}


@cache
def reference_crimea() -> BaseGeometry:
    """Crimea with Sevastopol from the reference oblasts (lon/lat)."""
    obl = _oblasts()
    return shapely.union_all([obl[c] for c in CRIMEA_CODES])


def _occupied(ukraine_full: BaseGeometry) -> BaseGeometry:
    """The schematic occupied area (Crimea and the oblasts east/south of the line) in Ukraine."""
    obl = _oblasts()
    regions = shapely.union_all([obl[c] for c in (*CRIMEA_CODES, *MAINLAND_CODES)])
    line = list(CONTROL_LINE)
    control = shapely.Polygon([*line, (41.5, 50.3), (41.5, 43.5), (30.5, 43.5), (30.5, 46.45)])
    # Grow a little so a coarser coastline (110m) is still covered, then keep it inside Ukraine.
    area = shapely.intersection(regions, control).buffer(0.05)
    return _polygonal(shapely.intersection(area, ukraine_full))


def _normalized(pieces: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Pieces in GEOS normal form. Overlay operations restart rings at other vertices; without
    this, Ukraine's islands would be outlined from different start points in the two depictions
    and the pictures would differ by a few antialiased pixels away from Crimea."""
    return {k: shapely.normalize(v) for k, v in pieces.items()}


def _shared_line(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """The border two polygonal geometries share, as lines."""
    return shapely.line_merge(shapely.intersection(a.boundary, b.boundary))


@cache
def load(name: str) -> Source:
    """Build (once per process) the source called ``name`` (one of :data:`SOURCES`)."""
    if name == REFERENCE:
        return _load_reference()
    if name in WORLD_ATLAS:
        res = name.rsplit("-", 1)[1]
        return _load_world_atlas(name, WORLD_ATLAS_DIR / f"countries-{res}.json")
    if name == WORLD_ATLAS_FIXED:
        return _load_world_atlas(name, FIXED_110M)
    raise ValueError(f"unknown boundary source {name!r}")


def _load_reference() -> Source:
    import reference_boundaries as rb

    data = json.loads(rb.path(rb.NEIGHBOURS).read_text(encoding="utf-8"))
    countries = {
        f["properties"]["name_en"]: _polygonal(shape(f["geometry"])) for f in data["features"]
    }
    ukraine = countries.pop("Ukraine")
    russia = countries.pop("Russia")
    obl = _oblasts()
    crimea = reference_crimea()
    mainland = shapely.union_all([obl[c] for c in MAINLAND_CODES])
    ua_minus = _polygonal(shapely.difference(ukraine, crimea))
    internal = shapely.union_all([o.boundary for o in obl.values()])
    pieces = {
        "RU-": russia,
        "RU+": _polygonal(shapely.union(russia, crimea)),
        "RU++": _polygonal(shapely.union_all([russia, crimea, mainland])),
        "UA-": ua_minus,
        "UA+": ukraine,
        "UA--": _polygonal(shapely.difference(ua_minus, mainland)),
        "CRIMEA": crimea,
        "MAINLAND": mainland,
        "OCCUPIED": _occupied(ukraine),
        "PEREKOP": _shared_line(ua_minus, crimea),
        "OBLAST_LINES": shapely.line_merge(shapely.difference(internal, ukraine.boundary)),
    }
    return Source(
        name=REFERENCE, window=rb.NEIGHBOURS_WINDOW, pieces=_normalized(pieces), others=countries
    )


def _load_world_atlas(name: str, path: Path) -> Source:
    from checker.readers.base import Source as ReaderSource
    from checker.readers.topojson import read_topojson

    evidence = read_topojson(ReaderSource(name=str(path), path=path))
    layer = next(layer for layer in evidence.layers if layer.name == "countries")
    others: dict[str, BaseGeometry] = {}
    russia: list[BaseGeometry] = []
    ukraine: list[BaseGeometry] = []
    for feat in layer.features:
        if feat.geometry is None or feat.geometry.is_empty:
            continue
        fname = str(feat.properties.get("name") or feat.id or f"#{feat.index}")
        if feat.id == "643":
            russia = list(shapely.get_parts(_drawable(feat.geometry)))
        elif feat.id == "804":
            ukraine = [_polygonal(feat.geometry)]
        elif fname != "Antarctica":
            geom = _drawable(feat.geometry)
            if fname in others:  # a few names repeat (e.g. 036: Australia, Ashmore)
                geom = _drawable(shapely.GeometryCollection([others[fname], geom]))
            others[fname] = geom
    if not russia or not ukraine:
        raise ValueError(f"{path}: Russia (643) or Ukraine (804) missing")
    ref_crimea = reference_crimea().buffer(0.1)
    in_crimea = [ref_crimea.contains(p.representative_point()) for p in russia]
    crimea_parts = [_polygonal(p) for p, inside in zip(russia, in_crimea, strict=True) if inside]
    ru_minus = _drawable(
        shapely.GeometryCollection(
            [p for p, inside in zip(russia, in_crimea, strict=True) if not inside]
        )
    )
    ua = _polygonal(shapely.union_all(ukraine))
    pieces: dict[str, BaseGeometry]
    if crimea_parts:
        # Natural Earth's default view: Crimea is a polygon of Russia's MultiPolygon.
        crimea = _polygonal(shapely.union_all(crimea_parts))
        ua_plus = _polygonal(shapely.union(ua, crimea))
        pieces = {
            "RU-": ru_minus,
            "RU+": _drawable(shapely.GeometryCollection(russia)),
            "UA-": ua,
            "UA+": ua_plus,
            "CRIMEA": crimea,
            "PEREKOP": _shared_line(ua, crimea),
        }
    else:
        # A corrected file: Crimea is already inside Ukraine; only Crimea-as-Ukraine maps. The
        # fixed 110m file got exactly the published file's Crimea polygon.
        if name == WORLD_ATLAS_FIXED:
            crimea = load("world-atlas-110m").pieces["CRIMEA"]
        else:
            crimea = _polygonal(shapely.intersection(ua, reference_crimea()))
        ua_plus = ua
        pieces = {"RU-": ru_minus, "UA+": ua_plus, "CRIMEA": crimea}
    pieces["OCCUPIED"] = _occupied(ua_plus)
    return Source(
        name=name, window=(-180.0, -90.0, 180.0, 90.0), pieces=_normalized(pieces), others=others
    )
