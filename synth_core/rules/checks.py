"""Rules that cannot be kept, refused in plain words: columns of the wrong kinds or not
learned, a rule the real table breaks in many rows, and conditions that no row can meet under
the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from synth_core.errors import RuleError, SynthError
from synth_core.rules.discover import protected_range_rule
from synth_core.rules.model import SPANS, MappingRule, RangeRule, Rule, RuleKind
from synth_core.schema import DISCRETE_KINDS, Kind, Schema
from synth_core.wording import percent

#: A kept rule must hold in at least this share of the real rows.
MIN_KEPT_SHARE = 0.95
NUMBERS = frozenset({Kind.NUMERICAL, Kind.INTEGER})
#: The kinds each rule's columns may have.
ALLOWED_KINDS = {
    RuleKind.ORDER: NUMBERS | {Kind.DATETIME},
    RuleKind.RANGE: NUMBERS,
    RuleKind.MAPPING: NUMBERS | DISCRETE_KINDS,
    RuleKind.ARITHMETIC: NUMBERS,
    RuleKind.LINEAR: NUMBERS,
    RuleKind.DATE_PART: NUMBERS | DISCRETE_KINDS | {Kind.DATETIME},
    RuleKind.MISSING_TOGETHER: NUMBERS | DISCRETE_KINDS | {Kind.DATETIME},
}


def check_rule_columns(rules: Sequence[Rule], schema: Schema, columns: Sequence[str]) -> None:
    """Each rule names learned ``columns`` of kinds it can compare; ``RuleError`` otherwise."""
    for rule in rules:
        for name in rule.columns:
            if name not in columns:
                raise RuleError(
                    f"The rule '{_words(rule, schema)}' names '{name}', which the model does "
                    "not learn. Include the column, or drop the rule."
                )
            kind = schema[name].kind
            if _is_days_between(rule) and name in (rule.left, rule.right):
                if kind != Kind.DATETIME:
                    raise RuleError(
                        f"'{name}' holds no dates, so '{rule.target}' cannot be the days between "
                        "it and another. Pick two date columns."
                    )
            elif kind not in ALLOWED_KINDS[rule.kind]:
                raise RuleError(
                    f"A {rule.kind.value} rule cannot use '{name}': it holds {kind.value} values. "
                    f"{_allowed(rule.kind)}"
                )
        if rule.kind == RuleKind.DATE_PART and schema[rule.source].kind != Kind.DATETIME:
            raise RuleError(
                f"'{rule.source}' holds no dates, so '{rule.target}' cannot be a part of it. "
                "Pick a date column."
            )
        if rule.kind == RuleKind.ORDER and _kinds_differ(rule, schema):
            raise RuleError(
                f"'{rule.before}' and '{rule.after}' cannot be put in order: one holds dates "
                "and the other numbers. Pick two date columns or two number columns."
            )


def _is_days_between(rule: Rule) -> bool:
    return rule.kind == RuleKind.ARITHMETIC and rule.operator in SPANS


def check_real_shares(rules: Sequence[Rule], frame: pd.DataFrame, schema: Schema) -> None:
    """``RuleError`` for a rule that the real table breaks in many rows."""
    for rule in rules:
        obeyed = rule.obeyed(frame, schema)
        share = float(obeyed.mean()) if len(obeyed) else 1.0
        if share < MIN_KEPT_SHARE and not _leaves_out_rare_extremes_only(rule, frame, schema):
            raise RuleError(
                f"Your table breaks the rule '{_words(rule, schema)}' in {int((~obeyed).sum()):,} "
                f"rows (it holds in {percent(share)}). Drop the rule, or fix those rows first."
            )


def _leaves_out_rare_extremes_only(rule: Rule, frame: pd.DataFrame, schema: Schema) -> bool:
    """Whether ``rule`` is a range at least as wide as ``protected_range``'s: the real rows
    beyond it hold rare extremes, which are left out by design (a small table has many)."""
    if not isinstance(rule, RangeRule):
        return False
    protected = protected_range_rule(frame, schema, rule.column)
    return protected is None or (rule.low <= protected.low and rule.high >= protected.high)


def check_conditions(conditions: Mapping[str, Any], rules: Sequence[Rule]) -> None:
    """``RuleError`` when the values asked for break a kept mapping rule together."""
    for rule in rules:
        if not isinstance(rule, MappingRule):
            continue
        if rule.source not in conditions or rule.target not in conditions:
            continue
        asked, paired = conditions[rule.source], conditions[rule.target]
        expected = _lookup(rule, asked)
        if expected is not None and str(expected) != str(paired):
            raise RuleError(
                f"No row can have {rule.source}={asked} and {rule.target}={paired} together: "
                f"{rule.source} {asked} always goes with {rule.target} {expected} (a rule kept "
                "from the real table). Ask for one of the two, or a pair that occurs."
            )


def _lookup(rule: MappingRule, value: Any) -> Any:
    for source, target in rule.pairs:
        if source == value or str(source) == str(value):
            return target
    return None


def _kinds_differ(rule: Rule, schema: Schema) -> bool:
    dates = [schema[name].kind == Kind.DATETIME for name in rule.columns]
    return len(set(dates)) > 1


def _allowed(kind: RuleKind) -> str:
    return {
        RuleKind.ORDER: "Order rules compare two date columns or two number columns.",
        RuleKind.RANGE: "Range rules bound a number column.",
        RuleKind.MAPPING: "Mapping rules pair category or whole-number columns.",
        RuleKind.ARITHMETIC: "Sums, differences and products need number columns.",
        RuleKind.LINEAR: "A column computed from another at a fixed rate needs number columns.",
        RuleKind.DATE_PART: "A part of a date is a date column and a label or number column.",
        RuleKind.MISSING_TOGETHER: "Columns empty together hold numbers, dates or labels.",
    }[kind]


def _words(rule: Rule, schema: Schema) -> str:
    try:
        return rule.describe(schema)
    except SynthError:  # a column the schema lacks: name the rule by its columns
        return " / ".join(rule.columns)
