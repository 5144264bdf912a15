"""A real browser (Debian's Chromium, headless, driven by Playwright) opens shared links."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but no Chromium at {CHROMIUM}: `make test` should have installed Debian's chromium")
    pytest.skip(f"no Chromium at {CHROMIUM} (run `make test` as root to install Debian's chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_db):
    _require_chromium()
    port = _free_port()
    env = {**os.environ, "RECOVERY_LENS_DB": str(sample_db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not become healthy within 60 s: " + process.stdout.read().decode()[-2000:])
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield launched
        launched.close()


def _wait_for_run(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)


def _view_caption(page) -> str:
    """The line under the page title that states the month and the filters in force."""
    return page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first.inner_text()


def test_shared_link_reopens_the_same_filtered_view(server, browser, sample_book_months):
    month = sample_book_months[-3]
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(f"{server}/?product=cash_loan&region=east&to={month}")
    _wait_for_run(page)
    caption = _view_caption(page)
    assert "Cash loan" in caption and "East" in caption and month in caption
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "Cash loan" in sidebar and "East" in sidebar
    # The codes stay in the URL, in the language-neutral form that was shared.
    assert re.search(r"product=cash_loan", page.url) and re.search(rf"to={month}", page.url)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-shared-link.png"), full_page=True)
    page.close()


def test_invalid_link_values_show_a_note_not_a_traceback(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?product=nope&to=2001-01")
    _wait_for_run(page)
    body = page.inner_text("body")
    assert "Ignored from the link" in body and "product=nope" in body
    assert "Traceback" not in body
    page.close()


def test_changing_a_filter_rewrites_the_url_with_codes_not_labels(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(server)
    _wait_for_run(page)
    region = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").nth(1)
    region.locator("input").click()
    page.keyboard.type("East")
    page.keyboard.press("Enter")
    # Streamlit rewrites the query string with history.pushState, not a page load.
    page.wait_for_function("() => location.search.includes('region=east')", timeout=30_000)
    _wait_for_run(page)
    assert "region=East" not in page.url
    caption = _view_caption(page)
    assert "East" in caption
    # The same URL opened afresh reproduces the filtered view.
    fresh = browser.new_page(viewport={"width": 1400, "height": 1200})
    fresh.goto(page.url)
    _wait_for_run(fresh)
    assert _view_caption(fresh) == caption
    page.close()
    fresh.close()
