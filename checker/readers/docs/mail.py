"""E-mail messages (``.eml``; RFC 5322 with MIME), parsed by the standard library's ``email``.

Read: the ``Subject`` header (RFC 2047 encoded words decoded) and the text of every ``text/plain``
and ``text/html`` part, its transfer encoding (base64, quoted-printable) and charset decoded;
an HTML part's visible text as :mod:`.html` reads a page, a plain part's as plain text. A
message with both a plain and an HTML version of its body (``multipart/alternative``) is read
once, by its plain version. Attached or forwarded messages (``message/rfc822``) are read the
same way. Pictures (inline or attached) go to the image pipeline like a document's figures.

Segments are keyed by the part they come from (``part 2 (text/html)``); their lines count in
the decoded part, not in the encoded file. Other attachments (a PDF, a spreadsheet) are not
read: a note names them, and the message's verdict says undetermined unless a finding is made
(save the attachment and check it).
"""

from __future__ import annotations

import contextlib
import functools
from email import policy
from email.message import Message
from email.parser import BytesParser

from checker.readers.base import ReaderError, TextEvidence
from checker.readers.docs._collect import Collector, adopt

#: Attachments of these main types are read (text) or sent to the image pipeline (image).
_IMAGE = "image"
#: Parts read at most, so that a message of ten thousand parts stays bounded.
MAX_PARTS = 500


def read_mail(data: bytes) -> TextEvidence:
    from checker.readers.docs.html import read_html
    from checker.readers.docs.plain import read_plain

    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # the parser is lenient; anything it raises is a broken file
        raise ReaderError("ME901", f"not a readable e-mail message ({exc})") from None
    col = Collector("mail")
    subject = message.get("Subject")
    if subject:
        col.segment(str(subject), 1, 1, part="title", key_path="Subject")
    unread: list[str] = []
    parts = 0
    for number, part in enumerate(_parts(message), 1):
        parts += 1
        if parts > MAX_PARTS or col.full:
            col.undetermined(f"the message has more than {MAX_PARTS} parts; the rest not read")
            break
        ctype = part.get_content_type()
        filename = part.get_filename()
        where = f"part {number} ({ctype})" + (f" {filename}" if filename else "")
        if part.get_content_maintype() == _IMAGE:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                col.image(payload, name=filename or where)
            continue
        if ctype not in ("text/plain", "text/html"):
            unread.append(filename or ctype)
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        charset = part.get_content_charset()
        if charset:
            # (an unknown charset: the readers detect the encoding themselves)
            with contextlib.suppress(LookupError):
                payload = payload.decode(charset, "replace").encode("utf-8")
        sub = read_html(payload) if ctype == "text/html" else read_plain(payload, "text")
        adopt(col, sub, key=functools.partial(_keyed, where))
    if unread:
        col.undetermined(
            f"{len(unread)} attachment(s) not read ({', '.join(unread[:5])}): save and check "
            "them on their own"
        )
    return col.evidence


def _keyed(where: str, path: str | None) -> str:
    """A segment's key path inside the part ``where`` came from."""
    return f"{where} {path}" if path else where


def _parts(message: Message) -> list[Message]:
    """The leaf parts to read, in order: of each ``multipart/alternative`` only its plain
    version (or its first part), forwarded messages' parts in their place."""
    out: list[Message] = []

    def walk(part: Message) -> None:
        if len(out) > MAX_PARTS:
            return
        if part.is_multipart():
            payload = part.get_payload()
            children = (
                [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []
            )
            if part.get_content_subtype() == "alternative" and children:
                plain = [c for c in children if c.get_content_type() == "text/plain"]
                walk(plain[0] if plain else children[-1])
                return
            for child in children:  # a forwarded message (message/rfc822) is one of these
                walk(child)
            return
        out.append(part)

    walk(message)
    return out
