"""Schemas inferred from the fixture tables, once per test module."""

from __future__ import annotations

import pytest

from synth_core.schema import Schema, infer_schema
from synth_core.tables.read import read_table
from tests.unit.schema.schema_cases import ADULT, FIXTURES


@pytest.fixture(scope="module")
def sales() -> Schema:
    return infer_schema(read_table(FIXTURES / "sales_orders.csv").frame)


@pytest.fixture(scope="module")
def passengers() -> Schema:
    return infer_schema(read_table(FIXTURES / "passengers.csv").frame)


@pytest.fixture(scope="module")
def adult() -> Schema:
    return infer_schema(read_table(ADULT).frame)
