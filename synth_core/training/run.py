"""The training stage of a fit: from an encoded table to a trained core.

It prepares the matrix (of every row, or of a seeded sample of a big table: ``training.rows``)
and the rows held back for the accuracy probe, builds the model type's core (with a DP-SGD
critic when the privacy plan asks for one), gives the loop its fidelity estimate, runs the loop,
and falls back to the CPU when a GPU runs out of memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from synth_core.encoding.transform import TableTransform
from synth_core.errors import TrainingError, check_stop
from synth_core.models.build import build_core, generate_frame
from synth_core.models.core import GanCore
from synth_core.models.variants import Variant
from synth_core.privacy.dp import PrivacyRecord
from synth_core.privacy.plan import PrivacyPlan
from synth_core.schema import NUMERIC_KINDS
from synth_core.training.callbacks import hold_back
from synth_core.training.device import resolve_device
from synth_core.training.fidelity import fidelity_estimate
from synth_core.training.health import RowSummary, mode_collapse
from synth_core.training.loop import train
from synth_core.training.progress import Estimate, RunState, TrainingProgress
from synth_core.training.rows import training_rows

FIDELITY_ROWS = 2000  # rows compared by the in-training fidelity estimate


@dataclass(frozen=True)
class Trained:
    """What the training stage hands back: the core (without its training data), how the run
    ended, and what a differentially private run spent."""

    core: GanCore
    state: RunState
    privacy: PrivacyRecord | None


def condition_columns(variant: Variant, transform: TableTransform, column: str | None) -> list[str]:
    """The columns ``variant`` conditions on: every category column (training-by-sampling),
    the one label ``column``, or none."""
    if variant.conditioning == "all-discrete":
        return transform.discrete_columns
    if variant.conditioning == "label":
        return [column]
    return []


def train_model(
    frame: pd.DataFrame,
    transform: TableTransform,
    variant: Variant,
    plan: PrivacyPlan,
    progress: TrainingProgress,
    stop: threading.Event | None = None,
) -> Trained:
    """Train ``variant`` on ``frame`` as encoded by the fitted ``transform``: on every row, or
    on a seeded sample of a table bigger than the training bound (``training.rows``)."""
    config = plan.config
    drawn = training_rows(len(frame), config)
    training = frame
    if drawn.sampled:
        training = frame.iloc[drawn.positions]
        progress.note(drawn.sentence())
    sample = f" (a sample of {drawn.table:,})" if drawn.sampled else ""
    progress.set_stage(f"preparing: encoding {drawn.count:,} rows{sample}")
    matrix = transform.transform(training, np.random.default_rng(config.seed), stop)
    del training
    check_stop(stop)
    real_sample = frame[transform.columns].sample(
        min(FIDELITY_ROWS, len(frame)), random_state=config.seed
    )
    if config.threads:
        torch.set_num_threads(config.threads)
    device = resolve_device(config.device)
    run = _Run(transform, variant, plan, progress, stop, real_sample, len(frame))
    try:
        return run.on(device, matrix)
    except torch.OutOfMemoryError:
        if device.type == "cpu":
            raise TrainingError(
                "The computer ran out of memory while training. Leave out columns with "
                "very many categories, or lower the batch size."
            ) from None
        progress.note("The GPU ran out of memory, so training moved to the CPU.")
        torch.cuda.empty_cache()
        return run.on(torch.device("cpu"), matrix)


@dataclass
class _Run:
    transform: TableTransform
    variant: Variant
    plan: PrivacyPlan
    progress: TrainingProgress
    stop: threading.Event | None
    real_sample: pd.DataFrame
    rows: int  # in the table, held-back rows included

    def on(self, device: torch.device, matrix: np.ndarray) -> Trained:
        config, plan = self.plan.config, self.plan
        rng = torch.Generator(device).manual_seed(config.seed)
        matrix, held = hold_back(matrix, config.seed, self.variant.pac(config))
        check_stop(self.stop)
        data = torch.from_numpy(matrix).to(device)
        probe = None if held is None else torch.from_numpy(held).to(device)
        columns = condition_columns(self.variant, self.transform, config.condition_column)
        self.progress.set_stage("preparing: building the model")
        counts = plan.condition_counts(columns)
        core = build_core(
            self.variant, config, self.transform.spans, columns, data, rng, counts=counts
        )
        plan.attach(core)
        check_stop(self.stop)
        real_rows = row_summary(self.transform, self.real_sample)

        def estimate(core: GanCore) -> Estimate:
            rng = np.random.default_rng(config.seed)
            generated = generate_frame(core, self.transform, len(self.real_sample), rng)
            score = fidelity_estimate(self.transform, self.real_sample, generated, config.seed)
            return Estimate(score, mode_collapse(real_rows, row_summary(self.transform, generated)))

        state = train(core, config, self.progress, self.stop, estimate, probe)
        privacy = plan.record(core, self.rows)
        if privacy is not None:
            self.progress.note(privacy.sentence())
        core.data = None  # the training matrix is not kept once training ends
        core.sampler.rows_by_group = None
        return Trained(core, state, privacy)


def row_summary(transform: TableTransform, frame: pd.DataFrame) -> RowSummary:
    """What the health check compares between real and generated rows."""
    values = transform.column_values(frame)
    return RowSummary.of({k: (kind in NUMERIC_KINDS, v) for k, (kind, v) in values.items()})
