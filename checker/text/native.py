"""The optional compiled text engine.

The modules that judge every hit of the text analysis (:data:`COMPILED`: the pre-scan, the
normalisation, the matcher and its guards) are plain, fully typed Python that ``setup.py``
compiles with mypyc into C extensions when it can (a C compiler and Python's headers are
there). The compiled modules give the same results as the sources (the test suite runs on
whichever is installed and compares the two on the labelled corpus) and take about a fifth
less time; without a compiler the build leaves them out and mapcheck runs the sources.

An extension module is imported before the source beside it, so a compiled module that no
longer matches its source (an edit in a development checkout since the last ``make
install``) would silently run the old code. The build therefore records a hash of each
compiled source in :data:`MANIFEST`, and :func:`choose` (run when :mod:`checker.text` is
imported, before any of these modules) sends the imports to the sources when any of them
differs from what was compiled, or when ``MAPCHECK_PURE_PYTHON=1`` asks for the sources.
The compiled modules call each other directly, so it is all of them or none.

This module is imported by ``setup.py`` on its own (by path), so it uses the standard
library only.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Mapping, Sequence
from importlib.abc import MetaPathFinder
from pathlib import Path
from types import ModuleType

#: The compiled modules of :mod:`checker.text`, by name.
COMPILED = ("prescan", "normalize", "guards", "matcher")
#: mypyc's group name: its shared library is ``checker/text/_native__mypyc.*.so``.
GROUP = "checker.text._native"
#: Written by the build beside the modules: each compiled source's SHA-256.
MANIFEST = "_native.json"
#: Set to ``1`` to run the sources even when the compiled modules are installed.
ENV_PURE = "MAPCHECK_PURE_PYTHON"

_HERE = Path(__file__).resolve().parent


def source_hashes(folder: Path = _HERE) -> dict[str, str]:
    """Each compiled module's source hash (SHA-256 of the ``.py`` file's bytes)."""
    return {
        name: hashlib.sha256((folder / f"{name}.py").read_bytes()).hexdigest() for name in COMPILED
    }


def write_manifest(folder: Path = _HERE) -> None:
    """Record the sources being compiled (called by ``setup.py`` when it builds them)."""
    (folder / MANIFEST).write_text(json.dumps(source_hashes(folder), indent=1) + "\n")


def _extension(folder: Path, name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def decide(folder: Path, environ: Mapping[str, str]) -> tuple[bool, str]:
    """(whether to import the compiled modules, the text engine as ``mapcheck --version``
    names it) for the modules in ``folder``."""
    built = [name for name in COMPILED if _extension(folder, name) is not None]
    if not built:
        return False, "Python (not compiled)"
    if environ.get(ENV_PURE, "") not in ("", "0"):
        return False, f"Python ({ENV_PURE} is set; compiled modules not used)"
    if len(built) < len(COMPILED):
        missing = ", ".join(n for n in COMPILED if n not in built)
        return False, f"Python (compiled modules incomplete: no {missing}; not used)"
    try:
        recorded = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False, f"Python (no {MANIFEST} beside the compiled modules; not used)"
    current = source_hashes(folder)
    changed = [name for name in COMPILED if recorded.get(name) != current[name]]
    if changed:
        names = ", ".join(f"{n}.py" for n in changed)
        return False, (
            f"Python (checker/text/{names} changed since compiled; run `make install` or "
            "reinstall to compile again)"
        )
    return True, "compiled (mypyc)"


class _Sources(MetaPathFinder):
    """Imports the compiled modules' names from their ``.py`` sources."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = {f"checker.text.{name}": name for name in COMPILED}

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        name = self.names.get(fullname)
        if name is None:
            return None
        return importlib.util.spec_from_file_location(fullname, self.folder / f"{name}.py")


#: The text engine in use, set by :func:`choose`.
ENGINE = "Python"
ACTIVE = False


def choose(folder: Path = _HERE) -> None:
    """Decide between the compiled modules and their sources (see the module docstring);
    must run before any of :data:`COMPILED` is imported."""
    global ENGINE, ACTIVE
    ACTIVE, ENGINE = decide(folder, os.environ)
    if ACTIVE:
        try:  # the library every compiled module loads first (built for another Python?)
            importlib.import_module(f"{GROUP}__mypyc")
        except ImportError as exc:
            ACTIVE, ENGINE = False, f"Python (compiled modules do not load: {exc})"
    built = any(_extension(folder, name) is not None for name in COMPILED)
    if not ACTIVE and built and not any(isinstance(f, _Sources) for f in sys.meta_path):
        sys.meta_path.insert(0, _Sources(folder))
