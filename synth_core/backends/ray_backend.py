"""The Ray backend (optional: ``pip install -r requirements-ray.txt``).

Chosen by ``SYNTH_BACKEND=ray`` or ``--backend ray``; joins the cluster at ``RAY_ADDRESS`` or,
without it, starts a local Ray instance. Each fit is one Ray task asking for the resources it
needs (a GPU or a share of one, else CPUs) and reporting through a ``ProgressBoard`` actor,
which the server polls; Stop raises the board's flag (the fit ends within a step) and cancels
the task if it has not ended ``CANCEL_AFTER_SECONDS`` later. The server's own queue
(``TrainingSlots``) still caps how many trainings it sends. Generation spreads shards over
tasks (at most ``workers`` at a time; the model loaded once per worker process); scoring
spreads columns over tasks. Tables and models travel as objects in Ray's store, never as
paths that only the server can read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd

from synth_core.backends.base import Backend, FitSpec
from synth_core.backends.board import ProgressBoard
from synth_core.backends.column_stats import ColumnStats, stats_of
from synth_core.backends.ray_work import FitOutcome, fit_on_worker, write_shard_on_worker
from synth_core.backends.shards import Shard, ShardRequest, ShardWritten
from synth_core.config import TrainingConfig
from synth_core.errors import Stopped, SynthError, TrainingError
from synth_core.jobs import TrainingJob
from synth_core.modelfile import read_parts
from synth_core.schema import Schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.progress import ProgressSnapshot, RunState, TrainingProgress

log = logging.getLogger(__name__)

ADDRESS_ENV = "RAY_ADDRESS"
#: The synth_core package folder, which a cluster's workers get from the server.
PACKAGE_DIR = str(Path(__file__).resolve().parents[1])
POLL_SECONDS = 0.2  # how often the server reads a fit's board
CANCEL_AFTER_SECONDS = 3.0  # a fit still running this long after Stop is cancelled
MISSING_RAY = (
    "The Ray backend needs the ray package, which is not installed here: run "
    "'pip install -r requirements-ray.txt', or unset SYNTH_BACKEND to work on this computer."
)
WORKER_LOST = (
    "The Ray worker doing this work stopped answering (a node of the cluster failed or ran out "
    "of memory). Nothing was saved; try again."
)


def import_ray():
    """The ray module, or a plain error saying what to install."""
    try:
        import ray  # optional dependency: requirements-ray.txt
    except ImportError as error:
        raise SynthError(MISSING_RAY) from error
    return ray


class RayBackend(Backend):
    name = "ray"

    def __init__(self, slots=None, address: str | None = None):
        super().__init__(slots)
        self.ray = import_ray()
        self.address = address or os.environ.get(ADDRESS_ENV) or None
        self.started_here = not self.ray.is_initialized()
        if self.started_here:
            connect(self.ray, self.address)

    def describe(self) -> str:
        total, free = self.ray.cluster_resources(), self.ray.available_resources()
        where = f"Ray cluster at {self.address}" if self.address else "a local Ray instance"
        if total.get("GPU"):
            gpus = free.get("GPU", 0.0)
            return f"{where}, {gpus:g} GPU{'' if gpus == 1 else 's'} free"
        cpus = free.get("CPU", 0.0)
        return f"{where}, {cpus:g} CPU{'' if cpus == 1 else 's'} free (no GPU)"

    def close(self) -> None:
        if self.started_here and self.ray.is_initialized():
            self.ray.shutdown()

    def submit_fit(self, spec: FitSpec) -> TrainingJob:
        runner = RemoteFit(self.ray, self.fit_resources(spec))
        return self.start_job(spec, fit=runner, progress=MirroredProgress())

    def fit_resources(self, spec: FitSpec) -> dict[str, float]:
        """One GPU (or ``spec.gpus``) when the cluster has GPUs and the fit may use one; CPUs
        otherwise (the config's threads, else 1)."""
        gpus = spec.gpus
        if gpus is None:
            has_gpu = self.ray.cluster_resources().get("GPU", 0) >= 1
            gpus = 1.0 if has_gpu and spec.config.device in ("auto", "cuda") else 0.0
        return {"num_cpus": float(spec.config.threads or 1), "num_gpus": float(gpus)}

    def map_shards(
        self, model: bytes, plan: list[Shard], request: ShardRequest
    ) -> list[ShardWritten]:
        """Plain tasks, at most ``request.workers`` at a time, on warm workers that keep the
        model loaded between shards."""
        ray = self.ray
        task = ray.remote(num_cpus=1, max_retries=0)(write_shard_on_worker)
        model_ref, running, written = ray.put(model), {}, {}
        try:
            with plain_ray_errors(ray):
                for shard in plan:
                    if len(running) >= request.workers:
                        self.collect(running, written)
                    running[task.remote(model_ref, shard, request)] = shard.number
                while running:
                    self.collect(running, written)
        except BaseException:
            self.end_all(list(running))  # none may write a shard after the caller cleans up
            raise
        return [written[shard.number] for shard in plan]

    def end_all(self, refs: list) -> None:
        for ref in refs:
            self.ray.cancel(ref, force=True)
        if refs:
            self.ray.wait(refs, num_returns=len(refs), timeout=CANCEL_AFTER_SECONDS)

    def collect(self, running: dict, written: dict) -> None:
        """Wait for one running shard and keep what it wrote."""
        [done], _ = self.ray.wait(list(running), num_returns=1)
        written[running.pop(done)] = self.ray.get(done)

    def map_columns(
        self, frame: pd.DataFrame, names: list[str], discrete: list[bool]
    ) -> list[ColumnStats]:
        ray = self.ray
        task = ray.remote(num_cpus=1)(stats_of)
        calls = zip(names, discrete, strict=True)
        refs = [task.remote(name, ray.put(frame[name]), d) for name, d in calls]
        with plain_ray_errors(ray):
            return ray.get(refs)


def connect(ray, address: str | None, **local: object) -> None:
    """Join the cluster at ``address``, or start a local instance (with the ``local`` options of
    ``ray.init``, such as ``num_cpus``); Ray's own warnings and logs stay out of the terminal."""
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")
    # Ray's C++ core logs to this process's stderr (a missing metrics agent, every start):
    # fatal errors only; its log files under /tmp/ray keep the rest.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    options = {"log_to_driver": False, "logging_level": logging.ERROR}
    if address:  # the cluster's workers get this package from the server
        options |= {"address": address, "runtime_env": {"py_modules": [PACKAGE_DIR]}}
    else:
        options |= {"include_dashboard": False, **local}
    try:
        with warnings.catch_warnings(), stderr_silenced(), root_logging_kept():
            warnings.simplefilter("ignore")
            init_in_lasting_thread(ray, options)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise SynthError(
            f"Cannot reach the Ray cluster at {address}: {error}. Check {ADDRESS_ENV} "
            "(the head node's address, e.g. ray://head:10001 or head:6379)."
            if address
            else f"Cannot start a local Ray instance: {error}."
        ) from error


def init_in_lasting_thread(ray, options: dict) -> None:
    """``ray.init`` in a thread that lives as long as this process. A local instance's processes
    are tied to the thread that started them and end with it (Linux's parent-death signal),
    and a Streamlit script run's thread ends with the run."""
    done, failures = threading.Event(), []

    def start_and_stay() -> None:
        try:
            ray.init(**options)
        except Exception as error:  # handed to the caller below
            failures.append(error)
        finally:
            done.set()
        if not failures:
            threading.Event().wait()  # never set: the thread lasts as long as the process

    threading.Thread(target=start_and_stay, name="ray-instance", daemon=True).start()
    done.wait()
    if failures:
        raise failures[0]


@contextlib.contextmanager
def root_logging_kept() -> Iterator[None]:
    """The root logger's handlers and level as they were: ``ray.init`` gives the root logger a
    handler of its own, which would print every library's warnings to the terminal from then
    on."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Nothing written to file descriptor 2 reaches the terminal meanwhile (Ray's C++ core
    announces its log level there as it starts)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def plain_ray_errors(ray) -> Iterator[None]:
    """Turns a failed worker into a plain error; a ``SynthError`` raised on a worker (a bad
    request) comes back as itself."""
    try:
        yield
    except ray.exceptions.RayError as error:
        cause = getattr(error, "cause", None)
        if isinstance(cause, SynthError):
            raise cause from None
        log.info("Ray work failed: %s", type(error).__name__)  # the user gets WORKER_LOST
        raise SynthError(WORKER_LOST) from error


class MirroredProgress(TrainingProgress):
    """The progress of a fit running elsewhere, as its board last reported it."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: ProgressSnapshot | None = None
        self.shown_lock = threading.Lock()

    def show(self, snapshot: ProgressSnapshot) -> None:
        with self.shown_lock:
            self.shown = snapshot

    def finish(self, state: RunState, message: str = "") -> None:
        super().finish(state, message)
        with self.shown_lock:
            if self.shown is not None:
                self.shown = replace(self.shown, state=state, message=message, eta=None)

    def snapshot(self) -> ProgressSnapshot:
        with self.shown_lock:
            shown = self.shown
        return shown if shown is not None else super().snapshot()


class RemoteFit:
    """A ``FitRunner`` that trains in a Ray task and mirrors its progress here."""

    def __init__(self, ray, resources: dict[str, float]):
        self.ray, self.resources = ray, resources

    def __call__(
        self,
        frame: pd.DataFrame,
        schema: Schema,
        config: TrainingConfig,
        progress: MirroredProgress,
        stop: threading.Event,
        rules: list | None = None,
    ) -> Synthesizer:
        ray = self.ray
        board = ray.remote(num_cpus=0)(ProgressBoard).remote()
        task = ray.remote(fit_on_worker).options(**self.resources, max_retries=0)
        ref = task.remote(ray.put(frame), schema, config, board, rules)
        try:
            with plain_ray_errors(ray):  # the board's node failing counts as the task's
                outcome = self.follow(ref, board, progress, stop)
        finally:
            ray.kill(board)
        if outcome.stopped_before_model:
            raise Stopped("Stopped before the model learned anything.")
        if outcome.error is not None:
            raise TrainingError(outcome.error)
        parts = read_parts(outcome.model, "auto")  # a model file keeps no run state: add it
        return Synthesizer.from_parts(replace(parts, state=outcome.state))

    def follow(self, ref, board, progress: MirroredProgress, stop) -> FitOutcome:
        """Mirror the board until the task ends; on Stop, raise the flag, then cancel."""
        ray, asked = self.ray, None
        while True:
            done, _ = ray.wait([ref], timeout=POLL_SECONDS)
            latest = ray.get(board.latest.remote())
            if latest is not None:
                progress.show(latest)
            if done:
                return self.outcome(ref, cancelled=False)
            if stop.is_set() and asked is None:
                board.ask_to_stop.remote()
                asked = time.monotonic()
            if asked is not None and time.monotonic() - asked > CANCEL_AFTER_SECONDS:
                ray.cancel(ref, force=True)
                return self.outcome(ref, cancelled=True)

    def outcome(self, ref, cancelled: bool) -> FitOutcome:
        try:
            with plain_ray_errors(self.ray):
                return self.ray.get(ref)
        except SynthError:
            if cancelled:
                return FitOutcome(stopped_before_model=True)
            raise
