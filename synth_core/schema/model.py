"""Schema inference: what each column holds, decided the way a person would decide it.

``infer_schema(frame)`` returns a :class:`Schema` with one :class:`ColumnInfo` per column: its
kind (numbers, categories, dates, personal data ...), whether a model learns it by default, and a
short reason in plain words. People can change a column's kind or choose the columns to learn
(:meth:`Schema.with_changes`, :meth:`Schema.with_only`); the schema is saved as JSON.

Dates stay text in the table. ``datetime_format`` is the one strftime format that reads *and*
writes a column exactly. Besides the usual directives it may use ``%-d``, ``%-m``, ``%-H`` and
``%-I`` for numbers written without a leading zero ('11/8/2016'); :func:`parse_datetimes` and
:func:`format_datetimes` handle those on every platform.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from synth_core.errors import SchemaError

__all__ = [
    "MODELLED_KINDS",
    "PII_TYPES",
    "TREATMENTS",
    "ColumnInfo",
    "Kind",
    "Schema",
    "format_datetimes",
    "infer_schema",
    "parse_datetimes",
]


class Kind(enum.StrEnum):
    """What a column holds."""

    NUMERICAL = "numerical"  # continuous numbers
    INTEGER = "integer"  # whole numbers
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    IDENTIFIER = "identifier"
    TEXT = "text"  # free text
    PII = "pii"  # names, emails, phone numbers, street addresses, national IDs
    CONSTANT = "constant"
    EMPTY = "empty"


#: Kinds a model can learn; columns of the other kinds are left out by default.
MODELLED_KINDS = frozenset(
    {Kind.NUMERICAL, Kind.INTEGER, Kind.CATEGORICAL, Kind.BOOLEAN, Kind.DATETIME}
)
_KINDS = ", ".join(kind.value for kind in Kind)  # for messages
#: Values of ``ColumnInfo.pii_type`` ('free_text' is accepted but never inferred).
PII_TYPES = ("email", "phone", "name", "address", "national_id", "free_text")
#: What becomes of a column that is not learned (``ColumnInfo.treatment``); None: left out.
#: "fake": realistic made-up values of the same shape; "new_ids": new unique identifiers.
#: Which kinds may have which is decided in ``synth_core.privacy.pii``.
TREATMENTS = ("fake", "new_ids")
SCHEMA_VERSION = 1

# ------------------------------------------------------------------------------ thresholds
SAMPLE_SIZE = 5_000  # values the pattern checks look at; exact facts use the whole column
SAMPLE_SEED = 0
PROBE_VALUES = 500  # a check first looks at this many of the sample's most common values ...
PROBE_MARGIN = 0.2  # ... and stops there when they fall short of its threshold by this much
DATETIME_MIN_SHARE = 0.95  # of values that must read as dates with one format
PII_MIN_SHARE = 0.80  # of values that must look like emails, phone numbers, names ...
IDENTIFIER_MIN_UNIQUE = 0.99  # share of distinct values for an identifier found by its values
NAMED_IDENTIFIER_MIN_UNIQUE = 0.95  # ... for one whose name says so ('id', 'key', 'code')
IDENTIFIER_MIN_VALUES = 20  # uniqueness in a handful of rows proves nothing
CODE_MIN_SHARE = 0.95  # of values that must look like codes ('CA-2016-152156')
SEQUENCE_MAX_SPREAD = 1.1  # 0 or 1 up to about the count: row numbers
HIGH_CARDINALITY_MIN_DISTINCT = 20  # names/addresses: at least this many different values ...
HIGH_CARDINALITY_MIN_SHARE = 0.5  # ... or this share of rows different (small tables)
TEXT_MIN_UNIQUE = 0.5  # free text: most rows differ ...
TEXT_MIN_MEAN_LENGTH = 40  # ... and values are long ...
TEXT_MIN_MEAN_WORDS = 6  # ... or have many words
NAME_MAX_WORDS = 8  # 'Cumings, Mrs. John Bradley (Florence Briggs Thayer)' is 7
MANY_CATEGORIES = 100
FEW_WHOLE_NUMBERS = 5  # at most this many: suggest categorical in the reason
NOTE_MISSING = 0.5  # mention the share of missing cells from here on
EXCLUDE_MISSING = 0.9  # modelled columns emptier than this are left out by default
MAX_DECIMALS = 6
DECIMALS_RTOL = 1e-14  # float noise tolerated when counting decimals (0.1 + 0.2 has one)


# ------------------------------------------------------------------------------ name hints
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ID_WORDS = frozenset({"id", "ids", "uuid", "guid"})
ID_LAST_WORDS = frozenset({"key", "code", "uid", "ref", "reference", "number", "no", "nr", "num"})
PHONE_WORDS = frozenset(
    {"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "phonenumber"}
)
NATIONAL_ID_PHRASES = (
    ("ssn",),
    ("passport",),
    ("nino",),
    ("nationalid",),
    ("national", "id"),
    ("social", "security"),
    ("national", "insurance"),
    ("tax", "id"),
)
ADDRESS_WORDS = frozenset({"address", "addr", "street", "streetaddress"})
NOT_ADDRESS_WORDS = frozenset({"email", "mail", "ip", "mac", "web", "url", "wallet"})
PERSON_WORDS = _words(
    "name names firstname lastname surname forename fullname customer contact person client "
    "patient employee passenger "
    # the same in the languages of common European exports (German, French, Spanish, Italian, Dutch)
    "kunde kundin vorname nachname nom prenom prénom nombre apellido cliente nome cognome klant "
    "naam achternaam"
)
# Names of things rather than people: 'Product Name', 'City', 'Customer Segment'.
NOT_PERSON_WORDS = _words(
    "account brand business category city class code company country county department district "
    "domain event file group host hospital hotel id item job level location model org "
    "organisation organization place product project region role school segment shop state "
    "status store street supplier team title town type vendor"
)
BOOLEAN_PAIRS = frozenset(
    frozenset(pair)
    for pair in (("true", "false"), ("yes", "no"), ("y", "n"), ("0", "1"), ("t", "f"))
)

# ------------------------------------------------------------------------------ value patterns
# All are matched against whole values (str.fullmatch).
EMAIL_PATTERN = r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
SSN_PATTERN = r"\d{3}-\d{2}-\d{4}"
PHONE_PATTERN = r"\+?\(?\d[\d ().\-/]*\d"
PHONE_EXTENSION = r"(?i) ?(?:x|ext\.?) ?\d{1,5}$"
PHONE_FORMATTING = r"[+ ().\-]"
PHONE_DIGITS = (7, 15)
IPV4_PATTERN = r"\d{1,3}(?:\.\d{1,3}){3}"
_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
    "terrace|close|crescent|square|sq|highway|hwy|parkway|pkwy|row|alley|rue|chemin|via|calle|"
    "avenida|strasse|straße|str|weg|gasse|platz|allee"
)
ADDRESS_PATTERN = (
    rf"\d+[a-z]?(?:[-/]\d+[a-z]?)?,? (?:[^\W\d_][\w'.-]* ){{0,5}}(?:{_STREET_WORDS})\b.*"
    r"|[^\W\d_][\w'. -]*?(?:straße|strasse|str\.|weg|gasse|platz|allee) \d+[a-z]?\b.*"
)
NAME_PATTERN = r"[^\W\d_][^\d@#$%&*=+<>|{}\[\]/\\:;!?_]*"
CODE_PATTERN = r"(?=\S*\d)[A-Za-z0-9][A-Za-z0-9_\-./:#]*"
DIGITS_PATTERN = r"\d+"

# Dates: one regex per shape, with named parts from which the strftime format is built.
_DATE_PREFILTER = (
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}.*"
    r"|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}.*"
    r"|[A-Za-z]{3,9} \d{1,2},? \d{4}.*"
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
)
_TIME_PART = (
    r"(?:(?P<tsep>[ T])(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2}))?"
    r"(?:(?P<psep> ?)(?P<ampm>[AaPp][Mm]))?)?"
)
_UNPADDED = re.compile(r"%-([dmHIMSjy])")
_DIRECTIVE = re.compile(r"%(-?)(.)", re.DOTALL)
_FORMAT_LETTERS = frozenset("YymdbBHIMSpfjaAzZ%")


# ------------------------------------------------------------------------------ data classes
@dataclass
class ColumnInfo:
    """What one column holds and whether a model learns it."""

    name: str
    kind: Kind
    reason: str  # plain words, shown to people
    include: bool  # learned by the model
    missing: float  # share of missing cells, 0..1
    distinct: int  # distinct non-missing values
    dtype: str  # str(frame[name].dtype) as read
    minimum: float | None = None  # numbers
    maximum: float | None = None
    decimals: int | None = None  # numbers: decimal places needed (0 for integers, at most 6)
    earliest: str | None = None  # datetimes: ISO 8601
    latest: str | None = None
    datetime_format: str | None = None  # reads and writes the column's text exactly
    pii_type: str | None = None  # one of PII_TYPES for kind PII
    overridden: bool = False  # a person changed kind, include or date format
    treatment: str | None = None  # one of TREATMENTS for a left-out column; None: left out

    def __post_init__(self) -> None:
        self.kind = _parse_kind(self.kind)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields (kind as its string value)."""
        data = dataclasses.asdict(self)
        data["kind"] = self.kind.value
        return data


@dataclass
class Schema:
    """The columns of a table, in order, with how many rows it had."""

    columns: list[ColumnInfo]
    rows: int

    def __getitem__(self, name: str) -> ColumnInfo:
        for column in self.columns:
            if column.name == name:
                return column
        raise SchemaError(_unknown_columns_message([name], self.names))

    @property
    def names(self) -> list[str]:
        """All column names, in order."""
        return [column.name for column in self.columns]

    @property
    def included(self) -> list[ColumnInfo]:
        """The columns a model learns, in order."""
        return [column for column in self.columns if column.include]

    @property
    def included_names(self) -> list[str]:
        """Names of the columns a model learns, in order."""
        return [column.name for column in self.included]

    def with_changes(
        self,
        name: str,
        *,
        kind: Kind | str | None = None,
        include: bool | None = None,
        datetime_format: str | None = None,
        treatment: str | object | None = ...,
    ) -> Schema:
        """A copy with one column changed by a person.

        Changing the kind resets ``include`` to that kind's default unless ``include`` is
        given, and the reason becomes "set by you (was: <old kind>)". ``datetime_format``
        corrects how a date column is read (for example ``"%d/%m/%Y"`` instead of
        ``"%m/%d/%Y"``). ``treatment`` (one of ``TREATMENTS``, or None for "leave out") says
        what replaces a column that is not learned; changing the kind or including the column
        clears it. Raises :class:`SchemaError` for unknown columns or kinds, a kind the values
        cannot have, a treatment the kind does not allow, and for including an empty or
        constant column.
        """
        old = self[name]
        new = old
        if kind is not None:
            new_kind = _parse_kind(kind)
            if new_kind != old.kind:
                _check_kind_fits(old, new_kind)
                new = dataclasses.replace(
                    new,
                    kind=new_kind,
                    reason=f"set by you (was: {old.kind})",
                    include=_default_include(new_kind, old),
                    overridden=True,
                )
        if datetime_format is not None and datetime_format != new.datetime_format:
            if new.kind is not Kind.DATETIME:
                raise SchemaError(
                    f"Column '{name}' is not a date column, so it has no date format. "
                    "Set its kind to datetime first."
                )
            _check_datetime_format(datetime_format)
            reason = new.reason
            if new.kind == old.kind:
                reason = f"date format set by you (was: {old.datetime_format or 'none'})"
            new = dataclasses.replace(
                new, datetime_format=datetime_format, reason=reason, overridden=True
            )
        if include is not None:
            include = _as_bool(include, "include")
            if include != new.include:
                if include:
                    _check_includable(new)
                new = dataclasses.replace(
                    new, include=include, reason=_note_include(new.reason, include), overridden=True
                )
        if new.include or new.kind != old.kind:
            new = dataclasses.replace(new, treatment=None)
        if treatment is not ... and treatment != new.treatment:
            from synth_core.privacy.pii import check_treatment

            check_treatment(new, treatment)
            new = dataclasses.replace(new, treatment=treatment, overridden=True)
        return Schema([new if c.name == name else c for c in self.columns], self.rows)

    def with_only(self, names: Iterable[str]) -> Schema:
        """A copy that learns exactly these columns and leaves the rest out."""
        chosen = [names] if isinstance(names, str) else list(dict.fromkeys(names))
        known = set(self.names)
        unknown = [name for name in chosen if name not in known]
        if unknown:
            raise SchemaError(_unknown_columns_message(unknown, self.names))
        if not chosen:
            raise SchemaError("No columns were chosen. Pick at least one column to learn.")
        wanted = set(chosen)
        columns = []
        for column in self.columns:
            include = column.name in wanted
            if include != column.include:
                if include:
                    _check_includable(column)
                column = dataclasses.replace(
                    column,
                    include=include,
                    reason=_note_include(column.reason, include),
                    overridden=True,
                    treatment=None if include else column.treatment,
                )
            columns.append(column)
        return Schema(columns, self.rows)

    def summary_rows(self) -> list[dict[str, Any]]:
        """One JSON-friendly dict per column, for listings (no NaN, numbers rounded)."""
        rows = []
        for column in self.columns:
            row: dict[str, Any] = {
                "name": column.name,
                "kind": column.kind.value,
                "include": column.include,
                "reason": column.reason,
                "missing": round(column.missing, 4),
                "distinct": column.distinct,
            }
            whole = column.kind is Kind.INTEGER or column.decimals == 0
            for key, value in (("min", column.minimum), ("max", column.maximum)):
                if value is not None:
                    row[key] = _json_number(value, whole)
            optional = {
                "decimals": column.decimals,
                "earliest": column.earliest,
                "latest": column.latest,
                "datetime_format": column.datetime_format,
                "pii_type": column.pii_type,
                "treatment": column.treatment,
            }
            row.update({key: value for key, value in optional.items() if value is not None})
            if column.overridden:
                row["overridden"] = True
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form; :meth:`from_dict` reads it back."""
        return {
            "version": SCHEMA_VERSION,
            "rows": self.rows,
            "columns": [column.to_dict() for column in self.columns],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schema:
        """Read :meth:`to_dict`'s form, checking every field; SchemaError says what is wrong."""
        if not isinstance(data, Mapping):
            raise _invalid(f"it must be an object with 'rows' and 'columns', not {_what(data)}")
        unknown = sorted(set(data) - {"version", "rows", "columns"})
        if unknown:
            raise _invalid(f"it has unknown settings {_quoted(unknown)}")
        version = data.get("version", SCHEMA_VERSION)
        if not _is_int(version) or version < 1:
            raise _invalid(f"'version' must be a whole number, not {_what(version)}")
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"This schema was written by a newer version of Synth Studio (schema version "
                f"{version}). Update Synth Studio, or infer the schema again from the table."
            )
        for key in ("rows", "columns"):
            if key not in data:
                raise _invalid(f"'{key}' is missing")
        rows = data["rows"]
        if not _is_int(rows) or rows < 0:
            raise _invalid(f"'rows' must be a whole number of at least 0, not {_what(rows)}")
        raw_columns = data["columns"]
        if not isinstance(raw_columns, list):
            raise _invalid(f"'columns' must be a list, not {_what(raw_columns)}")
        columns = [_column_from_dict(raw, i + 1) for i, raw in enumerate(raw_columns)]
        names = [column.name for column in columns]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise _invalid(f"more than one column is called {_quoted(duplicates)}")
        return cls(columns, int(rows))

    def to_json(self) -> str:
        """The schema as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Schema:
        """Read :meth:`to_json`'s text; SchemaError for anything malformed."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SchemaError(
                f"The schema file is not valid JSON ({error.msg} at line {error.lineno}, "
                f"column {error.colno}). Fix it, or infer the schema again from the table."
            ) from None
        except (TypeError, UnicodeDecodeError):
            raise SchemaError(
                "The schema file could not be read as text. "
                "Choose a schema file saved by Synth Studio."
            ) from None
        return cls.from_dict(data)


# ------------------------------------------------------------------------------ public functions
def infer_schema(frame: pd.DataFrame) -> Schema:
    """Decide every column's kind, whether it is learned by default, and why."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"infer_schema needs a pandas DataFrame, not {type(frame).__name__}")
    names = [str(name) for name in frame.columns]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SchemaError(
            f"The table has more than one column called {_quoted(duplicates)}. "
            "Give every column its own name, then load the table again."
        )
    columns = [_infer_column(name, frame.iloc[:, i]) for i, name in enumerate(names)]
    return Schema(columns, len(frame))


def parse_datetimes(values: pd.Series, fmt: str) -> pd.Series:
    """Read text with a strftime format (``%-d`` style allowed): datetime64[ns], NaT if missing.

    Values that do not fit the format become NaT too.
    """
    if ptypes.is_datetime64_any_dtype(values.dtype):
        return values
    text = values.astype(object).where(values.notna(), None)
    try:
        parsed = pd.to_datetime(text, format=_pandas_format(fmt), errors="coerce")
    except ValueError as error:
        raise SchemaError(
            f"The date format '{fmt}' cannot be used ({error}). "
            "Use strftime codes such as %d/%m/%Y or %Y-%m-%d %H:%M."
        ) from None
    if ptypes.is_datetime64_dtype(parsed.dtype) and parsed.dtype != "datetime64[ns]":
        parsed = parsed.astype("datetime64[ns]")
    return parsed


def format_datetimes(values: pd.Series, fmt: str) -> pd.Series:
    """Write datetimes as text with a strftime format (``%-d`` style allowed); NaN for NaT."""
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


# ------------------------------------------------------------------------------ inference
@dataclass
class _Finding:
    """A rule's verdict: the kind, why, and facts to record."""

    kind: Kind
    reason: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Text:
    """A text column's non-missing values and the sample the pattern checks look at."""

    name: str
    values: pd.Series  # every non-missing value, as str
    distinct: int
    texts: pd.Series  # the sample's distinct values ...
    weights: np.ndarray  # ... and how often each occurs in the sample

    @property
    def tokens(self) -> tuple[str, ...]:
        return _name_tokens(self.name)

    @property
    def unique_share(self) -> float:
        return self.distinct / len(self.values)

    @property
    def sampled(self) -> bool:
        return len(self.values) > SAMPLE_SIZE

    @property
    def high_cardinality(self) -> bool:
        return self.distinct >= min(
            HIGH_CARDINALITY_MIN_DISTINCT, HIGH_CARDINALITY_MIN_SHARE * len(self.values)
        )

    def share(self, mask: pd.Series | np.ndarray) -> float:
        """Share of the sample's rows where ``mask`` (over the distinct values) holds."""
        mask = np.asarray(mask, dtype=bool)
        return float(self.weights[mask].sum() / self.weights.sum())

    def passes(self, test: Callable[[pd.Series], pd.Series], needed: float) -> bool:
        """Whether at least ``needed`` of the sample's rows pass ``test`` (a vectorised check).

        Most checks fail, so the most common values are tried first: when they fall well
        short, the rest of the sample is not looked at.
        """
        if len(self.texts) > PROBE_VALUES:
            probe = np.asarray(test(self.texts.iloc[:PROBE_VALUES]), dtype=bool)
            weights = self.weights[:PROBE_VALUES]
            if weights[probe].sum() < (needed - PROBE_MARGIN) * weights.sum():
                return False
        return self.share(test(self.texts)) >= needed

    def matches(self, pattern: str, needed: float, flags: int = 0) -> bool:
        """Whether at least ``needed`` of the sample's rows match ``pattern`` as a whole."""
        return self.passes(lambda texts: texts.str.fullmatch(pattern, flags=flags), needed)


def _infer_column(name: str, series: pd.Series) -> ColumnInfo:
    rows = len(series)
    missing_mask = series.isna().to_numpy()
    missing = float(missing_mask.mean()) if rows else 0.0
    present = series[~missing_mask]
    if present.empty:
        finding = _Finding(Kind.EMPTY, "every cell is empty: nothing to learn, left out")
        return _column(name, str(series.dtype), missing, 0, finding)
    family, values = _family(present)
    distinct = int(values.nunique())
    if distinct == 1:
        finding = _constant(values.iloc[0], missing)
    else:
        finding = _FAMILY_RULES[family](name, values, distinct)
    return _column(name, str(series.dtype), missing, distinct, finding)


def _column(name: str, dtype: str, missing: float, distinct: int, finding: _Finding) -> ColumnInfo:
    include = finding.kind in MODELLED_KINDS
    reason = finding.reason
    if finding.kind is not Kind.EMPTY and missing >= NOTE_MISSING:
        reason += f"; {_percent(missing)} missing"
        if include and missing > EXCLUDE_MISSING:
            include = False
            reason += ", so left out by default (include it if it matters)"
    return ColumnInfo(
        name=name,
        kind=finding.kind,
        reason=reason,
        include=include,
        missing=missing,
        distinct=distinct,
        dtype=dtype,
        **finding.facts,
    )


def _family(present: pd.Series) -> tuple[str, pd.Series]:
    """Which rules apply ('boolean', 'number', 'datetime', 'text') and the values for them."""
    dtype = present.dtype
    if ptypes.is_bool_dtype(dtype):
        return "boolean", present
    if ptypes.is_datetime64_any_dtype(dtype):
        return "datetime", present
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype):
        return "number", present
    if isinstance(dtype, pd.CategoricalDtype) or not ptypes.is_object_dtype(dtype):
        present = present.astype(object)
    inferred = pd.api.types.infer_dtype(present, skipna=True)
    if inferred == "boolean":
        return "boolean", present.astype(bool)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return "number", pd.to_numeric(present)
    if inferred in ("datetime", "datetime64", "date"):
        try:
            return "datetime", pd.to_datetime(present)
        except (TypeError, ValueError):
            pass
    return "text", present.astype(str)


def _constant(value: Any, missing: float) -> _Finding:
    where = "in every filled row (the rest are empty)" if missing else "in every row"
    return _Finding(
        Kind.CONSTANT, f"the same value ({_quote(value)}) {where}: nothing to learn, left out"
    )


def _boolean_values(name: str, values: pd.Series, distinct: int) -> _Finding:
    return _Finding(Kind.BOOLEAN, "true/false values: a yes/no column")


def _datetime_values(name: str, values: pd.Series, distinct: int) -> _Finding:
    stamps = pd.Series(values)
    with_time = bool((stamps != stamps.dt.normalize()).any())
    fmt = "%Y-%m-%d"
    if with_time:
        fmt = "%Y-%m-%d %H:%M:%S"
        if ((stamps.dt.microsecond != 0) | (stamps.dt.nanosecond != 0)).any():
            fmt += ".%f"
    earliest, latest = _iso(stamps.min(), with_time), _iso(stamps.max(), with_time)
    what = "dates and times" if with_time else "dates"
    return _Finding(
        Kind.DATETIME,
        f"{what} from {earliest} to {latest}",
        {"datetime_format": fmt, "earliest": earliest, "latest": latest},
    )


def _number_values(name: str, values: pd.Series, distinct: int) -> _Finding:
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = numbers[np.isfinite(numbers)]
    if finite.size == 0:
        return _Finding(Kind.NUMERICAL, "numbers, all of them infinite")
    low, high = float(finite.min()), float(finite.max())
    whole = ptypes.is_integer_dtype(values.dtype) or _decimals(finite) == 0
    if whole and distinct == 2 and low == 0 and high == 1:
        return _Finding(Kind.BOOLEAN, "only the values 0 and 1: a yes/no column")
    tokens = _name_tokens(name)
    if whole:
        return (
            _numeric_phone(tokens, finite)
            or _numeric_identifier(tokens, low, high, distinct, len(values))
            or _whole_numbers(low, high, distinct)
        )
    decimals = _decimals(finite)
    places = "decimal" if decimals == 1 else "decimals"
    return _Finding(
        Kind.NUMERICAL,
        f"numbers from {_number(low, decimals)} to {_number(high, decimals)} "
        f"with up to {decimals} {places}",
        {"minimum": low, "maximum": high, "decimals": decimals},
    )


def _whole_numbers(low: float, high: float, distinct: int) -> _Finding:
    reason = f"whole numbers from {_number(low, 0)} to {_number(high, 0)}"
    if distinct <= FEW_WHOLE_NUMBERS:
        reason += (
            f" (only {distinct} different values: if they are labels rather than amounts, "
            "set it to categorical)"
        )
    return _Finding(Kind.INTEGER, reason, {"minimum": low, "maximum": high, "decimals": 0})


def _numeric_phone(tokens: tuple[str, ...], finite: np.ndarray) -> _Finding | None:
    low_digits, high_digits = PHONE_DIGITS
    digits = np.floor(np.log10(np.maximum(np.abs(finite), 1))) + 1
    if _has_word(tokens, PHONE_WORDS) and ((digits >= low_digits) & (digits <= high_digits)).all():
        return _pii("phone", "phone numbers")
    return None


def _numeric_identifier(
    tokens: tuple[str, ...], low: float, high: float, distinct: int, count: int
) -> _Finding | None:
    unique = distinct / count
    if _is_id_name(tokens) and unique >= NAMED_IDENTIFIER_MIN_UNIQUE:
        return _Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)} and named like an ID: an identifier, left out by default",
        )
    # Row numbers start at 0 or 1; other runs of unique whole numbers (years) are data.
    counts_up = low in (0, 1) and high - low + 1 <= SEQUENCE_MAX_SPREAD * distinct
    if count >= IDENTIFIER_MIN_VALUES and unique >= IDENTIFIER_MIN_UNIQUE and counts_up:
        return _Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)}, counting up like 1, 2, 3: "
            "an identifier, left out by default",
        )
    return None


def _text_values(name: str, values: pd.Series, distinct: int) -> _Finding:
    sample = values
    if len(values) > SAMPLE_SIZE:
        sample = values.sample(n=SAMPLE_SIZE, random_state=SAMPLE_SEED)
    counts = sample.value_counts()
    column = _Text(
        name=name,
        values=values,
        distinct=distinct,
        texts=pd.Series(counts.index.to_numpy(dtype=object), dtype=object),
        weights=counts.to_numpy(),
    )
    for rule in _TEXT_RULES:
        finding = rule(column)
        if finding is not None:
            return finding
    return _categorical(column)


def _text_boolean(column: _Text) -> _Finding | None:
    if column.distinct != 2:
        return None
    pair = sorted(column.values.unique())
    if frozenset(value.lower() for value in pair) not in BOOLEAN_PAIRS:
        return None
    return _Finding(
        Kind.BOOLEAN, f"two values, {_quote(pair[0])} and {_quote(pair[1])}: a yes/no column"
    )


def _text_email(column: _Text) -> _Finding | None:
    if column.matches(EMAIL_PATTERN, PII_MIN_SHARE):
        return _pii("email", "email addresses")
    return None


def _text_national_id(column: _Text) -> _Finding | None:
    named = _has_phrase(column.tokens, NATIONAL_ID_PHRASES) and column.high_cardinality
    if named or column.matches(SSN_PATTERN, PII_MIN_SHARE):
        return _pii("national_id", "national ID numbers (such as social security numbers)")
    return None


def _text_phone(column: _Text) -> _Finding | None:
    # Without a name hint, only formatted numbers count ('+44 20 7946 0018', '(555) 010-2345'),
    # and never in a column named 'id' ('Order ID': '100-2345-67').
    hinted = _has_word(column.tokens, PHONE_WORDS)
    if not hinted and _has_word(column.tokens, ID_WORDS):
        return None

    def looks_like_phone(texts: pd.Series) -> pd.Series:
        body = texts.str.replace(PHONE_EXTENSION, "", regex=True)
        low, high = PHONE_DIGITS
        phone = (
            body.str.fullmatch(PHONE_PATTERN)
            & body.str.count(r"\d").between(low, high)
            & ~body.str.fullmatch(IPV4_PATTERN)
        )
        return phone if hinted else phone & body.str.contains(PHONE_FORMATTING)

    if column.passes(looks_like_phone, PII_MIN_SHARE):
        return _pii("phone", "phone numbers")
    return None


def _text_address(column: _Text) -> _Finding | None:
    tokens = column.tokens
    named = _has_word(tokens, ADDRESS_WORDS) and not _has_word(tokens, NOT_ADDRESS_WORDS)
    if named and column.high_cardinality and column.matches(r".*[^\W\d_].*", PII_MIN_SHARE):
        return _pii("address", "street addresses")
    if column.matches(ADDRESS_PATTERN, PII_MIN_SHARE, flags=re.IGNORECASE):
        return _pii("address", "street addresses")
    return None


def _text_person_name(column: _Text) -> _Finding | None:
    tokens = column.tokens
    if not _has_word(tokens, PERSON_WORDS) or _has_word(tokens, NOT_PERSON_WORDS):
        return None
    if not column.high_cardinality:
        return None

    def looks_like_name(texts: pd.Series) -> pd.Series:
        return (
            texts.str.fullmatch(NAME_PATTERN)
            & (texts.str.count(r"\s+") < NAME_MAX_WORDS)
            & texts.str.slice(0, 1).str.isupper()
        )

    if column.passes(looks_like_name, PII_MIN_SHARE):
        return _pii("name", "people's names")
    return None


def _text_identifier(column: _Text) -> _Finding | None:
    unique = column.unique_share
    if _is_id_name(column.tokens) and unique >= NAMED_IDENTIFIER_MIN_UNIQUE:
        return _Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)} and named like an ID: an identifier, left out by default",
        )
    if (
        len(column.values) >= IDENTIFIER_MIN_VALUES
        and unique >= IDENTIFIER_MIN_UNIQUE
        and column.matches(CODE_PATTERN, CODE_MIN_SHARE)
    ):
        return _Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)} (codes like {_quote(column.values.iloc[0])}): "
            "an identifier, left out by default",
        )
    return None


def _text_free(column: _Text) -> _Finding | None:
    if column.unique_share < TEXT_MIN_UNIQUE:
        return None
    total = column.weights.sum()
    mean_length = float((column.texts.str.len().to_numpy() * column.weights).sum() / total)
    words = column.texts.str.count(r"\s+").to_numpy() + 1
    mean_words = float((words * column.weights).sum() / total)
    if mean_length < TEXT_MIN_MEAN_LENGTH and mean_words < TEXT_MIN_MEAN_WORDS:
        return None
    return _Finding(
        Kind.TEXT,
        f"free text (about {round(mean_words)} words per row, most rows different): "
        "left out by default",
    )


def _categorical(column: _Text) -> _Finding:
    examples = _join_quoted(column.texts.iloc[:3].tolist())
    leading_zero = column.texts.str.match(r"0\d")
    if leading_zero.any() and column.matches(DIGITS_PATTERN, 1.0):
        zero_example = _quote(column.texts[leading_zero].iloc[0])
        return _Finding(
            Kind.CATEGORICAL,
            f"codes written with leading zeros (like {zero_example}), so kept as text: "
            f"{column.distinct:,} categories",
        )
    if column.distinct > MANY_CATEGORIES:
        return _Finding(
            Kind.CATEGORICAL, f"text with many categories ({column.distinct:,}), such as {examples}"
        )
    if column.distinct <= 3:
        return _Finding(Kind.CATEGORICAL, f"text with {column.distinct} categories: {examples}")
    return _Finding(Kind.CATEGORICAL, f"text with {column.distinct} categories, such as {examples}")


# ------------------------------------------------------------------------------ dates in text
def _text_datetime(column: _Text) -> _Finding | None:
    if not column.matches(_DATE_PREFILTER, DATETIME_MIN_SHARE):
        return None
    for shape, pattern in _DATE_SHAPES:
        parts = column.texts.str.extract(f"^{pattern}{_TIME_PART}$")
        matched = parts["year"].notna().to_numpy()
        if column.share(matched) >= DATETIME_MIN_SHARE:
            fmt, note = _date_format(shape, parts[matched], column.weights[matched], column)
            return _confirm_datetime(column, fmt, note)
    return None


def _date_format(
    shape: str, parts: pd.DataFrame, weights: np.ndarray, column: _Text
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
    else:
        comma = _most_common(parts["comma"], weights)
        date = f"{_month_field(parts['month'])} {_field('d', parts['a'])}{comma} {year}"
    return date + _time_format(parts, weights), note


def _day_first(parts: pd.DataFrame, sep: str, column: _Text) -> tuple[bool, str]:
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
    return time


def _field(letter: str, numbers: pd.Series) -> str:
    """``%d`` if the numbers are written with leading zeros (or we cannot tell), else ``%-d``."""
    numbers = numbers.dropna()
    lengths = numbers.str.len()
    zero_padded = ((lengths == 2) & numbers.str.startswith("0")).any()
    single_digit = (lengths == 1).any()
    return f"%-{letter}" if single_digit and not zero_padded else f"%{letter}"


def _month_field(names: pd.Series) -> str:
    return "%b" if (names.str.len() == 3).all() else "%B"


def _confirm_datetime(column: _Text, fmt: str, note: str) -> _Finding | None:
    """Check the format on the sample, then on the whole column; None if it does not hold."""
    pandas_fmt = _pandas_format(fmt)
    parsed_sample = pd.to_datetime(column.texts, format=pandas_fmt, errors="coerce")
    readable = parsed_sample.notna().to_numpy()
    if column.share(readable) < DATETIME_MIN_SHARE:
        return None
    parsed = pd.to_datetime(column.values, format=pandas_fmt, errors="coerce")
    read = parsed.notna()
    if read.mean() < DATETIME_MIN_SHARE:
        return None
    with_time = any(letter in fmt for letter in "HIMS")
    what = "dates and times" if with_time else "dates"
    reason = f"{what} like {_quote(column.values[read].iloc[0])} (format {fmt})"
    if note:
        reason += f"; {note}"
    # Writing the most common values back shows whether the format reproduces the column.
    shown = parsed_sample[readable].iloc[:PROBE_VALUES]
    rewritten = format_datetimes(shown, fmt).to_numpy(dtype=object)
    exact = rewritten == column.texts[readable].iloc[:PROBE_VALUES].to_numpy(dtype=object)
    if not exact.all():
        reason += "; some values are written a little differently and will come out in this format"
    unread = int((~read).sum())
    if unread:
        reason += f"; {unread:,} values are not dates in this format and will be treated as missing"
    facts = {
        "datetime_format": fmt,
        "earliest": _iso(parsed.min(), with_time),
        "latest": _iso(parsed.max(), with_time),
    }
    return _Finding(Kind.DATETIME, reason, facts)


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


def _check_datetime_format(fmt: Any) -> None:
    problem = ""
    if not isinstance(fmt, str) or not fmt:
        problem = "it is empty" if fmt == "" else f"it is {_what(fmt)}, not text"
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
            problem = f"{_join_quoted(bad)} {verb}"
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


# ------------------------------------------------------------------------------ small helpers
_FAMILY_RULES: dict[str, Callable[[str, pd.Series, int], _Finding]] = {
    "boolean": _boolean_values,
    "datetime": _datetime_values,
    "number": _number_values,
    "text": _text_values,
}
# In order: the first rule with a verdict wins; the rest of the text is categorical.
_TEXT_RULES: tuple[Callable[[_Text], _Finding | None], ...] = (
    _text_boolean,
    _text_datetime,
    _text_email,
    _text_national_id,
    _text_phone,
    _text_address,
    _text_person_name,
    _text_identifier,
    _text_free,
)


def _pii(pii_type: str, what: str) -> _Finding:
    return _Finding(
        Kind.PII, f"looks like {what}: personal data, left out by default", {"pii_type": pii_type}
    )


def _name_tokens(name: str) -> tuple[str, ...]:
    """Lower-case words of a column name: 'PassengerId' -> ('passenger', 'id')."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return tuple(word for word in re.split(r"[\W_]+", spaced.lower()) if word)


def _has_word(tokens: tuple[str, ...], words: frozenset[str]) -> bool:
    return not words.isdisjoint(tokens)


def _has_phrase(tokens: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(
        tokens[start : start + len(phrase)] == phrase
        for phrase in phrases
        for start in range(len(tokens))
    )


def _is_id_name(tokens: tuple[str, ...]) -> bool:
    return bool(tokens) and (_has_word(tokens, ID_WORDS) or tokens[-1] in ID_LAST_WORDS)


def _unique_phrase(unique: float) -> str:
    return "unique in every row" if unique >= 1 else "unique in almost every row"


def _decimals(numbers: np.ndarray) -> int:
    """Decimal places needed to write every number (float noise aside), at most MAX_DECIMALS."""
    with np.errstate(over="ignore", invalid="ignore"):
        for places in range(MAX_DECIMALS + 1):
            if np.isclose(np.round(numbers, places), numbers, rtol=DECIMALS_RTOL, atol=0).all():
                return places
    return MAX_DECIMALS


def _most_common(values: pd.Series, weights: np.ndarray) -> Any:
    keys, positions = np.unique(values.to_numpy(), return_inverse=True)
    return keys[np.bincount(positions, weights=weights).argmax()]


def _iso(stamp: pd.Timestamp, with_time: bool) -> str:
    return stamp.isoformat() if with_time else stamp.date().isoformat()


def _number(value: float, decimals: int) -> str:
    grouping = "," if abs(value) >= 10_000 else ""  # 12,285 but not 1,990 (years)
    text = f"{value:{grouping}.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _json_number(value: float, whole: bool) -> int | float:
    if whole and float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return round(float(value), MAX_DECIMALS)


def _percent(share: float) -> str:
    percent = share * 100
    if 0 < percent < 1:
        return "under 1 %"
    if 99 < percent < 100:
        return "over 99 %"
    return f"{round(percent)} %"


def _quote(value: Any, limit: int = 30) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def _join_quoted(values: list[Any]) -> str:
    quoted = [_quote(value) for value in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _quoted(values: list[Any]) -> str:
    return ", ".join(_quote(value, limit=80) for value in values)


# ------------------------------------------------------------------------------ validation
def _parse_kind(value: Any) -> Kind:
    if isinstance(value, Kind):
        return value
    if isinstance(value, str):
        try:
            return Kind(value.strip().lower())
        except ValueError:
            pass
    raise SchemaError(f"{_quote(value, limit=40)} is not a column kind. Choose one of: {_KINDS}.")


def _default_include(kind: Kind, column: ColumnInfo) -> bool:
    return kind in MODELLED_KINDS and column.missing <= EXCLUDE_MISSING and column.distinct > 1


def _check_kind_fits(column: ColumnInfo, kind: Kind) -> None:
    name, distinct = column.name, column.distinct
    if distinct == 0 and kind is not Kind.EMPTY:
        raise SchemaError(
            f"Column '{name}' is empty (every cell is missing), so its kind can only be 'empty'."
        )
    if kind is Kind.BOOLEAN and distinct > 2:
        raise SchemaError(
            f"Column '{name}' has {distinct:,} different values, so it cannot be a yes/no "
            "(boolean) column. Choose categorical instead."
        )
    if (kind is Kind.EMPTY and distinct > 0) or (kind is Kind.CONSTANT and distinct > 1):
        raise SchemaError(
            f"Column '{name}' cannot be set to {kind}: it has {distinct:,} different values. "
            "Choose another kind, or leave the column out."
        )


def _not_includable(column: ColumnInfo) -> str | None:
    """Why a model cannot learn the column, or None when it can."""
    if column.kind is Kind.EMPTY or column.distinct == 0:
        return "every cell is empty, so there is nothing to learn"
    if column.kind is Kind.CONSTANT or column.distinct == 1:
        return "it holds the same value in every filled row, so there is nothing to learn"
    return None


def _check_includable(column: ColumnInfo) -> None:
    why = _not_includable(column)
    if why:
        raise SchemaError(f"Column '{column.name}' cannot be included: {why}. Leave it out.")


_INCLUDED_NOTE = " (included by you)"
_LEFT_OUT_NOTE = " (left out by you)"


def _note_include(reason: str, include: bool) -> str:
    base = reason.removesuffix(_INCLUDED_NOTE).removesuffix(_LEFT_OUT_NOTE)
    return base + (_INCLUDED_NOTE if include else _LEFT_OUT_NOTE)


def _as_bool(value: Any, what: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise SchemaError(f"'{what}' must be true or false, not {_what(value)}.")


def _unknown_columns_message(unknown: list[Any], names: list[str]) -> str:
    suggestions = {str(name): _near_matches(str(name), names) for name in unknown}
    if len(unknown) == 1:
        name, close = next(iter(suggestions.items()))
        message = f"There is no column called {_quote(name, limit=80)}."
    else:
        message = f"There are no columns called {_quoted(list(suggestions))}."
        close = [match for matches in suggestions.values() for match in matches]
    if close:
        return message + f" Did you mean {' or '.join(_quote(c, limit=80) for c in close)}?"
    listing = _quoted(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return message + (f" The columns are: {listing}." if names else " The table has no columns.")


def _near_matches(name: str, names: list[str]) -> list[str]:
    lowered = {candidate.lower(): candidate for candidate in reversed(names)}
    matches = difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)
    return [lowered[match] for match in matches]


def _invalid(detail: str) -> SchemaError:
    return SchemaError(
        f"The schema is not valid: {detail}. "
        "Fix the schema file, or infer the schema again from the table."
    )


def _what(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        return _quote(value, limit=40) if isinstance(value, str) else repr(value)
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_REQUIRED_FIELDS = ("name", "kind", "reason", "include", "missing", "distinct", "dtype")
_FIELDS = tuple(f.name for f in dataclasses.fields(ColumnInfo))


def _column_from_dict(raw: Any, position: int) -> ColumnInfo:
    where = f"column {position}"
    if not isinstance(raw, Mapping):
        raise _invalid(f"{where} must be an object with the column's settings, not {_what(raw)}")
    if isinstance(raw.get("name"), str):
        where += f" ({_quote(raw['name'], limit=60)})"
    unknown = sorted(set(raw) - set(_FIELDS), key=str)
    if unknown:
        raise _invalid(f"{where} has unknown settings {_quoted(unknown)}")
    absent = [key for key in _REQUIRED_FIELDS if key not in raw]
    if absent:
        raise _invalid(f"{where} lacks {_quoted(absent)}")

    def need(key: str, ok: bool, expected: str) -> None:
        if not ok:
            raise _invalid(f"{where}: '{key}' must be {expected}, not {_what(raw.get(key))}")

    def optional(key: str, check: Callable[[Any], bool]) -> bool:
        return raw.get(key) is None or check(raw[key])

    need("name", isinstance(raw["name"], str) and raw["name"] != "", "a non-empty text")
    need("kind", isinstance(raw["kind"], str) and raw["kind"] in set(Kind), f"one of {_KINDS}")
    need("reason", isinstance(raw["reason"], str), "text")
    need("include", isinstance(raw["include"], bool), "true or false")
    need("missing", _is_number(raw["missing"]) and 0 <= raw["missing"] <= 1, "a share from 0 to 1")
    need("distinct", _is_int(raw["distinct"]) and raw["distinct"] >= 0, "a whole number >= 0")
    need("dtype", isinstance(raw["dtype"], str), "text")
    for key in ("minimum", "maximum"):
        need(key, optional(key, _is_number), "a number or null")
    decimals_ok = optional("decimals", lambda v: _is_int(v) and 0 <= v <= MAX_DECIMALS)
    need("decimals", decimals_ok, f"a whole number from 0 to {MAX_DECIMALS}, or null")
    for key in ("earliest", "latest", "datetime_format"):
        need(key, optional(key, lambda v: isinstance(v, str)), "text or null")
    pii_expected = f"one of {', '.join(PII_TYPES)}, or null"
    need("pii_type", optional("pii_type", lambda v: v in PII_TYPES), pii_expected)
    need("overridden", isinstance(raw.get("overridden", False), bool), "true or false")
    treatments = f"one of {', '.join(TREATMENTS)}, or null"
    need("treatment", optional("treatment", lambda v: v in TREATMENTS), treatments)

    values = {key: raw[key] for key in _FIELDS if key in raw}
    for key in ("missing", "minimum", "maximum"):
        if values.get(key) is not None:
            values[key] = float(values[key])
    column = ColumnInfo(**values)
    why = _not_includable(column)
    if column.include and why:
        raise _invalid(f"{where} is included, but {why}")
    return column
