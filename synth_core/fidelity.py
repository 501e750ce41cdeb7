"""A cheap fidelity estimate for use during training: SDMetrics' column-shape metrics on samples.

KSComplement for numbers and dates, TVComplement for categories; the mean over columns is close
to the Column Shapes score of the full quality report at a fraction of its cost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sdmetrics.single_column import KSComplement, TVComplement

from synth_core.transform import CONTINUOUS_KINDS, TableTransform

MISSING_TOKEN = "<missing>"


def column_shapes_estimate(
    transform: TableTransform, real: pd.DataFrame, synthetic: pd.DataFrame
) -> float:
    """Mean per-column similarity (0..1) of ``synthetic`` to ``real`` over the modelled columns."""
    real_values = transform.column_values(real)
    synthetic_values = transform.column_values(synthetic)
    scores = []
    for name, (kind, values) in real_values.items():
        other = synthetic_values[name][1]
        if kind in CONTINUOUS_KINDS:
            a, b = values[~np.isnan(values)], other[~np.isnan(other)]
            if len(a) == 0 or len(b) == 0:
                scores.append(float(len(a) == len(b)))
                continue
            scores.append(KSComplement.compute(pd.Series(a), pd.Series(b)))
        else:
            a = pd.Series(values, dtype=object).fillna(MISSING_TOKEN).astype(str)
            b = pd.Series(other, dtype=object).fillna(MISSING_TOKEN).astype(str)
            scores.append(TVComplement.compute(a, b))
    return float(np.mean(scores))
