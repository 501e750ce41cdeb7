"""Column values as distance and metric code compares them: numbers, or category labels.

Numbers, whole numbers and dates are "numeric" (dates as seconds since 1970, read with the
schema's format); categories and yes/no columns are "categorical", as text labels that compare
equal whatever dtype a file was read with (1 and 1.0 are both "1"). Missing values stay NaN in
numeric columns and become ``MISSING`` in categorical ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.schema import NUMERIC_KINDS, ColumnInfo, Kind, datetime_seconds

MISSING = "\0missing"  # cannot clash with a real label read from a file


def family(info: ColumnInfo) -> str:
    """'numeric' or 'categorical': how distances and metrics treat the column."""
    return "numeric" if info.kind in NUMERIC_KINDS else "categorical"


def numeric_values(series: pd.Series, info: ColumnInfo) -> np.ndarray:
    """Floats of a numeric column (dates as epoch seconds); NaN where missing or unreadable."""
    if info.kind == Kind.DATETIME:
        return datetime_seconds(series, info.datetime_format)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def category_labels(series: pd.Series) -> np.ndarray:
    """Text labels of a categorical column (object array), ``MISSING`` where empty."""
    missing = series.isna().to_numpy()
    if pd.api.types.is_bool_dtype(series):
        labels = series.astype(str).to_numpy(dtype=object)
    elif pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
        whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**53)
        as_int = np.where(whole, numbers, 0).astype(np.int64).astype(str)
        labels = np.where(whole, as_int, numbers.astype(str)).astype(object)
    else:
        labels = series.astype(str).to_numpy(dtype=object)
    labels[missing] = MISSING
    return labels


def prepared(frame: pd.DataFrame, infos: list[ColumnInfo]) -> pd.DataFrame:
    """The columns of ``infos`` as floats (numeric) or labels (categorical), same index."""
    data = {
        info.name: (
            numeric_values(frame[info.name], info)
            if family(info) == "numeric"
            else category_labels(frame[info.name])
        )
        for info in infos
    }
    return pd.DataFrame(data, index=frame.index)
