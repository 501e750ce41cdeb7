"""How far apart two rows are: one mixed-type distance space shared by the privacy code.

The space is learnt from real rows: numbers and dates scaled to 0..1 by their real range
(missing: 0 plus a "missing" flag), categories one-hot scaled so that two different categories
are as far apart as the two ends of a number's range. Distances are Euclidean; nearest
neighbours are found by scikit-learn. The privacy scores, precision and recall, and the
near-copy filter all measure in this space.

So two rows that differ in a category, or in which of their numbers are missing, lie at least
``DISCRETE_GAP`` apart (a category the reference never saw is a row of zeros, one scaled slot
away from any other). ``CloseSearch`` uses that to answer "is a reference row closer than r?" for
small r in a few dimensions instead of one per category.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder

from synth_core.privacy.comparable import family, prepared
from synth_core.schema.model import ColumnInfo

MAX_ONE_HOT = 100  # categories per column; rarer ones share one "infrequent" slot
TIE = 1e-9  # distances closer than this are equal (float noise)
_ONE_HOT_SCALE = np.sqrt(0.5)  # two different categories: squared distance 1, like 0 vs 1
DISCRETE_GAP = _ONE_HOT_SCALE  # the least distance between rows of different categories or flags


class DistanceSpace:
    """The mixed-type space described above, learnt from ``reference`` (the real rows)."""

    def __init__(self, reference: pd.DataFrame, infos: list[ColumnInfo]):
        self.infos = infos
        numeric = [info.name for info in infos if family(info) == "numeric"]
        categorical = [info.name for info in infos if family(info) == "categorical"]
        parts = []
        if numeric:
            scale = make_pipeline(
                MinMaxScaler(),
                SimpleImputer(strategy="constant", fill_value=0.0, add_indicator=True),
            )
            parts.append(("numeric", scale, numeric))
        if categorical:
            one_hot = make_pipeline(
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    max_categories=MAX_ONE_HOT,
                    sparse_output=False,
                ),
                FunctionTransformer(_scale_one_hot),
            )
            parts.append(("categorical", one_hot, categorical))
        self.transformer = ColumnTransformer(parts, sparse_threshold=0.0)
        self.transformer.fit(prepared(reference, infos))
        width = max(part.stop for part in self.transformer.output_indices_.values())
        #: Which of a point's coordinates are flags (missing, one-hot) rather than scaled numbers.
        self.discrete = np.ones(width, dtype=bool)
        if numeric:
            start = self.transformer.output_indices_["numeric"].start
            self.discrete[start : start + len(numeric)] = False

    def embed(self, frame: pd.DataFrame) -> np.ndarray:
        """Points of ``frame``'s rows in the space (float64, one row each)."""
        if len(frame) == 0:
            return np.zeros((0, 1))
        return np.asarray(self.transformer.transform(prepared(frame, self.infos)), np.float64)


def neighbours(reference: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(distances, positions) of the ``k`` nearest ``reference`` points to each query point,
    nearest first; distances below ``TIE`` count as 0."""
    search = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(reference)
    distances, indices = search.kneighbors(queries)
    return np.where(distances < TIE, 0.0, distances), indices


class CloseSearch:
    """Whether some reference point lies closer than ``radius`` to each query point.

    Below ``DISCRETE_GAP`` only reference points with the query's categories and missing flags
    can be that close, so each distinct set of flags becomes one code coordinate, its codes
    farther apart than ``radius``, beside the scaled numbers: scikit-learn then searches a few
    dimensions (with a tree where there are few) instead of one per category, and finds the
    same answer."""

    def __init__(self, points: np.ndarray, discrete: np.ndarray, radius: float):
        self.radius, self.discrete = radius, discrete
        self.keyed = radius < DISCRETE_GAP and bool(discrete.any())
        self.codes: dict[bytes, int] = {}
        if self.keyed:
            for key in dict.fromkeys(self._keys(points)):
                self.codes[key] = len(self.codes)
        self.search = NearestNeighbors(n_neighbors=1).fit(self._reduced(points))

    def closer(self, queries: np.ndarray) -> np.ndarray:
        """True for each query point within ``radius`` (strictly) of a reference point."""
        if len(queries) == 0 or self.radius <= 0:
            return np.zeros(len(queries), dtype=bool)
        distances, _ = self.search.kneighbors(self._reduced(queries))
        return distances[:, 0] < self.radius

    def _keys(self, points: np.ndarray) -> list[bytes]:
        return [row.tobytes() for row in np.packbits(points[:, self.discrete] != 0, axis=1)]

    def _reduced(self, points: np.ndarray) -> np.ndarray:
        if not self.keyed:
            return points
        # A set of flags the reference lacks gets a code of its own, as far from all others.
        codes = np.array([self.codes.get(key, -1) for key in self._keys(points)], np.float64)
        spacing = 2 * self.radius + 1
        return np.column_stack([codes * spacing, points[:, ~self.discrete]])


def subsample(size: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of at most ``limit`` of ``size`` rows, drawn without replacement."""
    if size <= limit:
        return np.arange(size)
    return np.sort(rng.choice(size, limit, replace=False))


def _scale_one_hot(values: np.ndarray) -> np.ndarray:
    return values * _ONE_HOT_SCALE
