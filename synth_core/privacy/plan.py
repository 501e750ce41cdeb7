"""The privacy stage of a fit: decided once, before anything is learned.

Personal-data and identifier columns get their treatment (``synth_core.privacy.pii``); a
differentially private run (``config.dp_epsilon``) gets its budget and the domain released
under it (``synth_core.privacy.dp``), a config without the steps that would read the data
outside the guarantee, a DP-SGD critic, and in the end the record of what it spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from synth_core.config import TrainingConfig
from synth_core.encoding.transform import encoder_values
from synth_core.models.core import GanCore
from synth_core.models.private import PrivateCritic
from synth_core.privacy.dp import (
    MAX_GRAD_NORM,
    Budget,
    PrivacyRecord,
    PrivateDomain,
    epsilon_spent,
    plan_budget,
    private_domain,
)
from synth_core.privacy.pii import PiiPlan
from synth_core.schema import DISCRETE_KINDS, Schema


@dataclass(frozen=True)
class PrivacyPlan:
    """How a fit protects the rows it learns from."""

    pii: PiiPlan
    config: TrainingConfig  # the config to train with (a private run's loses the estimates)
    budget: Budget | None = None
    domain: PrivateDomain | None = None

    @property
    def private(self) -> bool:
        return self.budget is not None

    def condition_counts(self, columns: list[str]) -> torch.Tensor | None:
        """The noisy category counts of the conditioned ``columns`` (columns x widest), as
        ``ConditionSampler`` takes them; None for a run without DP or without such columns."""
        if self.domain is None or not columns:
            return None
        width = max(len(self.domain.counts[name]) for name in columns)
        counts = torch.zeros(len(columns), width)
        for i, name in enumerate(columns):
            counts[i, : len(self.domain.counts[name])] = torch.tensor(self.domain.counts[name])
        return counts

    def attach(self, core: GanCore) -> None:
        """Give ``core`` a DP-SGD critic whose noise spends the rest of the budget over the
        run (nothing without DP)."""
        if self.budget is None:
            return
        rows, config = core.data.shape[0], self.config
        batch = max(1, min(config.batch_size, rows))
        steps = config.epochs * max(1, rows // batch)
        sample_rate = batch / rows
        noise = self.budget.sgd_noise(sample_rate, steps)
        core.private = PrivateCritic(core, noise, sample_rate, MAX_GRAD_NORM)

    def record(self, core: GanCore, rows: int) -> PrivacyRecord | None:
        """What the run spent (the histogram release and the DP-SGD steps it took), and the
        private critic detached from ``core``; None without DP."""
        if self.budget is None:
            return None
        critic, budget = core.private, self.budget
        core.private = None
        history = budget.history(critic.noise_multiplier, critic.sample_rate, critic.steps)
        return PrivacyRecord(
            epsilon_target=budget.epsilon,
            epsilon=epsilon_spent(history, budget.rdp_delta),
            delta=budget.delta,
            noise_multiplier=critic.noise_multiplier,
            histogram_noise=budget.histogram_noise,
            sample_rate=critic.sample_rate,
            steps=critic.steps,
            max_grad_norm=critic.max_grad_norm,
            rows=rows,
        )


def plan_privacy(
    frame: pd.DataFrame,
    schema: Schema,
    config: TrainingConfig,
    declared_bounds: dict[str, tuple[float, float]] | None = None,
    declared_categories: dict[str, list[Any]] | None = None,
) -> PrivacyPlan:
    """The privacy plan of a fit of ``frame``. Declared bounds ({column: (low, high)}) and
    category lists ({column: values}) are public knowledge and cost a private run no budget."""
    pii = PiiPlan.fit(frame, schema, config.seed)
    if config.dp_epsilon is None:
        return PrivacyPlan(pii, config)
    infos = {info.name: info for info in schema.included}
    values = {
        name: (info.kind.value, encoder_values(frame[name], info.kind, info.datetime_format))
        for name, info in infos.items()
        if name in frame.columns
    }
    categorical = sum(info.kind in DISCRETE_KINDS for info in infos.values())
    budget = plan_budget(config.dp_epsilon, len(frame), len(infos), categorical, config.dp_delta)
    rng = np.random.default_rng([config.seed, 7])
    domain = private_domain(values, infos, budget, rng, declared_bounds, declared_categories)
    private = config.replace(eval_every=0, keep_best=False, early_stopping=None)
    return PrivacyPlan(pii, private, budget, domain)
