"""The holdout split: disjoint, complete, seeded, 20 % by default, stratified when possible."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from synth_core.errors import DataError
from synth_core.tables import MIN_ROWS
from synth_core.tables.split import DEFAULT_FRACTION, holdout_split


def table(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": np.arange(rows),
            "label": rng.choice(["yes", "no"], rows, p=[0.1, 0.9]),
            "value": rng.normal(size=rows),
        }
    )


def test_the_parts_are_disjoint_and_cover_every_row():
    frame = table(203)
    train, holdout = holdout_split(frame)
    assert DEFAULT_FRACTION == 0.2
    assert len(holdout) == math.ceil(0.2 * 203)
    assert len(train) + len(holdout) == 203
    assert not set(train["id"]) & set(holdout["id"])
    assert set(train["id"]) | set(holdout["id"]) == set(frame["id"])
    assert list(train.index) == list(range(len(train)))  # fresh index
    assert list(train.columns) == list(frame.columns)


def test_the_same_seed_gives_the_same_split():
    frame = table()
    first = holdout_split(frame, seed=3)[1]["id"].tolist()
    assert holdout_split(frame, seed=3)[1]["id"].tolist() == first
    assert holdout_split(frame, seed=4)[1]["id"].tolist() != first


def test_fraction_zero_keeps_every_row_for_training():
    frame = table()
    train, holdout = holdout_split(frame, 0)
    assert len(train) == len(frame) and len(holdout) == 0
    assert list(holdout.columns) == list(frame.columns)


def test_stratified_split_keeps_the_class_shares():
    frame = table(500)
    _, holdout = holdout_split(frame, 0.2, seed=1, stratify="label")
    expected = (frame["label"] == "yes").sum() * 0.2
    assert abs((holdout["label"] == "yes").sum() - expected) <= 1


def test_stratify_falls_back_when_a_class_is_too_small():
    frame = table(100)
    frame.loc[0, "label"] = "only once"
    train, holdout = holdout_split(frame, 0.2, stratify="label")
    assert len(holdout) == 20 and len(train) == 80


def test_missing_labels_form_their_own_class():
    frame = table(100)
    frame.loc[:9, "label"] = None
    _, holdout = holdout_split(frame, 0.2, stratify="label")
    assert holdout["label"].isna().sum() == 2


def test_too_few_rows_left_to_learn_from_is_a_plain_error():
    frame = table(MIN_ROWS + 2)
    with pytest.raises(DataError, match=r"leaves .* to learn from"):
        holdout_split(frame, 0.5)
    assert len(holdout_split(frame, 0.05)[0]) >= MIN_ROWS


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5, float("nan"), "0.2", True])
def test_a_bad_fraction_is_refused(fraction):
    with pytest.raises(DataError, match="holdout share"):
        holdout_split(table(), fraction)


def test_an_unknown_stratify_column_is_refused():
    with pytest.raises(DataError, match="nosuch"):
        holdout_split(table(), 0.2, stratify="nosuch")
