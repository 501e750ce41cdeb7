"""The report's first screen: alike, useful, private, in plain words, and what to do when one
is poor."""

from __future__ import annotations

import dataclasses

import pytest

from synth_core.evaluation.evaluate import evaluate
from synth_core.evaluation.verdicts import verdict_for
from synth_core.reporting.first_screen import alike, first_screen, private, useful
from tests.evaluation_tables import related_frame, related_schema, shuffled_columns


@pytest.fixture(scope="module")
def close():
    """Rows drawn like the real ones (a second sample of the same table): alike and useful."""
    real = related_frame(400, seed=0)
    return evaluate(
        real,
        related_frame(400, seed=2),
        related_schema(real),
        holdout=related_frame(100, seed=1),
        target="label",
    )


@pytest.fixture(scope="module")
def shuffled():
    """Each column shuffled on its own: relations lost, a useless table."""
    real = related_frame(400, seed=0)
    return evaluate(
        real,
        shuffled_columns(real),
        related_schema(real),
        holdout=related_frame(100, seed=1),
        target="label",
    )


def test_rows_like_the_real_ones_are_alike_and_useful_with_nothing_to_do(close):
    for answer in (alike(close), useful(close)):
        assert answer.level in ("excellent", "good")
        assert answer.what_to_do == ""
    assert "'label'" in useful(close).finding


def test_shuffled_columns_are_not_alike_nor_useful_and_say_what_to_do(shuffled):
    assert alike(shuffled).level in ("fair", "poor")
    assert "Ask the sender to train longer" in alike(shuffled).what_to_do
    assert useful(shuffled).level in ("fair", "poor")
    assert "Do not build models for real use" in useful(shuffled).what_to_do


def test_private_says_there_is_no_formal_guarantee_without_differential_privacy(close):
    assert "No formal guarantee" in private(close, None).finding
    assert private(close, None).question == "Are they private (as measured)?"
    facts = {"Differential privacy": "Differentially private: ε = 2.90 spent. Covers rows."}
    assert "ε = 2.90 spent" in private(close, facts).finding
    assert private(close, facts).question == "Are they private?"


def test_a_poor_privacy_verdict_says_not_to_pass_the_rows_on(close):
    leaky = dict(close.verdicts, privacy=verdict_for("dcr", 0.9))
    answer = private(dataclasses.replace(close, verdicts=leaky), None)
    assert answer.level == "poor" and "Do not pass these rows on" in answer.what_to_do


def test_without_a_column_to_predict_usefulness_is_not_tested(close):
    answer = useful(dataclasses.replace(close, ml_utility=None))
    assert answer.level is None and answer.finding.startswith("No column to predict")


def test_the_screen_shows_three_answers_and_escapes_names(close):
    utility = dataclasses.replace(close.ml_utility, target="<script>x</script>")
    page = first_screen(dataclasses.replace(close, ml_utility=utility))
    assert page.count('class="card"') == 3
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "No synthetic row is a real person's row" in page
