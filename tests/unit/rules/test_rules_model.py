from __future__ import annotations

import json

import pandas as pd
import pytest

from synth_core.errors import RuleError
from synth_core.rules import (
    RangeRule,
    discover_rules,
    rule_from_dict,
    rules_from_dicts,
    rules_to_dicts,
)
from synth_core.schema import infer_schema


def test_every_rule_kind_reads_back_from_json_as_it_was(sales, sales_schema):
    rules = discover_rules(sales, sales_schema)
    assert {rule.kind.value for rule in rules} == {"order", "range", "mapping", "arithmetic"}
    assert rules_from_dicts(json.loads(json.dumps(rules_to_dicts(rules)))) == rules


@pytest.mark.parametrize(
    "data, words",
    [
        ({"kind": "formula", "code": "__import__('os')"}, "one of"),
        ({"kind": "range", "column": "a", "low": 2, "high": 1}, "lower bound"),
        ({"kind": "range", "column": "a", "low": "0", "high": 1}, "number"),
        ({"kind": "order", "before": "a", "after": "b", "gaps": [-1.0]}, "gaps"),
        ({"kind": "mapping", "source": "a", "target": "b", "pairs": [[1, 2, 3]]}, "pairs"),
        (
            {"kind": "arithmetic", "target": "a", "left": "b", "operator": "/", "right": "c"},
            "operator",
        ),
        ({"kind": "range", "column": "", "low": 0, "high": 1}, "name a column"),
        ({"kind": "range", "column": "a", "low": 0, "high": 1, "share": 2}, "share"),
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
