"""Build script. Metadata, dependencies and tool settings live in ``setup.cfg``; this file
only adds the optional compiled text engine (see ``checker/text/native.py``).

The text engine's hot modules are compiled with mypyc when a C compiler and Python's headers
are there. The extensions are optional: when they cannot be built, the build goes on without
them and mapcheck runs the same modules as Python. ``MAPCHECK_PURE_PYTHON=1`` skips them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent


def _native_spec() -> object:
    # checker/text/native.py on its own (importing the package would need its dependencies)
    spec = importlib.util.spec_from_file_location(
        "_mapcheck_native", HERE / "checker/text/native.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _extensions() -> list[object]:
    if os.environ.get("MAPCHECK_PURE_PYTHON", "") not in ("", "0"):
        return []
    native = _native_spec()
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("mapcheck: mypyc is not available; the text engine stays Python", file=sys.stderr)
        return []
    folder = HERE / "checker" / "text"
    paths = [f"checker/text/{name}.py" for name in native.COMPILED]  # type: ignore[attr-defined]
    try:
        extensions = mypycify(paths, group_name=native.GROUP, opt_level="3")  # type: ignore[attr-defined]
    except BaseException as exc:  # a type error mypyc refuses to compile: build the rest
        print(f"mapcheck: the text engine stays Python ({exc!r})", file=sys.stderr)
        return []
    native.write_manifest(folder)  # type: ignore[attr-defined]
    for extension in extensions:
        extension.optional = True  # no compiler: build the package without them
    return list(extensions)


setup(ext_modules=_extensions())
