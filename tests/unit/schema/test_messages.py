"""How values appear in the reasons people read."""

from __future__ import annotations

import re

import pandas as pd

from synth_core.schema import infer_schema
from synth_core.schema.messages import LONGEST_EXAMPLE, join_quoted


def test_examples_that_share_a_long_start_are_shortened_no_further_than_tells_them_apart():
    north = "Residential property of the county, North"
    south = "Residential property of the county, South"
    shown = re.findall(r"'([^']*)'", join_quoted([north, south, "Shop"]))
    assert len(shown) == 3 and len(set(shown)) == 3
    assert shown[2] == "Shop"


def test_examples_that_differ_only_far_along_are_cut_at_a_readable_length():
    shown = re.findall(r"'([^']*)'", join_quoted(["x" * 3000 + "a", "x" * 3000 + "b"]))
    assert all(len(text) <= LONGEST_EXAMPLE for text in shown)


def test_short_examples_are_quoted_whole_and_long_ones_cut():
    assert join_quoted(["a", "b", "c"]) == "'a', 'b' and 'c'"
    long = "x" * 50
    assert join_quoted([long, "y"]) == f"'{'x' * 29}…' and 'y'"


def test_a_category_column_reason_names_examples_a_person_can_tell_apart():
    values = [f"Residential property of the county, {side}" for side in ("North", "South", "East")]
    schema = infer_schema(pd.DataFrame({"area": values * 20}))
    shown = re.findall(r"'([^']*)'", schema["area"].reason)
    assert len(shown) == 3 and len(set(shown)) == 3
