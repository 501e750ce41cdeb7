from __future__ import annotations

import pytest

from synth_core.errors import RuleError
from synth_core.rules import (
    ArithmeticRule,
    MappingRule,
    OrderRule,
    RangeRule,
    check_conditions,
    check_real_shares,
    check_rule_columns,
)


def test_a_rule_the_real_table_breaks_in_many_rows_is_refused_with_the_count(sales, sales_schema):
    rule = OrderRule("Ship Date", "Order Date", (0.0,))  # the wrong way round
    with pytest.raises(RuleError, match=r"breaks the rule 'Order Date is on or after Ship Date'"):
        check_real_shares([rule], sales, sales_schema)


def test_a_rule_that_holds_is_accepted(sales, sales_schema):
    check_real_shares([RangeRule("Quantity", 1, 9)], sales, sales_schema)


@pytest.mark.parametrize(
    "rule, words",
    [
        (OrderRule("Order Date", "Quantity", (0.0,)), "dates and the other numbers"),
        (RangeRule("Category", 0, 1), "holds categorical values"),
        (ArithmeticRule("Sales", "City", "+", "Quantity"), "need number columns"),
        (MappingRule("Order Date", "City", ()), "holds datetime values"),
    ],
)
def test_a_rule_between_columns_of_the_wrong_kinds_is_refused(sales_schema, rule, words):
    with pytest.raises(RuleError, match=words):
        check_rule_columns([rule], sales_schema, sales_schema.names)


def test_a_rule_on_a_column_not_learned_is_refused(sales_schema):
    with pytest.raises(RuleError, match="does not learn"):
        check_rule_columns([RangeRule("Quantity", 1, 9)], sales_schema, ["Sales"])


def test_conditions_a_mapping_forbids_together_are_refused():
    rule = MappingRule("Sub-Category", "Category", (("Chairs", "Furniture"), ("Paper", "Office")))
    with pytest.raises(RuleError, match="No row can have Sub-Category=Chairs and Category=Office"):
        check_conditions({"Sub-Category": "Chairs", "Category": "Office"}, [rule])
    check_conditions({"Sub-Category": "Chairs", "Category": "Furniture"}, [rule])
