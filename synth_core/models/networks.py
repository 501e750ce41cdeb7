"""Small ``nn.Module``s shared by every GAN variant.

The generator's output activations are driven by the transform's layout (a list of spans), so the
networks know widths and activations, never columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from synth_core.encoders import SOFTMAX, TANH, Span


class Residual(nn.Module):
    """Linear + BatchNorm + ReLU whose output is concatenated to its input (CTGAN's block)."""

    def __init__(self, in_dim: int, out_dim: int):
        super().__init__()
        self.fc = nn.Linear(in_dim, out_dim)
        self.bn = nn.BatchNorm1d(out_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([torch.relu(self.bn(self.fc(x))), x], dim=1)


class Generator(nn.Module):
    """Noise (+ condition) -> raw outputs, one per matrix column, before activations."""

    def __init__(self, in_dim: int, hidden: Sequence[int], out_dim: int):
        super().__init__()
        layers, dim = [], in_dim
        for size in hidden:
            layers.append(Residual(dim, size))
            dim += size
        layers.append(nn.Linear(dim, out_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """Scores groups of ``pac`` rows (PacGAN): Linear, LeakyReLU(0.2), Dropout(0.5) blocks."""

    def __init__(self, in_dim: int, hidden: Sequence[int], pac: int = 1, dropout: float = 0.5):
        super().__init__()
        self.pac = pac
        layers, dim = [], in_dim * pac
        for size in hidden:
            layers += [nn.Linear(dim, size), nn.LeakyReLU(0.2), nn.Dropout(dropout)]
            dim = size
        layers.append(nn.Linear(dim, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (batch, width) -> (batch / pac, pac * width): each score judges pac rows together.
        return self.net(x.reshape(-1, x.shape[1] * self.pac)).squeeze(1)


class SpanGroups:
    """Index maps that let all softmax spans be handled in one padded tensor operation.

    ``pad_index`` gathers the raw outputs of every softmax span into a (spans, max_width) grid;
    padding points at a spare column holding -inf so that padded cells get probability 0.
    """

    def __init__(self, spans: Sequence[Span]):
        self.width = sum(span.width for span in spans)
        tanh_cols, soft, start = [], [], 0
        for span in spans:
            if span.activation == TANH:
                tanh_cols.extend(range(start, start + span.width))
            elif span.activation == SOFTMAX:
                soft.append((start, span.width))
            else:
                raise ValueError(f"unknown activation {span.activation!r}")
            start += span.width
        self.tanh_index = torch.tensor(tanh_cols, dtype=torch.long)
        self.max_width = max((w for _, w in soft), default=1)
        pad = torch.full((len(soft), self.max_width), self.width, dtype=torch.long)
        for i, (begin, width) in enumerate(soft):
            pad[i, :width] = torch.arange(begin, begin + width)
        self.pad_index = pad
        self.valid = pad < self.width
        self.soft_index = pad[self.valid]  # matrix column of every valid grid cell, in order
        self.n_soft = len(soft)

    def to(self, device: torch.device) -> SpanGroups:
        for name in ("tanh_index", "pad_index", "valid", "soft_index"):
            setattr(self, name, getattr(self, name).to(device))
        return self

    def grid(self, raw: torch.Tensor, fill: float = float("-inf")) -> torch.Tensor:
        """(batch, width) -> (batch, spans, max_width) with ``fill`` in padded cells."""
        padded = torch.cat([raw, raw.new_full((raw.shape[0], 1), fill)], dim=1)
        return padded[:, self.pad_index]


class OutputHead(nn.Module):
    """Applies each span's activation: tanh for scalars, Gumbel-softmax for one-hots."""

    def __init__(self, spans: Sequence[Span], tau: float = 0.2):
        super().__init__()
        self.groups = SpanGroups(spans)
        self.tau = tau

    def to(self, device):  # type: ignore[override]
        self.groups.to(torch.device(device) if isinstance(device, str) else device)
        return super().to(device)

    def forward(
        self, raw: torch.Tensor, generator: torch.Generator | None = None, draw: bool = False
    ) -> torch.Tensor:
        """Activated outputs. With ``draw`` (generation, no training), one-hot spans hold
        Gumbel-perturbed logits instead: their argmax is the same draw from the softmax, and
        the decoder only reads the argmax, so the softmax is skipped."""
        g = self.groups
        if g.n_soft:
            # Gumbel(0, 1) noise; the tanh columns' share is drawn too and ignored.
            u = torch.rand(raw.shape, generator=generator, device=raw.device)
            perturbed = raw - torch.log(-torch.log(u.clamp(1e-10, 1 - 1e-7)))
        if draw:
            out = perturbed if g.n_soft else raw.clone()
            out[:, g.tanh_index] = torch.tanh(raw[:, g.tanh_index])
            return out
        out = torch.empty_like(raw)
        out[:, g.tanh_index] = torch.tanh(raw[:, g.tanh_index])
        if g.n_soft:
            probs = torch.softmax(g.grid(perturbed / self.tau), dim=2)
            out[:, g.soft_index] = probs[:, g.valid]
        return out
