"""This project's CTGAN against the reference ``ctgan`` package, side by side on Adult.

Same split (80 % train, seed 0), same epochs, batch size 500 and pac 10. Prints transform fit
seconds, seconds per epoch, sampling rows/s and SDMetrics quality for each, with the ratios; then
this project's CTGAN's quality after a fixed training-time budget with the ``quick`` preset's
settings for it. With several ``--seeds`` both systems train once per seed, alternately, and the
means are compared.

Setup (bench-only requirement): .venv/bin/pip install -r requirements-bench.txt
Run:   .venv/bin/python bench/bench_ctgan.py [--epochs 10] [--budget 30] [--seeds 0,1,2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth_core.config import TrainingConfig  # noqa: E402
from synth_core.encoding.transform import TableTransform  # noqa: E402
from synth_core.evaluation.evaluate import quality_scores  # noqa: E402
from synth_core.schema import DISCRETE_KINDS, infer_schema  # noqa: E402
from synth_core.synthesizer import Synthesizer  # noqa: E402
from synth_core.tables import read_table  # noqa: E402
from synth_core.training.presets import preset_config  # noqa: E402

SHARED_ADULT = ROOT.parent / "shared" / "data" / "adult.csv"
BUNDLED_ADULT = ROOT / "synth_core" / "tables" / "datasets" / "adult.csv.gz"
SAMPLE_ROWS = 20_000


def load_split(seed: int = 0):
    path = SHARED_ADULT if SHARED_ADULT.exists() else BUNDLED_ADULT
    frame = read_table(path).frame
    train = frame.sample(frac=0.8, random_state=seed)
    return path, train.reset_index(drop=True)


def run_ours(
    train, schema, epochs: int, device: str, seed: int = 0, config: TrainingConfig | None = None
):
    start = time.perf_counter()
    TableTransform(seed=seed).fit(train, schema)
    transform_s = time.perf_counter() - start
    config = config or TrainingConfig(
        epochs=epochs, batch_size=500, pac=10, device=device, eval_every=0, seed=seed
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
        "s_per_step": snap.elapsed / max(snap.step, 1),
        "rows_per_s": SAMPLE_ROWS / sample_s,
        "scores": quality_scores(train, synthetic, schema),
    }


def run_reference(train, schema, epochs: int, device: str, seed: int = 0):
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
    model.set_random_state(seed)
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
        # The reference's epoch: len(data) // batch_size steps (ours holds 256 rows back for the
        # accuracy probe, so it has one step fewer on Adult: the per-step ratio is the fair one).
        "s_per_step": train_s / (epochs * max(len(data) // 500, 1)),
        "rows_per_s": SAMPLE_ROWS / sample_s,
        "scores": quality_scores(train, synthetic, schema),
    }


def print_rows(rows) -> None:
    header = f"{'system':<30}{'transform fit s':>16}{'s/epoch':>10}{'ms/step':>9}"
    print(header + f"{'sample rows/s':>15}{'quality':>9}{'shapes':>8}{'trends':>8}")
    for name, r in rows:
        s = r["scores"]
        print(
            f"{name:<30}{r['transform_fit_s']:>16.2f}{r['s_per_epoch']:>10.2f}"
            f"{1000 * r['s_per_step']:>9.1f}"
            f"{r['rows_per_s']:>15,.0f}{s.quality:>9.3f}{s.column_shapes:>8.3f}"
            f"{s.column_pair_trends:>8.3f}"
        )


def mean(runs, key: str) -> float:
    """Mean of a figure over runs; quality, shapes and trends are read from the scores."""
    scores = {"quality": "quality", "shapes": "column_shapes", "trends": "column_pair_trends"}
    if key in scores:
        return statistics.fmean(getattr(r["scores"], scores[key]) for r in runs)
    return statistics.fmean(r[key] for r in runs)


def spread(values) -> str:
    return f" ± {statistics.stdev(values):.3f}" if len(values) > 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds for the budget run")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seeds", default="0", help="comma-separated training seeds")
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]

    path, train = load_split()
    schema = infer_schema(train)
    print(
        f"data: {path.name}, train rows {len(train)}, device {args.device}, "
        f"torch threads {torch.get_num_threads()}, epochs {args.epochs}, seeds {seeds}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    ours, refs = [], []
    for seed in seeds:  # alternate the systems so that a load change hits both
        ours.append(run_ours(train, schema, args.epochs, args.device, seed))
        if not args.skip_reference:
            refs.append(run_reference(train, schema, args.epochs, args.device, seed))
        rows = [(f"synth-studio ctgan, seed {seed}", ours[-1])]
        rows += [(f"reference ctgan 0.12.1, seed {seed}", refs[-1])] if refs else []
        print_rows(rows)
    for name, runs in (("synth-studio ctgan", ours), ("reference ctgan 0.12.1", refs)):
        if runs:
            quality = [r["scores"].quality for r in runs]
            print(
                f"{name}: mean over {len(runs)} seed(s): {mean(runs, 's_per_epoch'):.2f} s/epoch,"
                f" quality {statistics.fmean(quality):.3f}{spread(quality)}, shapes "
                f"{mean(runs, 'shapes'):.3f}, trends {mean(runs, 'trends'):.3f}"
            )
    if refs:
        per_epoch = [statistics.median(r["s_per_epoch"] for r in runs) for runs in (refs, ours)]
        per_step = [statistics.median(r["s_per_step"] for r in runs) for runs in (refs, ours)]
        print(
            f"per-epoch ratio of the medians over seeds (robust to a load spike on one run): "
            f"{per_epoch[0] / per_epoch[1]:.2f}x faster ({per_epoch[1]:.2f} against "
            f"{per_epoch[0]:.2f} s/epoch); per training step of 500 rows: "
            f"{per_step[0] / per_step[1]:.2f}x faster ({1000 * per_step[1]:.1f} against "
            f"{1000 * per_step[0]:.1f} ms)"
        )
        print(
            f"ratios (ours vs reference, means): transform fit "
            f"{mean(refs, 'transform_fit_s') / mean(ours, 'transform_fit_s'):.1f}x faster, "
            f"per-epoch {mean(refs, 's_per_epoch') / mean(ours, 's_per_epoch'):.2f}x faster, "
            f"sampling {mean(ours, 'rows_per_s') / mean(refs, 'rows_per_s'):.1f}x faster, "
            f"quality {mean(ours, 'quality') - mean(refs, 'quality'):+.3f}"
        )
    if args.budget:
        for seed in seeds:
            config = preset_config(
                "quick",
                variant="ctgan",
                max_seconds=args.budget,
                device=args.device,
                seed=seed,
                epochs=10_000,
            )
            budget = run_ours(train, schema, 0, args.device, seed, config)
            s = budget["scores"]
            print(
                f"budget {args.budget:g} s, quick preset (batch {config.batch_size}), seed {seed}: "
                f"{budget['epochs']} epochs in {budget['train_s']:.1f} s, quality {s.quality:.3f} "
                f"(shapes {s.column_shapes:.3f}, trends {s.column_pair_trends:.3f})"
            )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
