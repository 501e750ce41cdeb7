"""Hooks into the training loop: what a run does besides taking steps.

Each ``Callback`` sees the ``Run`` (the core, its config, the progress record and where the run
stands) at a few points of ``synth_core.training.loop.train``:

- ``on_train_start`` once, before the first step;
- ``on_step_start`` before every step: True stops the run now, before that step (a stop, or
  the end of the run when the time limit set ``Run.time_up``);
- ``on_step_end`` after every step;
- ``on_epoch_end`` after each epoch's metrics are recorded: True ends the run after this epoch,
  and the callbacks after the one that said so are not called for it;
- ``on_train_end`` once the steps are over (finished or stopped; not when training failed).

The loop calls them in list order, and only the hooks a callback overrides. The order of
``standard_callbacks`` matters: the fidelity check fills in ``Run.score`` before keep-best and
early stopping read it, and keep-best restores the best model (with its note) before the stop
event notes the stop.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from synth_core.config import TrainingConfig
from synth_core.models.core import GanCore
from synth_core.training import health
from synth_core.training.progress import Estimate, TrainingProgress
from synth_core.wording import duration

PROBE_EVERY = 10  # steps between two measures of the discriminator's accuracy
PROBE_ROWS = 256  # real rows held back from training to measure it on (at most a tenth)
PROBE_SEED = 7919  # added to the run's seed for the probe's own random numbers
COMPACT_ROWS = 65_536  # rows moved at a time by hold_back: bounds its temporary copy
OVERRUN_SHARE = 0.1  # of the time limit: an epoch that would end later is cut short

FidelityEstimate = Callable[[GanCore], float | Estimate]


@dataclass
class Run:
    """A run as the callbacks see it; the loop moves ``epoch`` and ``step`` on."""

    core: GanCore
    config: TrainingConfig
    progress: TrainingProgress
    batch: int  # rows per step
    steps_per_epoch: int
    started: float = 0.0  # time.monotonic() when the first epoch began
    epoch: int = 0  # the epoch under way (1-based)
    step: int = 0  # steps taken in the whole run
    #: (step, accuracy measures still on the device): copied off with the step metrics
    judged: list[tuple[int, dict[str, torch.Tensor]]] = field(default_factory=list)
    score: float | None = None  # this epoch's fidelity estimate; None when none was made
    improved: bool = False  # ``score`` beat every estimate before it
    time_up: bool = False  # the time limit ended the run within an epoch

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def fraction(self) -> float:
        """How far the run is as its current epoch begins, 0 to 1: by epochs, or by time when a
        time limit comes first."""
        fraction = (self.epoch - 1) / self.config.epochs
        if self.config.max_seconds:
            fraction = max(fraction, self.elapsed() / self.config.max_seconds)
        return fraction


class Callback:
    """A hook into ``train``; each method does nothing unless a subclass overrides it."""

    def on_train_start(self, run: Run) -> None:
        pass

    def on_step_start(self, run: Run) -> bool:
        """True: stop the run before this step."""
        return False

    def on_step_end(self, run: Run) -> None:
        pass

    def on_epoch_end(self, run: Run) -> bool:
        """True: end the run after this epoch."""
        return False

    def on_train_end(self, run: Run) -> None:
        pass


class Hooks:
    """The callbacks' methods for each point of the loop, leaving out those that do nothing (so
    a step pays only for the hooks in use)."""

    def __init__(self, callbacks: list[Callback]):
        self.train_start = _overridden(callbacks, "on_train_start")
        self.step_start = _overridden(callbacks, "on_step_start")
        self.step_end = _overridden(callbacks, "on_step_end")
        self.epoch_end = _overridden(callbacks, "on_epoch_end")
        self.train_end = _overridden(callbacks, "on_train_end")


def _overridden(callbacks: list[Callback], name: str) -> list[Callable[[Run], Any]]:
    base = getattr(Callback, name)
    return [getattr(c, name) for c in callbacks if getattr(type(c), name) is not base]


class CoreStoppingRule(Callback):
    """The core's own end of a run and its own best weights (the autoregressive model's
    validation loss; nothing for the GAN types): asked after every epoch, told at the end."""

    def on_epoch_end(self, run: Run) -> bool:
        return run.core.end_epoch(run.progress)

    def on_train_end(self, run: Run) -> None:
        run.core.end_training(run.progress)


class StopEvent(Callback):
    """Stops the run before its next step once ``event`` is set (by another thread)."""

    def __init__(self, event: threading.Event):
        self.event = event
        self.stopped_in: int | None = None  # the epoch the run stopped in

    def on_train_start(self, run: Run) -> None:
        self.stopped_in = None

    def on_step_start(self, run: Run) -> bool:
        if not self.event.is_set():
            return False
        self.stopped_in = run.epoch
        return True

    def on_train_end(self, run: Run) -> None:
        if self.stopped_in is not None:
            run.progress.note(f"Stopped on request during epoch {self.stopped_in}.")


def hold_back(matrix: np.ndarray, seed: int, pac: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(the rows to train on, the rows held back to measure the discriminator's accuracy on).

    At most ``PROBE_ROWS`` rows and a tenth of the table, a whole number of ``pac`` groups, drawn
    with ``seed``; a table too small to spare a group keeps every row and has no held-back rows.
    The rows to train on are a view of ``matrix``, never a copy of it: the kept rows move up over
    the held-back ones a block at a time, in their order (the order a training draws its rows
    from; moving rows out of order changed the trained models), and ``matrix`` is overwritten.
    """
    size = min(PROBE_ROWS, len(matrix) // 10) // pac * pac
    if size == 0:
        return matrix, None
    held = np.sort(np.random.default_rng([seed, PROBE_SEED]).choice(len(matrix), size, False))
    probe = matrix[held]
    keep = np.ones(len(matrix), dtype=bool)
    keep[held] = False
    sources = np.flatnonzero(keep)
    # Each kept row moves to a place at or before its own, so a block read before it is written
    # never overwrites a row that a later block still has to read.
    for start in range(0, len(sources), COMPACT_ROWS):
        block = sources[start : start + COMPACT_ROWS]
        matrix[start : start + len(block)] = matrix[block]
    return matrix[: len(sources)], probe


class AccuracyProbe(Callback):
    """Measures the discriminator's accuracy on ``rows`` (real rows it never trains on, see
    ``hold_back``) and on as many fresh synthetic rows, every ``PROBE_EVERY`` steps.

    The probe draws from its own generator, so a run with it repeats a run without it."""

    def __init__(self, rows: torch.Tensor):
        self.rows = rows
        self.rng: torch.Generator | None = None

    def on_train_start(self, run: Run) -> None:
        self.rng = torch.Generator(run.core.device).manual_seed(run.config.seed + PROBE_SEED)

    def on_step_end(self, run: Run) -> None:
        if run.step % PROBE_EVERY == 0:
            run.judged.append((run.step, run.core.judge(self.rows, self.rng)))


class FidelityCheck(Callback):
    """Estimates fidelity every ``config.eval_every`` epochs and after the last one; records it
    with the warnings of the rows generated for it and the plateau note, and sets ``Run.score``
    and ``Run.improved`` for the callbacks after it."""

    def __init__(self, estimate: FidelityEstimate):
        self.estimate = estimate
        self.best = -math.inf

    def on_train_start(self, run: Run) -> None:
        self.best = -math.inf

    def on_epoch_end(self, run: Run) -> bool:
        run.score, run.improved = None, False
        every, epoch = run.config.eval_every, run.epoch
        if not (epoch % every == 0 or epoch == run.config.epochs):
            return False
        estimate = self.estimate(run.core)
        if not isinstance(estimate, Estimate):
            estimate = Estimate(float(estimate))
        run.score, run.improved = estimate.score, estimate.score > self.best
        keeps_best, progress = run.config.keep_best, run.progress
        progress.add_fidelity(epoch, estimate.score, run.improved and keeps_best)
        progress.set_warnings(health.SAMPLE_KEYS, [w for w in [estimate.warning] if w])
        plateau = health.plateau(progress.snapshot().fidelity, keeps_best)
        progress.set_warnings(health.QUALITY_KEYS, [plateau] if plateau else [])
        if run.improved:
            self.best = estimate.score
        return False


class KeepBest(Callback):
    """Remembers the generator of the best fidelity estimate and puts it back at the end."""

    def __init__(self) -> None:
        self.state: dict[str, torch.Tensor] | None = None

    def on_train_start(self, run: Run) -> None:
        self.state = None

    def on_epoch_end(self, run: Run) -> bool:
        if run.improved:
            self.state = copy.deepcopy(run.core.generator.state_dict())
        return False

    def on_train_end(self, run: Run) -> None:
        if self.state is None:
            return
        run.core.generator.load_state_dict(self.state)
        snap = run.progress.snapshot()
        if snap.best_epoch is not None and snap.best_epoch != snap.epoch:
            run.progress.note(
                f"Kept the model from epoch {snap.best_epoch}, which had the best quality estimate."
            )


class EarlyStopping(Callback):
    """Ends the run once ``patience`` fidelity estimates in a row failed to beat the best."""

    def __init__(self, patience: int):
        self.patience = patience
        self.stale = 0

    def on_train_start(self, run: Run) -> None:
        self.stale = 0

    def on_epoch_end(self, run: Run) -> bool:
        if run.score is None:
            return False
        self.stale = 0 if run.improved else self.stale + 1
        if self.stale < self.patience:
            return False
        run.progress.note(f"Stopped early: quality stopped improving after epoch {run.epoch}.")
        return True


#: What a run cut short by its time limit can do instead (the presets of ``training.presets``).
UNLIMITED = (
    "The Balanced and Best quality presets have no time limit: they train until the model "
    "stops improving."
)


class TimeLimit(Callback):
    """Ends the run after the first epoch that ends past ``seconds`` of training, or within an
    epoch that would run on well past them (a big table: an epoch can outlast the budget)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def on_step_start(self, run: Run) -> bool:
        elapsed = run.elapsed()
        if elapsed <= self.seconds or run.step == 0:
            return False
        steps_left = run.epoch * run.steps_per_epoch - run.step
        if steps_left * elapsed / run.step <= OVERRUN_SHARE * self.seconds:
            return False  # the epoch ends soon after the limit: it ends there
        run.time_up = True
        seen = run.step * run.batch
        share = seen / (run.steps_per_epoch * run.batch) - (run.epoch - 1)
        run.progress.note(
            f"Reached the time limit ({duration(self.seconds)}) {round(share * 100)} % into epoch "
            f"{run.epoch}, after {seen:,} rows seen. {UNLIMITED}"
        )
        return True

    def on_epoch_end(self, run: Run) -> bool:
        if run.elapsed() <= self.seconds:
            return False
        run.progress.note(
            f"Reached the time limit ({duration(self.seconds)}) after epoch {run.epoch}. "
            f"{UNLIMITED}"
        )
        return True


def standard_callbacks(
    config: TrainingConfig,
    pac: int,
    stop: threading.Event | None = None,
    fidelity: FidelityEstimate | None = None,
    probe: torch.Tensor | None = None,
) -> list[Callback]:
    """The callbacks a run with ``config`` uses, in the order they must be called (see the
    module's notes). ``probe`` rows fewer than one ``pac`` group are not measured on."""
    callbacks: list[Callback] = [CoreStoppingRule()]
    if probe is not None and probe.shape[0] >= pac:
        callbacks.append(AccuracyProbe(probe))
    if fidelity is not None and config.eval_every:
        callbacks.append(FidelityCheck(fidelity))
        if config.keep_best:
            callbacks.append(KeepBest())
        if config.early_stopping:
            callbacks.append(EarlyStopping(config.early_stopping))
    if config.max_seconds:
        callbacks.append(TimeLimit(config.max_seconds))
    if stop is not None:
        callbacks.append(StopEvent(stop))
    return callbacks
