"""Rows of raw cells into a header and columns: blank rows, ragged rows, the size limits."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from synth_core.errors import DataError
from synth_core.tables.limits import ReadLimits, too_many_columns, too_many_rows
from synth_core.tables.progress import ReadSteps

_ROWS_PER_STEP = 100_000  # rows turned into columns at a time, between two progress calls
MAX_TITLE_ROWS = 5  # rows of a title or notes above a table's column names, at most
_TITLE_CHECK_ROWS = 50  # rows under the column names that must look like the table's
_NUMBER = re.compile(r"[-+(]?[$€£]?\d[\d.,' ]*%?\)?")  # a value, not a column's name


def is_blank(row: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _filled(row: Sequence[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def title_rows(rows: Sequence[Sequence[str]]) -> int:
    """How many rows at the top are a title or notes above the table, as spreadsheets export
    them ('Quarterly staff report', 'Exported 2024-03-01'), before the first row of two filled
    cells or more, which most rows under it match. 0 when there are none.

    A title is text in the first cell only, written as a phrase or padded with empty cells as a
    sheet saved as CSV pads it; or followed by a blank row. A lone word over a column of
    numbers ('Betrag' over '425,63') is a column name, and a row whose first cell is empty
    (',score', a saved index) is a header."""
    for index, row in enumerate(rows[: MAX_TITLE_ROWS + 1]):
        if _comment(row, rows[index + 1 :]):
            continue
        if _filled(row) < 2:
            if is_blank(row) or _titled(row, rows[index + 1 : index + 2]):
                continue
            return 0
        if index == 0 or not any(_filled(above) for above in rows[:index]):
            return 0  # the first row that is not blank holds the column names
        under = [r for r in rows[index + 1 : index + 1 + _TITLE_CHECK_ROWS] if not is_blank(r)]
        table_like = sum(_filled(r) >= 2 for r in under)
        return index if under and table_like >= len(under) / 2 else 0
    return 0


def _comment(row: Sequence[str], below: Sequence[Sequence[str]]) -> bool:
    """Whether ``row`` is a note written after '#' (a data logger's or a script's lines above
    the table), whatever commas it holds; not a header whose first name starts with '#'
    ('# of orders'), which is as wide as the first row of the table under it."""
    if not row or not is_note(row[0]):
        return False
    table = next((r for r in below if _filled(r) >= 2 and not is_note(r[0])), None)
    return table is None or len(row) != len(table)


def is_note(text: str) -> bool:
    """Whether a line or a first cell is a note written after '#'."""
    return text.lstrip().startswith("#")


def footer_rows(rows: Sequence[Sequence[str]]) -> int:
    """How many rows at the bottom are notes under the table ('Data from database: ...',
    'Last Updated: ...'), as statistics portals export them: after the last row of two filled
    cells or more, a blank row, then rows of the first cell alone (and blank rows). 0 when
    there are none, or when the table has fewer than three columns (one value per row could
    be data there)."""
    count = 0
    for row in reversed(rows):
        if _filled(row) >= 2:
            break
        count += 1
    else:
        return 0
    tail = rows[len(rows) - count :]
    if not tail or len(rows[len(rows) - count - 1]) < 3 or not is_blank(tail[0]):
        return 0
    notes = [row for row in tail if not is_blank(row)]
    return count if notes and all(row[0].strip() for row in notes) else 0


def drop_footer(rows: list[list[str]], notes: list[str]) -> None:
    """Leave out the notes under the table (``footer_rows``), with a remark in ``notes``."""
    footer = footer_rows(rows)
    if footer:
        notes.append(footer_note(rows[len(rows) - footer :]))
        del rows[len(rows) - footer :]


def footer_note(skipped: Sequence[Sequence[str]]) -> str:
    texts = [row[0].strip() for row in skipped if not is_blank(row)]
    lines = f"{len(texts)} line{'s' if len(texts) != 1 else ''}"
    return (
        f"Left out {lines} under the table ({_shown(texts)}): they look like notes, not rows "
        "of data."
    )


def _shown(texts: Sequence[str]) -> str:
    """The first two of ``texts``, each cut to 40 characters, quoted."""
    return "; ".join(f"'{text[:40]}'" for text in [t for t in texts if t][:2])


def _titled(row: Sequence[str], following: Sequence[Sequence[str]]) -> bool:
    """Whether a row of one filled cell reads as a title: the first cell, and a phrase, or
    padded with empty cells, or followed by a blank row."""
    if not row or not row[0].strip():
        return False
    return len(row[0].split()) > 1 or len(row) > 1 or bool(following and is_blank(following[0]))


def title_note(unit: str, number: int, skipped: Sequence[Sequence[str]]) -> str:
    """The remark for rows left out above the column names, read on ``unit`` ``number``."""
    texts = [", ".join(cell.strip() for cell in row if cell.strip()) for row in skipped]
    return (
        f"Read the column names from {unit.lower()} {number}: the rows above them look like a "
        f"title or notes ({_shown(texts)}), so they were left out."
    )


def joined_header(header: Sequence[str], row: Sequence[str]) -> list[str] | None:
    """The column names of a header of two rows, as statistics offices export them: a name over
    a group of columns ('Public capital stock', its cell merged across four) and under it the
    group's own names ('Total', 'Highways', ...), joined ('Public capital stock – Highways');
    None when ``row`` is not such a second row (a value in it under a name of one column, or a
    number)."""
    names = [c.strip() for c in header]
    subs = [c.strip() for c in row[: len(names)]] + [""] * (len(names) - len(row))
    if _filled(subs) < 2 or _filled(row[len(names) :]):
        return None
    joined, parent, spans = list(names), None, False
    for index, (name, sub) in enumerate(zip(names, subs, strict=True)):
        if name:
            parent = name if index + 1 < len(names) and not names[index + 1] else None
        if not sub:
            continue
        if parent is None or _NUMBER.fullmatch(sub):
            return None
        joined[index] = f"{parent} – {sub}"
        spans = spans or not name
    return joined if spans else None


def empty_file_error() -> DataError:
    return DataError(
        "The file is empty. Export the table again with its header and rows, or pick another file."
    )


def split_rows(
    rows: list[list[str]],
    limits: ReadLimits,
    unit: str,
    line_of: Callable[[int], int],
    steps: ReadSteps | None = None,
    notes: list[str] | None = None,
    cells_can_shift: bool = True,
) -> tuple[list[str], list[Sequence[str]]]:
    """Split rows into the header and per-column sequences of raw cells, enforcing the limits.

    Leading blank rows are skipped, and a title or notes above the column names
    (``title_rows``), with a remark added to ``notes``. Rows shorter than the header are padded
    with empty cells, with a remark where ``cells_can_shift`` (a text file's values can land in
    the wrong column; a sheet's cells cannot, and its blank last cells are simply empty);
    empty fields past the header's width (a trailing separator) are dropped; any other extra
    field is an error naming the ``unit`` ("Line"/"Row") given by ``line_of(row index)``.
    ``steps`` hears every :data:`_ROWS_PER_STEP` rows turned into columns. ``rows`` is emptied
    on success: each step lets its rows go, so that millions of them are not freed at once.
    """
    first = next((i for i, row in enumerate(rows) if not is_blank(row)), None)
    if first is None:
        raise empty_file_error()
    titles = title_rows(rows[first:])
    if titles:
        if notes is not None:
            notes.append(title_note(unit, line_of(first + titles), rows[first : first + titles]))
        first = next(i for i in range(first + titles, len(rows)) if not is_blank(rows[i]))
    header, width = rows[first], len(rows[first])
    if first + 1 < len(rows) and (joined := joined_header(header, rows[first + 1])):
        if notes is not None:
            example = next(name for name in joined if " – " in name)
            notes.append(
                f"Joined the column names of {unit.lower()}s {line_of(first)} and "
                f"{line_of(first + 1)}, a header of two rows (such as '{example}')."
            )
        header, first = joined, first + 1
    if width > limits.max_columns:
        raise too_many_columns(limits, width)
    where = lambda index: f"{unit} {line_of(first + 1 + index)}"  # noqa: E731
    body, short = _fit_to_header(rows[first + 1 :], width, where)
    if short and notes is not None and cells_can_shift:
        notes.append(short_rows_note(len(short), where(short[0]), width))
    if len(body) > limits.max_rows:
        body = [row for row in body if not is_blank(row)]  # rows of spaces are not rows either
        if len(body) > limits.max_rows:
            raise too_many_rows(limits)
    rows.clear()  # the body holds the rows now
    return header, _columns(body, width, steps or ReadSteps())


def _columns(body: list[list[str]], width: int, steps: ReadSteps) -> list[Sequence[str]]:
    """The rows' cells column by column, a step of rows at a time, each step's rows let go (the
    read is not moved on by a step, only told again: a caller may stop between two)."""
    columns: list[list[str]] = [[] for _ in range(width)]
    for start in range(0, len(body), _ROWS_PER_STEP):
        block = body[start : start + _ROWS_PER_STEP]
        for column, cells in zip(columns, zip(*block, strict=True), strict=True):
            column.extend(cells)
        body[start : start + len(block)] = [None] * len(block)
        steps.again()
    return columns


def short_rows_note(count: int, first: str, width: int) -> str:
    """A remark on rows with fewer values than the header; ``first`` names the first ("Line
    12")."""
    which = f"{first} has" if count == 1 else f"{count:,} rows (the first on {first.lower()}) have"
    rows = "that row" if count == 1 else "those rows"
    return (
        f"{which} fewer values than the {width} columns: the missing values are "
        f"read as empty. If values of {rows} landed in the wrong columns, fix the file and "
        "upload it again."
    )


def _fit_to_header(
    body: list[list[str]], width: int, where: Callable[[int], str]
) -> tuple[list[list[str]], list[int]]:
    """``body`` with every row ``width`` cells wide and empty lines left out, and the indices of
    the rows that were shorter.

    ``where(index)`` names a body row in the error for a row with extra values ("Line 12").
    """
    sizes = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    odd = np.flatnonzero(sizes != width)
    blank_lines, short = False, []
    for index in odd:  # rare rows only; the common case never loops in Python
        row = body[index]
        if not row:
            blank_lines = True
        elif len(row) < width:
            body[index] = row + [""] * (width - len(row))
            if not is_blank(row):
                short.append(int(index))
        elif is_blank(row[width:]):
            body[index] = row[:width]
        else:
            raise _extra_values(
                where(int(index)), len(row), width, first=not _rows_before(body, index)
            )
    if blank_lines:
        body = [row for row in body if row]
    return body, short


def _rows_before(body: list[list[str]], index: int) -> bool:
    """Whether a row of the table (two filled cells or more, not a title's) comes before row
    ``index`` of the body."""
    return any(_filled(row) >= 2 for row in body[:index])


def _extra_values(where: str, count: int, width: int, first: bool) -> DataError:
    """A row wider than the header. In a workbook, the first row under a narrower "header" is
    a title above the table (the usual cause), a later one a value past the named columns; in
    text, a value holding the separator without quotes."""
    if where.startswith("Row") and first:
        return DataError(
            f"{where} has {count} values, but the first row that is not empty, read as the "
            f"column names, has only {width}. The sheet seems to start with a title or notes "
            "above the table. Delete the rows above the column names (or copy the table to a "
            "new sheet), save, and try again."
        )
    if where.startswith("Row"):
        return DataError(
            f"{where} has {count} values, but the header names only {width} columns. Give "
            "every column a name in the header row, or clear the cells past the last named "
            "column, then try again."
        )
    return DataError(
        f"{where} has {count} values, but the header names only {width} columns. Usually a "
        "value contains the separator without quotes around it. Put quotes around such values, "
        "or export the file again."
    )
