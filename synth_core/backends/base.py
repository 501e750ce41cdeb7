"""The interface every backend implements, and the parts they share.

A backend runs fits (``submit_fit`` returns a ``TrainingJob`` whose ``snapshot``, ``stop`` and
``result`` behave the same everywhere), writes generated rows as numbered shards
(``sample``) and scores big tables (``evaluate``). Subclasses say how work is spread:
``map_shards`` and ``map_columns``.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from synth_core.backends import shards as shard_files
from synth_core.backends.column_stats import ColumnStats, stats_of
from synth_core.backends.scoring import BigEvaluation
from synth_core.config import TrainingConfig
from synth_core.errors import DataError
from synth_core.evaluation.evaluate import evaluate
from synth_core.jobs import FitRunner, JobSnapshot, TrainingJob, TrainingSlots, fit_here
from synth_core.schema import DISCRETE_KINDS, Schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.progress import TrainingProgress

#: Rows of each table the SDMetrics and scikit-learn scores read (a seeded sample).
SCORE_SAMPLE_ROWS = 50_000


@dataclass(frozen=True)
class FitSpec:
    """One training to run: the rows, their schema, the settings, and what it may ask for.

    ``gpus`` is the share of a GPU the fit asks for (1, or a fraction such as 0.25); None lets
    the backend decide (a Ray cluster with GPUs gives one per fit unless the device is the
    CPU). ``keep_alive`` tells whether the fit's owner is still there (a browser session)."""

    frame: pd.DataFrame
    schema: Schema
    config: TrainingConfig
    gpus: float | None = None
    keep_alive: Callable[[], bool] | None = None
    rules: list | None = None  # business rules to keep (None: those every real row obeys)
    # Every real row, the ones kept away from training too: new IDs and the copy filter cover them
    # (``Synthesizer.protect_real_rows``); None: on the training rows.
    real: pd.DataFrame | None = None


class Backend(abc.ABC):
    """Runs fits, writes generated rows and scores tables; ``close`` ends what it started."""

    name: str

    def __init__(self, slots: TrainingSlots | None = None):
        self.slots = slots  # the server's own queue of trainings, also on a cluster

    @abc.abstractmethod
    def describe(self) -> str:
        """Where work runs, in words for the Train page ("this computer", "Ray cluster …")."""

    @abc.abstractmethod
    def submit_fit(self, spec: FitSpec) -> TrainingJob:
        """Start ``spec`` in the background and return its job (started)."""

    def start_job(
        self, spec: FitSpec, fit: FitRunner = fit_here, progress: TrainingProgress | None = None
    ) -> TrainingJob:
        """``spec`` as a started job in this server's queue, its fit run by ``fit``."""
        job = TrainingJob(
            spec.frame,
            spec.schema,
            spec.config,
            slots=self.slots,
            keep_alive=spec.keep_alive,
            fit=fit,
            progress=progress,
            rules=spec.rules,
            real=spec.real,
        )
        return job.start()

    @abc.abstractmethod
    def map_shards(
        self, model: bytes, plan: list[shard_files.Shard], request: shard_files.ShardRequest
    ) -> list[shard_files.ShardWritten]:
        """Write every shard of ``plan`` (each one file), in plan order."""

    @abc.abstractmethod
    def map_columns(
        self, frame: pd.DataFrame, names: list[str], discrete: list[bool]
    ) -> list[ColumnStats]:
        """The exact statistics of each of ``names`` (category shares where ``discrete``)."""

    def close(self) -> None:
        """Release what the backend started (nothing, unless it says otherwise)."""
        return None

    # ------------------------------------------------------------------------ the shared verbs
    def progress(self, job: TrainingJob) -> JobSnapshot:
        return job.snapshot()

    def cancel(self, job: TrainingJob) -> None:
        job.stop()

    def result(self, job: TrainingJob, timeout: float | None = None) -> Synthesizer | None:
        """The model once the job ended (None if it made none, or is still running)."""
        job.join(timeout)
        return job.result

    def sample(
        self,
        model: bytes,
        rows: int,
        out_dir: str | Path,
        *,
        fmt: str = "parquet",
        seed: int | None = None,
        workers: int = 1,
        remove_copies: bool = True,
        shard_rows: int = shard_files.SHARD_ROWS,
    ) -> shard_files.Manifest:
        """Write ``rows`` generated rows under ``out_dir`` as numbered shards plus a manifest.

        Each shard is seeded from (seed, shard number): the rows do not depend on ``workers``.
        A failure leaves no shard and no manifest behind."""
        if rows < 0:
            raise DataError("The number of rows must be 0 or more.")
        if workers < 1:
            raise DataError("The number of workers must be 1 or more.")
        checked = Synthesizer.load(model, device="cpu")  # a foreign file is refused here
        seed = checked.config_.seed if seed is None else seed
        folder = shard_files.prepare_folder(out_dir)
        request = shard_files.ShardRequest(str(folder), fmt, remove_copies, workers)
        plan = shard_files.plan_shards(rows, seed, shard_rows)
        started = time.monotonic()
        try:
            written = self.map_shards(model, plan, request)
        except BaseException:
            shard_files.remove_shards(folder, plan, fmt)
            raise
        return shard_files.write_manifest(
            folder, request, plan, written, seed, model, time.monotonic() - started, self.name
        )

    def evaluate(
        self,
        real: pd.DataFrame,
        synthetic: pd.DataFrame,
        schema: Schema,
        *,
        sample_rows: int = SCORE_SAMPLE_ROWS,
        seed: int = 0,
        target: str | None = None,
    ) -> BigEvaluation:
        """Exact statistics of every compared column over both whole tables, and the usual
        scores on a seeded sample of at most ``sample_rows`` rows of each."""
        started = time.monotonic()
        names = [name for name in schema.included_names if name in synthetic.columns]
        discrete = [schema[name].kind in DISCRETE_KINDS for name in names]
        real_stats = self.map_columns(real, names, discrete)
        synthetic_stats = self.map_columns(synthetic, names, discrete)
        # evaluate() reads a seeded sample of at most ``sample_rows`` rows and notes it
        scores = evaluate(real, synthetic, schema, target=target, seed=seed, max_rows=sample_rows)
        return BigEvaluation(
            real_stats=real_stats,
            synthetic_stats=synthetic_stats,
            rows={"real": len(real), "synthetic": len(synthetic)},
            sample_rows=sample_rows,
            scores=scores,
            seconds=time.monotonic() - started,
        )


def stats_here(frame: pd.DataFrame, names: list[str], discrete: list[bool]) -> list[ColumnStats]:
    """Every column's statistics, one after the other, in this process."""
    return [stats_of(name, frame[name], d) for name, d in zip(names, discrete, strict=True)]
