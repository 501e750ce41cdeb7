"""Schema inference: what each column holds, decided the way a person would decide it.

``infer_schema(frame)`` returns a :class:`Schema` with one :class:`ColumnInfo` per column: its
kind, whether a model learns it by default, and a short reason in plain words. A column's values
decide which rules apply (yes/no, numbers, dates, text); for text, the rules of
``synth_core.schema.patterns`` and ``synth_core.schema.dates`` are tried in order. Money and
percentages that ``read_table`` read as numbers keep their pattern (``$#,##0.00``, from
``frame.attrs``) as ``ColumnInfo.number_format``, so that generated rows are written alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from synth_core.errors import SchemaError
from synth_core.schema.dates import datetime_values, text_datetime
from synth_core.schema.decimals import decimal_places
from synth_core.schema.findings import Finding, TextSample, seeded_sample
from synth_core.schema.kinds import DISCRETE_KINDS, MODELLED_KINDS, Kind
from synth_core.schema.messages import join_quoted, quote, quoted_list
from synth_core.schema.model import EXCLUDE_MISSING, ColumnInfo, Schema
from synth_core.schema.names import name_tokens
from synth_core.schema.patterns import (
    DIGITS_PATTERN,
    numeric_code,
    numeric_identifier,
    numeric_phone,
    rare_text,
    text_address,
    text_boolean,
    text_email,
    text_free,
    text_identifier,
    text_national_id,
    text_one_offs,
    text_person_name,
    text_phone,
    text_postal_code,
    text_row_label,
)
from synth_core.schema.rarity import holder_codes, holder_column
from synth_core.schema.treatments import DEFAULT_TREATMENTS
from synth_core.tables.dialect import CsvDialect
from synth_core.tables.styles import GENERAL, GENERAL_COMMA, NUMBER_STYLES
from synth_core.wording import plain_range, rough_percent, with_decimal_comma

MANY_CATEGORIES = 100
FEW_WHOLE_NUMBERS = 5  # at most this many: suggest categorical in the reason
NOTE_MISSING = 0.5  # mention the share of missing cells from here on

# In order: the first rule with a verdict wins; the rest of the text is categorical.
_TEXT_RULES: tuple[Callable[[TextSample], Finding | None], ...] = (
    text_boolean,
    text_datetime,
    text_email,
    text_national_id,
    text_phone,
    text_address,
    text_person_name,
    text_identifier,
    text_postal_code,
    text_free,
    text_row_label,
    text_one_offs,
)


def infer_schema(
    frame: pd.DataFrame, on_column: Callable[[int, int], None] | None = None
) -> Schema:
    """Decide every column's kind, whether it is learned by default, and why.

    ``on_column(done, total)``, when given, hears each column decided (a caller that raises
    from it stops the inference between two columns)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"infer_schema needs a pandas DataFrame, not {type(frame).__name__}")
    names = [str(name) for name in frame.columns]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SchemaError(
            f"The table has more than one column called {quoted_list(duplicates)}. "
            "Give every column its own name, then load the table again."
        )
    styles = frame.attrs.get(NUMBER_STYLES, {})
    columns = []
    for i, name in enumerate(names):
        columns.append(_with_style(_infer_column(name, frame.iloc[:, i]), styles.get(name)))
        if on_column is not None:
            on_column(i + 1, len(names))
    dialect = CsvDialect.of_frame(frame)
    if dialect.decimal == ",":
        columns = [_with_decimal_comma(column) for column in columns]
    schema = Schema(columns, len(frame), dialect)
    _mark_rare_text(frame, schema)
    return schema


def _mark_rare_text(frame: pd.DataFrame, schema: Schema) -> None:
    """Where a person has several rows (``rarity.holder_column``), leave out the text columns
    most of whose values fewer than ``RARE_BELOW`` people hold (counted by rows, one person's
    job title on each of their ten rows looks common); and say in a kept text column's reason
    how much of it comes out as ``RARE_LABEL``, where that is much."""
    holder = holder_column(frame, schema)
    owners = None if holder is None else holder_codes(frame[holder])
    for info in schema.columns:
        if not (info.include and info.kind == Kind.CATEGORICAL):
            continue
        values = frame[info.name]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        if found := rare_text(values, owners, holder):
            left_out, reason = found
            if left_out:
                info.include, info.reason = False, reason
            else:
                info.reason += f"; {reason}"


def _with_decimal_comma(info: ColumnInfo) -> ColumnInfo:
    """A number column's range in its reason, written as the file writes numbers."""
    if info.kind not in (Kind.NUMERICAL, Kind.INTEGER):
        return info
    info.reason = re.sub(
        r"from (\S+) to (\S+)",
        lambda m: f"from {with_decimal_comma(m[1])} to {with_decimal_comma(m[2])}",
        info.reason,
        count=1,
    )
    return info


def _with_style(info: ColumnInfo, pattern: str | None) -> ColumnInfo:
    """A number column read from money or percentages keeps how they were written."""
    if pattern is None or info.kind not in (Kind.NUMERICAL, Kind.INTEGER):
        return info
    info.number_format = pattern
    if pattern not in (GENERAL, GENERAL_COMMA):  # as numbers are written anyway: nothing to say
        info.reason += f"; written like {pattern}"
    return info


def _infer_column(name: str, series: pd.Series) -> ColumnInfo:
    rows = len(series)
    missing_mask = series.isna().to_numpy()
    missing = float(missing_mask.mean()) if rows else 0.0
    present = series[~missing_mask]
    if present.empty:
        finding = Finding(Kind.EMPTY, "every cell is empty: nothing to learn, kept empty")
        return _column(name, str(series.dtype), missing, 0, finding)
    family, values = _family(present)
    distinct = int(values.nunique())
    if distinct == 1:
        finding = _constant(values.iloc[0], missing)
    elif family == "boolean":
        finding = Finding(Kind.BOOLEAN, "true/false values: a yes/no column")
    elif family == "datetime":
        finding = datetime_values(values)
    elif family == "number":
        finding = _number_values(name, values, distinct)
    else:
        finding = _text_values(name, values, distinct)
    info = _column(name, str(series.dtype), missing, distinct, finding)
    if info.kind in DISCRETE_KINDS and ptypes.is_float_dtype(series) and _whole(values):
        info.decimals = 0  # codes and 0/1 flags that gaps made floats: written 11, not 11.0
    return info


def _whole(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    return bool(np.isfinite(numbers).all() and (numbers == np.round(numbers)).all())


def _column(name: str, dtype: str, missing: float, distinct: int, finding: Finding) -> ColumnInfo:
    include = finding.kind in MODELLED_KINDS and not finding.left_out
    reason = finding.reason
    if finding.kind is not Kind.EMPTY and missing >= NOTE_MISSING:
        reason += f"; {rough_percent(missing)} missing"
        if include and missing > EXCLUDE_MISSING:
            include = False
            reason += ", so left out by default (include it if it matters)"
    return ColumnInfo(
        name=name,
        kind=finding.kind,
        reason=reason,
        include=include,
        missing=missing,
        distinct=distinct,
        dtype=dtype,
        treatment=DEFAULT_TREATMENTS.get(finding.kind),
        **finding.facts,
    )


def _family(present: pd.Series) -> tuple[str, pd.Series]:
    """Which rules apply ('boolean', 'number', 'datetime', 'text') and the values for them."""
    dtype = present.dtype
    if ptypes.is_bool_dtype(dtype):
        return "boolean", present
    if ptypes.is_datetime64_any_dtype(dtype):
        return "datetime", present
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype):
        return "number", present
    if isinstance(dtype, pd.CategoricalDtype) or not ptypes.is_object_dtype(dtype):
        present = present.astype(object)
    # Text in a sample is text in the whole column (a column holding text is never numbers,
    # booleans or dates), so only a sample that is not all text is checked in full.
    inferred = pd.api.types.infer_dtype(seeded_sample(present), skipna=True)
    if inferred != "string":
        inferred = pd.api.types.infer_dtype(present, skipna=True)
    if inferred == "boolean":
        return "boolean", present.astype(bool)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return "number", pd.to_numeric(present)
    if inferred in ("datetime", "datetime64", "date"):
        try:
            return "datetime", pd.to_datetime(present)
        except (TypeError, ValueError):
            pass
    return "text", present.astype(str)


def _constant(value: Any, missing: float) -> Finding:
    where = "in every filled row (the rest are empty)" if missing else "in every row"
    return Finding(
        Kind.CONSTANT, f"the same value ({quote(value)}) {where}: nothing to learn, left out"
    )


# ------------------------------------------------------------------------------ numbers
def _number_values(name: str, values: pd.Series, distinct: int) -> Finding:
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = numbers[np.isfinite(numbers)]
    if finite.size == 0:
        return Finding(Kind.NUMERICAL, "numbers, all of them infinite")
    low, high = float(finite.min()), float(finite.max())
    whole = ptypes.is_integer_dtype(values.dtype) or decimal_places(finite) == 0
    if whole and distinct == 2 and low == 0 and high == 1:
        return Finding(Kind.BOOLEAN, "only the values 0 and 1: a yes/no column")
    tokens = name_tokens(name)
    if whole:
        return (
            numeric_phone(tokens, finite)
            or numeric_identifier(
                tokens, low, high, distinct, len(values), bool(np.all(np.diff(finite) > 0))
            )
            or numeric_code(tokens, distinct, len(values))
            or _whole_numbers(low, high, distinct)
        )
    decimals = decimal_places(finite)
    places = "decimal" if decimals == 1 else "decimals"
    first, last = plain_range(low, high, decimals)
    return Finding(
        Kind.NUMERICAL,
        f"numbers from {first} to {last} with up to {decimals} {places}",
        {"minimum": low, "maximum": high, "decimals": decimals},
    )


def _whole_numbers(low: float, high: float, distinct: int) -> Finding:
    first, last = plain_range(low, high, 0)
    reason = f"whole numbers from {first} to {last}"
    if distinct <= FEW_WHOLE_NUMBERS:
        reason += (
            f" (only {distinct} different values: if they are labels rather than amounts, "
            "set it to categorical)"
        )
    return Finding(Kind.INTEGER, reason, {"minimum": low, "maximum": high, "decimals": 0})


# ------------------------------------------------------------------------------ text
def _text_values(name: str, values: pd.Series, distinct: int) -> Finding:
    column = TextSample.of(name, values, distinct)
    for rule in _TEXT_RULES:
        finding = rule(column)
        if finding is not None:
            return finding
    return _categorical(column)


def _categorical(column: TextSample) -> Finding:
    examples = join_quoted(column.texts.iloc[:3].tolist())
    leading_zero = column.texts.str.match(r"0\d")
    if leading_zero.any() and column.matches(DIGITS_PATTERN, 1.0):
        zero_example = quote(column.texts[leading_zero].iloc[0])
        return Finding(
            Kind.CATEGORICAL,
            f"codes written with leading zeros (like {zero_example}), so kept as text: "
            f"{column.distinct:,} categories",
        )
    if column.distinct > MANY_CATEGORIES:
        return Finding(
            Kind.CATEGORICAL, f"text with many categories ({column.distinct:,}), such as {examples}"
        )
    if column.distinct <= 3:
        return Finding(Kind.CATEGORICAL, f"text with {column.distinct} categories: {examples}")
    return Finding(Kind.CATEGORICAL, f"text with {column.distinct} categories, such as {examples}")
