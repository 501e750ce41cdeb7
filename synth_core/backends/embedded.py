"""The default backend: trainings in threads of this process behind the server-wide queue
(``synth_core.jobs``); generation and scoring in this process, shards spread over threads
that share the one loaded model (its generators are seeded per shard, never global).

Nothing to install. Its ``describe`` names the device this computer trains on.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import repeat

import pandas as pd

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
        job = TrainingJob(
            spec.frame, spec.schema, spec.config, slots=self.slots, keep_alive=spec.keep_alive
        )
        return job.start()

    def map_shards(
        self, model: bytes, plan: list[Shard], request: ShardRequest
    ) -> list[ShardWritten]:
        synth = Synthesizer.load(model, device="cpu")
        if request.workers == 1 or len(plan) < 2:
            return [write_shard(synth, shard, request) for shard in plan]
        with ThreadPoolExecutor(request.workers, thread_name_prefix="synth-shard") as pool:
            return list(pool.map(write_shard, repeat(synth), plan, repeat(request)))

    def map_columns(
        self, frame: pd.DataFrame, names: list[str], discrete: list[bool]
    ) -> list[ColumnStats]:
        return stats_here(frame, names, discrete)
