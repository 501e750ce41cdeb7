"""The live story of a run: the discriminator's accuracy on held-back rows and the health
warnings, from real tiny trainings on the CPU, with planted failures."""

from __future__ import annotations

import pandas as pd
import pytest

from synth_core.cli import main
from synth_core.models.variants import VARIANTS
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.training import callbacks, run
from tests.helpers import TINY_CONFIG, config_for, every_value_learnt, make_mixed_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_mixed_frame(rows=1000, seed=2)


@pytest.fixture(scope="module")
def schema(frame):
    return infer_schema(frame)


def warning_keys(synth: Synthesizer, level: str = "warning") -> list[str]:
    return [w.key for w in synth.progress_.snapshot().warnings if w.level == level]


def one_row_repeated(real: pd.DataFrame):
    """A stand-in for a collapsed generator: every generated row is the first real row."""

    def generate_frame(core, transform, n, rng, condition=None):
        return real.iloc[[0] * n].reset_index(drop=True)

    return generate_frame


# ------------------------------------------------------------------------------ accuracy
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_accuracy_on_real_and_synthetic_rows_is_recorded_every_few_steps(frame, schema, variant):
    synth = Synthesizer(config_for(variant, epochs=2)).fit(frame.iloc[:600], schema)
    snap = synth.progress_.snapshot()

    steps = [step for step, _, _ in snap.accuracy]
    assert steps == list(range(callbacks.PROBE_EVERY, snap.step + 1, callbacks.PROBE_EVERY))
    assert all(0.0 <= real <= 1.0 and 0.0 <= fake <= 1.0 for _, real, fake in snap.accuracy)


def test_rows_are_held_back_from_training_to_judge_on(frame, schema):
    synth = Synthesizer(config_for("gan")).fit(frame, schema)
    held = min(callbacks.PROBE_ROWS, len(frame) // 10)
    snap = synth.progress_.snapshot()
    assert snap.total_steps == (len(frame) - held) // TINY_CONFIG.batch_size


def test_a_table_too_small_to_spare_a_group_has_no_accuracy(schema):
    small = make_mixed_frame(rows=60)
    synth = Synthesizer(config_for("ctgan", epochs=12)).fit(small, schema)  # pac 10: none spared
    snap = synth.progress_.snapshot()
    assert snap.step >= callbacks.PROBE_EVERY and snap.accuracy == ()


def test_seeded_runs_repeat_their_accuracy_and_warnings_exactly(frame, schema):
    config = config_for("ctgan", epochs=3, eval_every=1)
    first, again = (Synthesizer(config).fit(frame, schema) for _ in range(2))
    a, b = first.progress_.snapshot(), again.progress_.snapshot()
    assert a.accuracy and a.accuracy == b.accuracy
    assert a.fidelity == b.fidelity and a.warnings == b.warnings
    pd.testing.assert_frame_equal(first.sample(100, seed=3), again.sample(100, seed=3))


def test_judging_leaves_the_training_exactly_as_without_it(monkeypatch, frame, schema):
    config = config_for("ctgan", epochs=2)
    judged = Synthesizer(config).fit(frame, schema)
    monkeypatch.setattr(callbacks, "PROBE_EVERY", 10**9)  # never judge
    unjudged = Synthesizer(config).fit(frame, schema)
    assert judged.progress_.snapshot().accuracy and not unjudged.progress_.snapshot().accuracy
    pd.testing.assert_frame_equal(judged.sample(200, seed=5), unjudged.sample(200, seed=5))


# ------------------------------------------------------------------------------ warnings
def test_a_healthy_short_run_raises_no_warning(frame, schema):
    synth = Synthesizer(config_for("ctgan", epochs=13, eval_every=5)).fit(frame, schema)
    snap = synth.progress_.snapshot()
    assert snap.step > 200  # past the warm-up, so the loss checks did run
    assert warning_keys(synth) == []


def test_a_frozen_generator_against_a_learning_discriminator_is_vanishing_gradients(frame, schema):
    config = config_for("gan", epochs=20, generator_lr=1e-12, discriminator_lr=1e-3)
    with every_value_learnt():  # the critic wins outright on the rare extremes of this table
        synth = Synthesizer(config).fit(frame, schema)
    snap = synth.progress_.snapshot()
    assert "vanishing_gradients" in warning_keys(synth)
    assert all(real + fake >= 1.8 for _, real, fake in snap.accuracy[-10:])
    warning = next(w for w in snap.warnings if w.key == "vanishing_gradients")
    assert "learning rate" in warning.advice


def test_a_generator_writing_one_row_is_mode_collapse(monkeypatch, frame, schema):
    monkeypatch.setattr(run, "generate_frame", one_row_repeated(frame))
    synth = Synthesizer(config_for("ctgan", eval_every=1)).fit(frame, schema)
    assert warning_keys(synth) == ["mode_collapse"]
    warning = synth.progress_.snapshot().warnings[0]
    assert "repeats" in warning.sentence and warning.advice


def test_the_command_line_prints_the_warnings(monkeypatch, capsys, tmp_path, frame):
    frame.to_csv(tmp_path / "data.csv", index=False)
    monkeypatch.setattr(run, "generate_frame", one_row_repeated(frame))
    argv = ["fit", str(tmp_path / "data.csv"), "--out", str(tmp_path / "m.synth")]
    code = main([*argv, "--epochs", "1", "--device", "cpu", "--batch-size", "100"])

    assert code == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(lines) == 1 and "mode collapse" in lines[0] and "What" not in lines[0]
    assert "Train longer" in lines[0]
