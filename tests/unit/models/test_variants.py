"""The registry of model types: each declared once, found by itself, and a new one needs only its
own declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError
from synth_core.models import variants
from synth_core.models.variants import VARIANTS, Variant, config_for, register, unregister
from synth_core.synthesizer import Synthesizer
from synth_core.training.presets import preset_config
from tests.helpers import TINY_CONFIG, check_valid_rows, run_python

ROOT = Path(__file__).parents[3]

TOY = Variant(
    name="toy",
    title="Toy GAN",
    description="A classic GAN with a tiny noise vector, to show that one declaration is enough.",
    objective="bce",
    conditioning=None,
    default_pac=2,
    rank=99,
    defaults={"noise_dim": 4},
    preset_settings={"quick": {"epochs": 3, "max_seconds": 5.0}},
)


@pytest.fixture
def toy():
    register(TOY)
    yield TOY
    unregister(TOY.name)


def test_the_registry_finds_every_declared_model_type_in_listing_order():
    assert list(VARIANTS) == ["argn", "vaegan", "ctgan", "wgan-gp", "gan", "cgan"]
    assert variants.recommended().name == "argn"
    assert [v.name for v in VARIANTS.values() if v.supports_dp] == ["ctgan", "wgan-gp"]
    assert variants.dp_titles() == "CTGAN and WGAN-GP"


def test_a_new_model_type_registered_in_one_place_trains_samples_and_saves(
    toy, mixed_frame, mixed_schema, tmp_path
):
    assert list(VARIANTS)[-1] == "toy"
    config = TINY_CONFIG.replace(variant="toy", noise_dim=4)
    synth = Synthesizer(config).fit(mixed_frame, mixed_schema)
    assert synth.core_.pac == 2
    check_valid_rows(mixed_frame, synth.sample(50))
    synth.save(tmp_path / "toy.synth")
    again = Synthesizer.load(tmp_path / "toy.synth", device="cpu")
    assert again.variant_ is toy
    assert again.sample(20, seed=3).equals(synth.sample(20, seed=3))


def test_a_new_model_type_brings_its_defaults_and_preset_settings(toy):
    assert config_for("toy").noise_dim == 4
    assert config_for("toy", noise_dim=9).noise_dim == 9
    quick = preset_config("quick", variant="toy")
    assert (quick.epochs, quick.max_seconds, quick.noise_dim) == (3, 5.0, 4)
    assert preset_config("balanced", variant="toy").epochs == preset_config("balanced").epochs


def test_the_command_line_lists_a_new_model_type(toy):
    from synth_core.cli import build_parser

    args = build_parser().parse_args(["fit", "data.csv", "--out", "m.synth", "--variant", "toy"])
    assert args.variant == "toy"


def test_a_name_cannot_be_registered_twice_with_other_choices():
    clash = Variant(
        name="ctgan",
        title="Other",
        description="",
        objective="bce",
        conditioning=None,
        default_pac=1,
        rank=5,
    )
    with pytest.raises(ValueError, match="already registered"):
        register(clash)
    assert VARIANTS["ctgan"].title == "CTGAN"


def test_a_declaration_with_an_unknown_family_is_refused():
    with pytest.raises(ValueError, match="unknown family"):
        Variant(
            name="x",
            title="X",
            description="",
            objective="bce",
            conditioning=None,
            default_pac=1,
            rank=5,
            family="diffusion",
        )


def test_an_unknown_model_type_names_the_known_ones():
    with pytest.raises(TrainingError, match=r"Unknown model type 'nope'\. Choose one of: argn"):
        variants.get("nope")
    with pytest.raises(TrainingError, match="Unknown model type"):
        variants.validated(TrainingConfig(variant="nope"))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (TrainingConfig(variant="gan", dp_epsilon=1.0), "only, not 'gan'"),
        (TrainingConfig(variant="ctgan", dp_epsilon=1.0, pac=10), "Leave pac unset"),
        (TrainingConfig(variant="cgan"), "needs a column to condition on"),
    ],
)
def test_a_model_type_refuses_what_it_cannot_do(config, message):
    with pytest.raises(TrainingError, match=message):
        variants.validated(config)


def test_pac_follows_the_type_the_setting_and_privacy():
    assert VARIANTS["ctgan"].pac(TrainingConfig()) == 10
    assert VARIANTS["gan"].pac(TrainingConfig()) == 1
    assert VARIANTS["ctgan"].pac(TrainingConfig(pac=4)) == 4
    assert VARIANTS["ctgan"].pac(TrainingConfig(dp_epsilon=3.0)) == 1


def test_the_registry_loads_without_torch():
    code = (
        "import sys; from synth_core.models.variants import VARIANTS; "
        "sys.exit(3 if 'torch' in sys.modules or len(VARIANTS) < 5 else 0)"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("rows", "columns", "bins", "hidden"),
    [(500, 5, 5, (16,)), (500, 60, 5, (16,)), (5000, 8, 40, (64,)), (5000, 40, 20, (64,))],
)
def test_the_recommended_model_is_sized_to_the_tables_rows_and_columns(rows, columns, bins, hidden):
    config = VARIANTS["argn"].sized(preset_config("balanced"), rows, columns)
    assert (config.value_bins, config.generator_dims) == (bins, hidden)
    assert VARIANTS["ctgan"].sized(TrainingConfig(), rows, columns) == TrainingConfig()


def test_best_regularises_its_networks_with_dropout_except_on_a_small_table():
    best, argn = preset_config("best"), VARIANTS["argn"]
    assert best.dropout > 0
    assert argn.sized(best, 5000, 15).dropout == best.dropout
    assert argn.sized(best, 500, 15).dropout == 0
    assert preset_config("quick").dropout == preset_config("balanced").dropout == 0


def test_a_narrow_table_is_trained_with_the_narrow_settings():
    from tests.helpers import make_mixed_frame

    frame = make_mixed_frame(rows=2500, seed=1)
    synth = Synthesizer(config_for("argn", epochs=1)).fit(frame)
    assert synth.config_.value_bins == VARIANTS["argn"].narrow_table[1]["value_bins"]
    assert synth.core_.layout.bins == synth.config_.value_bins


def test_an_ensemble_is_refused_for_a_model_type_without_one():
    with pytest.raises(TrainingError, match="ensemble of several networks is available for"):
        variants.validated(config_for("ctgan", members=3))
    assert variants.validated(config_for("argn", members=3)).members == 3
