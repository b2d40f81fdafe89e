"""mapcheck: finds maps, data and documents that show Crimea or other occupied parts of Ukraine
as Russian, and says why and what to use instead.

The library API never prints or exits::

    from checker import check_paths, Config
    for report in check_paths(["map.geojson"], Config()):
        print(report.verdict, [f.code for f in report.findings])

Heavy libraries (shapely, pyproj, pyogrio) are imported lazily so that ``mapcheck --version``
and text checks start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Config",
    "FileReport",
    "Finding",
    "Severity",
    "Source",
    "Verdict",
    "check_file",
    "check_paths",
    "check_source",
]

if TYPE_CHECKING:
    from checker.config import Config
    from checker.engine import check_file, check_paths, check_source
    from checker.model import FileReport, Finding, Severity, Verdict
    from checker.readers.base import Source


def __getattr__(name: str) -> Any:
    if name == "Source":
        from checker.readers.base import Source

        return Source
    if name in ("check_paths", "check_file", "check_source"):
        from checker import engine

        return getattr(engine, name)
    if name == "Config":
        from checker.config import Config

        return Config
    if name in ("FileReport", "Finding", "Severity", "Verdict"):
        from checker import model

        return getattr(model, name)
    raise AttributeError(name)
