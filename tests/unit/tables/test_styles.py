"""Money and percentages written back the way the real table wrote them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.tables import ReadLimits, read_table
from synth_core.tables.dialect import FILE_DIALECT, CsvDialect, WrittenAs
from synth_core.tables.styles import NUMBER_STYLES, NumberStyle, written_in_styles
from synth_core.tables.write import to_csv_bytes


@pytest.mark.parametrize(
    ("pattern", "number", "written"),
    [
        ("$#,##0.00", 1234.5, "$1,234.50"),
        ("$#,##0.00", -12.0, "-$12.00"),
        ("$#,##0", 1234567.0, "$1,234,567"),
        ("#.##0,00 €", 27015.864, "27.015,86 €"),
        ("# ##0,0 €", 1234.25, "1 234,2 €"),
        ("0%", 18.4, "18%"),
        ("0.00%", 7.5, "7.50%"),
        ("£0.0", 3.25, "£3.2"),
        ("$#,##0.00;($#,##0.00)", -5000.0, "($5,000.00)"),
        ("$#,##0.00;($#,##0.00)", 97.3, "$97.30"),
    ],
)
def test_a_pattern_writes_numbers_as_the_table_did(pattern: str, number: float, written: str):
    style = NumberStyle.of(pattern)
    assert style.pattern == pattern
    assert style.write(pd.Series([number]))[0] == written


def test_missing_numbers_stay_missing_when_written() -> None:
    out = NumberStyle.of("0%").write(pd.Series([1.0, np.nan, None], index=[5, 6, 7]))
    assert out[5] == "1%" and out[6:].isna().all()


@pytest.mark.parametrize(
    "pattern", ["", "abc", "$#,##", "#,#0", "#.##0.00", 12, "$0.00;-$0.00", "$#,##;($#,##)"]
)
def test_a_pattern_that_is_not_one_is_refused_with_the_way_to_write_it(pattern) -> None:
    with pytest.raises(ValueError, match=r"write it like|both for thousands|in parentheses"):
        NumberStyle.of(pattern)


def test_the_reader_records_each_columns_style_and_the_writer_applies_it() -> None:
    text = (
        "income,balance,rate,count\n"
        '"$90,000.00","27.015,86 €",14.07%,3\n'
        '"$1,234.50","1.234,50 €",7.5%,4\n'
        '"$812.00","0,00 €",12.00%,5\n'
    )
    frame = read_table(text.encode(), limits=ReadLimits(min_rows=1)).frame
    styles = frame.attrs[NUMBER_STYLES]
    assert styles == {"income": "$#,##0.00", "balance": "#.##0,00 €", "rate": "0.00%"}

    written = written_in_styles(frame, styles)

    assert written["income"].tolist() == ["$90,000.00", "$1,234.50", "$812.00"]
    assert written["balance"].tolist() == ["27.015,86 €", "1.234,50 €", "0,00 €"]
    assert written["rate"].tolist() == ["14.07%", "7.50%", "12.00%"]
    assert written["count"].tolist() == [3, 4, 5]  # plain numbers are left alone
    assert frame["income"].dtype == np.float64  # the frame given is not changed
    again = read_table(written.to_csv(index=False).encode(), limits=ReadLimits(min_rows=1))
    assert again.frame["balance"].tolist() == frame["balance"].tolist()


def test_accounting_negatives_in_parentheses_are_read_as_negative_money_and_written_so() -> None:
    text = 'item,change\nA,"$5,000.00"\nB,"($1,250.50)"\nC,"$(12.00)"\nD,$97.30\n'
    frame = read_table(text.encode(), limits=ReadLimits(min_rows=1)).frame
    assert frame["change"].tolist() == [5000.0, -1250.5, -12.0, 97.3]
    assert frame.attrs[NUMBER_STYLES] == {"change": "$#,##0.00;($#,##0.00)"}
    written = written_in_styles(frame, frame.attrs[NUMBER_STYLES])
    assert written["change"].tolist() == ["$5,000.00", "($1,250.50)", "($12.00)", "$97.30"]
    assert NumberStyle.of("$#,##0.00;($#,##0.00)").excel_format == ('"$"#,##0.00;("$"#,##0.00)')


def test_accounting_negatives_of_plain_numbers_are_read_too() -> None:
    # A market export's daily change: '0.19' and '(0.04)'; the column became 3,211 categories.
    text = 'day,change,label\n1,0.19,(1)\n2,(0.04),(2)\n3,"(1,106.85)",(3)\n4,12.00,(4)\n'
    frame = read_table(text.encode(), limits=ReadLimits(min_rows=1)).frame
    assert frame["change"].tolist() == [0.19, -0.04, -1106.85, 12.0]
    assert frame.attrs[NUMBER_STYLES]["change"] == "#,##0.00;(#,##0.00)"
    written = written_in_styles(frame, frame.attrs[NUMBER_STYLES])
    assert written["change"].tolist() == ["0.19", "(0.04)", "(1,106.85)", "12.00"]
    assert frame["label"].tolist() == ["(1)", "(2)", "(3)", "(4)"]  # no positives: labels


def test_money_with_a_currency_code_is_read_and_written_with_it() -> None:
    # Fire claims written 'DKK 1,683,748' or 'kr. 1.683.748' were left out as rare text.
    text = 'claim,coded,kroner,euros\nA,"DKK 1,683,748",kr. 1.683.748,"12,50 EUR"\n'
    text += (
        'B,"DKK 2,093,704",kr. 2.093.704,"1.007,25 EUR"\nC,"DKK 999,000",kr. 999.000,"3,00 EUR"\n'
    )
    frame = read_table(text.encode(), limits=ReadLimits(min_rows=1)).frame
    assert frame["coded"].tolist() == [1683748, 2093704, 999000]
    assert frame["kroner"].tolist() == [1683748, 2093704, 999000]
    assert frame["euros"].tolist() == [12.5, 1007.25, 3.0]
    styles = frame.attrs[NUMBER_STYLES]
    assert styles == {"coded": "DKK #,##0", "kroner": "kr. #.##0", "euros": "#.##0,00 EUR"}
    written = written_in_styles(frame, styles)
    assert written["kroner"].tolist() == ["kr. 1.683.748", "kr. 2.093.704", "kr. 999.000"]
    plates = read_table(b"plate\nABC 123\nABC 456\nABC 789\n", limits=ReadLimits(min_rows=1))
    assert plates.frame["plate"].tolist() == ["ABC 123", "ABC 456", "ABC 789"]  # not money


def test_styles_of_columns_the_frame_lacks_are_ignored() -> None:
    frame = pd.DataFrame({"a": [1.0]})
    assert written_in_styles(frame, {"gone": "$0"}) is frame


def test_thousands_grouped_by_spaces_are_written_with_them() -> None:
    text = 'price;count\n"1 007,50 €";1\n"30 210,50 €";2\n"99,00 €";3\n'
    frame = read_table(text.encode(), limits=ReadLimits(min_rows=1)).frame
    styles = frame.attrs[NUMBER_STYLES]
    assert styles["price"] == "# ##0,00 €"
    assert frame["price"].tolist() == [1007.5, 30210.5, 99.0]
    assert written_in_styles(frame, styles)["price"].tolist() == [
        "1 007,50 €",
        "30 210,50 €",
        "99,00 €",
    ]


def test_plain_numbers_written_with_thousands_separators_are_written_with_them() -> None:
    text = (
        'house,sqft,price,rooms,mixed\nA,"1,069","250,000.50",3,"1,000.5"\n'
        'B,950,"99,000.00",2,"2,000.25"\nC,"2,400","1,250,000.00",5,3.0\n'
    )
    frame = read_table(text.encode(), limits=ReadLimits(min_rows=1)).frame
    assert frame["sqft"].tolist() == [1069, 950, 2400]
    # rooms shows no separator; mixed shows 1, 2 and 1 decimals, which one pattern cannot keep
    assert frame.attrs[NUMBER_STYLES] == {"sqft": "#,##0", "price": "#,##0.00"}
    written = written_in_styles(frame, frame.attrs[NUMBER_STYLES])
    assert written["sqft"].tolist() == ["1,069", "950", "2,400"]
    assert written["price"].tolist() == ["250,000.50", "99,000.00", "1,250,000.00"]


def test_plain_numbers_all_written_with_the_same_places_keep_them() -> None:
    text = "pizza,price,rating,weight,ratio\n" + "".join(
        f"p{i},{12 + (i % 4) * 0.25:.2f},{3 + (i % 3) * 0.5:.1f},{2.5 + i:.1f},{0.1 + i / 7:.6f}\n"
        for i in range(20)
    )
    frame = read_table(text.encode()).frame
    # prices with their cents ('12.00', '12.50'), ratings in halves ('3.0', '3.5'), a meter's
    # six places ('0.100000'); weights that never end in a zero ('2.5') look the same written
    # plainly
    styles = {"price": "0.00", "rating": "0.0", "ratio": "0.000000"}
    assert frame.attrs[NUMBER_STYLES] == styles
    few = read_table(("ratio\n" + "0.250000\n0.142857\n0.333333\n" * 8).encode()).frame
    assert few.attrs[NUMBER_STYLES] == {}  # three values of six places: chance
    made = pd.DataFrame({"price": [12.5, 9.0], "rating": [4.0, 3.5]})
    written = written_in_styles(made, frame.attrs[NUMBER_STYLES])
    assert written["price"].tolist() == ["12.50", "9.00"]
    assert written["rating"].tolist() == ["4.0", "3.5"]


def test_scientific_notation_is_read_as_numbers_and_written_back_alike() -> None:
    # An instrument's export: every value '8.198567e-01'; the synthetic file wrote
    # '0.003739023877724989'.
    rng = np.random.default_rng(0)
    jitter, ratio = rng.uniform(1e-5, 9e-5, 30), rng.uniform(0.1, 0.9, 30)
    text = "id,jitter,ratio,mixed\n" + "".join(
        f"{i},{j:.6e},{r:.6e},{r if i % 2 else r * 1e-6:.3g}\n"
        for i, (j, r) in enumerate(zip(jitter, ratio, strict=True))
    )
    frame = read_table(text.encode()).frame
    assert frame["jitter"].dtype == np.float64 and frame["jitter"][0] == float(f"{jitter[0]:.6e}")
    # 'mixed' writes some values plainly ('0.548'): no one pattern writes them all
    assert frame.attrs[NUMBER_STYLES] == {"jitter": "0.000000e+00", "ratio": "0.000000e+00"}
    made = pd.DataFrame({"jitter": [3.739023877724989e-05, -0.5], "ratio": [0.596852, 1.0]})
    written = written_in_styles(made, frame.attrs[NUMBER_STYLES])
    assert written["jitter"].tolist() == ["3.739024e-05", "-5.000000e-01"]
    # Written to a file, a negative one stays a number (it was "'-5.000000e-01", text).
    csv = to_csv_bytes(made, WrittenAs(number_formats=frame.attrs[NUMBER_STYLES])).decode()
    assert csv.splitlines()[2] == "-5.000000e-01,1.000000e+00"
    assert written["ratio"].tolist() == ["5.968520e-01", "1.000000e+00"]
    assert NumberStyle.of("0.00E+00").write(pd.Series([1234.5])).tolist() == ["1.23E+03"]


def test_fixed_places_are_kept_beside_words_for_no_value() -> None:
    # Life tables' fertility '2.70', '4.50' beside 'N/A', '-' and 'n.a.': 10 % came out '2.7'.
    cells = [f"{2 + (i % 7) * 0.5:.2f}" for i in range(40)]
    cells[3], cells[11], cells[20] = "N/A", "-", "n.a."
    frame = read_table(
        ("country,fertility\n" + "".join(f"c{i},{c}\n" for i, c in enumerate(cells))).encode()
    ).frame
    assert frame["fertility"].isna().sum() == 3
    assert frame.attrs[NUMBER_STYLES] == {"fertility": "0.00"}


def test_whole_numbers_written_without_decimals_beside_decimals_stay_so() -> None:
    # Lab results: enzymes in whole units ('80'), bilirubin in thousandths ('0.512'); 74 % of
    # the synthetic results were written '80.0'.
    results = [str(40 + i) if i % 3 else f"0.{500 + i}" for i in range(30)]
    frame = read_table(
        ("test,result\n" + "".join(f"t{i % 3},{r}\n" for i, r in enumerate(results))).encode()
    ).frame
    assert frame.attrs[NUMBER_STYLES] == {"result": "General"}
    made = pd.DataFrame({"test": ["a"] * 4, "result": [80.0, 0.512, -3.0, float("nan")]})
    written = to_csv_bytes(made, WrittenAs(number_formats=frame.attrs[NUMBER_STYLES])).decode()
    assert written.splitlines() == ["test,result", "a,80", "a,0.512", "a,-3", "a,"]
    # In a file of decimal commas, with its own separator (an Italian household survey came out
    # with '0,207386' in one column and '0.42659' in the next).
    comma = read_table(
        (
            "test;result\n"
            + "".join(f"t{i % 3};{r.replace('.', ',')}\n" for i, r in enumerate(results))
        ).encode()
    )
    styles = comma.frame.attrs[NUMBER_STYLES]
    assert styles == {"result": "General (decimal comma)"}
    dialect = CsvDialect(**comma.frame.attrs[FILE_DIALECT])
    written = to_csv_bytes(made, WrittenAs(dialect, styles)).decode()
    assert written.splitlines() == ["test;result", "a;80", "a;0,512", "a;-3", "a;"]
    # A file that writes whole floats '80.0' (pandas) keeps them so: no style recorded.
    pandas_written = read_table(
        b"result\n" + b"".join(b"%d.0\n0.5%d\n" % (i, i) for i in range(15))
    ).frame
    assert NUMBER_STYLES not in pandas_written.attrs or not pandas_written.attrs[NUMBER_STYLES]
