"""The task page in Chromium: the matter's file above the form, at a meeting's vote and at an ordinary step."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.ops import demo
from engine.models import HumanTask, User
from tests.browser_helpers import ARTIFACTS, login


@pytest.fixture
def demo_matters(web_app):
    services = web_app.extensions["powerflow"]
    demo.create_matters(services.db, services.runtime)
    with services.db.reader() as session:
        def open_task(element: str) -> tuple[int, str]:
            task = session.scalars(select(HumanTask).where(HumanTask.element_id == element,
                                                           HumanTask.state == "ready").order_by(HumanTask.id)).first()
            return task.id, session.get(User, task.assignee_id).username
        return {"vote": open_task("item_vote"), "consent": open_task("consent_topic")}


def _shoot(page, name: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def test_holders_see_the_matter_they_decide_on(live_url, browser, demo_matters):
    ARTIFACTS.mkdir(exist_ok=True)
    vote, voter = demo_matters["vote"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_url, voter)
    page.goto(f"{live_url}/tasks/{vote}")
    item = page.locator("#matter-file details.agenda-item:not(.own)")
    assert item.count() == 1 and "关于城区老旧小区改造项目的决策" in item.inner_text()
    report = item.locator("dt", has_text="调研报告").locator("xpath=following-sibling::dd[1]")
    assert report.inner_text() == demo.ANSWERS["research"]["research_report"]
    assert "征求意见" in item.inner_text() and "科学论证" in item.inner_text()
    assert page.locator("#task-form input[type=radio][name=ballot]").count() == 3  # the ballot comes after the file
    _shoot(page, "task-vote")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_url}/language/en?next=/tasks/{vote}")
    assert page.locator("#matter-file h2").inner_text().startswith("The matter's file")
    assert [label.inner_text().strip() for label in page.locator(".ballot label").all()] == [
        "Agree", "Disagree", "Abstain"]
    assert "Voted (the vote itself is secret)" in page.inner_text("aside")
    page.goto(f"{live_url}/language/zh?next=/tasks/{vote}")

    consent, member = demo_matters["consent"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, live_url, member)
    page.goto(f"{live_url}/tasks/{consent}")
    filed = page.locator("#matter-file .file-step").first
    assert "登记议题" in filed.inner_text() and "孙主任（办公室）" in filed.inner_text()
    assert demo.ANSWERS["file_topic"]["summary"] in filed.inner_text()
    assert "职能部门提出" in filed.inner_text()
    _shoot(page, "task-consent")
    page.click("p.crumbs a >> nth=1")  # the matter page of the same matter
    page.wait_for_url("**/matters/*")
    _shoot(page, "matter")
    page.close()
