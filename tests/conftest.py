"""Shared fixtures: a small seeded mixed table, a tiny training configuration, tiny models."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pandas as pd
import pytest

from synth_core.config import TrainingConfig
from synth_core.schema import Schema, infer_schema
from tests.helpers import MIXED_KINDS, TINY_CONFIG, make_mixed_frame


@pytest.hookimpl(trylast=True)  # after -k / -m deselection
def pytest_collection_modifyitems(config, items) -> None:
    """Start the command-line processes in the background when their tests will run."""
    if config.option.collectonly:
        return
    if any(item.path.name == "test_cli.py" for item in items):
        from tests.cli_runs import RUNS

        RUNS.start()


def pytest_sessionfinish(session) -> None:
    cli_runs = sys.modules.get("tests.cli_runs")
    if cli_runs is not None:
        cli_runs.RUNS.cleanup()


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    return make_mixed_frame()


@pytest.fixture(scope="session")
def mixed_schema() -> Schema:
    frame = make_mixed_frame()
    schema = infer_schema(frame)
    kinds = {column.name: column.kind for column in schema.columns}
    assert kinds == MIXED_KINDS, "the mixed test frame is no longer inferred as the tests assume"
    assert schema.included_names == list(MIXED_KINDS)
    return schema


@pytest.fixture
def tiny_config() -> TrainingConfig:
    return TINY_CONFIG


@pytest.fixture(scope="session")
def trained(mixed_schema) -> Callable[[str], object]:
    """``trained(variant)``: a Synthesizer of that variant, fitted once per session on the mixed
    frame with the tiny configuration (the conditional GAN conditions on 'color')."""
    from synth_core.synthesizer import Synthesizer

    cache: dict[str, Synthesizer] = {}

    def get(variant: str) -> Synthesizer:
        if variant not in cache:
            config = TINY_CONFIG.replace(
                variant=variant, condition_column="color" if variant == "cgan" else None
            )
            cache[variant] = Synthesizer(config).fit(make_mixed_frame(), mixed_schema)
        return cache[variant]

    return get


from tests.backends_support import backend, local_ray  # noqa: E402, F401  (fixtures)
