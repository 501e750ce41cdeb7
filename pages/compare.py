"""Step 4: how alike, how useful and how private the synthetic table is."""

from __future__ import annotations

import math

import streamlit as st

from synth_core.reporting.plots import association_figures, marginal_figure, utility_figure
from synth_core.wording import percent
from ui import flow, results, state
from ui.scores_view import (
    NOT_SCORED_NOTE,
    score_card,
    score_table,
    validity_panel,
    worst_first,
)
from ui.text import plain

CORRELATIONS_EXPLAINED = (
    "Each square shows how strongly two columns move together: 0 not at all, 1 or −1 "
    "completely (−1: one goes down as the other goes up; pairs with categories run from 0 to "
    "1). "
    "The left map is your table, the middle one the synthetic table; the right one shows where "
    "they differ. A pale right map means the relationships between columns were kept."
)
PRIVACY_EXPLAINED = (
    "No formal guarantee: this model was not trained with differential privacy, so these "
    "figures are measurements on this table, not a promise. Check the closest pairs below "
    "before you share the rows."
)

st.title("Compare")
st.write(
    "How closely the synthetic rows match yours, how useful they are for analysis, and how "
    "private they are."
)

table, job = state.get_table(), state.get_job()


def summary(done: results.Scored) -> None:
    evaluation, verdicts = done.evaluation, done.evaluation.verdicts
    quality, utility, privacy = evaluation.quality, evaluation.ml_utility, evaluation.privacy
    cards = st.columns(4)
    with cards[0]:
        score_card(
            "Overall quality",
            percent(quality.quality, 0),
            verdicts.get("quality"),
            help="SDMetrics' Quality Report: how alike the columns and their pairs are.",
        )
    with cards[1]:
        if utility is None:
            score_card("Usefulness", "–", None)
            st.caption("Pick a column to predict on the Columns page to see this score.")
        else:
            score_card(
                "Usefulness",
                f"{utility.synthetic:.2f} vs {utility.real:.2f}",
                verdicts.get("ml_utility"),
                help=f"{utility.metric} predicting '{plain(utility.target)}' on real rows the "
                "model never saw: a model trained on synthetic rows against one trained on real "
                "rows.",
            )
    with cards[2]:
        score_card(
            "Privacy",
            f"{privacy.exact_copies:,} {'copy' if privacy.exact_copies == 1 else 'copies'}",
            verdicts.get("privacy"),
            help="Synthetic rows identical to a rare real row, and (on the Privacy tab) how "
            "close the synthetic rows are to the rows the model learned from compared with "
            "rows it never saw: the verdict is the weakest of these.",
        )
    with cards[3]:
        score_card(
            "Validity",
            percent(evaluation.diagnostic.score, 0),
            verdicts.get("diagnostic"),
            help="SDMetrics' Diagnostic Report: values in valid ranges and the same columns.",
        )


def columns_tab(done: results.Scored) -> None:
    evaluation = done.evaluation
    names = worst_first(list(evaluation.marginals), evaluation.column_shapes_details)
    if not names:
        st.caption("No column to compare.")
        return
    if st.session_state.get(state.MARGINAL_WIDGET) not in names:
        st.session_state[state.MARGINAL_WIDGET] = names[0]
    name = st.selectbox("Column", names, key=state.MARGINAL_WIDGET)
    st.plotly_chart(marginal_figure(evaluation.marginals[name]), key="marginal_chart")
    calendar = evaluation.calendars.get(name, [])
    if calendar:
        st.caption("The same dates in the calendar, as shares of rows.")
        # Months and weekdays side by side; the 24 hours of a day get the whole width.
        pairs, rest = calendar[:2], calendar[2:]
        for i, (spot, view) in enumerate(zip(st.columns(len(pairs)), pairs, strict=True)):
            spot.plotly_chart(marginal_figure(view), key=f"calendar_chart_{i}")
        for i, view in enumerate(rest, start=len(pairs)):
            st.plotly_chart(marginal_figure(view), key=f"calendar_chart_{i}")
    details = evaluation.column_shapes_details
    if len(details):
        st.caption("How alike each column is (100 % is identical), worst first.")
        st.dataframe(score_table(details), hide_index=True)


def correlations_tab(done: results.Scored) -> None:
    real, synthetic, difference = association_figures(done.evaluation.associations)
    figures = {"real": real, "synthetic": synthetic, "difference": difference}
    for column, (key, figure) in zip(st.columns(3), figures.items(), strict=True):
        column.plotly_chart(figure, key=f"associations_{key}")
    st.caption(CORRELATIONS_EXPLAINED)


def usefulness_tab(done: results.Scored) -> None:
    utility = done.evaluation.ml_utility
    if utility is None:
        flow.point_back(
            "Pick the column you would like to predict (such as a label) on the Columns page: "
            "this score trains a model on synthetic rows and tests it on real ones.",
            flow.COLUMNS,
        )
        return
    st.plotly_chart(utility_figure(utility), key="utility_chart")
    verdict = done.evaluation.verdicts.get("ml_utility")
    if verdict is not None:
        st.write(plain(verdict.sentence))
    st.caption(
        f"Tested on {utility.test_rows:,} real rows that were kept aside when training started: "
        "the model never saw them."
    )


def privacy_tab(done: results.Scored) -> None:
    privacy = done.evaluation.privacy
    facts = results.privacy_facts(job, done.generated)
    if getattr(job.result, "privacy_", None) is None:
        st.info(PRIVACY_EXPLAINED, icon=":material/shield:")
    else:
        st.success(plain(facts["Differential privacy"]), icon=":material/verified_user:")
    for label in ("Filters", "Personal data and identifiers"):
        if label in facts:
            st.caption(f"**{label}**: {plain(facts[label])}")
    left, middle, right = st.columns(3)
    left.metric(
        "Copies of rare real rows",
        f"{privacy.exact_copies:,}",
        help=f"Synthetic rows identical to a row of your table that fewer than "
        f"{privacy.rare_below} real rows share. Another {privacy.common_copies:,} rows equal "
        f"common combinations (shared by ≥ {privacy.rare_below} real rows): they single no one "
        "out and are kept.",
    )
    middle.metric(
        "Closer to training rows",
        percent(privacy.dcr_share, 0),
        help="About 50 % is ideal: synthetic rows are no closer to the rows the model learned "
        "from than to real rows it never saw.",
    )
    right.metric(
        "Nearest-neighbour ratio",
        "–" if privacy.nndr is None else f"{privacy.nndr:.2f}",
        help="Distance to the closest real row divided by the distance to the second closest "
        "(median). Values near 0 mean synthetic rows sit on top of single real rows.",
    )
    for key in ("exact_copies", "dcr", "nndr"):
        verdict = done.evaluation.verdicts.get(key)
        if verdict is not None:
            st.write(f"**{verdict.title}** — {plain(verdict.sentence)}")
    if privacy.note:
        st.caption(plain(privacy.note))
    if len(privacy.closest_pairs):
        st.markdown("**The synthetic rows closest to a real row**, each beside that real row:")
        st.dataframe(privacy.closest_pairs, hide_index=True)


def realism(evaluation) -> None:
    """Detection, precision and recall: do the synthetic rows pass as real, and cover them?"""
    detection, coverage = evaluation.detection, evaluation.precision_recall
    if detection is None or coverage is None:
        return
    verdicts = evaluation.verdicts
    cards = st.columns(3)
    with cards[0]:
        score_card(
            "Detection (ROC AUC)",
            "–" if math.isnan(detection.auc) else f"{detection.auc:.2f}",
            verdicts.get("detection"),
            help="A classifier learns to tell your rows from synthetic ones. 0.5: it cannot "
            "tell them apart (ideal); 1.0: it always can.",
        )
    with cards[1]:
        score_card(
            "Precision",
            percent(coverage.precision, 0),
            verdicts.get("precision"),
            help="Share of synthetic rows that sit among real rows: are they realistic?",
        )
    with cards[2]:
        score_card(
            "Recall",
            percent(coverage.recall, 0),
            verdicts.get("recall"),
            help="Share of your rows that have synthetic rows around them: is every kind of "
            "row covered? Low recall with high precision means too little variety.",
        )


def validity_tab(done: results.Scored) -> None:
    validity_panel(done.evaluation.validity, private=job.result.config_.dp_epsilon is not None)


def details_tab(done: results.Scored) -> None:
    evaluation = done.evaluation
    realism(evaluation)
    st.markdown("**Column pairs** (how alike the relationship between two columns is)")
    pairs = evaluation.pair_trends_details
    if len(pairs):
        st.dataframe(score_table(pairs), hide_index=True)
        if pairs["Score"].isna().any():
            st.caption(NOT_SCORED_NOTE)
    diagnostic = evaluation.diagnostic
    st.markdown(
        f"**Validity**: data validity {percent(diagnostic.data_validity, 0)}, "
        f"structure {percent(diagnostic.data_structure, 0)}."
    )
    rows = evaluation.rows
    st.caption(
        "Scored on "
        + ", ".join(f"{count:,} {what} rows" for what, count in rows.items() if count)
        + f" in {evaluation.seconds:.1f} s."
    )


def draw(done: results.Scored) -> None:
    summary(done)
    for note in done.evaluation.notes:
        st.caption(plain(note))
    tabs = st.tabs(["Columns", "Correlations", "Usefulness", "Privacy", "Validity", "Details"])
    for tab, part in zip(
        tabs,
        (columns_tab, correlations_tab, usefulness_tab, privacy_tab, validity_tab, details_tab),
        strict=True,
    ):
        with tab:
            part(done)
    following = flow.next_step(flow.COMPARE)
    if following is not None:
        st.page_link(
            following.path, label=f"Next: {following.invite}", icon=":material/arrow_forward:"
        )


if results.ready_or_point_back(table, job, "to compare its rows with yours"):
    if state.trained_on_other_data() == "table":
        flow.point_back(
            "The model was trained on a table loaded earlier. Train a model on the table loaded "
            "now to compare with it.",
            flow.TRAIN,
        )
    else:
        if state.trained_on_other_data() == "columns":
            flow.other_columns_note(generating=False)
        done = results.scores(job)
        if done is None and results.scoring_stopped(job):
            st.info("Scoring was stopped, so there are no scores yet.", icon=":material/stop:")
            if st.button("Score the rows", key=state.SCORE_BUTTON, icon=":material/analytics:"):
                done = results.score_on_screen(job, table)
        elif done is None:
            done = results.score_on_screen(job, table)
        if done is not None:
            draw(done)
