"""Differential privacy: honest accounting, preprocessing that reads data only through noise,
and ε kept in the model file."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from opacus.accountants import RDPAccountant
from safetensors.torch import load as load_safetensors

from synth_core.cli import main
from synth_core.encoding.transform import TableTransform
from synth_core.errors import TrainingError
from synth_core.modelfile import HASHES_KEY
from synth_core.models.variants import VARIANTS, recommended_private, validated
from synth_core.privacy import dp
from synth_core.privacy.plan import plan_privacy
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from tests.helpers import TINY_CONFIG, make_mixed_frame

DP_CONFIG = TINY_CONFIG.replace(variant="wgan-gp", dp_epsilon=3.0, epochs=2, threads=1)


@pytest.fixture(scope="module")
def big():
    frame = make_mixed_frame(3000, seed=4)
    return frame, infer_schema(frame)


@pytest.fixture(scope="module")
def private(big) -> Synthesizer:
    frame, schema = big
    return Synthesizer(DP_CONFIG).fit(frame, schema)


def test_the_epsilon_spent_is_what_opacus_counts(private, big) -> None:
    record = private.privacy_
    rows = len(big[0])  # some rows may be held back to judge the critic: q can be larger
    assert DP_CONFIG.batch_size / rows <= record.sample_rate < 1.2 * DP_CONFIG.batch_size / rows
    assert record.steps == DP_CONFIG.epochs * int(1 / record.sample_rate + 1e-9)

    sgd = (record.noise_multiplier, record.sample_rate, record.steps)
    accountant = RDPAccountant()
    accountant.history = [sgd]
    assert dp.epsilon_spent([sgd], 1e-5) == pytest.approx(accountant.get_epsilon(1e-5), rel=1e-9)

    both = [(record.histogram_noise, 1.0, 1), sgd]
    budget = dp.plan_budget(3.0, rows, 6, 2)
    assert record.epsilon == pytest.approx(dp.epsilon_spent(both, budget.rdp_delta))
    accountant.history = both  # Opacus's default orders only: never tighter than ours
    assert record.epsilon <= accountant.get_epsilon(budget.rdp_delta) + 1e-9
    assert 0.97 * 3.0 <= record.epsilon <= 3.0
    assert record.delta == pytest.approx(1 / (10 * rows)) and record.delta < 1 / rows


def _moved(frame):
    """The same table with extreme values pushed out and category frequencies shifted."""
    changed = frame.copy()
    changed.loc[0, "age"] = 1_000
    changed.loc[1, "amount"] = -50_000.0
    reds = changed.index[changed["color"] == "red"][:20]
    changed.loc[reds, "color"] = "green"
    changed.loc[2, "color"] = "violet"  # a category only one row has
    return changed


def _state(frame, schema, config, **declared):
    domain = plan_privacy(frame, schema, config, **declared).domain
    return TableTransform(seed=config.seed).fit(frame, schema, domain=domain).to_dict()


def test_declared_bounds_make_the_transform_independent_of_the_data(big) -> None:
    frame, schema = big
    bounds = {"age": (18, 90), "amount": (0, 1000), "joined": (1.5e9, 1.7e9), "score": (0, 100)}
    categories = {"color": ["red", "green", "blue"], "member": ["yes", "no"]}
    declared = {"declared_bounds": bounds, "declared_categories": categories}
    changed = frame.sample(frac=1.0, random_state=1).reset_index(drop=True)
    changed = _moved(changed.iloc[:1000])  # other rows, other extremes, other frequencies

    assert _state(frame, schema, DP_CONFIG, **declared) == _state(
        changed, schema, DP_CONFIG, **declared
    )


def test_released_bounds_and_categories_ignore_single_rows(big) -> None:
    frame, schema = big
    moved = _moved(frame)

    state = _state(frame, schema, DP_CONFIG)
    assert state == _state(moved, schema, DP_CONFIG)
    plain = TableTransform().fit(frame, schema).to_dict()
    assert plain != TableTransform().fit(moved, schema).to_dict()
    color = next(c for c in state["columns"] if c["plan"]["name"] == "color")
    assert "s:violet" not in color["encoder"]["categories"]
    assert len(set(color["encoder"]["frequencies"])) == 1  # no real frequency in the transform
    age = next(c for c in state["columns"] if c["plan"]["name"] == "age")
    assert age["plan"]["maximum"] < 200  # the outlier's bin is not released


def test_the_model_file_keeps_epsilon_and_no_row_fingerprints(private) -> None:
    data = private.to_bytes()
    loaded = Synthesizer.load(data)

    assert loaded.privacy_ == private.privacy_
    assert (
        loaded.config.dp_epsilon == 3.0 and VARIANTS[loaded.config.variant].pac(loaded.config) == 1
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tensors = load_safetensors(archive.read("tensors.safetensors"))
    assert tensors[HASHES_KEY].numel() == 0
    assert len(loaded.sample(50)) == 50
    assert "ε = " in dp.describe(loaded.privacy_) and "Not" in dp.describe(None)


def test_settings_that_cannot_be_private_are_refused(big) -> None:
    with pytest.raises(TrainingError, match="CTGAN and WGAN-GP"):
        validated(TINY_CONFIG.replace(variant="gan", dp_epsilon=1.0))
    with pytest.raises(TrainingError, match="pac 1"):
        validated(TINY_CONFIG.replace(dp_epsilon=1.0, pac=10))
    with pytest.raises(TrainingError, match="above 0"):
        validated(TINY_CONFIG.replace(dp_epsilon=0.0))
    frame, schema = big
    with pytest.raises(TrainingError, match=r"too few rows|common enough"):
        Synthesizer(DP_CONFIG.replace(dp_epsilon=0.05)).fit(frame.iloc[:100], schema)


def test_ctgan_trains_privately(big) -> None:
    frame, schema = big
    synth = Synthesizer(DP_CONFIG.replace(variant="ctgan", epochs=1)).fit(frame, schema)

    assert synth.privacy_.epsilon <= 3.0
    out = synth.sample(100, conditions={"color": "blue"})
    assert (out["color"] == "blue").all()


def test_cli_fit_with_dp_epsilon(tmp_path, capsys) -> None:
    data, model = tmp_path / "data.csv", tmp_path / "model.synth"
    make_mixed_frame(1500).to_csv(data, index=False)
    common = [str(data), "--out", str(model), "--epochs", "1", "--threads", "1"]

    assert main(["fit", *common, "--variant", "wgan-gp", "--dp-epsilon", "10"]) == 0
    assert "ε = " in capsys.readouterr().err
    assert Synthesizer.load(model).privacy_.epsilon_target == 10.0
    # Without --variant: the recommended type has no differential privacy, so the best ranked
    # type that has it trains, and a note says so.
    assert main(["fit", *common, "--dp-epsilon", "10"]) == 0
    err = capsys.readouterr().err
    assert f"note: --dp-epsilon trains {recommended_private().name}" in err
    assert Synthesizer.load(model).config.variant == recommended_private().name
    assert main(["fit", *common, "--variant", "gan", "--dp-epsilon", "10"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert np.isfinite(Synthesizer.load(model).privacy_.epsilon)


def test_a_private_model_gives_gaps_only_to_columns_whose_noisy_count_of_gaps_says_so(big):
    # A missing flag on every decimal column, learnt in a few private epochs, left 60 % of the
    # cells of full columns empty.
    frame, schema = big
    frame = frame.assign(full=np.linspace(0.5, 99.5, len(frame)), gappy=np.linspace(0, 1, 3000))
    frame.loc[frame.index[::3], "gappy"] = np.nan  # a third empty
    frame.loc[frame.index[7], "full"] = np.nan  # one empty cell: below the noise
    schema = infer_schema(frame)
    domain = plan_privacy(frame, schema, DP_CONFIG).domain
    assert "gappy" in domain.gaps and "full" not in domain.gaps
    state = {c["plan"]["name"]: c["encoder"] for c in _state(frame, schema, DP_CONFIG)["columns"]}
    assert state["gappy"]["has_missing"] and not state["full"]["has_missing"]
    out = Synthesizer(DP_CONFIG).fit(frame, schema).sample(300, seed=1)
    assert out["full"].notna().all()
