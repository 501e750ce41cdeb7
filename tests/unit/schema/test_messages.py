"""How values appear in the reasons people read."""

from __future__ import annotations

import re

import pandas as pd

from synth_core.schema import infer_schema
from synth_core.schema.messages import join_quoted


def test_examples_that_share_a_long_start_are_shortened_no_further_than_tells_them_apart():
    north = "Residential property of the county, North"
    south = "Residential property of the county, South"
    text = join_quoted([north, south, "Shop"])
    first, second = text.split(", ")[0], text.split(", ")[1].split(" and ")[0]
    assert first != second
    assert "'Shop'" in text


def test_short_examples_are_quoted_whole_and_long_ones_cut():
    assert join_quoted(["a", "b", "c"]) == "'a', 'b' and 'c'"
    long = "x" * 50
    assert join_quoted([long, "y"]) == f"'{'x' * 29}…' and 'y'"


def test_a_category_column_reason_names_examples_a_person_can_tell_apart():
    values = [f"Residential property of the county, {side}" for side in ("North", "South", "East")]
    schema = infer_schema(pd.DataFrame({"area": values * 20}))
    shown = re.findall(r"'([^']*)'", schema["area"].reason)
    assert len(shown) == 3 and len(set(shown)) == 3
