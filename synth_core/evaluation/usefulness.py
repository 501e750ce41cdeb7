"""Usefulness for machine learning: train on synthetic, test on real (TSTR), against train on real.

The same gradient-boosting model is trained once on the real training rows and once on the
synthetic rows, and both are scored on real rows the generator never saw. Classification for a
category target (macro F1 and accuracy), regression for a numeric one (R²).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, f1_score, r2_score
from threadpoolctl import threadpool_limits

from synth_core.errors import DataError
from synth_core.privacy.comparable import MISSING, family, prepared
from synth_core.schema import ColumnInfo, Kind, Schema

CLASSIFICATION, REGRESSION = "classification", "regression"
TARGET_KINDS = {
    Kind.CATEGORICAL: CLASSIFICATION,
    Kind.BOOLEAN: CLASSIFICATION,
    Kind.NUMERICAL: REGRESSION,
    Kind.INTEGER: REGRESSION,
}
MAX_CATEGORIES = 250  # the model reads at most this many categories per column (< its 255 bins)
MAX_ITER = 100
MAX_CLASSES = 20  # a target with more values: its 19 most common, the rest grouped as one
OTHER_CLASS = "(other values)"


@dataclass(frozen=True)
class Utility:
    """Scores of a model trained on real rows and of one trained on synthetic rows."""

    target: str
    task: str  # "classification" or "regression"
    metric: str  # "macro F1" or "R²"
    real: float  # trained on real rows, tested on the real test rows
    synthetic: float  # trained on synthetic rows, tested on the same rows
    test_rows: int
    baseline: float  # guessing: the most common class or random draws (the mean for regression)
    real_accuracy: float | None = None  # classification only
    synthetic_accuracy: float | None = None

    @property
    def ratio(self) -> float:
        """Synthetic score / real score: 1 means as useful as the real rows (NaN if real <= 0)."""
        return self.synthetic / self.real if self.real > 0 else float("nan")

    def to_dict(self) -> dict:
        ratio = self.ratio
        return {
            "target": self.target,
            "task": self.task,
            "metric": self.metric,
            "real": self.real,
            "synthetic": self.synthetic,
            "ratio": None if np.isnan(ratio) else ratio,
            "baseline": self.baseline,
            "real_accuracy": self.real_accuracy,
            "synthetic_accuracy": self.synthetic_accuracy,
            "test_rows": self.test_rows,
        }


def usefulness_targets(schema: Schema) -> list[str]:
    """Included columns that can be a prediction target: categories and yes/no columns with at
    least two values, numbers and whole numbers."""
    return [
        info.name
        for info in schema.included
        if info.kind in TARGET_KINDS
        and (TARGET_KINDS[info.kind] == REGRESSION or info.distinct > 1)
    ]


def ml_utility(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    test: pd.DataFrame,
    infos: list[ColumnInfo],
    target: str,
    seed: int = 0,
) -> Utility:
    """Train on ``train`` (real) and on ``synthetic``, score both on ``test`` (real rows the
    generator never saw), predicting ``target`` from the other ``infos`` columns."""
    target_info = next((info for info in infos if info.name == target), None)
    if target_info is None or target_info.kind not in TARGET_KINDS:
        raise DataError(f"Column '{target}' cannot be a prediction target.")
    task = TARGET_KINDS[target_info.kind]
    features = [info for info in infos if info.name != target]
    if not features:
        raise DataError("Predicting a column needs at least one other column to predict from.")
    encode = FeatureEncoder(prepared(train, features), features)
    sets = {}
    for name, frame in (("train", train), ("synthetic", synthetic), ("test", test)):
        y = prepared(frame, [target_info])[target].to_numpy()
        keep = y != MISSING if task == CLASSIFICATION else ~pd.isna(y)
        x = encode(prepared(frame, features))[keep]
        sets[name] = (x, y[keep].astype(object if task == CLASSIFICATION else float))
    if task == CLASSIFICATION:
        sets = _with_common_classes(sets)
    x_test, y_test = sets["test"]
    if len(y_test) == 0:
        raise DataError(f"Every test row lacks a value in '{target}', so nothing can be scored.")
    for name in ("train", "synthetic"):
        if len(sets[name][1]) == 0:
            raise DataError(f"Every {name} row lacks a value in '{target}'; pick another target.")
    # One OpenMP thread: on a busy machine two threads made a fit many times slower (they wait
    # for each other at every tree node), and one thread is about as fast on an idle one.
    with threadpool_limits(1, user_api="openmp"):
        scores = {
            name: _score(task, _fit(task, *sets[name], encode.categorical, seed), x_test, y_test)
            for name in ("train", "synthetic")
        }
    baseline = _guessing(task, sets["train"], x_test, y_test, seed)
    return Utility(
        target=target,
        task=task,
        metric="macro F1" if task == CLASSIFICATION else "R²",
        real=scores["train"][0],
        synthetic=scores["synthetic"][0],
        test_rows=len(y_test),
        baseline=baseline[0],
        real_accuracy=scores["train"][1],
        synthetic_accuracy=scores["synthetic"][1],
    )


def _with_common_classes(sets: dict[str, tuple]) -> dict[str, tuple]:
    """The labels with all but the ``MAX_CLASSES - 1`` most common of the real training rows
    grouped as ``OTHER_CLASS``: gradient boosting grows one tree per class and round, so a
    column of hundreds of values would take minutes and say little."""
    counts = pd.Series(sets["train"][1]).value_counts()
    if len(counts) <= MAX_CLASSES:
        return sets
    common = pd.Index(counts.index[: MAX_CLASSES - 1])
    return {
        name: (x, np.where(common.get_indexer(y) >= 0, y, OTHER_CLASS).astype(object))
        for name, (x, y) in sets.items()
    }


class FeatureEncoder:
    """Numbers as they are; categories as integer codes learnt from the real training rows (the
    most common ``MAX_CATEGORIES``), anything else as missing."""

    def __init__(self, frame: pd.DataFrame, features: list[ColumnInfo]):
        self.columns = [info.name for info in features]
        self.categorical = np.array([family(info) == "categorical" for info in features])
        self.codes = {
            name: pd.Index(frame[name].value_counts().index[:MAX_CATEGORIES])
            for name, is_category in zip(self.columns, self.categorical, strict=True)
            if is_category
        }

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.empty((len(frame), len(self.columns)), dtype=np.float64)
        for j, name in enumerate(self.columns):
            if name in self.codes:
                codes = self.codes[name].get_indexer(frame[name]).astype(np.float64)
                out[:, j] = np.where(codes < 0, np.nan, codes)
            else:
                out[:, j] = frame[name].to_numpy(dtype=np.float64)
        return out


def _fit(task, x, y, categorical, seed):
    x = _empty_numbers_as_constant(x, categorical)
    if task == CLASSIFICATION:
        counts = np.unique(y, return_counts=True)[1]
        if len(counts) < 2:  # nothing to learn: always that one class
            return DummyClassifier().fit(x, y)
        # On more than 10,000 rows the classifier holds out a stratified share for its early
        # stopping, which cannot hold a class of one row: it then trains without.
        single = counts.min() < 2
        model = HistGradientBoostingClassifier(
            max_iter=MAX_ITER,
            categorical_features=categorical,
            random_state=seed,
            early_stopping=False if single else "auto",
        )
    else:
        model = HistGradientBoostingRegressor(
            max_iter=MAX_ITER, categorical_features=categorical, random_state=seed
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(x, y)


def _empty_numbers_as_constant(x: np.ndarray, categorical: np.ndarray) -> np.ndarray:
    """``x`` with every number column that has no value at all set to one constant: such a
    column tells the model nothing either way, and scikit-learn cannot bin an empty column."""
    empty = ~categorical & np.isnan(x).all(axis=0)
    if not empty.any():
        return x
    x = x.copy()
    x[:, empty] = 0.0
    return x


def _guessing(task, train, x_test, y_test, seed) -> tuple[float, float | None]:
    """The score of guessing: the better of always the most common class and random draws
    (classification), the training mean (regression)."""
    if task == CLASSIFICATION:
        guesses = [DummyClassifier(), DummyClassifier(strategy="stratified", random_state=seed)]
    else:
        guesses = [DummyRegressor()]
    return max(_score(task, guess.fit(*train), x_test, y_test) for guess in guesses)


def _score(task, model, x, y) -> tuple[float, float | None]:
    predicted = model.predict(x)
    if task == CLASSIFICATION:
        f1 = f1_score(y, predicted, average="macro", zero_division=0)
        return float(f1), float(accuracy_score(y, predicted))
    return float(r2_score(y, predicted)), None
