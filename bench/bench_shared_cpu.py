"""Training on a machine something else is using too: OpenMP's wait policy.

PyTorch's CPU threads wait for each other at every operation, spinning (GNU OpenMP: 300,000
times) before they sleep: cheap on an idle machine, ruinous when another process (a second
user's scoring, a browser, a benchmark) wants the same cores, since the spinning threads hold
them while the thread they wait for is not running. ``synth_core.openmp`` makes the command
line and the app spin 1,000 times; ``PASSIVE`` makes them sleep at once.

Each fit is a whole ``python -m synth_core fit`` process (the Quick demo preset, every default)
on one table, alone and beside a process multiplying matrices on both cores, with each policy;
the table is the orders table generated here (``tables.orders``) unless ``--file`` names one.

    .venv/bin/python bench/bench_shared_cpu.py [--rows 40000] [--repeats 3] [--file T.csv]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from tables import orders  # noqa: E402

LOAD = (
    "import numpy as np, time\n"
    "a = np.random.rand(1500, 1500)\n"
    "end = time.time() + {seconds}\n"
    "while time.time() < end:\n"
    "    a @ a\n"
)
POLICIES = {  # the entry points set 1,000 spins unless the environment says otherwise
    "300,000 spins (OpenMP's default)": {"GOMP_SPINCOUNT": "300000"},
    "10,000 spins": {"GOMP_SPINCOUNT": "10000"},
    "1,000 spins (Synth Studio's)": {},
    "passive": {"OMP_WAIT_POLICY": "PASSIVE"},
}
SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
SAVED = re.compile(
    r"saved .*\((?P<model>\w+), (?P<epochs>\d+) epochs?, (?P<rows>[\d,]+) rows seen, "
    r"(?P<seconds>[\d.]+) s\)"
)


def fit(table: Path, out: Path, policy: dict[str, str]) -> tuple[float, float, int, int]:
    """(process seconds, training seconds, epochs, rows seen) of one fit process."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS} | policy
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "synth_core", "fit", str(table), "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    saved = SAVED.search(done.stdout + done.stderr)
    rows = int(saved["rows"].replace(",", ""))
    return seconds, float(saved["seconds"]), int(saved["epochs"]), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--file", help="a table to fit instead of the generated orders")
    args = parser.parse_args()
    print(f"load average at the start {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    print("| machine | wait policy | process s (each run) | training s | epochs | rows per s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        table = Path(args.file) if args.file else Path(folder) / "orders.csv"
        if not args.file:
            orders(args.rows).frame.to_csv(table, index=False)
        for loaded in (False, True):
            for name, policy in POLICIES.items():
                runs = []
                for _ in range(args.repeats):
                    load = None
                    if loaded:
                        code = LOAD.format(seconds=120)
                        load = subprocess.Popen([sys.executable, "-c", code])
                        time.sleep(1.0)
                    try:
                        runs.append(fit(table, Path(folder) / "model.synth", policy))
                    finally:
                        if load is not None:
                            load.kill()
                            load.wait()
                whole = ", ".join(f"{run[0]:.1f}" for run in runs)
                training = ", ".join(f"{run[1]:.1f}" for run in runs)
                epochs = ", ".join(str(run[2]) for run in runs)
                speed = sum(run[3] for run in runs) / sum(run[1] for run in runs)
                print(
                    f"| {'beside a busy process' if loaded else 'idle'} | {name} | {whole} | "
                    f"{training} | {epochs} | {speed:,.0f} |",
                    flush=True,
                )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
