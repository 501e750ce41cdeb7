"""Small ``nn.Module``s shared by every GAN variant.

The generator's output activations are driven by the transform's layout (a list of spans), so the
networks know widths and activations, never columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from synth_core.encoding.encoders import SOFTMAX, TANH, Span


class Residual(nn.Module):
    """Linear + BatchNorm + ReLU. ``concat``: the output is concatenated to the input (the CTGAN
    paper's block, whose width grows block after block); otherwise the input is added to the
    output when the widths match (a plain residual block), so every layer stays ``out_dim`` wide.
    The Linear has no bias: BatchNorm subtracts the batch mean right after it."""

    def __init__(self, in_dim: int, out_dim: int, concat: bool = True):
        super().__init__()
        self.concat = concat
        self.fc = nn.Linear(in_dim, out_dim, bias=concat)
        self.bn = nn.BatchNorm1d(out_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.bn(self.fc(x)))
        if self.concat:
            return torch.cat([h, x], dim=1)
        return h + x if h.shape[1] == x.shape[1] else h


GENERATOR_BLOCKS = ("concat", "residual")


class Generator(nn.Module):
    """Noise (+ condition) -> raw outputs, one per matrix column, before activations."""

    def __init__(self, in_dim: int, hidden: Sequence[int], out_dim: int, block: str = "concat"):
        super().__init__()
        if block not in GENERATOR_BLOCKS:
            raise ValueError(f"unknown generator block {block!r}")
        layers, dim = [], in_dim
        for size in hidden:
            layers.append(Residual(dim, size, concat=block == "concat"))
            dim = dim + size if block == "concat" else size
        layers.append(nn.Linear(dim, out_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


def dense_stack(in_dim: int, hidden: Sequence[int], out_dim: int) -> nn.Sequential:
    """Linear + ReLU layers of the ``hidden`` widths, then a Linear to ``out_dim``."""
    layers: list[nn.Module] = []
    for size in hidden:
        layers += [nn.Linear(in_dim, size), nn.ReLU()]
        in_dim = size
    layers.append(nn.Linear(in_dim, out_dim))
    return nn.Sequential(*layers)


INITIAL_SPREAD = 0.1  # the decoder's starting spread of each scalar output
SPREAD_RANGE = (0.01, 1.0)  # the spread it may learn, in the tanh scale of the scalars


class Decoder(nn.Module):
    """The VAE-GAN's generator: a latent code -> raw outputs (Linear + ReLU layers, no batch
    norm, so a row never depends on the others of its batch), and a learned spread per scalar
    output (``scalars`` of them, in ``SpanGroups`` order) that adds the detail a decoded mean
    lacks when rows are drawn."""

    def __init__(self, in_dim: int, hidden: Sequence[int], out_dim: int, scalars: int):
        super().__init__()
        self.net = dense_stack(in_dim, hidden, out_dim)
        self.log_spread = nn.Parameter(torch.empty(scalars))

    def reset_spread(self) -> None:
        with torch.no_grad():
            self.log_spread.fill_(math.log(INITIAL_SPREAD))

    def spread(self) -> torch.Tensor:
        low, high = SPREAD_RANGE
        return self.log_spread.clamp(math.log(low), math.log(high)).exp()

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


#: What a critic judges: rows (batch, width) and their condition vectors (batch, width of the
#: conditions), or None when the model has no conditions.
Judged = tuple[torch.Tensor, torch.Tensor | None]


def join(first: Judged, second: Judged) -> Judged:
    """Two batches for the critic as one (one pass through it instead of two). Batches under
    the very same condition vectors keep one copy of them: the critic then adds their part of
    its first layer to both halves, computed once."""
    rows = torch.cat([first[0], second[0]])
    if first[1] is None or first[1] is second[1]:
        return rows, first[1]
    return rows, torch.cat([first[1], second[1]])


class Discriminator(nn.Module):
    """Scores groups of ``pac`` rows (PacGAN): Linear, LeakyReLU(0.2), Dropout(0.5) blocks.

    The first layer reads the rows and their condition vectors through two weight blocks whose
    outputs add up: one dense layer over [rows | conditions], without concatenating them. When
    the critic's verdict trains the generator, no gradient is then computed for the conditions,
    which are constants (two fifths of the first layer's inputs on the Adult table).
    """

    def __init__(
        self,
        in_dim: int,
        hidden: Sequence[int],
        pac: int = 1,
        dropout: float = 0.5,
        cond_dim: int = 0,
    ):
        super().__init__()
        self.pac = pac
        first = hidden[0] if hidden else 1
        self.rows_in = nn.Linear(in_dim * pac, first)
        self.cond_in = nn.Linear(cond_dim * pac, first, bias=False) if cond_dim else None
        for layer in (self.rows_in, self.cond_in):
            if layer is not None:  # initialised as the one layer they stand for
                layer.init_fan_in = (in_dim + cond_dim) * pac
        layers: list[nn.Module] = []
        dim = first
        for size in hidden[1:]:
            layers += [nn.LeakyReLU(0.2), nn.Dropout(dropout), nn.Linear(dim, size)]
            dim = size
        if hidden:
            layers += [nn.LeakyReLU(0.2), nn.Dropout(dropout), nn.Linear(dim, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, rows: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        """Scores of the groups of ``rows``. ``cond`` holds one condition vector per row, or per
        row of the first of several stacked batches that share them (see ``join``)."""
        # (batch, width) -> (batch / pac, pac * width): each score judges pac rows together.
        h = self.rows_in(rows.reshape(-1, rows.shape[1] * self.pac))
        if self.cond_in is not None:
            c = self.cond_in(cond.reshape(-1, cond.shape[1] * self.pac))
            h = (h.view(-1, *c.shape) + c).view(h.shape)
        return self.net(h).squeeze(1)


class SpanGroups:
    """Column orders that let every activation run on contiguous slices, without gathers.

    ``order`` lists the matrix columns as [tanh columns | softmax spans grouped by width]; in that
    order the spans of one width form a (batch, spans, width) view. ``inverse`` puts the columns
    back in matrix order.
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
        self.n_tanh = len(tanh_cols)
        self.n_soft = len(soft)
        order, span_of = list(tanh_cols), []  # span_of: the span of each softmax column
        spans = 0  # softmax spans placed so far, numbered in this order
        self.sizes, self.widths = [], []  # per width group: its columns, and that width
        for width in sorted({w for _, w in soft}):
            begin = len(order)
            for s, w in soft:
                if w == width:
                    order.extend(range(s, s + w))
                    span_of.extend([spans] * w)
                    spans += 1
            self.sizes.append(len(order) - begin)
            self.widths.append(width)
        self.order = torch.tensor(order, dtype=torch.long)
        self.inverse = torch.argsort(self.order)
        self.tanh_index = torch.tensor(tanh_cols, dtype=torch.long)
        self.soft_index = self.order[self.n_tanh :]
        # membership[c, k] = 1 when softmax column c (in ``order``) belongs to span k: a product
        # with it sums each span, one with its transpose spreads a value per span to its columns.
        self.membership = torch.zeros(len(span_of), self.n_soft)
        self.membership[torch.arange(len(span_of)), torch.tensor(span_of, dtype=torch.long)] = 1.0

    def to(self, device: torch.device) -> SpanGroups:
        for name in ("order", "inverse", "tanh_index", "soft_index", "membership"):
            setattr(self, name, getattr(self, name).to(device))
        return self

    def span_max(self, soft: torch.Tensor) -> torch.Tensor:
        """(batch, spans): the largest value of each span of ``soft`` (the softmax columns)."""
        batch = soft.shape[0]
        blocks = soft.split(self.sizes, dim=1)
        return torch.cat(
            [b.reshape(batch, -1, w).amax(2) for b, w in zip(blocks, self.widths, strict=True)], 1
        )


class SpanSoftmax(torch.autograd.Function):
    """Softmax over every span of the softmax columns at once.

    One softmax call per span width, with its backward, costs over twice as much on the CPU as
    this: one exponential over all columns, and the sums per span as two small matrix products
    (see ``SpanGroups.membership``). The backward is the softmax's, y * (g - sum over the span
    of g * y), written out so that it too runs in a handful of operations.
    """

    @staticmethod
    def forward(ctx, logits: torch.Tensor, groups: SpanGroups) -> torch.Tensor:  # type: ignore[override]
        # Shifted by the largest logit of each span: exp never overflows, and the softmax of a
        # span is unchanged by a shift.
        membership = groups.membership
        shift = groups.span_max(logits) @ membership.T
        e = (logits - shift).exp_()
        y = e.div_((e @ membership) @ membership.T)
        ctx.save_for_backward(y, membership)
        return y

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        y, membership = ctx.saved_tensors
        gy = grad * y
        return gy - ((gy @ membership) @ membership.T) * y, None


def gumbel(shape, generator: torch.Generator | None, device) -> torch.Tensor:
    """Gumbel(0, 1) noise."""
    u = torch.rand(shape, generator=generator, device=device)
    return u.clamp_(1e-10, 1 - 1e-7).log_().neg_().log_().neg_()


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
        g, batch = self.groups, raw.shape[0]
        if draw:
            out = raw.clone()
            out[:, g.tanh_index] = torch.tanh(raw[:, g.tanh_index])
            if g.n_soft:
                noise = gumbel((batch, g.soft_index.numel()), generator, raw.device)
                out[:, g.soft_index] += noise
            return out
        x = raw.index_select(1, g.order)
        if not g.n_soft:
            return torch.tanh(x).index_select(1, g.inverse)
        # split, not slicing: the gradient of a slice is a zero-filled copy of the whole tensor,
        # one per slice, while split's backward is a single concatenation.
        scalars, soft = x.split([g.n_tanh, x.shape[1] - g.n_tanh], dim=1)
        logits = (soft + gumbel(soft.shape, generator, raw.device)) / self.tau
        probs = SpanSoftmax.apply(logits, g)
        return torch.cat([torch.tanh(scalars), probs], dim=1).index_select(1, g.inverse)
