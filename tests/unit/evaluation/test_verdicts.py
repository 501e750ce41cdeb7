"""Verdicts: one table of thresholds, levels at and around each bound, the worst of several."""

from __future__ import annotations

import math

import pytest

from synth_core.evaluation.verdicts import (
    LEVELS,
    PRIVACY_PARTS,
    THRESHOLDS,
    Verdict,
    nndr_verdict,
    verdict_for,
    with_detection,
    worst,
)


@pytest.mark.parametrize("key", list(THRESHOLDS))
def test_every_rule_is_ordered_and_complete(key):
    rule = THRESHOLDS[key]
    bounds = [rule.excellent, rule.good, rule.fair]
    assert bounds == sorted(bounds, reverse=rule.higher_is_better)
    assert len(rule.sentences) == len(LEVELS)
    assert all(sentence.endswith(".") for sentence in rule.sentences)


@pytest.mark.parametrize("key", [k for k, r in THRESHOLDS.items() if r.higher_is_better])
def test_higher_is_better_levels_start_at_their_bounds(key):
    rule = THRESHOLDS[key]
    assert verdict_for(key, rule.excellent).level == "excellent"
    assert verdict_for(key, rule.good).level == "good"
    assert verdict_for(key, rule.fair).level == "fair"
    assert verdict_for(key, rule.fair - 1e-6).level == "poor"
    assert verdict_for(key, rule.good - 1e-6).level == "fair"


def test_lower_is_better_for_dcr_and_copies():
    assert verdict_for("dcr", 0.50).level == "excellent"
    assert verdict_for("dcr", 0.58).level == "fair"
    assert verdict_for("dcr", 0.62).level == "poor"  # a model that copied every training row
    assert verdict_for("exact_copies", 0.0).level == "excellent"
    assert verdict_for("exact_copies", 1e-6).level == "poor"  # any copy fails


def test_the_sentence_says_what_to_do_and_takes_a_hint():
    verdict = verdict_for("column_shapes", 0.5, hint="Furthest off: 'age'.")
    assert isinstance(verdict, Verdict)
    assert verdict.title == "Column shapes"
    assert "train longer" in verdict.sentence
    assert verdict.sentence.endswith("Furthest off: 'age'.")
    assert verdict.to_dict() == {
        "level": "poor",
        "title": verdict.title,
        "sentence": verdict.sentence,
    }


def test_a_missing_value_is_poor():
    assert verdict_for("quality", math.nan).level == "poor"


def test_unknown_keys_fail_loudly():
    with pytest.raises(KeyError):
        verdict_for("beauty", 1.0)


def test_worst_keeps_the_lowest_level_and_its_reason():
    parts = [verdict_for("nndr", 0.9), verdict_for("exact_copies", 0.2), verdict_for("dcr", 0.5)]
    combined = worst("Privacy", parts)
    assert combined.level == "poor"
    assert combined.title == "Privacy"
    assert combined.sentence == parts[1].sentence
    assert set(PRIVACY_PARTS) <= set(THRESHOLDS)


def test_a_low_ratio_is_no_sign_of_copying_where_unseen_rows_score_as_low():
    assert nndr_verdict(0.01, None).level == "poor"  # no holdout to compare with
    assert nndr_verdict(0.01, 0.6).level == "poor"  # unseen rows sit among several real ones
    alike = nndr_verdict(0.01, 0.01)  # every row, seen or not, sits on a real one
    assert alike.level == "excellent" and "alike" in alike.sentence
    assert nndr_verdict(0.8, 0.9) == verdict_for("nndr", 0.8)


def test_good_quality_beside_rows_a_classifier_tells_apart_says_so() -> None:
    quality = verdict_for("quality", 0.93)
    detected = verdict_for("detection", 0.97)
    said = with_detection(quality, detected)
    # At most one level above detection's: 'excellent' over 'detection poor' read as if the
    # two scores disagreed.
    assert said.level == "fair" and said.sentence.endswith("whole rows do not all pass as real.")
    assert with_detection(quality, verdict_for("detection", 0.8)).level == "good"
    assert with_detection(verdict_for("quality", 0.85), detected).level == "fair"
    assert with_detection(quality, verdict_for("detection", 0.55)) == quality
    assert with_detection(verdict_for("quality", 0.6), detected) == verdict_for("quality", 0.6)
