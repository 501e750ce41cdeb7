"""A training run in a background thread, watched from another thread.

``TrainingJob`` wraps ``Synthesizer.fit``: the caller starts it, reads ``snapshot()`` whenever it
likes (cheap, consistent, lock-protected) and may ``stop()`` it. ``TrainingSlots`` caps how many
trainings run at once in one process and tells a waiting job its place in the queue. A watchdog
stops a job whose owner has gone (for the app: a browser session that ended).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from synth_core.config import TrainingConfig
from synth_core.errors import SynthError
from synth_core.schema import Schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.progress import ProgressSnapshot, RunState, TrainingProgress

log = logging.getLogger(__name__)

WATCHDOG_SECONDS = 1.0


class TrainingSlots:
    """At most ``capacity`` jobs train at once; the others wait in arrival order."""

    def __init__(self, capacity: int = 1):
        self.capacity = capacity
        self._cond = threading.Condition()
        self._running: list[object] = []
        self._waiting: list[object] = []

    def acquire(self, owner: object, stop: threading.Event) -> bool:
        """Wait for a free slot; False if ``stop`` was set while waiting."""
        with self._cond:
            self._waiting.append(owner)
            try:
                while not self._is_next(owner):
                    if stop.is_set():
                        return False
                    self._cond.wait(timeout=0.2)
                self._running.append(owner)
                return True
            finally:
                self._waiting.remove(owner)
                self._cond.notify_all()

    def _is_next(self, owner: object) -> bool:
        return len(self._running) < self.capacity and self._waiting[0] is owner

    def release(self, owner: object) -> None:
        with self._cond:
            if owner in self._running:
                self._running.remove(owner)
            self._cond.notify_all()

    def position(self, owner: object) -> int | None:
        """1 for the next in line, 2 after that...; None when not waiting."""
        with self._cond:
            return self._waiting.index(owner) + 1 if owner in self._waiting else None

    @property
    def running(self) -> int:
        with self._cond:
            return len(self._running)


@dataclass(frozen=True)
class JobSnapshot:
    """What a watcher needs to draw a job: its state, queue place, progress and outcome."""

    state: RunState  # queued, running, finished, stopped or failed
    queue_position: int | None
    progress: ProgressSnapshot
    error: str | None

    @property
    def done(self) -> bool:
        return RunState(self.state).done


class TrainingJob:
    """One background training of a ``Synthesizer`` on a table."""

    def __init__(
        self,
        frame: pd.DataFrame,
        schema: Schema,
        config: TrainingConfig,
        slots: TrainingSlots | None = None,
        keep_alive: Callable[[], bool] | None = None,
    ):
        self._frame, self._schema, self.config = frame, schema, config
        self._slots = slots
        self._keep_alive = keep_alive
        self._stop = threading.Event()
        self._progress = TrainingProgress()
        self._state = RunState.QUEUED
        self._error: str | None = None
        self._result: Synthesizer | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="synth-training", daemon=True)

    def start(self) -> TrainingJob:
        self._thread.start()
        if self._keep_alive is not None:
            threading.Thread(target=self._watch, name="synth-watchdog", daemon=True).start()
        return self

    def stop(self) -> None:
        """Ask the run to end; it does so within one training step."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; True if it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def result(self) -> Synthesizer | None:
        """The trained synthesizer once the run finished or was stopped after learning."""
        with self._lock:
            return self._result

    @property
    def active(self) -> bool:
        """True while the job waits for its turn or trains."""
        with self._lock:
            return not self._state.done

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            state, error = self._state, self._error
        position = self._slots.position(self) if self._slots and state == RunState.QUEUED else None
        return JobSnapshot(state, position, self._progress.snapshot(), error)

    def _set(self, state: RunState, error: str | None = None, result: Synthesizer | None = None):
        with self._lock:
            self._state, self._error = state, error
            if result is not None:
                self._result = result

    def _run(self) -> None:
        if self._slots is not None and not self._slots.acquire(self, self._stop):
            self._set(RunState.STOPPED)
            self._progress.finish(RunState.STOPPED, "Stopped before it started.")
            return
        try:
            self._set(RunState.RUNNING)
            synth = Synthesizer(self.config)
            synth.fit(self._frame, self._schema, progress=self._progress, stop=self._stop)
            state = RunState.STOPPED if synth.stopped_early else RunState.FINISHED
            self._progress.finish(state)
            self._set(state, result=synth)
        except SynthError as error:
            self._progress.finish(RunState.FAILED, str(error))
            self._set(RunState.FAILED, str(error))
        except Exception:  # a bug, not the user's doing: keep the details in the server log
            log.exception("training failed")
            message = (
                "Training failed because of an internal error. Try again; if it happens again, "
                "try fewer columns or another model type."
            )
            self._progress.finish(RunState.FAILED, message)
            self._set(RunState.FAILED, message)
        finally:
            self._frame = None  # the job no longer holds the user's data
            if self._slots is not None:
                self._slots.release(self)

    def _watch(self) -> None:
        while self._thread.is_alive():
            try:
                alive = self._keep_alive()
            except Exception:  # a keep-alive that cannot answer counts as gone
                alive = False
            if not alive:
                log.info("training stopped: its owner has gone")
                self.stop()
                return
            time.sleep(WATCHDOG_SECONDS)
