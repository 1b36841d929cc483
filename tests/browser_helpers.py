"""Chromium through Playwright: the live server and browser fixtures (in conftest) and logging in."""
from __future__ import annotations

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(base) and "/login" not in url)  # each role lands where its work is


def designer_page(browser, live_url: str, path: str = "/modeler/new"):
    """A signed-in designer's page at ``path``, 1280 wide, and the list of page errors it collects."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    failures = []
    page.on("pageerror", lambda error: failures.append(error))
    login(page, live_url, "sheji")
    page.goto(f"{live_url}{path}")
    return page, failures
