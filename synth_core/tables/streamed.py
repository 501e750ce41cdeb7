"""Delimited text read in batches by Arrow's CSV reader, with bounded memory.

The common case (UTF-8 text, a separator found, a header on one line, every row as wide as the
header) is streamed: the file is never held as Python strings, only as codes per cell
(``columnar``). Anything else (another encoding, ragged rows, a quote never closed, a single
column) is not decided here: :func:`stream_columns` returns None and the whole-file reader
(``delimited``) reads the file, with its repairs and its messages.

Nothing here logs or prints cell values: uploaded data is private.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pa_csv

from synth_core.tables.cells import FactorisedColumn
from synth_core.tables.columnar import TEXT_CODES, ColumnBatches
from synth_core.tables.delimited import (
    BOM_NOTE,
    EXCEL_NAME_NOTE,
    SAMPLE_CHARS,
    choose_delimiter,
    looks_binary,
    named_like_workbook,
    note_delimiter,
    notes_only,
    skips_title,
    utf16_without_bom,
)
from synth_core.tables.limits import ReadLimits, too_many_columns
from synth_core.tables.progress import ReadSteps

BLOCK_BYTES = 4 * 1024 * 1024  # Arrow parses this much text at a time
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class StreamedText:
    """The columns of a streamed delimited text, and how it was read."""

    columns: list[FactorisedColumn]
    encoding: str
    delimiter: str


def stream_columns(
    source: pa.NativeFile,
    head: bytes,
    name: str,
    limits: ReadLimits,
    notes: list[str],
    steps: ReadSteps | None = None,
) -> StreamedText | None:
    """Read the text in ``source`` (whose first bytes are ``head``) in batches; None when it is
    not the common case, for the whole-file reader to take. ``notes`` is only added to when the
    text is read here; ``steps`` hears the bytes read after every block."""
    text = _utf8_head(head)
    if text is None or looks_binary(text[:SAMPLE_CHARS]) or notes_only(text):
        return None
    delimiter, lines_to_skip = choose_delimiter(text, name)
    if delimiter is None or skips_title(text, lines_to_skip):
        return None  # a title above the table: the whole-file reader skips it, with a note
    header = _one_line_header(text, delimiter, lines_to_skip)
    if header is None or _may_span(header):
        return None
    if len(header) > limits.max_columns:
        raise too_many_columns(limits, len(header))
    columns = _read_batches(source, header, delimiter, lines_to_skip + 1, limits, steps)
    if columns is None:
        return None
    encoding = "utf-8-sig" if head.startswith(_UTF8_BOM) else "utf-8"
    if encoding == "utf-8-sig":
        notes.append(BOM_NOTE)
    if named_like_workbook(name):
        notes.append(EXCEL_NAME_NOTE)
    note_delimiter(delimiter, notes)
    return StreamedText(columns, encoding, delimiter)


def _utf8_head(head: bytes) -> str | None:
    """The first bytes as UTF-8 text (a character cut at the end forgiven); None when they are
    not UTF-8, or hold a zero byte (UTF-16 and damaged files: the whole-file reader's cases)."""
    if b"\x00" in head or utf16_without_bom(head) is not None:
        return None
    if head.startswith(_UTF8_BOM):
        head = head[len(_UTF8_BOM) :]
    for cut in range(4):
        try:
            return head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


def _one_line_header(text: str, delimiter: str, lines_to_skip: int) -> list[str] | None:
    """The header's names when the header is the first line after the skipped ones and holds
    no line break; None otherwise (blank lines above it, a name spanning lines, a quoted value
    after spaces, which Arrow would read differently)."""
    lines = text.split("\n", lines_to_skip + 1)
    if len(lines) <= lines_to_skip + 1:
        return None  # the header is not a whole line of the head
    if re.search(re.escape(delimiter) + r'[ \t]+"', text):
        return None
    line = lines[lines_to_skip].rstrip("\r")
    if not line.strip() or line.count('"') % 2:
        return None  # a blank line, or a quoted name that goes on to the next line
    return next(csv.reader(io.StringIO(line), delimiter=delimiter))


def _may_span(header: list[str]) -> bool:
    """Whether a name is followed by a column without one: a name over a group of columns, whose
    own names may be on the next line (``rows.joined_header``), which the whole-file reader
    joins."""
    return any(name.strip() and not after.strip() for name, after in itertools.pairwise(header))


def _read_batches(
    source: pa.NativeFile,
    header: list[str],
    delimiter: str,
    skip: int,
    limits: ReadLimits,
    steps: ReadSteps | None,
) -> list[FactorisedColumn] | None:
    """The data rows in batches; None when Arrow cannot parse them as ``len(header)`` columns
    of UTF-8 text, or a value opened in the last row runs to the end of the file.

    Each batch is one block of the text (Arrow cuts blocks at row ends), so the bytes read are
    counted in blocks: the file's position runs ahead, as Arrow reads the next blocks early."""
    keys = [f"f{index}" for index in range(len(header))]
    reader_options = {
        "read_options": pa_csv.ReadOptions(
            column_names=keys, skip_rows=skip, block_size=BLOCK_BYTES
        ),
        "parse_options": pa_csv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=True
        ),
        "convert_options": pa_csv.ConvertOptions(
            column_types=dict.fromkeys(keys, TEXT_CODES),
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    }
    steps = steps or ReadSteps()
    batches = ColumnBatches(header, limits)
    total = source.size()
    try:
        for blocks, batch in enumerate(pa_csv.open_csv(source, **reader_options), start=1):
            batches.add(batch.columns)
            steps.read(blocks * BLOCK_BYTES, total, "bytes")
    except pa.ArrowInvalid:
        return None
    steps.read(total, total, "bytes")
    columns = batches.columns(steps)
    if _last_row_spans_lines(columns):
        return None
    return columns


def _last_row_spans_lines(columns: list[FactorisedColumn]) -> bool:
    """Whether a value of the last row holds a line break: usually a quote never closed, which
    the whole-file reader words for the user."""
    if not len(columns[0].codes):
        return False
    last = [str(column.values[column.codes[-1]]) for column in columns]
    return any("\n" in value or "\r" in value for value in last)
