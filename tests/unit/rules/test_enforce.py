from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.rules import (
    ArithmeticRule,
    MappingRule,
    OrderRule,
    RangeRule,
    discover_rules,
    enforce_rules,
    obeyed_shares,
)
from synth_core.schema import infer_schema


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
