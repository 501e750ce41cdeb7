"""The training loop and the live record of a run that other threads read.

``train`` runs epochs of discriminator and generator steps on a ``GanCore``; it checks a stop event
every step, turns non-finite losses into a plain message, measures the discriminator's accuracy
on held-back rows every ``PROBE_EVERY`` steps, estimates fidelity every few epochs, keeps the
best generator, can stop early, and keeps the health warnings of
``synth_core.training.health`` up to date. ``TrainingProgress`` is the lock-protected record
that the app's live charts and the command line's progress bar read.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError
from synth_core.models.core import GanCore
from synth_core.training import health
from synth_core.training.health import HealthWarning

log = logging.getLogger(__name__)

PENDING, RUNNING, FINISHED, STOPPED, FAILED = "pending", "running", "finished", "stopped", "failed"
FLUSH_SECONDS = 0.25  # how often step metrics are copied off the device into the record
PROBE_EVERY = 10  # steps between two measures of the discriminator's accuracy
PROBE_ROWS = 256  # real rows held back from training to measure it on (at most a tenth)
PROBE_SEED = 7919  # added to the run's seed for the probe's own random numbers


@dataclass(frozen=True)
class ProgressSnapshot:
    """A consistent copy of a run's progress at one moment."""

    state: str
    epoch: int
    total_epochs: int
    step: int
    total_steps: int
    elapsed: float
    eta: float | None
    rows_per_second: float
    device: str
    message: str
    notes: tuple[str, ...]
    steps: dict[str, tuple[float, ...]]  # metric name -> one value per step
    epochs: dict[str, tuple[float, ...]]  # metric name -> one value per finished epoch
    fidelity: tuple[tuple[int, float], ...]  # (epoch, estimate) pairs
    best_epoch: int | None
    time_limit: float | None = None  # seconds; a run ends at its last epoch or here
    #: (step, accuracy on held-back real rows, accuracy on synthetic rows), every PROBE_EVERY steps
    accuracy: tuple[tuple[int, float, float], ...] = ()
    warnings: tuple[HealthWarning, ...] = ()  # what looks wrong now, in health.ORDER

    @property
    def fraction(self) -> float:
        """How far the run is, 0 to 1: by steps, or by time when a time limit comes first."""
        by_steps = min(1.0, self.step / self.total_steps) if self.total_steps else 0.0
        if self.time_limit:
            return max(by_steps, min(1.0, self.elapsed / self.time_limit))
        return by_steps

    @property
    def done(self) -> bool:
        return self.state in (FINISHED, STOPPED, FAILED)


@dataclass
class TrainingProgress:
    """Written by the training thread, read by any thread through ``snapshot()``."""

    total_epochs: int = 0
    steps_per_epoch: int = 0
    device: str = "cpu"
    time_limit: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _state: str = PENDING
    _message: str = ""
    _notes: list[str] = field(default_factory=list)
    _epoch: int = 0
    _step: int = 0
    _rows_seen: int = 0
    _started: float | None = None
    _ended: float | None = None
    _steps: dict[str, list[float]] = field(default_factory=dict)
    _epochs: dict[str, list[float]] = field(default_factory=dict)
    _fidelity: list[tuple[int, float]] = field(default_factory=list)
    _best_epoch: int | None = None
    _accuracy: list[tuple[int, float, float]] = field(default_factory=list)
    _warnings: dict[str, HealthWarning] = field(default_factory=dict)

    def start(
        self,
        total_epochs: int,
        steps_per_epoch: int,
        device: str,
        time_limit: float | None = None,
    ) -> None:
        with self._lock:
            self.total_epochs, self.steps_per_epoch = total_epochs, steps_per_epoch
            self.device, self.time_limit = device, time_limit
            self._state, self._started, self._ended = RUNNING, time.monotonic(), None
            self._epoch = self._step = self._rows_seen = 0
            self._steps, self._epochs, self._fidelity = {}, {}, []
            self._accuracy, self._warnings = [], {}

    def note(self, text: str) -> None:
        """A remark for the user (for example a fallback to the CPU)."""
        with self._lock:
            self._notes.append(text)
        log.info(text)

    def add_steps(self, rows: dict[str, list[float]], steps: int, rows_seen: int) -> None:
        with self._lock:
            for name, values in rows.items():
                self._steps.setdefault(name, []).extend(values)
            self._step += steps
            self._rows_seen += rows_seen

    def add_accuracy(self, points: list[tuple[int, float, float]]) -> None:
        """Record (step, accuracy on real rows, accuracy on synthetic rows) measures."""
        with self._lock:
            self._accuracy.extend(points)

    def set_warnings(self, keys: tuple[str, ...], found: list[HealthWarning]) -> None:
        """Replace the warnings of the detectors named by ``keys`` with ``found``: a warning
        that no longer holds clears."""
        with self._lock:
            for key in keys:
                self._warnings.pop(key, None)
            for warning in found:
                self._warnings[warning.key] = warning

    def recent(
        self, steps: int
    ) -> tuple[int, dict[str, list[float]], list[tuple[int, float, float]]]:
        """(steps so far, the last ``steps`` values of each step metric, the accuracy measures
        of those steps): what the health checks read, without copying the whole run."""
        with self._lock:
            tails = {name: values[-steps:] for name, values in self._steps.items()}
            first = self._step - steps
            points = [point for point in self._accuracy[-steps:] if point[0] > first]
            return self._step, tails, points

    def end_epoch(self, epoch: int, metrics: dict[str, float]) -> None:
        with self._lock:
            self._epoch = epoch
            for name, value in metrics.items():
                self._epochs.setdefault(name, []).append(value)

    def add_fidelity(self, epoch: int, value: float, best: bool) -> None:
        with self._lock:
            self._fidelity.append((epoch, value))
            if best:
                self._best_epoch = epoch

    def finish(self, state: str, message: str = "") -> None:
        with self._lock:
            self._state, self._message = state, message
            self._ended = self._ended or time.monotonic()

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            now = self._ended or time.monotonic()
            elapsed = now - self._started if self._started else 0.0
            total_steps = self.total_epochs * self.steps_per_epoch
            eta = None
            if self._state == RUNNING and self._step:
                eta = elapsed / self._step * max(0, total_steps - self._step)
            if self._state == RUNNING and self.time_limit:
                until_limit = max(0.0, self.time_limit - elapsed)
                eta = until_limit if eta is None else min(eta, until_limit)
            return ProgressSnapshot(
                state=self._state,
                epoch=self._epoch,
                total_epochs=self.total_epochs,
                step=self._step,
                total_steps=total_steps,
                elapsed=elapsed,
                eta=eta,
                rows_per_second=self._rows_seen / elapsed if elapsed > 0 else 0.0,
                device=self.device,
                message=self._message,
                notes=tuple(self._notes),
                steps={k: tuple(v) for k, v in self._steps.items()},
                epochs={k: tuple(v) for k, v in self._epochs.items()},
                fidelity=tuple(self._fidelity),
                best_epoch=self._best_epoch,
                time_limit=self.time_limit,
                accuracy=tuple(self._accuracy),
                warnings=tuple(self._warnings[k] for k in health.ORDER if k in self._warnings),
            )


@dataclass(frozen=True)
class Estimate:
    """A fidelity estimate (0..1) and the warning the rows generated for it gave, if any."""

    score: float
    warning: HealthWarning | None = None


FidelityEstimate = Callable[[GanCore], float | Estimate]


def hold_back(matrix: np.ndarray, seed: int, pac: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(the rows to train on, the rows held back to measure the discriminator's accuracy on).

    At most ``PROBE_ROWS`` rows and a tenth of the table, a whole number of ``pac`` groups, drawn
    with ``seed``; a table too small to spare a group keeps every row and has no held-back rows.
    """
    size = min(PROBE_ROWS, len(matrix) // 10) // pac * pac
    if size == 0:
        return matrix, None
    held = np.random.default_rng([seed, PROBE_SEED]).choice(len(matrix), size, replace=False)
    keep = np.ones(len(matrix), dtype=bool)
    keep[held] = False
    return matrix[keep], matrix[np.sort(held)]


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
) -> str:
    """Train ``core`` for ``config.epochs``; return FINISHED or STOPPED.

    ``probe``: real rows in matrix form that ``core`` does not train on (see ``hold_back``); the
    discriminator's accuracy is measured on them every ``PROBE_EVERY`` steps.
    Raises ``TrainingError`` when the losses stop being finite numbers.
    """
    stop = stop or threading.Event()
    n_rows = core.data.shape[0]
    batch = batch_rows(config, n_rows, core.pac)
    steps_per_epoch = max(1, n_rows // batch)
    progress.start(config.epochs, steps_per_epoch, str(core.device), config.max_seconds)
    if batch < min(config.batch_size, n_rows) // core.pac * core.pac:
        progress.note(
            f"The table is small, so each training step looks at {batch} rows instead of "
            f"{config.batch_size}: the model gets {steps_per_epoch} steps per pass over it."
        )
    best_score, best_state, stale = -math.inf, None, 0
    # The probe draws from its own generator, so a run with it repeats a run without it.
    probe_rng = torch.Generator(core.device).manual_seed(config.seed + PROBE_SEED)
    if probe is not None and probe.shape[0] < core.pac:
        probe = None
    started, done = time.monotonic(), 0
    for epoch in range(1, config.epochs + 1):
        fraction = (epoch - 1) / config.epochs
        if config.max_seconds:
            fraction = max(fraction, (time.monotonic() - started) / config.max_seconds)
        core.set_progress(fraction)
        buffer: dict[str, list[torch.Tensor]] = {}
        judged: list[tuple[int, dict[str, torch.Tensor]]] = []
        epoch_sums: dict[str, float] = {}
        pending, last_flush = 0, time.monotonic()
        for _ in range(steps_per_epoch):
            if stop.is_set():
                _flush(progress, buffer, epoch_sums, pending, batch, judged)
                _restore_best(core, best_state, progress)
                progress.note(f"Stopped on request during epoch {epoch}.")
                progress.finish(STOPPED)
                return STOPPED
            metrics = core.step(batch, config.discriminator_steps)
            for name, value in metrics.items():
                buffer.setdefault(name, []).append(value)
            pending, done = pending + 1, done + 1
            if probe is not None and done % PROBE_EVERY == 0:
                judged.append((done, core.judge(probe, probe_rng)))
            if time.monotonic() - last_flush > FLUSH_SECONDS:
                _flush(progress, buffer, epoch_sums, pending, batch, judged)
                pending, last_flush = 0, time.monotonic()
        _flush(progress, buffer, epoch_sums, pending, batch, judged)
        progress.end_epoch(epoch, {k: v / steps_per_epoch for k, v in epoch_sums.items()})
        if core.end_epoch(progress):  # the core's own stopping rule (a validation loss)
            break
        if (
            fidelity is not None
            and config.eval_every
            and (epoch % config.eval_every == 0 or epoch == config.epochs)
        ):
            estimate = fidelity(core)
            if not isinstance(estimate, Estimate):
                estimate = Estimate(float(estimate))
            score = estimate.score
            improved = score > best_score
            progress.add_fidelity(epoch, score, improved and config.keep_best)
            progress.set_warnings(health.SAMPLE_KEYS, [w for w in [estimate.warning] if w])
            plateau = health.plateau(progress.snapshot().fidelity, config.keep_best)
            progress.set_warnings(health.QUALITY_KEYS, [plateau] if plateau else [])
            if improved:
                best_score, stale = score, 0
                if config.keep_best:
                    best_state = copy.deepcopy(core.generator.state_dict())
            else:
                stale += 1
                if config.early_stopping and stale >= config.early_stopping:
                    progress.note(f"Stopped early: quality stopped improving after epoch {epoch}.")
                    break
        if config.max_seconds and time.monotonic() - started > config.max_seconds:
            progress.note(f"Reached the time limit ({config.max_seconds:g} s) after epoch {epoch}.")
            break
    _restore_best(core, best_state, progress)
    progress.finish(FINISHED)
    return FINISHED


def _flush(progress, buffer, epoch_sums, pending, batch, judged) -> None:
    """Copy buffered step metrics off the device (one sync), check they are finite, and update
    the loss-based health warnings."""
    if judged:
        values = torch.stack(
            [torch.stack([m["real_accuracy"], m["fake_accuracy"]]) for _, m in judged]
        ).cpu()
        progress.add_accuracy(
            [(step, *pair) for (step, _), pair in zip(judged, values.tolist(), strict=True)]
        )
        judged.clear()
    if not pending:
        return
    names = list(buffer)
    values = torch.stack([torch.stack(buffer[name]) for name in names]).float().cpu()
    if not torch.isfinite(values).all():
        raise TrainingError(
            "Training became unstable: the losses stopped being numbers. Try lower learning "
            "rates, a smaller batch size, or the VAE-GAN model type."
        )
    rows = {name: values[i].tolist() for i, name in enumerate(names)}
    for name, series in rows.items():
        epoch_sums[name] = epoch_sums.get(name, 0.0) + sum(series)
    progress.add_steps(rows, pending, pending * batch)
    buffer.clear()
    step, tails, accuracy = progress.recent(health.SWING_WINDOW)
    progress.set_warnings(health.LOSS_KEYS, health.loss_warnings(tails, accuracy, step))


def _restore_best(core: GanCore, best_state, progress: TrainingProgress) -> None:
    core.end_training(progress)  # a core may keep its own best weights (a validation loss)
    if best_state is None:
        return
    core.generator.load_state_dict(best_state)
    snap = progress.snapshot()
    if snap.best_epoch is not None and snap.best_epoch != snap.epoch:
        progress.note(
            f"Kept the model from epoch {snap.best_epoch}, which had the best quality estimate."
        )
