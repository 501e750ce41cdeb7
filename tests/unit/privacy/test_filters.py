"""The near-copy filter: planted copies and near copies are removed, new rows are kept."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from synth_core.errors import DataError
from synth_core.evaluation.evaluate import evaluate
from synth_core.privacy.distances import CloseSearch
from synth_core.privacy.filters import CopyRule, near_copy_filter
from synth_core.reporting.report import html_report
from synth_core.tables.hashing import row_hashes
from tests.helpers import make_mixed_frame


@pytest.fixture(scope="module")
def planted():
    train = make_mixed_frame(400, seed=0)
    holdout = make_mixed_frame(200, seed=1)
    near = train.iloc[10:20].copy()
    near["amount"] = near["amount"] + 0.01
    fresh = make_mixed_frame(200, seed=2)
    synthetic = pd.concat([train.iloc[:10], near, fresh], ignore_index=True)
    return train, holdout, synthetic


def test_copies_and_near_copies_are_removed_new_rows_kept(planted, mixed_schema) -> None:
    train, holdout, synthetic = planted
    near = near_copy_filter(train, holdout, mixed_schema.included)
    mask = near.mask(synthetic)

    assert near.threshold > 0
    assert mask[:20].all()  # the ten copies and the ten nudged copies
    assert mask[20:].mean() < 0.15  # about the quantile's share of genuinely new rows
    kept, removed = near.apply(synthetic)
    assert removed == mask.sum() and len(kept) == len(synthetic) - removed


def test_the_threshold_is_the_holdout_quantile(planted, mixed_schema) -> None:
    train, holdout, _ = planted
    low = near_copy_filter(train, holdout, mixed_schema.included, quantile=0.01)
    high = near_copy_filter(train, holdout, mixed_schema.included, quantile=0.5)

    assert 0 < low.threshold < high.threshold
    share = near_copy_filter(train, holdout, mixed_schema.included, quantile=0.5).mask(holdout)
    assert share.mean() == pytest.approx(0.5, abs=0.02)


def test_generation_reports_and_applies_the_filter(trained, planted, mixed_schema) -> None:
    train, holdout, _ = planted
    synth = trained("ctgan")
    near = near_copy_filter(train, holdout, mixed_schema.included, quantile=0.3)
    result = synth.generate(300, seed=0, near_copies=near)

    assert len(result.frame) == 300 and result.near_copies_removed > 0
    assert not near.mask(result.frame).any()
    points = near.space.embed(train[near.columns])
    everything = dataclasses.replace(near, search=CloseSearch(points, near.space.discrete, np.inf))
    with pytest.raises(DataError, match="copy of a rare real row or a near copy"):
        synth.generate(10, seed=0, near_copies=everything)


def test_too_small_a_holdout_is_refused(planted, mixed_schema) -> None:
    train, holdout, _ = planted
    with pytest.raises(DataError, match="never saw"):
        near_copy_filter(train, holdout.iloc[:5], mixed_schema.included)
    with pytest.raises(DataError, match="between 0 and 1"):
        near_copy_filter(train, holdout, mixed_schema.included, quantile=1.5)


def test_the_report_states_the_guarantee_and_the_filters(planted, mixed_schema) -> None:
    train, holdout, synthetic = planted
    evaluation = evaluate(train, synthetic, mixed_schema, holdout=holdout, seed=0)
    facts = {
        "Differential privacy": "Differentially private: ε = 2.98 spent (target 3)",
        "Filters": "Filters: 10 exact copies of real rows removed; 7 near copies removed.",
    }

    plain = html_report(evaluation)
    private = html_report(evaluation, privacy_facts=facts)
    assert "no formal guarantee" in plain and "ε = 2.98" not in plain
    assert "ε = 2.98 spent" in private and "7 near copies removed" in private
    assert "no formal guarantee" not in private


def test_copies_of_rare_rows_are_caught_and_copies_of_common_rows_are_not() -> None:
    train = pd.DataFrame(
        {"colour": ["red"] * 6 + ["blue", "green", "green"], "size": [1] * 6 + [2, 3, 3]}
    )
    rule = CopyRule.from_frame(train)
    made = pd.DataFrame(
        {"colour": ["red", "blue", "green", "red", "pink"], "size": [1.0, 2.0, 3.0, 2.0, 1.0]}
    )

    rare, common = rule.masks(made)

    assert rule.rare_below == 5
    assert rare.tolist() == [False, True, True, False, False]  # shared by 1 and 2 real rows
    assert common.tolist() == [True, False, False, False, False]  # shared by 6 real rows
    assert rule.shared_by(row_hashes(made)).tolist() == [6, 1, 2, 0, 0]
