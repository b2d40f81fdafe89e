"""SVG maps: hostile documents are refused or defused; labelled Russia elements over Crimea."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from checker import imaging
from checker.config import Config
from checker.engine import check_file, check_source
from checker.imaging import svg as svgmod
from checker.imaging.decide import decide
from checker.imaging.svg import (
    _labelled,
    elsewhere,
    read_svg,
    registered_hits,
    structural_hits,
    ukraine_holds_crimea,
)
from checker.model import Verdict
from checker.readers.base import ReaderError, Source
from tests.imaging.maps import REGIONAL, FakeRegistration, projection, shapes
from tests.imaging.test_io import png_header_only

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def read(text: str) -> Any:
    return read_svg(Source(name="m.svg", data=text.encode()))


# --- hostile documents ---------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&lol4;</text></svg>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&x;</text></svg>"""


def use_bomb(levels: int = 8, fan: int = 10) -> str:
    parts = ['<rect id="l0" width="1" height="1"/>']
    for i in range(1, levels + 1):
        uses = "".join(f'<use xlink:href="#l{i - 1}"/>' for _ in range(fan))
        parts.append(f'<g id="l{i}">{uses}</g>')
    return f'{SVG_HEAD} width="100" height="100"><defs>{"".join(parts)}</defs></svg>'


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (BILLION_LAUGHS, "ME905"),
        (EXTERNAL_ENTITY, "ME905"),
        (use_bomb(), "ME903"),
        (
            f'{SVG_HEAD} width="10" height="10"><g id="a"><use href="#b"/></g>'
            '<g id="b"><use href="#a"/></g></svg>',
            "ME905",
        ),
        ("<svg xmlns='http://www.w3.org/2000/svg'><rect", "ME901"),
        (f'{SVG_HEAD} width="10000" height="1"/>', "ME905"),
    ],
    ids=["billion-laughs", "external-entity", "use-bomb", "use-loop", "malformed", "strip"],
)
def test_hostile_svg_is_refused(text: str, code: str) -> None:
    with pytest.raises(ReaderError) as err:
        read(text)
    assert err.value.code == code


def test_external_references_are_removed_before_rendering() -> None:
    text = (
        f'{SVG_HEAD} width="200" height="100">'
        "<style>@import url(http://example.invalid/x.css); rect {fill: url(http://x/y)}</style>"
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/>'
        '<image href="http://example.invalid/a.png" width="10" height="10"/>'
        "<script>alert(1)</script>"
        '<rect width="100" height="100" fill="#ff0000" onclick="alert(1)"/>'
        '<rect x="100" width="100" height="100" style="fill:url(https://x/p)"/>'
        '<image href="data:image/svg+xml;base64,PHN2Zy8+" width="10" height="10"/>'
        '<use href="#r"/></svg>'
    )
    loaded, info = read(text)
    assert info.removed_references >= 5
    assert any("removed" in n for n in loaded.notes)
    assert loaded.rgb.shape[1] == 1000  # small SVGs are drawn at least 1000 px wide


def test_embedded_raster_bomb_is_removed() -> None:
    bomb = base64.b64encode(png_header_only(200_000, 200_000)).decode()
    small = base64.b64encode(png_header_only(4, 4)).decode()
    text = (
        f'{SVG_HEAD} width="100" height="100">'
        f'<image href="data:image/png;base64,{bomb}" width="10" height="10"/>'
        f'<image href="data:image/png;base64,{small}" width="10" height="10"/></svg>'
    )
    _, info = read(text)
    assert info.removed_references == 1


@pytest.mark.parametrize(
    ("child", "timeout", "code"),
    [("import os; os.abort()", 30.0, "ME905"), ("import time; time.sleep(5)", 0.5, "ME903")],
    ids=["renderer-crash", "renderer-hangs"],
)
def test_renderer_failures_are_contained(
    monkeypatch: pytest.MonkeyPatch, child: str, timeout: float, code: str
) -> None:
    monkeypatch.setattr(svgmod, "_RENDER_CHILD", child)
    monkeypatch.setattr(svgmod, "RENDER_TIMEOUT_S", timeout)
    with pytest.raises(ReaderError) as err:
        read(f'{SVG_HEAD} width="100" height="100"/>')
    assert err.value.code == code


def test_a_plain_doctype_is_fine() -> None:
    text = (
        '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        f'{SVG_HEAD} width="400" height="300"><rect width="400" height="300" fill="#00f"/></svg>'
    )
    loaded, _ = read(text)
    assert tuple(loaded.rgb[10, 10]) == (0, 0, 255)


@pytest.mark.parametrize(
    ("text", "code"),
    [(BILLION_LAUGHS, "ME905"), (use_bomb(), "ME903")],
    ids=["billion-laughs", "use-bomb"],
)
def test_hostile_svg_verdict(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "evil.svg"
    path.write_text(text)
    report = check_file(path, Config(ocr=False))
    assert report.verdict is Verdict.ERROR
    assert report.error is not None and report.error.startswith(code)


# --- labelled maps -------------------------------------------------------------------------------


def _path_d(geom: BaseGeometry, reg: FakeRegistration) -> str:
    out = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            arr = np.asarray(ring.coords)
            x, y = reg.to_pixel(arr[:, 0], arr[:, 1])
            pts = " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
            out.append(f"M{pts} Z")
    return " ".join(out)


def _countries(crimea_in: str) -> tuple[BaseGeometry, BaseGeometry]:
    """Russia and Ukraine, Crimea in one of them ("RU", "UA") or in neither."""
    s = shapes()
    crimea = s["crimea"]
    ru = shapely.union(s["russia"], crimea) if crimea_in == "RU" else s["russia"]
    ua = (
        shapely.union(s["ukraine"], crimea)
        if crimea_in == "UA"
        else shapely.difference(s["ukraine"], crimea.buffer(0.01))
    )
    return ru, ua


def labelled_map(
    crimea_in: str,
    ru_attrs: str = 'id="RU"',
    wrap: bool = False,
    view: tuple[float, float, float, float] = REGIONAL,
    width: int = 1000,
) -> tuple[str, Any]:
    """An SVG world-map-style file: country paths labelled by ISO code, Crimea in one of them."""
    reg, (w, h) = projection(view, width)
    ru, ua = _countries(crimea_in)
    body = (
        f'<path id="UA" fill="#fae678" d="{_path_d(ua, reg)}"/>'
        f'<path {ru_attrs} fill="#f0bea0" d="{_path_d(ru, reg)}"><title>Russia</title></path>'
    )
    if wrap:
        body = f'<g id="ru">{body}</g>'
    text = (
        f'{SVG_HEAD} width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
        f'<rect width="{w}" height="{h}" fill="#aad3df"/>{body}</svg>'
    )
    return text, reg


@pytest.mark.parametrize(
    ("attrs", "owner"),
    [
        ('id="RU"', "RU"),
        ('class="country ru"', "RU"),
        ('data-iso="RUS"', "RU"),
        ('id="country_RU-CR"', "RU"),
        ('aria-label="Российская Федерация"', "RU"),
        ('id="UA"', "UA"),
        ('class="ua-43"', "UA"),
        ('id="FR"', None),
        ('class="rural"', None),
    ],
)
def test_element_labels(attrs: str, owner: str | None) -> None:
    root = ET.fromstring(f'{SVG_HEAD}><path {attrs} d="M0,0 L1,1 Z"/></svg>')
    found = _labelled(root)
    assert [e.owner for e in found] == ([owner] if owner else [])


def _numbered(ids: list[str], attribute: str = "id") -> list[tuple[str | None, str]]:
    paths = "".join(f'<path {attribute}="{i}" d="M0,0 L1,1 Z"/>' for i in ids)
    root = ET.fromstring(f"{SVG_HEAD}>{paths}</svg>")
    svgmod._mark_iso_numeric(root)
    return [(e.element_id, e.owner) for e in _labelled(root)]


@pytest.mark.parametrize(
    ("ids", "attribute", "found"),
    [
        # world-atlas ids copied into a D3 map's paths
        (["004", "250", "643", "804", "840"], "id", [("643", "RU"), ("804", "UA")]),
        (["250", "643", "804"], "data-id", [(None, "RU"), (None, "UA")]),
        # Russia's number without Ukraine's: no sign the numbers are country codes
        (["250", "643", "840"], "id", []),
        # numbered paths, not countries
        ([str(i) for i in range(1, 901)], "id", []),
        (["643", "804", "1000"], "id", []),
    ],
    ids=["world-atlas", "data-id", "no-ukraine", "sequence", "beyond-iso"],
)
def test_iso_numeric_ids(
    ids: list[str], attribute: str, found: list[tuple[str | None, str]]
) -> None:
    assert _numbered(ids, attribute) == found


def test_iso_numeric_map_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A D3 map drawn from world-atlas: paths with ISO numeric ids and no names. Crimea inside
    path 643 is MI206; inside path 804 it is Ukraine's."""
    for crimea_in, flagged in (("RU", True), ("UA", False)):
        text, reg = labelled_map(crimea_in, 'id="643"')
        text = text.replace('id="UA"', 'id="804"').replace("<title>Russia</title>", "")
        monkeypatch.setattr(imaging, "georeference", lambda loaded, notes, reg=reg: (reg, ""))
        path = tmp_path / f"atlas-{crimea_in}.svg"
        path.write_text(text)
        report = check_file(path, Config(ocr=False))
        mi206 = [f for f in report.findings if f.code == "MI206"]
        assert bool(mi206) is flagged
        if flagged:
            assert "643" in mi206[0].message
            assert report.verdict is Verdict.FLAG
        else:
            assert report.verdict is not Verdict.FLAG
        assert path.read_text() == text  # the file is not touched


@cache
def _read_labelled(crimea_in: str, wrap: bool) -> tuple[Any, Any, Any]:
    text, reg = labelled_map(crimea_in, 'id="RU"', wrap)
    loaded, info = read(text)
    return loaded, info, reg


@pytest.mark.parametrize(
    ("crimea_in", "wrap", "hits"),
    [("RU", False, 1), ("UA", False, 0), ("UA", True, 0)],
    ids=["crimea-in-russia", "crimea-in-ukraine", "container"],
)
def test_russia_element_over_crimea(crimea_in: str, wrap: bool, hits: int) -> None:
    loaded, info, reg = _read_labelled(crimea_in, wrap)
    assert {e.owner for e in info.elements} >= {"RU", "UA"}
    d = decide(loaded.rgb, reg)
    crimea, ukraine = d.samples["crimea"].mask, d.samples["ukraine"].mask
    found = registered_hits(info, crimea, ukraine)
    assert len(found) == hits
    if hits:
        assert found[0].share_of_crimea > 0.9
        assert found[0].method == "registered"
    # Ukraine's west is cut by this map's frame: its outline cannot locate Crimea without a
    # registration (the maps of test_small_ukraine_is_rendered_again_around_it show it whole).
    assert structural_hits(info) == []


def test_svg_end_to_end_flags_mi206(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, reg = labelled_map("RU", 'class="land ru"')
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (reg, ""))
    path = tmp_path / "world.svg"
    path.write_text(text)
    report = check_file(path, Config(ocr=False))
    codes = {f.code for f in report.findings}
    assert {"MI201", "MI206"} <= codes
    mi206 = next(f for f in report.findings if f.code == "MI206")
    assert "ru" in mi206.message
    assert mi206.evidence["located_by"] == "registered"
    assert report.verdict is Verdict.FLAG


def test_country_codes_of_elsewhere() -> None:
    assert elsewhere({"FR", "DE", "ES", "IT", "PT", "NL"}) is not None
    assert elsewhere({"FR", "DE", "ES", "IT", "PT", "UA"}) is None
    assert elsewhere({"FR", "DE"}) is None
    assert elsewhere({"FR", "DE", "ES", "IT", "PL"}) is None  # Poland borders Ukraine


@pytest.mark.parametrize(
    ("crimea_in", "wrap", "holds"),
    [("RU", False, False), ("UA", False, True), ("UA", True, False), ("none", False, False)],
    ids=["crimea-in-russia", "crimea-in-ukraine", "russia-container", "crimea-unlabelled"],
)
def test_ukraine_element_holds_crimea(crimea_in: str, wrap: bool, holds: bool) -> None:
    """The counterpart of MI206: Ukraine's own element covering Crimea settles it as Ukraine's,
    by the registration and, without one, from Ukraine's outline; never when an element
    labelled Russia covers Crimea too, nor when Crimea is in neither."""
    loaded, info, reg = _read_labelled(crimea_in, wrap)
    d = decide(loaded.rgb, reg)
    registered = ukraine_holds_crimea(info, d.samples["crimea"].mask)
    assert (registered is not None) is holds
    assert ukraine_holds_crimea(info) is None  # Ukraine cut by the frame: not located
    if registered is not None:
        assert registered.share > 0.9 and registered.method == "registered"
    text, _ = labelled_map(crimea_in, 'id="RU"', wrap, view=WHOLE, width=900)
    structural = ukraine_holds_crimea(read(text)[1])
    assert (structural is not None) is holds
    if structural is not None:
        assert structural.method == "structural" and 'id="UA"' in structural.reason()


@pytest.mark.parametrize(
    ("crimea_in", "basis", "outcome"),
    [
        # lines alone (a border across Perekop where Ukraine's path outlines Crimea as a part
        # of its own, Highcharts' Europe map): Ukraine's element over Crimea outweighs them
        ("UA", "annexation-border", "depicts-as-ukraine"),
        ("UA", "lines", "depicts-as-ukraine"),
        # Russia's colour is the picture's own statement; and Russia's element over Crimea
        # leaves nothing for Ukraine's to say
        ("UA", "colour", "depicts-as-russia"),
        ("RU", "annexation-border", "depicts-as-russia"),
    ],
)
def test_ukraine_element_outweighs_a_judgement_from_lines(
    crimea_in: str, basis: str, outcome: str
) -> None:
    import dataclasses

    from checker.imaging import decide as dec

    loaded, info, reg = _read_labelled(crimea_in, False)
    d = decide(loaded.rgb, reg)
    d.crimea = dataclasses.replace(d.crimea, outcome=dec.RUSSIA, basis=basis)
    imaging._svg_ukraine(d, info)
    assert d.crimea.outcome == outcome
    if outcome == dec.UKRAINE:
        assert 'id="UA"' in d.crimea.reasons[0]


#: Ukraine whole, about 500 px wide: located from its outline without zooming.
WHOLE = (18.0, 40.0, 50.0, 56.0)


#: A world-map view: Ukraine about 120 px wide where the picture is rendered 1000 px wide.
WIDE = (-60.0, 0.0, 90.0, 75.0)


@cache
def _read_wide(crimea_in: str) -> Any:
    text, _ = labelled_map(crimea_in, 'id="RU"', view=WIDE, width=600)
    return read(text)[1]


@pytest.mark.parametrize("crimea_in", ["RU", "UA", "none"])
def test_small_ukraine_is_rendered_again_around_it(crimea_in: str) -> None:
    """On a world map Ukraine's element is too small to find Crimea below it: the labelled
    elements are rendered again around it, and decide both ways."""
    info = _read_wide(crimea_in)
    ua = info.masks["UA"]
    cols = np.flatnonzero(ua.any(axis=0))
    assert cols[-1] - cols[0] < svgmod.ZOOM_BELOW
    assert set(info.zoomed) == {"RU", "UA"}
    zoomed_cols = np.flatnonzero(info.zoomed["UA"].any(axis=0))
    assert zoomed_cols[-1] - zoomed_cols[0] > 300
    assert len(structural_hits(info)) == (crimea_in == "RU")
    assert (ukraine_holds_crimea(info) is not None) is (crimea_in == "UA")


@pytest.mark.parametrize(("crimea_in", "verdict"), [("UA", Verdict.CLEAN), ("RU", Verdict.FLAG)])
def test_svg_end_to_end_without_registration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crimea_in: str, verdict: Verdict
) -> None:
    text, _ = labelled_map(crimea_in, 'id="RU"', view=WIDE, width=600)
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (None, "no fit"))
    path = tmp_path / "world.svg"
    path.write_text(text)
    report = check_file(path, Config(ocr=False))
    assert report.verdict is verdict
    if verdict is Verdict.CLEAN:
        assert any("labelled Ukraine covers" in n for n in report.notes)
    else:
        assert [f.code for f in report.findings] == ["MI206"]


def _kit_module(crimea_in: str, style: str) -> str:
    """An SVG map-kit module (as ``@svg-maps/world`` ships) of the WIDE view."""
    import json

    reg, (w, h) = projection(WIDE, 600)
    ru, ua = _countries(crimea_in)
    obj = {
        "label": "Map of World",
        "viewBox": f"0 0 {w} {h}",
        "locations": [
            {"name": "Russia", "id": "ru", "path": _path_d(ru, reg)},
            {"name": "Ukraine", "id": "ua", "path": _path_d(ua, reg)},
        ],
    }
    text = json.dumps(obj)
    if style == "json":
        return text
    if style == "esm":
        return f"export default {text}\n"
    # CommonJS with bare keys and single quotes
    items = ", ".join(
        f"{{name: '{loc['name']}', id: '{loc['id']}', path: '{loc['path']}'}}"
        for loc in obj["locations"]  # type: ignore[attr-defined]
    )
    head = f"label: 'Map of World', viewBox: '0 0 {w} {h}'"
    return f"module.exports = {{{head}, locations: [{items}]}};\n"


@pytest.mark.parametrize(("style", "suffix"), [("json", ".json"), ("esm", ".js"), ("cjs", ".js")])
@pytest.mark.parametrize(("crimea_in", "verdict"), [("UA", Verdict.CLEAN), ("RU", Verdict.FLAG)])
def test_svg_map_kit_modules_are_checked_as_maps(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    style: str,
    suffix: str,
    crimea_in: str,
    verdict: Verdict,
) -> None:
    """``@svg-maps/world``-style modules hold SVG paths, not data: they are drawn and checked
    like an SVG map (before, they read as clean data files)."""
    from checker.readers.detect import detect

    path = tmp_path / f"index{suffix}"
    path.write_text(_kit_module(crimea_in, style), encoding="utf-8")
    assert detect(Source(name=str(path), path=path)) == ("image", "svgkit")
    monkeypatch.setattr(imaging, "georeference", lambda loaded, notes: (None, "no fit"))
    report = check_file(path, Config(ocr=False))
    assert report.kind == "image"
    assert report.verdict is verdict
    assert any("read as an SVG map module" in n for n in report.notes)
    if verdict is Verdict.FLAG:
        assert [f.code for f in report.findings] == ["MI206"]


@pytest.mark.parametrize(
    "text",
    [
        '{"locations": [{"name": "Kyiv", "lat": 50.45}], "viewBox": "0 0 10 10"}',
        '{"viewBox": "0 0 10 10", "paths": ["M0,0 L1,1"]}',
        'export default {"label": "x", "locations": [{"id": "ua", "path": "M 1 2 z"}]}',
    ],
    ids=["no-paths", "no-locations", "no-viewbox"],
)
def test_lookalikes_of_svg_map_modules_stay_data(tmp_path: Path, text: str) -> None:
    from checker.readers.detect import detect

    path = tmp_path / ("x.js" if text.startswith("export") else "x.json")
    path.write_text(text, encoding="utf-8")
    assert detect(Source(name=str(path), path=path))[1] != "svgkit"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"viewBox": "0 0 10 10", "locations": [{"path": "M 1 2 z"}, ]', "ME901"),
        ('{"viewBox": "a b c d", "locations": [{"path": "M 1 2 z"}]}', "ME901"),
        ('{"viewBox": "0 0 10 10", "locations": [{"path": "X"}], "p": {"path": "M 1 2"}}', "ME901"),
    ],
    ids=["truncated", "bad-viewbox", "no-svg-paths"],
)
def test_broken_svg_map_modules_are_errors(text: str, code: str) -> None:
    with pytest.raises(ReaderError) as err:
        svgmod.svg_from_kit(Source(name="x.json", data=text.encode()))
    assert err.value.code == code


@pytest.mark.parametrize(("width", "height"), [("10cm", "5cm"), ("100mm", "50mm"), ("4in", "2in")])
def test_svg_sized_in_other_units_is_rendered(width: str, height: str) -> None:
    """resvg refused a root size in centimetres ("SVG has an invalid size"), as Dia and other
    diagram tools write it (postgresql-common's dependencies.svg); the size is given to it in
    pixels."""
    text = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'viewBox="0 0 200 100"><rect x="10" y="10" width="80" height="80" fill="#336699"/></svg>'
    )
    loaded, _ = read_svg(Source("d.svg", data=text.encode()))
    h, w = loaded.rgb.shape[:2]
    assert abs(w / h - 2.0) < 0.05
    assert loaded.rgb[h // 2, w // 5].tolist() == [0x33, 0x66, 0x99]  # the rectangle drawn


def test_icon_sized_svg_is_not_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    """An SVG drawn at icon size is too small to show the region, as a bitmap that small is;
    it is not rendered at a map's size (a filtered mask in one kept resvg busy for a minute)."""

    def no_render(*args: object) -> None:
        raise AssertionError("rendered")

    monkeypatch.setattr(svgmod, "_render_all", no_render)
    text = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="16px" height="16px" viewBox="0 0 16 16">'
        '<path d="M0 0h16v16z"/></svg>'
    )
    loaded, _ = read_svg(Source("icon.svg", data=text.encode()))
    assert loaded.unusable is not None and "an icon" in loaded.unusable
    report = check_source(Source("icon.svg", data=text.encode()), Config(ocr=False))
    assert report.verdict is Verdict.UNDETERMINED and not report.findings
    # A map drawn at 10 cm (378 px) is rendered as before.
    with pytest.raises(AssertionError, match="rendered"):
        read_svg(Source("m.svg", data=text.replace("16px", "10cm", 2).encode()))


# --- elements that describe themselves ------------------------------------------------------------

_DESC = (
    '<desc xmlns="https://highcharts.com/docs/mc"><name>{name}</name>'
    "<country>{country}</country></desc>"
)
_RU_CRIMEA = _DESC.format(name="Crimea", country="Russia")
_UA_CRIMEA = _DESC.format(name="Crimea", country="Ukraine")


@pytest.mark.parametrize(
    ("body", "described"),
    [
        # Highcharts' map downloads: the element's own description gives its country
        (f'<path id="RU.KR" d="M0 0h9v9z">{_RU_CRIMEA}</path>', 1),
        (f'<path id="UA.KR" d="M0 0h9v9z">{_UA_CRIMEA}</path>', 0),
        # a Crimea element inside a group labelled Russia
        ('<g id="RU"><path id="crimea" d="M0 0h9v9z"/></g>', 1),
        ('<g id="russia"><path d="M0 0h9v9z"><title>Sevastopol</title></path></g>', 1),
        ('<g id="RU"><path d="M0 0h9v9z"><title>Севастопіль</title></path></g>', 1),
        # inside Ukraine's group, or a group named for both, it is not Russia's
        ('<g id="UA"><path id="crimea" d="M0 0h9v9z"/></g>', 0),
        ('<g id="russia-ukraine-war"><path id="crimea" d="M0 0h9v9z"/></g>', 0),
        # another region of Russia
        ('<g id="RU"><path id="krasnodar" d="M0 0h9v9z"/></g>', 0),
        # a Russian code for Crimea or Sevastopol as the id or class (pygal's map of Russia,
        # a React app's): the code files it under Russia, whatever encloses it
        ('<path id="RU-CR" d="M0 0h9v9z"/>', 1),
        ('<path class="region ru-sev" d="M0 0h9v9z"/>', 1),
        ('<g id="RU-SEV"><path d="M0 0h9v9z"/></g>', 1),
        ('<path id="RU-KR" d="M0 0h9v9z"/>', 0),  # ISO RU-KR is Karelia: not on its own
        ('<path id="RU-KR" d="M0 0h9v9z"><title>Республика Карелия</title></path>', 0),
        # codes that are Crimea's only with its name (RU-CRI, RU-KRY, RU-KR2)
        ('<path id="RU-CRI" d="M0 0h9v9z"><title>Республика Крым</title></path>', 1),
        ('<path id="RU-KRY" title="Crimea" d="M0 0h9v9z"/>', 1),
        ('<path id="RU-CRI" d="M0 0h9v9z"/>', 0),
        ('<path id="UA-43" d="M0 0h9v9z"/>', 0),
        # names given as title= or name= attributes (MapSVG, ammap, @svg-maps)
        ('<g id="RU"><path title="Crimea" d="M0 0h9v9z"/></g>', 1),
        ('<g id="russia"><path name="Sevastopol" d="M0 0h9v9z"/></g>', 1),
        ('<g id="UA"><path title="Crimea" d="M0 0h9v9z"/></g>', 0),
    ],
)
def test_elements_that_say_they_are_russias_crimea(body: str, described: int) -> None:
    _, info = read(f'{SVG_HEAD} width="400" height="300">{body}</svg>')
    assert len(info.described) == described
    assert len(svgmod.described_hits(info)) == described


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Russia's codes for the occupied oblasts as its subjects, as id, class or title
        ('<g class="RU-DPR region"><path d="M0 0h9v9z"/></g>', [("RU-DPR", "UA-14", 1)]),
        ('<path id="RU-LNR" d="M0 0h9v9z"/>', [("RU-LNR", "UA-09", 1)]),
        ('<path id="ru_zap" d="M0 0h9v9z"/>', [("RU-ZAP", "UA-23", 1)]),
        ('<path d="M0 0h9v9z"><title>RU-KHE</title></path>', [("RU-KHE", "UA-65", 1)]),
        # a group and the shapes in it with the same code are one region; each code once
        (
            '<g id="RU-DPR"><path class="RU-DPR" d="M0 0h9v9z"/></g>'
            '<path id="RU-ZAP" d="M0 0h9v9z"/>',
            [("RU-DPR", "UA-14", 2), ("RU-ZAP", "UA-23", 1)],
        ),
        # not subjects: Ukraine's codes, Russia's own regions, codes that mean something else
        ('<path id="UA-14" d="M0 0h9v9z"/>', []),
        ('<path id="RU-ROS" d="M0 0h9v9z"/>', []),
        ('<path id="RU-DON" d="M0 0h9v9z"/>', []),  # (beside a place only, in the data rules)
        # such a code with the region's name as the element's own name
        (
            '<path id="RU-DON" d="M0 0h9v9z"><title>Донецкая Народная Республика</title></path>',
            [("RU-DON", "UA-14", 1)],
        ),
        (
            '<path class="ru-zpr" title="Zaporozhye Oblast" d="M0 0h9v9z"/>',
            [("RU-ZPR", "UA-23", 1)],
        ),
        (
            '<path id="RU-KHS" data-name="Херсонская область" d="M0 0h9v9z"/>',
            [("RU-KHS", "UA-65", 1)],
        ),
        ('<path id="RU-DON" d="M0 0h9v9z"><title>Donetsk</title></path>', []),  # Rostov's town
        ('<path id="RU-CR" d="M0 0h9v9z"/>', []),  # Crimea's: MI206
        ('<text x="0" y="9">RU-DPR</text>', []),  # a label, not an element of the map
    ],
)
def test_elements_coded_as_russian_subjects_for_the_oblasts(
    body: str, expected: list[tuple[str, str, int]]
) -> None:
    _, info = read(f'{SVG_HEAD} width="400" height="300">{body}</svg>')
    assert [(s.code, s.region, s.elements) for s in info.subjects] == expected


def test_a_map_of_russias_regions_with_the_occupied_oblasts_is_flagged() -> None:
    """A map of Russia's regions that gives the occupied oblasts Russia's subject codes: one
    MI208 per code, whatever the picture could be registered to."""
    regions = [("RU-ROS", "Rostov Oblast"), ("RU-DPR", "Donetsk People's Republic")]
    regions += [("RU-LPR", "Luhansk People's Republic"), ("RU-ZAP", "Zaporozhye Oblast")]
    body = "".join(
        f'<g id="g{n}" class="{code} region"><title>{title}</title>'
        f'<path d="M{10 + 40 * n} 20h30v30h-30z"/></g>'
        for n, (code, title) in enumerate(regions)
    )
    text = f'{SVG_HEAD} width="200" height="100">{body}</svg>'
    report = check_source(Source(name="ru-regions.svg", data=text.encode()), Config())
    assert report.verdict == Verdict.FLAG
    found = [(f.code, f.location.feature_id, f.evidence["code"]) for f in report.findings]
    assert found == [
        ("MI208", "g1", "RU-DPR"),
        ("MI208", "g2", "RU-LPR"),
        ("MI208", "g3", "RU-ZAP"),
    ]
    assert "Donetsk oblast is Ukraine (UA-14)" in report.findings[0].message
    assert "UA-14" in report.findings[0].suggestion


@pytest.mark.parametrize(
    ("body", "places"),
    [
        # Crimea's element and Sevastopol's are two statements: one hit each
        ('<path id="RU-CR" d="M0 0h9v9z"/><path id="RU-SEV" d="M9 0h9v9z"/>', ["UA-43", "UA-40"]),
        (
            '<g id="russia"><path id="Sevastopol" d="M0 0h9v9z"/>'
            '<path id="Crimea" d="M9 0h9v9z"/><path id="Yalta" d="M0 9h9v9z"/></g>',
            ["UA-40", "UA-43"],
        ),
        # two elements of one place are one hit
        ('<path class="RU-CR" d="M0 0h9v9z"/><path id="RU-KRM" d="M9 0h9v9z"/>', ["UA-43"]),
    ],
)
def test_described_hits_are_one_per_place(body: str, places: list[str]) -> None:
    _, info = read(f'{SVG_HEAD} width="400" height="300">{body}</svg>')
    hits = svgmod.described_hits(info)
    assert [hit.element.place for hit in hits] == places
    assert sum(hit.elements for hit in hits) == len(info.described)


def test_a_self_described_russian_crimea_is_flagged_without_a_registration() -> None:
    """A map of Russia's regions whose Crimea path says "country: Russia" (no Ukraine element
    to locate Crimea by, too little coast to register): MI206."""
    desc = _DESC.format(name="Crimea", country="Russia")
    text = (
        f'{SVG_HEAD} width="600" height="360"><rect width="600" height="360" fill="#fff"/>'
        f'<g id="RU"><path id="RU.KR" fill="#cee3f5" d="M30 180l60-30 45 24-36 42z">{desc}'
        '</path><path id="RU.KD" fill="#cee3f5" d="M180 60h360v240H180z"/></g></svg>'
    )
    report = check_source(Source(name="ru-all.svg", data=text.encode()), Config())
    assert report.verdict == Verdict.FLAG
    assert [f.code for f in report.findings] == ["MI206"]
    assert "names itself Crimea" in report.findings[0].message
