"""The training stage: a table bigger than the training bound trains on a sample and says so."""

from __future__ import annotations

from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.progress import TrainingProgress
from synth_core.training.rows import TRAINING_ROWS_ENV
from tests.helpers import config_for, make_mixed_frame


def fit_rows_seen(frame, notes: list[str]) -> int:
    progress = TrainingProgress()
    Synthesizer(config_for("gan")).fit(frame, infer_schema(frame), progress=progress)
    snapshot = progress.snapshot()
    notes.extend(snapshot.notes)
    return snapshot.rows_seen


def test_a_table_over_the_bound_trains_on_a_sample_of_that_many_rows(monkeypatch):
    frame = make_mixed_frame(300, seed=2)
    whole_notes: list[str] = []
    whole = fit_rows_seen(frame, whole_notes)
    monkeypatch.setenv(TRAINING_ROWS_ENV, "120")
    sampled_notes: list[str] = []
    sampled = fit_rows_seen(frame, sampled_notes)

    # one epoch of 50-row steps: 270 rows (a tenth held back for the probe) give 5, 108 give 2
    assert (whole, sampled) == (250, 100)
    assert not any("Trained on" in note for note in whole_notes)
    assert any(note.startswith("Trained on 120 of the 300 training rows") for note in sampled_notes)
