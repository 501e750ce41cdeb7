"""Does the synthetic table give away real rows? Exact copies and distances to real rows.

Distances are measured in the mixed-type space of :mod:`synth_core.privacy.distances`, learnt
from the training rows (numbers and dates scaled by their real range, categories one-hot).

- Copies of rare rows: synthetic rows identical in every column to a combination that fewer than
  ``RARE_BELOW`` training rows share (the rows the copy filter removes); copies of common
  combinations are counted apart, as harmless (:class:`synth_core.privacy.filters.CopyRule`).
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

from synth_core.privacy.distances import TIE, DistanceSpace, neighbours, subsample
from synth_core.privacy.filters import CopyRule
from synth_core.schema import ColumnInfo
from synth_core.schema.rarity import RARE_BELOW
from synth_core.tables.hashing import row_hashes

CLOSEST_PAIRS = 5
# Synthetic rows whose distances are measured (the cost is rows x rows): the size of the
# detection's and precision/recall's samples; a share measured on it has a standard error
# under one point.
DISTANCE_ROWS = 5_000
BASELINE_ROWS = 2_000  # holdout rows whose NNDR shows what rows the model never saw score


@dataclass(frozen=True)
class PrivacyScores:
    """How close the synthetic rows come to the real rows the model learnt from."""

    exact_copies: int  # copies of rare training rows (fewer than ``rare_below`` share them)
    exact_copy_share: float
    dcr_share: float | None  # None without a holdout
    nndr: float | None  # median; None with fewer than two training rows
    closest_pairs: pd.DataFrame  # pair, source ("real"/"synthetic"), distance, table columns;
    # the first three in brackets when the table has a column of that name
    note: str  # why a score is missing, or ""
    nndr_holdout: float | None = None  # the same ratio for holdout rows: what new rows score
    common_copies: int = 0  # rows equal to a combination ``rare_below`` training rows share
    rare_below: int = RARE_BELOW

    def to_dict(self) -> dict:
        return {
            "exact_copies": self.exact_copies,
            "exact_copy_share": self.exact_copy_share,
            "common_copies": self.common_copies,
            "rare_below": self.rare_below,
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
    whole: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> PrivacyScores:
    """Copies of rare rows, DCR share, NNDR and the closest pairs of ``synthetic`` against ``train``
    (the rows the generator learnt from) over the ``infos`` columns.

    Copies are counted over every synthetic row, and over the whole tables when ``train`` and
    ``synthetic`` are samples of ``whole`` (training rows, synthetic rows): a copy is rare, and
    a sample would miss most of them. Distances are measured for at most ``max_rows`` synthetic
    rows (a seeded sample, which the note says), plus any exact copies so that the closest pairs
    show them.
    """
    names = [info.name for info in infos]
    copy_mask, common = CopyRule.from_frame(train[names]).masks(synthetic[names])
    counted, counted_rows = copy_mask, len(synthetic)
    if whole is not None:
        counted, common = CopyRule.from_frame(whole[0][names]).masks(whole[1][names])
        counted_rows = len(whole[1])
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
        queried = subsample(len(synthetic), max_rows, rng)
        if len(queried) < len(synthetic):
            notes.append(
                f"Distances were measured for a random {len(queried):,} of the "
                f"{len(synthetic):,} synthetic rows (seed {seed})."
            )
        space = DistanceSpace(train, infos)
        train_points = space.embed(train)
        points = space.embed(synthetic.iloc[queried])
        nearest = neighbours(train_points, points, min(2, len(train)))
        if nearest[0].shape[1] == 2:
            scores["nndr"] = float(np.median(_ratio(nearest[0])))
        shown = _with_shown_copies(space, train_points, synthetic, queried, nearest, copy_mask)
        closest = _closest_pairs(train[names], synthetic[names], *shown)
        if holdout is not None and len(holdout):
            scores |= _holdout_scores(space, train_points, points, holdout, rng)
    copies = int(counted.sum())
    return PrivacyScores(
        exact_copies=copies,
        exact_copy_share=copies / counted_rows if counted_rows else 0.0,
        closest_pairs=closest,
        note=" ".join(notes),
        common_copies=int(common.sum()),
        **scores,
    )


def exact_copy_mask(synthetic: pd.DataFrame, real: pd.DataFrame) -> np.ndarray:
    """True for each synthetic row equal to some real row in every column (numbers compared as
    numbers whatever their dtype, missing equal to missing)."""
    return np.isin(row_hashes(synthetic), row_hashes(real[list(synthetic.columns)]))


def _with_shown_copies(space, train_points, synthetic, queried, nearest, copy_mask):
    """(rows, distance, nearest training row) of the ``queried`` synthetic rows, plus the first
    exact copies that the sample missed, so that the closest pairs show them."""
    distances, indices = nearest
    rows, closest, where = queried, distances[:, 0], indices[:, 0]
    shown_copies = np.setdiff1d(np.flatnonzero(copy_mask)[:CLOSEST_PAIRS], queried)
    if len(shown_copies):
        copy_distances, copy_indices = neighbours(
            train_points, space.embed(synthetic.iloc[shown_copies]), 1
        )
        rows = np.concatenate([rows, shown_copies])
        closest = np.concatenate([closest, copy_distances[:, 0]])
        where = np.concatenate([where, copy_indices[:, 0]])
    return rows, closest, where


def _holdout_scores(space, train_points, synthetic_points, holdout, rng) -> dict[str, float]:
    """The DCR share and, with two training rows or more, the holdout rows' own NNDR."""
    holdout_points = space.embed(holdout)
    scores = {"dcr_share": _dcr_share(train_points, holdout_points, synthetic_points, rng)}
    if len(train_points) >= 2:
        baseline = holdout_points[subsample(len(holdout), BASELINE_ROWS, rng)]
        scores["nndr_holdout"] = float(np.median(_ratio(neighbours(train_points, baseline, 2)[0])))
    return scores


def _ratio(distances: np.ndarray) -> np.ndarray:
    """Closest / second closest; 0 when only the closest is at distance 0 (a copy of one real
    row), 1 when both are (a row several real rows hold, as in a table of few columns of few
    values: it points at none of them)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = distances[:, 0] / distances[:, 1]
    on_one = np.where(distances[:, 1] == 0, 1.0, 0.0)
    return np.where(distances[:, 0] == 0, on_one, ratio)


def _dcr_share(train_points, holdout_points, synthetic_points, rng) -> float:
    """Share of synthetic points closer to a training point than to a holdout point, with both
    references the same size (the larger one subsampled); ties count half."""
    size = min(len(train_points), len(holdout_points))
    train_ref = train_points[subsample(len(train_points), size, rng)]
    holdout_ref = holdout_points[subsample(len(holdout_points), size, rng)]
    to_train = neighbours(train_ref, synthetic_points, 1)[0][:, 0]
    to_holdout = neighbours(holdout_ref, synthetic_points, 1)[0][:, 0]
    closer = (to_train < to_holdout - TIE).mean()
    ties = (np.abs(to_train - to_holdout) <= TIE).mean()
    return float(closer + ties / 2)


def _closest_pairs(train, synthetic, rows, distances, indices) -> pd.DataFrame:
    """The synthetic ``rows`` closest to a training row, each after that training row."""
    order = np.argsort(distances, kind="stable")[:CLOSEST_PAIRS]
    if len(order) == 0:
        return _empty_pairs(list(train.columns))
    pair, source, distance = _meta_names(list(train.columns))
    meta = pd.DataFrame(
        {
            pair: np.repeat(np.arange(1, len(order) + 1), 2),
            source: ["real", "synthetic"] * len(order),
            distance: np.repeat(distances[order], 2),
        }
    )
    real_rows = train.iloc[indices[order]].astype(object).to_numpy()
    synthetic_rows = synthetic.iloc[rows[order]].astype(object).to_numpy()
    body = np.empty((2 * len(order), len(train.columns)), dtype=object)
    body[0::2], body[1::2] = real_rows, synthetic_rows
    return pd.concat([meta, pd.DataFrame(body, columns=train.columns)], axis=1)


def _empty_pairs(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*_meta_names(names), *names])


def _meta_names(names: list[str]) -> list[str]:
    """'pair', 'source' and 'distance', each in brackets while the table has a column of that
    name (a column 'source' would otherwise hide which row is real)."""
    meta = []
    for name in ("pair", "source", "distance"):
        while name in names:
            name = f"[{name}]"
        meta.append(name)
    return meta


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [
        {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in clean.to_dict(orient="records")
    ]
