"""Row fingerprints: how generated rows are matched against real ones, with no torch import."""

from __future__ import annotations

import numpy as np
import pandas as pd


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash per row, equal for rows with equal values whatever the numeric dtype
    (missing equals missing)."""
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
