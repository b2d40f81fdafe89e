"""ECharts' compressed GeoJSON (``"UTF8Encoding": true``).

ECharts map packages (``echarts/map/json/china.json`` up to 4.x, ``registerMap`` scripts, the
per-country map packages built for it) ship a FeatureCollection whose rings are *strings*: each
pair of UTF-16 code units is one position, stored as ``code - 64``, zig-zag encoded, delta to the
previous position, and scaled by ``UTF8Scale`` (default 1024). The first position's delta is from
the geometry's ``encodeOffsets`` (one ``[x, y]`` per ring, nested like the rings). ECharts decodes
this in ``parseGeoJson``; here it is done once, vectorised, before the ordinary GeoJSON path, so
the rings become plain lon/lat position lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from checker.readers.base import ReaderError

if TYPE_CHECKING:
    from checker.readers._numjson import LiftedStore

#: ECharts' default scale when ``UTF8Scale`` is absent.
DEFAULT_SCALE = 1024.0


def is_encoded(obj: Any) -> bool:
    """True for a FeatureCollection that declares ECharts' compressed coordinates."""
    return isinstance(obj, dict) and obj.get("UTF8Encoding") is True


def _offset(value: Any, where: str) -> tuple[float, float]:
    if (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value[:2])
    ):
        return float(value[0]), float(value[1])
    raise ReaderError("ME901", f"{where}: encodeOffsets entry {str(value)[:40]!r} is not [x, y]")


def decode_ring(text: str, offset: tuple[float, float], scale: float, where: str) -> list[Any]:
    """One encoded ring → ``[[lon, lat], ...]`` (ECharts' ``decodePolygon``)."""
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2").astype(np.int64)
    if len(units) % 2:
        raise ReaderError("ME901", f"{where}: encoded ring has an odd number of code units")
    raw = units - 64
    deltas = (raw >> 1) ^ -(raw & 1)
    xy = np.cumsum(deltas.reshape(-1, 2), axis=0, dtype=np.float64)
    xy += np.asarray(offset, dtype=np.float64)
    xy /= scale
    return xy.tolist()


def _decode_rings(rings: Any, offsets: Any, scale: float, where: str) -> Any:
    if not isinstance(rings, list) or not isinstance(offsets, list) or len(offsets) < len(rings):
        raise ReaderError("ME901", f"{where}: encodeOffsets does not match the encoded rings")
    out = []
    for ring, off in zip(rings, offsets, strict=False):
        if isinstance(ring, str):
            out.append(decode_ring(ring, _offset(off, where), scale, where))
        else:
            out.append(ring)  # already plain positions (a partly decoded file)
    return out


def _decode_geometry(geom: Any, scale: float, where: str, store: LiftedStore | None) -> None:
    if not isinstance(geom, dict):
        return
    gtype = geom.get("type")
    if gtype == "GeometryCollection":
        for i, part in enumerate(geom.get("geometries") or []):
            _decode_geometry(part, scale, f"{where} part {i}", store)
        return
    coords = geom.get("coordinates")
    offsets = geom.get("encodeOffsets")
    if store is not None:
        offsets = store.restore(offsets)
    if gtype == "Polygon" and isinstance(coords, list) and any(isinstance(r, str) for r in coords):
        geom["coordinates"] = _decode_rings(coords, offsets, scale, where)
    elif gtype == "MultiPolygon" and isinstance(coords, list):
        if not any(isinstance(p, list) and any(isinstance(r, str) for r in p) for p in coords):
            return
        if not isinstance(offsets, list) or len(offsets) < len(coords):
            raise ReaderError("ME901", f"{where}: encodeOffsets does not match the polygons")
        geom["coordinates"] = [
            _decode_rings(p, o, scale, where) for p, o in zip(coords, offsets, strict=False)
        ]
    elif gtype == "LineString" and isinstance(coords, str):
        if isinstance(offsets, list) and offsets and isinstance(offsets[0], list):
            offsets = offsets[0]
        geom["coordinates"] = decode_ring(coords, _offset(offsets, where), scale, where)
    elif (
        gtype == "MultiLineString"
        and isinstance(coords, list)
        and any(isinstance(r, str) for r in coords)
    ):
        geom["coordinates"] = _decode_rings(coords, offsets, scale, where)
    geom.pop("encodeOffsets", None)


def decode(obj: dict[str, Any], notes: list[str], store: LiftedStore | None = None) -> None:
    """Decode an ECharts-compressed FeatureCollection in place."""
    scale = obj.get("UTF8Scale")
    if scale is None:
        scale = DEFAULT_SCALE
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
        raise ReaderError(
            "ME901", f"ECharts UTF8Scale {str(scale)[:20]!r} is not a positive number"
        )
    features = obj.get("features")
    if not isinstance(features, list):
        return
    for i, feat in enumerate(features):
        if isinstance(feat, dict):
            _decode_geometry(feat.get("geometry"), float(scale), f"feature {i}", store)
    obj["UTF8Encoding"] = False
    notes.append(f"ECharts-compressed coordinates (UTF8Encoding, scale {scale:g}) decoded")


def _encode_ring(coords: Any, scale: float) -> tuple[str, list[int]]:
    q = np.round(np.asarray(coords, dtype=np.float64)[:, :2] * scale).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=q[:1]).ravel()
    zigzag = (deltas << 1) ^ (deltas >> 63)
    return "".join(map(chr, (zigzag + 64).tolist())), q[0].tolist()


def encode_geometry(geometry: dict[str, Any], scale: float) -> dict[str, Any]:
    """A plain GeoJSON Polygon/MultiPolygon in ECharts' compressed form (for ``mapcheck fix``
    writing back into an encoded file). Edges are split first so every delta fits in one
    UTF-16 code unit below the surrogate range, as ECharts' own encoder requires."""
    import shapely
    from shapely.geometry import mapping, shape

    longest = (0xD7FF - 64) // 4 / scale  # |delta| * 2 + 64 < 0xD800, with a margin of 2
    geom = shapely.segmentize(shape(geometry), longest)
    plain = mapping(geom)
    if plain["type"] == "Polygon":
        enc = [_encode_ring(r, scale) for r in plain["coordinates"]]
        return {"type": "Polygon", "coordinates": [e[0] for e in enc],
                "encodeOffsets": [e[1] for e in enc]}  # fmt: skip
    if plain["type"] == "MultiPolygon":
        polys = [[_encode_ring(r, scale) for r in p] for p in plain["coordinates"]]
        return {"type": "MultiPolygon", "coordinates": [[e[0] for e in p] for p in polys],
                "encodeOffsets": [[e[1] for e in p] for p in polys]}  # fmt: skip
    return dict(plain)


def scale_of(obj: dict[str, Any]) -> float:
    scale = obj.get("UTF8Scale")
    return float(scale) if isinstance(scale, (int, float)) and scale > 0 else DEFAULT_SCALE
