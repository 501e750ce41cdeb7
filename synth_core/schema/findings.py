"""What the inference rules read (a text column and a sample of it) and what they conclude."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synth_core.schema.kinds import Kind
from synth_core.schema.names import name_tokens

SAMPLE_SIZE = 5_000  # values the pattern checks look at; exact facts use the whole column
SAMPLE_SEED = 0
PROBE_VALUES = 500  # a check first looks at this many of the sample's most common values ...
PROBE_MARGIN = 0.2  # ... and stops there when they fall short of its threshold by this much
HIGH_CARDINALITY_MIN_DISTINCT = 20  # names/addresses: at least this many different values ...
HIGH_CARDINALITY_MIN_SHARE = 0.5  # ... or this share of rows different (small tables)


def seeded_sample(values: pd.Series) -> pd.Series:
    """Up to ``SAMPLE_SIZE`` of ``values``, drawn with ``SAMPLE_SEED``: all of them if fewer.

    Generator.choice draws a few thousand of a million rows without shuffling them all, as
    Series.sample does.
    """
    if len(values) <= SAMPLE_SIZE:
        return values
    rows = np.random.default_rng(SAMPLE_SEED).choice(len(values), SAMPLE_SIZE, replace=False)
    return values.iloc[rows]


@dataclass
class Finding:
    """A rule's verdict: the kind, why, and facts to record."""

    kind: Kind
    reason: str
    facts: dict[str, Any] = field(default_factory=dict)
    left_out: bool = False  # a kind that is learnt, left out by default all the same


@dataclass
class TextSample:
    """A text column's non-missing values and the sample the pattern checks look at."""

    name: str
    values: pd.Series  # every non-missing value, as str
    distinct: int
    texts: pd.Series  # the sample's distinct values ...
    weights: np.ndarray  # ... and how often each occurs in the sample

    @classmethod
    def of(cls, name: str, values: pd.Series, distinct: int) -> TextSample:
        """Up to ``SAMPLE_SIZE`` of the values (seeded), counted: most common first."""
        counts = seeded_sample(values).value_counts()
        return cls(
            name=name,
            values=values,
            distinct=distinct,
            texts=pd.Series(counts.index.to_numpy(dtype=object), dtype=object),
            weights=counts.to_numpy(),
        )

    @property
    def tokens(self) -> tuple[str, ...]:
        return name_tokens(self.name)

    @property
    def unique_share(self) -> float:
        return self.distinct / len(self.values)

    @property
    def sampled(self) -> bool:
        return len(self.values) > SAMPLE_SIZE

    @property
    def high_cardinality(self) -> bool:
        return self.distinct >= min(
            HIGH_CARDINALITY_MIN_DISTINCT, HIGH_CARDINALITY_MIN_SHARE * len(self.values)
        )

    def share(self, mask: pd.Series | np.ndarray) -> float:
        """Share of the sample's rows where ``mask`` (over the distinct values) holds."""
        mask = np.asarray(mask, dtype=bool)
        return float(self.weights[mask].sum() / self.weights.sum())

    def passes(self, test: Callable[[pd.Series], pd.Series], needed: float) -> bool:
        """Whether at least ``needed`` of the sample's rows pass ``test`` (a vectorised check).

        Most checks fail, so the most common values are tried first: when they fall well
        short, the rest of the sample is not looked at.
        """
        if len(self.texts) > PROBE_VALUES:
            probe = np.asarray(test(self.texts.iloc[:PROBE_VALUES]), dtype=bool)
            weights = self.weights[:PROBE_VALUES]
            if weights[probe].sum() < (needed - PROBE_MARGIN) * weights.sum():
                return False
        return self.share(test(self.texts)) >= needed

    def matches(self, pattern: str, needed: float, flags: int = 0) -> bool:
        """Whether at least ``needed`` of the sample's rows match ``pattern`` as a whole."""
        return self.passes(lambda texts: texts.str.fullmatch(pattern, flags=flags), needed)
