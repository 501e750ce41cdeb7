"""Transform speed on the bundled Adult table: fit time, and transform/inverse of 1,000,000 rows.

Targets on 2 cores: fit under 2 s, transform of 1,000,000 rows under 10 s.
Run: .venv/bin/python bench/bench_transform.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synth_core.encoding.transform import TableTransform
from synth_core.schema import infer_schema
from synth_core.tables.datasets import load_demo

FIT_TARGET_S = 2.0
TRANSFORM_TARGET_S = 10.0
BIG_ROWS = 1_000_000


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main() -> None:
    frame, read_s = timed(lambda: load_demo().frame)
    schema, infer_s = timed(infer_schema, frame)
    fits = [timed(TableTransform(seed=s).fit, frame, schema)[1] for s in range(3)]
    transform = TableTransform(seed=0).fit(frame, schema)
    big = frame.sample(BIG_ROWS, replace=True, random_state=0).reset_index(drop=True)
    matrix, transform_s = timed(transform.transform, big)
    _, inverse_s = timed(transform.inverse, matrix)
    fit_s = float(np.median(fits))
    print(
        f"rows x columns         : {frame.shape[0]} x {frame.shape[1]} -> width {transform.width}"
    )
    print(f"read bundled file      : {read_s:6.2f} s")
    print(f"infer schema           : {infer_s:6.2f} s")
    print(
        f"fit transform (median) : {fit_s:6.2f} s   target {FIT_TARGET_S} s  "
        f"ratio {FIT_TARGET_S / fit_s:.1f}x under"
    )
    print(
        f"transform {BIG_ROWS:,} rows : {transform_s:6.2f} s   target {TRANSFORM_TARGET_S} s  "
        f"ratio {TRANSFORM_TARGET_S / transform_s:.1f}x under"
    )
    print(f"inverse {BIG_ROWS:,} rows   : {inverse_s:6.2f} s")


if __name__ == "__main__":
    main()
