"""The auditors' list of every matter: where it stands, who holds it since when, and whether it is late.

Indexed queries on instances and the human-task mirror only; no serialized workflow is read,
so a page stays fast with 100,000 matters (see bench/dashboard.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from engine.process.deployment import process_names
from engine.directory.people import Directory
from engine.errors import Msg
from engine.messages import MESSAGES
from engine.models import HumanTask, Instance, ProcessVersion, User, utcnow
from engine.status import MatterStatus, TaskState
from engine.pages.queries import title_contains
from engine.committee.workdays import LOCAL_TZ

STATUS_LABELS = {status: MESSAGES[f"status.{status}"] for status in MatterStatus}
COLUMNS = [("id", "编号"), ("process", "流程"), ("title", "标题"), ("status", "状态"), ("body", "决策机构"),
           ("member_in_charge", "分管常委"), ("step", "当前步骤"), ("holder", "办理人"), ("since", "到达时间"),
           ("due", "期限"), ("overdue", "逾期"), ("started_at", "发起时间")]


@dataclass
class MatterFilter:
    """What an auditor narrowed the list to; every field optional."""

    process: str | None = None
    status: str | None = None
    body: str | None = None
    member_in_charge: str | None = None  # username
    started_from: date | None = None
    started_to: date | None = None
    overdue: bool = False
    q: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> "MatterFilter":
        """Read filters from query-string arguments; unusable values are reported, not applied."""
        found = cls(process=args.get("process") or None, status=args.get("status") or None,
                    body=args.get("body") or None, member_in_charge=args.get("member_in_charge") or None,
                    overdue=args.get("overdue") in ("1", "true", "on"), q=(args.get("q") or "").strip() or None)
        if found.status and found.status not in STATUS_LABELS:
            found.errors["status"], found.status = Msg("dashboard.unknown_status"), None
        for name in ("started_from", "started_to"):
            value = args.get(name)
            if value:
                try:
                    setattr(found, name, date.fromisoformat(value))
                except ValueError:
                    found.errors[name] = Msg("form.bad_date")
        return found


# Built once: aliasing a mapped class costs more than running the page's query.
_MEMBER, _ASSIGNEE = aliased(User, name="member"), aliased(User, name="assignee")
_READY = aliased(HumanTask, name="ready")


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ)


def _conditions(f: MatterFilter, now: datetime) -> list:
    where = []
    if f.process:
        where.append(Instance.process_key == f.process)
    if f.status:
        where.append(Instance.status == f.status)
    if f.body:
        where.append(Instance.body == f.body)
    if f.member_in_charge:  # a subquery, not a read of the user: one statement per page
        where.append(Instance.member_in_charge_id == select(User.id).where(User.username == f.member_in_charge)
                     .scalar_subquery())
    if f.started_from:
        where.append(Instance.started_at >= _local_start(f.started_from))
    if f.started_to:
        where.append(Instance.started_at < _local_start(f.started_to + timedelta(days=1)))
    if f.q:
        where.append(title_contains(f.q))
    if f.overdue:
        where.append(exists().where(HumanTask.instance_id == Instance.id, HumanTask.state == TaskState.READY,
                                    HumanTask.due_at < now))
    return where


def count(session: Session, f: MatterFilter, now: datetime | None = None) -> int:
    """How many matters the filter selects."""
    # count(*), not count(id): PostgreSQL may then answer from its smallest index.
    return session.scalar(select(func.count()).select_from(Instance)
                          .where(and_(True, *_conditions(f, now or utcnow()))))


def rows(session: Session, f: MatterFilter, limit: int = 50, offset: int = 0,
         now: datetime | None = None) -> list[dict]:
    """One page of matters, newest first, each with its current step and holder.

    One statement: the page is cut on matter ids alone (an index scan, however deep the page), then
    only those matters are joined to their version, member in charge and ready tasks.
    """
    now = now or utcnow()
    page = (select(Instance.id).where(and_(True, *_conditions(f, now)))
            .order_by(Instance.id.desc()).limit(limit).offset(offset)).scalar_subquery()
    found: dict[int, tuple] = {}
    tasks: dict[int, list] = {}
    for r in session.execute(
            select(Instance.id, Instance.title, Instance.process_key, ProcessVersion.name, Instance.status,
                   Instance.body, Instance.started_at, _MEMBER.display_name.label("member"),
                   _READY.name.label("step"), _READY.candidate_role, _READY.created_at, _READY.due_at,
                   _ASSIGNEE.display_name.label("assignee"))
            .join(ProcessVersion, ProcessVersion.id == Instance.process_version_id)
            .outerjoin(_MEMBER, _MEMBER.id == Instance.member_in_charge_id)
            .outerjoin(_READY, and_(_READY.instance_id == Instance.id, _READY.state == TaskState.READY))
            .outerjoin(_ASSIGNEE, _ASSIGNEE.id == _READY.assignee_id)
            .where(Instance.id.in_(page)).order_by(Instance.id.desc(), _READY.id)):
        found.setdefault(r.id, r)
        if r.step is not None:
            tasks.setdefault(r.id, []).append(r)
    idle = [i for i, r in found.items() if i not in tasks and r.status == MatterStatus.RUNNING]
    waiting = {i: ("、".join((state or {}).get("waiting", {}).values()) or None) for i, state in (
        session.execute(select(Instance.id, Instance.chart_state).where(Instance.id.in_(idle))) if idle else ())}
    result = []
    for r in found.values():
        ready_tasks = tasks.get(r.id, [])
        task = ready_tasks[0] if ready_tasks else None
        holder = None
        if task is not None:
            holder = task.assignee or f"{task.candidate_role}（岗位）"
            if len(ready_tasks) > 1:
                holder += f" 等 {len(ready_tasks)} 项"
        result.append({
            "id": r.id, "process_key": r.process_key, "process": r.name, "title": r.title,
            "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status), "body": r.body,
            "member_in_charge": r.member, "step": task.step if task else waiting.get(r.id),
            "holder": holder, "holder_name": task.assignee if task else None,
            "holder_role": task.candidate_role if task else None, "open_tasks": len(ready_tasks), "since": task.created_at if task else None, "due": task.due_at if task else None,
            "overdue": any(t.due_at is not None and t.due_at < now for t in ready_tasks),
            "started_at": r.started_at})
    return result


def filter_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers: processes, bodies, members in charge."""
    bodies = session.scalars(select(Instance.body).where(Instance.body.is_not(None)).distinct())
    members = Directory(session).members_of("常委")
    return {"process": sorted(process_names(session).items()), "body": [(b, b) for b in sorted(bodies)],
            "member_in_charge": [(u.username, u.display_name) for u in members],
            "status": list(STATUS_LABELS.items())}
