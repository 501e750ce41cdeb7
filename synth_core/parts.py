"""A fitted model's parts: what ``Synthesizer`` is built from and what a model file holds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth_core.config import TrainingConfig
from synth_core.encoding.transform import TableTransform
from synth_core.models.core import GanCore
from synth_core.models.variants import Variant
from synth_core.privacy.dp import PrivacyRecord
from synth_core.privacy.pii import PiiPlan
from synth_core.rules import Rule
from synth_core.schema import Schema
from synth_core.training.progress import RunState


@dataclass(frozen=True)
class ModelParts:
    config: TrainingConfig  # as trained (a private run's has no fidelity estimates)
    schema: Schema
    transform: TableTransform
    variant: Variant
    core: GanCore  # the generator and the condition sampler; no training data
    pii: PiiPlan
    privacy: PrivacyRecord | None  # what a differentially private run spent
    # Fingerprints of the real rows whose rare copies are removed: the training rows, or every
    # real row after ``Synthesizer.protect_real_rows``.
    copy_hashes: np.ndarray
    training_rows: int
    state: RunState  # how training ended, or LOADED
    rules: tuple[Rule, ...] = ()  # business rules kept in every generated row
    # Passes over the training rows the run finished (a run ends early when the held-out loss
    # stops falling, or at its time limit); None for files saved before it was recorded.
    epochs_trained: int | None = None
