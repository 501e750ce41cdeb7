"""Row fingerprints: equal rows hash alike, and a big table hashed in chunks hashes as a whole."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth_core.tables import hashing
from synth_core.tables.hashing import row_hashes


def test_equal_rows_hash_alike_whatever_the_numeric_dtype_and_missing_equals_missing():
    ints = pd.DataFrame({"n": [1, 2, 2], "c": ["a", None, None]})
    floats = pd.DataFrame({"n": [1.0, 2.0, 2.0], "c": ["a", np.nan, np.nan]})
    assert np.array_equal(row_hashes(ints), row_hashes(floats))
    assert row_hashes(ints)[1] == row_hashes(ints)[2] != row_hashes(ints)[0]


def test_a_table_hashed_in_chunks_gets_the_hashes_of_the_whole(monkeypatch):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"n": rng.integers(0, 5, 50), "c": rng.choice(["x", "y", None], 50), "skip": 1.0}
    )
    whole = row_hashes(frame, ["n", "c"])
    monkeypatch.setattr(hashing, "HASH_ROWS", 7)
    assert np.array_equal(row_hashes(frame, ["n", "c"]), whole)
    assert np.array_equal(row_hashes(frame[["n", "c"]]), whole)
