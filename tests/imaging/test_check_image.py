"""check_image end to end: rules, severities, verdicts, evidence, evidence pictures.

The registration is replaced by the exact projection each map was drawn with (or by a refusal),
so the tests are fast and judge the pipeline around it. One test uses the real metadata path
(GeoTIFF tags → ``register.from_geotransform``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, TiffImagePlugin

from checker import imaging
from checker.config import Config
from checker.engine import check_file
from checker.model import FileReport, Verdict
from checker.rules.registry import all_rules, get_rule
from tests.imaging import maps
from tests.imaging.maps import (
    BLACK,
    GREY,
    REGIONAL,
    WHITE,
    FakeRegistration,
    Style,
    projection,
    render,
)


def run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    style: Style,
    *,
    bbox: tuple[float, float, float, float] = REGIONAL,
    width: int = 800,
    registered: bool = True,
    name: str = "map.png",
    **config: Any,
) -> FileReport:
    reg, size = projection(bbox, width)

    def georeference(loaded: Any, notes: list[str]) -> tuple[FakeRegistration | None, str]:
        if not registered:
            return None, "not georeferenced: no match for the Black Sea coastline (test)"
        if loaded.scale != 1.0:
            return imaging._scaled(reg, loaded.scale), ""
        return reg, ""

    monkeypatch.setattr(imaging, "georeference", georeference)
    path = tmp_path / name
    Image.fromarray(render(style, reg, size)).save(path)
    config.setdefault("ocr", False)
    return check_file(path, Config(**config))


def codes(report: FileReport) -> set[str]:
    return {f.code for f in report.findings}


def test_crimea_and_oblasts_in_russia_colour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = run(
        tmp_path,
        monkeypatch,
        Style(crimea=maps.RUSSIA, four=maps.RUSSIA),
        evidence_dir=tmp_path / "ev",
    )
    assert report.verdict is Verdict.FLAG
    assert codes(report) == {"MI201", "MI202"}
    mi201 = next(f for f in report.findings if f.code == "MI201")
    assert mi201.severity.label == "error"
    assert mi201.location.pixel_box is not None and mi201.location.lonlat is not None
    ev = mi201.evidence
    assert ev["colours"]["crimea"]["hex"] == "#f0bea0"
    assert "lab" in ev["colours"]["russia"] and ev["delta_e"]["crimea_ukraine"] > 10
    assert ev["registration"]["projection"] == "mercator"
    picture = Path(ev["evidence_picture"])
    with Image.open(picture) as img:
        assert img.format == "PNG"
    assert any(str(picture) in n for n in report.notes)
    mi202 = next(f for f in report.findings if f.code == "MI202")
    assert "ES-11/4" in mi202.policy
    assert mi201.to_dict()["evidence"]["colours"]["crimea"]["hex"] == "#f0bea0"  # JSON-able


def test_clean_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = run(tmp_path, monkeypatch, Style())
    assert report.verdict is Verdict.CLEAN, report.notes
    assert not report.findings
    assert any("depicts-as-ukraine" in n for n in report.notes)


def test_disputed_is_a_warning_or_an_error_by_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = run(tmp_path, monkeypatch, Style(crimea=GREY))
    assert report.verdict is Verdict.WARN and codes(report) == {"MI204"}
    strict = run(tmp_path, monkeypatch, Style(crimea=GREY), profile="ua-strict")
    assert strict.verdict is Verdict.FLAG


def test_outline_map_perekop_border(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    style = Style(
        sea=WHITE,
        others=WHITE,
        russia=WHITE,
        ukraine=WHITE,
        borders=BLACK,
        coast=BLACK,
        perekop_line=True,
    )
    report = run(tmp_path, monkeypatch, style, width=900)
    assert codes(report) == {"MI203"}
    assert report.findings[0].evidence["lines"]["perekop"]["state"] == "present"


def test_outline_map_with_the_claimed_border(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    style = Style(
        sea=WHITE,
        others=WHITE,
        russia=WHITE,
        ukraine=WHITE,
        borders=BLACK,
        coast=BLACK,
        annexed=True,
    )
    report = run(tmp_path, monkeypatch, style, width=900)
    assert codes(report) == {"MI207"}, report.notes
    assert "Crimea" in report.findings[0].message
    assert report.findings[0].evidence["lines"]["east"]["state"] == "absent"


def test_world_map_is_undetermined_with_the_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = run(
        tmp_path, monkeypatch, Style(crimea=maps.RUSSIA), bbox=(-170.0, -60.0, 180.0, 80.0)
    )
    assert report.verdict is Verdict.UNDETERMINED
    assert any("px across" in n for n in report.notes)


@pytest.mark.parametrize(
    ("faint", "verdict"),
    [
        # Labels tesseract read unsure of, spelling places of Japan exactly: a map of elsewhere.
        (["Japan", "Osaka", "Tokyo"], Verdict.CLEAN),
        # One name is not enough to place the map; clutter names nothing.
        (["Japan"], Verdict.UNDETERMINED),
        (["Jaoan", "0saka"], Verdict.UNDETERMINED),
    ],
)
def test_unsure_place_names_can_show_a_map_of_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, faint: list[str], verdict: Verdict
) -> None:
    from checker.imaging import ocr

    words = [
        ocr.OcrLine(w, 30.0, (100 + 150 * i, 200, 140 + 150 * i, 210)) for i, w in enumerate(faint)
    ]
    monkeypatch.setattr(ocr, "unavailable", lambda: None)
    monkeypatch.setattr(ocr, "read_page", lambda rgb: ocr.OcrResult(faint=words))
    monkeypatch.setattr(ocr, "read_text", lambda rgb, *args, **kwargs: ([], words))
    report = run(tmp_path, monkeypatch, Style(crimea=maps.RUSSIA), registered=False, ocr=True)
    assert report.verdict is verdict, report.notes
    if verdict is Verdict.CLEAN:
        assert "not-shown" in report.notes[1], report.notes


def test_not_georeferenced_is_undetermined_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = run(tmp_path, monkeypatch, Style(crimea=maps.RUSSIA), registered=False)
    assert report.verdict is Verdict.UNDETERMINED
    assert any("no match for the Black Sea coastline" in n for n in report.notes)


def test_downsampled_picture_reports_original_pixels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = run(tmp_path, monkeypatch, Style(crimea=maps.RUSSIA), width=1200, name="a.png")
    large = run(tmp_path, monkeypatch, Style(crimea=maps.RUSSIA), width=2400, name="b.png")
    box_small = next(f for f in small.findings if f.code == "MI201").location.pixel_box
    box_large = next(f for f in large.findings if f.code == "MI201").location.pixel_box
    assert box_small is not None and box_large is not None
    for a, b in zip(box_small, box_large, strict=True):
        assert abs(b - 2 * a) <= 8


def test_disabled_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = run(tmp_path, monkeypatch, Style(crimea=maps.RUSSIA), disable=frozenset({"MI201"}))
    assert "MI201" not in codes(report)


def test_geotiff_metadata_skips_the_search(tmp_path: Path) -> None:
    """A GeoTIFF in plain lon/lat: the real from_geotransform, no coastline search."""
    lon0, _, lon1, lat1 = REGIONAL
    reg, size = projection(REGIONAL, 700, "plate")
    rgb = render(Style(crimea=maps.RUSSIA), reg, size)
    step = (lon1 - lon0) / size[0]
    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[33550] = (step, step, 0.0)
    ifd.tagtype[33550] = 12
    ifd[33922] = (0.0, 0.0, 0.0, lon0, lat1, 0.0)
    ifd.tagtype[33922] = 12
    ifd[34735] = (1, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4326)
    ifd.tagtype[34735] = 3
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "TIFF", tiffinfo=ifd)
    path = tmp_path / "map.tif"
    path.write_bytes(buf.getvalue())
    report = check_file(path, Config(ocr=False))
    assert any("georeferenced from the geotiff" in n for n in report.notes), report.notes
    assert "MI201" in codes(report)
    assert report.findings[0].evidence["registration"]["method"] == "metadata"


def test_evidence_picture_names_are_unique(tmp_path: Path) -> None:
    from checker.imaging.evidence import picture_name

    a = picture_name("maps/a/crimea.png")
    b = picture_name("maps/b/crimea.png")
    assert a != b and a.startswith("crimea_png-") and a.endswith(".evidence.png")
    assert "/" not in picture_name("../../etc/passwd")


def test_rules_are_documented() -> None:
    rules = all_rules()
    mi = [r for r in rules.values() if r.code.startswith("MI2")]
    assert [r.code for r in mi] == [f"MI20{i}" for i in range(1, 9)]
    for rule in mi:
        assert "Bad:" in rule.doc and "Good:" in rule.doc
        assert rule.applies_to == "image"
    assert get_rule("image.crimea-disputed-style").category.value == "disputes"
