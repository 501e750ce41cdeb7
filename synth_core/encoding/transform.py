"""The reversible transform between a table and the matrix a model learns from.

``TableTransform.fit(frame, schema)`` learns one encoder per included column;
``transform`` turns rows into a float32 matrix; ``inverse`` turns a matrix back into a table with
the original columns, dtypes, formats and value sets. ``spans`` is the output layout the models
read: they know widths and activations, never columns.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synth_core.encoding.calendar_parts import DateEncoder, datetime_resolution
from synth_core.encoding.encoders import (
    MAX_MODES,
    SPIKE_SHARE,
    CategoricalEncoder,
    ContinuousEncoder,
    Span,
)
from synth_core.errors import SchemaError, check_stop
from synth_core.schema import (
    MODELLED_KINDS,
    NS_PER_SECOND,
    NUMERIC_KINDS,
    Kind,
    Schema,
    datetime_seconds,
    format_datetimes,
    texts_among_numbers,
)
from synth_core.schema.messages import quote, quoted_list
from synth_core.schema.rarity import (
    LISTED_MAX,
    RARE_BELOW,
    RARE_LABEL,
    common_values,
    holder_codes,
    holder_column,
    protected_range,
)
from synth_core.wording import counted

Encoder = ContinuousEncoder | DateEncoder | CategoricalEncoder

MAX_CATEGORIES = 100  # outputs per category column; rarer categories share one bucket
PLACES_ATOL = 1e-9  # float noise tolerated when counting a column's decimal places
PLACES_SHARE = 0.99  # of a column's values that its generated numbers' decimal places write
MAIN_PLACES_SHARE = 0.5  # ... and that the places of most of them write (see _main_places)
MAIN_STEP_SHARE = 0.9  # of a column's values on a step for it to be kept (see _main_step)
FINEST_PLACES = 8  # finer numbers are not rounded at all (PLACES_ATOL reads 9 places as any)
PLACES_SAMPLE = 100_000  # values the decimal places are counted on, at most
# Grids generated values are put back on when every real value lies on one: seconds of a
# minute, an hour, a day; multiples of 5, 10, 100 ... of a number's last decimal place.
DATETIME_STEPS = (60.0, 300.0, 900.0, 1800.0, 3600.0, 86400.0)
MONTH_START, MONTH_END, WEEKDAYS = "month_start", "month_end", "weekdays"  # Monday to Friday
ON_DAYS = "days:"  # dates on some days of the week only: "days:5" is Saturdays (Monday is 0)
# Real dates on a few days of the week are a calendar when dates on any day would have missed
# the other days less often than this (30 different business days, 10 Saturdays).
BY_CHANCE = 1e-3
NUMBER_STEPS = (5, 10, 25, 50, 100, 1000)
MIN_STEP_VALUES = 20  # a grid a handful of values share may be chance
TRANSFORM_ROWS = 100_000  # rows encoded at a time
NOT_INCLUDED_SHOWN = 5  # columns named, with their reasons, when none is included
# A number column of at most LISTED_MAX different values comes out on its values that RARE_BELOW
# rows or people share, when those hold LISTED_SHARE of its rows: never between two real
# values, never on a rare one.
LISTED_SHARE = 0.95


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is encoded and decoded: what the transform keeps besides the encoder."""

    name: str
    kind: str
    dtype: str
    minimum: float | None = None
    maximum: float | None = None
    decimals: int | None = None
    datetime_format: str | None = None
    step: float | None = None  # every real value is a multiple of it: generated ones too
    calendar: str | None = None  # dates: all on a month's first or last day, or some weekdays
    # Decimal numbers whose values are mostly written with fewer places than ``decimals``
    # (whole amounts, a few with cents): (those places, the share of real values they write).
    # That share of generated values is rounded to them, the rest to ``decimals``.
    main_places: tuple[int, float] | None = None
    # Most values (MAIN_STEP_SHARE) on a grid the rest are not ($100 prices, a few odd ones):
    # (the grid's step, the share of real values on it); that share of generated values too.
    main_step: tuple[float, float] | None = None
    # A column of few values (see LISTED_MAX): those a generated value comes out as, the nearest.
    values: tuple[float, ...] | None = None


class TableTransform:
    """Encode the included columns of a table for a model, and decode its output back."""

    def __init__(
        self, max_modes: int = MAX_MODES, max_categories: int = MAX_CATEGORIES, seed: int = 0
    ):
        self.max_modes = max_modes
        self.max_categories = max_categories
        self.seed = seed
        self.holder_column_: str | None = None  # whose row each is, when people have several

    # ----------------------------------------------------------------------------- fitting
    def fit(
        self,
        frame: pd.DataFrame,
        schema: Schema,
        domain: Any = None,
        stop: threading.Event | None = None,
    ) -> TableTransform:
        """Learn an encoder for every column the schema includes. With ``domain`` (a
        ``synth_core.privacy.dp.PrivateDomain``) bounds and categories come from it and no value is
        read (differential privacy). Raises ``Stopped`` between columns once ``stop`` is set."""
        rng = np.random.default_rng(self.seed)
        self.plans_: list[ColumnPlan] = []
        self.encoders_: list[Encoder] = []
        columns = schema.included
        if not columns:
            raise _nothing_included(schema)
        self.holder_column_ = None if domain is not None else holder_column(frame, schema)
        owners = None if self.holder_column_ is None else holder_codes(frame[self.holder_column_])
        for info in columns:
            check_stop(stop)
            if info.name not in frame.columns:
                raise SchemaError(f"Column '{info.name}' is not in the table. Re-read the file.")
            if info.kind not in MODELLED_KINDS:
                # Learning identifiers or personal data as categories would copy real values out.
                raise SchemaError(
                    f"Column '{info.name}' is marked as {info.kind.value}, which is not learned "
                    "(it would copy real values into the synthetic table). Leave it out, or "
                    "set its kind to category or number if it really is one."
                )
            if domain is not None:
                dtype = str(frame[info.name].dtype)
                plan, encoder = domain.column(info, dtype, self.max_categories)
                self.plans_.append(plan)
                self.encoders_.append(encoder)
                continue
            plan, values = _plan_and_values(
                frame[info.name], info.kind, info.datetime_format, owners
            )
            if plan.kind in NUMERIC_KINDS:
                values = _within_range(plan, values)
                if plan.kind == Kind.DATETIME:
                    encoder = DateEncoder(info.name, self.max_modes, grid=_date_grid(plan))
                else:
                    encoder = ContinuousEncoder(info.name, self.max_modes)
                encoder = encoder.fit(values, rng)
            else:
                encoder = CategoricalEncoder(info.name, self.max_categories)
                encoder = encoder.fit(values, rng, owners)
            self.plans_.append(plan)
            self.encoders_.append(encoder)
        return self

    @property
    def columns(self) -> list[str]:
        return [plan.name for plan in self.plans_]

    @property
    def spans(self) -> list[Span]:
        """The output layout, in matrix order."""
        return [span for encoder in self.encoders_ for span in encoder.spans]

    @property
    def width(self) -> int:
        return sum(encoder.width for encoder in self.encoders_)

    @property
    def discrete_columns(self) -> list[str]:
        """Columns that a conditional vector can select values of (one-hot categories)."""
        return [
            plan.name
            for plan, encoder in zip(self.plans_, self.encoders_, strict=True)
            if isinstance(encoder, CategoricalEncoder)
        ]

    def rare_note(self) -> str | None:
        """In words, the rare categories that never come out, by column (None for none)."""
        found = [
            f"{quote(plan.name)} writes "
            f"{quote(RARE_LABEL) if encoder.fallback_ else 'its most common value'} "
            f"for {counted(encoder.protected_, 'value')}"
            for plan, encoder in zip(self.plans_, self.encoders_, strict=True)
            if isinstance(encoder, CategoricalEncoder) and encoder.protected_
        ]
        if not found:
            return None
        sharing = f"{RARE_BELOW} training rows share"
        if self.holder_column_:
            sharing = (
                f"{RARE_BELOW} people share (told apart by {quote(self.holder_column_)}, since "
                "one person has several rows)"
            )
        return (
            f"Values that fewer than {sharing} could point at one person, so they never come "
            f"out: {'; '.join(found)}."
        )

    def categories(self, column: str) -> list[Any]:
        """The real values of a discrete column, in the order of its one-hot outputs."""
        encoder = self._encoder(column)
        if not isinstance(encoder, CategoricalEncoder):
            raise SchemaError(f"Column '{column}' is not a category column.")
        return encoder.values()

    def column_values(self, frame: pd.DataFrame) -> dict[str, tuple[str, np.ndarray]]:
        """Each modelled column as (kind, values): floats (dates as seconds) or objects."""
        return {
            plan.name: (
                plan.kind,
                _plan_and_values(frame[plan.name], plan.kind, plan.datetime_format)[1],
            )
            for plan in self.plans_
        }

    def offsets(self) -> dict[str, int]:
        """Where each column's block starts in the matrix."""
        out, start = {}, 0
        for plan, encoder in zip(self.plans_, self.encoders_, strict=True):
            out[plan.name] = start
            start += encoder.width
        return out

    # ------------------------------------------------------------------- transform / inverse
    def transform(
        self,
        frame: pd.DataFrame,
        rng: np.random.Generator | None = None,
        stop: threading.Event | None = None,
    ) -> np.ndarray:
        """Encode ``frame`` into a float32 matrix of shape (rows, width); raises ``Stopped``
        between columns once ``stop`` is set.

        A big table is encoded ``TRANSFORM_ROWS`` rows at a time, which bounds the encoders'
        temporary arrays (a number column's posterior over its modes is rows x modes floats)."""
        rng = rng if rng is not None else np.random.default_rng(self.seed)
        out = np.zeros((len(frame), self.width), dtype=np.float32)
        for first in range(0, len(frame), TRANSFORM_ROWS):
            rows = slice(first, first + TRANSFORM_ROWS)
            start = 0
            for plan, encoder in zip(self.plans_, self.encoders_, strict=True):
                check_stop(stop)
                series = frame[plan.name].iloc[rows]
                values = _plan_and_values(series, plan.kind, plan.datetime_format)[1]
                if not isinstance(encoder, CategoricalEncoder):
                    values = _within_range(plan, values)
                encoder.transform(values, rng, out[rows, start : start + encoder.width])
                start += encoder.width
        return out

    def inverse(self, matrix: np.ndarray, rng: np.random.Generator | None = None) -> pd.DataFrame:
        """Decode a model's output matrix back into a table like the one ``fit`` saw."""
        rng = rng if rng is not None else np.random.default_rng(self.seed)
        matrix = np.asarray(matrix)
        data, start = {}, 0
        for plan, encoder in zip(self.plans_, self.encoders_, strict=True):
            block = matrix[:, start : start + encoder.width]
            start += encoder.width
            if not isinstance(encoder, CategoricalEncoder):
                values = encoder.inverse(block)
                if isinstance(encoder, DateEncoder):  # (a date saved as one number: clipped)
                    values = _folded(plan, values)
                data[plan.name] = _restore_continuous(plan, values, rng)
            else:
                data[plan.name] = _restore_discrete(plan, encoder.inverse(block, rng))
        return pd.DataFrame(data)

    # ---------------------------------------------------------------------------- state
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to rebuild the fitted transform, as plain JSON-ready data."""
        return {
            "max_modes": self.max_modes,
            "max_categories": self.max_categories,
            "seed": self.seed,
            "columns": [
                {"plan": plan.__dict__, "encoder": encoder.to_dict()}
                for plan, encoder in zip(self.plans_, self.encoders_, strict=True)
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableTransform:
        """Rebuild a fitted transform from ``to_dict()``'s output."""
        transform = cls(data["max_modes"], data["max_categories"], data["seed"])
        transform.plans_, transform.encoders_ = [], []
        for column in data["columns"]:
            plan = ColumnPlan(**column["plan"])
            if not _known_calendar(plan.calendar):
                raise ValueError(f"unknown calendar {plan.calendar!r}")
            encoder_cls: type[Encoder] = CategoricalEncoder
            # A date in parts (a date saved whole, or with differential privacy, is one number).
            if plan.kind == Kind.DATETIME and "parts" in column["encoder"]:
                encoder_cls = DateEncoder
            elif plan.kind in NUMERIC_KINDS:
                encoder_cls = ContinuousEncoder
            transform.plans_.append(plan)
            transform.encoders_.append(encoder_cls.from_dict(plan.name, column["encoder"]))
        return transform

    def _plan(self, column: str) -> ColumnPlan:
        for plan in self.plans_:
            if plan.name == column:
                return plan
        raise SchemaError(f"Column '{column}' was not part of the training data.")

    def _encoder(self, column: str) -> Encoder:
        return self.encoders_[self.columns.index(self._plan(column).name)]


# ------------------------------------------------------------------------------ helpers
def _nothing_included(schema: Schema) -> SchemaError:
    """The error for a schema that leaves every column out, with each one's reason."""
    reasons = [f"{quote(c.name)}: {c.reason}" for c in schema.columns[:NOT_INCLUDED_SHOWN]]
    more = len(schema.columns) - NOT_INCLUDED_SHOWN
    listed = "; ".join(reasons) + (f"; and {counted(more, 'more column')}" if more > 0 else "")
    return SchemaError(
        f"No column is included, so there is nothing to learn from ({listed}). Include at "
        "least one: give it a kind the model learns, such as categorical or numerical."
    )


def _plan_and_values(
    series: pd.Series, kind: str, datetime_format: str | None, owners: np.ndarray | None = None
) -> tuple[ColumnPlan, np.ndarray]:
    """The column's plan and its values as the encoder wants them (float or object array);
    ``owners`` (``rarity.holders``, aligned with ``series``) counts the extremes by people."""
    kind = Kind(kind)
    dtype = str(series.dtype)
    if kind == Kind.DATETIME:
        seconds = datetime_seconds(series, datetime_format)
        found = ~np.isnan(seconds)
        present = seconds[found]
        low, high = (
            protected_range(present, None if owners is None else owners[found])
            if len(present)
            else (None, None)
        )
        plan = ColumnPlan(
            series.name,
            kind.value,
            dtype,
            low,
            high,
            None,
            datetime_format,
            _step(present, DATETIME_STEPS),
            _calendar(present),
        )
        return plan, seconds
    if kind in NUMERIC_KINDS:
        if texts := texts_among_numbers(series):
            raise SchemaError(
                f"Column '{series.name}' holds text ({quoted_list(texts)}), so it cannot be "
                f"treated as {kind.value}. Set it to categorical, or leave it out."
            )
        numbers = pd.to_numeric(series, errors="coerce")
        values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        found = ~np.isnan(values)
        present = values[found]
        if len(present) == 0:
            raise SchemaError(f"Column '{series.name}' is empty. Leave it out.")
        shares = None if kind == Kind.INTEGER else _place_shares(present)
        decimals = 0 if shares is None else _places(shares)
        step = None if decimals is None else _step(present, _number_steps(decimals))
        # How most values are written is read off the values the model does not give back
        # exactly (not a column's zeros), and only from enough of them.
        spread = _without_spikes(present)
        enough = len(spread) >= MIN_STEP_VALUES
        main_places = (
            _main_places(_place_shares(spread), decimals) if enough and shares is not None else None
        )
        plan = ColumnPlan(
            series.name,
            kind.value,
            dtype,
            *protected_range(present, None if owners is None else owners[found]),
            decimals,
            step=step,
            main_places=main_places,
            main_step=None
            if step is not None or decimals is None or not enough
            else _main_step(spread, present, decimals, main_places),
            values=_listed(present, None if owners is None else owners[found]),
        )
        return plan, values
    return ColumnPlan(series.name, kind.value, dtype), series.to_numpy(dtype=object)


def _within_range(plan: ColumnPlan, values: np.ndarray) -> np.ndarray:
    """``values`` (floats, NaN missing) moved into the plan's range: a model never sees the rare
    extremes that ``protected_range`` cut off, so they are in neither its rows nor its file."""
    if plan.minimum is None or plan.maximum is None:
        return values
    return np.clip(values, plan.minimum, plan.maximum)


def _without_spikes(present: np.ndarray) -> np.ndarray:
    """``present`` without the values that ``SPIKE_SHARE`` of them hold (a column's zeros): the
    model gives those back exactly (``ContinuousEncoder``), so they say nothing of how the
    other values are written."""
    values, counts = np.unique(present, return_counts=True)
    return present[~np.isin(present, values[counts >= SPIKE_SHARE * len(present)])]


def _place_shares(present: np.ndarray) -> np.ndarray:
    """The share of ``present`` values whose fewest decimal places are 0, 1, ...
    ``FINEST_PLACES``, and (last) the share of finer ones."""
    sample = present[:: max(1, len(present) // PLACES_SAMPLE)]
    fewest = np.full(len(sample), FINEST_PLACES + 1)
    for places in range(FINEST_PLACES, -1, -1):
        written = np.isclose(np.round(sample, places), sample, rtol=0, atol=PLACES_ATOL)
        fewest[written] = places
    return np.bincount(fewest, minlength=FINEST_PLACES + 2) / len(sample)


def _places(shares: np.ndarray) -> int | None:
    """The places that write nearly every value (``PLACES_SHARE``) of a column whose values'
    places have ``shares`` (``_place_shares``): a bound on generated numbers' places, for the
    steps they keep; None for numbers finer than ``FINEST_PLACES`` (0.05068011873981862)."""
    reached = np.flatnonzero(np.cumsum(shares[:-1]) >= PLACES_SHARE - 1e-12)
    return int(reached[0]) if len(reached) else None


def _main_places(shares: np.ndarray, decimals: int | None) -> tuple[int, float] | None:
    """(places, share): the fewest places that write ``MAIN_PLACES_SHARE`` of the values, and
    the share they write, where that is fewer than ``decimals`` (the places of nearly every
    value); None where the two agree (a column of cents whose cents end in 0 now and then)."""
    written = np.cumsum(shares[:-1])
    reached = np.flatnonzero(written >= MAIN_PLACES_SHARE - 1e-12)
    if not len(reached) or (decimals is not None and reached[0] >= decimals):
        return None
    return int(reached[0]), float(written[reached[0]])


def _main_step(
    spread: np.ndarray, present: np.ndarray, decimals: int, main_places: tuple[int, float] | None
) -> tuple[float, float] | None:
    """(step, share): the coarsest step that ``MAIN_STEP_SHARE`` of the values, though not all,
    are multiples of (prices in hundreds, a few odd ones), and the share that are; only steps
    coarser than the places the values are rounded to (a whole number is on a step of 1).
    ``spread`` (the values without their spikes) decides, but the step must hold for as many
    of all values (``present``): generated values near a spike are rounded too, and levels 1
    to 5 whose only value outside a spike is 5 are not on a step of 5."""
    finest = 10.0 ** -(decimals if main_places is None else main_places[0])
    steps = [s for s in _number_steps(decimals) if s > finest * (1 + 1e-9)]
    for step in sorted(steps, reverse=True):
        share = _on_step(spread, step).mean()
        if share >= MAIN_STEP_SHARE and _on_step(present, step).mean() >= MAIN_STEP_SHARE:
            return float(step), float(share)
    return None


def _on_step(values: np.ndarray, step: float) -> np.ndarray:
    return np.isclose(np.round(values / step) * step, values, rtol=0, atol=step * 1e-6)


def _rounded(plan: ColumnPlan, values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``values`` rounded as the real ones are written: to ``plan.decimals``, or with
    ``plan.main_places`` that share of them to fewer places (whole dollars, a few with cents;
    the rest unrounded where the real rest was float noise), and with ``plan.main_step`` that
    share of them onto its step; kept inside the plan's range."""
    out = values if plan.decimals is None else np.round(values, plan.decimals)
    if plan.main_places is not None:
        places, share = plan.main_places
        out = np.where(rng.random(len(values)) < share, np.round(values, places), out)
    if plan.main_step is not None:
        step, share = plan.main_step
        out = np.where(rng.random(len(values)) < share, np.round(values / step) * step, out)
    if plan.main_places is None and plan.main_step is None:
        return out
    return _within_range(plan, out)


def _listed(present: np.ndarray, owners: np.ndarray | None) -> tuple[float, ...] | None:
    """The values of a column of few (``LISTED_MAX``) that ``RARE_BELOW`` rows, or people of
    ``owners``, hold, when they hold ``LISTED_SHARE`` of its rows; None otherwise."""
    if len(present) < MIN_STEP_VALUES or len(np.unique(present)) > LISTED_MAX:
        return None
    common = np.sort(common_values(pd.Series(present), owners).astype(np.float64))
    if len(common) < 2 or np.isin(present, common).mean() < LISTED_SHARE:
        return None
    return tuple(common.tolist())


def _nearest_listed(plan: ColumnPlan, values: np.ndarray) -> np.ndarray:
    """``values`` (NaN missing) each moved to the nearest of ``plan.values``, if it has any."""
    if not plan.values:
        return values
    listed = np.asarray(plan.values, dtype=np.float64)
    above = np.clip(np.searchsorted(listed, values), 1, len(listed) - 1)
    below = above - 1
    nearest = np.where(values - listed[below] <= listed[above] - values, below, above)
    return np.where(np.isnan(values), np.nan, listed[nearest])


def _number_steps(decimals: int) -> list[float]:
    return [step * 10.0**-decimals for step in NUMBER_STEPS]


def _step(present: np.ndarray, steps) -> float | None:
    """The coarsest of ``steps`` that every value is a multiple of (readings on the hour, wind
    directions in tens); None when there is none."""
    if len(present) < MIN_STEP_VALUES:
        return None
    for step in sorted(steps, reverse=True):
        if np.allclose(np.round(present / step) * step, present, rtol=0, atol=step * 1e-6):
            return float(step)
    return None


def _calendar(seconds: np.ndarray) -> str | None:
    """The days every real date falls on, beyond a step: each month's first (monthly figures),
    each month's last (quarter ends), or some days of the week only (business days, weekly
    figures on a Saturday); None for any day."""
    if len(seconds) < MIN_STEP_VALUES:
        return None
    stamps = pd.DatetimeIndex(pd.to_datetime(seconds, unit="s"))
    days = stamps.normalize()
    if days.nunique() < 3:
        return None
    if (stamps == days).all():  # dates alone: times of day would be lost on a month's day
        if (stamps.day == 1).all():
            return MONTH_START
        if stamps.is_month_end.all():
            return MONTH_END
    seen = np.unique(stamps.dayofweek)
    if len(seen) == 7 or math.comb(7, len(seen)) * (len(seen) / 7) ** days.nunique() >= BY_CHANCE:
        return None
    return WEEKDAYS if seen.tolist() == [0, 1, 2, 3, 4] else ON_DAYS + "".join(map(str, seen))


def _days_of(calendar: str) -> list[int]:
    """The days of the week (Monday 0) an ``ON_DAYS`` calendar allows."""
    return [int(day) for day in calendar[len(ON_DAYS) :]]


def _known_calendar(calendar: str | None) -> bool:
    if calendar is None or calendar in (MONTH_START, MONTH_END, WEEKDAYS):
        return True
    days = calendar[len(ON_DAYS) :]
    return calendar.startswith(ON_DAYS) and 0 < len(days) < 7 and set(days) <= set("0123456")


def _on_calendar(seconds: np.ndarray, calendar: str | None) -> np.ndarray:
    """``seconds`` (dates, NaN where missing) moved to the nearest day ``calendar`` allows (of
    two days of the week as near, the earlier)."""
    if calendar is None:
        return seconds
    stamps = pd.Series(pd.to_datetime(seconds, unit="s"))
    if calendar == WEEKDAYS or calendar.startswith(ON_DAYS):
        allowed = [0, 1, 2, 3, 4] if calendar == WEEKDAYS else _days_of(calendar)
        weekday = stamps.dt.dayofweek.fillna(0).to_numpy(dtype=np.int64)
        shift = np.zeros(len(weekday), dtype=np.int64)
        placed = np.isin(weekday, allowed)
        for step in (-1, 1, -2, 2, -3, 3):
            now = ~placed & np.isin((weekday + step) % 7, allowed)
            shift[now], placed = step, placed | now
        moved = stamps + pd.to_timedelta(shift, unit="D")
    else:
        months = stamps.dt.to_period("M")
        if calendar == MONTH_START:
            low, high = months.dt.start_time, (months + 1).dt.start_time
        else:
            low, high = (months - 1).dt.end_time.dt.normalize(), months.dt.end_time.dt.normalize()
        moved = low.where(stamps - low <= high - stamps, high)
    out = moved.to_numpy(dtype="datetime64[ns]").astype(np.int64) / NS_PER_SECOND
    return np.where(np.isnan(seconds), np.nan, out)


def _folded(plan: ColumnPlan, values: np.ndarray) -> np.ndarray:
    """Dates past an end of the plan's range mirrored back inside it: a date's parts put
    together can pass the last real date (a day late in the last year), and clipping them would
    pile them on that one day."""
    if plan.minimum is None or plan.maximum is None:
        return values
    values = np.where(values > plan.maximum, 2 * plan.maximum - values, values)
    return np.where(values < plan.minimum, 2 * plan.minimum - values, values)


def _date_grid(plan: ColumnPlan) -> float:
    """Seconds between the values a date column can come back as: the format's finest unit,
    or the coarser step every real value is on."""
    return max(datetime_resolution(plan.datetime_format), plan.step or 0.0)


def _restore_continuous(
    plan: ColumnPlan, values: np.ndarray, rng: np.random.Generator
) -> pd.Series:
    missing = np.isnan(values)
    values = _within_range(plan, values)
    if plan.kind == Kind.DATETIME:
        step = _date_grid(plan)
        values = np.round(values / step) * step  # a date-only column comes back at midnight
        values = _on_calendar(np.where(missing, np.nan, values), plan.calendar)
        ns = np.where(missing, 0, np.round(values * NS_PER_SECOND)).astype(np.int64)
        stamps = pd.Series(ns.astype("datetime64[ns]")).mask(missing)
        if plan.datetime_format and not plan.dtype.startswith("datetime64"):
            return format_datetimes(stamps, plan.datetime_format)
        return stamps.astype(plan.dtype) if plan.dtype.startswith("datetime64") else stamps
    if plan.step:
        values = np.round(values / plan.step) * plan.step
    series = pd.Series(_nearest_listed(plan, _rounded(plan, values, rng)))
    if plan.dtype.startswith(("int", "uint", "Int", "UInt")):
        return series.astype(plan.dtype)  # NaN only occurs when the column had gaps (nullable)
    return series.astype(plan.dtype) if plan.dtype.startswith("float") else series


def _restore_discrete(plan: ColumnPlan, values: np.ndarray) -> pd.Series:
    series = pd.Series(values, dtype=object)
    if plan.dtype == "object":
        return series.where(series.notna(), np.nan)
    try:
        return series.astype(plan.dtype)
    except (TypeError, ValueError):
        return series


def encoder_values(series: pd.Series, kind: str, datetime_format: str | None) -> np.ndarray:
    """A column's values as the encoders read them: floats (dates as seconds) or objects."""
    return _plan_and_values(series, kind, datetime_format)[1]
