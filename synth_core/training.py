"""The training loop and the live record of a run that other threads read.

``train`` runs epochs of discriminator and generator steps on a ``GanCore``; it checks a stop event
every step, turns non-finite losses into a plain message, estimates fidelity every few epochs,
keeps the best generator and can stop early. ``TrainingProgress`` is the lock-protected record
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

import torch

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError
from synth_core.models.core import GanCore

log = logging.getLogger(__name__)

PENDING, RUNNING, FINISHED, STOPPED, FAILED = "pending", "running", "finished", "stopped", "failed"
FLUSH_SECONDS = 0.25  # how often step metrics are copied off the device into the record


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
            )


FidelityEstimate = Callable[[GanCore], float]


def train(
    core: GanCore,
    config: TrainingConfig,
    progress: TrainingProgress,
    stop: threading.Event | None = None,
    fidelity: FidelityEstimate | None = None,
) -> str:
    """Train ``core`` for ``config.epochs``; return FINISHED or STOPPED.

    Raises ``TrainingError`` when the losses stop being finite numbers.
    """
    stop = stop or threading.Event()
    n_rows = core.data.shape[0]
    batch = max(core.pac, (min(config.batch_size, n_rows) // core.pac) * core.pac)
    steps_per_epoch = max(1, n_rows // batch)
    progress.start(config.epochs, steps_per_epoch, str(core.device), config.max_seconds)
    best_score, best_state, stale = -math.inf, None, 0
    started = time.monotonic()
    for epoch in range(1, config.epochs + 1):
        buffer: dict[str, list[torch.Tensor]] = {}
        epoch_sums: dict[str, float] = {}
        pending, last_flush = 0, time.monotonic()
        for _ in range(steps_per_epoch):
            if stop.is_set():
                _flush(progress, buffer, epoch_sums, pending, batch)
                _restore_best(core, best_state, progress)
                progress.note(f"Stopped on request during epoch {epoch}.")
                progress.finish(STOPPED)
                return STOPPED
            metrics = core.step(batch, config.discriminator_steps)
            for name, value in metrics.items():
                buffer.setdefault(name, []).append(value)
            pending += 1
            if time.monotonic() - last_flush > FLUSH_SECONDS:
                _flush(progress, buffer, epoch_sums, pending, batch)
                pending, last_flush = 0, time.monotonic()
        _flush(progress, buffer, epoch_sums, pending, batch)
        progress.end_epoch(epoch, {k: v / steps_per_epoch for k, v in epoch_sums.items()})
        if (
            fidelity is not None
            and config.eval_every
            and (epoch % config.eval_every == 0 or epoch == config.epochs)
        ):
            score = fidelity(core)
            improved = score > best_score
            progress.add_fidelity(epoch, score, improved)
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


def _flush(progress, buffer, epoch_sums, pending, batch) -> None:
    """Copy buffered step metrics off the device (one sync) and check they are finite."""
    if not pending:
        return
    names = list(buffer)
    values = torch.stack([torch.stack(buffer[name]) for name in names]).float().cpu()
    if not torch.isfinite(values).all():
        raise TrainingError(
            "Training became unstable: the losses stopped being numbers. Try lower learning "
            "rates, a smaller batch size, or the CTGAN model type."
        )
    rows = {name: values[i].tolist() for i, name in enumerate(names)}
    for name, series in rows.items():
        epoch_sums[name] = epoch_sums.get(name, 0.0) + sum(series)
    progress.add_steps(rows, pending, pending * batch)
    buffer.clear()


def _restore_best(core: GanCore, best_state, progress: TrainingProgress) -> None:
    if best_state is None:
        return
    core.generator.load_state_dict(best_state)
    snap = progress.snapshot()
    if snap.best_epoch is not None and snap.best_epoch != snap.epoch:
        progress.note(
            f"Kept the model from epoch {snap.best_epoch}, which had the best quality estimate."
        )
