"""A held-out probe for models without a critic: can a small classifier tell real from generated
rows?

A likelihood model has no discriminator whose accuracy could be charted. This probe measures
what a discriminator's accuracy means instead: a fresh small classifier (one hidden layer) learns
real rows against as many generated rows, in the encoded layout, on one half of each; its
accuracy on the other halves is the chart's accuracy on real and on synthetic rows. Near 100 %
the rows are easy to tell apart; near 50 % the classifier is guessing, the goal.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

PROBE_HIDDEN = 32  # units of the classifier's hidden layer
PROBE_STEPS = 40  # full-batch Adam steps it trains for
PROBE_LR = 1e-2


def classifier_accuracy(
    real: torch.Tensor, fake: torch.Tensor, generator: torch.Generator
) -> dict[str, torch.Tensor]:
    """``real_accuracy`` and ``fake_accuracy`` (0..1) of a small classifier trained on the first
    half of ``real`` and ``fake`` (rows x width each) and tested on the second halves. Draws only
    from ``generator``."""
    half = min(real.shape[0], fake.shape[0]) // 2
    train_x = torch.cat([real[:half], fake[:half]])
    train_y = torch.cat([torch.ones(half), torch.zeros(half)]).to(real.device)
    classifier = nn.Sequential(
        nn.Linear(real.shape[1], PROBE_HIDDEN), nn.ReLU(), nn.Linear(PROBE_HIDDEN, 1)
    ).to(real.device)
    for layer in classifier:
        if isinstance(layer, nn.Linear):
            bound = layer.weight.shape[1] ** -0.5
            nn.init.uniform_(layer.weight, -bound, bound, generator=generator)
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    optimiser = torch.optim.Adam(classifier.parameters(), lr=PROBE_LR, fused=True)
    with torch.enable_grad():
        for _ in range(PROBE_STEPS):
            loss = F.binary_cross_entropy_with_logits(classifier(train_x).squeeze(1), train_y)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
    with torch.no_grad():
        real_scores = classifier(real[half : 2 * half]).squeeze(1)
        fake_scores = classifier(fake[half : 2 * half]).squeeze(1)
    return {
        "real_accuracy": (real_scores > 0).float().mean(),
        "fake_accuracy": (fake_scores <= 0).float().mean(),
    }
