"""detect(): content first, extension second, for every kind of input."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from checker.readers import ReaderError, Source, detect

FC = json.dumps({"type": "FeatureCollection", "features": []}).encode()
TOPO = json.dumps({"type": "Topology", "objects": {}, "arcs": []}).encode()
FEATURE = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "Point", "coordinates": [1, 2]},
}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _parquet(geo: bool) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"a": [1]})
    if geo:
        meta = {"primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB"}}}
        table = table.replace_schema_metadata({"geo": json.dumps(meta)})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


CASES: list[tuple[str, bytes, tuple[str, str]]] = [
    ("map.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, ("image", "png")),
    ("map.geojson", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, ("image", "png")),  # content wins
    ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, ("image", "jpeg")),
    ("a.gif", b"GIF89a" + b"\x00" * 40, ("image", "gif")),
    ("a.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40, ("image", "webp")),
    ("a.tif", b"II*\x00" + b"\x00" * 40, ("image", "tiff")),
    ("a.bmp", b"BM" + b"\x00" * 12 + bytes([40]) + b"\x00" * 40, ("image", "bmp")),
    (
        "a.svg",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        ("image", "svg"),
    ),
    ("noext", b"<svg viewBox='0 0 1 1'><path d='M0 0'/></svg>", ("image", "svg")),
    ("a.pdf", b"%PDF-1.7\n" + b"\x00" * 40, ("document", "pdf")),
    (
        "a.docx",
        _zip({"[Content_Types].xml": b"x", "word/document.xml": b"<w/>"}),
        ("document", "docx"),
    ),
    (
        "a.odt",
        _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"x"}),
        ("document", "odt"),
    ),
    (
        "a.epub",
        _zip({"mimetype": b"application/epub+zip", "OEBPS/x.html": b"x"}),
        ("document", "epub"),
    ),
    ("a.xlsx", _zip({"xl/workbook.xml": b"x"}), ("data", "xlsx")),
    (
        "shp.dat",
        _zip({"x/roads.shp": b"x", "x/roads.dbf": b"x", "x/roads.shx": b"x"}),
        ("vector", "shapefile"),
    ),
    ("a.kmz", _zip({"doc.kml": b"<kml/>"}), ("vector", "kmz")),
    ("page.html", b"<!DOCTYPE html><html><body>Crimea</body></html>", ("document", "html")),
    ("page.html", b"<html><script>var m = " + FC + b";</script></html>", ("vector", "jsmodule")),
    ("notes.md", b"# Crimea\n\nSome text.\n", ("document", "markdown")),
    (
        "notes.md",
        b'# GeoJSON example\n\n```\n{"type": "FeatureCollection"}\n```\n',
        ("document", "markdown"),
    ),
    ("notes.txt", "Крим — це Україна.\n".encode(), ("document", "text")),
    ("README", b"Plain words without an extension.\n", ("document", "text")),
    ("rows.csv", b"name,country\nSimferopol,UA\n", ("data", "csv")),
    ("rows.tsv", b"name\tcountry\nSimferopol\tUA\n", ("data", "tsv")),
    ("c.yaml", b"regions:\n  - Crimea\n", ("data", "yaml")),
    ("dump.sql", b"INSERT INTO regions VALUES ('Crimea', 'RU');\n", ("data", "sql")),
    ("data.json", b'{"regions": ["Crimea"]}', ("data", "json")),
    ("data.json", b"[1, 2, 3]", ("data", "json")),
    ("wrapped.json", b'{"data": {"map": ' + FC + b"}}", ("vector", "jsmodule")),
    ("fc.json", FC, ("vector", "geojson")),
    ("fc.txt", FC, ("vector", "geojson")),
    ("topo.geojson", TOPO, ("vector", "topojson")),
    ("topo.json", b'{"arcs": [], "objects": {}}', ("vector", "topojson")),
    ("f.geojson", json.dumps(FEATURE).encode() + b"\n", ("vector", "geojson")),
    ("pt.geojson", b'{"type": "Point", "coordinates": [1, 2]}', ("vector", "geojson")),
    ("arr.json", b"[" + json.dumps(FEATURE).encode() + b"]", ("vector", "geojson")),
    ("seq.json", (json.dumps(FEATURE) + "\n").encode() * 3, ("vector", "geojsonseq")),
    ("seq.txt", (b"\x1e" + json.dumps(FEATURE).encode() + b"\n") * 2, ("vector", "geojsonseq")),
    ("bom.geojson", b"\xef\xbb\xbf" + FC, ("vector", "geojson")),
    (
        "props-first.geojson",
        b'{"name": "x", "features": [], "type": "FeatureCollection"}',
        ("vector", "geojson"),
    ),
    ("nested-type.json", b'{"properties": {"type": "Feature"}, "rows": []}', ("data", "json")),
    ("m.js", b'Highcharts.maps["countries/ua/ua-all"] = ' + FC + b";", ("vector", "jsmodule")),
    ("m.mjs", b"export default {type: 'FeatureCollection', features: []}", ("vector", "jsmodule")),
    ("regions.js", b"export const REGIONS = ['Crimea', 'Kyiv'];\n", ("data", "source")),
    ("seed.py", b"REGIONS = ['Crimea']\n", ("data", "source")),
    (
        "a.kml",
        b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>',
        ("vector", "kml"),
    ),
    (
        "a.xml",
        b"<!-- c --><?pi x?><kml:kml xmlns:kml='http://www.opengis.net/kml/2.2'/>",
        ("vector", "kml"),
    ),
    ("a.fgb", b"fgb\x03fgb\x01" + b"\x00" * 40, ("vector", "flatgeobuf")),
    ("a.shp", b"\x00\x00\x27\x0a" + b"\x00" * 120, ("vector", "shapefile")),
    ("a.gpkg", b"SQLite format 3\x00" + b"\x00" * 52 + b"GPKG" + b"\x00" * 40, ("vector", "gpkg")),
    ("a.db", b"SQLite format 3\x00" + b"\x00" * 100, ("data", "sqlite")),
    ("geo.parquet", _parquet(True), ("vector", "geoparquet")),
    ("plain.parquet", _parquet(False), ("data", "parquet")),
    ("noise.geojson", bytes(range(256)) * 4, ("vector", "geojson")),  # reader reports ME901
    # Prose with a few control bytes (a docstring that shows NULs) is still text.
    (
        "nuls.txt",
        b"Files like ( \x00 \x00 [nonzero] )+ are UTF-16.\n" + b"Plain prose goes on. " * 200,
        ("document", "text"),
    ),
    # Prose that opens like a JSON array is a document under a document's extension.
    (
        "refs.txt",
        b"[1] Doreian, Batagelj and Ferligoj. Generalized blockmodeling.\n",
        ("document", "text"),
    ),
    ("rows.txt", b'[{"region": "Crimea"}, {"region": "Kyiv"}]\n', ("data", "json")),
    ("data.html", b'{"region": "Crimea"}\n', ("data", "json")),  # JSON under .html stays JSON
    ("settings", b'{"region": "Crimea", "id": 4}\n', ("data", "json")),
    # A whole small file that stops inside "[": not a JSON array cut by the sample (Python's
    # tomllib test data), but the TOML it is named as.
    ("early.toml", b"[[tab\n", ("data", "source")),
    ("early.txt", b"[1, 2,", ("document", "text")),
    # A Windows icon saved as .png (rustdoc's favicon): a picture, not a damaged PNG (ME901).
    (
        "favicon.png",
        b"\x00\x00\x01\x00\x01\x00" + bytes.fromhex("30300000010020000000000016000000"),
        ("image", "ico"),
    ),
]


def test_icon_bytes_without_an_icon_directory_are_not_an_icon(tmp_path: Path) -> None:
    from checker.readers.base import ReaderError

    path = tmp_path / "odd.png"
    path.write_bytes(b"\x00\x00\x01\x00\x00\x00" + b"\x07" * 40)
    with pytest.raises(ReaderError) as err:
        detect(Source("odd.png", path=path))
    assert err.value.code == "ME901"


def test_template_named_as_a_page_is_a_page(tmp_path: Path) -> None:
    """A Jinja template under .html ("{% extends … %}", dask's dashboard templates) was read as
    broken JSON (ME901). From stdin, with no name, it is tried as JSON and then read as text
    (the engine's fallback)."""
    data = b'{% extends "main.html" %}\n{% block content %}\n<p>Yalta, Russia</p>\n'
    path = tmp_path / "status.html"
    path.write_bytes(data)
    assert detect(Source("status.html", path=path)) == ("document", "html")
    from checker.config import Config
    from checker.engine import check_source

    report = check_source(Source("-", data=data), Config(ocr=False))
    assert [f.code for f in report.findings] == ["MT301"]


@pytest.mark.parametrize(
    ("name", "data", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_detect(tmp_path: Path, name: str, data: bytes, expected: tuple[str, str]) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert detect(Source(name, path=path)) == expected
    # From stdin there is no extension: everything recognisable by content must still be.
    if expected[1] in EXTENSION_ONLY:
        # Without the .md extension a quoted FeatureCollection reads as an embedded map.
        assert detect(Source("-", data=data))[0] in ("document", "data", "vector")
    elif name.startswith("noise"):
        with pytest.raises(ReaderError) as info:
            detect(Source("-", data=data))
        assert info.value.code == "ME902"
    else:
        assert detect(Source("-", data=data)) == expected


#: Formats told apart from plain text only by their extension.
EXTENSION_ONLY = {"csv", "tsv", "yaml", "sql", "markdown", "source", "text"}


ERRORS = [
    ("empty.geojson", b"", "ME906", "empty"),
    ("blank.txt", b" \n\t\r\n", "ME906", "whitespace"),
    ("x.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 40, "ME902", "gzip"),
    ("x.zip", _zip({"readme.txt": b"hello"}), "ME902", "no Shapefile"),
    ("x.zip", b"PK\x03\x04" + b"\x00" * 20, "ME901", "corrupt or truncated zip"),
    ("x.bin", b"\x00\x01\x02\x03" + bytes(range(200)), "ME902", "unrecognised"),
    # Fonts: a TrueType header's NUL bytes once read as BOM-less UTF-16 text (matplotlib's
    # DejaVuSansMono-Bold.ttf was an ME901 "not text" error).
    ("m.ttf", bytes.fromhex("0001000000120100000400204646544d") + b"\x00A" * 200, "ME902", "font"),
    ("m.woff2", b"wOF2" + b"\x00" * 60, "ME902", "font"),
    ("m.otf", b"OTTO\x00\x0c\x00\x80" + b"\x00A" * 100, "ME902", "font"),
    # A shapefile's index has the .shp's header: its shapes are checked with the .shp.
    ("a.shx", b"\x00\x00\x27\x0a" + b"\x00" * 120, "ME902", "checked with its .shp"),
    ("x.parquet", b"PAR1\x00\x00", "ME901", "truncated Parquet"),
    # Binary content under an extension mapcheck reads: damaged, not merely unsupported.
    ("x.png", b"\x00\x01garbage\xff" * 20, "ME901", "not a valid .png file"),
    ("x.csv", bytes(range(256)) * 4, "ME901", "not a valid .csv file"),
    ("x.xlsx", bytes(range(256)) * 4, "ME901", "not a valid .xlsx file"),
    ("x.pptx", bytes(range(256)) * 4, "ME901", "not a valid .pptx file"),
    ("x.sqlite", bytes(range(256)) * 4, "ME901", "not a valid .sqlite file"),
]


@pytest.mark.parametrize(
    ("name", "data", "code", "message"), ERRORS, ids=[e[0] + e[2] for e in ERRORS]
)
def test_detect_errors(tmp_path: Path, name: str, data: bytes, code: str, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReaderError) as info:
        detect(Source(name, path=path))
    assert info.value.code == code
    assert message in info.value.message


def test_whitespace_beyond_the_head(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b" " * 200_000 + b"x")
    assert detect(Source(path.name, path=path)) == ("document", "text")
    path.write_bytes(b" " * 200_000)
    with pytest.raises(ReaderError, match="whitespace"):
        detect(Source(path.name, path=path))


def test_embedded_map_past_the_head(tmp_path: Path) -> None:
    path = tmp_path / "bundle.js"
    path.write_bytes(b"// " + b"x" * 100_000 + b"\nvar m = " + FC + b";\n")
    assert detect(Source(path.name, path=path)) == ("vector", "jsmodule")
