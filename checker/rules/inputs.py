"""ME9xx: problems with the input itself. The engine raises these when a reader fails."""

from __future__ import annotations

from checker.model import Category
from checker.rules.registry import declare

declare(
    "ME901",
    "input.unreadable",
    Category.INPUT,
    "input",
    """The file could not be read: it is corrupt, truncated or malformed.

    The message says what the reader hit and where (for JSON, the line and column). Nothing in
    the file was checked, so the verdict is ``error``, never ``clean``.

    Fix: re-export the file from its source tool, or check it is complete (a download cut short
    often leaves a truncated JSON or ZIP).
    """,
)
declare(
    "ME902",
    "input.unsupported",
    Category.INPUT,
    "input",
    """The file's format is not one mapcheck can read (yet).

    Detection uses the content (magic bytes, structure) before the extension, so a GeoJSON saved
    as ``.txt`` is still read; this error means neither matched a supported format.
    """,
)
declare(
    "ME903",
    "input.too-large",
    Category.INPUT,
    "input",
    """The file is larger than the configured limit, or decoding it would exceed a resource limit.

    The limit protects batch runs from decompression bombs and runaway inputs.
    """,
)
declare(
    "ME904",
    "input.projected-without-crs",
    Category.INPUT,
    "input",
    """The coordinates are projected (metres or pixels), but the file declares no CRS.

    mapcheck reprojects every file to longitude/latitude before comparing it with the reference
    borders. Guessing a projection could put Crimea anywhere, so it refuses instead.

    Bad: a GeoJSON with coordinates like ``[3676000, 5620000]`` and no ``crs`` member.
    Good: the same file with ``"crs": {"type": "name", "properties": {"name": "EPSG:3857"}}``,
    or reprojected to EPSG:4326 (``ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson``).
    """,
)
declare(
    "ME905",
    "input.invalid-coordinates",
    Category.INPUT,
    "input",
    """The file holds coordinates that are not numbers a map can have (NaN, infinite, huge).""",
)
declare(
    "ME906",
    "input.empty",
    Category.INPUT,
    "input",
    """The file is empty (no bytes, or only white space).""",
)
declare(
    "ME907",
    "input.check-failed",
    Category.INPUT,
    "input",
    """mapcheck failed while checking this file. This is a bug: please report it with the file.

    The rest of the run goes on; the file gets an ``error`` verdict so it is never passed as clean.
    """,
)
