"""Keep some real rows away from the generator, so that usefulness and privacy can be judged on
rows it never saw."""

from __future__ import annotations

import math
import numbers

import pandas as pd
from sklearn.model_selection import train_test_split

from synth_core.errors import DataError
from synth_core.tables.limits import MIN_ROWS

DEFAULT_FRACTION = 0.2
_MISSING_CLASS = "\0missing"  # missing labels form a class of their own when stratifying


def holdout_split(
    frame: pd.DataFrame,
    fraction: float = DEFAULT_FRACTION,
    seed: int = 0,
    stratify: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into (train, holdout) at random, ``fraction`` of the rows held out.

    The same ``seed`` gives the same split. ``stratify`` names a column whose class shares both
    parts keep; it is ignored when a class is too small to be split. ``fraction`` 0 keeps every
    row for training and returns an empty holdout. Both parts get a fresh index.

    Raises:
        DataError: ``fraction`` is not in [0, 1), or fewer than ``MIN_ROWS`` rows would be left
            for training.
    """
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
        raise DataError(f"The holdout share must be a number from 0 to below 1, not {fraction!r}.")
    if not 0 <= fraction < 1 or math.isnan(fraction):
        raise DataError(
            f"The holdout share must be from 0 (no holdout) to below 1, not {fraction}. "
            "0.2 keeps a fifth of the rows for evaluation."
        )
    if fraction == 0:
        return frame.reset_index(drop=True), frame.iloc[:0].reset_index(drop=True)
    held = math.ceil(fraction * len(frame))  # what train_test_split holds out
    if len(frame) - held < MIN_ROWS:
        raise DataError(
            f"Holding out {fraction:.0%} of {len(frame):,} rows leaves {len(frame) - held:,} to "
            f"learn from; at least {MIN_ROWS} are needed. Hold out a smaller share, or turn the "
            "holdout off."
        )
    labels = _stratify_labels(frame, stratify, held)
    train, holdout = train_test_split(
        frame, test_size=held, random_state=seed, shuffle=True, stratify=labels
    )
    return _renumbered(train), _renumbered(holdout)


def _renumbered(part: pd.DataFrame) -> pd.DataFrame:
    """``part`` (the split's own copy of some rows) numbered 0, 1, 2 ... in place: ``reset_index``
    would copy every column once more, a second copy of a big table."""
    part.index = pd.RangeIndex(len(part))
    return part


def _stratify_labels(frame: pd.DataFrame, column: str | None, held: int) -> pd.Series | None:
    """The labels to stratify on, or None when stratifying is not possible."""
    if column is None:
        return None
    if column not in frame.columns:
        raise DataError(f"There is no column '{column}' to keep the class shares of.")
    labels = frame[column].astype(object).where(frame[column].notna(), _MISSING_CLASS).astype(str)
    counts = labels.value_counts()
    # train_test_split needs two rows of every class, and room for each class on both sides.
    if counts.min() < 2 or len(counts) > held or len(counts) > len(frame) - held:
        return None
    return labels
