"""Stop while an upload is read: the time from a click on Stop to the page saying reading was
stopped, in the real app in Chromium, against the time a whole read takes (before this work there
was no Stop: the person waited for the whole read).

Each scenario starts its own server (``streamlit run`` of one checkout) and browser tab, uploads
the CSV given (never committed: make it with ``--make ROWS``, the Adult table resampled with
replacement, seed 0) and then:

- ``full``: waits for "is loaded and ready"; the seconds from choosing the file;
- ``stop-reading`` / ``stop-columns`` / ``stop-kinds``: waits until the progress bar names that
  stage, clicks Stop and waits for "was stopped"; the seconds from the click.

Printed per scenario: the seconds, and the server's peak resident memory (VmHWM) at the end.

``--gaps`` measures the engine alone instead, in this process: the longest time between two
progress calls (``read_table``'s ``on_progress``, then ``infer_schema``'s ``on_column``), which
bounds how late a Stop can take effect, for the CSV as it is (streamed by Arrow), as cp1252
text (the whole-file reader), as Parquet, and for its first 100,000 rows as a workbook.

    .venv/bin/python bench/bench_upload_stop.py --csv /tmp/big.csv [--make 1500000] \
        [--before /work/main] [--repeat N] [--gaps]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from bench_bigtables import build_table  # bench/ is on the path when this script runs
from playwright.sync_api import sync_playwright

from synth_core.schema import infer_schema
from synth_core.tables import read_table, to_xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
STAGES = {
    "stop-reading": re.compile(r"Reading .+: \d.* of "),
    "stop-columns": re.compile(r"Reading the values of each column"),
    "stop-kinds": re.compile(r"Finding what each column holds"),
}
TIMEOUT_MS = 180_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(code: Path, log: Path) -> Iterator[tuple[str, int]]:
    """``streamlit run`` of ``code``'s app on a free port: (its URL, its process id)."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(code / "app.py")]
    command += ["--server.port", str(port), "--server.headless", "true"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=code, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def scenario(browser, url: str, csv: Path, kind: str) -> float:
    """Seconds of ``kind`` (see the module's notes) in a fresh tab on ``url``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    try:
        tab.goto(url)
        tab.get_by_role("heading", name="Upload").first.wait_for()
        started = time.perf_counter()
        tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv))
        if kind == "full":
            tab.get_by_text("is loaded and ready").wait_for()
            return time.perf_counter() - started
        tab.get_by_text(STAGES[kind]).first.wait_for()
        clicked = time.perf_counter()
        tab.get_by_role("button", name="Stop", exact=True).click()
        tab.get_by_text("was stopped, so nothing from it was loaded").wait_for()
        return time.perf_counter() - clicked
    finally:
        context.close()


def longest_gap(data: bytes, name: str) -> str:
    """The read's and inference's seconds, calls, and the longest time between two calls."""
    times = [time.perf_counter()]
    frame = read_table(data, filename=name, on_progress=lambda _: times.append(time.perf_counter()))
    read_calls = len(times) - 1
    infer_schema(frame.frame, on_column=lambda *_: times.append(time.perf_counter()))
    times.append(time.perf_counter())
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return (
        f"{name:12} {times[-1] - times[0]:6.2f} s, {read_calls} + {len(times) - read_calls - 2} "
        f"calls, longest gap {max(gaps):.2f} s"
    )


def gaps(csv: Path) -> None:
    data = csv.read_bytes()
    print(longest_gap(data, "csv"))
    print(longest_gap(data.replace(b"Private", "Privé".encode("cp1252"), 1), "cp1252 csv"))
    sink = pa_csv.read_csv(csv)
    with tempfile.TemporaryDirectory() as folder:
        parquet = Path(folder) / "table.parquet"
        pq.write_table(sink, parquet)
        print(longest_gap(parquet.read_bytes(), "parquet"))
    print(longest_gap(to_xlsx_bytes(pd.read_csv(csv, nrows=100_000)), "xlsx 100k"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--make", type=int, help="write the CSV first, with this many rows")
    parser.add_argument("--before", type=Path, help="a checkout without Stop while reading")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--gaps", action="store_true", help="the engine alone (see above)")
    args = parser.parse_args()
    if args.make:
        build_table(args.make, args.csv)
    size = args.csv.stat().st_size / 2**20
    print(f"{args.csv.name}: {size:.0f} MB; load average {os.getloadavg()[0]:.1f}")
    if args.gaps:
        gaps(args.csv)
        return
    runs = [(args.before, "full")] if args.before else []
    runs += [(ROOT, kind) for kind in ("full", *STAGES)]
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for code, kind in runs:
            side = "before" if code == args.before else "after"
            for _ in range(args.repeat):
                with server(code, Path(folder) / "server.log") as (url, pid):
                    try:
                        seconds = f"{scenario(browser, url, args.csv, kind):6.2f} s"
                    except Exception as error:  # a stage too short to catch, or a timeout
                        seconds = f"missed ({type(error).__name__})"
                    print(f"{side:6} {kind:13} {seconds:>24}   peak {peak_mb(pid):5.0f} MB")
        browser.close()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
