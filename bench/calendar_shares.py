"""How well synthetic dates keep the real dates' calendar: the shares of months, weekdays and
(for time stamps) hours of the day, compared with SDMetrics' TVComplement (1 - total variation
distance; 1 is the same shares). Column shapes compare a date as one number, which a season
or an evening peak barely moves."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sdmetrics.single_column import TVComplement

from synth_core.evaluation.marginals import has_time_of_day, present_stamps
from synth_core.schema import Kind


def calendar_score(real: pd.DataFrame, synthetic: pd.DataFrame, infos) -> float:
    """The mean TVComplement of the calendar parts of every date column (NaN for none)."""
    scores = []
    for info in infos:
        if info.kind != Kind.DATETIME or info.name not in synthetic.columns:
            continue
        made = present_stamps(synthetic[info.name], info)
        kept = present_stamps(real[info.name], info)
        if kept.empty or made.empty:
            continue
        parts = {"month": lambda s: s.month, "weekday": lambda s: s.dayofweek}
        if has_time_of_day(kept):
            parts["hour"] = lambda s: s.hour
        scores += [
            TVComplement.compute(pd.Series(part(kept)), pd.Series(part(made)))
            for part in parts.values()
        ]
    return float(np.mean(scores)) if scores else math.nan
