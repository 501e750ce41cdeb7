"""What the schema tests share: the fixture files, the date formats inference can produce, and
one-column inference."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from synth_core.schema import ColumnInfo, Schema, infer_schema

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
ADULT = ROOT / "synth_core" / "tables" / "datasets" / "adult.csv.gz"

# Formats the inference can produce (``%-d`` style: numbers without a leading zero).
SUPPORTED_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%-d/%-m/%Y",
    "%-m/%-d/%Y %-H:%M",
    "%-m/%-d/%y",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d-%m-%Y",
    "%d/%m/%y",
    "%-d %b %Y",
    "%d %B %Y",
    "%d-%b-%y",
    "%b %-d, %Y",
    "%B %d, %Y",
    "%m/%d/%Y %I:%M %p",
    "%-m/%-d/%y %-I:%M%p",
]


def infer_one(values, name: str = "column") -> ColumnInfo:
    """Infer a single column given as a list or Series."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    return infer_schema(pd.DataFrame({name: series}))[name]


def schema_json(schema: Schema) -> str:
    """The schema as the JSON text of a schema file (no NaN allowed)."""
    return json.dumps(schema.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
