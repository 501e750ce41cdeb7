"""A totals row at the bottom of an export is recognised and left out, with a note."""

from __future__ import annotations

import pytest

from synth_core.tables import ReadLimits, read_table

ROWS = "year,region,sales,rate\n2020,N,1000.5,5\n2021,S,2000,7\n2022,E,3000,1\n2023,W,500,2\n"


def read(text: str):
    return read_table(text.encode(), limits=ReadLimits(min_rows=1))


@pytest.mark.parametrize(
    "last",
    [
        "Total,,6500.5,3.75",  # the label in a number column; a rate is averaged, not summed
        "Grand total,,6500.5,15",
        ",,6500.5,15",  # no label, but mostly empty and the sums
        "2020,Totals:,6500.5,",
    ],
)
def test_a_totals_row_is_left_out_with_a_note(last: str) -> None:
    result = read(ROWS + last + "\n")
    assert len(result.frame) == 4
    assert result.frame["year"].dtype == "int64"  # 'Total' did not make the years text
    assert any("Left out the last row, a totals row" in note for note in result.info.notes)


def test_money_totals_are_recognised_and_the_money_style_kept() -> None:
    text = 'item,paid\na,"$1,000.00"\nb,"$2,000.50"\nc,$10.00\nd,$5.00\nTotal,"$3,015.50"\n'
    result = read(text)
    assert result.frame["paid"].tolist() == [1000.0, 2000.5, 10.0, 5.0]
    assert result.frame.attrs["number_styles"] == {"paid": "$#,##0.00"}


@pytest.mark.parametrize(
    "last",
    [
        "2024,X,6500.5,15",  # a full row of data whose sales happen to be the sum
        "Total,,6000,3",  # labelled, but its numbers are not the sums
        ",,6000,15",  # mostly empty, one number is not a sum
        "Totally,N,6500.5,15",  # a word that only starts like 'Total'
    ],
)
def test_a_last_row_that_is_not_a_totals_row_is_kept(last: str) -> None:
    result = read(ROWS + last + "\n")
    assert len(result.frame) == 5
    assert not any("totals row" in note for note in result.info.notes)


def test_an_unlabelled_sum_that_is_also_a_number_above_is_a_row_of_data() -> None:
    """0, 0, 1 and then 1 with an empty cell beside it: the 1 adds up, but proves nothing."""
    result = read("c0,c1\n0,0.0\n0,\n1,\n1,\n")
    assert result.frame["c0"].tolist() == [0, 0, 1, 1]
    labelled = read("c0,c1\n0,0.0\n0,\n1,\n1,Total\n")
    assert labelled.frame["c0"].tolist() == [0, 0, 1]


def test_a_sparse_column_whose_total_is_its_one_amount_does_not_hide_a_totals_row() -> None:
    """'bonus' is 0, 0, 12, 0, so its total 12 is also a number above: it proves nothing, and
    'sales' still shows the last row for a totals row."""
    text = "sales,bonus,rep,region\n100,0,a,N\n250,0,b,S\n80,12,c,E\n70,0,d,W\n500,12,,\n"
    result = read(text)
    assert result.frame["sales"].tolist() == [100, 250, 80, 70]


def test_a_table_of_three_rows_keeps_its_last_row() -> None:
    result = read("a,b\nx,1\ny,2\n,3\n")
    assert len(result.frame) == 3


def test_numbers_whose_sum_overflows_never_make_a_totals_row() -> None:
    """Above, two numbers near float's limit add up to infinity; the mostly empty last row must
    not be taken for their sum (infinity is not within any tolerance of a number)."""
    text = "a,b\n1,1e308\n2,1.5e308\n3,9e307\n,0\n"
    result = read(text)
    assert len(result.frame) == 4
    assert not any("totals row" in note for note in result.info.notes)
