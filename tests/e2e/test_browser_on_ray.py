"""The app with SYNTH_BACKEND=ray in a real browser: the Train page names the local Ray
instance, the live chart moves while the model trains in a Ray task, Stop keeps the model
learned so far, and its rows download."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pandas as pd
import pytest

from tests.backends_support import ray_or_skip
from tests.e2e.conftest import running_app
from tests.e2e.test_browser import TRAIN_TIMEOUT, _loss_chart_lines, _nav
from tests.helpers import make_mixed_frame

pytestmark = pytest.mark.e2e

ROWS = 300


@pytest.fixture(scope="module")
def ray_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    ray_or_skip()
    log = tmp_path_factory.mktemp("streamlit-ray") / "server.log"
    with running_app(log, {"SYNTH_BACKEND": "ray"}) as url:
        yield url


def test_train_on_ray_watch_the_chart_stop_and_download(browser, ray_app_url, screenshot, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # the first page starts the local Ray instance
    try:
        page.goto(ray_app_url)
        csv_path = tmp_path / "members.csv"
        make_mixed_frame(ROWS, seed=3).to_csv(csv_path, index=False)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv_path))
        page.get_by_text(f"{ROWS:,} rows").first.wait_for()

        _nav(page, "Train")
        page.get_by_text(re.compile(r"Trains on: a local Ray instance")).wait_for()
        page.get_by_label("Model type").click()
        page.get_by_role("option", name="VAE-GAN").click()
        page.get_by_text("Advanced").click()
        for label, value in (("Epochs", "5000"), ("Batch size", "60")):
            field = page.get_by_label(label, exact=True)
            field.fill(value)
            field.press("Enter")
        screenshot(page, "train-on-ray")
        page.get_by_role("button", name="Start training").click()
        page.get_by_test_id("stPlotlyChart").first.wait_for(timeout=TRAIN_TIMEOUT)
        screenshot(page, "training-on-ray")
        first, moved = _loss_chart_lines(page), False
        for _ in range(60):
            time.sleep(0.5)
            if _loss_chart_lines(page) != first:
                moved = True
                break
        assert moved, "the live loss chart did not change while the model trained on Ray"

        page.get_by_role("button", name="Stop").click()
        page.get_by_text(re.compile(r"Training stopped after \d+ of 5000 epochs")).wait_for(
            timeout=TRAIN_TIMEOUT
        )
        screenshot(page, "stopped")

        _nav(page, "Download")
        page.get_by_role("button", name="Generate rows").click()
        with page.expect_download() as csv_download:
            page.get_by_role("button", name="Synthetic rows (CSV)").click()
        synthetic = pd.read_csv(csv_download.value.path())
        assert list(synthetic.columns) == list(make_mixed_frame(5).columns)
        assert len(synthetic) > 0
        screenshot(page, "downloaded")
        assert not page.get_by_test_id("stException").count()
    finally:
        context.close()
