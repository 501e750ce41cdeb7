"""What a first-time user gets on tables the race never sees: every default of the command line.

For each table of ``check_tables.py`` (real tables of kinds the corpus lacks), as a user would
run it, each command a whole process: ``fit data.csv`` (the defaults: the Quick demo of the
recommended model, a fifth of the rows held out and written), ``sample`` as many rows as were
learned, then ``evaluate data.csv synthetic.csv --holdout holdout.csv`` (without the holdout
when it has too few rows to score with). Printed per table: seconds of each command, exit codes,
quality, detection AUC, the usefulness test (the column the command chose), the privacy verdict
and exact copies, and two checks that must stay at zero:

- foreign lines: anything on stderr that is not the command line's own (``note:``,
  ``warning:``, ``error:``, progress), such as a library's warning or a traceback;
- leaked values: real values of a column a person would call an identifier or personal data
  (``check_tables.PRIVATE_COLUMNS``, and any the inference leaves out as such), found
  verbatim in the same column of the synthetic file (a replaced column must hold new values
  only).

Run: .venv/bin/python bench/bench_defaults.py [--tables mtcars,airports] [--timeout 300]
Needs the bench-only packages (requirements-bench.txt). Files go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from check_tables import CHECK_TABLES, PRIVATE_COLUMNS  # noqa: E402

from synth_core.schema import PRIVATE_KINDS, infer_schema  # noqa: E402
from synth_core.tables import MIN_ROWS, read_table  # noqa: E402

OWN_PREFIXES = ("note: ", "warning: ", "error: ", "epoch ", "preparing: ", "read ")


def command(args: list[str], timeout: float) -> tuple[int, float, list[str]]:
    """(exit code, seconds, stderr lines that are not the command line's own)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "synth_core", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return -1, time.perf_counter() - start, [f"timed out after {timeout:.0f} s"]
    foreign = [
        line
        for line in done.stderr.replace("\r", "\n").splitlines()
        if line.strip() and not line.startswith(OWN_PREFIXES)
    ]
    return done.returncode, time.perf_counter() - start, foreign


def leaked(name: str, real: pd.DataFrame, synthetic: pd.DataFrame) -> dict[str, int]:
    """Per private column in both files (listed in ``PRIVATE_COLUMNS``, and any the inference
    leaves out as private): real values found verbatim in the synthetic one."""
    inferred = [c.name for c in infer_schema(real).columns if c.kind in PRIVATE_KINDS]
    found = {}
    for column in dict.fromkeys([*PRIVATE_COLUMNS.get(name, ()), *inferred]):
        if column in synthetic.columns:
            real_values = set(real[column].dropna().astype(str))
            found[column] = len(real_values & set(synthetic[column].dropna().astype(str)))
    return found


def check(name: str, frame: pd.DataFrame, folder: Path, timeout: float) -> dict:
    data, model = folder / f"{name}.csv", folder / f"{name}.synth"
    holdout, synthetic, scores = (
        folder / f"{name}_{part}" for part in ("holdout.csv", "synthetic.csv", "scores.json")
    )
    frame.to_csv(data, index=False)
    real = read_table(data).frame
    fit = command(["fit", str(data), "--out", str(model), "--holdout-out", str(holdout)], timeout)
    result = {"table": name, "rows": len(real), "columns": real.shape[1], "fit": fit}
    if fit[0] != 0:
        return result
    held = len(pd.read_csv(holdout)) if holdout.exists() else 0
    rows = str(len(real) - held)
    result["sample"] = command(
        ["sample", str(model), "--rows", rows, "--out", str(synthetic)], timeout
    )
    if result["sample"][0] != 0:
        return result
    with_holdout = ["--holdout", str(holdout)] if held >= MIN_ROWS else []
    evaluate = ["evaluate", str(data), str(synthetic), *with_holdout, "--json", str(scores)]
    result["evaluate"] = command(evaluate, timeout)
    if result["evaluate"][0] == 0:
        result["scores"] = json.loads(scores.read_text())
    result["leaked"] = leaked(name, real, read_table(synthetic).frame)
    return result


def print_row(r: dict) -> None:
    steps = [r.get(step) for step in ("fit", "sample", "evaluate")]
    seconds = " / ".join("-" if s is None else f"{s[1]:.0f}" for s in steps)
    codes = " / ".join("-" if s is None else str(s[0]) for s in steps)
    foreign = sum(len(s[2]) for s in steps if s is not None)
    scores = r.get("scores")
    if scores:
        utility = scores.get("ml_utility")
        useful = (
            f"{utility['target']}: {utility['metric']} {utility['synthetic']:.2f} "
            f"(real {utility['real']:.2f})"
            if utility
            else "none"
        )
        privacy = scores["privacy"]
        figures = (
            f"{scores['quality']:.3f} | {scores['detection']['auc']:.3f} | {useful} | "
            f"{scores['verdicts']['privacy']['level']}, {privacy['exact_copies']} copies"
        )
    else:
        figures = "- | - | - | -"
    leaks = sum(r.get("leaked", {}).values())
    print(
        f"| {r['table']} | {r['rows']:,} x {r['columns']} | {seconds} | {codes} | {figures} | "
        f"{foreign} | {leaks} |",
        flush=True,
    )
    for step in steps:
        for line in (step or (0, 0, []))[2][:3]:
            print(f"    foreign: {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(CHECK_TABLES))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per command")
    args = parser.parse_args()
    names = args.tables.split(",")
    unknown = [n for n in names if n not in CHECK_TABLES]
    if unknown:
        parser.error(f"unknown tables: {unknown}; known: {', '.join(CHECK_TABLES)}")
    print(f"load average at the start {os.getloadavg()[0]:.2f}")
    print(
        "| table | rows x columns | fit / sample / evaluate s | exit codes | quality | "
        "detection AUC | usefulness | privacy | foreign lines | leaked values |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="synth-defaults-") as folder:
        for name in names:
            load, _why = CHECK_TABLES[name]
            print_row(check(name, load(), Path(folder), args.timeout))
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
