from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.evaluation.validity import validity_checks
from synth_core.rules import discover_rules
from synth_core.schema import infer_schema
from tests.sales_table import sales_with_rules


def checked(synthetic: pd.DataFrame):
    real = sales_with_rules(400, seed=1)
    schema = infer_schema(real)
    rules = [rule for rule in discover_rules(real, schema) if rule.share == 1.0]
    return validity_checks(real, synthetic, schema.included, schema, rules)


def test_rows_that_obey_every_rule_score_100_percent_everywhere():
    validity = checked(sales_with_rules(400, seed=1))
    assert [check.synthetic for check in validity.rules] == [1.0] * len(validity.rules)
    assert [check.real for check in validity.rules] == [1.0] * len(validity.rules)
    assert {b.name: b.share for b in validity.basics} == {
        "Numbers inside the real range": 1.0,
        "Categories from the real set": 1.0,
        "Dates in the real format": 1.0,
    }


def test_broken_rows_show_in_the_rules_and_the_basic_checks():
    synthetic = sales_with_rules(400, seed=1)
    synthetic.loc[:99, "Ship Date"] = "2015-01-01"  # before every order date
    synthetic.loc[:49, "Category"] = "Garden"  # not a real category
    synthetic.loc[:19, "Order Date"] = "01/02/2016"  # another format
    synthetic.loc[:9, "Quantity"] = 1_000  # above the real range
    validity = checked(synthetic)
    shares = {check.words: check.synthetic for check in validity.rules}
    assert shares["Ship Date is on or after Order Date"] == 1 - 80 / 400  # 20 rows unreadable
    assert shares["each Sub-Category belongs to one Category (13 values)"] == 1 - 50 / 400
    basics = {b.name: b for b in validity.basics}
    assert basics["Categories from the real set"].worst == "Category"
    assert basics["Dates in the real format"].worst == "Order Date"
    assert basics["Numbers inside the real range"].worst == "Quantity"
    assert np.isclose(basics["Dates in the real format"].share, (1 - 20 / 400 + 1) / 2)


def test_an_open_end_written_as_the_real_file_wrote_it_is_a_date_in_the_real_format():
    real = sales_with_rules(400, seed=1)
    real.loc[:99, "Ship Date"] = "9999-12-31"  # not shipped yet: the export's open end
    schema = infer_schema(real)
    assert schema["Ship Date"].open_end == "9999-12-31"
    synthetic = real.copy()
    synthetic.loc[100:119, "Ship Date"] = "31/12/9999"  # not the real file's way
    basics = {b.name: b for b in validity_checks(real, synthetic, schema.included, schema).basics}
    assert basics["Dates in the real format"].worst == "Ship Date"
    assert np.isclose(basics["Dates in the real format"].share, (1 - 20 / 400 + 1) / 2)
