from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.errors import RuleError
from synth_core.rules import (
    ArithmeticRule,
    MappingRule,
    OrderRule,
    RangeRule,
    discover_rules,
    enforce_rules,
    obeyed_shares,
    rule_from_dict,
)
from synth_core.schema import infer_schema
from synth_core.schema.rarity import RARE_BELOW


def scrambled(frame: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Each column shuffled on its own: rows that break every rule between columns."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: rng.permutation(frame[c].to_numpy()) for c in frame.columns})


def test_scrambled_rows_are_mended_to_obey_every_rule_and_few_are_lost(sales, sales_schema):
    rules = discover_rules(sales, sales_schema)
    rows = scrambled(sales)
    assert min(obeyed_shares(rows, rules, sales_schema)) < 0.6
    result = enforce_rules(rows, rules, sales_schema, np.random.default_rng(0))
    assert obeyed_shares(result.frame, rules, sales_schema) == [1.0] * len(rules)
    # A total computed from scrambled parts can pass the real totals' range: only those go.
    assert 0 <= result.rejected == sum(result.by_rule.values()) <= len(rows) // 100
    assert len(result.frame) == len(rows) - result.rejected


def test_a_mended_ship_date_is_the_order_date_plus_a_real_gap(sales, sales_schema):
    rule = next(r for r in discover_rules(sales, sales_schema) if isinstance(r, OrderRule))
    rows = pd.DataFrame({"Order Date": ["2017-05-10"] * 50, "Ship Date": ["2017-05-01"] * 50})
    rows = rows.join(sales.drop(columns=["Order Date", "Ship Date"]).iloc[:50])
    mended = enforce_rules(rows, [rule], sales_schema, np.random.default_rng(0)).frame
    gaps = (pd.to_datetime(mended["Ship Date"]) - pd.to_datetime(mended["Order Date"])).dt.days
    assert gaps.between(0, 7).all() and gaps.nunique() > 1
    assert mended["Ship Date"].str.match(r"^\d{4}-\d\d-\d\d$").all()  # written in its format


def test_a_date_in_order_but_at_a_gap_no_real_row_has_is_mended_too(sales, sales_schema):
    # The model drew ship dates up to 989 days after their orders (real ones: within a week),
    # in order, so nothing mended them.
    rule = next(r for r in discover_rules(sales, sales_schema) if isinstance(r, OrderRule))
    order = pd.Timestamp("2016-03-01")
    late = [order + pd.Timedelta(days=d) for d in (2, 5, 40, 300, 989)] * 40
    rows = pd.DataFrame(
        {
            "Order Date": [order.strftime("%Y-%m-%d")] * 200,
            "Ship Date": pd.Series(late).dt.strftime("%Y-%m-%d"),
        }
    ).join(sales.drop(columns=["Order Date", "Ship Date"]).iloc[:200])
    result = enforce_rules(rows, [rule], sales_schema, np.random.default_rng(0))
    gaps = (pd.to_datetime(result.frame["Ship Date"]) - order).dt.days
    assert result.rejected == 0 and gaps.between(0, 7).all()
    assert (gaps[rows.index % 5 == 0] == 2).all() and (gaps[rows.index % 5 == 1] == 5).all()
    assert gaps[rows.index % 5 >= 2].nunique() > 3  # drawn from the real gaps


def test_a_rule_of_an_earlier_model_file_leaves_far_gaps_as_they_were(sales, sales_schema):
    # Rows a saved model gave stay the rows it gives: rules read from files saved before far
    # gaps were mended carry far_gaps_mended false (``modelformat.UPGRADES``).
    found = next(r for r in discover_rules(sales, sales_schema) if isinstance(r, OrderRule))
    data = found.to_dict() | {"far_gaps_mended": False}
    rule = rule_from_dict(data)
    assert rule.to_dict() == data and "far_gaps_mended" not in found.to_dict()
    order = pd.Timestamp("2016-03-01")
    rows = pd.DataFrame(
        {"Order Date": ["2016-03-01"] * 10, "Ship Date": ["2016-03-03", "2018-11-15"] * 5}
    ).join(sales.drop(columns=["Order Date", "Ship Date"]).iloc[:10])
    kept = enforce_rules(rows, [rule], sales_schema, np.random.default_rng(0)).frame
    assert kept["Ship Date"].equals(rows["Ship Date"])
    mended = enforce_rules(rows, [found], sales_schema, np.random.default_rng(0)).frame
    assert ((pd.to_datetime(mended["Ship Date"]) - order).dt.days <= 7).all()


def test_an_order_rule_whose_far_gaps_flag_is_not_true_or_false_is_refused(sales, sales_schema):
    found = next(r for r in discover_rules(sales, sales_schema) if isinstance(r, OrderRule))
    with pytest.raises(RuleError, match="far_gaps_mended must be true or false"):
        rule_from_dict(found.to_dict() | {"far_gaps_mended": "no"})


def test_numbers_in_order_keep_their_gap_however_wide():
    rng = np.random.default_rng(3)
    low = rng.uniform(0, 10, 400).round(1)
    frame = pd.DataFrame({"low": low, "high": (low + rng.uniform(0, 2, 400)).round(1)})
    schema = infer_schema(frame)
    rule = next(r for r in discover_rules(frame, schema) if isinstance(r, OrderRule))
    wide = frame.assign(high=frame["low"] + 50)
    assert enforce_rules(wide, [rule], schema, np.random.default_rng(0)).frame.equals(wide)


def test_a_mended_date_stays_within_the_real_dates(sales, sales_schema):
    # Polls that started days before the last one ended were mended to end after it (after
    # election day): a gap that would pass the real dates' top is drawn among the smaller ones.
    rule = next(r for r in discover_rules(sales, sales_schema) if isinstance(r, OrderRule))
    last = pd.to_datetime(sales["Ship Date"]).max()
    assert rule.highest is not None
    top = pd.Timestamp(int(rule.highest * 1e9))
    assert top <= last and top >= last - pd.Timedelta(days=7)
    late = (top - pd.Timedelta(days=2)).strftime("%Y-%m-%d")
    rows = pd.DataFrame({"Order Date": [late] * 200, "Ship Date": ["2014-01-01"] * 200})
    rows = rows.join(sales.drop(columns=["Order Date", "Ship Date"]).iloc[:200])
    mended = enforce_rules(rows, [rule], sales_schema, np.random.default_rng(0)).frame
    ship = pd.to_datetime(mended["Ship Date"])
    assert (ship <= top).all() and (ship >= pd.Timestamp(late)).all()
    assert ship.nunique() > 1
    assert OrderRule.from_dict(rule.to_dict()) == rule
    assert OrderRule.from_dict({**rule.to_dict(), "highest": None}).highest is None


def test_a_dependent_column_is_derived_from_its_determinant(sales, sales_schema):
    rule = next(r for r in discover_rules(sales, sales_schema) if isinstance(r, MappingRule))
    rows = sales.iloc[:20].copy()
    rows[rule.target] = "Nowhere"
    mended = enforce_rules(rows, [rule], sales_schema, np.random.default_rng(0)).frame
    assert (mended[rule.target] == rows[rule.source].map(rule.lookup)).all()


def test_a_whole_number_target_keeps_its_dtype():
    frame = pd.DataFrame({"level": ["a", "b", "c"] * 50, "years": [1, 2, 3] * 50})
    schema = infer_schema(frame)
    rule = MappingRule("level", "years", (("a", 1), ("b", 2), ("c", 3)), one_to_one=True)
    rows = frame.assign(years=[3, 3, 3] * 50)
    mended = enforce_rules(rows, [rule], schema, np.random.default_rng(0)).frame
    assert mended["years"].dtype == frame["years"].dtype
    assert mended["years"].tolist() == frame["years"].tolist()


def test_a_rare_value_of_a_one_to_one_pair_never_goes_with_a_paired_value():
    frame = pd.DataFrame(
        {"code": ["AAL", "DAL", "UAL"] * 50, "airline": ["American", "Delta", "United"] * 50}
    )
    schema = infer_schema(frame)
    pairs = (("AAL", "American"), ("DAL", "Delta"), ("UAL", "United"))
    rows = pd.DataFrame(
        {
            "code": ["(rare)", "(rare)", "AAL", "DAL"],
            "airline": ["Delta", "(rare)", "American", "United"],
        }
    )
    for one_to_one, kept in (
        (True, ["(rare)", "AAL", "DAL"]),
        (False, ["(rare)", "(rare)", "AAL", "DAL"]),
    ):
        rule = MappingRule("code", "airline", pairs, one_to_one=one_to_one)
        result = enforce_rules(rows, [rule], schema, np.random.default_rng(0))
        assert result.frame["code"].tolist() == kept, one_to_one
        assert result.frame["airline"].tolist()[-2:] == ["American", "Delta"]  # mended
    assert obeyed_shares(frame, [rule], schema) == [1.0]


def test_a_total_is_computed_from_its_parts_to_the_cent(sales, sales_schema):
    rule = ArithmeticRule("Sales", "Quantity", "*", "Unit Price")
    rows = sales.iloc[:30].assign(Sales=1.0)
    mended = enforce_rules(rows, [rule], sales_schema, np.random.default_rng(0)).frame
    assert np.allclose(mended["Sales"], (rows["Quantity"] * rows["Unit Price"]).round(2))


def test_rows_that_cannot_be_mended_are_rejected_and_counted(sales, sales_schema):
    total = ArithmeticRule("Sales", "Quantity", "*", "Unit Price")
    ceiling = RangeRule("Sales", 0.0, 100.0)  # many computed totals are above it
    rows = sales.iloc[:200]
    result = enforce_rules(rows, [total, ceiling], sales_schema, np.random.default_rng(0))
    over = int((rows["Sales"] > 100).sum())
    # The range clips the total, which then breaks the total: counted against the first rule.
    assert result.rejected == over > 0 and result.by_rule == {0: over}
    assert len(result.frame) == len(rows) - over


def test_rows_with_missing_values_obey_every_rule(sales_schema):
    rows = pd.DataFrame({"Order Date": [None], "Ship Date": ["2016-01-01"]})
    rule = OrderRule("Order Date", "Ship Date", (0.0,))
    assert obeyed_shares(rows, [rule], sales_schema) == [1.0]


def finer_than_written(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    """Numbers with more decimals than their columns write: a two-valued ``flag``
    whose smallest value rounds down and ``level`` whose largest rounds up, ``flag`` paired
    one to one with ``label``, and ``billed`` (cents) never below ``cost``."""
    rng = np.random.default_rng(seed)
    flag = np.where(rng.random(rows) < 0.5, -0.044641636506989144, 0.05068011873981862)
    cost = rng.uniform(1.0, 5.0, rows) + rng.uniform(0.0, 1e-6, rows)
    return pd.DataFrame(
        {
            "flag": flag,
            "label": np.where(flag < 0, "low", "high"),
            "level": rng.choice([-0.2, 0.1533026], rows),
            "cost": cost,
            "billed": np.ceil(cost * 100) / 100,
        }
    )


def as_written(frame: pd.DataFrame, schema) -> pd.DataFrame:
    """``frame`` as generated rows come out: each number rounded to its column's decimals."""
    return frame.round({c.name: c.decimals for c in schema.columns if c.decimals is not None})


def test_numbers_rounded_to_the_written_decimals_obey_the_rules_found_on_finer_ones():
    real = finer_than_written()
    schema = infer_schema(real)
    rules = discover_rules(real, schema)
    kinds = {type(rule) for rule in rules}
    assert {RangeRule, MappingRule, OrderRule} <= kinds
    written = as_written(real, schema)
    for rule, share in zip(rules, obeyed_shares(written, rules, schema), strict=True):
        if isinstance(rule, RangeRule) and rule.column in ("cost", "billed"):
            # Rare extremes are cut off the ranges: the few rows beyond them break them.
            assert 1 - 4 * RARE_BELOW / len(real) <= share < 1.0
        else:
            assert share == 1.0, rule
    result = enforce_rules(written, rules, schema, np.random.default_rng(0))
    assert result.rejected == 0
    assert sorted(result.frame["flag"].unique()) == [-0.044642, 0.05068]
    assert sorted(result.frame["level"].unique()) == [-0.2, 0.153303]


def test_a_mapping_from_finer_numbers_is_kept_in_rows_written_rounded():
    real = finer_than_written()
    schema = infer_schema(real)
    rule = next(r for r in discover_rules(real, schema) if isinstance(r, MappingRule))
    rows = as_written(real, schema).assign(label="high")
    assert obeyed_shares(rows, [rule], schema)[0] < 0.6
    mended = enforce_rules(rows, [rule], schema, np.random.default_rng(0)).frame
    assert (mended["label"] == np.where(mended["flag"] < 0, "low", "high")).all()


def test_an_order_mended_onto_a_column_of_fewer_decimals_is_not_rounded_away():
    real = finer_than_written()
    schema = infer_schema(real)
    rule = next(r for r in discover_rules(real, schema) if isinstance(r, OrderRule))
    assert (rule.before, rule.after) == ("cost", "billed")
    rows = as_written(real, schema).assign(billed=0.0)
    result = enforce_rules(rows, [rule], schema, np.random.default_rng(0))
    assert result.rejected == 0 and (result.frame["billed"] >= result.frame["cost"]).all()


def test_a_mended_value_is_the_real_one_not_its_rounding():
    # A state's price and tax, both binary fractions finer than six places.
    rng = np.random.default_rng(1)
    price = rng.choice([2.19970703125, 1.506591796875, 2.16796875], 300)
    tax = np.select([price > 2.18, price > 2.0], [1.0498046875, 0.52490234375], 0.6099853515625)
    real = pd.DataFrame({"price": price, "tax": tax})
    schema = infer_schema(real)
    rule = next(r for r in discover_rules(real, schema) if isinstance(r, MappingRule))
    rows = real.assign(tax=0.5)
    mended = enforce_rules(rows, [rule], schema, np.random.default_rng(0)).frame
    assert mended["tax"].to_numpy().tolist() == real["tax"].to_numpy().tolist()


def test_a_rate_of_a_total_is_mended_after_the_total_it_reads():
    """total = price × qty, and total_tax = total × 1.2: the rate rule reads the column the
    product rule rewrites, whichever kind is mended first."""
    rng = np.random.default_rng(9)
    price, qty = rng.uniform(1, 100, 2000).round(2), rng.integers(1, 10, 2000)
    total = (price * qty).round(2)
    frame = pd.DataFrame(
        {"price": price, "qty": qty, "total": total, "total_tax": (total * 1.2).round(2)}
    )
    schema = infer_schema(frame)
    rules = [r for r in discover_rules(frame, schema) if r.kind.value in ("arithmetic", "linear")]
    assert {r.kind.value for r in rules} == {"arithmetic", "linear"}
    made = frame.head(500).copy()
    made["total"] = made["total"] + rng.normal(0, 5, 500).round(2)
    made["total_tax"] = made["total_tax"] + rng.normal(0, 5, 500).round(2)

    kept = enforce_rules(made, rules, schema, rng)

    assert kept.rejected <= 5 and len(kept.frame) >= 495


def test_a_source_without_a_target_keeps_its_row_empty():
    # Two pollsters with no grade in any real row came out with grades in a tenth of theirs.
    rng = np.random.default_rng(3)
    pollsters = [f"P{i}" for i in range(12)]
    grades = dict(zip(pollsters, ["A", "B", "C"] * 3 + [None, None, "A"], strict=True))
    pollster = np.repeat(pollsters, 20)
    frame = pd.DataFrame(
        {
            "pollster": pollster,
            "grade": [grades[p] for p in pollster],
            "n": rng.integers(100, 2000, len(pollster)),
        }
    )
    frame.loc[frame.index[-16:], "grade"] = None  # P11: four rows with a grade, too few alone
    schema = infer_schema(frame)
    rule = next(r for r in discover_rules(frame, schema) if isinstance(r, MappingRule))
    assert (rule.source, rule.target) == ("pollster", "grade")
    assert set(rule.without) == {"P9", "P10"}
    assert "2 without one" in rule.describe(schema) and rule.share == 1.0
    assert MappingRule.from_dict(rule.to_dict()) == rule
    rows = frame.assign(grade="B")
    mended = enforce_rules(rows, [rule], schema, np.random.default_rng(0)).frame
    empty = mended["pollster"].isin(["P9", "P10"])
    assert mended.loc[empty, "grade"].isna().all()
    assert (mended.loc[~empty, "grade"] == mended.loc[~empty, "pollster"].map(grades)).all()
