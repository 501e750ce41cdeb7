"""The whole flow in a real browser: upload a CSV, keep its columns, train a quick model while the
live chart moves, compare, then download the synthetic CSV, the report and the handoff bundle and
check them."""

from __future__ import annotations

import io
import json
import re
import time
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from synth_core.handoff.verify import verify_bundle
from tests.e2e.conftest import running_app
from tests.helpers import make_mixed_frame

pytestmark = pytest.mark.e2e

ROWS = 300
TRAIN_TIMEOUT = 180_000  # ms; the run itself takes seconds, a loaded CI machine more


def _nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", level=1).filter(has_text=re.compile(title, re.I)).wait_for()


def _loss_chart_lines(page) -> str:
    """The drawn paths of the live loss chart (they change as training steps are added)."""
    chart = page.get_by_test_id("stPlotlyChart").first
    return chart.evaluate(
        "el => Array.from(el.querySelectorAll('path.js-line')).map(p => p.getAttribute('d'))"
        ".join('|')"
    )


def test_upload_train_compare_download(page, screenshot, tmp_path):
    csv_path = tmp_path / "members.csv"
    make_mixed_frame(ROWS, seed=3).to_csv(csv_path, index=False)

    # Upload
    page.get_by_role("heading", name="Upload").first.wait_for()
    screenshot(page, "upload")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv_path))
    page.get_by_text(f"{ROWS:,} rows").first.wait_for()
    screenshot(page, "uploaded")

    # Columns: every column of this table is learned by default
    _nav(page, "Columns")
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.get_by_text("6 of 6 columns learned").wait_for()
    # The rules found are proposed, a range ticked although a few rare extremes lie beyond it
    ticked = re.compile(r"^age is between .*\d\s%\sof your rows")
    rule = page.get_by_test_id("stCheckbox").filter(has_text=ticked)
    assert rule.get_by_role("checkbox").is_checked()
    screenshot(page, "columns")

    # Train a short run with small steps, so that the chart moves for a few seconds
    _nav(page, "Train")
    # A GAN-family model, whose critic the live charts follow for a while: the recommended
    # autoregressive model learns a table this small in a second or two.
    page.get_by_label("Model type").click()
    page.get_by_role("option", name="VAE-GAN").click()
    page.get_by_text("An autoencoder sharpened by a critic").wait_for()
    page.get_by_text("Advanced").click()
    for label, value in (("Epochs", "150"), ("Batch size", "60")):
        field = page.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Enter")
    page.get_by_role("button", name="Start training").click()
    # The Quick demo preset ends on the clock: its progress line says the time left.
    running = re.compile(r"About .+ left|Working out the time left|Almost done")
    page.get_by_text(running).first.wait_for(timeout=TRAIN_TIMEOUT)
    page.get_by_test_id("stPlotlyChart").first.wait_for()
    first = _loss_chart_lines(page)
    moved = False
    for _ in range(40):
        time.sleep(0.5)
        if page.get_by_text("Training finished").count():
            break
        if _loss_chart_lines(page) != first:
            moved = True
            break
    screenshot(page, "training")
    assert moved, "the live loss chart did not change while the model trained"
    page.get_by_text("Training finished").wait_for(timeout=TRAIN_TIMEOUT)
    screenshot(page, "trained")

    # Compare: scoring starts by itself; Stop ends it and nothing starts again until asked
    _nav(page, "Compare")
    page.get_by_role("button", name="Stop scoring").click()
    page.get_by_text("Scoring was stopped").wait_for()
    page.get_by_role("button", name="Score the rows").click()
    page.get_by_text("Overall quality").wait_for(timeout=TRAIN_TIMEOUT)
    for tab in ("Correlations", "Privacy"):
        page.get_by_role("tab", name=tab).click()
    screenshot(page, "compare")
    page.get_by_role("tab", name="Validity").click()
    page.get_by_text("the share of real and of synthetic rows that obey each").wait_for()
    page.get_by_text("Basic checks").wait_for()
    screenshot(page, "compare_validity")

    # Download: the rows generated for Compare are offered, as many as the table has
    _nav(page, "Download")
    page.get_by_text("synthetic rows").first.wait_for()
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Synthetic rows (CSV)").click()
    synthetic = pd.read_csv(csv_download.value.path())
    assert list(synthetic.columns) == list(make_mixed_frame(5).columns)
    assert len(synthetic) == ROWS
    with page.expect_download() as report_download:
        page.get_by_role("button", name="Report (HTML)").click()
    html = Path(report_download.value.path()).read_text(encoding="utf-8")
    assert "<html" in html.lower() and "Privacy" in html
    assert '<section id="validity">' in html and "age is between" in html
    with page.expect_download() as bundle_download:
        page.get_by_role("button", name="Handoff bundle (.zip)").click()
    _check_bundle(Path(bundle_download.value.path()))
    screenshot(page, "download")
    assert not page.get_by_test_id("stException").count()
    assert page.elsewhere == []  # no icon, font or script from another host: it works offline


def _check_bundle(path: Path) -> None:
    """The handoff zip: intact, the rows on offer, their report, and no model file."""
    assert verify_bundle(path).names
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert set(files) == {
        "synthetic.csv",
        "synthetic.xlsx",
        "report.html",
        "manifest.json",
        "README.txt",
    }
    assert len(pd.read_csv(io.BytesIO(files["synthetic.csv"]))) == ROWS
    assert json.loads(files["manifest.json"])["generation"]["rows"] == ROWS
    assert b"At a glance" in files["report.html"]


SESSIONS = 4


def _sidebar_status(tab) -> str:
    found = re.search(r"Training[^\n]*|Model trained", tab.get_by_test_id("stSidebar").inner_text())
    return found.group(0) if found else ""


def _ready_to_train(browser, app_url: str, csv_path: Path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)
    tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv_path))
    tab.get_by_text("120 rows").first.wait_for()
    _nav(tab, "Train")
    return tab


def test_four_sessions_pressing_start_together_all_finish_in_line(browser, app_url, tmp_path):
    csv_path = tmp_path / "tiny.csv"
    make_mixed_frame(120, seed=7).to_csv(csv_path, index=False)
    tabs = []
    try:
        for _ in range(SESSIONS):
            tab = _ready_to_train(browser, app_url, csv_path)
            tab.get_by_text("Advanced").click()
            field = tab.get_by_label("Epochs", exact=True)
            field.fill("20")
            field.press("Enter")
            tabs.append(tab)
        for tab in tabs:  # within about a second
            tab.get_by_role("button", name="Start training").click()
        # Clicks in four tabs reach the server in an order the test cannot fix, and the tabs are
        # read one after another while the line moves, so "in line" is checked per session:
        # nobody's place ever grows (no one is pushed back by a later arrival). The order
        # itself is tested on the queue (tests/unit/test_jobs.py).
        seen: list[list[int]] = [[] for _ in tabs]
        deadline = time.monotonic() + TRAIN_TIMEOUT / 1000
        while time.monotonic() < deadline:
            lines = [_sidebar_status(tab) for tab in tabs]
            now = [re.findall(r"number (\d+) in line", line) for line in lines]
            for history, found in zip(seen, now, strict=True):
                history.extend(int(n) for n in found)
            if all(line == "Model trained" for line in lines):
                break
            time.sleep(0.5)
        assert [_sidebar_status(tab) for tab in tabs] == ["Model trained"] * SESSIONS
        for history in seen:
            assert history == sorted(history, reverse=True), history
            assert all(1 <= place < SESSIONS for place in history), history
    finally:
        for tab in tabs:
            tab.context.close()


def test_names_in_a_file_are_shown_as_text_and_never_fetched(page, screenshot, tmp_path):
    """A duplicate header written as a Markdown image: the message names it as text, and the
    browser never asks for the picture."""
    name = "![a](http://127.0.0.1:9/x.png)"
    frame = make_mixed_frame(ROWS, seed=4)
    header = [name, name, *frame.columns[2:]]
    csv_path = tmp_path / "markdown.csv"
    frame.to_csv(csv_path, index=False, header=header)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))

    page.get_by_role("heading", name="Upload").first.wait_for()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv_path))
    page.get_by_text(name).first.wait_for()
    screenshot(page, "markdown-header")
    assert page.locator("img[src*='x.png']").count() == 0
    assert [url for url in fetched if "x.png" in url] == []


def test_a_closed_tab_gives_up_its_training_and_the_next_in_line_starts(browser, app_url, tmp_path):
    """The real session check, not a stand-in: a tab that is closed mid-training loses its run
    once the reconnection grace has passed, which the next session in line sees as its start."""
    csv_path = tmp_path / "tiny.csv"
    make_mixed_frame(120, seed=8).to_csv(csv_path, index=False)
    leaving = _ready_to_train(browser, app_url, csv_path)
    staying = _ready_to_train(browser, app_url, csv_path)
    try:
        leaving.get_by_label("Model type").click()
        leaving.get_by_role("option", name="VAE-GAN").click()
        leaving.get_by_text("Balanced", exact=True).click()  # no time limit
        leaving.get_by_text("Advanced").click()
        field = leaving.get_by_label("Epochs", exact=True)
        field.fill("100000")
        field.press("Enter")
        leaving.get_by_role("button", name="Start training").click()
        # The first epoch shows once the run is prepared: seconds, a loaded CI machine more.
        leaving.get_by_text(re.compile(r"Epoch \d+ of 100,?000")).first.wait_for(
            timeout=TRAIN_TIMEOUT
        )

        staying.get_by_role("button", name="Start training").click()
        staying.get_by_text(re.compile("number 1 in line")).first.wait_for()
        leaving.context.close()

        # grace (30 s) + the watchdog's check + the run's next step, on a loaded machine
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "in line" in _sidebar_status(staying):
            time.sleep(1)
        assert "in line" not in _sidebar_status(staying), _sidebar_status(staying)
        staying.get_by_text("Model trained").first.wait_for(timeout=TRAIN_TIMEOUT)
    finally:
        staying.context.close()


BIG_ROWS = 1_500_000  # some 47 MB of CSV: reading it takes seconds, long enough to click Stop
READING = re.compile(
    r"Reading big\.csv: \d|Reading the values of each column|Finding what each column holds"
)


def test_stop_while_a_big_file_is_read_keeps_the_table_and_reads_again_on_request(
    page, screenshot, tmp_path
):
    small_path, big_path = tmp_path / "members.csv", tmp_path / "big.csv"
    make_mixed_frame(ROWS, seed=5).to_csv(small_path, index=False)
    lines = make_mixed_frame(1_000, seed=6).to_csv(index=False).splitlines(keepends=True)
    big_path.write_text(lines[0] + "".join(lines[1:]) * (BIG_ROWS // 1_000), encoding="utf-8")
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.set_input_files(str(small_path))
    page.get_by_text("members.csv is loaded and ready").wait_for()

    uploader.set_input_files(str(big_path))
    page.get_by_text(READING).first.wait_for()
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Reading big.csv was stopped, so nothing from it was loaded.").wait_for()
    page.get_by_text("Your table members.csv is still loaded").wait_for()
    screenshot(page, "reading-stopped")
    assert page.get_by_text(f"{ROWS:,}").first.is_visible()  # the earlier table's rows

    page.get_by_role("button", name="Read big.csv again").click()
    page.get_by_text("big.csv is loaded and ready").wait_for(timeout=TRAIN_TIMEOUT)
    page.get_by_text(f"{BIG_ROWS:,}").first.wait_for()
    assert not page.get_by_text("was stopped").count()
    assert not page.get_by_test_id("stException").count()


def test_the_quick_start_server_prints_its_address_and_nothing_else(tmp_path):
    """Started as the quick start starts it: the banner with the address, and no warning or
    note of a library (such as the external-address lookup of a headless server, a request to
    a third party that warns when offline)."""
    log = tmp_path / "server.log"
    with running_app(log, address=None) as url:
        urllib.request.urlopen(url, timeout=10).read()
        printed = [line.strip() for line in log.read_text().splitlines() if line.strip()]
    assert printed == [
        "You can now view your Streamlit app in your browser.",
        f"URL: http://localhost:{url.rsplit(':', 1)[1]}",
    ]
