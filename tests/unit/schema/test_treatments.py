"""Which kind of column may be left out, replaced with fake values, or given new unique IDs."""

from __future__ import annotations

import pytest

from synth_core.errors import SchemaError
from synth_core.schema import (
    ALLOWED_TREATMENTS,
    FAKE,
    KEEP,
    NEW_IDS,
    TREATMENT_LABELS,
    TREATMENTS,
    ColumnInfo,
    Kind,
    check_treatment,
    treatment_options,
)


def _column(kind: Kind, include: bool = False) -> ColumnInfo:
    return ColumnInfo("c", kind, "", include, 0.0, 10, "object")


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        (Kind.PII, (None, FAKE)),
        (Kind.TEXT, (None, FAKE)),
        (Kind.IDENTIFIER, (None, NEW_IDS)),
        (Kind.CATEGORICAL, (None,)),
        (Kind.EMPTY, (None, KEEP)),
        (Kind.CONSTANT, (None, KEEP)),
    ],
)
def test_options_per_kind(kind: Kind, options: tuple) -> None:
    assert treatment_options(_column(kind)) == options
    for treatment in options:
        check_treatment(_column(kind), treatment)


def test_every_treatment_has_a_label() -> None:
    assert set(TREATMENT_LABELS) == {None, *TREATMENTS}
    assert {t for allowed in ALLOWED_TREATMENTS.values() for t in allowed} == set(TREATMENTS)


def test_refusals_say_what_to_do() -> None:
    with pytest.raises(SchemaError, match=r"'shred' is not a treatment\. Choose one of: fake"):
        check_treatment(_column(Kind.PII), "shred")
    with pytest.raises(SchemaError, match=r"learned by the model.*Leave it out first"):
        check_treatment(_column(Kind.PII, include=True), FAKE)
    with pytest.raises(SchemaError, match="It can only be: new ids"):
        check_treatment(_column(Kind.IDENTIFIER), FAKE)
    with pytest.raises(SchemaError, match=r"categorical, so it cannot get 'new ids'\.$"):
        check_treatment(_column(Kind.CATEGORICAL), NEW_IDS)
