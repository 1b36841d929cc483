"""Read-only views: inboxes, matters and their histories, as indexed queries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from engine.bpmn.step_names import element_names
from engine.committee.deliberation import sees_deliberation
from engine.errors import Msg
from engine.clock import iso
from engine.models import AuditEvent, HumanTask, Instance, ProcessVersion, User, utcnow
from engine.status import TaskState
from engine.runtime.task_rows import open_tasks, task_summary  # noqa: F401 (the pages' lists use both)


def _inbox_branches(user: User) -> list:
    """Disjoint conditions, each served by one index in creation order: my own tasks, and each role's pool."""
    mine = [(HumanTask.state == TaskState.READY) & (HumanTask.assignee_id == user.id)]
    return mine + [(HumanTask.state == TaskState.READY) & HumanTask.assignee_id.is_(None) & (HumanTask.candidate_role == role)
                   for role in user.role_names]


def inbox(session: Session, user: User, limit: int = 200, offset: int = 0, now: datetime | None = None,
          q: str | None = None) -> list[dict]:
    """待办: ready tasks assigned to the user or open to one of the user's roles, oldest first.

    One SQL statement: a range scan of one index per branch (an OR across them would make the database
    sort every open task of the role), merged, then joined to the page's matters. No workflow is loaded.
    """
    now = now or utcnow()
    parts = []
    for n, branch in enumerate(_inbox_branches(user)):
        query = select(HumanTask.id, HumanTask.created_at).where(branch)
        if q:
            query = query.join(Instance, Instance.id == HumanTask.instance_id).where(title_contains(q))
        parts.append(query.order_by(HumanTask.created_at, HumanTask.id).limit(offset + limit).subquery(f"b{n}"))
    merged = union_all(*[select(p.c.id) for p in parts]).subquery("page")
    rows = session.execute(
        select(HumanTask.id, HumanTask.instance_id, Instance.title, Instance.process_key, HumanTask.element_id,
               HumanTask.name, HumanTask.subject, HumanTask.lane, HumanTask.candidate_role, HumanTask.assignee_id,
               HumanTask.created_at, HumanTask.due_at, HumanTask.kind, HumanTask.note)
        .join(merged, merged.c.id == HumanTask.id).join(Instance, Instance.id == HumanTask.instance_id)
        .order_by(HumanTask.created_at, HumanTask.id).limit(limit).offset(offset))
    return [{"id": r.id, "instance_id": r.instance_id, "instance_title": r.title, "process_key": r.process_key,
             "element_id": r.element_id, "name": r.name, "subject": r.subject, "lane": r.lane, "candidate_role": r.candidate_role,
             "assigned_to_me": r.assignee_id == user.id, "created_at": iso(r.created_at), "due_at": iso(r.due_at),
             "overdue": r.due_at is not None and r.due_at < now, "kind": r.kind, "note": r.note}
            for r in rows]


COUNT_CAP = 1000  # beyond this the badge says "1000+": nobody reads a longer list, and counting it costs


def inbox_count(session: Session, user: User, cap: int = COUNT_CAP) -> int:
    """How many tasks wait for the user (the number beside 待办), counted up to ``cap``."""
    return min(cap, sum(session.scalar(select(func.count()).select_from(
        select(HumanTask.id).where(branch).limit(cap).subquery())) or 0 for branch in _inbox_branches(user)))


def instance_tasks(session: Session, instance_id: int) -> list[HumanTask]:
    """Every task a matter has had, in order."""
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)
                                .order_by(HumanTask.id)))


def timeline(session: Session, instance_id: int) -> list[AuditEvent]:
    """A matter's audit events in order."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.id)))


def started_by(session: Session, user: User, q: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
    """我发起的: matters the user started, newest first."""
    rows = session.execute(_search(
        select(Instance.id, Instance.title, Instance.status, Instance.started_at, Instance.updated_at,
               ProcessVersion.name).join(ProcessVersion, ProcessVersion.id == Instance.process_version_id)
        .where(Instance.started_by_id == user.id), q).order_by(Instance.id.desc()).limit(limit).offset(offset))
    return [{"id": r.id, "title": r.title, "process": r.name, "status": r.status, "started_at": iso(r.started_at),
             "updated_at": iso(r.updated_at)} for r in rows]


def title_contains(text: str):
    """A condition on matter titles: ``text`` anywhere, taken literally (% and _ are characters, not patterns)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return Instance.title.like(pattern, escape="\\")


def _search(query, q: str | None):
    return query.where(title_contains(q)) if q else query


def done_by(session: Session, user: User, q: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
    """已办: steps the user completed, newest first, with the matter's title and status."""
    rows = session.execute(_search(
        select(HumanTask.id, HumanTask.name, HumanTask.completed_at, Instance.id.label("instance_id"), Instance.title,
               Instance.status).join(Instance, Instance.id == HumanTask.instance_id)
        .where(HumanTask.completed_by_id == user.id, HumanTask.state == TaskState.COMPLETED), q)
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(limit).offset(offset))
    return [{"task_id": r.id, "name": r.name, "completed_at": iso(r.completed_at), "instance_id": r.instance_id,
             "instance_title": r.title, "status": r.status} for r in rows]


def copied_to(session: Session, user: User, q: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
    """抄送我的: matters copied to the user, newest first, with who copied them and why."""
    from engine.models import Copy
    rows = session.execute(_search(
        select(Copy.created_at, Copy.note, User.display_name, Instance.id, Instance.title, Instance.status)
        .join(Instance, Instance.id == Copy.instance_id).join(User, User.id == Copy.copied_by_id)
        .where(Copy.user_id == user.id), q).order_by(Copy.created_at.desc(), Copy.id.desc()).limit(limit).offset(offset))
    return [{"instance_id": r.id, "instance_title": r.title, "status": r.status, "copied_by": r.display_name,
             "note": r.note, "copied_at": iso(r.created_at)} for r in rows]


WITHHELD = {"withheld": Msg("matter.withheld")}


def describe(session: Session, instance: Instance, withhold: bool = False) -> dict:
    """A matter: status, current tasks with who may complete them, and its history.

    ``withhold`` (R15) keeps every step, actor and time but none of what was entered or decided.
    """
    version = instance.process_version
    names = element_names(version)
    return {"withheld": withhold,
        "id": instance.id, "title": instance.title, "status": instance.status, "error": instance.error,
        "process": {"key": version.process_key, "name": version.name, "version": version.version},
        "started_by": instance.started_by.username, "started_at": iso(instance.started_at),
        "updated_at": iso(instance.updated_at), "completed_at": iso(instance.completed_at),
        "current_tasks": [task_summary(session, t) for t in open_tasks(session, instance.id)],
        "history": [{
            "at": iso(e.at), "action": e.action, "actor": e.actor.username if e.actor else None,
            "actor_name": e.actor.display_name if e.actor else None, "element_id": e.element_id,
            "element_name": _element_name(e, names), "details": WITHHELD if withhold else e.details,
        } for e in timeline(session, instance.id)],
    }


def _element_name(event: AuditEvent, names: dict) -> str | None:
    """The step's name as drawn; an unnamed element (recorded by its id) gets a label of its kind."""
    if event.element_id is None or (event.element_name and event.element_name != event.element_id):
        return event.element_name
    return (names.get(event.element_id) or {}).get("label") or event.element_name


def describe_for(session: Session, instance: Instance, user: User) -> dict:
    """The matter as ``user`` may see it: R15 material withheld from outsiders until published."""
    return describe(session, instance, withhold=not sees_deliberation(session, user, instance))
