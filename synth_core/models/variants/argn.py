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
    rank=0,
    family="argn",
    recommended=True,
    # The figures behind these settings are in bench/README.md (autoregressive model).
    defaults={
        "batch_size": 500,
        "generator_dims": (64,),  # each sub-column's regressor
        "generator_lr": 3e-3,
        "betas": (0.9, 0.999),
        "weight_decay": 0.0,
        "keep_best": False,  # the epoch with the lowest validation loss is kept instead
    },
    # The validation loss decides how long a run lasts; the presets differ in their limits, and
    # Best trains an ensemble of three networks (about three times the work), which was better
    # than one over model seeds on most tables and clearly worse on none, and regularises them
    # with dropout, so that they train more epochs before the validation loss stops them. Best
    # asks for no more steps per epoch than the others: smaller batches made it stop earlier
    # and worse on a small table.
    preset_settings={
        "quick": {"epochs": 300, "max_seconds": 20.0, "eval_every": 5, "min_steps_per_epoch": 10},
        "balanced": {"epochs": 100, "eval_every": 5, "min_steps_per_epoch": 10},
        "best": {
            "epochs": 300,
            "eval_every": 10,
            "min_steps_per_epoch": 10,
            "members": 3,
            "dropout": 0.1,
        },
    },
    # A few hundred rows: a network with a sixth of the weights and coarser fine bins; the
    # default network learnt such a table by heart within its first epoch. Dropout in such a
    # narrow network helped some small tables and hurt as many.
    small_table=(
        2000,
        {"generator_dims": (16,), "embedding_dim": 4, "value_bins": 5, "dropout": 0.0},
    ),
    # A table of a few columns: twice the fine bins, which made its rows harder to tell from
    # real ones over model seeds; on wide tables they cost quality or usefulness.
    narrow_table=(20, {"value_bins": 40}),
)
