"""Business rules: found in the real table, kept as data, enforced in generated rows.

Import the public names from here (``from synth_core.rules import discover_rules``).
"""

from synth_core.rules.build import COLUMNS_NEEDED, rule_from_columns
from synth_core.rules.checks import (
    MIN_KEPT_SHARE,
    check_conditions,
    check_real_shares,
    check_rule_columns,
)
from synth_core.rules.discover import discover_rules, real_share
from synth_core.rules.enforce import Enforced, enforce_rules, obeyed_shares
from synth_core.rules.listing import (
    default_rules,
    derived_columns,
    kept_by_default,
    rule_line,
    rule_records,
    share_words,
)
from synth_core.rules.model import (
    ArithmeticRule,
    DatePartRule,
    LinearRule,
    MappingRule,
    MissingTogetherRule,
    OrderRule,
    RangeRule,
    Rule,
    RuleKind,
    rule_from_dict,
    rules_from_dicts,
    rules_to_dicts,
)

__all__ = [
    "COLUMNS_NEEDED",
    "MIN_KEPT_SHARE",
    "ArithmeticRule",
    "DatePartRule",
    "Enforced",
    "LinearRule",
    "MappingRule",
    "MissingTogetherRule",
    "OrderRule",
    "RangeRule",
    "Rule",
    "RuleKind",
    "check_conditions",
    "check_real_shares",
    "check_rule_columns",
    "default_rules",
    "derived_columns",
    "discover_rules",
    "enforce_rules",
    "kept_by_default",
    "obeyed_shares",
    "real_share",
    "rule_from_columns",
    "rule_from_dict",
    "rule_line",
    "rule_records",
    "rules_from_dicts",
    "rules_to_dicts",
    "share_words",
]
