"""The live record of a run that other threads read, and the states a run goes through.

``TrainingProgress`` is the lock-protected record that the training loop writes and the app's
live charts and the command line's progress bar read through ``snapshot()``. ``RunState`` names
every state of a run, of the job around it and of a model; its values are the plain words saved
and compared before it existed. Nothing here imports torch.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from dataclasses import dataclass, field

from synth_core.training import health
from synth_core.training.health import HealthWarning

log = logging.getLogger(__name__)


class RunState(enum.StrEnum):
    """Where a training run, the job around it, or a model stands."""

    QUEUED = "queued"  # a job waiting for a free training slot
    PENDING = "pending"  # the record exists; training has not started
    RUNNING = "running"
    FINISHED = "finished"  # at its last epoch, an early stop or the time limit
    STOPPED = "stopped"  # on request; a model that learned something keeps it
    FAILED = "failed"
    LOADED = "loaded"  # a model read from a file, whose run is not known

    @property
    def done(self) -> bool:
        """True once the run has ended: finished, stopped or failed."""
        return self in (RunState.FINISHED, RunState.STOPPED, RunState.FAILED)


@dataclass(frozen=True)
class ProgressSnapshot:
    """A consistent copy of a run's progress at one moment."""

    state: RunState
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
    #: (step, accuracy on held-back real rows, accuracy on synthetic rows), every
    #: ``callbacks.PROBE_EVERY`` steps
    accuracy: tuple[tuple[int, float, float], ...] = ()
    warnings: tuple[HealthWarning, ...] = ()  # what looks wrong now, in health.ORDER
    rows_seen: int = 0  # training rows the steps have looked at (a row may count twice)
    stage: str = ""  # what the run is doing now, in words: "preparing: ...", "training"

    @property
    def fraction(self) -> float:
        """How far the run is, 0 to 1: by steps, or by time when a time limit comes first."""
        by_steps = min(1.0, self.step / self.total_steps) if self.total_steps else 0.0
        if self.time_limit:
            return max(by_steps, min(1.0, self.elapsed / self.time_limit))
        return by_steps

    @property
    def done(self) -> bool:
        return RunState(self.state).done


@dataclass(frozen=True)
class Estimate:
    """A fidelity estimate (0..1) and the warning the rows generated for it gave, if any."""

    score: float
    warning: HealthWarning | None = None


@dataclass
class TrainingProgress:
    """Written by the training thread, read by any thread through ``snapshot()``."""

    total_epochs: int = 0
    steps_per_epoch: int = 0
    device: str = "cpu"
    time_limit: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _state: RunState = RunState.PENDING
    _message: str = ""
    _stage: str = ""
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
            self._state, self._started, self._ended = RunState.RUNNING, time.monotonic(), None
            self._stage = "training"
            self._epoch = self._step = self._rows_seen = 0
            self._steps, self._epochs, self._fidelity = {}, {}, []
            self._accuracy, self._warnings = [], {}

    def set_stage(self, text: str) -> None:
        """Say what the run is doing before training starts ("preparing: ...")."""
        with self._lock:
            self._stage = text

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

    def finish(self, state: RunState, message: str = "") -> None:
        with self._lock:
            self._state, self._message = state, message
            self._ended = self._ended or time.monotonic()

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            now = self._ended or time.monotonic()
            elapsed = now - self._started if self._started else 0.0
            total_steps = self.total_epochs * self.steps_per_epoch
            eta = None
            if self._state == RunState.RUNNING and self._step:
                eta = elapsed / self._step * max(0, total_steps - self._step)
            if self._state == RunState.RUNNING and self.time_limit:
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
                rows_seen=self._rows_seen,
                stage=self._stage,
            )
