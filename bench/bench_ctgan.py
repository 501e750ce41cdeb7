"""This project's CTGAN against the reference ``ctgan`` package, side by side on Adult.

Same split (80 % train, seed 0), same epochs, batch size 500 and pac 10. Prints transform fit
seconds, seconds per epoch, sampling rows/s and SDMetrics quality for each, with the ratios; then
this project's quality after a fixed training-time budget.

Setup (bench-only requirement): .venv/bin/pip install -r requirements-bench.txt
Run:   .venv/bin/python bench/bench_ctgan.py [--epochs 10] [--budget 30] [--device cpu]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth_core.config import TrainingConfig  # noqa: E402
from synth_core.evaluate import quality_scores  # noqa: E402
from synth_core.io import read_table  # noqa: E402
from synth_core.schema import infer_schema  # noqa: E402
from synth_core.synthesizer import Synthesizer  # noqa: E402
from synth_core.transform import DISCRETE_KINDS, TableTransform  # noqa: E402

SHARED_ADULT = ROOT.parent / "shared" / "data" / "adult.csv"
BUNDLED_ADULT = ROOT / "synth_core" / "datasets" / "adult.csv.gz"
SAMPLE_ROWS = 20_000


def load_split(seed: int = 0):
    path = SHARED_ADULT if SHARED_ADULT.exists() else BUNDLED_ADULT
    frame = read_table(path).frame
    train = frame.sample(frac=0.8, random_state=seed)
    return path, train.reset_index(drop=True)


def run_ours(train, schema, epochs: int, device: str, max_seconds: float | None = None):
    start = time.perf_counter()
    TableTransform(seed=0).fit(train, schema)
    transform_s = time.perf_counter() - start
    config = TrainingConfig(
        epochs=epochs, batch_size=500, pac=10, device=device, eval_every=0, max_seconds=max_seconds
    )
    start = time.perf_counter()
    synth = Synthesizer(config).fit(train, schema)
    fit_s = time.perf_counter() - start
    snap = synth.progress_.snapshot()
    start = time.perf_counter()
    synthetic = synth.sample(SAMPLE_ROWS, seed=1)
    sample_s = time.perf_counter() - start
    return {
        "transform_fit_s": transform_s,
        "epochs": snap.epoch,
        "train_s": snap.elapsed,
        "fit_s": fit_s,
        "s_per_epoch": snap.elapsed / max(snap.epoch, 1),
        "rows_per_s": SAMPLE_ROWS / sample_s,
        "scores": quality_scores(train, synthetic, schema),
    }


def run_reference(train, schema, epochs: int, device: str):
    from ctgan import CTGAN
    from ctgan.data_transformer import DataTransformer

    # Time the reference's own preprocessing inside its fit, so per-epoch time excludes it.
    spent = {"fit": 0.0, "transform": 0.0}

    def timed_method(name):
        original = getattr(DataTransformer, name)

        def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return original, wrapper

    originals = {}
    for name in spent:
        originals[name], wrapper = timed_method(name)
        setattr(DataTransformer, name, wrapper)
    discrete = [c.name for c in schema.included if c.kind in DISCRETE_KINDS]
    data = train[schema.included_names]
    model = CTGAN(epochs=epochs, batch_size=500, pac=10, enable_gpu=device != "cpu")
    try:
        start = time.perf_counter()
        model.fit(data, discrete)
        fit_s = time.perf_counter() - start
    finally:
        for name, original in originals.items():
            setattr(DataTransformer, name, original)
    train_s = fit_s - spent["fit"] - spent["transform"]
    start = time.perf_counter()
    synthetic = model.sample(SAMPLE_ROWS)
    sample_s = time.perf_counter() - start
    return {
        "transform_fit_s": spent["fit"],
        "epochs": epochs,
        "train_s": train_s,
        "fit_s": fit_s,
        "s_per_epoch": train_s / epochs,
        "rows_per_s": SAMPLE_ROWS / sample_s,
        "scores": quality_scores(train, synthetic, schema),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds for the budget run")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args()

    path, train = load_split()
    schema = infer_schema(train)
    print(
        f"data: {path.name}, train rows {len(train)}, device {args.device}, "
        f"torch threads {torch.get_num_threads()}, epochs {args.epochs}"
    )
    ours = run_ours(train, schema, args.epochs, args.device)
    rows = [("synth-studio ctgan", ours)]
    if not args.skip_reference:
        rows.append(
            ("reference ctgan 0.12.1", run_reference(train, schema, args.epochs, args.device))
        )
    header = f"{'system':<24}{'transform fit s':>16}{'s/epoch':>10}{'sample rows/s':>15}"
    print(header + f"{'quality':>9}{'shapes':>8}{'trends':>8}")
    for name, r in rows:
        s = r["scores"]
        print(
            f"{name:<24}{r['transform_fit_s']:>16.2f}{r['s_per_epoch']:>10.2f}"
            f"{r['rows_per_s']:>15,.0f}{s.quality:>9.3f}{s.column_shapes:>8.3f}"
            f"{s.column_pair_trends:>8.3f}"
        )
    if len(rows) == 2:
        ref = rows[1][1]
        print(
            f"ratios (ours vs reference): transform fit "
            f"{ref['transform_fit_s'] / ours['transform_fit_s']:.1f}x faster, per-epoch "
            f"{ref['s_per_epoch'] / ours['s_per_epoch']:.2f}x faster, sampling "
            f"{ours['rows_per_s'] / ref['rows_per_s']:.1f}x faster, quality "
            f"{ours['scores'].quality - ref['scores'].quality:+.3f}"
        )
    if args.budget:
        budget = run_ours(train, schema, 10_000, args.device, max_seconds=args.budget)
        s = budget["scores"]
        print(
            f"budget {args.budget:g} s: {budget['epochs']} epochs in {budget['train_s']:.1f} s, "
            f"quality {s.quality:.3f} (shapes {s.column_shapes:.3f}, trends "
            f"{s.column_pair_trends:.3f})"
        )


if __name__ == "__main__":
    main()
