"""The web app over HTTP (Starlette's test client): every input kind, and refused requests.

OCR is off here for speed; the browser test runs the image path with OCR on. The ``upload_root``
fixture fails a test that leaves anything in the app's temporary folder.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import shapely
from PIL import Image
from starlette.testclient import TestClient

from checker.config import Config
from checker.engine import check_source
from checker.readers.base import Source
from checker.web import service
from checker.web.app import CSP, create_app
from checker.web.strings import EN, TABLES, UK
from checker.web.upload import ENVELOPE, UploadError, display_name, receive, safe_stem, safe_suffix
from tests.imaging import maps
from tests.web.conftest import BASE_URL, HEADERS, LIMIT

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
TEXT_FIXTURES = ROOT / "tests" / "readers_text" / "fixtures"
STATIC = ROOT / "checker" / "web" / "static"


def post_file(client: TestClient, path: Path, profile: str = "un", name: str | None = None) -> Any:
    with open(path, "rb") as fh:
        files = {"file": (name or path.name, fh.read())}
    return client.post("/api/check", files=files, data={"profile": profile}, headers=HEADERS)


def post_form(client: TestClient, headers: dict[str, str] | None = None, **fields: str) -> Any:
    """A multipart form of text fields, as the page sends it."""
    files = {k: (None, v) for k, v in fields.items()}
    return client.post("/api/check", files=files, headers=HEADERS if headers is None else headers)


def svg_map(crimea_russian: bool, width: int = 600) -> str:
    """An SVG map with ``RU`` and ``UA`` elements; Crimea inside Russia's when asked."""
    reg, (w, h) = maps.projection(maps.REGIONAL, width)
    s = maps.shapes()

    def d(geom: Any) -> str:
        rings = []
        for ext, holes in maps._rings(geom, reg):
            for ring in (ext, *holes):
                rings.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in ring) + " Z")
        return " ".join(rings)

    def hexc(c: tuple[int, int, int]) -> str:
        return "#{:02x}{:02x}{:02x}".format(*c)

    ua, ru = s["ukraine"], s["russia"]
    if crimea_russian:
        ua, ru = shapely.difference(ua, s["crimea"]), shapely.union(ru, s["crimea"])
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">',
            f'<rect width="{w}" height="{h}" fill="{hexc(maps.SEA)}"/>',
            f'<path id="others" d="{d(s["others"])}" fill="{hexc(maps.OTHER)}"/>',
            f'<path id="RU" d="{d(ru)}" fill="{hexc(maps.RUSSIA)}" stroke="#000"/>',
            f'<path id="UA" d="{d(ua)}" fill="{hexc(maps.UKRAINE)}" stroke="#000"/>',
            "</svg>",
        ]
    )


# --- the page -------------------------------------------------------------------------------------


def test_page_is_served_with_strict_headers(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "{{" not in r.text, "a template placeholder was left unfilled"
    assert EN["title"] in r.text
    assert "2 MB" in r.text  # the limit is stated


def test_page_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/").text
    assets = [client.get(f"/static/{n}") for n in ("app.js", "app.css")]
    for r in assets:
        assert r.status_code == 200
        assert r.headers["content-security-policy"] == CSP
    for text in (page, *(r.text for r in assets)):
        # The only URL allowed is the SVG namespace-free page itself: no http(s) or // assets.
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text)
        assert "@import" not in text and "url(http" not in text
    # Inline <script> elements only as JSON data (CSP forbids inline code anyway).
    for attrs in re.findall(r"<script([^>]*)>", page):
        assert 'type="application/json"' in attrs or "src=" in attrs


def test_static_route_serves_only_its_own_files(client: TestClient) -> None:
    for name in ("index.html", "..%2F__init__.py", "app.py", "strings.py"):
        assert client.get(f"/static/{name}").status_code == 404


def test_string_tables_have_the_same_keys_and_cover_the_page() -> None:
    assert set(EN) == set(UK)
    assert all(v.strip() for table in TABLES.values() for v in table.values())
    for table in (EN, UK):
        for key, value in table.items():  # the same placeholders in both languages
            assert set(re.findall(r"\{\w+\}", value)) == set(re.findall(r"\{\w+\}", EN[key]))
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n(?:-placeholder|-label)?="([\w.-]+)"', html))
    used |= set(re.findall(r"\{\{([\w.-]+)\}\}", html)) - {"strings_json", "limit_bytes", "version"}
    used |= set(re.findall(r"\bt\('([\w.-]+[\w])'\s*[,)]", js))
    assert used <= set(EN), used - set(EN)
    # Keys built at run time: one per verdict, severity, profile and policy.
    for v in ("flag", "warn", "clean", "undetermined", "error"):
        assert f"verdict.{v}" in EN and f"verdict.{v}.explain" in EN
    for s in ("error", "warning", "info"):
        assert f"finding.severity.{s}" in EN
    for p in ("un", "ua-strict"):
        assert f"profile.{p}" in EN
    assert {"policy.crimea", "policy.oblasts"} <= set(EN)


# --- every input kind -----------------------------------------------------------------------------

#: (file, verdict, codes that must be among the findings, what the fix gives: data / none / -)
INPUTS = [
    (SAMPLES / "bad/europe-50m.geojson", "flag", {"MG101"}, "data"),
    (SAMPLES / "bad/world-atlas-countries-110m.json", "flag", {"MG101"}, "data"),
    (SAMPLES / "bad/world-110m-shp.zip", "flag", {"MG101"}, "data"),
    (SAMPLES / "bad/ukraine-admin1-ne.gpkg", "flag", {"MG106"}, "none"),
    (SAMPLES / "bad/cities.kml", "flag", {"MG105"}, "-"),
    (SAMPLES / "bad/disputed-crimea.parquet", "warn", {"MG107"}, "-"),
    (SAMPLES / "good/ukraine-oblasts.geojson", "clean", set(), "-"),
    (SAMPLES / "good/world-atlas-countries-110m-fixed.json", "clean", set(), "-"),
    (TEXT_FIXTURES / "report.pdf", "flag", {"MT301"}, "-"),
    (TEXT_FIXTURES / "report.docx", "flag", {"MT301"}, "-"),
    (TEXT_FIXTURES / "report.odt", "flag", {"MT301"}, "-"),
    (TEXT_FIXTURES / "page.html", "flag", {"MT301", "MT302"}, "-"),
    (TEXT_FIXTURES / "regions.csv", "flag", {"MD402"}, "-"),
    (TEXT_FIXTURES / "uk_utf8.txt", "clean", set(), "-"),
]


@pytest.mark.parametrize(("path", "verdict", "codes", "fix"), INPUTS, ids=str)
def test_input_kinds(
    client: TestClient, path: Path, verdict: str, codes: set[str], fix: str
) -> None:
    r = post_file(client, path)
    assert r.status_code == 200, r.text
    assert r.headers["content-security-policy"] == CSP
    res = r.json()
    assert res["verdict"] == verdict, res
    assert res["name"] == path.name
    found = {f["code"] for f in res["findings"]}
    assert codes <= found
    if not codes:
        assert not [f for f in res["findings"] if f["severity"] == "error"]
    for f in res["findings"]:
        assert f["message"] and f["severity"] in ("error", "warning", "info")
        if f["code"].startswith(("MG10", "MT30")):
            assert f["policy"] and f["suggestion"]
    if fix == "-":
        assert res["fix"] is None or not res["fix"].get("data")
    elif fix == "none":
        assert res["fix"] == {"changes": [], "data": None}
    text = json.dumps(res)
    assert "mapcheck-web-" not in text, "the private folder's path leaked into the answer"


def test_corrected_geojson_download_checks_clean(client: TestClient) -> None:
    res = post_file(client, SAMPLES / "bad/russia-2022-claims.geojson").json()
    assert res["verdict"] == "flag"
    fix = res["fix"]
    assert fix["filename"] == "russia-2022-claims-corrected.geojson"
    assert fix["mime"] == "application/geo+json"
    assert any("Crimea" in c for c in fix["changes"])
    data = base64.b64decode(fix["data"])
    json.loads(data)  # valid JSON
    again = check_source(Source(name="fixed.geojson", data=data), Config())
    assert again.verdict.value == "clean", [f.code for f in again.findings]


def test_corrected_geopackage_download_checks_clean(client: TestClient, tmp_path: Path) -> None:
    import geopandas

    path = tmp_path / "europe.gpkg"
    frame = geopandas.read_file(SAMPLES / "bad/europe-50m.geojson")
    frame.to_file(path, layer="countries", driver="GPKG")
    res = post_file(client, path).json()
    assert res["verdict"] == "flag"
    fix = res["fix"]
    assert fix["filename"] == "europe-corrected.gpkg"
    fixed = tmp_path / "fixed.gpkg"
    fixed.write_bytes(base64.b64decode(fix["data"]))
    again = check_source(Source(name=str(fixed), path=fixed), Config())
    assert again.verdict.value == "clean", [f.code for f in again.findings]


def test_corrected_zipped_shapefile_is_a_shapefile_archive(client: TestClient) -> None:
    res = post_file(client, SAMPLES / "bad/world-110m-shp.zip").json()
    fix = res["fix"]
    assert fix["filename"] == "world-110m-shp-corrected.zip"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(fix["data"]))) as archive:
        names = sorted(archive.namelist())
    assert "world-110m-shp-corrected.shp" in names and "world-110m-shp-corrected.dbf" in names


def test_profile_switch_changes_the_verdict(client: TestClient) -> None:
    path = SAMPLES / "bad/disputed-crimea.parquet"
    assert post_file(client, path, "un").json()["verdict"] == "warn"
    strict = post_file(client, path, "ua-strict").json()
    assert strict["verdict"] == "flag" and strict["profile"] == "ua-strict"


def test_pasted_text_has_highlighted_passages(client: TestClient) -> None:
    text = "Our trip.\nWe flew to Simferopol, Russia last May.\nКрим — це Росія, кажуть вони."
    res = post_form(client, text=text, profile="un").json()
    assert res["verdict"] == "flag" and res["pasted"] is True
    passages = {f["code"]: f["passage"] for f in res["findings"]}
    p = passages["MT301"]
    assert p["match"] == "Simferopol, Russia"
    assert p["before"].endswith("We flew to ") and p["after"].startswith(" last May.")
    assert p["before"] + p["match"] + p["after"] in " ".join(text.split("\n"))
    assert res["findings"][0]["policy_key"] == "crimea"


def test_clean_pasted_text(client: TestClient) -> None:
    text = "Russia's illegal annexation of Crimea in 2014 is not recognized."
    res = post_form(client, text=text).json()
    assert res["verdict"] == "clean" and res["findings"] == []


def test_document_passages_quote_the_page(client: TestClient) -> None:
    res = post_file(client, TEXT_FIXTURES / "report.pdf").json()
    p = next(f["passage"] for f in res["findings"] if f["code"] == "MT301")
    assert p["match"] == "Simferopol, Russia" and (p["before"] or p["after"])


def test_map_picture_flagged_with_evidence_picture(
    client: TestClient, map_pictures: dict[str, Path]
) -> None:
    res = post_file(client, map_pictures["crimea-russia"]).json()
    assert res["verdict"] == "flag" and "MI201" in {f["code"] for f in res["findings"]}
    assert res["kind"] == "image"
    assert res["pictures"] and res["pictures"][0]["src"].startswith("data:image/png;base64,")
    png = base64.b64decode(res["pictures"][0]["src"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG")
    assert not any(n.startswith("evidence picture:") for n in res["notes"])


def test_correct_map_picture_is_clean_and_still_shows_evidence(
    client: TestClient, map_pictures: dict[str, Path]
) -> None:
    res = post_file(client, map_pictures["correct"]).json()
    assert res["verdict"] == "clean" and res["findings"] == []
    assert len(res["pictures"]) == 1


def test_map_figure_in_a_pdf_flags_the_document(
    client: TestClient, map_pictures: dict[str, Path], tmp_path: Path
) -> None:
    """A PDF whose only content is a Crimea-as-Russia map: the figure goes through the image
    pipeline, gets its own verdict and evidence picture, and flags the document."""
    path = tmp_path / "report.pdf"
    Image.open(map_pictures["crimea-russia"]).convert("RGB").save(path, "PDF", resolution=100)
    res = post_file(client, path).json()
    assert res["kind"] == "document"
    assert res["verdict"] == "flag" and res["document_verdict"] != "flag"
    (figure,) = res["figures"]
    assert figure["verdict"] == "flag" and "page 1" in figure["label"]
    assert "MI201" in {f["code"] for f in figure["findings"]}
    assert figure["pictures"][0]["src"].startswith("data:image/png;base64,")


def test_small_document_images_are_not_figures(client: TestClient) -> None:
    """report.pdf holds a 206-byte icon: no figure, the text verdict stands."""
    res = post_file(client, TEXT_FIXTURES / "report.pdf").json()
    assert res["figures"] == [] and res["verdict"] == "flag" and "document_verdict" not in res


def test_svg_map_with_crimea_in_russia(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "map.svg"
    path.write_text(svg_map(crimea_russian=True), encoding="utf-8")
    res = post_file(client, path).json()
    assert res["verdict"] == "flag" and res["pictures"]


# --- refused and broken requests ------------------------------------------------------------------


def test_oversized_upload_is_refused_and_nothing_is_left(
    client: TestClient, upload_root: Path
) -> None:
    r = client.post(
        "/api/check", files={"file": ("big.geojson", b" " * (LIMIT + 1))}, headers=HEADERS
    )
    assert r.status_code == 413
    assert r.json()["error"] == "error.too_large"
    assert "2 MB" in r.json()["message"]
    assert r.headers["content-security-policy"] == CSP
    assert list(upload_root.iterdir()) == []


def test_file_just_under_the_limit_is_taken(client: TestClient) -> None:
    """The limit is the file's size: the form's framing around it does not count against it."""
    data = b"Simferopol, Russia\n" + b" " * (LIMIT - 19)
    assert len(data) == LIMIT
    files = {"file": ("notes.txt", data), "profile": (None, "un")}
    r = client.post("/api/check", files=files, headers=HEADERS)
    assert r.status_code == 200 and r.json()["verdict"] == "flag"


def test_pasted_text_over_the_limit_is_refused(client: TestClient) -> None:
    r = post_form(client, text="a" * (LIMIT + 1))
    assert r.status_code == 413


def test_oversized_chunked_upload_is_refused(client: TestClient, upload_root: Path) -> None:
    """No Content-Length (chunked transfer): refused by counting what arrives."""
    boundary = "xyz"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(LIMIT // 65536 + 2):
            yield b"0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**HEADERS, "content-type": f"multipart/form-data; boundary={boundary}"}
    r = client.post("/api/check", content=body(), headers=headers)
    assert r.status_code == 413
    assert list(upload_root.iterdir()) == []


def test_limit_is_enforced_while_the_body_arrives(tmp_path: Path) -> None:
    """The parser stops pulling chunks as soon as the limit is crossed, whatever is left."""
    boundary = b"xyz"
    pulled = []

    async def stream() -> AsyncIterator[bytes]:
        yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
        for _ in range(1000):
            pulled.append(1)
            yield b"0" * 1024

    async def run() -> None:
        await receive(
            stream(), "multipart/form-data; boundary=" + boundary.decode(), None, 10_000, tmp_path
        )

    with pytest.raises(UploadError) as info:
        anyio.run(run)
    assert info.value.status == 413
    assert len(pulled) <= 11
    written = tmp_path / "a.png"
    assert written.stat().st_size <= 10_000


def test_announced_oversize_is_refused_before_reading(tmp_path: Path) -> None:
    async def stream() -> AsyncIterator[bytes]:
        raise AssertionError("the body was read")
        yield b""

    async def run() -> None:
        announced = str(10_000 + ENVELOPE + 1)
        await receive(stream(), "multipart/form-data; boundary=x", announced, 10_000, tmp_path)

    with pytest.raises(UploadError) as info:
        anyio.run(run)
    assert info.value.status == 413 and list(tmp_path.iterdir()) == []


def test_get_on_the_check_endpoint_is_refused(client: TestClient) -> None:
    r = client.get("/api/check")
    assert r.status_code == 405
    assert r.headers["content-security-policy"] == CSP


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Mapcheck": "0"}, {"X-Mapcheck": "1", "Origin": "http://evil.example"}],
    ids=["no header", "wrong header", "other origin"],
)
def test_cross_site_posts_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    r = post_form(client, headers, text="Crimea, Russia")
    assert r.status_code == 403 and r.json()["error"] == "error.forbidden"


def test_same_origin_post_is_accepted(client: TestClient) -> None:
    r = post_form(client, {**HEADERS, "Origin": BASE_URL}, text="Crimea, Russia")
    assert r.status_code == 200 and r.json()["verdict"] == "flag"


def test_other_host_names_are_refused(upload_root: Path) -> None:
    """DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example."""
    app = create_app(ocr=False, temp_root=upload_root)
    r = TestClient(app, base_url="http://evil.example:8765").get("/")
    assert r.status_code == 400


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"]
)
def test_loopback_host_names_are_accepted(upload_root: Path, base_url: str) -> None:
    app = create_app(ocr=False, temp_root=upload_root)
    assert TestClient(app, base_url=base_url).get("/").status_code == 200


def test_any_host_name_when_serving_the_network(upload_root: Path) -> None:
    app = create_app(ocr=False, temp_root=upload_root, host="0.0.0.0")
    assert TestClient(app, base_url="http://192.168.1.20:8765").get("/").status_code == 200


def test_garbage_file_gets_an_error_verdict(client: TestClient, tmp_path: Path) -> None:
    for name, data in [
        ("map.png", b"\x89PNG\r\n\x1a\nnot really"),
        ("map.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
        ("doc.pdf", b"%PDF-1.7\n garbage"),
        ("x.bin", bytes(range(256)) * 8),
        ("empty.txt", b""),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        r = post_file(client, path)
        assert r.status_code == 200, (name, r.text)
        assert r.json()["verdict"] in ("error", "undetermined"), (name, r.json())


def test_uploads_live_in_a_private_folder(
    client: TestClient, upload_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    real_run = service.run

    def spy(job: service.Job) -> dict[str, Any]:
        seen["folder_mode"] = job.folder.stat().st_mode & 0o777
        seen["file_mode"] = job.file.stat().st_mode & 0o777
        seen["inside"] = job.file.resolve().is_relative_to(upload_root.resolve())
        return real_run(job)

    monkeypatch.setattr(service, "run", spy)
    assert post_file(client, SAMPLES / "bad/cities.kml").json()["verdict"] == "flag"
    assert seen == {"folder_mode": 0o700, "file_mode": 0o600, "inside": True}


def test_failure_inside_the_check_is_a_500_and_cleans_up(
    client: TestClient, upload_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(job: service.Job) -> dict[str, Any]:
        (job.folder / "half-written").write_bytes(b"x")
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "run", boom)
    r = post_form(client, text="Crimea")
    assert r.status_code == 500 and r.json()["error"] == "error.server"
    assert "boom" not in r.text


@pytest.mark.parametrize(
    ("fields", "status", "key"),
    [
        ({"text": "   "}, 400, "error.empty"),
        ({"profile": "un"}, 400, "error.empty"),
        ({"text": "Crimea", "profile": "kremlin"}, 400, "error.profile"),
        ({"profile": "x" * 1000, "text": "a"}, 400, "error.form"),
    ],
    ids=["blank text", "nothing", "unknown profile", "long field"],
)
def test_bad_forms(client: TestClient, fields: dict[str, str], status: int, key: str) -> None:
    r = post_form(client, **fields)
    assert r.status_code == status and r.json()["error"] == key


def test_one_file_at_a_time(client: TestClient) -> None:
    files = [("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))]
    r = client.post("/api/check", files=files, headers=HEADERS)
    assert r.status_code == 400 and r.json()["error"] == "error.one_file"


def test_empty_file_input_falls_back_to_the_text(client: TestClient) -> None:
    files = [("file", ("", b"")), ("text", (None, "Simferopol, Russia"))]
    res = client.post("/api/check", files=files, headers=HEADERS).json()
    assert res["verdict"] == "flag" and res["pasted"] is True


def test_url_encoded_forms_are_refused(client: TestClient) -> None:
    r = client.post("/api/check", data={"text": "Crimea, Russia"}, headers=HEADERS)
    assert r.status_code == 415


def test_not_multipart_is_refused(client: TestClient) -> None:
    r = client.post(
        "/api/check",
        content=b'{"text": "x"}',
        headers={**HEADERS, "content-type": "application/json"},
    )
    assert r.status_code == 415


def test_client_file_name_is_never_a_path(client: TestClient, upload_root: Path) -> None:
    hostile = "../../../../tmp/evil\u202e.geojson"
    with open(SAMPLES / "good/ukraine-oblasts.geojson", "rb") as fh:
        files = {"file": (hostile, fh.read())}
    res = client.post("/api/check", files=files, headers=HEADERS).json()
    assert res["verdict"] == "clean"
    assert res["name"] == "evil.geojson"
    assert not (upload_root.parent / "evil.geojson").exists()


@pytest.mark.parametrize(
    ("raw", "name", "stem", "suffix"),
    [
        ("map.PNG", "map.PNG", "map", ".png"),
        ("C:\\Users\\me\\карта.geojson", "карта.geojson", "upload", ".geojson"),
        ("../../etc/passwd", "passwd", "passwd", ""),
        ("", "upload", "upload", ""),
        ("...", "upload", "upload", ""),
        ("a.tar.gz", "a.tar.gz", "a_tar", ".gz"),
        ("x.$(rm -rf)", "x.$(rm -rf)", "x", ""),
        ("line\nbreak.txt", "linebreak.txt", "linebreak", ".txt"),
        ("мапа 2024 (final).svg", "мапа 2024 (final).svg", "2024_final", ".svg"),
    ],
)
def test_file_name_cleaning(raw: str, name: str, stem: str, suffix: str) -> None:
    assert display_name(raw) == name
    assert safe_stem(display_name(raw)) == stem
    assert safe_suffix(display_name(raw)) == suffix
