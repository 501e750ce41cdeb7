"""The command lines ``tests/integration/test_cli.py`` checks, run in real processes.

Each process imports torch (several seconds of CPU), so all of them start in the background as
soon as the test session knows it will run the CLI tests (see ``tests/conftest.py``): they run
while other tests do, and the CLI tests only read the results.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tests.helpers import make_mixed_frame

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ADULT = REPO / "synth_core" / "tables" / "datasets" / "adult.csv.gz"
TRAINED_COLUMNS = ["age", "amount", "color", "joined"]  # 'member' and 'score' left out
TIMEOUT = 300


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


_LIVE: set[subprocess.Popen] = set()  # processes still running, killed at the session's end
_LIVE_LOCK = threading.Lock()


def cli(*args: str | Path) -> Run:
    """``python -m synth_core ARGS`` from the repository root."""
    argv = [str(a) for a in args]
    # One thread each: the processes run side by side, and idle OpenMP threads spin.
    # PYTHONWARNINGS: a warning would show on stderr and break the one-line rule.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "default"}
    process = subprocess.Popen(
        [sys.executable, "-m", "synth_core", *argv],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    with _LIVE_LOCK:
        _LIVE.add(process)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()  # no-op once it has ended
        process.wait()
        with _LIVE_LOCK:
            _LIVE.discard(process)
    return Run(tuple(argv), process.returncode, stdout, stderr)


class CliRuns:
    """Runs every command line once, in a background thread; ``results()`` waits for them."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self._thread: threading.Thread | None = None
        self._results: dict[str, Run] = {}
        self._error: BaseException | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self.folder = Path(tempfile.mkdtemp(prefix="synth-cli-"))
        make_mixed_frame(rows=200, seed=3).to_csv(self.folder / "train.csv", index=False)
        (self.folder / "empty.csv").write_bytes(b"")
        notes = [f"call {i}: the customer asked about order {i * 7}, a refund" for i in range(40)]
        pd.DataFrame({"note": notes}).to_csv(self.folder / "notes.csv", index=False)
        png = b"\x89PNG\r\n\x1a\n" + np.random.default_rng(0).bytes(2048)
        (self.folder / "picture.csv").write_bytes(png)
        self._thread = threading.Thread(target=self._run_all, name="cli-runs", daemon=True)
        self._thread.start()

    def results(self) -> dict[str, Run]:
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._results

    def cleanup(self) -> None:
        """Kill what still runs (the CLI tests were skipped or stopped early), remove files."""
        if self._thread is not None:
            with _LIVE_LOCK:
                for process in _LIVE:
                    process.kill()
            self._thread.join(TIMEOUT)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run_all(self) -> None:
        work = self.folder
        model = work / "model.synth"
        fit = (
            *("fit", work / "train.csv", "--out", model, "--epochs", "1", "--batch-size", "50"),
            *("--columns", ",".join(TRAINED_COLUMNS), "--device", "cpu", "--threads", "1"),
            *("--holdout-out", work / "holdout.csv"),
        )
        independent = {
            "inspect_json": ("inspect", FIXTURES / "passengers.csv", "--json"),
            "inspect_adult": ("inspect", ADULT),
            "missing_file": ("inspect", work / "nowhere.csv"),
            "empty_file": ("inspect", work / "empty.csv"),
            "binary_file": ("inspect", work / "picture.csv"),
            "nothing_included": ("fit", work / "notes.csv", "--out", work / "notes.synth"),
            "bad_option": (
                "fit",
                work / "train.csv",
                "--out",
                work / "x.synth",
                "--epochs",
                "lots",
            ),
            "not_a_model": (
                *("sample", FIXTURES / "passengers.csv", "--rows", "5"),
                *("--out", work / "o.csv"),
            ),
        }
        after_fit = {
            "sample": ("sample", model, "--rows", "123", "--out", work / "all.csv", "--seed", "1"),
            "sample_where": (
                *("sample", model, "--rows", "40", "--out", work / "red.csv"),
                *("--where", "color=red"),
            ),
            "sample_bad_where": (
                *("sample", model, "--rows", "5", "--out", work / "bad.csv"),
                *("--where", "color=purple"),
            ),
        }
        after_sample = {  # scores the sampled rows against the real ones
            "evaluate": (
                *("evaluate", work / "train.csv", work / "all.csv"),
                *("--holdout", work / "holdout.csv", "--target", "color"),
                *("--columns", ",".join(TRAINED_COLUMNS)),
                *("--json", work / "evaluation.json", "--html", work / "report.html"),
            ),
        }
        try:
            with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
                fitting = pool.submit(cli, *fit)  # first: the longest chain
                pending = {name: pool.submit(cli, *args) for name, args in independent.items()}
                self._results["fit"] = fitting.result()
                if self._results["fit"].returncode == 0:
                    pending |= {name: pool.submit(cli, *args) for name, args in after_fit.items()}
                    if pending["sample"].result().returncode == 0:
                        pending |= {
                            name: pool.submit(cli, *args) for name, args in after_sample.items()
                        }
                self._results |= {name: future.result() for name, future in pending.items()}
        except BaseException as error:  # reported by results(), in the test that needs them
            self._error = error


RUNS = CliRuns()
