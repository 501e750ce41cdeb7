"""Differential privacy for ``ctgan`` and ``wgan-gp``: the budget, the accounting, and a
preprocessing that reads the data only through noise.

What the guarantee covers: the trained generator (and so the model file and every row sampled
from it) is (ε, δ)-differentially private with respect to adding or removing one row of the
table it was fitted on. Three mechanisms share the budget, composed with Opacus's RDP
accountant:

1. One Gaussian histogram release (``DOMAIN_SHARE`` of ε): per learned column, noisy counts
   over a public grid of bins (numbers: a geometric grid, ratio 2**(1/4); dates: months from
   1900 to 2100) and over the column's categories. Numeric bounds are the outer edges of the
   bins whose noisy count clears ``BOUNDS_SIGMAS`` standard deviations; a category is kept only
   when its noisy count clears a threshold that a single row passes with probability at most
   ``δ_threshold`` (thresholded partition selection, which adds that δ per category column).
   Each row adds one count per column, so the L2 sensitivity is sqrt(columns).
2. DP-SGD on the discriminator (``synth_core.models.private``): real rows drawn by Poisson
   sampling, per-row gradients clipped to ``max_grad_norm``, Gaussian noise added.
3. Nothing else reads the data: no mixture fits (ten equal-width modes over the bounds), no
   category frequencies (the noisy counts instead), no quality estimate or best-epoch choice,
   and no training-row hashes in the model file.

Not covered: the column names, kinds, date formats and decimal places (the schema you see on
the Columns page), the number of rows (treated as public, as usual in DP-SGD), the formats of
columns replaced by fake values or new IDs, and the filters applied after sampling (they read
your rows, and only ever remove rows). Noise comes from a seeded generator so that runs can
be repeated; it is not a cryptographically secure source.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from opacus.accountants.analysis import rdp as analysis
from scipy.stats import norm

from synth_core.encoding.encoders import (
    CategoricalEncoder,
    ContinuousEncoder,
    category_counts,
    category_keys,
)
from synth_core.encoding.transform import ColumnPlan
from synth_core.errors import TrainingError
from synth_core.schema import ColumnInfo, Kind

#: The choices the app offers, strongest last.
EPSILONS = (10.0, 3.0, 1.0)
DOMAIN_SHARE = 0.1  # of ε spent on bounds, category lists and category counts
DELTA_FACTOR = 10  # δ = 1 / (DELTA_FACTOR * rows) unless given
MAX_GRAD_NORM = 1.0
BOUNDS_SIGMAS = 4.5  # a bin sets a bound when its noisy count clears this many noise sigmas
GRID_STEPS_PER_DOUBLING = 4
GRID_LOW, GRID_HIGH = -20 * GRID_STEPS_PER_DOUBLING, 50 * GRID_STEPS_PER_DOUBLING  # 2**-20..2**50
MONTH_SECONDS = 30.436875 * 86400
EPOCH_1900 = -2208988800.0  # 1900-01-01 in seconds since 1970
MONTHS = 2400  # 1900 .. 2100
DEFAULT_DECIMALS = 4  # a number column whose schema gives no decimal places
DEFAULT_ORDERS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))  # Opacus's
HIGH_ORDERS = [2**k for k in range(6, 15)]


# ------------------------------------------------------------------------------ accounting
def default_delta(rows: int) -> float:
    """δ well below 1/rows: 1 / (10 rows)."""
    return 1.0 / (DELTA_FACTOR * max(rows, 1))


def epsilon_spent(history: list[tuple[float, float, int]], delta: float) -> float:
    """ε after the (noise multiplier, sample rate, steps) mechanisms in ``history`` at ``delta``.

    Opacus's RDP analysis: the RDP of every entry is added order by order and the best order
    is converted to ε. Subsampled entries use Opacus's default orders (so a DP-SGD-only history
    gives exactly what ``opacus.accountants.RDPAccountant`` reports); unsampled Gaussian
    releases, which need high orders when their noise is large, also use ``HIGH_ORDERS``."""
    entries = [entry for entry in history if entry[2] > 0]
    if not entries:
        return 0.0
    orders = [*DEFAULT_ORDERS, *HIGH_ORDERS]
    total = np.zeros(len(orders))
    for noise, rate, steps in entries:
        used = orders if rate >= 1.0 else DEFAULT_ORDERS
        rdp = analysis.compute_rdp(q=rate, noise_multiplier=noise, steps=steps, orders=used)
        total += np.concatenate([np.asarray(rdp, float), np.full(len(orders) - len(used), np.inf)])
    with warnings.catch_warnings():
        # "optimal order is the largest/smallest alpha" only happens for far more or less noise
        # than a run uses (while searching); the bound is then looser, never wrong.
        warnings.simplefilter("ignore", UserWarning)
        epsilon, _ = analysis.get_privacy_spent(orders=orders, rdp=total, delta=delta)
    return float(epsilon)


def _smallest_noise(spent, target: float, low: float = 0.05, high: float = 2e3) -> float:
    """The smallest noise multiplier whose ``spent(noise)`` stays at or below ``target``."""
    if spent(high) > target:
        raise TrainingError(
            "This privacy budget is too small for these settings. Choose a larger ε, fewer "
            "epochs or a larger batch."
        )
    for _ in range(60):
        middle = math.sqrt(low * high)
        if spent(middle) > target:
            low = middle
        else:
            high = middle
        if high / low < 1.002:
            break
    return high


@dataclass(frozen=True)
class Budget:
    """How a target ε is spent: the histogram release, then DP-SGD."""

    epsilon: float
    delta: float  # in total
    rdp_delta: float  # the part of δ used to turn the RDP curve into ε
    threshold_delta: float  # per category column, for keeping a category
    histogram_noise: float  # noise multiplier of the histogram release (sensitivity 1)
    columns: int  # learned columns: the histogram's L2 sensitivity is sqrt(columns)

    @property
    def histogram_sigma(self) -> float:
        """Standard deviation of the noise on each count."""
        return self.histogram_noise * math.sqrt(self.columns)

    @property
    def category_threshold(self) -> float:
        """A category is kept when its noisy count is above this."""
        return 1.0 + self.histogram_sigma * float(norm.isf(self.threshold_delta))

    def sgd_noise(self, sample_rate: float, steps: int) -> float:
        """The DP-SGD noise multiplier that spends what is left of ε over ``steps``."""
        return _smallest_noise(
            lambda z: epsilon_spent(self.history(z, sample_rate, steps), self.rdp_delta),
            self.epsilon,
        )

    def history(self, sgd_noise: float, sample_rate: float, steps: int):
        """The accountant's history: the histogram release, then the DP-SGD steps."""
        return [(self.histogram_noise, 1.0, 1), (sgd_noise, sample_rate, steps)]


def plan_budget(
    epsilon: float, rows: int, columns: int, category_columns: int, delta: float | None = None
) -> Budget:
    """Split ``epsilon`` and δ (default ``default_delta(rows)``) between the mechanisms."""
    if not epsilon > 0:
        raise TrainingError("The privacy budget ε must be above 0 (for example 1, 3 or 10).")
    delta = default_delta(rows) if delta is None else delta
    if not 0 < delta < 1 / max(rows, 1):
        raise TrainingError(f"δ must be above 0 and below 1/rows ({1 / max(rows, 1):.2g}).")
    rdp_delta = delta / 2 if category_columns else delta
    threshold_delta = (delta - rdp_delta) / category_columns if category_columns else 0.0
    noise = _smallest_noise(
        lambda z: epsilon_spent([(z, 1.0, 1)], rdp_delta), DOMAIN_SHARE * epsilon
    )
    return Budget(epsilon, delta, rdp_delta, threshold_delta or 1e-12, noise, max(columns, 1))


# ------------------------------------------------------------------------------ domain
@dataclass
class PrivateDomain:
    """Bounds, categories and category counts released through the histogram mechanism (or
    declared by the user, which costs nothing)."""

    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: number and date columns whose noisy count of empty cells says they have some
    gaps: set[str] = field(default_factory=set)
    categories: dict[str, list[str]] = field(default_factory=dict)  # encoder keys
    counts: dict[str, list[float]] = field(default_factory=dict)  # noisy, same order

    def column(self, info: ColumnInfo, dtype: str, max_categories: int):
        """(plan, encoder) of a column from the released facts and the schema only: no value
        of the column is read."""
        if info.name in self.bounds:
            low, high = self.bounds[info.name]
            decimals = None if info.kind is Kind.DATETIME else decimals_for(info)
            plan = ColumnPlan(
                info.name, info.kind.value, dtype, low, high, decimals, info.datetime_format
            )
            # A whole-number type cannot hold gaps; any other column has them when the noisy
            # count of its empty cells says so (a missing flag learnt by a few private epochs
            # left most cells of full columns empty).
            gaps = info.name in self.gaps and not dtype.startswith(("int", "uint"))
            return plan, ContinuousEncoder.fixed_range(info.name, low, high, gaps)
        keys, counts = self.categories[info.name], self.counts[info.name]
        if len(keys) > max_categories:  # the most common by noisy count, still in key order
            top = set(np.argsort(-np.asarray(counts), kind="stable")[:max_categories].tolist())
            keys = [k for i, k in enumerate(keys) if i in top]
            self.counts[info.name] = [c for i, c in enumerate(counts) if i in top]
            self.categories[info.name] = keys
        encoder = CategoricalEncoder.fixed(info.name, keys)
        return ColumnPlan(info.name, info.kind.value, dtype), encoder


def private_domain(
    columns: dict[str, tuple[str, np.ndarray]],
    infos: dict[str, ColumnInfo],
    budget: Budget,
    rng: np.random.Generator,
    declared_bounds: dict[str, tuple[float, float]] | None = None,
    declared_categories: dict[str, list[Any]] | None = None,
) -> PrivateDomain:
    """Release bounds and categories for ``columns`` (name -> (kind, values as the transform
    reads them: floats with dates as seconds, or objects)) through the Gaussian histogram."""
    declared_bounds = declared_bounds or {}
    declared_categories = declared_categories or {}
    sigma = budget.histogram_sigma
    domain = PrivateDomain()
    # One generator per column: a column's noise never depends on how many draws the columns
    # before it took (their number of categories).
    spawned = rng.spawn(len(columns))
    for (name, (kind, values)), rng in zip(columns.items(), spawned, strict=True):
        if kind in (Kind.CATEGORICAL.value, Kind.BOOLEAN.value):
            keys, counts = category_counts(values)
            if name in declared_categories:
                wanted = category_keys(
                    np.array(list(declared_categories[name]), dtype=object)
                ).tolist()
                found = dict(zip(keys, counts, strict=True))
                keys, counts = wanted, np.array([found.get(k, 0.0) for k in wanted])
                noisy = counts + rng.normal(0.0, sigma, len(counts))
                keep = np.ones(len(keys), dtype=bool)
            else:
                noisy = counts + rng.normal(0.0, sigma, len(counts))
                keep = noisy > budget.category_threshold
            if not keep.any():
                raise TrainingError(
                    f"No category of '{name}' is common enough to be learned privately at "
                    f"ε = {budget.epsilon:g}. Choose a larger ε, or leave the column out."
                )
            # Kept in key order (not by count), so that the transform holds only the set.
            domain.categories[name] = [k for k, kept in zip(keys, keep, strict=True) if kept]
            domain.counts[name] = [max(float(c), 1.0) for c in noisy[keep]]
            continue
        present = values[~np.isnan(values)]
        # The empty cells are one more bin of the column's histogram: each row still counts
        # in exactly one bin, so the release costs no more. A column with declared bounds may
        # hold gaps, so that nothing of it is read.
        empty = len(values) - len(present) + rng.normal(0.0, sigma)
        if name in declared_bounds or empty > BOUNDS_SIGMAS * sigma:
            domain.gaps.add(name)
        if name in declared_bounds:
            low, high = (float(v) for v in declared_bounds[name])
        elif kind == Kind.DATETIME.value:
            low, high = _month_bounds(present, sigma, rng, name)
        else:
            low, high = _number_bounds(present, sigma, rng, name)
        if kind == Kind.INTEGER.value:
            low, high = math.floor(low), math.ceil(high)
        domain.bounds[name] = (low, high)
    return domain


def _noisy_range(
    bins: np.ndarray, size: int, sigma: float, rng: np.random.Generator, groups: tuple[int, ...]
) -> tuple[int, int] | None:
    """(first, last) fine bin of the range that the noisy counts show, or None.

    The counts over the public grid are released once; when no single bin clears
    ``BOUNDS_SIGMAS`` noise sigmas, neighbouring bins are summed ``g`` at a time (free
    post-processing, with the threshold scaled by sqrt(g)) until some group does."""
    noisy = np.bincount(bins, minlength=size).astype(np.float64) + rng.normal(0.0, sigma, size)
    for g in groups:
        padded = np.concatenate([noisy, np.zeros((-size) % g)])
        sums = padded.reshape(-1, g).sum(axis=1)
        hit = np.flatnonzero(sums > BOUNDS_SIGMAS * sigma * math.sqrt(g))
        if len(hit):
            return int(hit.min()) * g, min(int(hit.max()) * g + g - 1, size - 1)
    return None


def _number_bounds(present: np.ndarray, sigma: float, rng: np.random.Generator, name: str):
    # Bins: 0 for |x| below the grid, then +-2**(j/4) for j in the public grid, per sign.
    span = GRID_HIGH - GRID_LOW + 1
    with np.errstate(divide="ignore"):
        level = np.floor(np.log2(np.abs(present)) * GRID_STEPS_PER_DOUBLING)
    tiny = ~np.isfinite(level) | (level < GRID_LOW)
    j = np.clip(np.nan_to_num(level, neginf=GRID_LOW), GRID_LOW, GRID_HIGH).astype(np.int64)
    above, below = span + 1 + j - GRID_LOW, span - 1 - j + GRID_LOW
    bins = np.where(tiny, span, np.where(present > 0, above, below)).astype(np.int64)
    found = _noisy_range(bins, 2 * span + 1, sigma, rng, (1, 4, 16, 64))
    if found is None:
        raise _too_few(name)

    def edges(b: int) -> tuple[float, float]:
        if b == span:
            return 0.0, 0.0
        if b > span:
            j = b - span - 1 + GRID_LOW
            return 2 ** (j / GRID_STEPS_PER_DOUBLING), 2 ** ((j + 1) / GRID_STEPS_PER_DOUBLING)
        j = span - 1 - b + GRID_LOW
        return -(2 ** ((j + 1) / GRID_STEPS_PER_DOUBLING)), -(2 ** (j / GRID_STEPS_PER_DOUBLING))

    low, high = edges(found[0])[0], edges(found[1])[1]
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def _month_bounds(present: np.ndarray, sigma: float, rng: np.random.Generator, name: str):
    months = np.clip(np.floor((present - EPOCH_1900) / MONTH_SECONDS), -1, MONTHS).astype(np.int64)
    found = _noisy_range(months + 1, MONTHS + 2, sigma, rng, (1, 3, 12, 60, 240))
    if found is None:
        raise _too_few(name)
    low = EPOCH_1900 + (found[0] - 1) * MONTH_SECONDS
    high = EPOCH_1900 + found[1] * MONTH_SECONDS
    return low, high


def _too_few(name: str) -> TrainingError:
    return TrainingError(
        f"Column '{name}' has too few rows to find its range privately. Choose a larger ε, "
        "or leave the column out."
    )


# ------------------------------------------------------------------------------ the record
@dataclass(frozen=True)
class PrivacyRecord:
    """What a differentially private training spent, kept in the model file."""

    epsilon_target: float
    epsilon: float  # spent (the run may have stopped early)
    delta: float
    noise_multiplier: float
    histogram_noise: float
    sample_rate: float
    steps: int
    max_grad_norm: float
    rows: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> PrivacyRecord | None:
        if not data:
            return None
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    def sentence(self) -> str:
        """The guarantee in one line."""
        return (
            f"Differentially private: ε = {self.epsilon:.2f} spent (target "
            f"{self.epsilon_target:g}), δ = {self.delta:.1e}, per row of the training table."
        )


NOT_PRIVATE = (
    "Not differentially private: no formal guarantee. The privacy figures are measurements "
    "on this table, not a promise."
)
COVERS = (
    "Covers every row's influence on the trained model (so on the model file and every row "
    "sampled from it), including the numeric ranges and category lists, which are found "
    "through noise. Not covered: column names, kinds, date formats and decimal places, the "
    "number of rows, the formats of replaced personal-data columns, and the filters applied "
    "after sampling (they read your rows and only remove rows)."
)


def describe(record: PrivacyRecord | None) -> str:
    """The guarantee, or its absence, in plain words."""
    return NOT_PRIVATE if record is None else f"{record.sentence()} {COVERS}"


def decimals_for(info: ColumnInfo) -> int:
    """Decimal places of a number column under DP: from the schema (a format fact)."""
    if info.kind is Kind.INTEGER:
        return 0
    return info.decimals if info.decimals is not None else DEFAULT_DECIMALS
