"""What a column can hold (``Kind``), and the one home of every group of kinds the engine and
the app treat alike."""

from __future__ import annotations

import enum

import pandas as pd


class Kind(enum.StrEnum):
    """What a column holds."""

    NUMERICAL = "numerical"  # continuous numbers
    INTEGER = "integer"  # whole numbers
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    IDENTIFIER = "identifier"
    TEXT = "text"  # free text
    PII = "pii"  # names, emails, phone numbers, street addresses, national IDs
    CONSTANT = "constant"
    EMPTY = "empty"


#: Kinds a model can learn; columns of the other kinds are left out by default.
MODELLED_KINDS = frozenset(
    {Kind.NUMERICAL, Kind.INTEGER, Kind.CATEGORICAL, Kind.BOOLEAN, Kind.DATETIME}
)
#: Kinds learned and compared as numbers (dates as seconds since 1970).
NUMERIC_KINDS = frozenset({Kind.NUMERICAL, Kind.INTEGER, Kind.DATETIME})
#: Kinds learned as a set of values: categories and yes/no columns.
DISCRETE_KINDS = frozenset({Kind.CATEGORICAL, Kind.BOOLEAN})
#: Kinds whose real values must never reach the synthetic table: identifiers and personal data.
PRIVATE_KINDS = frozenset({Kind.IDENTIFIER, Kind.PII})
#: What a personal-data column holds (``ColumnInfo.pii_type``); 'free_text' is accepted but
#: never inferred.
PII_TYPES = ("email", "phone", "name", "address", "national_id", "free_text")


def texts_among_numbers(series: pd.Series, limit: int = 3) -> list[str]:
    """Up to ``limit`` different values of ``series`` that are not numbers (what keeps it from
    being read as numbers or whole numbers); [] when every value is one, or missing."""
    numbers = pd.to_numeric(series, errors="coerce")
    texts = series[numbers.isna() & series.notna()]
    return [str(value) for value in pd.unique(texts)[:limit]]
