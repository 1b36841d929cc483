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
