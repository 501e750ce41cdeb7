"""DP-SGD on the discriminator: the only network that reads real rows.

Each update draws real rows by Poisson sampling (each row independently with probability
``sample_rate``), computes every real row's own gradient with Opacus's ``GradSampleModule``,
clips it to ``max_grad_norm``, sums, adds Gaussian noise of standard deviation
``noise_multiplier * max_grad_norm`` and divides by the expected batch size. That is the
subsampled Gaussian mechanism Opacus's RDP accountant counts, one per update.

Choices that keep the accounting honest:

- pac is 1 (``TrainingConfig.effective_pac``): the unit the critic sees is one row, so the
  guarantee is per row.
- The gradient penalty is taken at points between *generated* rows only, so it reads no real
  row and needs no clipping (the usual penalty mixes real and generated rows, which would put
  real rows in an unclipped term).
- The condition vectors of generated rows follow the noisy category counts; a real row's
  condition is its own category in a column drawn at random, computed inside its clipped term.
"""

from __future__ import annotations

import torch
from opacus import GradSampleModule

from synth_core.models.losses import gradient_penalty
from synth_core.models.networks import Judged


class PrivateCritic:
    """Replaces ``GanCore``'s discriminator update with DP-SGD (see the module docstring)."""

    def __init__(
        self, core, noise_multiplier: float, sample_rate: float, max_grad_norm: float
    ) -> None:
        self.core = core
        self.noise_multiplier = noise_multiplier
        self.sample_rate = sample_rate
        self.max_grad_norm = max_grad_norm
        self.steps = 0  # noisy updates so far: what the accountant counts
        self.expected_batch = sample_rate * core.data.shape[0]
        self.module = GradSampleModule(core.discriminator, loss_reduction="sum")
        self.module.disable_hooks()
        self.params = [p for p in core.discriminator.parameters() if p.requires_grad]
        sampler = core.sampler
        self.categories = None
        if sampler.enabled:  # each real row's category in every conditioned column
            self.categories = torch.stack(
                [
                    core.data[:, int(s) : int(s) + int(w)].argmax(1)
                    for s, w in zip(sampler.data_starts, sampler.widths, strict=True)
                ],
                dim=1,
            )

    def conditions(self, batch: int):
        """Condition vectors for generated rows, following the noisy category counts."""
        sampler = self.core.sampler
        if not sampler.enabled:
            return None, None, None
        cond, col, _ = sampler.sample(batch, self.core.rng, from_data=False)
        return cond, col, None

    def _real_rows(self):
        core = self.core
        n = core.data.shape[0]
        chosen = torch.rand(n, generator=core.rng, device=core.device) < self.sample_rate
        rows = chosen.nonzero().squeeze(1)
        real = core.data[rows]
        if self.categories is None:
            return real, None
        sampler = core.sampler
        col = torch.randint(
            len(sampler.columns), (len(rows),), generator=core.rng, device=core.device
        )
        category = self.categories[rows, col]
        cond = torch.zeros(len(rows), sampler.width, device=core.device)
        cond.scatter_(1, (sampler.cond_offsets[col] + category).unsqueeze(1), 1.0)
        return real, cond

    def _noisy_real_gradient(self, real: Judged):
        """Clipped per-row gradients of the critic's real term, summed, noised, averaged; and
        the mean real score (for the progress charts only)."""
        core, clip = self.core, self.max_grad_norm
        summed = [torch.zeros_like(p) for p in self.params]
        real_score = torch.zeros((), device=core.device)
        count = len(real[0])
        if count:
            self.module.enable_hooks()
            try:
                # Inputs that need a gradient keep torch's full backward hooks (Opacus's)
                # firing the documented way on the first layer.
                scores = self.module(*[x.requires_grad_(True) for x in real if x is not None])
                # The critic's real term is -mean(score): each row's own loss is -score.
                (-scores.sum()).backward()
            finally:
                self.module.disable_hooks()
            real_score = scores.detach().mean()
            samples = [p.grad_sample for p in self.params]
            norms = torch.stack([g.reshape(count, -1).norm(dim=1) for g in samples]).norm(dim=0)
            factor = (clip / (norms + 1e-6)).clamp(max=1.0)
            summed = [torch.einsum("i,i...->...", factor, g) for g in samples]
            for p in self.params:
                p.grad_sample = None
                p.grad = None
        sigma = self.noise_multiplier * clip
        noisy = [
            (s + sigma * torch.randn(s.shape, generator=core.rng, device=core.device))
            / self.expected_batch
            for s in summed
        ]
        return noisy, real_score

    def update(self, fake: torch.Tensor, cond) -> dict[str, torch.Tensor]:
        """One DP-SGD update of the critic; the metrics ``GanCore`` reports."""
        core = self.core
        real = self._real_rows()
        noisy, real_score = self._noisy_real_gradient(real)
        critic = core.discriminator
        # Fresh leaves that need a gradient: see _noisy_real_gradient.
        fake_in = [x.detach().requires_grad_(True) for x in (fake, cond) if x is not None]
        fake_score = critic(*fake_in).mean()
        loss = fake_score
        metrics: dict[str, torch.Tensor] = {}
        every = core.config.gp_every
        if core._d_updates % every == 0:
            perm = torch.randperm(len(fake), generator=core.rng, device=core.device)
            shuffled = (fake[perm], None if cond is None else cond[perm])
            penalty = gradient_penalty(critic, (fake, cond), shuffled, core.rng)
            loss = loss + core.config.gp_weight * every * penalty
            core._last_penalty = penalty.detach()
        core._d_updates += 1
        core.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        for p, g in zip(self.params, noisy, strict=True):
            p.grad = g if p.grad is None else p.grad + g
        core.opt_d.step()
        self.steps += 1
        metrics["wasserstein"] = (real_score - fake_score).detach()
        metrics["discriminator_loss"] = (fake_score - real_score).detach()
        if core._last_penalty is not None:
            metrics["gradient_penalty"] = core._last_penalty
        return metrics
