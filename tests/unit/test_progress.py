"""The live progress record: time left and fraction done, with and without a time limit."""

from __future__ import annotations

import pytest

from synth_core import training
from synth_core.training import FINISHED, TrainingProgress


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(training.time, "monotonic", lambda: now[0])
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
    progress.finish(FINISHED)
    clock[0] += 50.0
    snap = progress.snapshot()
    assert snap.eta is None
    assert snap.elapsed == pytest.approx(5.0)
    assert snap.fraction == 1.0
