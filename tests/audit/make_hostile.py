"""Build a corpus of hostile inputs for the audit and reader hardening tests (issue 6).

    python tests/audit/make_hostile.py OUTDIR [--secret FILE]

Everything is generated here or cut from the repository's own samples and fixtures (same
licences as those files): decompression bombs (PNG, zip, gzip, tar.gz), XML entity expansion and
external entities (SVG, KML, DOCX, ODT), deeply nested JSON and YAML, huge single lines, binary
garbage under known extensions, truncated files of every format, a named pipe, a broken symbolic
link, a symlink loop, and names with bytes that are not UTF-8.

:func:`build` returns what each file should get (:class:`Expect`), so tests can hold the audit
(and ``mapcheck check``) to it. Files that must vanish or change *during* an audit are named in
:data:`LATE_CHANGES`; the test applies them between listing and checking.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import struct
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
VECTOR_FIXTURES = ROOT / "tests" / "readers" / "fixtures"
TEXT_FIXTURES = ROOT / "tests" / "readers_text" / "fixtures"

ERROR = frozenset({"error"})
#: A file that reads legitimately: any verdict but ``error`` is a correct answer.
READABLE = frozenset({"flag", "warn", "clean", "undetermined"})


@dataclass(frozen=True)
class Expect:
    """What a hostile file should get: one of ``verdicts``; for errors, ``codes`` (any of)
    and, when set, a phrase the error message must contain."""

    verdicts: frozenset[str]
    codes: frozenset[str] = frozenset()
    reason: str | None = None
    #: How ``mapcheck check`` (walking the folder) differs: ``"skipped"`` when it leaves the
    #: file out as a format it does not read, ``"same"`` otherwise.
    check: str = "same"


def _error(*codes: str, reason: str | None = None, check: str = "same") -> Expect:
    return Expect(ERROR, frozenset(codes), reason, check)


# --- bombs -------------------------------------------------------------------------------------


def deflate_repeated(segments: list[tuple[bytes, int]]) -> bytes:
    """A raw deflate stream of each ``(chunk, repeat)`` in turn, built in milliseconds: every
    chunk is compressed once and ended with a full flush (which resets the compressor), so its
    compressed bytes are the same each time and can simply be repeated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = []
    for chunk, repeat in segments:
        out.append((comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)) * repeat)
    out.append(comp.flush(zlib.Z_FINISH))
    return b"".join(out)


def _crc(segments: list[tuple[bytes, int]]) -> tuple[int, int]:
    crc, size = 0, 0
    for chunk, repeat in segments:
        for _ in range(repeat):
            crc = zlib.crc32(chunk, crc)
        size += len(chunk) * repeat
    return crc & 0xFFFFFFFF, size


def gzip_of(segments: list[tuple[bytes, int]]) -> bytes:
    crc, size = _crc(segments)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + deflate_repeated(segments) + struct.pack("<II", crc, size & 0xFFFFFFFF)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_bomb(width: int, height: int, bit_depth: int = 1, color_type: int = 0) -> bytes:
    """A valid PNG of ``width`` × ``height`` zero pixels: tiny on disk, huge decoded."""
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    row = bytes(1 + (width * channels * bit_depth + 7) // 8)
    segments = [(row * 64, height // 64), (row, height % 64)]
    adler = 1
    for chunk, repeat in segments:
        for _ in range(repeat):
            adler = zlib.adler32(chunk, adler)
    stream = b"\x78\xda" + deflate_repeated(segments) + struct.pack(">I", adler & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", stream)
        + _png_chunk(b"IEND", b"")
    )


def zip_bomb(member: str, size: int) -> bytes:
    """A one-member deflated zip, written by hand (the member is ``size`` spaces)."""
    segments = [(b" " * (1 << 20), size >> 20)]
    data = deflate_repeated(segments)
    crc, usize = _crc(segments)
    name = member.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), usize, len(name), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), usize, len(name), 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    body = local + name + data
    directory = central + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end


def gzip_bomb(size: int) -> bytes:
    return gzip_of([(b" " * (1 << 20), size >> 20)])


def tar_gz_bomb(member: str, size: int) -> bytes:
    info = tarfile.TarInfo(member)
    info.size = size
    header = info.tobuf(format=tarfile.USTAR_FORMAT)
    end = bytes(1024)  # two zero blocks end the archive
    return gzip_of([(header, 1), (bytes(1 << 20), size >> 20), (end, 1)])


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def many_members_zip(count: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(count):
            zf.writestr(f"m/{i}.txt", b"x")
    return buf.getvalue()


def tar_of(members: dict[str, bytes], compress: bool = False) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if compress else "w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def lying_zip() -> bytes:
    """A zip whose headers claim a 16-byte member that really inflates to 4 MiB."""
    data = zip_of({"small.csv": b"name,country\n" + b"a,b\n" * (1 << 20)})
    real = struct.pack("<I", 13 + 4 * (1 << 20))
    fake = struct.pack("<I", 16)
    return data.replace(real, fake)


# --- XML ---------------------------------------------------------------------------------------

_LAUGHS = (
    '<!DOCTYPE r [<!ENTITY a "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)
_LAUGH_REF = "&i;"


def _xxe(secret: Path) -> tuple[str, str]:
    return f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;"


def svg_doc(doctype: str, ref: str) -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<svg xmlns="http://www.w3.org/2000/svg" width="200" '
        f'height="100"><title>{ref}</title><text x="10" y="50">{ref}</text>'
        '<path id="RU" d="M10 10 L190 10 L190 90 Z" fill="#c00"/></svg>'
    ).encode()


def kml_doc(doctype: str, ref: str) -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<Placemark><name>{ref}</name><Point><coordinates>34.1,44.9</coordinates></Point>"
        "</Placemark></Document></kml>"
    ).encode()


def docx_doc(doctype: str, ref: str) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (
        f'<?xml version="1.0"?>{doctype}<w:document xmlns:w="{w}"><w:body><w:p><w:r>'
        f"<w:t>{ref}</w:t></w:r></w:p></w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return zip_of(
        {"[Content_Types].xml": content_types.encode(), "word/document.xml": document.encode()}
    )


def odt_doc(doctype: str, ref: str) -> bytes:
    content = (
        f'<?xml version="1.0"?>{doctype}<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        f"<text:p>{ref}</text:p></office:text></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text"
        )  # stored, first
        zf.writestr("content.xml", content.encode(), zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --- truncation sources ------------------------------------------------------------------------


def _images() -> dict[str, bytes]:
    """Small real pictures in every raster format, drawn here (a map-like two-colour split)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (200, 220, 255))
    draw = ImageDraw.Draw(img)
    draw.polygon([(20, 40), (200, 30), (260, 180), (60, 200)], fill=(240, 200, 120))
    draw.polygon([(150, 120), (230, 110), (240, 170), (160, 190)], fill=(200, 80, 80))
    out: dict[str, bytes] = {}
    for ext, fmt in (
        ("png", "PNG"),
        ("jpg", "JPEG"),
        ("gif", "GIF"),
        ("webp", "WEBP"),
        ("tif", "TIFF"),
        ("bmp", "BMP"),
    ):
        buf = io.BytesIO()
        img.save(buf, format=fmt)
        out[f"picture.{ext}"] = buf.getvalue()
    out["picture.svg"] = svg_doc("", "Map")
    return out


#: Real files cut short: (source, name in the corpus).
TRUNCATION_SOURCES: tuple[tuple[Path, str], ...] = (
    (SAMPLES / "bad" / "europe-50m.geojson", "europe.geojson"),
    (SAMPLES / "bad" / "world-atlas-countries-110m.json", "world.topojson"),
    (SAMPLES / "bad" / "world-110m-shp.zip", "world-shp.zip"),
    (SAMPLES / "bad" / "ukraine-admin1-ne.gpkg", "ukraine.gpkg"),
    (SAMPLES / "bad" / "cities.kml", "cities.kml"),
    (SAMPLES / "bad" / "disputed-crimea.parquet", "disputed.parquet"),
    (SAMPLES / "bad" / "ukraine-map.js", "ukraine-map.js"),
    (VECTOR_FIXTURES / "regions.kmz", "regions.kmz"),
    (VECTOR_FIXTURES / "regions.fgb", "regions.fgb"),
    (VECTOR_FIXTURES / "shp" / "cities.shp", "cities.shp"),
    (VECTOR_FIXTURES / "sequence_lines.geojsonl", "lines.geojsonl"),
    (TEXT_FIXTURES / "report.pdf", "report.pdf"),
    (TEXT_FIXTURES / "report.docx", "report.docx"),
    (TEXT_FIXTURES / "report.odt", "report.odt"),
    (TEXT_FIXTURES / "book.epub", "book.epub"),
    (TEXT_FIXTURES / "report.rtf", "report.rtf"),
    (TEXT_FIXTURES / "page.html", "page.html"),
    (TEXT_FIXTURES / "notes.md", "notes.md"),
    (TEXT_FIXTURES / "uk_utf8.txt", "uk.txt"),
    (TEXT_FIXTURES / "regions.csv", "regions.csv"),
    (TEXT_FIXTURES / "regions.json", "regions.json"),
    (TEXT_FIXTURES / "regions.yaml", "regions.yaml"),
    (TEXT_FIXTURES / "dump.sql", "dump.sql"),
)

GARBAGE_EXTENSIONS = (
    "png", "jpg", "gif", "webp", "tif", "bmp", "svg", "pdf", "docx", "odt", "epub", "rtf",
    "geojson", "topojson", "kml", "kmz", "gpkg", "shp", "parquet", "fgb", "csv", "json",
    "yaml", "sql", "txt", "html", "md", "js", "zip", "gz", "tar",
)  # fmt: skip

VECTOR_EXTENSIONS = frozenset(
    {"geojson", "topojson", "kml", "kmz", "gpkg", "shp", "parquet", "fgb"}
)

#: Files on which a reader gives a wrong answer today (reported to the lead, not fixed here: the
#: readers are not the audit's). The tests assert these separately, as expected failures.
KNOWN_READER_DEFECTS: dict[str, str] = {}

#: Files the test changes between listing and checking: name → what happens to it.
LATE_CHANGES: dict[str, str] = {
    "late/vanishes.geojson": "delete",
    "late/becomes-folder.csv": "folder",
    "late/becomes-fifo.kml": "fifo",
}


def apply_late_changes(root: Path) -> None:
    for name, change in LATE_CHANGES.items():
        path = root / name
        path.unlink()
        if change == "folder":
            path.mkdir()
            (path / ".keep").write_bytes(b"")
        elif change == "fifo":
            os.mkfifo(path)


# --- the corpus --------------------------------------------------------------------------------


def build(out: Path, secret: Path, *, seed: int = 6) -> dict[str, Expect]:
    """Write the corpus under ``out`` and return expectations by path relative to ``out``
    (names with undecodable bytes as ``os.fsdecode`` gives them)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    expect: dict[str, Expect] = {}

    def put(name: str, data: bytes, what: Expect) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = what

    limit = _error("ME903")
    # Decompression bombs. The PNG bombs are refused from their header; the zip member's
    # ratio shows in the central directory; the gzip and tar.gz ones are stopped while
    # inflating. The archives are the audit's: `check` reads a zip only when it holds a
    # Shapefile, KML or an office document, and never a tar, so it leaves these out.
    put("bombs/pixels-400M.png", png_bomb(20_000, 20_000), limit)
    put("bombs/pixels-100M-rgb.png", png_bomb(10_000, 10_000, 8, 2), limit)
    put(
        "bombs/bomb.zip",
        zip_bomb("big.geojson", 128 << 20),
        _error("ME903", check="skipped"),
    )
    # A single compressed file is read by `check` too (bounded, and refused as a bomb).
    put("bombs/bomb.geojson.gz", gzip_bomb(128 << 20), _error("ME903"))
    put("bombs/bomb.tar.gz", tar_gz_bomb("big.csv", 128 << 20), _error("ME903", check="skipped"))
    put("bombs/many-members.zip", many_members_zip(10_050), _error("ME903", check="skipped"))
    put("bombs/lying-header.zip", lying_zip(), _error("ME901", "ME903", check="skipped"))
    inner = zip_of({"deep.geojson": (SAMPLES / "bad" / "cities.kml").read_bytes()})
    for depth in range(4):
        inner = zip_of({f"level{depth}.zip": inner})
    put("bombs/nested-5.zip", inner, _error("ME903", check="skipped"))
    geo = (SAMPLES / "good" / "ukraine-oblasts.geojson").read_bytes()
    put(
        "bombs/traversal.zip",
        zip_of({"../../evil.geojson": geo, "/abs/evil.geojson": geo}),
        _error("ME901", check="skipped"),
    )
    put(
        "bombs/traversal.tar",
        tar_of({"../evil.csv": b"name,country\nCrimea,RU\n"}),
        _error("ME901", check="skipped"),
    )

    # XML entity expansion and external entities. defusedxml refuses both; the secret file's
    # contents must never appear in any report.
    xxe = _xxe(secret)
    for fmt, maker in (
        ("svg", svg_doc),
        ("kml", kml_doc),
        ("docx", docx_doc),
        ("odt", odt_doc),
    ):
        put(f"xml/laughs.{fmt}", maker(_LAUGHS, _LAUGH_REF), _error("ME901", "ME905"))
        put(f"xml/external.{fmt}", maker(*xxe), _error("ME901", "ME905"))

    # Deeply nested structures.
    depth = 100_000
    put("nested/deep.json", b"[" * depth + b"]" * depth, _error("ME903", "ME901", "ME905"))
    put(
        "nested/deep.geojson",
        b'{"type":"FeatureCollection","features":' + b"[" * depth + b"]" * depth + b"}",
        _error("ME903", "ME901", "ME905"),
    )
    put("nested/deep.yaml", b"[" * depth + b"]" * depth, _error("ME903", "ME901", "ME905"))
    put(
        "nested/deep.topojson",
        b'{"type":"Topology","objects":{},"arcs":' + b"[" * depth + b"]" * depth + b"}",
        _error("ME903", "ME901", "ME905"),
    )

    # Huge single lines: legitimate content, just no line breaks.
    prose = b"The river flows south to the sea, past fields and towns. "
    put("lines/one-line.txt", prose * ((4 << 20) // len(prose)), Expect(READABLE))
    # Every sentence names Crimea: the text rules look at each mention (kept to 128 KiB: their
    # cost grows faster than the line, see KNOWN_READER_DEFECTS).
    dense = b"Simferopol is a city in the Autonomous Republic of Crimea, Ukraine. "
    put("lines/dense-line.txt", dense * ((128 << 10) // len(dense)), Expect(READABLE))
    put(
        "lines/one-cell.csv",
        b"region,country\n" + b"x" * (2 << 20) + b",UA\n",
        Expect(READABLE),
    )
    features = [
        {
            "type": "Feature",
            "properties": {"i": i},
            "geometry": {"type": "Point", "coordinates": [2.0 + i * 1e-6, 48.0]},
        }
        for i in range(5_000)
    ]
    put(
        "lines/one-line.geojson",
        json.dumps({"type": "FeatureCollection", "features": features}).encode(),
        Expect(READABLE),
    )

    # Binary garbage under every known extension.
    for ext in GARBAGE_EXTENSIONS:
        data = bytes(rng.getrandbits(8) for _ in range(4096))
        # Binary content in no format mapcheck knows: under an extension mapcheck reads it is
        # a damaged file (an error, when walking too); under another one (an archive `check`
        # does not open) `check` skips it when walking a folder.
        skipped_by_check = ext in ("zip", "gz", "tar")
        put(
            f"garbage/garbage.{ext}",
            data,
            _error("ME901", "ME902", "ME905", check="skipped" if skipped_by_check else "same"),
        )

    # Real files cut short.
    sources = [(src.read_bytes(), name) for src, name in TRUNCATION_SOURCES]
    sources += [(data, name) for name, data in _images().items()]
    for data, name in sources:
        put(f"truncated/half-{name}", data[: len(data) // 2], _truncated_expect(name))

    # Paths that cannot be read.
    (out / "special").mkdir(exist_ok=True)
    os.mkfifo(out / "special" / "pipe.geojson")
    expect["special/pipe.geojson"] = _error("ME901", reason="named pipe")
    os.symlink(out / "special" / "no-such-target.csv", out / "special" / "dangling.csv")
    expect["special/dangling.csv"] = _error("ME901", reason="broken symbolic link")
    (out / "special" / "loop").mkdir()
    os.symlink("..", out / "special" / "loop" / "up")  # a loop when symlinks are followed
    put("special/loop/inside.csv", b"region,country\nCrimea,UA\n", Expect(READABLE))

    # Names with bytes that are not UTF-8.
    odd = os.fsencode(out) + b"/names"
    os.makedirs(odd, exist_ok=True)
    with open(odd + b"/map-\xff\xfe.geojson", "wb") as fh:
        fh.write((SAMPLES / "bad" / "russia-2022-claims.geojson").read_bytes())
    expect[os.fsdecode(b"names/map-\xff\xfe.geojson")] = Expect(frozenset({"flag"}))
    with open(odd + b"/junk-\xc3\x28.png", "wb") as fh:
        fh.write(b"\x00garbage" * 64)
    expect[os.fsdecode(b"names/junk-\xc3\x28.png")] = _error("ME901")

    # Files that vanish or change between listing and checking.
    for name in LATE_CHANGES:
        put(name, (SAMPLES / "bad" / "cities.kml").read_bytes(), _error("ME901"))
    return expect


def _truncated_expect(name: str) -> Expect:
    """Half of a real file: text formats still read (their first half is text); binary and
    structured formats must be refused as corrupt or truncated."""
    ext = name.rsplit(".", 1)[-1]
    if ext in {"md", "txt", "html", "csv", "sql", "rtf"}:
        return Expect(READABLE | ERROR, frozenset({"ME901", "ME905"}))
    return _error("ME901", "ME902", "ME903", "ME905", "ME906")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--secret", type=Path, help="file the external entities point at")
    args = parser.parse_args(argv)
    secret = args.secret or (args.out.parent / "secret.txt")
    if not secret.exists():
        secret.write_text("HOSTILE-SECRET-MARKER\n", encoding="utf-8")
    expect = build(args.out, secret.resolve())
    print(f"wrote {len(expect)} hostile files under {args.out}")


if __name__ == "__main__":
    main()


__all__: list[str] = ["LATE_CHANGES", "Expect", "apply_late_changes", "build"]
