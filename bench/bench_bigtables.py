"""Big tables on one machine: inspect, fit --preset quick and sample on 1M and 5M rows, before
and after, each as a whole process of the command line.

The tables are the bundled Adult census table resampled with replacement (seed 0) to 1,000,000
and 5,000,000 rows, written as CSV to a temporary folder that is deleted at the end. Each
command runs under ``/usr/bin/time`` in that folder (so that ``python -m synth_core`` finds the
code on PYTHONPATH, not in the current folder) with the code of one side:

- before: ``--before DIR``, a checkout of the code to compare with (default /work/main);
- after: this checkout.

Printed per command: wall time, CPU time (user + system: less sensitive than wall time to other
work on a shared machine), peak resident memory, the load average as it started, the after/before
ratios, and what each fit said about its run. Every command runs with ``SYNTH_MAX_ROWS`` and
``SYNTH_MAX_FILE_MB`` raised for the 5M-row table (code from before those settings refuses it);
"after" also passes ``--row-limit`` and ``--size-limit``.

    .venv/bin/python bench/bench_bigtables.py [--before /work/main] [--no-5m] [--repeat N]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "synth_core" / "tables" / "datasets" / "adult.csv.gz"
BIG_LIMITS = ["--row-limit", "6000000", "--size-limit", "2048"]
#: for sample (a model of more than 2,000,000 rows loads where the row limit allows them)
BIG_ENVIRONMENT = {"SYNTH_MAX_ROWS": "6000000", "SYNTH_MAX_FILE_MB": "2048"}


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    peak_mb: float
    ok: bool
    last_line: str
    load: float = math.nan  # the load average (1 minute) as the command started
    notes: tuple[str, ...] = ()  # the lines a fit prints about its run ("note: ...", "saved ...")

    def cells(self) -> str:
        if self is SKIPPED:
            return f"{'-':>8} {'':>8} {'':>8} {'':>10}"
        if not self.ok:
            word = "timeout" if self.last_line.startswith("ended after") else "refused"
            return f"{word:>8} {'':>8} {'':>8} {'':>10}"
        return f"{self.wall:7.1f}s {self.cpu:7.1f}s {self.peak_mb:6.0f}MB (load {self.load:.1f})"


SKIPPED = Measure(math.nan, math.nan, math.nan, False, "")


def build_table(rows: int, path: Path) -> Path:
    """Adult resampled with replacement to ``rows`` rows (seed 0), as CSV."""
    adult = pd.read_csv(ADULT)
    chunk = 1_000_000
    for start in range(0, rows, chunk):
        part = adult.sample(n=min(chunk, rows - start), replace=True, random_state=start)
        part.to_csv(path, index=False, header=start == 0, mode="w" if start == 0 else "a")
    return path


def measure(code: Path, argv: list[str], folder: Path, timeout: float) -> Measure:
    """Run ``python -m synth_core ARGV`` with ``code`` on PYTHONPATH, in ``folder``; a run
    past ``timeout`` seconds is ended and reported as such."""
    report, load = folder / "time.txt", os.getloadavg()[0]
    env = {**os.environ, "PYTHONPATH": str(code), "PYTHONWARNINGS": "ignore", **BIG_ENVIRONMENT}
    command = ["/usr/bin/time", "-o", str(report), "-f", "%e %U %S %M"]
    command += [sys.executable, "-m", "synth_core", *argv]
    try:
        done = subprocess.run(
            command, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return Measure(timeout, math.nan, math.nan, False, f"ended after {timeout:g} s", load)
    wall, user, system, peak_kb = report.read_text().split()[-4:]
    lines = (done.stdout + done.stderr).strip().splitlines()
    return Measure(
        wall=float(wall),
        cpu=float(user) + float(system),
        peak_mb=int(peak_kb) / 1024,
        ok=done.returncode == 0,
        last_line=lines[-1] if lines else "",
        load=load,
        notes=tuple(line for line in lines if line.startswith(("note:", "saved"))),
    )


def best_of(repeat: int, code: Path, argv: list[str], folder: Path, timeout: float) -> Measure:
    """The run with the least wall time of ``repeat`` runs (other work on the machine only ever
    slows a run down)."""
    runs = [measure(code, argv, folder, timeout) for _ in range(repeat)]
    return min(runs, key=lambda run: (not run.ok, run.wall))


def commands(table: Path, name: str, big: bool) -> list[tuple[str, list[str], list[str]]]:
    """(label, argv before, argv after) for one table."""
    limits = BIG_LIMITS if big else []
    model = f"{name}.synth"
    return [
        (f"inspect {name}", ["inspect", str(table)], ["inspect", str(table), *limits]),
        (
            f"fit --preset quick {name}",
            ["fit", str(table), "--preset", "quick", "--out", f"before-{model}"],
            ["fit", str(table), "--preset", "quick", "--out", f"after-{model}", *limits],
        ),
    ]


def said(label: str, run: Measure) -> tuple[str, ...]:
    """What to show under a command: what a fit said about its run, or why a command failed."""
    if not run.ok:
        return (run.last_line,) if run.last_line else ()
    return run.notes if label.startswith("fit") else ()


def ratio(after: Measure, before: Measure, field: str) -> str:
    if not (after.ok and before.ok):
        return "     -"
    return f"{getattr(after, field) / getattr(before, field):6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, default=Path("/work/main"))
    parser.add_argument("--no-5m", action="store_true", help="only the 1,000,000-row table")
    parser.add_argument("--repeat", type=int, default=1, help="runs per command (best kept)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per command at most")
    parser.add_argument(
        "--only", choices=["before", "after"], help="measure one side (the other shows '-')"
    )
    args = parser.parse_args()
    sides = {"before": args.before.resolve(), "after": ROOT}
    print(f"before: {sides['before']}   after: {ROOT}   python: {sys.executable}")
    print(
        f"{'command':<34} {'before: wall, cpu, peak, load':>39} "
        f"{'after: wall, cpu, peak, load':>39}"
        f" {'wall':>6} {'cpu':>6} {'peak':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="bigtables-") as folder_name:
        folder = Path(folder_name)
        tables = [("1M", 1_000_000, False)] + ([] if args.no_5m else [("5M", 5_000_000, True)])
        for name, rows, big in tables:
            table = build_table(rows, folder / f"adult-{name}.csv")
            size_mb = table.stat().st_size / 2**20
            print(f"-- {name}: {rows:,} rows x 15 columns, {size_mb:,.0f} MB of CSV")
            steps = commands(table, name, big)
            steps.append(
                (
                    f"sample --rows 1000000 ({name} model)",
                    ["sample", f"before-{name}.synth", "--rows", "1000000", "--out", "b.csv"],
                    ["sample", f"after-{name}.synth", "--rows", "1000000", "--out", "a.csv"],
                )
            )
            for label, before_argv, after_argv in steps:
                before, after = (
                    SKIPPED
                    if args.only and args.only != side
                    else best_of(args.repeat, sides[side], argv, folder, args.timeout)
                    for side, argv in (("before", before_argv), ("after", after_argv))
                )
                print(
                    f"{label:<34} {before.cells():>39} {after.cells():>39} "
                    f"{ratio(after, before, 'wall')} {ratio(after, before, 'cpu')} "
                    f"{ratio(after, before, 'peak_mb')}",
                    flush=True,
                )
                for side, run in (("before", before), ("after", after)):
                    for line in said(label, run):
                        print(f"     {side}: {line[:200]}")
            table.unlink()


if __name__ == "__main__":
    main()
