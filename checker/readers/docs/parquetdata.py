"""Parquet tables that hold no map (GeoParquet is read as a map): every row read like a CSV row.

Read with pyarrow in batches of rows, so a large file is never held whole. Text values become
segments and rows become records, as for CSV (``key_path`` ``"row 12 column name"`` for a cell,
``"row 12"`` for its record; ``line`` and ``row`` are the row's number); each text column of
two or more values is an enumeration (origin ``parquet-column:<name>``). Binary, nested (list,
struct, map) and numeric values are not text; numbers stay in the records (postal codes and
phone numbers in numeric fields are checked there).
"""

from __future__ import annotations

import io
from typing import Any

from checker.readers.base import ReaderError, Source, TextEvidence, TextSegment
from checker.readers.docs._collect import Collector

#: Rows read (the collector's limits bound the whole file too).
MAX_ROWS = 1_000_000
#: Rows decoded at a time.
BATCH_ROWS = 10_000


def read_parquet(source: Source) -> TextEvidence:
    import pyarrow as pa
    import pyarrow.parquet as pq

    col = Collector("parquet")
    where: Any = source.path if source.path is not None else io.BytesIO(source.read_bytes())
    try:
        parquet = pq.ParquetFile(where)
        names = list(parquet.schema_arrow.names)
        columns: dict[str, list[TextSegment]] = {}
        count = 0
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            for values in batch.to_pylist():
                count += 1
                if count > MAX_ROWS:
                    col.undetermined(
                        f"the table holds more than {MAX_ROWS:,} rows; the rest were not checked"
                    )
                    return _finish(col, columns)
                if not _row(col, names, values, count, columns):
                    return _finish(col, columns)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ReaderError("ME901", f"the Parquet file cannot be read ({exc})") from None
    return _finish(col, columns)


def _row(
    col: Collector,
    names: list[str],
    values: dict[str, Any],
    count: int,
    columns: dict[str, list[TextSegment]],
) -> bool:
    """Add one row; ``False`` when a limit of the collector was reached."""
    fields: dict[str, Any] = {}
    for name in names:
        value = values.get(name)
        if isinstance(value, bytes | list | dict) or value is None:
            continue  # binary and nested values
        fields[name] = value
        if isinstance(value, str) and value.strip():
            seg = col.segment(
                value, count, 1, part="cell", key_path=f"row {count} column {name}", row=count
            )
            if seg is None:
                return False
            columns.setdefault(name, []).append(seg)
    return col.record(fields, f"row {count}", count, count) is not None


def _finish(col: Collector, columns: dict[str, list[TextSegment]]) -> TextEvidence:
    for name, segs in columns.items():
        if len(segs) >= 2:
            col.enumeration(segs, name, f"parquet-column:{name}")
    return col.evidence
