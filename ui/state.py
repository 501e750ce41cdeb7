"""Per-user state of the app: every session-state key, and small accessors around them.

Everything a person loads lives in ``st.session_state`` (one browser tab, in memory only) and is
never cached across sessions or logged. Every accessor takes an optional ``state`` mapping so
that tests can pass a plain dict; the pages leave it out and get ``st.session_state``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from synth_core.errors import SynthError
from synth_core.io import ReadInfo, ReadResult, read_table
from synth_core.schema import Schema, infer_schema

logger = logging.getLogger(__name__)

# Session-state keys. Widget keys are listed too, so that none is spelled twice.
TABLE = "table"  # LoadedTable
SCHEMA = "schema"  # Schema of the loaded table, with the person's changes
TARGET = "target"  # name of the column to predict, kept when the Columns page is left
LOAD_ERROR = "load_error"  # message of the last failed load, shown on the Upload page
UPLOAD_SEEN = "upload_seen"  # (file id, name, size) of the upload already read
EDITOR_REVISION = "editor_revision"  # bumped to redraw the column editor from the schema
COLUMNS_ERROR = "columns_error"  # message of the last rejected column change

UPLOAD_WIDGET = "upload_file"
SAMPLE_BUTTON = "load_sample"
COLUMNS_EDITOR = "columns_editor"
TARGET_WIDGET = "target_column"

UNEXPECTED_LOAD_ERROR = (
    "Something went wrong while reading this table. Nothing you loaded before is lost. "
    "Try again, or save the table as CSV (UTF-8) or Excel (.xlsx) and upload that file."
)

State = MutableMapping[str, Any]


@dataclass(frozen=True)
class LoadedTable:
    """The table a person is working on, how it was read, and the name it came with."""

    frame: pd.DataFrame
    info: ReadInfo
    name: str
    is_sample: bool = False  # the bundled sample table, not the person's own file

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> int:
        return self.frame.shape[1]


def _store(state: State | None) -> State:
    return st.session_state if state is None else state


# ------------------------------------------------------------------------------ table and schema
def get_table(state: State | None = None) -> LoadedTable | None:
    """The loaded table, or None before anything was loaded."""
    return _store(state).get(TABLE)


def set_table(
    frame: pd.DataFrame,
    info: ReadInfo,
    name: str,
    state: State | None = None,
    *,
    is_sample: bool = False,
) -> None:
    """Store a newly loaded table; its column choices start afresh (see :func:`set_schema`)."""
    store = _store(state)
    store[TABLE] = LoadedTable(frame, info, name, is_sample)
    store.pop(TARGET, None)
    store.pop(TARGET_WIDGET, None)
    store.pop(COLUMNS_ERROR, None)
    bump_editor_revision(store)


def get_schema(state: State | None = None) -> Schema | None:
    """The schema of the loaded table with the person's changes, or None."""
    return _store(state).get(SCHEMA)


def set_schema(schema: Schema, state: State | None = None) -> None:
    _store(state)[SCHEMA] = schema


def get_target(state: State | None = None) -> str | None:
    """The column the person wants to predict (for the usefulness score), or None."""
    return _store(state).get(TARGET)


def set_target(name: str | None, state: State | None = None) -> None:
    _store(state)[TARGET] = name


def target_choice(options: list[str], default: str | None, state: State | None = None) -> str:
    """The target to show among ``options``: the one picked on screen, else the one kept from
    before, else ``default``, else the first option."""
    store = _store(state)
    for candidate in (store.get(TARGET_WIDGET), store.get(TARGET), default):
        if candidate in options:
            return candidate
    return options[0]


# ------------------------------------------------------------------------------ loading
def load_upload(name: str, data: bytes, state: State | None = None) -> str | None:
    """Read an uploaded file and make it the current table.

    Returns None on success, else a message for the person. On failure the table loaded before
    (if any) stays as it was.
    """
    return _load(lambda: read_table(data, filename=name), name, state)


def load_sample(state: State | None = None) -> str | None:
    """Load the bundled sample table (Adult census); None on success, else a message."""
    from synth_core.datasets import DEMO_NAME, load_demo

    return _load(load_demo, DEMO_NAME, state, is_sample=True)


def _load(
    read: Callable[[], ReadResult], name: str, state: State | None, *, is_sample: bool = False
) -> str | None:
    what = "sample" if is_sample else "upload"
    store = _store(state)
    try:
        result = read()
        schema = infer_schema(result.frame)
    except SynthError as error:
        return str(error)
    except Exception as error:
        # Never log the message or a traceback: either could quote cell values.
        logger.error("Loading a table (%s) failed unexpectedly: %s", what, type(error).__name__)
        return UNEXPECTED_LOAD_ERROR
    set_table(result.frame, result.info, name, store, is_sample=is_sample)
    set_schema(schema, store)
    return None


def get_load_error(state: State | None = None) -> str | None:
    return _store(state).get(LOAD_ERROR)


def set_load_error(message: str | None, state: State | None = None) -> None:
    _store(state)[LOAD_ERROR] = message


def upload_is_new(signature: tuple, state: State | None = None) -> bool:
    """True the first time an upload with this (file id, name, size) is seen; remembers it."""
    store = _store(state)
    if store.get(UPLOAD_SEEN) == signature:
        return False
    store[UPLOAD_SEEN] = signature
    return True


def forget_upload(state: State | None = None) -> None:
    """The person removed the file from the upload box: forget it (the table stays)."""
    store = _store(state)
    store.pop(UPLOAD_SEEN, None)
    store.pop(LOAD_ERROR, None)


# ------------------------------------------------------------------------------ column editor
def editor_revision(state: State | None = None) -> int:
    return _store(state).get(EDITOR_REVISION, 0)


def bump_editor_revision(state: State | None = None) -> None:
    """Make the column editor start again from the schema (dropping its pending edits)."""
    store = _store(state)
    store[EDITOR_REVISION] = store.get(EDITOR_REVISION, 0) + 1


def pop_columns_error(state: State | None = None) -> str | None:
    return _store(state).pop(COLUMNS_ERROR, None)


def set_columns_error(message: str, state: State | None = None) -> None:
    _store(state)[COLUMNS_ERROR] = message
