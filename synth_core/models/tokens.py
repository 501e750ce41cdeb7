"""Every column of the encoded table as a few tokens, and tokens back into the encoded layout.

The autoregressive model (``synth_core.models.argn``) learns discrete distributions only, so it
reads the transform's matrix (``synth_core.encoding.transform``) as tokens, one "sub-column" at a
time, grouped by table column:

- a category column is one token: its category (the rare bucket and the missing value are
  categories of their own);
- a number column is up to three: whether it is missing (when it can be), its mixture mode (a
  coarse bin; values that fill at least 5 % of a column have an exact mode of their own), then
  the bin of its scalar among ``bins`` quantile bins of that mode's scalars (a fine bin);
- a date column is those of each of its parts in turn (``synth_core.encoding.calendar_parts``): the
  year, the day of the year, the weekday where it has one, the time of day where it has one.

Decoding draws the scalar uniformly inside its fine bin; bins whose edges coincide (a frequent
exact value, whole numbers) give that value back exactly, and the transform's inverse restores
decimals, whole numbers and dates. The bin edges are fitted on the training matrix and live in
the network as a buffer, so a saved model regenerates without its data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from synth_core.encoding.encoders import Span

CHOICE, FINE = "choice", "fine"  # a token read from a one-hot block, a fine bin of a scalar
EDGE_ROWS = 200_000  # rows the fine bins' quantile edges are fitted on, at most


@dataclass(frozen=True)
class SubColumn:
    """One token of a row: which table column it belongs to, how many values it takes, and
    where its block starts in the encoded matrix."""

    column: int  # index of the table column (sub-columns of a column stay together, in order)
    kind: str  # CHOICE or FINE
    size: int  # number of distinct tokens
    offset: int  # CHOICE: start of the one-hot block; FINE: position of the scalar
    mode: int = -1  # FINE: index of the sub-column holding the mode
    value: int = -1  # FINE: index of the numeric column among those with a scalar


class TokenLayout:
    """The sub-columns of a table's spans, with ``bins`` fine bins per numeric value."""

    def __init__(self, spans: list[Span], bins: int):
        self.bins = bins
        self.sub_columns: list[SubColumn] = []
        starts, offset = [], 0
        for span in spans:
            starts.append(offset)
            offset += span.width
        names = list(dict.fromkeys(span.column for span in spans))
        values = 0
        for column, name in enumerate(names):
            mine = [(s, o) for s, o in zip(spans, starts, strict=True) if s.column == name]
            values += self._add_column(column, mine, values)
        self.value_count = values
        #: the widest mode block of a numeric column (the edges buffer is padded to it)
        self.max_modes = max(
            (self.sub_columns[s.mode].size for s in self.sub_columns if s.kind == FINE), default=1
        )

    def _add_column(self, column: int, spans: list[tuple[Span, int]], values: int) -> int:
        """Append the sub-columns of one table column, part by part (a date's year, day, weekday
        and time): missing, mode, then the fine bin."""
        added = 0
        for part in dict.fromkeys(span.part for span, _ in spans):
            mine = [(span, offset) for span, offset in spans if span.part == part]
            added += self._add_part(column, mine, values + added)
        return added

    def _add_part(self, column: int, spans: list[tuple[Span, int]], values: int) -> int:
        by_role = {span.role: (span, offset) for span, offset in spans}
        if "value" not in by_role:
            for span, offset in spans:
                self.sub_columns.append(SubColumn(column, CHOICE, span.width, offset))
            return 0
        if "missing" in by_role:
            span, offset = by_role["missing"]
            self.sub_columns.append(SubColumn(column, CHOICE, span.width, offset))
        mode_span, mode_offset = by_role["mode"]
        self.sub_columns.append(SubColumn(column, CHOICE, mode_span.width, mode_offset))
        value_offset = by_role["value"][1]
        mode_index = len(self.sub_columns) - 1
        self.sub_columns.append(
            SubColumn(column, FINE, self.bins, value_offset, mode=mode_index, value=values)
        )
        return 1

    @property
    def sizes(self) -> list[int]:
        return [s.size for s in self.sub_columns]

    @property
    def columns(self) -> torch.Tensor:
        """The table column of each sub-column."""
        return torch.tensor([s.column for s in self.sub_columns])

    # ------------------------------------------------------------------------- fine bins
    def fit_edges(self, matrix: torch.Tensor) -> torch.Tensor:
        """Quantile edges (values x modes x bins + 1) of the scalars of each mode's rows; a mode
        without rows gets evenly spaced edges over the scalar's range.

        A matrix of more than ``EDGE_ROWS`` rows is read at evenly spaced rows (its rows are in
        random order already: the holdout split shuffles them), which places the edges as well
        and reads a fraction of a big table."""
        if len(matrix) > EDGE_ROWS:
            matrix = matrix[:: math.ceil(len(matrix) / EDGE_ROWS)]
        edges = torch.linspace(-1.0, 1.0, self.bins + 1, device=matrix.device)
        edges = edges.repeat(max(self.value_count, 1), self.max_modes, 1)
        levels = torch.linspace(0.0, 1.0, self.bins + 1, device=matrix.device)
        for sub in self.sub_columns:
            if sub.kind != FINE:
                continue
            mode_column = self.sub_columns[sub.mode]
            modes = self._choice(matrix, mode_column)
            scalars = matrix[:, sub.offset]
            for mode in range(mode_column.size):
                inside = scalars[modes == mode]
                if inside.numel():
                    edges[sub.value, mode] = torch.quantile(inside.double(), levels.double())
        return edges

    # --------------------------------------------------------------------- matrix <-> tokens
    @staticmethod
    def _choice(matrix: torch.Tensor, sub: SubColumn) -> torch.Tensor:
        # max(1).indices is argmax (the first maximum), several times faster on a block of
        # columns inside a wide matrix.
        return matrix[:, sub.offset : sub.offset + sub.size].max(1).indices

    def tokenize(self, matrix: torch.Tensor, edges: torch.Tensor) -> torch.Tensor:
        """The tokens (rows x sub-columns, int64) of an encoded matrix."""
        tokens = torch.empty(matrix.shape[0], len(self.sub_columns), dtype=torch.long)
        tokens = tokens.to(matrix.device)
        for i, sub in enumerate(self.sub_columns):
            if sub.kind == CHOICE:
                tokens[:, i] = self._choice(matrix, sub)
            else:
                own = edges[sub.value].index_select(0, tokens[:, sub.mode])
                tokens[:, i] = fine_bin(own, matrix[:, sub.offset])
        return tokens

    def detokenize(
        self, tokens: torch.Tensor, edges: torch.Tensor, width: int, generator: torch.Generator
    ) -> torch.Tensor:
        """An encoded matrix (rows x ``width``) holding ``tokens``: one-hot blocks, and each
        scalar drawn uniformly inside its fine bin."""
        rows = torch.arange(tokens.shape[0], device=tokens.device)
        out = torch.zeros(tokens.shape[0], width, device=tokens.device)
        for i, sub in enumerate(self.sub_columns):
            if sub.kind == CHOICE:
                out[rows, sub.offset + tokens[:, i]] = 1.0
                continue
            own = edges[sub.value].index_select(0, tokens[:, sub.mode])
            low = own.gather(1, tokens[:, i : i + 1]).squeeze(1)
            high = own.gather(1, tokens[:, i : i + 1] + 1).squeeze(1)
            u = torch.rand(tokens.shape[0], generator=generator, device=tokens.device)
            out[:, sub.offset] = low + u * (high - low)
        return out


def fine_bin(edges: torch.Tensor, scalars: torch.Tensor) -> torch.Tensor:
    """The bin of each scalar among its row's ``edges`` (rows x bins + 1). A scalar equal to an
    edge shared by several bins takes the first of them, whose width is 0: decoding gives the
    exact value back."""
    bins = edges.shape[1] - 1
    x = scalars.to(edges.dtype).contiguous().unsqueeze(1)
    left = torch.searchsorted(edges.contiguous(), x, right=False).squeeze(1)
    right = torch.searchsorted(edges.contiguous(), x, right=True).squeeze(1)
    exact = (right - left >= 2) & (left < bins)
    return torch.where(exact, left, right - 1).clamp(0, bins - 1)
