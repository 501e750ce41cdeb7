"""The Train page, driven through Streamlit's AppTest, with real (tiny) trainings.

Fragments do not tick by themselves under AppTest: after Start, a test waits on the job kept in
session state and then runs the app again, as the live view's next tick would.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synth_core import jobs as jobs_module
from synth_core.jobs import TrainingJob
from synth_core.models.variants import VARIANTS
from synth_core.schema import Kind, infer_schema
from synth_core.tables.datasets import DEMO_PATH
from synth_core.training.health import HealthWarning
from synth_core.training.presets import RECOMMENDED_VARIANT, preset_config
from synth_core.training.progress import ProgressSnapshot, RunState, TrainingProgress
from synth_core.wording import duration
from tests.app.steps import tiny_settings as tiny
from tests.helpers import config_for, make_mixed_frame
from ui import columns_table, state, training
from ui.text import plain

TRAIN = "pages/train.py"
SMALL_ROWS = 300


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def chart_titles(app: AppTest) -> list[str]:
    return [
        json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")
    ]


def job_of(app: AppTest) -> TrainingJob | None:
    return state.get_job(app.session_state)


def upload(app: AppTest, frame: pd.DataFrame, name: str) -> None:
    data = frame.to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value((name, data, "text/csv")).run()
    assert not app.exception


@pytest.fixture(scope="module")
def adult_slice() -> pd.DataFrame:
    return pd.read_csv(DEMO_PATH).head(SMALL_ROWS)


@pytest.fixture
def small(app: AppTest, adult_slice: pd.DataFrame) -> Iterator[AppTest]:
    """The Train page with the first 300 rows of Adult; any training is stopped afterwards
    (trainings share one server-wide slot, so a leftover run would hold up the next test)."""
    app.run()
    upload(app, adult_slice, "adult_small.csv")
    app.switch_page(TRAIN).run()
    assert not app.exception
    yield app
    job = job_of(app)
    if job is not None:
        job.stop()
        assert job.join(10)


def start(app: AppTest) -> TrainingJob:
    app.button(key=state.START_BUTTON).click().run()
    assert not app.exception
    job = job_of(app)
    assert job is not None
    return job


# ------------------------------------------------------------------------------ before training
def test_before_any_upload_it_says_why_and_links_back(app: AppTest) -> None:
    app.run()
    app.switch_page(TRAIN).run()

    assert not app.exception
    assert len(app.info) == 1 and "no table yet" in app.info[0].value.lower()
    assert [link.label for link in app.page_link] == ["Go to Upload"]
    assert not app.selectbox and not app.button


def test_with_no_column_included_it_links_to_columns(loaded: AppTest) -> None:
    schema = state.get_schema(loaded.session_state)
    columns = [dataclasses.replace(column, include=False) for column in schema.columns]
    loaded.session_state[state.SCHEMA] = dataclasses.replace(schema, columns=columns)
    loaded.switch_page(TRAIN).run()

    assert not loaded.exception
    assert "nothing to learn" in loaded.info[0].value
    assert [link.label for link in loaded.page_link] == ["Go to Columns"]


def test_offers_the_six_model_types_and_the_presets(loaded: AppTest) -> None:
    loaded.switch_page(TRAIN).run()

    assert not loaded.exception and not loaded.error and not loaded.warning
    picker = loaded.selectbox(key=state.VARIANT_WIDGET)
    assert picker.options == [training.variant_label(name) for name in VARIANTS]
    assert len(picker.options) == 6
    assert picker.value == RECOMMENDED_VARIANT == "argn"
    assert "(recommended)" in picker.options[0]
    assert sum("(recommended)" in option for option in picker.options) == 1
    assert VARIANTS["argn"].description in texts(loaded.caption)
    assert loaded.radio(key=state.PRESET_WIDGET).value == "quick"
    # Each preset with its time for this table, as the Columns page gives it (the promise alone,
    # "about half a minute", read as the time of a 2 s training).
    schema, rows = (
        state.get_schema(loaded.session_state),
        state.get_table(loaded.session_state).rows,
    )
    quick = columns_table.preset_seconds(schema, rows, "quick")
    assert (
        loaded.radio(key=state.PRESET_WIDGET)
        .proto.captions[0]
        .endswith(f"This table: about {duration(quick)}.")
    )
    assert loaded.number_input(key=state.EPOCHS_WIDGET).value == 300
    loaded.selectbox(key=state.VARIANT_WIDGET).set_value("vaegan").run()  # its own times
    vaegan = columns_table.preset_seconds(schema, rows, "best", "vaegan")
    assert vaegan != columns_table.preset_seconds(schema, rows, "best")
    assert (
        loaded.radio(key=state.PRESET_WIDGET)
        .proto.captions[2]
        .endswith(f"This table: about {duration(vaegan)}.")
    )
    loaded.selectbox(key=state.VARIANT_WIDGET).set_value("argn").run()
    assert any(caption.startswith("Trains on: ") for caption in texts(loaded.caption))
    assert loaded.button(key=state.START_BUTTON).disabled is False
    assert loaded.button(key=state.STOP_BUTTON).disabled is True
    assert not loaded.get("plotly_chart")


def test_conditional_gan_offers_category_columns_and_the_target_first(loaded: AppTest) -> None:
    loaded.switch_page(TRAIN).run()
    loaded.selectbox(key=state.VARIANT_WIDGET).set_value("cgan").run()

    assert not loaded.exception and not loaded.error
    schema = state.get_schema(loaded.session_state)
    column = loaded.selectbox(key=state.CONDITION_WIDGET)
    assert column.options == [
        c.name for c in schema.included if c.kind in (Kind.CATEGORICAL, Kind.BOOLEAN)
    ]
    assert "age" not in column.options
    assert column.value == "income"  # the Columns page's default target


def test_a_preset_fills_the_settings_the_person_did_not_change(loaded: AppTest) -> None:
    loaded.switch_page(TRAIN).run()
    loaded.number_input(key=state.BATCH_SIZE_WIDGET).set_value(64).run()
    loaded.radio(key=state.PRESET_WIDGET).set_value("balanced").run()

    assert not loaded.exception
    assert loaded.number_input(key=state.EPOCHS_WIDGET).value == 100  # the new preset's
    assert loaded.number_input(key=state.BATCH_SIZE_WIDGET).value == 64  # the person's
    config = training.build_config("balanced", "vaegan", None, loaded.session_state)
    assert (config.epochs, config.batch_size, config.eval_every) == (100, 64, 5)


def test_a_model_type_brings_its_own_settings_unless_the_person_changed_them(
    loaded: AppTest,
) -> None:
    loaded.switch_page(TRAIN).run()
    lr = loaded.number_input(key=state.GENERATOR_LR_WIDGET)
    assert lr.value == pytest.approx(preset_config("quick", variant="argn").generator_lr)
    loaded.number_input(key=state.BATCH_SIZE_WIDGET).set_value(64).run()
    loaded.selectbox(key=state.VARIANT_WIDGET).set_value("ctgan").run()

    assert not loaded.exception
    ctgan = preset_config("quick", variant="ctgan")
    assert ctgan.generator_lr != preset_config("quick", variant="argn").generator_lr
    lr = loaded.number_input(key=state.GENERATOR_LR_WIDGET)
    assert lr.value == pytest.approx(ctgan.generator_lr)  # the new type's
    assert loaded.number_input(key=state.BATCH_SIZE_WIDGET).value == 64  # the person's
    config = training.build_config("quick", "ctgan", None, loaded.session_state)
    assert (config.variant, config.generator_lr, config.batch_size) == ("ctgan", 2e-4, 64)


def test_settings_are_kept_while_other_pages_are_shown(loaded: AppTest) -> None:
    loaded.switch_page(TRAIN).run()
    loaded.selectbox(key=state.VARIANT_WIDGET).set_value("wgan-gp").run()
    loaded.number_input(key=state.EPOCHS_WIDGET).set_value(7).run()
    loaded.switch_page("pages/upload.py").run()
    loaded.switch_page(TRAIN).run()

    assert not loaded.exception
    assert loaded.selectbox(key=state.VARIANT_WIDGET).value == "wgan-gp"
    assert loaded.number_input(key=state.EPOCHS_WIDGET).value == 7


def test_an_invalid_setting_shows_a_plain_error_and_starts_nothing(small: AppTest) -> None:
    small.number_input(key=state.GENERATOR_LR_WIDGET).set_value(0.0).run()

    assert not small.exception
    assert texts(small.error) == [plain("Learning rates must be > 0.")]  # shown as text
    assert small.button(key=state.START_BUTTON).disabled is True  # a person cannot click it
    assert job_of(small) is None


# ------------------------------------------------------------------------------ training
def test_a_tiny_training_finishes_and_previews_rows(small: AppTest, adult_slice) -> None:
    job = start(tiny(small))
    assert small.button(key=state.START_BUTTON).disabled is True  # one training per session
    assert small.button(key=state.STOP_BUTTON).disabled is False
    assert job.join(60)
    small.run()

    assert not small.exception and not small.error
    assert job.snapshot().state == "finished"
    assert any(s.value.startswith("Training finished in ") for s in small.success)
    assert "Model trained" in texts(small.sidebar.caption)
    # losses, the probe's accuracy (the recommended model has no discriminator), the estimate
    titles = chart_titles(small)
    assert len(titles) == 3 and titles[:2] == [
        "Training losses",
        "Real-or-synthetic probe accuracy",
    ]
    assert any("At 50 % it is guessing" in c for c in texts(small.caption))
    assert not small.warning  # a healthy run
    assert "Next: compare with your table" in [link.label for link in small.page_link]
    assert small.button(key=state.START_BUTTON).disabled is False

    small.button(key=state.PREVIEW_BUTTON).click().run()
    assert not small.exception
    rows = small.dataframe[0].value
    assert len(rows) == 10
    assert list(rows.columns) == list(adult_slice.columns)

    # A new table: the model stays, marked as trained on the earlier one.
    small.switch_page("pages/upload.py").run()
    upload(small, adult_slice.head(200), "other.csv")
    small.switch_page(TRAIN).run()
    assert not small.exception
    assert any("was trained on a table loaded earlier" in c for c in texts(small.caption))
    assert small.get("plotly_chart")
    assert "Model trained on a table loaded earlier" in texts(small.sidebar.caption)


def test_stop_ends_a_long_training_with_the_model_so_far(small: AppTest) -> None:
    job = start(tiny(small, epochs=5_000))
    assert any(c.startswith("Training: ") for c in texts(small.sidebar.caption))
    deadline = time.monotonic() + 30
    while not job.snapshot().progress.step and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.snapshot().progress.step, "the training never took a step"
    small.run()  # what the live view's next tick shows
    assert not small.exception
    assert small.get("progress") and "Real-or-synthetic probe accuracy" in chart_titles(small)

    small.button(key=state.STOP_BUTTON).click().run()
    assert job.join(5)
    small.run()

    assert not small.exception and not small.error
    assert job.snapshot().state == "stopped"
    assert any("Training stopped after" in w.value for w in small.warning)
    assert any("can still be used" in w.value for w in small.warning)
    assert job.result is not None
    assert small.button(key=state.PREVIEW_BUTTON)


def test_health_warnings_are_shown_with_what_to_do(small: AppTest) -> None:
    job = start(tiny(small))
    assert job.join(60)
    warning = HealthWarning("mode_collapse", "Too little variety", "Rows repeat.", "Train longer.")
    note = HealthWarning("plateau", "Stopped helping", "Flat.", "You can stop.", level="info")
    job.result.progress_.set_warnings(("mode_collapse", "plateau"), [warning, note])
    small.run()

    assert not small.exception
    assert texts(small.warning) == ["**Too little variety.** Rows repeat. Train longer."]
    # The run has ended: a note's advice to stop it would be stale.
    assert "**Stopped helping.** Flat." in texts(small.info)


def test_a_training_waits_its_turn_in_the_shared_queue(small: AppTest) -> None:
    slots, other, never = training.training_slots(), object(), threading.Event()
    assert slots.acquire(other, never)  # another session's training holds the only slot
    try:
        job = start(tiny(small))
        small.run()
        assert not small.exception
        assert job.snapshot().state == "queued"
        assert any("you are number 1 in line" in info.value for info in small.info)
        assert "Training: waiting, number 1 in line" in texts(small.sidebar.caption)
    finally:
        slots.release(other)
    assert job.join(60)
    small.run()
    assert any(s.value.startswith("Training finished in ") for s in small.success)


# ------------------------------------------------------------------------------ helpers directly
@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0, "0 s"), (44.6, "45 s"), (60, "1 min"), (80, "1 min 20 s"), (7500, "2 h 5 min")],
)
def test_durations_read_as_words(seconds: float, words: str) -> None:
    assert duration(seconds) == words


def test_time_left_in_words() -> None:
    assert training.time_left_words(None) == "working out the time left"
    assert training.time_left_words(0.4) == "almost done"
    assert training.time_left_words(80) == "about 1 min 20 s left"


def test_a_run_that_ends_on_its_validation_loss_says_how_close_it_is_to_ending() -> None:
    from types import SimpleNamespace

    # Epoch means hold the loss measured after the epoch before: here epochs 1 to 4 measured
    # 5.0, 4.0, 4.2 and 4.1, so epoch 2 is the best and 2 of 6 epochs have passed without a
    # better one.
    run = SimpleNamespace(epochs={"validation_loss": (9.0, 5.0, 4.0, 4.2, 4.1)})
    assert training.stopping_words(run, 6) == (
        "best so far: epoch 2; ends after 4 more without a better one (on rows it never trains on)"
    )
    first = SimpleNamespace(epochs={"validation_loss": (9.0,)})
    assert training.stopping_words(first, 6).startswith("ends once the model stops improving")


def test_a_finished_run_says_why_it_ended_before_its_last_epoch() -> None:
    from types import SimpleNamespace

    def run(epoch, elapsed, limit, state=RunState.FINISHED, step=10):
        return SimpleNamespace(
            epoch=epoch, total_epochs=300, elapsed=elapsed, time_limit=limit, state=state, step=step
        )

    assert training.epochs_done_words(run(3, 20.4, 20.0), True) == (
        "3 epochs done: the preset's time limit of 20 s was reached"
    )
    assert training.epochs_done_words(run(16, 9.0, None), True) == (
        "16 epochs done: the model stopped improving on rows it never trains on"
    )
    assert training.epochs_done_words(run(300, 90.0, None), False) == "300 of 300 epochs done"
    stopped = run(5, 3.0, None, RunState.STOPPED)
    assert training.epochs_done_words(stopped, True) == "5 of 300 epochs done"
    early = run(0, 3.0, None, RunState.STOPPED, step=15)
    assert training.epochs_done_words(early, True) == (
        "stopped within the first epoch, after 15 training steps"
    )


def test_without_a_server_a_session_counts_as_alive() -> None:
    assert training.session_keep_alive()() is True


def test_the_shared_queue_takes_its_size_from_the_environment(monkeypatch) -> None:
    training.training_slots.clear()
    try:
        monkeypatch.setenv(training.MAX_TRAININGS_ENV, "3")
        assert training.training_slots().capacity == 3
        training.training_slots.clear()
        monkeypatch.setenv(training.MAX_TRAININGS_ENV, "many")
        assert training.training_slots().capacity == 1
    finally:
        training.training_slots.clear()


def _progress() -> ProgressSnapshot:
    return TrainingProgress().snapshot()


class FakeServer:
    """Streamlit's runtime as ``session_keep_alive`` sees it: which sessions are connected."""

    def __init__(self, *sessions: str):
        self.active = set(sessions)

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active


def test_a_training_whose_session_has_ended_is_stopped_by_the_session_check(monkeypatch) -> None:
    server = FakeServer("tab-1")
    monkeypatch.setattr(
        training,
        "get_script_run_ctx",
        lambda: dataclasses.make_dataclass("Ctx", [("session_id", str)])("tab-1"),
    )
    monkeypatch.setattr(training.runtime, "exists", lambda: True)
    monkeypatch.setattr(training.runtime, "get_instance", lambda: server)
    monkeypatch.setattr(training, "GRACE_SECONDS", 0.3)
    monkeypatch.setattr(jobs_module, "WATCHDOG_SECONDS", 0.05)
    frame = make_mixed_frame(300, seed=4)
    config = config_for("gan", epochs=100_000)
    job = TrainingJob(frame, infer_schema(frame), config, keep_alive=training.session_keep_alive())
    job.start()
    try:
        deadline = time.monotonic() + 60
        while job.snapshot().progress.step == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert job.active, "the job ended while its session was still there"
        server.active.clear()  # the tab is closed
        assert job.join(60), "the training of a closed session went on"
    finally:
        job.stop()
    snap = job.snapshot()
    assert snap.state == "stopped" and snap.progress.step < snap.progress.total_steps


def test_the_quick_demo_on_a_wide_table_says_its_longer_time_limit(app: AppTest) -> None:
    rng = np.random.default_rng(0)
    wide = pd.DataFrame({f"q{i}": rng.integers(0, 9, 6000) for i in range(86)})
    app.run()
    upload(app, wide, "survey.csv")
    app.switch_page(TRAIN).run()
    assert not app.exception
    quick = preset_config("quick")
    limit = training.time_limit_for(
        state.get_table(app.session_state), state.get_schema(app.session_state), quick
    )
    assert limit > quick.max_seconds
    said = [c for c in texts(app.caption) if "stops after" in c]
    assert said == [
        f"Quick demo stops after {duration(limit)} of training, whatever the number of epochs."
    ]


def test_a_failed_training_is_forgotten_when_another_table_is_loaded(
    small: AppTest, adult_slice: pd.DataFrame
) -> None:
    # After a failed training, a new table's Train page showed the old error about a column it
    # does not have, and the sidebar "Training failed".
    schema = state.get_schema(small.session_state)
    small.session_state[state.SCHEMA] = schema.with_changes("sex", kind="numerical")
    small.run()
    job = start(tiny(small))
    assert job.join(60)
    small.run()
    assert job.snapshot().state == "failed" and small.error
    assert "Training failed" in texts(small.sidebar.caption)

    small.switch_page("pages/upload.py").run()
    upload(small, adult_slice.drop(columns=["sex"]), "other.csv")
    small.switch_page(TRAIN).run()
    assert not small.exception and not small.error
    assert job_of(small) is None
    assert not [c for c in texts(small.sidebar.caption) if "Training" in c]
