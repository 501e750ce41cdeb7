"""Values so rare that they could single someone out.

A value, or a combination of values (``synth_core.privacy.filters.CopyRule``), that fewer than
``RARE_BELOW`` training rows share is rare: met in a synthetic row, it could point at the real
person behind it (the only employee with a misspelt job title, the one respondent with billions
in cash). So:

- rare categories never come out: a text column writes ``RARE_LABEL`` in their place, any other
  column its most common value (``synth_core.encoding.encoders.CategoricalEncoder``);
- numbers and dates come out inside ``protected_range``: the extremes that fewer than
  ``RARE_BELOW`` rows reach are cut off, before the model sees them;
- a text column made mostly of rare values is left out by default (``schema.patterns``).

Where a person has many rows (a key or a name that repeats: a customer's orders, a patient's
visits), rows are not people: a job title that one person holds is on each of their rows. Then
values are counted by the people who hold them (``holders``), not by rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.schema.kinds import PRIVATE_KINDS
from synth_core.schema.names import STAFF_WORDS, has_word, name_tokens

RARE_BELOW = 5
RARE_LABEL = "(rare)"
#: A number column of at most this many different values (a menu's prices, counts of children)
#: comes out on its real values (``synth_core.encoding.transform``); one of more comes out
#: between them, so a generated value equals a real one by chance alone.
LISTED_MAX = 50
#: A column that says whose row it is names at least this many people: a name column of a few
#: sales staff is not who the rows are about, and counting by it would make every value rare.
HOLDERS_MIN = 50
#: ... and has on average at least this many rows per person: a column of labels unique but for
#: a few repeats (one row each) says nothing about whose rows belong together.
HOLDER_MIN_ROWS = 1.5


def holder_column(frame: pd.DataFrame, schema) -> str | None:
    """The column that says whose row each is: of the identifiers and personal data left out
    (names, emails, keys) whose values repeat (``HOLDER_MIN_ROWS``), the one naming the most
    people; None when no such column repeats (every row is then its own person). A column
    named for staff (``STAFF_WORDS``: an agent, a doctor) names who served the rows, not whose
    they are, and is never it."""
    found: tuple[int, str] | None = None
    for info in schema.columns:
        if info.include or info.kind not in PRIVATE_KINDS or info.pii_type == "free_text":
            continue
        if has_word(name_tokens(info.name), STAFF_WORDS):
            continue
        if info.name not in frame.columns:
            continue
        values = frame[info.name]
        distinct, present = int(values.nunique()), int(values.notna().sum())
        repeats = distinct >= HOLDERS_MIN and present >= HOLDER_MIN_ROWS * distinct
        if repeats and (found is None or distinct > found[0]):
            found = (distinct, info.name)
    return found[1] if found else None


def holders(frame: pd.DataFrame, schema) -> np.ndarray | None:
    """Whose row each row of ``frame`` is, as codes (a row without a holder is its own), by
    ``holder_column``; None when every row is its own person."""
    name = holder_column(frame, schema)
    return None if name is None else holder_codes(frame[name])


def holder_codes(column: pd.Series) -> np.ndarray:
    """``column``'s values as codes, one per person; each row without a value its own."""
    codes = pd.factorize(column)[0]
    unknown = codes < 0
    codes[unknown] = codes.max() + 1 + np.arange(int(unknown.sum()))
    return codes


def protected_range(present: np.ndarray, holders: np.ndarray | None = None) -> tuple[float, float]:
    """(low, high) of the non-missing ``present`` values without their rare extremes: the lowest
    value at or below which ``RARE_BELOW`` holders (rows, or the people of ``holders``, aligned
    with ``present``) have a value, and the highest likewise (a column of fewer holders closes
    in on its middle)."""
    present = np.asarray(present, dtype=np.float64)
    if len(present) == 0:
        raise ValueError("protected_range needs at least one value")
    if holders is None:
        lows = highs = np.sort(present)
    else:
        grouped = pd.Series(present).groupby(np.asarray(holders))
        lows, highs = np.sort(grouped.min().to_numpy()), np.sort(grouped.max().to_numpy())
    low = lows[min(RARE_BELOW - 1, (len(lows) - 1) // 2)]
    high = highs[max(len(highs) - RARE_BELOW, len(highs) // 2)]
    return float(low), float(high)


def holder_counts(values: pd.Series, holders: np.ndarray | None = None) -> pd.Series:
    """How many rows (or people of ``holders``, aligned with ``values``) hold each non-missing
    value."""
    if holders is None:
        return values.value_counts(dropna=True)
    pairs = pd.DataFrame({"value": values.to_numpy(dtype=object), "holder": np.asarray(holders)})
    pairs = pairs[values.notna().to_numpy()].drop_duplicates()
    return pairs["value"].value_counts()


def common_values(values: pd.Series, holders: np.ndarray | None = None) -> np.ndarray:
    """The non-missing ``values`` that at least ``RARE_BELOW`` rows (or people of ``holders``)
    hold, each once."""
    held = holder_counts(values, holders)
    return held.index[held >= RARE_BELOW].to_numpy()


def rare_share(values: pd.Series, holders: np.ndarray | None = None) -> float:
    """The share of the non-missing ``values`` that hold a value fewer than ``RARE_BELOW`` of
    them (or of the people of ``holders``) share (0 for none)."""
    counts = values.value_counts(dropna=True)
    total = int(counts.sum())
    if not total:
        return 0.0
    held = holder_counts(values, holders).reindex(counts.index, fill_value=0)
    return float(counts[held < RARE_BELOW].sum() / total)
