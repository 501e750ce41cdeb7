"""A cheap fidelity estimate for use during training: SDMetrics' metrics on samples.

The mean of two parts, as SDMetrics' Quality Report averages its two properties: column shapes
(KSComplement for numbers and dates, TVComplement for categories, over every column) and pair
trends (ContingencySimilarity, numbers binned, over a seeded subset of at most ``MAX_PAIRS``
column pairs). Close to the full report at a fraction of its cost; column shapes alone level off
early, and a run kept by them lost what later epochs learnt about how columns go together.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from sdmetrics.column_pairs import ContingencySimilarity
from sdmetrics.single_column import KSComplement, TVComplement

from synth_core.encoding.transform import TableTransform
from synth_core.schema import NUMERIC_KINDS

MISSING_TOKEN = "<missing>"
MAX_PAIRS = 24
# KSComplement reads only the KS statistic; scipy warns when the p-value it also computes falls
# back to an approximation (a nearly constant sample). Set once, not around each call: swapping
# the filters per call is not thread-safe.
warnings.filterwarnings(
    "ignore", message="ks_2samp: Exact calculation unsuccessful", category=RuntimeWarning
)


def fidelity_estimate(
    transform: TableTransform, real: pd.DataFrame, synthetic: pd.DataFrame, seed: int = 0
) -> float:
    """Similarity (0..1) of ``synthetic`` to ``real`` over the modelled columns: the mean of
    the column-shapes and pair-trends estimates (column shapes alone for one column)."""
    real_values, synthetic_values = (
        transform.column_values(real),
        transform.column_values(synthetic),
    )
    shapes = [
        _shape(kind, values, synthetic_values[name][1])
        for name, (kind, values) in real_values.items()
    ]
    real_frame, continuous = _frame(real_values)
    synthetic_frame, _ = _frame(synthetic_values)
    pairs = list(itertools.combinations(real_frame.columns, 2))
    if not pairs:
        return float(np.mean(shapes))
    rng = np.random.default_rng(seed)
    chosen = [pairs[i] for i in sorted(rng.permutation(len(pairs))[:MAX_PAIRS])]
    trends = [
        ContingencySimilarity.compute(
            real_frame[list(pair)],
            synthetic_frame[list(pair)],
            continuous_column_names=[name for name in pair if name in continuous],
        )
        for pair in chosen
    ]
    return float((np.mean(shapes) + np.mean(trends)) / 2)


def _shape(kind: str, real: np.ndarray, synthetic: np.ndarray) -> float:
    if kind in NUMERIC_KINDS:
        a, b = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
        if len(a) == 0 or len(b) == 0:
            return float(len(a) == len(b))
        return KSComplement.compute(pd.Series(a), pd.Series(b))
    return TVComplement.compute(_text(real), _text(synthetic))


def _text(values: np.ndarray) -> pd.Series:
    # np.where, not fillna: fillna on objects warns about downcasting (pandas FutureWarning).
    values = np.asarray(values, dtype=object)
    return pd.Series(np.where(pd.isna(values), MISSING_TOKEN, values), dtype=object).astype(str)


def _frame(columns: dict[str, tuple[str, np.ndarray]]) -> tuple[pd.DataFrame, set[str]]:
    """The columns as numbers (dates as seconds, gaps as the column's median, or 0 when all are
    missing) or as text (gaps as a category of their own), and the names of the numbers."""
    out, continuous = {}, set()
    for name, (kind, values) in columns.items():
        if kind in NUMERIC_KINDS:
            present = values[~np.isnan(values)]
            fill = float(np.median(present)) if len(present) else 0.0
            out[name] = np.where(np.isnan(values), fill, values)
            continuous.add(name)
        else:
            out[name] = _text(values).to_numpy()
    return pd.DataFrame(out), continuous
