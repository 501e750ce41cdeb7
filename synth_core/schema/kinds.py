"""What a column can hold (``Kind``), and the one home of every group of kinds the engine and
the app treat alike."""

from __future__ import annotations

import enum


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
