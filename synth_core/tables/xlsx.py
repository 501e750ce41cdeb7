"""Excel workbooks (.xlsx) into rows: the first sheet's cells as the text a CSV would hold."""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from synth_core.errors import DataError
from synth_core.tables.limits import ReadLimits, too_many_rows
from synth_core.tables.rows import is_blank


def read_workbook(data: bytes, limits: ReadLimits, notes: list[str]) -> list[list[str]]:
    """The rows of the workbook's first sheet, adding remarks worth showing to ``notes``."""
    import openpyxl  # imported here: only Excel uploads pay for it

    _check_is_workbook(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise _damaged_xlsx() from error
    try:
        if not workbook.worksheets:
            raise _damaged_xlsx()
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs store a wrong size, which would cut columns off
        if len(workbook.worksheets) > 1:
            notes.append(
                f"Read the first sheet, '{sheet.title}', of {len(workbook.worksheets)} sheets."
            )
        try:
            rows = [
                _trim_trailing_blanks([_cell_text(value) for value in values])
                for values in _bounded(sheet.iter_rows(values_only=True), limits)
            ]
        except DataError:
            raise
        except Exception as error:
            raise _damaged_xlsx() from error
    finally:
        workbook.close()
    if all(is_blank(row) for row in rows):
        raise DataError(
            "The first sheet of the workbook is empty. Put the table on the first sheet, "
            "or pick another file."
        )
    return rows


def _check_is_workbook(data: bytes) -> None:
    """Tell a damaged workbook apart from a ZIP archive or document of another kind."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise _damaged_xlsx() from error
    if "xl/workbook.xml" in names:
        return
    if b"spreadsheet" in mimetype:
        kind = "an OpenDocument spreadsheet (.ods)"
        advice = "Open it and save it as Excel (.xlsx) or CSV, then pick that file."
    elif "word/document.xml" in names:
        kind, advice = "a Word document", "Save the table as CSV or Excel (.xlsx) instead."
    else:
        kind = "a ZIP archive"
        advice = "Unpack it and pick the CSV or Excel (.xlsx) file inside."
    raise DataError(f"The file is {kind}, not an Excel workbook. {advice}")


def _damaged_xlsx() -> DataError:
    return DataError(
        "The Excel file could not be read; it seems damaged or incomplete. Open it in Excel and "
        "save it again as .xlsx, or export the table as CSV."
    )


def _bounded(rows: Iterable[tuple], limits: ReadLimits) -> Iterator[tuple]:
    """Stop early when a sheet has more rows than the limit (header row included)."""
    for count, row in enumerate(rows):
        if count > limits.max_rows:
            raise too_many_rows(limits)
        yield row


def _trim_trailing_blanks(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end] if end else []


def _cell_text(value: object) -> str:
    """Render an Excel cell as the text a CSV export would hold, so both take one path."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)
