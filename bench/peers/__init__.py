"""Peers run in their own virtual environments, reached through a subprocess.

``run_tabularargn`` writes the training rows to a temporary CSV, runs
``bench/peers/tabularargn_run.py`` with the peer venv's python (``--tabularargn-python``, else
the ``TABULARARGN_PYTHON`` environment variable, else ``/work/venvs/mostly/bin/python``), and
reads the synthetic rows back with this project's own reader (``read_table``), so that they come
back in the same representation as the training table.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from synth_core.openmp import SETTINGS as OPENMP_SETTINGS
from synth_core.tables import read_table

SCRIPT = Path(__file__).resolve().parent / "tabularargn_run.py"
PYTHON_ENV = "TABULARARGN_PYTHON"
DEFAULT_PYTHON = "/work/venvs/mostly/bin/python"


@dataclass
class PeerRun:
    synthetic: pd.DataFrame
    process_s: float  # the whole process: start-up, import, reading, training, sampling, writing
    info: dict = field(default_factory=dict)  # what the script reported (fit_s, sample_s, ...)


def tabularargn_python(option: str | None = None) -> str:
    python = option or os.environ.get(PYTHON_ENV) or DEFAULT_PYTHON
    if not Path(python).exists():
        raise FileNotFoundError(
            f"No python for TabularARGN at {python}: create its venv as bench/README.md says, "
            f"or point --tabularargn-python or {PYTHON_ENV} at it."
        )
    return python


def run_tabularargn(
    train: pd.DataFrame,
    rows: int,
    *,
    minutes: float = 2.0,
    seed: int = 0,
    python: str | None = None,
    threads: int = 2,
    timeout_s: float | None = None,
) -> PeerRun:
    """Fit TabularARGN on ``train`` in its own process and return ``rows`` synthetic rows."""
    python = tabularargn_python(python)
    with tempfile.TemporaryDirectory(prefix="tabularargn-") as folder:
        train_path, out_path = Path(folder) / "train.csv", Path(folder) / "synthetic.csv"
        train.to_csv(train_path, index=False)
        command = [
            python,
            str(SCRIPT),
            str(train_path),
            str(out_path),
            f"--rows={rows}",
            f"--minutes={minutes}",
            f"--seed={seed}",
            f"--threads={threads}",
        ]
        start = time.perf_counter()
        # The peer runs as its own users run it: without this project's OpenMP setting.
        env = {k: v for k, v in os.environ.items() if k not in OPENMP_SETTINGS}
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout_s or minutes * 60 + 600,
        )
        process_s = time.perf_counter() - start
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).splitlines()[-15:])
            raise RuntimeError(f"TabularARGN failed (exit {done.returncode}):\n{tail}")
        info = json.loads(done.stdout.strip().splitlines()[-1])
        synthetic = read_table(out_path).frame
    return PeerRun(synthetic[list(train.columns)], process_s, info)
