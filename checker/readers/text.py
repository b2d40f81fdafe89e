"""Documents and data files → :class:`~checker.readers.base.TextEvidence`.

:func:`read_text` is what the engine calls for inputs :func:`~checker.readers.detect.detect`
classifies as ``document`` or ``data``. It dispatches by format to one module per family in
:mod:`checker.readers.docs` and turns every failure into a
:class:`~checker.readers.base.ReaderError` (ME901 unreadable, ME902 unsupported, ME903 too large,
ME906 empty), so a hostile file never stops a batch.

Formats: ``text``, ``markdown``, ``html``, ``pdf``, ``docx``, ``odt``, ``epub``, ``rtf``,
``csv``, ``tsv``, ``json``, ``yaml``, ``sql``, ``source`` (the language comes from the file
extension).
"""

from __future__ import annotations

from checker.readers._jsonio import gc_paused
from checker.readers.base import ReaderError, Source, TextEvidence

TEXT_FORMATS = (
    "text",
    "markdown",
    "html",
    "pdf",
    "docx",
    "odt",
    "epub",
    "rtf",
    "csv",
    "tsv",
    "json",
    "yaml",
    "xml",
    "ipynb",
    "xlsx",
    "ods",
    "pptx",
    "sqlite",
    "sql",
    "source",
)


def _read(source: Source, fmt: str, ocr: bool) -> TextEvidence:
    # Imported on demand: each family pulls in its own libraries (pypdfium2, PyYAML …).
    if fmt in ("text", "markdown"):
        from checker.readers.docs.plain import read_plain

        return read_plain(source.read_bytes(), fmt)
    if fmt == "html":
        from checker.readers.docs.html import read_html

        return read_html(source.read_bytes())
    if fmt == "pdf":
        from checker.readers.docs.pdf import read_pdf

        return read_pdf(source.read_bytes(), ocr=ocr)
    if fmt == "docx":
        from checker.readers.docs.office import read_docx

        return read_docx(source)
    if fmt == "odt":
        from checker.readers.docs.office import read_odt

        return read_odt(source)
    if fmt == "epub":
        from checker.readers.docs.epub import read_epub

        return read_epub(source)
    if fmt == "rtf":
        from checker.readers.docs.rtf import read_rtf

        return read_rtf(source.read_bytes())
    if fmt in ("csv", "tsv"):
        from checker.readers.docs.tabular import read_tabular

        return read_tabular(source.read_bytes(), fmt)
    if fmt == "json":
        from checker.readers.docs.jsondata import read_json

        return read_json(source.read_bytes())
    if fmt == "yaml":
        from checker.readers.docs.yamldata import read_yaml

        return read_yaml(source.read_bytes())
    if fmt == "ods":
        from checker.readers.docs.spreadsheet import read_ods

        return read_ods(source)
    if fmt == "pptx":
        from checker.readers.docs.office import read_pptx

        return read_pptx(source)
    if fmt == "sqlite":
        from checker.readers.docs.sqlitedata import read_sqlite

        return read_sqlite(source)
    if fmt == "xlsx":
        from checker.readers.docs.spreadsheet import read_xlsx

        return read_xlsx(source)
    if fmt == "ipynb":
        from checker.readers.docs.notebook import read_notebook

        return read_notebook(source.read_bytes())
    if fmt == "xml":
        from checker.readers.docs.xmldata import read_xml

        return read_xml(source.read_bytes())
    if fmt == "sql":
        from checker.readers.docs.sql import read_sql

        return read_sql(source.read_bytes())
    if fmt == "source":
        from checker.readers.docs.source import read_source

        return read_source(source.read_bytes(), source.suffix)
    if fmt == "parquet":
        from checker.readers.docs.parquetdata import read_parquet

        return read_parquet(source)
    raise ReaderError("ME902", f"{fmt!r} documents are not read by this version of mapcheck")


def read_text(source: Source, fmt: str, ocr: bool = True) -> TextEvidence:
    """Read ``source`` as document/data format ``fmt`` (as returned by ``detect``).

    ``ocr=False`` leaves PDF pages without a text layer un-OCR'd (they are then listed in
    ``evidence.undetermined``). Never lets an exception other than :class:`ReaderError` escape.
    """
    try:
        size = source.size()
    except OSError as exc:
        raise ReaderError("ME901", f"cannot read the file: {exc.strerror or exc}") from None
    if size > source.max_bytes:
        raise ReaderError(
            "ME903", f"input is {size:,} bytes, over the {source.max_bytes:,}-byte limit"
        )
    if size == 0:
        raise ReaderError("ME906", "the file is empty")
    try:
        # Readers build many small objects and no cycles; the cyclic collector, left running,
        # walks them all again and again (it doubled the time of reading 100 MB of text).
        with gc_paused():
            evidence = _read(source, fmt, ocr)
    except ReaderError:
        raise
    except MemoryError:
        raise ReaderError("ME903", "ran out of memory reading the file") from None
    except RecursionError:
        raise ReaderError("ME903", "the document is nested too deeply to read") from None
    except OSError as exc:
        raise ReaderError("ME901", f"cannot read the file: {exc.strerror or exc}") from None
    except Exception as exc:  # a library failing on malformed input: report, don't crash
        raise ReaderError(
            "ME901", f"could not read the {fmt} data ({type(exc).__name__}: {exc})"
        ) from exc
    empty = not (evidence.segments or evidence.records or evidence.images)
    if empty and not evidence.undetermined:
        evidence.notes.append("the file holds no text")
    return evidence


__all__ = ["TEXT_FORMATS", "read_text"]
