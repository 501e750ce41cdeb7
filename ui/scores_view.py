"""How a score and its verdict are drawn: the same card on the Compare and Download pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from synth_core.evaluation.verdicts import Verdict

#: Verdict level -> (badge colour, icon). Streamlit's badge colours.
LEVEL_STYLE: dict[str, tuple[str, str]] = {
    "excellent": ("green", ":material/verified:"),
    "good": ("blue", ":material/thumb_up:"),
    "fair": ("orange", ":material/warning:"),
    "poor": ("red", ":material/error:"),
}


def verdict_badge(verdict: Verdict) -> None:
    """A coloured badge with the verdict's level, such as "Good"."""
    colour, icon = LEVEL_STYLE.get(verdict.level, ("gray", ":material/help:"))
    st.badge(verdict.level.capitalize(), color=colour, icon=icon)


def score_card(label: str, value: str, verdict: Verdict | None, help: str | None = None) -> None:
    """A bordered card: the score's name and value, its verdict, and the verdict's sentence."""
    with st.container(border=True):
        st.metric(label, value, help=help)
        if verdict is not None:
            verdict_badge(verdict)
            st.caption(verdict.sentence)


def worst_first(names: list[str], shapes: pd.DataFrame) -> list[str]:
    """``names`` ordered by how unlike the real column each synthetic column is (the lowest
    shape score first): the first chart shown is the one that says the most."""
    if shapes.empty or "Column" not in shapes or "Score" not in shapes:
        return names
    scores = dict(zip(shapes["Column"], shapes["Score"], strict=True))
    return sorted(names, key=lambda name: scores.get(name, float("inf")))
