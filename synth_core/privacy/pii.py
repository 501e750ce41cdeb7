"""Personal data and identifiers in the synthetic table: left out, faked, or new unique IDs.

A GAN never learns these columns (it would copy real values out). Each one gets a treatment,
stored in the schema (``ColumnInfo.treatment``):

- None (the default): left out of the synthetic table.
- ``"fake"``: realistic made-up values of the same kind (Faker, seeded): names, emails at
  reserved example domains, street addresses and sentences from Faker's lists; phone and
  national ID numbers drawn in the column's own format.
- ``"new_ids"``: new identifiers in the column's format (``CA-2016-152156`` becomes
  ``CA-2017-804271``), never a real one. A key that repeats (one customer's many orders) keeps
  its structure: as many different keys per row and the same spread of rows per key as the
  real column; which rows share a key is random, so the other columns of one key's rows are
  not promised to agree with each other. A column whose values are nearly all another new-IDs
  column's (a manager's ID among the employees' IDs) refers to it: its new IDs are drawn from
  that column's new IDs in the same rows, with its own spread of rows per key (how many report
  to one manager), and a row never refers to itself.
  Made-up people follow such a key: a faked column whose real value is one per key (a
  customer's name and email on each of their orders) gets one made-up value per new key, and an
  email whose key has a made-up name is built from that name.
- ``"keep"``: a column of one value (or none) written as it is, with its share of empty cells:
  the default for an empty column, a choice for a constant one.

``PiiPlan.fit`` reads only the *shape* of the values: per format, the characters that every one
of its values has and at least ``MIN_SHARED`` values share (separators, a fixed prefix), the
share of empty cells, how many keys have 1, 2, 3 ... rows, and a locale guessed from address
words and column names. For new IDs it also keeps 64-bit hashes of the real IDs, so that no
real one is ever made. It never stores a real value of a row (a column kept as it is stores
its one value, which every row shares), so the plan can travel in a model file as JSON.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from synth_core.errors import DataError, SchemaError
from synth_core.schema import (
    FAKE,
    KEEP,
    NEW_IDS,
    TREATMENT_LABELS,
    ColumnInfo,
    Kind,
    Schema,
    check_treatment,
)

DEFAULT_LOCALE = "en_US"
MIN_SHARED = 20  # a character is kept as it is only when this many values share it
MAX_FORMATS = 5  # formats kept per column (the most common ones)
MIN_FORMAT_SHARE = 0.01
POOL = 1000  # Faker values drawn once per column and generation; rows pick from them
REFERENCE_SHARE = 0.95  # of a column's values found in another's before it refers to it
FOLLOW_SHARE = 0.95  # of a repeating key's values with one value of a faked column: it follows
SHAPE_SAMPLE = 20_000  # values whose format is read
# Character classes of a format: symbol -> the characters drawn for it.
CLASSES = {
    "9": "0123456789",
    "N": "123456789",  # the first digit of a number: never a leading zero
    "A": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "a": "abcdefghijklmnopqrstuvwxyz",
}
COUNTER_LIMIT = 2**62  # unique IDs come from a counter over at most this many formats' values
SEQUENCE = -1  # counter key of IDs counted up; the longer formats' keys go on: -2, -3 ...
MAX_LONGER = 6  # digits added at most, when the real formats are full
# Address words and column-name words that point at a locale; the first match wins.
LOCALE_HINTS = (
    ("de_DE", r"\b(straße|strasse|gasse|allee|vorname|nachname|kunde|kundin)\b|\w+(weg|platz)\b"),
    ("fr_FR", r"\b(rue|chemin|prénom|prenom|nom)\b"),
    ("es_ES", r"\b(calle|avenida|nombre|apellido)\b"),
    ("it_IT", r"\b(via|piazza|cognome|nome)\b"),
    ("nl_NL", r"\b(straat|steeg|naam|achternaam|klant)\b"),
)


# ------------------------------------------------------------------------------ formats
@dataclass(frozen=True)
class Format:
    """One shape of value: a list of tokens, each a class symbol ("<9>", "<A>" ...) or a
    literal character, and the share of values with this shape."""

    tokens: tuple[str, ...]
    share: float

    @property
    def sizes(self) -> list[int]:
        return [len(CLASSES[t[1]]) for t in self.tokens if _is_class(t)]

    @property
    def capacity(self) -> int:
        return math.prod(self.sizes)

    def render(self, picks: np.ndarray) -> np.ndarray:
        """Strings for rows of class picks (rows x classes, each below its class size)."""
        parts, k = [], 0
        rows = picks.shape[0]
        for token in self.tokens:
            if _is_class(token):
                table = np.array(list(CLASSES[token[1]]), dtype=object)
                parts.append(table[picks[:, k]])
                k += 1
            else:
                parts.append(np.full(rows, token, dtype=object))
        if not parts:
            return np.full(rows, "", dtype=object)
        out = parts[0]
        for part in parts[1:]:
            out = out + part
        return out


def _is_class(token: str) -> bool:
    return len(token) == 3 and token[0] == "<" and token[2] == ">"


def _shape(text: str, numeric: bool) -> tuple[str, ...]:
    out = []
    for i, char in enumerate(text):
        if char.isdigit() and char.isascii():
            first = numeric and text[:i] in ("", "-")
            out.append("<N>" if first else "<9>")
        elif "A" <= char <= "Z":
            out.append("<A>")
        elif "a" <= char <= "z":
            out.append("<a>")
        else:
            out.append(char)
    return tuple(out)


def learn_formats(values: pd.Series, numeric: bool = False) -> list[Format]:
    """The most common shapes of ``values``. A position keeps its character only when every
    value of that shape has it and at least ``MIN_SHARED`` values of the column have it there
    (a shared prefix or a separator), so no single real value is kept."""
    texts = values.dropna().astype(str)
    if numeric:
        texts = texts.str.replace(r"\.0$", "", regex=True)
    if len(texts) > SHAPE_SAMPLE:
        texts = texts.sample(SHAPE_SAMPLE, random_state=0)
    if texts.empty:
        return [Format(("<N>", "<9>", "<9>", "<9>", "<9>", "<9>"), 1.0)]
    groups: dict[tuple[str, ...], list[str]] = {}
    for text in texts.tolist():
        groups.setdefault(_shape(text, numeric), []).append(text)
    ranked = sorted(groups.items(), key=lambda item: -len(item[1]))[:MAX_FORMATS]
    ranked = [item for item in ranked if len(item[1]) >= MIN_FORMAT_SHARE * len(texts)]
    total = sum(len(members) for _, members in ranked)
    shared = Counter((i, char) for text in texts.tolist() for i, char in enumerate(text))
    formats = []
    for shape, members in ranked:
        tokens = list(shape)
        for i, token in enumerate(shape):
            if _is_class(token):
                chars = {member[i] for member in members}
                if len(chars) == 1 and shared[(i, next(iter(chars)))] >= MIN_SHARED:
                    tokens[i] = chars.pop()
        formats.append(Format(tuple(tokens), len(members) / total))
    return formats


def _formats_to_dicts(formats: list[Format]) -> list[dict]:
    return [{"tokens": list(f.tokens), "share": f.share} for f in formats]


def _formats_from_dicts(data: list[dict]) -> list[Format]:
    return [Format(tuple(str(t) for t in f["tokens"]), float(f["share"])) for f in data]


# ------------------------------------------------------------------------------ the plan
@dataclass(frozen=True)
class PiiColumn:
    """What replaces one column, and the shape facts needed to make its values."""

    name: str
    treatment: str
    kind: str
    pii_type: str | None
    missing: float  # share of empty cells to reproduce (following a key: of keys without one)
    numeric: bool  # the column held numbers (identifiers such as 1, 2, 3)
    formats: tuple[Format, ...] = ()  # identifiers, phone and national ID numbers
    style: str = ""  # names: "first last" or "last, first"; text: words per value
    rows_per_key: tuple[tuple[int, int], ...] = ()  # a key that repeats: (rows, keys with them)
    real_hashes: tuple[int, ...] = ()  # new IDs: hashes of the real IDs, never to be made
    value: str | int | float | bool | None = None  # kept as it is: the column's one value
    refers_to: str = ""  # new IDs drawn from this other new-IDs column's (a manager's ID)
    follows: str = ""  # faked: one value per new key of this repeating new-IDs column

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "treatment": self.treatment,
            "kind": self.kind,
            "pii_type": self.pii_type,
            "missing": self.missing,
            "numeric": self.numeric,
            "formats": _formats_to_dicts(list(self.formats)),
            "style": self.style,
            "rows_per_key": [list(pair) for pair in self.rows_per_key],
            "real_hashes": list(self.real_hashes),
            "value": self.value,
            "refers_to": self.refers_to,
            "follows": self.follows,
        }

    @classmethod
    def from_dict(cls, data: dict) -> PiiColumn:
        return cls(
            name=str(data["name"]),
            treatment=str(data["treatment"]),
            kind=str(data["kind"]),
            pii_type=data.get("pii_type"),
            missing=float(data["missing"]),
            numeric=bool(data["numeric"]),
            formats=tuple(_formats_from_dicts(data.get("formats", []))),
            style=str(data.get("style", "")),
            rows_per_key=tuple((int(r), int(k)) for r, k in data.get("rows_per_key", [])),
            real_hashes=tuple(int(h) for h in data.get("real_hashes", [])),
            value=_plain_value(data.get("value")),
            refers_to=str(data.get("refers_to") or ""),
            follows=str(data.get("follows") or ""),
        )


@dataclass(frozen=True)
class PiiPlan:
    """The replaced columns of a table, the output column order, and the Faker locale."""

    columns: tuple[PiiColumn, ...] = ()
    order: tuple[str, ...] = ()  # every output column, in the table's order
    locale: str = DEFAULT_LOCALE
    seed: int = 0

    @classmethod
    def fit(cls, frame: pd.DataFrame, schema: Schema, seed: int = 0) -> PiiPlan:
        """Read the shapes of the columns the schema replaces (see the module docstring)."""
        planned = []
        for info in schema.columns:
            if info.include or info.treatment is None:
                continue
            check_treatment(info, info.treatment)
            if info.name not in frame.columns:
                raise SchemaError(f"Column '{info.name}' is not in the table. Re-read the file.")
            planned.append(_plan_column(info, frame[info.name]))
        planned = _with_holders(_with_references(planned, frame), frame)
        replaced = {c.name for c in planned}
        order = tuple(c.name for c in schema.columns if c.include or c.name in replaced)
        return cls(tuple(planned), order, _guess_locale(frame, schema, planned), seed)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def to_dict(self) -> dict:
        """Plain JSON for the model file: formats and settings, never a real value of a row."""
        return {
            "columns": [column.to_dict() for column in self.columns],
            "order": list(self.order),
            "locale": self.locale,
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: dict | None, learned: list[str] | None = None) -> PiiPlan:
        """Read ``to_dict``'s form; None (a file from before PII treatments): no columns."""
        if not data:
            return cls((), tuple(learned or ()))
        return cls(
            _checked_holders(
                _checked_references([PiiColumn.from_dict(c) for c in data.get("columns", [])])
            ),
            tuple(str(name) for name in data.get("order", learned or [])),
            str(data.get("locale", DEFAULT_LOCALE)),
            int(data.get("seed", 0)),
        )

    def describe(self) -> dict[str, str]:
        """Column -> what was done to it, in words."""
        return {column.name: TREATMENT_LABELS[column.treatment].lower() for column in self.columns}

    def writer(self, seed: int, slot: IdSlot | None = None) -> PiiWriter:
        """A writer that adds the replaced columns to generated chunks (IDs unique across all
        chunks of one generation, and across the parts of one when each has its ``slot``)."""
        return PiiWriter(self, seed, slot or IdSlot(seed))


@dataclass(frozen=True)
class IdSlot:
    """Where one part of a generation takes its new IDs, so that parts made apart (the shards of
    a sharded sample, each with its own seed) never make the same one: every part pushes its
    counter through the permutation of ``seed``, part ``part`` of ``parts`` takes every
    ``parts``-th value of it, and its row numbers (IDs that count rows) follow the
    ``first_row`` rows of the parts before it. One part alone (the default) takes every value."""

    seed: int
    parts: int = 1
    part: int = 0
    first_row: int = 0


@dataclass
class PiiWriter:
    """Adds the replaced columns to generated rows, chunk after chunk."""

    plan: PiiPlan
    seed: int
    slot: IdSlot
    _made: dict[tuple[str, int], int] = field(default_factory=dict)  # IDs used per format
    _pools: dict[str, np.ndarray] = field(default_factory=dict)
    _keys: dict[str, tuple[int, int]] = field(default_factory=dict)  # per-format permutation

    def add(self, frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        """``frame`` with the replaced columns added, in the table's column order."""
        if not self.plan.columns:
            return frame
        out = frame.copy()
        n = len(frame)
        names: dict[str, np.ndarray] = {}  # key column -> the made-up name of each row's key
        for column in sorted(self.plan.columns, key=_writing_order):
            if column.refers_to:
                values = _referring(out[column.refers_to].to_numpy(dtype=object), column, rng)
            elif column.follows:
                values = self._per_key(column, out[column.follows], names.get(column.follows), rng)
                if column.pii_type == "name":
                    names[column.follows] = values
            else:
                values = self._values(column, n, rng)
            if column.missing > 0 and n and not column.follows:
                values = values.astype(object)
                values[rng.random(n) < column.missing] = np.nan
            out[column.name] = _as_series(values, column)
        order = [name for name in self.plan.order if name in out.columns]
        return out[order + [name for name in out.columns if name not in order]]

    # ---------------------------------------------------------------------------- values
    def _values(self, column: PiiColumn, n: int, rng: np.random.Generator) -> np.ndarray:
        if column.treatment == KEEP:
            return np.full(n, column.value, dtype=object)
        if column.treatment == NEW_IDS:
            return self._new_ids(column, n, rng)
        kind = column.pii_type or "free_text"
        if kind in ("phone", "national_id"):
            return _draw_formats(column.formats, n, rng)
        if kind == "email":
            return _emails(self._pool(column, "name_parts"), self._pool(column, "email"), n, rng)
        if kind == "name":
            first, last = self._pool(column, "first"), self._pool(column, "last")
            a, b = first[rng.integers(len(first), size=n)], last[rng.integers(len(last), size=n)]
            return b + ", " + a if column.style == "last, first" else a + " " + b
        pool = self._pool(column, "address" if kind == "address" else "text")
        return pool[rng.integers(len(pool), size=n)]

    def _per_key(
        self,
        column: PiiColumn,
        keys: pd.Series,
        names: np.ndarray | None,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """One made-up value per key of ``keys`` (each row's new key), empty for the column's
        share of keys; an email built from the key's made-up name in ``names``, if it has one.
        A row without a key gets a value of its own."""
        codes, uniques = pd.factorize(keys)
        lone = codes < 0
        codes = np.where(lone, len(uniques) + np.cumsum(lone) - 1, codes)
        count = len(uniques) + int(lone.sum())
        if column.pii_type == "email" and names is not None:
            row = np.zeros(count, dtype=np.int64)
            row[codes] = np.arange(len(codes))  # a row of each key: all share its name
            parts = pd.Series(names[row], dtype=object).map(_name_as_email_part).to_numpy()
            nameless = parts == ""  # a key whose made-up name was left empty
            pool = self._pool(column, "name_parts")
            parts[nameless] = pool[rng.integers(len(pool), size=int(nameless.sum()))]
            values = _email_addresses(parts, self._pool(column, "email"), rng)
        else:
            values = self._values(column, count, rng)
        values = values.astype(object)
        if column.missing > 0:
            values[rng.random(count) < column.missing] = np.nan
        return values[codes]

    def _pool(self, column: PiiColumn, what: str) -> np.ndarray:
        key = f"{column.name}\0{what}"
        if key not in self._pools:
            self._pools[key] = _faker_pool(self.plan.locale, what, column, self.seed)
        return self._pools[key]

    def _new_ids(self, column: PiiColumn, n: int, rng: np.random.Generator) -> np.ndarray:
        if column.style.startswith("sequence from "):
            start = int(column.style.removeprefix("sequence from "))
            made = self._made.get((column.name, SEQUENCE), 0)
            self._made[(column.name, SEQUENCE)] = made + n
            first = start + self.slot.first_row + made
            return np.arange(first, first + n, dtype=np.int64)
        if not column.rows_per_key:
            return self._fresh(column, n, rng)
        sizes = _key_sizes(column.rows_per_key, n, rng)
        keys = np.repeat(self._fresh(column, len(sizes), rng), sizes)[:n]
        return keys[rng.permutation(n)]

    def _fresh(self, column: PiiColumn, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` IDs in the column's formats, none made before in this generation and none equal
        to a real ID."""
        out = np.empty(n, dtype=object)
        real = np.array(column.real_hashes, dtype=np.int64)
        for i, fmt, rows in _rows_per_format(column.formats, n, rng):
            made = np.empty(0, dtype=object)
            longer = 0
            while len(made) < len(rows):
                more = self._unique(column.name, i, fmt, len(rows) - len(made), rng)
                if len(more) == 0:
                    # Every value of this format is real or made already (IDs counted up from
                    # 1 fill the short formats): go on in longer ones than any real ID has.
                    longer += 1
                    i, fmt = SEQUENCE - longer, _longer(column.formats, longer)
                    if longer > MAX_LONGER:
                        raise DataError(
                            f"Column '{column.name}' has no room for more different IDs in its "
                            "format. Ask for fewer rows, or leave the column out."
                        )
                    continue
                made = np.concatenate([made, more[~np.isin(value_hashes(more), real)]])
            out[rows] = made
        return out

    def _unique(
        self, name: str, index: int, fmt: Format, n: int, rng: np.random.Generator
    ) -> np.ndarray:
        """``n`` values of ``fmt`` never made before in this generation: a counter pushed
        through a seeded affine permutation of the format's values, read digit by digit (this
        part's share of the counter: ``IdSlot``)."""
        sizes = fmt.sizes
        # Only the last classes take part in the counter (at most 2**62 values); the others
        # are drawn freely, which cannot break uniqueness.
        counted, capacity = len(sizes), 1
        while counted and capacity * sizes[counted - 1] <= COUNTER_LIMIT:
            capacity *= sizes[counted - 1]
            counted -= 1
        start, slot = self._made.get((name, index), 0), self.slot
        room = max(0, (capacity - 1 - slot.part) // slot.parts + 1 - start)
        n = min(n, room)
        if n == 0:
            return np.empty(0, dtype=object)
        self._made[(name, index)] = start + n
        if (name, index) not in self._keys:
            where = [index, len(name)] if index >= 0 else [len(name), -index, 0]  # no negatives
            key_rng = np.random.default_rng([slot.seed, *where])
            a = int(key_rng.integers(1, 2**61)) | 1
            while math.gcd(a, capacity) != 1:
                a += 2
            self._keys[(name, index)] = (a, int(key_rng.integers(0, 2**61)) % capacity)
        a, b = self._keys[(name, index)]
        codes = [(a * (i * slot.parts + slot.part) + b) % capacity for i in range(start, start + n)]
        picks = np.empty((n, len(sizes)), dtype=np.int64)
        for k in range(counted):
            picks[:, k] = rng.integers(sizes[k], size=n)
        rest = np.array(codes, dtype=np.int64)
        for k in range(len(sizes) - 1, counted - 1, -1):
            picks[:, k] = rest % sizes[k]
            rest //= sizes[k]
        return fmt.render(picks)


# ------------------------------------------------------------------------------ helpers
def _plan_column(info: ColumnInfo, series: pd.Series) -> PiiColumn:
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    pii_type = info.pii_type if info.kind is Kind.PII else None
    formats: list[Format] = []
    style = ""
    if info.treatment == NEW_IDS and numeric and _counts_up(series):
        style = f"sequence from {int(series.min())}"  # row numbers: a fresh count, 1, 2, 3 ...
    elif info.treatment == NEW_IDS or pii_type in ("phone", "national_id"):
        formats = learn_formats(series, numeric)
    rows_per_key, real = (), ()
    if info.treatment == NEW_IDS and not style:
        ids = _id_texts(series, numeric)
        real = tuple(int(h) for h in np.unique(value_hashes(ids.to_numpy(dtype=object))))
        rows_per_key = _rows_per_key(ids)
    if pii_type == "name":
        texts = series.dropna().astype(str)
        commas = texts.str.contains(",", regex=False).mean() if len(texts) else 0.0
        style = "last, first" if commas > 0.5 else "first last"
    if info.kind is Kind.TEXT or pii_type == "free_text":
        words = series.dropna().astype(str).str.split().str.len()
        style = str(int(min(30, max(3, round(words.mean()))))) if len(words) else "8"
    missing = float(series.isna().mean()) if len(series) else 0.0
    if info.treatment == KEEP:
        present = series.dropna()
        value = _plain_value(present.iloc[0] if len(present) else None)
        return PiiColumn(info.name, KEEP, info.kind.value, None, missing, numeric, value=value)
    return PiiColumn(
        info.name,
        info.treatment,
        info.kind.value,
        pii_type,
        missing,
        numeric,
        tuple(formats),
        style,
        rows_per_key,
        real,
    )


def _with_references(planned: list[PiiColumn], frame: pd.DataFrame) -> list[PiiColumn]:
    """``planned`` with each new-IDs column that refers to another (``REFERENCE_SHARE`` of its
    values among that column's, which holds one value per row) marked so."""
    texts = {c.name: _id_texts(frame[c.name], c.numeric) for c in planned if c.treatment == NEW_IDS}
    keys = [
        c.name for c in planned if c.name in texts and not c.rows_per_key and len(texts[c.name])
    ]
    out = []
    for column in planned:
        own = texts.get(column.name)
        target = next(
            (
                key
                for key in keys
                if own is not None
                and len(own)
                and key != column.name
                and own.isin(texts[key]).mean() >= REFERENCE_SHARE
            ),
            "",
        )
        out.append(replace(column, refers_to=target) if target else column)
    return out


def _with_holders(planned: list[PiiColumn], frame: pd.DataFrame) -> list[PiiColumn]:
    """``planned`` with each faked column whose real value is one per key of a repeating
    new-IDs column (``FOLLOW_SHARE`` of its keys) marked as following that key."""
    keys = [c.name for c in planned if c.treatment == NEW_IDS and c.rows_per_key]
    out = []
    for column in planned:
        followed = None
        for key in keys if column.treatment == FAKE else ():
            values = frame[[key, column.name]].dropna(subset=[key])
            if len(values) == 0:
                continue
            per_key = values.groupby(key, sort=False)[column.name]
            if (per_key.nunique(dropna=False) <= 1).mean() >= FOLLOW_SHARE:
                # Its empty cells are drawn per key too: the share of keys without a value.
                empty = float((per_key.count() == 0).mean())
                followed = replace(column, follows=key, missing=empty)
                break
        out.append(followed or column)
    return out


def _checked_holders(columns: tuple[PiiColumn, ...]) -> tuple[PiiColumn, ...]:
    """``columns`` with each faked column's key kept only where it names a repeating new-IDs
    column (a model file changed by hand draws such a column's values row by row)."""
    keys = {c.name for c in columns if c.treatment == NEW_IDS and c.rows_per_key}
    kept = lambda c: not c.follows or (c.follows in keys and c.treatment == FAKE)  # noqa: E731
    return tuple(c if kept(c) else replace(c, follows="") for c in columns)


def _writing_order(column: PiiColumn) -> tuple[bool, bool, bool]:
    """Keys first, then what refers to them or follows them, a name before its email."""
    return bool(column.refers_to), bool(column.follows), column.pii_type == "email"


def _name_as_email_part(name: Any) -> str:
    """'Ana López' or 'López, Ana' as the part before an email's '@': 'ana.lopez' (after
    ``_email_addresses`` has made it ASCII)."""
    if not isinstance(name, str):
        return ""
    last, comma, first = name.partition(", ")
    return f"{first}.{last}" if comma else ".".join(name.split()[:1] + name.split()[-1:])


def _checked_references(columns: list[PiiColumn]) -> tuple[PiiColumn, ...]:
    """``columns`` with each reference kept only where it names another new-IDs column that
    refers to none (a model file changed by hand draws such a column's IDs afresh)."""
    keys = {c.name for c in columns if c.treatment == NEW_IDS and not c.refers_to}
    return tuple(
        c
        if not c.refers_to
        or (c.refers_to in keys and c.refers_to != c.name and c.treatment == NEW_IDS)
        else replace(c, refers_to="")
        for c in columns
    )


def _referring(targets: np.ndarray, column: PiiColumn, rng: np.random.Generator) -> np.ndarray:
    """New IDs of a referring ``column`` drawn from ``targets`` (the referred column's new IDs
    in the same rows): as many different ones, with as many rows each, as the real column has,
    and none in its own row."""
    n = len(targets)
    present = np.flatnonzero(pd.notna(targets))
    if len(present) == 0:
        return np.full(n, np.nan, dtype=object)
    sizes = _key_sizes(column.rows_per_key or ((1, 1),), n, rng)
    chosen = targets[rng.permutation(present)[: len(sizes)]]
    values = np.repeat(chosen, sizes[: len(chosen)])[:n]
    values = np.resize(values, n)[rng.permutation(n)]
    own = np.flatnonzero(values == targets)
    if len(own) > 1:
        values[own] = values[np.roll(own, 1)]  # handed on among themselves: none keeps its own
    elif len(own) == 1 and n > 1:
        other = (own[0] + 1 + int(rng.integers(n - 1))) % n
        values[[own[0], other]] = values[[other, own[0]]]
    return values


def value_hashes(values: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each ID as text (numbers without a trailing '.0')."""
    texts = np.asarray(values, dtype=object).astype(str).astype(object)
    return pd.util.hash_array(texts, categorize=False).view(np.int64)


def _id_texts(series: pd.Series, numeric: bool) -> pd.Series:
    texts = series.dropna().astype(str)
    return texts.str.replace(r"\.0$", "", regex=True) if numeric else texts


def _rows_per_key(ids: pd.Series) -> tuple[tuple[int, int], ...]:
    """How many keys have 1, 2, 3 ... rows; empty when every ID is unique."""
    counts = ids.value_counts()
    if counts.empty or counts.iloc[0] == 1:
        return ()
    spread = counts.value_counts().sort_index()
    return tuple((int(rows), int(keys)) for rows, keys in spread.items())


def _key_sizes(rows_per_key, n: int, rng: np.random.Generator) -> np.ndarray:
    """Rows for each new key, adding up to at least ``n``: the real keys' row counts in a
    shuffled order, repeated as often as needed (so ``n`` real rows' worth gives exactly as many
    keys with each count as the real column)."""
    real = np.repeat([rows for rows, _ in rows_per_key], [keys for _, keys in rows_per_key])
    rounds = math.ceil(n / real.sum())
    drawn = np.concatenate([rng.permutation(real) for _ in range(rounds)])
    return drawn[: int(np.searchsorted(np.cumsum(drawn), n)) + 1]


def _counts_up(series: pd.Series) -> bool:
    """Row numbers: unique whole numbers from 0 or 1 up to about their count."""
    values = series.dropna()
    if values.empty or not values.is_unique or (values % 1 != 0).any():
        return False
    return values.min() in (0, 1) and values.max() - values.min() + 1 <= 1.1 * len(values)


def _guess_locale(frame: pd.DataFrame, schema: Schema, planned: list[PiiColumn]) -> str:
    """A Faker locale from address words and column names; en_US when nothing points
    elsewhere."""
    texts = [" ".join(schema.names).lower()]
    for column in planned:
        if column.pii_type == "address":
            texts.append(" ".join(frame[column.name].dropna().astype(str).head(200)).lower())
    text = " ".join(texts)
    for locale, pattern in LOCALE_HINTS:
        if re.search(pattern, text):
            return locale
    return DEFAULT_LOCALE


def _faker_pool(locale: str, what: str, column: PiiColumn, seed: int) -> np.ndarray:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    if what == "first":
        make = fake.first_name
    elif what == "last":
        make = fake.last_name
    elif what == "name_parts":
        make = lambda: f"{fake.first_name()}.{fake.last_name()}"  # noqa: E731
    elif what == "email":
        make = fake.safe_domain_name  # example.com/.net/.org: reserved, nobody's inbox
    elif what == "address":
        make = fake.street_address
    else:
        words = int(column.style or 8)
        make = lambda: fake.sentence(nb_words=words)  # noqa: E731
    return np.array([make() for _ in range(POOL)], dtype=object)


def _emails(parts: np.ndarray, domains: np.ndarray, n: int, rng: np.random.Generator):
    return _email_addresses(parts[rng.integers(len(parts), size=n)], domains, rng)


def _email_addresses(parts: np.ndarray, domains: np.ndarray, rng: np.random.Generator):
    """An address for each of ``parts`` ('Ana.López' becomes 'ana.lopez', half of them with a
    number after it) at one of ``domains``."""
    n = len(parts)
    local = pd.Series(parts, dtype=object)
    local = (
        local.str.normalize("NFKD")
        .str.encode("ascii", "ignore")
        .str.decode("ascii")
        .str.lower()
        .str.replace(r"[^a-z.]", "", regex=True)
    )
    digits = rng.integers(1, 1000, size=n).astype(str).astype(object)
    with_digits = rng.random(n) < 0.5
    local = local.to_numpy(dtype=object) + np.where(with_digits, digits, "")
    return local + "@" + domains[rng.integers(len(domains), size=n)]


def _longer(formats: tuple[Format, ...], extra: int) -> Format:
    """The longest of ``formats`` with ``extra`` more digits after its last class: longer than
    any value of ``formats``, so none of its values can be one of theirs."""
    tokens = list(max(formats, key=lambda f: len(f.tokens)).tokens)
    last = max((k for k, token in enumerate(tokens) if _is_class(token)), default=len(tokens) - 1)
    return Format(tuple(tokens[: last + 1] + ["<9>"] * extra + tokens[last + 1 :]), 1.0)


def _rows_per_format(formats: tuple[Format, ...], n: int, rng: np.random.Generator):
    """Give each of ``n`` new values a format, in the formats' shares: yields (index, format,
    row numbers) for every format that got rows."""
    shares = np.array([f.share for f in formats])
    which = rng.choice(len(formats), size=n, p=shares / shares.sum())
    for i, fmt in enumerate(formats):
        rows = np.flatnonzero(which == i)
        if len(rows):
            yield i, fmt, rows


def _draw_formats(formats: tuple[Format, ...], n: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for _, fmt, rows in _rows_per_format(formats, n, rng):
        picks = np.zeros((len(rows), len(fmt.sizes)), dtype=np.int64)
        for k, size in enumerate(fmt.sizes):
            picks[:, k] = rng.integers(size, size=len(rows))
        out[rows] = fmt.render(picks)
    return out


def _plain_value(value: Any) -> str | int | float | bool | None:
    """A cell as JSON keeps it: a number, text or yes/no (a date as it reads)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _as_series(values: np.ndarray, column: PiiColumn) -> pd.Series:
    series = pd.Series(values, dtype=object)
    if column.treatment == KEEP:
        return series.infer_objects()
    if column.numeric:
        numbers = pd.to_numeric(series, errors="coerce")
        return numbers.astype("Int64") if numbers.isna().any() else numbers.astype("int64")
    return series
