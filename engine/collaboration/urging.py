"""催办: the starter of a matter or an auditor urges the holder of a step, once per working day."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.audit import trail as audit
from engine.directory.access import is_auditor
from engine.committee.calendar_days import load_calendar
from engine.errors import Conflict, Forbidden, Msg, NotFound
from engine.models import HumanTask, User
from engine.status import TaskState
from engine.collaboration.notifications import notify
from engine.directory.people import candidates
from engine.committee.workdays import LOCAL_TZ


def may_urge(user: User, task: HumanTask) -> bool:
    return task.state == TaskState.READY and (task.instance.started_by_id == user.id or is_auditor(user))


def urge(session: Session, task_id: int, user: User, now: datetime) -> int:
    """Notify whoever may complete the task; return how many were notified."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("task.missing", task_id=task_id)
    if task.state != TaskState.READY:
        raise Conflict("urge.done")
    if not may_urge(user, task):
        raise Forbidden("urge.who")
    if task.urged_at is not None:
        last, today = task.urged_at.astimezone(LOCAL_TZ).date(), now.astimezone(LOCAL_TZ).date()
        if load_calendar(session).working_days_between(last, today) == 0:
            raise Conflict("urge.today")
    task.urged_at = now
    holders = [u.id for u in candidates(session, task)]
    title = Msg("notice.urged", step=task.name, matter=task.instance.title, by=user.display_name)
    count = notify(session, holders, "urge", title, now, "", task.instance_id)
    audit.record(session, "urge", now, task.instance_id, user.id, task.element_id, task.name, {"task_id": task.id})
    return count
