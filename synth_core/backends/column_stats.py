"""Exact statistics of one column over a whole table: what a big table's scoring reads first.

Numbers get their count, gaps, mean, spread and quantiles; categories and yes/no columns
(``discrete``, from the schema), and any column not held as numbers, their shares (the most
common ``TOP_CATEGORIES``, the rest as one share). Each column is computed on its own, so a
backend can spread the columns over its workers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0)
TOP_CATEGORIES = 20
OTHER = "(other values)"


@dataclass(frozen=True)
class ColumnStats:
    name: str
    count: int  # values present
    missing: int
    distinct: int
    mean: float | None = None  # numbers only
    std: float | None = None
    quantiles: tuple[float, ...] | None = None  # at QUANTILES
    shares: tuple[tuple[str, float], ...] | None = None  # categories, most common first

    def to_dict(self) -> dict:
        return asdict(self)


def stats_of(name: str, values: pd.Series, discrete: bool = False) -> ColumnStats:
    present = values.dropna()
    count, missing = len(present), len(values) - len(present)
    numeric = pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present)
    if discrete or not numeric:
        return ColumnStats(name, count, missing, int(present.nunique()), shares=_shares(present))
    numbers = present.to_numpy(dtype=float)
    if not len(numbers):
        return ColumnStats(name, 0, missing, 0)
    return ColumnStats(
        name,
        count,
        missing,
        int(present.nunique()),
        mean=float(numbers.mean()),
        std=float(numbers.std()),
        quantiles=tuple(float(q) for q in np.quantile(numbers, QUANTILES)),
    )


def _shares(present: pd.Series) -> tuple[tuple[str, float], ...]:
    if not len(present):
        return ()
    counts = present.astype(str).value_counts(sort=False)
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    shares = [(str(value), count / len(present)) for value, count in counts.items()]
    top, rest = shares[:TOP_CATEGORIES], shares[TOP_CATEGORIES:]
    if rest:
        top.append((OTHER, sum(share for _, share in rest)))
    return tuple(top)


def largest_gap(real: ColumnStats, synthetic: ColumnStats) -> float:
    """How far apart two columns' statistics are, 0 (alike) to 1: the largest difference in
    category share, or in quantile as a share of the real range."""
    if real.shares is not None and synthetic.shares is not None:
        theirs = dict(synthetic.shares)
        ours = dict(real.shares)
        return max((abs(ours.get(k, 0.0) - theirs.get(k, 0.0)) for k in ours | theirs), default=0)
    if real.quantiles is None or synthetic.quantiles is None:
        return 0.0 if real.count == synthetic.count == 0 else 1.0
    spread = (real.quantiles[-1] - real.quantiles[0]) or 1.0
    gaps = np.abs(np.subtract(real.quantiles, synthetic.quantiles)) / spread
    return float(min(1.0, gaps.max()))
