"""The Upload step's reading: a file read with a progress bar and a Stop button, and what the
page says when a read was stopped.

The bar moves after every block of the file, column made and column whose kind is decided, so
Stop ends the read within a step (``ui.stoppable``). A stopped read loads nothing: the table,
column choices and model from before stay, and the file is read again only when asked.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from synth_core.tables.progress import COLUMNS, READING, ReadProgress
from synth_core.wording import human_bytes
from ui import state
from ui.stoppable import progress_with_stop
from ui.text import plain

#: Deciding the kind of each column, after the read (``infer_schema``).
KINDS = "kinds"
#: The stretch of the bar each stage of loading fills.
_BAR = {READING: (0.0, 0.5), COLUMNS: (0.5, 0.6), KINDS: (0.6, 1.0)}


def signature(uploaded: UploadedFile) -> tuple:
    """What tells one upload from another: (file id, name, size)."""
    return uploaded.file_id, uploaded.name, uploaded.size


def read_on_screen(uploaded: UploadedFile) -> None:
    """Read the upload into the session's table, with a progress bar and a Stop button; a
    failure is kept as the page's message, a stop leaves the ``state.READING`` flag set."""
    name = plain(uploaded.name)
    state.set_load_error(None)
    with progress_with_stop(
        f"Reading {name}…",
        stop_key=state.STOP_READING_BUTTON,
        running=state.READING,
        running_value=signature(uploaded),
    ) as show:

        def on_progress(progress: ReadProgress) -> None:
            show(*bar_position(progress, name))

        def on_column(done: int, total: int) -> None:
            on_progress(ReadProgress(KINDS, done, total, "columns"))

        error = state.load_upload(
            uploaded.name, uploaded.getvalue(), on_progress=on_progress, on_column=on_column
        )
    state.set_load_error(error)


def bar_position(progress: ReadProgress, name: str) -> tuple[float, str]:
    """Where the bar stands (0 to 1) and what it says, for one step of loading ``name``."""
    start, end = _BAR[progress.stage]
    position = start + (end - start) * (progress.fraction or 0.0)
    done, total = progress.done, progress.total
    if progress.stage == KINDS:
        return position, f"Finding what each column holds: {done:,} of {total:,} columns…"
    if progress.stage == COLUMNS:
        return position, f"Reading the values of each column ({done:,} of {total:,} steps)…"
    if progress.unit == "bytes":
        return position, f"Reading {name}: {human_bytes(done)} of {human_bytes(total)}…"
    if total is None:
        return position, f"Reading {name}: {done:,} rows so far…"
    return position, f"Reading {name}: {done:,} of {total:,} rows…"


def offer_to_read_again(uploaded: UploadedFile) -> bool:
    """Say that reading this upload was stopped, with a button that reads it again; True
    while it stays unread (False once read again)."""
    name = plain(uploaded.name)
    note = st.empty()
    with note.container():
        st.info(
            f"Reading {name} was stopped, so nothing from it was loaded.",
            icon=":material/stop_circle:",
        )
        table = state.get_table()
        if table is not None:
            st.caption(
                f"Your table {plain(table.name)} is still loaded; nothing you did before is lost."
            )
        clicked = st.button(
            f"Read {name} again", key=state.READ_AGAIN_BUTTON, icon=":material/refresh:"
        )
    if not clicked:
        return True
    note.empty()
    read_on_screen(uploaded)
    return False
