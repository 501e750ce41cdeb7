"""A date or time stamp as its calendar parts: the year, the day of the year, the weekday (where
the real dates keep a weekly rhythm), the time of day.

A date read as one number (seconds) keeps its order and spread, but a model that draws a number
inside a range of days loses what the calendar holds: captures only in autumn, flights only by
day, a meter's evening peak, matches mostly on a Saturday. Each part here is a number column of
its own (``ContinuousEncoder``), so each gets its own modes and is learned given the rest of the
row; the parts are put back together into seconds on decoding, the date moved to the nearest day
of the drawn weekday (at most three days).

A part counts whole units (years, days, weekdays; the time of day in steps of the column's
grid): a value is stored with a uniform fraction of its unit added, and decoding takes the unit
it falls in, so that the first and last values of a range come out as often as the others (a
rounded uniform draw gives them half their share). Values an exact mode gives back are stored
as they are.

A part that every real date shares (the year of a table of one year, the day of yearly dates)
is not learned: it is kept as a constant and put back on decoding, which spares the model its
tokens. The parts share the column's name and differ by ``Span.part``; the first part learned
carries the column's missing indicator, and the others hold a filler where a date is missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synth_core.encoding.encoders import MAX_MODES, ContinuousEncoder, Span, exact_values

YEAR, DAY, WEEKDAY, TIME = "year", "day", "weekday", "time"
SECONDS_PER_DAY = 86_400
# numpy's calendar arithmetic works on years of four digits; a decoded year is kept inside them.
FIRST_YEAR, LAST_YEAR = 1, 9999
LAST_INSTANT = 1e-6  # the finest time a format writes: a day's last instant is this before midnight
# A weekday part is learned when real dates' weekdays are this far (total variation distance)
# from even shares, over at least WEEKLY_DAYS different days (a few days are uneven by chance).
WEEKLY_DISTANCE = 0.1
WEEKLY_DAYS = 28


class DateEncoder:
    """Encode seconds since 1970 as (year, day of the year[, weekday][, seconds of the day]);
    the time of day is a part only when some real value has one, the weekday only when real
    dates keep a weekly rhythm. ``grid``: seconds between the times of day a value can have."""

    def __init__(self, column: str, max_modes: int = MAX_MODES, grid: float = 1.0):
        self.column = column
        self.max_modes = max_modes
        self.grid = grid

    def fit(self, values: np.ndarray, rng: np.random.Generator) -> DateEncoder:
        """Fit each part on ``values`` (seconds, NaN where missing)."""
        found = ~np.isnan(values)
        parts = calendar_parts(values)
        names = [YEAR, DAY]
        if _weekly(parts[WEEKDAY][found], parts[DAY][found] + 366 * parts[YEAR][found]):
            names.append(WEEKDAY)
        if found.any() and (parts[TIME][found] != 0).any():
            names.append(TIME)
        self.constants_: dict[str, float] = {}
        for name in (YEAR, DAY):
            shared = np.unique(parts[name][found])
            if len(shared) == 1 and len(self.constants_) == 0:  # one part is always learned
                self.constants_[name] = float(shared[0])
                names.remove(name)
        self.parts_: dict[str, ContinuousEncoder] = {}
        for name in names:
            encoder = ContinuousEncoder(self.column, self.max_modes, part=name)
            # Only the first part learns where dates are missing; the others never see a gap.
            own = parts[name] if not self.parts_ else parts[name][found]
            exact = exact_values(own, self.max_modes)
            self.parts_[name] = encoder.fit(_spread(own, self._unit(name), exact, rng), rng)
        return self

    def _unit(self, part: str) -> float:
        return self.grid if part == TIME else 1.0

    @property
    def spans(self) -> list[Span]:
        return [span for encoder in self.parts_.values() for span in encoder.spans]

    @property
    def width(self) -> int:
        return sum(encoder.width for encoder in self.parts_.values())

    def transform(self, values: np.ndarray, rng: np.random.Generator, out: np.ndarray) -> None:
        """Write the parts of ``values`` (seconds) into ``out`` (rows x width, zeros)."""
        parts = calendar_parts(values)
        start = 0
        for name, encoder in self.parts_.items():
            spread = _spread(parts[name], self._unit(name), encoder.exact_, rng)
            encoder.transform(spread, rng, out[:, start : start + encoder.width])
            start += encoder.width

    def inverse(self, block: np.ndarray) -> np.ndarray:
        """Seconds since 1970 (NaN where the date is missing) from a block of parts."""
        decoded, start = {}, 0
        for name, encoder in self.parts_.items():
            unit = self._unit(name)
            value = encoder.inverse(block[:, start : start + encoder.width])
            decoded[name] = np.floor(value / unit + 1e-9) * unit
            start += encoder.width
        missing = np.isnan(next(iter(decoded.values())))
        for name, value in self.constants_.items():
            decoded[name] = np.where(missing, np.nan, value)
        seconds = from_calendar_parts(decoded[YEAR], decoded[DAY], decoded.get(TIME))
        if WEEKDAY in decoded:
            seconds = on_weekday(seconds, decoded[WEEKDAY])
        return seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "grid": self.grid,
            "parts": {name: encoder.to_dict() for name, encoder in self.parts_.items()},
            "constants": dict(self.constants_),
        }

    @classmethod
    def from_dict(cls, column: str, data: dict[str, Any]) -> DateEncoder:
        parts, grid = data["parts"], float(data["grid"])
        constants = {name: float(value) for name, value in data.get("constants", {}).items()}
        dated = [name for name in (YEAR, DAY) if name not in constants]
        names = list(parts)
        if len(constants) > 1 or len(dated) + len(constants) != 2 or names[: len(dated)] != dated:
            raise ValueError("unknown date parts")
        if names[len(dated) :] not in ([], [WEEKDAY], [TIME], [WEEKDAY, TIME]):
            raise ValueError("unknown date parts")
        if not 0 < grid <= SECONDS_PER_DAY:
            raise ValueError("a date's grid is out of range")
        if not all(np.isfinite(value) for value in constants.values()):
            raise ValueError("a date's constant part is not a number")
        encoder = cls(column, grid=grid)
        encoder.constants_ = constants
        encoder.parts_ = {
            name: ContinuousEncoder.from_dict(column, state, part=name)
            for name, state in parts.items()
        }
        return encoder


def _weekly(weekdays: np.ndarray, days: np.ndarray) -> bool:
    """Whether dates on these ``weekdays`` (0 Monday; ``days`` tells different days apart) keep
    a weekly rhythm: shares of the weekdays far from even, over enough different days."""
    if len(np.unique(days)) < WEEKLY_DAYS:
        return False
    shares = np.bincount(weekdays.astype(np.int64), minlength=7) / len(weekdays)
    return float(np.abs(shares - 1 / 7).sum() / 2) >= WEEKLY_DISTANCE


def _spread(
    values: np.ndarray, unit: float, exact: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """``values`` (whole ``unit``s, NaN missing) with a uniform fraction of a unit added, but for
    the ``exact`` ones; taking the unit a value falls in gives it back."""
    fraction = rng.random(len(values)) * unit
    return np.where(np.isin(values, exact), values, values + fraction)


def on_weekday(seconds: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """``seconds`` moved by whole days (at most three, either way) onto ``weekday`` (0 Monday)."""
    found = ~np.isnan(seconds)
    days = np.floor_divide(np.where(found, seconds, 0.0), SECONDS_PER_DAY)
    now = _weekday(days)
    wanted = np.clip(np.nan_to_num(weekday), 0, 6)
    shift = (wanted - now + 3) % 7 - 3
    return np.where(found, seconds + shift * SECONDS_PER_DAY, np.nan)


def _weekday(days: np.ndarray) -> np.ndarray:
    """The weekday (0 Monday) of days counted from 1 January 1970, a Thursday."""
    return (days + 3) % 7


def calendar_parts(seconds: np.ndarray) -> dict[str, np.ndarray]:
    """The year, day of the year (0 for 1 January), weekday (0 Monday) and seconds of the day of
    each value; NaN where a value is missing."""
    missing = np.isnan(seconds)
    whole = np.floor(np.where(missing, 0.0, seconds)).astype(np.int64)
    days = np.floor_divide(whole, SECONDS_PER_DAY)
    years = days.astype("datetime64[D]").astype("datetime64[Y]")
    first_days = years.astype("datetime64[D]").astype(np.int64)
    time_of_day = np.where(missing, 0.0, seconds) - days * SECONDS_PER_DAY
    return {
        YEAR: np.where(missing, np.nan, years.astype(np.int64) + 1970.0),
        DAY: np.where(missing, np.nan, (days - first_days).astype(np.float64)),
        WEEKDAY: np.where(missing, np.nan, _weekday(days).astype(np.float64)),
        TIME: np.where(missing, np.nan, time_of_day),
    }


def from_calendar_parts(
    year: np.ndarray, day: np.ndarray, time: np.ndarray | None = None
) -> np.ndarray:
    """Seconds since 1970 from decoded parts: the year and the day are whole numbers (a day past
    the year's last is its last), the time of day stays inside the day; NaN where the year is."""
    missing = np.isnan(year)
    years = np.clip(np.round(np.where(missing, 1970, year)), FIRST_YEAR, LAST_YEAR).astype(np.int64)
    first = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    after = (years - 1969).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    offset = np.clip(np.round(np.nan_to_num(day)), 0, after - first - 1)
    seconds = (first + offset) * float(SECONDS_PER_DAY)
    if time is not None:
        seconds += np.clip(np.nan_to_num(time), 0.0, SECONDS_PER_DAY - LAST_INSTANT)
    return np.where(missing, np.nan, seconds)


def datetime_resolution(fmt: str | None) -> float:
    """Seconds between consecutive values the format can write (1 µs when unknown)."""
    if not fmt or "%f" in fmt:
        return 1e-6
    if "%S" in fmt:
        return 1.0
    if "%M" in fmt:
        return 60.0
    if any(code in fmt for code in ("%H", "%-H", "%I", "%-I")):
        return 3600.0
    return 86400.0


def part_count(datetime_format: str | None) -> int:
    """How many parts a date column written in ``datetime_format`` is likely to have: a time of
    day when the format writes one (the data decide, see ``DateEncoder.fit``)."""
    return 3 if datetime_resolution(datetime_format) < SECONDS_PER_DAY else 2
