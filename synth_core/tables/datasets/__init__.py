"""Data that ships with Synth Studio, so that demos work offline."""

from __future__ import annotations

from pathlib import Path

from synth_core.tables.read import read_table

DEMO_NAME = "adult.csv"
DEMO_PATH = Path(__file__).with_name("adult.csv.gz")
DEMO_DESCRIPTION = (
    "UCI Adult census extract (32,561 people, 15 columns; public, CC BY 4.0): age, work, "
    "education, family, hours worked and whether income is above $50K."
)


def load_demo():
    """The bundled Adult census table, read like any uploaded file (a ``ReadResult``)."""
    return read_table(DEMO_PATH)
