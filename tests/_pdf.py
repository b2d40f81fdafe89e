"""A minimal PDF 1.4 writer for fixtures and samples: pages of text (Helvetica, with a real text
layer) and, optionally, one JPEG picture drawn on a page. Written by hand so that tests and the
sample generator need no PDF library, and byte-for-byte reproducible."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: A JPEG and its size in pixels (width, height).
Picture = tuple[bytes, tuple[int, int]]


def write_pdf(
    pages: Iterable[Iterable[str]], pictures: Mapping[int, Picture] | None = None
) -> bytes:
    """One page per item of ``pages`` (its lines of ASCII/Latin-1 text, top down); page ``i``
    (from 0) also shows ``pictures[i]`` below its text, if given."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree (filled in below)
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")  # 3
    kids = []
    for number, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "72 720 Td", "16 TL"]
        for text in lines:
            safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({safe}) Tj T*")
        ops.append("ET")
        resources = b"/Font << /F1 3 0 R >>"
        picture = (pictures or {}).get(number)
        if picture is not None:
            jpeg, (w, h) = picture
            objects.append(
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
                % (w, h, len(jpeg), jpeg)
            )
            resources += b" /XObject << /Im1 %d 0 R >>" % len(objects)
            ops.append(f"q 500 0 0 {500 * h // w} 40 60 cm /Im1 Do Q")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << %s >> /Contents %d 0 R >>" % (resources, content)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = " ".join(f"{k} 0 R" for k in kids).encode("ascii")
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
