"""SQLite databases (not GeoPackages, which are maps): every table read like a CSV file.

The file is opened read-only and immutable (``mode=ro&immutable=1``: no journal, no lock, no
write of any kind), with SQLite's defensive mode on where the library offers it, and read row
by row. Only tables are read (views, triggers and the schema's SQL are not: a view's rows are a
table's). Text values become segments and rows become records, as for CSV (``key_path``
``"cities row 12 column name"`` for a cell, ``"cities row 12"`` for its record; ``line`` is the
row's number in the table, ``row`` a running number across the database); each text column of
two or more values is an enumeration (origin ``sqlite-column:<table>.<column>``).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from checker.readers.base import ReaderError, Source, TextEvidence
from checker.readers.docs._collect import Collector, TypedTable

#: Rows read per table (the collector's limits bound the whole file too).
MAX_ROWS = 1_000_000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_sqlite(source: Source) -> TextEvidence:
    col = Collector("sqlite")
    if source.path is not None:
        return _read(col, source.path)
    # Bytes from stdin or an archive: SQLite reads files, so through a private temporary one.
    with tempfile.TemporaryDirectory(prefix="mapcheck-") as folder:
        path = Path(folder) / "input.sqlite"
        path.write_bytes(source.read_bytes())
        return _read(col, path)


def _read(col: Collector, path: Path) -> TextEvidence:
    uri = f"file:{os.path.abspath(path)}?mode=ro&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise ReaderError("ME901", f"cannot open the SQLite database ({exc})") from None
    try:
        defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
        if defensive is not None and hasattr(con, "setconfig"):
            con.setconfig(defensive, True)
        con.text_factory = lambda b: b.decode("utf-8", "replace")
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ]
        number = 0
        for table in tables:
            number = _table(col, con, table, number)
            if col.full:
                break
    except sqlite3.DatabaseError as exc:
        raise ReaderError("ME901", f"the SQLite database is damaged ({exc})") from None
    finally:
        con.close()
    return col.evidence


def _table(col: Collector, con: sqlite3.Connection, table: str, number: int) -> int:
    cursor = con.execute(f"SELECT * FROM {_quote(table)} LIMIT {MAX_ROWS + 1}")
    names = [d[0] for d in cursor.description or ()]
    rows = TypedTable(col, f"{table} ", f"{table}.", f"sqlite-column:{table}.")
    for count, row in enumerate(cursor, 1):
        if count > MAX_ROWS:
            col.undetermined(
                f"table {table!r} holds more than {MAX_ROWS:,} rows; the rest were not checked"
            )
            break
        number += 1
        if not rows.add(zip(names, row, strict=False), count, number):
            return number
    rows.finish()
    return number
