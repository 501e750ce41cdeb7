"""Excel workbooks (.xlsx) into rows: a sheet's cells as the text a CSV would hold.

A hostile workbook (a few megabytes that unpack to millions of cells) is refused before it is
parsed when a part unpacks to far more than any real workbook of its size, or more than a table
within the limits needs; the sheet is then streamed (openpyxl's read-only mode) and the limits
are enforced row by row: a row wider than the column limit, or one row past the row limit,
stops the read at once.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from synth_core.errors import DataError
from synth_core.tables.limits import ReadLimits, too_many_columns, too_many_rows
from synth_core.tables.progress import ReadSteps
from synth_core.tables.rows import is_blank
from synth_core.wording import counted, human_bytes


def read_workbook(
    data: bytes, limits: ReadLimits, notes: list[str], steps: ReadSteps | None = None
) -> list[list[str]]:
    """The rows of the workbook's table, adding remarks worth showing to ``notes``: the first
    sheet with rows enough for a table (a cover or notes sheet before it is passed over), else
    the sheet with the most rows. ``steps`` hears the rows read every few tens of thousands of
    cells (their total is not known before the end)."""
    import openpyxl  # imported here: only Excel uploads pay for it

    _check_packing(_check_is_workbook(data), limits)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise _damaged_xlsx() from error
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _damaged_xlsx()
        passed: list[tuple[str, int]] = []  # sheets too small for a table: (title, rows)
        best: tuple[int, str, list[list[str]]] | None = None
        for sheet in sheets:
            rows = _sheet_rows(sheet, limits, steps)
            filled = sum(not is_blank(row) for row in rows)
            if best is None or filled > best[0]:
                best = (filled, sheet.title, rows)
            if filled > limits.min_rows:  # the column names and enough rows under them
                break
            passed.append((sheet.title, filled))
    finally:
        workbook.close()
    filled, title, rows = best
    if filled == 0:
        raise DataError(
            "Every sheet of the workbook is empty. Save the table in it, or pick another file."
        )
    names = [name for name, _ in passed]  # too small, in order: those before the one read
    before = passed[: names.index(title)] if title in names else passed
    _note_sheet(notes, title, len(sheets), before)
    return rows


def _sheet_rows(sheet, limits: ReadLimits, steps: ReadSteps | None) -> list[list[str]]:
    sheet.reset_dimensions()  # some programs store a wrong size, which would cut columns off
    try:
        return [
            _trim_trailing_blanks([_cell_text(value) for value in values])
            for values in _bounded(sheet.iter_rows(values_only=True), limits, steps)
        ]
    except DataError:
        raise
    except Exception as error:
        raise _damaged_xlsx() from error


def _note_sheet(notes: list[str], title: str, sheets: int, passed: list[tuple[str, int]]) -> None:
    if sheets == 1:
        return
    if not passed:
        notes.append(f"Read the first sheet, '{title}', of {sheets} sheets.")
        return
    skipped = "; ".join(f"'{name}': {counted(rows, 'filled row')}" for name, rows in passed)
    notes.append(
        f"Read the sheet '{title}' of {sheets} sheets: the sheets before it hold too few rows "
        f"for a table ({skipped})."
    )


def _check_is_workbook(data: bytes) -> list[zipfile.ZipInfo]:
    """The workbook's parts; a damaged workbook told apart from a ZIP archive or document of
    another kind."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            names = {part.filename for part in parts}
            mimetype = _mimetype(archive) if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise _damaged_xlsx() from error
    if "xl/workbook.xml" in names:
        return parts
    if names >= MODEL_FILE_PARTS:
        raise DataError(
            "The file is a Synth Studio model file, not a table. Pick the CSV or Excel (.xlsx) "
            "file of your table. A model file makes more rows with the command line: "
            "python -m synth_core sample MODEL.synth --rows N --out rows.csv"
        )
    if b"spreadsheet" in mimetype:
        kind = "an OpenDocument spreadsheet (.ods)"
        advice = "Open it and save it as Excel (.xlsx) or CSV, then pick that file."
    elif "word/document.xml" in names:
        kind, advice = "a Word document", "Save the table as CSV or Excel (.xlsx) instead."
    else:
        kind = "a ZIP archive"
        advice = "Unpack it and pick the CSV or Excel (.xlsx) file inside."
    raise DataError(f"The file is {kind}, not an Excel workbook. {advice}")


#: What a Synth Studio model file holds (``synth_core.modelfile.MEMBERS``), picked as a table.
MODEL_FILE_PARTS = frozenset({"model.json", "tensors.safetensors"})


def _mimetype(archive: zipfile.ZipFile) -> bytes:
    with archive.open("mimetype") as stream:
        return stream.read(100)


#: A real workbook's parts pack about ten to one (Excel and LibreOffice write each cell's
#: address); a part over 1 MiB packed a hundred times tighter is built to overload a reader.
MAX_PACKING = 100
PACKING_CHECKED_FROM = 1024**2
#: A sheet's XML takes several times the bytes of the same table as CSV.
XML_PER_CSV_BYTE = 8


def _check_packing(parts: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """Refuse, before anything is parsed, a workbook that unpacks to more than any real one."""
    for part in parts:
        packed = max(part.compress_size, 1)
        if part.file_size > XML_PER_CSV_BYTE * limits.max_bytes:
            raise DataError(
                f"Unpacked, the workbook is larger than the limit ({human_bytes(part.file_size)} "
                "in one part). Use a smaller sample of its rows, or split it into parts."
            )
        if part.file_size > PACKING_CHECKED_FROM and part.file_size / packed > MAX_PACKING:
            raise DataError(
                f"The workbook unpacks to {human_bytes(part.file_size)}, far more than any real "
                "workbook of its size, so it was not read. Save the table as CSV or as a new "
                "Excel workbook, then try again."
            )


def _damaged_xlsx() -> DataError:
    return DataError(
        "The file is packed as an Excel workbook (a ZIP archive) but could not be read; it seems "
        "damaged or incomplete. Open it in Excel and save it again as .xlsx, or export the table "
        "as CSV."
    )


#: Rows read are told every this many cells.
CELLS_PER_STEP = 30_000


def _bounded(
    rows: Iterable[tuple], limits: ReadLimits, steps: ReadSteps | None = None
) -> Iterator[tuple]:
    """The rows, stopped at the first one wider than the column limit or past the row limit
    (header row included), and told to ``steps`` every :data:`CELLS_PER_STEP` cells."""
    steps = steps or ReadSteps()
    count, cells = 0, 0
    for count, row in enumerate(rows, start=1):
        if count > limits.max_rows + 1:
            raise too_many_rows(limits)
        if len(row) > limits.max_columns:
            width = len(_trim_trailing_blanks([_cell_text(value) for value in row]))
            if width > limits.max_columns:
                raise too_many_columns(limits, width)
        yield row
        cells += len(row)
        if cells >= CELLS_PER_STEP:
            steps.read(count, None, "rows")
            cells = 0
    steps.read(count, count, "rows")


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
