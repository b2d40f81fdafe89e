"""Documents and data files → :class:`~checker.readers.base.TextEvidence`.

:func:`read_text` is what the engine calls for inputs :func:`~checker.readers.detect.detect`
classifies as ``document`` or ``data``. It dispatches by format to one module per family in
:mod:`checker.readers.docs` and turns every failure into a
:class:`~checker.readers.base.ReaderError` (ME901 unreadable, ME902 unsupported, ME903 too large,
ME906 empty), so a hostile file never stops a batch.

Formats: :data:`TEXT_FORMATS` (``source``: the language comes from the file extension).
"""

from __future__ import annotations

import importlib

from checker.readers._jsonio import gc_paused
from checker.readers.base import ReaderError, Source, TextEvidence

#: Format → (module of :mod:`checker.readers.docs`, its reader, what the reader takes: the
#: file's ``bytes``, the ``source`` itself (readers that open archives or databases), the bytes
#: and the format, the bytes and the file's suffix, or the bytes and whether to OCR). Modules
#: are imported on demand: each family pulls in its own libraries (pypdfium2, PyYAML …).
_READERS: dict[str, tuple[str, str, str]] = {
    "text": ("plain", "read_plain", "bytes+fmt"),
    "markdown": ("plain", "read_plain", "bytes+fmt"),
    "html": ("html", "read_html", "bytes"),
    "pdf": ("pdf", "read_pdf", "bytes+ocr"),
    "docx": ("office", "read_docx", "source"),
    "odt": ("office", "read_odt", "source"),
    "epub": ("epub", "read_epub", "source"),
    "rtf": ("rtf", "read_rtf", "bytes"),
    "csv": ("tabular", "read_tabular", "bytes+fmt"),
    "tsv": ("tabular", "read_tabular", "bytes+fmt"),
    "json": ("jsondata", "read_json", "bytes"),
    "yaml": ("yamldata", "read_yaml", "bytes"),
    "xml": ("xmldata", "read_xml", "bytes"),
    "ipynb": ("notebook", "read_notebook", "bytes"),
    "xlsx": ("spreadsheet", "read_xlsx", "source"),
    "ods": ("spreadsheet", "read_ods", "source"),
    "pptx": ("office", "read_pptx", "source"),
    "sqlite": ("sqlitedata", "read_sqlite", "source"),
    "parquet": ("parquetdata", "read_parquet", "source"),
    "sql": ("sql", "read_sql", "bytes"),
    "source": ("source", "read_source", "bytes+suffix"),
    "keyvalue": ("keyvalue", "read_keyvalue", "bytes+suffix"),
    "contentlines": ("contentlines", "read_contentlines", "bytes"),
    "mail": ("mail", "read_mail", "bytes"),
}

TEXT_FORMATS = tuple(_READERS)


def _read(source: Source, fmt: str, ocr: bool) -> TextEvidence:
    entry = _READERS.get(fmt)
    if entry is None:
        raise ReaderError("ME902", f"{fmt!r} documents are not read by this version of mapcheck")
    module, name, takes = entry
    reader = getattr(importlib.import_module(f"checker.readers.docs.{module}"), name)
    if takes == "source":
        evidence: TextEvidence = reader(source)
    elif takes == "bytes+fmt":
        evidence = reader(source.read_bytes(), fmt)
    elif takes == "bytes+suffix":
        evidence = reader(source.read_bytes(), source.suffix)
    elif takes == "bytes+ocr":
        evidence = reader(source.read_bytes(), ocr=ocr)
    else:
        evidence = reader(source.read_bytes())
    return evidence


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
