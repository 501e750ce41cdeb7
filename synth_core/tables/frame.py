"""From a header and columns of raw cells to the frame contract (see ``read_table``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from synth_core.errors import DataError
from synth_core.tables.cells import NUMBER_GAP_WORDS, FactorisedColumn, factorise, rows_kept
from synth_core.tables.dialect import MISSING_MARK, WRITTEN_MISSING
from synth_core.tables.limits import ReadLimits
from synth_core.tables.numbers import NumberParser, detect_number_style, formatted_numbers
from synth_core.tables.progress import ReadSteps
from synth_core.tables.styles import NUMBER_STYLES, NumberStyle, style_of
from synth_core.tables.totals import without_totals_row
from synth_core.wording import shorten

_MOST_BLOCKS = 100
_NUMBER_NAME = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_YEAR_NAME = re.compile(r"1[89]\d\d|20\d\d")
# Decimals that all of a column's values show, trailing zeros included, are its format ('12.50',
# '3.810000'); beyond FIXED_PLACES_MAX places, only when FIXED_PLACES_PROOF values show them.
FIXED_PLACES_MAX = 4
FIXED_PLACES_PROOF = 20


def build_frame(
    header: list[str],
    raw_columns: list[Sequence[str]],
    limits: ReadLimits,
    notes: list[str],
    *,
    detect_numbers: bool,
    steps: ReadSteps | None = None,
) -> tuple[pd.DataFrame, str, str | None]:
    """The clean frame, with the decimal and thousands separators its numbers were read with.

    Without ``detect_numbers`` (Excel cells, whose numbers need no guessing) numbers are read
    with a decimal point and no thousands separator. ``steps`` hears each column made.
    ``raw_columns`` is emptied column by column as each is coded (its cells let go).
    """
    steps = steps or ReadSteps()
    steps.start_columns(len(header))
    columns = []
    for index, (name, cells) in enumerate(zip(header, raw_columns, strict=True)):
        columns.append(factorise(name, cells))
        raw_columns[index] = ()
        steps.column_done()
    return frame_from_columns(columns, limits, notes, detect_numbers=detect_numbers, steps=steps)


def frame_from_columns(
    columns: list[FactorisedColumn],
    limits: ReadLimits,
    notes: list[str],
    *,
    detect_numbers: bool,
    steps: ReadSteps | None = None,
) -> tuple[pd.DataFrame, str, str | None]:
    """``build_frame`` for columns already factorised (a reader that streams its rows)."""
    steps = steps or ReadSteps()
    _drop_empty_rows(columns, notes)
    _drop_header_repeats(columns, notes)
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
    decimal, thousands = _number_style(columns, notes) if detect_numbers else (".", None)
    parser = NumberParser(decimal, thousands)
    columns = without_totals_row(columns, lambda column: _numbers(parser, column), notes)
    styles: dict[str, str] = {}
    arrays = {}
    for column in columns:
        arrays[column.name] = _convert(parser, column, notes, styles)
        steps.column_done()
    # Each array becomes its own block, uncopied: merging them into one block per type copies
    # every cell twice. A wide table is merged all the same, as pandas warns about inserting
    # columns into a frame of more than 100 blocks.
    frame = pd.DataFrame(arrays, copy=len(arrays) > _MOST_BLOCKS)
    frame.attrs[NUMBER_STYLES] = styles
    frame.attrs[MISSING_MARK] = _missing_mark(columns)
    steps.end_columns()
    return frame, decimal, thousands


def _missing_mark(columns: list[FactorisedColumn]) -> str:
    """The mark most of the file's empty cells are written with ('' for nothing, 'NA', ...)."""
    marks: dict[str, int] = {}
    for column in columns:
        counts = np.bincount(column.codes, minlength=len(column.values))
        for value, count in zip(column.values[column.missing], counts[column.missing], strict=True):
            marks[value] = marks.get(value, 0) + int(count)
    found = max(marks, key=marks.get, default="")
    return found if found in WRITTEN_MISSING else ""


def _numbers(parser: NumberParser, column: FactorisedColumn) -> np.ndarray:
    """The column's cells as numbers (money and percentages too) or, failing that, text."""
    values = parser.convert(column)
    found = formatted_numbers(column) if values.dtype == object else None
    return values if found is None else found[0]


def _convert(
    parser: NumberParser, column: FactorisedColumn, notes: list[str], styles: dict[str, str]
) -> np.ndarray:
    """The column's cells: numbers, or money and percentages read as numbers (noted, their
    style kept in ``styles``), or text."""
    values = parser.convert(column)
    if values.dtype != object:
        if pattern := _plain_number_style(parser, column):
            styles[column.name] = pattern
        return values
    gaps = _number_gaps(parser, column)
    if gaps is not None:
        values, words = gaps
        if pattern := _plain_number_style(parser, column):  # of the cells that hold numbers
            styles[column.name] = pattern
        said = [f"'{shorten(word, 20)}'" for word in words]
        said = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
        notes.append(
            f"Read '{shorten(column.name, 40)}' as numbers; the cells that say {said} have no "
            "number, so they count as empty."
        )
        return values
    found = formatted_numbers(column)
    if found is None:
        return values
    numbers, styles[column.name] = found
    example = shorten(column.present()[0], 20)
    notes.append(
        f"Read '{shorten(column.name, 40)}' as numbers, written like '{example}' (the synthetic "
        "table writes them the same way)."
    )
    return numbers


def _plain_number_style(parser: NumberParser, column: FactorisedColumn) -> str | None:
    """How a column of plain numbers is written, when a number written plainly would look
    different: grouped thousands, fixed decimals, scientific notation or Excel's General. The
    values as written are read once, for every style."""
    bodies, decimals = _places_shown(parser, column)
    for style in (_grouped_style, _fixed_places_style, _scientific_style, _general_style):
        if pattern := style(parser, bodies, decimals):
            return pattern
    return None


def _general_style(parser: NumberParser, bodies: pd.Series, decimals: pd.Series) -> str | None:
    """Excel's General for a column that mixes whole numbers, written without decimals ('80', as
    Excel, R and databases write them), and numbers with decimals ('0.512'); None otherwise
    (pandas writes a whole float '80.0', and a synthetic copy of its file does too)."""
    if not (decimals.str.len() > 0).any():
        return None  # whole numbers alone: a column of integers
    numbers = pd.to_numeric(bodies.str.replace(parser.decimal, ".", regex=False), errors="coerce")
    whole = numbers.notna() & (numbers % 1 == 0)
    plain = ~bodies.str.contains(re.escape(parser.decimal), regex=True)
    general = NumberStyle(decimal=parser.decimal, general=True).pattern
    return general if whole.any() and (plain[whole]).all() else None


def _scientific_style(parser: NumberParser, bodies: pd.Series, decimals: pd.Series) -> str | None:
    """The pattern of a column whose every number is written in scientific notation with the
    same number of decimals ('8.198567e-01': an instrument's export), so that the synthetic
    table writes them alike instead of '0.003739023877724989'; None otherwise."""
    point = re.escape(parser.decimal)
    found = bodies.str.extract(rf"^\d(?:{point}(\d+))?([eE])[-+]\d+$")
    if len(found) == 0 or found[1].isna().any() or found[1].nunique() > 1:
        return None
    places = found[0].fillna("").str.len()
    if places.nunique() > 1:
        return None
    return NumberStyle(
        decimal=parser.decimal, decimals=int(places.iloc[0]), exponent=found[1].iloc[0]
    ).pattern


def _grouped_style(parser: NumberParser, bodies: pd.Series, decimals: pd.Series) -> str | None:
    """The pattern of a column of plain numbers written with thousands separators ('1,069'),
    so that the synthetic table groups them too; None when no value shows one, or when the
    values show different numbers of decimals."""
    if parser.thousands is None:
        return None
    if not bodies.str.contains(re.escape(parser.thousands), regex=True).any():
        return None
    if decimals.str.len().nunique() > 1:
        return None  # a pattern writes one number of decimals: these would lose some
    return style_of("", "", bodies, parser.decimal, parser.thousands)


def _fixed_places_style(parser: NumberParser, bodies: pd.Series, decimals: pd.Series) -> str | None:
    """The pattern of a column of plain numbers that all show the same decimals (see
    ``FIXED_PLACES_MAX``), trailing zeros included ('12.00', '16.50': prices), so that the
    synthetic table writes '12.50', not '12.5'; None otherwise (and where no value ends in a
    zero, which a plain number writes the same)."""
    places = decimals.str.len()
    if len(places) == 0 or places.nunique() > 1 or places.iloc[0] < 1:
        return None
    if places.iloc[0] > FIXED_PLACES_MAX and len(places) < FIXED_PLACES_PROOF:
        return None  # a few measurements of many places can all show the same count by chance
    if not decimals.str.endswith("0").any():
        return None
    return NumberStyle(decimal=parser.decimal, decimals=int(places.iloc[0])).pattern


def _places_shown(parser: NumberParser, column: FactorisedColumn) -> tuple[pd.Series, pd.Series]:
    """The column's present numbers as written, without their sign, and the decimals each shows
    ('' for none)."""
    bodies = pd.Series(column.present(), dtype=object).str.lstrip("+-")
    return bodies, bodies.str.extract(rf"{re.escape(parser.decimal)}(\d*)$")[0].fillna("")


def _number_gaps(
    parser: NumberParser, column: FactorisedColumn
) -> tuple[np.ndarray, list[str]] | None:
    """The column as numbers when its only other cells are words for "no value"
    (``NUMBER_GAP_WORDS``), with those words; None otherwise. The column's missing cells then
    include them."""
    words = pd.Index(column.values, dtype=object).str.lower().isin(NUMBER_GAP_WORDS)
    gaps = np.asarray(words, dtype=bool) & ~column.missing
    if not gaps.any() or gaps.sum() == (~column.missing).sum():
        return None
    trial = FactorisedColumn(column.name, column.codes, column.values, column.missing | gaps)
    values = parser.convert(trial)
    if values.dtype == object:
        return None
    column.missing = trial.missing
    words = {str(word).lower(): str(word) for word in sorted(column.values[gaps])}
    return values, sorted(words.values(), key=str.lower)


def _number_style(columns: list[FactorisedColumn], notes: list[str]) -> tuple[str, str | None]:
    """The file's decimal and thousands separators, noted when not the plain ones."""
    decimal, thousands = detect_number_style(columns)
    if decimal == ",":
        notes.append("Numbers use a decimal comma (3,5 means 3.5).")
    if thousands is not None:
        shown = "spaces" if thousands.isspace() else f"'{thousands}'"
        notes.append(f"Thousands are separated by {shown} (1{thousands}234 means 1234).")
    return decimal, thousands


def _drop_empty_rows(columns: list[FactorisedColumn], notes: list[str]) -> None:
    empty = np.logical_and.reduce([column.missing[column.codes] for column in columns])
    dropped = int(empty.sum())
    if dropped:
        keep = ~empty
        for column in columns:
            column.codes = column.codes[keep]
        notes.append(f"Skipped {dropped:,} empty row{'s' if dropped != 1 else ''}.")


def _drop_header_repeats(columns: list[FactorisedColumn], notes: list[str]) -> None:
    """Leave out rows that repeat the column names, as where two exports were pasted into one
    file: read as data, one such row makes its number columns text."""
    named = [column for column in columns if _clean_name(column.name)]
    if len(named) < 2:
        return  # a value of a one-column table may be its name
    repeats = np.ones(len(columns[0].codes), dtype=bool)
    for column in named:
        where = np.flatnonzero(column.values == _clean_name(column.name))  # distinct: one
        if len(where) == 0:
            return
        repeats &= column.codes == where[0]
    count = int(repeats.sum())
    if count:
        columns[:] = [rows_kept(column, ~repeats) for column in columns]
        rows = "a row that repeats" if count == 1 else f"{count:,} rows that repeat"
        notes.append(
            f"Left out {rows} the column names, as where two exports were joined into one file."
        )


def _clean_name(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def _values_as_names(names: list[str]) -> str | None:
    """A remark when half the column names or more are numbers (years and a numbering 0, 1, 2
    ... aside): the file most likely has no header row, and its first row of data became the
    names."""
    numbers = [n for n in names if _NUMBER_NAME.fullmatch(n) and not _YEAR_NAME.fullmatch(n)]
    if not numbers or 2 * len(numbers) < len(names):
        return None
    if numbers == names and names == [str(i + int(names[0])) for i in range(len(names))]:
        return None  # numbered columns, as a table saved without names writes them
    shown = ", ".join(f"'{name}'" for name in numbers[:3])
    return (
        f"Read the first row as the column names, but {shown} look like values: if the file "
        "has no header row, add one with the column names and read it again."
    )


def _settle_names(columns: list[FactorisedColumn], notes: list[str]) -> list[FactorisedColumn]:
    """Clean the names, drop nameless empty columns, name the others, refuse duplicates."""
    kept: list[FactorisedColumn] = []
    dropped = 0
    invented: list[str] = []
    for position, column in enumerate(columns, start=1):
        column.name = _clean_name(column.name)
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
    if note := _values_as_names([column.name for column in kept]):
        notes.append(note)
    counts = Counter(column.name for column in kept)
    duplicates = [name for name, count in counts.items() if count > 1]
    if duplicates:
        shown = ", ".join(f"'{shorten(name, 40)}'" for name in duplicates[:10])
        raise DataError(
            f"Some columns share a name: {shown}. Rename them so that every column name is "
            "unique, then try again."
        )
    return kept
