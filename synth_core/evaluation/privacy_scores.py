"""Does the synthetic table give away real rows? Exact copies and distances to real rows.

Distances live in one mixed-type space learnt from the training rows: numbers and dates scaled
to 0..1 by their real range (missing: 0 plus a "missing" flag), categories one-hot scaled so that
two different categories are as far apart as the two ends of a number's range. Euclidean
distances, nearest neighbours by scikit-learn.

- Exact copies: synthetic rows identical to a training row in every column.
- DCR share: the share of synthetic rows closer to a training row than to a holdout row (ties
  count half), with the training reference subsampled to the holdout's size; about 50 % means
  the model did not memorise. Needs a holdout.
- NNDR: distance to the closest training row / to the second closest, median over synthetic
  rows; near 0 means rows sit on top of single real rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder

from synth_core.evaluation.prepared import family, prepared
from synth_core.schema import ColumnInfo
from synth_core.tables.hashing import row_hashes

CLOSEST_PAIRS = 5
DISTANCE_ROWS = 10_000  # synthetic rows whose distances are measured (the cost is rows x rows)
BASELINE_ROWS = 2_000  # holdout rows whose NNDR shows what rows the model never saw score
MAX_ONE_HOT = 100  # categories per column; rarer ones share one "infrequent" slot
TIE = 1e-9  # distances closer than this are equal (float noise)
_ONE_HOT_SCALE = np.sqrt(0.5)  # two different categories: squared distance 1, like 0 vs 1


@dataclass(frozen=True)
class PrivacyScores:
    """How close the synthetic rows come to the real rows the model learnt from."""

    exact_copies: int
    exact_copy_share: float
    dcr_share: float | None  # None without a holdout
    nndr: float | None  # median; None with fewer than two training rows
    closest_pairs: pd.DataFrame  # columns: pair, source ("real"/"synthetic"), distance, table...
    note: str  # why a score is missing, or ""
    nndr_holdout: float | None = None  # the same ratio for holdout rows: what new rows score

    def to_json(self) -> dict:
        return {
            "exact_copies": self.exact_copies,
            "exact_copy_share": self.exact_copy_share,
            "dcr_share": self.dcr_share,
            "nndr": self.nndr,
            "nndr_holdout": self.nndr_holdout,
            "closest_pairs": _records(self.closest_pairs),
            "note": self.note,
        }


def privacy_scores(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    infos: list[ColumnInfo],
    holdout: pd.DataFrame | None = None,
    seed: int = 0,
    max_rows: int = DISTANCE_ROWS,
) -> PrivacyScores:
    """Exact copies, DCR share, NNDR and the closest pairs of ``synthetic`` against ``train``
    (the rows the generator learnt from) over the ``infos`` columns.

    Exact copies are counted over every synthetic row; distances are measured for at most
    ``max_rows`` of them (a seeded sample, which the note says), plus any exact copies so that
    the closest pairs show them.
    """
    names = [info.name for info in infos]
    copy_mask = exact_copy_mask(synthetic[names], train[names])
    notes = []
    if holdout is None or len(holdout) == 0:
        notes.append(
            "The distance-to-closest-record share needs real rows the model never saw: "
            "keep a holdout when training and pass it to the evaluation."
        )
    scores = {"dcr_share": None, "nndr": None, "nndr_holdout": None}
    closest = _empty_pairs(names)
    if len(train) and len(synthetic):
        rng = np.random.default_rng(seed)
        queried = _subsample(len(synthetic), max_rows, rng)
        if len(queried) < len(synthetic):
            notes.append(
                f"Distances were measured for a random {len(queried):,} of the "
                f"{len(synthetic):,} synthetic rows (seed {seed})."
            )
        space = DistanceSpace(train, infos)
        train_points = space.embed(train)
        points = space.embed(synthetic.iloc[queried])
        distances, indices = _neighbours(train_points, points, min(2, len(train)))
        if distances.shape[1] == 2:
            scores["nndr"] = float(np.median(_ratio(distances)))
        rows, nearest, where = queried, distances[:, 0], indices[:, 0]
        shown_copies = np.setdiff1d(np.flatnonzero(copy_mask)[:CLOSEST_PAIRS], queried)
        if len(shown_copies):
            copy_distances, copy_indices = _neighbours(
                train_points, space.embed(synthetic.iloc[shown_copies]), 1
            )
            rows = np.concatenate([rows, shown_copies])
            nearest = np.concatenate([nearest, copy_distances[:, 0]])
            where = np.concatenate([where, copy_indices[:, 0]])
        closest = _closest_pairs(train[names], synthetic[names], rows, nearest, where)
        if holdout is not None and len(holdout):
            holdout_points = space.embed(holdout)
            scores["dcr_share"] = _dcr_share(train_points, holdout_points, points, rng)
            if len(train) >= 2:
                baseline = holdout_points[_subsample(len(holdout), BASELINE_ROWS, rng)]
                scores["nndr_holdout"] = float(
                    np.median(_ratio(_neighbours(train_points, baseline, 2)[0]))
                )
    copies = int(copy_mask.sum())
    return PrivacyScores(
        exact_copies=copies,
        exact_copy_share=copies / len(synthetic) if len(synthetic) else 0.0,
        closest_pairs=closest,
        note=" ".join(notes),
        **scores,
    )


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

    def embed(self, frame: pd.DataFrame) -> np.ndarray:
        """Points of ``frame``'s rows in the space (float64, one row each)."""
        if len(frame) == 0:
            return np.zeros((0, 1))
        return np.asarray(self.transformer.transform(prepared(frame, self.infos)), np.float64)


def exact_copy_mask(synthetic: pd.DataFrame, real: pd.DataFrame) -> np.ndarray:
    """True for each synthetic row equal to some real row in every column (numbers compared as
    numbers whatever their dtype, missing equal to missing)."""
    return np.isin(row_hashes(synthetic), row_hashes(real[list(synthetic.columns)]))


def _scale_one_hot(values: np.ndarray) -> np.ndarray:
    return values * _ONE_HOT_SCALE


def _neighbours(reference: np.ndarray, queries: np.ndarray, k: int):
    search = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(reference)
    distances, indices = search.kneighbors(queries)
    return np.where(distances < TIE, 0.0, distances), indices


def _ratio(distances: np.ndarray) -> np.ndarray:
    """Closest / second closest; 0 when the closest is at distance 0 (a copy)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = distances[:, 0] / distances[:, 1]
    return np.where(distances[:, 0] == 0, 0.0, ratio)


def _subsample(size: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of at most ``limit`` of ``size`` rows, drawn without replacement."""
    if size <= limit:
        return np.arange(size)
    return np.sort(rng.choice(size, limit, replace=False))


def _dcr_share(train_points, holdout_points, synthetic_points, rng) -> float:
    """Share of synthetic points closer to a training point than to a holdout point, with both
    references the same size (the larger one subsampled); ties count half."""
    size = min(len(train_points), len(holdout_points))
    train_ref = train_points[_subsample(len(train_points), size, rng)]
    holdout_ref = holdout_points[_subsample(len(holdout_points), size, rng)]
    to_train = _neighbours(train_ref, synthetic_points, 1)[0][:, 0]
    to_holdout = _neighbours(holdout_ref, synthetic_points, 1)[0][:, 0]
    closer = (to_train < to_holdout - TIE).mean()
    ties = (np.abs(to_train - to_holdout) <= TIE).mean()
    return float(closer + ties / 2)


def _closest_pairs(train, synthetic, rows, distances, indices) -> pd.DataFrame:
    """The synthetic ``rows`` closest to a training row, each after that training row."""
    order = np.argsort(distances, kind="stable")[:CLOSEST_PAIRS]
    if len(order) == 0:
        return _empty_pairs(list(train.columns))
    pairs = np.repeat(np.arange(1, len(order) + 1), 2)
    meta = pd.DataFrame(
        {
            "pair": pairs,
            "source": ["real", "synthetic"] * len(order),
            "distance": np.repeat(distances[order], 2),
        }
    )
    real_rows = train.iloc[indices[order]].astype(object).to_numpy()
    synthetic_rows = synthetic.iloc[rows[order]].astype(object).to_numpy()
    body = np.empty((2 * len(order), len(train.columns)), dtype=object)
    body[0::2], body[1::2] = real_rows, synthetic_rows
    return pd.concat([meta, pd.DataFrame(body, columns=train.columns)], axis=1)


def _empty_pairs(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=["pair", "source", "distance", *names])


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [
        {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in clean.to_dict(orient="records")
    ]
