"""Driving matters and meetings through the JSON API, as each task's holder in turn."""
from __future__ import annotations

from datetime import date, datetime, time

from engine.committee.ballots import teller_client
from engine.committee.calendar_days import load_calendar
from engine.storage.database import Database
from engine.committee.meetings import earliest_meeting_day
from engine.committee.workdays import LOCAL_TZ

COMMITTEE = ["shuji", "fushuji", "wangcw", "zhaocw", "chencw", "liucw", "yangcw", "huangcw", "zhoucw"]
PLENARY = COMMITTEE + ["qianwy", "kongwy", "caowy"]
MATTER = {
    "file_topic": {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设",
                   "source": "职能部门提出", "topic_kind": "一般事项", "basis": "改造实施意见"},
    "consent_topic": {"consent": True, "consent_opinion": "同意提交。"},
    "research": {"research_report": "走访12个小区，改造意愿强烈。"},
    "consult": {"consulted": "居民代表", "consultation_summary": "普遍支持，建议分期。", "individual_consultation": True},
    "argue": {"argument_conclusion": "方案可行，风险可控。", "risk_level": "中", "legal_review": True},
    "publish": {"publication_text": "决定实施老旧小区改造项目，现予公示。", "publication_days": 5, "channel": "门户网站"},
    "notify_rejection": {"rejection_notice": "该议题未获通过。"},
}
TELLERS = ["wangcw", "zhaocw", "chencw"]  # three tellers: any two open a total


def passphrase(teller: str) -> str:
    """The passphrase each teller sets in these tests."""
    return f"{teller} 的监票口令"


def tellers_among(present: list[str]) -> list[str]:
    """The usual tellers who are present, else the first three present."""
    usual = [m for m in TELLERS if m in present]
    return usual if len(usual) >= 2 else present[:3]


def teller_answer(holder: str, task: dict) -> dict:
    """What the teller's browser submits at 监票人设定口令 and 监票人开启计票."""
    return teller_client.answer(passphrase(holder), task["form"])


MEETING = {
    "approve_agenda": {"agenda_approved": True, "agenda_opinion": "同意。"},
    "attendance": {"present": [m for m in COMMITTEE if m != "huangcw"], "tellers": TELLERS},
    "teller_key": teller_answer,
    "open_tally": teller_answer,
    "leave_opinion": {"written_opinion": "我同意该议题。"},
    "member_opinion": {"member_view": "agree", "member_remarks": "同意。"},
    "secretary_opinion": {"secretary_view": "agree", "secretary_remarks": "同意。"},
    "item_vote": {"ballot": "agree"},
    "superior_ruling": {"ruling": "passed", "ruling_text": "经研究同意。"},
    "write_minutes": {"meeting_minutes": "会议逐项审议并表决了议题。"},
    "relay": {"relay_note": "已当面传达。"},
}


# The steps of holding the meeting, open only from the noticed meeting day on (R4).
MEETING_DAY_STEPS = {"attendance", "teller_key", "member_opinion", "secretary_opinion", "item_vote", "open_tally",
                     "write_minutes"}


def meeting_day(db_url: str, now: datetime | None = None) -> str:
    """The earliest day a meeting noticed ``now`` (default: the real now) may be held (R4)."""
    db = Database(db_url)
    with db.reader() as session:
        day = earliest_meeting_day(load_calendar(session), (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ))
    db.dispose()
    return day.isoformat()


def agenda(day: str, topic_ids: list[int]) -> dict:
    return {"propose_agenda": {"meeting_date": day, "place": "常委会议室", "topics": [str(t) for t in topic_ids]},
            "send_notice": {"meeting_date": day, "notice_text": f"定于 {day} 召开常委会会议。"}}


def runtime_of(api):
    """The runtime behind the test client ``api`` talks to."""
    return api.client.application.extensions["powerflow"].runtime


def move_clock_to(runtime, day: str) -> bool:
    """Make ``runtime``'s clock read 09:00 Beijing time on ``day`` (and keep running), unless it is already later."""
    now, target = runtime.clock(), datetime.combine(date.fromisoformat(day), time(9), LOCAL_TZ)
    if now >= target:
        return False
    base, offset = runtime.clock, target - now
    runtime.clock = lambda: base() + offset
    return True


def move_app_clock(api, day: str) -> None:
    """Move the clock of the app ``api`` talks to (see ``move_clock_to``); its tokens are then fetched anew.

    Days have passed for the app, so its per-minute (real time) sign-in limits start afresh too.
    """
    if move_clock_to(runtime_of(api), day):
        api.forget_tokens()
        from webui.http.rate_limits import limiter
        with api.client.application.app_context():
            limiter.reset()


def noticed_day(matter: dict) -> str | None:
    """The meeting date of the matter's last sent notice, from its history."""
    notices = [e["details"]["data"].get("meeting_date") for e in matter["history"]
               if e["element_id"] == "send_notice" and e["action"] == "complete" and isinstance(e["details"], dict)
               and "data" in e["details"]]
    return notices[-1] if notices else None


def to_meeting_day(api, meeting_id: int) -> None:
    """Move the app's clock to the meeting's noticed day (R4), as ``drive`` does before the meeting's steps."""
    if day := noticed_day(api.instance(meeting_id)):
        move_app_clock(api, day)


def drive(api, instance_id: int, answers: dict, stop_at: str | None = None, limit: int = 200,
          count: int | None = None) -> list:
    """Complete the matter's tasks until none is left (or ``stop_at``, or ``count`` steps); return the steps.

    An answer may be a function of the holder, e.g. each member's ballot, or of the holder and the task
    (as ``GET /api/v1/tasks/<id>`` gives it), e.g. a teller's answer.
    """
    done = []
    for _ in range(limit):
        matter = api.instance(instance_id)
        if matter["status"] != "running" or not matter["current_tasks"]:
            return done
        task = matter["current_tasks"][0]
        if task["element_id"] == stop_at:
            return done
        holder = task["candidates"][0]
        inbox = api.get("/tasks", holder).get_json()
        assert task["id"] in [t["id"] for t in inbox], f"{holder} does not see {task['name']} in 待办"
        if task["element_id"] in MEETING_DAY_STEPS and noticed_day(matter):
            move_app_clock(api, noticed_day(matter))  # the meeting is held on its day (R4)
        answer = answers[task["element_id"]]
        if callable(answer) and answer.__code__.co_argcount == 2:
            data = answer(holder, api.get(f"/tasks/{task['id']}", holder).get_json())
        else:
            data = answer(holder) if callable(answer) else answer
        if task["element_id"] == "attendance" and "tellers" not in data:  # tests that only say who came
            data = {**data, "tellers": tellers_among(data["present"])}
        response = api.complete(task["id"], holder, data)
        assert response.status_code == 200, (task["element_id"], response.get_json())
        done.append((task["element_id"], holder))
        if count is not None and len(done) == count:
            return done
    raise AssertionError("matter did not finish")


def submit_matter(api, title: str, answers: dict | None = None) -> tuple[int, int]:
    """Start a major decision and take it to the standing committee; return (matter, topic id)."""
    matter = api.start(title, as_user="bangong")
    drive(api, matter, {**MATTER, **(answers or {})})
    waiting = api.instance(matter)
    assert waiting["status"] == "running" and waiting["current_tasks"] == []
    topic = next(e for e in waiting["history"] if e["element_id"] == "submit")["details"]["set"]["topic_id"]
    return matter, topic


def hold_meeting(api, db_url: str, topic_ids: list[int], answers: dict | None = None,
                 stop_at: str | None = None, title: str = "常委会会议",
                 process: str = "committee_meeting") -> tuple[int, list]:
    """Start a standing-committee (or plenary) meeting on ``topic_ids`` and drive it; return (meeting, steps)."""
    response = api.post(f"/processes/{process}/instances", "bangong", {"title": title, "data": {}})
    assert response.status_code == 201, response.get_json()
    meeting = response.get_json()["id"]
    day = meeting_day(db_url, runtime_of(api).clock())  # the app's clock may have been moved to an earlier meeting
    steps = drive(api, meeting, {**MEETING, **agenda(day, topic_ids), **(answers or {})}, stop_at)
    return meeting, steps


def run_process(api, key: str, starter: str, title: str, answers: dict, stop_at: str | None = None) -> tuple[int, list]:
    """Start a matter of process ``key`` as ``starter`` and drive it; return (matter, steps)."""
    response = api.post(f"/processes/{key}/instances", starter, {"title": title, "data": {}})
    assert response.status_code == 201, response.get_json()
    instance = response.get_json()["id"]
    return instance, drive(api, instance, answers, stop_at=stop_at)


def decided_matter(app, api, db_url: str, title: str) -> tuple[int, int, int]:
    """A major decision passed at a standing-committee meeting: (matter, topic, decision id)."""
    import sqlalchemy as sa

    from engine.models import Decision
    matter, topic = submit_matter(api, title)
    hold_meeting(api, db_url, [topic])
    with app.extensions["powerflow"].db.reader() as session:
        return matter, topic, session.scalars(sa.select(Decision.id).where(Decision.topic_id == topic)).one()
