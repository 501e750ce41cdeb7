"""The holdout: a fifth of the table kept aside when training starts, remembered in this
session's state. The model never sees those rows, so the usefulness and privacy scores can test
it on real rows it did not learn from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from synth_core.errors import DataError
from synth_core.schema.model import Kind, Schema
from synth_core.tables.split import holdout_split
from ui import state
from ui.state import LoadedTable, State

HOLDOUT_FRACTION = 0.2
_STRATIFY_KINDS = (Kind.CATEGORICAL, Kind.BOOLEAN)
_ROW = "\0row"  # column of row numbers, a name no table column can have


def split_for_training(
    frame: pd.DataFrame, schema: Schema, seed: int, store: State | None = None
) -> pd.DataFrame:
    """Keep a fifth of ``frame``'s rows aside (remembered in the session) and return the rest,
    the rows to train on. The split keeps the target's classes in proportion when it can; a
    table too small to spare any rows trains on all of them."""
    store = store if store is not None else st.session_state
    target = state.get_target(store)
    stratify = target if target in schema.included_names and _is_class(schema, target) else None
    # Split row numbers (and the labels), not the table: the session keeps only which rows
    # were held out, and the table itself is not copied.
    rows = pd.DataFrame({_ROW: np.arange(len(frame))})
    if stratify is not None:
        rows[stratify] = frame[stratify].to_numpy()
    try:
        _, held = holdout_split(rows, HOLDOUT_FRACTION, seed=seed, stratify=stratify)
    except DataError:
        held = rows.iloc[:0]
    kept_aside = frame.index[np.sort(held[_ROW].to_numpy())]
    store[state.HOLDOUT] = kept_aside
    return frame.drop(index=kept_aside)


def real_rows(table: LoadedTable, store: State | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the rows the model trained on, the rows kept aside) of the current table."""
    store = store if store is not None else st.session_state
    kept_aside = store.get(state.HOLDOUT)
    if kept_aside is None or len(kept_aside) == 0:
        return table.frame, table.frame.iloc[:0]
    return table.frame.drop(index=kept_aside), table.frame.loc[kept_aside]


def _is_class(schema: Schema, name: str) -> bool:
    return schema[name].kind in _STRATIFY_KINDS
