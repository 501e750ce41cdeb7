"""Every model type learns: on a small table with a strong relationship between its columns,
the trained model's rows are clearly closer to the real ones than those of the same model
untrained (its learning rates near zero), on the in-training fidelity measure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.models.variants import VARIANTS
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.training.fidelity import fidelity_estimate
from tests.helpers import TINY_CONFIG

ROWS = 600
MARGIN = 0.1  # the trained model's fidelity must beat the untrained one's by this much


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """A size in three groups, a price that follows it, a flag that follows the price."""
    rng = np.random.default_rng(0)
    size = rng.choice(["small", "medium", "large"], ROWS, p=[0.5, 0.3, 0.2])
    base = pd.Series(size).map({"small": 10.0, "medium": 50.0, "large": 200.0}).to_numpy()
    price = np.round(base + rng.normal(0, 2.0, ROWS), 1)
    return pd.DataFrame({"size": size, "price": price, "dear": price > 100})


def fidelity(table: pd.DataFrame, variant: str, learning_rate: float) -> float:
    config = TINY_CONFIG.replace(
        variant=variant,
        condition_column="size" if VARIANTS[variant].needs_condition_column else None,
        epochs=40,
        batch_size=60,
        generator_dims=(64,),
        discriminator_dims=(64,),
        generator_lr=learning_rate,
        discriminator_lr=learning_rate,
        # One row per critic score: a batch of 60 in groups of 10 gave the critic too little to
        # learn from, and CTGAN barely moved in 40 epochs.
        pac=1,
    )
    synth = Synthesizer(config).fit(table, infer_schema(table))
    rows = synth.sample(ROWS, seed=1, remove_copies=False)
    return fidelity_estimate(synth.transform_, table, rows, 0)


DOES_NOT_LEARN: dict[str, str] = {}  # model types this test shows not to learn yet, and why


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=DOES_NOT_LEARN[name], strict=True))
        if name in DOES_NOT_LEARN
        else name
        for name in sorted(VARIANTS)
    ],
)
def test_a_trained_model_is_clearly_more_faithful_than_an_untrained_one(table, variant):
    untrained = fidelity(table, variant, 1e-9)
    trained = fidelity(table, variant, 2e-3)
    assert trained > untrained + MARGIN, f"{variant}: {trained:.3f} vs untrained {untrained:.3f}"
