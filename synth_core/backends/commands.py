"""What the command line asks of a backend: a fit that it watches, shards of generated rows,
scores of big tables. Kept here so that ``cli.py`` only parses and prints."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synth_core.backends.base import FitSpec
from synth_core.backends.choice import backend_for
from synth_core.backends.scoring import BigEvaluation
from synth_core.backends.shards import Manifest
from synth_core.config import TrainingConfig
from synth_core.errors import SynthError
from synth_core.jobs import NO_MODEL, TrainingJob
from synth_core.schema import Schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.progress import ProgressSnapshot, RunState


class JobProgress:
    """A job's progress as ``snapshot()``, as the command line's progress bar reads it."""

    def __init__(self, job: TrainingJob):
        self.job = job

    def snapshot(self) -> ProgressSnapshot:
        return self.job.snapshot().progress


def fit_on_backend(
    name: str | None,
    frame: pd.DataFrame,
    schema: Schema,
    config: TrainingConfig,
    watch,
    rules: list | None = None,
) -> tuple[Synthesizer, ProgressSnapshot]:
    """Fit on backend ``name``: the model and the run's last progress. ``watch(progress)``
    runs meanwhile (the progress bar) and returns when the job ends; Ctrl-C stops the fit."""
    backend = backend_for(name)
    try:
        job = backend.submit_fit(FitSpec(frame, schema, config, rules=rules))
        try:
            watch(JobProgress(job))
        except KeyboardInterrupt:
            job.stop()
            job.join()
            raise
        return finished_model(job), job.snapshot().progress
    finally:
        backend.close()


def finished_model(job: TrainingJob) -> Synthesizer:
    """The job's model once it ended, or its plain error."""
    job.join()
    snapshot = job.snapshot()
    if snapshot.state == RunState.FAILED:
        raise SynthError(snapshot.error or "The training failed.")
    if job.result is None:
        raise SynthError(NO_MODEL)
    return job.result


def model_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SynthError(f"Cannot read the model file {path}: {error.strerror}.") from None


def sample_to_shards(
    name: str | None,
    model: str,
    rows: int,
    out_dir: str,
    fmt: str,
    seed: int | None,
    workers: int,
    remove_copies: bool,
) -> Manifest:
    backend = backend_for(name)
    try:
        return backend.sample(
            model_bytes(model),
            rows,
            out_dir,
            fmt=fmt,
            seed=seed,
            workers=workers,
            remove_copies=remove_copies,
        )
    finally:
        backend.close()


def evaluate_on_backend(
    name: str | None,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: Schema,
    sample_rows: int,
    seed: int,
    target: str | None,
) -> BigEvaluation:
    backend = backend_for(name)
    try:
        return backend.evaluate(
            real, synthetic, schema, sample_rows=sample_rows, seed=seed, target=target
        )
    finally:
        backend.close()
