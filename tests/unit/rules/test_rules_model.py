from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synth_core.errors import RuleError
from synth_core.rules import (
    LinearRule,
    RangeRule,
    discover_rules,
    rule_from_dict,
    rules_from_dicts,
    rules_to_dicts,
)
from synth_core.schema import infer_schema


def test_every_rule_kind_reads_back_from_json_as_it_was(sales, sales_schema):
    rules = [*discover_rules(sales, sales_schema), LinearRule("Profit", "Sales", 0.25, -1.5, 0.99)]
    kinds = {rule.kind.value for rule in rules}
    assert kinds == {"order", "range", "mapping", "arithmetic", "linear"}
    assert rules_from_dicts(json.loads(json.dumps(rules_to_dicts(rules)))) == rules


def test_a_column_at_a_fixed_rate_is_mended_from_its_source_and_reads_as_written():
    frame = pd.DataFrame({"mins": [100.0, 20.0, 3.0, None], "charge": [17.0, 9.99, 0.51, 2.0]})
    schema = infer_schema(frame)
    rule = LinearRule("charge", "mins", 0.17)
    assert rule.describe(schema) == "charge = mins × 0.17"
    assert LinearRule("f", "c", 1.8, 32).describe(schema) == "f = c × 1.8 + 32"
    assert LinearRule("b", "a", 1, -0.5).describe(schema) == "b = a − 0.5"
    assert rule.obeyed(frame, schema).tolist() == [True, False, True, True]
    rule.mend(frame, schema, np.random.default_rng(0))
    assert frame["charge"].tolist() == [17.0, 3.4, 0.51, 2.0]


@pytest.mark.parametrize(
    "data, words",
    [
        ({"kind": "formula", "code": "__import__('os')"}, "one of"),
        ({"kind": "range", "column": "a", "low": 2, "high": 1}, "lower bound"),
        ({"kind": "range", "column": "a", "low": "0", "high": 1}, "number"),
        ({"kind": "order", "before": "a", "after": "b", "gaps": [-1.0]}, "gaps"),
        ({"kind": "mapping", "source": "a", "target": "b", "pairs": [[1, 2, 3]]}, "pairs"),
        (
            {"kind": "arithmetic", "target": "a", "left": "b", "operator": "^", "right": "c"},
            "operator",
        ),
        ({"kind": "range", "column": "", "low": 0, "high": 1}, "name a column"),
        ({"kind": "range", "column": "a", "low": 0, "high": 1, "share": 2}, "share"),
        ({"kind": "linear", "target": "a", "source": "b", "factor": 0}, "factor must not be 0"),
        ({"kind": "linear", "target": "a", "source": "b", "factor": "2"}, "'factor' must be a"),
    ],
)
def test_a_rule_that_is_not_data_of_a_known_kind_is_refused(data, words):
    with pytest.raises(RuleError, match=words):
        rule_from_dict(data)


def test_a_range_reads_as_people_write_its_bounds():
    frame = pd.DataFrame({"year": [1982, 1985, 1988], "price": [12_500.5, 99.25, 250_000.0]})
    schema = infer_schema(frame)
    assert RangeRule("year", 1982, 1988).describe(schema) == "year is between 1982 and 1988"
    assert (
        RangeRule("price", 99.25, 250_000.0).describe(schema)
        == "price is between 99.25 and 250,000"
    )
