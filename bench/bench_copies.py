"""The copy filter by risk: rows removed (copies of combinations fewer than 5 training rows share)
and rows kept (equal to common combinations) on three tables, with the Quick demo preset.

Before the filter judged copies by risk, every copy was removed: removed + kept.

    PYTHONPATH=. python bench/bench_copies.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.tables import read_table
from synth_core.tables.datasets import load_demo
from synth_core.training.presets import preset_config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.sales_table import sales_orders  # noqa: E402


def tables() -> dict[str, pd.DataFrame]:
    return {
        "adult": load_demo().frame,
        "sales (seeded, 2,000 orders)": sales_orders(orders=2000, seed=0),
        "titanic (corpus, 4 columns learned)": read_table(
            ROOT / "tests" / "fixtures" / "corpus" / "titanic.csv"
        ).frame,
        "one category (3 values, 500 rows)": pd.DataFrame(
            {"colour": np.resize(["red", "green", "blue"], 500)}
        ),
    }


def main() -> None:
    for name, frame in tables().items():
        schema = infer_schema(frame)
        started = time.monotonic()
        synth = Synthesizer(preset_config("quick", seed=0, device="cpu")).fit(frame, schema)
        result = synth.generate(len(frame), seed=1)
        print(
            f"{name}: {len(frame):,} rows, {len(synth.columns)} columns learned; "
            f"{result.copies_removed:,} removed, {result.common_copies_kept:,} kept "
            f"(before: {result.copies_removed + result.common_copies_kept:,} removed); "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
