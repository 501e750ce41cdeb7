"""The backends compared on this machine: generation throughput, a 10-million-row generation
to Parquet shards, and the overhead Ray adds to a Quick demo fit.

1. Generation: ``ROWS`` rows from the Quick model of Adult with the embedded backend (one
   worker) and with Ray (1 and 2 workers): rows/s and the ratios; the overhead per shard
   (many small shards against few large ones) for each.
2. ``--big`` rows (default 10,000,000) written as Parquet shards by ``python -m synth_core
   sample`` in a child process: time and the child's peak memory, with a tenth of the rows
   for comparison (memory should not grow with the rows).
3. The same Quick demo fit through both backends: wall time from submit to the model, and
   Ray's overhead (goal: under 3 s), after a first warm-up fit on Ray (its workers start and
   import torch once).

Needs ray (requirements-ray.txt). A local Ray instance with this machine's CPUs is started
once (its start-up time is printed apart).

Torch runs one thread per worker in both backends (``--threads``), as Ray gives a task of one
CPU; the command line's embedded workers share the cores the same way.

Run: .venv/bin/python bench/bench_backends.py [--rows 400000] [--big 10000000] [--skip-big]
     [--skip-fit] [--big-workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ray  # noqa: E402
import torch  # noqa: E402

from synth_core.backends.base import FitSpec  # noqa: E402
from synth_core.backends.embedded import EmbeddedBackend  # noqa: E402
from synth_core.backends.ray_backend import RayBackend, connect  # noqa: E402
from synth_core.schema import infer_schema  # noqa: E402
from synth_core.tables.datasets import load_demo  # noqa: E402
from synth_core.tables.split import holdout_split  # noqa: E402
from synth_core.training.presets import preset_config  # noqa: E402

SMALL_SHARD, LARGE_SHARD = 1_000, 100_000


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def fit_seconds(backend, frame, schema, config) -> tuple[float, object]:
    start = time.perf_counter()
    job = backend.submit_fit(FitSpec(frame, schema, config))
    model = backend.result(job)
    assert model is not None, job.snapshot().error
    return time.perf_counter() - start, model


def generate(backend, model: bytes, rows: int, workers: int, shard_rows: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        manifest, seconds = timed(
            backend.sample,
            model,
            rows,
            Path(folder) / "out",
            workers=workers,
            seed=1,
            shard_rows=shard_rows,
        )
    assert manifest.rows == rows
    return seconds


def throughput(backends: dict, model: bytes, rows: int) -> None:
    on_ray = backends["ray, 2 workers"][0]
    warm_up = generate(on_ray, model, 2 * SMALL_SHARD, 2, SMALL_SHARD)
    print(f"\nfirst use of 2 Ray workers (start, import torch, load the model): {warm_up:.1f} s")
    print(f"\n## Generation: {rows:,} rows, shards of {LARGE_SHARD:,}")
    seconds = {}
    for label, (backend, workers) in backends.items():
        seconds[label] = generate(backend, model, rows, workers, LARGE_SHARD)
        print(f"  {label:<18} {seconds[label]:6.1f} s  {rows / seconds[label]:>10,.0f} rows/s")
    base = seconds["embedded, 1 worker"]
    for label, value in seconds.items():
        print(f"  ratio {label:<18} {base / value:5.2f} x the embedded backend's rows/s")
    small_rows = 20 * SMALL_SHARD
    print(f"\n## Overhead per shard: {small_rows:,} rows as 20 shards of {SMALL_SHARD:,} vs 1")
    for label, (backend, workers) in backends.items():
        many = generate(backend, model, small_rows, workers, SMALL_SHARD)
        one = generate(backend, model, small_rows, workers, small_rows)
        print(f"  {label:<18} 20 shards {many:5.2f} s, 1 shard {one:5.2f} s: "
              f"{(many - one) / 19 * 1000:6.1f} ms per extra shard")  # fmt: skip


def big_generation(model_path: Path, rows: int, workers: int) -> None:
    print(f"\n## Parquet shards by the command line, embedded, {workers} workers (a child each)")
    for count in (rows // 10, rows):
        with tempfile.TemporaryDirectory() as folder:
            command = [sys.executable, "-m", "synth_core", "sample", str(model_path), "--rows",
                       str(count), "--out", f"{folder}/out/", "--format", "parquet",
                       "--workers", str(workers)]  # fmt: skip
            start = time.perf_counter()
            child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - start
            assert status == 0, child.stdout.read()
            files = list(Path(folder, "out").glob("*.parquet"))
            size = sum(f.stat().st_size for f in files) / 2**20
            print(f"  {count:>12,} rows: {seconds:6.1f} s, {count / seconds:>9,.0f} rows/s, "
                  f"peak memory {usage.ru_maxrss / 1024:,.0f} MB, {len(files)} shards, "
                  f"{size:,.0f} MB on disk")  # fmt: skip


def quick_fit(backends: dict, frame, schema, repeats: int):
    """Both fits, timed, ``repeats`` times in turn; the embedded backend's model."""
    print("\n## The Quick demo fit on Adult's training split, each backend")
    config = preset_config("quick", device="cpu")
    embedded, ray_backend = backends["embedded, 1 worker"][0], backends["ray, 1 worker"][0]
    warm_up, _ = fit_seconds(ray_backend, frame, schema, config.replace(max_seconds=2.0))
    print(f"  warm-up fit on Ray (workers start, import torch; 2-s limit): {warm_up:5.1f} s")
    overheads = []
    for _ in range(repeats):
        here, model = fit_seconds(embedded, frame, schema, config)
        there, _ = fit_seconds(ray_backend, frame, schema, config)
        overheads.append(there - here)
        print(
            f"  embedded {here:6.1f} s   ray {there:6.1f} s   Ray's overhead {there - here:+5.1f} s"
        )
    print(f"  median overhead {statistics.median(overheads):+5.1f} s (goal: under 3 s)")
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--big", type=int, default=10_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--big-workers", type=int, default=2)
    parser.add_argument("--fit-repeats", type=int, default=2)
    parser.add_argument("--skip-fit", action="store_true", help="use a 5-s fit's model")
    parser.add_argument("--threads", type=int, default=1, help="torch threads, embedded")
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.1f}, CPUs: {os.cpu_count()}")
    _, started = timed(connect, ray, None)
    print(f"local Ray instance started in {started:.1f} s")
    embedded, on_ray = EmbeddedBackend(), RayBackend()
    torch.set_num_threads(args.threads)  # as many as each Ray worker has (its num_cpus)
    backends = {
        "embedded, 1 worker": (embedded, 1),
        "embedded, 2 workers": (embedded, 2),
        "ray, 1 worker": (on_ray, 1),
        "ray, 2 workers": (on_ray, 2),
    }
    frame, _ = holdout_split(load_demo().frame, 0.2, seed=0)
    schema = infer_schema(frame)
    if args.skip_fit:
        _, model = fit_seconds(embedded, frame, schema, preset_config("quick", max_seconds=5.0))
    else:
        model = quick_fit(backends, frame, schema, args.fit_repeats)
    model_bytes = model.to_bytes()
    throughput(backends, model_bytes, args.rows)
    if not args.skip_big:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "quick.synth"
            path.write_bytes(model_bytes)
            big_generation(path, args.big, args.big_workers)
    print(json.dumps({"load_average_at_end": os.getloadavg()[0]}))
    ray.shutdown()


if __name__ == "__main__":
    main()
