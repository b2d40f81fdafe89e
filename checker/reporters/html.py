"""A self-contained HTML report: one file, no external assets, safe to attach or publish.

Styles and the small filter script are inline, and a Content-Security-Policy forbids loading
anything else. Every value from an input (paths, messages, feature properties, OCR text) is
escaped. A finding whose evidence names an ``evidence_picture`` PNG (written by ``check
--evidence DIR``) shows it as a thumbnail embedded as a ``data:`` URI.
"""

from __future__ import annotations

import base64
import json
import os
from html import escape as _escape
from pathlib import Path
from typing import TextIO

from checker import __version__
from checker.model import FileReport, Finding, Verdict
from checker.reporters._common import display_path, jsonable
from checker.reporters.base import Reporter, Summary


def escape(text: str) -> str:
    """HTML-escape text and attribute values; CR becomes a character reference so that the
    report file itself holds no raw CR."""
    return _escape(text, quote=True).replace("\r", "&#13;")


#: Larger evidence pictures are linked by name instead of embedded (keeps reports small).
MAX_PICTURE_BYTES = 4 * 1024 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_CSS = """
:root { color-scheme: light dark; --bg: #fff; --fg: #1d1d1f; --muted: #6b6b70; --line: #d8d8dc;
  --error: #b3261e; --warning: #8a5a00; --info: #1f5fa8; --ok: #1e7b34; --und: #7a3e9d; }
@media (prefers-color-scheme: dark) { :root { --bg: #17171a; --fg: #ececf0; --muted: #a0a0a8;
  --line: #3a3a40; --error: #ff8a80; --warning: #ffcc66; --info: #8ab4f8; --ok: #7ee2a8;
  --und: #d7aefb; } }
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem;
  background: var(--bg); color: var(--fg); }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } .muted { color: var(--muted); }
.filters { margin: 1rem 0; display: flex; gap: 1rem; flex-wrap: wrap; }
section.file { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0;
  padding: .75rem 1rem; }
section.file > h2 { font-size: 1rem; margin: 0; display: flex; gap: .75rem; align-items: baseline; }
.path { font-family: ui-monospace, monospace; word-break: break-all; }
.badge { font-weight: 700; font-size: .8rem; padding: .1rem .45rem; border-radius: 4px;
  border: 1px solid currentColor; }
.v-flag, .v-error, .s-error { color: var(--error); } .v-warn, .s-warning { color: var(--warning); }
.v-clean { color: var(--ok); } .v-undetermined { color: var(--und); }
.s-info { color: var(--info); }
.finding { border-top: 1px solid var(--line); margin-top: .75rem; padding-top: .5rem; }
.finding h3 { font-size: .95rem; margin: 0; } .where { font-family: ui-monospace, monospace; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dt { color: var(--muted); } dd { margin: 0; white-space: pre-line; }
pre { white-space: pre-wrap; word-break: break-word; font-size: .85rem; margin: 0; }
img.evidence { max-width: 24rem; max-height: 18rem; border: 1px solid var(--line); display: block;
  margin: .5rem 0; }
.hidden { display: none; }
"""

_JS = """
(function () {
  var boxes = document.querySelectorAll('input[data-verdict]');
  function update() {
    var show = {};
    boxes.forEach(function (b) { show[b.getAttribute('data-verdict')] = b.checked; });
    document.querySelectorAll('section.file').forEach(function (s) {
      s.classList.toggle('hidden', !show[s.getAttribute('data-verdict')]);
    });
  }
  boxes.forEach(function (b) { b.addEventListener('change', update); });
  update();
})();
"""

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


class HtmlReporter(Reporter):
    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._sections: list[str] = []

    def report(self, out: TextIO, report: FileReport) -> None:
        self._sections.append(self._file(report))

    def _file(self, report: FileReport) -> str:
        v = report.verdict.value
        path = display_path(report.path, self.root)
        parts = [
            f'<section class="file" data-verdict="{v}">',
            f'<h2><span class="badge v-{v}">{escape(v.upper())}</span>'
            f'<span class="path">{escape(path)}</span>'
            f'<span class="muted">{escape(report.kind)}</span></h2>',
        ]
        if report.error:
            parts.append(f"<p>Could not check this file: {escape(report.error)}</p>")
        for note in report.notes:
            label = "Why undetermined" if report.verdict is Verdict.UNDETERMINED else "Note"
            parts.append(f'<p class="muted">{label}: {escape(note)}</p>')
        parts.extend(self._finding(f) for f in report.findings)
        parts.append("</section>")
        return "\n".join(parts)

    def _finding(self, f: Finding) -> str:
        s = f.severity.label
        where = f.location.short()
        rows = [("Message", escape(f.message))]
        if where:
            rows.append(("Where", f'<span class="where">{escape(where)}</span>'))
        if f.location.lonlat is not None:
            lon, lat = f.location.lonlat
            rows.append(("Lon/lat", escape(f"{lon:.5f}, {lat:.5f}")))
        if f.policy:
            rows.append(("Why it matters", escape(f.policy)))
        if f.suggestion:
            rows.append(("What to do", escape(f.suggestion)))
        rows.append(("Confidence", escape(f"{f.confidence:.0%}")))
        evidence = {k: v for k, v in f.evidence.items() if k != "evidence_picture"}
        if evidence:
            text = json.dumps(jsonable(evidence), ensure_ascii=False, indent=1, sort_keys=True)
            rows.append(("Evidence", f"<pre>{escape(text)}</pre>"))
        picture = f.evidence.get("evidence_picture")
        if isinstance(picture, str) and picture:
            rows.append(("Evidence picture", _picture(picture)))
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        return (
            f'<div class="finding"><h3><span class="s-{s}">{escape(s)}</span> '
            f"{escape(f.code)} {escape(f.name)}</h3><dl>{dl}</dl>"
            f'<p class="muted">Fingerprint {escape(f.fingerprint)}</p></div>'
        )

    def end(self, out: TextIO, summary: Summary) -> None:
        s = summary.to_dict()
        counts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items() if n) or "none"
        f = s["findings"]
        line = (
            f"{s['files']} file{'s' if s['files'] != 1 else ''} checked: {counts}; findings: "
            f"{f['error']} error, {f['warning']} warning, {f['info']} info"
        )
        if "baselined" in s:
            line += f"; {s['baselined']} matched the baseline"
        filters = "".join(
            f'<label><input type="checkbox" data-verdict="{v.value}" checked> '
            f"{escape(v.value)} ({s['verdicts'][v.value]})</label>"
            for v in Verdict
        )
        out.write(
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>mapcheck report</title>\n"
            f"<style>{_CSS}</style>\n</head>\n<body>\n"
            "<h1>mapcheck report</h1>\n"
            f'<p class="muted">mapcheck {escape(__version__)}. {escape(line)}</p>\n'
            f'<div class="filters">{filters}</div>\n'
            + "\n".join(self._sections)
            + f"\n<script>{_JS}</script>\n</body>\n</html>\n"
        )


def _picture(path: str) -> str:
    """An embedded thumbnail of a PNG evidence picture, or its name when it cannot be embedded."""
    name = escape(os.path.basename(path))
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PICTURE_BYTES + 1)
    except OSError:
        return f'<span class="muted">{name} (not found)</span>'
    if len(data) > MAX_PICTURE_BYTES or not data.startswith(_PNG_MAGIC):
        return f'<span class="muted">{name} (not embedded: not a PNG or too large)</span>'
    encoded = base64.b64encode(data).decode("ascii")
    src = f"data:image/png;base64,{encoded}"
    return f'<img class="evidence" alt="evidence picture {name}" src="{src}">'
