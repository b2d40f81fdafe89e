"""Shapefile (plain or zipped), GeoPackage (every layer) and FlatGeobuf, through GDAL/OGR.

``pyogrio.raw`` is used rather than geopandas, which costs ~0.4 s to import. Geometry arrives
as WKB and is decoded with :func:`shapely.from_wkb` in one call per layer. Zipped shapefiles are
validated with :mod:`checker.readers._safezip` before GDAL opens them through ``/vsizip/``.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from checker.readers import _crs, _safezip
from checker.readers.base import ReaderError, Source, VectorEvidence, VectorFeature, VectorLayer
from checker.readers.geojson import label

_SUFFIX = {"shapefile": ".shp", "gpkg": ".gpkg", "flatgeobuf": ".fgb"}


@contextlib.contextmanager
def _on_disk(source: Source, suffix: str) -> Iterator[Path]:
    """A real path for GDAL: the input itself, or stdin bytes in a private temporary file."""
    if source.data is None:
        assert source.path is not None
        yield source.path
        return
    tmpdir = tempfile.mkdtemp(prefix="mapcheck-")  # mode 0700: private to this user
    try:
        path = Path(tmpdir) / f"input{suffix}"
        path.write_bytes(source.data)
        yield path
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _gdal_error(exc: Exception, what: str) -> ReaderError:
    message = str(exc).strip() or type(exc).__name__
    return ReaderError("ME901", f"GDAL could not read {what}: {message}")


def _read_layer(
    path: str, layer: str | int | None, name: str, notes: list[str]
) -> tuple[VectorLayer, str | None]:
    """One layer in lon/lat, and the CRS it was declared in."""
    import pyogrio
    import shapely

    try:
        # GDAL reports recoverable problems as Python warnings (pytest runs with warnings as
        # errors); they are kept as notes instead of being emitted.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            meta, fids, wkb, columns = pyogrio.raw.read(path, layer=layer, return_fids=True)
    except Exception as exc:  # pyogrio.errors.*, and GDAL's own RuntimeErrors
        raise _gdal_error(exc, f"layer {name!r}") from None
    for w in caught:
        note = f"GDAL: {w.message}"
        if note not in notes:
            notes.append(note)
    fields = [str(f) for f in meta.get("fields", [])]
    values = [_python_column(col, fields[i], notes) for i, col in enumerate(columns)]
    fields = _repair_field_names(fields, notes)
    n = len(fids) if fids is not None else (len(wkb) if wkb is not None else 0)
    if wkb is not None:
        try:
            geoms = list(shapely.from_wkb(wkb, on_invalid="ignore"))
        except shapely.errors.GEOSException as exc:
            raise ReaderError("ME901", f"layer {name!r}: unreadable geometry: {exc}") from None
    else:
        geoms = [None] * n
    ids = [str(f) for f in fids.tolist()] if fids is not None else [None] * n
    labels = [label(i, ids[i], name) for i in range(n)]
    crs = _crs.describe(meta["crs"]) if meta.get("crs") else None
    layer_notes: list[str] = []
    geoms = _crs.to_lonlat(geoms, crs, labels=labels, notes=layer_notes)
    for note in layer_notes:
        notes.append(f"layer {name!r}: {note}")
    if fields:
        rows = [dict(zip(fields, row, strict=True)) for row in zip(*values, strict=True)]
    else:
        rows = [{} for _ in range(n)]
    feats = [
        VectorFeature(index=i, geometry=g, properties=p, id=fid)
        for i, (g, p, fid) in enumerate(zip(geoms, rows, ids, strict=True))
    ]
    return VectorLayer(name, feats), crs


def _python_column(col: Any, field: str, notes: list[str]) -> list[Any]:
    """A column as Python values; DBF text read as Latin-1 (no .cpg file, no code page in the
    header) that is really UTF-8, or really Windows-1251 Cyrillic, is repaired."""
    values = col.tolist()
    if col.dtype.kind != "O":
        return values
    fixed: list[Any] = []
    changed = False
    for v in values:
        if isinstance(v, str) and not v.isascii():
            try:
                w = v.encode("latin-1").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                return _cyrillic_1251(values, notes)
            changed = changed or w != v
            fixed.append(w)
        else:
            fixed.append(v)
    if changed:
        note = "text attributes were UTF-8 read as Latin-1 (no .cpg file); decoded as UTF-8"
        if note not in notes:
            notes.append(note)
        return fixed
    return values


def _repair_field_names(fields: list[str], notes: list[str]) -> list[str]:
    """Field names share the DBF's encoding: repair them as the text was (``Ñòðàíà`` →
    ``Страна``), keeping a name when it does not re-decode."""
    codec = next(
        (c for c, marker in (("cp1251", "Windows-1251"), ("utf-8", "UTF-8 read")) if any(
            marker in n and "text attributes" in n for n in notes)),
        None,
    )  # fmt: skip
    if codec is None:
        return fields
    out = []
    for name in fields:
        try:
            fixed = name if name.isascii() else name.encode("latin-1").decode(codec)
        except (UnicodeEncodeError, UnicodeDecodeError):
            fixed = name
        out.append(fixed if fixed not in out else name)
    return out


def _cyrillic_1251(values: list[Any], notes: list[str]) -> list[Any]:
    """Windows-1251 text read as Latin-1, as Russian and Ukrainian shapefiles without a .cpg
    arrive (``Россия`` as ``Ðîññèÿ``), decoded as Windows-1251; anything else unchanged.

    Cyrillic words are made of high bytes only, while Latin-1 text has its accented letters
    one at a time between ASCII ones (``Côte``, ``Zürich``): the column is re-decoded only
    when nearly all of its high bytes stand next to another one and decode to Cyrillic.
    """
    fixed: list[Any] = []
    high = paired = cyrillic = 0
    for v in values:
        if not isinstance(v, str) or v.isascii():
            fixed.append(v)
            continue
        try:
            raw = v.encode("latin-1")
            w = raw.decode("cp1251")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return values
        flags = [b >= 0x80 for b in raw]
        for i, flag in enumerate(flags):
            if flag:
                high += 1
                if (i > 0 and flags[i - 1]) or (i + 1 < len(flags) and flags[i + 1]):
                    paired += 1
        cyrillic += sum(1 for ch in w if "\u0400" <= ch <= "\u04ff")
        fixed.append(w)
    if high < 4 or paired < 0.8 * high or cyrillic < 0.8 * high:
        return values
    note = (
        "text attributes were Windows-1251 (Cyrillic) read as Latin-1 (no .cpg file); "
        "decoded as Windows-1251"
    )
    if note not in notes:
        notes.append(note)
    return fixed


def _layers_of(path: str) -> list[tuple[str, str | None]]:
    import pyogrio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # see _read_layer: GDAL warnings are not errors
            layers = pyogrio.list_layers(path)
    except Exception as exc:
        raise _gdal_error(exc, "the file") from None
    return [(str(row[0]), None if row[1] is None else str(row[1])) for row in layers]


def _zip_shapefiles(source: Source, path: Path) -> list[str]:
    """Validate a zipped shapefile; returns the .shp members (safe names)."""
    with _safezip.open_zip(Source(source.name, path=path, max_bytes=source.max_bytes)) as archive:
        members = [n for n in archive.names if n.lower().endswith(".shp")]
        if not members:
            raise ReaderError("ME902", "the zip archive holds no .shp file")
        stems = {n[:-4].lower() for n in members}
        names = {n.lower() for n in archive.names}
        for stem in stems:
            for ext in (".shx", ".dbf"):
                if stem + ext not in names:
                    raise ReaderError(
                        "ME901", f"zipped shapefile {stem}.shp has no {ext} file beside it"
                    )
    return members


def read_ogr(source: Source, fmt: str) -> VectorEvidence:
    """Read a Shapefile (or zip of them), GeoPackage or FlatGeobuf: every layer."""
    is_zip = source.head(4) in (b"PK\x03\x04", b"PK\x05\x06")
    suffix = ".zip" if is_zip else _SUFFIX.get(fmt, "")
    notes: list[str] = []
    read: list[tuple[VectorLayer, str | None]] = []
    with _on_disk(source, suffix) as path:
        if is_zip:
            for member in _zip_shapefiles(source, path):
                # Braces let GDAL open an archive whatever its extension (.dat, no suffix).
                vsi = f"/vsizip/{{{path.resolve()}}}/{member}"
                read.append(_read_layer(vsi, None, PurePosixPath(member).stem, notes))
        elif fmt == "shapefile":
            if source.data is not None:
                raise ReaderError(
                    "ME901", "a shapefile needs its .shx and .dbf files: zip them to use stdin"
                )
            _check_sidecars(path, notes)
            read.append(_read_layer(str(path), None, path.stem, notes))
        else:
            if fmt == "flatgeobuf":
                _check_flatgeobuf_header(path)
            layers = _layers_of(str(path))
            if not layers and fmt == "flatgeobuf":
                raise ReaderError("ME901", "GDAL found no layer in this FlatGeobuf file (damaged?)")
            for name, geometry_type in layers:
                if geometry_type is None:
                    notes.append(f"layer {name!r} has no geometry column (attributes only)")
                read.append(_read_layer(str(path), name, name, notes))
                if fmt == "flatgeobuf":
                    _check_feature_count(str(path), name, len(read[-1][0].features))
    crs = next((c for _, c in read if c is not None), None)
    return VectorEvidence(format=fmt, layers=[lay for lay, _ in read], source_crs=crs, notes=notes)


def _check_feature_count(path: str, layer: str, got: int) -> None:
    """FlatGeobuf's header states its feature count: fewer features read means the file was cut
    short between features, which GDAL may not report."""
    import pyogrio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            declared = int(pyogrio.read_info(path, layer=layer).get("features", -1))
    except Exception:  # the layer was just read; an info failure only skips this check
        return
    if declared > got:
        raise ReaderError(
            "ME901",
            f"truncated FlatGeobuf: the header declares {declared} features, {got} could be read",
        )


def _check_flatgeobuf_header(path: Path) -> None:
    """A FlatGeobuf file starts with 8 magic bytes and the header's length; a file cut short
    inside its header is damaged (GDAL would list no layer and the map would look empty)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            size = fh.seek(0, 2)
    except OSError as exc:
        raise ReaderError("ME901", f"cannot read the file: {exc.strerror or exc}") from None
    if len(head) < 12:
        raise ReaderError("ME901", "truncated FlatGeobuf: the file ends inside its header")
    header_len = int.from_bytes(head[8:12], "little")
    if size < 12 + header_len:
        raise ReaderError(
            "ME901",
            f"truncated FlatGeobuf: its header needs {12 + header_len} bytes, the file has {size}",
        )


def _check_sidecars(path: Path, notes: list[str]) -> None:
    """GDAL needs .shx and .dbf beside a .shp; the extension's case may differ."""
    siblings = {p.name.lower() for p in path.parent.iterdir()} if path.parent.is_dir() else set()
    stem = path.stem.lower()
    for ext in (".shx", ".dbf"):
        if stem + ext not in siblings:
            raise ReaderError("ME901", f"shapefile {path.name} has no {ext} file beside it")
    if stem + ".prj" not in siblings:
        notes.append("no .prj file: coordinates are taken as longitude/latitude")
