"""Step 2: check what each column holds and choose the columns the model learns."""

from __future__ import annotations

import streamlit as st

from synth_core.evaluation.targets import default_target
from synth_core.rules import derived_columns
from ui import columns_table as table_view
from ui import flow, rules, state
from ui.text import plain

NO_TARGET = "None: skip the usefulness test"
NO_TARGET_PROMPT = (
    "No column looks like one to predict (a label filled in most rows, such as income, churn "
    "or a product category). Pick the outcome you care about to test how useful the synthetic "
    "copy is for predicting it, or leave this: every other score works without it."
)

st.title("Choose columns")
st.write(
    "Check what each column holds and tick the columns the model should learn; "
    "the others are left out of the synthetic copy."
)

table = state.get_table()
schema = state.get_schema()


def add_rule_form() -> None:
    """A rule picked from lists: its kind, then its columns (no formula to type)."""
    kind = st.selectbox(
        "Kind of rule", list(rules.ADDABLE), format_func=rules.ADDABLE.get,
        key=state.RULE_KIND_WIDGET,
    )  # fmt: skip
    names = schema.included_names
    cells = st.columns(len(rules.columns_needed(kind)))
    picked = [
        cell.selectbox(what.capitalize(), names, key=f"{state.RULE_COLUMN_WIDGET_PREFIX}{i}")
        for i, (cell, what) in enumerate(zip(cells, rules.columns_needed(kind), strict=True))
    ]
    operator = "+"
    if kind == "arithmetic":
        operator = st.selectbox(
            "The result is their", list(rules.OPERATOR_WORDS),
            format_func=rules.OPERATOR_WORDS.get, key=state.RULE_OPERATOR_WIDGET,
        )  # fmt: skip
    if st.button("Add the rule", key=state.ADD_RULE_BUTTON, icon=":material/add:"):
        problem = rules.add(table, schema, kind, picked, operator)
        if problem is not None:
            st.error(plain(problem), icon=":material/error:")
        else:
            st.rerun()


if table is None or schema is None:
    flow.point_back(
        "There is no table yet. Upload your table, or try the sample data, "
        "and its columns will appear here.",
        flow.UPLOAD,
    )
else:
    st.caption(
        f"{plain(table.name)}: {table.rows:,} rows, {table.columns:,} columns. "
        "Columns that identify people, free text and empty or constant columns are left out "
        "at first; you can change any choice."
    )
    if message := state.pop_columns_error():
        st.error(plain(message))

    shown = table_view.editor_frame(schema)
    # The editor keeps the person's edits until the revision changes (bump_editor_revision).
    shown.index.name = f"revision {state.editor_revision()}"
    edited = st.data_editor(
        shown,
        key=state.COLUMNS_EDITOR,
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        disabled=list(table_view.READ_ONLY),
        column_config={
            table_view.INCLUDE: st.column_config.CheckboxColumn(
                "Include", help="Tick to let the model learn this column.", width="small"
            ),
            table_view.COLUMN: st.column_config.TextColumn("Column", pinned=True),
            table_view.KIND: st.column_config.SelectboxColumn(
                "Kind",
                help="What the column holds. Change it if the guess is wrong.",
                options=table_view.KIND_OPTIONS,
                format_func=table_view.kind_label,
                required=True,
            ),
            table_view.WHY: st.column_config.TextColumn(
                "Why", help="Why the column was given this kind.", width="large"
            ),
            table_view.MISSING: st.column_config.NumberColumn(
                "Missing (%)", help="Share of empty cells.", format="%.1f %%"
            ),
            table_view.DISTINCT: st.column_config.NumberColumn(
                "Distinct", help="How many different values the column has.", format="%d"
            ),
        },
    )

    changed, problem = table_view.apply_edits(schema, edited, table.frame)
    if problem is not None:
        # Keep the schema as it was and show the table as it really is, with the message.
        state.set_columns_error(problem)
        state.bump_editor_revision()
        st.rerun()
    if changed != schema:
        state.set_schema(changed)
        schema = changed
        if not table_view.shows_schema(edited, schema):
            # The change moved another cell (a new kind has its own default for Include).
            state.bump_editor_revision()
            st.rerun()

    st.markdown(f"**{table_view.learned_summary(schema)}**")
    if schema.included:
        st.caption(table_view.size_and_time(schema, table.rows))
    # Filled after the choices below, which may change what the warnings say.
    warnings_shown = st.container()

    if replaceable := table_view.replaceable(schema):
        st.markdown("**Columns the model does not learn, in the synthetic copy**")
        st.caption(table_view.TREATMENT_HELP)
        cells = st.columns(3)
        for position, info in enumerate(replaceable):
            options = list(table_view.treatment_options(info))
            choice = cells[position % 3].selectbox(
                plain(info.name),
                options,
                index=options.index(info.treatment),
                format_func=table_view.treatment_label,
                key=f"{state.TREATMENT_WIDGET_PREFIX}{info.name}",
            )
            if choice != info.treatment:
                schema = schema.with_changes(info.name, treatment=choice)
                state.set_schema(schema)
    for note in table_view.warnings(schema):
        warnings_shown.warning(plain(note), icon=":material/warning:")

    if found := rules.proposed(table, schema):
        st.markdown("**Business rules**")
        st.caption(rules.EXPLAINED)
        for rule in found:
            words = rule.describe(schema)
            keep = st.checkbox(
                plain(rules.label(rule, schema)),
                value=rules.is_kept(rule, schema),
                key=f"{state.RULE_WIDGET_PREFIX}{words}",
            )
            state.set_rule_kept(words, keep)
    if schema.included:
        with st.expander("Add a rule"):
            add_rule_form()

    options = schema.included_names
    if not options:
        st.warning(
            "No column is included, so there is nothing to learn. Tick Include for at least "
            "one column.",
            icon=":material/warning:",
        )
        state.set_target(None)
    else:
        offered = default_target(schema, derived_columns(rules.kept(table, schema)))
        st.session_state[state.TARGET_WIDGET] = state.target_choice(options, offered)
        target = st.selectbox(
            "Column to predict",
            [None, *options],
            key=state.TARGET_WIDGET,
            format_func=lambda name: NO_TARGET if name is None else name,
            help=(
                "Later, Synth Studio checks how useful the synthetic copy is by training a "
                "simple predictor of this column on it and testing that on your real rows."
            ),
        )
        state.set_target(target)
        if target is None:
            st.info(NO_TARGET_PROMPT, icon=":material/info:")
        else:
            st.caption("Usually the outcome you care about, such as income or churn.")

    following = flow.next_step(flow.COLUMNS)
    if following is None:
        st.caption("Next step: train a model on the columns you chose.")
    elif options:
        st.page_link(
            following.path, label=f"Next: {following.invite}", icon=":material/arrow_forward:"
        )
