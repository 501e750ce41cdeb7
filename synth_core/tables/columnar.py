"""Columns read in batches by Arrow (streamed CSV, Parquet) into factorised columns.

Each batch's column is kept as a dictionary array (a small code per cell, its distinct texts
once), so a table read in batches holds about four bytes per cell plus its distinct values,
never a Python string per cell. At the end the batches' dictionaries are unified and each
column becomes the :class:`~synth_core.tables.cells.FactorisedColumn` that the frame is built
from, exactly as the whole-file reader's columns are.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synth_core.tables.cells import FactorisedColumn, missing_markers
from synth_core.tables.limits import ReadLimits, too_many_rows
from synth_core.tables.progress import ReadSteps

#: How a text column is held while it is read: a code per cell, each distinct text once.
TEXT_CODES = pa.dictionary(pa.int32(), pa.string())


class ColumnBatches:
    """The batches of a table read so far, column by column, with the row limit enforced."""

    def __init__(self, names: list[str], limits: ReadLimits) -> None:
        self.names = names
        self.limits = limits
        self.rows = 0
        self._chunks: list[list[pa.Array]] = [[] for _ in names]

    def add(self, arrays: list[pa.Array]) -> None:
        """Add one batch: an array per column, any type (it is held as text codes)."""
        self.rows += len(arrays[0]) if arrays else 0
        if self.rows > self.limits.max_rows:
            raise too_many_rows(self.limits)
        for chunks, array in zip(self._chunks, arrays, strict=True):
            chunks.append(as_text_codes(array))

    def columns(self, steps: ReadSteps | None = None) -> list[FactorisedColumn]:
        """The factorised columns, each told to ``steps`` when made; each column's batches are
        let go once it is made, and the memory Arrow kept for them is handed back at the end."""
        steps = steps or ReadSteps()
        steps.start_columns(len(self.names))
        columns = []
        for index, name in enumerate(self.names):
            columns.append(factorised(name, self._chunks[index]))
            self._chunks[index] = []
            steps.column_done()
        pa.default_memory_pool().release_unused()
        return columns


def as_text_codes(array: pa.Array) -> pa.Array:
    """``array`` as text codes: its cells as text, a missing cell as ''."""
    if array.type == TEXT_CODES and array.null_count == 0:
        return array
    if pa.types.is_timestamp(array.type):
        array = _timestamps_as_text(array)
    elif not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    return pc.fill_null(array, "").dictionary_encode()


def _timestamps_as_text(array: pa.Array) -> pa.Array:
    """Dates as '2024-03-05' when every time is midnight, else with the time to the second."""
    seconds = pc.cast(array, pa.timestamp("s", array.type.tz), safe=False)
    days = pc.floor_temporal(seconds, unit="day")
    with_times = pc.any(pc.not_equal(seconds, days)).as_py()
    return pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S" if with_times else "%Y-%m-%d")


def factorised(name: str, chunks: list[pa.Array]) -> FactorisedColumn:
    """One column from its batches' text codes: codes into one list of distinct stripped texts."""
    if not chunks:
        empty = np.empty(0, dtype=object)
        return FactorisedColumn(name, np.empty(0, np.int32), empty, np.empty(0, bool))
    unified = pa.chunked_array(chunks, type=TEXT_CODES).unify_dictionaries()
    dictionary = unified.chunk(0).dictionary
    codes = np.concatenate([chunk.indices.to_numpy() for chunk in unified.chunks])
    values = np.empty(len(dictionary), dtype=object)
    values[:] = [text.strip() for text in dictionary.to_pylist()]
    return FactorisedColumn(name, codes, values, missing_markers(values))
