"""How soon Stop ends a fit in each of its stages, on a big table (issue 21, case 2).

The Adult table resampled with replacement (seed 0) to ``--rows`` rows, in memory. For each stage
a fit goes through (fitting the encoding, encoding the rows, building the model, training), a
Quick-preset fit runs in a thread; once its progress names that stage (plus ``--into`` seconds),
the stop event the app's Stop button sets is set, and the seconds until the fit has ended are
printed, with what it ended with (no model before the first epoch) and the process's peak memory.

Run: .venv/bin/python bench/bench_stop_fit.py [--rows 1000000] [--into 0.5]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth_core.errors import Stopped  # noqa: E402
from synth_core.schema import infer_schema  # noqa: E402
from synth_core.synthesizer import Synthesizer  # noqa: E402
from synth_core.tables.datasets import load_demo  # noqa: E402
from synth_core.training.presets import preset_config  # noqa: E402
from synth_core.training.progress import TrainingProgress  # noqa: E402

STAGES = (
    "preparing: fitting the encoding",
    "preparing: encoding",
    "preparing: building",
    "training",
)
WAIT_FOR_STAGE_S = 600.0


def stop_in(stage: str, frame: pd.DataFrame, schema, into: float) -> tuple[float, str]:
    """Seconds from Stop (set ``into`` seconds after the fit enters ``stage``) to the fit's end,
    and how it ended."""
    progress, stop, ended = TrainingProgress(), threading.Event(), {}

    def fit() -> None:
        try:
            Synthesizer(preset_config("quick")).fit(frame, schema, progress=progress, stop=stop)
            ended["how"] = "a model (stopped after an epoch)"
        except Stopped:
            ended["how"] = "no model (Stopped)"

    worker = threading.Thread(target=fit, daemon=True)
    worker.start()
    deadline = time.monotonic() + WAIT_FOR_STAGE_S
    while not progress.snapshot().stage.startswith(stage) and worker.is_alive():
        if time.monotonic() > deadline:
            raise SystemExit(f"the fit never reached {stage!r}")
        time.sleep(0.01)
    time.sleep(into)
    pressed = time.monotonic()
    stop.set()
    worker.join()
    return time.monotonic() - pressed, ended.get("how", "it had ended before Stop")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--into", type=float, default=0.5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    os.environ.setdefault("SYNTH_MAX_ROWS", str(max(args.rows, 2_000_000)))
    adult = load_demo().frame
    frame = adult.sample(args.rows, replace=True, random_state=0).reset_index(drop=True)
    schema = infer_schema(frame)
    print(f"{args.rows:,} rows x {frame.shape[1]}; load average {os.getloadavg()[0]:.2f}")
    print("| Stop pressed while | seconds to the end | ended with |\n|---|---|---|")
    for stage in STAGES:
        seconds, how = stop_in(stage, frame, schema, args.into)
        print(f"| {stage} (+{args.into} s) | {seconds:.2f} | {how} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process {peak:,.0f} MB; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
