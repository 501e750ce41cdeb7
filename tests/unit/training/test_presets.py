"""Presets and per-model-type defaults."""

from __future__ import annotations

import pytest

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError
from synth_core.models.variants import VARIANTS, config_for, validated
from synth_core.training.loop import batch_rows
from synth_core.training.presets import PRESETS, RECOMMENDED_VARIANT, preset_config


def test_recommended_variant_is_a_known_one_and_has_its_own_defaults():
    assert RECOMMENDED_VARIANT in VARIANTS
    assert VARIANTS[RECOMMENDED_VARIANT].recommended
    assert VARIANTS[RECOMMENDED_VARIANT].defaults


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_preset_trains_the_recommended_variant_with_its_defaults(name):
    config = preset_config(name)
    assert config.variant == RECOMMENDED_VARIANT
    for key, value in VARIANTS[RECOMMENDED_VARIANT].defaults.items():
        assert getattr(config, key) == value
    assert config.epochs == PRESETS[name].settings_for(RECOMMENDED_VARIANT)["epochs"]
    validated(config)


def test_another_variant_gets_the_papers_defaults_under_the_preset():
    config = preset_config("quick", variant="ctgan")
    assert config.variant == "ctgan"
    assert (config.generator_lr, config.generator_dims) == (2e-4, (256, 256))
    assert config.max_seconds == PRESETS["quick"].settings_for("ctgan")["max_seconds"]


def test_explicit_settings_override_the_preset_and_none_is_ignored():
    config = preset_config("best", epochs=7, generator_lr=None, seed=3)
    assert (config.epochs, config.seed) == (7, 3)
    assert config.generator_lr == VARIANTS[RECOMMENDED_VARIANT].defaults["generator_lr"]


def test_unknown_preset_is_refused_with_the_choices():
    with pytest.raises(TrainingError, match="quick, balanced, best"):
        preset_config("fastest")


def test_for_variant_puts_the_variants_defaults_under_the_given_settings():
    assert config_for("ctgan") == TrainingConfig()
    config = config_for("vaegan", noise_dim=None, generator_lr=5e-4)
    assert config.generator_lr == 5e-4
    assert config.noise_dim == VARIANTS["vaegan"].defaults["noise_dim"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"adversarial_every": 0}, "critic interval"),
        ({"reconstruction_weight": 0.0}, "reconstruction weight"),
        ({"adversarial_weight": -1.0}, "adversarial weight"),
    ],
)
def test_invalid_vaegan_settings_are_refused(changes, message):
    with pytest.raises(TrainingError, match=message):
        validated(config_for("vaegan", **changes))


@pytest.mark.parametrize(("rows", "expected"), [(26_000, 500), (4_000, 400), (455, 40), (60, 10)])
def test_presets_give_small_tables_smaller_batches(rows, expected):
    config = preset_config("quick", variant="vaegan")  # batch 500, pac 10, 10 steps per epoch
    assert batch_rows(config, rows, VARIANTS[config.variant].pac(config)) == expected


def test_without_a_minimum_the_batch_is_the_configured_one():
    config = TrainingConfig(batch_size=500)
    assert batch_rows(config, 455, 10) == 450
    assert batch_rows(config, 455, 1) == 455
