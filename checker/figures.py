"""Pictures inside documents (PDF figures, DOCX/ODT/EPUB images) through the image pipeline.

A wire graphic pasted into a report is as much the report's content as its captions: each
embedded picture large enough to be a map is checked like a picture file, and its findings join
the document's report, located by page and picture (``page 3, picture 2``) and, within the
picture, by pixel box. A figure that is not a map (a photo, a logo) gives no findings; a note says
what was checked, so a clean document verdict never hides a figure that was skipped.

Limits keep a document with hundreds of pictures bounded: at most :data:`MAX_FIGURES` pictures
per document are checked, only those at least :data:`MIN_FIGURE_SIDE` pixels on their shorter
side (icons, bullets and rules are not maps), and the size is read from the header before any
pixels are decoded.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace

from checker.config import Config
from checker.model import Finding, Verdict, fingerprint
from checker.readers.base import EmbeddedImage, ReaderError, Source

#: Pictures checked per document, in document order.
MAX_FIGURES = 8
#: Pictures smaller than this on their shorter side are not checked (icons, rules, bullets).
MIN_FIGURE_SIDE = 200


@dataclass
class FigureResults:
    """What the document's pictures add to its report."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: (label, verdict) of every picture checked, in document order.
    checked: list[tuple[str, Verdict]] = field(default_factory=list)


def label_for(number: int, image: EmbeddedImage) -> str:
    """Where the picture is: ``page 3, picture 2 (word/media/image2.png)``."""
    where = (
        f"page {image.page}, picture {number}" if image.page is not None else f"picture {number}"
    )
    name = (image.name or "").strip()
    if name and not name.startswith(f"page {image.page} "):
        where += f" ({name})"
    return where


def check_figures(name: str, images: list[EmbeddedImage], config: Config) -> FigureResults:
    """Check the document ``name``'s embedded pictures; never raises for a bad picture."""
    out = FigureResults()
    if not images:
        return out
    from checker.engine import _has_module

    if not _has_module("checker.imaging"):
        out.notes.append("pictures in this document were not checked: no image pipeline")
        return out
    from checker import imaging

    fp_path = config.fingerprint_path(name)
    candidates = 0
    for number, image in enumerate(images, 1):
        size = _size(image.data)
        if size is None or min(size) < MIN_FIGURE_SIDE:
            continue
        candidates += 1
        if candidates > MAX_FIGURES:
            continue
        label = label_for(number, image)
        # The name keeps evidence pictures of different documents apart; fingerprints use the
        # root-relative document path and the label instead (see below).
        source = Source(name=f"{name} [{label}]", data=image.data, max_bytes=config.max_bytes)
        try:
            fmt = _format(image.data)
            report = imaging.check_image(source, fmt, config)
        except ReaderError as exc:
            out.notes.append(f"{label}: not checked ({exc.code}: {exc.message})")
            continue
        except Exception as exc:  # one bad picture never breaks the document's check
            out.notes.append(f"{label}: not checked (internal error: {type(exc).__name__})")
            continue
        out.checked.append((label, report.verdict))
        for f in report.findings:
            location = replace(f.location, path=name, page=image.page, key_path=label)
            out.findings.append(
                replace(
                    f,
                    location=location,
                    evidence={**f.evidence, "figure": label},
                    fingerprint=fingerprint(f.code, fp_path, f"{label}|{f.message}"),
                )
            )
        reason = next((n for n in report.notes if not n.startswith("evidence picture")), None)
        summary = (
            f"{label} ({size[0]}×{size[1]} px) checked as a map picture: {report.verdict.value}"
        )
        if report.verdict is Verdict.UNDETERMINED and reason:
            summary += f" ({reason})"
        out.notes.append(summary)
    if candidates > MAX_FIGURES:
        out.notes.append(
            f"{candidates - MAX_FIGURES} more pictures large enough to be maps were not checked "
            f"(the limit is {MAX_FIGURES} per document)"
        )
    return out


_SVG_ROOT = re.compile(rb"<svg\b([^>]*)>", re.I)
_SVG_ATTR = re.compile(rb"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _svg_size(data: bytes) -> tuple[int, int] | None:
    """The size an SVG is drawn at (its root's width, height and viewBox, as the SVG reader
    renders it), or ``None`` when ``data`` does not begin an SVG."""
    from xml.etree.ElementTree import Element

    from checker.imaging.svg import render_size

    m = _SVG_ROOT.search(data, 0, 4096)
    if m is None:
        return None
    attrs = {
        key.decode("ascii", "replace"): (double or single).decode("utf-8", "replace")
        for key, double, single in _SVG_ATTR.findall(m.group(1))
    }
    try:
        return render_size(Element("svg", attrs))
    except ReaderError:
        return None


def _size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the picture's header (no pixels decoded), or ``None``. An SVG
    counts at the size it is drawn at."""
    from PIL import Image, UnidentifiedImageError

    if data.lstrip()[:1] == b"<":
        return _svg_size(data)
    try:
        with Image.open(io.BytesIO(data)) as im:
            return int(im.size[0]), int(im.size[1])
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,  # raised when warnings are errors
    ):
        return None


def _format(data: bytes) -> str:
    from checker.readers import detect

    kind, fmt = detect(Source(name="figure", data=data))
    if kind != "image":
        raise ReaderError("ME902", "not a picture format mapcheck reads")
    return fmt
