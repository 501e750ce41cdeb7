"""Autoregressive network (``synth_core.models.argn``): every column's distribution given the
columns before it, learnt by maximum likelihood, as MOSTLY AI's TabularARGN."""

from synth_core.models.variants import Variant

VARIANT = Variant(
    name="argn",
    title="Autoregressive (ARGN)",
    description=(
        "Learns each column given the ones before it, by likelihood: stable, fast on a CPU, "
        "and faithful to every column and their relations."
    ),
    objective="likelihood",
    conditioning=None,
    default_pac=1,  # no critic: rows are never judged in groups
    rank=1,
    family="argn",
    # The figures behind these settings are in bench/README.md (autoregressive model).
    defaults={
        "batch_size": 500,
        "generator_dims": (64,),  # each sub-column's regressor
        "generator_lr": 3e-3,
        "betas": (0.9, 0.999),
        "weight_decay": 0.0,
        "keep_best": False,  # the epoch with the lowest validation loss is kept instead
        "eval_every": 5,
    },
)
