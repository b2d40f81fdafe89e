"""The library entry point: paths in, :class:`~checker.model.FileReport` objects out.

``check_paths`` walks folders, reads each file, runs the rules for its kind, applies the policy
profile and configuration, and yields one report per file. It never prints and never exits;
every failure becomes an ``error`` verdict for that file with an ME9xx finding, and the run goes
on with the next file.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from checker.config import Config
from checker.model import (
    FileReport,
    Finding,
    Location,
    RawFinding,
    Verdict,
    fingerprint,
    verdict_for,
)
from checker.profiles import severity_for
from checker.readers._jsonio import gc_paused
from checker.readers.base import ReaderError, Source

#: Folders never entered when walking a tree.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", ".mypy_cache", ".tox"})


def check_paths(
    paths: Iterable[str | Path | Source], config: Config | None = None, jobs: int | None = 1
) -> Iterator[FileReport]:
    """Check every file named (folders are walked recursively); yield a report per file.

    ``jobs``: worker processes (1, the default: this process only; 0 or ``None``: as many as
    the files and cores make worthwhile, see :mod:`checker.parallel`). Reports come in the same
    order either way.
    """
    cfg = config or Config()
    listed: Iterable[tuple[Source, bool]] = _listed(paths, cfg)
    if jobs != 1:
        from checker.parallel import check_listed, plan_jobs

        listed = list(listed)
        workers = plan_jobs(jobs, sum(1 for s, _ in listed if s.path is not None))
        if workers > 1:
            yield from check_listed(listed, cfg, workers)
            return
    for source, named in listed:  # lazily: a walk is checked as it goes
        report = _run(source, cfg, named)
        if report is not None:  # None: found by walking, in no format mapcheck reads
            yield report


def _listed(paths: Iterable[str | Path | Source], cfg: Config) -> Iterator[tuple[Source, bool]]:
    """Every input as (source, named on the command line), folders walked."""
    for item in paths:
        if isinstance(item, Source):
            yield item, True
            continue
        path = Path(item)
        if path.is_dir():
            for child in _walk(path, cfg):
                yield Source(name=str(child), path=child, max_bytes=cfg.max_bytes), False
        else:
            yield Source(name=str(item), path=path, max_bytes=cfg.max_bytes), True


def check_file(path: str | Path, config: Config | None = None) -> FileReport:
    """Check one file."""
    cfg = config or Config()
    return check_source(Source(name=str(path), path=Path(path), max_bytes=cfg.max_bytes), cfg)


def check_source(source: Source, config: Config) -> FileReport:
    """Check one input (a file or stdin bytes)."""
    report = _run(source, config, explicit=True)
    assert report is not None
    return report


def _run(source: Source, config: Config, explicit: bool) -> FileReport | None:
    """Check one input. With ``explicit=False`` (found by walking a folder), a file in no format
    mapcheck knows is skipped (``None``) instead of reported; excludes were applied by the walk.

    Per-path overrides are resolved here, and an unchanged file is answered from the result
    cache (:mod:`checker.cache`) when ``config.cache_dir`` is set.
    """
    config = config.for_path(source.name)
    if _cached(config):
        from checker.cache import cached_run

        compute = functools.partial(_run_uncached, source, config, explicit)
        return cached_run(source, config, compute, named=explicit)
    return _run_uncached(source, config, explicit)


def answered(source: Source, config: Config, explicit: bool) -> tuple[bool, FileReport | None]:
    """``(True, report)`` when the result cache answers for ``source``, else ``(False, None)``:
    :mod:`checker.parallel` uses it to keep such files out of its workers."""
    config = config.for_path(source.name)
    if _cached(config):
        from checker.cache import lookup

        return lookup(source, config, named=explicit)
    return False, None


def _cached(config: Config) -> bool:
    """Whether reports are answered from the result cache (never when evidence pictures are to
    be written: a cached report would write none)."""
    return config.use_cache and config.cache_dir is not None and config.evidence_dir is None


def _run_uncached(source: Source, config: Config, explicit: bool) -> FileReport | None:
    try:
        report = _check(source, config)
        return None if report.kind == "report" and not explicit else report
    except ReaderError as exc:
        if not explicit and (exc.code == "ME902" or empty_text(exc.code, source.name)):
            return None
        return _error_report(source.name, "unknown", exc.code, exc.message, config)
    except FileNotFoundError:
        return _error_report(source.name, "unknown", "ME901", "no such file", config)
    except PermissionError:
        return _error_report(source.name, "unknown", "ME901", "permission denied", config)
    except IsADirectoryError:
        return _error_report(source.name, "unknown", "ME901", "is a directory", config)
    except MemoryError:
        return _error_report(source.name, "unknown", "ME903", "ran out of memory", config)
    except RecursionError:
        return _error_report(source.name, "unknown", "ME903", "structure nested too deeply", config)
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}"
        return _error_report(source.name, "unknown", "ME907", f"internal error: {detail}", config)


def empty_text(code: str, path: str) -> bool:
    """Whether an error is an empty file (ME906) that is no map or picture by its extension: an
    empty ``__init__.py`` or ``.gitkeep`` is skipped like an unsupported format when folders
    are walked (and with ``--skip-unsupported``); an empty GeoJSON or PNG is a broken map."""
    from checker.readers.detect import EXTENSIONS

    if code != "ME906":
        return False
    suffix = os.path.splitext(path)[1].lower()
    return EXTENSIONS.get(suffix, ("", ""))[0] not in ("vector", "image")


def _check(source: Source, config: Config) -> FileReport:
    from checker.readers import compressed, detect, read_vector

    if source.path is not None:
        if not source.path.exists():
            raise FileNotFoundError(source.name)
        if not source.path.is_dir() and not stat.S_ISREG(source.path.stat().st_mode):
            # Opening a named pipe would block forever; devices and sockets are not files.
            raise ReaderError("ME901", "not a regular file (named pipe, device or socket)")
    packed = compressed.kind_of(source.head(8))
    if packed is not None:
        source = compressed.decompressed(source, packed)
    kind, fmt = detect(source)
    if kind == "report":
        return FileReport(
            path=source.name,
            kind="report",
            verdict=Verdict.UNDETERMINED,
            notes=(
                f"a mapcheck report ({fmt}): not checked, its quotes are findings, not claims "
                "(walked folders skip it)",
            ),
        )
    code_note: str | None = None
    if kind == "vector":
        try:
            evidence = read_vector(source, fmt)
        except ReaderError as exc:
            from checker.readers.detect import KNOWN_EXTENSIONS, text_format
            from checker.readers.jsmodule import CodeOnlyError

            # A file of no known type (METADATA, README) that only mentions a map, or whose
            # map-like sample does not parse, is checked as the text it is, as is a JS bundle
            # whose map-like literals are code (plotly.min.js). A JS module or page without a
            # whole map literal stays an error: it may be a truncated map.
            if fmt != "jsmodule" or (
                source.suffix in KNOWN_EXTENSIONS and not isinstance(exc, CodeOnlyError)
            ):
                raise
            kind, fmt = text_format(source)
            code_note = exc.message if isinstance(exc, CodeOnlyError) else None
        else:
            return check_vector_evidence(source.name, evidence, config)
    reader = _TEXT_READER if kind in ("document", "data") else _IMAGE_CHECK
    if not _has_module(reader):
        return FileReport(
            path=source.name,
            kind=kind,
            verdict=Verdict.UNDETERMINED,
            notes=(f"{kind} files ({fmt}) are not checked by this version of mapcheck yet",),
        )
    if kind == "image":
        image = importlib.import_module(_IMAGE_CHECK)
        result: FileReport = image.check_image(source, fmt, config)
        return result
    text = importlib.import_module(_TEXT_READER)
    try:
        evidence = text.read_text(source, fmt, ocr=config.ocr)
    except ReaderError as exc:
        from checker.readers.detect import KNOWN_EXTENSIONS

        # A file of no known type whose content only looked like XML, JSON, YAML … (a glibc
        # charmap begins "<code_set_name>") is checked as the text it is, saying so.
        if fmt not in _SNIFFED_TEXT_FORMATS or source.suffix in KNOWN_EXTENSIONS:
            raise
        try:
            evidence = text.read_text(source, "text", ocr=config.ocr)
        except ReaderError:
            raise exc from None
        kind = "document"
        evidence.notes.append(f"read as plain text: it looked like {fmt.upper()}, but {exc}")
    if code_note is not None:
        evidence.notes.append(code_note)
    return check_text_evidence(source.name, kind, evidence, config)


#: Structured text formats that detection may find in the content of a file of no known
#: type, and whose reader may then refuse it.
_SNIFFED_TEXT_FORMATS = frozenset({"xml", "json", "yaml", "csv", "tsv", "sql", "html"})


@functools.cache
def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


#: Modules of the document/data readers and of the image pipeline.
_TEXT_READER = "checker.readers.text"
_IMAGE_CHECK = "checker.imaging"


def check_text_evidence(name: str, kind: str, evidence: object, config: Config) -> FileReport:
    """Run the text (MT3xx) and data (MD4xx) rules on a document or data file's evidence, and
    the image pipeline on the pictures it holds (:mod:`checker.figures`).

    Inline suppression comments (``mapcheck: disable=MT301``) are applied by
    :mod:`checker.suppression` when it is present.
    """
    from checker.readers.base import TextEvidence
    from checker.rules.context import TextContext
    from checker.rules.registry import rules_for

    assert isinstance(evidence, TextEvidence)
    ctx = TextContext(path=name, kind=kind, evidence=evidence, config=config)
    raw: list[RawFinding] = []
    # The rules build many small objects and no cycles (matches, findings, windows of text);
    # the cyclic collector, left running, walks every long-lived object of the process (the
    # lexicon, its patterns, the automaton's tables, and in a long batch whatever it holds)
    # again and again while they do. (On the text bench that was 0.3 % of the instructions;
    # it grows with what the process holds.) It runs again once the file is done.
    with gc_paused():
        for family in ("text", "data"):
            for rule in rules_for(family):
                if rule.code in config.disable or rule.check is None:
                    continue
                raw.extend(rule.check(ctx))
        if _has_module("checker.suppression") and (
            evidence.source_lines or _may_hold_directive(evidence)
        ):
            suppression = importlib.import_module("checker.suppression")
            raw = suppression.apply(evidence, raw, name)
        from checker.rules.text import cap_repeated_wording

        findings = finalize(name, cap_repeated_wording(raw), config)
    notes = evidence.notes + evidence.undetermined
    if evidence.images:
        from checker.figures import check_figures

        figures = check_figures(name, evidence.images, config)
        known = {f.fingerprint for f in findings}
        findings += tuple(f for f in figures.findings if f.fingerprint not in known)
        notes = notes + figures.notes
    return FileReport(
        path=name,
        kind=kind,
        verdict=verdict_for(findings, bool(evidence.undetermined)),
        findings=findings,
        notes=tuple(notes),
    )


def _may_hold_directive(evidence: object) -> bool:
    """Whether the segments may hold a ``mapcheck:`` directive (the text analysis knows when
    they cannot, which spares reading them all again)."""
    from checker.rules.text import may_hold_directive

    return may_hold_directive(evidence)  # type: ignore[arg-type]


def check_vector_evidence(name: str, evidence: object, config: Config) -> FileReport:
    """Run the vector rules on evidence a reader (or a test) produced."""
    from checker.geo.analysis import analyse
    from checker.readers.base import VectorEvidence
    from checker.rules.geometry import VectorContext, undetermined_reasons
    from checker.rules.registry import rules_for

    assert isinstance(evidence, VectorEvidence)
    analysis = analyse(evidence)
    ctx = VectorContext(path=name, evidence=evidence, analysis=analysis)
    raw: list[RawFinding] = []
    for rule in rules_for("vector"):
        if rule.code in config.disable or rule.check is None:
            continue
        raw.extend(rule.check(ctx))
    findings = finalize(name, raw, config)
    notes = [*evidence.notes]
    undetermined: list[str] = []
    if not findings:
        undetermined = undetermined_reasons(ctx)
        if not analysis.facts:
            notes.append("nothing in this file comes near Ukraine; Crimea is not shown")
    return FileReport(
        path=name,
        kind="vector",
        verdict=verdict_for(findings, bool(undetermined)),
        findings=findings,
        notes=tuple(notes + undetermined),
    )


def finalize(path: str, raw: Iterable[RawFinding], config: Config) -> tuple[Finding, ...]:
    """Stamp name, severity (profile, then overrides), policy and fingerprint onto raw findings."""
    from checker.rules.registry import all_rules

    rules = all_rules()
    out: list[Finding] = []
    seen: set[str] = set()
    fp_path = config.fingerprint_path(path)
    for item in raw:
        rule = rules[item.code]
        if item.code in config.disable:
            continue
        severity = config.severity.get(item.code) or severity_for(
            config.profile, rule.category, rule.code
        )
        if severity is None:
            continue  # the profile does not report this rule
        fp = fingerprint(item.code, fp_path, item.identity or item.message)
        if fp in seen:
            continue
        seen.add(fp)
        out.append(
            Finding(
                code=item.code,
                name=rule.name,
                severity=severity,
                message=item.message,
                location=item.location,
                confidence=item.confidence,
                evidence=dict(item.evidence),
                suggestion=item.suggestion,
                policy=item.policy or rule.policy,
                fingerprint=fp,
            )
        )
    out.sort(key=lambda f: (-f.severity, f.code, f.location.feature_index or 0))
    return tuple(out)


def _error_report(path: str, kind: str, code: str, message: str, config: Config) -> FileReport:
    raw = RawFinding(
        code=code,
        message=message,
        location=Location(path=path),
        confidence=1.0,
        suggestion=_ERROR_HINTS.get(code, ""),
        identity=code,
    )
    findings = finalize(path, [raw], config) if code not in config.disable else ()
    return FileReport(
        path=path,
        kind=kind,
        verdict=Verdict.ERROR,
        findings=findings,
        error=f"{code}: {message}",
    )


_ERROR_HINTS = {
    "ME901": "Re-export the file from its source, or check that it is complete.",
    "ME902": "Convert it to GeoJSON, TopoJSON, Shapefile, GeoPackage, KML or GeoParquet.",
    "ME903": "Split the file, or raise the size limit if you trust it.",
    "ME904": "Declare the file's CRS, or reproject it to EPSG:4326 (lon/lat).",
    "ME905": "Remove or repair the features with invalid coordinates.",
    "ME906": "Check that the file was written completely.",
    "ME907": "Please report this bug with the file attached.",
}


def _walk(root: Path, config: Config) -> Iterator[Path]:
    """Files under ``root`` in a stable order; symlinked folders are not followed (no loops).
    Excluded folders (``node_modules``, configured globs) are not entered at all."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        excluded = config.walk_excluder(dirpath, root)
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".") and not excluded(d)
        )
        folder = Path(dirpath)
        for name in sorted(filenames):
            if not name.startswith(".") and not excluded(name):
                yield folder / name


def file_status(report: FileReport, config: Config) -> int:
    """Exit status for one report: 0 fine, 1 findings at or above ``fail_on``, 2 input error."""
    if report.verdict is Verdict.ERROR:
        return 2
    if any(f.severity >= config.fail_on for f in report.findings):
        return 1
    if config.fail_on_undetermined and report.verdict is Verdict.UNDETERMINED:
        return 1
    return 0


def exit_code(reports: Iterable[FileReport], config: Config) -> int:
    """The run's exit status: the worst :func:`file_status` (DESIGN §3)."""
    return max((file_status(r, config) for r in reports), default=0)


__all__ = ["check_file", "check_paths", "check_source", "exit_code", "file_status", "finalize"]
