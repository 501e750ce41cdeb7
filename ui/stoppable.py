"""Work done in a page's script run with a progress bar and a Stop button: reading an upload
(Upload), generating rows (Download), scoring them (Compare).

A click anywhere on the page, Stop included, ends a script run at its next screen update, and the
work moves the bar after each of its steps (a block of the file, a chunk of rows, a stage of the
scores): so Stop takes effect within a step. A run ended that way never reaches the code after
the work. So a ``running`` flag, set in the session before the work and cleared after it (also
when the work fails with a message), tells the next run, which finds it still set, that the
work was cut short; or ``on_stop`` is called by the Stop button itself, before the next run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import streamlit as st

#: ``show(fraction, words)``: move the bar to ``fraction`` (0 to 1) with ``words`` beside it.
Show = Callable[[float, str], None]


@contextlib.contextmanager
def progress_with_stop(
    text: str,
    *,
    stop_key: str,
    stop_label: str = "Stop",
    running: str | None = None,
    running_value: object = True,
    on_stop: Callable[[], None] | None = None,
) -> Iterator[Show]:
    """A Stop button above a progress bar that starts with ``text``, both gone when the work
    ends; yields ``show`` for the work to call after each step.

    ``running``: a session key holding ``running_value`` while the work runs, left set when a
    click ends the run (see the module's notes). ``on_stop``: called when Stop is clicked."""
    store = st.session_state
    stop = st.empty()
    stop.button(stop_label, key=stop_key, icon=":material/stop:", on_click=on_stop)
    bar = st.progress(0.0, text=text)

    def show(fraction: float, words: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=words)

    if running is not None:
        store[running] = running_value
    try:
        yield show
        _clear(store, running)
    except Exception:  # a failure the page shows: the work was not cut short
        _clear(store, running)
        raise
    finally:  # also when a click ends the run (Streamlit's exceptions are not Exceptions)
        bar.empty()
        stop.empty()


def _clear(store, running: str | None) -> None:
    if running is not None:
        store.pop(running, None)
