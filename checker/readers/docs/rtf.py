"""RTF, through ``striprtf`` (BSD-3-Clause, pure Python, maintained).

striprtf turns RTF into plain text (``\\par`` → newline, ``\\'xx`` decoded with the document's
code page, ``\\uN`` escapes, hidden destinations such as font tables and pictures dropped). It
returns no positions, so segments locate text in the *extracted* text: ``line`` is the paragraph
number (one ``\\par`` per line) and ``column`` the character within it.
"""

from __future__ import annotations

import re

from checker.readers.base import ReaderError, TextEvidence
from checker.readers.docs._collect import Collector
from checker.readers.docs.plain import add_blocks, normalise_newlines

#: RTF is verbose (pictures as hex); beyond this the pure-Python converter is too slow.
MAX_RTF_BYTES = 64 * 1024 * 1024
_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
#: striprtf's hyperlink pattern backtracks on very long lines; RTF ignores raw newlines, so
#: long lines are broken after group ends before conversion.
_LONG_LINE = 10_000


def read_rtf(data: bytes) -> TextEvidence:
    from striprtf.striprtf import rtf_to_text

    if len(data) > MAX_RTF_BYTES:
        raise ReaderError(
            "ME903", f"RTF file is {len(data):,} bytes (limit {MAX_RTF_BYTES:,} for RTF)"
        )
    if not data.lstrip().startswith(b"{\\rtf"):
        raise ReaderError("ME901", "not an RTF document: it does not start with {\\rtf")
    m = _CODEPAGE.search(data[:4096])
    encoding = f"cp{int(m.group(1))}" if m else "cp1252"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    # RTF is 7-bit by specification; stray 8-bit bytes are read in the declared code page.
    raw = data.decode(encoding, "replace")
    if any(len(line) > _LONG_LINE for line in raw.split("\n")):
        raw = raw.replace("}", "}\n")
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
    except (ValueError, LookupError, IndexError, KeyError) as exc:
        raise ReaderError("ME901", f"could not read the RTF document ({exc})") from None
    col = Collector("rtf", encoding)
    add_blocks(col, normalise_newlines(text))
    return col.evidence
