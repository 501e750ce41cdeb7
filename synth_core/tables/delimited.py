"""Delimited text (CSV, TSV) into rows: the encoding, binary data, the separator, quotes.

Nothing here logs or prints cell values: uploaded data is private.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from synth_core.errors import DataError
from synth_core.tables.dialect import DELIMITERS
from synth_core.tables.progress import ReadSteps
from synth_core.tables.rows import (
    drop_footer,
    is_blank,
    is_note,
    title_note,
    title_rows,
)

_DELIMITER_NAMES = {",": "commas", ";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}
SAMPLE_CHARS = 65_536
_SAMPLE_ROWS = 200
_CELLS_PER_STEP = 300_000  # rows are parsed, and the bytes read told, this many cells at a time
BOM_NOTE = "Read as UTF-8 text with a byte-order mark (BOM), which was removed."
_LONE_RETURN = re.compile(r"\r(?!\n)")
EXCEL_NAME_NOTE = "The file is named like an Excel workbook but holds plain text; read as CSV."


@dataclass(frozen=True)
class DelimitedRows:
    """The rows of a delimited text, and how the text was read."""

    rows: list[list[str]]
    encoding: str
    delimiter: str | None  # None: a single column
    text: str
    split_on: str
    skipped_lines: int  # before the rows: Excel's "sep=;" line

    def line_of(self, index: int) -> int:
        """The line on which row ``index`` starts; only called to word an error."""
        return _row_start_line(self.text, self.split_on, index + self.skipped_lines)


def read_delimited(
    data: bytes, name: str, notes: list[str], steps: ReadSteps | None = None
) -> DelimitedRows:
    """Decode ``data`` and parse it into rows, adding remarks worth showing to ``notes``.

    ``name`` is the file's name (may be ''), for hints such as ``.tsv``; ``steps`` hears the
    bytes parsed every few hundred thousand cells.
    """
    text, encoding = _decode(data, notes)
    text, marker = _mark_lone_returns(text)
    if looks_binary(text[:SAMPLE_CHARS]):
        raise not_text_error()
    if named_like_workbook(name):
        notes.append(EXCEL_NAME_NOTE)
    if notes_only(text):
        raise DataError(
            "Every line of the file starts with '#', as notes do: there is no table in it. "
            "Pick the file that holds the table, or remove the '#' from its lines."
        )
    delimiter, lines_to_skip = choose_delimiter(text, name)
    note_delimiter(delimiter, notes)
    split_on = delimiter or _unused_character(text)
    steps = steps or ReadSteps()

    def parsed(chars: int) -> None:
        steps.read(len(data) * chars // max(len(text), 1), len(data), "bytes")

    every = _parse_csv(text, split_on, parsed)
    if marker:
        every = [[cell.replace(marker, "\r") for cell in row] for row in every]
    if delimiter:
        drop_footer(every, notes)
    found = DelimitedRows(every[lines_to_skip:], encoding, delimiter, text, split_on, lines_to_skip)
    if skips_title(text, lines_to_skip):
        notes.append(title_note("Line", found.line_of(0), every[:lines_to_skip]))
    return found


def notes_only(text: str) -> bool:
    """Whether every filled line of ``text`` (a whole file of at most ``SAMPLE_CHARS``) starts
    with '#', as notes do."""
    filled = [line for line in text[: SAMPLE_CHARS + 1].splitlines() if line.strip()]
    return bool(filled) and len(text) <= SAMPLE_CHARS and all(map(is_note, filled))


def _mark_lone_returns(text: str) -> tuple[str, str | None]:
    """``text`` with each carriage return that is not part of a line break replaced by a
    character it lacks, and that character (None when there are none).

    In a file whose lines end with line feeds (most of its breaks), a lone carriage return is
    part of a value (``pandas.to_csv`` writes one inside a text without quoting it); the csv
    module would end the row there, and the rest of the value would shift into the next
    columns."""
    lone = len(_LONE_RETURN.findall(text))
    if not lone or lone >= text.count("\n"):  # none, or the lines end with carriage returns
        return text, None
    marker = next(chr(c) for c in range(0xE000, 0xF8FF) if chr(c) not in text)
    return _LONE_RETURN.sub(marker, text), marker


def skips_title(text: str, lines_to_skip: int) -> bool:
    """Whether the rows ``choose_delimiter`` skips are a title above the table (rather than
    Excel's "sep=;" line)."""
    return bool(lines_to_skip) and _excel_hint(text) is None


def _excel_hint(text: str) -> str | None:
    """The separator Excel's "sep=;" first line names, if the text starts with one."""
    hinted = re.match(r"sep=(.)\r?\n", text[:8])
    return hinted.group(1) if hinted and hinted.group(1) in DELIMITERS else None


def named_like_workbook(name: str) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm", ".xls"))


def note_delimiter(delimiter: str | None, notes: list[str]) -> None:
    """Add the remark on an unusual separator (or a single column) to ``notes``."""
    if delimiter is None:
        notes.append("Found a single column.")
    elif delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[delimiter]}.")


def choose_delimiter(text: str, name: str) -> tuple[str | None, int]:
    """The separator (None: a single column) and how many rows before the header to skip:
    Excel's "sep=;" line, or a title and notes above the table (``rows.title_rows``)."""
    hinted = _excel_hint(text)
    if hinted is not None:
        return hinted, 1
    return _detect_delimiter(text, prefer_tab=name.lower().endswith((".tsv", ".tab")))


def not_text_error() -> DataError:
    return DataError(
        "The file does not look like a table: it contains binary data, as images, PDFs and "
        "program files do. Save the table as CSV or Excel (.xlsx) and pick that file."
    )


def _decode(data: bytes, notes: list[str]) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (BOM), else Windows text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise not_text_error() from error
        notes.append("Read as UTF-16 text.")
        return text, "utf-16"
    unmarked = utf16_without_bom(data[:SAMPLE_CHARS])
    if unmarked is not None:
        try:
            text = data.decode(unmarked)
        except UnicodeDecodeError as error:
            raise not_text_error() from error
        notes.append("Read as UTF-16 text (the file has no byte-order mark).")
        return text, unmarked
    if b"\x00" in data[:SAMPLE_CHARS]:
        raise not_text_error()
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DataError(
            f"The file holds a zero byte (NUL) at byte {nul:,}, which a text table never does: "
            "part of it is damaged or not text. Export the table again as CSV, or pick another "
            "file."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data[3:]
        else:
            notes.append(BOM_NOTE)
            return text, "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: an export from Windows software, mostly of Western Europe or America; Excel in
    # Japan and China saves CSV in its own code page, told apart by the letters it decodes to.
    east_asian = _east_asian_text(data)
    if east_asian is not None:
        text, encoding, label = east_asian
    else:
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


_EAST_ASIAN = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]")
EAST_ASIAN_MIN_CHARS = 20  # letters beyond ASCII needed before a code page is judged by them
EAST_ASIAN_MIN_SHARE = 0.95  # of those letters, in the code page's scripts
# An ideograph between two Latin letters: an accented letter of Western text read as one.
_INSIDE_LATIN_WORD = re.compile(
    r"(?<=[A-Za-z])[\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff](?=[A-Za-z])"
)
INSIDE_LATIN_MAX_SHARE = 0.2


def _east_asian_text(data: bytes) -> tuple[str, str, str] | None:
    """``data`` decoded as Japanese (Shift-JIS, cp932) or Chinese (GBK) Windows text when its
    start decodes cleanly and nearly every letter beyond ASCII is one of that language's, in
    runs as such text is written; else None. Western text read so fails to decode, or turns
    each accented letter into one ideograph between Latin letters ('Müller' as 'M黮ler')."""
    # Japanese first: Chinese text read as Japanese turns into half-width katakana, which are
    # not counted among the letters, while Japanese read as Chinese turns into rare ideographs.
    for codec, label in (
        ("cp932", "Japanese Windows (Shift-JIS)"),
        ("gbk", "Chinese Windows (GBK)"),
    ):
        try:
            sample = codecs.getincrementaldecoder(codec)().decode(data[:SAMPLE_CHARS])
        except UnicodeDecodeError:
            continue
        beyond = sum(1 for char in sample if ord(char) > 127)
        if beyond < EAST_ASIAN_MIN_CHARS:
            continue
        if len(_EAST_ASIAN.findall(sample)) < EAST_ASIAN_MIN_SHARE * beyond:
            continue
        if len(_INSIDE_LATIN_WORD.findall(sample)) > INSIDE_LATIN_MAX_SHARE * beyond:
            continue
        try:
            return data.decode(codec), codec, label
        except UnicodeDecodeError:
            continue
    return None


def utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``sample`` reads as UTF-16 text without a byte-order
    mark (Western text: every other byte zero, on the same side), else None."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even, odd = sample[0 : 2 * pairs : 2], sample[1 : 2 * pairs : 2]
    for zeros, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * pairs and others.count(0) <= 0.01 * pairs:
            return codec
    return None


# Tab, line feed, carriage return and form feed are left out as layout; SUB (0x1a) because an
# encoding conversion writes it for every character it could not map. Binary files mostly hold
# zero bytes or a known signature, both refused earlier: this catches the rest.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f-\x9f]")
BINARY_CONTROL_SHARE = 0.05


def looks_binary(sample: str) -> bool:
    """True when control characters other than layout and SUB make up more than
    ``BINARY_CONTROL_SHARE`` of a decoded sample."""
    limit = max(1, int(len(sample) * BINARY_CONTROL_SHARE))
    return len(_CONTROL_CHARS.findall(sample)) > limit


def _detect_delimiter(text: str, *, prefer_tab: bool) -> tuple[str | None, int]:
    """Pick the separator that splits the first rows into a steady number of columns, and the
    rows of a title above them.

    The header and up to ``_SAMPLE_ROWS`` rows are parsed with each candidate (quotes
    respected). A candidate qualifies when it splits the header into two or more names and at
    least half the rows have that many fields. Returns None for a single-column file.
    """
    sample = text[:SAMPLE_CHARS]
    truncated = len(text) > len(sample)
    best: tuple[float, int, int, int] | None = None
    chosen: tuple[str | None, int] = (None, 0)
    for rank, delimiter in enumerate(DELIMITERS):
        parsed = _sample_rows(sample, delimiter)
        titles = title_rows(parsed)
        rows = [row for row in parsed[titles:] if not is_blank(row)]
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
            return "\t", titles
        score = (share, -titles, width, -rank)  # a separator that needs no title skipped first
        if best is None or score > best:
            best, chosen = score, (delimiter, titles)
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
    return len(row) == width or (len(row) > width and is_blank(row[width:]))


def _unused_character(text: str) -> str:
    """A separator for a one-column file: a character the text does not contain."""
    return next(c for c in "\x1f\x1e\x1d\x1c\x01\x02\x03" if c not in text)


def _csv_reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _parse_csv(
    text: str, delimiter: str, parsed: Callable[[int], None] | None = None
) -> list[list[str]]:
    """All rows of the text, quotes and embedded newlines respected; ``parsed`` hears the
    characters parsed so far after every step of rows."""
    first_line = text[: text.find("\n")]
    rows_per_step = max(1, _CELLS_PER_STEP // (first_line.count(delimiter) + 1))
    buffer = io.StringIO(text, newline="")
    reader = csv.reader(buffer, delimiter=delimiter, skipinitialspace=True)
    rows: list[list[str]] = []
    try:
        while step := list(islice(reader, rows_per_step)):
            rows.extend(step)
            if parsed is not None:
                parsed(buffer.tell())
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
