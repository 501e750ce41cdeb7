"""The distance space shared by the privacy scores, precision and recall, and the near-copy
filter: numbers scaled to their real range, categories one-hot, ties and seeded samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synth_core.privacy.distances import (
    DISCRETE_GAP,
    TIE,
    CloseSearch,
    DistanceSpace,
    neighbours,
    subsample,
)
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


def test_a_category_the_reference_never_saw_is_the_gap_away(space) -> None:
    assert distance(space, {"n": 5.0, "c": "a"}, {"n": 5.0, "c": "new"}) == pytest.approx(
        DISCRETE_GAP
    )
    assert space.discrete.tolist() == [False, True, True, True]  # n, n missing, c=a, c=b


@pytest.mark.parametrize("radius", [0.0, 0.05, 0.3, DISCRETE_GAP - 1e-6, 0.9, 1.5])
def test_the_close_search_answers_as_a_search_over_every_coordinate(radius) -> None:
    rng = np.random.default_rng(7)

    def rows(n: int, labels: str) -> pd.DataFrame:
        numbers = np.round(rng.uniform(0, 10, (n, 2)), 1)
        numbers[rng.random((n, 2)) < 0.1] = np.nan
        return pd.DataFrame(
            {
                "x": numbers[:, 0],
                "y": numbers[:, 1],
                "c": rng.choice(list(labels), n),
                "d": rng.choice(["p", "q"], n),
            }
        )

    reference = rows(400, "abc")
    queries = pd.concat([rows(300, "abcz"), reference.iloc[:20]])  # z: unseen; some exact copies
    kinds = {"x": Kind.NUMERICAL, "y": Kind.NUMERICAL, "c": Kind.CATEGORICAL, "d": Kind.CATEGORICAL}
    space = DistanceSpace(reference, make_schema(reference, kinds).included)
    points, asked = space.embed(reference), space.embed(queries)
    nearest = neighbours(points, asked, 1)[0][:, 0]
    search = CloseSearch(points, space.discrete, radius)
    assert search.keyed == (0 < radius < DISCRETE_GAP) or radius == 0
    assert search.closer(asked).tolist() == (nearest < radius).tolist()
    if 0 < radius < 1:
        assert 0 < (nearest < radius).sum() < len(queries)  # the answer is not all one way
