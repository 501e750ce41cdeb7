"""The column to predict in the usefulness test when nobody names one: what the app's Columns
page offers first, and what the command line says it chose. Reads only the schema (no
scikit-learn), so the command line starts fast."""

from __future__ import annotations

from synth_core.schema import DISCRETE_KINDS, NUMERIC_KINDS, Kind, Schema

MAX_CATEGORIES = 20  # a label, not one of hundreds of names ...
MAX_MISSING = 0.2  # ... filled in most rows


def default_target(schema: Schema) -> str | None:
    """The column a person would predict: the last included label (a category or yes/no column
    of a few values, filled in most rows); else the last such number; else None (no column
    qualifies, or one column alone is learned: there is nothing to predict it from)."""
    if len(schema.included) < 2:
        return None
    filled = [c for c in schema.included if c.missing <= MAX_MISSING]
    for column in reversed(filled):
        if column.kind in DISCRETE_KINDS and 2 <= column.distinct <= MAX_CATEGORIES:
            return column.name
    for column in reversed(filled):
        if column.kind in NUMERIC_KINDS and column.kind is not Kind.DATETIME:
            return column.name
    return None


def default_target_note(target: str | None) -> str:
    """What a command line says about the column it chose to predict (``default_target``)."""
    if target is None:
        return (
            "no column looks like one to predict (a label or number filled in most rows), so "
            "there is no usefulness test; name one with --target"
        )
    return f"the usefulness test predicts '{target}' (name another with --target)"
