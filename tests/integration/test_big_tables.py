"""A table larger than one chunk of the preparation, trained within a budget shorter than an
epoch: the run ends on time, says how many rows it saw, and makes a model that samples."""

from __future__ import annotations

from synth_core.encoding import transform as transform_module
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from tests.helpers import config_for, make_mixed_frame


def test_a_budget_shorter_than_an_epoch_ends_the_run_with_the_rows_seen(monkeypatch):
    monkeypatch.setattr(transform_module, "TRANSFORM_ROWS", 500)  # 2,400 rows: five chunks
    frame = make_mixed_frame(rows=3_000)
    schema = infer_schema(frame)
    config = config_for("argn", epochs=5, batch_size=10, max_seconds=0.05)
    synth = Synthesizer(config).fit(frame.iloc[:2_400], schema)

    snap = synth.progress_.snapshot()
    assert snap.epoch == 0 and snap.state == "finished"
    assert 0 < snap.rows_seen < snap.total_steps // snap.total_epochs * 10
    note = next(note for note in snap.notes if "Reached the time limit" in note)
    assert f"after {snap.rows_seen:,} rows seen" in note and "into epoch 1" in note
    sample = synth.sample(200)
    assert len(sample) == 200 and list(sample.columns) == list(frame.columns)
