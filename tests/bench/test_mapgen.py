"""The benchmark's map generator: deterministic by seed, and its ground truth is right.

The truth is checked against the pixels, independently of the generator's own geometry code:
the reference Crimea and a few lon/lat points are projected with pyproj from the label's CRS and
placed with the label's geotransform, then the rendered colours and Crimea's width are compared.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from PIL import Image

from bench.mapgen import compare_specs, generate, render, sample_spec, zoom_bin
from bench.mapgen.__main__ import main as mapgen_main
from bench.mapgen.scene import build_scene, crimea_pixels, crimea_trace
from bench.mapgen.sources import reference_crimea
from bench.mapgen.spec import MapSpec, fit_box
from bench.mapgen.styles import delta_e

RU = (200, 70, 70)
UA = (70, 110, 210)
SEA = (220, 235, 245)
#: Points well inside each area, away from borders and coasts (lon, lat).
IN_CRIMEA = (34.2, 45.35)
IN_RUSSIA = (40.5, 47.8)
IN_UKRAINE = (31.0, 49.0)
IN_DONETSK_OCCUPIED = (38.6, 48.0)  # Luhansk/Donetsk oblast, east of the schematic control line
BOX = (28.0, 43.0, 42.0, 51.0)


@cache
def _base() -> MapSpec:
    return sample_spec(1, 0)


def plain_spec(
    projection: str = "EPSG:4326", renderer: str = "pillow", width: int = 560, **kw: Any
) -> MapSpec:
    """A flat political map of the Black Sea region from the reference: no labels, no clutter."""
    view = fit_box(projection, BOX, width)
    fields: dict[str, Any] = dict(
        depiction="crimea-as-ukraine",
        mainland="as-ukraine",
        source="reference-ne10m",
        renderer=renderer,
        projection=projection,
        view="region",
        width=view.width,
        height=view.height,
        x0=view.x0,
        y0=view.y0,
        kx=view.kx,
        ky=view.ky,
        lat0=view.lat0,
        style="political",
        palette="pastel",
        background=SEA,
        sea=SEA,
        ru=RU,
        ua=UA,
        border=(255, 255, 255),
        border_width=1.0,
        borders=True,
        extras=(),
        label_lang=None,
        crimea_label=None,
        legend=None,
        texture_strength=0.0,
        fmt="png",
        jpeg_quality=None,
        highlight=None,
        disputed_style=None,
        control_style=None,
        notes=(),
    )
    fields.update(kw)
    return replace(_base(), **fields)


def pixel_of(truth: dict[str, Any], lon: float, lat: float) -> tuple[int, int]:
    """Where (lon, lat) lands in the image, from the label's georeferencing alone."""
    import pyproj

    geo = truth["georef"]
    x, y = pyproj.Transformer.from_crs("EPSG:4326", geo["crs"], always_xy=True).transform(lon, lat)
    a0, a1, _, a3, _, a5 = geo["geotransform"]
    return int((x - a0) / a1), int((y - a3) / a5)


def colour_at(
    image: Image.Image, truth: dict[str, Any], lonlat: tuple[float, float]
) -> tuple[int, int, int]:
    px = image.convert("RGB").getpixel(pixel_of(truth, *lonlat))
    assert isinstance(px, tuple)
    return (int(px[0]), int(px[1]), int(px[2]))


def test_zoom_bins() -> None:
    table = [
        (None, "n/a"),
        (0.0, "n/a"),
        (3.0, "world"),
        (19.9, "world"),
        (20.0, "continental"),
        (39.9, "continental"),
        (40.0, "regional"),
        (149.9, "regional"),
        (150.0, "close-up"),
        (2000.0, "close-up"),
    ]
    for px, expected in table:
        assert zoom_bin(px) == expected, px


def test_spec_depends_only_on_seed_and_index() -> None:
    assert sample_spec(3, 5) == sample_spec(3, 5)
    assert sample_spec(3, 5) != sample_spec(4, 5)
    assert sample_spec(3, 5) != sample_spec(3, 6)


def test_same_seed_same_files(tmp_path: Path) -> None:
    first = generate(11, 3, tmp_path / "a")
    second = generate(11, 3, tmp_path / "b", jobs=2)  # other processes, same pictures
    for rec in (*first, *second):
        rec.pop("render_s")
        rec.pop("render_cpu_s")
    assert first == second
    for rec in first:
        assert (tmp_path / "a" / rec["file"]).read_bytes() == (
            tmp_path / "b" / rec["file"]
        ).read_bytes()
    assert [r["file"] for r in first] == [
        f"img-11-{i:05d}.{'jpg' if r['format'] == 'jpeg' else 'png'}" for i, r in enumerate(first)
    ]


@pytest.mark.parametrize("renderer", ["pillow", "matplotlib"])
@pytest.mark.parametrize("projection", ["EPSG:4326-cos", "EPSG:3035"])
def test_colours_follow_the_depiction(renderer: str, projection: str) -> None:
    table = [
        # depiction, mainland, colour in Crimea, colour in occupied Donetsk/Luhansk
        ("crimea-as-russia", "as-ukraine", RU, UA),
        ("crimea-as-russia", "as-russia", RU, RU),
        ("crimea-as-ukraine", "as-ukraine", UA, UA),
    ]
    for depiction, mainland, crimea_colour, donbas_colour in table:
        spec = plain_spec(projection, renderer, depiction=depiction, mainland=mainland)
        image, truth = render(spec)
        assert image.size == (truth["width"], truth["height"])
        assert delta_e(colour_at(image, truth, IN_CRIMEA), crimea_colour) < 2, depiction
        assert delta_e(colour_at(image, truth, IN_DONETSK_OCCUPIED), donbas_colour) < 2, depiction
        assert delta_e(colour_at(image, truth, IN_RUSSIA), RU) < 2
        assert delta_e(colour_at(image, truth, IN_UKRAINE), UA) < 2
        assert truth["expected"] == ("flag" if depiction == "crimea-as-russia" else "clean")


@pytest.mark.parametrize("renderer", ["pillow", "matplotlib"])
def test_depictions_differ_only_in_crimea(renderer: str) -> None:
    spec = plain_spec("EPSG:3857", renderer)
    as_ru, _ = render(replace(spec, depiction="crimea-as-russia"))
    as_ua, truth = render(spec)
    a = np.asarray(as_ru, dtype=np.int16)
    b = np.asarray(as_ua, dtype=np.int16)
    ys, xs = np.nonzero(np.abs(a - b).max(axis=2) > 30)  # not the odd antialiased pixel
    crimea = crimea_pixels(spec)
    # Border lines and antialiasing reach a couple of pixels past the outline.
    assert shapely.contains_xy(crimea.buffer(3.0), xs + 0.5, ys + 0.5).all()
    inside = shapely.contains_xy(crimea.buffer(-2.0), xs + 0.5, ys + 0.5).sum()
    assert inside >= 0.9 * crimea.buffer(-2.0).area
    assert truth["crimea_px"] > 40


def test_crimea_trace_says_what_tells_the_depictions_apart() -> None:
    """``crimea_trace``: fills that differ, a Crimea label, a border long enough to see between
    Crimea and the mainland; nothing when Russia and Ukraine share one fill and no line is
    drawn (then the two depictions are the same picture)."""
    spec = plain_spec(depiction="crimea-as-russia")
    assert build_scene(spec)[1]["crimea_trace"] == ["fill", "border"]
    one_fill = replace(spec, ua=RU)
    assert build_scene(one_fill)[1]["crimea_trace"] == ["border"]
    bare = replace(one_fill, borders=False)
    assert build_scene(bare)[1]["crimea_trace"] == []
    labelled = replace(bare, crimea_label="Republic of Crimea")
    assert build_scene(labelled)[1]["crimea_trace"] == ["label"]
    as_ua, _ = render(replace(bare, depiction="crimea-as-ukraine"))
    as_ru, _ = render(bare)
    diff = np.abs(np.asarray(as_ua, dtype=np.int16) - np.asarray(as_ru, dtype=np.int16))
    assert int(diff.max()) <= 30  # indeed the same picture (but for an antialiased seam pixel)
    # A country's name set on Crimea is a trace too (where it lands depends on the depiction).
    centre = crimea_pixels(bare).representative_point()
    truth = {**build_scene(bare)[1], "texts": [{"kind": "country", "x": centre.x, "y": centre.y}]}
    assert crimea_trace(bare, truth) == ["label"]
    truth["texts"] = [{"kind": "country", "x": 1.0, "y": 1.0}]
    assert crimea_trace(bare, truth) == []
    world = sample_spec(1, next(i for i in range(40) if sample_spec(1, i).depiction == "unrelated"))
    assert build_scene(world)[1]["crimea_trace"] is None


def test_crimea_width_matches_the_georeferencing() -> None:
    import pyproj

    seen: set[str] = set()
    for index in range(40):
        spec = sample_spec(5, index)
        if spec.depiction == "unrelated" or spec.source not in (
            "reference-ne10m",
            "world-atlas-50m",
        ):
            continue
        _, truth = build_scene(spec)
        geo = truth["georef"]
        tr = pyproj.Transformer.from_crs("EPSG:4326", geo["crs"], always_xy=True)
        xs, _ = tr.transform(*shapely.get_coordinates(reference_crimea()).T)
        a1 = geo["geotransform"][1]
        width = (float(np.max(xs)) - float(np.min(xs))) / a1
        tolerance = 0.5 if spec.source == "reference-ne10m" else 0.05 * width + 0.5
        assert abs(width - truth["crimea_px"]) <= tolerance, (index, width, truth["crimea_px"])
        assert truth["zoom_bin"] == zoom_bin(truth["crimea_px"])
        assert truth["crimea_visible"] > 0.95
        seen.add(spec.source)
    assert seen == {"reference-ne10m", "world-atlas-50m"}


def test_unrelated_maps_do_not_show_crimea() -> None:
    found = 0
    for index in range(60):
        spec = sample_spec(2, index)
        if spec.depiction != "unrelated":
            continue
        _, truth = build_scene(spec)
        x, y = pixel_of(truth, *IN_CRIMEA)
        assert not (0 <= x < spec.width and 0 <= y < spec.height)
        assert truth["crimea_px"] is None and truth["zoom_bin"] == "n/a"
        assert truth["expected"] == "clean" and truth["mainland"] is None
        found += 1
    assert found >= 3


def test_expected_verdicts_and_labels() -> None:
    table = [
        ("crimea-as-russia", "as-russia", "flag"),
        ("crimea-as-russia", "as-ukraine", "flag"),
        ("crimea-as-ukraine", "as-ukraine", "clean"),
        ("control", "control", "clean"),
        ("disputed", "as-ukraine", "warn"),
    ]
    for depiction, mainland, expected in table:
        spec = plain_spec(
            depiction=depiction,
            mainland=mainland,
            label_lang="ru",
            crimea_label="Республика Крым",
            legend="se",
            control_style="hatch" if depiction == "control" else None,
            disputed_style="third-colour" if depiction == "disputed" else None,
        )
        scene, truth = build_scene(spec)
        assert truth["expected"] == expected, depiction
        texts = [t["text"] for t in truth["texts"]]
        assert "Республика Крым" in texts and "Украина" in texts and "Россия" in texts
        assert [t.text for t in scene.texts] == texts
        assert truth["visible_px"]["RU"] > 1000 and truth["visible_px"]["UA"] > 1000
        if depiction == "control":
            assert any("ккупир" in e or "контрол" in e for e in truth["legend"]["entries"])
            assert any(a.key == "OCCUPIED" and a.overlay for a in scene.areas)


def test_control_map_hatches_occupied_areas_only() -> None:
    spec = plain_spec(
        depiction="control", mainland="control", control_style="tint", overlay=(255, 0, 0)
    )
    image, truth = render(spec)
    tinted = colour_at(image, truth, IN_CRIMEA)
    assert delta_e(tinted, UA) > 10 and delta_e(tinted, RU) > 3  # UA under a red tint
    assert delta_e(colour_at(image, truth, IN_UKRAINE), UA) < 2
    assert delta_e(colour_at(image, truth, IN_RUSSIA), RU) < 2


def test_world_atlas_pairs_differ_only_in_crimea() -> None:
    bad, good = list(compare_specs(1, 1))
    assert (bad.source, bad.depiction) == ("world-atlas-110m", "crimea-as-russia")
    assert (good.source, good.depiction) == ("world-atlas-110m-fixed", "crimea-as-ukraine")
    assert replace(good, source=bad.source, depiction=bad.depiction, index=bad.index) == bad
    # Without labels (a label may move when Ukraine's shape changes), the pictures differ in Crimea.
    bad = replace(
        bad,
        label_lang=None,
        legend=None,
        extras=(),
        style="political",
        texture_strength=0.0,
        renderer="pillow",
        fmt="png",
    )
    good = replace(
        good,
        label_lang=None,
        legend=None,
        extras=(),
        style="political",
        texture_strength=0.0,
        renderer="pillow",
        fmt="png",
    )
    a = np.asarray(render(bad)[0], dtype=np.int16)
    b = np.asarray(render(good)[0], dtype=np.int16)
    ys, xs = np.nonzero(np.abs(a - b).max(axis=2) > 30)  # not the odd antialiased pixel
    assert len(xs) > 0
    assert shapely.contains_xy(crimea_pixels(bad).buffer(4.0), xs + 0.5, ys + 0.5).all()


def test_cli_writes_images_and_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert mapgen_main(["--seed", "9", "--count", "2", "--out", str(tmp_path)]) == 0
    lines = (tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    for line in lines:
        rec = json.loads(line)
        with Image.open(tmp_path / rec["file"]) as im:
            assert im.size == (rec["width"], rec["height"])
            assert im.format == ("JPEG" if rec["format"] == "jpeg" else "PNG")
        assert 400 <= max(rec["width"], rec["height"]) <= 2500
        for key in ("depiction", "projection", "zoom_bin", "style", "renderer", "source", "georef"):
            assert rec[key] is not None
    assert "wrote 2 images" in capsys.readouterr().out


def test_a_close_up_keeps_its_sea_where_a_projected_piece_crosses_itself() -> None:
    # Ukraine without the occupied areas crosses itself once projected to EPSG:3034 (a sliver
    # along the line of contact); clipped to this close-up's frame (seed 3, map 115), the
    # invalid polygon came out inside out and Ukraine's fill covered the sea.
    spec = plain_spec(
        "EPSG:3034",
        depiction="crimea-as-russia",
        mainland="as-russia",
        width=624,
        height=633,
        x0=5611502.13524094,
        y0=2476129.416226309,
        kx=0.00128603500818738,
        ky=0.00128603500818738,
        lat0=None,
    )
    image, truth = render(spec)
    sea = image.convert("RGB").getpixel((300, 400))  # the Black Sea south of Crimea
    assert isinstance(sea, tuple)
    assert delta_e((int(sea[0]), int(sea[1]), int(sea[2])), SEA) < 2
    assert delta_e(colour_at(image, truth, IN_CRIMEA), RU) < 2
    assert truth["visible_px"].get("UA", 0) < 0.05 * 624 * 633
