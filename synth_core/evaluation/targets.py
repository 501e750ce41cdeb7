"""The column to predict in the usefulness test when nobody names one: what the app's Columns
page offers first, and what the command line says it chose. Reads only the schema (no
scikit-learn), so the command line starts fast."""

from __future__ import annotations

from collections.abc import Collection

from synth_core.schema import DISCRETE_KINDS, NUMERIC_KINDS, ColumnInfo, Kind, Schema
from synth_core.schema.names import name_tokens

MAX_CATEGORIES = 20  # a label, not one of hundreds of names ...
MAX_MISSING = 0.2  # ... filled in most rows
# Columns named for what a model predicts ('Churn', 'Survived', 'income', 'label').
TARGET_WORDS = frozenset(
    {"target", "label", "class", "outcome", "churn", "churned", "survived", "survival"}
    | {"default", "fraud", "diagnosis", "response", "result", "income", "salary", "price"}
    | {"species", "y"}
)
# Numbers that say when or which row, not something to predict.
NOT_TARGET_WORDS = frozenset(
    {"timestamp", "time", "date", "year", "month", "day", "id", "index", "row"}
)


def default_target(schema: Schema, derived: Collection[str] = ()) -> str | None:
    """The column a person would predict: an included label (a category or yes/no column of a
    few values, filled in most rows), the first one named for it ('Churn', 'income') or else the
    last; without labels, a number that is not a time or a row's number, chosen the same way;
    else None (no column qualifies, or one column alone is learned: there is nothing to predict
    it from). ``derived``: columns a kept rule writes from others (``rules.derived_columns``: a
    weekday from its date), which are passed over (predicting them tests nothing) unless no
    other column qualifies."""
    if len(schema.included) < 2:
        return None
    kept = [c.name for c in schema.included if c.name not in derived]
    if derived and kept and (chosen := default_target(schema.with_only(kept))):
        return chosen
    filled = [c for c in schema.included if c.missing <= MAX_MISSING]
    labels = [c for c in filled if c.kind in DISCRETE_KINDS and 2 <= c.distinct <= MAX_CATEGORIES]
    amounts = [
        c
        for c in filled
        if c.kind in NUMERIC_KINDS
        and c.kind is not Kind.DATETIME
        and not _named(c, NOT_TARGET_WORDS)
    ]
    for group in (labels, amounts):  # a label first, one named for it first among them
        named = [c for c in group if _named(c, TARGET_WORDS)]
        if named or group:
            return (named or group[::-1])[0].name
    return None


def _named(column: ColumnInfo, words: frozenset[str]) -> bool:
    return not words.isdisjoint(name_tokens(column.name))


def default_target_note(target: str | None) -> str:
    """What a command line says about the column it chose to predict (``default_target``)."""
    if target is None:
        return (
            "no column looks like one to predict (a label or number filled in most rows), so "
            "there is no usefulness test; name one with --target"
        )
    return f"the usefulness test predicts '{target}' (name another with --target)"
