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

from checker.readers.base import ReaderError, Source, TextEvidence
from checker.readers.docs._collect import Collector, TypedTable

#: Rows read (the collector's limits bound the whole file too).
MAX_ROWS = 1_000_000
#: Rows decoded at a time.
BATCH_ROWS = 10_000


def read_parquet(source: Source) -> TextEvidence:
    import pyarrow as pa
    import pyarrow.parquet as pq

    col = Collector("parquet")
    where: Any = source.path if source.path is not None else io.BytesIO(source.read_bytes())
    rows = TypedTable(col, "", "", "parquet-column:")
    try:
        parquet = pq.ParquetFile(where)
        names = list(parquet.schema_arrow.names)
        count = 0
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            for values in batch.to_pylist():
                count += 1
                if count > MAX_ROWS:
                    col.undetermined(
                        f"the table holds more than {MAX_ROWS:,} rows; the rest were not checked"
                    )
                    break
                if not rows.add(((name, values.get(name)) for name in names), count, count):
                    break
            else:
                continue
            break
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ReaderError("ME901", f"the Parquet file cannot be read ({exc})") from None
    rows.finish()
    return col.evidence
