"""A column's values as rules compare them (numbers; dates as seconds since 1970), and written
back in the column's own form (its decimals, its dtype, its date format)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synth_core.schema import (
    NS_PER_SECOND,
    ColumnInfo,
    Kind,
    Schema,
    datetime_seconds,
    format_datetimes,
)

NUMBER_KINDS = (Kind.NUMERICAL, Kind.INTEGER)


def numbers(frame: pd.DataFrame, column: str, schema: Schema) -> np.ndarray:
    """``column`` as floats (dates as seconds); NaN where missing or unreadable."""
    info = schema[column]
    if info.kind == Kind.DATETIME:
        return datetime_seconds(frame[column], info.datetime_format)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def as_written(values: Any, info: ColumnInfo) -> Any:
    """``values`` (a number, an array or a series) as ``info``'s column is written: numbers
    rounded to its decimals, anything else as it is.

    Rules compare values in this form: a real value with more decimals than the column writes
    (a bound, a paired value) would otherwise never equal, or lie within, its own rounding."""
    if info.kind not in NUMBER_KINDS or info.decimals is None:
        return values
    if isinstance(values, np.ndarray):
        return np.round(values, info.decimals)
    if isinstance(values, float):
        return round(values, info.decimals)
    if isinstance(values, pd.Series) and pd.api.types.is_float_dtype(values.dtype):
        return values.round(info.decimals)
    return values


def not_below(values: np.ndarray, floor: np.ndarray, info: ColumnInfo) -> np.ndarray:
    """``values`` (all at or above ``floor``) raised half a last decimal place where rounding
    to ``info``'s decimals would write them below ``floor``."""
    if info.kind not in NUMBER_KINDS or info.decimals is None:
        return values
    below = np.round(values, info.decimals) < floor
    return np.where(below, values + 0.5 * 10.0**-info.decimals, values)


def write_numbers(
    frame: pd.DataFrame, column: str, values: np.ndarray, schema: Schema, rows: np.ndarray
) -> None:
    """Put ``values`` (floats, as :func:`numbers` reads them) into ``rows`` (a mask) of
    ``column``, rounded and written as the column holds its values."""
    if not rows.any():
        return
    info = schema[column]
    series = frame[column]
    if info.kind == Kind.DATETIME:
        ns = np.round(values[rows] * NS_PER_SECOND).astype(np.int64)
        stamps = pd.Series(ns.astype("datetime64[ns]"))
        written = stamps
        if info.datetime_format and not pd.api.types.is_datetime64_any_dtype(series):
            written = format_datetimes(stamps, info.datetime_format)
        frame.loc[rows, column] = written.to_numpy()
        return
    rounded = np.round(values[rows], info.decimals or 0)
    if pd.api.types.is_integer_dtype(series.dtype):
        frame.loc[rows, column] = rounded.astype(series.dtype)
    else:
        frame.loc[rows, column] = rounded


def blank(frame: pd.DataFrame, column: str, rows: np.ndarray) -> None:
    """Empty ``rows`` (a mask) of ``column``; a column of whole numbers or flags, which has no
    room for a gap, is widened first (to floats, or to objects for flags)."""
    if not rows.any():
        return
    dtype = frame[column].dtype
    if dtype == np.bool_ or pd.api.types.is_integer_dtype(dtype):
        frame[column] = frame[column].astype("float64" if dtype != np.bool_ else object)
    frame.loc[rows, column] = None
