"""The number encoder keeps every real value, its largest ones included."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from synth_core.encoding import encoders
from synth_core.encoding.encoders import CLIP, SCALE_SIGMAS, ContinuousEncoder


def encode_and_decode(values: np.ndarray) -> tuple[ContinuousEncoder, np.ndarray]:
    encoder = ContinuousEncoder("x").fit(values, np.random.default_rng(0))
    block = np.zeros((len(values), encoder.width), dtype=np.float32)
    encoder.transform(values, np.random.default_rng(1), block)
    return encoder, encoder.inverse(block)


def skewed_whole_numbers(seed: int) -> np.ndarray:
    """A small right-skewed column of whole numbers (the shape of amounts and counts)."""
    rng = np.random.default_rng(seed)
    return np.round(rng.lognormal(2.0, 1.0, int(rng.integers(30, 200)))).astype(np.float64)


@pytest.mark.parametrize("seed", [99, 159, 162])
def test_the_largest_values_of_a_skewed_column_come_back_unchanged(seed):
    values = skewed_whole_numbers(seed)
    encoder, decoded = encode_and_decode(values)
    np.testing.assert_allclose(decoded, values, atol=0.05)
    reach = CLIP * SCALE_SIGMAS * encoder.stds_
    assert (np.abs(values.max() - encoder.means_) <= reach).any()


def test_outliers_on_both_sides_each_get_a_mode_that_holds_them():
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(0.0, 1.0, 1000), [-400.0, -380.0, 350.0, 420.0]])
    encoder, decoded = encode_and_decode(values)
    np.testing.assert_allclose(decoded, values, atol=1e-3)
    assert np.isclose(encoder.weights_.sum(), 1.0)


class BoundThroughInfinity(encoders.BayesianGaussianMixture):
    """A mixture whose convergence check meets -inf - -inf on the way, as sklearn's does when a
    component collapses (seen on the weights of ChickWeight); ``broken`` also leaves NaN means."""

    broken = False

    def fit(self, X, y=None):
        bound = np.float64(-np.inf)
        _ = bound - bound  # numpy: "invalid value encountered in scalar subtract"
        super().fit(X, y)
        if self.broken:
            self.means_ = np.full_like(self.means_, np.nan)
        return self


def test_the_mixtures_numeric_noise_never_reaches_the_terminal(monkeypatch):
    monkeypatch.setattr(encoders, "BayesianGaussianMixture", BoundThroughInfinity)
    values = np.random.default_rng(4).normal(50.0, 5.0, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _, decoded = encode_and_decode(values)
    np.testing.assert_allclose(decoded, values, atol=1e-3)


def test_a_mixture_that_ends_with_no_numbers_falls_back_to_one_mode(monkeypatch):
    monkeypatch.setattr(encoders, "BayesianGaussianMixture", BoundThroughInfinity)
    monkeypatch.setattr(BoundThroughInfinity, "broken", True)
    values = np.random.default_rng(4).normal(50.0, 5.0, 300)
    encoder = ContinuousEncoder("x").fit(values, np.random.default_rng(0))
    assert np.isfinite(encoder.means_).all() and np.isfinite(encoder.stds_).all()
    assert np.isclose(encoder.means_[0], values.mean()) and np.isclose(encoder.weights_.sum(), 1)
