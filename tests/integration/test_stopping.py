"""Stop takes effect in every phase: the stop event is set as a phase begins, and the run must
end at its next check without going on to the following phase (counted, never timed)."""

from __future__ import annotations

import threading

import pytest

from synth_core import synthesizer as synthesizer_module
from synth_core.encoding.encoders import CategoricalEncoder, ContinuousEncoder
from synth_core.errors import Stopped
from synth_core.evaluation import evaluate as evaluate_module
from synth_core.evaluation.evaluate import evaluate
from synth_core.jobs import NO_MODEL, TrainingJob
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.training import run as run_module
from synth_core.training.loop import StepRecord
from tests.helpers import config_for, make_mixed_frame


@pytest.fixture(scope="module")
def frame():
    return make_mixed_frame(300, seed=2)


@pytest.fixture(scope="module")
def schema(frame):
    return infer_schema(frame)


class Calls:
    """Counts calls of a patched function; the first call sets ``stop``."""

    def __init__(self, stop: threading.Event):
        self.stop, self.count = stop, 0

    def wrap(self, original):
        def patched(*args, **kwargs):
            self.count += 1
            self.stop.set()
            return original(*args, **kwargs)

        return patched


def stop_at(monkeypatch, owner, name: str, stop: threading.Event) -> Calls:
    """Set ``stop`` when ``owner.name`` is first called, and count its calls."""
    calls = Calls(stop)
    monkeypatch.setattr(owner, name, calls.wrap(getattr(owner, name)))
    return calls


def count(monkeypatch, owner, name: str) -> Calls:
    """Count calls of ``owner.name`` without setting anything."""
    calls = Calls(threading.Event())
    monkeypatch.setattr(owner, name, calls.wrap(getattr(owner, name)))
    return calls


PHASES = {
    # phase: (where it begins, what would come after it)
    "schema": ((synthesizer_module, "infer_schema"), (synthesizer_module, "plan_privacy")),
    "privacy plan": ((synthesizer_module, "plan_privacy"), (ContinuousEncoder, "fit")),
    "mixture fits": ((ContinuousEncoder, "fit"), (CategoricalEncoder, "fit")),
    "encoding": ((ContinuousEncoder, "transform"), (run_module, "hold_back")),
    "probe split": ((run_module, "hold_back"), (run_module, "build_core")),
}


@pytest.mark.parametrize("phase", PHASES)
def test_a_fit_stopped_in_a_phase_ends_there_without_a_model(monkeypatch, frame, phase):
    (begins, name), (later, later_name) = PHASES[phase]
    stop = threading.Event()
    calls = stop_at(monkeypatch, begins, name, stop)
    after = count(monkeypatch, later, later_name)
    synth = Synthesizer(config_for("vaegan", epochs=100_000))
    with pytest.raises(Stopped):
        synth.fit(frame, None, stop=stop)
    assert calls.count == 1, f"{phase} went on after Stop"
    assert after.count == 0, f"the phase after {phase} began"
    assert not hasattr(synth, "parts_")


def test_a_fit_stopped_within_its_first_epoch_keeps_what_its_steps_learned(monkeypatch, frame):
    # As a time limit reached within the first epoch does: a big table's first epoch is long.
    stop = threading.Event()
    calls = stop_at(monkeypatch, StepRecord, "add", stop)
    synth = Synthesizer(config_for("vaegan", epochs=100_000)).fit(frame, None, stop=stop)
    snap = synth.progress_.snapshot()
    assert calls.count == 1 and snap.state == "stopped" and snap.epoch <= 1
    assert 0 < snap.step < snap.total_steps / 100_000  # within the first epoch
    assert len(synth.sample(50, seed=1)) == 50


def test_a_job_stopped_while_preparing_says_no_model_exists(monkeypatch, frame, schema):
    job = TrainingJob(frame, schema, config_for("ctgan", epochs=100_000))
    calls = stop_at(monkeypatch, ContinuousEncoder, "fit", job._stop)
    assert job.start().join(60)
    snap = job.snapshot()
    assert calls.count == 1
    assert snap.state == "stopped" and job.result is None
    assert snap.progress.message == NO_MODEL


def test_generation_stops_before_its_next_chunk(monkeypatch, frame, schema):
    synth = Synthesizer(config_for("gan")).fit(frame, schema)
    stop = threading.Event()
    chunks = stop_at(monkeypatch, synthesizer_module, "generate_frame", stop)
    with pytest.raises(Stopped):
        synth.generate(10_000, chunk_rows=100, stop=stop)
    assert chunks.count == 1


def test_scoring_stops_before_its_next_part(monkeypatch, frame, schema):
    synthetic = make_mixed_frame(300, seed=9)
    stop = threading.Event()
    marginals = stop_at(monkeypatch, evaluate_module, "column_marginals", stop)
    associations = count(monkeypatch, evaluate_module, "association_matrices")
    with pytest.raises(Stopped):
        evaluate(frame, synthetic, schema, stop=stop)
    assert marginals.count == 1 and associations.count == 0


def test_ctrl_c_during_a_command_line_fit_saves_the_model_learned_so_far(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    adult = repo / "synth_core" / "tables" / "datasets" / "adult.csv.gz"  # long enough to stop
    model = tmp_path / "m.synth"
    process = subprocess.Popen(
        [sys.executable, "-m", "synth_core", "fit", adult, "--out", model, "--preset", "best"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    try:
        seen = ""
        while line := process.stderr.readline():  # the first progress line: training began
            seen += line
            if line.startswith("epoch"):
                process.send_signal(signal.SIGINT)
                break
        stdout, stderr = process.communicate(timeout=120)
        stderr = seen + stderr
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0, stderr
    assert "the model learned so far will be saved" in stderr
    assert "Stopped on request" in stderr
    assert f"saved {model}" in stdout
    assert len(Synthesizer.load(model, device="cpu").sample(5)) == 5
