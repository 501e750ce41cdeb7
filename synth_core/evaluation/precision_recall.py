"""Precision and recall for distributions (Kynkäänniemi et al., 2019, "Improved precision and
recall metric for assessing generative models").

Each row gets a ball around it reaching its k-th nearest neighbour in its own table. Precision:
the share of synthetic rows inside the ball of some real row (are the synthetic rows realistic?).
Recall: the share of real rows inside the ball of some synthetic row (does the synthetic table
cover all kinds of real rows?). A model that writes one kind of row well has high precision and
low recall; one that writes noise has low precision.

Distances are those of the privacy checks (:mod:`synth_core.privacy.distances`: numbers scaled
to their real range, categories one-hot), between seeded samples of at most ``COVERAGE_ROWS``
rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import pairwise_distances_chunked
from sklearn.neighbors import NearestNeighbors

from synth_core.evaluation.sampling import at_most
from synth_core.privacy.distances import TIE, DistanceSpace
from synth_core.schema import ColumnInfo

COVERAGE_ROWS = 5_000  # rows of each table compared (a seeded sample): the cost is rows x rows
NEIGHBOURS = 5  # k: each row's ball reaches its k-th nearest neighbour


@dataclass(frozen=True)
class PrecisionRecall:
    """Improved precision and recall of the synthetic rows, each 0..1 (1 is best)."""

    precision: float
    recall: float
    k: int
    rows: dict[str, int]  # rows compared: real, synthetic

    def to_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "k": self.k,
            "rows": dict(self.rows),
        }


def precision_recall(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    infos: list[ColumnInfo],
    seed: int = 0,
    max_rows: int = COVERAGE_ROWS,
    k: int = NEIGHBOURS,
) -> PrecisionRecall:
    """Precision and recall of ``synthetic`` against ``real`` over the ``infos`` columns, on at
    most ``max_rows`` rows of each (sampled with ``seed``)."""
    real, synthetic = at_most(real, max_rows, seed), at_most(synthetic, max_rows, seed)
    rows = {"real": len(real), "synthetic": len(synthetic)}
    if min(len(real), len(synthetic)) <= k:
        return PrecisionRecall(float("nan"), float("nan"), k, rows)
    space = DistanceSpace(real, infos)
    real_points, synthetic_points = space.embed(real), space.embed(synthetic)
    precision = _share_inside(synthetic_points, real_points, _radii(real_points, k))
    recall = _share_inside(real_points, synthetic_points, _radii(synthetic_points, k))
    return PrecisionRecall(precision, recall, k, rows)


def _radii(points: np.ndarray, k: int) -> np.ndarray:
    """Distance from each point to its k-th nearest other point (the first neighbour found is
    the point itself, or an identical one: at distance 0 either way)."""
    search = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(points)
    return search.kneighbors(points)[0][:, k]


def _share_inside(queries: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> float:
    """Share of ``queries`` within ``radii`` of at least one of ``centres``."""

    def inside(distances: np.ndarray, start: int) -> np.ndarray:
        return (distances <= radii + TIE).any(axis=1)

    chunks = pairwise_distances_chunked(queries, centres, reduce_func=inside)
    return float(np.concatenate(list(chunks)).mean())
