"""Rows the filters drop, replaced from their own stratum.

The copy filter (``synth_core.privacy.filters.CopyRule``) drops a generated row equal to a rare
training row. On a table of few columns such rows come mostly from its thin parts (a first-class
woman of 25 who survived), and rows generated to take their place come from everywhere: the
shares of the categories move (bench/README.md, session 15: Titanic's survivors). So each
dropped row is replaced by a generated row of the same stratum: the same values in up to
``MAX_STRATUM_COLUMNS`` category columns of few values, and the shares of those columns stay
those of the rows the model made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.schema import DISCRETE_KINDS, Schema

MAX_STRATUM_COLUMNS = 3  # category columns whose values make a stratum
MAX_STRATUM_VALUES = 20  # a column of more values makes too many strata to fill
REFILL_ROUNDS = 5  # generations at most to replace the rows of one chunk


def stratum_columns(schema: Schema) -> list[str]:
    """The learnt category columns of 2 to ``MAX_STRATUM_VALUES`` values, fewest values first,
    at most ``MAX_STRATUM_COLUMNS``."""
    fitting = [
        c
        for c in schema.included
        if c.kind in DISCRETE_KINDS and 2 <= c.distinct <= MAX_STRATUM_VALUES
    ]
    fitting.sort(key=lambda c: c.distinct)
    return [c.name for c in fitting[:MAX_STRATUM_COLUMNS]]


def strata(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's stratum, as text (one stratum for all when there are no columns)."""
    if not columns or frame.empty:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[columns].astype(str).agg("\x1f".join, axis=1)


class Quota:
    """How many rows each stratum still lacks: the rows the model made, less those kept."""

    def __init__(self, made: pd.Series, kept: pd.Series):
        lacking = made.value_counts().sub(kept.value_counts(), fill_value=0)
        self.lacking = lacking[lacking > 0].astype(int).to_dict()

    @property
    def rows(self) -> int:
        return sum(self.lacking.values())

    def take(self, keys: pd.Series, rng: np.random.Generator) -> np.ndarray:
        """Positions of the rows (of ``keys``, their strata) that fill what is lacking, in a
        random order; what they fill is no longer lacking."""
        chosen = []
        for key, positions in pd.Series(np.arange(len(keys))).groupby(keys.to_numpy()):
            wanted = self.lacking.get(key, 0)
            if wanted:
                picked = positions.to_numpy()[:wanted]
                chosen.append(picked)
                self.lacking[key] = wanted - len(picked)
        taken = np.concatenate(chosen) if chosen else np.array([], dtype=np.int64)
        return rng.permutation(taken)
