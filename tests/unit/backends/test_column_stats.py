"""Exact per-column statistics and the gap between a real and a synthetic column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.backends.column_stats import OTHER, TOP_CATEGORIES, largest_gap, stats_of


def test_numbers_get_exact_quantiles_and_their_gaps_counted():
    stats = stats_of("x", pd.Series([1.0, 2.0, 3.0, 4.0, np.nan]))
    assert (stats.count, stats.missing, stats.distinct) == (4, 1, 4)
    assert stats.quantiles[0] == 1.0 and stats.quantiles[4] == 2.5 and stats.quantiles[-1] == 4.0
    assert stats.shares is None


def test_a_discrete_column_of_numbers_gets_shares_most_common_first():
    stats = stats_of("flag", pd.Series([1, 0, 1, 1]), discrete=True)
    assert stats.shares == (("1", 0.75), ("0", 0.25))
    assert stats.quantiles is None


def test_rare_categories_beyond_the_most_common_are_one_share():
    values = pd.Series([f"c{i}" for i in range(TOP_CATEGORIES + 5)])
    shares = stats_of("c", values).shares
    assert len(shares) == TOP_CATEGORIES + 1
    assert shares[-1] == (OTHER, pytest.approx(5 / len(values)))


def test_the_gap_is_zero_for_alike_columns_and_grows_with_the_difference():
    real = stats_of("c", pd.Series(["a", "a", "b", "b"]))
    assert largest_gap(real, real) == 0.0
    assert largest_gap(real, stats_of("c", pd.Series(["a", "a", "a", "b"]))) == 0.25
    numbers = stats_of("x", pd.Series(np.arange(101.0)))
    shifted = stats_of("x", pd.Series(np.arange(101.0) + 10))
    assert largest_gap(numbers, shifted) == pytest.approx(0.1)
