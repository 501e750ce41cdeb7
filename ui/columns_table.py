"""The Columns page's table: a schema shown as editable rows, and edits turned back into changes.

Only translation and wording live here; every rule about what a column may be comes from
``synth_core.schema`` (``Schema.with_changes``).
"""

from __future__ import annotations

import pandas as pd

from synth_core.errors import SchemaError
from synth_core.schema import (
    MODELLED_KINDS,
    PRIVATE_KINDS,
    TREATMENT_LABELS,
    ColumnInfo,
    Kind,
    Schema,
    texts_among_numbers,
    treatment_options,
)
from synth_core.schema.messages import quoted_list
from synth_core.tables.split import DEFAULT_FRACTION
from synth_core.training.estimate import estimate_model, training_seconds
from synth_core.training.presets import DEFAULT_PRESET, PRESETS, preset_config
from synth_core.training.rows import rows_learned
from synth_core.wording import duration, human_bytes

INCLUDE = "Include"
COLUMN = "Column"
KIND = "Kind"
WHY = "Why"
MISSING = "Missing (%)"
DISTINCT = "Distinct"
EDITABLE = (INCLUDE, KIND)
READ_ONLY = (COLUMN, WHY, MISSING, DISTINCT)

#: Plain words for each kind, shown in the Kind selectbox.
KIND_LABELS: dict[str, str] = {
    Kind.NUMERICAL.value: "numbers",
    Kind.INTEGER.value: "whole numbers",
    Kind.CATEGORICAL.value: "categories",
    Kind.BOOLEAN.value: "yes / no",
    Kind.DATETIME.value: "dates",
    Kind.IDENTIFIER.value: "identifier",
    Kind.TEXT.value: "free text",
    Kind.PII.value: "personal data",
    Kind.CONSTANT.value: "same value everywhere",
    Kind.EMPTY.value: "empty",
}
KIND_OPTIONS: tuple[str, ...] = tuple(kind.value for kind in Kind)

MANY_CATEGORIES = 100  # more distinct values than this: hard to learn well
MOSTLY_MISSING = 0.5  # more missing than this: little to learn from


def kind_label(value: str) -> str:
    return KIND_LABELS.get(value, value)


def editor_frame(schema: Schema) -> pd.DataFrame:
    """One row per column of the table, in the editor's column order."""
    columns = schema.columns
    return pd.DataFrame(
        {
            INCLUDE: [column.include for column in columns],
            COLUMN: [column.name for column in columns],
            KIND: [column.kind.value for column in columns],
            WHY: [column.reason for column in columns],
            MISSING: [round(column.missing * 100, 1) for column in columns],
            DISTINCT: [column.distinct for column in columns],
        }
    )


def apply_edits(
    schema: Schema, edited: pd.DataFrame, frame: pd.DataFrame | None = None
) -> tuple[Schema, str | None]:
    """Apply the rows of ``edited`` that differ from ``schema``, one column at a time.

    Returns the new schema and None, or the unchanged ``schema`` and the message of the first
    change that is not allowed (nothing is applied then): also, with the table's ``frame``, a
    kind its values cannot have (text as numbers).
    """
    new = schema
    for position, column in enumerate(schema.columns):
        row = edited.iloc[position]
        kind = row[KIND]
        include = row[INCLUDE]
        changes: dict[str, object] = {}
        if isinstance(kind, str) and kind and kind != column.kind.value:
            if frame is not None and (problem := _kind_problem(frame, column.name, kind)):
                return schema, problem
            changes["kind"] = kind
        if not pd.isna(include) and bool(include) != column.include:
            changes["include"] = bool(include)
        if not changes:
            continue
        try:
            new = new.with_changes(column.name, **changes)
        except SchemaError as error:
            return schema, str(error)
    return new, None


def _kind_problem(frame: pd.DataFrame, name: str, kind: str) -> str | None:
    """Why the column cannot have ``kind``, in the Kind menu's words; None when it can."""
    if kind not in (Kind.NUMERICAL.value, Kind.INTEGER.value) or name not in frame.columns:
        return None
    texts = texts_among_numbers(frame[name])
    if not texts:
        return None
    return (
        f"'{name}' holds text ({quoted_list(texts)}), so it cannot be {kind_label(kind)}. "
        f"Choose {kind_label(Kind.CATEGORICAL.value)}, or leave it out."
    )


def shows_schema(edited: pd.DataFrame, schema: Schema) -> bool:
    """True when the editable cells the person sees match ``schema`` exactly."""
    expected = editor_frame(schema)
    return all(
        edited[name].astype(object).tolist() == expected[name].astype(object).tolist()
        for name in EDITABLE
    )


def learned_summary(schema: Schema) -> str:
    total = len(schema.columns)
    plural = "s" if total != 1 else ""
    return f"{len(schema.included):,} of {total:,} column{plural} will be learned."


def preset_seconds(schema: Schema, rows: int, preset: str, variant: str | None = None) -> float:
    """About how long the preset trains ``variant`` (the recommended model type by default) on
    a table of ``rows`` rows (a fifth kept aside to test the model; a table over the preset's
    training rows trains on a sample of them)."""
    config = preset_config(preset, variant=variant)
    learned = round(rows * (1 - DEFAULT_FRACTION))
    return training_seconds(schema, rows_learned(learned, config), config)


def size_and_time(schema: Schema, rows: int) -> str:
    """The size of the model the default preset trains, and each preset's rough training time
    with the model type it trains, for these columns, in one sentence."""
    learned = round(rows * (1 - DEFAULT_FRACTION))  # a fifth is kept aside to test the model
    times = [
        f"{preset.title} about {duration(preset_seconds(schema, rows, name))}"
        for name, preset in PRESETS.items()
    ]
    config = preset_config(DEFAULT_PRESET)
    estimate = estimate_model(schema, rows_learned(learned, config), config)
    weights = estimate.generator_weights + estimate.discriminator_weights
    shown = f"{weights / 1e6:.1f} million" if weights >= 1e6 else f"{float(f'{weights:.2g}'):,.0f}"
    return (
        f"Model: about {shown} weights (a {human_bytes(int(estimate.file_megabytes * 1e6))} "
        f"model file). Training on a laptop's CPU: {', '.join(times)}. A GPU is faster."
    )


def warnings(schema: Schema) -> list[str]:
    """Plain-word remarks about the column choices, worth a second look before training."""
    notes: list[str] = []
    left_out = [
        c.name
        for c in schema.columns
        if c.kind in PRIVATE_KINDS and not c.include and c.treatment is None
    ]
    if left_out:
        notes.append(
            f"Left out because they identify people or rows: {_names(left_out)}. "
            "The synthetic copy will not contain them, which keeps it safer to share."
        )
    private_in = [c.name for c in schema.included if c.kind in PRIVATE_KINDS]
    if private_in:
        notes.append(
            f"Included although they look like personal data or identifiers: {_names(private_in)}. "
            "The synthetic copy could repeat real values from them."
        )
    many = [
        f"{c.name} ({c.distinct:,})"
        for c in schema.included
        if c.kind is Kind.CATEGORICAL and c.distinct > MANY_CATEGORIES
    ]
    if many:
        notes.append(
            f"Very many different values: {', '.join(many)}. Rare values are hard to learn and "
            "make training slower; leave such a column out unless you need it."
        )
    empty = [_missing(c) for c in schema.included if c.missing > MOSTLY_MISSING]
    if empty:
        notes.append(
            f"Learned although mostly empty: {', '.join(empty)}. There is little to learn from "
            "these columns."
        )
    empty_out = [
        _missing(c)
        for c in schema.columns
        if not c.include and c.kind in MODELLED_KINDS and c.missing > MOSTLY_MISSING
    ]
    if empty_out:
        notes.append(
            f"Left out because they are mostly empty: {', '.join(empty_out)}. The synthetic "
            "copy will not contain them; tick Include to learn them anyway."
        )
    return notes


def _missing(column: ColumnInfo) -> str:
    return f"{column.name} ({round(column.missing * 100)} % missing)"


TREATMENT_HELP = (
    "The model never learns these columns: it could copy real values out. Leave them out, "
    "or put made-up values in their place (realistic names, emails at example.com, numbers in "
    "the same format) or new IDs in the same format. No real value is copied (a common "
    "made-up name can still be someone's). A key that "
    "repeats (one customer's many orders) gets as many new keys, with as many rows each, as "
    "the real one; which rows share a new key is random, so one key's rows need not agree "
    "with each other (one customer's orders may be in different regions), but a made-up name "
    "or email that is one per key in your table is one per new key, the email made from the "
    "name. A column of one "
    "value, or none, can be kept as it is, so that the file keeps the table's columns; an "
    "empty one is kept unless you leave it out."
)


def replaceable(schema: Schema) -> list[ColumnInfo]:
    """Left-out columns that can be replaced by made-up values or new IDs."""
    return [c for c in schema.columns if not c.include and len(treatment_options(c)) > 1]


def treatment_label(treatment: str | None) -> str:
    return TREATMENT_LABELS[treatment]


def _names(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
