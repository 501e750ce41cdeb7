"""Small seeded tables with known relations between columns, for the evaluation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.schema import Kind, Schema
from tests.helpers import DATE_FORMAT, make_schema

GROUP_LEVEL = {"a": 1, "b": 5, "c": 9}  # 'level' is fully determined by 'group'

RELATED_KINDS = {
    "x": Kind.NUMERICAL,
    "y": Kind.NUMERICAL,  # about 2x: strongly positive
    "z": Kind.NUMERICAL,  # about -x: strongly negative
    "noise": Kind.NUMERICAL,  # unrelated to everything
    "group": Kind.CATEGORICAL,
    "twin": Kind.CATEGORICAL,  # the same values as 'group' under other names
    "level": Kind.INTEGER,
    "label": Kind.CATEGORICAL,  # 'high' when x > 0, with a few flips
    "day": Kind.DATETIME,  # later days for larger x
}


def related_frame(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    """A table whose columns go together in known ways (see ``RELATED_KINDS``)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, rows)
    group = rng.choice(list(GROUP_LEVEL), rows, p=[0.5, 0.3, 0.2])
    label = np.where(x > 0, "high", "low")
    flips = rng.random(rows) < 0.05
    label[flips] = np.where(label[flips] == "high", "low", "high")
    days = np.round(200 + 60 * x + rng.normal(0, 5, rows)).astype(int)
    day = (pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D")).strftime(DATE_FORMAT)
    return pd.DataFrame(
        {
            "x": np.round(x, 4),
            "y": np.round(2 * x + rng.normal(0, 0.2, rows), 4),
            "z": np.round(-x + rng.normal(0, 0.1, rows), 4),
            "noise": np.round(rng.normal(0, 1, rows), 4),
            "group": group,
            "twin": pd.Series(group).map({"a": "first", "b": "second", "c": "third"}).to_numpy(),
            "level": pd.Series(group).map(GROUP_LEVEL).to_numpy(),
            "label": label,
            "day": pd.Series(day, dtype=object),
        }
    )


def related_schema(frame: pd.DataFrame) -> Schema:
    return make_schema(frame, RELATED_KINDS, {"day": DATE_FORMAT})


def shuffled_columns(frame: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """Every column permuted on its own: the same columns, no relation between any two."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {name: frame[name].to_numpy()[rng.permutation(len(frame))] for name in frame.columns}
    )
