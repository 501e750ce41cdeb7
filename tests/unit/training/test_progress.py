"""The live progress record: time left and fraction done, with and without a time limit."""

from __future__ import annotations

import pytest

from synth_core.training import progress as progress_module
from synth_core.training.progress import RunState, TrainingProgress


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: now[0])
    return now


def test_time_left_comes_from_steps_without_a_limit(clock: list[float]) -> None:
    progress = TrainingProgress()
    progress.start(total_epochs=10, steps_per_epoch=100, device="cpu")
    clock[0] += 20.0
    progress.add_steps({"generator_loss": [0.0] * 10}, steps=10, rows_seen=5000)
    snap = progress.snapshot()
    assert snap.fraction == pytest.approx(0.01)
    assert snap.eta == pytest.approx(20.0 / 10 * 990)
    assert snap.rows_per_second == pytest.approx(250.0)


def test_a_time_limit_that_comes_first_sets_fraction_and_time_left(clock: list[float]) -> None:
    progress = TrainingProgress()
    progress.start(total_epochs=10, steps_per_epoch=100, device="cpu", time_limit=30.0)
    clock[0] += 20.0
    progress.add_steps({"generator_loss": [0.0] * 10}, steps=10, rows_seen=5000)
    snap = progress.snapshot()
    assert snap.fraction == pytest.approx(20 / 30)
    assert snap.eta == pytest.approx(10.0)


def test_a_finished_run_has_no_time_left_and_stops_its_clock(clock: list[float]) -> None:
    progress = TrainingProgress()
    progress.start(total_epochs=1, steps_per_epoch=10, device="cpu", time_limit=30.0)
    clock[0] += 5.0
    progress.add_steps({"generator_loss": [0.0] * 10}, steps=10, rows_seen=100)
    progress.finish(RunState.FINISHED)
    clock[0] += 50.0
    snap = progress.snapshot()
    assert snap.eta is None
    assert snap.elapsed == pytest.approx(5.0)
    assert snap.fraction == 1.0


def test_accuracy_and_warnings_are_recorded_and_a_warning_can_clear() -> None:
    from synth_core.training.health import HealthWarning

    progress = TrainingProgress()
    progress.start(total_epochs=1, steps_per_epoch=30, device="cpu")
    progress.add_steps({"generator_loss": [0.0] * 30}, steps=30, rows_seen=300)
    progress.add_accuracy([(10, 1.0, 0.5), (20, 0.75, 0.5), (30, 0.5, 0.5)])
    stuck = HealthWarning("vanishing_gradients", "t", "s.", "a.")
    progress.set_warnings(("vanishing_gradients", "oscillation"), [stuck])
    snap = progress.snapshot()
    assert snap.accuracy == ((10, 1.0, 0.5), (20, 0.75, 0.5), (30, 0.5, 0.5))
    assert snap.warnings == (stuck,)
    step, tails, accuracy = progress.recent(15)
    assert (
        step == 30
        and len(tails["generator_loss"]) == 15
        and accuracy == [(20, 0.75, 0.5), (30, 0.5, 0.5)]
    )
    progress.set_warnings(("vanishing_gradients", "oscillation"), [])
    assert progress.snapshot().warnings == ()


def test_progress_line_tells_the_cli_the_same_story() -> None:
    from synth_core.cli import progress_line

    progress = TrainingProgress()
    progress.start(total_epochs=4, steps_per_epoch=10, device="cpu")
    progress.add_steps({"generator_loss": [1.5], "discriminator_loss": [-0.25]}, 1, 10)
    progress.add_accuracy([(10, 0.62, 0.48)])
    progress.add_fidelity(1, 0.81, best=True)
    line = progress_line(progress.snapshot())
    assert line.startswith("epoch 0/4  G +1.500  D -0.250")
    assert "D right 62 % real / 48 % synthetic" in line and "quality 81 %" in line
    assert "10 rows seen" in line


def test_the_stage_says_what_the_run_does_before_and_during_training() -> None:
    progress = TrainingProgress()
    progress.set_stage("preparing: encoding 1,000 rows")
    assert progress.snapshot().stage == "preparing: encoding 1,000 rows"
    progress.start(total_epochs=4, steps_per_epoch=10, device="cpu")
    progress.add_steps({"likelihood_loss": [1.5]}, 2, 1_000)
    snap = progress.snapshot()
    assert (snap.stage, snap.rows_seen) == ("training", 1_000)
