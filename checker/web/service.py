"""One check for the page: the library's report turned into plain data the page can show.

Everything here is blocking and CPU-bound; :mod:`checker.web.app` runs it in a worker thread.
It works inside the request's private folder and returns only data (no paths): the verdict, each
finding in plain language with its policy source and suggested fix, the evidence pictures of
images as ``data:`` URIs, the passages of text findings with the matched words marked, the
pictures in a document (PDF figures) that the engine checked as maps, each with its own
verdict and evidence picture, and for vector maps the corrected file made by
:func:`checker.fix.fix_file`, inline as base64.

Why inline and not a download link: a link needs the file kept on the server under some key
until the browser asks for it, i.e. state, expiry and a second endpoint that serves files. Inline,
the corrected file lives only in the response and the browser's memory, the private folder is
deleted as soon as the answer is built, and there is nothing left to guess or leak. Corrected maps
are the size of the upload (capped by the same limit), so the cost is one base64 copy.
"""

from __future__ import annotations

import base64
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.config import Config
from checker.model import POLICY_CRIMEA, POLICY_OBLASTS, FileReport, Finding, Verdict, verdict_for
from checker.readers.base import Source, TextEvidence, TextSegment

#: Characters of context shown on each side of a text finding's match.
CONTEXT = 90
#: At most this many evidence pictures per answer (a PDF may hold many figures).
MAX_PICTURES = 12
#: Shapefile parts taken from a zipped shapefile for the fix, and their combined size limit.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
#: Corrected-file extension by format when the upload had none (pasted GeoJSON).
FORMAT_SUFFIX = {
    "geojson": ".geojson",
    "geojsonseq": ".geojsonl",
    "topojson": ".json",
    "jsmodule": ".js",
    "gpkg": ".gpkg",
    "geoparquet": ".parquet",
}
MIME = {
    ".geojson": "application/geo+json",
    ".json": "application/json",
    ".geojsonl": "application/geo+json-seq",
    ".js": "text/javascript",
    ".gpkg": "application/geopackage+sqlite3",
    ".zip": "application/zip",
}


@dataclass
class Job:
    """One check: the input saved in ``folder`` (a private temporary folder), how to show its
    name, and the settings the page chose."""

    folder: Path
    file: Path
    name: str
    profile: str = "un"
    ocr: bool = True
    #: The corrected file is not returned when larger than this (bytes).
    max_fix_bytes: int = 50 * 1024 * 1024


def run(job: Job) -> dict[str, Any]:
    """Check ``job.file`` and describe the result for the page (never raises for bad input)."""
    from checker.engine import check_source

    started = time.monotonic()
    evidence_dir = job.folder / "evidence"
    evidence_dir.mkdir(mode=0o700)
    config = Config(
        profile=job.profile,
        use_cache=False,
        cache_dir=None,
        evidence_dir=evidence_dir,
        ocr=job.ocr,
    )
    source = Source(name=job.name, path=job.file, max_bytes=config.max_bytes)
    report = check_source(source, config)
    out: dict[str, Any] = {
        "name": job.name,
        "kind": report.kind,
        "verdict": report.verdict.value,
        "error": _scrub(report.error, job.folder) if report.error else None,
        "profile": job.profile,
        "findings": [],
        "notes": [
            _scrub(n, job.folder) for n in report.notes if not n.startswith("evidence picture:")
        ],
        "pictures": _pictures(report, evidence_dir),
        "fix": None,
    }
    document = _read_document(source, report)
    passages = _passages(document, report)
    for i, f in enumerate(report.findings):
        if "figure" not in f.evidence:
            out["findings"].append(_finding(f, passages.get(i), job.folder))
    out["figures"] = _figures(report, evidence_dir, job.folder)
    if out["figures"]:
        # The engine's verdict counts the figures; the page also says what the text alone got.
        text_findings = tuple(f for f in report.findings if "figure" not in f.evidence)
        undetermined = report.verdict is Verdict.UNDETERMINED
        out["document_verdict"] = verdict_for(text_findings, undetermined).value
        used = {p["src"] for fig in out["figures"] for p in fig["pictures"]}
        out["pictures"] = [p for p in out["pictures"] if p["src"] not in used]
    if report.kind == "vector" and report.verdict in (Verdict.FLAG, Verdict.WARN):
        out["fix"] = _fix(job)
    out["seconds"] = round(time.monotonic() - started, 3)
    return out


def _scrub(text: str, folder: Path) -> str:
    """``text`` without the private folder's path (an OGR message may quote the file)."""
    return text.replace(str(folder) + "/", "").replace(str(folder), "")


def _finding(f: Finding, passage: dict[str, str] | None, folder: Path) -> dict[str, Any]:
    policy_key = {POLICY_CRIMEA: "crimea", POLICY_OBLASTS: "oblasts"}.get(f.policy or "")
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity.label,
        "message": _scrub(f.message, folder),
        "policy": f.policy or "",
        "policy_key": policy_key,
        "suggestion": f.suggestion or "",
        "where": _scrub(f.location.short(), folder),
        "confidence": round(f.confidence, 2),
        "passage": passage,
    }


# --- evidence pictures ---------------------------------------------------------------------------


def _pictures(report: FileReport, evidence_dir: Path) -> list[dict[str, str]]:
    """The evidence pictures the image pipeline wrote for this check, as ``data:`` URIs.

    The pipeline writes them into ``evidence_dir`` (``Config.evidence_dir``, as for ``check
    --evidence``); only files inside that folder are read, whatever a finding names.
    """
    named = [f.evidence.get("evidence_picture") for f in report.findings]
    candidates = [Path(p) for p in named if isinstance(p, str) and p]
    return _read_pictures(candidates + sorted(evidence_dir.glob("*.png")), evidence_dir)


def _read_pictures(candidates: list[Path], evidence_dir: Path | None) -> list[dict[str, str]]:
    from checker.reporters.html import MAX_PICTURE_BYTES

    if evidence_dir is None:
        return []
    root = evidence_dir.resolve()
    out: list[dict[str, str]] = []
    seen: set[Path] = set()
    for path in candidates:
        try:
            resolved = path.resolve()
        except OSError:
            continue
        if resolved in seen or not resolved.is_relative_to(root) or not resolved.is_file():
            continue
        seen.add(resolved)
        with open(resolved, "rb") as fh:
            data = fh.read(MAX_PICTURE_BYTES + 1)
        if len(data) > MAX_PICTURE_BYTES or not data.startswith(b"\x89PNG\r\n\x1a\n"):
            continue
        out.append({"src": "data:image/png;base64," + base64.b64encode(data).decode("ascii")})
        if len(out) >= MAX_PICTURES:
            break
    return out


# --- passages of text findings -------------------------------------------------------------------


def _read_document(source: Source, report: FileReport) -> TextEvidence | None:
    """A document's text and embedded images, read again without OCR (cheap: enough to quote
    text-layer findings and to find the figures), or ``None`` for other inputs."""
    if report.kind not in ("document", "data"):
        return None
    try:
        from checker.readers import detect
        from checker.readers.text import read_text

        _, fmt = detect(source)
        evidence = read_text(source, fmt, ocr=False)
    except Exception:
        return None
    return evidence if isinstance(evidence, TextEvidence) else None


def _passages(document: TextEvidence | None, report: FileReport) -> dict[int, dict[str, str]]:
    """For text findings: the words found, with the text around them (index → passage); a
    finding only OCR saw is shown as its match alone."""
    wanted = {
        i: f.evidence["match"]
        for i, f in enumerate(report.findings)
        if isinstance(f.evidence.get("match"), str) and f.evidence["match"].strip()
    }
    segments = document.segments if document is not None else []
    out: dict[int, dict[str, str]] = {}
    for i, match in wanted.items():
        loc = report.findings[i].location
        found = _locate(segments, match, loc.page, loc.line, loc.column, loc.key_path)
        out[i] = found or {"before": "", "match": match, "after": ""}
    return out


def _locate(
    segments: list[TextSegment],
    match: str,
    page: int | None,
    line: int | None,
    column: int | None,
    key_path: str | None,
) -> dict[str, str] | None:
    """The passage of ``match``: at the finding's position when a segment covers it, else its
    first occurrence anywhere."""
    needle = match.casefold()
    for seg in _covering(segments, page, line, key_path):
        start = _offset(seg, line, column)
        hay = seg.text.casefold()
        at = hay.find(needle, max(0, start - 2)) if start is not None else -1
        if at < 0:
            at = hay.find(needle)
        if at >= 0:
            return _cut(seg.text, at, len(match))
    for seg in segments:
        at = seg.text.casefold().find(needle)
        if at >= 0:
            return _cut(seg.text, at, len(match))
    return None


def _covering(
    segments: list[TextSegment], page: int | None, line: int | None, key_path: str | None
) -> Iterator[TextSegment]:
    for seg in segments:
        if page is not None and seg.page is not None and seg.page != page:
            continue
        if key_path is not None and seg.key_path is not None and seg.key_path != key_path:
            continue
        if line is not None and not seg.line <= line <= seg.line + seg.text.count("\n"):
            continue
        yield seg


def _offset(seg: TextSegment, line: int | None, column: int | None) -> int | None:
    if line is None:
        return None
    pos = 0
    for _ in range(line - seg.line):
        nl = seg.text.find("\n", pos)
        if nl < 0:
            return None
        pos = nl + 1
    col = column or 1
    return pos + max(0, col - (seg.column if line == seg.line else 1))


def _cut(text: str, at: int, length: int) -> dict[str, str]:
    before = text[max(0, at - CONTEXT) : at]
    after = text[at + length : at + length + CONTEXT]
    if at - CONTEXT > 0:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    if at + length + CONTEXT < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return {
        "before": " ".join(before.split("\n")),
        "match": text[at : at + length],
        "after": " ".join(after.split("\n")),
    }


# --- figures in documents ------------------------------------------------------------------------


def _figures(report: FileReport, evidence_dir: Path, folder: Path) -> list[dict[str, Any]]:
    """The document's pictures that the engine found maps in (:mod:`checker.figures`), each
    with its own verdict, findings and evidence picture, in document order."""
    groups: dict[str, list[Finding]] = {}
    for f in report.findings:
        label = f.evidence.get("figure")
        if isinstance(label, str):
            groups.setdefault(label, []).append(f)
    out: list[dict[str, Any]] = []
    for label, findings in groups.items():
        named = [f.evidence.get("evidence_picture") for f in findings]
        candidates = [Path(p) for p in named if isinstance(p, str) and p]
        out.append(
            {
                "label": _scrub(label, folder),
                "verdict": verdict_for(tuple(findings), False).value,
                "findings": [_finding(f, None, folder) for f in findings],
                "pictures": _read_pictures(candidates, evidence_dir),
            }
        )
    return out


# --- corrected vector file -----------------------------------------------------------------------


def _fix(job: Job) -> dict[str, Any]:
    """The corrected file made by ``mapcheck fix``, inline, or why there is none."""
    from checker.fix import FixError, fix_file
    from checker.readers import detect
    from checker.readers.base import ReaderError

    fixed = job.folder / "fixed"
    fixed.mkdir(mode=0o700)
    try:
        _, fmt = detect(Source(name=job.name, path=job.file))
        suffix = job.file.suffix.lower() or FORMAT_SUFFIX.get(fmt, "")
        if fmt == "shapefile" and suffix == ".zip":
            return _fix_zipped_shapefile(job, fixed)
        dst = fixed / f"corrected{suffix}"
        result = fix_file(job.file, dst)
    except (FixError, ReaderError, zipfile.BadZipFile, OSError) as exc:
        return {"error": _scrub(str(exc), job.folder)}
    return _packed(job, result.changes, dst, suffix)


def _packed(job: Job, changes: list[str], dst: Path, suffix: str) -> dict[str, Any]:
    if not changes or not dst.is_file():
        return {"changes": [], "data": None}
    if dst.stat().st_size > job.max_fix_bytes:
        return {"changes": changes, "data": None, "error": "too large to return here"}
    stem = Path(job.name).stem or "map"
    return {
        "changes": [_scrub(c, job.folder) for c in changes],
        "filename": f"{stem}-corrected{suffix}",
        "mime": MIME.get(suffix, "application/octet-stream"),
        "data": base64.b64encode(dst.read_bytes()).decode("ascii"),
    }


def _fix_zipped_shapefile(job: Job, fixed: Path) -> dict[str, Any]:
    """A zipped shapefile: its parts unpacked under fixed names, fixed, zipped again.

    Member names from the archive are never used as paths: the first ``.shp`` and its sidecars
    (same stem) are written as ``in/<stem>.<ext>`` with the stem reduced to a safe character set
    (:func:`~checker.web.upload.safe_stem`), sizes checked against the upload limit.
    """
    from checker.fix import fix_file
    from checker.web.upload import safe_stem

    src_dir, out_dir = fixed / "in", fixed / "out"
    src_dir.mkdir(mode=0o700)
    out_dir.mkdir(mode=0o700)
    with zipfile.ZipFile(job.file) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        shp = next((m for m in members if m.filename.lower().endswith(".shp")), None)
        if shp is None:
            return {"error": "the archive holds no .shp file"}
        stem = shp.filename[:-4]
        base = safe_stem(stem.rsplit("/", 1)[-1])
        parts = {
            m.filename[len(stem) :].lower(): m
            for m in members
            if m.filename.startswith(stem) and m.filename[len(stem) :].lower() in SHAPEFILE_PARTS
        }
        if sum(m.file_size for m in parts.values()) > job.max_fix_bytes:
            return {"error": "too large to return here"}
        for ext, member in parts.items():
            with archive.open(member) as fh_in, open(src_dir / f"{base}{ext}", "wb") as fh_out:
                fh_out.write(fh_in.read(job.max_fix_bytes + 1))
    result = fix_file(src_dir / f"{base}.shp", out_dir / f"{base}.shp")
    if not result.changes:
        return {"changes": [], "data": None}
    display_stem = Path(job.name).stem or "map"
    zipped = fixed / "corrected.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(out_dir.iterdir()):
            archive.write(part, f"{display_stem}-corrected{part.suffix}")
    return _packed(job, result.changes, zipped, ".zip")
