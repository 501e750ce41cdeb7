"""The app served by ``streamlit run`` on a free port, and Debian's Chromium driven by Playwright.

Playwright cannot download its own browser here, so the tests use the system Chromium (``.ci/run``
installs it). Without it the tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).parents[2]
SCREENSHOTS = ROOT / "artifacts" / "e2e"  # git-ignored
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def running_app(
    log: Path, settings: dict[str, str] | None = None, address: str | None = "127.0.0.1"
) -> Iterator[str]:
    """The real app under ``streamlit run`` on a free port (one training at a time, and the
    environment ``settings``), its output in ``log``; yields its URL once it answers, and stops
    it after. ``address`` None: on every address, as the quick start runs it."""
    port = _free_port()
    env = {**os.environ, "SYNTH_MAX_TRAININGS": "1", "PYTHONUNBUFFERED": "1", **(settings or {})}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
    command += ["--server.port", str(port), "--server.headless", "true"]
    if address is not None:
        command += ["--server.address", address]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, START_TIMEOUT)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the app, started once for the browser tests and stopped after them."""
    with running_app(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium (the system's), or a skip outside CI when it is not installed."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, app_url: str) -> Iterator[object]:
    """A fresh browser tab (a new app session) on the app, wide enough for its layout.
    ``tab.elsewhere`` lists the requests it sent to any other host (a page icon, a font)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    own = urlsplit(app_url).netloc
    tab.elsewhere = []
    tab.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc in ("", own) or tab.elsewhere.append(request.url)
        ),
    )
    tab.goto(app_url)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    """``screenshot(page, "name")``: save a full-page picture under artifacts/e2e/."""
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(tab, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take
