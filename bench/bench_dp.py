"""What differential privacy costs on Adult: quality and usefulness at ε = 10, 3, 1 and without.

Real rows: Adult's 80 % training split (seed 0); holdout: the other 20 %. For each setting this
project's CTGAN (defaults, the given epochs, seed 0) is trained on the training split and
samples as many rows, which ``synth_core.evaluation.evaluate`` scores: SDMetrics quality, and
train-on-synthetic usefulness (macro-F1 predicting income, tested on the holdout; real rows
give the reference). δ = 1 / (10 rows). Also printed: the ε actually spent, the noise, the
exact-copy and DCR shares.

Run: .venv/bin/python bench/bench_dp.py [--epochs 10] [--epsilons off,10,3,1] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--epsilons", default="off,10,3,1", help="comma-separated; off: no DP")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variant", default="ctgan", choices=("ctgan", "wgan-gp"))
    args = parser.parse_args()

    from synth_core.config import TrainingConfig
    from synth_core.evaluation.evaluate import evaluate
    from synth_core.schema import infer_schema
    from synth_core.synthesizer import Synthesizer
    from synth_core.tables.datasets import load_demo
    from synth_core.tables.split import holdout_split

    frame = load_demo().frame
    schema = infer_schema(frame)
    train, holdout = holdout_split(frame, 0.2, seed=0)
    print(f"Adult: train {len(train):,} x {train.shape[1]}, holdout {len(holdout):,}")
    print(f"{args.variant}, {args.epochs} epochs, seed 0, {args.threads} threads")
    columns = "setting, ε spent, noise σ, fit s, quality, shapes, pairs, macro-F1, copies, DCR"
    print("| " + " | ".join(columns.split(", ")) + " |")
    print("|---" * 10 + "|")
    for raw in args.epsilons.split(","):
        epsilon = None if raw.strip() == "off" else float(raw)
        config = TrainingConfig(
            variant=args.variant,
            epochs=args.epochs,
            eval_every=0,
            device="cpu",
            seed=0,
            threads=args.threads,
            dp_epsilon=epsilon,
        )
        started = time.perf_counter()
        synth = Synthesizer(config).fit(train, schema)
        fit_s = time.perf_counter() - started
        synthetic = synth.sample(len(train), seed=1)
        ev = evaluate(train, synthetic, schema, holdout=holdout, target="income", seed=0)
        record = synth.privacy_
        spent = "–" if record is None else f"{record.epsilon:.2f}"
        noise = "–" if record is None else f"{record.noise_multiplier:.2f}"
        utility = ev.ml_utility
        f1 = f"{utility.synthetic:.3f} (real {utility.real:.3f})" if utility else "–"
        print(
            f"| {'no DP' if epsilon is None else f'ε = {epsilon:g}'} | {spent} | {noise} | "
            f"{fit_s:.0f} | {ev.quality.quality:.3f} | {ev.quality.column_shapes:.3f} | "
            f"{ev.quality.column_pair_trends:.3f} | {f1} | "
            f"{ev.privacy.exact_copy_share:.1%} | {ev.privacy.dcr_share:.1%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
