"""Training and sampling with every GAN variant, tiny sizes on the CPU, plus background jobs."""

from __future__ import annotations

import copy
import random
import threading
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
import torch

from synth_core import jobs as jobs_module
from synth_core.errors import DataError, SchemaError, TrainingError
from synth_core.jobs import TrainingJob, TrainingSlots
from synth_core.models.core import GanCore
from synth_core.models.variants import VARIANTS
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.training import run as training_run
from tests.helpers import (
    TINY_CONFIG,
    check_valid_rows,
    config_for,
    make_mixed_frame,
    rows_inside_rules,
)

CONDITIONAL = [name for name, variant in VARIANTS.items() if variant.supports_conditions]
UNCONDITIONAL = [name for name, variant in VARIANTS.items() if not variant.supports_conditions]
WASSERSTEIN = [name for name, variant in VARIANTS.items() if variant.objective == "wgan-gp"]
UNSTABLE = "losses stopped being numbers"


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def big_frame() -> pd.DataFrame:
    return make_mixed_frame(rows=2000, seed=1)


@pytest.fixture(scope="module")
def big_schema(big_frame):
    return infer_schema(big_frame)


def long_job(frame, schema, **kwargs) -> TrainingJob:
    """A job that would train for a very long time unless stopped."""
    return TrainingJob(frame, schema, TINY_CONFIG.replace(epochs=100_000), **kwargs)


def nan_step(self, batch, discriminator_steps=1):
    nan = torch.tensor(float("nan"))
    return {"discriminator_loss": nan, "generator_loss": nan}


# ------------------------------------------------------------------- every variant
def test_variants_are_the_five_known_ones():
    assert set(VARIANTS) == {"vaegan", "argn", "ctgan", "wgan-gp", "gan", "cgan"}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_trains_and_samples_valid_rows(trained, mixed_frame, variant):
    synth = trained(variant)
    snap = synth.progress_.snapshot()
    assert snap.epoch == 1 and snap.step == snap.total_steps > 0
    out = synth.sample(300, seed=1)
    assert len(out) == 300
    check_valid_rows(mixed_frame, out)
    assert out["color"].nunique() > 1  # not a constant column


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_progress_records_the_losses_of_each_step(trained, variant):
    snap = trained(variant).progress_.snapshot()
    expected = {"generator_loss", "discriminator_loss"}
    if variant in WASSERSTEIN:
        expected |= {"wasserstein", "gradient_penalty"}
    if variant in CONDITIONAL:
        expected.add("condition_loss")
    if variant == "vaegan":
        expected |= {"adversarial_loss", "reconstruction_loss", "kl_divergence"}
    if variant == "argn":  # no critic: its likelihood, on training and on held-out rows
        expected = {"likelihood_loss", "validation_loss"}
    assert set(snap.steps) == expected
    assert set(snap.epochs) == expected
    for name in expected:
        assert len(snap.steps[name]) == snap.step
        assert len(snap.epochs[name]) == 1
        assert np.isfinite(snap.steps[name]).all()
        assert snap.epochs[name][0] == pytest.approx(np.mean(snap.steps[name]))
    assert snap.fraction == 1.0
    assert snap.rows_per_second > 0 and snap.elapsed > 0


@pytest.mark.parametrize("variant", ["ctgan", "wgan-gp"])
def test_the_critic_loss_charted_is_wgan_gps_at_every_step(trained, variant):
    """Lazy updates weigh the penalty n times every n-th step; the chart shows the loss as
    WGAN-GP defines it (latest penalty, its own weight), without a spike every n steps."""
    snap = trained(variant).progress_.snapshot()
    weight = TINY_CONFIG.gp_weight
    expected = weight * np.array(snap.steps["gradient_penalty"]) - snap.steps["wasserstein"]
    np.testing.assert_allclose(snap.steps["discriminator_loss"], expected, rtol=1e-5, atol=1e-5)
    assert len(set(snap.steps["gradient_penalty"])) < snap.step  # held between lazy updates


def test_a_small_table_trains_with_smaller_batches_and_says_so(mixed_schema):
    small = make_mixed_frame(rows=200, seed=3)
    config = config_for("vaegan", batch_size=500, min_steps_per_epoch=8, pac=1)
    snap = Synthesizer(config).fit(small, mixed_schema).progress_.snapshot()
    assert snap.total_steps >= 8
    assert any("table is small" in note for note in snap.notes)


# ----------------------------------------------------------------- configuration errors
def test_cgan_without_condition_column_is_refused(mixed_frame, mixed_schema, tiny_config):
    config = tiny_config.replace(variant="cgan", condition_column=None)
    with pytest.raises(TrainingError, match="condition"):
        Synthesizer(config).fit(mixed_frame, mixed_schema)


@pytest.mark.parametrize("column", ["age", "amount", "joined"])
def test_cgan_on_a_non_category_column_is_refused(mixed_frame, mixed_schema, tiny_config, column):
    config = tiny_config.replace(variant="cgan", condition_column=column)
    with pytest.raises(SchemaError, match=column):
        Synthesizer(config).fit(mixed_frame, mixed_schema)


def test_cgan_on_a_left_out_column_is_refused(mixed_frame, mixed_schema, tiny_config):
    schema = mixed_schema.with_only(["age", "amount", "member"])
    config = tiny_config.replace(variant="cgan", condition_column="color")
    with pytest.raises(SchemaError, match="left out"):
        Synthesizer(config).fit(mixed_frame, schema)


def test_unknown_variant_is_refused(mixed_frame, mixed_schema, tiny_config):
    with pytest.raises(TrainingError, match="Unknown model type"):
        Synthesizer(tiny_config.replace(variant="nope")).fit(mixed_frame, mixed_schema)


# --------------------------------------------------------------------------- seeding
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_same_seed_repeats_exactly(trained, mixed_frame, mixed_schema, variant):
    again = Synthesizer(config_for(variant)).fit(mixed_frame, mixed_schema)
    first = trained(variant).sample(200, seed=7)
    pd.testing.assert_frame_equal(first, again.sample(200, seed=7))
    # Sampling without a seed uses the training seed, so it repeats too.
    pd.testing.assert_frame_equal(trained(variant).sample(50), again.sample(50))


def test_different_seeds_differ(trained, mixed_frame, mixed_schema):
    synth = trained("ctgan")
    assert not synth.sample(200, seed=7).equals(synth.sample(200, seed=8))
    other = Synthesizer(config_for("ctgan", seed=1)).fit(mixed_frame, mixed_schema)
    assert not synth.sample(200, seed=7).equals(other.sample(200, seed=7))


def test_training_leaves_numpy_and_python_random_state_alone(mixed_frame, mixed_schema):
    np_state, py_state = np.random.get_state(), random.getstate()
    synth = Synthesizer(config_for("ctgan")).fit(mixed_frame, mixed_schema)
    synth.sample(100, seed=3)
    after = np.random.get_state()
    assert np_state[0] == after[0] and np.array_equal(np_state[1], after[1])
    assert np_state[2:] == after[2:]
    assert random.getstate() == py_state


def test_training_leaves_torch_random_state_alone(mixed_frame, mixed_schema):
    before = torch.random.get_rng_state().clone()
    synth = Synthesizer(config_for("gan")).fit(mixed_frame, mixed_schema)
    synth.sample(100, seed=3)
    assert torch.equal(before, torch.random.get_rng_state())


def test_training_flushes_denormals_and_restores_the_thread_setting(
    monkeypatch, mixed_frame, mixed_schema
):
    from synth_core.training.device import flushes_denormals

    seen = []
    original = training_run.train

    def spying_train(*args, **kwargs):
        seen.append(flushes_denormals())
        return original(*args, **kwargs)

    monkeypatch.setattr(training_run, "train", spying_train)
    assert not flushes_denormals()
    Synthesizer(config_for("ctgan")).fit(mixed_frame, mixed_schema)
    assert seen == [True]  # tiny floats are flushed to zero while the model trains
    assert not flushes_denormals()  # and this thread's setting is as it was


def test_sampling_leaves_torch_random_state_alone(trained):
    before = torch.random.get_rng_state().clone()
    trained("ctgan").sample(100, seed=3)
    trained("ctgan").sample(100, conditions={"color": "red"})
    assert torch.equal(before, torch.random.get_rng_state())


# ------------------------------------------------------------------------ conditions
@pytest.mark.parametrize("variant", CONDITIONAL)
@pytest.mark.parametrize("value", ["red", "blue"])
def test_conditional_sampling_gives_only_that_value(trained, mixed_frame, variant, value):
    out = trained(variant).sample(80, conditions={"color": value}, seed=2)
    assert len(out) == 80
    assert (out["color"] == value).all()
    check_valid_rows(mixed_frame, out)


def test_ctgan_conditions_on_any_category_column(trained):
    synth = trained("ctgan")
    assert set(synth.condition_values("member")) == {"yes", "no"}
    out = synth.sample(40, conditions={"member": "yes"}, seed=2)
    assert len(out) == 40 and (out["member"] == "yes").all()


def test_cgan_generates_its_column_and_keeps_the_rows_with_another_columns_value(trained):
    synth = trained("cgan")
    assert sorted(synth.condition_values("color")) == ["blue", "green", "red"]
    assert set(synth.condition_values("member")) == {"yes", "no"}
    out = synth.sample(20, conditions={"member": "yes"}, seed=2)
    assert len(out) == 20 and (out["member"] == "yes").all()


@pytest.mark.parametrize("variant", CONDITIONAL)
def test_condition_with_an_unknown_value_is_refused(trained, variant):
    with pytest.raises(DataError, match="purple") as caught:
        trained(variant).sample(10, conditions={"color": "purple"})
    assert "red" in str(caught.value)  # the known values are listed


@pytest.mark.parametrize("variant", CONDITIONAL)
def test_condition_on_an_unknown_column_is_refused(trained, variant):
    with pytest.raises(DataError, match="nope"):
        trained(variant).sample(10, conditions={"nope": "x"})


@pytest.mark.parametrize("variant", UNCONDITIONAL)
def test_a_variant_without_conditions_keeps_the_rows_with_the_value(trained, mixed_frame, variant):
    synth = trained(variant)
    assert synth.condition_values("color") and synth.condition_values("member")
    assert synth.condition_values("age") == []  # numbers have no values to ask for
    result = synth.generate(120, conditions={"color": "blue"}, seed=2, chunk_rows=50)
    assert len(result.frame) == 120 and (result.frame["color"] == "blue").all()
    check_valid_rows(mixed_frame, result.frame)
    with pytest.raises(DataError, match="purple"):
        synth.sample(10, conditions={"color": "purple"})
    with pytest.raises(DataError, match="color"):  # the usable columns are named
        synth.sample(10, conditions={"age": 30})


@pytest.mark.parametrize("variant", ["ctgan", "argn"])
def test_two_conditions_at_once_are_both_met(trained, variant):
    out = trained(variant).sample(30, conditions={"color": "red", "member": "yes"}, seed=2)
    assert len(out) == 30
    assert (out["color"] == "red").all() and (out["member"] == "yes").all()


def test_negative_row_count_is_refused(trained):
    with pytest.raises(DataError):
        trained("gan").sample(-1)


# --------------------------------------------------------------------------- copies
def plant_copies(monkeypatch, synth, real_rows: pd.DataFrame) -> None:
    """Make the first generated chunk start with ``real_rows`` (exact copies of training rows)."""
    original = synth._generate_frame
    calls = []

    def generate_frame(n, seed=None, rng=None, condition=None):
        frame = original(n, seed=seed, rng=rng, condition=condition)
        if not calls:
            calls.append(n)
            frame = pd.concat([real_rows, frame.iloc[len(real_rows) :]], ignore_index=True)
        return frame

    monkeypatch.setattr(synth, "_generate_frame", generate_frame)


def test_copies_of_training_rows_are_removed_and_counted(monkeypatch, trained, mixed_frame):
    synth = trained("wgan-gp")
    real_rows = mixed_frame.iloc[[0, 5, 17, 42, 99, 150, 199]].reset_index(drop=True)
    plant_copies(monkeypatch, synth, real_rows)
    result = synth.generate(100, seed=4)
    assert result.copies_removed == len(real_rows)
    assert len(result.frame) == 100
    merged = result.frame.merge(mixed_frame.drop_duplicates(), how="inner")
    assert merged.empty, "a copy of a training row was kept"


def plant_blank_rows(monkeypatch, synth, count: int) -> None:
    """Make every generated chunk start with ``count`` rows without a single value."""
    original = synth._generate_frame

    def generate_frame(n, seed=None, rng=None, condition=None):
        frame = original(n, seed=seed, rng=rng, condition=condition)
        frame.iloc[: min(count, n)] = None
        return frame

    monkeypatch.setattr(synth, "_generate_frame", generate_frame)


def test_a_row_without_a_single_value_is_drawn_again(monkeypatch, trained):
    # An 11,598-row school panel came out with six rows of nothing but commas.
    synth = copy.copy(trained("wgan-gp"))
    plant_blank_rows(monkeypatch, synth, 7)
    frame = synth.generate(100, seed=4).frame
    assert len(frame) == 100
    assert not frame.isna().all(axis=1).any()


def test_blank_rows_stay_where_real_rows_were_blank(monkeypatch, trained, mixed_frame):
    synth = copy.copy(trained("wgan-gp"))
    blank = pd.DataFrame(np.nan, index=range(5), columns=mixed_frame.columns)  # as read
    synth.protect_real_rows(pd.concat([mixed_frame, blank], ignore_index=True))
    plant_blank_rows(monkeypatch, synth, 7)
    frame = synth.generate(100, seed=4).frame
    assert frame.isna().all(axis=1).sum() >= 7  # five real blank rows: a common row, kept


def test_copies_of_rows_kept_away_from_training_are_removed_once_the_model_knows_them(
    monkeypatch, trained, mixed_frame
):
    synth = copy.copy(trained("wgan-gp"))  # the session's model stays as it is
    unseen = rows_inside_rules(make_mixed_frame(200, seed=9), synth, 4)  # never trained on
    assert unseen.merge(mixed_frame, how="inner").empty
    plant_copies(monkeypatch, synth, unseen)
    assert synth.generate(100, seed=4).copies_removed == 0  # a holdout's rows, unknown so far

    synth.protect_real_rows(pd.concat([mixed_frame, unseen], ignore_index=True))
    plant_copies(monkeypatch, synth, unseen)
    result = synth.generate(100, seed=4)
    assert result.copies_removed == len(unseen) and len(result.frame) == 100
    assert result.frame.merge(unseen, how="inner").empty
    assert synth.training_rows_ == len(mixed_frame)  # the model still learnt only those


def test_copies_are_kept_when_asked(monkeypatch, trained, mixed_frame):
    synth = trained("wgan-gp")
    real_rows = rows_inside_rules(mixed_frame, synth, 3)
    plant_copies(monkeypatch, synth, real_rows)
    result = synth.generate(100, seed=4, remove_copies=False)
    assert result.copies_removed == 0
    pd.testing.assert_frame_equal(result.frame.iloc[:3], real_rows)


def test_only_copies_without_a_condition_gives_an_accurate_message(monkeypatch, trained):
    synth = trained("gan")
    real = make_mixed_frame()
    # Every row made is one of ten real rows, each a rare combination that no rule mends.
    inside = rows_inside_rules(real, synth, 10)
    copies = lambda n, **_: inside.iloc[np.arange(n) % 10].reset_index(drop=True)  # noqa: E731
    monkeypatch.setattr(synth, "_generate_frame", copies)
    with pytest.raises(DataError) as caught:
        synth.sample(10)
    assert "condition" not in str(caught.value) and "cop" in str(caught.value)


# --------------------------------------------------------------------------- chunks
@pytest.mark.parametrize("conditions", [None, {"color": "green"}])
def test_iter_chunks_respects_the_chunk_size(trained, conditions):
    chunks = list(trained("ctgan").iter_chunks(100, conditions, seed=5, chunk_rows=30))
    sizes = [len(chunk.frame) for chunk in chunks]
    assert sum(sizes) == 100
    assert max(sizes) <= 30 and len(sizes) >= 4
    if conditions:
        assert all((chunk.frame["color"] == "green").all() for chunk in chunks)


def test_generate_reports_the_rows_made_after_each_chunk(trained):
    heard: list[int] = []
    result = trained("ctgan").generate(100, seed=5, chunk_rows=30, on_rows=heard.append)
    assert heard == sorted(heard) and len(heard) >= 4
    assert heard[-1] == len(result.frame) == 100


def test_zero_rows_give_an_empty_table_with_the_columns(trained, mixed_frame):
    result = trained("ctgan").generate(0)
    assert len(result.frame) == 0 and result.copies_removed == 0
    assert list(result.frame.columns) == list(mixed_frame.columns)
    assert list(trained("ctgan").iter_chunks(0)) == []


# ----------------------------------------------------------------------- divergence
def test_non_finite_losses_raise_a_plain_training_error(monkeypatch, mixed_frame, mixed_schema):
    monkeypatch.setattr(GanCore, "step", nan_step)
    with pytest.raises(TrainingError, match=UNSTABLE) as caught:
        Synthesizer(config_for("ctgan")).fit(mixed_frame, mixed_schema)
    message = str(caught.value)
    assert "tensor" not in message and "Traceback" not in message and "\n" not in message


def test_absurd_learning_rate_raises_a_training_error(mixed_frame, mixed_schema):
    config = config_for("gan", generator_lr=1e30, discriminator_lr=1e30, epochs=2)
    with pytest.raises(TrainingError, match=UNSTABLE):
        Synthesizer(config).fit(mixed_frame, mixed_schema)


def test_job_with_non_finite_losses_fails_with_the_message(monkeypatch, mixed_frame, mixed_schema):
    monkeypatch.setattr(GanCore, "step", nan_step)
    job = TrainingJob(mixed_frame, mixed_schema, config_for("gan")).start()
    assert job.join(30)
    snap = job.snapshot()
    assert snap.state == "failed" and snap.done
    assert UNSTABLE in snap.error
    assert snap.progress.state == "failed" and snap.progress.message == snap.error
    assert job.result is None


def test_job_with_an_internal_error_fails_without_details(monkeypatch, mixed_frame, mixed_schema):
    def broken_step(self, batch, discriminator_steps=1):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(GanCore, "step", broken_step)
    job = TrainingJob(mixed_frame, mixed_schema, config_for("gan")).start()
    assert job.join(30)
    snap = job.snapshot()
    assert snap.state == "failed" and "internal error" in snap.error
    assert "secret" not in snap.error


# ---------------------------------------------------------------------------- jobs
def test_job_finishes_with_a_complete_snapshot(mixed_frame, mixed_schema):
    job = TrainingJob(mixed_frame, mixed_schema, config_for("ctgan")).start()
    assert job.join(60)
    snap = job.snapshot()
    assert snap.state == "finished" and snap.done and snap.error is None
    progress = snap.progress
    assert progress.state == "finished" and progress.done
    assert progress.fraction == 1.0 and progress.eta is None
    assert progress.epoch == progress.total_epochs == 1
    # a tenth of the rows is held back to judge the discriminator on (synth_core.training.callbacks)
    assert progress.step == progress.total_steps == len(mixed_frame) * 9 // 10 // 50
    assert snap.queue_position is None
    check_valid_rows(mixed_frame, job.result.sample(50, seed=1))


def test_a_job_is_active_from_its_queue_to_its_end(mixed_frame, mixed_schema):
    job = TrainingJob(mixed_frame, mixed_schema, config_for("gan"))
    assert job.active and job.snapshot().state == "queued"
    assert job.start().join(60)
    assert not job.active and job.snapshot().done


def test_eta_is_reported_while_running(big_frame, big_schema):
    job = long_job(big_frame, big_schema).start()
    try:
        wait_for(lambda: job.snapshot().progress.step > 0, what="the first steps")
        progress = job.snapshot().progress
        assert progress.state == "running" and not progress.done
        assert progress.eta is not None and progress.eta > 0
        assert 0 < progress.fraction < 1
    finally:
        job.stop()
        assert job.join(30)


def test_plain_fit_marks_its_progress_done(trained):
    snap = trained("gan").progress_.snapshot()
    assert snap.state == "finished" and snap.eta is None


def test_stop_ends_a_job_mid_epoch_and_keeps_what_it_learned(big_frame, big_schema):
    job = long_job(big_frame, big_schema).start()
    try:
        wait_for(lambda: job.snapshot().progress.epoch >= 1, what="the first epoch")
    finally:
        job.stop()
        under_way = job.snapshot().progress.epoch + 1
    # No wall-clock bound (a loaded machine may pause the thread): the run ends in the epoch
    # under way when Stop was pressed, or the next one, far from its 100,000 epochs.
    assert job.join(60), "the job did not stop"
    snap = job.snapshot()
    assert snap.state == "stopped" and snap.progress.state == "stopped"
    assert snap.progress.epoch <= under_way
    notes = [note for note in snap.progress.notes if "Stopped on request" in note]
    assert notes and int(notes[0].rsplit(" ", 1)[1].rstrip(".")) <= under_way + 1
    synth = job.result
    assert synth is not None and synth.stopped_early
    check_valid_rows(big_frame, synth.sample(50, seed=1))


def test_watchdog_stops_a_job_whose_owner_is_gone(monkeypatch, big_frame, big_schema):
    monkeypatch.setattr(jobs_module, "WATCHDOG_SECONDS", 0.05)
    alive = threading.Event()
    alive.set()
    job = long_job(big_frame, big_schema, keep_alive=alive.is_set).start()
    try:
        wait_for(lambda: job.snapshot().progress.step > 0, what="the first steps")
        assert job.snapshot().state == "running"
        alive.clear()
        assert job.join(10), "the watchdog did not stop the job"
    finally:
        job.stop()
    assert job.snapshot().state == "stopped"


def test_watchdog_treats_a_failing_keep_alive_as_gone(monkeypatch, big_frame, big_schema):
    monkeypatch.setattr(jobs_module, "WATCHDOG_SECONDS", 0.05)

    def keep_alive() -> bool:
        raise RuntimeError("session lookup failed")

    job = long_job(big_frame, big_schema, keep_alive=keep_alive).start()
    try:
        assert job.join(30), "the watchdog did not stop the job"
    finally:
        job.stop()
    assert job.snapshot().state == "stopped"


def test_slots_queue_a_second_job_until_the_first_ends(mixed_frame, mixed_schema):
    slots = TrainingSlots(capacity=1)
    first = long_job(mixed_frame, mixed_schema, slots=slots).start()
    second = TrainingJob(mixed_frame, mixed_schema, config_for("gan"), slots=slots)
    try:
        wait_for(lambda: first.snapshot().state == "running", what="the first job to run")
        second.start()
        wait_for(lambda: second.snapshot().queue_position == 1, what="the second job to queue")
        snap = second.snapshot()
        assert snap.state == "queued" and not snap.done
        assert snap.progress.step == 0
        assert first.snapshot().state == "running" and slots.running == 1
        time.sleep(0.3)  # still waiting a moment later
        assert second.snapshot().state == "queued"
    finally:
        first.stop()
    assert first.join(30)
    assert second.join(60)
    assert first.snapshot().state == "stopped"
    assert second.snapshot().state == "finished" and second.snapshot().queue_position is None
    assert slots.running == 0


def test_a_queued_job_can_be_stopped_before_it_starts(mixed_frame, mixed_schema):
    slots = TrainingSlots(capacity=1)
    first = long_job(mixed_frame, mixed_schema, slots=slots).start()
    second = TrainingJob(mixed_frame, mixed_schema, config_for("gan"), slots=slots)
    try:
        wait_for(lambda: first.snapshot().state == "running", what="the first job to run")
        second.start()
        wait_for(lambda: second.snapshot().queue_position == 1, what="the second job to queue")
        second.stop()
        assert second.join(5)
        snap = second.snapshot()
        assert snap.state == "stopped" and second.result is None
        assert "before it started" in snap.progress.message
        assert first.snapshot().state == "running"
    finally:
        first.stop()
        assert first.join(30)


# ----------------------------------------------------------------- fidelity / limits
def test_fidelity_is_estimated_every_epoch(mixed_frame, mixed_schema):
    config = config_for("ctgan", epochs=2, eval_every=1)
    synth = Synthesizer(config).fit(mixed_frame, mixed_schema)
    snap = synth.progress_.snapshot()
    assert [epoch for epoch, _ in snap.fidelity] == [1, 2]
    assert all(0.0 <= value <= 1.0 for _, value in snap.fidelity)
    best = max(snap.fidelity, key=lambda pair: pair[1])[0]
    assert snap.best_epoch == best


def scripted_estimates(monkeypatch, scores) -> list[dict]:
    """Make the fidelity estimates of the next fit return ``scores`` in turn; the returned list
    fills with a copy of the generator's weights at each estimate."""
    scores, weights, cores = iter(scores), [], []
    build = training_run.build_core

    def building(*args, **kwargs):
        cores.append(build(*args, **kwargs))
        return cores[-1]

    def estimate(transform, real, generated, seed):
        state = cores[-1].generator.state_dict()
        weights.append({k: v.detach().clone() for k, v in state.items()})
        return float(next(scores))

    monkeypatch.setattr(training_run, "build_core", building)
    monkeypatch.setattr(training_run, "fidelity_estimate", estimate)
    return weights


def test_without_keep_best_the_last_epoch_is_kept_and_no_best_is_claimed(
    monkeypatch, mixed_frame, mixed_schema
):
    synth = Synthesizer(config_for("vaegan", epochs=3, eval_every=1, keep_best=False))
    weights = scripted_estimates(monkeypatch, [0.9, 0.5, 0.4])
    synth.fit(mixed_frame, mixed_schema)
    snap = synth.progress_.snapshot()
    assert len(snap.fidelity) == 3 and snap.best_epoch is None
    assert not any("Kept the model" in note for note in snap.notes)
    final = synth.core_.generator.state_dict()
    assert all(torch.equal(final[k], weights[-1][k]) for k in final)


def test_early_stopping_ends_before_the_epoch_budget(monkeypatch, mixed_frame, mixed_schema):
    small = mixed_frame.iloc[:100]
    synth = Synthesizer(config_for("ctgan", epochs=30, eval_every=1, early_stopping=2))
    weights = scripted_estimates(monkeypatch, np.linspace(0.9, 0.1, 30))
    synth.fit(small, mixed_schema)
    snap = synth.progress_.snapshot()
    assert snap.epoch == 3 < snap.total_epochs  # best at 1, no better at 2 and 3
    assert len(snap.fidelity) == 3 and snap.best_epoch == 1
    assert any("Stopped early" in note for note in snap.notes)
    assert any("Kept the model from epoch 1" in note for note in snap.notes)
    # keep_best: the generator is the one that was estimated at epoch 1.
    final = synth.core_.generator.state_dict()
    assert all(torch.equal(final[k], weights[0][k]) for k in final)
    assert not all(torch.equal(weights[0][k], weights[2][k]) for k in final)


def test_time_limit_stops_early_with_a_note(mixed_frame, mixed_schema):
    config = config_for("gan", epochs=50, max_seconds=1e-6)
    synth = Synthesizer(config).fit(mixed_frame.iloc[:100], mixed_schema)
    snap = synth.progress_.snapshot()
    assert snap.epoch == 1 < snap.total_epochs
    assert any("time limit" in note for note in snap.notes)
    assert len(synth.sample(10)) == 10


def test_a_longer_time_limit_is_trained_under_and_said(monkeypatch, mixed_frame, mixed_schema):
    from synth_core import synthesizer

    monkeypatch.setattr(synthesizer, "time_limit", lambda schema, rows, config: 99.0)
    config = TINY_CONFIG.replace(variant="argn", max_seconds=30.0)
    synth = Synthesizer(config).fit(mixed_frame, mixed_schema)
    assert synth.config_.max_seconds == 99.0
    notes = [note for note in synth.progress_.snapshot().notes if "time limit is 99 s" in note]
    assert notes == [
        "The time limit is 99 s instead of 30 s: a table of 6 columns needs a few passes over "
        "its rows to give realistic rows."
    ]
