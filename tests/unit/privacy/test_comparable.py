"""Column values as distance and metric code compares them: numbers (dates as epoch seconds) and
category labels that compare equal whatever dtype a file was read with."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.privacy.comparable import (
    MISSING,
    category_labels,
    family,
    numeric_values,
    prepared,
)
from synth_core.schema.model import Kind
from tests.helpers import make_schema


def test_whole_numbers_read_as_floats_or_ints_give_the_same_labels() -> None:
    assert category_labels(pd.Series([1, 2])).tolist() == ["1", "2"]
    assert category_labels(pd.Series([1.0, 2.5, np.nan])).tolist() == ["1", "2.5", MISSING]
    assert category_labels(pd.Series([True, False])).tolist() == ["True", "False"]
    assert category_labels(pd.Series(["x", None])).tolist() == ["x", MISSING]


def test_dates_become_epoch_seconds_read_with_the_schema_format() -> None:
    frame = pd.DataFrame({"d": ["02/01/1970", "bad", None]})
    (info,) = make_schema(frame, {"d": Kind.DATETIME}, {"d": "%d/%m/%Y"}).included
    values = numeric_values(frame["d"], info)
    assert values[0] == 86_400.0
    assert np.isnan(values[1:]).all()


def test_prepared_keeps_the_index_and_reads_each_column_by_its_family() -> None:
    frame = pd.DataFrame({"n": ["3", "x"], "c": [1.0, 2.0]}, index=[7, 9])
    schema = make_schema(frame, {"n": Kind.INTEGER, "c": Kind.CATEGORICAL})
    assert [family(info) for info in schema.included] == ["numeric", "categorical"]
    out = prepared(frame, schema.included)
    assert out.index.tolist() == [7, 9]
    assert out["n"].iloc[0] == 3.0 and np.isnan(out["n"].iloc[1])
    assert out["c"].tolist() == ["1", "2"]
