"""What each column is: kinds with reasons, inference, dates, which treatment a kind allows.

Import the public names from here (``from synth_core.schema import Schema, infer_schema``).
"""

from synth_core.schema.dates import (
    FORMAT_SEPARATOR,
    NS_PER_SECOND,
    datetime_seconds,
    format_datetimes,
    parse_datetimes,
)
from synth_core.schema.decimals import MAX_DECIMALS, decimal_places
from synth_core.schema.infer import infer_schema
from synth_core.schema.kinds import (
    DISCRETE_KINDS,
    MODELLED_KINDS,
    NUMERIC_KINDS,
    PII_TYPES,
    PRIVATE_KINDS,
    Kind,
    texts_among_numbers,
)
from synth_core.schema.model import ColumnInfo, Schema, parse_schema_json
from synth_core.schema.treatments import (
    ALLOWED_TREATMENTS,
    FAKE,
    KEEP,
    NEW_IDS,
    TREATMENT_LABELS,
    TREATMENTS,
    check_treatment,
    treatment_options,
)

__all__ = [
    "ALLOWED_TREATMENTS",
    "DISCRETE_KINDS",
    "FAKE",
    "FORMAT_SEPARATOR",
    "KEEP",
    "MAX_DECIMALS",
    "MODELLED_KINDS",
    "NEW_IDS",
    "NS_PER_SECOND",
    "NUMERIC_KINDS",
    "PII_TYPES",
    "PRIVATE_KINDS",
    "TREATMENTS",
    "TREATMENT_LABELS",
    "ColumnInfo",
    "Kind",
    "Schema",
    "check_treatment",
    "datetime_seconds",
    "decimal_places",
    "format_datetimes",
    "infer_schema",
    "parse_datetimes",
    "parse_schema_json",
    "texts_among_numbers",
    "treatment_options",
]
