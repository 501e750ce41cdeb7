"""Row fingerprints: how generated rows are matched against real ones, with no torch import."""

from __future__ import annotations

import numpy as np
import pandas as pd

HASH_ROWS = 200_000  # rows hashed at a time: a big table's canonical copy is never made whole


def row_hashes(frame: pd.DataFrame, columns: list[str] | None = None) -> np.ndarray:
    """A 64-bit hash per row of ``frame`` (its ``columns``, all by default), equal for rows with
    equal values whatever the numeric dtype (missing equals missing)."""
    columns = list(frame.columns) if columns is None else columns
    if len(frame) <= HASH_ROWS:
        return _hashes(frame[columns])
    starts = range(0, len(frame), HASH_ROWS)
    return np.concatenate([_hashes(frame.iloc[s : s + HASH_ROWS][columns]) for s in starts])


def _hashes(frame: pd.DataFrame) -> np.ndarray:
    canonical = pd.DataFrame(
        {
            name: (
                frame[name].astype("float64")
                if pd.api.types.is_numeric_dtype(frame[name])
                and not pd.api.types.is_bool_dtype(frame[name])
                else frame[name].astype(object).where(frame[name].notna(), None)
            )
            for name in frame.columns
        }
    )
    return pd.util.hash_pandas_object(canonical, index=False).to_numpy()
