"""Rules as people read and choose them: numbered lines with the share of real rows that obey
each, and the rules a fit keeps by default (ranges, and those every real row obeys), less any
dropped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from synth_core.errors import RuleError
from synth_core.rules.model import Rule, RuleKind
from synth_core.schema import Schema
from synth_core.wording import percent


def rule_line(number: int, rule: Rule, schema: Schema) -> str:
    """``3. Ship Date is on or after Order Date: 100 % of real rows``."""
    return f"{number}. {rule.describe(schema)}: {share_words(rule.share)} of real rows"


def share_words(share: float) -> str:
    """A share as a percent, never rounded up to 100 % unless every row obeys."""
    if share < 1.0:
        return percent(min(share, 0.999), 1)
    return percent(1.0, 0)


def rule_records(rules: Sequence[Rule], schema: Schema) -> list[dict[str, Any]]:
    """Each rule as JSON for ``inspect --json``: its number, words, share and data."""
    return [
        {"number": i, "words": rule.describe(schema), "share": rule.share, "rule": rule.to_dict()}
        for i, rule in enumerate(rules, start=1)
    ]


def derived_columns(rules: Iterable[Rule]) -> set[str]:
    """The columns that rules write from others (a mapping's, a sum's, a rate's or a date
    part's target, and both columns of a one-to-one pair, each of which gives the other away):
    nothing to predict in them, their rows give them away."""
    spared = (RuleKind.ORDER, RuleKind.RANGE, RuleKind.MISSING_TOGETHER)
    written = {rule.target for rule in rules if rule.kind not in spared}
    paired = {rule.source for rule in rules if getattr(rule, "one_to_one", False)}
    return written | paired


def kept_by_default(rule: Rule) -> bool:
    """Whether a fit keeps a rule found unless told otherwise: when every real row obeys it, or
    it is a range (which the rare extremes of a few real rows lie beyond, by design), or a date
    part (found only when nearly every row agrees: a month that disagrees with its date is a
    typing error, not a pattern to copy)."""
    return rule.share >= 1.0 or rule.kind in (RuleKind.RANGE, RuleKind.DATE_PART)


def default_rules(found: Sequence[Rule], dropped: Iterable[int] = ()) -> list[Rule]:
    """The rules a fit keeps from ``found`` (numbered from 1): those ``kept_by_default``, less
    the numbers in ``dropped``; ``RuleError`` for a number that is not a rule."""
    dropped = set(dropped)
    unknown = sorted(n for n in dropped if not 1 <= n <= len(found))
    if unknown:
        listed = f"1 to {len(found)}" if found else "none were found"
        raise RuleError(
            f"There is no rule {unknown[0]} to drop (the rules found are numbered {listed}; "
            "'inspect' lists them)."
        )
    return [r for i, r in enumerate(found, start=1) if kept_by_default(r) and i not in dropped]
