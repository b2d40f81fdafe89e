"""GeoJSON or TopoJSON embedded in JavaScript, HTML or a larger JSON document.

Typical inputs: Highcharts map modules (``Highcharts.maps["countries/ua/ua-all"] = {...}``),
``export default {...}``, ``module.exports = {...}``, ``var map = {...};``, a TopoJSON literal in
a ``<script>``, or a FeatureCollection nested in some JSON. The text is scanned once with a
tokenizer that skips strings and comments and matches braces; every object literal whose own
top level says ``type: "FeatureCollection"`` or ``"Topology"`` is parsed (strict JSON first,
then a careful JS-literal-to-JSON conversion). :func:`find_embedded` reports each literal's
character span so ``mapcheck fix`` can replace it in place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from checker.readers import _jsonio, _numjson
from checker.readers.base import ReaderError, Source, VectorEvidence, VectorLayer

#: Characters that start something the brace matcher must step over (or a brace itself).
_INTERESTING = re.compile(r"""["'`{}]|/[/*]|<!--""")
_STRING_BODY = {
    '"': re.compile(r'(?:[^"\\\n]++|\\.)*+'),
    "'": re.compile(r"(?:[^'\\\n]++|\\.)*+"),
    "`": re.compile(r"(?:[^`\\]++|\\.)*+", re.DOTALL),
}
_MARKER = re.compile(
    r"""["']?type["']?\s*:\s*["'](FeatureCollection|Topology|Feature)["']"""
    # jVectorMap: the map object's own ``insets: [{..., bbox: [...]}]``.
    r"""|["']?(insets)["']?\s*:\s*\[\s*\{[^\]]{0,600}?["']?bbox["']?\s*:"""
    # amCharts 3: the map object's own ``svg: {defs: {"amcharts:ammap": …}}``.
    r"""|["']?(svg)["']?\s*:\s*\{\s*["']?defs["']?\s*:\s*\{\s*["']amcharts:ammap["']"""
)
_HC_KEY = re.compile(r"""maps\s*\[\s*["']([^"']+)["']\s*\]\s*=\s*$""")
_CONTAINERS = (
    (re.compile(r"maps\s*\[\s*[\"'][^\"']+[\"']\s*\]\s*=\s*$"), "Highcharts map module"),
    (re.compile(r"export\s+default\s*$"), "ES module (export default)"),
    (re.compile(r"module\.exports\s*=\s*$"), "CommonJS module (module.exports)"),
    (re.compile(r"(?:var|let|const)\s+[\w$]+(?:\s*:[^=;{}]{1,80})?\s*=\s*$"), "JS variable"),
    (re.compile(r"[\w$.\]\[\"']+\s*=\s*$"), "JS assignment"),
    (re.compile(r"\(\s*$"), "JS call argument"),
    (re.compile(r":\s*$"), "JSON document"),
)


#: ``jQuery.fn.vectorMap('addMap', 'world_mill', map)``: the jVectorMap map's name.
_JVM_NAME = re.compile(r"""addMap['"]?\s*,\s*['"]([^'"]{1,100})['"]""")


class CodeReferenceError(ValueError):
    """A JS object literal refers to a variable: code that builds an object, not data."""


class CodeLiteralError(ReaderError):
    """A map-like object literal (``{type: "FeatureCollection", features: f}``) that refers to
    variables: code that builds a map at run time (a charting library's bundle), whose data
    is not in the literal."""


class CodeOnlyError(ReaderError):
    """A JS module or page whose only map-like object literals are code (:class:`CodeLiteralError`):
    no map data to read, so the engine reads it as the source text it is."""


@dataclass
class Embedded:
    """One embedded map literal: ``text[start:end]`` is the object literal."""

    start: int
    end: int
    obj: Any
    #: "FeatureCollection" or "Topology".
    kind: str
    #: What holds it: "Highcharts map module", "ES module (export default)", ...
    container: str
    #: The Highcharts map key (``countries/ua/ua-all``) when it is a Highcharts module.
    key: str | None = None
    #: Whether a JS-literal-to-JSON conversion was needed to parse it.
    converted: bool = False

    @property
    def format(self) -> str:
        """``"topojson"`` or ``"geojson"``: which reader the literal's content is for."""
        return "topojson" if self.kind == "Topology" else "geojson"


def _object_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the outermost object literals that declare a map type.

    One linear pass: strings, template literals and comments are skipped with ``find`` or a
    single regex match each (an unterminated comment ends the scan), so no input makes it
    quadratic.
    """
    markers = [
        (m.start(), m.group(1) or ("ammap" if m.group(3) else "jVectorMap"))
        for m in _MARKER.finditer(text)
    ]
    if not markers:
        return []
    stack: list[int] = []
    owner: dict[int, str] = {}  # brace position -> kind, for objects holding a marker
    spans: list[tuple[int, int, str]] = []
    mi = 0
    pos = 0
    n = len(text)
    while pos < n:
        m = _INTERESTING.search(text, pos)
        if m is None:
            break
        p, tok = m.start(), m.group()
        # A marker that starts here or earlier belongs to the innermost open object; markers
        # that were inside a skipped string or comment were dropped below.
        while mi < len(markers) and markers[mi][0] <= p:
            if stack:
                owner.setdefault(stack[-1], markers[mi][1])
            mi += 1
        if tok == "{":
            stack.append(p)
            pos = p + 1
        elif tok == "}":
            if stack:
                start = stack.pop()
                if start in owner:
                    spans.append((start, p + 1, owner.pop(start)))
            pos = p + 1
        elif tok in _STRING_BODY:
            body = _STRING_BODY[tok].match(text, p + 1)
            assert body is not None  # the patterns match the empty string
            pos = body.end() + 1
        elif tok == "//":
            end = text.find("\n", p)
            pos = n if end < 0 else end + 1
        else:  # "/*" or "<!--"
            end = text.find("*/" if tok == "/*" else "-->", p + 2)
            pos = n if end < 0 else end + (2 if tok == "/*" else 3)
        # Drop markers inside what was just skipped (a quoted "type" key starts at p itself).
        while mi < len(markers) and markers[mi][0] < pos and tok not in "{}":
            mi += 1
    if stack:
        # An object left open (a truncated file): its complete Features are no whole map.
        spans = [span for span in spans if span[2] != "Feature"]
    # Keep the outermost: a FeatureCollection nested in another one's properties is its data.
    spans.sort()
    outer: list[tuple[int, int, str]] = []
    for span in spans:
        if outer and span[0] < outer[-1][1]:
            continue
        if (
            span[2] == "Feature"
            and outer
            and outer[-1][2] == "Feature"
            and _BETWEEN_ITEMS.fullmatch(text, outer[-1][1], span[0])
        ):
            # The next Feature of the same array: one collection of them.
            outer[-1] = (outer[-1][0], span[1], "Feature")
            continue
        outer.append(span)
    return outer


#: What stands between two items of one array literal.
_BETWEEN_ITEMS = re.compile(r"\s*,\s*")


_JS_TOKENS = re.compile(
    r"""
    (?P<dq>"(?:[^"\\\n]++|\\.)*+")
    | (?P<sq>'(?:[^'\\\n]++|\\.)*+')
    | (?P<comment>//[^\n]*|/\*.*?\*/)
    | (?P<ident>[A-Za-z_$][\w$]*)
    | (?P<num>[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))
    | (?P<punct>[{}\[\]:,])
    | (?P<ws>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


#: A JS string's escapes, bare double quotes (in single-quoted strings) and raw control
#: characters: everything JSON spells differently.
_JS_ESCAPE = re.compile(
    r"""\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|\r\n|[\s\S])|"|[\x00-\x1f]"""
)
_JSON_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')


def _json_escape(m: re.Match[str]) -> str:
    """One JS string escape (``\\xF4``, ``\\'``, ``\\u{1F600}``, ``\\v``) as JSON spells it."""
    esc = m.group(1)
    if esc is None:
        whole = m.group()
        return '\\"' if whole == '"' else f"\\u{ord(whole):04x}"
    if esc[0] == "x":
        return f"\\u00{esc[1:]}"
    if esc.startswith("u{"):
        code = int(esc[2:-1], 16)
        return json.dumps(chr(code))[1:-1] if code <= 0x10FFFF else "\\ufffd"
    if (esc[0] == "u" and len(esc) == 5) or esc in _JSON_SIMPLE_ESCAPES:
        return "\\" + esc
    if esc in ("\n", "\r", "\r\n", "\u2028", "\u2029"):
        return ""  # a line continuation
    if esc == "v":
        return "\\u000b"
    if esc == "0":
        return "\\u0000"
    return json.dumps(esc)[1:-1]  # any other escaped character stands for itself


def js_literal_to_json(text: str) -> str:
    """Rewrite a JS object literal as JSON: quote bare keys, turn single-quoted strings into
    double-quoted ones, drop comments and trailing commas, ``undefined`` to ``null``.

    Raises ValueError naming the first construct that has no JSON equivalent.
    """
    out: list[str] = []
    tokens = [m for m in _JS_TOKENS.finditer(text) if m.lastgroup not in ("ws", "comment")]
    for i, m in enumerate(tokens):
        kind, tok = m.lastgroup, m.group()
        nxt = tokens[i + 1].group() if i + 1 < len(tokens) else ""
        if kind in ("sq", "dq"):
            out.append(f'"{_JS_ESCAPE.sub(_json_escape, tok[1:-1])}"')
        elif kind == "ident":
            if nxt == ":":
                out.append(json.dumps(tok))
            elif tok in ("true", "false", "null", "NaN", "Infinity"):
                out.append(tok)
            elif tok == "undefined":
                out.append("null")
            else:
                raise CodeReferenceError(f"the literal refers to {tok!r} at character {m.start()}")
        elif kind == "num":
            try:
                value = int(tok, 16) if tok.lower().lstrip("+-").startswith("0x") else float(tok)
            except ValueError:
                raise ValueError(f"unreadable number {tok!r} at character {m.start()}") from None
            out.append(tok if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", tok) else repr(value))
        elif kind == "punct":
            if tok == "," and nxt in ("}", "]"):
                continue  # trailing comma
            out.append(tok)
        elif tok == "." and nxt == ".":
            # spread syntax ({features: [...MANUAL, ...features]}): built at run time
            raise CodeReferenceError(f"the literal spreads a value at character {m.start()}")
        else:
            raise ValueError(f"unexpected {tok!r} at character {m.start()}")
    return "".join(out)


def _container(text: str, start: int) -> tuple[str, str | None]:
    before = text[max(0, start - 300) : start]
    if before.rstrip().endswith("["):
        before = before.rstrip()[:-1]  # the array of Features a constant holds
    key_m = _HC_KEY.search(before)
    for pattern, name in _CONTAINERS:
        if pattern.search(before):
            return name, key_m.group(1) if key_m else None
    return ("JSON document" if not before.strip() else "JS code"), None


def _parse(
    text: str, start: int, end: int, *, lift: bool, features: bool = False
) -> tuple[Any, Any, bool]:
    """(object, lifted-array store or None, converted?) for ``text[start:end]``; with
    ``features``, for the Feature literals there as one FeatureCollection.

    ``lift`` parses big coordinate arrays straight to numpy (reading); without it the object
    is plain Python throughout (for callers that edit and re-serialise it).
    """
    literal = text[start:end]
    if features:
        # Features of one array literal (or a lone one): read as the collection they make.
        literal = '{"type": "FeatureCollection", "features": [' + literal + "]}"
    try:
        if lift:
            obj, store = _numjson.parse_map_json(literal.encode("utf-8"))
        else:
            obj, store = _jsonio.loads(literal), None
        return obj, store, False
    except ReaderError as strict_error:
        try:
            converted = js_literal_to_json(literal)
        except CodeReferenceError as exc:
            raise CodeLiteralError(
                "ME901",
                f"the object literal at characters {start:,}-{end:,} is code, not data: {exc}",
            ) from None
        except ValueError as exc:
            raise ReaderError(
                "ME901",
                f"the object literal at characters {start:,}-{end:,} is neither JSON nor a "
                f"plain JS literal: {exc} (as JSON: {strict_error.message})",
            ) from None
        try:
            return json.loads(converted), None, True
        except ValueError as exc:
            raise ReaderError(
                "ME901",
                f"the object literal at characters {start:,}-{end:,} could not be parsed: {exc}",
            ) from None


def find_embedded(text: str) -> list[Embedded]:
    """Every GeoJSON FeatureCollection / TopoJSON Topology literal embedded in ``text``.

    Objects are plain Python (lists and dicts), ready to edit and write back into
    ``text[start:end]``.
    """
    found: list[Embedded] = []
    for start, end, kind in _object_spans(text):
        if kind in ("jVectorMap", "Feature"):
            # SVG paths, and bare Features: read for checking, not a FeatureCollection or
            # Topology literal to edit and write back.
            continue
        try:
            obj, _, converted = _parse(text, start, end, lift=False)
        except CodeLiteralError:
            continue  # code that builds a map object: nothing to edit in place
        container, key = _container(text, start)
        found.append(Embedded(start, end, obj, kind, container, key, converted))
    return found


def _unusable_features(obj: Any) -> str:
    """Why Feature literals read as a collection (:func:`_parse`) are no map data ("" when
    they are): a feature flag ``{type: "Feature", name: …}`` or one without geometry."""
    from checker.readers._geom import ANY_GEOMETRY_TYPES

    for feature in obj["features"]:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in ANY_GEOMETRY_TYPES:
            return "has no GeoJSON geometry"
    return ""


def read_jsmodule(source: Source) -> VectorEvidence:
    """Read every map literal embedded in a JS module, HTML page or JSON document."""
    from checker.readers import ammap, geojson, jvectormap, topojson

    text = _jsonio.decode_text(source.read_bytes())
    spans = _object_spans(text)
    if not spans:
        raise ReaderError(
            "ME901", "no GeoJSON FeatureCollection or TopoJSON Topology object literal found"
        )
    layers: list[VectorLayer] = []
    notes: list[str] = []
    crs: str | None = None
    stem = geojson.default_layer_name(source)
    code: list[str] = []
    with _jsonio.gc_paused():
        for n, (start, end, kind) in enumerate(spans):
            try:
                obj, store, converted = _parse(
                    text, start, end, lift=True, features=kind == "Feature"
                )
            except CodeLiteralError as exc:
                code.append(exc.message)
                continue
            except ReaderError as exc:
                if kind != "Feature":
                    raise
                code.append(exc.message)  # a "Feature" literal that is no GeoJSON
                continue
            if kind == "Feature":
                unusable = _unusable_features(obj)
                if unusable:
                    code.append(f"the Feature literal at characters {start:,}-{end:,} {unusable}")
                    continue
            container, key = _container(text, start)
            what = {
                "FeatureCollection": "GeoJSON FeatureCollection",
                "Topology": "TopoJSON topology",
                "ammap": "amCharts 3 map",
            }.get(kind, "jVectorMap map")
            if kind == "Feature":
                count = len(obj["features"])
                what = "GeoJSON Feature" if count == 1 else f"{count} GeoJSON Features"
            where = f"{container} [{key}]" if key else container
            note = f"{what} embedded in a {where} at characters {start:,}–{end:,}"
            if converted:
                note += " (JS literal syntax converted to JSON)"
            part_notes = [note]
            if kind == "ammap":
                if not ammap.looks_like_ammap(obj):
                    continue
                if store is not None:
                    obj = store.restore(obj)
                ev = ammap.evidence_from_ammap(obj, layer_name=key or stem, notes=part_notes)
            elif kind == "jVectorMap":
                if not jvectormap.looks_like_jvectormap(obj):
                    continue  # something else with 'insets' and 'bbox'
                if store is not None:
                    obj = store.restore(obj)
                jvm_name = _JVM_NAME.search(text)
                ev = jvectormap.evidence_from_jvectormap(
                    obj, layer_name=jvm_name.group(1) if jvm_name else stem, notes=part_notes
                )
            elif kind == "Topology" and isinstance(obj, dict) and obj.get("type") == "Topology":
                ev = topojson.evidence_from_topology(
                    obj, fmt="jsmodule", notes=part_notes, store=store
                )
            else:
                name = key or (stem if len(spans) == 1 else f"{stem}#{n + 1}")
                ev = geojson.evidence_from_object(
                    obj, layer_name=name, fmt="jsmodule", notes=part_notes, store=store
                )
                if key:
                    ev.layers[0].name = key
            layers.extend(ev.layers)
            notes.append("; ".join(part_notes))
            crs = crs or ev.source_crs
    if code:
        notes.append(
            f"{len(code)} map-like object literal(s) built by code, not read as maps: {code[0]}"
        )
    if code and not any(layer.features for layer in layers):
        # Code, and at most empty placeholders (``{type: "FeatureCollection", features: []}``).
        raise CodeOnlyError("ME901", notes[-1])
    if not layers:
        raise ReaderError(
            "ME901", "no GeoJSON FeatureCollection, TopoJSON Topology or jVectorMap map found"
        )
    return VectorEvidence(format="jsmodule", layers=layers, source_crs=crs, notes=notes)
