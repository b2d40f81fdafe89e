"""KML and KMZ: Placemarks with their names, descriptions and extended data.

Parsed with defusedxml (entity declarations refused: billion-laughs and external-entity
attacks, DESIGN §8). Each Folder path is a layer (``Regions/Oblasts``); Placemarks outside any
Folder go to layer ``kml``. Geometry: Point, LineString, LinearRing, Polygon (outer and inner
boundaries) and MultiGeometry; ``gx:Track``/``gx:MultiTrack`` and Models are ignored. KML
coordinates are WGS 84 lon/lat by definition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checker.readers import _crs, _safezip
from checker.readers._geom import GeometryBuilder
from checker.readers.base import ReaderError, Source, VectorEvidence, VectorFeature, VectorLayer
from checker.readers.geojson import label

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

ROOT_LAYER = "kml"


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1]


def _child(el: Element, name: str) -> Element | None:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def _coords(el: Element | None, where: str) -> list[list[float]]:
    text = _text(_child(el, "coordinates")) if el is not None else None
    if not text:
        return []
    out: list[list[float]] = []
    for tup in text.split():
        parts = tup.split(",")
        try:
            out.append([float(parts[0]), float(parts[1])])
        except (IndexError, ValueError):
            raise ReaderError("ME901", f"{where}: unreadable KML coordinate {tup!r:.60}") from None
    return out


def _geometry(el: Element, where: str) -> dict[str, Any] | None:
    """A GeoJSON-style geometry dict for a KML geometry element (None if unsupported)."""
    kind = _local(el.tag)
    if kind == "Point":
        pts = _coords(el, where)
        return {"type": "Point", "coordinates": pts[0] if pts else []}
    if kind in ("LineString", "LinearRing"):
        return {"type": "LineString", "coordinates": _coords(el, where)}
    if kind == "Polygon":
        rings: list[list[list[float]]] = []
        outer = _child(el, "outerBoundaryIs")
        rings.append(_coords(_child(outer, "LinearRing"), where) if outer is not None else [])
        for inner in el:
            if _local(inner.tag) == "innerBoundaryIs":
                for ring in inner:
                    if _local(ring.tag) == "LinearRing":
                        rings.append(_coords(ring, where))
        return {"type": "Polygon", "coordinates": rings}
    if kind == "MultiGeometry":
        members = [g for g in (_geometry(c, where) for c in el) if g is not None]
        types = {m["type"] for m in members}
        if types == {"Polygon"}:
            return {"type": "MultiPolygon", "coordinates": [m["coordinates"] for m in members]}
        if types == {"LineString"}:
            return {"type": "MultiLineString", "coordinates": [m["coordinates"] for m in members]}
        if types == {"Point"}:
            return {"type": "MultiPoint", "coordinates": [m["coordinates"] for m in members]}
        return {"type": "GeometryCollection", "geometries": members}
    return None


def _properties(pm: Element) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key in ("name", "description", "address", "styleUrl"):
        value = _text(_child(pm, key))
        if value is not None:
            props[key] = value
    ext = _child(pm, "ExtendedData")
    if ext is not None:
        for item in ext.iter():
            kind = _local(item.tag)
            if kind == "Data" and item.get("name"):
                props[item.get("name", "")] = _text(_child(item, "value"))
            elif kind == "SimpleData" and item.get("name"):
                props[item.get("name", "")] = _text(item)
    return props


def _walk(
    el: Element,
    path: list[str],
    out: list[tuple[str, Element]],
) -> None:
    folders = 0
    for child in el:
        kind = _local(child.tag)
        if kind == "Placemark":
            out.append(("/".join(path) or ROOT_LAYER, child))
        elif kind == "Folder":
            folders += 1
            name = _text(_child(child, "name")) or f"Folder {folders}"
            _walk(child, [*path, name], out)
        elif kind == "Document":
            _walk(child, path, out)


def parse_kml(data: bytes) -> Element:
    """Parse KML safely: ME901 for malformed XML and for any entity declaration."""
    import defusedxml
    from defusedxml import ElementTree as SafeET

    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise ReaderError(
            "ME901", "XML entities are not allowed (entity expansion attack?)"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise ReaderError("ME901", f"unsafe XML refused: {exc}") from None
    except SafeET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise ReaderError("ME901", f"invalid XML at line {line} column {col + 1}: {exc}") from None
    except (LookupError, ValueError) as exc:  # an unknown encoding in the XML declaration
        raise ReaderError("ME901", f"unreadable XML: {exc}") from None


def evidence_from_kml(root: Element, fmt: str) -> VectorEvidence:
    if _local(root.tag) != "kml":
        raise ReaderError("ME901", f"not KML: the root element is <{_local(root.tag)}>")
    placemarks: list[tuple[str, Element]] = []
    _walk(root, [], placemarks)
    builder = GeometryBuilder()
    layer_order: list[str] = []
    rows: list[tuple[str, int, dict[str, Any], str | None, int]] = []
    counters: dict[str, int] = {}
    notes: list[str] = []
    for layer, pm in placemarks:
        if layer not in counters:
            counters[layer] = 0
            layer_order.append(layer)
        i = counters[layer]
        counters[layer] += 1
        fid = pm.get("id")
        where = label(i, fid, layer)
        geom = None
        for child in pm:
            geom = _geometry(child, where)
            if geom is not None:
                break
        else:
            if any(_local(c.tag) in ("Track", "MultiTrack", "Model") for c in pm):
                note = "gx:Track, gx:MultiTrack and Model geometries are not read"
                if note not in notes:
                    notes.append(note)
        rows.append((layer, i, _properties(pm), fid, builder.add(geom, where)))
    built = builder.build()
    geoms = [built[slot] for *_, slot in rows]
    labels = [label(i, fid, layer) for layer, i, _, fid, _ in rows]
    # KML is WGS 84 lon/lat by definition, so out-of-range values are bad data (ME905).
    geoms = _crs.to_lonlat(geoms, "EPSG:4326", labels=labels, hint=builder.coord_arrays)
    by_layer: dict[str, list[VectorFeature]] = {name: [] for name in layer_order}
    for (layer, i, props, fid, _), g in zip(rows, geoms, strict=True):
        by_layer[layer].append(VectorFeature(index=i, geometry=g, properties=props, id=fid))
    layers = [VectorLayer(name, feats) for name, feats in by_layer.items()]
    return VectorEvidence(format=fmt, layers=layers, source_crs="EPSG:4326", notes=notes)


def read_kml(source: Source) -> VectorEvidence:
    return evidence_from_kml(parse_kml(source.read_bytes()), "kml")


def read_kmz(source: Source) -> VectorEvidence:
    """KMZ: a zip whose ``doc.kml`` (or first .kml) is the document."""
    with _safezip.open_zip(source) as archive:
        kmls = [n for n in archive.names if n.lower().endswith(".kml")]
        if not kmls:
            raise ReaderError("ME902", "the KMZ archive holds no .kml document")
        member = "doc.kml" if "doc.kml" in kmls else kmls[0]
        data = _safezip.read_member(archive, member, source.max_bytes)
    ev = evidence_from_kml(parse_kml(data), "kmz")
    if len(kmls) > 1:
        ev.notes.append(f"read {member}; the archive holds {len(kmls)} .kml files")
    return ev
