"""Demo data: users for every role, a 9-member standing committee, fields, and matters in progress."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .database import Database
from .directory import Directory, hash_password
from .models import HumanTask, Instance
from .queries import candidates, open_tasks
from .runtime import Runtime

DEMO_PASSWORD = "demo"
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
]

ANSWERS = {  # element id -> form data a diligent holder would enter
    "file_topic": {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区、3200户居民。", "field": "城乡建设",
                   "source": "职能部门提出", "basis": "《城镇老旧小区改造实施意见》"},
    "consent_topic": {"consent": True, "consent_opinion": "同意提交常委会审议。"},
    "approve_topic": {"approved": True, "approve_opinion": "同意列入下次常委会议程。"},
    "research": {"research_report": "实地走访12个小区，居民改造意愿强烈，资金测算已完成。", "materials": "调研报告、资金测算表"},
    "consult": {"consulted": "人大、政协、相关街道和居民代表", "consultation_summary": "各方普遍支持，建议分期实施。",
                "individual_consultation": True},
    "argue": {"argument_conclusion": "方案可行，风险可控，建议分两期实施。", "risk_level": "中", "legal_review": True},
    "absent_opinion": {"written_opinion": "同意该议题。"},
    "vote": {"ballot": "agree"},
    "minutes": {"minutes_text": "会议审议通过了老旧小区改造项目决策，责成分管常委组织实施。"},
    "publish": {"publication_text": "经常委会审议，决定实施老旧小区改造项目，现予公示。", "publication_days": 5,
                "channel": "党务公开栏"},
    "notify_rejection": {"rejection_notice": "该议题未获通过。"},
}


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
            answers: dict[str, dict] | None = None) -> None:
    """Complete up to ``steps`` open tasks of a matter as their holders, with demo answers."""
    answers = {**ANSWERS, **(answers or {})}
    for _ in range(steps):
        with db.reader() as session:
            tasks = open_tasks(session, instance_id)
            if not tasks:
                return
            task = tasks[0]
            holder = candidates(session, task)[0].username
            task_id, element = task.id, task.element_id
        runtime.complete(task_id, answers[element], holder)


def create_matters(db: Database, runtime: Runtime) -> list[int]:
    """Start a few major decisions and leave them at different steps."""
    with db.reader() as session:
        if session.scalar(select(func.count(Instance.id))):
            return []
    everyone = [u for u, *_ in COMMITTEE]
    plans = [
        ("关于2027年度财政预算安排的决策", 1, {}),
        ("关于城区老旧小区改造项目的决策", 12,
         {"convene": {"meeting_date": "2026-12-03", "attendees": [u for u in everyone if u != "huangcw"]}}),
        ("关于优化营商环境若干措施的决策", 40, {"convene": {"meeting_date": "2026-11-12", "attendees": everyone}}),
    ]
    ids = []
    for title, steps, extra in plans:
        outcome = runtime.start("major_decision", title, {}, "bangong")
        advance(db, runtime, outcome.instance_id, steps, extra)
        ids.append(outcome.instance_id)
    return ids


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count(HumanTask.id)).where(HumanTask.state == "ready")) or 0
