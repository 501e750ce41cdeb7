"""The evaluation's parts on tables with known answers: associations, marginals, usefulness and
privacy distances."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from synth_core.evaluation.associations import (
    CORRELATION_RATIO,
    CRAMERS_V,
    association_matrices,
    association_matrix,
)
from synth_core.evaluation.marginals import (
    HOURS,
    MAX_CATEGORIES,
    MONTHS,
    WEEKDAYS,
    calendar_marginals,
    column_marginals,
)
from synth_core.evaluation.privacy_scores import CLOSEST_PAIRS, exact_copy_mask, privacy_scores
from synth_core.evaluation.targets import default_target
from synth_core.evaluation.usefulness import ml_utility
from synth_core.rules import derived_columns, discover_rules
from synth_core.schema import Kind, infer_schema
from tests.evaluation_tables import (
    DATE_FORMAT,
    RELATED_KINDS,
    related_frame,
    related_schema,
    shuffled_columns,
)
from tests.helpers import make_schema
from tests.sales_table import sales_orders


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return related_frame(400, seed=0)


@pytest.fixture(scope="module")
def infos(real):
    return related_schema(real).included


# ------------------------------------------------------------------------------ associations
def test_known_relations_have_the_right_sign_and_size(real, infos):
    matrix = association_matrix(real, infos)
    assert matrix.loc["x", "y"] > 0.95
    assert matrix.loc["x", "z"] < -0.95
    assert abs(matrix.loc["x", "noise"]) < 0.15
    assert matrix.loc["group", "twin"] == pytest.approx(1.0)  # the same categories renamed
    assert matrix.loc["level", "group"] == pytest.approx(1.0)  # level is a function of group
    assert matrix.loc["x", "group"] < 0.2  # no relation: small correlation ratio
    assert matrix.loc["x", "label"] > 0.7  # the label is x > 0
    assert matrix.loc["day", "x"] > 0.95  # dates count as numbers
    assert np.allclose(np.diag(matrix), 1.0)
    assert np.allclose(matrix.to_numpy(), matrix.to_numpy().T, equal_nan=True)


def test_correlation_ratio_and_cramers_v_match_their_definitions(real, infos):
    matrix = association_matrix(real, infos)
    # Correlation ratio: the share of y's variance explained by the label's group means.
    means = real.groupby("label")["y"].transform("mean")
    eta = np.sqrt(
        ((means - real["y"].mean()) ** 2).sum() / ((real["y"] - real["y"].mean()) ** 2).sum()
    )
    assert matrix.loc["y", "label"] == pytest.approx(eta)
    # Cramér's V from the chi-squared statistic of the label x group table.
    from scipy.stats import chi2_contingency

    table = pd.crosstab(real["label"], real["group"]).to_numpy()
    chi2 = chi2_contingency(table, correction=False)[0]
    expected = np.sqrt(chi2 / (table.sum() * (min(table.shape) - 1)))
    assert matrix.loc["label", "group"] == pytest.approx(expected)


def test_matrices_for_both_tables_and_their_difference(real, infos):
    found = association_matrices(real, shuffled_columns(real), infos)
    assert found.synthetic.loc["x", "y"] == pytest.approx(0.0, abs=0.15)
    assert found.difference.loc["x", "y"] == pytest.approx(
        found.synthetic.loc["x", "y"] - found.real.loc["x", "y"]
    )
    assert found.methods[("x", "y")] == found.methods[("y", "x")] == "Spearman"
    assert found.methods[("group", "twin")] == CRAMERS_V
    assert found.methods[("x", "group")] == CORRELATION_RATIO
    pearson = association_matrices(real, real, infos, numeric_method="pearson")
    assert pearson.methods[("x", "y")] == "Pearson"
    assert pearson.real.loc["x", "y"] == pytest.approx(np.corrcoef(real["x"], real["y"])[0, 1])
    assert np.allclose(pearson.difference.fillna(0), 0.0)


def test_a_constant_column_has_no_association():
    frame = pd.DataFrame({"a": ["u", "v"] * 10, "b": ["w"] * 20, "n": np.arange(20.0)})
    kinds = {"a": Kind.CATEGORICAL, "b": Kind.CATEGORICAL, "n": Kind.NUMERICAL}
    matrix = association_matrix(frame, make_schema(frame, kinds).included)
    assert np.isnan(matrix.loc["a", "b"])
    assert np.isnan(matrix.loc["n", "b"])
    # The correlation ratio: category means 9 and 10 around 9.5, over n's spread of 665.
    assert matrix.loc["a", "n"] == pytest.approx(np.sqrt(20 * 0.25 / 665))


# ------------------------------------------------------------------------------ marginals
def test_numeric_marginals_share_bins_and_sum_to_one(real, infos):
    synthetic = real.assign(x=real["x"] * 1.5 + 0.3)
    marginals = column_marginals(real, synthetic, infos)
    x = marginals["x"]
    assert x.kind == "numeric"
    assert len(x.labels) == len(x.real) == len(x.synthetic) == len(x.edges) - 1
    assert np.all(np.diff(x.edges) > 0)
    both = np.concatenate([real["x"], synthetic["x"]])
    assert x.edges[0] == both.min() and x.edges[-1] == both.max()
    counts = np.histogram(synthetic["x"], bins=x.edges)[0]
    assert x.synthetic == pytest.approx(list(counts / len(synthetic)))
    for marginal in marginals.values():
        assert sum(marginal.real) == pytest.approx(1.0)
        assert sum(marginal.synthetic) == pytest.approx(1.0)


def test_whole_numbers_get_one_bin_each_and_dates_get_date_labels(real, infos):
    marginals = column_marginals(real, real, infos)
    assert marginals["level"].labels == [str(v) for v in range(1, 10)]
    assert marginals["level"].real[0] == pytest.approx((real["level"] == 1).mean())
    day = marginals["day"]
    assert day.kind == "numeric"
    assert day.labels[0] == min(real["day"])  # the first bin starts at the earliest date
    assert pd.Timestamp(day.labels[0]).timestamp() == pytest.approx(day.edges[0])


def test_a_date_column_is_also_drawn_by_month_weekday_and_hour():
    stamps = pd.Series(pd.date_range("2021-01-04 08:00", periods=600, freq="13h"))  # a Monday
    summer = stamps.where(stamps.dt.month.isin([6, 7, 8]), stamps + pd.Timedelta(days=180))
    real = pd.DataFrame({"at": stamps.dt.strftime("%Y-%m-%d %H:%M"), "day": "2021-05-01"})
    made = pd.DataFrame({"at": summer.dt.strftime("%Y-%m-%d %H:%M"), "day": "2021-05-01"})
    made.loc[::10, "at"] = None  # missing dates are in the column's own chart, not here
    infos = infer_schema(real).included
    views = calendar_marginals(real, made, infos)
    assert list(views) == ["at"]  # a column of one date has no calendar to show
    month, weekday, hour = views["at"]
    assert (month.labels, weekday.labels, hour.labels) == (
        list(MONTHS),
        list(WEEKDAYS),
        list(HOURS),
    )
    assert month.column == "at by month" and month.kind == "categorical"
    for view in (month, weekday, hour):
        assert sum(view.real) == pytest.approx(1.0) and sum(view.synthetic) == pytest.approx(1.0)
    assert month.real[0] == pytest.approx((stamps.dt.month == 1).mean())
    assert sum(month.synthetic[5:8]) > sum(month.real[5:8])  # moved into the summer
    assert weekday.real[0] == pytest.approx((stamps.dt.dayofweek == 0).mean())
    assert hour.real[8] == pytest.approx((stamps.dt.hour == 8).mean())
    months = real.assign(at=stamps.dt.strftime("%b-%Y"))  # a month's first day as a date
    assert [
        v.column for v in calendar_marginals(months, months, infer_schema(months).included)["at"]
    ] == ["at by month"]
    dates_only = real.assign(at=stamps.dt.strftime("%Y-%m-%d"))
    assert [
        v.column
        for v in calendar_marginals(dates_only, dates_only, infer_schema(dates_only).included)["at"]
    ] == ["at by month", "at by weekday"]


def test_a_column_of_rare_values_draws_its_most_common_beside_the_rest():
    cities = [f"city {i % 900}" for i in range(1000)]  # each under 0.5 % of the rows
    real = pd.DataFrame({"city": cities})
    synthetic = pd.DataFrame({"city": cities[::-1]})
    infos = make_schema(real, {"city": Kind.CATEGORICAL}).included
    marginal = column_marginals(real, synthetic, infos)["city"]
    assert len(marginal.labels) == MAX_CATEGORIES + 1 and marginal.labels[-1] == "Other"
    assert marginal.labels[0] == "city 0" and marginal.real[0] == pytest.approx(0.002)
    assert marginal.real[-1] == pytest.approx(1 - 0.002 * MAX_CATEGORIES)


def test_rare_categories_are_grouped_and_missing_cells_counted():
    rng = np.random.default_rng(0)
    common = [f"c{i:02d}" for i in range(MAX_CATEGORIES + 5)]
    values = rng.choice(common, 2000).astype(object)
    values[:3] = "rare"  # 0.15 %: grouped
    values[3:103] = None  # 5 % missing
    real = pd.DataFrame({"c": values})
    synthetic = pd.DataFrame({"c": rng.choice(common[:5], 500)})
    infos = make_schema(real, {"c": Kind.CATEGORICAL}).included
    marginal = column_marginals(real, synthetic, infos)["c"]
    assert marginal.kind == "categorical" and marginal.edges is None
    assert len(marginal.labels) == MAX_CATEGORIES + 2
    assert marginal.labels[-2:] == ["Other", "Missing"]
    assert "rare" not in marginal.labels
    assert marginal.real[-1] == pytest.approx(0.05)
    assert marginal.synthetic[-1] == 0.0
    assert sum(marginal.real) == pytest.approx(1.0) and sum(marginal.synthetic) == pytest.approx(
        1.0
    )
    shares = pd.Series(values).value_counts(normalize=True, dropna=False)
    assert marginal.real[0] == pytest.approx(shares[marginal.labels[0]])


# ------------------------------------------------------------------------------ usefulness
@pytest.fixture(scope="module")
def split(real):
    return real, related_frame(200, seed=7)


def test_training_on_a_copy_scores_like_training_on_real_rows(split, infos):
    train, test = split
    utility = ml_utility(train, train.copy(), test, infos, "label")
    assert utility.task == "classification" and utility.metric == "macro F1"
    assert utility.real > 0.85
    assert utility.synthetic == pytest.approx(utility.real)
    assert utility.ratio == pytest.approx(1.0)
    assert utility.real_accuracy > 0.85
    assert utility.test_rows == len(test)


def test_a_shuffled_target_scores_much_lower(split, infos):
    train, test = split
    rng = np.random.default_rng(3)
    broken = train.assign(label=train["label"].to_numpy()[rng.permutation(len(train))])
    utility = ml_utility(train, broken, test, infos, "label")
    assert utility.synthetic < utility.real - 0.3
    assert utility.synthetic < utility.baseline + 0.2  # about as good as guessing


def test_regression_targets_use_r2(split, infos):
    train, test = split
    utility = ml_utility(train, train, test, infos, "y")
    assert utility.task == "regression" and utility.metric == "R²"
    assert utility.real > 0.9 and utility.real_accuracy is None
    rng = np.random.default_rng(4)
    broken = train.assign(y=train["y"].to_numpy()[rng.permutation(len(train))])
    assert ml_utility(train, broken, test, infos, "y").synthetic < 0.2


def test_a_single_class_in_the_synthetic_rows_still_scores(split, infos):
    train, test = split
    utility = ml_utility(train, train.assign(label="high"), test, infos, "label")
    assert 0 < utility.synthetic < utility.real


@pytest.mark.parametrize("target", ["label", "y"])
def test_a_synthetic_number_column_with_no_values_still_scores(split, infos, target):
    train, test = split
    empty = train.assign(x=np.nan)
    utility = ml_utility(train, empty, test, infos, target)
    assert 0 < utility.synthetic < utility.real
    assert ml_utility(train, train, test, infos, target).synthetic == pytest.approx(utility.real)


# ------------------------------------------------------------------------------ privacy
def test_exact_copies_are_counted_whatever_the_number_dtype():
    real = pd.DataFrame({"n": [1, 2, 3], "c": ["a", None, "c"]})
    synthetic = pd.DataFrame({"n": [1.0, 2.0, 2.0], "c": ["a", None, "c"]})
    assert exact_copy_mask(synthetic, real).tolist() == [True, True, False]


def test_copies_sit_at_distance_zero_and_are_shown_first(real, infos):
    holdout = related_frame(100, seed=5)
    fresh = related_frame(90, seed=9)
    synthetic = pd.concat([fresh, real.iloc[:10]], ignore_index=True)
    scores = privacy_scores(real, synthetic, infos, holdout)
    assert scores.exact_copies == 10
    assert scores.exact_copy_share == pytest.approx(0.1)
    pairs = scores.closest_pairs
    assert len(pairs) == 2 * CLOSEST_PAIRS
    assert pairs["source"].tolist() == ["real", "synthetic"] * CLOSEST_PAIRS
    assert pairs["pair"].tolist() == [p for p in range(1, CLOSEST_PAIRS + 1) for _ in range(2)]
    assert (pairs["distance"] == 0).all()
    first = pairs[pairs["pair"] == 1]
    columns = [info.name for info in infos]
    assert first.iloc[0][columns].tolist() == first.iloc[1][columns].tolist()
    assert 0.0 < scores.nndr < 1.0 and scores.nndr_holdout > 0.2


def test_columns_named_like_the_pairs_labels_keep_both(real):
    """A table with columns 'source' and 'distance': the pairs' own labels go in brackets, so
    that which row is real stays known and the table's values stay too."""
    renamed = {"group": "source", "z": "distance"}
    named = related_frame(400, seed=0).rename(columns=renamed)
    kinds = {renamed.get(name, name): kind for name, kind in RELATED_KINDS.items()}
    infos = make_schema(named, kinds, {"day": DATE_FORMAT}).included
    synthetic = pd.concat([related_frame(90, seed=9), real.iloc[:10]], ignore_index=True)
    synthetic.columns = named.columns
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        holdout = related_frame(100, seed=5).rename(columns=renamed)
        scores = privacy_scores(named, synthetic, infos, holdout)
        records = scores.to_dict()["closest_pairs"]
    pairs = scores.closest_pairs
    assert list(pairs.columns[:3]) == ["pair", "[source]", "[distance]"]
    assert pairs["[source]"].tolist() == ["real", "synthetic"] * CLOSEST_PAIRS
    assert set(pairs["source"]) <= set(named["source"])  # the table's own values
    assert pairs["source"].iloc[0] == pairs["source"].iloc[1]  # a copy: the same row twice
    assert records[0]["[source]"] == "real" and records[0]["source"] == pairs["source"].iloc[0]


def test_dcr_share_is_near_half_for_new_rows(real, infos):
    holdout = related_frame(400, seed=11)
    scores = privacy_scores(real, related_frame(400, seed=12), infos, holdout)
    assert scores.dcr_share == pytest.approx(0.5, abs=0.08)
    assert scores.exact_copies == 0
    assert scores.nndr == pytest.approx(scores.nndr_holdout, abs=0.15)


def test_rows_several_real_rows_hold_point_at_none_of_them():
    # A survey of three columns of few values: every synthetic row equals thousands of real
    # rows, and 'Privacy poor ... they reveal real people' stood beside 0 copies of rare rows.
    rng = np.random.default_rng(0)
    survey = pd.DataFrame(
        {"wave": rng.integers(3, 7, 600), "answer": rng.integers(1, 6, 600)}
    ).astype("int64")
    infos = infer_schema(survey).included
    common = privacy_scores(survey, survey.sample(200, random_state=1), infos)
    assert common.nndr == 1.0 and common.exact_copies == 0
    lone = pd.DataFrame({"wave": [9], "answer": [9]})  # one real row of its own ...
    copied = privacy_scores(pd.concat([survey, lone], ignore_index=True), lone, infos)
    assert copied.nndr == 0.0  # ... copied: it points at that row


def test_dcr_share_needs_a_holdout(real, infos):
    scores = privacy_scores(real, shuffled_columns(real), infos)
    assert scores.dcr_share is None
    assert "holdout" in scores.note


def test_distance_rows_above_the_bound_are_subsampled_and_noted(real, infos):
    synthetic = pd.concat([shuffled_columns(real), real.iloc[:2]], ignore_index=True)
    scores = privacy_scores(real, synthetic, infos, real.iloc[:50], max_rows=100)
    assert "100 of the 402 synthetic rows" in scores.note
    assert scores.exact_copies == 2  # counted over every row
    assert scores.closest_pairs["distance"].iloc[0] == 0.0  # copies shown although not sampled


def test_the_default_target_is_a_label_never_a_mostly_empty_list_of_names() -> None:
    sales = sales_orders(orders=300, seed=5)
    names = pd.Series([f"Product {i}" for i in range(len(sales))], dtype=object)
    sales["Product Name"] = names.where(np.arange(len(sales)) % 5 == 0)  # 80 % empty
    schema = infer_schema(sales).with_changes("Product Name", include=True, kind="categorical")

    assert default_target(schema) == "Category"
    numbers_only = schema.with_changes("Category", include=False)
    for name in ("Segment", "Region", "Postal Code"):
        numbers_only = numbers_only.with_changes(name, include=False)
    assert default_target(numbers_only) == "Quantity"
    nothing = numbers_only.with_changes("Quantity", include=False).with_changes(
        "Sales", include=False
    )
    assert default_target(nothing) is None  # only a date left: nothing to predict


def test_usefulness_of_a_big_table_with_a_class_of_one_row():
    """Over 10,000 rows the classifier holds out a stratified share to stop early, which cannot
    hold a class seen once (a tweet's rare client app): the test still scores."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=12_000)
    label = np.where(x > 0, "web", "phone").astype(object)
    label[7] = "fax"  # one row of its own
    frame = pd.DataFrame({"x": x, "label": label})
    infos = make_schema(frame, {"x": Kind.NUMERICAL, "label": Kind.CATEGORICAL}).included
    utility = ml_utility(frame, frame, frame.iloc[:2000], infos, "label", seed=0)
    assert utility.synthetic > 0.6 and utility.real > 0.6


def test_the_default_target_is_a_column_named_for_it_and_never_a_time_stamp() -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "Churn": rng.choice(["yes", "no"], 200),
            "plan": rng.choice(["basic", "pro", "max"], 200),
            "minutes": rng.gamma(3, 40, 200).round(1),
        }
    )
    assert default_target(infer_schema(frame)) == "Churn"  # not the last label, 'plan'
    coded = frame.assign(income=rng.integers(1, 25, 200))  # a number named like a target
    assert default_target(infer_schema(coded.drop(columns="Churn"))) == "plan"  # a label first
    ratings = pd.DataFrame(
        {
            "rating": rng.integers(1, 6, 200).astype(float) / 2 + rng.random(200).round(1),
            "timestamp": rng.integers(800_000_000, 1_500_000_000, 200),
        }
    )
    assert default_target(infer_schema(ratings)) == "rating"


def test_the_default_target_passes_over_a_column_a_rule_writes_from_others() -> None:
    days = pd.date_range("2023-01-01", periods=400, freq="D")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "order_date": days.strftime("%Y-%m-%d"),
            "express": rng.choice(["yes", "no"], 400),
            "minutes": rng.normal(30, 5, 400).round(1),
            "weekday": days.strftime("%a"),  # written from order_date: nothing to predict
        }
    )
    schema = infer_schema(frame)
    assert default_target(schema) == "weekday"
    derived = derived_columns(discover_rules(frame, schema))
    assert derived == {"weekday"}
    assert default_target(schema, derived) == "express"
    dates_only = schema.with_only(["order_date", "weekday"])  # nothing else to predict
    assert default_target(dates_only, derived) == "weekday"


def test_neither_column_of_a_one_to_one_pair_is_offered_to_predict():
    # A diagnosis and its ICD-10 code: each gives the other away (macro F1 1.00 said nothing).
    rng = np.random.default_rng(1)
    codes = {"asthma": "J45", "diabetes": "E11", "migraine": "G43", "gout": "M10"}
    diagnosis = rng.choice(list(codes), 400)
    frame = pd.DataFrame(
        {
            "diagnosis": diagnosis,
            "icd10_code": [codes[d] for d in diagnosis],
            "admitted": rng.choice(["yes", "no"], 400),
            "age": rng.integers(20, 90, 400),
        }
    )
    schema = infer_schema(frame)
    derived = derived_columns(discover_rules(frame, schema))
    assert {"diagnosis", "icd10_code"} <= derived
    assert default_target(schema, derived) == "admitted"
