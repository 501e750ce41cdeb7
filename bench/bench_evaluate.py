"""Speed of the whole evaluation on Adult-sized data: seconds per part, total, and the report.

Real rows: Adult's 80 % training split (seed 0, about 26,000 x 15); holdout: the other 20 %.
Synthetic rows: as many, each column shuffled on its own (no model needed), or with
``--gan EPOCHS`` a sample of this project's CTGAN trained that many epochs (needs torch).
Target on 2 cores: the evaluation (every part, usefulness included) under 30 s.

``--table sales`` scores the seeded sales export of ``tests/sales_table.py`` instead (4,000
orders, about 10,000 lines, target Segment), ``--table orders`` the 10,000 shop orders of
``bench/tables.py`` (target segment); ``--keys-as-categories`` learns the sales export's repeating
keys as categories (what the app did before they were identifiers). ``--profile N`` prints the
N functions that took the most time.

Run: .venv/bin/python bench/bench_evaluate.py [--table adult|sales|orders] [--gan 5] [--repeat 2]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED_ADULT = ROOT.parent / "shared" / "data" / "adult.csv"
TARGET_S = 30.0


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def shuffled_columns(frame: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: frame[c].to_numpy()[rng.permutation(len(frame))] for c in frame})


def gan_sample(train: pd.DataFrame, schema, epochs: int) -> pd.DataFrame:
    from synth_core.config import TrainingConfig
    from synth_core.synthesizer import Synthesizer

    config = TrainingConfig(epochs=epochs, eval_every=0, device="cpu", seed=0)
    synth, fit_s = timed(Synthesizer(config).fit, train, schema)
    print(f"trained CTGAN for {epochs} epochs in {fit_s:.1f} s")
    return synth.sample(len(train), seed=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gan", type=int, metavar="EPOCHS", help="synthetic rows from a CTGAN")
    parser.add_argument("--repeat", type=int, default=1, help="evaluations to time")
    parser.add_argument("--table", default="adult", choices=("adult", "sales", "orders"))
    parser.add_argument("--keys-as-categories", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--target", help="the column to predict (default: the table's)")
    args = parser.parse_args()

    (modules, import_s) = timed(_import)
    evaluate, html_report, holdout_split, infer_schema, read_table, load_demo = modules
    source, frame, target = _table(args.table, read_table, load_demo)
    target = args.target or target
    schema = infer_schema(frame)
    if args.keys_as_categories:
        for name in ("Order ID", "Customer ID", "Product ID"):
            schema = schema.with_changes(name, kind="categorical", include=True)
    train, holdout = holdout_split(frame, 0.2, seed=0)
    if args.gan:
        synthetic, kind = gan_sample(train, schema, args.gan), f"CTGAN, {args.gan} epochs"
    else:
        synthetic, kind = shuffled_columns(train), "each column shuffled"

    print(f"data: {source}; real {train.shape[0]:,} x {train.shape[1]}, holdout {len(holdout):,}")
    print(f"synthetic: {len(synthetic):,} rows ({kind}); target column: {target}")
    print(f"columns scored: {', '.join(schema.included_names)}")
    print(f"load average before: {_load()}")
    print(f"import (sdmetrics, scikit-learn, ...): {import_s:5.1f} s (once per process)")
    totals = []
    for run in range(1, args.repeat + 1):
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        evaluation, total = timed(
            evaluate, train, synthetic, schema, holdout=holdout, target=target, seed=0
        )
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        totals.append(total)
        parts = "  ".join(f"{part} {seconds:.2f}" for part, seconds in evaluation.timings.items())
        print(f"run {run}: {parts}")
        print(
            f"run {run}: total {total:5.1f} s   target {TARGET_S:.0f} s   ratio "
            f"{TARGET_S / total:.1f}x under"
        )
    report, report_s = timed(html_report, evaluation, settings={"bench": "bench_evaluate.py"})
    print(f"HTML report: {report_s:.2f} s, {len(report) / 1e6:.1f} MB")
    quality = evaluation.quality
    print(
        f"scores: quality {quality.quality:.3f} (shapes {quality.column_shapes:.3f}, "
        f"trends {quality.column_pair_trends:.3f}), diagnostic {evaluation.diagnostic.score:.3f}"
    )
    utility, privacy = evaluation.ml_utility, evaluation.privacy
    print(
        f"usefulness: {utility.metric} {utility.synthetic:.3f} vs {utility.real:.3f} real; "
        f"privacy: {privacy.exact_copies} copies, DCR share {privacy.dcr_share:.3f}, "
        f"NNDR {privacy.nndr:.2f} (holdout {privacy.nndr_holdout:.2f})"
    )
    detection, coverage = evaluation.detection, evaluation.precision_recall
    print(
        f"realism: detection ROC AUC {detection.auc:.3f} ({detection.rows:,} rows each); "
        f"precision {coverage.precision:.3f}, recall {coverage.recall:.3f} (k = {coverage.k})"
    )
    for note in evaluation.notes:
        print(f"note: {note}")
    print(f"load average after: {_load()}")


def _table(name: str, read_table, load_demo):
    """(where it comes from, the frame, the target column)."""
    if name == "sales":
        from tests.sales_table import sales_orders

        return "tests/sales_table.py (4,000 orders)", sales_orders(orders=4000, seed=0), "Segment"
    if name == "orders":
        from bench.tables import orders

        return "bench/tables.py orders", orders().frame, "segment"
    if SHARED_ADULT.exists():
        return SHARED_ADULT, read_table(SHARED_ADULT).frame, "income"
    return "bundled demo", load_demo().frame, "income"


def _import():
    from synth_core.evaluation.evaluate import evaluate
    from synth_core.reporting.report import html_report
    from synth_core.schema import infer_schema
    from synth_core.tables import read_table
    from synth_core.tables.datasets import load_demo
    from synth_core.tables.split import holdout_split

    return evaluate, html_report, holdout_split, infer_schema, read_table, load_demo


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
