"""A mixed corpus for audit tests and ``bench/audit.py``: text, data, vector, image and PDF files
plus archives, generated here or copied from the repository's samples and fixtures.

- text and data: generated sentences and region lists, some conceding ("Simferopol, Russia"),
  most not;
- vector: the samples in ``samples/`` (bad and good);
- images: simple political maps drawn here from ``reference_boundaries`` (Crimea coloured as
  Russia or as Ukraine), plate carrée, as PNG and JPEG;
- PDF: ``tests/readers_text/fixtures/report.pdf`` with a distinct comment appended to each copy;
- archives: a zip and a tar.gz holding some of the above.
"""

from __future__ import annotations

import io
import json
import random
import tarfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "reference_boundaries"
SAMPLES = ROOT / "samples"
TEXT_FIXTURES = ROOT / "tests" / "readers_text" / "fixtures"

_CONCEDING = (
    "Simferopol, Russia is a city on the peninsula.",
    "The Republic of Crimea is a federal subject of the Russian Federation.",
    "Sevastopol, Russia hosts the fleet.",
)
_NEUTRAL = (
    "The river flows south to the sea.",
    "Kyiv is the capital of Ukraine.",
    "The harvest was larger than last year.",
    "Lviv and Odesa saw many visitors in summer.",
    "Simferopol is the capital of the Autonomous Republic of Crimea, Ukraine.",
)


@dataclass(frozen=True)
class Mix:
    """How many files of each kind."""

    text: int = 20
    vector: int = 6
    image: int = 4
    pdf: int = 2
    archives: bool = True


def make_mixed_corpus(dest: Path, mix: Mix | None = None, *, seed: int = 6) -> list[Path]:
    """Write the corpus under ``dest``; returns the files written (archives as one file)."""
    mix = mix or Mix()
    rng = random.Random(seed)
    written: list[Path] = []

    def put(rel: str, data: bytes) -> None:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    for i in range(mix.text):
        lines = [rng.choice(_NEUTRAL) for _ in range(rng.randint(3, 12))]
        if i % 4 == 0:
            lines.insert(rng.randrange(len(lines)), rng.choice(_CONCEDING))
        ext = ("txt", "md", "csv")[i % 3]
        if ext == "csv":
            country = "RU" if i % 4 == 0 else "UA"
            body = "city,region,country\n" + f"Simferopol,Crimea,{country}\nLviv,Lviv,UA\n"
            put(f"text/t{i:04d}.csv", body.encode())
        else:
            put(f"text/t{i:04d}.{ext}", ("\n".join(lines) + "\n").encode())
    vectors = sorted((SAMPLES / "bad").glob("*.geojson")) + sorted(
        (SAMPLES / "good").glob("*.geojson")
    )
    for i in range(mix.vector):
        src = vectors[i % len(vectors)]
        put(f"vector/v{i:04d}-{src.name}", src.read_bytes())
    for i in range(mix.image):
        fmt = "png" if i % 2 == 0 else "jpg"
        put(f"images/m{i:04d}.{fmt}", map_picture(crimea_russian=i % 2 == 0, fmt=fmt, seed=i))
    pdf = (TEXT_FIXTURES / "report.pdf").read_bytes()
    for i in range(mix.pdf):
        put(f"pdf/p{i:04d}.pdf", pdf + f"\n% copy {i}\n".encode())
    if mix.archives:
        members = {
            "inside/a.csv": b"city,country\nKerch,RU\n",
            "inside/b.txt": b"Kyiv is the capital of Ukraine.\n",
            "inside/map.geojson": (SAMPLES / "bad" / "russia-2022-claims.geojson").read_bytes(),
        }
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        put("archives/bundle.zip", buf.getvalue())
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
        put("archives/bundle.tar.gz", buf.getvalue())
    return written


@cache
def _shapes() -> dict[str, object]:
    import shapely
    from shapely.geometry import shape

    out: dict[str, object] = {}
    for name in ("ukraine", "russia"):
        doc = json.loads((REF / f"{name}.geojson").read_text(encoding="utf-8"))
        geom = shape(doc["features"][0]["geometry"])
        out[name] = shapely.clip_by_rect(geom, 20.0, 40.0, 50.0, 58.0)
    doc = json.loads((REF / "ukraine_oblasts.geojson").read_text(encoding="utf-8"))
    crimea = [
        shape(f["geometry"])
        for f in doc["features"]
        if f["properties"].get("iso_3166_2") in ("UA-43", "UA-40")
    ]
    out["crimea"] = shapely.union_all(crimea)
    return out


def map_picture(*, crimea_russian: bool, fmt: str = "png", seed: int = 0) -> bytes:
    """A plate carrée political map of lon 20–50, lat 40–58 (800 × 480 px)."""
    from PIL import Image, ImageDraw

    width, height = 800, 480
    sea, other = (170, 211, 223), (235, 235, 225)
    ukraine, russia = (250, 230, 120), (240, 160, 140)
    shift = (seed % 3) * 3
    img = Image.new("RGB", (width, height), sea)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width, height // 3], fill=other)

    def px(lon: float, lat: float) -> tuple[float, float]:
        return (lon - 20.0) / 30.0 * width + shift, (58.0 - lat) / 18.0 * height

    shapes = _shapes()
    for key, colour in (("russia", russia), ("ukraine", ukraine)):
        _fill(draw, shapes[key], colour, px)
    _fill(draw, shapes["crimea"], russia if crimea_russian else ukraine, px)
    buf = io.BytesIO()
    img.save(buf, format="PNG" if fmt == "png" else "JPEG", quality=92)
    return buf.getvalue()


def _fill(draw: object, geom: object, colour: tuple[int, int, int], px: object) -> None:
    from shapely.geometry import MultiPolygon, Polygon

    polygons = (
        list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]  # type: ignore[attr-defined]
    )
    for poly in polygons:
        if not isinstance(poly, Polygon) or poly.is_empty:
            continue
        ring = [px(x, y) for x, y in poly.exterior.coords]  # type: ignore[operator]
        draw.polygon(ring, fill=colour)  # type: ignore[attr-defined]
