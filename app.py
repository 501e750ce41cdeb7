"""Synth Studio: the web app. Run it with `make run` (or `streamlit run app.py`).

This file only sets up the page, the navigation and the sidebar; each step lives in pages/, and
the steps are listed in ui/flow.py.
"""

from __future__ import annotations

import streamlit as st

from synth_core.openmp import wait_briefly

wait_briefly()  # before PyTorch is imported: see synth_core/openmp.py

from ui import flow, state, training  # noqa: E402
from ui.text import plain  # noqa: E402

st.set_page_config(page_title="Synth Studio", page_icon="✨", layout="wide")

page = st.navigation(flow.navigation())

with st.sidebar:
    st.markdown("### Synth Studio")
    st.caption("A realistic synthetic copy of your private table.")
    where = st.container()

page.run()

with where:
    table, schema = state.get_table(), state.get_schema()
    if table is None:
        st.caption("No table yet")
    else:
        st.markdown(f"**{plain(table.name)}**")
        st.caption(f"{table.rows:,} rows · {table.columns:,} columns")
        if schema is not None:
            st.caption(f"{len(schema.included):,} of {len(schema.columns):,} columns learned")
    training.sidebar_status()
