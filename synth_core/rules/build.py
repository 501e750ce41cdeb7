"""A rule a person asks for by picking columns (no formula to type): its kinds checked, its data
learned from the real table, and refused in plain words when the table itself breaks it."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from synth_core.errors import RuleError
from synth_core.rules.checks import check_real_shares, check_rule_columns
from synth_core.rules.discover import mapping_rule, order_rule, protected_range_rule, real_share
from synth_core.rules.model import (
    MAX_PAIRS,
    OPERATORS,
    ArithmeticRule,
    MappingRule,
    OrderRule,
    RangeRule,
    Rule,
    RuleKind,
)
from synth_core.schema import Schema

#: What each column of a kind of rule is, in the order they are given.
COLUMNS_NEEDED = {
    RuleKind.ORDER: ("earlier or smaller", "later or larger"),
    RuleKind.MAPPING: ("determining column", "determined column"),
    RuleKind.ARITHMETIC: ("result", "first part", "second part"),
    RuleKind.RANGE: ("column",),
}


def rule_from_columns(
    kind: RuleKind | str,
    columns: Sequence[str],
    frame: pd.DataFrame,
    schema: Schema,
    operator: str = "+",
) -> Rule:
    """The rule of ``kind`` between ``columns`` (in the order of ``COLUMNS_NEEDED``), learned
    from ``frame``; ``RuleError`` for columns of the wrong kinds, the same column twice, or a
    rule the real table breaks in many rows."""
    kind = RuleKind(kind)
    needed = COLUMNS_NEEDED[kind]
    if len(columns) != len(needed) or len(set(columns)) != len(columns):
        raise RuleError(
            f"A {kind.value} rule needs {len(needed)} different columns: {', '.join(needed)}."
        )
    if operator not in OPERATORS:
        raise RuleError(
            "Pick +, -, * or / for a sum, difference, product or ratio, or % for a percentage."
        )
    check_rule_columns([_unlearned(kind, columns, operator)], schema, schema.included_names)
    rule = _learned(kind, columns, frame, schema, operator)
    check_real_shares([rule], frame, schema)
    return rule


def _unlearned(kind: RuleKind, columns: Sequence[str], operator: str) -> Rule:
    """The rule without data from the table: enough to check its columns' kinds."""
    if kind == RuleKind.ORDER:
        return OrderRule(columns[0], columns[1], ())
    if kind == RuleKind.MAPPING:
        return MappingRule(columns[0], columns[1], ())
    if kind == RuleKind.ARITHMETIC:
        return ArithmeticRule(columns[0], columns[1], operator, columns[2])
    return RangeRule(columns[0], 0.0, 0.0)


def _learned(kind, columns, frame: pd.DataFrame, schema: Schema, operator: str) -> Rule:
    if kind == RuleKind.ORDER:
        return order_rule(frame, schema, columns[0], columns[1])
    if kind == RuleKind.MAPPING:
        if frame[columns[0]].nunique() > MAX_PAIRS:
            raise RuleError(
                f"'{columns[0]}' has more than {MAX_PAIRS:,} different values, too many to "
                "determine another column. Pick a column of categories."
            )
        backwards = mapping_rule(frame, schema, columns[1], columns[0], False)
        return mapping_rule(frame, schema, columns[0], columns[1], backwards.share == 1.0)
    if kind == RuleKind.ARITHMETIC:
        rule = ArithmeticRule(columns[0], columns[1], operator, columns[2])
        return ArithmeticRule(*columns[:2], operator, columns[2], real_share(rule, frame, schema))
    return protected_range_rule(frame, schema, columns[0])
