"""撤回: the one rule for taking back a completed step, used by the action and by lists that offer it."""
from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime import rewind
from engine.errors import Conflict, Forbidden, PowerflowError
from engine.models import AuditEvent, HumanTask, Instance, User
from engine.status import AuditAction, MatterStatus, TaskKind, TaskState
from engine.bpmn.serialization import load_state
from engine.process.version_cache import version_forms, version_specs

ACTED = (
    AuditAction.COMPLETE, AuditAction.REASSIGN, AuditAction.DELEGATE, AuditAction.DELEGATE_DONE,
    AuditAction.ADD_SIGN, AuditAction.SIGN, AuditAction.RETURN, AuditAction.WITHDRAW
)


def refusal(session: Session, row: HumanTask, user: User) -> PowerflowError | None:
    """Why ``user`` may not take back ``row`` whatever the workflow says, or None."""
    if row.state != TaskState.COMPLETED or row.completed_by_id != user.id or row.kind != TaskKind.TASK:
        return Forbidden("task.withdraw_own")
    if row.instance.status != MatterStatus.RUNNING:
        return Conflict("task.withdraw_finished")
    acted = session.scalar(select(AuditEvent.id).where(
        AuditEvent.instance_id == row.instance_id, AuditEvent.at >= row.completed_at,
        AuditEvent.action.in_(ACTED), AuditEvent.actor_id != user.id).limit(1))
    return Conflict("task.withdraw_taken") if acted is not None else None


def task_refusal(task, instance: Instance) -> PowerflowError | None:
    """Why the workflow cannot go back to ``task`` (gone, or a later step blocks it), or None."""
    if task is None:
        return Conflict("task.withdraw_gone")
    blocked = rewind.withdraw_blocker(task, version_forms(instance.process_version))
    if blocked is not None:
        return Conflict("task.withdraw_blocked", element=blocked.element, reason=blocked.reason)
    return None


def can_withdraw(session: Session, row: HumanTask, user: User, workflows: dict | None = None) -> bool:
    """True when ``user`` may take back the completed step ``row`` now; loads the matter only when needed."""
    if refusal(session, row, user) is not None:
        return False
    instance = row.instance
    workflows = {} if workflows is None else workflows
    if instance.id not in workflows:  # nothing runs: the state is only walked, so no script engine
        workflows[instance.id] = load_state(instance.state, version_specs(instance.process_version), None)
    return task_refusal(workflows[instance.id].get_task_from_id(UUID(row.task_guid)), instance) is None


def withdrawable(session: Session, user: User, task_ids: list[int]) -> set[int]:
    """Which of these steps the user could withdraw now (each matter's state read once)."""
    workflows: dict = {}
    rows = session.scalars(select(HumanTask).where(HumanTask.id.in_(task_ids))) if task_ids else []
    return {row.id for row in rows if can_withdraw(session, row, user, workflows)}
