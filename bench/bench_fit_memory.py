"""Where a fit's memory goes: the resident memory before and after each stage of ``python -m
synth_core fit``, and its peak within the stage, with the CPU and wall seconds of each.

Each stage is one function of the engine, wrapped in this process (public names only): reading,
inferring the kinds, finding the business rules, the holdout split, the privacy plan, fitting
the encoding, encoding the training rows, holding back the probe rows, building the model (for
the autoregressive model: the fine bins and the tokens), training, the row fingerprints and
saving. The peak of a stage is read from the kernel (``VmHWM``, reset before the stage with
``/proc/self/clear_refs``), so Linux only. The arguments are those of ``fit``:

    .venv/bin/python bench/bench_fit_memory.py TABLE.csv --preset quick --out /tmp/m.synth \\
        [--row-limit 6000000 --size-limit 2048]
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import synth_core
from synth_core import cli, synthesizer
from synth_core.encoding.transform import TableTransform
from synth_core.training import run

STAGES = [
    (cli, "read_table", "read"),
    (cli, "infer_schema", "infer the kinds"),
    (cli, "discover_rules", "find the rules"),
    (synth_core, "holdout_split", "holdout split"),
    (synthesizer, "plan_privacy", "privacy plan"),
    (TableTransform, "fit", "fit the encoding"),
    (TableTransform, "transform", "encode the training rows"),
    (run, "hold_back", "hold back probe rows"),
    (run, "build_core", "build the model (tokens)"),
    (run, "train", "train"),
    (synthesizer, "row_hashes", "row fingerprints"),
    (synthesizer.Synthesizer, "save", "save"),
]


def memory_mb() -> tuple[int, int]:
    """(resident memory now, its peak since the last reset), in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def measured(function, label: str):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        before = memory_mb()[0]
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now
        cpu, wall = time.process_time(), time.monotonic()
        out = function(*args, **kwargs)
        now, peak = memory_mb()
        print(
            f"stage {label:<26} cpu {time.process_time() - cpu:5.1f} s  wall "
            f"{time.monotonic() - wall:5.1f} s  memory {before:5d} -> {now:5d} MB, "
            f"peak {peak:5d} MB",
            file=sys.stderr,
            flush=True,
        )
        return out

    return wrapper


def main() -> int:
    for owner, name, label in STAGES:
        setattr(owner, name, measured(getattr(owner, name), label))
    started = time.monotonic()
    code = cli.main(["fit", *sys.argv[1:]])
    print(f"whole fit: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
