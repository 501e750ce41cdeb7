"""A training run in a background thread, watched from another thread.

``TrainingJob`` wraps ``Synthesizer.fit``: the caller starts it, reads ``snapshot()`` whenever it
likes (cheap, consistent, lock-protected) and may ``stop()`` it. ``TrainingSlots`` caps how many
trainings run at once in one process and tells a waiting job its place in the queue. A watchdog
stops a job whose owner has gone (for the app: a browser session that ended).
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from synth_core.config import TrainingConfig
from synth_core.errors import Stopped, SynthError
from synth_core.schema import Schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.estimate import training_seconds
from synth_core.training.progress import ProgressSnapshot, RunState, TrainingProgress
from synth_core.training.rows import rows_learned

log = logging.getLogger(__name__)

WATCHDOG_SECONDS = 1.0
NO_MODEL = "Stopped before the model learned anything, so there is no model."

#: How a job's fit runs: (rows, schema, config, progress to write, stop event, business rules
#: or None for those every row obeys) -> the fitted model; raises ``Stopped`` when stopped
#: before it learned anything. ``fit_here`` trains in the job's own thread; a backend may run
#: it elsewhere (``synth_core.backends``).
FitRunner = Callable[
    [pd.DataFrame, Schema, TrainingConfig, TrainingProgress, threading.Event, list | None],
    Synthesizer,
]


def fit_here(
    frame: pd.DataFrame,
    schema: Schema,
    config: TrainingConfig,
    progress: TrainingProgress,
    stop: threading.Event,
    rules: list | None = None,
) -> Synthesizer:
    """Train in the calling thread: the embedded backend's way."""
    return Synthesizer(config).fit(frame, schema, progress=progress, stop=stop, rules=rules)


class TrainingSlots:
    """At most ``capacity`` jobs train at once; the others wait in the order they entered.

    A job enters the line when it is started (``enter``), in the caller's thread, so the line's
    order is the order in which people pressed Start, whatever the order its threads run in.
    An owner with a ``seconds_left()`` method (``TrainingJob`` has one) lets ``expected_wait``
    say about how long a waiting job has to wait.
    """

    def __init__(self, capacity: int = 1):
        self.capacity = capacity
        self._cond = threading.Condition()
        self._running: list[object] = []
        self._waiting: list[object] = []

    def enter(self, owner: object) -> None:
        """Join the end of the line (a second call keeps the place)."""
        with self._cond:
            if owner not in self._waiting and owner not in self._running:
                self._waiting.append(owner)

    def acquire(self, owner: object, stop: threading.Event) -> bool:
        """Wait for a free slot in line order (entering the line first if needed); False if
        ``stop`` was set while waiting."""
        self.enter(owner)
        with self._cond:
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
            if owner in self._waiting:
                self._waiting.remove(owner)
            self._cond.notify_all()

    def position(self, owner: object) -> int | None:
        """1 for the next in line, 2 after that...; None when not waiting."""
        with self._cond:
            return self._waiting.index(owner) + 1 if owner in self._waiting else None

    def expected_wait(self, owner: object) -> float | None:
        """About how many seconds ``owner`` waits before it starts: the running jobs' time left
        and that of the jobs ahead of it, spread over the slots. None when not waiting or when
        a job ahead cannot tell its time left."""
        with self._cond:
            if owner not in self._waiting:
                return None
            running = list(self._running)
            ahead = self._waiting[: self._waiting.index(owner)]
        times = [_seconds_left(job) for job in running + ahead]
        if any(t is None for t in times):
            return None
        free = sorted(times[: len(running)]) + [0.0] * max(0, self.capacity - len(running))
        heapq.heapify(free)
        for seconds in times[len(running) :]:
            heapq.heappush(free, heapq.heappop(free) + seconds)
        return free[0]

    @property
    def running(self) -> int:
        with self._cond:
            return len(self._running)


def _seconds_left(owner: object) -> float | None:
    seconds_left = getattr(owner, "seconds_left", None)
    return seconds_left() if callable(seconds_left) else None


@dataclass(frozen=True)
class JobSnapshot:
    """What a watcher needs to draw a job: its state, queue place, progress and outcome."""

    state: RunState  # queued, running, finished, stopped or failed
    queue_position: int | None
    progress: ProgressSnapshot
    error: str | None
    expected_wait: float | None = None  # about how many seconds a queued job waits to start

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
        fit: FitRunner = fit_here,
        progress: TrainingProgress | None = None,
        rules: list | None = None,
        real: pd.DataFrame | None = None,
    ):
        self._frame, self._schema, self.config = frame, schema, config
        self._fit = fit
        self._rules = rules  # business rules to keep (None: those every row obeys)
        self._real = real  # every real row, protected (``protect_real_rows``); None: ``frame``
        self._rows = len(frame)
        self._slots = slots
        self._keep_alive = keep_alive
        self._stop = threading.Event()
        self._progress = progress if progress is not None else TrainingProgress()
        self._state = RunState.QUEUED
        self._error: str | None = None
        self._result: Synthesizer | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="synth-training", daemon=True)

    def start(self) -> TrainingJob:
        if self._slots is not None:
            self._slots.enter(self)  # the place in line is taken now, in the caller's thread
        self._thread.start()
        if self._keep_alive is not None:
            threading.Thread(target=self._watch, name="synth-watchdog", daemon=True).start()
        return self

    def stop(self) -> None:
        """Ask the run to end: within one training step, one column of the preparation or one
        waiting turn. Stopped before its first epoch ended, it leaves no model."""
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

    @property
    def expected_seconds(self) -> float:
        """About how long the whole run takes, from the schema and the config (on a 2-core CPU;
        the time limit when it comes first), preparation included: the estimate the Columns
        page shows (``training_seconds``)."""
        rows = rows_learned(self._rows, self.config)
        return training_seconds(self._schema, rows, self.config)

    def seconds_left(self) -> float:
        """About how long until the run ends: its whole expected time while it waits or
        prepares, the progress record's estimate once it trains."""
        with self._lock:
            state = self._state
        if state.done:
            return 0.0
        progress = self._progress.snapshot()
        if state == RunState.QUEUED or progress.state == RunState.PENDING:
            return self.expected_seconds
        return progress.eta if progress.eta is not None else self.expected_seconds

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            state, error = self._state, self._error
        position = wait = None
        if self._slots is not None and state == RunState.QUEUED:
            position, wait = self._slots.position(self), self._slots.expected_wait(self)
        return JobSnapshot(state, position, self._progress.snapshot(), error, wait)

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
            synth = self._fit(
                self._frame, self._schema, self.config, self._progress, self._stop, self._rules
            )
            if self._real is not None:
                synth.protect_real_rows(self._real)
            state = RunState.STOPPED if synth.stopped_early else RunState.FINISHED
            self._progress.finish(state)
            self._set(state, result=synth)
        except Stopped:
            self._progress.finish(RunState.STOPPED, NO_MODEL)
            self._set(RunState.STOPPED)
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
            self._frame = self._real = None  # the job no longer holds the user's data
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
