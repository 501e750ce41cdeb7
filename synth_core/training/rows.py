"""Which rows a training learns from: every row of an ordinary table, a seeded sample of a big one.

While it trains, a fit holds its training rows encoded (one float per model output per row, and
the autoregressive model's tokens besides): memory in proportion to the rows. So the rows a
training draws its steps from are at most ``max_training_rows``: ``SYNTH_TRAINING_ROWS``
(default ``DEFAULT_TRAINING_ROWS``) and, with a time limit, ``ROWS_PER_BUDGET_SECOND`` for each
second of it (more than a training gets through in that time on a CPU: bench/README.md, "Big
tables"), never fewer than ``MIN_BUDGET_ROWS``. A bigger table trains on a seeded sample of that
many rows, kept in the table's order; a table within the bound trains on every row, as before.
The encoding and the business rules are still learned from every row.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from synth_core.config import TrainingConfig
from synth_core.errors import SynthError
from synth_core.tables.limits import MIN_ROWS, whole_number_setting

TRAINING_ROWS_ENV = "SYNTH_TRAINING_ROWS"
DEFAULT_TRAINING_ROWS = 1_000_000
ROWS_PER_BUDGET_SECOND = 25_000
MIN_BUDGET_ROWS = 100_000  # a short time limit never samples a table of fewer rows
SAMPLE_SEED = 23  # the sample's own stream, apart from every other draw of a fit


@dataclass(frozen=True)
class TrainingRows:
    """The rows a training draws from: ``positions`` in a table of ``table`` rows (sorted), or
    None for every row; ``most`` is the bound they keep to, ``by_time`` whether the time limit
    set it."""

    table: int
    positions: np.ndarray | None
    most: int
    by_time: bool

    @property
    def count(self) -> int:
        return self.table if self.positions is None else len(self.positions)

    @property
    def sampled(self) -> bool:
        return self.positions is not None

    def sentence(self) -> str:
        """What a sampled training drew from, in words (for the progress notes)."""
        why = (
            "a training with this time limit gets through fewer"
            if self.by_time
            else "this bounds the memory training needs"
        )
        return (
            f"Trained on {self.count:,} of the {self.table:,} training rows, drawn at random "
            f"(seeded): {why}. The encoding and the rules were learned from every row. Whoever "
            f"runs Synth Studio can raise the bound ({TRAINING_ROWS_ENV})."
        )


def max_training_rows(config: TrainingConfig, environ: Mapping[str, str] = os.environ) -> int:
    """The most rows a training with ``config`` learns from (the setting, then the time limit)."""
    return _bound(config, environ)[0]


def rows_learned(rows: int, config: TrainingConfig, environ: Mapping[str, str] = os.environ) -> int:
    """How many of a table's ``rows`` a training with ``config`` learns from (for estimates: the
    rows themselves are drawn by ``training_rows``)."""
    return min(rows, max_training_rows(config, environ))


def training_rows(
    rows: int, config: TrainingConfig, environ: Mapping[str, str] = os.environ
) -> TrainingRows:
    """The rows of a table of ``rows`` rows that a training with ``config`` learns from: all of
    them within the bound, else a sample drawn with ``config.seed``."""
    most, by_time = _bound(config, environ)
    if rows <= most:
        return TrainingRows(rows, None, most, by_time)
    rng = np.random.default_rng([config.seed, SAMPLE_SEED])
    positions = np.sort(rng.choice(rows, most, replace=False))
    return TrainingRows(rows, positions, most, by_time)


def _bound(config: TrainingConfig, environ: Mapping[str, str]) -> tuple[int, bool]:
    setting = whole_number_setting(environ, TRAINING_ROWS_ENV)
    if setting is not None and setting < MIN_ROWS:
        raise SynthError(
            f"{TRAINING_ROWS_ENV} must be at least {MIN_ROWS:,} rows; it is {setting:,}. "
            "Set a bigger number, or unset it for the default."
        )
    most = DEFAULT_TRAINING_ROWS if setting is None else setting
    if not config.max_seconds:
        return most, False
    by_time = max(MIN_BUDGET_ROWS, math.ceil(config.max_seconds * ROWS_PER_BUDGET_SECOND))
    return min(most, by_time), by_time < most
