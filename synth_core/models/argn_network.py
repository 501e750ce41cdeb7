"""The autoregressive network: each token's distribution given the tokens before it.

Every sub-column (``synth_core.models.tokens``) has an embedding table and its own small
regressor: dense layers that read the embeddings of the sub-columns visible to it, and a softmax
head over its own tokens. Which sub-columns are visible follows a column order: all earlier
columns, and the earlier sub-columns of its own column. The regressors of all sub-columns run as
one batched product, with the invisible inputs' weights masked to zero (as in MADE), so a
training step is a few matrix products whatever the order. Training with a random order per step
teaches every column to follow any set of others; generation uses one fixed order.

``members`` networks of this shape can train side by side, from their own initial weights and
on their own rows (a deep ensemble): each learns alone, and the ensemble's distribution of a
token is the mean of the members' (its likelihood is what the validation loss measures, and
generation draws from it), which is closer to the real one than a single member's.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn
from torch.nn import functional as F

from synth_core.models.tokens import TokenLayout

SHARE_SMOOTHING = 0.5  # added to every token's count, so that a token never seen stays possible


class ArgnNetwork(nn.Module):
    """Embeddings, masked per-sub-column regressors and softmax heads; ``edges`` holds the fine
    bins of the numeric columns (see ``TokenLayout.fit_edges``), saved with the weights."""

    def __init__(
        self,
        sizes: list[int],
        columns: list[int],
        embedding_dim: int,
        hidden: tuple[int, ...],
        edges_shape: tuple[int, int, int],
        members: int = 1,
    ):
        super().__init__()
        count, widest = len(sizes), max(sizes)
        self.sizes, self.embedding_dim, self.members = list(sizes), embedding_dim, members
        # Member m's tables and regressors follow member m-1's in each parameter, so that a
        # single network has the shapes it always had.
        self.embedding = nn.Parameter(torch.empty(members * sum(sizes), embedding_dim))
        widths = [count * embedding_dim, *hidden]
        regressors = members * count
        self.weights = nn.ParameterList(
            nn.Parameter(torch.empty(regressors, a, b)) for a, b in itertools.pairwise(widths)
        )
        self.biases = nn.ParameterList(nn.Parameter(torch.empty(regressors, b)) for b in hidden)
        self.out_weight = nn.Parameter(torch.empty(regressors, widths[-1], widest))
        self.out_bias = nn.Parameter(torch.empty(regressors, widest))
        self.register_buffer("edges", torch.zeros(edges_shape))
        offsets = torch.tensor([0, *sizes[:-1]]).cumsum(0)
        offsets = offsets[None, :] + sum(sizes) * torch.arange(members)[:, None]
        self.register_buffer("token_offsets", offsets, persistent=False)
        self.register_buffer("columns", torch.tensor(columns), persistent=False)
        # Logits past a sub-column's own size are never drawn: -inf before the softmax.
        padding = torch.arange(widest)[None, :] >= torch.tensor(sizes)[:, None]
        self.register_buffer("padding", padding, persistent=False)

    def reset_parameters(self, generator: torch.Generator) -> None:
        """Seeded initialisation: normal embeddings, dense layers as PyTorch's Linear default."""
        nn.init.normal_(self.embedding, generator=generator)
        for weight, bias in zip(self.weights, self.biases, strict=True):
            bound = 1 / math.sqrt(weight.shape[1])
            nn.init.uniform_(weight, -bound, bound, generator=generator)
            nn.init.uniform_(bias, -bound, bound, generator=generator)
        # Heads start from the tokens' marginal shares (``start_from_shares``): zero weights.
        nn.init.zeros_(self.out_weight)
        nn.init.zeros_(self.out_bias)

    @torch.no_grad()
    def start_from_shares(self, tokens: torch.Tensor) -> None:
        """Set each head's bias to the log-shares of its tokens in ``tokens`` (rows x
        sub-columns): before any step, the network draws every column with its real shares."""
        bias = self.out_bias.view(self.members, len(self.sizes), -1)
        for k, size in enumerate(self.sizes):
            counts = torch.bincount(tokens[:, k], minlength=size).float() + SHARE_SMOOTHING
            bias[:, k, :size] = (counts / counts.sum()).log()

    # --------------------------------------------------------------------------- orders
    def visibility(self, order: torch.Tensor) -> torch.Tensor:
        """(sub-columns x sub-columns) 0/1: which sub-columns each one reads, for ``order`` (a
        permutation of the table columns, first generated first)."""
        position = torch.empty_like(order)
        position[order] = torch.arange(len(order), device=order.device)
        pos = position[self.columns]
        index = torch.arange(len(pos), device=pos.device)
        earlier_column = pos[None, :] < pos[:, None]
        earlier_in_column = (pos[None, :] == pos[:, None]) & (index[None, :] < index[:, None])
        return (earlier_column | earlier_in_column).float()

    def sequence(self, order: torch.Tensor) -> list[int]:
        """The sub-columns in the order they are generated."""
        position = torch.empty_like(order)
        position[order] = torch.arange(len(order), device=order.device)
        key = position[self.columns] * len(self.sizes) + torch.arange(len(self.sizes))
        return torch.argsort(key).tolist()

    def _first_weight(self, visible: torch.Tensor) -> torch.Tensor:
        """The first dense layer's weights (members x sub-columns x inputs x units), the inputs
        that ``visible`` hides zeroed."""
        mask = visible.repeat_interleave(self.embedding_dim, dim=1)
        return self._per_member(self.weights[0]) * mask[None, :, :, None]

    def _per_member(self, parameter: torch.Tensor) -> torch.Tensor:
        return parameter.view(self.members, len(self.sizes), *parameter.shape[1:])

    # ------------------------------------------------------------------------- training
    def token_log_probs(
        self,
        tokens: torch.Tensor,
        visible: torch.Tensor,
        dropout: float = 0.0,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Log-probability of every token under each member (rows x members x sub-columns), in
        the order whose ``visibility`` is ``visible``. ``tokens``: rows x sub-columns (every
        member reads the same rows) or rows x members x sub-columns. ``dropout`` (training only)
        zeroes that share of the regressors' hidden units, drawn from ``generator``."""
        if tokens.dim() == 2:
            tokens = tokens.unsqueeze(1).expand(-1, self.members, -1)
        rows, members, count = tokens.shape
        x = self.embedding.index_select(0, (tokens + self.token_offsets).reshape(-1))
        x = x.reshape(rows, members, count * self.embedding_dim)
        h = torch.einsum("bmd,mkdh->bmkh", x, self._first_weight(visible))
        h = drop_units(torch.relu(h + self._per_member(self.biases[0])), dropout, generator)
        for weight, bias in zip(self.weights[1:], self.biases[1:], strict=True):
            h = torch.einsum("bmkh,mkhg->bmkg", h, self._per_member(weight))
            h = drop_units(torch.relu(h + self._per_member(bias)), dropout, generator)
        logits = torch.einsum("bmkh,mkhc->bmkc", h, self._per_member(self.out_weight))
        logits = logits + self._per_member(self.out_bias)
        log_p = F.log_softmax(logits.masked_fill(self.padding, -math.inf), dim=3)
        return log_p.gather(3, tokens.unsqueeze(3)).squeeze(3)

    def ensemble_log_likelihood(self, tokens: torch.Tensor, visible: torch.Tensor) -> torch.Tensor:
        """Log-probability of each row of ``tokens`` (rows x sub-columns) under the ensemble,
        whose distribution of every token is the mean of the members': one value per row."""
        log_p = self.token_log_probs(tokens, visible)
        return (torch.logsumexp(log_p, dim=1) - math.log(self.members)).sum(1)

    # ----------------------------------------------------------------------- generation
    def head_logits(self, x: torch.Tensor, first: torch.Tensor, k: int) -> torch.Tensor:
        """Logits of sub-column ``k`` under each member (members x rows x tokens), for rows whose
        embeddings so far are ``x`` (members x rows x all embeddings), with the masked first
        weight ``first`` of the order."""
        h = torch.relu(torch.bmm(x, first[:, k]) + self._per_member(self.biases[0])[:, k, None])
        for weight, bias in zip(self.weights[1:], self.biases[1:], strict=True):
            h = torch.bmm(h, self._per_member(weight)[:, k]) + self._per_member(bias)[:, k, None]
            h = torch.relu(h)
        logits = torch.bmm(h, self._per_member(self.out_weight)[:, k])
        logits = logits + self._per_member(self.out_bias)[:, k, None]
        return logits[:, :, : self.sizes[k]]

    def sample(
        self, n: int, order: torch.Tensor, generator: torch.Generator, temperature: float = 1.0
    ) -> torch.Tensor:
        """``n`` rows of tokens drawn one sub-column at a time along ``order``; each token from
        the mean of the members' distributions."""
        device = self.embedding.device
        first = self._first_weight(self.visibility(order))
        width = self.embedding_dim
        x = torch.zeros(self.members, n, len(self.sizes) * width, device=device)
        tokens = torch.zeros(n, len(self.sizes), dtype=torch.long, device=device)
        for k in self.sequence(order):
            logits = self.head_logits(x, first, k) / temperature
            # The log of the members' summed probabilities: the same argmax as their mean's.
            scores = logits[0] if self.members == 1 else logits.log_softmax(2).logsumexp(0)
            u = torch.rand(scores.shape, generator=generator, device=device)
            token = (scores - torch.log(-torch.log(u.clamp_min(1e-20)))).argmax(1)  # Gumbel-max
            tokens[:, k] = token
            x[:, :, k * width : (k + 1) * width] = self.embedding[
                self.token_offsets[:, k, None] + token
            ]
        return tokens


def drop_units(h: torch.Tensor, share: float, generator: torch.Generator | None) -> torch.Tensor:
    """``h`` (rows x members x sub-columns x units) with ``share`` of its units zeroed at random
    and the rest scaled up to keep the mean (inverted dropout); ``h`` itself when ``share`` is 0.

    A row drops the same units in every sub-column's regressor: each regressor still loses
    ``share`` of its units, independently from row to row, and drawing one mask per row instead
    of one per regressor saves most of dropout's cost."""
    if share <= 0:
        return h
    rows, members, _, units = h.shape
    shape = (rows, members, 1, units)
    keep = torch.rand(shape, generator=generator, device=h.device) >= share
    return h * (keep / (1 - share))


def network_size(
    layout: TokenLayout, embedding_dim: int, hidden: tuple[int, ...], members: int = 1
) -> int:
    """How many numbers an ``ArgnNetwork`` for ``layout`` holds (weights and saved bin edges),
    worked out without building it."""
    sizes, count = layout.sizes, len(layout.sizes)
    widths = [count * embedding_dim, *hidden]
    dense = sum(count * (a + 1) * b for a, b in itertools.pairwise(widths))
    heads = count * (widths[-1] + 1) * max(sizes)
    edges = max(layout.value_count, 1) * layout.max_modes * (layout.bins + 1)
    return members * (sum(sizes) * embedding_dim + dense + heads) + edges
