"""Filters applied to generated rows before anyone sees them.

Copies are judged by risk, not by equality (:class:`CopyRule`): a generated row equal to a
training row is removed when that combination of values is rare in the training rows (fewer
than ``RARE_BELOW`` of them share it), because such a row can single someone out. A row equal
to a common combination (shared by ``RARE_BELOW`` real rows or more) reveals no one and stays:
on a table of few columns most possible rows are such combinations. The synthesizer applies the
rule (``remove_copies``, on by default) from the training rows' fingerprints; the privacy
scores count copies with the same rule.

``near_copy_filter`` adds a similarity filter: a synthetic row closer to a training row than real
rows typically sit to the training rows is dropped. "Typically" is measured on the
holdout, rows the model never saw: the threshold is the ``quantile`` (5 % by default) of the
distances from each holdout row to its nearest training row, in the same distance space as the
privacy scores (:class:`synth_core.privacy.distances.DistanceSpace`).

The filter holds the training rows' points in memory only; nothing of it goes into a model file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synth_core.errors import DataError
from synth_core.privacy.distances import CloseSearch, DistanceSpace, neighbours, subsample
from synth_core.schema import ColumnInfo
from synth_core.schema.rarity import RARE_BELOW
from synth_core.tables.hashing import row_hashes

DEFAULT_QUANTILE = 0.05
THRESHOLD_ROWS = 5_000  # holdout rows whose nearest distances set the threshold
MIN_HOLDOUT = 20  # fewer rows than this give no meaningful threshold


@dataclass(frozen=True)
class CopyRule:
    """Which generated rows copy a rare real row (removed) or a common one (kept): the rows the
    model learnt from, or every real row when it knows them (``Synthesizer.protect_real_rows``)."""

    hashes: np.ndarray  # every distinct real row's fingerprint, sorted ...
    counts: np.ndarray  # ... and how many real rows have it
    rare_below: int = RARE_BELOW

    @classmethod
    def of(cls, real_hashes: np.ndarray, rare_below: int = RARE_BELOW) -> CopyRule:
        """The rule for real rows with these fingerprints (one per row, repeats kept)."""
        hashes, counts = np.unique(np.asarray(real_hashes), return_counts=True)
        return cls(hashes, counts, rare_below)

    @classmethod
    def from_frame(cls, train: pd.DataFrame, rare_below: int = RARE_BELOW) -> CopyRule:
        return cls.of(row_hashes(train), rare_below)

    def masks(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(rows copying a rare training row, rows equal to a common one) of ``frame``."""
        shared = self.shared_by(row_hashes(frame))
        return (shared > 0) & (shared < self.rare_below), shared >= self.rare_below

    def shared_by(self, hashes: np.ndarray) -> np.ndarray:
        """How many training rows have each fingerprint (0: none)."""
        if len(self.hashes) == 0:
            return np.zeros(len(hashes), dtype=np.int64)
        where = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.where(self.hashes[where] == hashes, self.counts[where], 0)


@dataclass
class NearCopyFilter:
    """Drops generated rows lying within ``threshold`` of a training row."""

    space: DistanceSpace
    search: CloseSearch  # over the training rows' points, within the threshold
    quantile: float
    columns: list[str]

    @property
    def threshold(self) -> float:
        return self.search.radius

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """True for each row of ``frame`` that is a near copy (closer than the threshold)."""
        if len(frame) == 0:
            return np.zeros(0, dtype=bool)
        return self.search.closer(self.space.embed(frame[self.columns]))

    def apply(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        """(``frame`` without its near copies, how many were dropped)."""
        near = self.mask(frame)
        return frame[~near], int(near.sum())

    def describe(self) -> str:
        """The rule in words."""
        return (
            f"rows closer to a real training row than {self.threshold:.3g} (the "
            f"{self.quantile:.0%} quantile of how close unseen real rows come) are removed"
        )


def near_copy_filter(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    infos: list[ColumnInfo],
    quantile: float = DEFAULT_QUANTILE,
    seed: int = 0,
) -> NearCopyFilter:
    """A filter whose threshold is the ``quantile`` of holdout-to-training nearest distances.

    ``train`` are the rows the model learnt from, ``holdout`` real rows it never saw, both with
    the ``infos`` columns. Raises ``DataError`` when either is too small to set a threshold.
    """
    if not 0 < quantile < 1:
        raise DataError("The near-copy quantile must be between 0 and 1 (for example 0.05).")
    if len(train) == 0 or len(holdout) < MIN_HOLDOUT:
        raise DataError(
            f"The near-copy filter needs at least {MIN_HOLDOUT} real rows the model never saw "
            "to learn how close real rows sit; keep a holdout when training."
        )
    columns = [info.name for info in infos]
    space = DistanceSpace(train[columns], infos)
    points = space.embed(train[columns])
    rng = np.random.default_rng(seed)
    probe = holdout[columns].iloc[subsample(len(holdout), THRESHOLD_ROWS, rng)]
    nearest = neighbours(points, space.embed(probe), 1)[0][:, 0]
    search = CloseSearch(points, space.discrete, float(np.quantile(nearest, quantile)))
    return NearCopyFilter(space, search, quantile, columns)
