"""How a score and its verdict are drawn: the same card on the Compare and Download pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from synth_core.evaluation.validity import Validity
from synth_core.evaluation.verdicts import Verdict
from synth_core.rules import share_words
from ui.text import plain

#: Verdict level -> (badge colour, icon). Streamlit's badge colours.
LEVEL_STYLE: dict[str, tuple[str, str]] = {
    "excellent": ("green", ":material/verified:"),
    "good": ("blue", ":material/thumb_up:"),
    "fair": ("orange", ":material/warning:"),
    "poor": ("red", ":material/error:"),
}


#: SDMetrics' metric names, as the score tables say them.
METRIC_WORDS = {
    "KSComplement": "shape of the numbers",
    "TVComplement": "shares of the categories",
    "CorrelationSimilarity": "correlation",
    "ContingencySimilarity": "categories found together",
}
NOT_SCORED = "–"
NOT_SCORED_NOTE = (
    f"{NOT_SCORED}: not scored, because the two columns are hardly related in your table, so "
    "there is no relation to keep."
)


def score_table(details: pd.DataFrame) -> pd.DataFrame:
    """SDMetrics' details of column shapes or pairs, in plain words: each metric named for what
    it compares, scores and correlations in per cent and hundredths, worst first; a score
    SDMetrics left out shown as ``NOT_SCORED``."""
    shown = details.sort_values("Score", na_position="last").copy()
    shown["Metric"] = shown["Metric"].map(lambda name: METRIC_WORDS.get(name, name))
    shown = shown.rename(columns={"Metric": "Compared", "Score": "Score (%)"})
    shown["Score (%)"] = [_number(v * 100, 1) for v in shown["Score (%)"]]
    for name in ("Real Correlation", "Synthetic Correlation"):
        if name in shown:
            shown[name] = [_number(v, 2) for v in shown[name]]
    return shown


def _number(value: float, decimals: int) -> str:
    return NOT_SCORED if pd.isna(value) else f"{value:.{decimals}f}"


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
            st.caption(plain(verdict.sentence))


def worst_first(names: list[str], shapes: pd.DataFrame) -> list[str]:
    """``names`` ordered by how unlike the real column each synthetic column is (the lowest
    shape score first): the first chart shown is the one that says the most."""
    if shapes.empty or "Column" not in shapes or "Score" not in shapes:
        return names
    scores = dict(zip(shapes["Column"], shapes["Score"], strict=True))
    return sorted(names, key=lambda name: scores.get(name, float("inf")))


def validity_panel(validity: Validity | None, private: bool = False) -> None:
    """Each business rule with the share of real and synthetic rows that obey it, and the basic
    checks (numbers in the real range, known categories, dates in the real format); ``private``:
    the model was trained with differential privacy, which uses no rule."""
    if validity is None:
        st.caption("Not measured.")
        return
    st.markdown("**Business rules**: the share of real and of synthetic rows that obey each.")
    if validity.rules:
        rules = pd.DataFrame(
            {
                "Rule": [check.words for check in validity.rules],
                "Real rows": [share_words(check.real) for check in validity.rules],
                "Synthetic rows": [share_words(check.synthetic) for check in validity.rules],
            }
        )
        st.dataframe(rules, hide_index=True, key="validity_rules")
    else:
        st.caption(
            "No business rule was used: a model trained with differential privacy uses none."
            if private
            else "No business rule was kept: choose rules on the Columns page."
        )
    st.markdown("**Basic checks**")
    basics = pd.DataFrame(
        {
            "Check": [check.name for check in validity.basics],
            "Synthetic values that pass": [share_words(check.share) for check in validity.basics],
            "Fewest pass in": [check.worst or "–" for check in validity.basics],
        }
    )
    st.dataframe(basics, hide_index=True, key="validity_basics")
