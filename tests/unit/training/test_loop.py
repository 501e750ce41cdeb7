"""The loop itself, on a stand-in core whose steps only count: how it calls the hooks, records
the steps and ends."""

from __future__ import annotations

import threading
import time

import pytest
import torch

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError
from synth_core.training.loop import train
from synth_core.training.progress import RunState, TrainingProgress

ROWS, BATCH = 100, 10  # 10 steps an epoch


class CountingCore:
    """What ``train`` uses of a GanCore. Each step moves the (patched) clock on one second."""

    def __init__(self, clock: list[float], losses=None) -> None:
        self.data = torch.zeros(ROWS, 2)
        self.pac = 1
        self.device = torch.device("cpu")
        self.generator = torch.nn.Linear(2, 2)
        self.fractions: list[float] = []
        self.steps = 0
        self.clock = clock
        self.losses = losses or (lambda step: float(step))
        self.on_step = lambda steps: None

    def set_progress(self, fraction: float) -> None:
        self.fractions.append(fraction)

    def end_epoch(self, progress) -> bool:  # no stopping rule of its own, as the GAN types
        return False

    def end_training(self, progress) -> None:
        pass

    def step(self, batch: int, discriminator_steps: int = 1) -> dict[str, torch.Tensor]:
        self.steps += 1
        self.clock[0] += 1.0
        with torch.no_grad():
            for parameter in self.generator.parameters():
                parameter.fill_(float(self.steps))
        self.on_step(self.steps)
        loss = self.losses(self.steps)
        return {"generator_loss": torch.tensor(loss), "discriminator_loss": torch.tensor(-loss)}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    return now


def config(**settings) -> TrainingConfig:
    return TrainingConfig(**{"batch_size": BATCH, "epochs": 4, "eval_every": 0, **settings})


def test_a_plain_run_takes_every_step_and_records_each_epochs_means(clock) -> None:
    core, progress = CountingCore(clock), TrainingProgress()
    assert train(core, config(), progress) is RunState.FINISHED

    snap = progress.snapshot()
    assert snap.state == RunState.FINISHED and snap.step == snap.total_steps == 40
    assert snap.steps["generator_loss"] == tuple(float(s) for s in range(1, 41))
    assert snap.epochs["generator_loss"] == (5.5, 15.5, 25.5, 35.5)
    assert core.fractions == [0.0, 0.25, 0.5, 0.75]
    assert snap.notes == ()


def test_the_learning_rate_schedule_follows_the_time_limit_when_it_comes_first(clock) -> None:
    core = CountingCore(clock)
    train(core, config(epochs=100, max_seconds=25.0), TrainingProgress())
    # 10 s an epoch: the fraction by time (10 / 25, 20 / 25) is ahead of the one by epochs
    assert core.fractions == pytest.approx([0.0, 0.4, 0.8])


def test_the_first_hook_that_ends_the_run_is_the_last_called(clock) -> None:
    scores = iter([0.9, 0.5])
    core, progress = CountingCore(clock), TrainingProgress()
    # Epoch 2 is both the second estimate without a better one and past the time limit.
    settings = {"eval_every": 1, "early_stopping": 1, "max_seconds": 19.0}
    state = train(core, config(**settings), progress, fidelity=lambda c: next(scores))

    snap = progress.snapshot()
    assert state is RunState.FINISHED and snap.epoch == 2
    assert snap.notes == (
        "Stopped early: quality stopped improving after epoch 2.",
        "Kept the model from epoch 1, which had the best quality estimate.",
    )
    assert float(core.generator.weight[0, 0].detach()) == 10.0  # the weights after epoch 1


def test_a_stop_ends_the_run_before_the_next_step_after_putting_back_the_best(clock) -> None:
    stop, scores = threading.Event(), iter([0.9, 0.5])
    core, progress = CountingCore(clock), TrainingProgress()
    core.on_step = lambda steps: stop.set() if steps == 23 else None
    state = train(core, config(eval_every=1), progress, stop=stop, fidelity=lambda c: next(scores))

    snap = progress.snapshot()
    assert state is RunState.STOPPED and snap.state == RunState.STOPPED
    assert core.steps == snap.step == 23  # the steps before the stop are all recorded
    assert snap.epoch == 2 and snap.epochs["generator_loss"] == (5.5, 15.5)
    assert snap.notes == (
        "Kept the model from epoch 1, which had the best quality estimate.",
        "Stopped on request during epoch 3.",
    )
    assert float(core.generator.weight[0, 0].detach()) == 10.0


def test_losses_that_stop_being_numbers_end_the_run_with_a_plain_error(clock) -> None:
    core = CountingCore(clock, losses=lambda step: float("nan") if step == 3 else 1.0)
    with pytest.raises(TrainingError, match="losses stopped being numbers"):
        train(core, config(), TrainingProgress())


def test_a_small_table_gets_smaller_steps_and_a_note(clock) -> None:
    progress = TrainingProgress()
    train(CountingCore(clock), config(batch_size=500, min_steps_per_epoch=5), progress)
    snap = progress.snapshot()
    assert snap.total_steps == 4 * 5
    assert snap.notes == (
        "The table is small, so each training step looks at 20 rows instead of 500: the "
        "model gets 5 steps per pass over it.",
    )
