"""逾期提醒: holders hear once when a task passes its deadline."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Msg
from engine.models import HumanTask
from engine.status import TaskState
from engine.collaboration.notifications import notify
from engine.directory.people import candidates


def flag_overdue(session: Session, now: datetime, limit: int = 200) -> int:
    """Notify the holders of ready tasks past due that nobody was told of yet; returns how many tasks."""
    rows = list(session.scalars(select(HumanTask).where(
        HumanTask.state == TaskState.READY, HumanTask.due_at < now, HumanTask.overdue_notified_at.is_(None))
        .order_by(HumanTask.due_at).limit(limit).with_for_update(skip_locked=True, of=HumanTask)))
    for task in rows:
        task.overdue_notified_at = now
        notify(session, [u.id for u in candidates(session, task)], "overdue",
               Msg("notice.overdue", step=task.name, matter=task.instance.title), now, Msg("notice.overdue_body"), task.instance_id)
    return len(rows)
