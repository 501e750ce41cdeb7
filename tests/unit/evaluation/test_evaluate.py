"""The whole evaluation: SDMetrics' own numbers, a copy, shuffled columns, bounds and errors."""

from __future__ import annotations

import ast
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sdmetrics.reports import DiagnosticReport, QualityReport

from synth_core.errors import DataError, SchemaError
from synth_core.evaluation.evaluate import STAGES, evaluate, quality_scores, usefulness_targets
from synth_core.evaluation.verdicts import UNMEASURED_DISTANCES, UNSEEN_COPIES
from synth_core.schema import Kind, infer_schema
from tests.evaluation_tables import related_frame, related_schema, shuffled_columns
from tests.helpers import make_schema, run_python

ROOT = Path(__file__).parents[3]
SDTYPES = {"x": "numerical", "y": "numerical", "z": "numerical", "noise": "numerical"}
SDTYPES |= {"group": "categorical", "twin": "categorical", "level": "numerical"}
SDTYPES |= {"label": "categorical"}


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return related_frame(400, seed=0)


@pytest.fixture(scope="module")
def holdout() -> pd.DataFrame:
    return related_frame(400, seed=1)


@pytest.fixture(scope="module")
def schema(real):
    return related_schema(real)


@pytest.fixture(scope="module")
def copied(real, holdout, schema):
    """The evaluation of a synthetic table that is the real one, row for row."""
    return evaluate(real, real.copy(), schema, holdout=holdout, target="label")


@pytest.fixture(scope="module")
def shuffled(real, holdout, schema):
    return evaluate(real, shuffled_columns(real), schema, holdout=holdout, target="label")


def test_scores_are_sdmetrics_own(real, holdout, schema, shuffled):
    synthetic = shuffled_columns(real)
    metadata = {
        "tables": {
            "table": {
                "columns": {
                    **{name: {"sdtype": sdtype} for name, sdtype in SDTYPES.items()},
                    "day": {"sdtype": "datetime", "datetime_format": "%Y-%m-%d"},
                }
            }
        }
    }
    data = ({"table": real[list(schema.included_names)]}, {"table": synthetic})
    quality, diagnostic = QualityReport(), DiagnosticReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quality.generate(*data, metadata, verbose=False)
        diagnostic.generate(*data, metadata, verbose=False)
    properties = quality.get_properties().set_index("Property")["Score"]
    assert shuffled.quality.quality == pytest.approx(quality.get_score(), abs=1e-12)
    assert shuffled.quality.column_shapes == pytest.approx(properties["Column Shapes"])
    assert shuffled.quality.column_pair_trends == pytest.approx(properties["Column Pair Trends"])
    diagnostics = diagnostic.get_properties().set_index("Property")["Score"]
    assert shuffled.diagnostic.score == pytest.approx(diagnostic.get_score())
    assert shuffled.diagnostic.data_validity == pytest.approx(diagnostics["Data Validity"])
    assert shuffled.diagnostic.data_structure == pytest.approx(diagnostics["Data Structure"])
    expected = quality.get_details("Column Shapes")[["Column", "Metric", "Score"]]
    pd.testing.assert_frame_equal(shuffled.column_shapes_details, expected.reset_index(drop=True))
    trends = quality.get_details("Column Pair Trends")
    assert list(shuffled.pair_trends_details.columns) == [
        "Column 1",
        "Column 2",
        "Metric",
        "Score",
        "Real Correlation",
        "Synthetic Correlation",
    ]
    pd.testing.assert_series_equal(
        shuffled.pair_trends_details["Score"], trends["Score"].reset_index(drop=True)
    )


def test_a_copy_has_perfect_fidelity_and_fails_privacy(copied, real):
    assert copied.quality.quality == pytest.approx(1.0)
    assert copied.quality.column_shapes == pytest.approx(1.0)
    assert copied.quality.column_pair_trends == pytest.approx(1.0)
    assert copied.diagnostic.score == pytest.approx(1.0)
    for key in ("quality", "column_shapes", "column_pair_trends", "diagnostic"):
        assert copied.verdicts[key].level == "excellent", key
    privacy = copied.privacy
    assert privacy.exact_copies == len(real)
    assert privacy.exact_copy_share == 1.0
    assert privacy.dcr_share > 0.9  # equal-size holdout: every row sits on a training row
    assert privacy.nndr == 0.0
    for key in ("exact_copies", "dcr", "nndr", "privacy"):
        assert copied.verdicts[key].level == "poor", key
    assert "copies" in copied.verdicts["privacy"].sentence


def test_shuffled_columns_keep_shapes_but_lose_pair_trends(shuffled, copied):
    assert shuffled.quality.column_shapes == pytest.approx(1.0)  # the very same values
    assert shuffled.verdicts["column_shapes"].level == "excellent"
    assert shuffled.quality.column_pair_trends < 0.75
    assert shuffled.verdicts["column_pair_trends"].level in ("fair", "poor")
    assert "Least kept" in shuffled.verdicts["column_pair_trends"].sentence
    assert shuffled.quality.quality < copied.quality.quality - 0.1
    # Rows made of shuffled values are new rows: privacy holds.
    assert shuffled.privacy.exact_copies == 0
    assert 0.4 < shuffled.privacy.dcr_share < 0.6
    assert shuffled.verdicts["privacy"].level in ("excellent", "good")


def test_usefulness_follows_the_relation_to_the_target(copied, shuffled):
    assert copied.ml_utility.synthetic == pytest.approx(copied.ml_utility.real)
    assert copied.verdicts["ml_utility"].level == "excellent"
    assert shuffled.ml_utility.synthetic < shuffled.ml_utility.real - 0.3
    assert shuffled.verdicts["ml_utility"].level == "poor"


def test_every_part_is_filled_in(shuffled, schema):
    names = schema.included_names
    assert list(shuffled.columns) == names
    assert set(shuffled.marginals) == set(names)
    assert list(shuffled.associations.real.columns) == names
    assert shuffled.rows == {"real": 400, "synthetic": 400, "holdout": 400}
    assert shuffled.seconds > 0
    assert set(shuffled.timings) >= {"quality", "diagnostic", "usefulness", "privacy"}
    for verdict in shuffled.verdicts.values():
        assert verdict.level in ("excellent", "good", "fair", "poor")
        assert verdict.title and verdict.sentence.endswith(".")


def test_to_dict_is_plain_json_with_the_documented_keys(shuffled):
    data = json.loads(json.dumps(shuffled.to_dict(), allow_nan=False))
    for key in ("quality", "column_shapes", "column_pair_trends", "diagnostic", "verdicts"):
        assert key in data
    assert set(data["ml_utility"]) >= {"real", "synthetic", "metric", "target", "test_rows"}
    assert set(data["privacy"]) >= {"exact_copies", "dcr_share", "nndr", "closest_pairs"}
    assert data["verdicts"]["privacy"]["level"] in ("excellent", "good", "fair", "poor")
    assert data["diagnostic"]["score"] == pytest.approx(shuffled.diagnostic.score)
    assert len(data["column_pair_trends_details"]) == len(shuffled.pair_trends_details)
    assert 0.5 < data["detection"]["auc"] <= 1.0  # shuffled columns give themselves away
    assert set(data["precision_recall"]) >= {"precision", "recall", "k", "rows"}
    assert {"detection", "precision", "recall"} <= set(data["verdicts"])


def test_without_holdout_dcr_is_missing_with_a_reason(real, schema):
    result = evaluate(real, shuffled_columns(real), schema, target="label")
    assert result.privacy.dcr_share is None
    assert "holdout" in result.privacy.note
    assert "dcr" not in result.verdicts
    assert any("no holdout" in note for note in result.notes)  # usefulness tested on a split
    assert result.ml_utility.test_rows == 80
    assert result.rows["holdout"] == 0
    # Copies alone cannot make privacy excellent: how close rows come was not measured.
    assert result.verdicts["privacy"].level == "good"
    assert result.verdicts["privacy"].sentence.endswith(UNMEASURED_DISTANCES)
    with_holdout = evaluate(real, shuffled_columns(real), schema, holdout=real.head(60))
    assert UNMEASURED_DISTANCES not in with_holdout.verdicts["privacy"].sentence


def test_copies_without_a_holdout_say_they_may_be_of_rows_kept_aside(real, schema):
    copied = pd.concat([shuffled_columns(real).iloc[5:], real.iloc[:5]], ignore_index=True)
    result = evaluate(real, copied, schema, target="label")
    assert result.privacy.exact_copies >= 5
    assert result.verdicts["privacy"].sentence.endswith(UNMEASURED_DISTANCES + UNSEEN_COPIES)
    clean = evaluate(real, shuffled_columns(real), schema, target="label")
    assert clean.privacy.exact_copies == 0
    assert UNSEEN_COPIES not in clean.verdicts["privacy"].sentence


def test_tables_above_the_row_bound_are_subsampled_and_noted(real, holdout, schema):
    result = evaluate(real, shuffled_columns(real), schema, holdout=holdout, max_rows=150)
    assert result.rows == {"real": 150, "synthetic": 150, "holdout": 150}
    for what in ("real", "synthetic", "holdout"):
        assert any(
            f"The {what} table has 400 rows" in note and "150" in note for note in result.notes
        )
    again = evaluate(real, shuffled_columns(real), schema, holdout=holdout, max_rows=150)
    assert again.quality == result.quality  # seeded


def test_copies_are_counted_over_the_whole_tables_when_the_rest_is_sampled(real, holdout, schema):
    copies = real.iloc[::40]  # ten rows, each unique in the real table
    synthetic = pd.concat([shuffled_columns(real), copies], ignore_index=True)
    sampled = evaluate(real, synthetic, schema, holdout=holdout, max_rows=100)
    assert sampled.rows["synthetic"] == 100  # distances and the rest on a sample ...
    assert sampled.privacy.exact_copies == len(copies)  # ... copies over every row
    assert sampled.privacy.exact_copy_share == pytest.approx(len(copies) / len(synthetic))


def test_missing_columns_are_named(real, schema):
    with pytest.raises(DataError, match=r"'twin'.*'level'|'level'.*'twin'"):
        evaluate(real, real.drop(columns=["twin", "level"]), schema)


def test_unknown_or_unusable_targets_are_refused(real, schema):
    with pytest.raises(SchemaError, match="nosuch"):
        evaluate(real, real, schema, target="nosuch")
    with pytest.raises(DataError, match="cannot be the column to predict"):
        evaluate(real, real, schema, target="day")


def test_an_empty_synthetic_table_is_refused(real, schema):
    with pytest.raises(DataError, match="no rows"):
        evaluate(real, real.iloc[:0], schema)


def test_usefulness_targets_are_categories_and_numbers():
    frame = pd.DataFrame(
        {
            "n": [1.5, 2.5] * 10,
            "k": [1, 2] * 10,
            "c": ["a", "b"] * 10,
            "d": ["2020-01-01", "2020-01-02"] * 10,
            "left_out": ["u", "v"] * 10,
        }
    )
    kinds = {"n": Kind.NUMERICAL, "k": Kind.INTEGER, "c": Kind.CATEGORICAL, "d": Kind.DATETIME}
    schema = make_schema(frame, kinds, {"d": "%Y-%m-%d"})
    assert usefulness_targets(schema) == ["n", "k", "c"]


ENGINE_PARTS = [
    "evaluation/evaluate",
    "reporting/report",
    "evaluation/verdicts",
    "tables/split",
    "privacy/comparable",
    "privacy/distances",
    "evaluation/sampling",
    "evaluation/marginals",
    "evaluation/associations",
    "evaluation/usefulness",
    "evaluation/privacy_scores",
]


@pytest.mark.parametrize("name", ENGINE_PARTS)
def test_evaluation_modules_never_import_torch_or_streamlit(name):
    tree = ast.parse((ROOT / "synth_core" / f"{name}.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not imported & {
        "torch",
        "streamlit",
        "synth_core.synthesizer",
        "synth_core.training.loop",
    }


def test_the_report_and_charts_load_without_torch():
    code = (
        "import sys, synth_core.reporting.report, synth_core.reporting.plots, "
        "synth_core.tables.split; "
        "sys.exit(3 if 'torch' in sys.modules else 0)"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr


def test_each_stage_is_announced_in_order_with_the_share_done(real, holdout, schema) -> None:
    seen: list[tuple[str, float]] = []
    result = evaluate(
        real, real.copy(), schema, holdout=holdout, target=None, on_stage=lambda *s: seen.append(s)
    )
    parts = [part for part, _ in seen]
    assert parts == [part for part in STAGES if part != "usefulness"] + ["done"]
    shares = [share for _, share in seen]
    assert shares[0] == 0.0 and shares[-1] == 1.0 and shares == sorted(shares)
    assert set(result.timings) == set(parts[:-1])


def test_a_failing_stage_callback_stops_the_scoring(real, schema) -> None:
    def refuse(part: str, share: float) -> None:
        if part == "marginals":
            raise RuntimeError("stopped by the page")

    with pytest.raises(RuntimeError, match="stopped by the page"):
        evaluate(real, real.copy(), schema, on_stage=refuse)


def test_dates_in_mixed_formats_are_compared_as_dates() -> None:
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    text = pd.Series(days.strftime("%Y-%m-%d")).where(
        np.arange(200) % 2 == 0, days.strftime("%m/%d/%Y")
    )
    frame = pd.DataFrame({"when": text, "n": np.arange(200) % 7})
    schema = infer_schema(frame)
    assert "|" in schema["when"].datetime_format

    scores = quality_scores(frame, frame.copy(), schema)

    assert scores.column_shapes == pytest.approx(1.0)


def test_times_written_without_a_leading_zero_are_scored_with_the_other_columns() -> None:
    """'1:41:00' has the format '%-H:%M:%S', which SDMetrics cannot read itself: the times
    must count in the scores, not be left out of them without a word."""
    rng = np.random.default_rng(0)
    seconds = rng.normal(5400, 600, 400).astype(int)
    times = pd.Series([f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in seconds])
    frame = pd.DataFrame({"time": times, "age": rng.integers(12, 60, 400)})
    schema = infer_schema(frame)
    assert schema["time"].datetime_format == "%-H:%M:%S"
    later = [f"{s // 3600 + 1}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in seconds]

    scores = quality_scores(frame, frame.assign(time=later), schema)

    assert scores.column_shapes < 0.75  # age matches; the times are an hour off
    assert quality_scores(frame, frame.copy(), schema).column_shapes == pytest.approx(1.0)


def test_a_target_of_many_values_is_scored_on_its_most_common_with_a_note() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"code": [f"c{i % 60}" for i in range(600)], "x": rng.normal(size=600)})
    frame["y"] = frame["code"].str[1:].astype(int) + rng.normal(scale=0.05, size=600)
    schema = make_schema(
        frame, {"code": Kind.CATEGORICAL, "x": Kind.NUMERICAL, "y": Kind.NUMERICAL}
    )

    result = evaluate(frame, frame.copy(), schema, target="code")

    assert any("'code' has 60 different values" in note for note in result.notes)
    assert any("19 most common and groups the rest as one" in note for note in result.notes)
    assert result.ml_utility.real > result.ml_utility.baseline


def test_rows_as_alike_as_unseen_ones_pass_the_distance_ratio():
    # Three columns of three values: every row, seen by the model or not, has twins.
    def draw(rows: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        return pd.DataFrame({c: rng.choice(["a", "b", "c"], rows) for c in ("x", "y", "z")})

    real = draw(600, seed=1)
    result = evaluate(real, draw(600, seed=2), infer_schema(real), holdout=draw(200, seed=3))
    # Each row sits on several real rows at once, so it points at none of them.
    assert result.privacy.nndr == 1.0 and result.privacy.nndr_holdout == 1.0
    assert result.verdicts["nndr"].level == "excellent"


def test_a_small_holdout_makes_a_note_that_the_distance_share_is_noisy(copied, real, schema):
    assert any("distance-to-closest-record share compares with only 400" in n for n in copied.notes)
    big = related_frame(600, seed=2)
    result = evaluate(real, real.copy(), schema, holdout=big, target="label")
    assert not any("distance-to-closest-record share compares" in n for n in result.notes)


def test_whole_numbers_written_for_decimals_are_no_other_type_to_the_diagnostic():
    # '37' written for the real '37.0' (a whole-number column with gaps reads as decimals).
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"protein": rng.integers(0, 50, 300).astype(float), "c": ["a", "b"] * 150})
    real.loc[:5, "protein"] = np.nan
    synthetic = pd.DataFrame({"protein": rng.integers(0, 50, 300), "c": ["b", "a"] * 150})
    result = evaluate(real, synthetic, infer_schema(real))
    assert result.diagnostic.data_structure == 1.0
    assert result.verdicts["diagnostic"].level == "excellent"


def test_scores_over_some_of_the_columns_say_which_they_leave_out():
    # Reviews with their ids and text left out: 'excellent 99.3 %' over 1 column of 5.
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "review_id": [f"R{i:05d}" for i in range(300)],
            "score": rng.integers(1, 6, 300),
            "review_text": [f"Tasty snack number {i}, would buy again." for i in range(300)],
        }
    )
    schema = infer_schema(real)
    assert schema.included_names == ["score"]
    result = evaluate(real, real[["score"]].sample(frac=1, random_state=1), schema)
    assert (
        "The scores cover 1 of the real table's 3 columns; 'review_id', 'review_text' are not "
        "compared" in " ".join(result.notes)
    )
    every = evaluate(real[["score"]], real[["score"]], infer_schema(real[["score"]]))
    assert not any("scores cover" in note for note in every.notes)
    two = real.drop(columns=["review_text"])
    one_left = evaluate(two, two[["score"]], infer_schema(two))
    assert "'review_id' is not compared" in " ".join(one_left.notes)
