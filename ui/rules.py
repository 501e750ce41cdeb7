"""The business rules the Columns page proposes and the Train page trains with: found once per
table and choice of columns, each kept or dropped by the person (``ui.state.RuleChoices``)."""

from __future__ import annotations

from synth_core.errors import RuleError
from synth_core.rules import (
    COLUMNS_NEEDED,
    Rule,
    RuleKind,
    discover_rules,
    kept_by_default,
    rule_from_columns,
    share_words,
)
from synth_core.schema import Schema
from ui import state
from ui.state import LoadedTable, State

EXPLAINED = (
    "Found in your table: every synthetic row will obey each rule you keep. A rule that all "
    "your rows obey is kept at first; untick one to leave it out."
)


def proposed(table: LoadedTable, schema: Schema, store: State | None = None) -> list[Rule]:
    """The rules found among ``schema``'s learned columns of ``table`` (found once, then kept
    until the table or the learned columns change)."""
    choices = state.get_rule_choices(schema, store)
    if choices is None:
        choices = state.set_rules_found(schema, discover_rules(table.frame, schema), store)
    return choices.found


def is_kept(rule: Rule, schema: Schema, store: State | None = None) -> bool:
    """Whether the person keeps ``rule`` (at first: as a fit does, ``kept_by_default``)."""
    choices = state.get_rule_choices(schema, store)
    default = kept_by_default(rule)
    return default if choices is None else choices.kept.get(rule.describe(schema), default)


def kept(table: LoadedTable, schema: Schema, store: State | None = None) -> list[Rule]:
    """The rules to train with: those found that the person keeps."""
    return [rule for rule in proposed(table, schema, store) if is_kept(rule, schema, store)]


#: The rules a person can add by picking columns, in words.
ADDABLE = {
    RuleKind.ORDER: "One date or number is never below another",
    RuleKind.MAPPING: "One column determines another",
    RuleKind.ARITHMETIC: "A column is the sum, difference, product or ratio of two others",
}
OPERATOR_WORDS = {
    "+": "sum (+)",
    "-": "difference (−)",
    "*": "product (×)",
    "/": "ratio (÷)",
    "%": "percentage (÷, × 100)",
}


def columns_needed(kind: RuleKind) -> tuple[str, ...]:
    return COLUMNS_NEEDED[kind]


def add(
    table: LoadedTable,
    schema: Schema,
    kind: RuleKind,
    columns: list[str],
    operator: str = "+",
    store: State | None = None,
) -> str | None:
    """Learn the rule a person picked from ``table`` and keep it; a plain message when it
    cannot be kept (wrong kinds, the table breaks it), else None."""
    proposed(table, schema, store)
    try:
        rule = rule_from_columns(kind, columns, table.frame, schema, operator)
    except RuleError as error:
        return str(error)
    state.add_rule(rule, rule.describe(schema), store)
    return None


def label(rule: Rule, schema: Schema) -> str:
    """``Ship Date is on or after Order Date (100 % of your rows)``."""
    return f"{rule.describe(schema)} ({share_words(rule.share)} of your rows)"
