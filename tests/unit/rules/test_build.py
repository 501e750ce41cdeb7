from __future__ import annotations

import pytest

from synth_core.errors import RuleError
from synth_core.rules import ArithmeticRule, MappingRule, OrderRule, RangeRule, rule_from_columns


def test_an_order_picked_from_lists_learns_the_real_gaps(sales, sales_schema):
    rule = rule_from_columns("order", ["Quantity", "Sales"], sales, sales_schema)
    assert isinstance(rule, OrderRule) and rule.share == 1.0 and min(rule.gaps) >= 0


def test_a_mapping_picked_from_lists_learns_its_pairs_and_whether_it_is_one_to_one(
    sales, sales_schema
):
    rule = rule_from_columns("mapping", ["City", "State"], sales, sales_schema)
    assert isinstance(rule, MappingRule) and not rule.one_to_one
    assert rule.lookup["Seattle"] == "Washington" and rule.share == 1.0


def test_a_product_picked_from_lists_gets_its_real_share(sales, sales_schema):
    rule = rule_from_columns(
        "arithmetic", ["Sales", "Unit Price", "Quantity"], sales, sales_schema, "*"
    )
    assert rule == ArithmeticRule("Sales", "Unit Price", "*", "Quantity", 1.0)


def test_a_range_picked_from_lists_spans_the_real_values(sales, sales_schema):
    rule = rule_from_columns("range", ["Discount"], sales, sales_schema)
    assert rule == RangeRule("Discount", 0.0, 0.8)


@pytest.mark.parametrize(
    "kind, columns, words",
    [
        ("order", ["Order Date", "Quantity"], "one holds dates and the other numbers"),
        ("order", ["Ship Date", "Order Date"], "Your table breaks the rule"),
        ("arithmetic", ["Sales", "City", "Quantity"], "need number columns"),
        ("mapping", ["Category", "Sub-Category"], "breaks the rule"),
        ("order", ["Sales", "Sales"], "2 different columns"),
    ],
)
def test_a_rule_picked_badly_is_refused_in_plain_words(sales, sales_schema, kind, columns, words):
    with pytest.raises(RuleError, match=words):
        rule_from_columns(kind, columns, sales, sales_schema)
