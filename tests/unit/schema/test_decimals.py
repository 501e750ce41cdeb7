"""Decimal places a column needs, with the schema's relative and the encoding's absolute
tolerance."""

from __future__ import annotations

import numpy as np

from synth_core.schema import decimal_places


def test_float_noise_is_ignored_and_places_are_capped() -> None:
    assert decimal_places(np.array([0.1 + 0.2, 0.7, 1.5])) == 1
    assert decimal_places(np.array([1 / 3, 0.5])) == 6
    assert decimal_places(np.array([3.0, 42.0])) == 0
    assert decimal_places(np.array([1 / 3]), cap=2) == 2


def test_relative_and_absolute_tolerances_answer_differently() -> None:
    huge = np.array([1e12 + 0.5])  # float spacing here is about 1e-4
    assert decimal_places(huge) == 1
    assert decimal_places(huge, rtol=0, atol=1e-9) == 1
    tiny = np.array([3e-10])
    assert decimal_places(tiny) == 6  # relative: never close to a rounded value
    assert decimal_places(tiny, rtol=0, atol=1e-9) == 0  # absolute: within 1e-9 of 0


def test_overflow_is_not_a_warning() -> None:
    with np.errstate(all="raise"):
        assert decimal_places(np.array([1e308, 0.5])) == 6
