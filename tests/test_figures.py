"""Pictures inside documents go through the image pipeline (checker.figures): a Crimea-as-Russia
map in a PDF flags the document at its page and picture; a correct map, a photo-like picture or
an icon does not; the limits are said in notes, never passed over silently."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from checker import figures
from checker.config import Config
from checker.engine import check_file
from checker.model import FileReport, Verdict
from checker.readers.base import EmbeddedImage
from tests._pdf import write_pdf
from tests.web.conftest import draw_maps


def _jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


Page = tuple[list[str], bytes | None, tuple[int, int]]
Pictures = dict[str, tuple[bytes, tuple[int, int]]]


def pdf(pages: list[Page]) -> bytes:
    """A PDF: per page, lines of text (Helvetica) and optionally one JPEG drawn below them."""
    pictures = {i: (jpeg, size) for i, (_, jpeg, size) in enumerate(pages) if jpeg is not None}
    return write_pdf([lines for lines, _, _ in pages], pictures)


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Pictures:
    drawn = draw_maps(tmp_path_factory.mktemp("maps"))
    out = {}
    for name, path in drawn.items():
        with Image.open(path) as im:
            out[name] = (_jpeg(im), im.size)
    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 255, (400, 600, 3), dtype=np.uint8))
    out["photo"] = (_jpeg(noise), noise.size)
    icon = Image.new("RGB", (48, 48), (200, 30, 30))
    out["icon"] = (_jpeg(icon), icon.size)
    return out


CONFIG = Config(ocr=False, use_cache=False)
TEXT = ["Grain exports from Odesa, Ukraine, rose in the quarter."]


def _check(tmp_path: Path, pages: list[Page]) -> FileReport:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf(pages))
    return check_file(path, CONFIG)


def test_a_map_in_a_pdf_flags_the_document_at_its_page(tmp_path: Path, pictures: Pictures) -> None:
    jpeg, size = pictures["crimea-russia"]
    report = _check(tmp_path, [(TEXT, None, (0, 0)), (["Figure 1: the region."], jpeg, size)])
    assert report.verdict is Verdict.FLAG
    codes = {f.code for f in report.findings}
    assert "MI201" in codes, report
    for f in report.findings:
        assert f.location.path == str(tmp_path / "report.pdf")
        assert f.location.page == 2 and f.location.key_path is not None
        assert f.location.key_path.startswith("page 2, picture 1")
        assert f.evidence["figure"] == f.location.key_path
    assert any("checked as a map picture: flag" in n for n in report.notes)


@pytest.mark.parametrize("name", ["correct", "photo"])
def test_other_pictures_add_no_findings_but_say_they_were_checked(
    tmp_path: Path,
    pictures: Pictures,
    name: str,
) -> None:
    jpeg, size = pictures[name]
    report = _check(tmp_path, [(TEXT, jpeg, size)])
    assert report.findings == ()
    assert report.verdict is Verdict.CLEAN
    assert any("page 1, picture 1" in n and "checked as a map picture" in n for n in report.notes)


def test_icons_are_not_checked(tmp_path: Path, pictures: Pictures) -> None:
    jpeg, size = pictures["icon"]
    report = _check(tmp_path, [(TEXT, jpeg, size)])
    assert report.verdict is Verdict.CLEAN
    assert not any("map picture" in n for n in report.notes)


def test_pictures_past_the_limit_are_named_in_a_note(
    pictures: Pictures,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(figures, "MAX_FIGURES", 1)
    jpeg, _ = pictures["photo"]
    images = [EmbeddedImage(jpeg, page=p) for p in (1, 2, 3)]
    result = figures.check_figures("doc.pdf", images, CONFIG)
    assert [label for label, _ in result.checked] == ["page 1, picture 1"]
    assert any("2 more pictures" in n for n in result.notes)


def test_a_broken_picture_is_a_note_not_a_crash() -> None:
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    result = figures.check_figures("doc.pdf", [EmbeddedImage(broken, page=1)], CONFIG)
    assert result.findings == [] and result.checked == []


@pytest.mark.parametrize(
    ("number", "image", "label"),
    [
        (1, EmbeddedImage(b"", page=3, name="page 3 image 1"), "page 3, picture 1"),
        (2, EmbeddedImage(b"", name="word/media/image2.png"), "picture 2 (word/media/image2.png)"),
        (4, EmbeddedImage(b""), "picture 4"),
    ],
)
def test_labels(number: int, image: EmbeddedImage, label: str) -> None:
    assert figures.label_for(number, image) == label
