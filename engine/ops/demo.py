"""Demo data: users for every role, a 9-member standing committee, fields, matters and meetings."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.committee.ballots import teller_client
from engine.committee.calendar_days import load_calendar
from engine.storage.database import Database
from engine.directory.people import Directory, hash_password
from engine.committee.meetings import earliest_meeting_day
from engine.models import Instance, Topic
from engine.directory.people import candidates
from engine.runtime.task_rows import open_tasks
from engine.runtime.service import Runtime
from engine.pages.task_view import task_form
from engine.committee.workdays import LOCAL_TZ, WorkdayCalendar

DEMO_PASSWORD = "demo"
DEMO_TELLERS = ["wangcw", "zhaocw", "chencw"]  # the meetings' tellers (监票人); any two open a total
DEMO_TELLER_PASSPHRASE = "teller-demo-2026"  # each demo teller's passphrase (a real teller chooses their own)
COMMITTEE = [  # username, name, extra roles, field in charge
    ("shuji", "张书记", ["书记"], None),
    ("fushuji", "李副书记", ["副书记"], "党的建设"),
    ("wangcw", "王常委", [], "经济发展"),
    ("zhaocw", "赵常委", [], "社会事业"),
    ("chencw", "陈常委", [], "组织人事"),
    ("liucw", "刘常委", [], "宣传思想"),
    ("yangcw", "杨常委", [], "政法工作"),
    ("huangcw", "黄常委", [], "纪检监察"),
    ("zhoucw", "周常委", [], "城乡建设"),
]
STAFF = [
    ("bangong", "孙主任（办公室）", ["办公室"]),
    ("bangong2", "吴秘书（办公室）", ["办公室"]),
    ("zuzhi", "郑部长（组织部）", ["组织部"]),
    ("jiwei", "冯书记（纪委）", ["纪委"]),
    ("bumen", "何局长（职能部门）", ["职能部门"]),
    ("shangji", "市委（上级组织）", ["上级组织"]),
    ("jiandu", "许监督员", ["监督员"]),
    ("daibiao", "韩代表", ["党代表"]),
    ("sheji", "马设计员", ["设计员"]),
    ("admin", "系统管理员", ["管理员"]),
    ("qianwy", "钱委员", ["全委委员"]),
    ("kongwy", "孔委员", ["全委委员"]),
    ("caowy", "曹委员", ["全委委员"]),
]
Answer = dict | Callable[[dict], dict]


def _teller(context: dict) -> dict:
    """What a demo teller's browser submits (the passphrase is the demo's, see README)."""
    return teller_client.answer(DEMO_TELLER_PASSPHRASE, context["form"])



ANSWERS: dict[str, Answer] = {  # element id -> what a diligent holder would enter
    "file_topic": {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区、3200户居民。", "field": "城乡建设",
                   "source": "职能部门提出", "topic_kind": "一般事项", "basis": "《城镇老旧小区改造实施意见》"},
    "consent_topic": {"consent": True, "consent_opinion": "同意提交常委会审议。"},
    "research": {"research_report": "实地走访12个小区，居民改造意愿强烈，资金测算已完成。", "materials": "调研报告、资金测算表"},
    "consult": {"consulted": "人大、政协、相关街道和居民代表", "consultation_summary": "各方普遍支持，建议分期实施。",
                "individual_consultation": True},
    "argue": {"argument_conclusion": "方案可行，风险可控，建议分两期实施。", "risk_level": "中", "legal_review": True},
    "publish": {"publication_text": "经常委会审议，决定实施该事项，现予公示。", "publication_days": 5, "channel": "党务公开栏"},
    "notify_rejection": {"rejection_notice": "该议题未获通过。"},
    "approve_agenda": {"agenda_approved": True, "agenda_opinion": "同意按此议程召开。"},
    "attendance": {"present": [u for u, *_ in COMMITTEE], "tellers": DEMO_TELLERS},
    "teller_key": _teller,
    "open_tally": _teller,
    "leave_opinion": {"written_opinion": "同意各项议题。"},
    "member_opinion": {"member_view": "agree", "member_remarks": "同意。"},
    "secretary_opinion": {"secretary_view": "agree", "secretary_remarks": "同意。"},
    "item_vote": {"ballot": "agree"},
    "superior_ruling": {"ruling": "passed", "ruling_text": "经研究，同意该决定。"},
    "write_minutes": {"meeting_minutes": "会议逐项审议并无记名表决了列入议程的议题。"},
    "relay": {"relay_note": "已当面传达会议决定。"},
}


def meeting_answers(topic_ids: list[int], day: date) -> dict[str, Answer]:
    """Answers for a meeting on ``topic_ids`` held on ``day``."""
    day = day.isoformat()
    return {"propose_agenda": {"meeting_date": day, "place": "常委会议室", "topics": [str(t) for t in topic_ids]},
            "send_notice": {"meeting_date": day, "notice_text": f"定于 {day} 在常委会议室召开常委会会议，请准时出席。"}}


def create_people(session: Session) -> None:
    """Create demo users (password "demo") and fields of charge."""
    directory = Directory(session)
    shared = hash_password(DEMO_PASSWORD)  # one hash for all: Argon2 is slow on purpose
    for username, name, roles, _ in COMMITTEE:
        directory.save_user(username, name, roles=["常委", "全委委员", *roles], password_hash=shared)
    for username, name, roles in STAFF:
        directory.save_user(username, name, roles=roles, password_hash=shared)
    for username, _, _, field in COMMITTEE:
        if field:
            directory.set_field(field, username)


def advance(db: Database, runtime: Runtime, instance_id: int, steps: int,
            answers: dict[str, Answer] | None = None, stop_at: str | None = None) -> int:
    """Complete up to ``steps`` open tasks of a matter as their holders; return how many were done."""
    answers = {**ANSWERS, **(answers or {})}
    for done in range(steps):
        with db.reader() as session:
            tasks = open_tasks(session, instance_id)
            if not tasks or tasks[0].element_id == stop_at:
                return done
            task = tasks[0]
            holder = candidates(session, task)[0].username
            task_id, element = task.id, task.element_id
            if callable(answers[element]):
                context = {"holder": holder,
                           "form": task_form(session, task, Directory(session).user(holder)).schema}
        answer = answers[element]
        runtime.complete(task_id, answer(context) if callable(answer) else answer, holder)
    return steps


def topic_of(db: Database, instance_id: int) -> int:
    with db.reader() as session:
        return session.scalar(select(Topic.id).where(Topic.instance_id == instance_id).order_by(Topic.id.desc()))


def workdays_before(calendar: WorkdayCalendar, day: date, count: int) -> date:
    """The working day ``count`` working days before ``day``."""
    while count > 0:
        day -= timedelta(days=1)
        count -= calendar.is_workday(day)
    return day


def notice_for(calendar: WorkdayCalendar, meeting_day: date) -> datetime:
    """09:00 Beijing time on the last working day a notice still lets the meeting be held on ``meeting_day`` (R4)."""
    day = meeting_day - timedelta(days=1)
    while not calendar.is_workday(day) or \
            earliest_meeting_day(calendar, datetime.combine(day, time(9), LOCAL_TZ)) > meeting_day:
        day -= timedelta(days=1)
    return datetime.combine(day, time(9), LOCAL_TZ)


def run_from(runtime: Runtime, clock: Callable[[], datetime], moment: datetime) -> None:
    """Let ``runtime``'s clock run on from ``moment`` (``clock`` is the real one)."""
    offset = moment - clock()
    runtime.clock = lambda: clock() + offset


def create_matters(db: Database, runtime: Runtime) -> list[int]:
    """Three major decisions and two meetings, left at different steps.

    The story is true to the rules: the first meeting was noticed (R4) and held in the past; the second was
    noticed in time to be held today, and its vote is under way now.
    """
    with db.reader() as session:
        if session.scalar(select(func.count(Instance.id))):
            return []
        calendar = load_calendar(session)
    clock = runtime.clock
    today = clock().astimezone(LOCAL_TZ).date()
    second_notice = notice_for(calendar, today)
    first_day = workdays_before(calendar, second_notice.date(), 1)
    first_notice = notice_for(calendar, first_day)
    try:
        run_from(runtime, clock, datetime.combine(workdays_before(calendar, first_notice.date(), 2), time(9), LOCAL_TZ))
        start = lambda title: runtime.start("major_decision", title, {}, "bangong").instance_id  # noqa: E731
        budget, business, housing = (start("关于2027年度财政预算安排的决策"), start("关于优化营商环境若干措施的决策"),
                                     start("关于城区老旧小区改造项目的决策"))
        advance(db, runtime, budget, 1)  # waiting for its member in charge
        for matter in (business, housing):
            advance(db, runtime, matter, 10)  # submitted to the standing committee
        run_from(runtime, clock, first_notice)
        first = runtime.start("committee_meeting", "常委会第12次会议", {}, "bangong").instance_id
        first_answers = meeting_answers([topic_of(db, business)], first_day)
        advance(db, runtime, first, 200, first_answers, stop_at="attendance")
        run_from(runtime, clock, datetime.combine(first_day, time(9), LOCAL_TZ))  # the meeting is held (R4)
        advance(db, runtime, first, 200, first_answers)
        advance(db, runtime, business, 1)  # the office publishes the decision
        run_from(runtime, clock, second_notice)
        second = runtime.start("committee_meeting", "常委会第13次会议", {}, "bangong").instance_id
        second_answers = {**meeting_answers([topic_of(db, housing)], today),
                          "attendance": {"present": [u for u, *_ in COMMITTEE if u != "huangcw"],
                                         "tellers": DEMO_TELLERS}}
        advance(db, runtime, second, 200, second_answers, stop_at="attendance")
    finally:
        runtime.clock = clock
    advance(db, runtime, second, 200, second_answers, stop_at="item_vote")  # held today
    advance(db, runtime, second, 4)  # four of eight ballots cast
    return [budget, business, housing, first, second]
