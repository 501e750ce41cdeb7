"""The training loop: epochs of discriminator and generator steps on a ``GanCore``.

``train`` takes the steps, copies their metrics into the ``TrainingProgress`` record (turning
non-finite losses into a plain message and keeping the loss-based health warnings of
``synth_core.training.health`` up to date), and leaves everything else to the callbacks of
``synth_core.training.callbacks``: the stop event, the accuracy probe, the fidelity checks with
keep-best and early stopping, and the time limit.
"""

from __future__ import annotations

import threading
import time

import torch

from synth_core.config import TrainingConfig
from synth_core.errors import Stopped, TrainingError
from synth_core.models.core import GanCore
from synth_core.training import health
from synth_core.training.callbacks import FidelityEstimate, Hooks, Run, standard_callbacks
from synth_core.training.progress import RunState, TrainingProgress

FLUSH_SECONDS = 0.25  # how often step metrics are copied off the device into the record


def batch_rows(config: TrainingConfig, rows: int, pac: int) -> int:
    """Rows per training step: ``config.batch_size``, at most the table, small enough for
    ``config.min_steps_per_epoch`` steps per epoch, and a whole number of ``pac`` groups."""
    batch = min(config.batch_size, rows, rows // max(config.min_steps_per_epoch, 1))
    return max(pac, batch // pac * pac)


def train(
    core: GanCore,
    config: TrainingConfig,
    progress: TrainingProgress,
    stop: threading.Event | None = None,
    fidelity: FidelityEstimate | None = None,
    probe: torch.Tensor | None = None,
) -> RunState:
    """Train ``core`` for ``config.epochs``; return FINISHED, or STOPPED when ``stop`` was set
    after the first step, with what the steps so far learned, as a time limit reached within
    the first epoch keeps it (set before any step, it raises ``Stopped``: nothing was learned).

    ``probe``: real rows in matrix form that ``core`` does not train on (see
    ``callbacks.hold_back``); the discriminator's accuracy is measured on them every
    ``callbacks.PROBE_EVERY`` steps. Raises ``TrainingError`` when the losses stop being finite
    numbers.
    """
    run = _start(core, config, progress)
    hooks = Hooks(standard_callbacks(config, core.pac, stop, fidelity, probe))
    for hook in hooks.train_start:
        hook(run)
    run.started = time.monotonic()
    state = _epochs(run, hooks)
    for hook in hooks.train_end:
        hook(run)
    if state == RunState.STOPPED and run.step == 0:
        raise Stopped("Stopped on request before the first step: no model was made.")
    progress.finish(state)
    return state


def _start(core: GanCore, config: TrainingConfig, progress: TrainingProgress) -> Run:
    n_rows = core.data.shape[0]
    batch = batch_rows(config, n_rows, core.pac)
    steps_per_epoch = max(1, n_rows // batch)
    progress.start(config.epochs, steps_per_epoch, str(core.device), config.max_seconds)
    if batch < min(config.batch_size, n_rows) // core.pac * core.pac:
        progress.note(
            f"The table is small, so each training step looks at {batch} rows instead of "
            f"{config.batch_size}: the model gets {steps_per_epoch} steps per pass over it."
        )
    return Run(core, config, progress, batch, steps_per_epoch)


def _epochs(run: Run, hooks: Hooks) -> RunState:
    core, discriminator_steps = run.core, run.config.discriminator_steps
    for epoch in range(1, run.config.epochs + 1):
        run.epoch = epoch
        core.set_progress(run.fraction())
        steps = StepRecord(run)
        for _ in range(run.steps_per_epoch):
            if any(hook(run) for hook in hooks.step_start):
                steps.flush()
                return RunState.FINISHED if run.time_up else RunState.STOPPED
            steps.add(core.step(run.batch, discriminator_steps))
            run.step += 1
            for hook in hooks.step_end:
                hook(run)
            steps.flush_if_due()
        steps.flush()
        run.progress.end_epoch(epoch, steps.epoch_means())
        if any(hook(run) for hook in hooks.epoch_end):
            break
    return RunState.FINISHED


class StepRecord:
    """One epoch's step metrics: kept on the device, then copied into the progress record in
    one sync at most every ``FLUSH_SECONDS``, with the accuracy measures waiting in
    ``Run.judged``; summed for the epoch's means."""

    def __init__(self, run: Run):
        self.run = run
        self.buffer: dict[str, list[torch.Tensor]] = {}
        self.sums: dict[str, float] = {}
        self.pending = 0
        self.last_flush = time.monotonic()

    def add(self, metrics: dict[str, torch.Tensor]) -> None:
        for name, value in metrics.items():
            self.buffer.setdefault(name, []).append(value)
        self.pending += 1

    def flush_if_due(self) -> None:
        if time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()
            self.last_flush = time.monotonic()

    def epoch_means(self) -> dict[str, float]:
        return {k: v / self.run.steps_per_epoch for k, v in self.sums.items()}

    def flush(self) -> None:
        """Copy the buffered metrics off the device (one sync), check they are finite, and
        update the loss-based health warnings."""
        progress, judged = self.run.progress, self.run.judged
        if judged:
            values = torch.stack(
                [torch.stack([m["real_accuracy"], m["fake_accuracy"]]) for _, m in judged]
            ).cpu()
            progress.add_accuracy(
                [(step, *pair) for (step, _), pair in zip(judged, values.tolist(), strict=True)]
            )
            judged.clear()
        if not self.pending:
            return
        names = list(self.buffer)
        values = torch.stack([torch.stack(self.buffer[name]) for name in names]).float().cpu()
        if not torch.isfinite(values).all():
            raise TrainingError(
                "Training became unstable: the losses stopped being numbers. Try lower learning "
                "rates, a smaller batch size, or the VAE-GAN model type."
            )
        rows = {name: values[i].tolist() for i, name in enumerate(names)}
        for name, series in rows.items():
            self.sums[name] = self.sums.get(name, 0.0) + sum(series)
        progress.add_steps(rows, self.pending, self.pending * self.run.batch)
        self.buffer.clear()
        self.pending = 0
        step, tails, accuracy = progress.recent(health.SWING_WINDOW)
        progress.set_warnings(health.LOSS_KEYS, health.loss_warnings(tails, accuracy, step))
