"""Read a table from CSV, TSV, Excel or Parquet into a clean DataFrame: the one way in.

:func:`read_table` accepts a path, raw bytes (an upload) or a binary file object, unpacks gzip,
refuses what is too large or not a table, and hands it to a reader: delimited text in the
common case is streamed in batches by Arrow (``streamed``), Parquet too (``parquet``); other
text (other encodings, ragged rows, unclosed quotes) is read whole (``delimited``), workbooks
by ``xlsx``. All give factorised columns that become the frame the same way (``frame``), and
tell an optional ``on_progress`` each step they take (``progress``), so that a caller can draw
the progress and stop the read between two steps.
Every problem with the input is reported as a :class:`~synth_core.errors.DataError` whose
message a non-programmer can act on.

Nothing here logs or prints cell values: uploaded data is private.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from synth_core.errors import DataError, SynthError
from synth_core.tables.delimited import read_delimited
from synth_core.tables.dialect import FILE_DIALECT, MISSING_MARK, CsvDialect
from synth_core.tables.frame import build_frame, frame_from_columns
from synth_core.tables.limits import ReadLimits
from synth_core.tables.parquet import read_parquet
from synth_core.tables.progress import OnProgress, ReadSteps
from synth_core.tables.rows import drop_footer, empty_file_error, split_rows
from synth_core.tables.source import Source, TableInput, table_input
from synth_core.tables.streamed import stream_columns
from synth_core.tables.xlsx import read_workbook
from synth_core.wording import human_bytes

_GENERIC_READ_ERROR = (
    "The file could not be read as a table. Save it again as CSV (UTF-8) or Excel (.xlsx) "
    "and try again, or pick another file."
)


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


def read_table(
    source: Source,
    *,
    filename: str | None = None,
    limits: ReadLimits | None = None,
    on_progress: OnProgress | None = None,
) -> ReadResult:
    """Read a CSV, TSV, Excel (.xlsx), Parquet or gzip-compressed table into a clean frame.

    ``source`` is a path, the file's bytes, or a binary file object; ``filename`` (optional) is
    the original name of an upload, used for hints such as ``.tsv`` and in messages; ``limits``
    default to the settings (``ReadLimits.from_settings``).

    The returned frame has string column names (stripped, no BOM) and a fresh RangeIndex. Text
    cells are stripped; the values in :data:`MISSING_MARKERS` become NaN (but 'NA' among
    two-letter codes and 'none' among words: ``cells.missing_markers``). A column whose present
    values are all numbers is ``int64`` (all integers, nothing missing) or ``float64``; the
    decimal and thousands separators are detected from the data. Everything else, including
    dates, codes with leading zeros and true/false words, stays text: ``object`` holding ``str``
    and NaN. Rows in which every cell is missing are skipped.

    ``on_progress`` (optional) hears a :class:`~synth_core.tables.progress.ReadProgress` after
    every block of text, batch of Parquet rows, few tens of thousands of workbook cells and
    column made: the bytes or rows read, then the columns made. To stop the read, raise from
    it: the read ends between two steps with that exception (``Stopped``, a ``SynthError``,
    passes as it is) and no table.

    Raises:
        DataError: the input is missing, empty, too small or too large, not a table, or
            malformed. The message says what is wrong and what to do.
    """
    limits = limits or ReadLimits.from_settings()
    if not isinstance(source, (str, os.PathLike, bytes, bytearray, memoryview)) and not hasattr(
        source, "read"
    ):
        raise TypeError(f"read_table() cannot read from a {type(source).__name__}")
    try:
        with _gc_paused():
            return _read_table(source, filename, limits, ReadSteps(on_progress))
    except SynthError:  # a DataError, or a Stopped raised by on_progress
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
    scan them all again, which makes reading several times slower. Process-wide, but it only
    delays collection and is restored at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_table(
    source: Source, filename: str | None, limits: ReadLimits, steps: ReadSteps
) -> ReadResult:
    table = table_input(source, filename, limits)
    head = table.head()
    notes: list[str] = []
    if head.startswith(b"\x1f\x8b"):
        data, name = _gunzip(table.whole(), table.name, limits)
        notes.append("Unpacked the gzip-compressed (.gz) file.")
        table = TableInput(name, data=data)
        head = table.head()
    if not head or (head.isspace() and table.whole().isspace()):
        raise empty_file_error()
    _reject_known_binary(head)
    if head.startswith(b"PAR1"):
        with table.arrow() as source:
            columns = read_parquet(source, limits, steps)
        frame, _, _ = frame_from_columns(columns, limits, notes, detect_numbers=False, steps=steps)
        return ReadResult(frame, ReadInfo("parquet", None, None, ".", None, tuple(notes)))
    if head.startswith(b"PK\x03\x04"):
        return _from_workbook(table.whole(), limits, notes, steps)
    streamed = None
    if not table.holds_zero_byte():
        with table.arrow() as source:
            streamed = stream_columns(source, head, table.name, limits, notes, steps)
    if streamed is None:
        return _from_text(table.whole(), table.name, limits, notes, steps)
    frame, decimal, thousands = frame_from_columns(
        streamed.columns, limits, notes, detect_numbers=True, steps=steps
    )
    file_format = "tsv" if streamed.delimiter == "\t" else "csv"
    notes_made = tuple(notes)
    info = ReadInfo(
        file_format, streamed.encoding, streamed.delimiter, decimal, thousands, notes_made
    )
    return _text_result(frame, info)


def _from_text(
    data: bytes, name: str, limits: ReadLimits, notes: list[str], steps: ReadSteps
) -> ReadResult:
    parsed = read_delimited(data, name, notes, steps)
    header, columns = split_rows(parsed.rows, limits, "Line", parsed.line_of, steps, notes)
    frame, decimal, thousands = build_frame(
        header, columns, limits, notes, detect_numbers=True, steps=steps
    )
    info = ReadInfo(
        format="tsv" if parsed.delimiter == "\t" else "csv",
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        decimal=decimal,
        thousands=thousands,
        notes=tuple(notes),
    )
    return _text_result(frame, info)


def _text_result(frame: pd.DataFrame, info: ReadInfo) -> ReadResult:
    """The result of reading a delimited text, its dialect kept with the frame for writers (as
    plain data: pandas and Streamlit copy and serialise a frame's attrs)."""
    missing = frame.attrs.pop(MISSING_MARK, "")
    dialect = CsvDialect.read_as(info.delimiter, info.decimal, info.encoding, missing)
    frame.attrs[FILE_DIALECT] = dialect.to_dict()
    return ReadResult(frame, info)


def _from_workbook(
    data: bytes, limits: ReadLimits, notes: list[str], steps: ReadSteps
) -> ReadResult:
    rows = read_workbook(data, limits, notes, steps)
    drop_footer(rows, notes)
    header, columns = split_rows(
        rows, limits, "Row", lambda index: index + 1, steps, notes, cells_can_shift=False
    )
    frame, _, _ = build_frame(header, columns, limits, notes, detect_numbers=False, steps=steps)
    frame.attrs.pop(MISSING_MARK, None)  # a sheet's empty cells are empty in any copy
    info = ReadInfo("xlsx", None, None, ".", None, tuple(notes))
    return ReadResult(frame, info)


def _gunzip(data: bytes, name: str, limits: ReadLimits) -> tuple[bytes, str]:
    """Decompress gzip data, refusing anything that unpacks beyond ``limits.max_bytes``."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
            unpacked = packed.read(limits.max_bytes + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(
            "The compressed (.gz) file is damaged or incomplete. Download or export it again, "
            "or pick the uncompressed file."
        ) from error
    if len(unpacked) > limits.max_bytes:
        raise DataError(
            f"Unpacked, the file is larger than the limit of {human_bytes(limits.max_bytes)}. "
            "Use a smaller sample of its rows, or split it into parts."
        )
    return unpacked, name[:-3] if name.lower().endswith(".gz") else name


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook or a password-protected file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a file compressed twice"),
)


# Text formats that are not tables of rows, by how they start (after spaces and a BOM).
_TEXT_SIGNATURES: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb"\{\s*(\"|\})|\[\s*[\[{\"]"), "JSON data"),
    (re.compile(rb"<\?xml", re.IGNORECASE), "an XML document"),
    (re.compile(rb"<!doctype html|<html", re.IGNORECASE), "a web page (HTML)"),
)


def _reject_known_binary(data: bytes) -> None:
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    kinds = [kind for magic, kind in _SIGNATURES if data.startswith(magic)]
    kinds += [kind for pattern, kind in _TEXT_SIGNATURES if pattern.match(start)]
    if kinds:
        raise DataError(
            f"The file is {kinds[0]}, which cannot be read here. Save the table as CSV or "
            "Excel (.xlsx) and pick that file."
        )
