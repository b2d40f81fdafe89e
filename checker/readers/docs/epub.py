"""EPUB: the XHTML chapters in spine (reading) order, and the book's images.

``META-INF/container.xml`` names the package document (OPF), whose manifest lists the files and
whose spine gives the reading order; both are parsed with defusedxml. Each chapter is read by the
HTML reader (:mod:`checker.readers.docs.html`), so segments carry the line and column *within the
chapter file*, and ``key_path`` names the chapter (e.g. ``OEBPS/text/ch2.xhtml``). Chapters not in
the spine (unlinked extras) are not read. Images in the manifest go to ``evidence.images``.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from checker.readers._safezip import open_zip, read_member
from checker.readers.base import ReaderError, Source, TextEvidence
from checker.readers.docs._collect import MAX_IMAGE_BYTES, Collector
from checker.readers.docs._xml import local, parse_xml
from checker.readers.docs.html import decode_html, parse_into
from checker.readers.docs.plain import normalise_newlines

MAX_CHAPTER_BYTES = 64 * 1024 * 1024
MAX_CHAPTERS = 5000
_XHTML_TYPES = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml")


def read_epub(source: Source) -> TextEvidence:
    col = Collector("epub")
    with open_zip(source) as archive:
        names = set(archive.names)
        if "META-INF/container.xml" not in names:
            raise ReaderError("ME901", "not an EPUB book: META-INF/container.xml is missing")
        container = parse_xml(
            read_member(archive, "META-INF/container.xml", 1024 * 1024), "META-INF/container.xml"
        )
        opf_path = next(
            (
                el.get("full-path")
                for el in container.iter()
                if local(el.tag) == "rootfile" and el.get("full-path")
            ),
            None,
        )
        if not opf_path or opf_path not in names:
            raise ReaderError("ME901", "EPUB container names no package document that exists")
        opf = parse_xml(read_member(archive, opf_path, 16 * 1024 * 1024), opf_path)
        base = posixpath.dirname(opf_path)
        manifest: dict[str, tuple[str, str]] = {}
        spine: list[str] = []
        for el in opf.iter():
            tag = local(el.tag)
            if tag == "item" and el.get("id") and el.get("href"):
                href = posixpath.normpath(posixpath.join(base, unquote(el.get("href") or "")))
                manifest[el.get("id") or ""] = (href, (el.get("media-type") or "").lower())
            elif tag == "itemref" and el.get("idref"):
                spine.append(el.get("idref") or "")
        chapters = [manifest[i][0] for i in spine if i in manifest]
        if len(chapters) > MAX_CHAPTERS:
            col.undetermined(
                f"the book has {len(chapters):,} chapters; only {MAX_CHAPTERS:,} were read"
            )
        for chapter in chapters[:MAX_CHAPTERS]:
            if chapter not in names:
                col.note(f"chapter {chapter} is listed in the spine but missing")
                continue
            data = read_member(archive, chapter, MAX_CHAPTER_BYTES)
            text, _, _ = decode_html(data)
            parse_into(col, normalise_newlines(text), key_path=chapter)
            if col.full:
                break
        for href, media in manifest.values():
            if media.startswith("image/") and href in names:
                try:
                    col.image(read_member(archive, href, MAX_IMAGE_BYTES), name=href)
                except ReaderError as exc:
                    col.undetermined(f"image {href} was not checked ({exc.message})")
    return col.evidence
