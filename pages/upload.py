"""Step 1: load the table to copy, from a file or the bundled sample."""

from __future__ import annotations

import streamlit as st

from synth_core.tables.datasets import DEMO_DESCRIPTION
from ui import flow, reading, state
from ui.text import plain

PREVIEW_ROWS = 50
LIMIT_MB = st.get_option("server.maxUploadSize")

st.title("Upload a table")
st.write(
    "Pick the table you want a synthetic copy of: one row per person or record, "
    "with the column names in the first row."
)

uploaded = st.file_uploader(
    "Your table",
    type=["csv", "tsv", "txt", "xlsx", "parquet", "gz"],
    key=state.UPLOAD_WIDGET,
    help=(
        "A CSV or TSV text file, an Excel workbook (.xlsx; the first sheet is read) or a "
        "Parquet file. "
        "A file compressed as .gz works too. Separators, text encoding and decimal commas "
        "are recognised by themselves."
    ),
)
st.caption(
    f"Files up to {LIMIT_MB} MB. Your table stays in this browser session's memory only: "
    "it is never saved or logged, and it is gone when you close the tab."
)

stopped = False  # reading the file in the upload box was stopped: nothing of it is loaded
if uploaded is None:
    state.forget_upload()
elif state.upload_is_new(reading.signature(uploaded)):
    reading.read_on_screen(uploaded)
elif state.reading_stopped(reading.signature(uploaded)):
    stopped = reading.offer_to_read_again(uploaded)

st.write("No table at hand?")
if st.button("Try it with sample data", key=state.SAMPLE_BUTTON, icon=":material/science:"):
    with st.spinner("Loading the sample table…"):
        state.set_load_error(state.load_sample())
st.caption(DEMO_DESCRIPTION)

error = state.get_load_error()
table = state.get_table()

if error:
    st.error(plain(error))
    if table is not None:
        st.caption(
            f"Your table {plain(table.name)} is still loaded; nothing you did before is lost."
        )

if table is not None:
    st.divider()
    if not error and not stopped:
        what = "The sample table" if table.is_sample else plain(table.name)
        st.success(f"{what} is loaded and ready.", icon=":material/check_circle:")
    rows, columns, _ = st.columns([1, 1, 3])
    rows.metric("Rows", f"{table.rows:,}")
    columns.metric("Columns", f"{table.columns:,}")
    if table.info.notes and not table.is_sample:
        st.markdown(
            "**How the file was read**\n\n"
            + "\n".join(f"- {plain(note)}" for note in table.info.notes)
        )
    st.subheader("Preview")
    shown = min(PREVIEW_ROWS, table.rows)
    st.caption(f"The first {shown:,} of {table.rows:,} rows, as they were read.")
    st.dataframe(table.frame.head(PREVIEW_ROWS), hide_index=True)
    following = flow.next_step(flow.UPLOAD)
    if following is not None:
        st.page_link(
            following.path, label=f"Next: {following.invite}", icon=":material/arrow_forward:"
        )
