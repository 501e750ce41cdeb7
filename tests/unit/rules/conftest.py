"""A sales table that obeys business rules, with its schema."""

from __future__ import annotations

import pandas as pd
import pytest

from synth_core.schema import Schema, infer_schema
from tests.sales_table import sales_with_rules


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    return sales_with_rules(600, seed=3)


@pytest.fixture(scope="module")
def sales_schema(sales) -> Schema:
    return infer_schema(sales)
