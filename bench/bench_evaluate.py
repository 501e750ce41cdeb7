"""Speed of the whole evaluation on Adult-sized data: seconds per part, total, and the report.

Real rows: Adult's 80 % training split (seed 0, about 26,000 x 15); holdout: the other 20 %.
Synthetic rows: as many, each column shuffled on its own (no model needed), or with
``--gan EPOCHS`` a sample of this project's CTGAN trained that many epochs (needs torch).
Target on 2 cores: the evaluation (every part, usefulness included) under 30 s.

Run: .venv/bin/python bench/bench_evaluate.py [--gan 5] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
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
    args = parser.parse_args()

    (modules, import_s) = timed(_import)
    evaluate, html_report, holdout_split, infer_schema, read_table, load_demo = modules
    source = SHARED_ADULT if SHARED_ADULT.exists() else "bundled demo"
    frame = read_table(SHARED_ADULT).frame if SHARED_ADULT.exists() else load_demo().frame
    schema = infer_schema(frame)
    train, holdout = holdout_split(frame, 0.2, seed=0)
    if args.gan:
        synthetic, kind = gan_sample(train, schema, args.gan), f"CTGAN, {args.gan} epochs"
    else:
        synthetic, kind = shuffled_columns(train), "each column shuffled"

    print(f"data: {source}; real {train.shape[0]:,} x {train.shape[1]}, holdout {len(holdout):,}")
    print(f"synthetic: {len(synthetic):,} rows ({kind}); target column: income")
    print(f"load average before: {_load()}")
    print(f"import (sdmetrics, scikit-learn, ...): {import_s:5.1f} s (once per process)")
    totals = []
    for run in range(1, args.repeat + 1):
        evaluation, total = timed(
            evaluate, train, synthetic, schema, holdout=holdout, target="income", seed=0
        )
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
