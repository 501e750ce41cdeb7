"""Values so rare that they could single someone out.

A value, or a combination of values (``synth_core.privacy.filters.CopyRule``), that fewer than
``RARE_BELOW`` training rows share is rare: met in a synthetic row, it could point at the real
person behind it (the only employee with a misspelt job title, the one respondent with billions
in cash). So:

- rare categories never come out: a text column writes ``RARE_LABEL`` in their place, any other
  column its most common value (``synth_core.encoding.encoders.CategoricalEncoder``);
- numbers and dates come out inside ``protected_range``: the extremes that fewer than
  ``RARE_BELOW`` rows reach are cut off, before the model sees them;
- a text column made mostly of rare values is left out by default (``schema.patterns``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RARE_BELOW = 5
RARE_LABEL = "(rare)"


def protected_range(present: np.ndarray) -> tuple[float, float]:
    """(low, high) of the non-missing ``present`` values without their rare extremes: the
    ``RARE_BELOW``-th smallest and largest values, which that many rows reach (a column of
    fewer values closes in on its middle)."""
    ordered = np.sort(np.asarray(present, dtype=np.float64))
    if len(ordered) == 0:
        raise ValueError("protected_range needs at least one value")
    low = ordered[min(RARE_BELOW - 1, (len(ordered) - 1) // 2)]
    high = ordered[max(len(ordered) - RARE_BELOW, len(ordered) // 2)]
    return float(low), float(high)


def rare_share(values: pd.Series) -> float:
    """The share of the non-missing ``values`` that hold a value fewer than ``RARE_BELOW`` of
    them share (0 for none)."""
    counts = values.value_counts(dropna=True)
    total = int(counts.sum())
    return float(counts[counts < RARE_BELOW].sum() / total) if total else 0.0
