"""Business rules as data: what each rule says, which rows obey it, and how a row is mended.

Four kinds, each a frozen dataclass with ``to_dict``/``from_dict`` (a model file stores them as
JSON, never as code):

- :class:`OrderRule`: one date or number column is never below another (``Ship Date`` on or
  after ``Order Date``); it keeps the real gaps, so that a row that breaks it gets a real gap;
- :class:`RangeRule`: a number column stays within fixed bounds (``Discount`` 0 to 0.8);
- :class:`MappingRule`: one column determines another (``Sub-Category`` → ``Category``), or
  two go together one to one (``education`` ↔ ``education-num``), with the learned pairs;
- :class:`ArithmeticRule`: a column is the sum, difference, product or ratio of two others,
  within its decimals (an average price: volume ÷ sales);
- :class:`LinearRule`: a column is another times a fixed factor, plus a fixed amount (a charge
  at a rate per minute, a price with tax, a length in other units), within its decimals;
- :class:`DatePartRule`: a column is a part of a date column, written as a label (``weekday``
  ``Sat`` for the date 2023-04-22, a month name, a year);
- :class:`MissingTogetherRule`: columns are empty in the same rows (a block that does not
  apply to some rows: a garage's year, finish and quality where there is no garage).

``obeyed(frame, schema)`` says which rows obey, comparing numbers as their columns are written
(a row with a missing value obeys: the rule does not apply to it); ``mend(frame, schema, rng)``
rewrites the dependent column of the rows that break it, as far as the rule allows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synth_core.errors import RuleError
from synth_core.rules.values import as_written, blank, not_below, numbers, write_numbers
from synth_core.schema import Kind, Schema
from synth_core.wording import plain_range, with_decimal_comma

#: Gaps kept per order rule: quantiles of the real gaps, drawn from to mend a row.
GAP_QUANTILES = 41
#: Pairs a mapping may hold (a determining column has at most this many values).
MAX_PAIRS = 1_000
# '%': a share in percent, left ÷ right × 100 (a loan as a percent of the price).
OPERATORS = {"+": "+", "-": "−", "*": "×", "/": "÷", "%": "÷", "d": "−", "h": "−", "min": "−"}
DAYS = "d"  # the days from one date to another (a stay's length from its admission and discharge)
# The time from one date to another in a unit: calendar days (times of day dropped), or hours
# and minutes elapsed (an interview's length from its start and end): operator → (unit, seconds).
SPANS = {DAYS: ("days", None), "h": ("hours", 3_600), "min": ("minutes", 60)}
SECONDS_PER_DAY = 86_400


class RuleKind(enum.StrEnum):
    ORDER = "order"
    RANGE = "range"
    MAPPING = "mapping"
    ARITHMETIC = "arithmetic"
    LINEAR = "linear"
    DATE_PART = "date_part"
    MISSING_TOGETHER = "missing_together"


@dataclass(frozen=True)
class OrderRule:
    """``after`` is never below ``before`` (dates: on or after). Mending sets a broken
    ``after`` to ``before`` plus a real gap, and so a date whose gap no real row has too."""

    kind: ClassVar[RuleKind] = RuleKind.ORDER
    before: str
    after: str
    gaps: tuple[float, ...]  # quantiles of after − before in the real rows, ≥ 0
    share: float = 1.0  # of the real rows that obey
    # The highest ``after`` a mended row may get (its real values' top, rare extremes left
    # out): a gap added to a late ``before`` would put it past every real one (a poll ending
    # after election day). None: no such bound (rules saved before it was kept).
    highest: float | None = None
    # Whether a date drawn in order but at a gap outside the real gaps' central 95 % is mended
    # too. Off in the rules of model files saved before it was (their rows stay as they were).
    far_gaps_mended: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.before, self.after)

    def describe(self, schema: Schema) -> str:
        if schema[self.after].kind == Kind.DATETIME:
            return f"{self.after} is on or after {self.before}"
        return f"{self.after} is at least {self.before}"

    def obeyed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        low, high = numbers(frame, self.before, schema), numbers(frame, self.after, schema)
        return ~(high < low)

    def mend(self, frame: pd.DataFrame, schema: Schema, rng: np.random.Generator) -> None:
        low, high = numbers(frame, self.before, schema), numbers(frame, self.after, schema)
        broken = high < low
        if self.far_gaps_mended and self.gaps and schema[self.after].kind == Kind.DATETIME:
            # A date the model drew on its own, in order but at a gap few real rows have (a
            # ship date 300 days after its order, where real ones ship within a week), is
            # mended too: one outside the real gaps' central 95 % (the rarest real gaps would
            # let everything through: an interview ended 77 days after it began).
            inner = self.gaps[1:-1] or self.gaps
            with np.errstate(invalid="ignore"):
                broken |= (high - low < inner[0]) | (high - low > inner[-1])
        if broken.any() and self.gaps:
            gaps = np.asarray(self.gaps)
            mended = low + rng.choice(gaps, len(low))
            if self.highest is not None:
                over = broken & (mended > self.highest)
                room = np.searchsorted(gaps, self.highest - low[over], side="right")
                drawn = np.minimum((rng.random(len(room)) * room).astype(int), len(gaps) - 1)
                mended[over] = low[over] + np.where(room > 0, gaps[drawn], 0.0)
            mended = not_below(mended, low, schema[self.after])
            write_numbers(frame, self.after, mended, schema, broken)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "before": self.before,
            "after": self.after,
            "gaps": list(self.gaps),
            "share": self.share,
            **({} if self.highest is None else {"highest": self.highest}),
            **({} if self.far_gaps_mended else {"far_gaps_mended": False}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrderRule:
        gaps = tuple(float(g) for g in _list(data, "gaps"))
        if len(gaps) > GAP_QUANTILES or any(not np.isfinite(g) or g < 0 for g in gaps):
            raise RuleError("An order rule's gaps must be at most 41 numbers of 0 or more.")
        highest = None if data.get("highest") is None else _number(data, "highest")
        far = data.get("far_gaps_mended", True)
        if not isinstance(far, bool):
            raise RuleError("An order rule's far_gaps_mended must be true or false.")
        return cls(_text(data, "before"), _text(data, "after"), gaps, _share(data), highest, far)


@dataclass(frozen=True)
class RangeRule:
    """``column`` stays between ``low`` and ``high``."""

    kind: ClassVar[RuleKind] = RuleKind.RANGE
    column: str
    low: float
    high: float
    share: float = 1.0

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def describe(self, schema: Schema) -> str:
        places = schema[self.column].decimals
        low, high = (_local(schema, n) for n in plain_range(self.low, self.high, places))
        return f"{self.column} is between {low} and {high}"

    def obeyed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        info = schema[self.column]
        values = as_written(numbers(frame, self.column, schema), info)
        low, high = as_written(self.low, info), as_written(self.high, info)
        return ~((values < low) | (values > high))

    def mend(self, frame: pd.DataFrame, schema: Schema, rng: np.random.Generator) -> None:
        values = numbers(frame, self.column, schema)
        broken = ~self.obeyed(frame, schema)
        write_numbers(frame, self.column, np.clip(values, self.low, self.high), schema, broken)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "column": self.column,
            "low": self.low,
            "high": self.high,
            "share": self.share,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RangeRule:
        low, high = _number(data, "low"), _number(data, "high")
        if low > high:
            raise RuleError("A range rule's lower bound must not be above its upper bound.")
        return cls(_text(data, "column"), low, high, _share(data))


class _FromSource:
    """What a rule that writes each row's ``target`` from its ``source`` shares (its
    ``expected(frame, schema, written=...)`` says what): its columns, which rows obey it, and
    their mending."""

    source: str
    target: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.source, self.target)

    def obeyed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        expected = self.expected(frame, schema)
        values = as_written(frame[self.target], schema[self.target])
        known = expected.notna() & values.notna()
        return (~known | _same(values, expected)).to_numpy(dtype=bool)

    def mend(self, frame: pd.DataFrame, schema: Schema, rng: np.random.Generator) -> None:
        expected = self.expected(frame, schema)
        written = as_written(frame[self.target], schema[self.target])
        wrong = (expected.notna() & ~_same(written, expected)).to_numpy(dtype=bool)
        if wrong.any():
            # The real value, not its rounding: a value finer than the column's places comes
            # back as it is (``encoding.transform``), and must match its real twin.
            values = self.expected(frame, schema, written=False)[wrong]
            dtype = frame[self.target].dtype
            if pd.api.types.is_numeric_dtype(dtype):
                values = pd.to_numeric(values).astype(dtype)
            frame.loc[wrong, self.target] = values.to_numpy()


@dataclass(frozen=True)
class MappingRule(_FromSource):
    """Each value of ``source`` goes with one value of ``target`` (``pairs``); one to one when
    each ``target`` value also goes with one ``source`` value."""

    kind: ClassVar[RuleKind] = RuleKind.MAPPING
    source: str
    target: str
    pairs: tuple[tuple[Any, Any], ...]
    one_to_one: bool = False
    share: float = 1.0
    # Source values whose rows never have a target (a pollster without a grade): theirs stays
    # empty.
    without: tuple[Any, ...] = ()

    @property
    def lookup(self) -> dict[Any, Any]:
        return dict(self.pairs)

    def obeyed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        """Rows whose target is their source's (none for a source ``without`` one); one to one,
        a source outside the pairs (a rare value written as ``(rare)``) cannot go with a paired
        target either, which has a source of its own. Such a row is not mended (it has no
        target to take): it is rejected."""
        obeyed = super().obeyed(frame, schema) & ~self._given_one(frame, schema)
        if not self.one_to_one:
            return obeyed
        source = as_written(frame[self.source], schema[self.source])
        unpaired = source.notna() & self.expected(frame, schema).isna()
        paired = {str(as_written(b, schema[self.target])) for _, b in self.pairs}
        taken = as_written(frame[self.target], schema[self.target]).astype(str).isin(paired)
        return obeyed & ~(unpaired & taken).to_numpy(dtype=bool)

    def mend(self, frame: pd.DataFrame, schema: Schema, rng: np.random.Generator) -> None:
        super().mend(frame, schema, rng)
        blank(frame, self.target, self._given_one(frame, schema))

    def _given_one(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        """Rows of a source ``without`` a target that have one."""
        if not self.without:
            return np.zeros(len(frame), dtype=bool)
        source = schema[self.source]
        empty = _keyed({as_written(value, source): True for value in self.without})
        mine = as_written(frame[self.source], source).map(empty).notna()  # looked up as pairs are
        return (mine & frame[self.target].notna()).to_numpy(dtype=bool)

    def describe(self, schema: Schema) -> str:
        without = f"; {len(self.without)} without one" if self.without else ""
        if self.one_to_one:
            return (
                f"{self.source} and {self.target} go together one to one ({len(self.pairs)} pairs"
                f"{without})"
            )
        return (
            f"each {self.source} belongs to one {self.target} ({len(self.pairs)} values{without})"
        )

    def expected(self, frame: pd.DataFrame, schema: Schema, *, written: bool = True) -> pd.Series:
        """The ``target`` each row's ``source`` goes with (NaN for a value not in the pairs),
        looked up as the source column is written; the target as its column is written too,
        or (``written=False``) the real value itself, to put in a row."""
        source, target = schema[self.source], schema[self.target]
        lookup = {
            as_written(a, source): as_written(b, target) if written else b for a, b in self.pairs
        }
        return as_written(frame[self.source], source).map(_keyed(lookup))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "source": self.source,
            "target": self.target,
            "pairs": [[_plain(a), _plain(b)] for a, b in self.pairs],
            "one_to_one": self.one_to_one,
            "share": self.share,
            **({"without": [_plain(v) for v in self.without]} if self.without else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MappingRule:
        pairs = _list(data, "pairs")
        if len(pairs) > MAX_PAIRS or not all(_is_pair(p) for p in pairs):
            raise RuleError(f"A mapping rule holds at most {MAX_PAIRS:,} pairs of two values.")
        one_to_one = data.get("one_to_one", False)
        if not isinstance(one_to_one, bool):
            raise RuleError("A mapping rule's 'one_to_one' must be true or false.")
        without = _list(data, "without") if "without" in data else []
        if len(pairs) + len(without) > MAX_PAIRS or not all(_is_value(v) for v in without):
            raise RuleError(f"A mapping rule's values without a target are at most {MAX_PAIRS:,}.")
        found = tuple((a, b) for a, b in pairs)
        source, target = _text(data, "source"), _text(data, "target")
        return cls(source, target, found, one_to_one, _share(data), tuple(without))


@dataclass(frozen=True)
class ArithmeticRule:
    """``target`` = ``left`` op ``right`` (op one of + − × ÷), within ``target``'s decimals
    (a ratio whose ``right`` is 0 does not apply)."""

    kind: ClassVar[RuleKind] = RuleKind.ARITHMETIC
    target: str
    left: str
    operator: str
    right: str
    share: float = 1.0

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.target, self.left, self.right)

    def describe(self, schema: Schema) -> str:
        if self.operator in SPANS:
            return f"{self.target} = the {SPANS[self.operator][0]} from {self.right} to {self.left}"
        percent = " × 100" if self.operator == "%" else ""
        return f"{self.target} = {self.left} {OPERATORS[self.operator]} {self.right}{percent}"

    def computed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        left, right = numbers(frame, self.left, schema), numbers(frame, self.right, schema)
        return np.round(combine(left, self.operator, right), schema[self.target].decimals or 0)

    def obeyed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        values, computed = numbers(frame, self.target, schema), self.computed(frame, schema)
        with np.errstate(invalid="ignore"):  # an infinite value on both sides: not applied
            return ~(np.abs(values - computed) > tolerance(schema[self.target].decimals))

    def mend(self, frame: pd.DataFrame, schema: Schema, rng: np.random.Generator) -> None:
        computed = self.computed(frame, schema)
        values = numbers(frame, self.target, schema)
        broken = ~np.isnan(computed) & ~(
            np.abs(values - computed) <= tolerance(schema[self.target].decimals)
        )
        write_numbers(frame, self.target, computed, schema, broken)
        if self.operator in SPANS and schema[self.target].missing > 0:
            # No time between two dates without both, where the real one can be missing.
            blank(frame, self.target, np.isnan(computed) & ~np.isnan(values))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "target": self.target,
            "left": self.left,
            "operator": self.operator,
            "right": self.right,
            "share": self.share,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArithmeticRule:
        operator = data.get("operator")
        if operator not in OPERATORS:
            raise RuleError("An arithmetic rule's operator must be +, -, *, /, %, d, h or min.")
        return cls(
            _text(data, "target"), _text(data, "left"), operator, _text(data, "right"), _share(data)
        )


@dataclass(frozen=True)
class LinearRule:
    """``target`` = ``source`` × ``factor`` + ``offset``, within ``target``'s decimals."""

    kind: ClassVar[RuleKind] = RuleKind.LINEAR
    target: str
    source: str
    factor: float
    offset: float = 0.0
    share: float = 1.0

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.target, self.source)

    def describe(self, schema: Schema) -> str:
        words = f"{self.target} = {self.source}"
        if self.factor != 1:
            words += f" × {_local(schema, _constant(self.factor))}"
        if self.offset:
            offset = _local(schema, _constant(abs(self.offset)))
            words += f" {'+' if self.offset > 0 else '−'} {offset}"
        return words

    def exact(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        """Each row's target as the rule computes it, before rounding."""
        return numbers(frame, self.source, schema) * self.factor + self.offset

    def _breaks(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        # Compared before rounding: a value exactly between two written ones may have been
        # rounded either way by the software that wrote the real table.
        with np.errstate(invalid="ignore"):  # an infinite value on both sides: not applied
            gap = np.abs(numbers(frame, self.target, schema) - self.exact(frame, schema))
        return gap > tolerance(schema[self.target].decimals)

    def obeyed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        return ~self._breaks(frame, schema)

    def mend(self, frame: pd.DataFrame, schema: Schema, rng: np.random.Generator) -> None:
        exact = self.exact(frame, schema)
        broken = ~np.isnan(exact) & self._breaks(frame, schema)
        write_numbers(frame, self.target, exact, schema, broken)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "target": self.target,
            "source": self.source,
            "factor": self.factor,
            "offset": self.offset,
            "share": self.share,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearRule:
        factor = _number(data, "factor")
        offset = _number({"offset": data.get("offset", 0.0)}, "offset")
        if factor == 0:
            raise RuleError("A linear rule's factor must not be 0.")
        return cls(_text(data, "target"), _text(data, "source"), factor, offset, _share(data))


#: The parts of a date a column can hold, with their words and how pandas reads them.
DATE_PARTS = {
    "weekday": ("the day of the week", lambda dates: dates.dt.dayofweek),
    "month": ("the month", lambda dates: dates.dt.month),
    "year": ("the year", lambda dates: dates.dt.year),
    "day": ("the day of the month", lambda dates: dates.dt.day),
    "hour": ("the hour", lambda dates: dates.dt.hour),
}


def dates_of(frame: pd.DataFrame, schema: Schema, column: str) -> pd.Series:
    """The date column ``column`` as time stamps (NaT where there is no date)."""
    seconds = numbers(frame, column, schema)
    return pd.Series(pd.to_datetime(seconds, unit="s"), index=frame.index)


@dataclass(frozen=True)
class DatePartRule(_FromSource):
    """``target`` is ``part`` (a key of ``DATE_PARTS``) of the date ``source``, written as
    ``pairs`` say: (the part as a number, its label), such as (5, 'Sat') for a weekday."""

    kind: ClassVar[RuleKind] = RuleKind.DATE_PART
    source: str
    target: str
    part: str
    pairs: tuple[tuple[int, Any], ...]
    share: float = 1.0

    def describe(self, schema: Schema) -> str:
        part = DATE_PARTS[self.part][0]
        if self._numbers_of_their_own():
            return f"{self.target} follows from {part} of {self.source}"
        return f"{self.target} is {part} of {self.source}"

    def _numbers_of_their_own(self) -> bool:
        """Whether the labels are numbers other than the part's own (years at a company, from
        the year of hiring), not the part itself (2013) or its name ('Sat')."""
        return any(
            isinstance(label, int | float) and not isinstance(label, bool) and label != part
            for part, label in self.pairs
        )

    def parts(self, frame: pd.DataFrame, schema: Schema) -> pd.Series:
        """The ``part`` of each row's date, as a number (NaN where there is no date)."""
        return DATE_PARTS[self.part][1](dates_of(frame, schema, self.source))

    def expected(self, frame: pd.DataFrame, schema: Schema, *, written: bool = True) -> pd.Series:
        """The label each row's date gives (NaN for a part no real row showed), as the target
        column is written, or (``written=False``) the real label itself."""
        target = schema[self.target]
        lookup = {
            part: as_written(label, target) if written else label for part, label in self.pairs
        }
        return self.parts(frame, schema).map(lookup)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "source": self.source,
            "target": self.target,
            "part": self.part,
            "pairs": [[int(a), _plain(b)] for a, b in self.pairs],
            "share": self.share,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatePartRule:
        part = data.get("part")
        if part not in DATE_PARTS:
            raise RuleError(f"A date part rule's 'part' must be one of: {', '.join(DATE_PARTS)}.")
        pairs = _list(data, "pairs")
        if len(pairs) > MAX_PAIRS or not all(
            _is_pair(p) and isinstance(p[0], int) and not isinstance(p[0], bool) for p in pairs
        ):
            raise RuleError(
                f"A date part rule holds at most {MAX_PAIRS:,} pairs of a whole number and a value."
            )
        found = tuple((a, b) for a, b in pairs)
        return cls(_text(data, "source"), _text(data, "target"), part, found, _share(data))


@dataclass(frozen=True)
class MissingTogetherRule:
    """``columns`` are empty in the same rows: a row has all of them or none. A row that has
    some is mended to the side most of its values are on (half: either, at random): emptied,
    or its empty values taken from another generated row that has them all (never from a real
    row)."""

    kind: ClassVar[RuleKind] = RuleKind.MISSING_TOGETHER
    columns: tuple[str, ...]
    share: float = 1.0

    def describe(self, schema: Schema) -> str:
        *first, last = self.columns
        return f"{', '.join(first)} and {last} are empty in the same rows"

    def _empty(self, frame: pd.DataFrame) -> np.ndarray:
        return frame[list(self.columns)].isna().to_numpy()

    def obeyed(self, frame: pd.DataFrame, schema: Schema) -> np.ndarray:
        count = self._empty(frame).sum(axis=1)
        return (count == 0) | (count == len(self.columns))

    def mend(self, frame: pd.DataFrame, schema: Schema, rng: np.random.Generator) -> None:
        empty = self._empty(frame)
        count = empty.sum(axis=1)
        broken = (count > 0) & (count < len(self.columns))
        if not broken.any():
            return
        whole = np.flatnonzero(count == 0)
        # Half empty: either side at random (always emptied, the block would come out empty
        # more often than the model drew it).
        half = (2 * count == len(self.columns)) & (rng.random(len(frame)) < 0.5)
        mostly_filled = (2 * count < len(self.columns)) | half
        filled = broken & mostly_filled if len(whole) else np.zeros_like(broken)
        donors = np.full(len(frame), -1)
        donors[filled] = rng.choice(whole, int(filled.sum()))
        for j, name in enumerate(self.columns):
            blank(frame, name, broken & ~filled & ~empty[:, j])
            taken = filled & empty[:, j]
            if taken.any():
                frame.loc[taken, name] = frame[name].to_numpy()[donors[taken]]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "columns": list(self.columns), "share": self.share}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MissingTogetherRule:
        columns = tuple(_text({"column": c}, "column") for c in _list(data, "columns"))
        if len(columns) < 2 or len(set(columns)) < len(columns):
            raise RuleError("A rule of columns empty together names two or more columns once each.")
        return cls(columns, _share(data))


Rule = (
    OrderRule
    | RangeRule
    | MappingRule
    | ArithmeticRule
    | LinearRule
    | DatePartRule
    | MissingTogetherRule
)
RULE_TYPES: dict[str, type] = {
    kind.kind.value: kind
    for kind in (
        OrderRule,
        RangeRule,
        MappingRule,
        ArithmeticRule,
        LinearRule,
        DatePartRule,
        MissingTogetherRule,
    )
}


def combine(left: np.ndarray, operator: str, right: np.ndarray) -> np.ndarray:
    """``left`` op ``right``, element by element; a ratio by 0 is NaN (the rule does not
    apply), never infinite."""
    with np.errstate(divide="ignore", invalid="ignore"):  # infinite values: NaN, not applied
        if operator in "/%":
            ratio = np.where(right == 0, np.nan, left / np.where(right == 0, 1.0, right))
            return ratio * 100 if operator == "%" else ratio
        if operator == DAYS:  # calendar days: dates are read as seconds, times of day dropped
            return np.floor(left / SECONDS_PER_DAY) - np.floor(right / SECONDS_PER_DAY)
        if operator in SPANS:
            return (left - right) / SPANS[operator][1]
        return {"+": left + right, "-": left - right, "*": left * right}[operator]


def tolerance(decimals: int | None) -> float:
    """How far a computed value may be from the written one: half its last decimal place."""
    return 0.5 * 10.0 ** -(decimals or 0) + 1e-9


def rule_from_dict(data: Any) -> Rule:
    """A rule read from its ``to_dict`` form; ``RuleError`` for anything else."""
    if not isinstance(data, dict) or data.get("kind") not in RULE_TYPES:
        raise RuleError(f"A rule must be one of: {', '.join(RULE_TYPES)}.")
    return RULE_TYPES[data["kind"]].from_dict(data)


def rules_to_dicts(rules: list[Rule] | tuple[Rule, ...]) -> list[dict[str, Any]]:
    return [rule.to_dict() for rule in rules]


def rules_from_dicts(data: Any) -> list[Rule]:
    if not isinstance(data, list):
        raise RuleError("The rules must be a list.")
    return [rule_from_dict(item) for item in data]


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise RuleError(f"A rule's '{key}' must name a column.")
    return value


def _number(data: dict[str, Any], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise RuleError(f"A rule's '{key}' must be a number.")
    return float(value)


def _share(data: dict[str, Any]) -> float:
    share = _number({"share": data.get("share", 1.0)}, "share")
    if not 0.0 <= share <= 1.0:
        raise RuleError("A rule's share of real rows must be between 0 and 1.")
    return share


def _list(data: dict[str, Any], key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        raise RuleError(f"A rule's '{key}' must be a list.")
    return value


def _is_value(item: Any) -> bool:
    return isinstance(item, (str, int, float, bool))


def _is_pair(item: Any) -> bool:
    return (
        isinstance(item, list) and len(item) == 2 and all(v is None or _is_value(v) for v in item)
    )


def _local(schema: Schema, number: str) -> str:
    """A number written as the table's file writes them (a decimal comma in a ';' export)."""
    return with_decimal_comma(number) if schema.dialect.decimal == "," else number


def _constant(value: float) -> str:
    """A rule's factor or amount in words: at most ten significant digits, no exponent."""
    return np.format_float_positional(float(f"{value:.10g}"), trim="-")


def _plain(value: Any) -> Any:
    """A value as JSON holds it (numpy scalars as Python ones)."""
    return value.item() if isinstance(value, np.generic) else value


def _keyed(lookup: dict[Any, Any]) -> dict[Any, Any]:
    """``lookup`` that also finds a value written as text (``13`` and ``'13'``)."""
    return lookup | {str(k): v for k, v in lookup.items() if not isinstance(k, str)}


def _same(values: pd.Series, expected: pd.Series) -> pd.Series:
    """Whether each value equals the expected one (compared as text when types differ)."""
    equal = values == expected
    return equal | (values.astype(str) == expected.astype(str))
