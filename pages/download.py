"""Step 5: generate as many synthetic rows as needed and download them, the report, the model
and the handoff bundle."""

from __future__ import annotations

import streamlit as st

from synth_core.errors import SynthError
from synth_core.tables import to_csv_bytes, to_xlsx_bytes
from ui import flow, handoff, results, state
from ui.stoppable import progress_with_stop
from ui.text import plain

MODEL_WARNING = (
    "Makes more rows later with the command line: python -m synth_core sample MODEL.synth "
    "--rows N. A model file can remember rare details of the rows it learned from: share it "
    "only with people who may see your original table."
)

st.title("Download")
st.write(
    "Generate as many synthetic rows as you need, then download them, the report and the model."
)

table, job = state.get_table(), state.get_job()


def request(synth) -> tuple[int, tuple | None, int]:
    """The generation settings: (rows, ((column, value), ...) or None, seed)."""
    state.keep_widgets(state.DOWNLOAD_WIDGETS)
    session = st.session_state
    if state.ROWS_WIDGET not in session:
        session[state.ROWS_WIDGET] = min(table.rows, results.MAX_ROWS)
    if state.GENERATE_SEED_WIDGET not in session:
        session[state.GENERATE_SEED_WIDGET] = synth.config_.seed
    left, right = st.columns(2)
    rows = left.number_input(
        "Rows to generate",
        min_value=1,
        max_value=results.MAX_ROWS,
        step=1000,
        key=state.ROWS_WIDGET,
        help=f"As many as your table has by default. Up to {results.MAX_ROWS:,} here; the "
        "command line (python -m synth_core sample) makes any number.",
    )
    seed = right.number_input(
        "Seed",
        min_value=0,
        step=1,
        key=state.GENERATE_SEED_WIDGET,
        help="The same seed gives the same rows again.",
    )
    condition = None
    columns = results.condition_columns(synth)
    if not columns:
        st.caption(
            "Rows can be asked for by value (such as only high earners) in a column of "
            "categories or yes/no values, and this model learnt none."
        )
    elif st.toggle("Only rows with chosen values", key=state.CONDITION_ON_WIDGET):
        first = where(synth, columns, state.WHERE_COLUMN_WIDGET, state.WHERE_VALUE_WIDGET)
        others = [NO_SECOND, *(c for c in columns if c != first[0])]
        second = where(synth, others, state.WHERE_COLUMN_2_WIDGET, state.WHERE_VALUE_2_WIDGET)
        condition = (first,) if second is None else (first, second)
    return int(rows), condition, int(seed)


NO_SECOND = "(no second condition)"


def where(synth, columns: list[str], column_key: str, value_key: str) -> tuple | None:
    """A column and one of its values, chosen side by side; None for ``NO_SECOND``."""
    session = st.session_state
    left, right = st.columns(2)
    if session.get(column_key) not in columns:
        session[column_key] = columns[0]
    column = left.selectbox("Column", columns, key=column_key)
    if column == NO_SECOND:
        return None
    values = synth.condition_values(column)
    if session.get(value_key) not in values:
        session[value_key] = values[0]
    return column, right.selectbox("Value", values, key=value_key)


def describe(made: results.Generated) -> str:
    words = f"**{made.rows:,} synthetic rows** ready"
    if made.condition is not None:
        words += ", all with " + " and ".join(f"{plain(c)} = {plain(v)}" for c, v in made.condition)
    return (
        words
        + ". Filters: "
        + plain(results.filters_sentence(made))
        + plain(results.rules_sentence(made))
    )


def downloads(made: results.Generated) -> None:
    stem = results.file_stem(table)
    frame = made.frame
    synth = job.result
    written = synth.schema_.written_as  # separators, decimals and money as the real file
    csv, excel, model, report = st.columns(4)
    csv.download_button(
        "Synthetic rows (CSV)",
        data=lambda: to_csv_bytes(frame, written),
        file_name=f"{stem}_synthetic.csv",
        mime="text/csv",
        icon=":material/table:",
        type="primary",
        on_click="ignore",
        key="download_csv",
        width="stretch",
    )
    too_long = made.rows > results.EXCEL_MAX_ROWS
    excel.download_button(
        "Synthetic rows (Excel)",
        data=lambda: to_xlsx_bytes(frame, written),
        file_name=f"{stem}_synthetic.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/grid_on:",
        on_click="ignore",
        key="download_xlsx",
        disabled=too_long,
        help="An Excel sheet holds at most 1,048,575 rows: use CSV." if too_long else None,
        width="stretch",
    )
    model.download_button(
        "Model file (.synth)",
        data=synth.to_bytes,
        file_name=f"{stem}.synth",
        mime="application/octet-stream",
        icon=":material/deployed_code:",
        on_click="ignore",
        key="download_model",
        help=MODEL_WARNING,
        width="stretch",
    )
    with report:
        report_button()
    handoff.bundle_button(job, made, table)
    st.caption(
        "Cells that a spreadsheet would run as a formula (starting with =, +, - or @) are "
        "written with a leading apostrophe, so that opening the file runs nothing. " + MODEL_WARNING
    )


def report_button() -> None:
    if state.trained_on_other_data() == "table":
        st.button("Report (HTML)", key=state.EVALUATE_BUTTON, disabled=True, width="stretch")
        return
    done = results.scores(job)
    if done is None:
        clicked = st.button(
            "Score and build the report",
            key=state.EVALUATE_BUTTON,
            icon=":material/analytics:",
            width="stretch",
            help="Scores the rows against yours (up to half a minute), as on the Compare page.",
        )
        if clicked and results.score_on_screen(job, table) is not None:
            st.rerun()
        return
    current, now = done, job
    st.download_button(
        "Report (HTML)",
        data=lambda: results.report(current, now, table).encode("utf-8"),
        file_name=f"{results.file_stem(table)}_report.html",
        mime="text/html",
        icon=":material/description:",
        on_click="ignore",
        key="download_report",
        width="stretch",
        help="Every score and chart of the Compare page in one file that opens offline.",
    )


def generate_on_screen(rows: int, condition, seed: int) -> results.Generated:
    """Generate with a progress bar and a Stop button (``ui.stoppable``): the bar moves after
    every chunk of rows; the GENERATING flag left set tells the next run that this one was cut
    short."""
    with progress_with_stop(
        f"Generating {rows:,} rows…",
        stop_key=state.STOP_GENERATING_BUTTON,
        running=state.GENERATING,
    ) as show:

        def on_rows(made: int) -> None:
            show(made / rows, f"{made:,} of {rows:,} rows made…")

        return results.generate(job, rows, condition, seed, on_rows=on_rows)


def generate_step() -> None:
    synth = job.result
    rows, condition, seed = request(synth)
    made = results.generated(job)
    asked = (rows, condition, seed)
    fresh = made is not None and (made.requested, made.condition, made.seed) == asked
    if st.session_state.pop(state.GENERATING, False):
        st.info(
            "Generation stopped before it finished; nothing from it was kept.",
            icon=":material/stop_circle:",
        )
    if st.button(
        "Generate again" if fresh else "Generate rows",
        key=state.GENERATE_BUTTON,
        type="secondary" if fresh else "primary",
        icon=":material/auto_awesome:",
    ):
        try:
            made, fresh = generate_on_screen(rows, condition, seed), True
        except SynthError as error:
            st.error(plain(error), icon=":material/error:")
    if made is None:
        st.caption("Choose how many rows you want, then press Generate rows.")
        return
    if not fresh:
        st.caption(
            "The rows below were made with other settings: press Generate rows to use the "
            "settings above."
        )
    st.markdown(describe(made))
    st.dataframe(made.frame.head(20), hide_index=True)
    downloads(made)


if results.ready_or_point_back(table, job, "to generate rows"):
    changed = state.trained_on_other_data()
    if changed == "table":
        # Its rows would carry the new table's file name, and the near-copy filter needs the
        # real rows the model learned from, which are gone.
        flow.point_back(
            "The model was trained on a table loaded earlier. Train a model on the table loaded "
            "now to generate its rows.",
            flow.TRAIN,
        )
    else:
        if changed == "columns":
            flow.other_columns_note(generating=True)
        generate_step()
