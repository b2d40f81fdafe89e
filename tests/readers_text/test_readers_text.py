"""Document and data readers: every fixture from make_fixtures.py read to known segments,
positions, pages, paragraphs, records and enumerations; bad and hostile inputs fail with the
right ME9xx code (or are bounded and reported undetermined), never with a traceback."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from checker.readers import ReaderError, Source, detect
from checker.readers.base import TextEvidence, TextSegment
from checker.readers.docs import _collect
from checker.readers.text import read_text
from tests.readers.test_readers_detect import _zip
from tests.readers_text import make_fixtures as mf  # its texts are the expected values

FIXTURES = Path(__file__).parent / "fixtures"
#: Exception types that mean a bug in a reader, not a bad input, when wrapped into ME901.
BUG_TYPES = ("TypeError", "AttributeError", "IndexError", "KeyError", "NameError", "AssertionError")


def read(name: str, *, ocr: bool = True) -> TextEvidence:
    source = Source(name, path=FIXTURES / name)
    kind, fmt = detect(source)
    assert kind in ("document", "data"), (kind, fmt)
    return read_text(source, fmt, ocr=ocr)


def read_bytes(name: str, data: bytes, *, ocr: bool = True) -> TextEvidence:
    source = Source(name, data=data)
    kind, fmt = detect(source)
    assert kind in ("document", "data"), (kind, fmt)
    return read_text(source, fmt, ocr=ocr)


def error(name: str, data: bytes | None = None) -> ReaderError:
    source = Source(name, path=FIXTURES / name) if data is None else Source(name, data=data)
    with pytest.raises(ReaderError) as info:
        _, fmt = detect(source)
        read_text(source, fmt)
    return info.value


def rows(ev: TextEvidence, part: str | None = None) -> list[tuple[object, ...]]:
    return [
        (s.part, s.page, s.line, s.column, s.key_path, s.text)
        for s in ev.segments
        if part is None or s.part == part
    ]


def find(ev: TextEvidence, needle: str) -> TextSegment:
    for seg in ev.segments:
        if needle in seg.text:
            return seg
    raise AssertionError(f"no segment holds {needle!r}")


def at(ev: TextEvidence, needle: str) -> tuple[int, int]:
    """(line, column) of ``needle`` through the segment's own position mapping."""
    seg = find(ev, needle)
    return seg.position(seg.text.index(needle))


# --- detection -----------------------------------------------------------------------------

DETECT = [
    ("uk_utf8.txt", ("document", "text")),
    ("uk_utf16le.txt", ("document", "text")),
    ("uk_cp1251.txt", ("document", "text")),
    ("notes.md", ("document", "markdown")),
    ("page.html", ("document", "html")),
    ("report.pdf", ("document", "pdf")),
    ("report.docx", ("document", "docx")),
    ("report.odt", ("document", "odt")),
    ("book.epub", ("document", "epub")),
    ("report.rtf", ("document", "rtf")),
    ("regions.csv", ("data", "csv")),
    ("regions.tsv", ("data", "tsv")),
    ("regions.json", ("data", "json")),
    ("regions.yaml", ("data", "yaml")),
    ("dump.sql", ("data", "sql")),
    ("regions.py", ("data", "source")),
]


@pytest.mark.parametrize(("name", "expected"), DETECT)
def test_detect(name: str, expected: tuple[str, str]) -> None:
    assert detect(Source(name, path=FIXTURES / name)) == expected


WRONG_EXTENSION = [
    ("report.txt", "report.pdf", ("document", "pdf")),
    ("report.pdf", "report.docx", ("document", "docx")),
    ("notes.docx", "uk_utf8.txt", ("document", "text")),  # text under a binary extension
    ("letter.json", "report.rtf", ("document", "rtf")),
    ("page.txt", "page.html", ("document", "html")),
    ("noext", "regions.json", ("data", "json")),
]


@pytest.mark.parametrize(("name", "fixture", "expected"), WRONG_EXTENSION)
def test_detect_by_content(name: str, fixture: str, expected: tuple[str, str]) -> None:
    source = Source(name, data=(FIXTURES / fixture).read_bytes())
    assert detect(source) == expected
    assert read_text(source, expected[1]).segments


def test_legacy_office_binary_is_unsupported() -> None:
    exc = error("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert exc.code == "ME902" and "DOCX" in exc.message


# --- encodings ------------------------------------------------------------------------------

ENCODINGS = [
    ("uk_utf8.txt", "utf-8", mf.UK),
    ("uk_utf8_bom.txt", "utf-8-sig", mf.UK),
    ("uk_utf16le.txt", "utf-16-le", mf.UK),
    ("uk_utf16be.txt", "utf-16-be", mf.UK),
    ("uk_cp1251.txt", "cp1251", mf.UK),
    ("uk_koi8u.txt", "koi8-u", mf.UK),
    ("ru_cp1251.txt", "cp1251", mf.RU),
    ("ru_koi8u.txt", "koi8-u", mf.RU),
]


@pytest.mark.parametrize(("name", "encoding", "text"), ENCODINGS)
def test_encodings(name: str, encoding: str, text: str) -> None:
    ev = read(name)
    assert ev.encoding == encoding
    assert ev.source_lines == []  # no "mapcheck" directive in the text: no lines kept
    # The paragraphs' block is the text itself.
    assert "\n\n".join(s.text for s in ev.segments) == text.strip("\n")


def test_short_cyrillic_samples_are_not_mistaken() -> None:
    from checker.readers.docs.encoding import decode

    for sample in ("Сімферополь, Україна", "Крым", "Привіт, світе! Як справи?"):
        for codepage in ("cp1251", "koi8-u"):
            text, encoding, _ = decode(sample.encode(codepage))
            assert (text, encoding) == (sample, codepage)


def test_latin1_is_not_read_as_cyrillic() -> None:
    from checker.readers.docs.encoding import decode

    sample = "Le café du marché à Sébastopol, naïve façade, été déjà très animé."
    text, encoding, _ = decode(sample.encode("cp1252"))
    assert text == sample
    assert encoding not in ("cp1251", "koi8-u", "cp866", "iso8859-5", "mac-cyrillic")


def test_utf16_without_bom() -> None:
    from checker.readers.docs.encoding import decode

    for codec in ("utf-16-le", "utf-16-be"):
        assert decode(mf.UK.encode(codec)) == (mf.UK, codec, [])
        assert decode(mf.EN.encode(codec)) == (mf.EN, codec, [])


# --- plain text and Markdown ----------------------------------------------------------------


def test_plain_text_blocks_and_positions() -> None:
    ev = read("uk_utf8.txt")
    # Both paragraphs in one block, the blank line between them kept.
    assert [(s.line, s.column) for s in ev.segments] == [(1, 1)]
    assert "\n\n" in ev.segments[0].text
    assert at(ev, "Севастополь") == (2, 35)
    assert at(ev, "Херсонську") == (4, 21)


def test_long_text_is_cut_into_blocks_at_blank_lines() -> None:
    from checker.readers.docs.plain import MAX_BLOCK

    paragraph = "\n".join(["Words of a paragraph that wraps over lines. " * 2] * 5)
    paragraphs = [f"Mark{i} {paragraph}" for i in range(2 * MAX_BLOCK // len(paragraph) + 3)]
    text = "\n\n\n" + "\n\n".join(paragraphs) + "\n"
    ev = read_bytes("long.txt", text.encode())
    assert len(ev.segments) >= 3
    for seg in ev.segments:
        assert len(seg.text) <= MAX_BLOCK
        assert seg.text.startswith("Mark") and seg.column == 1  # whole paragraphs
        assert seg.text.endswith("lines.")
    lines = text.split("\n")
    for i in (0, len(paragraphs) // 2, len(paragraphs) - 1):
        needle = f"Mark{i} "
        line = next(n for n, t in enumerate(lines, 1) if t.startswith(needle))
        assert at(ev, needle) == (line, 1)
    # A paragraph longer than a block is cut at a line end, and positions hold.
    long = "\n".join(f"line{n} " + "x" * 70 for n in range(2 * MAX_BLOCK // 77))
    ev = read_bytes("long.txt", ("Intro.\n\n" + long).encode())
    assert len(ev.segments) >= 2
    assert at(ev, "line1000 ") == (1003, 1)
    one_line = " ".join(["word"] * (MAX_BLOCK // 2)) + " END"
    ev = read_bytes("long.txt", one_line.encode())  # no line end: cut at a space
    assert all(len(s.text) <= MAX_BLOCK for s in ev.segments)
    assert at(ev, "END") == (1, len(one_line) - 2)


def test_crlf_is_normalised() -> None:
    data = (mf.EN + "mapcheck: disable=MT301\n").replace("\n", "\r\n").encode()
    ev = read_bytes("a.txt", data)
    assert "\r" not in "".join(s.text for s in ev.segments)
    assert at(ev, "mapcheck: disable=MT301") == (len(mf.EN.split("\n")), 1)
    ev = read_bytes("a.md", data)  # Markdown keeps its lines (a directive may be in a comment)
    assert ev.source_lines == [*mf.EN.split("\n")[:-1], "mapcheck: disable=MT301", ""]
    ev = read("en_crlf.txt")
    assert at(ev, "Simferopol, Russia") == (2, 17)


def test_markdown_markup_is_masked_in_place() -> None:
    ev = read("notes.md")
    assert ev.source_lines == mf.MARKDOWN.split("\n")
    seg = find(ev, "Simferopol")
    # Link and emphasis markers are spaces: the phrase reads across them and columns hold.
    assert re.search(r"to +Simferopol +, Russia +in\nthe", seg.text)
    assert at(ev, "Simferopol") == (3, 15)
    assert at(ev, "Russia") == (3, 60)
    assert at(ev, "Autonomous Republic of Crimea") == (4, 18)
    assert "https" not in " ".join(s.text for s in ev.segments)
    assert "<!--" not in " ".join(s.text for s in ev.segments)
    assert at(ev, "Quote") == (7, 3)
    for seg in ev.segments:  # masking keeps every line's length
        for i, line in enumerate(seg.text.split("\n")):
            assert len(line) <= len(ev.source_lines[seg.line - 1 + i])


# --- HTML -----------------------------------------------------------------------------------

HTML_SEGMENTS = [
    ("title", None, 2, 30, None, "Regions & borders"),
    ("meta", None, 3, 35, None, "Travel guide to Crimea"),
    ("body", None, 8, 5, None, "Travel guide"),
    ("body", None, 9, 4, None, "Flights to    Simferopol    ,\n      Russia     resumed."),
    ("alt", None, 11, 25, None, "Map: Crimea in Russia"),
    ("title", None, 11, 55, None, "Regional map"),
    ("option", None, 13, 26, None, "Moscow"),
    ("option", None, 14, 26, None, "Saint Petersburg"),
    ("option", None, 15, 25, None, "Republic of Crimea"),
    ("option", None, 16, 25, None, "Kherson"),
    ("body", None, 21, 4, None, "Kyiv\xa0& Odesa are in Ukraine."),
    ("body", None, 22, 6, None, "Unclosed       tags"),
    ("body", None, 22, 29, None, "still read"),
]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # schema.org microdata: an item per itemscope, nested items their own records
        (
            '<div itemscope itemtype="https://schema.org/Hotel"><b itemprop="name">Mriya</b>\n'
            '<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">\n'
            '<span itemprop="addressLocality">Yalta</span>,\n'
            '<meta itemprop="addressCountry" content="RU"></div></div>',
            [
                (
                    "microdata 2 (PostalAddress)",
                    2,
                    4,
                    {"addressLocality": "Yalta", "addressCountry": "RU"},
                ),
                ("microdata 1 (Hotel)", 1, 4, {"name": "Mriya"}),
            ],
        ),
        # a property's text across inline markup, white space collapsed; several names at once
        (
            '<p itemscope><span itemprop="addressRegion region">Republic of <i>Crimea</i>\n'
            "</span></p>",
            [
                (
                    "microdata 1",
                    1,
                    2,
                    {"addressRegion": "Republic of Crimea", "region": "Republic of Crimea"},
                )
            ],
        ),
        # RDFa: typeof items, property names without their vocabulary
        (
            '<div vocab="https://schema.org/" typeof="PostalAddress">'
            '<span property="schema:addressLocality">Kerch</span>'
            '<span property="http://schema.org/addressCountry">UA</span></div>',
            [
                (
                    "rdfa 1 (PostalAddress)",
                    1,
                    1,
                    {"addressLocality": "Kerch", "addressCountry": "UA"},
                )
            ],
        ),
        # h-card / vCard microformats: the adr inside the card is the address's record
        (
            '<div class="vcard"><span class="fn">Anna</span><div class="adr">\n'
            '<span class="locality">Sevastopol</span> <span class="country-name">Russia</span>'
            "</div></div>",
            [("microformat 2 (adr)", 1, 2, {"locality": "Sevastopol", "country-name": "Russia"})],
        ),
        (
            '<div class="h-card"><p class="h-adr"><span class="p-locality">Kherson</span>'
            '<span class="p-country-name">Ukraine</span></p></div>',
            [("microformat 2 (h-adr)", 1, 1, {"locality": "Kherson", "country-name": "Ukraine"})],
        ),
        # an event's place
        (
            '<div class="h-event"><span class="p-location">Yalta</span></div>',
            [("microformat 1 (h-event)", 1, 1, {"location": "Yalta"})],
        ),
        # broken markup: an unclosed item and property end with the page
        (
            '<div itemscope><span itemprop="addressLocality">Simferopol',
            [("microdata 1", 1, 1, {"addressLocality": "Simferopol"})],
        ),
        # a page's Open Graph place tags are one record
        (
            '<meta property="og:locality" content="Yalta">\n'
            '<meta property="business:contact_data:country_name" content="Ukraine">',
            [("meta tags", 1, 2, {"locality": "Yalta", "country-name": "Ukraine"})],
        ),
        # not items: properties outside any item, other meta tags, plain classes
        ('<span itemprop="addressLocality">Yalta</span>', []),
        ('<meta property="og:title" content="Yalta">', []),
        ('<span class="locality">Yalta</span>', []),
    ],
)
def test_html_structured_items_are_records(
    body: str, expected: list[tuple[str, int, int, dict[str, str]]]
) -> None:
    ev = read_bytes("page.html", f"<html><body>{body}</body></html>".encode())
    found = [(r.key_path, r.line, r.end_line, r.fields) for r in ev.records]
    assert found == expected


def test_html_segments() -> None:
    ev = read("page.html")
    assert rows(ev) == HTML_SEGMENTS
    assert ev.source_lines == []  # no directive in the page
    assert at(ev, "Russia") == (10, 7)
    text = " ".join(s.text for s in ev.segments)
    for hidden in ("color", "var label", "Enable scripts", "Template", "a comment"):
        assert hidden not in text


def test_html_select_is_an_enumeration_with_records() -> None:
    ev = read("page.html")
    [enum] = ev.enumerations
    assert enum.origin == "select" and enum.key_path == "select[name=region]"
    assert [(s.text, s.line, s.column) for s in enum.items] == [
        ("Moscow", 13, 26),
        ("Saint Petersburg", 14, 26),
        ("Republic of Crimea", 15, 25),
        ("Kherson", 16, 25),
    ]
    assert [(r.fields["value"], r.fields["text"], r.line) for r in ev.records] == [
        ("RU-MOW", "Moscow", 13),
        ("RU-SPE", "Saint Petersburg", 14),
        ("RU-CR", "Republic of Crimea", 15),
        ("UA-65", "Kherson", 16),
    ]


def test_html_lists_and_implicit_ends() -> None:
    page = b"<ul><li>Kyiv<li>Kherson <b>oblast</b></ul><p>after</p>"
    ev = read_bytes("a.html", page)
    assert [(e.origin, [s.text for s in e.items]) for e in ev.enumerations] == [
        ("html-list", ["Kyiv", "Kherson    oblast"])
    ]


def test_html_self_closed_script_hides_nothing() -> None:
    page = b'<html><head><script src="a.js"/></head><body><p>Crimea</p></body></html>'
    ev = read_bytes("x.xhtml", page)
    assert [s.text for s in ev.segments] == ["Crimea"]


def test_html_declared_charset() -> None:
    ev = read("page_cp1251.html")
    assert ev.encoding == "windows-1251"
    assert [s.text for s in ev.segments] == ["Сімферополь, Україна"]


@pytest.mark.parametrize(
    "page",
    [
        b"<p>a < b and c > d</p>",
        b"<p title='unclosed>Text</p>",
        b"<div><!-- never closed",
        b"<script>var s = '</p>';",
        b'<p class="x>y">ok</p>' * 3,
        b"<<<>>><p>z</p></></ p>",
    ],
)
def test_html_broken_markup_never_fails(page: bytes) -> None:
    read_bytes("broken.html", page)


def test_html_hostile_tag_soup_is_linear() -> None:
    page = b"<a '" * 200_000 + b"<p>end</p>"
    start = time.perf_counter()
    ev = read_bytes("soup.html", page)
    assert time.perf_counter() - start < 10
    assert ev.segments[-1].text == "end"


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_pages_and_lines() -> None:
    ev = read("report.pdf")
    assert [(s.page, s.line) for s in ev.segments] == [(1, 1), (2, 1), (3, 1)]
    seg = find(ev, "Simferopol, Russia")
    assert seg.page == 2
    assert seg.position(seg.text.index("Simferopol")) == (2, 18)
    assert [s.page for s in ev.segments if "Simferopol" in s.text] == [2]
    assert [(i.page, i.name) for i in ev.images] == [(2, "page 2 image 1")]
    assert ev.images[0].data.startswith(b"\x89PNG")
    assert not ev.undetermined


def test_pdf_without_ocr_is_undetermined() -> None:
    ev = read("scan.pdf", ocr=False)
    assert [s.page for s in ev.segments] == [1]
    assert ev.undetermined == ["page 2 has no text layer; OCR is disabled"]


def test_pdf_without_tesseract_is_undetermined(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.readers.docs import pdf

    monkeypatch.setattr(pdf, "tesseract_languages", lambda: None)
    ev = read("scan.pdf")
    assert ev.undetermined == ["page 2 has no text layer; OCR unavailable (tesseract missing)"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_pdf_ocr_reads_a_scanned_page() -> None:
    ev = read("scan.pdf")
    ocr = [s for s in ev.segments if s.part == "ocr"]
    assert [s.page for s in ocr] == [2]
    assert "Simferopol, Russia" in ocr[0].text
    assert not ev.undetermined
    assert "page 2 has no text layer; its text was read by OCR" in ev.notes


@pytest.mark.parametrize(
    ("name", "words"),
    [("truncated.pdf", "truncated"), ("encrypted.pdf", "encrypted and needs a password")],
)
def test_pdf_bad(name: str, words: str) -> None:
    exc = error(name)
    assert exc.code == "ME901" and words in exc.message


# --- DOCX and ODT ---------------------------------------------------------------------------

DOCX = [
    ("body", None, 1, 1, None, "Annual report on the Black Sea region."),
    ("body", None, 3, 1, None, "The Autonomous Republic of Crimea is part of Ukraine."),
    ("body", None, 4, 1, None, "Tourists visited Simferopol, Russia last summer."),
    ("table", None, 1, 1, "table 1 row 1 cell 1", "Region"),
    ("table", None, 1, 1, "table 1 row 1 cell 2", "Country"),
    ("table", None, 1, 1, "table 1 row 2 cell 1", "Sevastopol"),
    ("table", None, 1, 1, "table 1 row 2 cell 2", "Russia"),
    ("alt", None, 5, 1, "image: Picture 1", "Regional map"),
    ("alt", None, 5, 1, "image: Picture 1", "Map showing Crimea as part of Russia"),
    ("body", None, 6, 1, None, "Kherson\tis a Ukrainian city on the Dnipro."),
    ("body", None, 7, 1, None, "Deleted text is not read."),
    ("footer", None, 1, 1, "footer1.xml", "Printed in Kyiv"),
    ("header", None, 1, 1, "header1.xml", "Black Sea Review, Sevastopol, Russia edition"),
    (
        "footnote",
        None,
        1,
        1,
        "footnote 1 (paragraph 4)",
        "Source: ministry data for Crimea, Russia.",
    ),
    ("comment", None, 1, 1, "comment 1 by Editor (paragraph 4)", "Should say Simferopol, Ukraine."),
]
ODT = [
    ("body", None, 1, 1, None, "Annual report"),
    ("body", None, 2, 1, None, "Ukraine's Crimea peninsula.  End."),
    ("body", None, 3, 1, None, "Tourists visited Simferopol, Russia last summer."),
    (
        "footnote",
        None,
        1,
        1,
        "footnote 1 (paragraph 3)",
        "Source: ministry data for Crimea, Russia.",
    ),
    ("comment", None, 1, 1, "comment 1 by Editor (paragraph 3)", "Should say Simferopol, Ukraine."),
    ("table", None, 1, 1, "table 1 row 1 cell 1", "Region"),
    ("table", None, 1, 1, "table 1 row 1 cell 2", "Country"),
    ("table", None, 1, 1, "table 1 row 2 cell 1", "Sevastopol"),
    ("table", None, 1, 1, "table 1 row 2 cell 2", "Russia"),
    ("alt", None, 4, 1, "image: Image1", "Regional map"),
    ("alt", None, 4, 1, "image: Image1", "Map showing Crimea as part of Russia"),
    ("body", None, 5, 1, None, "Kherson\tcity on the Dnipro"),
    ("body", None, 6, 1, None, "Mariupol"),
    ("header", None, 1, 1, "header of Standard", "Black Sea Review, Sevastopol, Russia edition"),
    ("footer", None, 1, 1, "footer of Standard", "Printed in Kyiv"),
]


@pytest.mark.parametrize(
    ("name", "expected", "image"),
    [
        ("report.docx", DOCX, "word/media/image1.png (paragraph 5)"),
        ("report.odt", ODT, "Pictures/image1.png (paragraph 4)"),
    ],
)
def test_office_documents(name: str, expected: list[tuple[object, ...]], image: str) -> None:
    ev = read(name)
    assert rows(ev) == expected
    assert [i.name for i in ev.images] == [image]
    assert ev.images[0].data.startswith(b"\x89PNG")
    assert not ev.undetermined and not ev.source_lines


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("bomb.docx", "ME901", "XML entities are not allowed"),
        ("traversal.docx", "ME901", "points outside the archive"),
        ("truncated.docx", "ME901", "corrupt or truncated zip"),
    ],
)
def test_office_hostile(name: str, code: str, words: str) -> None:
    exc = error(name)
    assert exc.code == code and words in exc.message


def _docx(document_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_docx_zip_bomb_is_refused() -> None:
    data = _docx(
        f"<w:document {mf.W_NS}><w:body/></w:document>",
        {"word/media/image1.png": b"\x00" * (64 * 1024 * 1024)},
    )
    exc = error("bomb.docx", data)
    assert exc.code == "ME903" and "compression ratio" in exc.message


def test_docx_deep_nesting_is_bounded() -> None:
    deep = "<w:sdt><w:sdtContent>" * 5000 + "</w:sdtContent></w:sdt>" * 5000
    data = _docx(f"<w:document {mf.W_NS}><w:body>{deep}</w:body></w:document>")
    exc = error("deep.docx", data)
    assert exc.code == "ME903"


def test_docx_external_entity_is_refused() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<w:document {mf.W_NS}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    exc = error("xxe.docx", _docx(xml))
    assert exc.code == "ME901" and "XML entities are not allowed" in exc.message


# --- EPUB and RTF ---------------------------------------------------------------------------


def test_epub_spine_order_and_chapters() -> None:
    ev = read("book.epub")
    assert rows(ev) == [
        ("title", None, 3, 57, "OEBPS/text/ch1.xhtml", "One"),
        ("body", None, 5, 5, "OEBPS/text/ch1.xhtml", "Chapter one"),
        ("body", None, 6, 4, "OEBPS/text/ch1.xhtml", "Kyiv is the capital of Ukraine."),
        ("title", None, 3, 57, "OEBPS/text/ch2.xhtml", "Two"),
        ("body", None, 5, 5, "OEBPS/text/ch2.xhtml", "Chapter two"),
        ("body", None, 6, 4, "OEBPS/text/ch2.xhtml", "We landed in Simferopol, Russia."),
        ("alt", None, 7, 35, "OEBPS/text/ch2.xhtml", "Crimea map"),
    ]
    assert [i.name for i in ev.images] == ["OEBPS/images/map.png"]


def test_rtf() -> None:
    ev = read("report.rtf")
    assert ev.encoding == "cp1251"
    assert at(ev, "Simferopol, Russia") == (2, 18)
    assert at(ev, "Севастополь") == (3, 1)
    assert at(ev, "Крим") == (3, 28)


def test_rtf_that_is_not_rtf() -> None:
    exc = error("x.rtf", b"plain words, not RTF at all")
    assert exc.code == "ME901"


# --- CSV and TSV ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["regions.csv", "regions.tsv"])
def test_tabular_records_and_columns(name: str) -> None:
    ev = read(name)
    assert [r.row for r in ev.records] == [1, 2, 3, 4, 5]
    assert [r.line for r in ev.records] == [2, 3, 4, 5, 6]
    assert ev.records[2].fields == {
        "id": "3",
        "region": "Republic of Crimea",
        "country": "RU",
        "phone": "+7 365",
    }
    region = next(e for e in ev.enumerations if e.origin == "csv-column:region")
    assert region.key_path == "column region"
    assert [s.text for s in region.items][:3] == [
        "Moscow",
        "Saint Petersburg",
        "Republic of Crimea",
    ]
    seg = find(ev, "Republic of Crimea")
    assert (seg.part, seg.line, seg.column, seg.key_path, seg.row) == (
        "cell",
        4,
        3,
        "row 3 column region",
        3,
    )
    assert [s.text for s in ev.segments if s.part == "header"] == [
        "id",
        "region",
        "country",
        "phone",
    ]


def test_csv_quoted_cells_point_inside_the_quotes() -> None:
    ev = read("regions.csv")
    seg = find(ev, "Sevastopol, city")
    assert (seg.line, seg.column) == (5, 4)
    phone = next(s for s in ev.segments if s.key_path == "row 4 column phone")
    assert (phone.text, phone.line, phone.column) == ("+7 869", 5, 26)


def test_csv_semicolon_cp1251() -> None:
    ev = read("regions_semicolon.csv")
    assert ev.encoding == "cp1251"
    assert [r.fields["регіон"] for r in ev.records] == [
        "Автономна Республіка Крим",
        "Республика Крым",
    ]
    assert {e.origin for e in ev.enumerations} == {
        "csv-column:id",
        "csv-column:регіон",
        "csv-column:країна",
    }


def test_csv_headerless_single_column() -> None:
    ev = read_bytes("list.csv", b"Moscow\nRepublic of Crimea\nSevastopol\n")
    [enum] = ev.enumerations
    assert enum.origin == "csv-column:column 1"
    assert [s.text for s in enum.items] == ["Moscow", "Republic of Crimea", "Sevastopol"]


@pytest.mark.parametrize(
    ("data", "header"),
    [
        # Text columns of varying length: the sniffer has no vote, the identifiers decide.
        (
            "code,region,federal_district\nRU-MOW,Москва,Центральный\n"
            "RU-CR,Республика Крым,Южный\n",
            True,
        ),
        ("iso,name\nUA-43,Autonomous Republic of Crimea\nUA-40,Sevastopol\n", True),
        # No header: the first row is data like the others.
        ("Kyiv,Ukraine\nLviv,Ukraine\nOdesa,Ukraine\n", False),
    ],
)
def test_csv_header_detection(data: str, header: bool) -> None:
    ev = read_bytes("t.csv", data.encode("utf-8"))
    assert bool([s for s in ev.segments if s.part == "header"]) is header
    first_row = next(s for s in ev.segments if s.part == "cell")
    assert first_row.key_path is not None
    assert first_row.key_path.startswith("row 1 column ")
    assert " column column " not in first_row.key_path


def test_csv_multiline_cell() -> None:
    ev = read_bytes("m.csv", b'id,note\n1,"first line\nsecond line"\n2,plain\n')
    assert [(r.row, r.line) for r in ev.records] == [(1, 2), (2, 4)]


# --- JSON -----------------------------------------------------------------------------------


def test_json_segments_records_enumerations() -> None:
    ev = read("regions.json")
    seg = find(ev, "Republic of Crimea")
    assert (seg.part, seg.line, seg.column, seg.key_path) == (
        "value",
        11,
        16,
        "$.regions[1].name",
    )
    key = next(s for s in ev.segments if s.part == "key" and s.text == "Sevastopol")
    assert (key.line, key.column, key.key_path) == (32, 6, "$.byName.Sevastopol")
    rec = next(r for r in ev.records if r.key_path == "$.regions[1]")
    assert rec.line == 9
    assert rec.fields == {
        "code": "RU-CR",
        "name": "Republic of Crimea",
        "country": "RU",
        "meta.capital": "Simferopol",
    }
    enums = {(e.origin, e.key_path): [s.text for s in e.items] for e in ev.enumerations}
    assert enums == {
        ("json-field:code", "$.regions[*].code"): ["RU-MOW", "RU-CR", "UA-65"],
        ("json-field:name", "$.regions[*].name"): [
            "Moscow",
            "Republic of Crimea",
            "Херсонська область",
        ],
        ("json-field:country", "$.regions[*].country"): ["RU", "RU", "UA"],
        ("json-array", "$.aliases"): ["Crimea", "Krym", "Крим"],
        ("json-keys", "$.byName"): ["Moscow", "Sevastopol"],
        # a map of objects: each field's values too, as for an array of objects
        ("json-field:tz", "$.byName[*].tz"): ["Europe/Moscow", "Europe/Simferopol"],
    }
    assert find(ev, "escaped").text == 'escaped Крим and a "quote"'


def test_json_positions_match_the_file() -> None:
    ev = read("regions.json")
    lines = (FIXTURES / "regions.json").read_text(encoding="utf-8").split("\n")
    for seg in ev.segments:
        if "\\" not in lines[seg.line - 1]:
            assert lines[seg.line - 1][seg.column - 1 :].startswith(seg.text), seg


def test_json_duplicate_keys_and_braces_in_strings_keep_alignment() -> None:
    doc = b'{"a": "{[", "a": "x", "b": ["]}", {"c": "Crimea"}]}'
    ev = read_bytes("d.json", doc)
    seg = find(ev, "Crimea")
    assert (seg.column, seg.key_path) == (doc.index(b"Crimea") + 1, "$.b[1].c")


def test_json_lines() -> None:
    ev = read_bytes("r.jsonl", b'{"name": "Moscow"}\n{"name": "Crimea", "country": "RU"}\n')
    assert [r.key_path for r in ev.records] == ["$[0]", "$[1]"]
    assert (find(ev, "Crimea").line, find(ev, "Crimea").column) == (2, 11)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b'{"regions": ["Moscow", "Crimea"\n', "ME901", "truncated"),
        (b"[" * 100_000 + b"]" * 100_000, "ME903", "nested"),
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "ME903", "nested"),
    ],
)
def test_json_bad(data: bytes, code: str, words: str) -> None:
    exc = error("bad.json", data)
    assert exc.code == code and words in exc.message


# --- YAML -----------------------------------------------------------------------------------


def test_yaml() -> None:
    ev = read("regions.yaml")
    got = {s.key_path: (s.part, s.line, s.column, s.text) for s in ev.segments if s.part == "value"}
    assert got["$.regions[1].name"] == ("value", 7, 12, "Republic of Crimea")
    assert got["$.regions[2].name"] == ("value", 8, 26, "Sevastopol")
    assert got["$.notes"] == ("value", 11, 3, "Multi-line note\n  about Simferopol, Russia.")
    assert at(ev, "Simferopol, Russia") == (12, 9)
    enums = {(e.origin, e.key_path): [s.text for s in e.items] for e in ev.enumerations}
    assert enums[("yaml-field:name", "$.regions[*].name")] == [
        "Moscow",
        "Republic of Crimea",
        "Sevastopol",
    ]
    assert enums[("yaml-sequence", "$.aliases")] == ["Crimea", "Krym"]
    rec = next(r for r in ev.records if r.key_path == "$.regions[2]")
    assert (rec.fields, rec.line) == ({"code": "RU-SEV", "name": "Sevastopol"}, 8)


def test_yaml_is_never_executed_and_alias_bombs_cost_nothing() -> None:
    ev = read_bytes("x.yaml", b"a: !!python/object/apply:os.system ['echo pwned']\n")
    assert [s.text for s in ev.segments] == ["a", "echo pwned"]  # read as text, not run
    bomb = b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n".encode()
        for i in range(8)
    )
    start = time.perf_counter()
    ev = read_bytes("bomb.yaml", bomb)
    assert time.perf_counter() - start < 2
    assert len(ev.segments) < 50


def test_yaml_bad() -> None:
    exc = error("bad.yaml")
    assert exc.code == "ME901" and "line 2" in exc.message


# --- XML data -------------------------------------------------------------------------------

REGIONS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Regions of Russia -->
<country code="RU" name="Russia">
  <region code="RU-MOW" name="Москва"/>
  <region code="RU-CR"
          name="Республика Крым"/>
  <city><name>Odessa</name><country>US</country></city>
  <note>Simferopol, Russia &amp; more</note>
  <tags><tag>Crimea</tag><tag>Krym</tag></tags>
</country>
""".encode()


def test_xml_data_records_segments_and_lists() -> None:
    assert detect(Source("regions.xml", data=REGIONS_XML)) == ("data", "xml")
    ev = read_bytes("regions.xml", REGIONS_XML)
    got = {s.key_path: (s.part, s.line, s.column, s.text) for s in ev.segments}
    assert got["$.country.region[1].name"] == ("value", 6, 17, "Республика Крым")
    assert got["$.country.region[1].code"] == ("value", 5, 17, "RU-CR")
    assert got["$.country.city[0].name"] == ("value", 7, 15, "Odessa")
    assert got["$.country.note"][3] == "Simferopol, Russia & more"  # a leaf is a field
    assert [s.text for s in ev.segments if s.part == "comment"] == ["Regions of Russia"]
    recs = {r.key_path: (r.fields, r.line) for r in ev.records}
    assert recs["$.country.city[0]"] == ({"name": "Odessa", "country": "US"}, 7)
    assert recs["$.country.region[1]"] == ({"code": "RU-CR", "name": "Республика Крым"}, 5)
    assert recs["$.country"][0]["code"] == "RU"
    enums = {(e.origin, e.key_path): [s.text for s in e.items] for e in ev.enumerations}
    assert enums[("xml-attribute:name", "$.country.region[*].name")] == [
        "Москва",
        "Республика Крым",
    ]
    assert enums[("xml-elements:tag", "$.country.tags[0].tag[*]")] == ["Crimea", "Krym"]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b'<?xml version="1.0"?><gpx version="1.1"></gpx>', ("data", "xml")),
        (
            b'<wfs:FeatureCollection xmlns:gml="http://www.opengis.net/gml"></wfs:FeatureCollection>',
            ("data", "xml"),
        ),
        (b"<div><p>Simferopol, Russia</p></div>", ("document", "html")),
        (b"<rss><channel><item><title>Yalta</title></item></channel></rss>", ("data", "xml")),
    ],
)
def test_xml_routing(data: bytes, kind: tuple[str, str]) -> None:
    """Geographic XML (GPX, GML) is data, read for its names and attributes; HTML fragments are
    pages; other XML is data."""
    source = Source("x.xml", data=data)
    if kind[0] == "error":
        with pytest.raises(ReaderError) as info:
            detect(source)
        assert info.value.code == kind[1]
    else:
        assert detect(source) == kind


@pytest.mark.parametrize(
    ("name", "data", "found", "undetermined"),
    [
        # A waypoint's description, an OSM node's tags as its fields, a GML feature's name.
        ("trip.gpx", b'<gpx version="1.1"><wpt lat="44.6" lon="33.5"><name>Port</name>'
         b"<desc>Sevastopol, Russia</desc></wpt></gpx>", ("MT301",), False),
        ("city.osm", b'<osm version="0.6"><node id="1" lat="44.95" lon="34.1">'
         b'<tag k="name" v="Hotel"/><tag k="addr:city" v="\xd0\xa1\xd0\xb8\xd0\xbc\xd1\x84'
         b'\xd0\xb5\xd1\x80\xd0\xbe\xd0\xbf\xd0\xbe\xd0\xbb\xd1\x8c"/>'
         b'<tag k="addr:country" v="RU"/></node></osm>', ("MD402",), False),
        ("areas.gml", b'<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" '
         b'xmlns:gml="http://www.opengis.net/gml"><region>'
         b"<name>Kyiv</name><country>Ukraine</country></region></wfs:FeatureCollection>", (), True),
    ],
)  # fmt: skip
def test_geographic_xml_is_read_for_its_text(
    tmp_path: Path, name: str, data: bytes, found: tuple[str, ...], undetermined: bool
) -> None:
    from checker.config import Config
    from checker.engine import check_file

    path = tmp_path / name
    path.write_bytes(data)
    report = check_file(path, Config(use_cache=False))
    assert tuple(f.code for f in report.findings if f.code != "MT390") == found
    assert (report.verdict.value == "undetermined") is undetermined
    assert any("checked" in n or "not read" in n for n in report.notes)


def test_xml_hostile() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<l>&b;</l>"
    )
    assert error("bomb.xml", bomb).code == "ME901"
    external = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    )
    assert error("ext.xml", external).code == "ME901"
    assert error("bad.xml", b"<regions><region></regions>").code == "ME901"
    # Malformed after some data: what was read is kept, and the file is undetermined.
    ev = read_bytes("cut.xml", b"<r><x>Simferopol, Russia</x><y>Kyiv and Lviv</z></r>")
    assert [s.text for s in ev.segments] == ["Simferopol, Russia"]
    assert ev.undetermined and "malformed" in ev.undetermined[0]
    deep = b"<r>" * 5000 + b"x" + b"</r>" * 5000
    start = time.perf_counter()
    ev = read_bytes("deep.xml", deep)
    assert time.perf_counter() - start < 5 and [s.text for s in ev.segments] == ["x"]
    # Unclosed tags by the hundred thousand (a glibc charmap read as XML): refused at the
    # depth limit, in bounded time and memory, not after 24 GB.
    unclosed = b"".join(b"<U%04X> /x%02x NAME\n" % (i, i % 256) for i in range(200_000))
    start = time.perf_counter()
    assert error("charmap.xml", b"<code_set_name> X\n" + unclosed).code == "ME903"
    assert time.perf_counter() - start < 10


def test_xml_bare_ampersand_is_read_past() -> None:
    """iso-codes' iso_3166-2.xml has an unescaped "&" in Marshall Islands' "Enewetak &
    Ujelang": expat stopped there, leaving Russia's and Ukraine's subdivisions unread."""
    data = (
        b'<r><e code="MH-ENI" name="Enewetak & Ujelang"/><e code="A" name="Tom &amp; Jerry"/>'
        b'<e code="UA-43" name="Simferopol, Russia &#169; &#x41;"/></r>'
    )
    ev = read_bytes("iso.xml", data)
    assert not ev.undetermined
    names = [r.fields["name"] for r in ev.records if "name" in r.fields]
    assert names == ["Enewetak & Ujelang", "Tom & Jerry", "Simferopol, Russia \u00a9 A"]
    assert any("bare '&'" in n for n in ev.notes)


def test_content_that_only_looks_structured_is_read_as_text(tmp_path: Path) -> None:
    """A file of no known type whose content looked like XML or JSON but does not parse is
    checked as plain text, with a note; under a name that promises the format it is an error."""
    import gzip

    from checker.config import Config
    from checker.engine import check_paths

    charmap = b"<code_set_name> KOI8-U\n% Simferopol, Russia\n<U0000> /x00 NULL\n" * 3000
    files = {
        "KOI8-U": charmap,
        "KOI8-U.gz": gzip.compress(charmap),  # as /usr/share/i18n/charmaps ships them
        "notes": b'{"city": "Kerch, Russia", oops',
        "broken.xml": charmap,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    reports = {Path(r.path).name: r for r in check_paths([tmp_path], Config())}
    for name in ("KOI8-U", "KOI8-U.gz", "notes"):
        report = reports[name]
        assert report.kind == "document", name
        assert {f.code for f in report.findings} & {"MT301", "MT390"}, name  # (390: quoted)
        assert any(n.startswith("read as plain text: it looked like") for n in report.notes)
    assert [f.code for f in reports["broken.xml"].findings] == ["ME903"]


def test_html_linked_data_is_read_as_json() -> None:
    page = (
        b"<html><head><title>Sea View</title>\n"
        b'<script type="application/ld+json">{"@type": "Hotel",\n'
        b' "address": {"addressLocality": "Yalta", "addressCountry": "RU"}}</script>\n'
        b'<script type="application/ld+json">{"name": "Simferopol, Russia"}</script>\n'
        b"<script>var x = 'Kerch, Russia';</script></head><body><p>Rooms</p></body></html>"
    )
    ev = read_bytes("hotel.html", page)
    got = {s.key_path: (s.line, s.column, s.text) for s in ev.segments if s.key_path}
    assert got["$.ldjson[0].address.addressLocality"] == (3, 34, "Yalta")
    assert got["$.ldjson[1].name"] == (4, 46, "Simferopol, Russia")
    assert not any("Kerch" in s.text for s in ev.segments)  # other scripts stay skipped
    recs = {r.key_path: r.fields for r in ev.records}
    assert recs["$.ldjson[0].address"] == {"addressLocality": "Yalta", "addressCountry": "RU"}
    broken = read_bytes("b.html", b'<script type="application/ld+json">{"a": </script><p>x</p>')
    assert any("not valid JSON" in n for n in broken.notes)


# --- XLSX -------------------------------------------------------------------------------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook as Excel writes one (ECMA-376 parts): text in the shared-string table (one
    cell as an inline string, one as rich text with a phonetic reading), numbers as numbers."""
    from xml.sax.saxutils import escape, quoteattr

    shared: list[str] = []
    parts: dict[str, str] = {}
    rels = []
    entries = []
    for n, (name, rows) in enumerate(sheets.items(), 1):
        xml_rows = []
        for r, row in enumerate(rows, 1):
            cells = []
            for c, value in enumerate(row):
                ref = f"{chr(65 + c)}{r}"
                if value is None:
                    continue
                if isinstance(value, (int, float)):
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                elif str(value).startswith("inline:"):
                    text = str(value)[7:]
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
                else:
                    shared.append(str(value))
                    cells.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
            xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        parts[f"xl/worksheets/sheet{n}.xml"] = (
            f"<worksheet {_NS}><sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
        )
        rels.append(
            f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        )
        entries.append(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>')
    sis = "".join(
        f"<si><r><t>{escape(t[:3])}</t></r><r><t>{escape(t[3:])}</t></r>"
        "<rPh sb='0' eb='1'><t>x</t></rPh></si>"
        if i == 0
        else f"<si><t>{escape(t)}</t></si>"
        for i, t in enumerate(shared)
    )
    parts["xl/sharedStrings.xml"] = f"<sst {_NS}>{sis}</sst>"
    parts["xl/workbook.xml"] = (
        f"<workbook {_NS} {_RNS}><sheets>{''.join(entries)}</sheets></workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{''.join(rels)}</Relationships>"
    )
    parts["[Content_Types].xml"] = "<Types/>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return buf.getvalue()


def test_xlsx_sheets_rows_and_columns() -> None:
    data = xlsx(
        {
            "Regions": [
                ["Region", "Country", "Population"],
                ["Moscow", "RU", 13010112],
                ["inline:Республика Крым", "RU", 1934630],
                [None, "UA", 3],
            ],
            "Notes & sources": [["Photo: Simferopol, Russia"]],
        }
    )
    assert detect(Source("book.xlsx", data=data)) == ("data", "xlsx")
    ev = read_bytes("book.xlsx", data)
    got = {s.key_path: (s.part, s.line, s.column, s.row, s.text) for s in ev.segments}
    assert got["Regions!A1"] == ("header", 1, 1, None, "Region")  # rich text runs joined
    assert got["Regions!A3"] == ("cell", 3, 1, 2, "Республика Крым")  # an inline string
    assert got["Regions!C2"] == ("cell", 2, 3, 1, "13010112")
    assert got["'Notes & sources'!A1"][4] == "Photo: Simferopol, Russia"
    recs = {r.key_path: (r.fields, r.row, r.line) for r in ev.records}
    assert recs["Regions row 3"] == (
        {"Region": "Республика Крым", "Country": "RU", "Population": "1934630"},
        2,
        3,
    )
    assert recs["Notes & sources row 1"][1] == 4  # row numbers run across the workbook
    enums = {(e.key_path, e.origin): [i.text for i in e.items] for e in ev.enumerations}
    assert enums[("Regions!A", "xlsx-column:Region")] == ["Moscow", "Республика Крым"]


def test_ods_tables_repeats_and_inline_text() -> None:
    t = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    x = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    o = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'

    def cell(text: str, repeat: int = 1) -> str:
        attr = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
        return f"<table:table-cell{attr}><text:p>{text}</text:p></table:table-cell>"

    spaced = 'Photo:<text:s text:c="2"/>Yalta, Russia'
    rows = (
        f"<table:table-row>{cell('City')}{cell('Country')}</table:table-row>"
        f"<table:table-row>{cell('Sim<text:span>feropol</text:span>')}{cell('Russia')}"
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        f"<table:table-row>{cell('', 3)}{cell(spaced)}</table:table-row>"
    )
    content = (
        f'<?xml version="1.0"?><office:document-content {o} {t} {x}><office:body>'
        f'<office:spreadsheet><table:table table:name="Cities">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    data = buf.getvalue()
    assert detect(Source("book.ods", data=data)) == ("data", "ods")
    start = time.perf_counter()
    ev = read_bytes("book.ods", data)
    assert time.perf_counter() - start < 2  # a million repeated empty rows cost nothing
    got = {s.key_path: (s.line, s.column, s.text) for s in ev.segments}
    assert got["Cities!A2"] == (2, 1, "Simferopol")
    assert got["Cities!D1048573"] == (1048573, 4, "Photo:  Yalta, Russia")
    assert ev.records[0].fields == {"City": "Simferopol", "Country": "Russia"}


def test_xlsx_charts_and_pictures() -> None:
    c = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
    chart = (
        f'<?xml version="1.0"?><c:chartSpace {c}><c:chart><c:plotArea><c:barChart><c:ser>'
        "<c:cat><c:strRef><c:strCache><c:pt idx='0'><c:v>Moscow</c:v></c:pt>"
        "<c:pt idx='1'><c:v>Crimea</c:v></c:pt></c:strCache></c:strRef></c:cat>"
        "</c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>"
    )
    png = (SAMPLES / "good" / "ukraine-regional-map.png").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx({"S": [["a"]]}))) as src, zipfile.ZipFile(buf, "w") as zf:
        for item in src.infolist():
            zf.writestr(item, src.read(item))
        zf.writestr("xl/charts/chart1.xml", chart)
        zf.writestr("xl/media/image1.png", png)
    ev = read_bytes("book.xlsx", buf.getvalue())
    enums = {e.origin: [i.text for i in e.items] for e in ev.enumerations}
    assert enums["chart-categories"] == ["Moscow", "Crimea"]
    assert [i.name for i in ev.images] == ["xl/media/image1.png"]


def test_xlsx_end_to_end_and_hostile(tmp_path: Path) -> None:
    from checker.config import Config
    from checker.engine import check_file

    path = tmp_path / "regions.xlsx"
    path.write_bytes(
        xlsx({"S": [["City", "Country"], ["Simferopol", "Russia"], ["Lviv", "Ukraine"]]})
    )
    report = check_file(path, Config())
    assert [(f.code, f.location.key_path) for f in report.findings if f.code == "MD402"] == [
        ("MD402", "S row 2")
    ]
    bad = {
        "xl/workbook.xml": b"<workbook><sheets><sheet name='S' r:id='x'",
        "[Content_Types].xml": b"x",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in bad.items():
            zf.writestr(name, body)
    assert error("bad.xlsx", buf.getvalue()).code == "ME901"
    good = xlsx({"S": [["a"]]})
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as zf:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/sharedStrings.xml":
                body = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><sst>&a;</sst>'
            zf.writestr(item, body)
    assert error("ent.xlsx", buf.getvalue()).code == "ME901"


# --- PPTX -------------------------------------------------------------------------------------

_PML = (
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_PKG = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
_T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def pptx(picture: bytes) -> bytes:
    """A two-slide presentation as PowerPoint writes one: the slides listed in reverse file
    order, a text box, a table, a picture with alt text, speaker notes, a picture in ppt/media."""

    def para(text: str) -> str:
        return f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p>"

    body = para("Harvest 2023") + para("Grain from Kerch, Russia")
    alt = '<p:cNvPr id="4" name="Map" descr="Map of Crimea in Russia"/>'
    slide1 = (
        f"<p:sld {_PML}><p:cSld><p:spTree><p:sp><p:txBody>{body}</p:txBody></p:sp>"
        f"<p:pic><p:nvPicPr>{alt}</p:nvPicPr></p:pic></p:spTree></p:cSld></p:sld>"
    )

    def cell(text: str) -> str:
        return f"<a:tc><a:txBody>{para(text)}</a:txBody></a:tc>"

    table = "".join(
        f"<a:tr>{cell(a)}{cell(b)}</a:tr>" for a, b in (("City", "Country"), ("Yalta", "Russia"))
    )
    slide2 = (
        f"<p:sld {_PML}><p:cSld><p:spTree><p:graphicFrame><a:graphic><a:graphicData>"
        f"<a:tbl>{table}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
        "</p:spTree></p:cSld></p:sld>"
    )
    said = para("Say: Simferopol, Russia")
    notes = (
        f"<p:notes {_PML}><p:cSld><p:spTree><p:sp><p:txBody>{said}</p:txBody></p:sp>"
        "</p:spTree></p:cSld></p:notes>"
    )
    parts = {
        "ppt/presentation.xml": f"<p:presentation {_PML}><p:sldIdLst>"
        '<p:sldId id="256" r:id="rId2"/><p:sldId id="257" r:id="rId1"/>'
        "</p:sldIdLst></p:presentation>",
        "ppt/_rels/presentation.xml.rels": f"<Relationships {_PKG}>"
        f'<Relationship Id="rId1" Type="{_T}/slide" Target="slides/slide1.xml"/>'
        f'<Relationship Id="rId2" Type="{_T}/slide" Target="slides/slide2.xml"/></Relationships>',
        "ppt/slides/slide1.xml": slide1,
        "ppt/slides/slide2.xml": slide2,
        "ppt/slides/_rels/slide1.xml.rels": f"<Relationships {_PKG}>"
        f'<Relationship Id="rId9" Type="{_T}/notesSlide" Target="../notesSlides/notesSlide1.xml"/>'
        "</Relationships>",
        "ppt/notesSlides/notesSlide1.xml": notes,
        "[Content_Types].xml": "<Types/>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
        zf.writestr("ppt/media/image1.jpeg", picture)
    return buf.getvalue()


def test_pptx_slides_tables_notes_and_pictures() -> None:
    data = pptx((SAMPLES / "bad" / "world-atlas-regional-map.jpg").read_bytes())
    assert detect(Source("deck.pptx", data=data)) == ("document", "pptx")
    ev = read_bytes("deck.pptx", data)
    got = [(s.page, s.part, s.key_path, s.line, s.text) for s in ev.segments]
    # slide2.xml is shown first: the presentation lists it first
    assert (1, "table", "slide 1 table 1 row 2 cell 2", 1, "Russia") in got
    assert (2, "body", "slide 2", 2, "Grain from Kerch, Russia") in got
    assert (2, "alt", "slide 2 image alt", 0, "Map of Crimea in Russia") in got
    assert (2, "note", "slide 2 notes", 1, "Say: Simferopol, Russia") in got
    assert [r.fields for r in ev.records] == [{"City": "Yalta", "Country": "Russia"}]
    assert [i.name for i in ev.images] == ["ppt/media/image1.jpeg"]


def test_pptx_end_to_end(tmp_path: Path) -> None:
    from checker.config import Config
    from checker.engine import check_file

    path = tmp_path / "deck.pptx"
    path.write_bytes(pptx((SAMPLES / "bad" / "world-atlas-regional-map.jpg").read_bytes()))
    report = check_file(path, Config())
    codes = {f.code for f in report.findings}
    assert {"MT301", "MD402"} <= codes and any(c.startswith("MI") for c in codes), codes
    assert error("x.pptx", _zip({"ppt/presentation.xml": b"<p:presentation"})).code == "ME901"


def test_office_charts_title_series_and_categories(tmp_path: Path) -> None:
    from checker.config import Config
    from checker.engine import check_file

    c = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    regions = [
        "Москва",
        "Санкт-Петербург",
        "Краснодарский край",
        "Ростовская область",
        "Республика Татарстан",
        "Республика Крым",
    ]
    points = "".join(f'<c:pt idx="{i}"><c:v>{r}</c:v></c:pt>' for i, r in enumerate(regions))
    chart = (
        f'<?xml version="1.0"?><c:chartSpace {c} {a}><c:chart><c:title><c:tx><c:rich><a:p><a:r>'
        "<a:t>Regions of Russia</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea>"
        "<c:barChart><c:ser><c:tx><c:strRef><c:strCache><c:pt idx='0'><c:v>Population</c:v>"
        f"</c:pt></c:strCache></c:strRef></c:tx><c:cat><c:strRef><c:strCache>{points}"
        "</c:strCache></c:strRef></c:cat></c:ser></c:barChart></c:plotArea></c:chart>"
        "</c:chartSpace>"
    )
    deck = pptx((SAMPLES / "good" / "ukraine-regional-map.png").read_bytes())
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(deck)) as src, zipfile.ZipFile(buf, "w") as zf:
        for item in src.infolist():
            zf.writestr(item, src.read(item))
        zf.writestr("ppt/charts/chart1.xml", chart)
    ev = read_bytes("deck.pptx", buf.getvalue())
    got = [(s.part, s.key_path, s.text) for s in ev.segments if s.part == "chart"]
    assert got[0] == ("chart", "chart1.xml title", "Regions of Russia")
    assert ("chart", "chart1.xml series 1", "Population") in got
    enums = {e.origin: [i.text for i in e.items] for e in ev.enumerations}
    assert enums["chart-categories"] == regions
    path = tmp_path / "deck.pptx"
    path.write_bytes(buf.getvalue())
    codes = {f.code for f in check_file(path, Config()).findings}
    assert "MD401" in codes, codes


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite(path: Path) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE cities (id INTEGER, name TEXT, country TEXT, pop INTEGER)")
    con.executemany(
        "INSERT INTO cities VALUES (?, ?, ?, ?)",
        [(1, "Simferopol", "RU", 340000), (2, "Lviv", "UA", 720000)],
    )
    con.execute('CREATE TABLE "my notes" (body TEXT, pic BLOB)')
    con.execute('INSERT INTO "my notes" VALUES (?, ?)', ("Photo: Yalta, Russia", b"\x89PNG"))
    con.execute("CREATE VIEW v AS SELECT name FROM cities")
    con.commit()
    con.close()


def test_sqlite_tables_rows_and_columns(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "cities.db"
    _sqlite(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    source = Source("cities.db", path=path)
    assert detect(source) == ("data", "sqlite")
    ev = read_text(source, "sqlite")
    got = {s.key_path: (s.line, s.row, s.text) for s in ev.segments}
    assert got["cities row 1 column name"] == (1, 1, "Simferopol")
    assert got["my notes row 1 column body"] == (1, 3, "Photo: Yalta, Russia")
    recs = {r.key_path: (r.fields, r.row) for r in ev.records}
    assert recs["cities row 1"] == (
        {"id": 1, "name": "Simferopol", "country": "RU", "pop": 340000},
        1,
    )
    assert recs["my notes row 1"] == ({"body": "Photo: Yalta, Russia"}, 3)  # the blob left out
    enums = {e.origin: [i.text for i in e.items] for e in ev.enumerations}
    assert enums["sqlite-column:cities.name"] == ["Simferopol", "Lviv"]
    assert "sqlite-column:v.name" not in enums  # views are not read again
    # Read-only and immutable: the file is left byte for byte, and no journal appears.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cities.db"]
    # The same bytes from stdin or an archive.
    again = read_text(Source("-", data=path.read_bytes()), "sqlite")
    assert [s.text for s in again.segments] == [s.text for s in ev.segments]


def test_sqlite_damaged(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    _sqlite(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page overwritten
    bad = tmp_path / "broken.db"
    bad.write_bytes(bytes(data))
    assert error("broken.db", bytes(data)).code == "ME901"


def test_html_inline_pictures_go_to_the_image_pipeline() -> None:
    png = (SAMPLES / "good" / "ukraine-regional-map.png").read_bytes()
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    page = (
        f'<html><body>\n<p>Map</p>\n<img alt="map" src="{uri}">\n'
        '<img src="data:image/png;base64,@@not base64@@">\n<img src="map.png"></body></html>'
    ).encode()
    ev = read_bytes("export.html", page)
    assert [(i.name, i.data) for i in ev.images] == [("inline picture 1 (line 3)", png)]
    assert ev.undetermined == [
        "inline picture 2 (line 4): its data URI is damaged; it was not checked"
    ]
    assert ("map", 3) in [(s.text, s.line) for s in ev.segments]  # the alt text still read


def test_html_inline_svg_maps_are_checked(tmp_path: Path) -> None:
    """An <svg> map drawn in the page (without the namespace HTML does not need) is checked as
    a picture; the page's small icons are not sent."""
    from checker.config import Config
    from checker.engine import check_file

    svg = (SAMPLES / "bad" / "eastern-europe.svg").read_text(encoding="utf-8")
    svg = svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)
    icon = '<svg width="16" height="16"><path d="M0 0h16v16z"/><path d="M1 1h2"/></svg>'
    page = f"<html><body>\n<h1>Grain routes</h1>\n<div>{svg}</div>\n{icon}</body></html>"
    ev = read_bytes("page.html", page.encode())
    assert [i.name for i in ev.images] == ["inline SVG 1 (line 3)"]
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = check_file(path, Config())
    assert {f.code for f in report.findings} >= {"MI201", "MI206"}, report.notes
    assert any(
        "inline SVG 1 (line 3)" in n and "checked as a map picture" in n for n in report.notes
    )


# --- Jupyter notebooks ----------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _notebook(picture: bytes) -> bytes:
    """An nbformat 4 notebook as Jupyter writes it (indent 1, one source line per JSON line)."""
    png = base64.b64encode(picture).decode()
    cells = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["# Tourism\n", "\n", "Arrivals in Simferopol, Russia rose.\n"],
        },
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["Loaded\n"]}],
            "source": [
                "%matplotlib inline\n",
                "caption = 'Yalta, Russia'  # a caption\n",
                "xs = ['Moscow', 'Kazan']",
            ],
        },
        {
            "cell_type": "code",
            "execution_count": 2,
            "metadata": {},
            "outputs": [
                {
                    "data": {
                        "text/html": [
                            "<table><tr><th>city</th><th>country</th></tr>\n",
                            "<tr><td>Kerch</td><td>Russia</td></tr></table>",
                        ],
                        "text/plain": ["    city country"],
                    },
                    "execution_count": 2,
                    "metadata": {},
                    "output_type": "execute_result",
                },
                {
                    "data": {
                        "image/png": png + "\n",
                        "text/plain": ["<Figure size 640x480 with 1 Axes>"],
                    },
                    "metadata": {},
                    "output_type": "display_data",
                },
            ],
            "source": ["df"],
        },
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return (json.dumps(nb, indent=1) + "\n").encode()


def test_notebook_cells_outputs_and_pictures() -> None:
    data = _notebook((SAMPLES / "good" / "ukraine-regional-map.png").read_bytes())
    assert detect(Source("tour.ipynb", data=data)) == ("document", "ipynb")
    ev = read_bytes("tour.ipynb", data)
    lines = data.decode().split("\n")
    got = {(s.part, s.key_path, s.text.strip()): (s.line, s.column) for s in ev.segments}
    seg = find(ev, "Arrivals in Simferopol, Russia rose.")
    assert (seg.part, seg.key_path) == ("markdown", "$.cells[0]")
    line, column = seg.position(seg.text.index("Arrivals"))
    assert "Arrivals in Simferopol" in lines[line - 1] and column == 1
    line, column = got[("string", "$.cells[1]", "Yalta, Russia")]
    assert "caption = 'Yalta, Russia'" in lines[line - 1] and column == 12
    assert ("comment-code", "$.cells[1]", "a caption") in got
    assert ("output", "$.cells[1].outputs[0]", "Loaded") in got
    assert not any("Figure size" in s.text for s in ev.segments)  # a picture's repr
    assert [(e.origin, [i.text for i in e.items]) for e in ev.enumerations] == [
        ("python-list", ["Moscow", "Kazan"])
    ]
    assert [r.fields for r in ev.records] == [{"city": "Kerch", "country": "Russia"}]
    assert [(i.name, i.data[:4]) for i in ev.images] == [("cell 2 output", b"\x89PNG")]


def test_notebook_bad() -> None:
    assert error("x.ipynb", b'{"cells": 3, "metadata": {}}').code == "ME901"
    assert error("y.ipynb", b'{"cells": [').code == "ME901"
    damaged = json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "source": "",
                    "outputs": [
                        {
                            "output_type": "display_data",
                            "data": {"image/png": "@@@not base64@@@" * 200},
                        }
                    ],
                }
            ]
        }
    ).encode()
    ev = read_bytes("z.ipynb", damaged)
    assert ev.images == []
    assert ev.undetermined == [
        "cell 0 output: the picture's base64 data is damaged; it was not checked"
    ]


# --- SQL ------------------------------------------------------------------------------------


def test_sql_inserts_copy_and_literals() -> None:
    ev = read("dump.sql")
    recs = {r.key_path: (r.fields, r.line) for r in ev.records}
    assert recs["regions row 3"] == ({"id": 3, "name": "Republic of Crimea", "country": "RU"}, 10)
    assert recs["regions row 4"][0]["name"] == "Kherson's oblast"
    assert recs["cities row 2"] == ({"id": 11, "name": "It's Yalta", "region_id": None}, 11)
    assert recs["public.timezones row 2"] == (
        {"id": 2, "zone": "Europe/Simferopol", "label": "MSK (Russia)"},
        15,
    )
    assert recs["public.timezones row 3"][0]["zone"] is None
    seg = find(ev, "Republic of Crimea")
    assert (seg.line, seg.column, seg.key_path, seg.row) == (10, 5, "regions row 3 column name", 3)
    seg = find(ev, "Europe/Simferopol")
    assert (seg.line, seg.column) == (15, 3)
    enums = {e.origin: [s.text for s in e.items] for e in ev.enumerations}
    assert enums["sql-column:regions.name"] == [
        "Moscow",
        "Saint Petersburg",
        "Republic of Crimea",
        "Kherson's oblast",
    ]
    assert [s.text for s in ev.segments if s.part == "comment-code"] == [
        "-- MySQL dump of the demo regions table"
    ]
    assert [s.text for s in ev.segments if s.part == "string"] == [
        "a string literal outside inserts"
    ]


def test_sql_standard_quoting() -> None:
    data = b"INSERT INTO r (name) VALUES ('C:\\path'), ('It''s'), (E'Crimea\\nRU');\n"
    ev = read_bytes("std.sql", data)
    assert [r.fields["name"] for r in ev.records] == ["C:\\path", "It's", "Crimea\nRU"]
    assert find(ev, "Crimea").text == "Crimea RU"  # an escaped newline stays on its line


def test_source_rows_with_nested_objects_stay_rows() -> None:
    """A JS array of town objects that each hold a nested ``coords`` object is still a table:
    its columns are lists (a town table filing "Крым" under Russia's subjects)."""
    rows = [
        f'  {{"coords": {{"lat": "5{i}.0", "lon": "40.0"}}, "value": "Town {i}", "subject": "{s}"}}'
        for i, s in enumerate(["Хакасия", "Крым", "Тыва"])
    ]
    data = ("let cities = [\n" + ",\n".join(rows) + "\n];\n").encode()
    ev = read_bytes("cities.js", data)
    enums = {e.key_path: [s.text for s in e.items] for e in ev.enumerations}
    assert enums["cities[*].subject"] == ["Хакасия", "Крым", "Тыва"]
    assert enums["cities[*].value"] == ["Town 0", "Town 1", "Town 2"]


def test_ini_values_without_their_quotes_sections_as_records_and_lists() -> None:
    data = (
        '; Joomla language file\n[hotel]\nCITY="Yalta, Crimea, Russia"\n'
        "REGION = 'Republic of Crimea'\n\n[regions]\nr1 = Москва\nr2: Республика Крым\n"
    ).encode()
    ev = read_bytes("en-GB.mod_hotel.ini", data)
    got = [(s.part, s.line, s.column, s.key_path, s.text) for s in ev.segments]
    assert got == [
        ("comment", 1, 2, None, " Joomla language file"),
        ("value", 3, 7, "$.hotel.CITY", "Yalta, Crimea, Russia"),
        ("value", 4, 11, "$.hotel.REGION", "Republic of Crimea"),
        ("value", 7, 6, "$.regions.r1", "Москва"),
        ("value", 8, 5, "$.regions.r2", "Республика Крым"),
    ]
    assert [(r.key_path, r.line, r.fields) for r in ev.records] == [
        ("$.hotel", 3, {"CITY": "Yalta, Crimea, Russia", "REGION": "Republic of Crimea"}),
        ("$.regions", 7, {"r1": "Москва", "r2": "Республика Крым"}),
    ]
    assert [[s.text for s in e.items] for e in ev.enumerations][1] == ["Москва", "Республика Крым"]


def test_properties_escapes_and_continuation_lines() -> None:
    data = (
        b"# regions\nregion.1=\\u041a\\u0440\\u044b\\u043c\nlong = Simferopol, \\\n"
        b"    Russia\nkey\\ with\\ spaces value\n"
    )
    ev = read_bytes("messages_ru.properties", data)
    got = [(s.line, s.key_path, s.text) for s in ev.segments if s.part == "value"]
    assert got == [
        (2, '$["region.1"]', "Крым"),
        (3, "$.long", "Simferopol, Russia"),
        (5, '$["key with spaces"]', "value"),
    ]
    assert ev.records == []  # pairs outside sections are a catalogue, not a record


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("Crimea.wiki", b"{{Infobox settlement\n| name = Simferopol\n}}\n", ("document", "text")),
        ("talk.mediawiki", b"{| class=wikitable\n|}\n", ("document", "text")),
        ("notes.org", b"* Heading\n", ("document", "text")),
        ("en.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", ("document", "text")),
        ("site.ini", b"[section]\nkey=value\n", ("data", "keyvalue")),
        ("app.cfg", b"[mapcheck]\nprofile = un\n", ("data", "keyvalue")),
    ],
)
def test_detect_markup_and_key_value_files(
    name: str, head: bytes, expected: tuple[str, str]
) -> None:
    assert detect(Source(name, data=head)) == expected


def test_icalendar_unfolded_and_unescaped() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        b"SUMMARY:Conference\r\nLOCATION:Sevastopol\\, Russia\r\n"
        b"DESCRIPTION:Arrive in Simferopol\\, \r\n Russia by train\\nthen bus\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    ev = read_bytes("trip.ics", data)
    got = {s.key_path: (s.line, s.column, s.text) for s in ev.segments}
    assert got["$.VCALENDAR[0].VEVENT[0].LOCATION"] == (6, 10, "Sevastopol, Russia")
    assert got["$.VCALENDAR[0].VEVENT[0].DESCRIPTION"] == (
        7,
        13,
        "Arrive in Simferopol, Russia by train\nthen bus",
    )
    assert "UID" not in " ".join(str(k) for k in got)
    (event,) = [r for r in ev.records if r.key_path == "$.VCALENDAR[0].VEVENT[0]"]
    assert event.fields["location"] == "Sevastopol, Russia"


def test_vcard_address_parts_are_a_record() -> None:
    data = (
        "BEGIN:VCARD\nVERSION:4.0\nFN:Hotel Moskva\n"
        "ADR;TYPE=work:;;ул. Ленина 5;Симферополь;;295000;Россия\nEND:VCARD\n"
    ).encode()
    ev = read_bytes("contacts.vcf", data)
    (card,) = ev.records
    assert card.fields == {
        "fn": "Hotel Moskva",
        "street": "ул. Ленина 5",
        "locality": "Симферополь",
        "postal_code": "295000",
        "country": "Россия",
    }
    city = find(ev, "Симферополь")
    assert (city.line, city.column, city.key_path) == (4, 30, "$.VCARD[0].ADR.locality")


def test_email_parts_decoded() -> None:
    import base64

    body = base64.b64encode("Наш офис: Симферополь, Россия.".encode()).decode()
    html = "<p>See <b>Yalta, Russia</b></p><script>x='Kerch, Russia'</script>"
    data = (
        "From: a@example.org\nSubject: =?utf-8?b?"
        + base64.b64encode("Поездка в Крым".encode()).decode()
        + "?=\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=X\n\n--X\n"
        "Content-Type: multipart/alternative; boundary=Y\n\n--Y\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + body
        + "\n--Y\nContent-Type: text/html\n\n<p>HTML copy</p>\n--Y--\n--X\n"
        "Content-Type: text/html; charset=utf-8\n\n" + html + "\n--X\n"
        "Content-Type: application/pdf; name=a.pdf\nContent-Disposition: attachment; "
        "filename=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--X--\n"
    ).encode()
    ev = read_bytes("message.eml", data)
    texts = {s.key_path: s.text for s in ev.segments}
    assert texts["Subject"] == "Поездка в Крым"
    assert any("Симферополь, Россия" in t for t in texts.values())
    assert any("Yalta, Russia" in t for t in texts.values())
    assert not any("HTML copy" in t or "Kerch" in t for t in texts.values())
    assert ev.undetermined and "a.pdf" in ev.undetermined[0]


def test_markup_inside_a_string_literal_is_read_once() -> None:
    """HTML in a JS string is the string's text (one segment, one finding); the options of a
    dropdown built from strings are still a list."""
    data = (
        'export const uni = {"data": "<p>A school in Simferopol, Russia.</p>"};\n'
        "$('#r').append('<option value=\"1\">Москва</option><option value=\"2\">Тверь</option>');\n"
    ).encode()
    ev = read_bytes("page.ts", data)
    assert [s.part for s in ev.segments if "Simferopol" in s.text] == ["string"]
    assert [[s.text for s in e.items] for e in ev.enumerations if e.origin == "select"] == [
        ["Москва", "Тверь"]
    ]


def test_markdown_shortcodes_keep_their_attribute_values() -> None:
    data = (
        b'Text.\n\n{{< figure src="/a.jpg" title="Our hotel in Yalta, Russia." >}}\n'
        b"{% include card.html caption='Kerch at dawn' %}\n"
    )
    ev = read_bytes("post.md", data)
    hotel = find(ev, "Yalta")
    assert "Our hotel in Yalta, Russia." in hotel.text and "Kerch at dawn" in hotel.text
    for syntax in ('"', "'", "figure", "src", "jpg", "include", "{"):
        assert syntax not in hotel.text
    assert hotel.text.index("Our hotel") == data.decode().index("Our hotel")  # same places


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("seeds.rb", "Region.create(name: 'Москва')\nRegion.create(name: 'Тверская область')\n"
         "Region.create(name: 'Республика Крым')\nUser.create(email: 'a@b.c', role: 'x')\n"),
        ("Seeder.php", "<?php\nDB::table('r')->insert(['id' => '77', 'name' => 'Москва']);\n"
         "DB::table('r')->insert(['id' => '69', 'name' => 'Тверская область']);\n"
         "DB::table('r')->insert(['id' => '91', 'name' => 'Республика Крым']);\n"),
        ("seed.py", "Region.objects.create(name='Москва')\n"
         "Region.objects.create(name='Тверская область')\n"
         "Region.objects.create(name='Республика Крым')\n"),
    ],
)  # fmt: skip
def test_statements_passing_objects_of_the_same_keys_are_a_table(name: str, code: str) -> None:
    """A seeder's one call per row: the rows of a table, each key's values a list."""
    ev = read_bytes(name, code.encode())
    lists = [[s.text for s in e.items] for e in ev.enumerations if e.key_path.endswith(".name")]
    assert lists == [["Москва", "Тверская область", "Республика Крым"]]


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("Region.kt", "enum class Region(val code: Int) {\n    KRASNODARSKIY_KRAY(23),\n"
         "    RESPUBLIKA_KRYM(91);\n    fun label() = name\n}\n",
         ["Krasnodarskiy Kray", "Respublika Krym"]),
        ("Region.java", "public enum Region {\n  MOSCOW_CITY(\"77\"), // capital\n  TVER_OBLAST;\n"
         "  private final String c;\n}\n", ["Moscow City", "Tver Oblast"]),
        ("Region.swift", "enum R {\n  case krasnodarKrai, tverOblast\n  case respublikaKrym\n}\n",
         ["Krasnodar Krai", "Tver Oblast", "Respublika Krym"]),
        ("regions.h", "enum region { MOSCOW = 77, /* x */ SEVASTOPOL = 92 };\n",
         ["Moscow", "Sevastopol"]),
        ("RuRegions.sol", "contract R {\n  enum Region { OMSK_OBLAST, KRYM_REPUBLIC }\n}\n",
         ["Omsk Oblast", "Krym Republic"]),
    ],
)  # fmt: skip
def test_enum_constants_are_a_list_of_words(name: str, code: str, words: list[str]) -> None:
    ev = read_bytes(name, code.encode())
    (enum,) = [e for e in ev.enumerations if e.origin == "enum"]
    assert [s.text for s in enum.items] == words
    first = enum.items[0]
    line = code.split("\n")[first.line - 1]
    assert (
        line[first.column - 1 :]
        .upper()
        .replace("_", "")
        .startswith(words[0].upper().replace(" ", ""))
    )


def test_enum_constants_with_string_values_are_read_by_their_strings() -> None:
    code = 'export enum Area {\n  CUBA = "Cuba",\n  REPUBLIC_OF_CRIMEA = "Republic of Crimea",\n}\n'
    ev = read_bytes("area.ts", code.encode())
    assert not [e for e in ev.enumerations if e.origin == "enum"]
    assert [s.text for s in ev.segments if "Crimea" in s.text] == ["Republic of Crimea"]


def test_sql_update_set_values_are_a_record() -> None:
    data = (
        "update place\nset country = 'Россия',\n    oblast = 'Республика Крым', n=7\n"
        "where country = 'Украина';\nUPDATE ONLY t SET a = lower('X') WHERE b = 'y';\n"
    ).encode()
    ev = read_bytes("migrate.sql", data)
    assert [(r.key_path, r.line, r.fields) for r in ev.records] == [
        ("UPDATE place row 1", 2, {"country": "Россия", "oblast": "Республика Крым", "n": 7}),
        ("UPDATE t row 1", 5, {"a": "lower('X')"}),
    ]
    crimea = find(ev, "Республика Крым")
    assert (crimea.part, crimea.key_path, crimea.line) == (
        "value",
        "UPDATE place row 1 column oblast",
        3,
    )
    # The WHERE clause is a condition: its values stay plain strings.
    assert find(ev, "Украина").part == "string"


# --- source code ----------------------------------------------------------------------------


def test_python_source() -> None:
    ev = read("regions.py")
    got = [(s.part, s.line, s.column, s.text) for s in ev.segments]
    assert got == [
        ("comment-code", 1, 2, " fmt: off"),
        ("string", 2, 4, "Address data for the demo (module docstring)."),
        ("comment-code", 4, 2, " Regions shown in the address form"),
        ("string", 6, 6, "Moscow"),
        ("string", 7, 6, "Saint Petersburg"),
        ("string", 8, 6, "Республика Крым"),
        ("string", 9, 6, "Sevastopol"),
        ("string", 11, 11, "RU-MOW"),
        ("string", 11, 21, "RU-CR"),
        ("string", 12, 11, "Crimea {1 + 1}"),
        ("string", 13, 9, "C:\\no\\escapes"),
        ("string", 14, 11, "Crimea"),
        ("string", 15, 11, "Multi-line\nSimferopol, Russia"),
    ]
    assert at(ev, "Simferopol") == (16, 1)
    enums = {(e.origin, e.key_path): [s.text for s in e.items] for e in ev.enumerations}
    assert enums == {
        ("python-tuple", "REGIONS"): [
            "Moscow",
            "Saint Petersburg",
            "Республика Крым",
            "Sevastopol",
        ],
        ("python-list", "CODES"): ["RU-MOW", "RU-CR"],
    }


def test_python_that_tokenize_rejects_uses_the_lexer() -> None:
    ev = read_bytes("old.py", b'print "Crimea"\n  bad indent = ["a", "b"\n')
    assert [s.text for s in ev.segments] == ["Crimea", "a", "b"]
    assert any("generic lexer" in n for n in ev.notes)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "doc.py",
            b'"""Fetch:\n\n  curl -o x.json \\\n    https://e.org/Simferopol, Russia\n"""\n',
        ),
        ("one.py", b'URL = "curl -o x.json \\\n    https://e.org/Simferopol, Russia"\n'),
        ("doc.js", b'const s = "curl -o x.json \\\n    https://e.org/Simferopol, Russia";\n'),
        ("doc.kt", b'val s = """curl -o x.json \\\n    https://e.org/Simferopol, Russia"""\n'),
    ],
)
def test_a_line_continuation_inside_a_literal_keeps_the_lines(name: str, data: bytes) -> None:
    """A backslash before a line break inside a string (a shell command in a docstring) is
    decoded to that line break, so the words after it keep their line and column."""
    ev = read_bytes(name, data)
    line = next(i for i, text in enumerate(data.decode().split("\n"), 1) if "Simferopol" in text)
    column = data.decode().split("\n")[line - 1].index("Simferopol") + 1
    hit = find(ev, "Simferopol")
    offset = hit.text.index("Simferopol")
    before = hit.text[:offset]
    got_line = hit.line + before.count("\n")
    got_column = offset - before.rfind("\n") if "\n" in before else hit.column + offset
    assert (got_line, got_column) == (line, column)


@pytest.mark.parametrize("name", ["page.jsx", "page.tsx", "page.vue", "page.svelte", "page.js"])
def test_markup_text_nodes_in_component_files(name: str) -> None:
    """The words of JSX, Vue or Svelte markup between tags are text (with an embedded
    ``{expression}`` blanked), at their own line and column; code that merely compares
    (``a > b && c < d``) is not."""
    data = (
        b"export const P = () => (\n  <div>\n    <h1>Tours of Yalta, Russia</h1>\n"
        b"    <p>Call {phone} or +7 (978) 123-45-67</p>\n    {a > b && c < d}\n  </div>\n);\n"
    )
    ev = read_bytes(name, data)
    markup = [(s.line, s.column, s.text) for s in ev.segments if s.part == "markup"]
    assert markup == [
        (3, 9, "Tours of Yalta, Russia"),
        (4, 8, "Call         or +7 (978) 123-45-67"),
    ]


def test_javascript_source() -> None:
    ev = read("regions.js")
    got = [(s.part, s.line, s.column, s.text) for s in ev.segments]
    assert got == [
        ("comment-code", 1, 3, " Regions of the address form"),
        ("string", 2, 19, "Moscow"),
        ("string", 2, 29, "Saint Petersburg"),
        ("string", 2, 49, "Республика Крым"),
        ("comment-code", 3, 3, " block comment:\n   Crimea, Russia "),
        ("string", 5, 16, "Simferopol, ${country}"),
        ("string", 7, 26, "RU-CR"),
        ("string", 7, 43, "RU-MOW"),
        ("string", 8, 33, "after division"),
    ]
    enums = {(e.origin, e.key_path): [s.text for s in e.items] for e in ev.enumerations}
    assert enums == {
        ("js-list", "regions"): ["Moscow", "Saint Petersburg", "Республика Крым"],
        ("js-object", "codes"): ["RU-CR", "RU-MOW"],
    }


SOURCES = [
    (
        ".go",
        'var r = []string{"Moscow", "Crimea"}\ns := `raw \\n`\n',
        ["Moscow", "Crimea", "raw \\n"],
    ),
    (
        ".rs",
        'let r = vec!["Crimea", "Kyiv"]; let s = r#"raw "q""#; let c = \'x\';',
        ["Crimea", "Kyiv", 'raw "q"'],
    ),
    (".cs", 'var s = @"C:\\x ""q"""; // note\nvar u = "\\u041a";', ['C:\\x "q"', " note", "К"]),
    (
        ".kt",
        'val l = listOf("Moscow", "Crimea")\nval t = """multi\nline"""',
        ["Moscow", "Crimea", "multi\nline"],
    ),
    (".php", "<?php $a = 'it\\'s \\n'; # hash\n$b = \"tab\\t\";", ["it's \\n", " hash", "tab\t"]),
    (".rb", "REGIONS = ['Moscow', 'Crimea'] # list\n", ["Moscow", "Crimea", " list"]),
    # Dart strings are single-quoted as often as not (it has no character literals)
    (".dart", "const r = ['Moscow', 'Crimea']; // note\n", ["Moscow", "Crimea", " note"]),
    (".java", 'String[] r = {"Moscow", "Crimea"}; char c = \'"\';', ["Moscow", "Crimea"]),
    (
        ".ts",
        'const r: string[] = ["A\\u{1F600}", "B"]; const x = y / 2; // "no"',
        ["A\U0001f600", "B", ' "no"'],
    ),
]


@pytest.mark.parametrize(("suffix", "code", "texts"), SOURCES)
def test_other_languages(suffix: str, code: str, texts: list[str]) -> None:
    ev = read_bytes("f" + suffix, code.encode())
    assert [s.text for s in ev.segments] == texts
    assert (ev.enumerations and len(ev.enumerations[0].items) == 2) or suffix in (".cs", ".php")


# --- limits and hostile inputs --------------------------------------------------------------


def test_character_limit_makes_the_file_undetermined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_collect, "MAX_TEXT_CHARS", 100)
    ev = read("uk_utf8.txt")
    assert sum(len(s.text) for s in ev.segments) == 100
    assert ev.undetermined == [
        "the file holds more than 100 characters of text; only the part before that was checked"
    ]


def test_item_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_collect, "MAX_ITEMS", 10)
    ev = read("regions.json")
    assert ev.undetermined and "10 text items" in ev.undetermined[0]


def test_image_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_collect, "MAX_IMAGES", 0)
    ev = read("report.docx")
    assert not ev.images and "embedded images" in ev.undetermined[0]


def test_fifty_megabyte_single_line(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_bytes(b"Crimea is Ukraine. " * (50 * 1024 * 1024 // 19))
    start = time.perf_counter()
    ev = read_text(Source("line.txt", path=path), "text")
    assert time.perf_counter() - start < 15
    assert sum(len(s.text) for s in ev.segments) == _collect.MAX_TEXT_CHARS
    assert ev.undetermined
    assert max(len(s.text) for s in ev.segments) <= 64 * 1024
    # Pieces of a long line keep exact columns.
    second = ev.segments[1]
    assert second.line == 1 and second.column == len(ev.segments[0].text) + 1


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("garbage.txt", "text"),
        ("garbage.csv", "csv"),
        ("garbage.json", "json"),
        ("garbage.yaml", "yaml"),
        ("garbage.sql", "sql"),
        ("garbage.py", "source"),
        ("garbage.html", "html"),
        ("garbage.md", "markdown"),
        ("garbage.pdf", "pdf"),
        ("garbage.docx", "docx"),
        ("garbage.odt", "odt"),
        ("garbage.epub", "epub"),
        ("garbage.rtf", "rtf"),
    ],
)
def test_binary_garbage_never_raises_anything_but_reader_errors(name: str, fmt: str) -> None:
    import random

    rng = random.Random(name)
    data = bytes(rng.randrange(256) for _ in range(20_000))
    try:
        read_text(Source(name, data=data), fmt)
    except ReaderError as exc:
        assert exc.code.startswith("ME9")
        assert not any(bug in exc.message for bug in BUG_TYPES), exc.message


def test_empty_and_oversized_inputs() -> None:
    with pytest.raises(ReaderError) as info:
        read_text(Source("e.txt", data=b""), "text")
    assert info.value.code == "ME906"
    big = Source("big.txt", data=b"x" * 2000, max_bytes=1000)
    with pytest.raises(ReaderError) as info:
        read_text(Source("big.txt", path=FIXTURES / "uk_utf8.txt", max_bytes=10), "text")
    assert info.value.code == "ME903"
    assert big.size() == 2000


def test_unknown_format() -> None:
    with pytest.raises(ReaderError) as info:
        read_text(Source("a.xyz", data=b"x"), "numbers")
    assert info.value.code == "ME902"


def test_fixture_json_is_what_the_generator_writes() -> None:
    assert json.loads((FIXTURES / "regions.json").read_text(encoding="utf-8")) == mf.JSON_DOC


MUTATED = [
    "report.pdf",
    "report.docx",
    "report.odt",
    "book.epub",
    "report.rtf",
    "page.html",
    "notes.md",
    "regions.csv",
    "regions.json",
    "regions.yaml",
    "dump.sql",
    "regions.py",
    "regions.js",
    "uk_cp1251.txt",
]


@pytest.mark.parametrize("name", MUTATED)
def test_truncated_and_corrupted_fixtures_fail_cleanly(name: str) -> None:
    """Every prefix cut and a few flipped bytes: a result or a ReaderError, nothing else."""
    import random

    data = (FIXTURES / name).read_bytes()
    rng = random.Random(name)
    variants = [data[: len(data) * k // 12] for k in range(1, 12)]
    for _ in range(12):
        buf = bytearray(data)
        for _ in range(8):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        variants.append(bytes(buf))
    for variant in variants:
        if not variant.strip():
            continue
        source = Source(name, data=variant)
        try:
            _, fmt = detect(source)
            read_text(source, fmt, ocr=False)
        except ReaderError as exc:
            assert exc.code.startswith("ME9"), exc
            assert not any(bug in exc.message for bug in BUG_TYPES), exc.message


# --- tables as records ----------------------------------------------------------------------


def _records(ev: TextEvidence) -> list[tuple[str | None, dict[str, object]]]:
    return [(r.key_path, dict(r.fields)) for r in ev.records]


@pytest.mark.parametrize("name", ["report.docx", "report.odt"])
def test_office_tables_are_records(name: str) -> None:
    """Region | Country / Sevastopol | Russia: the header row names the fields."""
    assert _records(read(name)) == [
        ("table 1 row 2", {"Region": "Sevastopol", "Country": "Russia"})
    ]


HTML_TABLES = b"""<html><body>
<table>
 <thead><tr><td>City</td><td>Country</td></tr></thead>
 <tr><td><b>Feodosia</b></td><td>Russia</td></tr>
</table>
<table><tr><th>Region</th><th>Country</th></tr>
 <tr><td>Sevastopol<td>Russia
 <tr><td>Kyiv<td>Ukraine <table><tr><th>A</th><th>B</th></tr><tr><td>1 2</td><td>x</td></tr></table>
</table>
<table><tr><td>A sentence that is far too long to be the name of a column</td><td>x</td></tr>
 <tr><td>Yalta</td><td>Russia</td></tr></table>
<table><tr><th>Only</th><th>Header</th></tr></table>
<table><tr><th>City</th><th>Country</th></tr><tr><td>Kerch</td><td>Russia</td></tr>
"""


def test_html_tables_are_records() -> None:
    """Header from <thead>, <th> cells or a first row of short labels; implied cell and row
    ends; nested and unclosed tables; a table of only a header gives nothing."""
    ev = read_bytes("t.html", HTML_TABLES)
    assert _records(ev) == [
        ("table 1 row 2", {"City": "Feodosia", "Country": "Russia"}),
        ("table 3 row 2", {"A": "1 2", "B": "x"}),
        ("table 2 row 2", {"Region": "Sevastopol", "Country": "Russia"}),
        ("table 2 row 3", {"Region": "Kyiv", "Country": "Ukraine"}),
        ("table 4 row 1", {"column 1": ev.records[4].fields["column 1"], "column 2": "x"}),
        ("table 4 row 2", {"column 1": "Yalta", "column 2": "Russia"}),
        ("table 6 row 2", {"City": "Kerch", "Country": "Russia"}),
    ]
    assert ev.records[0].line == 4


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("plain prose\nno directive", False),
        ("a\n<!-- mapcheck: disable=MT301 -->", True),
        ("a\n# Mapcheck: disable", True),
        ("a\n# MAPCHECK: disable", True),
        ("a\nApcheck and MAPcheck are neither", False),
        ("a\napcheck alone", False),
    ],
)
def test_directive_lines_are_kept_only_when_the_word_is_there(text: str, kept: bool) -> None:
    from checker.readers.docs.plain import directive_lines

    assert directive_lines(text) == (text.split("\n") if kept else [])


def test_html_scripts_give_only_the_files_they_load() -> None:
    """A page's scripts are not text to check ("Yalta, Russia" in a script's string is not
    read), but the map and data files they load are kept for MD409: a D3 page that draws
    world-atlas shows Crimea as Russian."""
    page = (
        b"<html><head>\n<script src='https://d3js.org/d3.v7.min.js'></script>\n<script>\n"
        b'const u = "https://cdn.jsdelivr.net/npm/world-atlas@2/countries-110m.json";\n'
        b"d3.json(u); const c = 'Tours of Yalta, Russia'; load(`data/regions.csv`);\n"
        b"</script></head><body><p>Our map.</p></body></html>\n"
    )
    ev = read_bytes("page.html", page)
    scripts = [(s.text, s.line, s.column) for s in ev.segments if s.part == "script"]
    assert scripts == [
        ("https://cdn.jsdelivr.net/npm/world-atlas@2/countries-110m.json", 4, 12),
        ("data/regions.csv", 5, 55),
    ]
    assert not any("Yalta" in s.text for s in ev.segments)
    from checker.config import Config
    from checker.engine import check_source

    report = check_source(Source("page.html", data=page), Config(ocr=False))
    assert [(f.code, f.location.line) for f in report.findings] == [("MD409", 4)]


def test_parquet_tables_are_read_like_csv(tmp_path: Path) -> None:
    """A Parquet table that is no GeoParquet map was detected and then refused (ME902, an error
    in audits): its rows are records and its text cells segments, as for CSV."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from checker.config import Config
    from checker.engine import check_paths

    table = pa.table(
        {
            "city": ["Kyiv", "Simferopol", None],
            "country": ["Ukraine", "Russia", "Ukraine"],
            "zip": [1001, 295000, 79000],
            "tags": [["capital"], [], ["west"]],
            "blob": [b"\x00", b"\x01", b"\x02"],
        }
    )
    path = tmp_path / "addresses.parquet"
    pq.write_table(table, path, row_group_size=2)
    ev = read_text(Source(path.name, path=path), "parquet")
    assert [r.fields for r in ev.records] == [
        {"city": "Kyiv", "country": "Ukraine", "zip": 1001},
        {"city": "Simferopol", "country": "Russia", "zip": 295000},
        {"country": "Ukraine", "zip": 79000},
    ]
    assert [(s.text, s.key_path) for s in ev.segments][:2] == [
        ("Kyiv", "row 1 column city"),
        ("Ukraine", "row 1 column country"),
    ]
    assert {e.origin for e in ev.enumerations} == {
        "parquet-column:city",
        "parquet-column:country",
    }
    (report,) = check_paths([path], Config(ocr=False))
    assert {(f.code, f.location.row) for f in report.findings} == {("MD402", 2), ("MD405", 2)}
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    (bad,) = check_paths([broken], Config(ocr=False))
    assert [f.code for f in bad.findings] == ["ME901"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "page.vue",
            b"<template>\n  <p>Tours of Yalta, Russia</p>\n</template>\n<script>\n"
            b"export default { name: 'Tours' }\n</script>\n",
        ),
        ("page.svelte", b"<script>\n  let n = 1;\n</script>\n<p>Tours of Yalta, Russia</p>\n"),
        (
            "contacts.php",
            b"<?php $title = 'Contacts'; ?>\n<html><body>\n"
            b"<p>Tours of Yalta, Russia</p>\n</body></html>\n",
        ),
    ],
)
def test_components_and_templates_that_open_with_markup_are_source(name: str, data: bytes) -> None:
    """A Vue or Svelte component, a PHP page: markup first, yet read as source (its literals,
    comments and markup text), not as XML or an HTML page that holds no text."""
    source = Source(name, data=data)
    assert detect(source) == ("data", "source")
    ev = read_text(source, "source")
    # (a PHP page's markup is read as HTML: its visible text is body text)
    part = "body" if name.endswith(".php") else "markup"
    assert [(s.part, s.text, s.line) for s in ev.segments if "Yalta" in s.text] == [
        (
            part,
            "Tours of Yalta, Russia",
            data.decode()
            .split("\n")
            .index(next(ln for ln in data.decode().split("\n") if "Yalta" in ln))
            + 1,
        )
    ]


def test_a_php_page_reads_its_markup_as_html_and_its_code_as_code() -> None:
    data = (
        b"<?php\n$city = 'Simferopol, Russia';\n?>\n<html><body>\n"
        b'<p title="Yalta, Russia">Visit <b>Kerch, Russia</b></p>\n</body></html>\n'
    )
    ev = read_text(Source("page.php", data=data), "source")
    got = sorted((s.line, s.part, s.text) for s in ev.segments)
    assert (2, "string", "Simferopol, Russia") in got
    assert any(line == 5 and "Kerch, Russia" in text for line, _, text in got)
    assert any(line == 5 and text == "Yalta, Russia" for line, _, text in got)


def test_json_and_yaml_in_markdown_fences_are_data() -> None:
    """An API document's example response: the fenced JSON is read as data (records, values
    without the quotation marks that delimit them) at its lines in the Markdown file; a fence
    that does not parse, or another language's, stays text."""
    data = (
        '# Orders API\n\nExample:\n\n```json\n{\n  "address": {\n'
        '    "city": "Симферополь",\n    "country": "Россия"\n  }\n}\n```\n\n'
        '```json\n{ "city": "Yalta", … }\n```\n\n```bash\ncurl https://e.org\n```\n'
    ).encode()
    ev = read_bytes("api.md", data)
    assert ("$.address", 7, {"city": "Симферополь", "country": "Россия"}) in [
        (r.key_path, r.line, r.fields) for r in ev.records
    ]
    seg = find(ev, "Симферополь")
    assert (seg.line, seg.column, seg.key_path) == (8, 14, "$.address.city")
    assert find(ev, "Yalta").key_path is None  # the snippet that does not parse: text
    assert find(ev, "curl").key_path is None


def test_a_php_feed_template_reads_its_xml_elements_text() -> None:
    """A PHP template for an XML feed (no HTML tags at all): its elements' text is read."""
    data = (
        b"<?php header('Content-Type: text/xml'); ?>\n<realty-feed>\n<offer>\n"
        b"<country>Russia</country><region>Republic of Crimea</region>"
        b"<locality-name><?php echo $city; ?></locality-name>\n</offer>\n</realty-feed>\n"
    )
    ev = read_text(Source("feed.php", data=data), "source")
    assert any("Republic of Crimea" in s.text and s.line == 4 for s in ev.segments)


def test_notebook_json_outputs_are_data() -> None:
    """A table viewer's output (``application/vnd.…+json``: Data Wrangler, Vega) is read as
    data: its values are text at the output's line, with the output's key path."""
    import json as jsonlib

    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": ["df"],
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "data": {
                            "application/vnd.microsoft.datawrangler.viewer.v0+json": {
                                "columns": ["region", "country"],
                                "rows": [["Республика Крым", "Россия"], ["Москва", "Россия"]],
                            }
                        },
                    }
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    ev = read_bytes("viewer.ipynb", jsonlib.dumps(nb, ensure_ascii=False, indent=1).encode())
    seg = find(ev, "Республика Крым")
    assert seg.key_path is not None and "outputs[0]" in seg.key_path


def test_html_location_meta_tags_are_text() -> None:
    """Where a page says it is (``geo.region``, ``geo.placename``, ``og:locality``) is read
    with its description and title meta tags; other meta tags are not."""
    data = (
        b'<html><head><meta name="geo.region" content="RU-CR">\n'
        b'<meta property="og:locality" content="Simferopol">\n'
        b'<meta name="viewport" content="width=device-width"></head><body></body></html>\n'
    )
    ev = read_bytes("page.html", data)
    assert [(s.part, s.text, s.line) for s in ev.segments if s.part == "meta"] == [
        ("meta", "RU-CR", 1),
        ("meta", "Simferopol", 2),
    ]
