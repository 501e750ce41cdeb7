"""Per-column encoders: one column of values <-> a block of model-ready numbers.

Each encoder publishes the spans of its block (width and activation) so that models never need to
know what a column is. Everything is vectorised: no Python loop runs per row.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture

from synth_core.schema.rarity import RARE_BELOW, RARE_LABEL, holder_counts

TANH = "tanh"
SOFTMAX = "softmax"

MAX_MODES = 10
MODE_WEIGHT_FLOOR = 0.005  # mixture components lighter than this are dropped (CTGAN paper)
MIXTURE_SAMPLE = 2000  # the mixture is fitted on at most this many values
SCALE_SIGMAS = 4.0  # a value inside its mode is stored as (x - mu) / (4 sigma)
CLIP = 0.99
# A value this frequent (zero in a column of capital gains, 40 hours a week) gets an exact mode of
# its own: a mixture component spread around it would turn most of those values into near misses
# (0 -> 7, 40 -> 41) as soon as the model's scalar output is a little off.
SPIKE_SHARE = 0.05
SPIKE_STD = 1e-9  # relative to the value: the scalar of a spike mode barely moves it
OTHER = "__other__"  # bucket for categories too rare to get their own output
# A mixture that stops at max_iter is still a fine encoding. The filter is set once here rather
# than with warnings.catch_warnings() around each fit: that swaps the process-wide filters and is
# not thread-safe, so two trainings at once let the warning through.
warnings.filterwarnings("ignore", category=ConvergenceWarning, module=r"sklearn\.mixture")


@dataclass(frozen=True)
class Span:
    """A contiguous block of the model's output: ``width`` numbers under one activation."""

    column: str
    role: str  # "value", "mode", "category" or "missing"
    width: int
    activation: str  # TANH or SOFTMAX
    part: str = ""  # which part of its column, where a column is encoded as several numbers


def _spikes(share: np.ndarray, max_modes: int) -> np.ndarray:
    """Which of the distinct values with ``share`` (each value's share of the column) get an
    exact mode of their own: the most common that hold SPIKE_SHARE, leaving one mode at least
    for the rest, in value order."""
    spikes = np.argsort(-share)[: max_modes - 1]
    return np.sort(spikes[share[spikes] >= SPIKE_SHARE])


def exact_values(values: np.ndarray, max_modes: int = MAX_MODES) -> np.ndarray:
    """The values of ``values`` (floats, NaN missing) that a ``ContinuousEncoder`` with
    ``max_modes`` modes gives back exactly (see SPIKE_SHARE)."""
    present = values[~np.isnan(values)]
    if len(present) == 0:
        return present
    distinct, counts = np.unique(present, return_counts=True)
    return distinct[_spikes(counts / len(present), max_modes)]


def _one_hot(codes: np.ndarray, out: np.ndarray) -> None:
    """Set one 1.0 per row in ``out``, which the caller provides filled with zeros."""
    out[np.arange(len(codes)), codes] = 1.0


class ContinuousEncoder:
    """Mode-specific normalisation: a Bayesian Gaussian mixture per column.

    A value becomes a one-hot mode (drawn from the posterior over modes) plus a scalar
    ``(x - mu_k) / (4 sigma_k)`` clipped to +-0.99. Missing values get an indicator of their own.
    """

    def __init__(
        self,
        column: str,
        max_modes: int = MAX_MODES,
        sample: int = MIXTURE_SAMPLE,
        part: str = "",
    ):
        self.column = column
        self.max_modes = max_modes
        self.sample = sample
        self.part = part

    def fit(self, values: np.ndarray, rng: np.random.Generator) -> ContinuousEncoder:
        """Fit the mixture on a bounded subsample of the non-missing ``values`` (float)."""
        present = values[~np.isnan(values)]
        self.has_missing_ = bool(len(present) < len(values))
        self.fill_ = float(np.median(present))
        fit_values = present
        if len(present) > self.sample:
            fit_values = rng.choice(present, self.sample, replace=False)
        distinct, counts = np.unique(fit_values, return_counts=True)
        if len(distinct) <= 1 or float(np.std(fit_values)) == 0.0:
            self.means_ = np.array([float(np.mean(present))])
            self.stds_ = np.array([max(float(np.std(present)), 1e-3)])
            self.weights_ = np.array([1.0])
            return self
        share = counts / len(fit_values)
        spikes = _spikes(share, self.max_modes)
        rest = fit_values[~np.isin(fit_values, distinct[spikes])]
        floor = 1e-3 * (np.ptp(present) or 1.0)
        means, stds, weights = self._mixture(rest, self.max_modes - len(spikes), floor, rng)
        self.means_ = np.concatenate([distinct[spikes], means])
        self.stds_ = np.concatenate([SPIKE_STD * np.maximum(np.abs(distinct[spikes]), 1.0), stds])
        self.weights_ = np.concatenate([share[spikes], weights * len(rest) / len(fit_values)])
        self._cover_outliers(present)
        return self

    def _cover_outliers(self, present: np.ndarray) -> None:
        """Add a mode below and one above for the values no mode can hold.

        The mixture is fitted on a sample and drops its lightest components, so the largest
        values of a skewed column can lie beyond every mode; without a mode of their own they
        would be clipped and come back smaller than they are.
        """
        reach = CLIP * SCALE_SIGMAS * self.stds_
        covered = np.zeros(len(present), dtype=bool)
        for mean, limit in zip(self.means_, reach, strict=True):
            covered |= np.abs(present - mean) <= limit
        outliers = present[~covered]
        if len(outliers) == 0:
            return
        centre = float(np.dot(self.weights_, self.means_))
        sides = [outliers[outliers < centre], outliers[outliers >= centre]]
        sides = [side for side in sides if len(side)]
        floor = 1e-3 * (np.ptp(present) or 1.0)
        # Slightly wider than the outliers' span so that its ends stay inside the reach.
        stds = [max(np.ptp(side) / 2 / (0.999 * CLIP * SCALE_SIGMAS), floor) for side in sides]
        shares = np.array([len(side) / len(present) for side in sides])
        self.means_ = np.concatenate(
            [self.means_, [(side.min() + side.max()) / 2 for side in sides]]
        )
        self.stds_ = np.concatenate([self.stds_, stds])
        self.weights_ = np.concatenate([self.weights_ * (1.0 - shares.sum()), shares])

    @staticmethod
    def _mixture(values, n_modes, floor, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(means, standard deviations, weights summing to 1) of a Bayesian Gaussian mixture
        with at most ``n_modes`` components fitted to ``values`` (nothing for no values)."""
        if len(values) == 0:
            return np.empty(0), np.empty(0), np.empty(0)
        one_mode = (
            np.array([float(np.mean(values))]),
            np.array([max(float(np.std(values)), floor)]),
            np.array([1.0]),
        )
        n_components = int(min(n_modes, len(np.unique(values))))
        if n_components <= 1:
            return one_mode
        mixture = BayesianGaussianMixture(
            n_components=n_components,
            weight_concentration_prior_type="dirichlet_process",
            weight_concentration_prior=0.001,
            covariance_type="diag",  # identical to "full" in one dimension, and much cheaper
            max_iter=100,
            n_init=1,
            random_state=int(rng.integers(2**31 - 1)),
        )
        # The mixture's bound can pass through -inf while a component collapses, and its
        # convergence check then subtracts -inf from -inf: numpy's warning about that is noise
        # (numpy's error state is per thread, unlike the warning filters). The result is
        # checked instead.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            mixture.fit(values.reshape(-1, 1))
        keep = mixture.weights_ > MODE_WEIGHT_FLOOR
        # A degenerate component gets a floor so that scaling stays finite.
        stds = np.maximum(np.sqrt(mixture.covariances_.ravel()[keep]), floor)
        weights = mixture.weights_[keep] / mixture.weights_[keep].sum()
        means = mixture.means_.ravel()[keep]
        if not all(np.isfinite(part).all() for part in (means, stds, weights)):
            return one_mode
        return means, stds, weights

    @property
    def exact_(self) -> np.ndarray:
        """The values its exact modes (SPIKE_SHARE) give back."""
        return self.means_[self.stds_ <= SPIKE_STD * np.maximum(np.abs(self.means_), 1.0)]

    @classmethod
    def fixed_range(
        cls, column: str, low: float, high: float, has_missing: bool = True, modes: int = 10
    ) -> ContinuousEncoder:
        """Mode-specific normalisation on a fixed grid instead of a fitted mixture: ``modes``
        equal-width modes over ``[low, high]``, one standard deviation half a mode wide, equal
        weights (and a missing indicator). Built from the bounds alone, without reading any
        value (differential privacy)."""
        encoder = cls(column, modes)
        width = max(high - low, 1e-6) / modes
        encoder.means_ = low + width * (np.arange(modes) + 0.5)
        encoder.stds_ = np.full(modes, width / 2)
        encoder.weights_ = np.full(modes, 1.0 / modes)
        encoder.has_missing_ = has_missing
        encoder.fill_ = (low + high) / 2
        return encoder

    @property
    def spans(self) -> list[Span]:
        spans = [
            Span(self.column, "value", 1, TANH, self.part),
            Span(self.column, "mode", len(self.means_), SOFTMAX, self.part),
        ]
        if self.has_missing_:
            spans.append(Span(self.column, "missing", 2, SOFTMAX, self.part))
        return spans

    @property
    def width(self) -> int:
        return sum(span.width for span in self.spans)

    def transform(self, values: np.ndarray, rng: np.random.Generator, out: np.ndarray) -> None:
        """Write the encoding of ``values`` into ``out`` (rows x width, zeros), drawing modes."""
        missing = np.isnan(values)
        x = np.where(missing, self.fill_, values)[:, None]
        z = (x - self.means_) / self.stds_  # (rows, modes)
        log_post = np.log(self.weights_) - np.log(self.stds_) - 0.5 * z * z
        # One mode per row drawn from the posterior by inverse CDF, without a Python loop.
        cumulative = np.cumsum(np.exp(log_post - log_post.max(axis=1, keepdims=True)), axis=1)
        u = rng.random(len(x)) * cumulative[:, -1]
        modes = np.minimum((cumulative < u[:, None]).sum(axis=1), len(self.means_) - 1)
        rows = np.arange(len(x))
        # A draw that lands on a mode too far away to hold the value exactly falls back to the
        # most likely mode among those that hold it, so only values beyond every mode are clipped.
        holds = np.abs(z) <= CLIP * SCALE_SIGMAS
        too_far = ~holds[rows, modes]
        holding, odds = holds[too_far], log_post[too_far]
        held = holding.any(axis=1)  # rows beyond every mode keep the likeliest mode
        odds[held] = np.where(holding[held], odds[held], -np.inf)
        modes[too_far] = np.argmax(odds, axis=1)
        k = len(self.means_)
        out[:, 0] = np.clip(z[rows, modes] / SCALE_SIGMAS, -CLIP, CLIP)
        _one_hot(modes, out[:, 1 : 1 + k])
        if self.has_missing_:
            _one_hot(missing.astype(np.int64), out[:, 1 + k : 3 + k])

    def inverse(self, block: np.ndarray) -> np.ndarray:
        """Decode a block back to float values (NaN where the missing indicator wins)."""
        k = len(self.means_)
        modes = np.argmax(block[:, 1 : 1 + k], axis=1)
        scalar = np.clip(block[:, 0].astype(np.float64), -1.0, 1.0)
        values = scalar * SCALE_SIGMAS * self.stds_[modes] + self.means_[modes]
        if self.has_missing_:
            values[block[:, 1 + k + 1] > block[:, 1 + k]] = np.nan
        return values

    def to_dict(self) -> dict[str, Any]:
        return {
            "means": self.means_.tolist(),
            "stds": self.stds_.tolist(),
            "weights": self.weights_.tolist(),
            "has_missing": self.has_missing_,
            "fill": self.fill_,
        }

    @classmethod
    def from_dict(cls, column: str, data: dict[str, Any], part: str = "") -> ContinuousEncoder:
        encoder = cls(column, part=part)
        encoder.means_ = np.asarray(data["means"], dtype=np.float64)
        encoder.stds_ = np.asarray(data["stds"], dtype=np.float64)
        encoder.weights_ = np.asarray(data["weights"], dtype=np.float64)
        encoder.has_missing_ = bool(data["has_missing"])
        encoder.fill_ = float(data["fill"])
        return encoder


class CategoricalEncoder:
    """One-hot encoding over the known categories, missing values as a category of their own.

    When a column has more than ``max_width`` categories, the rarest share one output (``OTHER``)
    and are drawn back in proportion to their real frequencies, so only real categories come out.
    Categories fewer than ``RARE_BELOW`` rows hold never come out (``synth_core.schema.rarity``):
    in a text column they become one category, ``RARE_LABEL``; in any other (numbers, yes/no)
    they count as the most common value. ``protected_`` says how many there were.

    ``bias_`` is added to a generated block before its category is picked: a log-ratio set after
    training (``synth_core.training.calibration``) so that the categories come out in their real
    shares whatever the model learnt (a shift of the perturbed logits, so of the sampling odds).
    """

    def __init__(self, column: str, max_width: int = 100):
        self.column = column
        self.max_width = max_width

    def fit(
        self, values: np.ndarray, rng: np.random.Generator, holders: np.ndarray | None = None
    ) -> CategoricalEncoder:
        """Learn the categories of ``values`` (object array; None/NaN are missing). ``holders``
        (``synth_core.schema.rarity.holders``, aligned with ``values``): whose row each is, so
        that a category is rare when fewer than ``RARE_BELOW`` people hold it."""
        keys, counts = category_counts(values)
        held = counts if holders is None else _held_by(values, holders, keys)
        keys, counts = self._protected(keys, counts, held)
        order = np.argsort(-counts, kind="stable")
        keys, counts = [keys[i] for i in order], counts[order]
        if len(keys) > self.max_width:
            head = self.max_width - 1
            self.rare_ = keys[head:]
            self.rare_probs_ = (counts[head:] / counts[head:].sum()).tolist()
            keys, counts = [*keys[:head], OTHER], np.append(counts[:head], counts[head:].sum())
        else:
            self.rare_, self.rare_probs_ = [], []
        self.categories_ = keys
        self.frequencies_ = (counts / counts.sum()).tolist()
        self.bias_ = [0.0] * len(keys)
        return self

    def _protected(
        self, keys: list[str], counts: np.ndarray, held: np.ndarray
    ) -> tuple[list[str], np.ndarray]:
        """``keys`` and ``counts`` with the rare categories (``held`` by fewer than
        ``RARE_BELOW`` rows or people) merged away; sets ``protected_`` (how many there were) and
        ``fallback_`` (``RARE_LABEL``'s key when they became it: the key that any value not
        learnt encodes as)."""
        rare = np.array(
            [h < RARE_BELOW and k != _MISSING_KEY for k, h in zip(keys, held, strict=True)]
        )
        self.protected_ = int(rare.sum())
        common = [(k, c) for k, c, is_rare in zip(keys, counts, rare, strict=True) if not is_rare]
        # Numbers and yes/no values keep their type, unless no common value can stand in.
        placeholder = bool(rare.any()) and (
            not common or all(k.startswith(_TEXT_TAG) for k in np.asarray(keys)[rare])
        )
        if placeholder:
            label = _TEXT_TAG + RARE_LABEL
            merged = dict(common)
            merged[label] = merged.get(label, 0.0) + float(counts[rare].sum())
            common = list(merged.items())
        elif rare.any():
            top = max(range(len(common)), key=lambda i: common[i][1])
            common[top] = (common[top][0], common[top][1] + float(counts[rare].sum()))
        self.fallback_ = _TEXT_TAG + RARE_LABEL if placeholder else None
        return [k for k, _ in common], np.array([c for _, c in common], dtype=np.float64)

    @classmethod
    def fixed(cls, column: str, keys: list[str]) -> CategoricalEncoder:
        """An encoder over given category keys, without reading any value (differential
        privacy): equal frequencies; values outside ``keys`` encode as the first key."""
        encoder = cls(column, len(keys))
        encoder.categories_ = list(keys)
        encoder.frequencies_ = [1.0 / len(keys)] * len(keys)
        encoder.rare_, encoder.rare_probs_ = [], []
        encoder.bias_ = [0.0] * len(keys)
        encoder.protected_, encoder.fallback_ = 0, None
        return encoder

    @property
    def spans(self) -> list[Span]:
        return [Span(self.column, "category", len(self.categories_), SOFTMAX)]

    @property
    def width(self) -> int:
        return len(self.categories_)

    def values(self) -> list[Any]:
        """The real value behind each output (None for missing and for the rare bucket)."""
        return [_from_key(key) for key in self.categories_]

    def codes(self, values: np.ndarray) -> np.ndarray:
        """Index of each value's output; values not learnt (rare or unseen) map to
        ``RARE_LABEL`` in a text column, else to the most frequent category."""
        lookup = {key: i for i, key in enumerate(self.categories_)}
        other = lookup.get(OTHER)
        rare = set(self.rare_)
        unknown = lookup.get(self.fallback_, 0) if self.fallback_ else 0
        codes, uniques = pd.factorize(category_keys(values))
        mapped = np.array(
            [lookup.get(u, other if u in rare else unknown) for u in uniques.tolist()],
            dtype=np.int64,
        )
        return mapped[codes]

    def transform(self, values: np.ndarray, rng: np.random.Generator, out: np.ndarray) -> None:
        _one_hot(self.codes(values), out)

    def inverse(self, block: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Decode a block to an object array of categories (None for missing)."""
        codes = self.pick(block)
        table = np.array([_from_key(key) for key in self.categories_], dtype=object)
        values = table[codes]
        if self.rare_:
            is_other = codes == self.categories_.index(OTHER)
            rare_table = np.array([_from_key(key) for key in self.rare_], dtype=object)
            picks = rng.choice(len(self.rare_), int(is_other.sum()), p=self.rare_probs_)
            values[is_other] = rare_table[picks]
        return values

    def pick(self, block: np.ndarray) -> np.ndarray:
        """The output chosen in each row of a generated block, after the calibration bias."""
        return np.argmax(block + np.asarray(self.bias_, dtype=block.dtype), axis=1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "categories": self.categories_,
            "frequencies": self.frequencies_,
            "rare": self.rare_,
            "rare_probs": self.rare_probs_,
            "bias": self.bias_,
            "protected": self.protected_,
            "fallback": self.fallback_,
        }

    @classmethod
    def from_dict(cls, column: str, data: dict[str, Any]) -> CategoricalEncoder:
        encoder = cls(column)
        encoder.categories_ = list(data["categories"])
        encoder.frequencies_ = list(data["frequencies"])
        encoder.rare_ = list(data["rare"])
        encoder.rare_probs_ = list(data["rare_probs"])
        encoder.bias_ = [float(b) for b in data.get("bias", [0.0] * len(encoder.categories_))]
        # Model files saved before rare categories were protected have neither.
        encoder.protected_ = int(data.get("protected", 0))
        encoder.fallback_ = data.get("fallback")
        return encoder


# Categories are stored under string keys so that the state is plain JSON whatever the dtype.
# The prefix keeps "1" (text) and 1 (a number) apart; None stands for a missing value.
_MISSING_KEY = "n:"
_TEXT_TAG = "s:"


def _to_key(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return _MISSING_KEY
    if isinstance(value, (bool, np.bool_)):
        return f"b:{int(value)}"
    if isinstance(value, (int, np.integer)):
        return f"i:{int(value)}"
    if isinstance(value, (float, np.floating)):
        return f"f:{float(value)!r}"
    return f"{_TEXT_TAG}{value}"


def _from_key(key: str) -> Any:
    if key == OTHER:
        return None
    tag, text = key[:2], key[2:]
    if tag == "n:":
        return None
    if tag == "b:":
        return bool(int(text))
    if tag == "i:":
        return int(text)
    if tag == "f:":
        return float(text)
    return text


def category_keys(values: np.ndarray) -> np.ndarray:
    """String keys for an array of values, converting each distinct value once."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    mapped = np.array([*(_to_key(u) for u in uniques.tolist()), _MISSING_KEY], dtype=object)
    return mapped[codes]  # code -1 (missing) picks the last entry


def _held_by(values: np.ndarray, holders: np.ndarray, keys: list[str]) -> np.ndarray:
    """How many different holders hold each of ``keys`` (as ``category_counts`` made them)."""
    held = holder_counts(pd.Series(category_keys(values), dtype=object), holders)
    return held.reindex(keys, fill_value=0).to_numpy(dtype=np.float64)


def category_counts(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The distinct keys of ``values`` (sorted) and how often each occurs.

    Counted on the distinct values (hashed once, never sorted row by row), as ``category_keys``
    makes the keys."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    counts = np.bincount(codes + 1, minlength=len(uniques) + 1)  # 0: the missing values
    totals: dict[str, int] = {}
    for key, count in zip([_MISSING_KEY, *map(_to_key, uniques.tolist())], counts, strict=True):
        if count:
            totals[key] = totals.get(key, 0) + int(count)
    keys = sorted(totals)
    return keys, np.array([totals[key] for key in keys], dtype=np.float64)
