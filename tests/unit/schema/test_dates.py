"""Dates kept as text: day/month order, formats found and reproduced, reading and writing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from synth_core.errors import SchemaError
from synth_core.schema import Kind, datetime_seconds, format_datetimes, parse_datetimes
from synth_core.schema.dates import check_datetime_format
from tests.unit.schema.schema_cases import SUPPORTED_FORMATS, infer_one


# ---------------------------------------------------------------------------------- dates
def test_day_first_from_data() -> None:
    info = infer_one(["13/01/2016", "02/03/2016", "05/04/2016"] * 5)
    assert (info.kind, info.datetime_format) == (Kind.DATETIME, "%d/%m/%Y")
    assert "day-first, since some first numbers are above 12" in info.reason
    assert (info.earliest, info.latest) == ("2016-01-13", "2016-04-05")


def test_month_first_from_data() -> None:
    info = infer_one(["01/13/2016", "02/03/2016", "05/04/2016"] * 5)
    assert (info.kind, info.datetime_format) == (Kind.DATETIME, "%m/%d/%Y")
    assert "month-first, since some second numbers are above 12" in info.reason


@pytest.mark.parametrize(
    ("values", "fmt", "order"),
    [
        (["01/02/2016", "03/04/2016", "05/06/2016"], "%m/%d/%Y", "month-first"),
        (["01.02.2016", "03.04.2016", "05.06.2016"], "%d.%m.%Y", "day-first"),
        (["01-02-2016", "03-04-2016", "05-06-2016"], "%m-%d-%Y", "month-first"),
    ],
)
def test_ambiguous_day_and_month(values: list, fmt: str, order: str) -> None:
    info = infer_one(values)
    assert info.datetime_format == fmt
    assert f"could be day-first or month-first; read as {order} — change it if wrong" in info.reason


def test_day_first_decided_beyond_the_sample() -> None:
    # Only one of 12,000 values shows that the dates are day-first.
    values = ["01/02/2016", "03/04/2016", "05/06/2016"] * 4_000
    values[-1] = "25/06/2016"
    info = infer_one(values)
    assert info.datetime_format == "%d/%m/%Y"


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["2016-11-08", "2017-01-30", "2016-02-29"], "%Y-%m-%d"),
        (["2016-11-08 14:05:00", "2017-01-30 09:00:59"], "%Y-%m-%d %H:%M:%S"),
        (["2016-11-08T14:05", "2017-01-30T09:00"], "%Y-%m-%dT%H:%M"),
        (["2016/11/08", "2017/01/30"], "%Y/%m/%d"),
        (["11/8/2016 14:05", "1/18/2016 4:05", "3/2/2017 23:59"], "%-m/%-d/%Y %-H:%M"),
        (["08.11.2016", "30.01.2017"], "%d.%m.%Y"),
        (["08-11-2016", "30-01-2017"], "%d-%m-%Y"),
        (["08/11/16", "30/01/17"], "%d/%m/%y"),
        (["8 Nov 2016", "30 Jan 2017"], "%-d %b %Y"),
        (["8 November 2016", "30 January 2017"], "%-d %B %Y"),
        (["Nov 8, 2016", "Jan 30, 2017"], "%b %-d, %Y"),
        (["08-Nov-16", "30-Jan-17"], "%d-%b-%y"),
        (["11/08/2016 2:05 PM", "01/30/2017 11:45 AM"], "%m/%d/%Y %-I:%M %p"),
    ],
)
def test_datetime_formats_detected_and_reproduced(values: list, fmt: str) -> None:
    info = infer_one(values)
    assert info.kind is Kind.DATETIME
    assert info.datetime_format == fmt
    assert info.reason.startswith(("dates like", "dates and times like"))
    series = pd.Series(values)
    rewritten = format_datetimes(parse_datetimes(series, fmt), fmt)
    assert rewritten.tolist() == values


def test_a_few_unreadable_dates_are_tolerated() -> None:
    values = [f"2016-01-{day:02d}" for day in range(1, 29)] * 2 + ["soon"]
    info = infer_one(values)
    assert info.kind is Kind.DATETIME
    assert "1 value is not a date in this format and will be treated as missing" in info.reason
    mostly_not_dates = [f"2016-01-{day:02d}" for day in range(1, 21)] + ["soon", "later"] * 5
    assert infer_one(mostly_not_dates).kind is not Kind.DATETIME


def test_an_open_end_past_any_calendar_keeps_the_column_a_date_column() -> None:
    # Records valid until 31 Dec 9999 (still alive, still employed): pandas' calendar ends in
    # 2262, so the column read as 27 % unreadable and was left out as a category.
    months, days = [1, 3, 5, 7, 9, 11] * 12, [2, 9, 14, 21, 26, 28] * 12
    pairs = enumerate(zip(months, days, strict=True))
    ended = [f"{m:02d}/{d:02d}/{1960 + k % 40}" for k, (m, d) in pairs]
    info = infer_one(ended + ["12/31/9999"] * 27)
    assert (info.kind, info.datetime_format, info.open_end) == (
        Kind.DATETIME,
        "%m/%d/%Y",
        "12/31/9999",
    )
    assert info.include and info.latest == "1999-07-21"
    assert "'12/31/9999' (27 % of the values)" in info.reason and "open end" in info.reason
    assert "not a date" not in info.reason
    # Only a date past the calendar is an open end; other text stays unreadable.
    assert infer_one(ended + ["pending"] * 27).kind is not Kind.DATETIME
    assert infer_one(ended + ["12/31/2099"] * 27).open_end is None


def test_parse_and_format_keep_missing_values_and_index() -> None:
    values = pd.Series(["11/8/2016", np.nan, "1/18/2016"], index=[5, 6, 7], name="when")
    parsed = parse_datetimes(values, "%-m/%-d/%Y")
    assert str(parsed.dtype) == "datetime64[ns]"
    assert parsed.isna().tolist() == [False, True, False]
    rewritten = format_datetimes(parsed, "%-m/%-d/%Y")
    assert rewritten.index.tolist() == [5, 6, 7]
    assert rewritten.iloc[0] == "11/8/2016"
    assert rewritten.iloc[2] == "1/18/2016"
    assert np.isnan(rewritten.iloc[1])
    padded = format_datetimes(parsed, "%d/%m/%Y")
    assert padded.iloc[0] == "08/11/2016"
    assert np.isnan(padded.iloc[1])


def _truncate(stamp: dt.datetime, fmt: str) -> pd.Timestamp:
    stamp = pd.Timestamp(stamp)
    if "%S" in fmt:
        return stamp.floor("s")
    if "%M" in fmt:
        return stamp.floor("min")
    return stamp.floor("D")


_STAMPS = st.lists(
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2060, 12, 31)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=75, deadline=None)
@given(stamps=_STAMPS, fmt=st.sampled_from(SUPPORTED_FORMATS))
def test_format_parse_round_trip(stamps: list[dt.datetime], fmt: str) -> None:
    text = format_datetimes(pd.Series(pd.to_datetime(stamps)), fmt)
    parsed = parse_datetimes(text, fmt)
    assert parsed.tolist() == [_truncate(stamp, fmt) for stamp in stamps]
    assert format_datetimes(parsed, fmt).tolist() == text.tolist()


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(stamps=_STAMPS, fmt=st.sampled_from(SUPPORTED_FORMATS))
def test_inferred_format_reproduces_the_text(stamps: list[dt.datetime], fmt: str) -> None:
    text = format_datetimes(pd.Series(pd.to_datetime(stamps)), fmt)
    assume(text.nunique() >= 2)
    info = infer_one(text)
    assert info.kind is Kind.DATETIME, info.reason
    inferred = info.datetime_format
    assert format_datetimes(parse_datetimes(text, inferred), inferred).tolist() == text.tolist()


# ---------------------------------------------------------------------------------- seconds
def test_datetime_seconds_read_text_and_datetimes_alike() -> None:
    text = pd.Series(["1/2/1970", None, "soon", "12/31/2016"], index=[3, 4, 5, 6])
    seconds = datetime_seconds(text, "%-m/%-d/%Y")
    assert seconds[0] == 86_400.0
    assert np.isnan(seconds[1]) and np.isnan(seconds[2])
    assert seconds[3] == pd.Timestamp("2016-12-31").timestamp()
    stamps = parse_datetimes(text, "%-m/%-d/%Y")
    np.testing.assert_array_equal(datetime_seconds(stamps, "%-m/%-d/%Y"), seconds)
    np.testing.assert_array_equal(datetime_seconds(stamps, None), seconds)
    assert datetime_seconds(pd.Series(["1970-01-01 00:00:01.5"]), None)[0] == 1.5


# ---------------------------------------------------------------------------------- mixed formats
_MIXED = ["2024-03-05", "03/17/2024", "5 Mar 2024", "2024-01-30", "2024-02-11"] * 6


def test_a_column_mixing_three_formats_is_a_date_column_read_value_by_value() -> None:
    info = infer_one(_MIXED)
    assert info.kind is Kind.DATETIME, info.reason
    assert info.datetime_format == "%Y-%m-%d | %m/%d/%Y | %-d %b %Y"
    assert "3 formats mixed, each value read with its own; written as %Y-%m-%d" in info.reason
    assert (info.earliest, info.latest) == ("2024-01-30", "2024-03-17")
    parsed = parse_datetimes(pd.Series(_MIXED[:3]), info.datetime_format)
    assert parsed.dt.strftime("%Y-%m-%d").tolist() == ["2024-03-05", "2024-03-17", "2024-03-05"]


def test_a_mixed_column_is_written_in_its_most_common_format() -> None:
    stamps = pd.Series(pd.to_datetime(["2024-03-05", None]))
    written = format_datetimes(stamps, "%Y-%m-%d | %m/%d/%Y")
    assert written[0] == "2024-03-05" and pd.isna(written[1])


def test_dates_mixed_with_much_other_text_stay_categories() -> None:
    values = ["2024-03-05", "03/17/2024", "soon", "later", "never"] * 6
    assert infer_one(values).kind is Kind.CATEGORICAL


def test_a_format_that_reads_one_value_in_a_hundred_does_not_join_a_mix() -> None:
    values = ["2024-03-05", "2024-03-06"] * 60 + ["03/17/2024"] + ["soon"] * 5
    info = infer_one(values)
    assert info.kind is Kind.DATETIME
    assert info.datetime_format == "%Y-%m-%d"
    assert "values are not dates in this format and will be treated as missing" in info.reason


def test_month_and_year_written_like_mar_2018_are_dates() -> None:
    info = infer_one(["Mar-2018", "Jan-2017", "Dec-2015", "Mar-2018"] * 4)
    assert (info.kind, info.datetime_format) == (Kind.DATETIME, "%b-%Y")
    assert (info.earliest, info.latest) == ("2015-12-01", "2018-03-01")


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["11:38:36", "09:05:00", "23:59:59"], "%H:%M:%S"),
        (["11:38", "09:05", "00:00"], "%H:%M"),
        (["9:05 PM", "10:15 AM", "12:00 PM"], "%-I:%M %p"),
        (["1:05:30", "0:59:59", "14:10:00"], "%-H:%M:%S"),
    ],
)
def test_times_of_day_alone_are_read_and_written_back_without_a_date(values, fmt) -> None:
    """A shop's order times ('11:38:36'): learned as a time, never as categories to copy."""
    info = infer_one(values * 10)
    assert (info.kind, info.datetime_format) == (Kind.DATETIME, fmt)
    assert info.reason.startswith(f"times of day like '{values[0]}'")
    series = pd.Series(values)
    assert format_datetimes(parse_datetimes(series, fmt), fmt).tolist() == values


def test_times_named_as_lengths_are_called_durations() -> None:
    # A race's net times ('0:46:54') were described as "times of day".
    times = ["0:46:54", "1:05:30", "0:59:59"] * 10
    assert infer_one(times, name="Net Time").reason.startswith("durations like '0:46:54'")
    assert infer_one(times, name="opened").reason.startswith("times of day like '0:46:54'")


def test_durations_past_a_day_are_not_times_of_day() -> None:
    """Elapsed times with a first field past 23 somewhere ('75:12' minutes, '26:30:00'
    hours) are durations: never read as times, which would blank the long ones."""
    laps = ["75:12", "61:30", "59:59"] * 10
    assert infer_one(laps).kind is not Kind.DATETIME
    rides = ["1:10:00", "16:10:00"] * 30 + ["26:30:00"]  # one in 61 past a day
    assert infer_one(rides).kind is not Kind.DATETIME


def test_a_mix_with_a_part_that_is_not_a_date_format_is_refused() -> None:
    with pytest.raises(SchemaError, match="'%Q' is not a date code"):
        check_datetime_format("%Y-%m-%d | %Q")
    check_datetime_format("%Y-%m-%d | %d/%m/%Y")  # both parts are fine
