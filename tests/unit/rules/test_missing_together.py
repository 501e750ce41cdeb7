"""Columns that real rows leave empty together (a block that does not apply to some rows) stay
empty together in generated rows (``MissingTogetherRule``)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from synth_core.errors import RuleError
from synth_core.rules import MissingTogetherRule, discover_rules, enforce_rules, rule_from_dict
from synth_core.schema import infer_schema
from synth_core.schema.rarity import RARE_BELOW
from synth_core.synthesizer import Synthesizer
from tests.helpers import TINY_CONFIG


def homes(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Houses; those without a garage have no garage year, finish or size; a few prices
    are missing on their own."""
    rng = np.random.default_rng(seed)
    garage = rng.random(rows) < 0.7
    frame = pd.DataFrame(
        {
            "rooms": rng.integers(2, 9, rows),
            "garage_year": np.where(garage, rng.integers(1950, 2020, rows), np.nan),
            "garage_finish": pd.Series(rng.choice(["Fin", "Unf", "RFn"], rows)).where(garage),
            "garage_cars": np.where(garage, rng.integers(1, 4, rows), np.nan),
            "price": rng.normal(200_000, 40_000, rows).round(0),
        }
    )
    frame.loc[rng.choice(rows, 12, replace=False), "price"] = np.nan
    return frame


def test_columns_empty_in_the_same_rows_are_found_as_one_block():
    frame = homes()
    schema = infer_schema(frame)
    blocks = [r for r in discover_rules(frame, schema) if isinstance(r, MissingTogetherRule)]
    assert [b.columns for b in blocks] == [("garage_year", "garage_finish", "garage_cars")]
    assert blocks[0].share == 1.0
    assert blocks[0].describe(schema) == (
        "garage_year, garage_finish and garage_cars are empty in the same rows"
    )


def test_a_block_empty_in_fewer_rows_than_a_pattern_needs_is_no_rule():
    frame = homes().dropna(subset=["garage_year"]).reset_index(drop=True)
    block = ["garage_year", "garage_finish", "garage_cars"]
    frame.loc[: RARE_BELOW - 2, block] = None  # RARE_BELOW - 1 rows without a garage
    rules = discover_rules(frame, infer_schema(frame))
    assert frame["garage_year"].isna().sum() == RARE_BELOW - 1
    assert not [r for r in rules if isinstance(r, MissingTogetherRule)]
    frame.loc[: RARE_BELOW - 1, block] = None
    rules = discover_rules(frame, infer_schema(frame))
    assert [r.columns for r in rules if isinstance(r, MissingTogetherRule)] == [tuple(block)]


def test_a_row_with_part_of_its_block_is_mended_to_the_side_most_of_it_is_on():
    schema = infer_schema(homes())
    rule = MissingTogetherRule(("garage_year", "garage_finish", "garage_cars"))
    rows = pd.DataFrame(
        {
            "rooms": [3, 4, 5, 6, 7],
            "garage_year": [1990.0, np.nan, 2001.0, np.nan, 1975.0],
            "garage_finish": ["Fin", None, None, None, "Unf"],
            "garage_cars": [2.0, np.nan, 1.0, 3.0, 2.0],
            "price": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mended = enforce_rules(rows, [rule], schema, np.random.default_rng(0)).frame
    block = mended[list(rule.columns)]
    assert len(mended) == 5 and rule.obeyed(mended, schema).all()
    assert block.iloc[1].isna().all() and block.iloc[3].isna().all()  # mostly empty: emptied
    assert block.iloc[2].notna().all() and block.iloc[2]["garage_year"] == 2001.0
    whole = {("Fin", 2.0), ("Unf", 2.0)}  # the finish filled in comes from a row that has all
    assert (block.iloc[2]["garage_finish"], block.iloc[2]["garage_cars"]) in {
        (f, 1.0) for f, _ in whole
    }
    assert mended["price"].tolist() == rows["price"].tolist()


def test_a_row_with_half_of_its_block_goes_either_way():
    frame = pd.DataFrame(
        {"a": [1.0, np.nan] * 200 + [5.0] * 20, "b": [np.nan, 2.0] * 200 + [6.0] * 20}
    )
    rule = MissingTogetherRule(("a", "b"))
    mended = enforce_rules(frame, [rule], infer_schema(frame), np.random.default_rng(0)).frame
    emptied = mended["a"].isna()
    assert rule.obeyed(mended, infer_schema(frame)).all()
    assert 0.4 < emptied[:400].mean() < 0.6 and not emptied[400:].any()


def test_whole_numbers_emptied_by_the_rule_say_nothing_on_the_terminal():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [np.nan, np.nan, 5.0], "c": [np.nan, np.nan, 6.0]})
    rule = MissingTogetherRule(("a", "b", "c"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mended = enforce_rules(frame, [rule], infer_schema(frame), np.random.default_rng(0))
    assert mended.frame["a"].isna().tolist() == [True, True, False]


def test_the_rule_is_stored_as_data_and_a_broken_one_is_refused():
    rule = MissingTogetherRule(("x", "y"), share=1.0)
    assert rule_from_dict(rule.to_dict()) == rule
    for columns in (["x"], ["x", "x"], ["x", 3]):
        with pytest.raises(RuleError):
            rule_from_dict({"kind": "missing_together", "columns": columns})


def test_a_model_keeps_a_block_whole_in_every_row_it_generates():
    frame = homes(400)
    synth = Synthesizer(TINY_CONFIG).fit(frame, infer_schema(frame))
    out = synth.sample(2000, seed=3)
    empty = out[["garage_year", "garage_finish", "garage_cars"]].isna().sum(axis=1)
    assert set(empty) <= {0, 3} and (empty == 3).any() and (empty == 0).any()
