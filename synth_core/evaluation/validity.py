"""Do the synthetic rows make sense? Each business rule with the share of real and of synthetic
rows that obey it, and the basic checks: numbers inside the real range, categories from the
real set, dates written in the real format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synth_core.rules import Rule, obeyed_shares
from synth_core.schema import DISCRETE_KINDS, ColumnInfo, Kind, Schema, parse_datetimes

NUMBERS = (Kind.NUMERICAL, Kind.INTEGER)


@dataclass(frozen=True)
class RuleCheck:
    """One rule in words, with the share of real and of synthetic rows that obey it."""

    words: str
    real: float
    synthetic: float


@dataclass(frozen=True)
class BasicCheck:
    """One basic check over the columns it applies to: the share of synthetic values that pass
    it, and the column where the fewest pass (None when all pass)."""

    name: str
    share: float
    columns: int
    worst: str | None = None


@dataclass(frozen=True)
class Validity:
    rules: tuple[RuleCheck, ...]
    basics: tuple[BasicCheck, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": [vars(check) for check in self.rules],
            "basic_checks": [vars(check) for check in self.basics],
        }


def validity_checks(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    infos: Sequence[ColumnInfo],
    schema: Schema,
    rules: Sequence[Rule] = (),
) -> Validity:
    """The rules' real and synthetic shares and the basic checks over ``infos``' columns."""
    usable = [r for r in rules if set(r.columns) <= set(real.columns) & set(synthetic.columns)]
    real_shares = obeyed_shares(real, usable, schema)
    synthetic_shares = obeyed_shares(synthetic, usable, schema)
    checks = tuple(
        RuleCheck(rule.describe(schema), r, s)
        for rule, r, s in zip(usable, real_shares, synthetic_shares, strict=True)
    )
    basics = (
        _basic("Numbers inside the real range", infos, NUMBERS, real, synthetic, _in_range),
        _basic("Categories from the real set", infos, DISCRETE_KINDS, real, synthetic, _known),
        _basic("Dates in the real format", infos, (Kind.DATETIME,), real, synthetic, _dated),
    )
    return Validity(checks, tuple(check for check in basics if check is not None))


def _basic(name, infos, kinds, real, synthetic, passes) -> BasicCheck | None:
    shares = {
        info.name: passes(real[info.name], synthetic[info.name], info)
        for info in infos
        if info.kind in kinds
    }
    shares = {column: share for column, share in shares.items() if share is not None}
    if not shares:
        return None
    worst = min(shares, key=shares.get)
    share = float(np.mean(list(shares.values())))
    return BasicCheck(name, share, len(shares), worst if shares[worst] < 1.0 else None)


def _in_range(real: pd.Series, synthetic: pd.Series, info: ColumnInfo) -> float | None:
    low, high = pd.to_numeric(real, errors="coerce").agg(["min", "max"])
    values = pd.to_numeric(synthetic, errors="coerce").dropna()
    return None if values.empty else float(values.between(low, high).mean())


def _known(real: pd.Series, synthetic: pd.Series, info: ColumnInfo) -> float | None:
    known = set(real.dropna().astype(str))
    values = synthetic.dropna().astype(str)
    return None if values.empty else float(values.isin(known).mean())


def _dated(real: pd.Series, synthetic: pd.Series, info: ColumnInfo) -> float | None:
    values = synthetic.dropna()
    if values.empty or not info.datetime_format or pd.api.types.is_datetime64_any_dtype(values):
        return None
    written = parse_datetimes(values, info.datetime_format).notna() | (values == info.open_end)
    return float(written.mean())
