"""Tables out, safe to open in a spreadsheet: CSV and Excel (.xlsx) whose text never runs as a
formula (CSV/formula injection).

Nothing here logs or prints cell values: uploaded data is private.
"""

from __future__ import annotations

import io
import math
import os
import re
import typing
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from synth_core.errors import DataError
from synth_core.tables.dialect import PLAIN, WrittenAs
from synth_core.tables.styles import NumberStyle

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A signed number written as text ('-0.62%', '-$1,234.50', '-9.876,25 €', '-1.31e+00') runs
# nothing: a spreadsheet reads it as the number it is, and an apostrophe would turn it into text.
SIGNED_NUMBER = r"[+-] ?[$€£¥]? ?\d[\d.,' \u00a0\u202f]*(?:[eE][+-]?\d+)?(?: ?[%€$£¥])?"

_CSV_LINE_END = "\r\n"  # RFC 4180; also makes the writer quote a lone "\r" inside a value
_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_COLUMNS = 16_384


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy in which no text cell can run as a spreadsheet formula.

    Text cells (and string column names) that start with one of :data:`FORMULA_PREFIXES` get a
    leading apostrophe. Numeric, boolean and date columns are never changed, nor are non-text
    objects inside text columns; missing values stay missing.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        changed = _neutralise_series(column)
        if changed is not column:
            out.isetitem(position, changed)
    if not isinstance(out.columns, pd.MultiIndex):
        out.columns = [_neutralise_text(label) for label in out.columns]
    return out


def _neutralise_text(value: object) -> object:
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not re.fullmatch(SIGNED_NUMBER, value)
    ):
        return "'" + value
    return value


def _neutralise_series(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        renamed = [_neutralise_text(value) for value in categories]
        if renamed == list(categories):
            return column
        if len(set(renamed)) == len(renamed):
            return column.cat.rename_categories(renamed)
        column = column.astype(object)
    elif not (column.dtype == object or pd.api.types.is_string_dtype(column.dtype)):
        return column
    try:
        risky = column.str.startswith(FORMULA_PREFIXES, na=False)
        risky &= ~column.str.fullmatch(SIGNED_NUMBER, na=False)
    except AttributeError:
        return column  # an object column without any text
    risky = risky.fillna(False).astype(bool)
    if not risky.any():
        return column
    column = column.copy()
    column[risky] = "'" + column[risky]
    return column


def to_csv_bytes(frame: pd.DataFrame, written: WrittenAs = PLAIN) -> bytes:
    """Return ``frame`` as formula-safe UTF-8 CSV with a header row and no index, written as
    ``written`` says (by default comma-separated, decimal points, numbers as they are)."""
    text = _csv_text(frame, written, header=True)
    return text.encode(written.dialect.encoding)


def _csv_text(frame: pd.DataFrame, written: WrittenAs, header: bool) -> str:
    dialect = written.dialect
    return neutralise_formulas(written.styled(frame)).to_csv(
        index=False,
        header=header,
        sep=dialect.delimiter,
        decimal=dialect.decimal,
        na_rep=dialect.missing,
        lineterminator=_CSV_LINE_END,
    )


def write_csv(
    frame_or_chunks: pd.DataFrame | Iterable[pd.DataFrame],
    path: str | os.PathLike,
    written: WrittenAs = PLAIN,
) -> int:
    """Write one frame or a stream of frames to ``path`` as formula-safe UTF-8 CSV, written as
    ``written`` says (see ``to_csv_bytes``).

    Chunks must share the same columns; the header is written once. The file appears only when
    complete (written beside it, then renamed). Returns the number of data rows written.
    """
    chunks = [frame_or_chunks] if isinstance(frame_or_chunks, pd.DataFrame) else frame_or_chunks
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    rows = 0
    columns: list | None = None
    try:
        with open(partial, "w", encoding=written.dialect.encoding, newline="") as handle:
            for chunk in chunks:
                first = columns is None
                if first:
                    columns = list(chunk.columns)
                elif list(chunk.columns) != columns:
                    raise ValueError("every chunk passed to write_csv() needs the same columns")
                handle.write(_csv_text(chunk, written, header=first))
                rows += len(chunk)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rows


def to_xlsx_bytes(frame: pd.DataFrame, written: WrittenAs = PLAIN) -> bytes:
    """Return ``frame`` as an .xlsx workbook (one sheet named "Data"), header in the first row.

    Text is stored as text cells, never as formulas, and is formula-neutralised so that a CSV
    later saved from Excel stays safe. Numbers stay numbers, those of a column ``written`` styles
    (money, percentages) shown in that style; missing values and infinities become empty cells;
    characters that Excel cannot store (control characters) are removed.
    """
    import openpyxl  # imported here: only Excel downloads pay for it

    if len(frame) + 1 > _XLSX_MAX_ROWS or frame.shape[1] > _XLSX_MAX_COLUMNS:
        raise DataError(
            f"An Excel sheet holds at most {_XLSX_MAX_ROWS - 1:,} rows and {_XLSX_MAX_COLUMNS:,} "
            "columns. Download the table as CSV instead, or make a smaller one."
        )
    safe = neutralise_formulas(frame)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    text = _ExcelText(sheet)
    sheet.append([text(str(label)) for label in safe.columns])
    columns = [_excel_values(safe.iloc[:, i], text) for i in range(safe.shape[1])]
    for i, name in enumerate(safe.columns):
        pattern = written.number_formats.get(name)
        if pattern is not None:
            columns[i] = _styled_cells(columns[i], NumberStyle.of(pattern).excel_format, sheet)
        elif (dated := _excel_dates(frame.iloc[:, i], written.date_formats.get(name))) is not None:
            columns[i] = _styled_cells(*dated, sheet)
    for row in zip(*columns, strict=True):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _ExcelText:
    """Turns a string into something openpyxl stores as a text cell, whatever it looks like."""

    def __init__(self, sheet: typing.Any) -> None:
        # imported here, like openpyxl itself: only Excel downloads pay for it
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        self.sheet = sheet
        self.error_codes = frozenset(ERROR_CODES)
        self.illegal = ILLEGAL_CHARACTERS_RE
        self.text_cell = WriteOnlyCell

    def __call__(self, value: str) -> object:
        if self.illegal.search(value):
            value = self.illegal.sub("", value)  # openpyxl refuses them; Excel cannot hold them
        # openpyxl makes "=..." a formula and "#N/A" etc. an error value: force text for those.
        # (Only these are wrapped: a plain str is much faster to write and is stored as text.)
        if value.startswith("=") or value in self.error_codes:
            cell = self.text_cell(self.sheet, value=value)
            cell.data_type = "s"
            return cell
        return value


def _excel_dates(column: pd.Series, fmt: str | None) -> tuple[list, str] | None:
    """A date column written as text in ``fmt`` ('9/19/1992', '13:30') as Excel dates or times
    with the matching number format; None where it cannot be (no format, several formats, a
    UTC offset, a part Excel has no code for, or text that does not read in it)."""
    codes = _excel_date_format(fmt) if fmt else None
    if codes is None or pd.api.types.is_datetime64_any_dtype(column.dtype):
        return None
    texts = column.astype(object).where(column.notna(), None)
    plain = fmt.replace("%-", "%")  # strptime reads '9' for %m as it reads '09'
    read = pd.to_datetime(texts, format=plain, errors="coerce")
    if (read.isna() & texts.notna()).any():
        return None
    time_only = not any(part in fmt for part in ("%Y", "%y", "%m", "%d", "%b", "%B"))
    values = [None if pd.isna(v) else (v.time() if time_only else v.to_pydatetime()) for v in read]
    return values, codes


def _excel_date_format(fmt: str) -> str | None:
    """Excel's number format for a strftime format ('%-m/%-d/%Y' → 'm/d/yyyy'), or None."""
    if "|" in fmt or "%z" in fmt:
        return None
    hours = "h" if "%p" in fmt else "hh"
    codes = {
        "Y": "yyyy", "y": "yy", "m": "mm", "-m": "m", "d": "dd", "-d": "d", "b": "mmm",
        "B": "mmmm", "H": hours, "-H": "h", "I": "hh", "-I": "h", "M": "mm", "S": "ss",
        "p": "AM/PM",
    }  # fmt: skip
    out, rest = [], fmt
    while rest:
        if rest.startswith("%"):
            key = rest[1:3] if rest[1:2] == "-" else rest[1:2]
            if key not in codes:
                return None
            out.append(codes[key])
            rest = rest[1 + len(key) :]
        else:
            out.append(rest[0] if rest[0] in " /-.:," else f'"{rest[0]}"')
            rest = rest[1:]
    return "".join(out)


def _styled_cells(values: list, number_format: str, sheet: typing.Any) -> list:
    """Number and date cells shown with ``number_format``; other values as they are."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, int | float | datetime | time) and not isinstance(value, bool):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = number_format
            value = cell
        cells.append(value)
    return cells


def _excel_values(column: pd.Series, text: _ExcelText) -> list:
    """Python values (or text cells) that openpyxl can write for one column."""
    dtype = column.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if numeric and not isinstance(dtype, pd.CategoricalDtype):
        if not column.hasnans:
            return column.tolist()
        floats = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return [v if math.isfinite(v) else None for v in floats.tolist()]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:  # Excel has no time zones: keep it as text
            return [None if pd.isna(v) else text(v.isoformat()) for v in column]
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    out = []
    for value in column.astype(object).tolist():
        if isinstance(value, str):
            out.append(text(value))
        elif _is_empty_value(value):
            out.append(None)
        elif isinstance(value, (bool, int, float, datetime, date, time)):
            out.append(value)
        elif isinstance(value, np.generic):
            out.append(value.item())
        else:
            out.append(text(str(_neutralise_text(str(value)))))
    return out


def _is_empty_value(value: object) -> bool:
    """Missing (None, NaN, NaT, NA) or a float Excel cannot store (infinity)."""
    if value is None or isinstance(value, (list, tuple, dict, set)):
        return value is None
    if isinstance(value, float):
        return not math.isfinite(value)
    return bool(pd.isna(value))
