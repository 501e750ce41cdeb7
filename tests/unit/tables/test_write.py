"""Formula-safe writing (CSV and Excel), and reading back what was written."""

from __future__ import annotations

import io
import os

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from synth_core.errors import DataError
from synth_core.tables import (
    FORMULA_PREFIXES,
    MISSING_MARKERS,
    ReadLimits,
    neutralise_formulas,
    read_table,
    to_csv_bytes,
    to_xlsx_bytes,
    write,
    write_csv,
)
from synth_core.tables.dialect import WrittenAs
from synth_core.tables.write import _excel_date_format

ANY_SIZE = ReadLimits(min_rows=1)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def test_neutralise_formulas_prefixes_text_only():
    frame = pd.DataFrame(
        {
            "t": ["=SUM(A1)", "+1+A1", "-5 apples", "@cmd", "\tx", "\ry", "plain", np.nan, "-"],
            "i": [-5, 1, 2, 3, 4, 5, 6, 7, -8],
            "f": [-1.5, np.nan, 2.0, -0.0, 1, 2, 3, 4, 5],
            "o": pd.Series([-5, "=x", None, 2.5, "ok", "a", "b", "c", "d"], dtype=object),
        }
    )
    before = frame.copy()
    safe = neutralise_formulas(frame)
    assert safe["t"].tolist()[:7] == [
        "'=SUM(A1)",
        "'+1+A1",
        "'-5 apples",
        "'@cmd",
        "'\tx",
        "'\ry",
        "plain",
    ]
    assert pd.isna(safe.loc[7, "t"]) and safe.loc[8, "t"] == "'-"
    pd.testing.assert_series_equal(safe["i"], frame["i"])
    pd.testing.assert_series_equal(safe["f"], frame["f"])
    assert safe["o"].tolist()[:2] == [-5, "'=x"] and safe.loc[2, "o"] is None
    pd.testing.assert_frame_equal(frame, before)  # the input is untouched
    pd.testing.assert_frame_equal(neutralise_formulas(safe), safe)  # idempotent


def test_signed_numbers_written_as_text_stay_numbers():
    # Money and shares in the column's own style: a spreadsheet reads them as numbers.
    kept = ["-0.62%", "-$1,234.50", "-9.876,25 €", "+1", "-1 003,25 €", "-12"]
    kept += ["-1.310063e+00", "-6.7e-05", "+2E+03"]  # scientific notation, as read
    risky = ["-2+3", "-1)*cmd|' /C calc'!A0", "+A1", "-$", "-1%%", "-1e5*A1"]
    safe = neutralise_formulas(pd.DataFrame({"t": kept + risky}))
    assert safe["t"].tolist() == kept + ["'" + text for text in risky]


def test_neutralise_formulas_handles_categories_strings_and_names():
    frame = pd.DataFrame(
        {
            "=name": pd.Categorical(["-a", "b", "-a"]),
            "s": pd.Series(["=x", None, "y"], dtype="string"),
        }
    )
    safe = neutralise_formulas(frame)
    assert list(safe.columns) == ["'=name", "s"]
    assert safe["'=name"].tolist() == ["'-a", "b", "'-a"]
    assert str(safe["s"].dtype) == "string"
    assert safe["s"].tolist()[0] == "'=x" and pd.isna(safe["s"].iloc[1])
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


def test_to_csv_bytes_is_formula_safe_utf8_without_index():
    frame = pd.DataFrame({"t": ["=HYPERLINK(1)", "Zoë"], "n": [-5, 3]}, index=[7, 8])
    text = to_csv_bytes(frame).decode("utf-8")
    assert text.splitlines() == ["t,n", "'=HYPERLINK(1),-5", "Zoë,3"]


def test_write_csv_streams_chunks_with_one_header(tmp_path):
    chunks = (
        pd.DataFrame({"a": np.arange(i * 10, i * 10 + 10), "b": ["=x"] * 10}) for i in range(3)
    )
    path = tmp_path / "out.csv"
    assert write_csv(chunks, path) == 30
    text = path.read_text(encoding="utf-8")
    assert text.count("a,b") == 1
    back = read_table(path).frame
    assert back["a"].tolist() == list(range(30))
    assert set(back["b"]) == {"'=x"}
    assert os.listdir(tmp_path) == ["out.csv"]


def test_to_xlsx_bytes_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(write, "_XLSX_MAX_ROWS", 3)
    assert to_xlsx_bytes(pd.DataFrame({"a": [1, 2]}))
    with pytest.raises(DataError, match="CSV"):
        to_xlsx_bytes(pd.DataFrame({"a": [1, 2, 3]}))


def test_to_xlsx_bytes_stores_awkward_values_safely():
    frame = pd.DataFrame(
        {
            "flag": pd.array([True, None, False], dtype="boolean"),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "ratio": [1.5, np.inf, np.nan],
            "text": ["#N/A", "=x", "a\x01b"],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).worksheets[0]
    cells = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in cells] == [(True, "b"), (None, "n"), (False, "b")]
    assert [row[1][0] for row in cells] == [1, None, 3]
    assert [row[2][0] for row in cells] == [1.5, None, None]  # Excel has no infinity
    assert [row[3] for row in cells] == [("#N/A", "s"), ("'=x", "s"), ("ab", "s")]


def test_write_csv_single_frame_and_mismatched_chunks(tmp_path):
    path = tmp_path / "one.csv"
    assert write_csv(pd.DataFrame({"a": [1, 2]}), path) == 2
    assert path.read_text().splitlines() == ["a", "1", "2"]
    bad = tmp_path / "bad.csv"
    with pytest.raises(ValueError):
        write_csv([pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [2]})], bad)
    assert not bad.exists() and not (tmp_path / "bad.csv.part").exists()


# --------------------------------------------------------------------------------------------
# Property: what we write, we read back
# --------------------------------------------------------------------------------------------

_TEXT = (
    st.text(alphabet=st.sampled_from(list("abqXYZ é€'\",;|\t\n\r")), min_size=1, max_size=8)
    .map(str.strip)
    .filter(lambda s: s and s not in MISSING_MARKERS and not s.startswith(FORMULA_PREFIXES))
)


@st.composite
def frames(draw) -> pd.DataFrame:
    rows = draw(st.integers(1, 25))
    data = {}
    for index in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["int", "float", "text"]))
        if kind == "int":
            values = draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=rows, max_size=rows))
            column = pd.Series(values, dtype=np.int64)
        elif kind == "float":
            number = st.floats(allow_nan=False, allow_infinity=False) | st.just(np.nan)
            values = draw(st.lists(number, min_size=rows, max_size=rows))
            column = pd.Series(values, dtype=np.float64)
        else:
            values = draw(st.lists(_TEXT | st.just(np.nan), min_size=rows, max_size=rows))
            column = pd.Series(values, dtype=object)
            assume(column.notna().any())
        data[f"c{index}"] = column
    frame = pd.DataFrame(data)
    assume(not frame.isna().all(axis=1).any())  # a row of nothing is skipped on reading
    return frame


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(frames())
def test_csv_round_trip_property(frame):
    result = read_table(to_csv_bytes(frame), limits=ANY_SIZE)
    pd.testing.assert_frame_equal(result.frame, frame)


def test_dates_written_as_text_are_dates_in_a_workbook():
    # A hawk-banding file's capture dates and times came out of the Excel download as text
    # cells: nothing to sort or filter as dates.
    frame = pd.DataFrame(
        {
            "CaptureDate": ["9/19/1992", "10/2/2003", None],
            "CaptureTime": ["13:30", "9:05", "16:45"],
            "Seen": ["19.09.1992 13:30", "bad", "02.10.2003 09:05"],  # one does not read
            "Mixed": ["1992-09-19", "09/19/1992", "1992-10-02"],
        }
    )
    formats = {
        "CaptureDate": "%-m/%-d/%Y",
        "CaptureTime": "%-H:%M",
        "Seen": "%d.%m.%Y %H:%M",
        "Mixed": "%Y-%m-%d | %m/%d/%Y",
    }
    data = to_xlsx_bytes(frame, WrittenAs(date_formats=formats))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    date, time_cell = rows[0][0], rows[0][1]
    assert date.is_date and date.value.date().isoformat() == "1992-09-19"
    assert date.number_format == "m/d/yyyy"
    assert time_cell.value.isoformat() == "13:30:00" and time_cell.number_format == "h:mm"
    assert rows[2][0].value is None
    assert [r[2].value for r in rows] == ["19.09.1992 13:30", "bad", "02.10.2003 09:05"]
    assert rows[0][3].value == "1992-09-19"  # several formats: kept as written
    assert _excel_date_format("%d.%m.%Y %H:%M") == "dd.mm.yyyy hh:mm"
    assert _excel_date_format("%I:%M %p") == "hh:mm AM/PM"
    assert _excel_date_format("%j") is None
