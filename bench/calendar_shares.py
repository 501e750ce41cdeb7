"""How well synthetic dates keep the real dates' calendar: the shares of months, weekdays and
(for time stamps) hours of the day, compared with SDMetrics' TVComplement (1 - total variation
distance; 1 is the same shares). Column shapes compare a date as one number, which a season
or an evening peak barely moves."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sdmetrics.single_column import TVComplement

from synth_core.schema import Kind, datetime_seconds


def calendar_score(real: pd.DataFrame, synthetic: pd.DataFrame, infos) -> float:
    """The mean TVComplement of the calendar parts of every date column (NaN for none)."""
    scores = []
    for info in infos:
        if info.kind != Kind.DATETIME or info.name not in synthetic.columns:
            continue
        made, kept = _stamps(synthetic, info), _stamps(real, info)
        if kept.empty or made.empty:
            continue
        parts = {"month": lambda s: s.dt.month, "weekday": lambda s: s.dt.dayofweek}
        if (kept != kept.dt.normalize()).any():
            parts["hour"] = lambda s: s.dt.hour
        scores += [TVComplement.compute(part(kept), part(made)) for part in parts.values()]
    return float(np.mean(scores)) if scores else math.nan


def _stamps(frame: pd.DataFrame, info) -> pd.Series:
    seconds = datetime_seconds(frame[info.name], info.datetime_format)
    return pd.Series(pd.to_datetime(seconds[~np.isnan(seconds)], unit="s"))
