"""Rules kept in generated rows: mended by construction where the rule allows it (a dependent
column derived from its determinant, a total from its parts, a later date from the earlier one
plus a real gap, a value clipped into its range), and rows that still break one are rejected,
with the count per rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth_core.rules.model import Rule, RuleKind
from synth_core.schema import Schema

#: The order rules are mended in: a mapping, a column at a fixed rate or a total rewrites a
#: column that a total, an order or a range then reads.
MEND_PASSES = 3
MEND_ORDER = (
    RuleKind.MISSING_TOGETHER,  # first: a row's empty block, filled, is then kept by the rest
    RuleKind.MAPPING,
    RuleKind.LINEAR,
    RuleKind.ARITHMETIC,
    RuleKind.ORDER,
    RuleKind.RANGE,
    RuleKind.DATE_PART,  # after the orders, which may move a date
)


@dataclass(frozen=True)
class Enforced:
    """Rows that obey every rule, and how many rows each rule rejected."""

    frame: pd.DataFrame
    rejected: int = 0
    by_rule: dict[int, int] = field(default_factory=dict)  # rule index → rows it rejected


def enforce_rules(
    frame: pd.DataFrame, rules: Sequence[Rule], schema: Schema, rng: np.random.Generator
) -> Enforced:
    """``frame`` mended and filtered so that every row obeys every rule of ``rules``."""
    if not rules or frame.empty:
        return Enforced(frame)
    frame = frame.reset_index(drop=True).copy()
    # A mend may rewrite a column another rule reads (a rate of a total mended after it): the
    # passes repeat until every rule is kept or ``MEND_PASSES`` have run.
    for _ in range(MEND_PASSES):
        for kind in MEND_ORDER:
            for rule in rules:
                if rule.kind == kind:
                    rule.mend(frame, schema, rng)
        if all(rule.obeyed(frame, schema).all() for rule in rules):
            break
    keep = np.ones(len(frame), dtype=bool)
    by_rule = {}
    for index, rule in enumerate(rules):
        broken = ~rule.obeyed(frame, schema) & keep
        if broken.any():
            by_rule[index] = int(broken.sum())
            keep &= ~broken
    return Enforced(frame[keep].reset_index(drop=True), int((~keep).sum()), by_rule)


def obeyed_shares(frame: pd.DataFrame, rules: Sequence[Rule], schema: Schema) -> list[float]:
    """The share of ``frame``'s rows that obey each rule (1.0 for an empty table)."""
    shares = []
    for rule in rules:
        obeyed = rule.obeyed(frame, schema)
        shares.append(float(obeyed.mean()) if len(obeyed) else 1.0)
    return shares
