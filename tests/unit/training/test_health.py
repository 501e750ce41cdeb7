"""Health detectors on made-up metric series: each problem is found, and plain noise is not."""

from __future__ import annotations

import numpy as np
import pytest

from synth_core.training import health
from synth_core.training.health import RowSummary

STEPS = 600


def noisy(level: float = 1.0, scale: float = 0.3, seed: int = 0, steps: int = STEPS):
    return list(level + np.random.default_rng(seed).normal(0, scale, steps))


def healthy_losses() -> dict[str, list[float]]:
    return {"generator_loss": noisy(1.0, seed=1), "discriminator_loss": noisy(-0.5, seed=2)}


def checks(real: float, fake: float, count: int = 40, last_step: int = STEPS):
    return [(last_step - 10 * i, real, fake) for i in reversed(range(count))]


# ------------------------------------------------------------------------------ losses
def test_noise_around_a_level_warns_of_nothing() -> None:
    assert health.loss_warnings(healthy_losses(), checks(0.55, 0.5), STEPS) == []


def test_nothing_is_judged_during_the_warm_up() -> None:
    losses = {"generator_loss": [0.0] * 100, "discriminator_loss": [1e6] * 100}
    assert health.loss_warnings(losses, checks(1.0, 1.0, 10, 100), 100) == []


def test_a_winning_discriminator_and_a_stuck_generator_is_vanishing_gradients() -> None:
    losses = healthy_losses()
    losses["generator_loss"] = list(np.linspace(2.0, 4.0, STEPS))  # rising: not learning
    found = health.loss_warnings(losses, checks(1.0, 0.98), STEPS)
    assert [w.key for w in found] == ["vanishing_gradients"]
    assert "99 %" in found[0].sentence and found[0].advice


def test_a_winning_discriminator_while_the_generator_improves_is_fine() -> None:
    losses = healthy_losses()
    losses["generator_loss"] = list(np.linspace(4.0, 1.0, STEPS))  # falling fast: learning
    assert health.vanishing_gradients(checks(1.0, 1.0), losses["generator_loss"]) is None


def test_one_check_below_the_bar_breaks_the_run_of_confident_checks() -> None:
    points = checks(1.0, 1.0)
    points[-3] = (points[-3][0], 0.7, 0.6)
    assert health.vanishing_gradients(points, [3.0] * STEPS) is None


def test_losses_swinging_without_trend_are_oscillation() -> None:
    losses = healthy_losses()
    steps = np.arange(STEPS)
    losses["discriminator_loss"] = list(-0.5 + 2.0 * np.sin(steps / 12) + noisy(0, 0.3, 3))
    found = health.loss_warnings(losses, checks(0.6, 0.6), STEPS)
    assert [w.key for w in found] == ["oscillation"]
    assert "discriminator" in found[0].sentence


def held(values: list[float], every: int = 4) -> list[float]:
    """A critic's loss when it learns every ``every``-th step only: the steps in between repeat
    its last value."""
    return [values[i - i % every] for i in range(len(values))]


def test_a_loss_held_between_sparse_critic_updates_is_not_oscillation() -> None:
    losses = healthy_losses()
    losses["discriminator_loss"] = held(noisy(-0.5, 0.3, 5))
    assert health.oscillation(losses) is None


def test_a_held_loss_that_really_swings_is_still_oscillation() -> None:
    losses = healthy_losses()
    steps = np.arange(STEPS)
    swinging = -0.5 + 2.0 * np.sin(steps / 12) + noisy(0, 0.3, 3)
    losses["discriminator_loss"] = held(list(swinging))
    assert health.oscillation(losses) is not None


def test_a_steady_trend_is_not_oscillation() -> None:
    losses = healthy_losses()
    losses["generator_loss"] = list(np.linspace(3.0, -1.0, STEPS) + noisy(0, 0.3, 4))
    assert health.oscillation(losses) is None


def test_a_loss_growing_many_times_its_size_is_divergence() -> None:
    losses = healthy_losses()
    losses["generator_loss"][-60:] = list(np.geomspace(10, 500, 60))
    found = health.loss_warnings(losses, checks(0.6, 0.6), STEPS)
    assert "divergence" in [w.key for w in found]


def test_small_losses_growing_tenfold_stay_below_the_floor() -> None:
    losses = {"generator_loss": [0.01] * 300 + [0.5] * 100}
    assert health.divergence(losses) is None


@pytest.mark.parametrize(
    ("values", "swings"),
    [([0, 1, 2, 3], 0), ([0, 3, 0], 1), ([0, 3, 0, 3, 0], 3), ([0, 1.5, 0.5, 1.6, 0], 0)],
)
def test_swings_count_only_moves_beyond_the_threshold(values, swings) -> None:
    assert health.count_swings(np.array(values, dtype=float), 2.0) == swings


# ------------------------------------------------------------------------------ generated rows
def summary(rows: int, seed: int = 0, repeat: bool = False) -> RowSummary:
    rng = np.random.default_rng(seed)
    age = rng.normal(40, 12, rows)
    colour = rng.choice(np.array(["red", "green", "blue"], dtype=object), rows, p=[0.5, 0.3, 0.2])
    if repeat:
        age, colour = np.full(rows, age[0]), np.full(rows, colour[0], dtype=object)
    return RowSummary.of({"age": (True, age), "colour": (False, colour)})


def test_rows_like_the_real_ones_show_no_collapse() -> None:
    assert health.mode_collapse(summary(2000), summary(2000, seed=1)) is None


def test_one_row_repeated_is_mode_collapse() -> None:
    found = health.mode_collapse(summary(2000), summary(2000, repeat=True))
    assert found is not None and found.key == "mode_collapse"
    assert "100 % of the rows are repeats" in found.sentence
    assert "never appears" in found.sentence and "'age'" in found.sentence


def test_missing_values_count_as_a_category() -> None:
    values = np.array(["a", None, "a", None], dtype=object)
    assert RowSummary.of({"x": (False, values)}).shares["x"] == {"a": 0.5, health.MISSING: 0.5}


# ------------------------------------------------------------------------------ quality
def test_quality_that_stops_rising_gives_a_note() -> None:
    assert health.plateau([(5, 0.6), (10, 0.7), (15, 0.8)]) is None
    rising = [(5, 0.6), (10, 0.7), (15, 0.8), (20, 0.85)]
    assert health.plateau(rising) is None
    flat = [(5, 0.6), (10, 0.8), (15, 0.79), (20, 0.802), (25, 0.75)]
    note = health.plateau(flat)
    assert note is not None and note.level == "info" and "since epoch 10 (80 %)" in note.sentence
    assert "the model from the best check is kept" in note.advice
    latest = health.plateau(flat, keeps_best=False)
    assert "the model as it is now is kept" in latest.advice


def test_a_warning_reads_as_one_line_and_as_json() -> None:
    warning = health.plateau([(1, 0.5), (2, 0.4), (3, 0.4), (4, 0.4)])
    assert warning.text().startswith("More epochs have stopped helping: ")
    assert set(warning.to_dict()) == {"key", "title", "sentence", "advice", "level"}
