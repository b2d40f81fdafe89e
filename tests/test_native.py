"""The optional compiled text engine (checker/text/native.py): when its modules are used, and
that they give what their sources give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.text import native

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "corpus" / "text" / "labelled.tsv"
EXT = ".cpython-311-x86_64-linux-gnu.so"


def _package(tmp_path: Path, *, built: tuple[str, ...] = native.COMPILED) -> Path:
    for name in native.COMPILED:
        (tmp_path / f"{name}.py").write_text(f"# {name}\n")
    for name in built:
        (tmp_path / f"{name}{EXT}").write_bytes(b"")
    return tmp_path


@pytest.fixture(autouse=True)
def _linux_suffix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native.importlib.machinery, "EXTENSION_SUFFIXES", [EXT, ".abi3.so", ".so"])


def test_compiled_modules_matching_their_sources_are_used(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    native.write_manifest(folder)
    assert native.decide(folder, {}) == (True, "compiled (mypyc)")
    assert native.decide(folder, {native.ENV_PURE: "0"})[0]


@pytest.mark.parametrize(
    ("setup", "environ", "reason"),
    [
        ("none built", {}, "not compiled"),
        ("fresh", {native.ENV_PURE: "1"}, "MAPCHECK_PURE_PYTHON is set"),
        ("one edited", {}, "checker/text/guards.py changed since compiled"),
        ("no manifest", {}, "no _native.json"),
        ("one missing", {}, "incomplete: no matcher"),
        ("bad manifest", {}, "no _native.json"),
    ],
)
def test_sources_are_used_otherwise(
    tmp_path: Path, setup: str, environ: dict[str, str], reason: str
) -> None:
    """A compiled module that no longer matches its source (edited since the build) must not
    run: the sources run, all of them (the compiled modules call each other directly)."""
    built = () if setup == "none built" else native.COMPILED
    if setup == "one missing":
        built = tuple(n for n in native.COMPILED if n != "matcher")
    folder = _package(tmp_path, built=built)
    if setup != "no manifest":
        native.write_manifest(folder)
    if setup == "one edited":
        (folder / "guards.py").write_text("# guards, edited\n")
    if setup == "bad manifest":
        (folder / native.MANIFEST).write_text("{not json")
    active, engine = native.decide(folder, environ)
    assert not active
    assert engine.startswith("Python (") and reason in engine


def test_the_source_finder_imports_the_sources(tmp_path: Path) -> None:
    finder = native._Sources(tmp_path)
    spec = finder.find_spec("checker.text.matcher")
    assert spec is not None and spec.origin == str(tmp_path / "matcher.py")
    assert finder.find_spec("checker.text.lexicon") is None
    assert finder.find_spec("checker.rules.text") is None


def test_version_names_the_engine() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "checker", "--version"], capture_output=True, text=True, check=True
    )
    assert f"text engine: {native.ENGINE}" in out.stdout


def test_version_names_the_pre_scan_automaton() -> None:
    """``MAPCHECK_PRESCAN=ahocorasick`` asks for the DFA even where Hyperscan runs."""
    from checker.text import prescan

    out = subprocess.run(
        [sys.executable, "-m", "checker", "--version"], capture_output=True, text=True, check=True
    )
    assert f"text pre-scan: {prescan.backend()}" in out.stdout
    env = {**os.environ, "MAPCHECK_PRESCAN": "ahocorasick"}
    out = subprocess.run(
        [sys.executable, "-m", "checker", "--version"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert "text pre-scan: ahocorasick_rs " in out.stdout


_DUMP = """
import json, sys
from checker.readers.base import TextSegment
from checker.rules.text import _matcher
from checker.text import native
matcher = _matcher()
out = []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith(("#", "id\\t")):
        continue
    text = line.rstrip("\\n").split("\\t")[5]
    # each snippet alone, and inside a paragraph of other text, as documents have them
    for doc in (text, "Intro.\\n\\n" + text + " More text follows here.\\n" + text.upper()):
        out.append([
            [m.code, m.reportage, m.line, m.column, m.text, m.identity, m.confidence,
             m.suggestion]
            for m in matcher.analyse([TextSegment(doc)])
        ])
print(json.dumps({"engine": native.ENGINE, "matches": out}))
"""


def _dump(pure: bool) -> dict[str, object]:
    env = dict(os.environ)
    env.pop(native.ENV_PURE, None)
    if pure:
        env[native.ENV_PURE] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", _DUMP, str(LABELLED)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@pytest.mark.slow
def test_compiled_engine_gives_what_the_sources_give() -> None:
    """Every snippet of the labelled corpus (three languages; conceding, reportage and clean
    wording), alone and in a paragraph: the same matches, locations, identities, confidences
    and suggestions from the compiled modules as from their sources."""
    if not native.ACTIVE:
        pytest.skip(f"the compiled text engine is not in use here: {native.ENGINE}")
    compiled, pure = _dump(pure=False), _dump(pure=True)
    assert compiled["engine"] == "compiled (mypyc)"
    assert str(pure["engine"]).startswith("Python (")
    matches = compiled["matches"]
    assert isinstance(matches, list) and sum(map(len, matches)) > 1000
    assert matches == pure["matches"]
