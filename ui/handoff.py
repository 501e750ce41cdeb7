"""The Download page's handoff bundle: the rows on offer, their report when they were scored,
a manifest and a README, in one zip (``synth_core.handoff``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from synth_core.handoff.bundle import bundle_of_rows
from synth_core.handoff.generation import Generation
from ui import results, state
from ui.state import LoadedTable

if TYPE_CHECKING:
    from synth_core.jobs import TrainingJob

HELP = (
    "One zip to hand over: the synthetic rows (CSV and Excel), the report, a manifest of how "
    "they were made (settings, seed, filters, scores, checksums; no real value) and a README "
    "for the recipient. Never your real rows; the model file only if you add it."
)
MODEL_CHOICE = (
    "Add the model file (it can remember rare details of your rows: only for people who may "
    "see your original table)"
)


def generation_of(made: results.Generated) -> Generation:
    """How ``made`` was asked for and filtered, as the manifest records it."""
    return Generation(
        requested=made.requested,
        rows=made.rows,
        seed=made.seed,
        conditions=dict([made.condition]) if made.condition is not None else {},
        copies_removed=made.copies_removed,
        common_copies_kept=made.common_copies_kept,
        near_copies_removed=made.near_copies_removed if made.near_copy_rule else None,
        near_copy_rule=made.near_copy_rule,
        same_as_sample=made.near_copy_rule is None,
    )


def bundle_bytes(
    job: TrainingJob,
    made: results.Generated,
    table: LoadedTable,
    include_model: bool,
    done: results.Scored | None,
) -> bytes:
    """The zip of ``made``; with its report when ``done`` scored these very rows. Everything
    is passed in: the download runs it on a click, outside the page's run."""
    evaluation = done.evaluation if done is not None and done.generated is made else None
    settings = {"Table": table.name, "Rows in the table": table.rows}
    training = job.snapshot().progress
    return bundle_of_rows(
        job.result, made.frame, generation_of(made), evaluation, include_model, settings, training
    )


def bundle_button(job: TrainingJob, made: results.Generated, table: LoadedTable) -> None:
    """The "Handoff bundle" download, with the choice to add the model file."""
    left, right = st.columns([1, 3])
    include_model = right.checkbox(MODEL_CHOICE, key=state.HANDOFF_MODEL_WIDGET)
    done = results.scores(job)
    left.download_button(
        "Handoff bundle (.zip)",
        data=lambda: bundle_bytes(job, made, table, include_model, done),
        file_name=f"{results.file_stem(table)}_handoff.zip",
        mime="application/zip",
        icon=":material/inventory_2:",
        on_click="ignore",
        key="download_handoff",
        help=HELP,
        width="stretch",
    )
    if done is None or done.generated is not made:
        right.caption(
            "The bundle holds the report once these rows are scored (Score and build the "
            "report, or the Compare page); rows for one chosen value are not scored."
        )
