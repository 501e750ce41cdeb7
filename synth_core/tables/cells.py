"""One column of raw cells, factorised: its distinct stripped texts, and which mean "missing"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    "\\N",  # MySQL, MariaDB and Hive exports write an empty cell as backslash-N
    # Excel error values: a formula that failed has no value to learn from.
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
)

# Words that mean "no value" in a column of numbers ('unknown' years of schooling); in a column
# of text they are a category like any other. Compared in lower case.
NUMBER_GAP_WORDS: frozenset[str] = frozenset(
    {
        "unknown", "unk", "missing", "n.a.", "n.a", "n/d", "nd", "not available",
        "not applicable", "not known", "no data", "no answer", "refused", "don't know",
        "dont know", "dk", "blank", "empty", "undefined", ".", "..", "*", "—", "–",
        # German, French, Spanish, Italian, Dutch exports
        "unbekannt", "k.a.", "k. a.", "keine angabe", "fehlt", "inconnu", "n.c.", "nc",
        "non renseigné", "desconocido", "sin dato", "s/d", "sconosciuto", "onbekend",
    }
)  # fmt: skip
TWO_LETTER_CODES_MIN = 3  # other codes beside 'NA' before 'NA' is read as one of them
_TWO_LETTERS = re.compile(r"[A-Z]{2}")
# 'none' among words is an answer ('none', 'small', 'big'; no minimum required, a house with no
# veneer); among numbers it is a gap.
NONE_WORDS = ("none", "None", "NONE")
_WORD = re.compile(r"(?![-+]?\d)\S*[^\W\d_]")


@dataclass
class FactorisedColumn:
    """One column, factorised: ``values[codes]`` are the stripped cells of the rows."""

    name: str
    codes: np.ndarray  # per row: index into values
    values: np.ndarray  # distinct cells, stripped (object array of str)
    missing: np.ndarray  # per distinct cell: is it a missing marker?

    def present(self) -> list[str]:
        return self.values[~self.missing].tolist()


def rows_kept(column: FactorisedColumn, keep: np.ndarray) -> FactorisedColumn:
    """``column`` with only the rows ``keep`` (a mask or indices) selects, its distinct values
    pruned to those still used: a value only the dropped rows held (a repeated header's name, a
    totals row's sum) must not make a number column text."""
    used, codes = np.unique(column.codes[keep], return_inverse=True)
    return FactorisedColumn(column.name, codes, column.values[used], column.missing[used])


def factorise(name: str, cells: Sequence[str]) -> FactorisedColumn:
    """Strip cells and spot missing markers, working on distinct values only (fast)."""
    codes, uniques = pd.factorize(np.asarray(cells, dtype=object))
    values = np.empty(len(uniques), dtype=object)
    values[:] = list(map(str.strip, uniques))
    return FactorisedColumn(name, codes, values, missing_markers(values))


def missing_markers(values: np.ndarray) -> np.ndarray:
    """Which of a column's distinct stripped texts mean "missing": the ``MISSING_MARKERS``,
    except 'NA' among codes of two capital letters, where it is Namibia or North America, and
    'none' among words (``NONE_WORDS``)."""
    missing = pd.Index(values, dtype=object).isin(MISSING_MARKERS)
    if "NA" in values:
        others = values[~missing]
        if len(others) >= TWO_LETTER_CODES_MIN and all(map(_TWO_LETTERS.fullmatch, others)):
            missing &= values != "NA"
    nones = pd.Index(values, dtype=object).isin(NONE_WORDS)
    if nones.any() and any(map(_WORD.match, values[~missing])):
        missing &= ~nones
    return missing
