"""The rows a training learns from: every row of a table within the bound, a seeded sample of a
bigger one, the bound set by the setting and by the time limit."""

from __future__ import annotations

import numpy as np
import pytest

from synth_core.config import TrainingConfig
from synth_core.errors import SynthError
from synth_core.training.rows import (
    DEFAULT_TRAINING_ROWS,
    MIN_BUDGET_ROWS,
    ROWS_PER_BUDGET_SECOND,
    TRAINING_ROWS_ENV,
    max_training_rows,
    rows_learned,
    training_rows,
)

NO_SETTING: dict[str, str] = {}


def test_a_table_within_the_bound_trains_on_every_row():
    drawn = training_rows(DEFAULT_TRAINING_ROWS, TrainingConfig(), NO_SETTING)
    assert not drawn.sampled and drawn.positions is None
    assert drawn.count == DEFAULT_TRAINING_ROWS


def test_a_bigger_table_trains_on_a_seeded_sample_kept_in_its_order():
    setting = {TRAINING_ROWS_ENV: "1000"}
    drawn = training_rows(5000, TrainingConfig(seed=3), setting)
    again = training_rows(5000, TrainingConfig(seed=3), setting)
    other = training_rows(5000, TrainingConfig(seed=4), setting)

    assert drawn.sampled and drawn.count == 1000
    assert np.array_equal(drawn.positions, np.unique(drawn.positions))  # sorted, no repeat
    assert drawn.positions.min() >= 0 and drawn.positions.max() < 5000
    assert np.array_equal(drawn.positions, again.positions)
    assert not np.array_equal(drawn.positions, other.positions)


def test_a_time_limit_bounds_the_rows_by_its_seconds_but_never_below_a_floor():
    quick = TrainingConfig(max_seconds=20.0)
    assert max_training_rows(quick, NO_SETTING) == 20 * ROWS_PER_BUDGET_SECOND
    assert training_rows(10**7, quick, NO_SETTING).by_time
    assert max_training_rows(TrainingConfig(max_seconds=0.5), NO_SETTING) == MIN_BUDGET_ROWS
    assert max_training_rows(TrainingConfig(), NO_SETTING) == DEFAULT_TRAINING_ROWS


def test_the_setting_sets_the_bound_and_a_time_limit_only_lowers_it():
    assert max_training_rows(TrainingConfig(), {TRAINING_ROWS_ENV: "3,000,000"}) == 3_000_000
    quick = TrainingConfig(max_seconds=20.0)
    assert max_training_rows(quick, {TRAINING_ROWS_ENV: "200000"}) == 200_000
    assert not training_rows(10**7, quick, {TRAINING_ROWS_ENV: "200000"}).by_time


@pytest.mark.parametrize("value", ["5", "many"])
def test_a_setting_that_is_too_small_or_not_a_number_is_refused_by_name(value):
    with pytest.raises(SynthError, match=TRAINING_ROWS_ENV):
        max_training_rows(TrainingConfig(), {TRAINING_ROWS_ENV: value})


def test_the_sentence_says_how_many_rows_of_how_many_and_why():
    by_time = training_rows(10**6, TrainingConfig(max_seconds=4.0), NO_SETTING).sentence()
    assert by_time.startswith("Trained on 100,000 of the 1,000,000 training rows")
    assert "time limit" in by_time and TRAINING_ROWS_ENV in by_time
    by_memory = training_rows(500, TrainingConfig(), {TRAINING_ROWS_ENV: "100"}).sentence()
    assert "Trained on 100 of the 500 training rows" in by_memory and "memory" in by_memory


def test_an_estimate_counts_the_rows_learned_not_a_big_tables_every_row():
    quick = TrainingConfig(max_seconds=20.0)
    assert rows_learned(10**7, quick, NO_SETTING) == max_training_rows(quick, NO_SETTING)
    assert rows_learned(26_000, quick, NO_SETTING) == 26_000
