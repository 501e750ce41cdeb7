"""The schema: what each column of a table holds, whether a model learns it, and why.

A :class:`Schema` has one :class:`ColumnInfo` per column: its kind (numbers, categories, dates,
personal data ...), whether a model learns it, and a short reason in plain words. People can
change a column's kind or choose the columns to learn (:meth:`Schema.with_changes`,
:meth:`Schema.with_only`); :meth:`Schema.to_dict` and :meth:`Schema.from_dict` save and read it.
``synth_core.schema.infer`` makes the first schema of a table.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from synth_core.errors import SchemaError
from synth_core.schema.dates import MAX_OPEN_END, check_datetime_format
from synth_core.schema.decimals import MAX_DECIMALS
from synth_core.schema.kinds import DISCRETE_KINDS, MODELLED_KINDS, PII_TYPES, Kind
from synth_core.schema.messages import describe_value, quote, quoted_list, unknown_columns_message
from synth_core.schema.treatments import DEFAULT_TREATMENTS, TREATMENTS, check_treatment
from synth_core.tables.dialect import CsvDialect, WrittenAs
from synth_core.tables.styles import NumberStyle

SCHEMA_VERSION = 1
EXCLUDE_MISSING = 0.9  # modelled columns emptier than this are left out by default
WHOLE_NUMBERS = "0"  # the number pattern of whole numbers: no separators, no decimals
_KINDS = ", ".join(kind.value for kind in Kind)  # for messages
_LEFT_OUT_REASONS = {
    Kind.IDENTIFIER: "an identifier, left out by default",
    Kind.PII: "personal data, left out by default",
    Kind.TEXT: "free text, left out by default",
}
_INCLUDED_NOTE = " (included by you)"
_RANGE_WORDS = re.compile(r" from \S+ to \S+?(?=;| |$)")  # "from 17 to 90" in a reason
_LEFT_OUT_NOTE = " (left out by you)"
_UNCHANGED: Any = ...  # ``treatment`` not given (None means "leave out")


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
    number_format: str | None = None  # money and percentages: '$#,##0.00' (tables.styles)
    open_end: str | None = None  # dates: the text past any calendar meaning "no end date"

    def __post_init__(self) -> None:
        self.kind = _parse_kind(self.kind)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields (kind as its string value)."""
        data = dataclasses.asdict(self)
        data["kind"] = self.kind.value
        return data


@dataclass
class Schema:
    """The columns of a table, in order, with how many rows it had and how its file was
    written."""

    columns: list[ColumnInfo]
    rows: int
    dialect: CsvDialect = dataclasses.field(default_factory=CsvDialect)

    def __getitem__(self, name: str) -> ColumnInfo:
        for column in self.columns:
            if column.name == name:
                return column
        raise SchemaError(unknown_columns_message([name], self.names))

    @property
    def names(self) -> list[str]:
        """All column names, in order."""
        return [column.name for column in self.columns]

    @property
    def included(self) -> list[ColumnInfo]:
        """The columns a model learns, in order."""
        return [column for column in self.columns if column.include]

    @property
    def number_formats(self) -> dict[str, str]:
        """{column: pattern} of the number columns a written file shows in a style of their
        own: money and percentages as they were read, and whole numbers with gaps without
        decimals (read as floats, they would be written 181.0), codes and 0/1 flags too."""
        formats = {}
        for c in self.columns:
            if c.number_format:
                formats[c.name] = c.number_format
            elif c.dtype.startswith("float") and (
                c.kind is Kind.INTEGER or (c.kind in DISCRETE_KINDS and c.decimals == 0)
            ):
                formats[c.name] = WHOLE_NUMBERS
        return formats

    @property
    def written_as(self) -> WrittenAs:
        """How to write a synthetic copy as the real file was written."""
        dates = {
            c.name: c.datetime_format
            for c in self.columns
            if c.kind is Kind.DATETIME and c.datetime_format
        }
        ends = {c.name: c.open_end for c in self.columns if c.kind is Kind.DATETIME and c.open_end}
        return WrittenAs(self.dialect, self.number_formats, dates, ends)

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
        treatment: str | object | None = _UNCHANGED,
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
        new = old if kind is None else _with_kind(old, _parse_kind(kind))
        if datetime_format is not None and datetime_format != new.datetime_format:
            new = _with_datetime_format(old, new, datetime_format)
        if include is not None:
            new = _with_include(new, _as_bool(include, "include"))
        if new.include or new.kind != old.kind:
            default = None if new.include else DEFAULT_TREATMENTS.get(new.kind)
            new = dataclasses.replace(new, treatment=default)
        if treatment is not _UNCHANGED and treatment != new.treatment:
            check_treatment(new, treatment)
            new = dataclasses.replace(new, treatment=treatment, overridden=True)
        return dataclasses.replace(
            self, columns=[new if c.name == name else c for c in self.columns]
        )

    def with_only(self, names: Iterable[str]) -> Schema:
        """A copy that learns exactly these columns and leaves the rest out."""
        chosen = [names] if isinstance(names, str) else list(dict.fromkeys(names))
        known = set(self.names)
        unknown = [name for name in chosen if name not in known]
        if unknown:
            raise SchemaError(unknown_columns_message(unknown, self.names))
        if not chosen:
            raise SchemaError("No columns were chosen. Pick at least one column to learn.")
        wanted = set(chosen)
        columns = []
        for column in self.columns:
            include = column.name in wanted
            if include != column.include:
                column = dataclasses.replace(
                    _with_include(column, include),
                    treatment=None if include else column.treatment,
                )
            columns.append(column)
        return dataclasses.replace(self, columns=columns)

    def without_examples(self) -> Schema:
        """A copy whose columns left out for what they hold (identifiers, personal data, free
        text) give their reason without the real values it quotes ("codes like 'ORD-00001'"):
        what a model file keeps, which may travel where the data may not. Nor do they keep
        their real ranges ("whole numbers from 17 to 90"): an extreme may be one person's."""
        columns = [
            dataclasses.replace(
                c,
                reason=_LEFT_OUT_REASONS[c.kind]
                if c.kind in _LEFT_OUT_REASONS and not c.include and not c.overridden
                else _RANGE_WORDS.sub("", c.reason),
                minimum=None,
                maximum=None,
                earliest=None,
                latest=None,
            )
            for c in self.columns
        ]
        return dataclasses.replace(self, columns=columns)

    def summary_rows(self) -> list[dict[str, Any]]:
        """One JSON-friendly dict per column, for listings (no NaN, numbers rounded)."""
        return [_summary_row(column) for column in self.columns]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form; :meth:`from_dict` reads it back."""
        return {
            "version": SCHEMA_VERSION,
            "rows": self.rows,
            "columns": [column.to_dict() for column in self.columns],
            "file": self.dialect.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schema:
        """Read :meth:`to_dict`'s form, checking every field; SchemaError says what is wrong."""
        if not isinstance(data, Mapping):
            raise _invalid(
                f"it must be an object with 'rows' and 'columns', not {describe_value(data)}"
            )
        unknown = sorted(set(data) - {"version", "rows", "columns", "file"})
        if unknown:
            raise _invalid(f"it has unknown settings {quoted_list(unknown)}")
        _check_version(data.get("version", SCHEMA_VERSION))
        for key in ("rows", "columns"):
            if key not in data:
                raise _invalid(f"'{key}' is missing")
        rows = data["rows"]
        if not _is_int(rows) or rows < 0:
            raise _invalid(
                f"'rows' must be a whole number of at least 0, not {describe_value(rows)}"
            )
        raw_columns = data["columns"]
        if not isinstance(raw_columns, list):
            raise _invalid(f"'columns' must be a list, not {describe_value(raw_columns)}")
        columns = [_column_from_dict(raw, i + 1) for i, raw in enumerate(raw_columns)]
        names = [column.name for column in columns]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise _invalid(f"more than one column is called {quoted_list(duplicates)}")
        try:  # a schema saved before files kept their dialect has none: the plain one
            dialect = CsvDialect.from_dict(data.get("file", {}))
        except (TypeError, ValueError) as error:
            raise _invalid(f"'file' is not valid: {error}") from None
        return cls(columns, int(rows), dialect)


def parse_schema_json(text: str | bytes) -> Schema:
    """A schema from the JSON text of a schema file (``json.dumps(schema.to_dict())``);
    SchemaError, saying what to do, for anything malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaError(
            f"The schema file is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}). Fix it, or infer the schema again from the table."
        ) from None
    except (TypeError, UnicodeDecodeError):
        raise SchemaError(
            "The schema file could not be read as text. Choose a schema file saved by Synth Studio."
        ) from None
    return Schema.from_dict(data)


# ------------------------------------------------------------------------------ changes
def _with_kind(old: ColumnInfo, kind: Kind) -> ColumnInfo:
    if kind == old.kind:
        return old
    _check_kind_fits(old, kind)
    return dataclasses.replace(
        old,
        kind=kind,
        reason=f"set by you (was: {old.kind})",
        include=_default_include(kind, old),
        overridden=True,
    )


def _with_datetime_format(old: ColumnInfo, new: ColumnInfo, fmt: str) -> ColumnInfo:
    if new.kind is not Kind.DATETIME:
        raise SchemaError(
            f"Column '{new.name}' is not a date column, so it has no date format. "
            "Set its kind to datetime first."
        )
    check_datetime_format(fmt)
    reason = new.reason
    if new.kind == old.kind:
        reason = f"date format set by you (was: {old.datetime_format or 'none'})"
    return dataclasses.replace(new, datetime_format=fmt, reason=reason, overridden=True)


def _with_include(column: ColumnInfo, include: bool) -> ColumnInfo:
    if include == column.include:
        return column
    if include:
        _check_includable(column)
    return dataclasses.replace(
        column, include=include, reason=_note_include(column.reason, include), overridden=True
    )


def _summary_row(column: ColumnInfo) -> dict[str, Any]:
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
        "number_format": column.number_format,
        "open_end": column.open_end,
    }
    row.update({key: value for key, value in optional.items() if value is not None})
    if column.overridden:
        row["overridden"] = True
    return row


def _json_number(value: float, whole: bool) -> int | float:
    if whole and float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return round(float(value), MAX_DECIMALS)


# ------------------------------------------------------------------------------ validation
def _parse_kind(value: Any) -> Kind:
    if isinstance(value, Kind):
        return value
    if isinstance(value, str):
        try:
            return Kind(value.strip().lower())
        except ValueError:
            pass
    raise SchemaError(f"{quote(value, limit=40)} is not a column kind. Choose one of: {_KINDS}.")


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


def _note_include(reason: str, include: bool) -> str:
    base = reason.removesuffix(_INCLUDED_NOTE).removesuffix(_LEFT_OUT_NOTE)
    return base + (_INCLUDED_NOTE if include else _LEFT_OUT_NOTE)


def _as_bool(value: Any, what: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise SchemaError(f"'{what}' must be true or false, not {describe_value(value)}.")


def _invalid(detail: str) -> SchemaError:
    return SchemaError(
        f"The schema is not valid: {detail}. "
        "Fix the schema file, or infer the schema again from the table."
    )


def _check_version(version: Any) -> None:
    if not _is_int(version) or version < 1:
        raise _invalid(f"'version' must be a whole number, not {describe_value(version)}")
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"This schema was written by a newer version of Synth Studio (schema version "
            f"{version}). Update Synth Studio, or infer the schema again from the table."
        )


def _is_number_pattern(value: Any) -> bool:
    try:
        NumberStyle.of(value)
    except ValueError:
        return False
    return True


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_REQUIRED_FIELDS = ("name", "kind", "reason", "include", "missing", "distinct", "dtype")
_FIELDS = tuple(f.name for f in dataclasses.fields(ColumnInfo))


def _column_from_dict(raw: Any, position: int) -> ColumnInfo:
    where = f"column {position}"
    if not isinstance(raw, Mapping):
        raise _invalid(
            f"{where} must be an object with the column's settings, not {describe_value(raw)}"
        )
    if isinstance(raw.get("name"), str):
        where += f" ({quote(raw['name'], limit=60)})"
    unknown = sorted(set(raw) - set(_FIELDS), key=str)
    if unknown:
        raise _invalid(f"{where} has unknown settings {quoted_list(unknown)}")
    absent = [key for key in _REQUIRED_FIELDS if key not in raw]
    if absent:
        raise _invalid(f"{where} lacks {quoted_list(absent)}")
    _check_fields(raw, where)
    values = {key: raw[key] for key in _FIELDS if key in raw}
    for key in ("missing", "minimum", "maximum"):
        if values.get(key) is not None:
            values[key] = float(values[key])
    column = ColumnInfo(**values)
    why = _not_includable(column)
    if column.include and why:
        raise _invalid(f"{where} is included, but {why}")
    return column


def _check_fields(raw: Mapping[str, Any], where: str) -> None:
    """Raise for the first setting of a column's dict that has the wrong type or range."""

    def need(key: str, ok: bool, expected: str) -> None:
        if not ok:
            raise _invalid(
                f"{where}: '{key}' must be {expected}, not {describe_value(raw.get(key))}"
            )

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
    patterns = "a number pattern such as $#,##0.00 or 0%, or null"
    need("number_format", optional("number_format", _is_number_pattern), patterns)
    short = optional("open_end", lambda v: isinstance(v, str) and 0 < len(v) <= MAX_OPEN_END)
    need("open_end", short, f"a text of 1 to {MAX_OPEN_END} characters, or null")
