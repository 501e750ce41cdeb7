"""Can a classifier tell synthetic rows from real ones? The detection score, as a ROC AUC.

A gradient-boosting classifier (scikit-learn's HistGradientBoosting, categories read natively)
learns to separate real rows (label 1) from synthetic rows (label 0) on a bounded, seeded sample
of each table; its ROC AUC on held-out folds (stratified 3-fold cross-validation, scikit-learn's
``cross_val_score``) is the score. 0.5: it cannot tell them apart (ideal); 1.0: it always can.

Why not SDMetrics' ``LogisticDetection``: a linear model only sees each column on its own, so a
table whose columns were shuffled separately (every relation between columns destroyed) scores
as undetectable; the boosted trees see the broken relations. SDMetrics also reports
1 - (2 * max(AUC, 0.5) - 1), where 1 is ideal; this score is the AUC itself.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from threadpoolctl import threadpool_limits

from synth_core.evaluation.sampling import at_most
from synth_core.evaluation.usefulness import FeatureEncoder
from synth_core.privacy.comparable import prepared
from synth_core.schema import ColumnInfo

DETECTION_ROWS = 5_000  # rows of each table the classifier sees (a seeded sample)
FOLDS = 3
MAX_ITER = 100


@dataclass(frozen=True)
class Detection:
    """How well a classifier separates real from synthetic rows."""

    auc: float  # ROC AUC on held-out folds: 0.5 ideal, 1.0 fully separable
    rows: int  # rows of each table used
    method: str = "HistGradientBoosting, 3-fold cross-validated ROC AUC"

    def to_dict(self) -> dict:
        return {"auc": self.auc, "rows": self.rows, "method": self.method}


def detection_score(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    infos: list[ColumnInfo],
    seed: int = 0,
    max_rows: int = DETECTION_ROWS,
) -> Detection:
    """The cross-validated ROC AUC of a classifier telling ``real`` from ``synthetic`` rows over
    the ``infos`` columns, each table subsampled to at most ``max_rows`` rows with ``seed``
    (the same number of rows from each, so that neither side dominates)."""
    rows = min(len(real), len(synthetic), max_rows)
    if rows < FOLDS * 2:
        return Detection(float("nan"), rows)
    real, synthetic = at_most(real, rows, seed), at_most(synthetic, rows, seed)
    encode = FeatureEncoder(prepared(real, infos), infos)
    x = np.vstack([encode(prepared(real, infos)), encode(prepared(synthetic, infos))])
    y = np.r_[np.ones(rows), np.zeros(rows)]
    model = HistGradientBoostingClassifier(
        max_iter=MAX_ITER, categorical_features=encode.categorical, random_state=seed
    )
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    # One OpenMP thread, as in the usefulness test: faster on a busy 2-core machine.
    with threadpool_limits(1, user_api="openmp"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_val_score(model, x, y, cv=folds, scoring="roc_auc")
    return Detection(float(np.mean(scores)), rows)
