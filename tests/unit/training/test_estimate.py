"""Model size and time estimates made from the schema alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from synth_core.config import TrainingConfig
from synth_core.encoding.transform import TableTransform
from synth_core.models.networks import Discriminator, Generator
from synth_core.models.variants import VARIANTS, config_for
from synth_core.schema import infer_schema
from synth_core.training.estimate import encoded_width, estimate_model
from synth_core.training.presets import preset_config


def test_width_is_exact_for_categories_and_an_upper_bound_for_numbers(mixed_frame) -> None:
    rng = np.random.default_rng(0)
    categories = pd.DataFrame(
        {"a": rng.choice(list("xyz"), 300), "b": rng.choice(["yes", "no", None], 300)}
    )
    schema = infer_schema(categories)
    assert encoded_width(schema) == TableTransform().fit(categories, schema).width

    schema = infer_schema(mixed_frame)
    assert encoded_width(schema) >= TableTransform().fit(mixed_frame, schema).width


def test_a_time_stamp_is_counted_as_its_calendar_parts() -> None:
    rng = np.random.default_rng(1)
    seconds = rng.integers(0, 3 * 365 * 86_400, 400)
    stamps = pd.Timestamp("2020-01-01") + pd.to_timedelta(seconds, "s")
    frame = pd.DataFrame({"at": stamps.strftime("%Y-%m-%d %H:%M:%S"), "n": rng.normal(size=400)})
    schema = infer_schema(frame)
    fitted = TableTransform().fit(frame, schema)
    assert len([span for span in fitted.spans if span.role == "value"]) == 4  # year, day, time, n
    assert encoded_width(schema) >= fitted.width
    as_number = infer_schema(frame.assign(at=seconds.astype(float)))
    for preset in ("quick", "best"):
        config = preset_config(preset)
        stamp, number = estimate_model(schema, 400, config), estimate_model(as_number, 400, config)
        assert stamp.seconds_per_epoch > 2 * number.seconds_per_epoch
        assert encoded_width(schema) > encoded_width(as_number)


def test_weights_match_the_networks_built_for_that_width(mixed_frame) -> None:
    schema = infer_schema(mixed_frame)
    config = TrainingConfig()
    estimate = estimate_model(schema, 1000, config)
    condition = sum(
        column.distinct + (column.missing > 0)
        for column in schema.included
        if column.kind.value in ("categorical", "boolean")
    )

    def count(module: torch.nn.Module) -> int:
        return sum(p.numel() for p in module.parameters())

    discriminator = Discriminator(
        estimate.width,
        config.discriminator_dims,
        pac=VARIANTS[config.variant].pac(config),
        cond_dim=condition,
    )
    assert count(discriminator) == estimate.discriminator_weights
    batch_norm = 2 * sum(config.generator_dims)  # scale and shift: not dense weights
    for block in ("residual", "concat"):
        estimate = estimate_model(schema, 1000, config.replace(generator_block=block))
        generator = Generator(
            config.noise_dim + condition, config.generator_dims, estimate.width, block
        )
        assert count(generator) - batch_norm == estimate.generator_weights


def test_time_grows_with_rows_and_columns(mixed_frame) -> None:
    schema = infer_schema(mixed_frame)
    small, large = estimate_model(schema, 1_000), estimate_model(schema, 10_000)
    assert large.seconds_per_epoch == pytest.approx(10 * small.seconds_per_epoch)
    assert small.seconds_per_epoch > 0
    fewer = estimate_model(schema.with_only(["age", "color"]), 1_000)
    assert fewer.seconds_per_epoch < small.seconds_per_epoch
    assert fewer.file_megabytes < small.file_megabytes


def test_vaegan_weights_match_its_decoder_and_critic(mixed_frame) -> None:
    from synth_core.models.networks import Decoder

    schema = infer_schema(mixed_frame)
    config = config_for("vaegan")
    estimate = estimate_model(schema, 1000, config)
    decoder = Decoder(config.noise_dim, config.generator_dims, estimate.width, scalars=0)
    critic = Discriminator(
        estimate.width, config.discriminator_dims, pac=VARIANTS[config.variant].pac(config)
    )
    assert sum(p.numel() for p in decoder.parameters()) == estimate.generator_weights
    assert sum(p.numel() for p in critic.parameters()) == estimate.discriminator_weights
    rarer = estimate_model(schema, 1000, config.replace(adversarial_every=8))
    assert rarer.seconds_per_epoch < estimate.seconds_per_epoch


def test_best_quality_trains_an_ensemble_and_its_estimate_counts_every_member(mixed_frame):
    from synth_core.training.presets import preset_config

    schema = infer_schema(mixed_frame)
    best, balanced = preset_config("best"), preset_config("balanced")
    assert (best.members, balanced.members, preset_config("quick").members) == (3, 1, 1)
    assert preset_config("best", variant="ctgan").members == 1  # no ensemble of GANs
    one, three = estimate_model(schema, 1000, balanced), estimate_model(schema, 1000, best)
    assert three.seconds_per_epoch == pytest.approx(3 * one.seconds_per_epoch)
    assert three.generator_weights == 3 * one.generator_weights


def test_an_ensemble_keeps_only_the_members_whose_epochs_fit_the_budget(monkeypatch, mixed_frame):
    from synth_core.training import estimate
    from synth_core.training.presets import preset_config

    schema, best = infer_schema(mixed_frame), preset_config("best")

    def members(rows: int) -> int:  # for the network a table of ``rows`` rows trains
        sized = VARIANTS["argn"].sized(best, rows, len(schema.included))
        return estimate.ensemble_members(schema, rows, sized)

    one = estimate_model(schema, 1000, best.replace(members=1)).seconds_per_epoch
    monkeypatch.setattr(estimate, "ENSEMBLE_EPOCH_SECONDS", 2.5 * one)
    assert members(1000) == 2
    assert estimate_model(schema, 1000, best).seconds_per_epoch == pytest.approx(2 * one)
    assert members(100) == 3  # fewer rows: cheaper epochs
    assert members(10_000) == 1  # never fewer than one


def test_the_estimate_is_of_the_network_a_table_of_that_size_trains(mixed_frame):
    from synth_core.training.presets import preset_config

    schema, config = infer_schema(mixed_frame), preset_config("balanced")
    small, big = estimate_model(schema, 500, config), estimate_model(schema, 5000, config)
    assert small.generator_weights < big.generator_weights  # tables under 2,000 rows: smaller


def test_a_time_limited_run_on_a_wide_table_gets_time_for_a_few_epochs():
    # An 86-column survey under the Quick demo's limit trained 3 epochs; a classifier told
    # every synthetic row from a real one (8 epochs: detection 0.97, quality 89 % → 95 %).
    from synth_core.training.estimate import LIMIT_STRETCH, MIN_LIMITED_EPOCHS, time_limit
    from synth_core.training.presets import preset_config

    rng = np.random.default_rng(0)
    wide = pd.DataFrame({f"q{i}": rng.integers(0, 9, 400) for i in range(86)})
    narrow = wide.iloc[:, :6]
    quick = preset_config("quick")
    assert time_limit(infer_schema(narrow), 5822, quick) == quick.max_seconds
    schema = infer_schema(wide)
    longer = time_limit(schema, 5822, quick)
    assert quick.max_seconds < longer <= LIMIT_STRETCH * quick.max_seconds
    epoch = estimate_model(schema, 5822, quick).seconds_per_epoch
    assert longer >= min(MIN_LIMITED_EPOCHS * epoch / 2, LIMIT_STRETCH * quick.max_seconds)
    assert time_limit(schema, 100_000, quick) == LIMIT_STRETCH * quick.max_seconds  # at most
    assert time_limit(schema, 5822, preset_config("balanced")) is None  # no limit to stretch
    gan = preset_config("quick", variant="ctgan")
    assert time_limit(schema, 5822, gan) == gan.max_seconds  # GAN epochs are another matter
