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
# Heads of like widths are computed together (``head_groups``): at most this many groups, each
# worth it when it saves this many logits per sub-column (a product more has its own overhead).
MAX_HEAD_GROUPS = 4
GROUP_COST = 4
# Regressors listed in drawing order are computed in this many blocks, each over the inputs its
# last regressor reads (``ArgnNetwork._first_layer``): more blocks skip more hidden inputs, and
# each is one more product.
TRIANGLE_BLOCKS = 4


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
        # Training computes the heads of sub-columns of like sizes together, each group only as
        # wide as its widest (``head_groups``): one wide category would otherwise widen every
        # head. Its regressors run listed group by group, so that each group is a slice.
        groups = head_groups(sizes)
        self.head_slices, start = [], 0
        for group in groups:
            self.head_slices.append((start, start + len(group), max(sizes[k] for k in group)))
            start += len(group)
        grouped_order = torch.tensor([k for group in groups for k in group])
        self.register_buffer("grouped_order", grouped_order, persistent=False)
        self.register_buffer("grouped_inverse", torch.argsort(grouped_order), persistent=False)
        grouped_padding = padding.index_select(0, grouped_order)
        self.register_buffer("grouped_padding", grouped_padding, persistent=False)

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

    def _grouped(self, parameter: torch.Tensor) -> torch.Tensor:
        """A parameter of the regressors per member (members x sub-columns x ...), listed
        group by group (``head_groups``)."""
        return self._per_member(parameter).index_select(1, self.grouped_order)

    # ------------------------------------------------------------------------- training
    def _first_layer(self, x: torch.Tensor, visible: torch.Tensor) -> torch.Tensor:
        """The first dense layer of every regressor before its bias (rows x members x
        sub-columns x units, listed group by group), on ``x``, the embeddings
        (rows x members x all embeddings), each regressor reading what ``visible`` shows it.

        Listed in the order they are drawn, each sub-column reads those before it alone, so the
        inputs a regressor reads make a triangle: it is worked out in blocks of regressors, each
        block only over the inputs its last regressor reads, which skips most hidden ones."""
        rows, members, count, width = x.shape[0], self.members, len(self.sizes), self.embedding_dim
        drawn = torch.argsort(visible.sum(1))  # a sub-column reads as many as are drawn before it
        weight = self._per_member(self.weights[0]).reshape(members, count * count, width, -1)
        inputs = x.view(rows, members, count, width).index_select(2, drawn)
        blocks = []
        for start, end in _triangle_blocks(count):
            reads = end - 1  # inputs the block's last regressor reads: all drawn before it
            if reads == 0:
                blocks.append(x.new_zeros(rows, members, end - start, weight.shape[-1]))
                continue
            pairs = (drawn[start:end, None] * count + drawn[None, :reads]).reshape(-1)
            mask = visible[drawn[start:end]][:, drawn[:reads]].repeat_interleave(width, dim=1)
            block = weight.index_select(1, pairs).reshape(members, end - start, reads * width, -1)
            blocks.append(
                torch.einsum(
                    "bmd,mkdh->bmkh",
                    inputs[:, :, :reads].reshape(rows, members, reads * width),
                    block * mask[None, :, :, None],
                )
            )
        listed = torch.argsort(drawn)[self.grouped_order]
        return torch.cat(blocks, dim=2).index_select(2, listed)

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
        regressors = self._grouped  # the regressors' parameters, listed as the heads' groups
        h = self._first_layer(x, visible)
        h = drop_units(torch.relu(h + regressors(self.biases[0])), dropout, generator)
        for weight, bias in zip(self.weights[1:], self.biases[1:], strict=True):
            h = torch.einsum("bmkh,mkhg->bmkg", h, regressors(weight))
            h = drop_units(torch.relu(h + regressors(bias)), dropout, generator)
        out_weight, out_bias = regressors(self.out_weight), regressors(self.out_bias)
        padding = self.grouped_padding
        chosen = tokens.index_select(2, self.grouped_order)
        pieces = []
        for start, end, width in self.head_slices:
            logits = torch.einsum(
                "bmkh,mkhc->bmkc", h[:, :, start:end], out_weight[:, start:end, :, :width]
            )
            logits = logits + out_bias[:, start:end, :width]
            log_p = F.log_softmax(logits.masked_fill(padding[start:end, :width], -math.inf), dim=3)
            pieces.append(log_p.gather(3, chosen[:, :, start:end].unsqueeze(3)).squeeze(3))
        return torch.cat(pieces, dim=2).index_select(2, self.grouped_inverse)

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


def _triangle_blocks(count: int, blocks: int = TRIANGLE_BLOCKS) -> list[tuple[int, int]]:
    """``count`` regressors listed in drawing order as at most ``blocks`` (start, end) runs."""
    size = max(1, math.ceil(count / blocks))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def head_groups(sizes: list[int], most: int = MAX_HEAD_GROUPS) -> list[list[int]]:
    """The sub-columns (indices into ``sizes``) in at most ``most`` groups of like sizes, chosen
    to make the fewest logits when each group is as wide as its widest, a group costing
    ``GROUP_COST`` logits per sub-column more (each is one more product)."""
    order = sorted(range(len(sizes)), key=lambda k: sizes[k])
    ranked = [sizes[k] for k in order]
    count = len(ranked)
    extra = GROUP_COST * count
    # best[g][i]: fewest logits for the i smallest sub-columns in g groups, and where the last
    # group starts.
    best = [[(0.0, 0)] + [(math.inf, 0)] * count]
    for _ in range(most):
        row = [(0.0, 0)]
        for i in range(1, count + 1):
            row.append(min((best[-1][j][0] + (i - j) * ranked[i - 1] + extra, j) for j in range(i)))
        best.append(row)
    groups_used = min(range(1, most + 1), key=lambda g: best[g][count][0])
    groups, end = [], count
    for g in range(groups_used, 0, -1):
        start = best[g][end][1]
        groups.append(sorted(order[start:end]))
        end = start
    return [group for group in reversed(groups) if group]


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
