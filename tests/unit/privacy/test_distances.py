"""The distance space shared by the privacy scores, precision and recall, and the near-copy
filter: numbers scaled to their real range, categories one-hot, ties and seeded samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.privacy.distances import TIE, DistanceSpace, neighbours, subsample
from synth_core.schema.model import Kind
from tests.helpers import make_schema


@pytest.fixture
def reference() -> pd.DataFrame:
    return pd.DataFrame({"n": [0.0, 5.0, 10.0, np.nan], "c": ["a", "b", "a", "b"]})


@pytest.fixture
def space(reference) -> DistanceSpace:
    schema = make_schema(reference, {"n": Kind.NUMERICAL, "c": Kind.CATEGORICAL})
    return DistanceSpace(reference, schema.included)


def distance(space: DistanceSpace, a: dict, b: dict) -> float:
    points = space.embed(pd.DataFrame([a, b]))
    return float(np.linalg.norm(points[0] - points[1]))


def test_the_ends_of_a_number_range_and_two_categories_are_one_apart(space) -> None:
    assert distance(space, {"n": 0.0, "c": "a"}, {"n": 10.0, "c": "a"}) == pytest.approx(1.0)
    assert distance(space, {"n": 5.0, "c": "a"}, {"n": 5.0, "c": "b"}) == pytest.approx(1.0)
    assert distance(space, {"n": 5.0, "c": "a"}, {"n": 5.0, "c": "a"}) == 0.0


def test_a_missing_number_is_flagged(space) -> None:
    assert distance(space, {"n": np.nan, "c": "a"}, {"n": 0.0, "c": "a"}) == pytest.approx(1.0)


def test_an_empty_frame_embeds_to_no_points(space, reference) -> None:
    assert space.embed(reference.iloc[:0]).shape[0] == 0


def test_neighbours_are_nearest_first_and_float_noise_is_a_tie() -> None:
    reference = np.array([[0.0], [1.0], [3.0]])
    distances, indices = neighbours(reference, np.array([[TIE / 10], [2.9]]), 2)
    assert indices.tolist() == [[0, 1], [2, 1]]
    assert distances[0, 0] == 0.0
    assert distances[1].tolist() == pytest.approx([0.1, 1.9])


def test_subsample_is_sorted_seeded_and_whole_below_the_limit() -> None:
    assert subsample(5, 10, np.random.default_rng(0)).tolist() == [0, 1, 2, 3, 4]
    drawn = subsample(100, 10, np.random.default_rng(3))
    assert len(set(drawn.tolist())) == 10 and np.all(np.diff(drawn) > 0)
    assert drawn.tolist() == subsample(100, 10, np.random.default_rng(3)).tolist()
