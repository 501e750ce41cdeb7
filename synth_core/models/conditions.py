"""Conditional vectors: which category a generated row must have, and real rows that have it.

``ConditionSampler`` implements CTGAN's training-by-sampling fully vectorised: pick a discrete
column uniformly, a category with probability proportional to log(frequency + 1), then a real
row holding that category. Restricting it to one column gives the conditional GAN's label input.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from synth_core.encoding.encoders import Span


class ConditionSampler:
    """Draws condition vectors and matching real rows from the one-hot blocks of the data.

    ``columns`` are the discrete columns that can be conditioned on; ``offsets[name]`` is where a
    column's one-hot block starts in the data matrix.
    """

    def __init__(
        self,
        spans: Sequence[Span],
        columns: Sequence[str],
        counts: torch.Tensor | None = None,
        log_frequency: bool = True,
    ):
        starts, start = {}, 0
        for span in spans:
            if span.role == "category":
                starts[span.column] = (start, span.width)
            start += span.width
        self.columns = [c for c in columns if c in starts]
        self.width = sum(starts[c][1] for c in self.columns)
        self.log_frequency = log_frequency
        if not self.columns:
            return
        widths = [starts[c][1] for c in self.columns]
        self.max_width = max(widths)
        # Global category g = column offset in the condition vector + category index.
        self.cond_offsets = torch.tensor(np.cumsum([0, *widths[:-1]]))
        self.data_starts = torch.tensor([starts[c][0] for c in self.columns])
        self.widths = torch.tensor(widths)
        if counts is None:  # unknown frequencies: every category equally likely
            counts = torch.zeros(len(widths), self.max_width)
            for i, width in enumerate(widths):
                counts[i, :width] = 1.0
        self._set_counts(counts.float())

    def _set_counts(self, counts: torch.Tensor) -> None:
        self.counts = counts
        self.frequency = counts / counts.sum(1, keepdim=True)
        weights = torch.log1p(counts) if self.log_frequency else counts
        self.probs = weights / weights.sum(1, keepdim=True)
        # Cumulative tables: a category is drawn by comparing one uniform number against them
        # (inverse CDF), several times cheaper than torch.multinomial on the CPU.
        self.probs_cdf = self.probs.cumsum(1)
        self.frequency_cdf = self.frequency.cumsum(1)

    @classmethod
    def from_data(
        cls, data: torch.Tensor, spans: Sequence[Span], columns: Sequence[str], log_frequency: bool
    ) -> ConditionSampler:
        """A sampler that also draws real rows matching each condition from ``data``."""
        sampler = cls(spans, columns, None, log_frequency).to(data.device)
        if not sampler.enabled:
            return sampler
        n_rows = data.shape[0]
        counts = torch.zeros_like(sampler.counts)
        orders, group_starts = [], []
        for i in range(len(sampler.columns)):
            begin, width = int(sampler.data_starts[i]), int(sampler.widths[i])
            category = data[:, begin : begin + width].argmax(1)
            counts[i, :width] = torch.bincount(category, minlength=width).float()
            orders.append(torch.argsort(category, stable=True))
            before = torch.cumsum(counts[i, :width], 0) - counts[i, :width]
            group_starts.append(before + i * n_rows)
        sampler._set_counts(counts)
        # Rows sorted by category, column after column: the rows holding global category g are
        # rows_by_group[group_start[g] : group_start[g] + group_count[g]].
        sampler.rows_by_group = torch.cat(orders)
        sampler.group_start = torch.cat(group_starts).long()
        sampler.group_count = torch.cat([counts[i, :w] for i, w in enumerate(sampler.widths)])
        return sampler

    def to(self, device: torch.device) -> ConditionSampler:
        names = ("cond_offsets", "data_starts", "widths", "counts", "frequency", "probs")
        for name in (*names, "probs_cdf", "frequency_cdf"):
            if hasattr(self, name):
                setattr(self, name, getattr(self, name).to(device))
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.columns)

    def sample(
        self, batch: int, generator: torch.Generator | None, from_data: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Condition vectors (batch, width), the column picked per row, and matching real rows.

        With ``from_data`` False the category follows the real frequencies (used when sampling
        unconditioned rows after training) and the returned row indices are meaningless.
        """
        device = self.probs.device
        col = torch.randint(len(self.columns), (batch,), generator=generator, device=device)
        # index_select rather than [] indexing: several times faster on the CPU.
        cdf = (self.probs_cdf if from_data else self.frequency_cdf).index_select(0, col)
        u = torch.rand(batch, 1, generator=generator, device=device)
        cat = torch.minimum((cdf < u).sum(1), self.widths.index_select(0, col) - 1)
        group = self.cond_offsets.index_select(0, col) + cat
        cond = torch.zeros(batch, self.width, device=device)
        cond.scatter_(1, group.unsqueeze(1), 1.0)
        if not from_data:
            return cond, col, None
        u = torch.rand(batch, generator=generator, device=device)
        count = self.group_count.index_select(0, group)
        pick = torch.minimum((u * count).long(), (count - 1).long())
        rows = self.rows_by_group.index_select(0, self.group_start.index_select(0, group) + pick)
        return cond, col, rows

    def conditions_of(self, rows: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Condition vectors that real ``rows`` (matrix form) meet, as training pairs them: per
        row a column drawn uniformly, and the row's own category in it."""
        batch, device = rows.shape[0], rows.device
        col = torch.randint(len(self.columns), (batch,), generator=generator, device=device)
        slots = torch.arange(self.max_width, device=device)
        index = (self.data_starts[col].unsqueeze(1) + slots).clamp_max(rows.shape[1] - 1)
        block = rows.gather(1, index).masked_fill(slots >= self.widths[col].unsqueeze(1), -1.0)
        cond = torch.zeros(batch, self.width, device=device)
        cond.scatter_(1, (self.cond_offsets[col] + block.argmax(1)).unsqueeze(1), 1.0)
        return cond

    def condition_for(self, column: str, category: int, batch: int) -> torch.Tensor:
        """Condition vectors that all ask for one category of one column."""
        i = self.columns.index(column)
        cond = torch.zeros(batch, self.width, device=self.probs.device)
        cond[:, int(self.cond_offsets[i]) + category] = 1.0
        return cond


class ConditionLoss(nn.Module):
    """Cross-entropy between each row's requested category and the generator's raw output.

    Only the conditioned column of each row counts; all columns are handled in one padded tensor.
    """

    def __init__(self, sampler: ConditionSampler):
        super().__init__()
        self.sampler = sampler
        if not sampler.enabled:
            return
        index = torch.full((len(sampler.columns), sampler.max_width), -1, dtype=torch.long)
        for i in range(len(sampler.columns)):
            width = int(sampler.widths[i])
            start = int(sampler.data_starts[i])
            index[i, :width] = torch.arange(start, start + width)
        self.register_buffer("index", index.to(sampler.probs.device), persistent=False)
        positions = torch.arange(sampler.width, dtype=torch.float32, device=sampler.probs.device)
        self.register_buffer("positions", positions, persistent=False)

    def forward(self, raw: torch.Tensor, cond: torch.Tensor, col: torch.Tensor) -> torch.Tensor:
        s = self.sampler
        # (batch, max_width): the data-matrix columns of each row's conditioned column
        idx = self.index.index_select(0, col)
        logits = raw.gather(1, idx.clamp_min(0)).masked_fill(idx < 0, float("-inf"))
        # Where each one-hot row's one is, as a product with the positions: exact for one-hot
        # rows, and a fraction of the cost of argmax along rows on the CPU.
        requested = (cond @ self.positions).long()
        target = requested - s.cond_offsets.index_select(0, col)
        return nn.functional.cross_entropy(logits, target)
