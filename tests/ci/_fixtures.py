"""Inputs for the CI-hook tests: fixed reports for golden files, and real inputs of every kind.

``golden_reports()`` covers every location style a reporter must render: a vector feature, text
with line and column, a PDF page, a data row and key path, an image pixel box with an evidence
picture, a clean file, an undetermined one and an unreadable one, plus a message full of the
characters escapers get wrong. ``make_inputs(folder)`` writes small real files of every input
kind (vector maps from ``samples/`` and ``tests/fixtures``, a PNG, an SVG, a PDF, Markdown, plain
text, HTML, CSV, JSON, a broken file) for end-to-end runs.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from checker.model import Category, FileReport, Finding, Location, Severity, Verdict
from checker.rules.registry import Rule
from tests._pdf import write_pdf

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
WORLD_110M = ROOT / "tests" / "fixtures" / "world-atlas" / "countries-110m.json"
GOLDEN = Path(__file__).resolve().parent / "golden"

POLICY = "UNGA A/RES/68/262 (2014)"
#: A message with every character an escaper must handle: quotes, comma, colon, percent, <, &,
#: a CR and an LF, and Cyrillic.
TRICKY = 'Text says "Simferopol, Russia": 100% <wrong> & misleading,\r\nsecond line: Крим'


def _finding(
    code: str,
    name: str,
    severity: Severity,
    message: str,
    loc: Location,
    *,
    confidence: float = 0.9,
    evidence: dict[str, object] | None = None,
    suggestion: str = "",
    policy: str = POLICY,
    fingerprint: str = "",
) -> Finding:
    return Finding(
        code=code,
        name=name,
        severity=severity,
        message=message,
        location=loc,
        confidence=confidence,
        evidence=evidence or {},
        suggestion=suggestion,
        policy=policy,
        fingerprint=fingerprint or code.lower().ljust(32, "0"),
    )


def golden_reports() -> list[FileReport]:
    world = _finding(
        "MG101",
        "geometry.crimea-in-russia",
        Severity.ERROR,
        'Crimea is drawn as part of Russia: the Russia feature "Russia" (feature #18, id 643) '
        "covers 94% of Crimea and Sevastopol.",
        Location(
            path="maps/world.json",
            layer="countries",
            feature_index=18,
            feature_id="643",
            properties={"name": "Russia"},
            lonlat=(34.1, 44.95),
        ),
        confidence=0.99,
        evidence={"share_of_region_covered": 0.9412, "identified_by": "feature id 643"},
        suggestion="Move the Crimea polygon into Ukraine's feature (`mapcheck fix`).",
        fingerprint="0123456789abcdef0123456789abcdef",
    )
    disputed = _finding(
        "MG107",
        "geometry.crimea-unattributed",
        Severity.WARNING,
        "Crimea is drawn as a separate feature that is marked as disputed.",
        Location(path="maps/disputed.geojson", layer="layer", feature_index=2),
        suggestion="Attribute the Crimea feature to Ukraine.",
        fingerprint="fedcba9876543210fedcba9876543210",
    )
    text = _finding(
        "MT301",
        "text.crimea-russia",
        Severity.ERROR,
        TRICKY,
        Location(path="docs/article.md", line=12, column=5),
        suggestion="Write “Simferopol, Crimea, Ukraine”.",
        fingerprint="11111111111111111111111111111111",
    )
    pdf = _finding(
        "MT301",
        "text.crimea-russia",
        Severity.INFO,
        "Quoted: “Crimea is Russia”, attributed to an official.",
        Location(path="docs/report.pdf", page=3, line=7, column=1),
        fingerprint="22222222222222222222222222222222",
    )
    row = _finding(
        "MD401",
        "data.crimea-in-russia-list",
        Severity.ERROR,
        "The region list of Russia includes Republic of Crimea.",
        Location(path="data/regions.csv", row=14, key_path="$[13].country"),
        evidence={"value": "RU", "column": "country"},
        suggestion="List Crimea under Ukraine (UA-43).",
        fingerprint="33333333333333333333333333333333",
    )
    image = _finding(
        "MI201",
        "image.crimea-russia-colour",
        Severity.ERROR,
        "Crimea is filled in Russia's colour (ΔE 2.5 from Russia, 41 from Ukraine).",
        Location(path="img/map.png", pixel_box=(10, 20, 110, 90), lonlat=(34.0, 45.0)),
        confidence=0.95,
        evidence={
            "delta_e_russia": 2.5,
            "delta_e_ukraine": 41.0,
            "evidence_picture": "evidence.png",
        },
        suggestion="Fill Crimea with Ukraine's colour.",
        fingerprint="44444444444444444444444444444444",
    )
    broken = _finding(
        "ME901",
        "input.unreadable",
        Severity.ERROR,
        "invalid JSON at line 1 column 12",
        Location(path="maps/broken.geojson"),
        confidence=1.0,
        suggestion="Re-export the file from its source, or check that it is complete.",
        policy="",
        fingerprint="00000000000000000000000000000000",
    )
    return [
        FileReport("maps/world.json", "vector", Verdict.FLAG, (world,)),
        FileReport("maps/disputed.geojson", "vector", Verdict.WARN, (disputed,)),
        FileReport("docs/article.md", "document", Verdict.FLAG, (text,)),
        FileReport("docs/report.pdf", "document", Verdict.CLEAN, (pdf,)),
        FileReport("data/regions.csv", "data", Verdict.FLAG, (row,)),
        FileReport("img/map.png", "image", Verdict.FLAG, (image,)),
        FileReport(
            "maps/us.geojson",
            "vector",
            Verdict.CLEAN,
            notes=("nothing in this file comes near Ukraine; Crimea is not shown",),
        ),
        FileReport(
            "img/small.png",
            "image",
            Verdict.UNDETERMINED,
            notes=("Crimea is 12 px across; at least 20 px are needed",),
        ),
        FileReport(
            "maps/broken.geojson",
            "unknown",
            Verdict.ERROR,
            (broken,),
            error="ME901: invalid JSON at line 1 column 12",
        ),
    ]


def golden_rules() -> dict[str, Rule]:
    """A fixed rule table for the SARIF golden file (the real one grows as families land)."""

    def rule(code: str, name: str, category: Category, applies: str, doc: str) -> Rule:
        return Rule(
            code, name, category, applies, "" if code.startswith("ME") else POLICY, doc, None
        )

    table = [
        ("MD401", "data.crimea-in-russia-list", Category.CONCEDES, "data",
         "A region list puts Crimea among Russia's regions.\n\n"
         "Bad: `RU: [..., Crimea]`.\nGood: `UA: [..., Crimea]`."),
        ("ME901", "input.unreadable", Category.INPUT, "input",
         "The file could not be read: it is corrupt, truncated or malformed."),
        ("MG101", "geometry.crimea-in-russia", Category.CONCEDES, "vector",
         "Crimea is drawn inside a Russia feature.\n\n"
         "Bad: Russia's polygon holds Crimea.\nGood: Ukraine's does."),
        ("MG107", "geometry.crimea-unattributed", Category.DISPUTES, "vector",
         "Crimea is a separate feature with no sovereign."),
        ("MI201", "image.crimea-russia-colour", Category.CONCEDES, "image",
         "Crimea is drawn in Russia's colour."),
        ("MT301", "text.crimea-russia", Category.CONCEDES, "text",
         "Text places Crimea in Russia.\n\n"
         "Bad: Simferopol, Russia.\nGood: Simferopol, Crimea, Ukraine."),
    ]  # fmt: skip
    return {row[0]: rule(*row) for row in table}


# --- real inputs of every kind ------------------------------------------------------------------


def png_bytes(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """A truecolour PNG from a pixel function (no Pillow needed; deterministic for a zlib)."""
    raw = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _map_pixel(x: int, y: int) -> tuple[int, int, int]:
    """A crude two-country picture: a blue sea, a yellow west, a red east and a red peninsula."""
    if y > 110 and 80 < x < 130:
        return (200, 40, 40)  # the "peninsula" in the eastern colour
    if y > 100:
        return (120, 170, 220)
    return (240, 210, 60) if x < 120 else (200, 40, 40)


PROSE = (
    "# Holiday guide\n\n"
    "Our tour starts in Kyiv and goes south.\n"
    "The last stop is Simferopol, Russia, where the group stays two nights.\n"
    "Sevastopol is a port city on the Black Sea.\n"
)


def make_inputs(folder: Path) -> dict[str, Path]:
    """Small real files of every input kind in ``folder``; returns them by a short name."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        files[name] = path

    for sample in (
        "bad/cities.kml",
        "bad/russia-2022-claims.geojson",
        "good/france-regions.geojson",
    ):
        target = folder / Path(sample).name
        shutil.copyfile(SAMPLES / sample, target)
        files[target.name] = target
    if WORLD_110M.exists():
        shutil.copyfile(WORLD_110M, folder / "world-110m.topojson")
        files["world-110m.topojson"] = folder / "world-110m.topojson"
    put("map.png", png_bytes(240, 160, _map_pixel))
    put(
        "map.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120" viewBox="0 0 200 120">'
        '<title>Europe</title><path id="RU" class="country russia" fill="#c00" '
        'd="M120 0 H200 V100 H120 Z M90 100 H120 V120 H90 Z"><title>Russia</title></path>'
        '<path id="UA" fill="#fc0" d="M0 0 H120 V100 H0 Z"><title>Ukraine</title></path></svg>',
    )
    put("guide.pdf", write_pdf([["Holiday guide", "The last stop is Simferopol, Russia."]]))
    put("guide.md", PROSE)
    put("guide.txt", PROSE.replace("# ", ""))
    put(
        "guide.html",
        "<!DOCTYPE html><html><head><title>Guide</title></head><body><h1>Holiday guide</h1>"
        "<p>The last stop is Simferopol, Russia.</p></body></html>",
    )
    put(
        "regions.csv",
        "country,region,iso\nRU,Moscow Oblast,RU-MOS\nRU,Republic of Crimea,RU-CR\n"
        "UA,Kyiv Oblast,UA-32\n",
    )
    put(
        "regions.json",
        json.dumps(
            {"Russia": ["Moscow Oblast", "Republic of Crimea", "Sevastopol"], "Ukraine": ["Kyiv"]},
            ensure_ascii=False,
        ),
    )
    put("broken.geojson", '{"type": "FeatureCollection", "features": [')
    return files
