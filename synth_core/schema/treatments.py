"""What may become of a column that is not learned: left out, fake values, new unique IDs, or,
for a column of one value, that value as it is.

The rule lives here, beside the kinds; ``synth_core.privacy.pii`` makes the values.
"""

from __future__ import annotations

from typing import Protocol

from synth_core.errors import SchemaError
from synth_core.schema.kinds import Kind

#: Values of ``ColumnInfo.treatment``; None (not listed): left out.
#: "fake": realistic made-up values of the same shape; "new_ids": new identifiers (never a real
#: one; a key that repeats keeps its rows per key); "keep": a constant or empty column written
#: as it is (its one value, in as many rows), so that the file keeps the table's columns.
TREATMENTS = ("fake", "new_ids", "keep")
FAKE, NEW_IDS, KEEP = TREATMENTS
#: Treatments each kind may have, besides None (leave out).
ALLOWED_TREATMENTS = {
    Kind.PII: (FAKE,),
    Kind.TEXT: (FAKE,),
    Kind.IDENTIFIER: (NEW_IDS,),
    Kind.CONSTANT: (KEEP,),
    Kind.EMPTY: (KEEP,),
}
#: What a column gets unless a person says otherwise. An empty column is kept, empty: the file
#: keeps the table's columns and shows nothing. A constant one is left out: its one value may
#: name where the data comes from (a clinic, a client), which a person may keep on purpose.
DEFAULT_TREATMENTS = {Kind.EMPTY: KEEP}
TREATMENT_LABELS = {
    None: "Leave out",
    FAKE: "Replace with fake values",
    NEW_IDS: "New IDs",
    KEEP: "Keep as it is",
}


class _Column(Protocol):
    """What the rule reads of a column (a ``ColumnInfo``)."""

    name: str
    kind: Kind
    include: bool


def treatment_options(info: _Column) -> tuple[str | None, ...]:
    """The treatments a column may have: None (leave out) first."""
    return (None, *ALLOWED_TREATMENTS.get(info.kind, ()))


def check_treatment(info: _Column, treatment: str | None) -> None:
    """Raise ``SchemaError`` when ``info`` cannot have ``treatment``."""
    if treatment is None:
        return
    if treatment not in TREATMENTS:
        raise SchemaError(
            f"'{treatment}' is not a treatment. Choose one of: {', '.join(TREATMENTS)}."
        )
    if info.include:
        raise SchemaError(
            f"Column '{info.name}' is learned by the model, so it cannot also be replaced. "
            "Leave it out first."
        )
    allowed = ALLOWED_TREATMENTS.get(info.kind, ())
    if treatment not in allowed:
        names = [TREATMENT_LABELS[t].lower() for t in allowed]
        hint = f" It can only be: {', '.join(names)}." if names else ""
        raise SchemaError(
            f"Column '{info.name}' is {info.kind.value}, so it cannot get "
            f"'{TREATMENT_LABELS[treatment].lower()}'.{hint}"
        )
