"""Tesseract OCR for map labels and scanned PDF pages, with the models loaded once per process.

Two ways to reach tesseract, one answer format (pytesseract's ``image_to_data`` dictionary):

* **tesserocr** (the preferred engine): tesseract's C++ API in-process. Its Linux and Windows
  wheels bundle libtesseract (5.5), so every install reads with the same tesseract whatever
  the distribution ships. The language models are loaded once per process and thread (about
  0.3 s of CPU for eng+ukr+rus) and kept; an image is handed over in memory.
* **pytesseract** (the fallback, and the design card's choice): runs the ``tesseract`` command
  per image, which loads the models again each time and passes the image and the result
  through temporary files. Used where tesserocr is not installed (no wheel for the platform)
  or cannot find the language data.

Both read the language data the system's tesseract packages installed (``tesseract-ocr-eng``,
``-ukr``, ``-rus``). Where it is: ``$TESSDATA_PREFIX``, else what ``tesseract --list-langs``
reports, else the usual folders (:data:`TESSDATA_DIRS`).

Measured on 12 labelled maps of the image bench's tuning seed (800–1250 px, OCR's text layer
as read): 1.24 s of CPU per map through the command, 0.78 s in-process.
"""

from __future__ import annotations

import glob
import importlib.metadata
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

#: The languages mapcheck reads (map labels and scanned pages), in order.
LANGUAGES = ("eng", "ukr", "rus")
#: Where distributions put tesseract's language data (``*`` is the tesseract version folder).
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
#: The environment variable that asks for the ``tesseract`` command (see :func:`engine`).
ENGINE_ENV = "MAPCHECK_OCR_ENGINE"
#: Columns of tesseract's TSV output, in order (the last one is the word's text).
TSV_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


#: Leptonica's ``L_SEVERITY_NONE``: print no messages.
_L_SEVERITY_NONE = 6


class OcrError(RuntimeError):
    """Tesseract could not read the image (it failed, or took longer than allowed)."""


class OcrTimeoutError(OcrError):
    """Tesseract took longer than the time allowed for one image."""


# --- where the language data is ----------------------------------------------------------------


@cache
def tessdata_dir() -> Path | None:
    """The folder of tesseract's ``*.traineddata`` files, or ``None`` if none is found."""
    candidates: list[str] = []
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        candidates += [prefix, os.path.join(prefix, "tessdata")]
    for pattern in TESSDATA_DIRS:
        candidates += sorted(glob.glob(pattern), reverse=True)  # the newest version first
    for folder in candidates:
        if _holds_models(folder):
            return Path(folder)
    # Elsewhere: ask the program (a process start, so only when the usual places are empty).
    listed = _listed_dir()
    return Path(listed) if listed and _holds_models(listed) else None


def _holds_models(folder: str) -> bool:
    return bool(glob.glob(os.path.join(glob.escape(folder), "*.traineddata")))


def _listed_dir() -> str | None:
    """The folder ``tesseract --list-langs`` names (``List of available languages in "…"``)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'"([^"]+)"', out.stdout + out.stderr)
    return m.group(1) if m else None


@cache
def installed_languages() -> frozenset[str]:
    """The language models tesseract can load here (empty if OCR cannot run at all)."""
    folder = tessdata_dir()
    found: set[str] = set()
    if folder is not None and _tesserocr() is not None:
        found = {p.stem for p in folder.glob("*.traineddata")}
    if not found and shutil.which("tesseract") is not None:
        try:
            import pytesseract

            found = set(pytesseract.get_languages(config=""))
        except Exception:  # the program is broken or prints something unexpected
            found = set()
    return frozenset(found - {"osd", "equ"})


def available(wanted: Sequence[str] = LANGUAGES) -> tuple[str, ...]:
    """The ``wanted`` languages tesseract can load here, in their order."""
    have = installed_languages()
    return tuple(lang for lang in wanted if lang in have)


# --- the engines ---------------------------------------------------------------------------


@cache
def _tesserocr() -> Any:
    """The ``tesserocr`` module, or ``None`` when it is not installed or does not load."""
    try:
        import tesserocr
    except Exception:  # not installed, or its bundled library does not load here
        return None
    _quiet_leptonica(Path(tesserocr.__file__).parent.parent)
    return tesserocr


def _quiet_leptonica(site: Path) -> None:
    """Silence leptonica, the image library under tesseract (bundled next to tesserocr in
    ``site``): in-process, its messages ("Error in pixScanForForeground: invalid box") would go
    to mapcheck's own standard error, where the command's stderr used to swallow them."""
    import ctypes

    names = [str(lib) for lib in sorted(site.glob("tesserocr.libs/libleptonica*"))]
    for name in names or ["libleptonica.so.6"]:  # bundled, else the system's
        try:
            ctypes.CDLL(name).setMsgSeverity(_L_SEVERITY_NONE)
        except (OSError, AttributeError):  # another build, or no such library: leave it
            continue


def engine() -> str:
    """Which engine reads: ``"tesserocr"`` (in-process), ``"tesseract"`` (the command) or
    ``""`` (none: OCR is unavailable). ``MAPCHECK_OCR_ENGINE=tesseract`` asks for the command
    even where tesserocr is installed (to compare the two, or to use the system's tesseract)."""
    return _engine(os.environ.get(ENGINE_ENV, ""))


def engine_key() -> str:
    """What decides the engine and its answers, found without loading it (no import of
    tesserocr, no process started): for cache keys, which every run computes."""
    try:
        version = importlib.metadata.version("tesserocr")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    command = shutil.which("tesseract") is not None
    return f"tesserocr={version};command={command};asked={os.environ.get(ENGINE_ENV, '')}"


@cache
def _engine(wanted: str) -> str:
    if (
        wanted != "tesseract"
        and _tesserocr() is not None
        and tessdata_dir() is not None
        and installed_languages()
    ):
        return "tesserocr"
    if shutil.which("tesseract") is not None and installed_languages():
        return "tesseract"
    return ""


class _Apis(threading.local):
    """Per thread: loaded tesserocr APIs by (process, languages, page segmentation, invert).

    An API object must not be shared between threads, and one created before a fork is not
    used in the child (the process id is part of the key)."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[int, str, int, bool], Any] = {}


_APIS = _Apis()


def _api(langs: str, psm: int, invert: bool) -> Any:
    key = (os.getpid(), langs, psm, invert)
    api = _APIS.by_key.get(key)
    if api is None:
        module = _tesserocr()
        folder = tessdata_dir()
        assert module is not None and folder is not None  # engine() said so
        try:
            api = module.PyTessBaseAPI(path=f"{folder}{os.sep}", lang=langs, psm=psm)
        except RuntimeError as exc:  # unreadable or incompatible language data
            raise OcrError(f"tesseract could not load {langs} from {folder}: {exc}") from None
        api.SetVariable("debug_file", os.devnull)  # tesseract's own warnings
        if not invert:
            api.SetVariable("tessedit_do_invert", "0")
        _APIS.by_key = {k: v for k, v in _APIS.by_key.items() if k[0] == key[0]}
        _APIS.by_key[key] = api
    return api


def image_to_data(
    image: Image.Image,
    langs: Sequence[str],
    *,
    psm: int = 3,
    invert: bool = True,
    timeout_s: float = 20.0,
) -> dict[str, list[Any]]:
    """Tesseract's words and their boxes, as pytesseract's ``image_to_data`` dictionary (one
    list per :data:`TSV_COLUMNS` name; numbers as ``int``, the confidence truncated as
    pytesseract does). ``invert=False`` skips tesseract's second pass over inverted text.

    Raises :class:`OcrTimeoutError` after ``timeout_s``, :class:`OcrError` when tesseract
    fails."""
    lang = "+".join(langs)
    if engine() == "tesserocr":
        return _parse_tsv(_recognise(image, lang, psm, invert, timeout_s))
    import pytesseract

    config = f"--psm {psm}" + ("" if invert else " -c tessedit_do_invert=0")
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            image,
            lang=lang,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=timeout_s,
        )
    except RuntimeError as exc:  # pytesseract's timeout
        raise OcrTimeoutError(str(exc)) from None
    except pytesseract.TesseractError as exc:
        raise OcrError(str(exc)) from None
    return data


def image_to_string(
    image: Image.Image, langs: Sequence[str], *, psm: int = 3, timeout_s: float = 20.0
) -> str:
    """The text tesseract reads in ``image`` (its blocks and lines, as the command prints
    them). Raises as :func:`image_to_data`."""
    lang = "+".join(langs)
    if engine() == "tesserocr":
        api = _api(lang, psm, True)
        try:
            api.SetImage(image)
            if not api.Recognize(timeout=int(timeout_s * 1000)):
                raise OcrTimeoutError(f"tesseract took longer than {timeout_s:g} s")
            return str(api.GetUTF8Text())
        finally:
            api.Clear()
    import pytesseract

    try:
        return str(
            pytesseract.image_to_string(image, lang=lang, config=f"--psm {psm}", timeout=timeout_s)
        )
    except RuntimeError as exc:
        raise OcrTimeoutError(str(exc)) from None
    except pytesseract.TesseractError as exc:
        raise OcrError(str(exc)) from None


def _recognise(image: Image.Image, lang: str, psm: int, invert: bool, timeout_s: float) -> str:
    api = _api(lang, psm, invert)
    try:
        api.SetImage(image)
        if not api.Recognize(timeout=int(timeout_s * 1000)):
            raise OcrTimeoutError(f"tesseract took longer than {timeout_s:g} s")
        return str(api.GetTSVText(0))
    finally:
        api.Clear()  # the image and the page's results are not kept


def _parse_tsv(tsv: str) -> dict[str, list[Any]]:
    """Tesseract's TSV rows (without the header line) into pytesseract's dictionary."""
    out: dict[str, list[Any]] = {name: [] for name in TSV_COLUMNS}
    last = len(TSV_COLUMNS) - 1
    for row in tsv.split("\n"):
        if not row:
            continue
        cells = row.split("\t", last)
        if len(cells) == last:
            cells.append("")  # a row whose text is empty may lose its last tab
        if len(cells) != len(TSV_COLUMNS):
            continue
        try:
            numbers = [int(float(c)) for c in cells[:last]]
        except ValueError:
            continue  # a header or a malformed row
        for name, value in zip(TSV_COLUMNS[:last], numbers, strict=True):
            out[name].append(value)
        out["text"].append(cells[last])
    return out
