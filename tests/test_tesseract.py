"""The OCR engine wrapper: one answer format from the in-process engine and from the command."""

from __future__ import annotations

import shutil
import threading
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from checker import tesseract
from tests.imaging import maps

HAS_TESSEROCR = tesseract._tesserocr() is not None and tesseract.tessdata_dir() is not None
HAS_COMMAND = shutil.which("tesseract") is not None and bool(tesseract.installed_languages())
ENGINES = [
    pytest.param(
        "tesserocr", marks=pytest.mark.skipif(not HAS_TESSEROCR, reason="tesserocr unavailable")
    ),
    pytest.param(
        "tesseract", marks=pytest.mark.skipif(not HAS_COMMAND, reason="tesseract not installed")
    ),
]


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch) -> Any:
    def choose(name: str) -> None:
        monkeypatch.setattr(tesseract, "engine", lambda: name)

    return choose


def label_image(words: dict[str, tuple[int, int]], size: tuple[int, int] = (700, 220)) -> Any:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = maps._font(28)
    for text, xy in words.items():
        draw.text(xy, text, fill=0, font=font)
    return img


# --- parsing tesseract's TSV -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tsv", "expected"),
    [
        # A page row, then a word: numbers are ints, the confidence truncated as pytesseract does.
        (
            "1\t1\t0\t0\t0\t0\t0\t0\t640\t480\t-1\t\n"
            "5\t1\t2\t1\t3\t1\t10\t20\t55\t12\t96.73\tКрым\n",
            {"level": [1, 5], "conf": [-1, 96], "text": ["", "Крым"], "line_num": [0, 3]},
        ),
        # A word row whose empty text lost its last tab; a text holding a tab stays whole.
        (
            "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t-1\n5\t1\t1\t1\t1\t2\t4\t0\t9\t9\t88.0\ta\tb\n",
            {"level": [5, 5], "conf": [-1, 88], "text": ["", "a\tb"], "left": [0, 4]},
        ),
        # The command's header line and malformed rows are skipped.
        (
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
            "\tconf\ttext\n5\t1\t1\t1\t1\t1\t0\t0\t1\n\n5\t1\t1\t1\t1\t1\t7\t8\t9\t10\t50.5\tYalta\n",
            {"level": [5], "conf": [50], "text": ["Yalta"], "top": [8], "height": [10]},
        ),
        ("", {"level": [], "text": []}),
    ],
)
def test_parse_tsv(tsv: str, expected: dict[str, list[Any]]) -> None:
    got = tesseract._parse_tsv(tsv)
    assert set(got) == set(tesseract.TSV_COLUMNS)
    assert all(len(v) == len(got["text"]) for v in got.values())
    for key, value in expected.items():
        assert got[key] == value, key


# --- the engines -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ENGINES)
def test_each_engine_reads_words_with_boxes(name: str, use: Any) -> None:
    use(name)
    img = label_image({"Sevastopol": (30, 40), "Крым": (420, 40), "Kherson": (30, 140)})
    data = tesseract.image_to_data(img, ["eng", "rus"], psm=11, invert=False)
    words = {t: i for i, t in enumerate(data["text"]) if t.strip()}
    assert {"Sevastopol", "Крым", "Kherson"} <= set(words), data["text"]
    i = words["Kherson"]
    assert 20 <= data["left"][i] <= 40 and 130 <= data["top"][i] <= 160
    assert isinstance(data["conf"][i], int) and data["conf"][i] > 60
    # Words of different lines are told apart.
    key = ("block_num", "par_num", "line_num")
    assert [data[k][words["Sevastopol"]] for k in key] != [data[k][i] for k in key]


@pytest.mark.parametrize("name", ENGINES)
def test_each_engine_reads_a_page_as_text(name: str, use: Any) -> None:
    use(name)
    img = label_image({"Simferopol, Russia": (30, 40), "Kyiv, Ukraine": (30, 140)})
    text = tesseract.image_to_string(img, ["eng"])
    assert "Simferopol, Russia" in text and "Kyiv, Ukraine" in text, text


@pytest.mark.skipif(not HAS_TESSEROCR, reason="tesserocr unavailable")
def test_in_process_engine_times_out(use: Any) -> None:
    use("tesserocr")
    words = {f"Place{i}": (20 + 300 * (i % 6), 40 + 60 * (i // 6)) for i in range(150)}
    img = label_image(words, size=(1900, 1600))
    with pytest.raises(tesseract.OcrTimeoutError):
        tesseract.image_to_data(img, ["eng", "ukr", "rus"], psm=11, timeout_s=0.001)
    # The same API reads again afterwards.
    again = tesseract.image_to_data(
        label_image({"Kherson": (20, 40)}), ["eng", "ukr", "rus"], psm=11
    )
    assert "Kherson" in again["text"]


@pytest.mark.skipif(not HAS_TESSEROCR, reason="tesserocr unavailable")
def test_models_are_loaded_once_per_thread_and_settings() -> None:
    first = tesseract._api("eng", 11, False)
    assert tesseract._api("eng", 11, False) is first
    assert tesseract._api("eng", 3, True) is not first
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(tesseract._api("eng", 11, False)))
    thread.start()
    thread.join()
    assert other and other[0] is not first


@pytest.mark.skipif(not HAS_TESSEROCR, reason="tesserocr unavailable")
def test_an_api_from_before_a_fork_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    first = tesseract._api("eng", 11, False)
    real = tesseract.os.getpid()
    monkeypatch.setattr(tesseract.os, "getpid", lambda: real + 1)
    assert tesseract._api("eng", 11, False) is not first


def test_tessdata_found_from_the_environment(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "eng.traineddata").write_bytes(b"x")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    tesseract.tessdata_dir.cache_clear()
    try:
        assert tesseract.tessdata_dir() == tmp_path
    finally:
        tesseract.tessdata_dir.cache_clear()


def test_an_empty_folder_is_not_tessdata(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    monkeypatch.setattr(tesseract, "TESSDATA_DIRS", ())
    monkeypatch.setattr(tesseract, "_listed_dir", lambda: None)
    tesseract.tessdata_dir.cache_clear()
    try:
        assert tesseract.tessdata_dir() is None
    finally:
        tesseract.tessdata_dir.cache_clear()


def test_no_engine_means_ocr_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.imaging import ocr

    monkeypatch.setattr(tesseract, "engine", lambda: "")
    monkeypatch.setattr(tesseract, "installed_languages", frozenset)
    monkeypatch.setattr(tesseract, "tessdata_dir", lambda: None)
    monkeypatch.setattr(tesseract.shutil, "which", lambda _: None)
    assert ocr.unavailable() == (
        "OCR is unavailable (tesseract and its language data are not installed)"
    )


@pytest.mark.skipif(not HAS_TESSEROCR, reason="tesserocr unavailable")
def test_the_bundled_image_library_is_silenced() -> None:
    import ctypes
    from pathlib import Path

    module = tesseract._tesserocr()
    libs = sorted(Path(module.__file__).parent.parent.glob("tesserocr.libs/libleptonica*"))
    if not libs:
        pytest.skip("this tesserocr does not bundle leptonica")
    # setMsgSeverity returns the severity before the call: loading the engine set it already.
    assert ctypes.CDLL(str(libs[0])).setMsgSeverity(tesseract._L_SEVERITY_NONE) == 6


@pytest.mark.skipif(not (HAS_TESSEROCR and HAS_COMMAND), reason="needs both engines")
def test_the_command_can_be_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    assert tesseract.engine() == "tesserocr"
    monkeypatch.setenv(tesseract.ENGINE_ENV, "tesseract")
    assert tesseract.engine() == "tesseract"
    monkeypatch.setenv(tesseract.ENGINE_ENV, "tesserocr")
    assert tesseract.engine() == "tesserocr"


@pytest.mark.skipif(not HAS_TESSEROCR, reason="tesserocr unavailable")
def test_broken_language_data_is_an_ocr_error(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, use: Any
) -> None:
    (tmp_path / "eng.traineddata").write_bytes(b"not a model")
    monkeypatch.setattr(tesseract, "tessdata_dir", lambda: tmp_path)
    monkeypatch.setattr(tesseract, "_APIS", tesseract._Apis())
    use("tesserocr")
    with pytest.raises(tesseract.OcrError):
        tesseract.image_to_data(label_image({"Kherson": (20, 40)}), ["eng"], psm=11)
    # A map picture is still judged, with a note that its labels were not read.
    from checker.config import Config
    from checker.engine import check_file
    from checker.imaging import ocr

    monkeypatch.setattr(ocr, "languages", lambda: ("eng",))
    img = label_image({"Kherson": (20, 40)}).convert("RGB")
    with pytest.raises(tesseract.OcrError):
        ocr.read_text(np.asarray(img))
    assert ocr.reread(np.asarray(img), (20, 40, 120, 70)) is None
    path = tmp_path / "labels.png"
    img.save(path)
    report = check_file(path, Config(ocr=True, use_cache=False))
    assert report.error is None, report.error
    assert any(n.startswith("OCR failed (tesseract could not load eng") for n in report.notes)


def test_the_usual_folders_are_looked_in_before_the_program_is_asked(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "eng.traineddata").write_bytes(b"x")
    monkeypatch.setattr(tesseract, "TESSDATA_DIRS", (str(tmp_path),))
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)

    def listed() -> str:
        raise AssertionError("tesseract --list-langs started although a folder has models")

    monkeypatch.setattr(tesseract, "_listed_dir", listed)
    tesseract.tessdata_dir.cache_clear()
    try:
        assert tesseract.tessdata_dir() == tmp_path
    finally:
        tesseract.tessdata_dir.cache_clear()


def test_engine_key_names_what_decides_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(tesseract.ENGINE_ENV, raising=False)
    plain = tesseract.engine_key()
    monkeypatch.setenv(tesseract.ENGINE_ENV, "tesseract")
    assert tesseract.engine_key() != plain
    if HAS_TESSEROCR:
        import importlib.metadata

        assert f"tesserocr={importlib.metadata.version('tesserocr')};" in plain


def test_available_keeps_the_wanted_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "installed_languages", lambda: frozenset({"rus", "eng", "deu"}))
    assert tesseract.available() == ("eng", "rus")
    assert tesseract.available(("rus", "ukr")) == ("rus",)
