"""The near-copy filter's search: seconds to check generated rows against the training rows, by
the keyed search (``synth_core.privacy.distances.CloseSearch``) and by a search over every
coordinate (scikit-learn's brute force, as before the keyed one), with the count of near copies
each finds, which must be equal.

Each table is split 80/20 (seed 0); the filter learns its threshold from the 20 %, then checks
``--queries`` of those held-out rows (drawn with replacement, as generated rows would be) against
the 80 %. ``orders:N`` is the generated orders table with N rows, for the size of the app's
largest tables (a table repeated would have a threshold of 0: every row has a copy).

    .venv/bin/python bench/bench_near_copies.py --tables adult,flights,loans,orders:400000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.neighbors import NearestNeighbors

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tables import TABLES, orders  # noqa: E402

from synth_core.privacy.filters import near_copy_filter  # noqa: E402
from synth_core.schema import infer_schema  # noqa: E402
from synth_core.tables.split import holdout_split  # noqa: E402


def table_of(spec: str) -> pd.DataFrame:
    name, _, rows = spec.partition(":")
    return (orders(int(rows)) if rows else TABLES[name]()).frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default="adult,flights,loans,orders:400000")
    parser.add_argument("--queries", type=int, default=50_000)
    args = parser.parse_args()
    print(f"load average at the start {os.getloadavg()[0]:.2f}")
    print(
        "| table | training rows | coordinates | threshold | keyed | keyed s | every coordinate s "
        "| ratio | near copies keyed / every |\n|---|---|---|---|---|---|---|---|---|"
    )
    for spec in args.tables.split(","):
        frame = table_of(spec)
        train, holdout = holdout_split(frame, 0.2, seed=0)
        schema = infer_schema(train)
        columns = [info.name for info in schema.included]
        near = near_copy_filter(train[columns], holdout[columns], schema.included)
        queries = holdout[columns].sample(args.queries, replace=True, random_state=0)
        started = time.perf_counter()
        keyed = near.mask(queries)
        keyed_s = time.perf_counter() - started
        points, asked = near.space.embed(train[columns]), near.space.embed(queries)
        started = time.perf_counter()
        search = NearestNeighbors(n_neighbors=1, algorithm="brute").fit(points)
        every = search.kneighbors(asked)[0][:, 0] < near.threshold
        every_s = time.perf_counter() - started
        print(
            f"| {spec} | {len(train):,} | {points.shape[1]} | {near.threshold:.3g} | "
            f"{'yes' if near.search.keyed else 'no'} | {keyed_s:.2f} | {every_s:.2f} | "
            f"{every_s / max(keyed_s, 1e-9):.0f}x | {int(keyed.sum())} / {int(every.sum())} |",
            flush=True,
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
