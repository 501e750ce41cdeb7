"""The business rules the Columns page proposes and the Train page trains with: found once per
table and choice of columns, each kept or dropped by the person (``ui.state.RuleChoices``)."""

from __future__ import annotations

from synth_core.rules import Rule, discover_rules, share_words
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
    """Whether the person keeps ``rule`` (at first: when every real row obeys it)."""
    choices = state.get_rule_choices(schema, store)
    default = rule.share >= 1.0
    return default if choices is None else choices.kept.get(rule.describe(schema), default)


def kept(table: LoadedTable, schema: Schema, store: State | None = None) -> list[Rule]:
    """The rules to train with: those found that the person keeps."""
    return [rule for rule in proposed(table, schema, store) if is_kept(rule, schema, store)]


def label(rule: Rule, schema: Schema) -> str:
    """``Ship Date is on or after Order Date (100 % of your rows)``."""
    return f"{rule.describe(schema)} ({share_words(rule.share)} of your rows)"
