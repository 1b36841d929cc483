"""Who may start, complete and see what."""
from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from engine.directory.people import ADMIN_ROLE, AUDITOR_ROLES, Directory
from engine.errors import Forbidden, NotFound
from engine.models import AuditEvent, HumanTask, Instance, ProcessVersion, User
from engine.status import AuditAction, TaskState


PARTICIPATION = (
    AuditAction.START, AuditAction.COMPLETE, AuditAction.REASSIGN, AuditAction.DELEGATE,
    AuditAction.DELEGATE_DONE, AuditAction.RETURN, AuditAction.WITHDRAW, AuditAction.ADD_SIGN,
    AuditAction.SIGN
)


def can_start(user: User, version: ProcessVersion) -> bool:
    """Users holding the role of the start event's lane may start; no lane means anyone."""
    return version.start_role is None or version.start_role in user.role_names


def can_complete(user: User, task: HumanTask) -> bool:
    """The assignee, or anyone holding the candidate role when the task has no assignee."""
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    return task.candidate_role in user.role_names


def require_admin(session: Session, username: str, refusal: str) -> User:
    """The user ``username`` if an administrator (管理员), else Forbidden with the code ``refusal``."""
    user = Directory(session).user(username)
    if ADMIN_ROLE not in user.role_names:
        raise Forbidden(refusal)
    return user


def is_auditor(user: User) -> bool:
    return bool(AUDITOR_ROLES & set(user.role_names))


def can_view(session: Session, user: User, instance: Instance) -> bool:
    """Auditors see all; others see matters they started, acted on, or may act on now."""
    return is_auditor(user) or takes_part(session, user, instance) or copied_to(session, user, instance)


def copied_to(session: Session, user: User, instance: Instance) -> bool:
    """The matter was copied (抄送) to the user: they may read it, never act on it."""
    from engine.models import Copy
    return bool(session.scalar(select(exists().where(Copy.instance_id == instance.id, Copy.user_id == user.id))))


def takes_part(session: Session, user: User, instance: Instance) -> bool:
    """The user started the matter, acted on it, or may act on it now."""
    if instance.started_by_id == user.id:
        return True
    roles = user.role_names
    takes_part = select(HumanTask.id).where(
        HumanTask.instance_id == instance.id,
        or_(HumanTask.assignee_id == user.id, HumanTask.completed_by_id == user.id,
            (HumanTask.state == TaskState.READY) & HumanTask.assignee_id.is_(None) & HumanTask.candidate_role.in_(roles)))
    # Only acting on the matter makes a participant: urging or copying it does not (an auditor urging a
    # step must not thereby read what R15 withholds).
    acted = select(AuditEvent.id).where(AuditEvent.instance_id == instance.id, AuditEvent.actor_id == user.id,
                                        AuditEvent.action.in_(PARTICIPATION))
    return bool(session.scalar(select(exists(takes_part) | exists(acted))))


def visible_instance(session: Session, instance_id: int, username: str) -> Instance:
    """The matter if the user may see it; NotFound otherwise, so titles never leak."""
    instance = session.get(Instance, instance_id)
    if instance is None or not can_view(session, Directory(session).user(username), instance):
        raise NotFound("matter.not_visible")
    return instance
