"""Before training: about how large a model will be and how long an epoch takes.

Worked out from the schema alone (no fitting), so the Columns page can show it as columns are
ticked. Widths follow the transform's rules (synth_core/encoding/encoders.py) with every numeric
column given its most mixture modes, so the figures are an upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from synth_core.config import TrainingConfig
from synth_core.encoding.calendar_parts import part_count
from synth_core.encoding.encoders import MAX_MODES
from synth_core.encoding.transform import MAX_CATEGORIES
from synth_core.models import variants
from synth_core.schema import NUMERIC_KINDS, ColumnInfo, Kind, Schema

BYTES_PER_WEIGHT = 4  # float32
#: Multiply-adds a second that training sustains on a 2-core laptop CPU, calibrated on CTGAN's
#: epochs on Adult (bench/bench_ctgan.py). It matches the VAE-GAN's epochs on a busy 2-core
#: machine; CTGAN's epochs have since become faster, so for the GAN types it is an upper bound
#: (figures in bench/README.md). A GPU is faster.
CPU_MACS_PER_SECOND = 20e9
#: The autoregressive model's batched products run about twice as fast as this bound
#: (calibrated on its epochs on Adult, bench/README.md); only the time shown to people uses it,
#: so that the ensemble keeps the size its figures were measured with.
ARGN_SPEED_UP = 2.0
#: A training step runs the generator forward and backward (about 3 forward passes) and the
#: critic on real and fake rows, forward and backward, with a gradient penalty every few steps
#: (about 5 forward passes).
GENERATOR_PASSES, DISCRIMINATOR_PASSES = 3, 5
#: The VAE-GAN runs encoder and decoder forward and backward on every row, the decoder once more
#: on as many random codes, and the critic every ``adversarial_every``-th step (its passes as
#: above, plus the decoder's pass through it).
AUTOENCODER_PASSES = 3
#: An ensemble (``TrainingConfig.members``) keeps only as many members as keep the estimate of
#: one of its epochs within this many seconds (at least one member): on a wide or long table
#: each member costs so much that the peers finish first (bench/README.md, "Best trains an
#: ensemble").
ENSEMBLE_EPOCH_SECONDS = 6.0
#: A run that stops once its validation loss stops improving ends after a few dozen epochs on
#: the tables of bench/README.md, whatever its limit; and every run spends a few seconds
#: preparing the table and checking the rows it makes.
EXPECTED_EPOCHS = 30
START_SECONDS = 3.0
#: A time-limited run of the autoregressive model (the Quick demo) on a wide table fitted only
#: a few epochs in its limit, and gave rows a classifier told apart every time (bench/README.md,
#: "Session 18"): its limit grows to fit at least this many epochs by the estimate, up to
#: LIMIT_STRETCH times the preset's.
MIN_LIMITED_EPOCHS = 8
LIMIT_STRETCH = 3.0


@dataclass(frozen=True)
class ModelEstimate:
    """Sizes and times of a model not trained yet (upper bounds)."""

    width: int  # columns of the encoded table the networks read and write
    generator_weights: int
    discriminator_weights: int
    seconds_per_epoch: float  # on a 2-core CPU

    @property
    def file_megabytes(self) -> float:
        """A model file holds the generator's weights (the discriminator is not kept)."""
        return self.generator_weights * BYTES_PER_WEIGHT / 1e6


def encoded_width(schema: Schema) -> int:
    """Columns of the encoded table for the schema's included columns (at most)."""
    width = 0
    for column in schema.included:
        if column.kind in NUMERIC_KINDS:
            width += (1 + min(MAX_MODES, max(column.distinct, 1))) * _parts(column)
            width += 2 if column.missing > 0 else 0
        else:
            width += min(column.distinct + (column.missing > 0), MAX_CATEGORIES)
    return width


def _parts(column: ColumnInfo) -> int:
    """The numbers a number column is encoded as: one, or a date's calendar parts."""
    return part_count(column.datetime_format) if column.kind == Kind.DATETIME else 1


def estimate_model(
    schema: Schema, rows: int, config: TrainingConfig | None = None
) -> ModelEstimate:
    """About how many weights the networks have and how long one pass over ``rows`` rows takes
    (the recommended model with the settings its table's size gives it: ``Variant.sized``)."""
    config = config or TrainingConfig()
    width = encoded_width(schema)
    variant = variants.get(config.variant)
    pac = variant.pac(config)
    if variant.family == "argn":
        config = variant.sized(config, rows, len(schema.included))
        members = ensemble_members(schema, rows, config)
        return _autoregressive_estimate(schema, rows, config.replace(members=members), width)
    if variant.family == "vae-gan":
        decoder = _dense_weights(config.noise_dim, config.generator_dims, width)
        encoder = _dense_weights(width, config.generator_dims[::-1], 2 * config.noise_dim)
        critic = _dense_weights(width * pac, config.discriminator_dims, 1)
        critic_share = (DISCRIMINATOR_PASSES + GENERATOR_PASSES) / pac / config.adversarial_every
        macs_per_row = (
            AUTOENCODER_PASSES * (encoder + decoder)
            + GENERATOR_PASSES * decoder / config.adversarial_every
            + critic_share * critic
        )
        seconds = rows * macs_per_row / CPU_MACS_PER_SECOND
        return ModelEstimate(width, decoder, critic, seconds)
    condition = sum(
        min(c.distinct + (c.missing > 0), MAX_CATEGORIES)
        for c in schema.included
        if c.kind not in NUMERIC_KINDS
    )
    concat = config.generator_block == "concat"
    generator = _dense_weights(
        config.noise_dim + condition, config.generator_dims, width, grows=concat, bias=concat
    )
    discriminator = _dense_weights((width + condition) * pac, config.discriminator_dims, 1)
    macs_per_row = GENERATOR_PASSES * generator + DISCRIMINATOR_PASSES * discriminator / pac
    return ModelEstimate(width, generator, discriminator, rows * macs_per_row / CPU_MACS_PER_SECOND)


def training_seconds(schema: Schema, rows: int, config: TrainingConfig) -> float:
    """About how long a training with ``config`` takes on ``rows`` rows (a 2-core CPU): its
    epochs (as many as usually pass before the validation loss stops it, for a run that stops
    so), within its time limit."""
    epochs, epoch = config.epochs, _epoch_seconds(schema, rows, config)
    variant = variants.get(config.variant)
    if config.validation_patience and variant.objective == "likelihood":
        epochs = min(epochs, EXPECTED_EPOCHS)
    seconds = START_SECONDS + epoch * epochs
    limit = time_limit(schema, rows, config)
    return min(seconds, limit) if limit else seconds


def time_limit(schema: Schema, rows: int, config: TrainingConfig) -> float | None:
    """The time limit a run with ``config`` trains under on ``rows`` rows: the config's, or for
    the autoregressive model, long enough for ``MIN_LIMITED_EPOCHS`` epochs by the estimate,
    up to ``LIMIT_STRETCH`` times the config's."""
    if not config.max_seconds or variants.get(config.variant).family != "argn":
        return config.max_seconds
    needed = START_SECONDS + MIN_LIMITED_EPOCHS * _epoch_seconds(schema, rows, config)
    return min(max(config.max_seconds, needed), LIMIT_STRETCH * config.max_seconds)


def _epoch_seconds(schema: Schema, rows: int, config: TrainingConfig) -> float:
    epoch = estimate_model(schema, rows, config).seconds_per_epoch
    return epoch / ARGN_SPEED_UP if variants.get(config.variant).family == "argn" else epoch


def ensemble_members(schema: Schema, rows: int, config: TrainingConfig) -> int:
    """How many of ``config.members`` an ensemble of the autoregressive model trains on
    ``rows`` rows of ``schema``'s columns: as many as ``ENSEMBLE_EPOCH_SECONDS`` allows.
    ``config`` is sized for the table already (``Variant.sized``)."""
    if config.members == 1 or variants.get(config.variant).family != "argn":
        return config.members
    one = _autoregressive_estimate(schema, rows, config.replace(members=1), 0).seconds_per_epoch
    affordable = int(ENSEMBLE_EPOCH_SECONDS // one) if one > 0 else config.members
    return max(1, min(config.members, affordable))


def _autoregressive_estimate(
    schema: Schema, rows: int, config: TrainingConfig, width: int
) -> ModelEstimate:
    """The autoregressive model (``synth_core.models.argn``): a numeric column is a mode and a
    fine bin (and a missing flag), a date that per calendar part, a category column one token;
    each token has a regressor that reads every token's embedding, and a softmax head;
    ``config.members`` such networks. No critic."""
    sizes = []
    for column in schema.included:
        if column.kind in NUMERIC_KINDS:
            sizes += [min(MAX_MODES, max(column.distinct, 1)), config.value_bins] * _parts(column)
            sizes += [2] if column.missing > 0 else []
        else:
            sizes.append(min(column.distinct + (column.missing > 0), MAX_CATEGORIES))
    tokens, hidden = len(sizes), config.generator_dims[-1]
    regressors = sum(
        a * b + b
        for a, b in zip(
            (tokens * config.embedding_dim, *config.generator_dims),
            config.generator_dims,
            strict=False,
        )
    )
    heads = (hidden + 1) * max(sizes, default=1)
    members = config.members
    weights = members * (sum(sizes) * config.embedding_dim + tokens * (regressors + heads))
    macs_per_row = members * GENERATOR_PASSES * tokens * (regressors + heads)
    seconds = rows * macs_per_row / CPU_MACS_PER_SECOND
    return ModelEstimate(width, weights, 0, seconds)


def _dense_weights(
    in_dim: int, hidden: tuple[int, ...], out_dim: int, grows: bool = False, bias: bool = True
) -> int:
    """Weights of a stack of dense layers; ``grows``: each block's output is concatenated to its
    input (the CTGAN paper's generator), so the next layer reads both; ``bias``: whether the
    hidden layers have one (not before a BatchNorm)."""
    total, dim = 0, in_dim
    for size in hidden:
        total += dim * size + (size if bias else 0)
        dim = dim + size if grows else size
    return total + dim * out_dim + out_dim
