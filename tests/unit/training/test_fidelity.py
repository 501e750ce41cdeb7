"""The in-training fidelity estimate: column shapes and pair trends on samples."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from synth_core.encoding.transform import TableTransform
from synth_core.schema import infer_schema
from synth_core.training.fidelity import fidelity_estimate


def linked_table(rows: int, seed: int) -> pd.DataFrame:
    """Two numbers and two categories that go together, with some gaps."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, rows)
    frame = pd.DataFrame(
        {
            "x": x.round(3),
            "y": (2 * x + rng.normal(0, 0.3, rows)).round(3),
            "group": np.where(x > 0, "high", "low"),
            "size": np.where(rng.random(rows) < 0.8, np.where(x > 0.5, "L", "S"), "M"),
        }
    )
    frame.loc[rng.random(rows) < 0.05, "y"] = np.nan
    return frame


@pytest.fixture(scope="module")
def fitted():
    real = linked_table(1500, seed=0)
    return real, TableTransform().fit(real, infer_schema(real))


def shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Each column shuffled on its own: the same shapes, the links between columns gone."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: frame[c].to_numpy()[rng.permutation(len(frame))] for c in frame})


def test_a_copy_scores_one(fitted):
    real, transform = fitted
    assert fidelity_estimate(transform, real, real.copy()) == pytest.approx(1.0)


def test_broken_links_between_columns_lower_the_estimate(fitted):
    real, transform = fitted
    fresh = linked_table(1500, seed=1)
    same_links = fidelity_estimate(transform, real, fresh)
    no_links = fidelity_estimate(transform, real, shuffled(fresh, seed=2))
    assert same_links > 0.9
    assert no_links < same_links - 0.1


def test_the_estimate_repeats_with_its_seed_and_handles_one_column(fitted):
    real, transform = fitted
    fresh = linked_table(500, seed=3)
    assert fidelity_estimate(transform, real, fresh, seed=4) == fidelity_estimate(
        transform, real, fresh, seed=4
    )
    one = real[["x"]]
    single = TableTransform().fit(one, infer_schema(one))
    alike = fidelity_estimate(single, one, fresh[["x"]])
    shifted = fidelity_estimate(single, one, fresh[["x"]] + 3 * one["x"].std())
    assert 0.8 < alike <= 1.0 and 0.0 <= shifted < alike - 0.3


def test_a_nearly_constant_column_prints_no_library_warning() -> None:
    # A fresh process, as the command line runs: pytest resets warning filters per test.
    code = textwrap.dedent(
        """
        import numpy as np
        from synth_core.training import fidelity
        real, synthetic = np.array([0.0] * 192 + [1.0]), np.zeros(193)
        print(fidelity._shape("numerical", real, synthetic))
        """
    )
    run = subprocess.run(
        [sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, check=True
    )
    assert float(run.stdout) == pytest.approx(1 - 1 / 193)
    assert run.stderr == ""
