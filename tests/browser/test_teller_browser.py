"""The tellers' ceremony in Chromium: each teller's browser turns a passphrase into a key, later into a
decryption share of one item's totals; the passphrase never leaves the page. Screenshots for the README."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from engine.ops import demo
from engine.models import BallotTeller, TallyShare
from engine.committee.calendar_days import load_calendar
from engine.committee.meetings import earliest_meeting_day
from engine.models import Decision, HumanTask, User
from engine.committee.workdays import LOCAL_TZ
from tests.browser_helpers import ARTIFACTS, login


def _ready(session, instance_id: int, element: str) -> list[tuple[int, str]]:
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.element_id == element, HumanTask.state == "ready")
                           .order_by(HumanTask.id))
    return [(t.id, session.get(User, t.assignee_id).username) for t in rows]


def _shoot(page, name: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        page.locator("#task-card").screenshot(path=str(ARTIFACTS / f"{name}-card-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # usable on a phone
    page.set_viewport_size({"width": 1280, "height": 900})


def _posted(page) -> list[str]:
    """Every form body the page sends from now on."""
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or "") if request.method == "POST" else None)
    return bodies


def test_tellers_open_a_total_and_set_their_keys_in_their_own_browsers(live_url, browser, web_app):
    ARTIFACTS.mkdir(exist_ok=True)
    services = web_app.extensions["powerflow"]
    db, runtime = services.db, services.runtime
    budget, _, _, _, second = demo.create_matters(db, runtime)
    demo.advance(db, runtime, second, 4)  # the other four members vote: the item's vote closes
    with db.reader() as session:
        tallies = _ready(session, second, "open_tally")
    assert sorted(u for _, u in tallies) == sorted(demo.DEMO_TELLERS)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for n, (task, teller) in enumerate(tallies[:2]):
        login(page, live_url, teller)
        page.goto(f"{live_url}/tasks/{task}")
        widget = page.locator(".teller-widget[data-teller-ready]")
        assert widget.count() == 1 and "同意" in widget.inner_text()
        if n == 0:
            _shoot(page, "teller-open-tally")
            page.fill("[data-teller-passphrase]", "not-the-passphrase")
            page.click("#task-form button[type=submit]")
            assert "口令不正确" in page.locator("[data-teller-status]").inner_text(timeout=30000)
        bodies = _posted(page)
        page.fill("[data-teller-passphrase]", demo.DEMO_TELLER_PASSPHRASE)
        page.click("#task-form button[type=submit]")
        page.wait_for_url(lambda url: f"/tasks/{task}" not in url, timeout=60000)
        assert bodies and not any(demo.DEMO_TELLER_PASSPHRASE in b for b in bodies)
        page.context.clear_cookies()
    with db.reader() as session:
        assert len(session.scalars(select(TallyShare).where(TallyShare.instance_id == second)).all()) == 2
        decision = session.scalars(select(Decision).where(Decision.meeting_id == second)).one()
        assert (decision.agree, decision.disagree, decision.outcome) == (8, 0, "passed")  # every demo ballot agreed

    # A new meeting: after attendance, each teller sets a passphrase in their own browser.
    demo.advance(db, runtime, budget, 10)
    with db.reader() as session:
        calendar = load_calendar(session)
    day = earliest_meeting_day(calendar, runtime.clock())
    meeting = runtime.start("committee_meeting", "常委会第14次会议", {}, "bangong").instance_id
    answers = demo.meeting_answers([demo.topic_of(db, budget)], day)
    demo.advance(db, runtime, meeting, 20, answers, stop_at="attendance")
    real = runtime.clock
    demo.run_from(runtime, real, datetime.combine(day, time(9), LOCAL_TZ))  # the meeting's day (R4)
    try:
        demo.advance(db, runtime, meeting, 1, answers)
        with db.reader() as session:
            (task, teller), *_ = _ready(session, meeting, "teller_key")
        login(page, live_url, teller)
        page.goto(f"{live_url}/tasks/{task}")
        page.locator(".teller-widget[data-teller-ready]").wait_for()
        _shoot(page, "teller-key")
        bodies = _posted(page)
        page.fill("[data-teller-passphrase]", "my-teller-secret-2026")
        page.fill("[data-teller-confirm]", "my-teller-secret-2026")
        page.click("#task-form button[type=submit]")
        page.wait_for_url(lambda url: f"/tasks/{task}" not in url, timeout=60000)
        assert bodies and not any("my-teller-secret" in b for b in bodies)  # the passphrase stays in the page
        page.context.clear_cookies()
        with db.reader() as session:
            (task, teller), *_ = _ready(session, meeting, "teller_key")
        login(page, live_url, teller)
        page.goto(f"{live_url}/language/en?next=/tasks/{task}")
        assert "Teller passphrase for this meeting" in page.inner_text("#task-form")
        page.goto(f"{live_url}/language/zh?next=/")
        demo.advance(db, runtime, meeting, 2)
        with db.reader() as session:
            assert {t.username for t in session.scalars(select(BallotTeller).where(
                BallotTeller.instance_id == meeting))} == set(demo.DEMO_TELLERS)  # the box is sealed
    finally:
        runtime.clock = real
    page.close()

