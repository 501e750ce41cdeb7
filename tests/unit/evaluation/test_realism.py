"""Detection score and precision/recall on tables with known answers: real rows against real
rows, shuffled columns, noise, and one row repeated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.evaluation.detection import detection_score
from synth_core.evaluation.precision_recall import precision_recall
from tests.evaluation_tables import related_frame, related_schema, shuffled_columns

ROWS = 2000


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return related_frame(ROWS, seed=0)


@pytest.fixture(scope="module")
def infos(table):
    return related_schema(table).included


@pytest.fixture(scope="module")
def halves(table):
    """A random split of the real table: two samples of the same distribution."""
    order = np.random.default_rng(5).permutation(len(table))
    return table.iloc[order[: ROWS // 2]], table.iloc[order[ROWS // 2 :]]


def noise_like(table: pd.DataFrame, seed: int = 2) -> pd.DataFrame:
    """Columns of noise: numbers uniform over the real range, categories drawn uniformly."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in table.columns:
        values = table[name]
        if pd.api.types.is_numeric_dtype(values):
            out[name] = rng.uniform(values.min(), values.max(), len(table))
        else:
            out[name] = rng.choice(values.unique(), len(table))
    return pd.DataFrame(out)


# ------------------------------------------------------------------------------ detection
def test_real_rows_against_real_rows_cannot_be_told_apart(halves, infos):
    result = detection_score(*halves, infos)
    assert result.auc == pytest.approx(0.5, abs=0.06)
    assert result.rows == ROWS // 2


def test_shuffled_columns_and_noise_are_told_apart(table, infos):
    assert detection_score(table, shuffled_columns(table), infos).auc > 0.9
    assert detection_score(table, noise_like(table), infos).auc > 0.97


def test_detection_is_seeded_and_bounded(table, infos):
    first = detection_score(table, shuffled_columns(table), infos, seed=3, max_rows=300)
    again = detection_score(table, shuffled_columns(table), infos, seed=3, max_rows=300)
    assert first == again and first.rows == 300


def test_detection_of_a_tiny_table_is_missing(table, infos):
    assert np.isnan(detection_score(table.iloc[:2], table.iloc[2:4], infos).auc)


# ------------------------------------------------------------------------------ precision/recall
def test_real_rows_against_real_rows_have_high_precision_and_recall(halves, infos):
    result = precision_recall(*halves, infos)
    assert result.precision > 0.8 and result.recall > 0.8
    assert result.rows == {"real": ROWS // 2, "synthetic": ROWS // 2} and result.k == 5


def test_one_row_repeated_is_precise_but_has_no_recall(table, infos):
    repeated = table.iloc[[0] * len(table)].reset_index(drop=True)
    result = precision_recall(table, repeated, infos)
    assert result.precision == 1.0
    assert result.recall < 0.01


def test_noise_has_low_precision(table, infos):
    assert precision_recall(table, noise_like(table), infos).precision < 0.3


def test_precision_recall_samples_are_bounded_and_seeded(table, infos):
    first = precision_recall(table, shuffled_columns(table), infos, seed=1, max_rows=500)
    again = precision_recall(table, shuffled_columns(table), infos, seed=1, max_rows=500)
    assert first == again and first.rows == {"real": 500, "synthetic": 500}
