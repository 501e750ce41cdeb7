"""How far a read has come: what ``read_table`` tells a caller after each block, batch or step.

A reader calls ``on_progress`` with a :class:`ReadProgress` after every block of text, batch of
Parquet rows, few tens of thousands of workbook cells, step of rows made into columns, and column
made. A caller draws it; a caller that wants the read to end raises from the callback
(``synth_core.errors.Stopped`` for a cooperative stop, which ``read_table`` lets through): the
read then stops between two steps and returns nothing, never a partial table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: The file's bytes (delimited text) or rows (Parquet, workbooks) are being read.
READING = "reading"
#: The cells read are being made into the frame's columns: each column is visited twice, once
#: to code its cells and once to read them as numbers or text.
COLUMNS = "columns"


@dataclass(frozen=True)
class ReadProgress:
    """``done`` of ``total`` ``unit`` ("bytes", "rows" or "steps") of one ``stage`` of a read
    (:data:`READING` or :data:`COLUMNS`). ``total`` is None when it is not known before the end
    (a workbook's rows)."""

    stage: str
    done: int
    total: int | None
    unit: str

    @property
    def fraction(self) -> float | None:
        """The share of the stage done (0 to 1), or None when the total is not known."""
        if self.total is None:
            return None
        return min(self.done / self.total, 1.0) if self.total else 1.0


OnProgress = Callable[[ReadProgress], None]


class ReadSteps:
    """Passed down the readers: tells ``on_progress`` (when there is one) each step done."""

    def __init__(self, on_progress: OnProgress | None = None) -> None:
        self.on_progress = on_progress
        self.column_steps = 0
        self.columns_done = 0
        self._last: ReadProgress | None = None

    def read(self, done: int, total: int | None, unit: str) -> None:
        """``done`` of ``total`` bytes or rows read (kept within ``total``)."""
        self._tell(READING, done if total is None else min(done, total), total, unit)

    def again(self) -> None:
        """Tell the last progress again: a long piece of work that moves no count (the rows
        turned into columns) still gives the caller its chance to stop."""
        if self._last is not None and self.on_progress is not None:
            self.on_progress(self._last)

    def start_columns(self, columns: int) -> None:
        """The cells are read: ``columns`` columns are now coded, then converted."""
        self.column_steps, self.columns_done = 2 * columns, 0

    def column_done(self) -> None:
        self.columns_done = min(self.columns_done + 1, self.column_steps)
        self._tell(COLUMNS, self.columns_done, self.column_steps, "steps")

    def end_columns(self) -> None:
        """The frame is made (columns left out on the way, empty ones, are counted done)."""
        self.columns_done = self.column_steps
        self._tell(COLUMNS, self.columns_done, self.column_steps, "steps")

    def _tell(self, stage: str, done: int, total: int | None, unit: str) -> None:
        self._last = ReadProgress(stage, done, total, unit)
        if self.on_progress is not None:
            self.on_progress(self._last)
