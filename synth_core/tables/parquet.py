"""Parquet files read in batches: every column as text codes, then the frame as for a CSV.

A Parquet column already has a type; it is read as the text it shows (numbers as their
shortest exact digits, dates as ISO dates, missing cells as missing) so that kinds, missing
markers, money and dates are judged by the same rules as in any other file. Lists and nested
records have no place in a table cell and are refused with a plain message.

Nothing here logs or prints cell values: uploaded data is private.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from synth_core.errors import DataError
from synth_core.tables.cells import FactorisedColumn
from synth_core.tables.columnar import ColumnBatches
from synth_core.tables.limits import ReadLimits, too_many_columns, too_many_rows
from synth_core.tables.progress import ReadSteps
from synth_core.wording import shorten

_BATCH_ROWS = 65_536

_DAMAGED = (
    "The Parquet file is damaged or incomplete, so its rows cannot be read. Export or download "
    "it again, or save the table as CSV and pick that file."
)


def read_parquet(
    source: pa.NativeFile, limits: ReadLimits, steps: ReadSteps | None = None
) -> list[FactorisedColumn]:
    """The columns of the Parquet file in ``source``, read a batch of rows at a time (each
    batch's rows told to ``steps``).

    Raises:
        DataError: the file is damaged, too large, or holds columns a table cannot hold.
    """
    try:
        parquet = pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as error:
        raise DataError(_DAMAGED) from error
    schema = parquet.schema_arrow
    if len(schema) > limits.max_columns:
        raise too_many_columns(limits, len(schema))
    if parquet.metadata.num_rows > limits.max_rows:
        raise too_many_rows(limits)
    _refuse_nested(schema)
    steps = steps or ReadSteps()
    batches = ColumnBatches([str(name) for name in schema.names], limits)
    total = parquet.metadata.num_rows
    try:
        for batch in parquet.iter_batches(batch_size=_BATCH_ROWS):
            batches.add(batch.columns)
            steps.read(batches.rows, total, "rows")
    except pa.ArrowInvalid as error:
        raise DataError(_unreadable_values(schema)) from error
    except (pa.ArrowException, OSError) as error:
        raise DataError(_DAMAGED) from error
    steps.read(total, total, "rows")
    return batches.columns(steps)


def _refuse_nested(schema: pa.Schema) -> None:
    nested = [
        field.name
        for field in schema
        if pa.types.is_nested(field.type)
        or (pa.types.is_dictionary(field.type) and pa.types.is_nested(field.type.value_type))
    ]
    if nested:
        shown = ", ".join(f"'{shorten(str(name), 40)}'" for name in nested[:5])
        raise DataError(
            f"Some columns hold lists or nested records, not one value per cell: {shown}. "
            "Flatten them into plain columns (or leave them out), save, and try again."
        )


def _unreadable_values(schema: pa.Schema) -> str:
    binary = [field.name for field in schema if pa.types.is_binary(field.type)]
    if binary:
        shown = ", ".join(f"'{shorten(str(name), 40)}'" for name in binary[:5])
        return (
            f"Some columns hold binary data rather than text: {shown}. Leave them out or "
            "convert them to text, save, and try again."
        )
    return _DAMAGED
