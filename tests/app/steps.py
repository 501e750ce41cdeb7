"""Steps that several app tests take: short training settings, and a training to its end."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from synth_core.jobs import TrainingJob
from ui import state


def tiny_settings(app: AppTest, epochs: int = 1, batch_size: int = 50) -> AppTest:
    """On the Train page: Advanced settings for a short run on the CPU."""
    app.number_input(key=state.EPOCHS_WIDGET).set_value(epochs).run()
    app.number_input(key=state.BATCH_SIZE_WIDGET).set_value(batch_size).run()
    app.selectbox(key=state.DEVICE_WIDGET).set_value("cpu").run()
    assert not app.exception and not app.error
    return app


def train_to_the_end(app: AppTest, timeout: float = 60) -> TrainingJob:
    """Click Start, wait for the training to end and draw the page again: the finished job."""
    app.button(key=state.START_BUTTON).click().run()
    job = state.get_job(app.session_state)
    assert job is not None and job.join(timeout)
    app.run()
    assert not app.exception and job.result is not None
    return job
