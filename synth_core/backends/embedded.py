"""The default backend: trainings in threads of this process behind the server-wide queue
(``synth_core.jobs``); generation and scoring in this process, shards spread over threads,
each with its own copy of the model (generation keeps state in the model while it runs).

Nothing to install. Its ``describe`` names the device this computer trains on.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import torch

from synth_core.backends.base import Backend, FitSpec, stats_here
from synth_core.backends.column_stats import ColumnStats
from synth_core.backends.shards import Shard, ShardRequest, ShardWritten, write_shard
from synth_core.jobs import TrainingJob
from synth_core.synthesizer import Synthesizer
from synth_core.training.device import describe_device, resolve_device


class EmbeddedBackend(Backend):
    name = "embedded"

    def describe(self) -> str:
        return f"this computer ({describe_device(resolve_device('auto'))})"

    def submit_fit(self, spec: FitSpec) -> TrainingJob:
        return self.start_job(spec)

    def map_shards(
        self, model: bytes, plan: list[Shard], request: ShardRequest
    ) -> list[ShardWritten]:
        if request.workers == 1 or len(plan) < 2:
            synth = Synthesizer.load(model, device="cpu")
            return [write_shard(synth, shard, request) for shard in plan]
        models = threading.local()  # each thread its own copy: a model is not shared state

        def write(shard: Shard) -> ShardWritten:
            if not hasattr(models, "synth"):
                models.synth = Synthesizer.load(model, device="cpu")
            return write_shard(models.synth, shard, request)

        with shared_cores(request.workers), ThreadPoolExecutor(request.workers) as pool:
            return list(pool.map(write, plan))

    def map_columns(
        self, frame: pd.DataFrame, names: list[str], discrete: list[bool]
    ) -> list[ColumnStats]:
        return stats_here(frame, names, discrete)


@contextlib.contextmanager
def shared_cores(workers: int) -> Iterator[None]:
    """Torch's threads spread over ``workers`` threads meanwhile: each gets its share of the
    cores instead of all of them (crowded cores slow every worker down)."""
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))
    try:
        yield
    finally:
        torch.set_num_threads(before)
