"""PDF: the text layer per page, embedded images, and OCR of pages that have no text layer.

Library: ``pypdfium2`` (Google's PDFium, BSD-3/Apache-2.0, wheels for every platform). One
library does all three jobs: text extraction in C (hundreds of pages a second; pypdf, the
pure-Python alternative, is one to two orders of magnitude slower), image extraction, and page
rendering for OCR. PyMuPDF was not considered (AGPL). PDFium is not thread-safe, so every call
into it holds :data:`_LOCK`.

Segments: one per paragraph block of a page's text (``page`` set, ``line`` = line within the
page's text, ``column`` 1; newlines kept so :meth:`TextSegment.position` is exact within the
page). Text read by OCR has ``part="ocr"``. A page with drawn content but no text layer is OCR'd
with tesseract (eng+ukr+rus, those installed) when ``ocr`` is true; otherwise, or when
tesseract is missing, the page is listed in ``evidence.undetermined`` — never silently passed.
"""

from __future__ import annotations

import functools
import io
import threading
from typing import Any

# This module is itself imported only when a PDF is read, so PDFium loads only then.
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from checker import tesseract
from checker.readers.base import ReaderError, TextEvidence
from checker.readers.docs._collect import Collector
from checker.readers.docs.plain import add_blocks

_LOCK = threading.Lock()
#: Pages read per document; the rest make the file undetermined.
MAX_PAGES = 5000
#: Pages OCR'd per document (a scanned book would take an hour).
MAX_OCR_PAGES = 40
OCR_DPI = 300
#: Largest rendering handed to tesseract (pixels), whatever the page size.
MAX_OCR_PIXELS = 40_000_000
OCR_TIMEOUT_S = 120
OCR_LANGUAGES = tesseract.LANGUAGES
#: Images smaller than this on both sides (bullets, logos, rules) are not sent on.
MIN_IMAGE_SIDE = 32
#: PDFium marks a hyphen at a line break as U+0002 and some generators use U+FFFE.
_TEXT_FIXES = str.maketrans({"\x02": "\u00ad", "\ufffe": "\u00ad", "\x00": None})


@functools.cache
def tesseract_languages() -> tuple[str, ...] | None:
    """The OCR languages available (of eng, ukr, rus), or ``None`` if tesseract is missing."""
    if not tesseract.engine():
        return None
    return tesseract.available(OCR_LANGUAGES) or None


def read_pdf(data: bytes, ocr: bool = True) -> TextEvidence:
    """Read a PDF (see the module docstring); ME901 for an encrypted or corrupt file."""
    col = Collector("pdf")
    with _LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _open_error(exc) from None
        try:
            _read_pages(doc, col, ocr)
        finally:
            doc.close()
    return col.evidence


def _open_error(exc: Exception) -> ReaderError:
    reason = str(exc)
    if "password" in reason.lower():
        return ReaderError("ME901", f"the PDF is encrypted and needs a password ({reason})")
    return ReaderError("ME901", f"corrupt or truncated PDF ({reason})")


def _read_pages(doc: Any, col: Collector, ocr: bool) -> None:
    count = len(doc)
    if count == 0:
        raise ReaderError("ME906", "the PDF has no pages")
    if count > MAX_PAGES:
        col.undetermined(f"the PDF has {count:,} pages; only the first {MAX_PAGES:,} were read")
    ocr_done = 0
    for index in range(min(count, MAX_PAGES)):
        number = index + 1
        try:
            page = doc[index]
        except pdfium.PdfiumError as exc:
            col.undetermined(f"page {number} could not be read ({exc})")
            continue
        try:
            text = _page_text(page)
            if text.strip():
                add_blocks(col, text, page=number)
            _page_images(page, number, col)
            if not text.strip() and _has_content(page):
                if ocr_done >= MAX_OCR_PAGES:
                    col.undetermined(
                        f"page {number} has no text layer; over {MAX_OCR_PAGES} pages need OCR"
                    )
                elif _ocr_page(page, number, col, ocr):
                    ocr_done += 1
        finally:
            page.close()
        if col.full:
            return


def _page_text(page: Any) -> str:
    textpage = page.get_textpage()
    try:
        text: str = textpage.get_text_range()
    finally:
        textpage.close()
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_TEXT_FIXES)


def _has_content(page: Any) -> bool:
    return any(True for _ in page.get_objects(max_depth=1))


def _page_images(page: Any, number: int, col: Collector) -> None:

    seen = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        seen += 1
        if seen > 500:  # a page drawn from thousands of tiles: enough is enough
            break
        try:
            width, height = obj.get_px_size()
            if width < MIN_IMAGE_SIDE and height < MIN_IMAGE_SIDE:
                continue
            if width * height > MAX_OCR_PIXELS * 2:
                col.undetermined(
                    f"an image on page {number} is {width}x{height} pixels, too large to check"
                )
                continue
            buf = io.BytesIO()
            obj.extract(buf, fb_format="png")
        except (pdfium.PdfiumError, OSError, ValueError) as exc:
            col.note(f"an image on page {number} could not be extracted ({exc})")
            continue
        col.image(buf.getvalue(), page=number, name=f"page {number} image {seen}")


def _ocr_page(page: Any, number: int, col: Collector, ocr: bool) -> bool:
    """OCR a page without a text layer; ``False`` (and a reason in undetermined) if not done."""
    if not ocr:
        col.undetermined(f"page {number} has no text layer; OCR is disabled")
        return False
    langs = tesseract_languages()
    if langs is None:
        col.undetermined(f"page {number} has no text layer; OCR unavailable (tesseract missing)")
        return False
    width, height = page.get_size()
    scale = OCR_DPI / 72
    pixels = width * scale * height * scale
    if pixels > MAX_OCR_PIXELS:
        scale *= (MAX_OCR_PIXELS / pixels) ** 0.5
    try:
        image = page.render(scale=scale).to_pil()
        text = tesseract.image_to_string(image, langs, timeout_s=OCR_TIMEOUT_S)
    except tesseract.OcrError as exc:  # failed or timed out
        col.undetermined(f"page {number} has no text layer; OCR failed ({exc})")
        return False
    except Exception as exc:  # tesseract errors, rendering failures
        col.undetermined(f"page {number} has no text layer; OCR failed ({exc})")
        return False
    if missing := [lang for lang in OCR_LANGUAGES if lang not in langs]:
        col.note(f"OCR ran without language data for {', '.join(missing)}")
    col.note(f"page {number} has no text layer; its text was read by OCR")
    text = text.replace("\x0c", "")
    if text.strip():
        add_blocks(col, text, page=number, part="ocr")
    return True
