"""The Download page's handoff bundle, driven through AppTest after a real tiny training."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from synth_core.handoff.verify import verify_bundle
from tests.app.steps import tiny_settings, train_to_the_end
from tests.helpers import make_mixed_frame
from ui import handoff, results, state

ROWS = 300


@pytest.fixture
def generated(app: AppTest) -> Iterator[AppTest]:
    """The Download page after a two-epoch run on a 300-row table and Generate rows."""
    app.run()
    data = make_mixed_frame(ROWS, seed=1).to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("members.csv", data, "text/csv")).run()
    app.session_state[state.TARGET] = "color"
    app.switch_page("pages/train.py").run()
    job = train_to_the_end(tiny_settings(app, epochs=2))
    app.switch_page("pages/download.py").run()
    app.button(key=state.GENERATE_BUTTON).click().run()
    yield app
    job.stop()


def the_bundle(app: AppTest, include_model: bool = False) -> dict[str, bytes]:
    session = app.session_state
    job, table = state.get_job(session), state.get_table(session)
    made = results.generated(job, session)
    done = results.scores(job, session)
    zipped = handoff.bundle_bytes(job, made, table, include_model, done)
    verify_bundle(zipped)
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_before_scoring_the_bundle_has_the_rows_and_adds_the_model_only_when_chosen(
    generated: AppTest,
) -> None:
    assert not generated.exception
    labels = [button.label for button in generated.get("download_button")]
    assert "Handoff bundle (.zip)" in labels
    assert "once these rows are scored" in " ".join(c.value for c in generated.caption)
    files = the_bundle(generated)
    assert set(files) == {"synthetic.csv", "synthetic.xlsx", "manifest.json", "README.txt"}
    assert json.loads(files["manifest.json"])["scores"] is None

    generated.checkbox(key=state.HANDOFF_MODEL_WIDGET).check().run()
    assert not generated.exception
    job = state.get_job(generated.session_state)
    assert the_bundle(generated, include_model=True)["model.synth"] == job.result.to_bytes()


def test_once_scored_the_bundle_holds_the_report_of_these_rows(generated: AppTest) -> None:
    generated.button(key=state.EVALUATE_BUTTON).click().run()
    assert not generated.exception and not generated.error
    files = the_bundle(generated)
    assert "report.html" in files and "model.synth" not in files
    report = files["report.html"].decode()
    assert "At a glance" in report and "Closest pairs" not in report
    assert "<h2>Training</h2>" in report  # the run's charts, which only the app knows
    manifest = json.loads(files["manifest.json"])
    assert manifest["generation"]["rows"] == ROWS
    assert manifest["scores"]["usefulness"]["target"] == "color"
