"""SVG maps: parse safely, rasterise, and read the SVG's own labels of Russia and Ukraine.

Safety first. The XML is parsed with defusedxml: entity declarations (the "billion laughs" and
external-entity attacks) are refused outright (ME905); a DOCTYPE without entities is harmless
and allowed (Illustrator writes one). Before rasterising, everything that could reach outside
the file or run is removed: ``href``/``xlink:href`` to anything but ``#fragment`` and ``data:``
URIs, ``<script>``, ``<foreignObject>``, event attributes, and CSS ``url()``/``@import`` that
leave the file. ``<use>`` references are counted through their expansion (nested ``<use>`` of
``<use>`` is the SVG form of the billion laughs) and refused past a bound (ME903), as are
embedded raster images larger than the pixel limit.

Rasterising uses resvg (``resvg-py``, MIT; resvg and its dependencies MIT/Apache-2.0), a
well-kept Rust renderer shipped as a wheel: CairoSVG and svglib are LGPL and pyvips needs the
LGPL libvips. The map is rendered on white at a size fit for registration, in a child process
with a time limit (resvg aborts its process on some malformed input), and embedded rasters are
decoded by Pillow and re-encoded before resvg sees them.

The SVG's own structure is evidence too: elements whose id, class, title, ``data-*``,
``aria-label`` or ``inkscape:label`` name Russia (``RU``, ``RUS``, ``Russia``, ``Russian
Federation``, ``Россия``, ``Росія``, ``RU-CR``, ``RU-SEV`` …) or Ukraine are rendered alone, in
black, into masks; :mod:`checker.imaging` asks whether the Russia mask covers Crimea (MI206).
"""

from __future__ import annotations

import base64
import functools
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from checker.imaging.io import MAX_PIXELS, LoadedImage
from checker.readers.base import ReaderError, Source

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: SVG files larger than this are refused (ME903).
MAX_SVG_BYTES = 50 * 1024 * 1024
#: At most this many elements.
MAX_ELEMENTS = 300_000
#: At most this many elements after expanding ``<use>`` references.
MAX_EXPANDED = 2_000_000
#: Rendered size: the longest side, within these bounds (small SVGs are drawn larger so that
#: registration sees the coastline; huge ones smaller).
RENDER_MIN_SIDE = 1000
RENDER_MAX_SIDE = 2000

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_DROP_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "canvas"}
_SHAPES = {"path", "polygon", "polyline", "rect", "circle", "ellipse", "line", "use"}

#: Tokens (case-folded) naming Russia, and Ukraine, in ids, classes and titles.
RU_TOKENS = frozenset(
    {
        "ru",
        "rus",
        "russia",
        "russian federation",
        "russianfederation",
        "russian_federation",
        "россия",
        "росія",
        "российская федерация",
        "російська федерація",
        "ru-cr",
        "ru-sev",
        "ru-krm",
        "ru-kr",
        "rus-283",
        "rus-5482",
    }
)
UA_TOKENS = frozenset({"ua", "ukr", "ukraine", "україна", "украина"})
_SPLIT = re.compile(r"[\s,;|/]+")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!#)[^)]*\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9.]+(?:e[-+]?\d+)?)\s*(px|pt|mm|cm|in)?\s*$", re.IGNORECASE)


@dataclass
class SvgElement:
    """An element the SVG itself labels as Russia or Ukraine."""

    owner: str  # "RU" or "UA"
    tag: str
    element_id: str | None
    label: str  # the attribute text that named it
    #: For an element that names itself Crimea or Sevastopol: which (UA-43 or UA-40).
    place: str = ""


@dataclass
class SvgInfo:
    """What the SVG says about itself: labelled elements and their rendered masks."""

    elements: list[SvgElement] = field(default_factory=list)
    #: "RU"/"UA" → pixels the labelled elements cover (same grid as the rendered picture).
    masks: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    removed_references: int = 0
    #: Element ids that look like ISO country codes (``FR``, ``DEU`` …).
    country_codes: set[str] = field(default_factory=set)
    #: The same masks rendered again around Ukraine's element, when that is small in the
    #: picture (a world map): Crimea is then wide enough to be located from Ukraine's outline.
    zoomed: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    #: Elements that name themselves Crimea or Sevastopol and say they are Russia's (their own
    #: description's country, or a group labelled Russia around them).
    described: list[SvgElement] = field(default_factory=list)
    #: Elements coded as the Russian subjects Russia made of the occupied oblasts (RU-DPR …).
    subjects: list[SvgSubject] = field(default_factory=list)


@dataclass(frozen=True)
class SvgSubject:
    """Elements coded as the Russian federal subject Russia made of an occupied oblast: the
    first of them, how many there are, the code and the oblast's ISO 3166-2 code."""

    element: SvgElement
    elements: int
    code: str  # "RU-DPR"
    region: str  # "UA-14"


def read_svg(source: Source) -> tuple[LoadedImage, SvgInfo]:
    """Parse, sanitise and rasterise an SVG map; ME9xx on hostile or broken input."""
    import defusedxml
    import defusedxml.ElementTree as SafeET

    data = source.read_bytes()
    if len(data) > MAX_SVG_BYTES:
        raise ReaderError("ME903", f"SVG is {len(data):,} bytes, over the {MAX_SVG_BYTES:,} limit")
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise ReaderError(
            "ME905",
            "the SVG declares XML entities (an entity-expansion or external-entity attack); "
            "refused",
        ) from None
    except (defusedxml.DTDForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        raise ReaderError("ME905", f"the SVG refers to external content: {exc}") from None
    except Exception as exc:  # ParseError and expat errors
        raise ReaderError("ME901", f"malformed SVG: {exc}") from None
    if _local(root.tag) != "svg":
        raise ReaderError("ME902", f"XML root <{_local(root.tag)}> is not <svg>")
    info = SvgInfo()
    _sanitise(root, info)
    _check_use_expansion(root)
    _pixel_size(root)
    icon = _icon(root)
    if icon is not None:
        return icon, info
    width, height = render_size(root)
    notes: list[str] = []
    if info.removed_references:
        notes.append(
            f"removed {info.removed_references} reference(s) to content outside the SVG before "
            "rendering"
        )
    _mark_iso_numeric(root)
    info.elements = _labelled(root)
    coded = _coded_elements(root)
    info.described = _crimea_described(root, coded)
    info.subjects = _oblast_subjects(root, coded)
    info.country_codes = {
        str(el.attrib["id"]).strip()
        for el in root.iter()
        if re.fullmatch(r"\s*[A-Z]{2,3}\s*", str(el.attrib.get("id", "")))
    }
    owners = [o for o in ("RU", "UA") if any(e.owner == o for e in info.elements)]
    docs = [_serialise(root)] + [_serialise(_mask_tree(root, owner)) for owner in owners]
    rendered = _render_all(docs, width, height)
    rgb = rendered[0]
    for owner, mask_rgb in zip(owners, rendered[1:], strict=True):
        info.masks[owner] = mask_rgb.min(axis=2) < 128
    if "UA" in info.masks:
        info.zoomed = _zoom_on_ukraine(root, owners, info.masks["UA"], (width, height))
    loaded = LoadedImage(
        rgb=rgb, original_size=(rgb.shape[1], rgb.shape[0]), notes=notes, format="svg"
    )
    return loaded, info


#: Most locations an SVG map-kit module may hold (countries of the world are about 250).
MAX_KIT_LOCATIONS = 20_000
_KIT_PATH = re.compile(r"\s*[Mm]")
_KIT_VIEWBOX = re.compile(r"\s*-?[\d.]+(?:[\s,]+-?[\d.]+){3}\s*")


def svg_from_kit(source: Source) -> tuple[Source, str]:
    """An SVG document made from an SVG map-kit module (``@svg-maps/*``, react-svg-map and
    alike: a JS or JSON object with a ``viewBox`` and ``locations`` of ``{id, name, path}``),
    and a note saying so. Each location becomes a ``<path>`` with its id and its name as
    title, in one grey with white borders (the module has no colours), so the SVG pipeline
    reads it like any labelled SVG map. ME901 when the object cannot be read."""
    from checker.readers import _jsonio
    from checker.readers.jsmodule import js_literal_to_json

    text = _jsonio.decode_text(source.read_bytes())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ReaderError("ME901", "no object literal found in the SVG map module")
    literal = text[start : end + 1]
    try:
        obj = _jsonio.loads(literal)
    except ReaderError:
        try:
            obj = _jsonio.loads(js_literal_to_json(literal))
        except (ReaderError, ValueError) as exc:
            raise ReaderError("ME901", f"the SVG map module could not be parsed: {exc}") from None
    label_note = ""
    if isinstance(obj, dict) and isinstance(obj.get("paths"), dict) and "viewBox" not in obj:
        # jqvmap (``jQuery.fn.vectorMap('addMap', 'world_en', {width, height, paths})``): SVG
        # paths in screen pixels, keyed by region code, with no projection to place them by.
        width, height = obj.get("width"), obj.get("height")
        if not all(isinstance(v, int | float) and 0 < v < 100_000 for v in (width, height)):
            raise ReaderError("ME901", "the jqvmap map has no usable width and height")
        obj = {
            "viewBox": f"0 0 {width} {height}",
            "locations": [
                {"id": key, "name": value.get("name"), "path": value.get("path")}
                for key, value in obj["paths"].items()
                if isinstance(value, dict)
            ],
        }
        label_note = "a jqvmap map, "
    view = obj.get("viewBox") if isinstance(obj, dict) else None
    places = obj.get("locations") if isinstance(obj, dict) else None
    if not isinstance(view, str) or not _KIT_VIEWBOX.fullmatch(view):
        raise ReaderError("ME901", "the SVG map module has no usable viewBox")
    if not isinstance(places, list) or not places:
        raise ReaderError("ME901", "the SVG map module has no locations")
    if len(places) > MAX_KIT_LOCATIONS:
        raise ReaderError("ME903", f"the SVG map module has over {MAX_KIT_LOCATIONS:,} locations")
    from xml.sax.saxutils import escape as xml_escape
    from xml.sax.saxutils import quoteattr

    parts = [
        f'<svg xmlns="{SVG_NS}" viewBox={quoteattr(view.strip())}>',
        '<g fill="#d9d9d9" stroke="#ffffff" stroke-width="0.5">',
    ]
    drawn = 0
    for place in places:
        if not isinstance(place, dict):
            continue
        d = place.get("path")
        if not isinstance(d, str) or not _KIT_PATH.match(d):
            continue
        ident = place.get("id")
        name = place.get("name")
        attrs = f" id={quoteattr(str(ident))}" if isinstance(ident, str | int) else ""
        title = f"<title>{xml_escape(name)}</title>" if isinstance(name, str) else ""
        parts.append(f"<path{attrs} d={quoteattr(d)}>{title}</path>")
        drawn += 1
    if not drawn:
        raise ReaderError("ME901", "the SVG map module's locations hold no SVG paths")
    parts.append("</g></svg>")
    label = obj.get("label") if isinstance(obj.get("label"), str) else None
    note = (
        f"read as an SVG map module{f' ({label!r})' if label else ''}: {label_note}{drawn} "
        "location(s) drawn as labelled SVG paths in one grey (the module has no colours)"
    )
    svg = Source(name=source.name, data="".join(parts).encode("utf-8"))
    return svg, note


def _local(tag: Any) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].lower()


def _sanitise(root: Element, info: SvgInfo) -> None:
    count = 0
    stack = [root]
    while stack:
        el = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            raise ReaderError("ME903", f"the SVG has more than {MAX_ELEMENTS:,} elements")
        for child in list(el):
            if _local(child.tag) in _DROP_TAGS:
                el.remove(child)
            else:
                stack.append(child)
        for name in list(el.attrib):
            local = _local(name)
            value = el.attrib[name]
            if local.startswith("on"):
                del el.attrib[name]
            elif local == "href":
                kept = _safe_href(value)
                if kept is None:
                    del el.attrib[name]
                    info.removed_references += 1
                elif kept != value:
                    el.attrib[name] = kept
            elif local == "style" and ("url(" in value.lower() or "@import" in value.lower()):
                el.attrib[name] = _CSS_IMPORT.sub("", _CSS_URL.sub("none", value))
                info.removed_references += 1
        if _local(el.tag) == "style" and el.text:
            cleaned = _CSS_IMPORT.sub("", _CSS_URL.sub("none", el.text))
            if cleaned != el.text:
                info.removed_references += 1
                el.text = cleaned


def _safe_href(value: str) -> str | None:
    """The reference to keep (``#fragment``, or an embedded raster re-encoded), or ``None``."""
    value = value.strip()
    if value.startswith("#"):
        return value
    if not value.lower().startswith("data:image/") or len(value) > 20 * 1024 * 1024:
        return None
    head, _, payload = value.partition(",")
    if "svg" in head.lower() or ";base64" not in head.lower():
        return None  # a nested SVG document could carry its own attacks
    try:
        raw = base64.b64decode(payload, validate=False)
    except ValueError:
        return None
    png = _reencoded(raw)
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode()


def _reencoded(raw: bytes) -> bytes | None:
    """An embedded raster decoded by Pillow (bomb guard on) and written anew as a clean PNG, so
    that the renderer never sees a hostile or malformed image; ``None`` if it does not decode."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as img:
                if img.width * img.height > MAX_PIXELS // 4:
                    return None
                img.load()
                buf = io.BytesIO()
                img.convert("RGBA").save(buf, "PNG")
                return buf.getvalue()
    except Exception:  # any decoding failure: the image is dropped
        return None


def _check_use_expansion(root: Element) -> None:
    """Refuse SVGs whose ``<use>`` references expand into too many elements (or loop)."""
    by_id: dict[str, Element] = {}
    for el in root.iter():
        ident = el.attrib.get("id")
        if ident:
            by_id[ident] = el
    if not any(_local(el.tag) == "use" for el in root.iter()):
        return
    weight: dict[int, int] = {}

    def href_of(el: Element) -> str | None:
        for name, value in el.attrib.items():
            if _local(name) == "href" and value.startswith("#"):
                return value[1:]
        return None

    # Iterative post-order over the element graph (children + use targets), with a
    # visiting set for cycles; weights saturate at MAX_EXPANDED.
    visiting: set[int] = set()
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        el, done = stack.pop()
        key = id(el)
        if done:
            total = 1
            for child in el:
                total += weight.get(id(child), 0)
            target = by_id.get(href_of(el) or "") if _local(el.tag) == "use" else None
            if target is not None:
                total += weight.get(id(target), 0)
            weight[key] = min(total, MAX_EXPANDED + 1)
            visiting.discard(key)
            continue
        if key in weight:
            continue
        if key in visiting:
            raise ReaderError("ME905", "the SVG's <use> references form a loop")
        visiting.add(key)
        stack.append((el, True))
        for child in el:
            if id(child) not in weight:
                stack.append((child, False))
        if _local(el.tag) == "use":
            target = by_id.get(href_of(el) or "")
            if target is not None and id(target) not in weight:
                if id(target) in visiting:
                    raise ReaderError("ME905", "the SVG's <use> references form a loop")
                stack.append((target, False))
    if weight.get(id(root), 0) > MAX_EXPANDED:
        raise ReaderError(
            "ME903",
            f"the SVG's <use> references expand to more than {MAX_EXPANDED:,} elements",
        )


def _length(value: str | None) -> float | None:
    if not value:
        return None
    m = _LENGTH.match(value)
    if not m:
        return None
    number = float(m.group(1))
    unit = (m.group(2) or "px").lower()
    factor = {"px": 1.0, "pt": 4 / 3, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}[unit]
    return number * factor


def _icon(root: Element) -> LoadedImage | None:
    """An SVG drawn smaller than a readable map (both its width and its height under
    :data:`~checker.imaging.io.MIN_SIDE` pixels: an icon) is not rendered, as a bitmap that
    small is not analysed: rendered at a map's size, an icon that masks a filtered picture
    kept resvg busy past its time limit (Adwaita's preferences-desktop-appearance-symbolic)."""
    from checker.imaging.io import MIN_SIDE

    width = _length(root.attrib.get("width"))
    height = _length(root.attrib.get("height"))
    if width is None or height is None or max(width, height) >= MIN_SIDE:
        return None  # (a thin strip is refused for its shape: render_size)
    loaded = LoadedImage(
        rgb=np.full((1, 1, 3), 255, dtype=np.uint8),
        original_size=(max(1, round(width)), max(1, round(height))),
        notes=[],
        format="svg",
    )
    loaded.unusable = (
        f"image too small: the SVG is drawn at {width:.3g}×{height:.3g} px (an icon); it "
        f"cannot show the region readably (at least {MIN_SIDE} px on each side are needed)"
    )
    return loaded


def _pixel_size(root: Element) -> None:
    """The root's width and height in pixels: resvg refuses a size in other units ("SVG has
    an invalid size" for ``width="65cm"``, as Dia exports diagrams)."""
    for name in ("width", "height"):
        value = root.attrib.get(name)
        length = _length(value)
        if value and length is not None and not _PLAIN_PIXELS.fullmatch(value):
            root.attrib[name] = f"{length:.6g}"


_PLAIN_PIXELS = re.compile(r"\s*[-+]?[\d.]+(?:[eE][-+]?\d+)?\s*(?:px)?\s*")


def render_size(root: Element) -> tuple[int, int]:
    width = _length(root.attrib.get("width"))
    height = _length(root.attrib.get("height"))
    box = root.attrib.get("viewBox") or root.attrib.get("viewbox")
    aspect = None
    if box:
        try:
            parts = [float(v) for v in re.split(r"[\s,]+", box.strip())[:4]]
            if len(parts) == 4 and parts[2] > 0 and parts[3] > 0:
                aspect = parts[3] / parts[2]
                width = width or parts[2]
        except ValueError:
            aspect = None
    if width and height:
        aspect = height / width
    width = width or 1000.0
    aspect = aspect or 0.75
    if not (0.02 < aspect < 50):
        raise ReaderError("ME905", f"the SVG's aspect ratio {aspect:.3g} is not a map's")
    longest = max(width, width * aspect)
    target = min(max(longest, RENDER_MIN_SIDE), RENDER_MAX_SIDE)
    factor = target / longest
    return max(1, round(width * factor)), max(1, round(width * aspect * factor))


#: Ukraine's element narrower than this (pixels) is rendered again, larger (:data:`ZOOM_WIDTH`).
ZOOM_BELOW = 150
ZOOM_WIDTH = 480


def _zoom_on_ukraine(
    root: Element, owners: list[str], ua: npt.NDArray[np.bool_], size: tuple[int, int]
) -> dict[str, npt.NDArray[np.bool_]]:
    """The owners' masks rendered again with the view cut to Ukraine's element and its
    surroundings, :data:`ZOOM_WIDTH` pixels wide; empty when Ukraine is large enough already,
    absent, or the SVG's coordinate system cannot be followed (an unusual
    ``preserveAspectRatio``)."""
    from checker.imaging.decide import mask_box

    box = mask_box(ua)
    if box is None:
        return {}
    x0, y0, x1, y1 = box
    if x1 - x0 >= ZOOM_BELOW or x1 - x0 < 4 or y1 - y0 < 3:
        return {}
    view = _view_box(root, size)
    if view is None:
        return {}
    vx, vy, scale, ox, oy = view
    pad_x, pad_y = 0.25 * (x1 - x0), 0.35 * (y1 - y0)
    ux0 = vx + (x0 - pad_x - ox) / scale
    uy0 = vy + (y0 - pad_y - oy) / scale
    uw = (x1 - x0 + 2 * pad_x) / scale
    uh = (y1 - y0 + 2 * pad_y) / scale
    width = ZOOM_WIDTH
    height = max(1, round(width * uh / uw))
    docs = []
    for owner in owners:
        tree = _mask_tree(root, owner)
        tree.set("viewBox", f"{ux0:.6g} {uy0:.6g} {uw:.6g} {uh:.6g}")
        tree.set("width", str(width))
        tree.set("height", str(height))
        tree.set("preserveAspectRatio", "xMidYMid meet")
        docs.append(_serialise(tree))
    try:
        rendered = _render_all(docs, width, height)
    except ReaderError:
        return {}
    return {o: m.min(axis=2) < 128 for o, m in zip(owners, rendered, strict=True)}


def _view_box(
    root: Element, size: tuple[int, int]
) -> tuple[float, float, float, float, float] | None:
    """How user units map to the rendered picture: (view x, view y, scale, x offset, y offset)
    with ``pixel = offset + (user - view) * scale``, or ``None`` when not followed."""
    width, height = size
    par = (root.attrib.get("preserveAspectRatio") or "xMidYMid").split()
    box = root.attrib.get("viewBox") or root.attrib.get("viewbox")
    if box:
        if par[0] != "xMidYMid" or (len(par) > 1 and par[1] != "meet"):
            return None
        try:
            vx, vy, vw, vh = (float(v) for v in re.split(r"[\s,]+", box.strip())[:4])
        except ValueError:
            return None
    else:
        vx = vy = 0.0
        vw = _length(root.attrib.get("width")) or 0.0
        vh = _length(root.attrib.get("height")) or 0.0
    if vw <= 0 or vh <= 0:
        return None
    scale = min(width / vw, height / vh)
    return vx, vy, scale, (width - vw * scale) / 2, (height - vh * scale) / 2


def _serialise(root: Element) -> str:
    import xml.etree.ElementTree as ET

    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


#: Seconds the renderer may take for one SVG (all its renderings together).
RENDER_TIMEOUT_S = 60.0

#: The renderer runs in a child process: resvg is native code that aborts the whole process on
#: some malformed input (a Rust panic) and has no time limit of its own. The child reads JSON
#: (documents, size) on stdin and writes each PNG prefixed by its length.
_RENDER_CHILD = """
import json, struct, sys
import resvg_py
job = json.loads(sys.stdin.buffer.read())
out = sys.stdout.buffer
for doc in job["docs"]:
    png = bytes(resvg_py.svg_to_bytes(svg_string=doc, width=job["w"], height=job["h"],
                                      background="white"))
    out.write(struct.pack(">Q", len(png)))
    out.write(png)
out.flush()
"""


def _render_all(docs: list[str], width: int, height: int) -> list[npt.NDArray[np.uint8]]:
    """Render SVG documents (same size) in a child process; ME9xx if it fails or hangs."""
    import importlib.util
    import json
    import struct
    import subprocess
    import sys

    if importlib.util.find_spec("resvg_py") is None:
        raise ReaderError("ME902", "SVG rendering is unavailable (install the resvg-py package)")
    job = json.dumps({"docs": docs, "w": width, "h": height}).encode("utf-8")
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", _RENDER_CHILD],
            input=job,
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ReaderError(
            "ME903", f"rendering the SVG took more than {RENDER_TIMEOUT_S:.0f} s; refused"
        ) from None
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["crashed"]
        raise ReaderError("ME905", f"the SVG could not be rendered: {tail[0][:200]}")
    out: list[npt.NDArray[np.uint8]] = []
    data, pos = proc.stdout, 0
    for _ in docs:
        if pos + 8 > len(data):
            raise ReaderError("ME905", "the SVG renderer stopped early")
        (n,) = struct.unpack(">Q", data[pos : pos + 8])
        out.append(_png_to_rgb(data[pos + 8 : pos + 8 + n]))
        pos += 8 + n
    return out


def _png_to_rgb(png: bytes) -> npt.NDArray[np.uint8]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        img.load()
        if img.mode != "RGB":
            white = Image.new("RGBA", img.size, (255, 255, 255, 255))
            rgb = Image.alpha_composite(white, img.convert("RGBA")).convert("RGB")
        else:
            rgb = img
        return np.asarray(rgb, dtype=np.uint8)


def _tokens(el: Element) -> list[tuple[str, str]]:
    """(token, source text) pairs naming what the element is."""
    texts: list[str] = []
    for name, value in el.attrib.items():
        local = _local(name)
        if local in ("id", "class", "name", "label", "aria-label", "title") or local.startswith(
            "data-"
        ):
            texts.append(value)
    for child in el:
        if _local(child.tag) in ("title", "desc") and child.text:
            texts.append(child.text)
    out = []
    for text in texts:
        whole = text.strip().casefold()
        out.append((whole, text))
        for token in _SPLIT.split(whole):
            if token and token != whole:
                out.append((token, text))
        # ids like "country_RU" or "path-RU": the last part after a separator
        for part in re.split(r"[_\-.:]", whole):
            if part and part != whole:
                out.append((part, text))
    return out


#: ISO 3166-1 numeric codes (world-atlas and other TopoJSON/GeoJSON builds use them as feature
#: ids, and D3 maps often copy them into element ids) of the two countries that matter here.
_ISO_NUMERIC = {"643": "Russia", "804": "Ukraine"}
#: The largest ISO 3166-1 numeric code (Zambia); numbered elements beyond it are no such codes.
_ISO_NUMERIC_MAX = 894
#: An SVG with more numbered elements than there are countries numbers them, not countries.
_ISO_NUMERIC_MOST = 300
_MARK_ATTRIBUTE = "data-mapcheck-iso-numeric"


def _mark_iso_numeric(root: Element) -> None:
    """Label the elements whose id is the ISO numeric code of Russia (643) or Ukraine (804), in
    an SVG whose numbered elements are countries: both codes present, no number above any ISO
    code, no more of them than there are countries. (A drawing that numbers its paths 1…N holds
    804 only with more than 800 of them.) The label goes into an attribute of the parsed tree
    (the file is not touched), which :func:`_tokens` reads like any other."""
    numbered: dict[str, list[Element]] = {}
    for el in root.iter():
        for name in ("id", "data-id"):
            value = str(el.attrib.get(name, "")).strip()
            if value.isdigit() and len(value) <= 4:
                numbered.setdefault(value.lstrip("0") or "0", []).append(el)
    if not set(_ISO_NUMERIC) <= set(numbered) or len(numbered) > _ISO_NUMERIC_MOST:
        return
    if max(int(code) for code in numbered) > _ISO_NUMERIC_MAX:
        return
    for code, country in _ISO_NUMERIC.items():
        for el in numbered[code]:
            el.set(_MARK_ATTRIBUTE, f"{country} (ISO 3166 numeric code {code})")


def _labelled(root: Element) -> list[SvgElement]:
    found = []
    for el in root.iter():
        if _local(el.tag) in ("svg", "title", "desc", "style", "defs", "text", "tspan"):
            continue
        owner = None
        label = ""
        for token, text in _tokens(el):
            if token in RU_TOKENS or re.fullmatch(r"ru-[a-z]{2,3}", token):
                owner, label = "RU", text
                break
            if token in UA_TOKENS or re.fullmatch(r"ua-\d\d", token):
                owner, label = "UA", text
        if owner is not None:
            found.append(SvgElement(owner, _local(el.tag), el.attrib.get("id"), label[:120]))
    return found


#: The gazetteer's places an element may name itself as: Crimea and Sevastopol.
_CRIMEA_PLACES = ("UA-43", "UA-40")


def _names_crimea(name: str) -> bool:
    """Whether ``name`` is Crimea's or Sevastopol's, by the data rules' gazetteer (every
    spelling it knows, in English, Ukrainian, Russian and transliterated)."""
    return _crimea_name_place(name) is not None


def _crimea_name_place(name: str) -> str | None:
    """UA-43 or UA-40 when ``name`` is Crimea's or Sevastopol's (see :func:`_names_crimea`)."""
    from checker.rules.data import gazetteer

    entry = gazetteer().classify(name.replace("_", " "))
    return entry.place.id if entry is not None and entry.place.id in _CRIMEA_PLACES else None


def _says_russia(country: str) -> bool:
    from checker.geo.attribution import RUSSIA_NAMES, norm_value

    value = norm_value(country)
    return value in RUSSIA_NAMES or value in ("ru", "rus")


def _described_name(el: Element) -> tuple[str | None, str | None]:
    """(name, country) an element gives itself: a ``<desc>``'s ``name``/``country`` members
    (Highcharts' map downloads), else its ``<title>``, ``id`` or ``data-name``."""
    name = country = None
    for child in el:
        local = _local(child.tag)
        if local == "desc":
            for member in child:
                key = _local(member.tag)
                text = (member.text or "").strip()
                if key == "name" and text:
                    name = text
                elif key in ("country", "admin", "sovereignt") and text:
                    country = text
        elif local == "title" and child.text and name is None:
            name = child.text.strip()
    if name is None:
        # (title= and name= are how MapSVG, ammap and @svg-maps name their regions)
        for attr in ("data-name", "title", "name", "aria-label", "id"):
            value = str(el.attrib.get(attr, "")).strip()
            if value and _names_crimea(value):
                name = value
                break
            if value and name is None:
                name = value
    return name, country


def _subject_code(el: Element, places: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(code, place, the text that holds it) when a name the element gives itself
    (:func:`_tokens`) is Russia's code for one of ``places`` as its subject: a data rules'
    unambiguous ``subdivision`` code (RU-CR, RU-SEV, RU-DPR …), or a ``subdivision?`` one
    (RU-CRI, RU-DON …) when the element's own name is a place of that region. A map of
    Russia's regions that files the place under Russia's code prefix, whatever it draws."""
    known = _subject_codes(places)
    maybe = _subject_codes(places, ambiguous=True)
    for token, text in _tokens(el):
        code = token.replace("_", "-").replace(".", "-")
        place = known.get(code)
        if place is None and code in maybe and _names_region(el, maybe[code]):
            place = maybe[code]  # (RU-DON titled "Донецкая Народная Республика")
        if place is not None:
            return code.upper(), place, text
    return None


@functools.cache
def _subject_codes(places: tuple[str, ...], ambiguous: bool = False) -> dict[str, str]:
    """Russia's codes for ``places`` as its subjects (casefolded) → the place: the data rules'
    ``subdivision`` codes, or with ``ambiguous`` their ``subdivision?`` codes."""
    from checker.rules.data import codes

    kind = "subdivision?" if ambiguous else "subdivision"
    return {c.value.casefold(): c.region for c in codes() if c.kind == kind and c.region in places}


#: The occupied oblasts Russia made subjects of: Donetsk, Luhansk, Zaporizhzhia, Kherson.
_OBLAST_PLACES = ("UA-14", "UA-09", "UA-23", "UA-65")


def _names_region(el: Element, region: str) -> bool:
    """Whether the element's own name (its title, description or name attribute) is a place
    of ``region`` by the data rules' gazetteer ("Донецкая Народная Республика" for UA-14)."""
    from checker.rules.data import gazetteer

    name, _ = _described_name(el)
    if not name:
        return False
    entry = gazetteer().classify(name.replace("_", " "))
    return entry is not None and not entry.ambiguous and entry.place.region == region


#: An element's Russian subject code: (code, place, the text that holds it), by id(element).
_Coded = dict[int, tuple[str, str, str]]


def _coded_elements(root: Element) -> _Coded:
    """The shapes and groups that carry Russia's code for Crimea, Sevastopol or an occupied
    oblast as its subject (:func:`_subject_code`), read once for MI206 and MI208."""
    out: _Coded = {}
    for el in root.iter():
        if _local(el.tag) in _SHAPES or _local(el.tag) == "g":
            found = _subject_code(el, _CRIMEA_PLACES + _OBLAST_PLACES)
            if found is not None:
                out[id(el)] = found
    return out


def _oblast_subjects(root: Element, coded: _Coded) -> list[SvgSubject]:
    """Elements (shapes and groups) whose id, class, title or another name they give
    themselves (:func:`_tokens`) is Russia's code for an occupied oblast as its subject: one
    :class:`SvgSubject` per code, in document order. (A group and the shapes in it that repeat
    its code are one region.)"""
    first: dict[str, tuple[SvgElement, str]] = {}  # code → (first element, oblast)
    counts: dict[str, int] = {}
    for el in root.iter():
        found = coded.get(id(el))
        if found is not None and found[1] in _OBLAST_PLACES:
            code, region, text = found
            element = SvgElement("RU", _local(el.tag), el.attrib.get("id"), text)
            first.setdefault(code, (element, region))
            counts[code] = counts.get(code, 0) + 1
    return [
        SvgSubject(element, counts[code], code, region) for code, (element, region) in first.items()
    ]


def _crimea_described(root: Element, coded: _Coded) -> list[SvgElement]:
    """Elements that name themselves Crimea or Sevastopol and are Russia's: their own
    description names Russia as the country, or an enclosing group is labelled Russia (and no
    group between them Ukraine). No registration is needed: the file says so itself."""
    parents = {child: parent for parent in root.iter() for child in parent}
    found: list[SvgElement] = []
    for el in root.iter():
        if _local(el.tag) not in _SHAPES and _local(el.tag) != "g":
            continue
        code_of = coded.get(id(el))
        if code_of is not None and code_of[1] in _CRIMEA_PLACES:
            code, place, _ = code_of
            what = "Sevastopol" if place == "UA-40" else "Crimea"
            why = f"{code}, Russia's code for {what} (ISO 3166-2: {place})"
            element = SvgElement("RU", _local(el.tag), el.attrib.get("id"), why[:120], place)
            found.append(element)
            continue
        name, country = _described_name(el)
        named = _crimea_name_place(name) if name is not None else None
        if name is None or named is None:
            continue
        place = named
        why = ""
        if country is not None:
            if _says_russia(country):
                why = f"{name}; its description's country: {country}"
        else:
            parent = parents.get(el)
            while parent is not None:
                owner = _owner(parent)
                if owner == "UA" or (owner == "RU" and _names_ukraine(parent)):
                    break  # (a group named for both, "russia-ukraine-war", is neither's)
                if owner == "RU":
                    label = parent.attrib.get("id") or _local(parent.tag)
                    why = f"{name}, inside the element {label!r} labelled Russia"
                    break
                parent = parents.get(parent)
        if why:
            found.append(SvgElement("RU", _local(el.tag), el.attrib.get("id"), why[:120], place))
    return found


def _names_ukraine(el: Element) -> bool:
    return any(token in UA_TOKENS for token, _ in _tokens(el))


def _owner(el: Element) -> str | None:
    for token, _ in _tokens(el):
        if token in RU_TOKENS or re.fullmatch(r"ru-[a-z]{2,3}", token):
            return "RU"
    for token, _ in _tokens(el):
        if token in UA_TOKENS or re.fullmatch(r"ua-\d\d", token):
            return "UA"
    return None


def _mask_tree(root: Element, owner: str) -> Element:
    """A copy of the SVG where only the elements labelled ``owner`` are drawn, solid black."""
    import copy

    tree = copy.deepcopy(root)
    paint = ("fill", "stroke", "style", "class", "opacity", "fill-opacity", "filter", "mask")
    stack: list[tuple[Element, bool]] = [(tree, False)]
    while stack:
        el, inside = stack.pop()
        mine = inside or _owner(el) == owner
        for child in list(el):
            if _local(child.tag) in ("style", "text", "image"):
                el.remove(child)
        for name in list(el.attrib):
            if _local(name) in paint:
                del el.attrib[name]
        if _local(el.tag) in _SHAPES:
            el.set("fill", "#000000" if mine else "none")
            el.set("stroke", "none")
        for child in el:
            stack.append((child, mine))
    return tree


# --- evidence from the SVG's own labels ----------------------------------------------------------


@dataclass
class SvgHit:
    """Elements labelled Russia whose rendered pixels cover Crimea (MI206 evidence)."""

    element: SvgElement
    elements: int
    share_of_crimea: float
    share_of_ukraine: float
    pixels: int
    box: tuple[int, int, int, int] | None
    #: ``registered`` (Crimea located by the map's registration) or ``structural`` (located
    #: relative to the SVG's own Ukraine element, when the map could not be registered).
    method: str
    confidence: float

    def describe(self) -> str:
        name = f"<{self.element.tag}"
        if self.element.element_id:
            name += f' id="{self.element.element_id}"'
        name += ">"
        if self.element.label and self.element.label != self.element.element_id:
            name += f" ({self.element.label!r})"
        return name

    def to_dict(self) -> dict[str, Any]:
        return {
            "svg_element": self.describe(),
            "svg_elements_labelled_russia": self.elements,
            "share_of_crimea_covered": round(self.share_of_crimea, 3),
            "share_of_unoccupied_ukraine_covered": round(self.share_of_ukraine, 3),
            "pixels": self.pixels,
            "located_by": self.method,
        }


#: The Russia elements must cover at least this share of Crimea's interior.
SVG_COVER_MIN = 0.5
#: …and at most this share of unoccupied Ukraine (else they are a container of the whole map).
SVG_CONTAINER_MAX = 0.5


def registered_hits(
    info: SvgInfo, crimea: npt.NDArray[np.bool_] | None, ukraine: npt.NDArray[np.bool_] | None
) -> list[SvgHit]:
    """Russia-labelled elements covering Crimea's interior pixels (under the registration)."""
    ru = info.masks.get("RU")
    if ru is None or crimea is None or ru.shape != crimea.shape or not crimea.any():
        return []
    share = float((ru & crimea).sum() / crimea.sum())
    ua_share = (
        float((ru & ukraine).sum() / ukraine.sum())
        if ukraine is not None and ukraine.any()
        else 0.0
    )
    if share < SVG_COVER_MIN or ua_share > SVG_CONTAINER_MAX:
        return []
    ru_elements = [e for e in info.elements if e.owner == "RU"]
    from checker.imaging.decide import mask_box

    return [
        SvgHit(
            element=ru_elements[0],
            elements=len(ru_elements),
            share_of_crimea=share,
            share_of_ukraine=ua_share,
            pixels=int((ru & crimea).sum()),
            box=mask_box(ru & crimea),
            method="registered",
            confidence=round(0.9 + 0.09 * min(1.0, (share - SVG_COVER_MIN) / 0.4), 3),
        )
    ]


def structural_hits(info: SvgInfo) -> list[SvgHit]:
    """Without a registration: locate Crimea from the SVG's own Ukraine element
    (:func:`_crimea_window`). If Russia's element fills that window and Ukraine's does not, the
    file draws Crimea as Russia."""
    from checker.imaging.decide import mask_box

    masks = info.zoomed or info.masks
    ru, ua = masks.get("RU"), masks.get("UA")
    if ru is None or ua is None:
        return []
    window = _crimea_window(ua)
    if window is None:
        return []
    ru_share = float((ru & window).sum() / window.sum())
    ua_share = float((ua & window).sum() / window.sum())
    ua_total = float((ru & ua).sum() / max(1, ua.sum()))
    if ru_share < 0.25 or ua_share > 0.5 * ru_share or ua_total > SVG_CONTAINER_MAX:
        return []
    ru_elements = [e for e in info.elements if e.owner == "RU"]
    # Pixel boxes are reported on the picture; a zoomed mask's box is not on it.
    box = mask_box(ru & window) if not info.zoomed else None
    return [
        SvgHit(
            element=ru_elements[0],
            elements=len(ru_elements),
            share_of_crimea=ru_share,
            share_of_ukraine=ua_total,
            pixels=int((ru & window).sum()),
            box=box,
            method="structural",
            confidence=0.8,
        )
    ]


def described_hits(info: SvgInfo) -> list[SvgHit]:
    """Crimea or Sevastopol elements that say themselves they are Russia's (see
    :func:`_crimea_described`), when nothing located Crimea in the picture."""
    if not info.described:
        return []
    # One finding per place: Crimea's element and Sevastopol's are two statements.
    places: dict[str, list[SvgElement]] = {}
    for element in info.described:
        places.setdefault(element.place, []).append(element)
    return [
        SvgHit(
            element=elements[0],
            elements=len(elements),
            share_of_crimea=1.0,
            share_of_ukraine=0.0,
            pixels=0,
            box=None,
            method="described",
            confidence=0.9,
        )
        for elements in places.values()
    ]


def _crimea_window(ua: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_] | None:
    """Where Crimea must be, from the bounding box of Ukraine's element: below the middle of it
    (lon 33–35.5 is 0.60–0.74 of Ukraine's width, or 0.68–0.84 when the occupied east is cut
    off; lat 44.9–45.6 is just below or at its bottom, whether or not the element holds
    Crimea). Needs Ukraine whole in the frame and at least 60 px wide."""
    from checker.imaging.decide import mask_box

    box = mask_box(ua)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if w < 60 or h < 30:
        return None
    if x0 <= 0 or y0 <= 0 or x1 >= ua.shape[1] or y1 >= ua.shape[0]:
        return None  # Ukraine cut by the frame: its box says nothing about where Crimea is
    # Ukraine's box without Crimea ends at 45.2°N (the Danube delta); with it, at 44.4°N.
    top = 52.38
    rows = []
    for south in (45.21, 44.38):
        for lat in (45.6, 44.9):
            rows.append(y0 + (top - lat) / (top - south) * h)
    wy0, wy1 = int(min(rows)), int(max(rows)) + 1
    wx0, wx1 = int(x0 + 0.60 * w), int(x0 + 0.84 * w) + 1
    window = np.zeros_like(ua)
    window[max(0, wy0) : wy1, max(0, wx0) : wx1] = True
    return window if window.sum() >= 50 else None


@dataclass
class SvgUkraine:
    """The SVG's own Ukraine element holds Crimea (and no element labelled Russia does)."""

    element: SvgElement
    share: float
    """Of Crimea (registered), or of the window where Crimea must be (structural), covered."""
    method: str
    confidence: float

    def reason(self) -> str:
        where = (
            "of Crimea"
            if self.method == "registered"
            else "of the area where Crimea lies below Ukraine's outline"
        )
        name = f"<{self.element.tag}"
        if self.element.element_id:
            name += f' id="{self.element.element_id}"'
        return (
            f"the SVG's own element {name}> labelled Ukraine covers {self.share:.0%} {where}, "
            "and no element labelled Russia does"
        )


#: Registered: Ukraine's element covers this share of Crimea's interior…
SVG_UA_COVER_MIN = 0.6
#: Structural: …or this share of the window where Crimea must be (sea fills the rest) …
SVG_UA_WINDOW_MIN = 0.25
#: … and Russia's elements at most this share.
SVG_RU_COVER_MAX = 0.05


def ukraine_holds_crimea(
    info: SvgInfo, crimea: npt.NDArray[np.bool_] | None = None
) -> SvgUkraine | None:
    """Whether the element labelled Ukraine covers Crimea: under the map's registration when
    there is one (``crimea``: Crimea's interior pixels), else located from Ukraine's outline."""
    ua_elements = [e for e in info.elements if e.owner == "UA"]
    if not ua_elements:
        return None
    if crimea is not None:
        ua, ru, area, method = info.masks.get("UA"), info.masks.get("RU"), crimea, "registered"
        if ua is None or ua.shape != crimea.shape or not crimea.any():
            return None
        least, confidence = SVG_UA_COVER_MIN, 0.9
    else:
        masks = info.zoomed or info.masks
        ua, ru, method = masks.get("UA"), masks.get("RU"), "structural"
        window = _crimea_window(ua) if ua is not None else None
        if ua is None or window is None:
            return None
        area, least, confidence = window, SVG_UA_WINDOW_MIN, 0.75
    share = float((ua & area).sum() / area.sum())
    ru_share = float((ru & area).sum() / area.sum()) if ru is not None else 0.0
    if share < least or ru_share > SVG_RU_COVER_MAX:
        return None
    return SvgUkraine(ua_elements[0], share, method, confidence)


#: ISO codes that put a labelled map in the Black Sea region (or next to it).
_REGION_CODES = frozenset(
    {
        "UA",
        "UKR",
        "RU",
        "RUS",
        "MD",
        "MDA",
        "RO",
        "ROU",
        "BY",
        "BLR",
        "TR",
        "TUR",
        "GE",
        "GEO",
        "BG",
        "BGR",
        "PL",
        "POL",
        "SK",
        "SVK",
        "HU",
        "HUN",
    }
)


def elsewhere(root_codes: set[str]) -> str | None:
    """Positive evidence that a labelled SVG map shows another region: at least five ISO
    country codes as element ids, none of Ukraine, Russia or their neighbours."""
    codes = {c for c in root_codes if re.fullmatch(r"[A-Z]{2,3}", c)}
    if len(codes) < 5 or codes & _REGION_CODES:
        return None
    shown = ", ".join(sorted(codes)[:6])
    return f"its elements are labelled with other countries' codes ({shown}, …) and none nearby"
