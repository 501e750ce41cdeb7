"""Dates kept as text: finding a column's format, reading and writing with it, and dates as
seconds since 1970.

``ColumnInfo.datetime_format`` is the strftime format that reads *and* writes a column
exactly. Besides the usual directives it may use ``%-d``, ``%-m``, ``%-H`` and ``%-I`` for
numbers written without a leading zero ('11/8/2016'); :func:`parse_datetimes` and
:func:`format_datetimes` handle those on every platform.

A column that mixes two or three formats (an export that gathered '2024-03-05', '03/05/2024'
and '5 Mar 2024') has them all, most common first, joined by :data:`FORMAT_SEPARATOR`
('%Y-%m-%d | %m/%d/%Y | %d %b %Y'): each value is read with the first format that reads it,
and dates are written in the first (the column's most common format).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from synth_core.errors import SchemaError
from synth_core.schema.findings import PROBE_VALUES, Finding, TextSample
from synth_core.schema.kinds import Kind
from synth_core.schema.messages import describe_value, join_quoted, quote
from synth_core.schema.names import has_word
from synth_core.wording import rough_percent

NS_PER_SECOND = 1_000_000_000
DATETIME_MIN_SHARE = 0.95  # of values that must read as dates with one format (or a mix)
MAX_OPEN_END = 40  # characters of an open-end date ('12/31/9999') a model file keeps
FORMAT_SEPARATOR = " | "  # between the formats of a column that mixes them
MAX_MIXED_FORMATS = 3
MIXED_FORMAT_MIN_SHARE = 0.02  # of values a format must read to join a mix

# One regex per shape, with named parts from which the strftime format is built.
_DATE_PREFILTER = (
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}.*"
    r"|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}.*"
    r"|[A-Za-z]{3,9} \d{1,2},? \d{4}.*"
    r"|[A-Za-z]{3,9}[-/ ]\d{4}"
)
_DATE_SHAPES = (
    ("year_first", r"(?P<year>\d{4})(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})"),
    ("numeric", r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"),
    (
        "day_month_name",
        r"(?P<a>\d{1,2})(?P<sep>[ -])(?P<month>[A-Za-z]{3,9})(?P=sep)(?P<year>\d{4}|\d{2})",
    ),
    (
        "month_name_day",
        r"(?P<month>[A-Za-z]{3,9})(?P<sep> )(?P<a>\d{1,2})(?P<comma>,?) (?P<year>\d{4})",
    ),
    ("month_year", r"(?P<month>[A-Za-z]{3,9})(?P<sep>[-/ ])(?P<year>\d{4})"),  # 'Mar-2018'
)
_TIME_PART = (
    r"(?:(?P<tsep>[ T])(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2}))?"
    # 'Z' (ISO 8601's UTC mark) or an offset from UTC ('+02:00', '-0400')
    r"(?:(?P<psep> ?)(?P<ampm>[AaPp][Mm]))?(?P<zone>Z|[+-]\d{2}:?\d{2}|))?"
)
# Written for times read with several offsets (%z): the same instants in UTC.
UTC_OFFSET = "+00:00"
# A time of day alone ('11:38:36', '9:05 PM'): read as that time on 1 January 1900, and written
# back without the date. The empty 'zone' and 'tsep' groups let ``_time_format`` read it as it
# reads the time part of a date.
_TIME_OF_DAY = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2}))?"
    r"(?:(?P<psep> ?)(?P<ampm>[AaPp][Mm]))?(?P<zone>)(?P<tsep>)"
)
# Names of times that are lengths, not moments ('Net Time', 'Pace', 'duration'): under a day,
# they read and are written as times of day are.
DURATION_WORDS = frozenset(
    {"duration", "elapsed", "pace", "net", "gun", "chip", "lap", "split", "runtime", "length"}
)
_UNPADDED = re.compile(r"%-([dmHIMSjy])")
_DIRECTIVE = re.compile(r"%(-?)(.)", re.DOTALL)
_FORMAT_LETTERS = frozenset("YymdbBHIMSpfjaAzZ%")


# ------------------------------------------------------------------------------ reading, writing
def parse_datetimes(values: pd.Series, fmt: str) -> pd.Series:
    """Read text with a strftime format (``%-d`` style allowed): datetime64[ns], NaT if missing.

    With several formats (joined by :data:`FORMAT_SEPARATOR`) each value is read with the
    first that reads it. Values that fit no format become NaT too.
    """
    if ptypes.is_datetime64_any_dtype(values.dtype):
        return values
    text = values.astype(object).where(values.notna(), None)
    formats = split_formats(fmt)
    parsed = _parse_one(text, formats[0])
    for other in formats[1:]:
        unread = parsed.isna() & text.notna()
        if not unread.any():
            break
        parsed = parsed.where(~unread, _parse_one(text[unread], other).reindex(text.index))
    return parsed


def split_formats(fmt: str) -> list[str]:
    """The formats of a column (one, or a mix joined by :data:`FORMAT_SEPARATOR`)."""
    return [part for part in fmt.split(FORMAT_SEPARATOR) if part] or [fmt]


def _parse_one(text: pd.Series, fmt: str) -> pd.Series:
    try:
        if "%z" in fmt:  # offsets that differ between rows: each instant, in UTC
            parsed = pd.to_datetime(text, format=_pandas_format(fmt), errors="coerce", utc=True)
            parsed = parsed.dt.tz_localize(None)
        else:
            parsed = pd.to_datetime(text, format=_pandas_format(fmt), errors="coerce")
    except ValueError as error:
        raise SchemaError(
            f"The date format '{fmt}' cannot be used ({error}). "
            "Use strftime codes such as %d/%m/%Y or %Y-%m-%d %H:%M."
        ) from None
    if not ptypes.is_datetime64_dtype(parsed.dtype):
        parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    elif parsed.dtype != "datetime64[ns]":
        parsed = parsed.astype("datetime64[ns]")
    return parsed


def format_datetimes(values: pd.Series, fmt: str) -> pd.Series:
    """Write datetimes as text with a strftime format (``%-d`` style allowed); NaN for NaT.

    Of several formats, the first (the column's most common) writes; times read with their
    offsets (``%z``) are written in UTC, with its offset."""
    fmt = split_formats(fmt)[0].replace("%z", UTC_OFFSET)
    stamps = values
    if not ptypes.is_datetime64_any_dtype(values.dtype):
        stamps = pd.to_datetime(values, errors="coerce")
    present = stamps.notna().to_numpy()
    if not _UNPADDED.search(fmt):
        return stamps.dt.strftime(fmt).astype(object).where(present, np.nan)
    shown = stamps[present]
    text = pd.Series("", index=shown.index, dtype=object)
    position = 0
    for match in _UNPADDED.finditer(fmt):
        text = text + _strftime_chunk(shown, fmt[position : match.start()])
        text = text + _unpadded_field(shown, match.group(1))
        position = match.end()
    text = text + _strftime_chunk(shown, fmt[position:])
    result = pd.Series(np.nan, index=stamps.index, dtype=object, name=values.name)
    result[present] = text.to_numpy(dtype=object)
    return result


def datetime_seconds(values: pd.Series, fmt: str | None) -> np.ndarray:
    """Dates as seconds since 1970 (floats); NaN where missing or unreadable.

    Text is read with ``fmt`` (see :func:`parse_datetimes`); datetimes, and text without a
    format, are read by pandas.
    """
    if fmt and not ptypes.is_datetime64_any_dtype(values):
        stamps = parse_datetimes(values, fmt)
    else:
        stamps = pd.to_datetime(values, errors="coerce")
    ns = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
    return np.where(stamps.isna().to_numpy(), np.nan, ns / NS_PER_SECOND)


def check_datetime_format(fmt: Any) -> None:
    """Raise ``SchemaError``, saying what to write instead, unless ``fmt`` can read dates."""
    problem = ""
    if not isinstance(fmt, str) or not fmt:
        problem = "it is empty" if fmt == "" else f"it is {describe_value(fmt)}, not text"
    elif FORMAT_SEPARATOR in fmt:
        for part in fmt.split(FORMAT_SEPARATOR):
            check_datetime_format(part)
        return
    else:
        directives = _DIRECTIVE.findall(fmt)
        letters = {letter for _, letter in directives}
        bad = [
            f"%{flag}{letter}"
            for flag, letter in directives
            if letter not in _FORMAT_LETTERS or (flag and letter not in "dmHIMSjy")
        ]
        if bad:
            verb = "is not a date code" if len(bad) == 1 else "are not date codes"
            problem = f"{join_quoted(bad)} {verb}"
        elif "%" in _DIRECTIVE.sub("", fmt):
            problem = "it ends with a lone %"
        elif not letters & {"Y", "y"} or not letters & {"m", "b", "B", "j"}:
            problem = "it needs a year (%Y or %y) and a month (%m, %b or %B)"
    if problem:
        raise SchemaError(
            f"'{fmt}' is not a date format Synth Studio can use: {problem}. Use strftime codes "
            "such as %d/%m/%Y or %Y-%m-%d %H:%M (%-d and %-m for numbers written without a "
            "leading zero)."
        )


def _pandas_format(fmt: str) -> str:
    # pandas reads %d, %m, %H and %I with or without a leading zero, but does not know %-d.
    return _UNPADDED.sub(r"%\1", fmt)


def _strftime_chunk(stamps: pd.Series, chunk: str) -> pd.Series | str:
    return stamps.dt.strftime(chunk).astype(object) if "%" in chunk else chunk


def _unpadded_field(stamps: pd.Series, letter: str) -> pd.Series:
    parts = stamps.dt
    numbers = {
        "d": lambda: parts.day,
        "m": lambda: parts.month,
        "H": lambda: parts.hour,
        "I": lambda: (parts.hour % 12).replace(0, 12),
        "M": lambda: parts.minute,
        "S": lambda: parts.second,
        "j": lambda: parts.dayofyear,
        "y": lambda: parts.year % 100,
    }[letter]()
    return numbers.astype(str).astype(object)


# ------------------------------------------------------------------------------ finding the format
def datetime_values(values: pd.Series) -> Finding:
    """A column already read as datetimes: ISO format, with the time when there is one."""
    stamps = pd.Series(values)
    with_time = bool((stamps != stamps.dt.normalize()).any())
    fmt = "%Y-%m-%d"
    if with_time:
        fmt = "%Y-%m-%d %H:%M:%S"
        if ((stamps.dt.microsecond != 0) | (stamps.dt.nanosecond != 0)).any():
            fmt += ".%f"
    earliest, latest = _iso(stamps.min(), with_time), _iso(stamps.max(), with_time)
    what = "dates and times" if with_time else "dates"
    return Finding(
        Kind.DATETIME,
        f"{what} from {earliest} to {latest}",
        {"datetime_format": fmt, "earliest": earliest, "latest": latest},
    )


def text_datetime(column: TextSample) -> Finding | None:
    """Dates (or times of day) written as text, when one format reads nearly all of them."""
    if column.matches(_TIME_OF_DAY, DATETIME_MIN_SHARE):
        return _time_of_day(column)
    if not column.matches(_DATE_PREFILTER, DATETIME_MIN_SHARE):
        return None
    found = []  # (share, format, note) of each shape that reads some values
    for shape, pattern in _DATE_SHAPES:
        parts = column.texts.str.extract(f"^{pattern}{_TIME_PART}$")
        matched = parts["year"].notna().to_numpy()
        share = column.share(matched)
        if share >= DATETIME_MIN_SHARE:
            fmt, note = _date_format(shape, parts[matched], column.weights[matched], column)
            return _confirm_datetime(column, fmt, note)
        if share >= MIXED_FORMAT_MIN_SHARE:
            fmt, note = _date_format(shape, parts[matched], column.weights[matched], column)
            found.append((share, fmt, note))
    return _mixed_datetime(column, found)


def _time_of_day(column: TextSample) -> Finding | None:
    """Times of day alone; None for durations ('75:12', '26:30:00'): an hour past 23 anywhere
    in the column means they are not times of day."""
    hours = column.values.str.extract(r"^(\d{1,2}):")[0].dropna().astype(int)
    if (hours > 23).any():
        return None
    parts = column.texts.str.extract(f"^{_TIME_OF_DAY}$")
    matched = parts["hour"].notna().to_numpy()
    return _confirm_datetime(column, _time_format(parts[matched], column.weights[matched]), "")


def _mixed_datetime(column: TextSample, found: list[tuple[float, str, str]]) -> Finding | None:
    """Dates written in two or three formats that together read nearly all values."""
    found.sort(key=lambda entry: -entry[0])
    found = found[:MAX_MIXED_FORMATS]
    if len(found) < 2 or sum(share for share, _, _ in found) < DATETIME_MIN_SHARE:
        return None
    fmt = FORMAT_SEPARATOR.join(fmt for _, fmt, _ in found)
    notes = [note for _, _, note in found if note]
    note = f"{len(found)} formats mixed, each value read with its own; written as {found[0][1]}"
    return _confirm_datetime(column, fmt, "; ".join([note, *notes]))


def _date_format(
    shape: str, parts: pd.DataFrame, weights: np.ndarray, column: TextSample
) -> tuple[str, str]:
    """The strftime format for the matched values, and a note on day/month order if any."""
    sep = _most_common(parts["sep"], weights)
    year = "%Y" if _most_common(parts["year"].str.len(), weights) == 4 else "%y"
    note = ""
    if shape == "year_first":
        date = f"%Y{sep}{_field('m', parts['a'])}{sep}{_field('d', parts['b'])}"
    elif shape == "numeric":
        day_first, note = _day_first(parts, sep, column)
        first, second = ("d", "m") if day_first else ("m", "d")
        date = f"{_field(first, parts['a'])}{sep}{_field(second, parts['b'])}{sep}{year}"
    elif shape == "day_month_name":
        date = f"{_field('d', parts['a'])}{sep}{_month_field(parts['month'])}{sep}{year}"
    elif shape == "month_year":
        date = f"{_month_field(parts['month'])}{sep}%Y"
    else:
        comma = _most_common(parts["comma"], weights)
        date = f"{_month_field(parts['month'])} {_field('d', parts['a'])}{comma} {year}"
    return date + _time_format(parts, weights), note


def _day_first(parts: pd.DataFrame, sep: str, column: TextSample) -> tuple[bool, str]:
    """Read 'a/b/yyyy' day-first or month-first, from the data when it can tell."""
    first, second = parts["a"].astype(int), parts["b"].astype(int)
    first_big, second_big = bool((first > 12).any()), bool((second > 12).any())
    if not (first_big or second_big) and column.sampled:
        fields = pd.Series(column.values.unique()).str.extract(r"^(\d{1,2})[-/.](\d{1,2})[-/.]")
        fields = fields.dropna().astype(int)
        first_big, second_big = bool((fields[0] > 12).any()), bool((fields[1] > 12).any())
    if first_big and not second_big:
        return True, "day-first, since some first numbers are above 12"
    if second_big and not first_big:
        return False, "month-first, since some second numbers are above 12"
    if first_big and second_big:  # no single order fits; the confirmation step will tell
        return bool((first > 12).sum() >= (second > 12).sum()), ""
    day_first = sep == "."
    order = "day-first" if day_first else "month-first"
    return day_first, f"could be day-first or month-first; read as {order} — change it if wrong"


def _time_format(parts: pd.DataFrame, weights: np.ndarray) -> str:
    has_time = parts["hour"].notna().to_numpy()
    if weights[has_time].sum() * 2 < weights.sum():
        return ""
    parts, weights = parts[has_time], weights[has_time]
    twelve_hour = weights[parts["ampm"].notna().to_numpy()].sum() * 2 >= weights.sum()
    with_seconds = weights[parts["sec"].notna().to_numpy()].sum() * 2 >= weights.sum()
    hour = _field("I" if twelve_hour else "H", parts["hour"])
    time = f"{_most_common(parts['tsep'], weights)}{hour}:%M"
    if with_seconds:
        time += ":%S"
    if twelve_hour:
        time += f"{_most_common(parts['psep'].fillna(''), weights)}%p"
    zones = parts["zone"].fillna("")
    offsets = zones[zones.str.match(r"[+-]")]
    if offsets.nunique() > 1:  # summer and winter time, or places far apart: read each one
        return time + "%z"
    return time + _most_common(zones, weights)  # one offset, 'Z' or none: written as it is


def _field(letter: str, numbers: pd.Series) -> str:
    """``%d`` if the numbers are written with leading zeros (or we cannot tell), else ``%-d``."""
    numbers = numbers.dropna()
    lengths = numbers.str.len()
    zero_padded = ((lengths == 2) & numbers.str.startswith("0")).any()
    single_digit = (lengths == 1).any()
    return f"%-{letter}" if single_digit and not zero_padded else f"%{letter}"


def _month_field(names: pd.Series) -> str:
    return "%b" if (names.str.len() == 3).all() else "%B"


def _confirm_datetime(column: TextSample, fmt: str, note: str) -> Finding | None:
    """Check the format on the sample, then on the whole column; None if it does not hold."""
    parsed_sample = parse_datetimes(column.texts, fmt)
    readable = parsed_sample.notna().to_numpy()
    open_end = _open_end(column.texts[~readable], fmt)
    ends_sample = (column.texts == open_end).to_numpy()
    if column.share(readable | ends_sample) < DATETIME_MIN_SHARE:
        return None
    parsed = parse_datetimes(column.values, fmt)
    ends = column.values == open_end
    read = parsed.notna()
    if (read | ends).mean() < DATETIME_MIN_SHARE:
        return None
    read &= ~ends
    with_time = any(letter in fmt for letter in "HIMS")
    what = "dates and times" if with_time else "dates"
    if not any(f"%{letter}" in fmt.replace("-", "") for letter in "YydmbBj"):
        # A race's net time or pace is kept the same way, but it is no time of day.
        what = "durations" if has_word(column.tokens, DURATION_WORDS) else "times of day"
    reason = f"{what} like {quote(column.values[read].iloc[0])} (format {fmt})"
    if note:
        reason += f"; {note}"
    # Writing the most common values back shows whether the format reproduces the column.
    shown = parsed_sample[readable].iloc[:PROBE_VALUES]
    rewritten = format_datetimes(shown, fmt).to_numpy(dtype=object)
    exact = rewritten == column.texts[readable].iloc[:PROBE_VALUES].to_numpy(dtype=object)
    if "%z" in fmt:
        reason += f"; their offsets from UTC differ, so they are written in UTC ({UTC_OFFSET})"
    elif not exact.all() and FORMAT_SEPARATOR not in fmt:  # a mix: its note says how it is written
        reason += "; some values are written a little differently and will come out in this format"
    if open_end is not None:
        reason += (
            f"; {quote(open_end)} ({rough_percent(ends.mean())} of the values), past the dates a "
            "calendar here holds, is an open end: no date to the model, and written back as it is"
        )
    unread = int((~read & ~ends).sum())
    if unread:
        values = "1 value is not a date" if unread == 1 else f"{unread:,} values are not dates"
        reason += f"; {values} in this format and will be treated as missing"
    facts = {
        "datetime_format": fmt,
        "earliest": _iso(parsed.min(), with_time),
        "latest": _iso(parsed.max(), with_time),
    }
    if open_end is not None:
        facts["open_end"] = open_end
    return Finding(Kind.DATETIME, reason, facts)


def _open_end(unread: pd.Series, fmt: str) -> str | None:
    """The most common of the ``unread`` texts when it is a date in ``fmt`` past the last day
    pandas' calendar holds: '12/31/9999', the open end many exports write for "no end date"."""
    if unread.empty or FORMAT_SEPARATOR in fmt or "%z" in fmt:
        return None
    text = str(unread.iloc[0])  # most common first
    try:
        stamp = datetime.datetime.strptime(text, fmt.replace("%-", "%"))
    except ValueError:
        return None
    past = stamp > pd.Timestamp.max.to_pydatetime(warn=False)
    return text if past and len(text) <= MAX_OPEN_END else None


def _most_common(values: pd.Series, weights: np.ndarray) -> Any:
    keys, positions = np.unique(values.to_numpy(), return_inverse=True)
    return keys[np.bincount(positions, weights=weights).argmax()]


def _iso(stamp: pd.Timestamp, with_time: bool) -> str:
    return stamp.isoformat() if with_time else stamp.date().isoformat()
