"""SDMetrics' reports on a wide table: every column's shape, and the pairs within random groups
of columns standing for all pairs, so that a table of hundreds of columns is scored in seconds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.evaluation import sdmetrics_reports
from synth_core.evaluation.evaluate import evaluate
from synth_core.evaluation.sdmetrics_reports import column_groups, quality_reading
from synth_core.schema import infer_schema


def wide_pair(columns: int = 12, rows: int = 300) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(rows, 1))
    real = pd.DataFrame(base + rng.normal(size=(rows, columns)) * 0.5).add_prefix("m")
    synthetic = pd.DataFrame(rng.normal(size=(rows, columns))).add_prefix("m")
    return real.round(3), synthetic.round(3)


def test_every_pair_is_compared_up_to_the_bound_and_pairs_in_groups_past_it(monkeypatch):
    real, synthetic = wide_pair()
    schema, columns = infer_schema(real), list(real.columns)
    whole = quality_reading(real, synthetic, schema, columns)
    assert (whole.pairs, whole.all_pairs, whole.note) == (66, 66, None)

    monkeypatch.setattr(sdmetrics_reports, "MAX_PAIRED_COLUMNS", 6)
    monkeypatch.setattr(sdmetrics_reports, "GROUP_COLUMNS", 4)
    grouped = quality_reading(real, synthetic, schema, columns, seed=3)
    groups = column_groups(columns, 3)
    assert sorted(c for g in groups for c in g) == sorted(columns)
    assert [len(g) for g in groups] == [4, 4, 4]
    assert (grouped.pairs, grouped.all_pairs) == (18, 66)
    assert "18 of its 66 pairs of columns" in grouped.note
    # Each column's shape is measured as in the whole report; each pair scored alike.
    assert grouped.scores.column_shapes == pytest.approx(whole.scores.column_shapes)
    keys = ["Column 1", "Column 2"]
    both = grouped.trends.merge(whole.trends, on=keys, suffixes=("", " whole"))
    assert len(both) == 18 and np.allclose(both["Score"], both["Score whole"])
    assert grouped.scores.column_pair_trends == pytest.approx(grouped.trends["Score"].mean())
    assert grouped.scores.quality == pytest.approx(
        (grouped.scores.column_shapes + grouped.scores.column_pair_trends) / 2
    )
    # The real table's trends are lost in the synthetic one, grouped or not.
    assert grouped.scores.column_pair_trends < 0.9 and whole.scores.column_pair_trends < 0.9


def test_the_evaluation_of_a_wide_table_says_which_pairs_it_compared(monkeypatch):
    monkeypatch.setattr(sdmetrics_reports, "MAX_PAIRED_COLUMNS", 6)
    monkeypatch.setattr(sdmetrics_reports, "GROUP_COLUMNS", 4)
    real, synthetic = wide_pair()
    result = evaluate(real, synthetic, infer_schema(real))
    assert len(result.column_shapes_details) == 12 and len(result.pair_trends_details) == 18
    assert any("18 of its 66 pairs" in note for note in result.notes)
