"""In Chromium: the office starts a major decision and the member in charge takes the next step."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_url(web_app):
    server = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("POWERFLOW_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (POWERFLOW_REQUIRE_BROWSER=1); scripts/install --test installs it")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/tasks")


def test_office_starts_and_member_in_charge_consents_in_chromium(live_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    office = browser.new_page(viewport={"width": 1280, "height": 900})
    login(office, live_url, "bangong")
    office.click("text=流程目录")
    office.click("tr:has-text('重大决策') a.button:has-text('发起')")
    office.fill("#f-title", "关于城区老旧小区改造项目的决策")
    office.click("button:has-text('发起')")
    office.wait_for_selector("h1:has-text('登记议题')")
    office.click("button:has-text('提交办理')")  # empty form: errors appear beside the fields
    assert office.inner_text("#e-summary") == "此项必填"
    office.fill("#f-summary", "拟安排专项资金用于老旧小区改造，涉及12个小区。")
    office.select_option("#f-field", "城乡建设")
    office.select_option("#f-source", "职能部门提出")
    office.select_option("#f-topic_kind", "一般事项")
    office.click("button:has-text('提交办理')")
    office.wait_for_selector("text=实时流程图")
    assert "周常委" in office.inner_text("table.list")  # the next holder is the member in charge
    assert office.locator("#el_consent_topic").count() == 1
    office.screenshot(path=str(ARTIFACTS / "matter-after-filing.png"), full_page=True)

    member = browser.new_page(viewport={"width": 1280, "height": 900})
    login(member, live_url, "zhoucw")
    member.click("text=关于城区老旧小区改造项目的决策")
    member.wait_for_selector("h1:has-text('分管常委审核议题')")
    member.check("input[name=consent][value=true]")
    member.fill("#f-consent_opinion", "同意提交常委会审议。")
    member.click("button:has-text('提交办理')")
    # The member in charge prepares the materials next (R3): the browser goes straight to that task.
    member.wait_for_selector("h1:has-text('调查研究')")
    assert "关于城区老旧小区改造项目的决策" in member.inner_text("p.crumbs")
    member.screenshot(path=str(ARTIFACTS / "matter-after-consent.png"), full_page=True)
