"""Build script. Metadata, dependencies and tool settings live in ``setup.cfg``; this file
only adds the optional compiled text engine (see ``checker/text/native.py``).

With ``MAPCHECK_COMPILE=1`` the text engine's hot modules are compiled with mypyc, which must
be installed in the build environment (it is part of mypy, 2.0 or later)::

    pip install setuptools wheel 'mypy>=2.0,<3'
    MAPCHECK_COMPILE=1 pip install --no-build-isolation .

``make install`` does this. A C compiler and Python's headers are needed; when the extensions
cannot be built, the build goes on without them and mapcheck runs the same modules as Python.
Without ``MAPCHECK_COMPILE=1`` (a plain ``pip install``, a pre-commit hook's environment) the
package is pure Python and needs no compiler.
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
    if os.environ.get("MAPCHECK_COMPILE", "") in ("", "0"):
        return []
    native = _native_spec()
    try:
        from mypyc.build import mypycify
    except ImportError:
        print(
            "mapcheck: MAPCHECK_COMPILE=1 but mypyc is not installed here (pip install "
            "'mypy>=2.0,<3', and build with --no-build-isolation); the text engine stays Python",
            file=sys.stderr,
        )
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
