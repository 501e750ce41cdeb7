"""Per-column distributions of the real and the synthetic table, ready to draw side by side.

Numbers and dates get histogram bins shared by both tables; categories get their frequencies,
with rare ones grouped as "Other". Shares sum to 1 in each table, missing cells included (as a
"Missing" group when either table has any).

A date column also gets its calendar (``calendar_marginals``): the shares of its months,
weekdays and, for time stamps, hours of the day, which a histogram of dates over years hides.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from synth_core.privacy.comparable import MISSING, category_labels, family, numeric_values
from synth_core.schema import ColumnInfo, Kind

MAX_BINS = 30
MAX_CATEGORIES = 20  # drawn one by one; the rest are grouped
MIN_CATEGORY_SHARE = 0.005  # ... as are categories this rare in both tables ...
MAX_OTHER_SHARE = 0.5  # ... unless they hold more than this share of the real rows
SECONDS_PER_DAY = 86_400
OTHER, MISSING_LABEL = "Other", "Missing"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = tuple(f"{hour:02d}:00" for hour in range(24))


@dataclass(frozen=True)
class Marginal:
    """One column's distribution in both tables over the same bins or categories."""

    column: str
    kind: str  # "numeric" or "categorical"
    labels: list[str]  # bin labels or category names, then "Other" / "Missing" when present
    edges: list[float] | None  # numeric: len(bins) + 1 edges (dates in epoch seconds)
    real: list[float]  # share of the real rows per label, summing to 1
    synthetic: list[float]

    def to_dict(self) -> dict:
        return asdict(self)


def column_marginals(
    real: pd.DataFrame, synthetic: pd.DataFrame, infos: list[ColumnInfo]
) -> dict[str, Marginal]:
    """The :class:`Marginal` of every column in ``infos``, by name."""
    out = {}
    for info in infos:
        if family(info) == "numeric":
            out[info.name] = _numeric(info, real[info.name], synthetic[info.name])
        else:
            out[info.name] = _categorical(info.name, real[info.name], synthetic[info.name])
    return out


def calendar_marginals(
    real: pd.DataFrame, synthetic: pd.DataFrame, infos: list[ColumnInfo]
) -> dict[str, list[Marginal]]:
    """Each date column's shares by month, by weekday and (when real values have a time of
    day) by hour, dates that are present only; a view whose real dates all fall on one value
    (a single month) is left out."""
    out = {}
    for info in infos:
        if info.kind != Kind.DATETIME:
            continue
        a, b = present_stamps(real[info.name], info), present_stamps(synthetic[info.name], info)
        views = [("month", a.month - 1, b.month - 1, MONTHS)]
        if not (a.day == 1).all():  # months written as dates (Mar-2018): no weekday of their own
            views.append(("weekday", a.dayofweek, b.dayofweek, WEEKDAYS))
        if has_time_of_day(a):
            views.append(("hour of the day", a.hour, b.hour, HOURS))
        marginals = []
        for view, real_codes, synthetic_codes, labels in views:
            if len(np.unique(real_codes)) > 1:
                real_shares = _code_shares(real_codes, labels)
                synthetic_shares = _code_shares(synthetic_codes, labels)
                name = f"{info.name} by {view}"
                marginals.append(
                    Marginal(name, "categorical", list(labels), None, real_shares, synthetic_shares)
                )
        if marginals:
            out[info.name] = marginals
    return out


def present_stamps(series: pd.Series, info: ColumnInfo) -> pd.DatetimeIndex:
    """The dates of a date column that are present (missing and unreadable cells dropped)."""
    seconds = numeric_values(series, info)
    return pd.DatetimeIndex(pd.to_datetime(seconds[~np.isnan(seconds)], unit="s"))


def has_time_of_day(stamps: pd.DatetimeIndex) -> bool:
    """Whether any of ``stamps`` is not at midnight: time stamps, not dates alone."""
    return bool((stamps != stamps.normalize()).any())


def _code_shares(codes: np.ndarray, labels: tuple[str, ...]) -> list[float]:
    counts = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(labels))
    return [_share(count, len(codes)) for count in counts]


def _numeric(info: ColumnInfo, real: pd.Series, synthetic: pd.Series) -> Marginal:
    a, b = numeric_values(real, info), numeric_values(synthetic, info)
    present = np.concatenate([a[~np.isnan(a)], b[~np.isnan(b)]])
    edges = _edges(present, info.kind) if len(present) else np.array([])
    labels = _bin_labels(edges, info.kind)
    real_shares = _histogram(a, edges)
    synthetic_shares = _histogram(b, edges)
    if np.isnan(a).any() or np.isnan(b).any():
        labels.append(MISSING_LABEL)
        real_shares.append(_share(np.isnan(a).sum(), len(a)))
        synthetic_shares.append(_share(np.isnan(b).sum(), len(b)))
    return Marginal(info.name, "numeric", labels, edges.tolist(), real_shares, synthetic_shares)


def _edges(values: np.ndarray, kind: Kind) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if kind == Kind.INTEGER and np.all(values == np.round(values)):
        width = max(1.0, math.ceil((high - low + 1) / MAX_BINS))  # whole numbers per bin
        return np.arange(low - 0.5, high + width, width)
    if low == high:
        return np.array([low - 0.5, high + 0.5])
    bins = min(MAX_BINS, len(np.unique(values)))
    return np.linspace(low, high, bins + 1)


def _histogram(values: np.ndarray, edges: np.ndarray) -> list[float]:
    if len(edges) < 2:
        return []
    counts, _ = np.histogram(values[~np.isnan(values)], bins=edges)
    return [_share(count, len(values)) for count in counts]


def _bin_labels(edges: np.ndarray, kind: Kind) -> list[str]:
    if len(edges) < 2:
        return []
    width = float(edges[1] - edges[0])
    if kind == Kind.DATETIME:
        fmt = "%Y-%m-%d" if width >= SECONDS_PER_DAY else "%Y-%m-%d %H:%M"
        starts = pd.to_datetime(edges[:-1], unit="s")
        return [stamp.strftime(fmt) for stamp in starts]
    if kind == Kind.INTEGER and edges[0] % 1 == 0.5:  # bins of whole numbers
        if width == 1:
            return [f"{low + 0.5:,.0f}" for low in edges[:-1]]
        return [f"{low + 0.5:,.0f} – {high - 0.5:,.0f}" for low, high in itertools.pairwise(edges)]
    places = max(0, 1 - math.floor(math.log10(width))) if width > 0 else 0
    return [f"{low:,.{places}f} – {high:,.{places}f}" for low, high in itertools.pairwise(edges)]


def _categorical(name: str, real: pd.Series, synthetic: pd.Series) -> Marginal:
    a, b = category_labels(real), category_labels(synthetic)
    real_shares = pd.Series(a).value_counts(normalize=True)
    synthetic_shares = pd.Series(b).value_counts(normalize=True)
    both = pd.concat([real_shares, synthetic_shares], axis=1).fillna(0.0)
    both.columns = ["real", "synthetic"]
    present = both.drop(index=MISSING, errors="ignore")
    largest = present.max(axis=1)
    kept = largest[largest >= MIN_CATEGORY_SHARE]
    if present.drop(index=kept.index)["real"].sum() > MAX_OTHER_SHARE:
        # Most rows hold rare values (a city in a customer list): the most common are drawn all
        # the same, or the chart is one bar of "Other" in both tables, which says nothing.
        kept = largest
    # Most common in the real table first; ties (and synthetic-only values) by name.
    order = sorted(kept.index, key=lambda label: (-both.at[label, "real"], -kept[label], label))
    order = order[:MAX_CATEGORIES]
    labels = list(order)
    real_out = [float(both.at[label, "real"]) for label in order]
    synthetic_out = [float(both.at[label, "synthetic"]) for label in order]
    rest = present.drop(index=order)
    if len(rest):
        labels.append(OTHER if OTHER not in order else f"{OTHER} (grouped)")
        real_out.append(float(rest["real"].sum()))
        synthetic_out.append(float(rest["synthetic"].sum()))
    if MISSING in both.index:
        labels.append(MISSING_LABEL if MISSING_LABEL not in order else f"{MISSING_LABEL} (empty)")
        real_out.append(float(both.at[MISSING, "real"]))
        synthetic_out.append(float(both.at[MISSING, "synthetic"]))
    return Marginal(name, "categorical", labels, None, real_out, synthetic_out)


def _share(count: float, total: int) -> float:
    return float(count) / total if total else 0.0
