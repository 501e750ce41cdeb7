"""Bounded, seeded samples of a table, so that a costly metric reads the same rows for a seed."""

from __future__ import annotations

import pandas as pd


def at_most(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """``frame`` itself when it has at most ``rows`` rows, else a seeded random ``rows`` of it."""
    return frame.sample(rows, random_state=seed) if len(frame) > rows else frame
