"""Tables for the benchmarks, each with the column a model is asked to predict (train on
synthetic, test on real). Nothing is downloaded: every table of the corpus (``corpus.py``: Adult,
bundled with the app or read from ``../shared``, scikit-learn's breast-cancer table, and the real
tables that bench-only packages ship) plus the orders table, generated here from a seed.

``TABLES`` maps a name to a function returning a :class:`BenchTable`; tables larger than
``corpus.BENCH_ROWS`` rows are a seeded sample. Adult, breast_cancer and orders need no
bench-only package."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import BENCH_ROWS, CORPUS, sample_rows  # noqa: E402


@dataclass(frozen=True)
class BenchTable:
    name: str
    frame: pd.DataFrame
    target: str
    about: str


def corpus_table(name: str) -> BenchTable:
    """A table of the corpus (``corpus.CORPUS``), sampled to ``corpus.BENCH_ROWS`` rows."""
    table = CORPUS[name]
    whole = table.load()
    frame = sample_rows(whole, BENCH_ROWS)
    if table.read_as_upload:
        from synth_core.tables import read_table

        frame = read_table(frame.to_csv(index=False).encode()).frame
    about = f"{len(frame):,} x {frame.shape[1]}"
    if len(frame) < len(whole):
        about += f", a seeded sample of {len(whole):,} rows"
    return BenchTable(name, frame, table.target, about)


def adult() -> BenchTable:
    """UCI Adult: 32,561 rows, 6 numbers and 9 categories (all rows, never sampled)."""
    frame = CORPUS["adult"].frame(max_rows=None)
    return BenchTable("adult", frame, "income", "32,561 x 15, mixed")


def breast_cancer() -> BenchTable:
    """Wisconsin breast cancer (scikit-learn's copy): 569 rows, 30 measurements and a label."""
    return BenchTable(
        "breast_cancer", CORPUS["breast_cancer"].load(), "diagnosis", "569 x 31, small and numeric"
    )


def orders(rows: int = 10_000, seed: int = 0) -> BenchTable:
    """Shop orders made up from a seed: dates with a weekly and a yearly rhythm, 60 stores,
    25 product lines with their own price levels, quantities, discounts, totals and returns
    that depend on the other columns."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    weight = np.asarray(
        1 + 0.5 * (days.dayofweek >= 5) + 0.3 * np.sin(2 * np.pi * days.dayofyear / 365)
    )
    date = rng.choice(days.to_numpy(), rows, p=weight / weight.sum())
    stores = [f"store-{i:02d}" for i in range(60)]
    store = rng.choice(stores, rows, p=_zipf(len(stores), rng))
    lines = [f"line-{chr(65 + i)}" for i in range(25)]
    line_index = rng.choice(len(lines), rows, p=_zipf(len(lines), rng))
    base_price = np.exp(rng.normal(3, 1, len(lines)))
    price = np.round(base_price[line_index] * np.exp(rng.normal(0, 0.15, rows)), 2)
    segment = rng.choice(["consumer", "business", "staff"], rows, p=[0.7, 0.25, 0.05])
    quantity = 1 + rng.poisson(np.where(segment == "business", 6, 1.2))
    discount = np.where(
        segment == "staff", 0.3, np.where(rng.random(rows) < 0.2, rng.choice([0.1, 0.2], rows), 0)
    )
    total = np.round(quantity * price * (1 - discount), 2)
    returned = rng.random(rows) < 0.03 + 0.1 * discount + 0.02 * (line_index % 5 == 0)
    frame = pd.DataFrame(
        {
            "order_date": pd.to_datetime(date).strftime("%Y-%m-%d"),
            "store": store,
            "product_line": np.asarray(lines)[line_index],
            "segment": segment,
            "quantity": quantity,
            "unit_price": price,
            "discount": discount,
            "total": total,
            "returned": np.where(returned, "yes", "no"),
        }
    )
    return BenchTable("orders", frame, "segment", f"{rows:,} x 9, dates and many categories")


def _zipf(n: int, rng: np.random.Generator) -> np.ndarray:
    weights = 1 / np.arange(1, n + 1) ** 0.8
    rng.shuffle(weights)
    return weights / weights.sum()


_OWN = ("adult", "breast_cancer")  # corpus tables with their own loader above
TABLES = {
    "adult": adult,
    "breast_cancer": breast_cancer,
    "orders": orders,
    **{
        name: partial(corpus_table, name)
        for name in CORPUS
        if name not in ("adult", "breast_cancer")
    },
}
#: The tables a benchmark runs when none are named (no bench-only package needed).
DEFAULT_TABLES = ("adult", "breast_cancer", "orders")


def table_names(spec: str) -> list[str]:
    """Names from a comma-separated list; 'corpus' stands for every corpus table."""
    names: list[str] = []
    for item in spec.split(","):
        for name in CORPUS if item == "corpus" else [item]:
            if name not in TABLES:
                raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
            if name not in names:
                names.append(name)
    return names
