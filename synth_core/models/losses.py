"""The two adversarial objectives the variants choose from."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from synth_core.models.networks import Judged, join


def gradient_penalty(
    critic: torch.nn.Module, real: Judged, fake: Judged, generator: torch.Generator
) -> torch.Tensor:
    """WGAN-GP's penalty on the critic's gradient norm at points between real and fake groups
    (rows and condition vectors alike: the norm is over everything the critic reads)."""
    pac = getattr(critic, "pac", 1)
    groups = real[0].shape[0] // pac
    # One mixing weight per pac group, shared by the rows judged together.
    alpha = torch.rand(groups, 1, 1, generator=generator, device=real[0].device)
    mixed = []
    for a, b in zip(real, fake, strict=True):
        if a is b and a is not None:  # shared condition vectors: every mix of them is the same
            mixed.append(a.detach().requires_grad_(True))
        elif a is not None:
            weight = alpha.expand(groups, pac, a.shape[1]).reshape(a.shape)
            mixed.append((weight * a + (1 - weight) * b).requires_grad_(True))
    scores = critic(*mixed)
    grads = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    grad = torch.cat([g.reshape(groups, -1) for g in grads], dim=1)
    return ((grad.norm(2, dim=1) - 1) ** 2).mean()


class WassersteinLoss:
    """WGAN-GP: the critic estimates the Wasserstein distance; its gradient norm is kept near 1."""

    name = "wgan-gp"

    def __init__(self, gp_weight: float = 10.0):
        self.gp_weight = gp_weight

    def discriminator(
        self, critic, real, fake, generator, penalty_scale: float = 1.0
    ) -> tuple[torch.Tensor, dict]:
        """``real`` and ``fake``: what the critic judges (see ``Judged``). ``penalty_scale`` 0
        skips the gradient penalty (a lazy update); n > 1 weighs it n times, standing in for the
        n - 1 updates that skipped it."""
        scores = critic(*join(real, fake))  # one pass over both halves
        real_score, fake_score = (
            scores[: len(scores) // 2].mean(),
            scores[len(scores) // 2 :].mean(),
        )
        loss = fake_score - real_score
        extra = {"wasserstein": real_score - fake_score}
        if penalty_scale:
            penalty = gradient_penalty(critic, real, fake, generator)
            loss = loss + self.gp_weight * penalty_scale * penalty
            extra["gradient_penalty"] = penalty
        return loss, extra

    def generator(self, fake_scores: torch.Tensor) -> torch.Tensor:
        return -fake_scores.mean()


class BinaryCrossEntropyLoss:
    """The original GAN: the discriminator classifies real vs fake; the generator uses the
    non-saturating loss (maximise log D(fake)) so that it still learns when D is winning."""

    name = "bce"

    def discriminator(
        self, critic, real, fake, generator, penalty_scale: float = 1.0
    ) -> tuple[torch.Tensor, dict]:
        logits = critic(*join(real, fake))
        real_logits, fake_logits = logits[: len(logits) // 2], logits[len(logits) // 2 :]
        loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
        return loss, {}

    def generator(self, fake_scores: torch.Tensor) -> torch.Tensor:
        return F.softplus(-fake_scores).mean()
