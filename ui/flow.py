"""The steps of the app, in order, in one place.

Adding a step is one line in ``STEPS``; the navigation, the sidebar
and the "Next" links of the pages follow from this list.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Step:
    """One page of the flow: its script (relative to app.py), title, icon, and the words of the
    "Next: ..." link that leads to it from the step before."""

    path: str
    title: str
    icon: str
    invite: str = ""


UPLOAD = "pages/upload.py"
COLUMNS = "pages/columns.py"
TRAIN = "pages/train.py"
COMPARE = "pages/compare.py"
DOWNLOAD = "pages/download.py"
HELP = "pages/help.py"

#: The flow, in order. The first step is the page the app opens on.
STEPS: tuple[Step, ...] = (
    Step(UPLOAD, "Upload", ":material/upload_file:", "upload a table"),
    Step(COLUMNS, "Columns", ":material/view_column:", "choose columns"),
    Step(TRAIN, "Train", ":material/model_training:", "train a model"),
    Step(COMPARE, "Compare", ":material/compare:", "compare with your table"),
    Step(DOWNLOAD, "Download", ":material/download:", "download the synthetic table"),
)

#: Pages outside the flow.
EXTRAS: tuple[Step, ...] = (Step(HELP, "Help", ":material/help:"),)


def navigation() -> dict[str, list]:
    """Sections of ``st.Page`` objects for ``st.navigation``: the steps, then the help."""
    steps = [
        st.Page(step.path, title=step.title, icon=step.icon, default=index == 0)
        for index, step in enumerate(STEPS)
    ]
    extras = [st.Page(step.path, title=step.title, icon=step.icon) for step in EXTRAS]
    return {"Steps": steps, "About": extras}


def next_step(path: str) -> Step | None:
    """The step after ``path`` in the flow, or None when ``path`` is the last one."""
    paths = [step.path for step in STEPS]
    position = paths.index(path)
    return STEPS[position + 1] if position + 1 < len(STEPS) else None


def point_back(message: str, path: str) -> None:
    """Say why a step cannot be done yet, and link to the step that fixes it."""
    step = next(step for step in STEPS if step.path == path)
    st.info(message, icon=":material/info:")
    st.page_link(step.path, label=f"Go to {step.title}", icon=step.icon)


def other_columns_note(generating: bool) -> None:
    """Say that the model follows the columns chosen when it started training, not today's."""
    what = "generates rows" if generating else "made these rows"
    st.warning(
        f"The columns chosen on the Columns page changed after this model started training, "
        f"and it {what} with the earlier choice: a column left out now, or filled in "
        "another way, may still come out as it was then. Train again to use the columns "
        "chosen now.",
        icon=":material/warning:",
    )
