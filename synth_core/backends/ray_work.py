"""What runs on a Ray worker: one fit (``fit_on_worker``) and one shard of generated rows
(``write_shard_on_worker``, the model loaded once per worker process).

The server sends the table by reference (an object put once in Ray's store), never a path.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import pandas as pd

from synth_core.backends.shards import Shard, ShardRequest, ShardWritten, write_shard
from synth_core.config import TrainingConfig
from synth_core.errors import Stopped, SynthError
from synth_core.jobs import fit_here
from synth_core.schema import Schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.progress import RunState, TrainingProgress

PUBLISH_SECONDS = 0.2  # how often a fit publishes its progress and checks the stop flag


@dataclass(frozen=True)
class FitOutcome:
    """How a fit on a worker ended: a model's bytes, stopped before any, or a plain error."""

    model: bytes | None = None
    state: RunState = RunState.FINISHED  # or STOPPED: stopped on request, keeping the model
    stopped_before_model: bool = False
    error: str | None = None


def fit_on_worker(
    frame: pd.DataFrame, schema: Schema, config: TrainingConfig, board, rules: list | None = None
) -> FitOutcome:
    """Train on this worker; a side thread publishes the progress on ``board`` (a
    ``ProgressBoard`` actor) and stops the fit when the board says so."""
    import ray  # optional dependency: only Ray's workers run this

    progress, stop, done = TrainingProgress(), threading.Event(), threading.Event()

    def publish() -> None:
        while not done.wait(PUBLISH_SECONDS):
            if ray.get(board.publish.remote(progress.snapshot())):
                stop.set()

    publisher = threading.Thread(target=publish, name="synth-progress", daemon=True)
    publisher.start()
    try:
        synth = fit_here(frame, schema, config, progress, stop, rules)
        state = RunState.STOPPED if synth.stopped_early else RunState.FINISHED
        return FitOutcome(model=synth.to_bytes(), state=state)
    except Stopped:
        return FitOutcome(stopped_before_model=True)
    except SynthError as error:
        return FitOutcome(error=str(error))
    finally:
        done.set()
        publisher.join()
        ray.get(board.publish.remote(progress.snapshot()))


#: The model this worker process has loaded (by its SHA-256): loaded once, for every shard.
loaded_models: dict[str, Synthesizer] = {}


def write_shard_on_worker(model: bytes, shard: Shard, request: ShardRequest) -> ShardWritten:
    """Write one shard with ``model``, loaded on this worker's first shard of it."""
    key = hashlib.sha256(model).hexdigest()
    if key not in loaded_models:
        loaded_models.clear()  # one model at a time: a worker's memory stays bounded
        loaded_models[key] = Synthesizer.load(model, device="cpu")
    return write_shard(loaded_models[key], shard, request)
