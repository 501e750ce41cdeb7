"""The contract every backend keeps (embedded threads and a local Ray instance alike): a fit
reaches done, Stop ends it within a step, fits asking for the one GPU take turns, sharded
sampling does not depend on the number of workers, and big-table scoring gives the figures of
a single process."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from synth_core.backends.base import FitSpec, stats_here
from synth_core.backends.column_stats import stats_of
from synth_core.evaluation.evaluate import evaluate
from synth_core.schema import DISCRETE_KINDS, infer_schema
from synth_core.synthesizer import Synthesizer
from tests.helpers import config_for, make_mixed_frame

#: Longer than a stop takes (one step, then the progress poll), shorter than the cancel fallback
#: (``ray_backend.CANCEL_AFTER_SECONDS``): a join this long proves the cooperative stop worked.
STOP_SECONDS = 2.5
#: Each of the two fits that want the one GPU trains this long.
TURN_SECONDS = 3.0


@pytest.fixture(scope="module")
def table():
    frame = make_mixed_frame(300, seed=3)
    return frame, infer_schema(frame)


@pytest.fixture(scope="module")
def model(table) -> bytes:
    frame, schema = table
    return Synthesizer(config_for("gan", epochs=2)).fit(frame, schema).to_bytes()


@pytest.fixture(scope="module")
def model_with_ids(table) -> bytes:
    """A model that makes new IDs: row numbers, and codes of a small format (``OR-`` and three
    digits: a thousand values, 300 of them real), where shards drawing apart would collide."""
    frame, _ = table
    codes = np.random.default_rng(0).choice(1000, len(frame), replace=False)
    frame = frame.assign(**{"Row ID": np.arange(1, len(frame) + 1)})
    frame = frame.assign(**{"Order ID": [f"OR-{code:03d}" for code in codes]})
    schema = infer_schema(frame)
    for name in ("Row ID", "Order ID"):
        schema = schema.with_changes(name, treatment="new_ids")
    return Synthesizer(config_for("gan", epochs=1)).fit(frame, schema).to_bytes()


def wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_tiny_fit_reaches_done_with_a_model(backend, table):
    frame, schema = table
    job = backend.submit_fit(FitSpec(frame, schema, config_for("gan", epochs=2)))
    model = backend.result(job, timeout=120)
    snapshot = backend.progress(job)
    assert snapshot.state == "finished", snapshot.error
    assert snapshot.progress.epoch == 2
    assert len(model.sample(50)) == 50


def test_stop_after_the_first_progress_report_ends_the_fit_within_a_step(backend, table):
    frame, schema = table
    job = backend.submit_fit(FitSpec(frame, schema, config_for("gan", epochs=500)))
    assert wait_for(lambda: backend.progress(job).progress.epoch >= 1)
    backend.cancel(job)
    assert job.join(STOP_SECONDS), "the fit went on after Stop"
    snapshot = backend.progress(job)
    assert snapshot.state == "stopped"
    assert snapshot.progress.epoch < 500
    assert backend.result(job) is not None  # stopped by its flag: it keeps what it learned


def test_two_fits_that_each_ask_for_the_one_gpu_run_one_after_the_other(backend, table):
    frame, schema = table
    config = config_for("gan", epochs=10_000, max_seconds=TURN_SECONDS)
    jobs = [backend.submit_fit(FitSpec(frame, schema, config, gpus=1)) for _ in "ab"]

    def training(job) -> bool:
        return backend.progress(job).progress.state == "running"

    assert wait_for(lambda: any(training(job) for job in jobs), 120)
    first = next(job for job in jobs if training(job))
    second = jobs[1] if first is jobs[0] else jobs[0]
    assert wait_for(lambda: training(second) or backend.progress(second).done, 120)
    # had they shared the GPU, the first would still have most of its time limit to go
    assert wait_for(lambda: backend.progress(first).done, 1.0), "both fits trained at once"
    assert second.join(120)
    assert [backend.progress(job).state for job in jobs] == ["finished"] * 2


def test_sampled_shards_hold_the_exact_rows_and_unique_new_ids_whatever_the_number_of_workers(
    backend, model_with_ids, tmp_path
):
    written = {}
    for workers in (1, 2):
        out = tmp_path / f"workers-{workers}"
        manifest = backend.sample(
            model_with_ids, 250, out, fmt="parquet", seed=7, workers=workers, shard_rows=100
        )
        assert [shard.rows for shard in manifest.shards] == [100, 100, 50]
        on_disk = json.loads((out / "manifest.json").read_text())
        assert on_disk["rows"] == 250 and on_disk["workers"] == workers
        written[workers] = pd.concat(
            [pd.read_parquet(out / shard.file) for shard in manifest.shards], ignore_index=True
        )
    assert len(written[1]) == 250
    pd.testing.assert_frame_equal(written[1], written[2])
    assert written[1]["Order ID"].is_unique
    assert written[1]["Row ID"].tolist() == list(range(1, 251))  # counted on across the shards


def test_big_table_scoring_gives_the_single_process_figures(backend, table, model):
    real, schema = table
    synthetic = Synthesizer.load(model).sample(300, seed=1)
    scored = backend.evaluate(real, synthetic, schema, sample_rows=200, seed=0)
    names = [name for name in schema.included_names if name in synthetic.columns]
    discrete = [schema[name].kind in DISCRETE_KINDS for name in names]
    assert any(discrete) and not all(discrete)
    assert scored.real_stats == stats_here(real, names, discrete)
    assert scored.synthetic_stats == [
        stats_of(name, synthetic[name], d) for name, d in zip(names, discrete, strict=True)
    ]
    alone = evaluate(real, synthetic, schema, seed=0, max_rows=200)
    assert scored.scores.quality.quality == pytest.approx(alone.quality.quality)
    assert scored.scores.quality.column_shapes == pytest.approx(alone.quality.column_shapes)
    assert "200 real and 200 synthetic rows" in scored.describe_sample()
