"""Read a table from CSV, TSV or Excel into a clean DataFrame, and write tables back out safely.

Reading (:func:`read_table`) accepts a path, raw bytes (an upload) or a binary file object, detects
the format, text encoding, column separator and number style from the data, and returns a frame
that follows one contract (see :func:`read_table`). Every problem with the input is reported as a
:class:`~synth_core.errors.DataError` whose message a non-programmer can act on.

Writing (:func:`to_csv_bytes`, :func:`write_csv`, :func:`to_xlsx_bytes`) neutralises text that a
spreadsheet would run as a formula (CSV/formula injection).

Nothing here logs or prints cell values: uploaded data is private.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import gzip
import io as _io
import math
import os
import re
import typing
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from synth_core.errors import DataError

__all__ = [
    "FORMULA_PREFIXES",
    "MIN_ROWS",
    "MISSING_MARKERS",
    "ReadInfo",
    "ReadLimits",
    "ReadResult",
    "neutralise_formulas",
    "read_table",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "write_csv",
]

MIN_ROWS = 20

MISSING_MARKERS: tuple[str, ...] = (
    "",
    "NA",
    "na",
    "N/A",
    "n/a",
    "N/a",
    "#N/A",
    "null",
    "NULL",
    "Null",
    "NaN",
    "nan",
    "NAN",
    "None",
    "none",
    "NONE",
    "?",
    "-",
    "--",
    # Excel error values: a formula that failed has no value to learn from.
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
)
_MARKER_SET = frozenset(MISSING_MARKERS)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_GENERIC_READ_ERROR = (
    "The file could not be read as a table. Save it again as CSV (UTF-8) or Excel (.xlsx) "
    "and try again, or pick another file."
)
_CSV_LINE_END = "\r\n"  # RFC 4180; also makes the writer quote a lone "\r" inside a value
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}
_SAMPLE_CHARS = 65_536
_SAMPLE_ROWS = 200
_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class ReadLimits:
    """Bounds that protect the app from inputs that are too large, or too small to learn from."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 500
    min_rows: int = MIN_ROWS


@dataclass(frozen=True)
class ReadInfo:
    """How a table was read, with plain-word remarks worth showing to the user."""

    format: str
    encoding: str | None
    delimiter: str | None
    decimal: str
    thousands: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ReadResult:
    """A cleaned table and how it was read."""

    frame: pd.DataFrame
    info: ReadInfo


Source = str | os.PathLike | bytes | bytearray | memoryview | typing.BinaryIO


# --------------------------------------------------------------------------------------------
# Reading: entry point
# --------------------------------------------------------------------------------------------


def read_table(
    source: Source,
    *,
    filename: str | None = None,
    limits: ReadLimits | None = None,
) -> ReadResult:
    """Read a CSV, TSV, Excel (.xlsx) or gzip-compressed table into a clean frame.

    ``source`` is a path, the file's bytes, or a binary file object; ``filename`` (optional) is
    the original name of an upload, used for hints such as ``.tsv`` and in messages.

    The returned frame has string column names (stripped, no BOM) and a fresh RangeIndex. Text
    cells are stripped; the values in :data:`MISSING_MARKERS` become NaN. A column whose present
    values are all numbers is ``int64`` (all integers, nothing missing) or ``float64``; the
    decimal and thousands separators are detected from the data. Everything else, including
    dates, codes with leading zeros and true/false words, stays text: ``object`` holding ``str``
    and NaN. Rows in which every cell is missing are skipped.

    Raises:
        DataError: the input is missing, empty, too small or too large, not a table, or
            malformed. The message says what is wrong and what to do.
    """
    limits = limits or ReadLimits()
    if not isinstance(source, (str, os.PathLike, bytes, bytearray, memoryview)) and not hasattr(
        source, "read"
    ):
        raise TypeError(f"read_table() cannot read from a {type(source).__name__}")
    try:
        with _gc_paused():
            return _read_table(source, filename, limits)
    except DataError:
        raise
    except MemoryError as error:
        raise DataError(
            "The table is too large to fit in memory. Use a smaller sample of its rows, "
            "or remove columns you do not need."
        ) from error
    except Exception as error:
        raise DataError(_GENERIC_READ_ERROR) from error


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cell strings and row lists are made.

    Those objects hold no cycles, yet each allocation burst triggers full collections that
    scan them all again: reading runs about three times faster without. Process-wide, but it
    only delays collection and is restored at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_table(source: Source, filename: str | None, limits: ReadLimits) -> ReadResult:
    data, name = _load_bytes(source, filename, limits)
    notes: list[str] = []
    if data.startswith(b"\x1f\x8b"):
        data, name = _gunzip(data, name, limits)
        notes.append("Unpacked the gzip-compressed (.gz) file.")
    if not data or data.isspace():
        raise _empty_error()
    _reject_known_binary(data)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, limits, notes)
    return _read_text(data, name, limits, notes)


def _load_bytes(source: Source, filename: str | None, limits: ReadLimits) -> tuple[bytes, str]:
    """Return the raw bytes of ``source`` and the best name known for it (may be '')."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        shown = _shorten(str(path))
        try:
            exists = path.exists()
        except (OSError, ValueError):  # a name too long, or with a NUL character
            exists = False
        if not exists:
            raise DataError(
                f"The file '{shown}' was not found. Check the name and the folder, "
                "or pick another file."
            )
        if not path.is_file():
            raise DataError(f"'{shown}' is a folder, not a file. Pick a table file inside it.")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_many_bytes(limits, size)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataError(
                f"The file '{shown}' could not be opened ({error.strerror or 'access denied'}). "
                "Check that it is not open in another program and that you may read it."
            ) from error
        return data, filename or path.name
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = source.read(limits.max_bytes + 1)
        if isinstance(data, str):  # a text-mode file object; be forgiving
            data = data.encode("utf-8")
        filename = filename or os.path.basename(str(getattr(source, "name", "") or ""))
    if len(data) > limits.max_bytes:
        raise _too_many_bytes(limits, len(data))
    return data, filename or ""


def _gunzip(data: bytes, name: str, limits: ReadLimits) -> tuple[bytes, str]:
    """Decompress gzip data, refusing anything that unpacks beyond ``limits.max_bytes``."""
    try:
        with gzip.GzipFile(fileobj=_io.BytesIO(data)) as packed:
            unpacked = packed.read(limits.max_bytes + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(
            "The compressed (.gz) file is damaged or incomplete. Download or export it again, "
            "or pick the uncompressed file."
        ) from error
    if len(unpacked) > limits.max_bytes:
        raise DataError(
            f"Unpacked, the file is larger than the limit of {_human_bytes(limits.max_bytes)}. "
            "Use a smaller sample of its rows, or split it into parts."
        )
    return unpacked, name[:-3] if name.lower().endswith(".gz") else name


def _empty_error() -> DataError:
    return DataError(
        "The file is empty. Export the table again with its header and rows, or pick another file."
    )


def _too_many_bytes(limits: ReadLimits, size: int) -> DataError:
    return DataError(
        f"The file is larger than the limit of {_human_bytes(limits.max_bytes)} "
        f"(it has at least {_human_bytes(size)}). Use a smaller sample of its rows, "
        "or split it into parts."
    )


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook or a password-protected file"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a file compressed twice"),
)


def _reject_known_binary(data: bytes) -> None:
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            raise DataError(
                f"The file is {kind}, which cannot be read here. Save the table as CSV or "
                "Excel (.xlsx) and pick that file."
            )


def _not_text_error() -> DataError:
    return DataError(
        "The file does not look like a table: it contains binary data, as images, PDFs and "
        "program files do. Save the table as CSV or Excel (.xlsx) and pick that file."
    )


# --------------------------------------------------------------------------------------------
# Reading: text (CSV / TSV)
# --------------------------------------------------------------------------------------------


def _read_text(data: bytes, name: str, limits: ReadLimits, notes: list[str]) -> ReadResult:
    text, encoding = _decode(data, notes)
    if _looks_binary(text[:_SAMPLE_CHARS]):
        raise _not_text_error()
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        notes.append("The file is named like an Excel workbook but holds plain text; read as CSV.")

    lines_to_skip = 0
    hinted = re.match(r"sep=(.)\r?\n", text[:8])  # Excel's "sep=;" first line
    if hinted and hinted.group(1) in _DELIMITERS:
        delimiter: str | None = hinted.group(1)
        lines_to_skip = 1
    else:
        delimiter = _detect_delimiter(text, prefer_tab=name.lower().endswith((".tsv", ".tab")))
    if delimiter is None:
        notes.append("Found a single column.")
    elif delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[delimiter]}.")

    split_on = delimiter or _unused_character(text)
    rows = _parse_csv(text, split_on)[lines_to_skip:]

    def line_of(index: int) -> int:
        return _row_start_line(text, split_on, index + lines_to_skip)

    header, columns = _split_rows(rows, limits, "Line", line_of)
    frame, decimal, thousands = _build_frame(header, columns, limits, notes, detect_numbers=True)
    info = ReadInfo(
        format="tsv" if delimiter == "\t" else "csv",
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        thousands=thousands,
        notes=tuple(notes),
    )
    return ReadResult(frame, info)


def _decode(data: bytes, notes: list[str]) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (BOM), else Windows text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise _not_text_error() from error
        notes.append("Read as UTF-16 text.")
        return text, "utf-16"
    if b"\x00" in data[:_SAMPLE_CHARS]:
        raise _not_text_error()
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data[3:]
        else:
            notes.append("Read as UTF-8 text with a byte-order mark (BOM), which was removed.")
            return text, "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: almost always an export from Windows software in Western Europe or America.
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
        label = "Windows (cp1252)"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
        label = "Latin-1 (ISO-8859-1)"
    notes.append(
        f"Read as {label} text, because the file is not UTF-8. If some letters look wrong, "
        "save the file as CSV UTF-8 and try again."
    )
    return text, encoding


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _looks_binary(sample: str) -> bool:
    """True when control characters make up more than 1% of a decoded sample."""
    return len(_CONTROL_CHARS.findall(sample)) > max(1, len(sample) // 100)


def _detect_delimiter(text: str, *, prefer_tab: bool) -> str | None:
    """Pick the separator that splits the first rows into a steady number of columns.

    The header and up to ``_SAMPLE_ROWS`` rows are parsed with each candidate (quotes
    respected). A candidate qualifies when it splits the header into two or more names and at
    least half the rows have that many fields. Returns None for a single-column file.
    """
    sample = text[:_SAMPLE_CHARS]
    truncated = len(text) > len(sample)
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for rank, delimiter in enumerate(_DELIMITERS):
        rows = [row for row in _sample_rows(sample, delimiter) if not _is_blank(row)]
        if truncated and len(rows) > 1:
            rows.pop()  # the sample may end in the middle of a row
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:]
        steady = sum(1 for row in body if _fits(row, width))
        share = steady / len(body) if body else 1.0
        if share < 0.5:
            continue
        if prefer_tab and delimiter == "\t":
            return "\t"
        score = (share, width, -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def _sample_rows(sample: str, delimiter: str) -> list[list[str]]:
    reader = _csv_reader(sample, delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > _SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # judged on the rows read so far; the full parse reports the problem
    return rows


def _fits(row: list[str], width: int) -> bool:
    return len(row) == width or (len(row) > width and _is_blank(row[width:]))


def _unused_character(text: str) -> str:
    """A separator for a one-column file: a character the text does not contain."""
    return next(c for c in "\x1f\x1e\x1d\x1c\x01\x02\x03" if c not in text)


def _csv_reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _parse_csv(text: str, delimiter: str) -> list[list[str]]:
    """All rows of the text, quotes and embedded newlines respected."""
    try:
        rows = list(_csv_reader(text, delimiter))
    except csv.Error as error:
        raise _unclosed_quote(_row_start_line(text, delimiter, None)) from error
    # The csv module silently ends a value whose quote is never closed at the end of the file.
    # A last value spanning lines plus an odd number of quote marks in the file gives it away.
    if rows and any("\n" in cell or "\r" in cell for cell in rows[-1]) and text.count('"') % 2:
        raise _unclosed_quote(_row_start_line(text, delimiter, len(rows) - 1))
    return rows


def _row_start_line(text: str, delimiter: str, index: int | None) -> int:
    """The line on which row ``index`` starts (None: the row that fails to parse).

    Only called to word an error, so it parses the text again rather than slowing every read.
    """
    reader = _csv_reader(text, delimiter)
    start, row_index = 1, 0
    with contextlib.suppress(StopIteration, csv.Error):
        while True:
            next(reader)
            if row_index == index:
                break
            start, row_index = reader.line_num + 1, row_index + 1
    return start


def _unclosed_quote(line: int) -> DataError:
    return DataError(
        f'A value starting on line {line} could not be read: a quote mark (") is never closed, '
        "or the value is extremely long. Check the quotes from that line on, or export the file "
        "again."
    )


def _is_blank(row: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _split_rows(
    rows: list[list[str]], limits: ReadLimits, unit: str, line_of: Callable[[int], int]
) -> tuple[list[str], list[tuple]]:
    """Split rows into the header and per-column tuples of raw cells, enforcing the limits.

    Leading blank rows are skipped. Rows shorter than the header are padded with empty cells;
    empty fields past the header's width (a trailing separator) are dropped; any other extra
    field is an error naming the ``unit`` ("Line"/"Row") given by ``line_of(row index)``.
    """
    first = next((i for i, row in enumerate(rows) if not _is_blank(row)), None)
    if first is None:
        raise _empty_error()
    header, width = rows[first], len(rows[first])
    if width > limits.max_columns:
        raise DataError(
            f"The table has {width:,} columns; the limit is {limits.max_columns:,}. "
            "Remove the columns you do not need, then try again."
        )
    body = rows[first + 1 :]
    sizes = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    odd = np.flatnonzero(sizes != width)
    blank_lines = False
    for index in odd:  # rare rows only; the common case never loops in Python
        row = body[index]
        if not row:
            blank_lines = True
        elif len(row) < width:
            body[index] = row + [""] * (width - len(row))
        elif _is_blank(row[width:]):
            body[index] = row[:width]
        else:
            raise DataError(
                f"{unit} {line_of(first + 1 + int(index))} has {len(row)} values, but the header "
                f"names only {width} columns. Usually a value contains the separator without "
                "quotes around it. Put quotes around such values, or export the file again."
            )
    if blank_lines:
        body = [row for row in body if row]
    if len(body) > limits.max_rows:
        body = [row for row in body if not _is_blank(row)]  # rows of spaces are not rows either
        if len(body) > limits.max_rows:
            raise _too_many_rows(limits)
    columns = list(zip(*body, strict=True)) if body else [() for _ in header]
    return header, columns


def _too_many_rows(limits: ReadLimits) -> DataError:
    return DataError(
        f"The table has more than {limits.max_rows:,} rows, the limit. Use a sample of "
        "fewer rows, or split the file into parts."
    )


# --------------------------------------------------------------------------------------------
# Reading: Excel
# --------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, limits: ReadLimits, notes: list[str]) -> ReadResult:
    import openpyxl  # imported here: only Excel uploads pay for it

    _check_is_workbook(data)
    try:
        workbook = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
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
    if all(_is_blank(row) for row in rows):
        raise DataError(
            "The first sheet of the workbook is empty. Put the table on the first sheet, "
            "or pick another file."
        )
    header, columns = _split_rows(rows, limits, "Row", lambda index: index + 1)
    frame, _, _ = _build_frame(header, columns, limits, notes, detect_numbers=False)
    info = ReadInfo("xlsx", None, None, ".", None, tuple(notes))
    return ReadResult(frame, info)


def _check_is_workbook(data: bytes) -> None:
    """Tell a damaged workbook apart from a ZIP archive or document of another kind."""
    try:
        with zipfile.ZipFile(_io.BytesIO(data)) as archive:
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
            raise _too_many_rows(limits)
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


# --------------------------------------------------------------------------------------------
# Reading: from raw cells to the frame contract
# --------------------------------------------------------------------------------------------


@dataclass
class _Column:
    """One column, factorised: ``values[codes]`` are the stripped cells of the rows."""

    name: str
    codes: np.ndarray  # per row: index into values
    values: np.ndarray  # distinct cells, stripped (object array of str)
    missing: np.ndarray  # per distinct cell: is it a missing marker?

    def present(self) -> list[str]:
        return self.values[~self.missing].tolist()


def _build_frame(
    header: list[str],
    raw_columns: list[tuple],
    limits: ReadLimits,
    notes: list[str],
    *,
    detect_numbers: bool,
) -> tuple[pd.DataFrame, str, str | None]:
    columns = [_factorise(name, cells) for name, cells in zip(header, raw_columns, strict=True)]
    _drop_empty_rows(columns, notes)
    rows = len(columns[0].codes)
    if rows == 0:
        raise DataError(
            "The file has a header row but no rows of data under it. Export the table again "
            "with its data, or pick another file."
        )
    if rows < limits.min_rows:
        raise DataError(
            f"The table has only {rows} row{'s' if rows != 1 else ''} of data; at least "
            f"{limits.min_rows} are needed to learn from it. Add more rows, or pick a larger table."
        )
    columns = _settle_names(columns, notes)

    decimal, thousands = ".", None
    if detect_numbers:
        decimal, thousands = _detect_number_style(columns)
        if decimal == ",":
            notes.append("Numbers use a decimal comma (3,5 means 3.5).")
        if thousands is not None:
            shown = "spaces" if thousands.isspace() else f"'{thousands}'"
            notes.append(f"Thousands are separated by {shown} (1{thousands}234 means 1234).")
    parser = _NumberParser(decimal, thousands)
    frame = pd.DataFrame({column.name: parser.convert(column) for column in columns})
    return frame, decimal, thousands


def _factorise(name: str, cells: tuple) -> _Column:
    """Strip cells and spot missing markers, working on distinct values only (fast)."""
    codes, uniques = pd.factorize(np.asarray(cells, dtype=object))
    values = np.empty(len(uniques), dtype=object)
    values[:] = list(map(str.strip, uniques))
    missing = pd.Index(values, dtype=object).isin(MISSING_MARKERS)
    return _Column(name, codes, values, missing)


def _drop_empty_rows(columns: list[_Column], notes: list[str]) -> None:
    empty = np.logical_and.reduce([column.missing[column.codes] for column in columns])
    dropped = int(empty.sum())
    if dropped:
        keep = ~empty
        for column in columns:
            column.codes = column.codes[keep]
        notes.append(f"Skipped {dropped:,} empty row{'s' if dropped != 1 else ''}.")


def _settle_names(columns: list[_Column], notes: list[str]) -> list[_Column]:
    """Clean the names, drop nameless empty columns, name the others, refuse duplicates."""
    kept: list[_Column] = []
    dropped = 0
    invented: list[str] = []
    for position, column in enumerate(columns, start=1):
        column.name = column.name.replace("\ufeff", "").strip()
        if not column.name:
            if column.missing.all():
                dropped += 1
                continue
            column.name = f"Column {position}"
            invented.append(column.name)
        kept.append(column)
    if dropped:
        notes.append(f"Ignored {dropped} empty column{'s' if dropped != 1 else ''} without a name.")
    if invented:
        notes.append("Named the columns that had no name: " + ", ".join(invented) + ".")
    counts = Counter(column.name for column in kept)
    duplicates = [name for name, count in counts.items() if count > 1]
    if duplicates:
        shown = ", ".join(f"'{_shorten(name, 40)}'" for name in duplicates[:10])
        raise DataError(
            f"Some columns share a name: {shown}. Rename them so that every column name is "
            "unique, then try again."
        )
    return kept


# Numbers are recognised a whole column at a time: its distinct values joined by newlines and
# matched by one regular expression, far faster than a Python call per value.


def _joined(values: list[str]) -> str | None:
    """The values joined by newlines; None when a value holds a newline (never a number)."""
    joined = "\n".join(values)
    return joined if joined.count("\n") == len(values) - 1 else None


def _each_line(pattern: str) -> re.Pattern:
    """A pattern that fully matches newline-joined values when every value matches."""
    return re.compile(rf"(?:{pattern})(?:\n(?:{pattern}))*", re.ASCII)


def _every_line(pattern: str) -> re.Pattern:
    """A pattern whose findall() returns the newline-joined values that match."""
    return re.compile(rf"^(?:{pattern})$", re.ASCII | re.MULTILINE)


# Thousands groups must start with 1-9 so that "0.123" is never read as 123.
_COMMA_DECIMAL_EVIDENCE = _every_line(
    r"[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,})|0,\d+|[1-9]\d{0,2}(?:\.\d{3}){2,})"
)
_DOT_DECIMAL_EVIDENCE = _every_line(
    r"[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+\.\d+|\d*\.(?:\d{1,2}|\d{4,})|0\.\d+|[1-9]\d{0,2}(?:,\d{3}){2,})"
)
_NUMBERISH = _each_line(r"[+-]?[.,' \xa0\u202f]*\d[\d.,' \xa0\u202f]*(?:[eE][+-]?\d+)?")
_EVIDENCE_SAMPLE = 5_000  # distinct values per column: plenty to judge a style, and fast
_PLAIN_INTEGERS = _each_line(r"[+-]?\d+")
_INTEGER_CHARACTERS = re.compile(r"[0-9+\-\n]*", re.ASCII)
_LEADING_ZERO = re.compile(r"^[+-]?0\d", re.ASCII | re.MULTILINE)
_THOUSANDS_CANDIDATES = (".", ",", " ", "\xa0", "\u202f", "'")


def _detect_number_style(columns: list[_Column]) -> tuple[str, str | None]:
    """Decide the file's decimal and thousands separators from number-like columns.

    Only columns whose present values all look like numbers vote, so text such as "3,5 kg" or
    a list "1,2" in a text column cannot flip the decision. Unambiguous forms vote: "3,5",
    "0,25", "1.234,56", "1.234.567" for a decimal comma; their mirror images for a decimal point.
    "1.234" alone is ambiguous and does not vote. A tie means a decimal point.
    """
    texts = []
    for column in columns:
        joined = _joined(column.present()[:_EVIDENCE_SAMPLE])
        if joined and _NUMBERISH.fullmatch(joined) and not _PLAIN_INTEGERS.fullmatch(joined):
            texts.append(joined)
    comma = sum(len(_COMMA_DECIMAL_EVIDENCE.findall(text)) for text in texts)
    dot = sum(len(_DOT_DECIMAL_EVIDENCE.findall(text)) for text in texts)
    decimal = "," if comma > dot else "."
    best, best_count = None, 0
    for separator in _THOUSANDS_CANDIDATES:
        if separator == decimal:
            continue
        sep, point = re.escape(separator), re.escape(decimal)
        grouped = _every_line(rf"[+-]?[1-9]\d{{0,2}}(?:{sep}\d{{3}})+(?:{point}\d+)?")
        count = sum(len(grouped.findall(text)) for text in texts)
        if count > best_count:
            best, best_count = separator, count
    return decimal, best


class _NumberParser:
    """Turns a factorised column into a numeric or text array under one number style."""

    def __init__(self, decimal: str, thousands: str | None) -> None:
        self.decimal = decimal
        self.thousands = thousands
        whole = r"\d+"
        if thousands is not None:
            whole = rf"(?:[1-9]\d{{0,2}}(?:{re.escape(thousands)}\d{{3}})+|\d+)"
        point = re.escape(decimal)
        self.numbers = _each_line(rf"[+-]?(?:{whole}(?:{point}\d*)?|{point}\d+)(?:[eE][+-]?\d+)?")
        self.characters = re.compile(rf"[0-9+\-eE\n{point}]*", re.ASCII)

    def convert(self, column: _Column) -> np.ndarray:
        """Return the column's cells as int64, float64, or object (str and NaN)."""
        present = ~column.missing
        if not present.any():
            return np.full(len(column.codes), np.nan)  # nothing to go on: float64, like pandas
        numbers = self._parse(column.present())
        if numbers is not None:
            any_missing = bool(column.missing[column.codes].any())
            if numbers.dtype == np.int64 and not any_missing:
                full = np.zeros(len(column.values), dtype=np.int64)
                full[present] = numbers
                return full.take(column.codes)
            if numbers.dtype != np.int64 or np.abs(numbers).max() <= 2**53:
                full = np.full(len(column.values), np.nan)
                full[present] = numbers
                return full.take(column.codes)
            # else: float64 would silently change these integers; keep them as text
        text = column.values.copy()
        text[column.missing] = np.nan
        return text.take(column.codes)

    def _parse(self, present: list[str]) -> np.ndarray | None:
        """int64 or float64 values for ``present``, or None if they are not all numbers."""
        joined = _joined(present)
        if joined is None:
            return None
        if self.thousands is not None and self.thousands in joined:
            if not self.numbers.fullmatch(joined):
                return None
            joined = joined.replace(self.thousands, "")
        elif not self.characters.fullmatch(joined):
            # Only digits, signs, "e" and the decimal separator from here on, so float() and
            # int() below are exactly as strict as self.numbers, and much faster.
            return None
        if _LEADING_ZERO.search(joined):
            return None  # codes such as ZIP "01234": keep the zero
        if self.decimal != ".":
            joined = joined.replace(self.decimal, ".")
        strings = np.array(joined.split("\n"), dtype=object)
        try:
            if _INTEGER_CHARACTERS.fullmatch(joined):
                return strings.astype(np.int64)
            floats = strings.astype(np.float64)
        except ValueError:
            return None  # e.g. "1-2" or "e5"
        except OverflowError:
            return None  # longer than any int64: an identifier, keep it as text
        return floats if np.isfinite(floats).all() else None  # not e.g. "1e999"


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


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
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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
    except AttributeError:
        return column  # an object column without any text
    risky = risky.fillna(False).astype(bool)
    if not risky.any():
        return column
    column = column.copy()
    column[risky] = "'" + column[risky]
    return column


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as formula-safe UTF-8 CSV (comma-separated, header row, no index)."""
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator=_CSV_LINE_END)
    return text.encode("utf-8")


def write_csv(
    frame_or_chunks: pd.DataFrame | Iterable[pd.DataFrame], path: str | os.PathLike
) -> int:
    """Write one frame or a stream of frames to ``path`` as formula-safe UTF-8 CSV.

    Chunks must share the same columns; the header is written once. The file appears only when
    complete (written beside it, then renamed). Returns the number of data rows written.
    """
    chunks = [frame_or_chunks] if isinstance(frame_or_chunks, pd.DataFrame) else frame_or_chunks
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    written = 0
    columns: list | None = None
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                first = columns is None
                if first:
                    columns = list(chunk.columns)
                elif list(chunk.columns) != columns:
                    raise ValueError("every chunk passed to write_csv() needs the same columns")
                safe = neutralise_formulas(chunk)
                safe.to_csv(handle, index=False, header=first, lineterminator=_CSV_LINE_END)
                written += len(chunk)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def to_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as an .xlsx workbook (one sheet named "Data"), header in the first row.

    Text is stored as text cells, never as formulas, and is formula-neutralised so that a CSV
    later saved from Excel stays safe. Numbers stay numbers; missing values and infinities become
    empty cells; characters that Excel cannot store (control characters) are removed.
    """
    import openpyxl

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
    for row in zip(*columns, strict=True):
        sheet.append(row)
    buffer = _io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _ExcelText:
    """Turns a string into something openpyxl stores as a text cell, whatever it looks like."""

    def __init__(self, sheet: typing.Any) -> None:
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        self.sheet = sheet
        self.error_codes = frozenset(ERROR_CODES)
        self.illegal = ILLEGAL_CHARACTERS_RE

    def __call__(self, value: str) -> object:
        if self.illegal.search(value):
            value = self.illegal.sub("", value)  # openpyxl refuses them; Excel cannot hold them
        # openpyxl makes "=..." a formula and "#N/A" etc. an error value: force text for those.
        # (Only these are wrapped: a plain str is much faster to write and is stored as text.)
        if value.startswith("=") or value in self.error_codes:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self.sheet, value=value)
            cell.data_type = "s"
            return cell
        return value


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


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _human_bytes(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
