"""The groups of kinds: every modelled kind is numeric or discrete, and private kinds are never
modelled."""

from __future__ import annotations

from synth_core.schema import (
    DISCRETE_KINDS,
    MODELLED_KINDS,
    NUMERIC_KINDS,
    PRIVATE_KINDS,
    Kind,
)


def test_modelled_kinds_are_numeric_or_discrete() -> None:
    assert NUMERIC_KINDS | DISCRETE_KINDS == MODELLED_KINDS
    assert not NUMERIC_KINDS & DISCRETE_KINDS


def test_private_kinds_are_never_modelled() -> None:
    assert {Kind.IDENTIFIER, Kind.PII} == PRIVATE_KINDS
    assert not PRIVATE_KINDS & MODELLED_KINDS
