"""Figures in plain words."""

from __future__ import annotations

import math

import pytest

from synth_core.wording import (
    copies_in_words,
    counted,
    human_bytes,
    percent,
    plain_range,
    rough_percent,
    shorten,
)


@pytest.mark.parametrize(
    ("share", "decimals", "text"),
    [
        (0.8734, 1, "87.3 %"),
        (0.8734, 0, "87 %"),
        (None, 1, "–"),
        (math.nan, 0, "–"),
        (0.0, 1, "0.0 %"),
    ],
)
def test_percent_writes_a_share_or_a_dash(share, decimals, text):
    assert percent(share, decimals) == text


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.004, "under 1 %"), (0.996, "over 99 %"), (0.0, "0 %"), (1.0, "100 %"), (0.456, "46 %")],
)
def test_rough_percent_never_rounds_a_few_cells_to_nothing_or_everything(share, text):
    assert rough_percent(share) == text


def test_human_bytes_picks_the_largest_unit():
    assert human_bytes(300) == "300 bytes"
    assert human_bytes(1536) == "1.5 KB"
    assert human_bytes(5 * 1024**3) == "5 GB"


def test_shorten_cuts_long_text_with_an_ellipsis():
    assert shorten("abc", 5) == "abc"
    assert shorten("abcdefgh", 5) == "abcd…"


def test_counts_name_one_thing_in_the_singular():
    assert counted(1, "row") == "1 row" and counted(0, "row") == "0 rows"
    assert counted(1250, "business rule") == "1,250 business rules"
    assert copies_in_words(1, 2, 5).startswith("1 row removed: copies of real rows")
    assert "; 2 rows kept that equal common combinations" in copies_in_words(1, 2, 5)
    # Nothing kept: nothing said about it ('0 rows kept that equal common combinations').
    assert (
        copies_in_words(0, 0, 5)
        == "0 rows removed: copies of real rows that fewer than 5 real rows share"
    )


def test_plain_ranges_group_thousands_from_ten_thousand_on_at_both_ends():
    assert plain_range(1982, 1988, 0) == ("1982", "1988")
    assert plain_range(2710.349, 13_415.266, 3) == ("2,710.349", "13,415.266")
    assert plain_range(0.80, 2.5e-05) == ("0.8", "2.5e-05")
