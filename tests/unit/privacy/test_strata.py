"""Rows the copy filter drops are replaced from their own stratum, so that the category shares
stay those of the rows the model made (``synth_core.privacy.strata``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.privacy.strata import Quota, strata, stratum_columns
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from tests.helpers import config_for


def passengers(seed: int = 0) -> pd.DataFrame:
    """Most passengers in 'A' with a few ages that many share; 'B' passengers' ages are held by
    two each: a generated 'B' row is often a copy of a rare real row."""
    rng = np.random.default_rng(seed)
    common = pd.DataFrame({"deck": "A", "age": rng.choice([20, 30, 40, 50, 60], 900)})
    rare = pd.DataFrame({"deck": "B", "age": np.repeat(np.arange(20, 120, 2), 2)})
    frame = pd.concat([common, rare], ignore_index=True)
    frame["paid"] = rng.choice(["yes", "no"], len(frame))
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def test_the_strata_are_the_category_columns_of_fewest_values():
    frame = passengers()
    frame["port"] = np.resize(["C", "Q", "S"], len(frame))
    frame["town"] = [f"t{i % 40}" for i in range(len(frame))]  # 40 values: too many
    assert stratum_columns(infer_schema(frame)) == ["deck", "paid", "port"]
    keys = strata(frame.head(2), ["deck", "paid"])
    assert keys.tolist() == [f"{d}\x1f{p}" for d, p in frame.head(2)[["deck", "paid"]].values]


def test_a_quota_takes_only_the_rows_its_strata_lack():
    made = pd.Series(["a", "a", "b", "b", "b"])
    quota = Quota(made, pd.Series(["a", "a", "b"]))
    assert quota.lacking == {"b": 2} and quota.rows == 2
    offered = pd.Series(["a", "b", "a", "b", "b"])
    taken = quota.take(offered, np.random.default_rng(0))
    assert sorted(taken.tolist()) == [1, 3] and quota.rows == 0


def test_dropped_copies_are_replaced_from_their_stratum_keeping_its_share():
    frame = passengers()
    synth = Synthesizer(config_for("argn", epochs=30)).fit(frame, infer_schema(frame))
    unfiltered = synth.sample(4000, seed=3, remove_copies=False)
    result = synth.generate(4000, seed=3)
    assert result.copies_removed > 100  # many 'B' rows copy a rare real row
    share = (result.frame["deck"] == "B").mean()
    assert abs(share - (unfiltered["deck"] == "B").mean()) < 0.02
    rare = frame.groupby(["deck", "age", "paid"]).size()
    rare = {key for key, rows in rare.items() if rows < 5}
    assert not any(tuple(row) in rare for row in result.frame[["deck", "age", "paid"]].values)


def test_a_chunk_the_filters_emptied_lacks_every_row_the_model_made():
    made = passengers().head(6)
    quota = Quota(strata(made, ["deck"]), strata(made.iloc[:0], ["deck"]))
    assert quota.rows == 6
