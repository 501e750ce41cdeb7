"""Reading an upload with a progress bar and a Stop button (``ui.reading``), through AppTest.

AppTest cannot click while a script runs, so a read is cut short the way a click cuts it: the run
ends at a screen update during the read (``st.stop()`` from the progress callback raises the same
kind of exception as the rerun a click asks for).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from synth_core.tables import ReadProgress, read_table
from synth_core.tables.datasets import DEMO_NAME
from synth_core.tables.progress import COLUMNS, READING
from tests.app.steps import tiny_settings, train_to_the_end
from tests.helpers import make_mixed_frame
from ui import reading, state
from ui.text import plain

STOPPED = "Reading shop.csv was stopped, so nothing from it was loaded."


def texts(elements) -> list[str]:
    return [element.value for element in elements]


class Reads:
    """``state.read_table`` counted, and cut short like a click on Stop while ``cut`` is set."""

    def __init__(self) -> None:
        self.calls = 0
        self.cut = True

    def __call__(self, data, *, filename, on_progress):
        self.calls += 1
        if self.cut:
            on_progress(ReadProgress(READING, 4_096, 10_000, "bytes"))
            st.stop()  # the run ends at this screen update, as after a click
        return read_table(data, filename=filename, on_progress=on_progress)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    counted = Reads()
    monkeypatch.setattr(state, "read_table", counted)
    return counted


def upload(app: AppTest, data: bytes, name: str = "shop.csv") -> AppTest:
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value((name, data, "text/csv")).run()
    assert not app.exception
    return app


def stop_buttons(app: AppTest) -> list:
    return [button for button in app.button if button.key == state.STOP_READING_BUTTON]


def test_a_normal_read_leaves_no_stop_flag_no_button_and_no_bar(
    app: AppTest, shop_csv: bytes
) -> None:
    app.run()
    upload(app, shop_csv)

    assert texts(app.success) == ["shop.csv is loaded and ready."]
    assert state.READING not in app.session_state
    assert not stop_buttons(app) and not app.info
    assert not app.get("progress")


def test_a_stopped_read_loads_nothing_and_keeps_the_table_and_the_choices(
    loaded: AppTest, shop_csv: bytes, reads: Reads
) -> None:
    table = state.get_table(loaded.session_state)
    schema = state.get_schema(loaded.session_state)
    state.set_target("income", loaded.session_state)

    upload(loaded, shop_csv)
    loaded.run()  # the run after the click

    assert not loaded.exception and not loaded.error and not loaded.success
    assert texts(loaded.info) == [STOPPED]
    still = f"Your table {plain(DEMO_NAME)} is still loaded; nothing you did before is lost."
    assert still in texts(loaded.caption)
    assert loaded.button(key=state.READ_AGAIN_BUTTON).label == "Read shop.csv again"
    assert state.get_table(loaded.session_state) is table
    assert state.get_schema(loaded.session_state) is schema
    assert state.get_target(loaded.session_state) == "income"
    assert {metric.label: metric.value for metric in loaded.metric}["Rows"] == "32,561"
    loaded.run()
    assert reads.calls == 1  # never read again by itself


def test_read_again_reads_the_same_file_and_clears_the_stop(
    app: AppTest, shop_csv: bytes, reads: Reads
) -> None:
    app.run()
    upload(app, shop_csv).run()
    assert texts(app.info) == [STOPPED] and state.get_table(app.session_state) is None

    reads.cut = False
    app.button(key=state.READ_AGAIN_BUTTON).click().run()

    assert not app.exception and not app.info
    assert reads.calls == 2
    assert texts(app.success) == ["shop.csv is loaded and ready."]
    assert state.get_table(app.session_state).rows == 200
    assert state.READING not in app.session_state


def test_a_read_stopped_again_says_so_again(app: AppTest, shop_csv: bytes, reads: Reads) -> None:
    app.run()
    upload(app, shop_csv).run()
    app.button(key=state.READ_AGAIN_BUTTON).click().run()
    app.run()

    assert reads.calls == 2
    assert texts(app.info) == [STOPPED]


def test_removing_the_file_forgets_the_stopped_read(
    app: AppTest, shop_csv: bytes, reads: Reads
) -> None:
    app.run()
    upload(app, shop_csv).run()
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(None).run()

    assert not app.info and state.READING not in app.session_state


def test_a_failed_read_is_an_error_not_a_stop(app: AppTest) -> None:
    app.run()
    upload(app, b"", "empty.csv")

    assert app.error and not app.info
    assert state.READING not in app.session_state


@pytest.fixture
def trained(app: AppTest) -> Iterator[AppTest]:
    app.run()
    data = make_mixed_frame(120, seed=1).to_csv(index=False).encode("utf-8")
    upload(app, data, "members.csv")
    app.switch_page("pages/train.py").run()
    job = train_to_the_end(tiny_settings(app))
    app.switch_page("pages/upload.py").run()
    yield app
    job.stop()


def test_a_stopped_read_keeps_the_trained_model_for_the_table_loaded(
    trained: AppTest, shop_csv: bytes, reads: Reads
) -> None:
    job = state.get_job(trained.session_state)

    upload(trained, shop_csv).run()

    assert texts(trained.info) == [STOPPED]
    assert state.get_job(trained.session_state) is job and job.result is not None
    assert state.trained_on_other_data(trained.session_state) is None
    assert state.get_table(trained.session_state).name == "members.csv"


@pytest.mark.parametrize(
    ("progress", "position", "words"),
    [
        (ReadProgress(READING, 0, 4 * 2**20, "bytes"), 0.0, "Reading a.csv: 0 bytes of 4 MB…"),
        (ReadProgress(READING, 2**20, 4 * 2**20, "bytes"), 0.125, "Reading a.csv: 1 MB of 4 MB…"),
        (ReadProgress(READING, 500, 1_000, "rows"), 0.25, "Reading a.csv: 500 of 1,000 rows…"),
        (ReadProgress(READING, 5_000, None, "rows"), 0.0, "Reading a.csv: 5,000 rows so far…"),
        (ReadProgress(COLUMNS, 15, 30, "steps"), 0.55, "(15 of 30 steps)"),
        (ReadProgress(reading.KINDS, 15, 15, "columns"), 1.0, "15 of 15 columns"),
    ],
)
def test_the_bar_says_what_is_read_and_moves_through_the_stages(
    progress: ReadProgress, position: float, words: str
) -> None:
    shown_at, shown = reading.bar_position(progress, "a.csv")

    assert shown_at == pytest.approx(position)
    assert words in shown
