"""The Train page with SYNTH_BACKEND=ray: it names where trainings run, trains there (the local
Ray instance of the test session), and says what to install when ray is missing."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synth_core.backends.choice import BACKEND_ENV
from synth_core.tables.datasets import DEMO_PATH
from tests.app.steps import tiny_settings as tiny
from ui import state

TRAIN = "pages/train.py"


@pytest.fixture
def without_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # how an absent package looks to import


@pytest.fixture
def on_ray(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The Train page with 300 rows of Adult, trainings sent to the Ray backend."""
    monkeypatch.setenv(BACKEND_ENV, "ray")
    app.run()
    data = pd.read_csv(DEMO_PATH).head(300).to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("adult.csv", data, "text/csv")).run()
    app.switch_page(TRAIN).run()
    assert not app.exception
    yield app
    job = state.get_job(app.session_state)
    if job is not None:
        job.stop()
        assert job.join(10)


def test_without_the_ray_package_the_page_says_what_to_install_and_cannot_start(
    without_ray, on_ray: AppTest
) -> None:
    assert any("pip install -r requirements-ray.txt" in e.value for e in on_ray.error)
    assert on_ray.button(key=state.START_BUTTON).disabled
    assert not on_ray.exception


def test_on_ray_the_page_names_the_instance_and_trains_a_model_there(
    local_ray, on_ray: AppTest
) -> None:
    captions = [caption.value for caption in on_ray.caption]
    assert "Trains on: a local Ray instance, 1 GPU free" in captions
    tiny(on_ray, epochs=2)
    on_ray.button(key=state.START_BUTTON).click().run()
    job = state.get_job(on_ray.session_state)
    assert job is not None and job.join(120)
    assert job.snapshot().state == "finished", job.snapshot().error
    assert job.result is not None and len(job.result.sample(20)) == 20
