"""A totals row at the bottom of an export: recognised, so that it is not learned as a row.

The last row is a totals row when its numbers are the sums of the columns above it and either
its first text cell says so ('Total', 'Grand total', 'Sum', 'Totals:') or most of its cells
are empty. Number columns are read the way the rest of the table is (``convert``), so the
label in a number column does not make that column text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from synth_core.tables.cells import FactorisedColumn, rows_kept
from synth_core.wording import shorten

_LABEL = re.compile(r"(?:grand\s+|sub-?)?(?:totals?|sum)\b[\s:]*.*", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]")
MIN_ROWS_ABOVE = 3
RELATIVE_TOLERANCE = 1e-4  # of the sum: totals of rounded values differ a little
ABSOLUTE_TOLERANCE = 0.011

Convert = Callable[[FactorisedColumn], np.ndarray]


def without_totals_row(
    columns: list[FactorisedColumn], convert: Convert, notes: list[str]
) -> list[FactorisedColumn]:
    """``columns`` without their last row when it is a totals row (noted), else unchanged."""
    rows = len(columns[0].codes)
    if rows <= MIN_ROWS_ABOVE:
        return columns
    cells = [_last_cell(column) for column in columns]
    at = next((i for i, cell in enumerate(cells) if cell and _LETTERS.search(cell)), None)
    label = None if at is None else cells[at]
    labelled = label is not None and _LABEL.fullmatch(label) is not None
    mostly_empty = sum(cell is None for cell in cells) * 2 >= len(cells)
    if not (labelled or mostly_empty):
        return columns
    above = [rows_kept(column, slice(0, rows - 1)) for column in columns]
    numbers = [None if i == at else cell for i, cell in enumerate(cells)]
    sums = [
        _is_sum(convert, column, cell, labelled)
        for column, cell in zip(above, numbers, strict=True)
    ]
    checked = [same for same in sums if same is not None]
    if not checked or not any(checked):
        return columns
    if not labelled and not all(checked):
        return columns
    if labelled and sum(checked) * 2 < len(checked):
        return columns
    shown = f"'{shorten(label, 30)}', " if labelled else ""
    notes.append(
        f"Left out the last row, a totals row ({shown}its numbers are the sums of the rows "
        "above): it is not a row of data."
    )
    return above


def _last_cell(column: FactorisedColumn) -> str | None:
    code = column.codes[-1]
    return None if column.missing[code] else str(column.values[code])


def _is_sum(
    convert: Convert, above: FactorisedColumn, cell: str | None, labelled: bool
) -> bool | None:
    """Whether ``cell`` is the sum of the numbers above it; None when there is nothing to check
    (an empty cell, a text column, too few numbers above, or, without a label, a sum that is
    also one of the numbers above: 0, 0, 1 and then 1 proves nothing either way)."""
    if cell is None:
        return None
    numbers = convert(above)
    if numbers.dtype == object:
        return None
    numbers = numbers.astype(np.float64)
    present = numbers[~np.isnan(numbers)]
    if len(present) < 2:
        return None
    one = np.array([cell], dtype=object)
    value = convert(FactorisedColumn(above.name, np.zeros(1, np.intp), one, np.zeros(1, bool)))
    if value.dtype == object:
        return False  # text where the column has numbers: the label, or not a totals row
    with np.errstate(over="ignore"):
        total = float(present.sum())
    if not np.isfinite(total):  # numbers near float's limit: no sum to compare with
        return False
    gap = abs(float(value[0]) - total)
    if not labelled and np.any(present == float(value[0])):
        return None
    return total != 0 and gap <= max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * abs(total))
