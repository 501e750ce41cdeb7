"""A tiny model trained as ``fit`` trains (a fifth held out) on a table of distinctive real
values: identifiers, personal data, free text, a constant, a far-out number."""

from __future__ import annotations

import pandas as pd
import pytest

from synth_core.handoff.bundle import make_bundle
from synth_core.handoff.request import Request
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.tables.split import holdout_split
from tests.helpers import TINY_CONFIG
from tests.unit.handoff.handoff_cases import distinctive_table


@pytest.fixture(scope="session")
def real_table() -> pd.DataFrame:
    return distinctive_table()


@pytest.fixture(scope="session")
def model_file(real_table) -> bytes:
    """A tiny model of ``real_table`` whose personal data is replaced (IDs, names, emails)."""
    schema = infer_schema(real_table)
    schema = schema.with_changes("Patient ID", treatment="new_ids")
    schema = schema.with_changes("Full Name", treatment="fake")
    schema = schema.with_changes("Email", treatment="fake")
    train, _ = holdout_split(real_table, seed=TINY_CONFIG.seed)
    return Synthesizer(TINY_CONFIG).fit(train, schema).to_bytes()


@pytest.fixture(scope="session")
def synth(model_file) -> Synthesizer:
    return Synthesizer.load(model_file, device="cpu")


@pytest.fixture(scope="session")
def scored_bundle(synth, model_file, real_table) -> bytes:
    return make_bundle(synth, model_file, Request(120, seed=5, target="Ward"), real_table)
