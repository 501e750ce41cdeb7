"""A Ray worker that dies in the middle of its work (a node failing, the out-of-memory killer)
gives the user one plain message, and nothing half-written is left behind.

The worker is killed for real: its process, found by the title Ray gives a process while it runs
a task (``ray::<function>``), gets SIGKILL while the command line waits for it."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from synth_core.backends.ray_backend import WORKER_LOST
from synth_core.cli import main
from tests.helpers import table_and_model_files

FIND_SECONDS = 60  # a worker's first task imports torch before it runs


def task_processes(function: str) -> list[int]:
    """Process ids whose command line is Ray's title for a process running ``function``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if cmdline.startswith(f"ray::{function}"):
            pids.append(int(entry.name))
    return pids


def kill_when_running(function: str, killed: list[int]) -> None:
    deadline = time.monotonic() + FIND_SECONDS
    while time.monotonic() < deadline:
        for pid in task_processes(function):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            return
        time.sleep(0.05)


def run_and_kill(argv: list[str], function: str) -> tuple[int, list[int]]:
    """``main(argv)``, while another thread kills the first process that runs ``function``."""
    killed: list[int] = []
    killer = threading.Thread(target=kill_when_running, args=(function, killed), daemon=True)
    killer.start()
    code = main(argv)
    killer.join()
    return code, killed


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    if not Path("/proc/self/cmdline").exists():
        pytest.skip("finds Ray's worker processes through /proc (Linux)")
    return table_and_model_files(tmp_path_factory.mktemp("worker-lost"), 300, seed=6, epochs=1)


def test_a_fit_whose_worker_dies_says_so_plainly_and_saves_no_model(files, local_ray, capsys):
    model = files / "lost.synth"
    argv = f"fit {files / 'data.csv'} --out {model} --variant gan --epochs 1000 --backend ray"
    code, killed = run_and_kill(argv.split(), "fit_on_worker")
    assert killed, "the fit's worker process was never found"
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"error: {WORKER_LOST}"
    assert not model.exists()


def test_sampling_whose_worker_dies_says_so_plainly_and_leaves_no_shard(files, local_ray, capsys):
    out = files / "lost-shards"
    argv = f"sample {files / 'm.synth'} --rows 3000000 --out {out}/ --format csv --workers 1"
    code, killed = run_and_kill([*argv.split(), "--backend", "ray"], "write_shard_on_worker")
    assert killed, "the shard's worker process was never found"
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"error: {WORKER_LOST}"
    assert not out.exists() or list(out.iterdir()) == []
