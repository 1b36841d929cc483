"""The mirrored task rows as lists read them: a matter's ready tasks, and one task summarised for a list."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.snapshots import person_by_id, role_members
from engine.clock import iso
from engine.models import HumanTask, utcnow
from engine.status import TaskState


def open_tasks(session: Session, instance_id: int) -> list[HumanTask]:
    """A matter's ready tasks."""
    return list(session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == TaskState.READY).order_by(HumanTask.id)))


def task_summary(session: Session, task: HumanTask) -> dict:
    """A task as a user sees it in a list: what, which matter, who may do it (from the reference cache), due when."""
    if task.assignee_id is not None:
        assignee = person_by_id(session, task.assignee_id)
        people = (assignee,) if assignee else ()
    else:
        assignee, people = None, role_members(session, task.candidate_role) if task.candidate_role else ()
    return {
        "id": task.id, "instance_id": task.instance_id, "instance_title": task.instance.title,
        "process_key": task.instance.process_key, "element_id": task.element_id, "name": task.name,
        "subject": task.subject,
        "lane": task.lane, "candidate_role": task.candidate_role,
        "assignee": assignee.username if assignee else None,
        "assignee_name": assignee.display_name if assignee else None,
        "candidates": [u.username for u in people],
        "candidate_names": [u.display_name for u in people],
        "state": task.state, "created_at": iso(task.created_at), "due_at": iso(task.due_at),
        "overdue": task.state == TaskState.READY and task.due_at is not None and task.due_at < utcnow(),
        "urged_at": iso(task.urged_at),
        "delegated_by": task.delegated_by_id is not None,
        "kind": task.kind, "sign_position": task.sign_position, "note": task.note,
    }
