"""Several people press Start together: N browser sessions of the real app (headless Chromium),
each on the bundled Adult sample with the Quick demo preset, click Start within about a second.

Prints, per session, the place in line it was shown first, when its training started (left the
queue) and when it finished, in seconds after the first click, and the server's peak memory
(resident set, from /proc; Linux only). Needs Debian's chromium and
Playwright (requirements-dev.txt).

    .venv/bin/python bench/bench_sessions.py --sessions 4
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parents[1]))
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, running_app

ROOT = Path(__file__).parents[1]
STATUS = re.compile(r"(Training[^\n]*|Model trained|Training failed)")


def open_sessions(browser, url: str, sessions: int) -> list:
    tabs = []
    for _ in range(sessions):
        tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        tab.set_default_timeout(120_000)
        tab.goto(url)
        tab.get_by_role("button", name=re.compile("Try it with sample data")).click()
        tab.get_by_text("32,561 rows").first.wait_for()
        tab.get_by_test_id("stSidebarNav").get_by_role("link", name="Train").click()
        tab.get_by_role("button", name="Start training").wait_for()
        tabs.append(tab)
    return tabs


def status(tab) -> str:
    found = STATUS.search(tab.get_by_test_id("stSidebar").inner_text(timeout=10_000))
    return found.group(1) if found else "?"


def watch(tabs: list, limit: float) -> list[dict]:
    clicked = time.monotonic()
    for tab in tabs:
        tab.get_by_role("button", name="Start training").click()
    seen = [{"first": None, "started": None, "finished": None} for _ in tabs]
    while time.monotonic() - clicked < limit and not all(s["finished"] for s in seen):
        now = time.monotonic() - clicked
        for record, tab in zip(seen, tabs, strict=True):
            line = status(tab)
            if record["first"] is None and line != "?":
                record["first"] = line
            if record["started"] is None and "waiting" not in line and line != "?":
                record["started"] = now
            if record["finished"] is None and line in ("Model trained", "Training failed"):
                record["finished"] = now
        time.sleep(1.0)
    return seen


def server_peak_mb(url: str) -> float | None:
    """The peak resident memory of the ``streamlit run`` process serving ``url``, in MB."""
    port = url.rsplit(":", 1)[1]
    for status_file in Path("/proc").glob("[0-9]*/status"):
        try:
            command = (status_file.parent / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(command) and port.encode() in command:
                peak = re.search(r"VmHWM:\s+(\d+) kB", status_file.read_text())
                return int(peak.group(1)) / 1024 if peak else None
        except OSError:  # a process that ended while the folder was read
            continue
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--limit", type=float, default=900.0, help="seconds to watch at most")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        running_app(Path(folder) / "app.log") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        seen = watch(open_sessions(browser, url, args.sessions), args.limit)
        browser.close()
        peak = server_peak_mb(url)
    print(f"{args.sessions} sessions, load average {os.getloadavg()[0]:.1f}")
    print(f"server peak memory: {'unknown' if peak is None else f'{peak:,.0f} MB'}")
    print("session | first shown | started (s) | finished (s)")
    for number, record in enumerate(seen, 1):
        started, finished = record["started"], record["finished"]
        print(
            f"{number} | {record['first']} | {started and round(started, 1)} | "
            f"{finished and round(finished, 1)}"
        )


if __name__ == "__main__":
    main()
