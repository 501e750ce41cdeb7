"""How a table's own text file was written, so that its synthetic copy is written the same way.

A CSV saved by a spreadsheet in much of Europe separates columns with ';' and writes decimal
commas; a copy written with ',' and decimal points opens there as one column of text. A file
that marks empty cells (R's `NA`, a database dump's `\\N` or `NULL`) gets its copy's empty cells
marked the same way: a database loading `\\N` reads an empty cell as 0 or ''. Files that
were not plain UTF-8 (Windows text, UTF-16, UTF-8 with a byte-order mark) come from software
that reads UTF-8 right only when the file starts with a byte-order mark, so their copy gets one.

``WrittenAs`` gathers what a writer needs: the dialect, and the number styles of the columns
written in a style of their own (money, percentages; ``synth_core.tables.styles``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from synth_core.tables.cells import MISSING_MARKERS
from synth_core.tables.styles import written_in_styles

FILE_DIALECT = "file_dialect"  # key of ``DataFrame.attrs``: ``CsvDialect.to_dict()`` as read
MISSING_MARK = "missing_mark"  # key of ``DataFrame.attrs``: the file's mark of an empty cell
# What a file may mark an empty cell with: a missing marker, but not an Excel error value.
WRITTEN_MISSING = tuple(mark for mark in MISSING_MARKERS if not mark.startswith("#"))
DELIMITERS = (",", ";", "\t", "|")
DECIMALS = (".", ",")
_PLAIN_UTF8 = ("utf-8", None)


@dataclass(frozen=True)
class CsvDialect:
    """Column separator, decimal mark, byte-order mark and mark of an empty cell of a delimited
    text file."""

    delimiter: str = ","
    decimal: str = "."
    bom: bool = False
    missing: str = ""

    def __post_init__(self) -> None:
        if self.delimiter not in DELIMITERS:
            raise ValueError(f"the column separator must be one of {DELIMITERS}")
        if self.decimal not in DECIMALS:
            raise ValueError(f"the decimal mark must be one of {DECIMALS}")
        if not isinstance(self.bom, bool):
            raise ValueError("'bom' must be true or false")
        if self.missing not in WRITTEN_MISSING:
            raise ValueError(f"the mark of an empty cell must be one of {WRITTEN_MISSING}")

    @classmethod
    def read_as(
        cls, delimiter: str | None, decimal: str, encoding: str | None, missing: str = ""
    ) -> CsvDialect:
        """The dialect of a file read with this separator (None: a single column), decimal mark,
        encoding and mark of an empty cell."""
        return cls(delimiter or ",", decimal, encoding not in _PLAIN_UTF8, missing)

    @property
    def encoding(self) -> str:
        """The Python codec that writes text in this dialect."""
        return "utf-8-sig" if self.bom else "utf-8"

    def to_dict(self) -> dict[str, Any]:
        plain = {"delimiter": self.delimiter, "decimal": self.decimal, "bom": self.bom}
        return plain | ({"missing": self.missing} if self.missing else {})

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> CsvDialect:
        """The dialect ``frame`` was read in (the plain one for a frame not read from text)."""
        return cls.from_dict(frame.attrs.get(FILE_DIALECT, {}))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CsvDialect:
        """Read ``to_dict``'s form; ValueError, saying what is wrong, for anything else."""
        if not isinstance(data, Mapping):
            raise ValueError("it must be an object with 'delimiter', 'decimal' and 'bom'")
        unknown = sorted(set(data) - {"delimiter", "decimal", "bom", "missing"})
        if unknown:
            raise ValueError(f"it has unknown settings {unknown}")
        return cls(**data)


@dataclass(frozen=True)
class WrittenAs:
    """How to write a table as its real file was written: its dialect, and {column: pattern}
    of the number columns written in a style of their own."""

    dialect: CsvDialect = CsvDialect()
    number_formats: Mapping[str, str] = field(default_factory=dict)
    # {column: strftime format} of the date columns, written as text in a CSV and as dates
    # shown in that format in a workbook
    date_formats: Mapping[str, str] = field(default_factory=dict)
    # {column: text} of the date columns whose real file wrote "no end date" as a date past
    # any calendar ('12/31/9999'): a missing date of theirs is written so in a CSV
    open_ends: Mapping[str, str] = field(default_factory=dict)

    def styled(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with its styled number columns written as text in their style, and the
        missing dates of columns with an open end written as it."""
        styled = written_in_styles(frame, dict(self.number_formats))
        ends = {name: text for name, text in self.open_ends.items() if name in styled.columns}
        if ends:
            styled = styled.assign(
                **{name: styled[name].astype(object).fillna(text) for name, text in ends.items()}
            )
        return styled


PLAIN = WrittenAs()  # comma-separated UTF-8 with decimal points, numbers as they are
