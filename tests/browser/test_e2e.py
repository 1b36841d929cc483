"""End to end in Chromium: each holder logs in and acts in the browser, with screenshots of every step.

A major decision goes from filing through one return (驳回), the standing committee's meeting and one
delegation (委派) to its publication; a letter goes from the public mailbox form to its reply.
The JSON API is only asked who holds the next step, never to act.
"""
from __future__ import annotations

import re

from tests.browser_helpers import ARTIFACTS, login
from tests.conftest import Api
from tests.meeting_helpers import (MATTER, MEETING, MEETING_DAY_STEPS, agenda, meeting_day, passphrase,
                                   to_meeting_day)
from tests.public.test_public_feedback import STEPS as FEEDBACK

PHONE = {"width": 375, "height": 812}


class People:
    """One logged-in browser context per user (and screen size), and numbered screenshots of what they saw."""

    def __init__(self, chromium, base: str, folder: str):
        self.browser, self.base, self.pages, self.count = chromium, base, {}, 0
        self.folder = ARTIFACTS / folder
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def page(self, username: str | None, viewport: dict | None = None):
        key = f"{username}@{(viewport or {}).get('width', 1280)}"
        if key not in self.pages:
            context = self.browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
            self.pages[key] = context.new_page()
            if username:
                login(self.pages[key], self.base, username)
        return self.pages[key]

    def shot(self, page, what: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{what}.png"), full_page=True)


def fill(page, answers: dict) -> None:
    """Fill a task form the way a person would: type, pick, tick."""
    for name, value in answers.items():
        if isinstance(value, bool):
            choice = page.locator(f"input[name='{name}'][value='{'true' if value else 'false'}']")
            if choice.count():
                choice.check()
        elif isinstance(value, list):
            for option in value:
                page.check(f"input[name='{name}'][value='{option}']")
        elif page.locator(f"#f-{name}").count():
            field = page.locator(f"#f-{name}")
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(str(value))
            else:
                field.fill(str(value))
        else:
            page.check(f"input[name='{name}'][value='{value}']")


def holder_of(api: Api, matter: int) -> tuple[dict, str] | None:
    tasks = api.instance(matter)["current_tasks"]
    if not tasks:
        return None
    return tasks[0], tasks[0]["assignee"] or tasks[0]["candidates"][0]


def open_task(people: People, username: str, task_id: int, viewport: dict | None = None):
    page = people.page(username, viewport)
    page.goto(f"{people.base}/tasks")
    page.click(f"a[href='/tasks/{task_id}']")  # from the 待办 list, as the holder would
    page.wait_for_url(f"**/tasks/{task_id}")  # not the form of the page this one replaces
    page.wait_for_selector("#task-form")
    return page


def act(people: People, api: Api, matter: int, answers: dict, viewport: dict | None = None) -> tuple[str, str]:
    """The holder of the matter's first open step completes it in the browser."""
    task, holder = holder_of(api, matter)
    if task["element_id"] in MEETING_DAY_STEPS:
        to_meeting_day(api, matter)  # the meeting is held on its noticed day (R4)
    page = open_task(people, holder, task["id"], viewport)
    answer = answers[task["element_id"]]
    if page.locator(".teller-widget").count():  # a teller types the passphrase; the page computes the rest
        page.locator(".teller-widget[data-teller-ready]").wait_for()
        page.fill("[data-teller-passphrase]", passphrase(holder))
        if page.locator("[data-teller-confirm]").count():
            page.fill("[data-teller-confirm]", passphrase(holder))
    else:
        fill(page, answer(holder) if callable(answer) else answer)
    people.shot(page, f"{holder}-{task['element_id']}")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("p.flash")
    assert "已办理完成" in page.inner_text("p.flash"), page.inner_text("main")
    return task["element_id"], holder


def fits(page, width: int) -> bool:
    """Nothing sticks out sideways: the page needs no horizontal scrolling."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_major_decision_with_a_return_and_a_delegation_to_publication(live_url, browser, web_app,
                                                                        sqlite_url):
    api, people = Api(web_app.test_client()), People(browser, live_url, "e2e-major-decision")
    office = people.page("bangong")
    office.click("text=流程目录")
    office.click("tr:has-text('重大决策') a.button:has-text('发起')")
    office.fill("#f-title", "关于全域推进老旧小区改造的决策")
    office.click("button:has-text('发起')")
    office.wait_for_selector("h1:has-text('登记议题')")
    matter = int(re.search(r"/matters/(\d+)", office.content()).group(1))
    steps = [act(people, api, matter, MATTER) for _ in range(4)]
    assert steps == [("file_topic", "bangong"), ("consent_topic", "zhoucw"), ("research", "zhoucw"),
                     ("consult", "zhoucw")]

    # 驳回: the member in charge sends the argument back to the research, with the reason.
    task, holder = holder_of(api, matter)
    assert (task["element_id"], holder) == ("argue", "zhoucw")
    member = open_task(people, "zhoucw", task["id"])
    member.click("summary:has-text('驳回')")
    member.select_option("#rt-to", "research")
    member.fill("#rt-reason", "调研只覆盖了6个小区，请补齐12个小区")
    people.shot(member, "zhoucw-return")
    asked = []
    member.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    member.click("form[action$='/return'] button")  # 驳回 asks before sending the work back
    member.wait_for_selector("p.flash")
    assert asked and "驳回" in asked[0]
    assert "已驳回" in member.inner_text("p.flash")
    task, _ = holder_of(api, matter)
    member = open_task(people, "zhoucw", task["id"])
    assert "驳回：调研只覆盖了6个小区" in member.inner_text("#task-note")
    assert member.input_value("#f-research_report") == MATTER["research"]["research_report"]  # earlier answer
    people.shot(member, "zhoucw-research-returned")
    assert [act(people, api, matter, MATTER) for _ in range(3)] == [
        ("research", "zhoucw"), ("consult", "zhoucw"), ("argue", "zhoucw")]
    waiting = api.instance(matter)
    topic = next(e for e in reversed(waiting["history"]) if e["element_id"] == "submit")["details"]["set"]["topic_id"]

    # The standing committee meets; one member votes on a phone.
    office.goto(f"{live_url}/processes/committee_meeting/start")
    office.fill("#f-title", "常委会第20次会议")
    office.click("button:has-text('发起')")
    office.wait_for_selector("h1")
    meeting = int(re.search(r"/matters/(\d+)", office.content()).group(1))
    answers = {**MEETING, **agenda(meeting_day(sqlite_url), [topic])}
    phone_vote = False
    while (next_step := holder_of(api, meeting)) is not None:
        task, holder = next_step
        on_phone = task["element_id"] == "item_vote" and not phone_vote
        if on_phone:
            page = open_task(people, holder, task["id"], PHONE)
            assert fits(page, PHONE["width"]), "the task page scrolls sideways at 375 px"
        act(people, api, meeting, answers, PHONE if on_phone else None)
        phone_vote = phone_vote or on_phone
    assert api.instance(meeting)["status"] == "completed" and phone_vote

    # 委派: the office clerk has a colleague fill in the publication, then confirms it.
    task, holder = holder_of(api, matter)
    assert task["element_id"] == "publish"
    clerk = open_task(people, "bangong2", task["id"])
    clerk.click("summary:has-text('转办或委派')")
    clerk.select_option("#ho-to", "bangong")
    clerk.fill("#ho-reason", "请孙主任代拟公示稿")
    people.shot(clerk, "bangong2-delegate")
    clerk.click("button[value=delegate]")
    clerk.wait_for_selector("p.flash")
    assert "已委派给孙主任（办公室）" in clerk.inner_text("p.flash")
    assert act(people, api, matter, MATTER) == ("publish", "bangong")  # the delegate's answer goes back
    page = open_task(people, "bangong2", task["id"])
    assert page.input_value("#f-publication_text") == MATTER["publish"]["publication_text"]
    people.shot(page, "bangong2-confirm-delegated")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("p.flash")
    assert api.instance(matter)["status"] == "completed"

    public = people.page(None)
    public.goto(f"{live_url}/public/decisions")
    assert "关于全域推进老旧小区改造的决策" in public.inner_text("main")
    people.shot(public, "public-decisions")
    history = [(e["action"], e["actor"]) for e in api.instance(matter)["history"]
               if e["action"] in ("return", "delegate", "delegate_done")]
    assert history == [("return", "zhoucw"), ("delegate", "bangong2"), ("delegate_done", "bangong")]
    assert people.count >= 30


def test_a_letter_from_the_mailbox_form_to_its_reply(live_url, browser, web_app):
    api, people = Api(web_app.test_client()), People(browser, live_url, "e2e-mailbox")
    writer = people.page(None, PHONE)
    writer.goto(f"{live_url}/public/mailbox")
    writer.fill("#f-writer", "王某")
    writer.fill("#f-contact", "138****0000")
    writer.fill("#f-content", "幸福路与和平街交叉口的路灯损坏已一个月，夜间行人很不安全。")
    people.shot(writer, "public-writes-on-phone")
    writer.click("button:has-text('提交来信')")
    number = writer.inner_text("#tracking-number")
    people.shot(writer, "public-tracking-number")
    matter = next(m for m in api.get("/tasks", "bangong").get_json() if m["process_key"] == "public_feedback")
    matter = matter["instance_id"]
    reply = "路灯已于本周修复，感谢您的监督。"
    answers = {**FEEDBACK, "register": {"channel": "网上信箱", "content": FEEDBACK["register"]["content"]},
               "reply": {"reply_text": reply}}
    steps = []
    while (next_step := holder_of(api, matter)) and next_step[0]["element_id"] != "assess":
        steps.append(act(people, api, matter, answers))
    assert [e for e, _ in steps] == ["register", "classify", "handle", "supervise", "reply"]
    writer.goto(f"{live_url}/public/letters/{number}")
    assert reply in writer.inner_text("main") and fits(writer, PHONE["width"])
    people.shot(writer, "public-reads-reply-on-phone")


def test_inbox_task_and_matter_pages_fit_a_phone(live_url, browser, web_app):
    api, people = Api(web_app.test_client()), People(browser, live_url, "e2e-phone")
    matter = api.start("关于手机端办理的决策")
    task = api.instance(matter)["current_tasks"][0]
    page = people.page("bangong", PHONE)
    for path, what in (("/tasks", "inbox"), (f"/tasks/{task['id']}", "task"), (f"/matters/{matter}", "matter"),
                       ("/minutes", "minutes")):
        page.goto(f"{live_url}{path}")
        assert fits(page, PHONE["width"]), f"{path} scrolls sideways at 375 px"
        people.shot(page, f"bangong-{what}-375px")
    page.goto(f"{live_url}/tasks/{task['id']}")
    page.click("#task-form button[type=submit]")  # the empty form's errors are readable on a phone too
    assert page.locator(".error").count() > 0 and fits(page, PHONE["width"])
