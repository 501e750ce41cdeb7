"""Rules found in a real table, each with the share of its rows that obey it.

Cheap by design: candidates are tried on a seeded sample of rows and only among columns whose
kinds fit the rule (orders among dates and among numbers, mappings among columns whose values
repeat, sums, products, ratios and fixed rates among number columns, parts of dates), and each
survivor is confirmed on the whole table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from synth_core.rules.model import (
    DATE_PARTS,
    GAP_QUANTILES,
    MAX_PAIRS,
    OPERATORS,
    SPANS,
    ArithmeticRule,
    DatePartRule,
    LinearRule,
    MappingRule,
    MissingTogetherRule,
    OrderRule,
    RangeRule,
    Rule,
    combine,
    dates_of,
    tolerance,
)
from synth_core.rules.values import numbers
from synth_core.schema import DISCRETE_KINDS, Kind, Schema
from synth_core.schema.names import name_tokens
from synth_core.schema.rarity import LISTED_MAX, RARE_BELOW, holders, protected_range

SAMPLE_ROWS = 5_000  # rows candidates are tried on before the whole table confirms them
PROBE_ROWS = 200  # rows a sum, product or rate is tried on first
MIN_RATE_VALUES = 3  # a rate between columns of fewer values is a mapping, found as one
MAX_FACTOR_DIGITS = 10  # a rate is written with the fewest significant digits that fit
MIN_SHARE = 0.99  # of the real rows: a weaker pattern is not proposed
MAPPING_REPEATS = 5  # a determining column's values are seen this often in the sample, on average
MAX_MAPPING_COLUMNS = 100  # mappings are tried among at most this many columns (pairs grow as n²)
MAX_BASELINE = 0.95  # a target this dominated by one value is obeyed by chance
MAX_NUMBER_SOURCE = 24  # values of a number with decimals that may decide another column
SPARSE_SHARE = 0.01  # of the whole numbers in its range, fewer used: a column of record numbers
MAX_NUMBER_COLUMNS = 20  # sums and orders are tried among at most this many number columns
NUMBER_KINDS = (Kind.NUMERICAL, Kind.INTEGER)
NUMBER_OPERATORS = [operator for operator in OPERATORS if operator not in SPANS]


def discover_rules(frame: pd.DataFrame, schema: Schema, seed: int = 0) -> list[Rule]:
    """Rules that at least ``MIN_SHARE`` of ``frame``'s rows obey, among its included
    columns: ranges (but of columns a sum or rate computes), then orders, mappings, sums, parts
    of dates and columns empty together, each with its real share."""
    names = [c.name for c in schema.included if c.name in frame.columns and c.distinct > 1]
    if not names or len(frame) == 0:
        return []
    sample = frame.sample(min(len(frame), SAMPLE_ROWS), random_state=seed)
    values = {n: numbers(sample, n, schema) for n in names if _kind(schema, n) != "other"}
    rates = _linear(frame, schema, names, values)
    # Numbers at a fixed rate also pair one to one; the rate says more (it holds for new values).
    paired = {frozenset(rule.columns) for rule in rates}
    mappings = [
        m for m in _mappings(frame, schema, names, sample) if frozenset(m.columns) not in paired
    ]
    sums = _one_per_target(rates + _sums(frame, schema, names, values))
    orders = [o for o in _orders(frame, schema, names, values) if not _implied(o, sums)]
    parts = _date_parts(frame, schema, names, sample)
    # A column computed from others keeps their ranges already; a range of its own would clip
    # a computed value that its rule then rejects, and the rows rejected are not a fair draw
    # (those with more values present face more rules).
    computed = {rule.target for rule in sums}
    ranges = [rule for rule in _ranges(frame, schema, names) if rule.column not in computed]
    return ranges + orders + mappings + sums + parts + _missing_together(frame, names)


def _missing_together(frame: pd.DataFrame, names: list[str]) -> list[MissingTogetherRule]:
    """Columns empty in exactly the same rows, two or more, where at least ``RARE_BELOW`` rows
    have them empty and as many have them filled (fewer say nothing of a pattern)."""
    blocks: dict[bytes, list[str]] = {}
    for name in names:
        empty = frame[name].isna().to_numpy()
        if RARE_BELOW <= empty.sum() <= len(frame) - RARE_BELOW:
            blocks.setdefault(np.packbits(empty).tobytes(), []).append(name)
    return [MissingTogetherRule(tuple(block)) for block in blocks.values() if len(block) > 1]


def real_share(rule: Rule, frame: pd.DataFrame, schema: Schema) -> float:
    """The share of ``frame``'s rows that obey ``rule`` (1.0 for an empty table)."""
    obeyed = rule.obeyed(frame, schema)
    return float(obeyed.mean()) if len(obeyed) else 1.0


def _implied(order: Rule, sums: list[Rule]) -> bool:
    """Whether a total or a rate keeps the order of two number columns already (Sales ≥
    Quantity when Sales = Unit Price × Quantity): such an order is not proposed on its own."""
    return any(
        set(order.columns) <= set(rule.columns) and getattr(rule, "operator", "") not in SPANS
        for rule in sums
    )  # the time between two dates keeps no order of theirs: a stay's dates are kept apart


def _kind(schema: Schema, name: str) -> str:
    kind = schema[name].kind
    return "date" if kind == Kind.DATETIME else "number" if kind in NUMBER_KINDS else "other"


def _ranges(frame: pd.DataFrame, schema: Schema, names: list[str]) -> list[Rule]:
    """The range of each number column, without the rare extremes (``protected_range``): a rule
    never states one person's exact value, and the few real rows beyond it break it."""
    owners = holders(frame, schema)
    found = []
    for name in names:
        if schema[name].kind in NUMBER_KINDS and (rule := _range_rule(frame, schema, name, owners)):
            found.append(rule)
    return found


def protected_range_rule(frame: pd.DataFrame, schema: Schema, name: str) -> RangeRule | None:
    """``name`` between the bounds of ``protected_range`` (extremes counted by people where a
    person has several rows: ``holders``), with its real share (None for a column without
    values)."""
    return _range_rule(frame, schema, name, holders(frame, schema))


def _range_rule(frame, schema, name, owners: np.ndarray | None) -> RangeRule | None:
    values = numbers(frame, name, schema)
    found = ~np.isnan(values)
    if not found.any():
        return None
    rule = RangeRule(
        name, *protected_range(values[found], None if owners is None else owners[found])
    )
    return replace(rule, share=real_share(rule, frame, schema))


def _orders(frame, schema, names, values) -> list[Rule]:
    found = []
    for kind in ("date", "number"):
        group = [n for n in names if n in values and _kind(schema, n) == kind]
        for before, after in itertools.permutations(group[:MAX_NUMBER_COLUMNS], 2):
            low, high = values[before], values[after]
            both = ~np.isnan(low) & ~np.isnan(high)
            if both.sum() == 0 or (high[both] == low[both]).all():
                continue
            if np.nanmax(low) <= np.nanmin(high):  # the ranges alone keep it
                continue
            if (high[both] >= low[both]).mean() < MIN_SHARE:
                continue
            # The sample's rows are in random order: rolled half-way, each is paired with
            # another at random. An order that holds so too comes from the scales ('total
            # charges at least tenure': dollars and months), not from how the columns relate.
            rolled = (np.roll(high[both], both.sum() // 2) >= low[both]).mean()
            if rolled > MAX_BASELINE and not named_bounds(before, after):
                continue
            rule = order_rule(frame, schema, before, after)
            if rule.share >= MIN_SHARE:
                found.append(rule)
    return found


# Words that name the bounds of one measure ('minIntensity' <= 'meanIntensity' <= 'maxIntensity',
# 'price_low' <= 'price_high'): such an order is the table's own however the scales overlap.
LOW_WORDS = frozenset({"min", "minimum", "low", "lower", "lowest", "start", "begin", "first"})
MIDDLE_WORDS = frozenset({"mean", "avg", "average", "median", "mid"})
HIGH_WORDS = frozenset({"max", "maximum", "high", "upper", "highest", "end", "last"})


def named_bounds(before: str, after: str) -> bool:
    """Whether ``before`` and ``after`` name a lower and a higher bound (or the middle) of the
    same measure: the same words but for one bound word each, in that order."""
    low, high = name_tokens(before), name_tokens(after)
    low_words, high_words = (
        set(low) & (LOW_WORDS | MIDDLE_WORDS),
        set(high) & (MIDDLE_WORDS | HIGH_WORDS),
    )
    if len(low_words) != 1 or len(high_words) != 1 or low_words == high_words:
        return False
    if low_words <= MIDDLE_WORDS and high_words <= MIDDLE_WORDS:
        return False
    return [t for t in low if t not in low_words] == [t for t in high if t not in high_words]


def order_rule(frame: pd.DataFrame, schema: Schema, before: str, after: str) -> OrderRule:
    """``after`` never below ``before``, with the real gaps and the share of rows obeying."""
    low, high = numbers(frame, before, schema), numbers(frame, after, schema)
    gaps = (high - low)[~np.isnan(high - low)]
    kept = gaps[gaps >= 0]
    if len(kept) == 0:
        return OrderRule(before, after, (), real_share(OrderRule(before, after, ()), frame, schema))
    quantiles = np.quantile(kept, np.linspace(0, 1, GAP_QUANTILES), method="inverted_cdf")
    present = high[~np.isnan(high)]
    highest = protected_range(present)[1] if len(present) else None
    rule = OrderRule(before, after, tuple(float(q) for q in quantiles), highest=highest)
    return replace(rule, share=real_share(rule, frame, schema))


def _mapping_candidates(schema: Schema, names: list[str], sample: pd.DataFrame) -> list[str]:
    limit = max(len(sample) // MAPPING_REPEATS, 2)
    fitting = [
        n
        for n in names
        if (schema[n].kind in DISCRETE_KINDS or schema[n].kind in NUMBER_KINDS)
        and 2 <= sample[n].nunique() <= limit
    ]
    return fitting[:MAX_MAPPING_COLUMNS]


def _mappings(frame, schema, names, sample) -> list[Rule]:
    candidates = _mapping_candidates(schema, names, sample)
    codes = {n: pd.factorize(sample[n])[0] for n in candidates}
    holds = {}
    for source, target in itertools.permutations(candidates, 2):
        share, baseline = _determined_share(codes[source], codes[target])
        if share >= MIN_SHARE and baseline <= MAX_BASELINE:
            holds[(source, target)] = True
    measured = {n for n in candidates if _measured(schema, sample[n])}
    unlisted = {n for n in candidates if _unlisted(schema, frame[n])}
    found = []
    for source, target in holds:
        # Two numberings of the same people: a generated pair meets a real one by chance
        # alone, and the rule would reject every other row. Record numbers: see _sparse.
        two_numberings = (target, source) in holds and target in unlisted
        if source in unlisted and (two_numberings or _sparse(frame[source])):
            continue
        if source in measured and any(
            other not in measured and decided == target and (source, other) not in holds
            for other, decided in holds
        ):
            continue  # a lab result's unit, which its test (not decided by it) already decides
        one_to_one = (target, source) in holds
        if one_to_one and names.index(target) < names.index(source):
            continue  # one rule per pair, from the column that comes first
        rule = mapping_rule(frame, schema, source, target, one_to_one)
        # A long tail of values the sample missed can give more pairs than a rule may hold.
        if rule.share >= MIN_SHARE and len(rule.pairs) <= MAX_PAIRS:
            found.append(rule)
    return found


def _unlisted(schema: Schema, values: pd.Series) -> bool:
    """Whether a number column has too many values to come out on its real ones (``LISTED_MAX``):
    a generated value then equals a real one only where it happens to meet one."""
    return schema[values.name].kind in NUMBER_KINDS and values.nunique() > LISTED_MAX


def _sparse(values: pd.Series) -> bool:
    """Whether whole numbers leave almost every number of their range unused (record numbers
    like 4835401): a generated value meets a real one by rare chance, so a rule from them
    leaves almost every row alone, and where one does meet it gives that row the real row's
    values (a patient's number with that patient's height and race)."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if len(numbers) == 0 or (numbers % 1 != 0).any():
        return False
    return values.nunique() < SPARSE_SHARE * (numbers.max() - numbers.min() + 1)


def _measured(schema: Schema, values: pd.Series) -> bool:
    """Whether a column is a measurement with decimals and more values than a short list of
    levels: where a column of a few labels decides a target too (a lab test its unit), such a
    measurement deciding it (each result in one unit's range) is chance, and a rule from it
    would reject every generated value it never saw. An interest rate deciding a loan's grade
    stays a rule: it decides the sub-grade, which decides the grade."""
    if schema[values.name].kind not in NUMBER_KINDS or values.nunique() <= MAX_NUMBER_SOURCE:
        return False
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    return bool((numbers % 1 != 0).any())


def _determined_share(source: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """(share of rows whose target is the most common one for their source, share of the most
    common target): how well ``source`` determines ``target``, and by chance."""
    present = (source >= 0) & (target >= 0)
    source, target = source[present], target[present]
    if len(source) == 0:
        return 0.0, 1.0
    # Counts of the pairs that occur (sorted by source), not a table of every possible pair:
    # two columns of hundreds of values each would make one of hundreds of thousands of cells.
    width = int(target.max()) + 1
    pairs, counts = np.unique(source.astype(np.int64) * width + target, return_counts=True)
    starts = np.flatnonzero(np.diff(pairs // width, prepend=-1))  # each source's first pair
    share = np.maximum.reduceat(counts, starts).sum() / len(source)
    return float(share), float(np.bincount(target).max() / len(target))


def mapping_rule(frame, schema, source, target, one_to_one) -> MappingRule:
    """``source`` determines ``target``: each source value's most common target, and the share
    of rows that pair as it says."""
    pairs = frame[[source, target]].dropna().value_counts().reset_index(name="rows")
    best = pairs.drop_duplicates(subset=source, keep="first")  # value_counts sorts by count
    mapping = tuple(zip(best[source].tolist(), best[target].tolist(), strict=True))
    rule = MappingRule(source, target, mapping, one_to_one, without=_without(frame, source, target))
    return replace(rule, share=real_share(rule, frame, schema))


def _without(frame: pd.DataFrame, source: str, target: str) -> tuple[Any, ...]:
    """The source values of at least ``RARE_BELOW`` rows, none of which has a target."""
    rows = frame[[source, target]].dropna(subset=[source])
    counts = rows.groupby(source, observed=True)[target].agg(["count", "size"])
    empty = counts[(counts["count"] == 0) & (counts["size"] >= RARE_BELOW)]
    return tuple(empty.index.tolist())


def _date_parts(frame, schema, names, sample) -> list[Rule]:
    """Columns that hold a part of a date column (its weekday as 'Sat', its month's name, its
    year), or a label that part determines (a season, a quarter, 'weekend')."""
    found: list[Rule] = []
    labelled: set[str] = set()
    targets = [
        n for n in names if schema[n].kind in DISCRETE_KINDS or schema[n].kind in NUMBER_KINDS
    ]
    for source in (n for n in names if schema[n].kind == Kind.DATETIME):
        dates = dates_of(sample, schema, source)
        for part, (_, read) in DATE_PARTS.items():
            parts = read(dates).to_numpy()
            codes = pd.factorize(parts, use_na_sentinel=True)[0]
            count = codes.max() + 1
            if (codes >= 0).sum() < MAPPING_REPEATS * count:
                # A month of daily rows, or a date in a few rows only: each day once, and any
                # column its "label".
                continue
            for target in targets:
                if target in labelled or not 2 <= sample[target].nunique() <= count:
                    continue  # one date part per column, and at most a label per part
                share, baseline = _determined_share(codes, pd.factorize(sample[target])[0])
                if share >= MIN_SHARE and baseline <= MAX_BASELINE:
                    rule = date_part_rule(frame, schema, source, target, part)
                    if rule.share >= MIN_SHARE:
                        found.append(rule)
                        labelled.add(target)
    return found


def date_part_rule(frame, schema, source: str, target: str, part: str) -> DatePartRule:
    """``target`` as ``part`` of the date ``source``: each part's most common label, and the
    share of rows that agree."""
    parts = DatePartRule(source, target, part, ()).parts(frame, schema)
    pairs = pd.DataFrame({"part": parts, "label": frame[target]}).dropna().value_counts()
    best = pairs.reset_index(name="rows").drop_duplicates(subset="part", keep="first")
    mapping = tuple(zip(best["part"].astype(int).tolist(), best["label"].tolist(), strict=True))
    rule = DatePartRule(source, target, part, mapping)
    return replace(rule, share=real_share(rule, frame, schema))


def _sums(frame, schema, names, values) -> list[Rule]:
    group = [n for n in names if n in values and _kind(schema, n) == "number"]
    group = group[:MAX_NUMBER_COLUMNS]
    probe = slice(0, PROBE_ROWS)
    found = []
    for target in group:
        close = tolerance(schema[target].decimals)
        for left, right in itertools.permutations([n for n in group if n != target], 2):
            for operator in NUMBER_OPERATORS:
                if operator in "+*" and left > right:
                    continue  # + and × read the same both ways
                if operator == "%" and not _written_as_percent(schema, target):
                    continue
                if _holds(values, target, left, operator, right, close, probe) and _holds(
                    values, target, left, operator, right, close, slice(None)
                ):
                    rule = ArithmeticRule(target, left, operator, right)
                    share = real_share(rule, frame, schema)
                    if share >= MIN_SHARE:
                        found.append(ArithmeticRule(target, left, operator, right, share))
    return _one_per_sum(found) + _days_between(frame, schema, names, values, group)


def _days_between(frame, schema, names, values, numbers) -> list[Rule]:
    """Number columns that count the time from one date column to another, in days, hours or
    minutes (a stay's length from its admission and discharge dates, an interview's minutes
    from its start and end)."""
    dates = [n for n in names if n in values and _kind(schema, n) == "date"]
    found = []
    for target in numbers:
        close = tolerance(schema[target].decimals)
        for later, earlier in itertools.permutations(dates, 2):
            unit = next(
                (
                    span
                    for span in SPANS
                    if _holds(values, target, later, span, earlier, close, slice(0, PROBE_ROWS))
                ),
                None,
            )
            if unit is not None:
                rule = ArithmeticRule(target, later, unit, earlier)
                share = real_share(rule, frame, schema)
                if share >= MIN_SHARE:
                    found.append(ArithmeticRule(target, later, unit, earlier, share))
    return found


def _one_per_target(found: list[Rule]) -> list[Rule]:
    """The first rule that computes each column: a household budget's total is each spending
    column divided by its share, and three such rules mended the total three ways, so that
    every generated row broke one of them."""
    targets: set[str] = set()
    kept = []
    for rule in found:
        if rule.target not in targets:
            kept.append(rule)
            targets.add(rule.target)
    return kept


def _written_as_percent(schema: Schema, name: str) -> bool:
    """Whether a column shows itself as a percentage ('94,56 %', or '%' in its name): only such
    a column is tried as a share of two others in percent. Mending plain shares of a census
    table from its counts (popwhite ÷ poptotal × 100) cost it more fidelity than it kept
    (bench/README.md, session 17)."""
    info = schema[name]
    return "%" in name or (info.number_format or "").rstrip().endswith("%")


# A difference reads a sum backwards, a ratio a product; a percentage has no total to read.
_INVERSE = {"-": "+", "/": "*", "%": "%"}


def _one_per_sum(found: list[ArithmeticRule]) -> list[Rule]:
    """One rule for three columns that add up or multiply: the total as the sum or product of
    its parts (Gross = Net + Tax, Sales = Unit Price × Quantity), not also each part as a
    difference or ratio, which would mend a part from the total; one difference or ratio where
    no total holds (an average price: Volume ÷ Sales, rounded), for the column that comes last,
    as a column computed from others usually does."""
    totals = {(frozenset(r.columns), r.operator) for r in found if r.operator not in _INVERSE}
    last: dict[tuple[frozenset[str], str], ArithmeticRule] = {}
    for rule in found:  # in the order of their targets' columns
        key = (frozenset(rule.columns), _INVERSE.get(rule.operator, ""))
        if key[1] and key not in totals:
            last[key] = rule
    chosen = set(map(id, last.values()))
    return [rule for rule in found if rule.operator not in _INVERSE or id(rule) in chosen]


def _holds(values, target, left, operator, right, close, rows) -> bool:
    """Whether ``target`` = ``left`` op ``right`` in the rows, where it applies to most of
    them, and not as well with ``left`` paired with other rows (a ratio of a column mostly 0
    rounds to 0 whatever it divides)."""
    a, b, t = values[left][rows], values[right][rows], values[target][rows]

    def share(a: np.ndarray) -> float:
        result = combine(a, operator, b)
        present = np.isfinite(result) & np.isfinite(t)
        if present.sum() < max(min(len(t), 10), 0.5 * np.isfinite(t).sum()):
            return 0.0
        return float((np.abs(result[present] - t[present]) <= close).mean())

    return _beyond_chance(share, a)


def _linear(frame, schema, names, values) -> list[Rule]:
    """Columns computed from an earlier one at a fixed rate (and amount): each column from the
    first column it follows, so that a group of columns in other units gives one rule each."""
    group = [n for n in names if n in values and _kind(schema, n) == "number"]
    group = [n for n in group[:MAX_NUMBER_COLUMNS] if _distinct(values[n]) >= MIN_RATE_VALUES]
    found: list[Rule] = []
    for position, target in enumerate(group):
        for source in group[:position]:
            rule = _rate(values, schema, target, source)
            if rule is None:
                continue
            share = real_share(rule, frame, schema)
            if share >= MIN_SHARE:
                found.append(LinearRule(target, source, rule.factor, rule.offset, share))
                break
    return found


def _distinct(values: np.ndarray) -> int:
    return len(np.unique(values[~np.isnan(values)][:PROBE_ROWS]))


def _rate(values, schema: Schema, target: str, source: str) -> LinearRule | None:
    """The rule ``target`` = ``source`` × factor + amount that the sample obeys, with the
    factor and amount written as briefly as they fit; None when none does."""
    x, y = values[source], values[target]
    present = np.isfinite(x) & np.isfinite(y)
    probe_x, probe_y = x[present][:PROBE_ROWS], y[present][:PROBE_ROWS]
    if len(probe_x) < 10 or np.ptp(probe_x) == 0:
        return None
    try:
        factor = np.polyfit(probe_x, probe_y, 1)[0]
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(factor) or factor == 0:
        return None
    close = tolerance(schema[target].decimals)
    for digits in range(1, MAX_FACTOR_DIGITS + 1):
        brief = float(f"{factor:.{digits}g}")
        amount = float(np.round(np.median(probe_y - brief * probe_x), digits))
        amount = 0.0 if abs(amount) <= close else amount
        if _fits(brief, amount, probe_x, probe_y, close):
            rule = LinearRule(target, source, brief, amount)
            return rule if _fits(brief, amount, x[present], y[present], close) else None
    return None


def _fits(factor: float, offset: float, x: np.ndarray, y: np.ndarray, close: float) -> bool:
    """Whether ``y`` = ``x`` × factor + offset, and not as well with ``x`` paired with other
    rows (a column of nearly one value fits a factor near 0)."""

    def share(x: np.ndarray) -> float:
        return float((np.abs(y - (x * factor + offset)) <= close).mean())

    return _beyond_chance(share, x)


def _beyond_chance(share: Callable[[np.ndarray], float], column: np.ndarray) -> bool:
    """Whether ``share`` (of rows obeying a relation, given one of its columns) reaches
    ``MIN_SHARE`` with the rows as they are, and not with that column paired with other rows."""
    shuffled = np.random.default_rng(0).permutation(column)
    return share(column) >= MIN_SHARE and share(shuffled) < MIN_SHARE
