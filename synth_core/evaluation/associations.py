"""How strongly each pair of columns goes together, in the real and in the synthetic table.

The measure depends on the pair's kinds: Spearman's rank correlation (or Pearson's) between two
numeric columns (-1..1), Cramér's V between two categorical ones (0..1), and the correlation
ratio between a numeric and a categorical one (0..1: how much of the number's spread the
category explains). Dates count as numbers; missing categories are a category of their own.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats.contingency import association

from synth_core.privacy.comparable import family, prepared
from synth_core.schema import ColumnInfo

CRAMERS_V = "Cramér's V"
CORRELATION_RATIO = "correlation ratio"
NUMERIC_METHODS = {"spearman": "Spearman", "pearson": "Pearson"}


@dataclass(frozen=True)
class Associations:
    """Square matrices over the same columns; NaN where a measure is undefined (a constant)."""

    real: pd.DataFrame
    synthetic: pd.DataFrame
    difference: pd.DataFrame  # synthetic - real
    methods: dict[tuple[str, str], str]  # both orders of every pair

    def to_dict(self) -> dict:
        def matrix(frame: pd.DataFrame) -> list[list[float | None]]:
            return [[_json_float(v) for v in row] for row in frame.to_numpy()]

        columns = list(self.real.columns)
        pairs = [
            {"column_1": a, "column_2": b, "method": self.methods[(a, b)]}
            for a, b in itertools.combinations(columns, 2)
        ]
        return {
            "columns": columns,
            "real": matrix(self.real),
            "synthetic": matrix(self.synthetic),
            "difference": matrix(self.difference),
            "methods": pairs,
        }


def association_matrices(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    infos: list[ColumnInfo],
    numeric_method: str = "spearman",
) -> Associations:
    """The association of every pair of ``infos`` columns in both tables, and the difference."""
    if numeric_method not in NUMERIC_METHODS:
        raise ValueError(f"numeric_method must be one of {sorted(NUMERIC_METHODS)}")
    methods = {}
    for a, b in itertools.combinations(infos, 2):
        kinds = {family(a), family(b)}
        if kinds == {"numeric"}:
            method = NUMERIC_METHODS[numeric_method]
        elif kinds == {"categorical"}:
            method = CRAMERS_V
        else:
            method = CORRELATION_RATIO
        methods[(a.name, b.name)] = methods[(b.name, a.name)] = method
    real_matrix = association_matrix(real, infos, numeric_method)
    synthetic_matrix = association_matrix(synthetic, infos, numeric_method)
    return Associations(real_matrix, synthetic_matrix, synthetic_matrix - real_matrix, methods)


def association_matrix(
    frame: pd.DataFrame, infos: list[ColumnInfo], numeric_method: str = "spearman"
) -> pd.DataFrame:
    """One table's association matrix over the ``infos`` columns (1 on the diagonal)."""
    names = [info.name for info in infos]
    values = prepared(frame, infos)
    numeric = [info.name for info in infos if family(info) == "numeric"]
    codes = {
        info.name: pd.factorize(values[info.name])[0]
        for info in infos
        if family(info) == "categorical"
    }
    out = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    if len(numeric) > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            out.loc[numeric, numeric] = values[numeric].corr(method=numeric_method).to_numpy()
    for a, b in itertools.combinations(names, 2):
        if a in codes and b in codes:
            out.loc[a, b] = out.loc[b, a] = _cramers_v(codes[a], codes[b])
        elif a in codes or b in codes:
            number, category = (b, a) if a in codes else (a, b)
            ratio = _correlation_ratio(values[number].to_numpy(), codes[category])
            out.loc[a, b] = out.loc[b, a] = ratio
    np.fill_diagonal(out.values, 1.0)
    return out


def _cramers_v(a: np.ndarray, b: np.ndarray) -> float:
    table = np.bincount(a * (b.max() + 1) + b, minlength=(a.max() + 1) * (b.max() + 1))
    table = table.reshape(a.max() + 1, b.max() + 1)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return float("nan")  # a constant column goes with nothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(association(table, method="cramer"))


def _correlation_ratio(numbers: np.ndarray, codes: np.ndarray) -> float:
    """sqrt(spread between the categories' means / total spread) of the present numbers."""
    present = ~np.isnan(numbers)
    numbers, codes = numbers[present], codes[present]
    if len(numbers) < 2:
        return float("nan")
    total = float(((numbers - numbers.mean()) ** 2).sum())
    if total == 0:
        return float("nan")
    counts = np.bincount(codes)
    sums = np.bincount(codes, weights=numbers)
    used = counts > 0
    if used.sum() < 2:
        return float("nan")  # one category: no relation to measure (as for Cramér's V)
    means = sums[used] / counts[used]
    between = float((counts[used] * (means - numbers.mean()) ** 2).sum())
    return float(np.sqrt(min(1.0, between / total)))


def _json_float(value: float) -> float | None:
    return None if pd.isna(value) else round(float(value), 6)
