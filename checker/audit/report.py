"""Reports from an audit database: JSON, CSV and a self-contained HTML page.

- **JSON** has the shape of ``mapcheck check --format json``: ``files`` (each with ``path``,
  ``kind``, ``verdict``, ``findings``, ``error``, ``notes``) and ``summary`` (files, verdicts,
  findings by severity, rules), plus ``audit`` (the database and how many files were skipped as
  formats mapcheck does not read). Written as a stream: a million files need no more memory
  than one.
- **CSV**: one row per file (path, kind, verdict, error, counts of findings by severity, rule
  codes, sha256). Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``)
  get a leading apostrophe: file names and messages come from the audited files.
- **HTML**: counts by verdict, kind and rule; the files with their findings, reasons and
  evidence thumbnails (PNG, embedded as ``data:`` URIs); filters by verdict, kind, rule and
  path that run in the page. One file, no external assets; a Content-Security-Policy allows
  only its own inline style and script (by hash) and ``data:`` images, and every value from an
  audited file is escaped.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape as _escape
from pathlib import Path
from typing import Any, TextIO

from checker import __version__
from checker.audit.db import AuditStore, ResultRow

FORMATS = ("json", "csv", "html")
#: The HTML page lists at most this many files (the worst first); the JSON and CSV list all.
MAX_HTML_FILES = 20_000
_VERDICTS = ("flag", "warn", "clean", "undetermined", "error")
_SEVERITIES = ("error", "warning", "info")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape(text: object) -> str:
    return _escape(str(text), quote=True).replace("\r", "&#13;")


@dataclass
class Counts:
    """The summary of ``check --format json``, and what the HTML page tabulates."""

    files: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    rule_names: dict[str, str] = field(default_factory=dict)
    rule_files: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    kind_verdicts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, report: dict[str, Any]) -> None:
        self.files += 1
        verdict = str(report.get("verdict"))
        kind = str(report.get("kind"))
        self.verdicts[verdict] += 1
        self.kinds[kind] += 1
        self.kind_verdicts[(kind, verdict)] += 1
        codes = set()
        for f in report.get("findings", ()):
            code = str(f.get("code"))
            self.severities[str(f.get("severity"))] += 1
            self.rules[code] += 1
            self.rule_names.setdefault(code, str(f.get("name", "")))
            codes.add(code)
        for code in codes:
            self.rule_files[code] += 1

    def summary(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "verdicts": {v: self.verdicts.get(v, 0) for v in _VERDICTS},
            "findings": {s: self.severities.get(s, 0) for s in _SEVERITIES},
            "rules": dict(sorted(self.rules.items())),
        }


def count(store: AuditStore) -> Counts:
    counts = Counts()
    for row in store.results():
        counts.add(row.report)
    return counts


# --- output ----------------------------------------------------------------------------------


@contextlib.contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file written atomically (temporary file, fsync, rename)."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # a report is for sharing: not mkstemp's owner-only mode
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(store: AuditStore, fmt: str, out: TextIO, *, title: str | None = None) -> None:
    """Write the report of everything in ``store`` in ``fmt`` (json, csv or html)."""
    if fmt == "json":
        render_json(store, out)
    elif fmt == "csv":
        render_csv(store, out)
    elif fmt == "html":
        render_html(store, out, title=title)
    else:
        raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")


def render_json(store: AuditStore, out: TextIO) -> None:
    counts = Counts()
    out.write("{\n")
    out.write(f'  "tool": {json.dumps({"name": "mapcheck", "version": __version__})},\n')
    out.write('  "files": [')
    first = True
    for row in store.results():
        counts.add(row.report)
        text = json.dumps(row.report, ensure_ascii=False, indent=2)
        out.write(("\n" if first else ",\n") + _indent(text, "    "))
        first = False
    out.write("\n  ],\n" if not first else "],\n")
    summary = json.dumps(counts.summary(), ensure_ascii=False, indent=2)
    out.write(f'  "summary": {_indent(summary, "  ").lstrip()},\n')
    audit = {"database": store.path.name, "skipped": store.skipped_count()}
    out.write(f'  "audit": {json.dumps(audit, ensure_ascii=False)}\n')
    out.write("}\n")


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


CSV_COLUMNS = (
    "path",
    "kind",
    "verdict",
    "error",
    "errors",
    "warnings",
    "infos",
    "rules",
    "sha256",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(store: AuditStore, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in store.results():
        r = row.report
        severities = Counter(str(f.get("severity")) for f in r.get("findings", ()))
        codes = sorted({str(f.get("code")) for f in r.get("findings", ())})
        writer.writerow(
            [
                _cell(r.get("path", row.name)),
                _cell(r.get("kind")),
                _cell(r.get("verdict")),
                _cell(r.get("error")),
                severities.get("error", 0),
                severities.get("warning", 0),
                severities.get("info", 0),
                _cell(" ".join(codes)),
                _cell(row.sha256),
            ]
        )


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; --bg: #fff; --fg: #1d1d1f; --muted: #6b6b70; --line: #d8d8dc;
  --flag: #b3261e; --warn: #8a5a00; --info: #1f5fa8; --clean: #1e7b34; --und: #7a3e9d; }
@media (prefers-color-scheme: dark) { :root { --bg: #17171a; --fg: #ececf0; --muted: #a0a0a8;
  --line: #3a3a40; --flag: #ff8a80; --warn: #ffcc66; --info: #8ab4f8; --clean: #7ee2a8;
  --und: #d7aefb; } }
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
  padding: 0 1rem; background: var(--bg); color: var(--fg); }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.muted { color: var(--muted); }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .8rem .2rem 0; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.tables { display: flex; gap: 2.5rem; flex-wrap: wrap; align-items: flex-start; }
.filters { margin: 1rem 0; display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; }
.filters input[type=search] { min-width: 16rem; }
section.file { border: 1px solid var(--line); border-radius: 8px; margin: .75rem 0;
  padding: .6rem 1rem; }
section.file > h3 { font-size: 1rem; margin: 0; display: flex; gap: .75rem;
  align-items: baseline; flex-wrap: wrap; }
.path { font-family: ui-monospace, monospace; word-break: break-all; }
.badge { font-weight: 700; font-size: .8rem; padding: .1rem .45rem; border-radius: 4px;
  border: 1px solid currentColor; }
.v-flag, .v-error, .s-error { color: var(--flag); } .v-warn, .s-warning { color: var(--warn); }
.v-clean { color: var(--clean); } .v-undetermined { color: var(--und); }
.s-info { color: var(--info); }
.finding { border-top: 1px solid var(--line); margin-top: .6rem; padding-top: .4rem; }
.finding h4 { font-size: .95rem; margin: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; }
dt { color: var(--muted); } dd { margin: 0; }
pre { white-space: pre-wrap; word-break: break-word; font-size: .85rem; margin: 0; }
img.evidence { max-width: 20rem; max-height: 16rem; border: 1px solid var(--line);
  display: block; margin: .4rem 0; }
.hidden { display: none; }
"""

_JS = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[data-verdict]'));
  var kind = document.getElementById('f-kind');
  var rule = document.getElementById('f-rule');
  var text = document.getElementById('f-text');
  var shown = document.getElementById('f-shown');
  var files = Array.prototype.slice.call(document.querySelectorAll('section.file'));
  function update() {
    var verdicts = {};
    boxes.forEach(function (b) { verdicts[b.getAttribute('data-verdict')] = b.checked; });
    var k = kind.value, r = rule.value, q = text.value.toLowerCase(), n = 0;
    files.forEach(function (s) {
      var ok = verdicts[s.getAttribute('data-verdict')] &&
        (!k || s.getAttribute('data-kind') === k) &&
        (!r || (' ' + s.getAttribute('data-rules') + ' ').indexOf(' ' + r + ' ') >= 0) &&
        (!q || s.getAttribute('data-path').indexOf(q) >= 0);
      s.classList.toggle('hidden', !ok);
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
  }
  boxes.forEach(function (b) { b.addEventListener('change', update); });
  [kind, rule].forEach(function (e) { e.addEventListener('change', update); });
  text.addEventListener('input', update);
  update();
})();
"""


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


_CSP = (
    f"default-src 'none'; img-src data:; style-src {_csp_hash(_CSS)}; "
    f"script-src {_csp_hash(_JS)}; base-uri 'none'; form-action 'none'"
)
#: Files listed first in the page: the worst verdicts.
_ORDER = {"flag": 0, "error": 1, "warn": 2, "undetermined": 3, "clean": 4}


def render_html(store: AuditStore, out: TextIO, *, title: str | None = None) -> None:
    counts = count(store)
    shown_title = title or f"mapcheck audit: {store.path.name}"
    out.write(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(shown_title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(shown_title)}</h1>\n"
    )
    skipped = store.skipped_count()
    findings = ", ".join(f"{counts.severities.get(s, 0):,} {s}" for s in _SEVERITIES)
    out.write(
        f'<p class="muted">mapcheck {escape(__version__)}. {counts.files:,} files checked'
        f"{f', {skipped:,} skipped (formats mapcheck does not read)' if skipped else ''}; "
        f"findings: {escape(findings)}.</p>\n"
    )
    out.write(_tables(counts))
    out.write(_filters(counts))
    listed = _listed(store, counts)
    out.write('<div id="files">\n')
    for row in listed:
        out.write(_file_section(row))
    out.write("</div>\n")
    if counts.files > len(listed):
        out.write(
            f'<p class="muted">{counts.files - len(listed):,} more files are not listed here '
            "(the page lists the worst first); the JSON and CSV reports list every file.</p>\n"
        )
    out.write(f"<script>{_JS}</script>\n</body>\n</html>\n")


def _listed(store: AuditStore, counts: Counts) -> list[ResultRow]:
    """The rows the page lists: all of them, or the worst :data:`MAX_HTML_FILES`."""
    if counts.files <= MAX_HTML_FILES:
        return list(store.results(pictures=True))
    rows: list[tuple[int, int, ResultRow]] = []
    for i, row in enumerate(store.results(pictures=True)):
        rows.append((_ORDER.get(row.verdict, 5), i, row))
        if len(rows) > 2 * MAX_HTML_FILES:
            rows.sort(key=lambda t: (t[0], t[1]))
            del rows[MAX_HTML_FILES:]
    rows.sort(key=lambda t: (t[0], t[1]))
    kept = sorted(rows[:MAX_HTML_FILES], key=lambda t: t[1])
    return [r for _, _, r in kept]


def _tables(counts: Counts) -> str:
    parts = ['<div class="tables">']
    rows = "".join(
        f'<tr><td><span class="v-{v}">{escape(v)}</span></td>'
        f'<td class="n">{counts.verdicts.get(v, 0):,}</td></tr>'
        for v in _VERDICTS
    )
    parts.append(f"<div><h2>By verdict</h2><table><tr><th>Verdict</th><th>Files</th></tr>{rows}")
    parts.append("</table></div>")
    head = "".join(f"<th>{escape(v)}</th>" for v in _VERDICTS)
    rows = "".join(
        f"<tr><td>{escape(kind)}</td><td class='n'>{n:,}</td>"
        + "".join(
            f'<td class="n">{counts.kind_verdicts.get((kind, v), 0):,}</td>' for v in _VERDICTS
        )
        + "</tr>"
        for kind, n in sorted(counts.kinds.items())
    )
    parts.append(
        f"<div><h2>By kind</h2><table><tr><th>Kind</th><th>Files</th>{head}</tr>{rows}"
        "</table></div>"
    )
    rows = "".join(
        f"<tr><td>{escape(code)}</td><td>{escape(counts.rule_names.get(code, ''))}</td>"
        f'<td class="n">{counts.rule_files.get(code, 0):,}</td><td class="n">{n:,}</td></tr>'
        for code, n in sorted(counts.rules.items())
    )
    parts.append(
        "<div><h2>By rule</h2><table><tr><th>Code</th><th>Name</th><th>Files</th>"
        f"<th>Findings</th></tr>{rows}</table></div>"
    )
    parts.append("</div>\n")
    return "".join(parts)


def _filters(counts: Counts) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" data-verdict="{v}"'
        f"{'' if v == 'clean' else ' checked'}> {escape(v)} "
        f"({counts.verdicts.get(v, 0):,})</label>"
        for v in _VERDICTS
    )
    kinds = "".join(
        f'<option value="{escape(k)}">{escape(k)}</option>' for k in sorted(counts.kinds)
    )
    rules = "".join(
        f'<option value="{escape(c)}">{escape(c)} {escape(counts.rule_names.get(c, ""))}</option>'
        for c in sorted(counts.rules)
    )
    return (
        '<h2>Files</h2>\n<div class="filters">'
        f"{boxes}"
        f'<label>Kind <select id="f-kind"><option value="">all</option>{kinds}</select></label>'
        f'<label>Rule <select id="f-rule"><option value="">all</option>{rules}</select></label>'
        '<label>Path <input id="f-text" type="search" placeholder="part of a path"></label>'
        '<span class="muted"><span id="f-shown">0</span> shown</span></div>\n'
    )


def _file_section(row: ResultRow) -> str:
    r = row.report
    verdict = str(r.get("verdict", row.verdict))
    kind = str(r.get("kind", row.kind))
    path = str(r.get("path", row.name))
    codes = " ".join(sorted({str(f.get("code")) for f in r.get("findings", ())}))
    parts = [
        f'<section class="file" data-verdict="{escape(verdict)}" data-kind="{escape(kind)}" '
        f'data-rules="{escape(codes)}" data-path="{escape(path.lower())}">',
        f'<h3><span class="badge v-{escape(verdict)}">{escape(verdict.upper())}</span>'
        f'<span class="path">{escape(path)}</span><span class="muted">{escape(kind)}</span></h3>',
    ]
    if r.get("error"):
        parts.append(f"<p>Could not check this file: {escape(r['error'])}</p>")
    for note in r.get("notes", ()):
        label = "Why undetermined" if verdict == "undetermined" else "Note"
        parts.append(f'<p class="muted">{label}: {escape(note)}</p>')
    picture_used = False
    for f in r.get("findings", ()):
        has_picture = bool((f.get("evidence") or {}).get("evidence_picture"))
        thumb = row.picture if has_picture and not picture_used else None
        picture_used = picture_used or thumb is not None
        parts.append(_finding(f, thumb))
    parts.append("</section>\n")
    return "\n".join(parts)


def _finding(f: dict[str, Any], picture: bytes | None) -> str:
    severity = str(f.get("severity", ""))
    location = f.get("location") or {}
    rows = [("Message", escape(f.get("message", "")))]
    where = _where(location)
    if where:
        rows.append(("Where", f'<span class="path">{escape(where)}</span>'))
    if f.get("policy"):
        rows.append(("Why it matters", escape(f["policy"])))
    if f.get("suggestion"):
        rows.append(("What to do", escape(f["suggestion"])))
    confidence = f.get("confidence")
    if isinstance(confidence, (int, float)):
        rows.append(("Confidence", escape(f"{confidence:.0%}")))
    evidence = {k: v for k, v in (f.get("evidence") or {}).items() if k != "evidence_picture"}
    if evidence:
        text = json.dumps(evidence, ensure_ascii=False, indent=1, sort_keys=True)
        rows.append(("Evidence", f"<pre>{escape(text)}</pre>"))
    if picture is not None and picture.startswith(_PNG_MAGIC):
        data = base64.b64encode(picture).decode("ascii")
        rows.append(
            (
                "Evidence picture",
                f'<img class="evidence" alt="evidence picture" src="data:image/png;base64,{data}">',
            )
        )
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<div class="finding"><h4><span class="s-{escape(severity)}">{escape(severity)}</span> '
        f"{escape(f.get('code', ''))} {escape(f.get('name', ''))}</h4><dl>{dl}</dl>"
        f'<p class="muted">Fingerprint {escape(f.get("fingerprint", ""))}</p></div>'
    )


def _where(location: dict[str, Any]) -> str:
    parts: list[str] = []
    for key, label in (
        ("layer", "layer"),
        ("feature_index", "feature #"),
        ("page", "page"),
        ("line", "line"),
        ("row", "row"),
        ("key_path", ""),
    ):
        value = location.get(key)
        if value is None:
            continue
        parts.append(f"{label}{value}" if label.endswith("#") else f"{label} {value}".strip())
    if location.get("pixel_box"):
        parts.append("pixels " + ",".join(str(v) for v in location["pixel_box"]))
    if location.get("lonlat"):
        lon, lat = location["lonlat"]
        parts.append(f"lon/lat {lon}, {lat}")
    return ", ".join(parts)


def write_reports(store: AuditStore, directory: Path) -> list[Path]:
    """``audit.json``, ``audit.csv`` and ``audit.html`` in ``directory`` (atomically)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in FORMATS:
        target = directory / f"audit.{fmt}"
        with output(str(target)) as out:
            render(store, fmt, out)
        written.append(target)
    return written


def render_to_string(store: AuditStore, fmt: str) -> str:
    buf = io.StringIO()
    render(store, fmt, buf)
    return buf.getvalue()
