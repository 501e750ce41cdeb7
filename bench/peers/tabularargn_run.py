"""Fit MOSTLY AI's TabularARGN (``mostlyai-engine``) on a CSV and write synthetic rows to a CSV.

Runs INSIDE the peer's own virtual environment (``mostlyai-engine`` 2.7.3 fails to import beside
torch 2.13; see bench/README.md for the setup), so it imports nothing from this project:

    /work/venvs/mostly/bin/python bench/peers/tabularargn_run.py TRAIN.csv OUT.csv \\
        --rows 1000 --minutes 2 --seed 0

The table is read with pandas' defaults, as a practitioner would read an export. The last line
printed is JSON: rows, columns, fit_s (``TabularARGN.fit``), sample_s, import_s, epochs if known.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

START = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", help="the training table (CSV with a header)")
    parser.add_argument("out", help="where to write the synthetic rows (CSV)")
    parser.add_argument("--rows", type=int, help="rows to generate (default: as many as train)")
    parser.add_argument("--minutes", type=float, default=2.0, help="max_training_time")
    parser.add_argument("--max-epochs", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--verbose", type=int, default=0)
    args = parser.parse_args()

    warnings.filterwarnings("ignore")
    import pandas as pd
    import torch
    from mostlyai.engine import TabularARGN

    torch.set_num_threads(args.threads)
    import_s = time.perf_counter() - START
    train = pd.read_csv(args.train)
    model = TabularARGN(
        max_training_time=args.minutes,
        max_epochs=args.max_epochs,
        random_state=args.seed,
        device="cpu",
        verbose=args.verbose,
    )
    start = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = model.sample(n_samples=args.rows or len(train))
    sample_s = time.perf_counter() - start
    synthetic.to_csv(args.out, index=False)
    print(f"TabularARGN: fit {fit_s:.1f} s, sampled {len(synthetic):,} rows in {sample_s:.1f} s")
    print(
        json.dumps(
            {
                "rows": len(synthetic),
                "columns": synthetic.shape[1],
                "fit_s": fit_s,
                "sample_s": sample_s,
                "import_s": import_s,
                "torch": torch.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
