"""What a holder may do with a task besides completing it: 转办 reassign, 委派 delegate, 抄送 copy the matter.

Each is recorded in the audit with its reason and tells the people concerned.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import trail as audit
from engine.committee.ballots.steps import personal_fields
from engine.directory.access import can_complete, can_view, takes_part
from engine.directory.people import Directory
from engine.errors import Conflict, Forbidden, FormInvalid, Msg, NotFound
from engine.models import Copy, HumanTask, Instance, User
from engine.status import TaskState
from engine.collaboration.notifications import notify
from engine.process.version_cache import version_forms

MAX_REASON = 500


def _reason(reason: object, required: bool = True) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if required and len(text) < 2:
        raise FormInvalid({"reason": Msg("task.reason_required")})
    if len(text) > MAX_REASON:
        raise FormInvalid({"reason": Msg("task.reason_too_long", limit=MAX_REASON)})
    return text


def _ready_task(session: Session, task_id: int, user: User) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("task.missing", task_id=task_id)
    if task.state != TaskState.READY:
        raise Conflict("task.done_or_cancelled_short")
    if not can_complete(user, task):
        raise Forbidden("task.not_yours")
    return task


def _colleague(session: Session, task: HumanTask, username: object, user: User) -> User:
    """Another active user holding the task's role."""
    target = Directory(session).find(username) if isinstance(username, str) else None
    role = task.candidate_role or task.lane
    if target is None or not target.active:
        raise FormInvalid({"to": Msg("user.no_such")})
    if target.id == user.id:
        raise FormInvalid({"to": Msg("task.hand_self")})
    if role and role not in target.role_names:
        raise FormInvalid({"to": Msg("task.hand_same_role", role=role)})
    return target


def reassign(session: Session, task_id: int, user: User, to: object, reason: object, now: datetime) -> HumanTask:
    """转办: the task becomes another colleague's, for good."""
    task = _ready_task(session, task_id, user)
    if task.delegated_by_id is not None:
        raise Conflict("task.delegated_no_transfer")
    target, text = _colleague(session, task, to, user), _reason(reason)
    task.assignee = target
    audit.record(session, "reassign", now, task.instance_id, user.id, task.element_id, task.name,
                 {"to": target.username, "reason": text})
    notify(session, [target.id], "task", Msg("notice.reassigned", step=task.name, matter=task.instance.title), now,
           f"{user.display_name}：{text}", task.instance_id)
    return task


def delegate(session: Session, task_id: int, user: User, to: object, reason: object, now: datetime) -> HumanTask:
    """委派: a colleague fills the task in on the holder's behalf; it then returns to the holder to confirm."""
    task = _ready_task(session, task_id, user)
    if task.delegated_by_id is not None:
        raise Conflict("task.already_delegated")
    if personal_fields(version_forms(task.instance.process_version).get(task.form_file) or {}):
        raise Conflict("task.delegate_ballot")
    target, text = _colleague(session, task, to, user), _reason(reason)
    task.delegated_by_id, task.assignee = user.id, target
    audit.record(session, "delegate", now, task.instance_id, user.id, task.element_id, task.name,
                 {"to": target.username, "reason": text})
    notify(session, [target.id], "task", Msg("notice.delegated", step=task.name, matter=task.instance.title), now,
           f"{user.display_name}：{text}", task.instance_id)
    return task


def return_delegated(session: Session, task: HumanTask, user: User, data: dict, now: datetime) -> None:
    """The delegate's answer goes back to the holder as a draft; the workflow does not move yet."""
    holder = session.get(User, task.delegated_by_id)
    task.draft, task.assignee, task.delegated_by_id = data, holder, None
    audit.record(session, "delegate_done", now, task.instance_id, user.id, task.element_id, task.name,
                 {"data": data, "back_to": holder.username})
    notify(session, [holder.id], "task", Msg("notice.delegate_done", step=task.name, matter=task.instance.title), now,
           "", task.instance_id)


def copy_to(session: Session, instance_id: int, user: User, usernames: object, note: object,
            now: datetime) -> list[str]:
    """抄送: chosen users are told and may read the matter from then on; returns who was added."""
    instance = session.get(Instance, instance_id)
    if instance is None or not can_view(session, user, instance):
        raise NotFound("matter.not_visible")
    if not takes_part(session, user, instance):  # auditors and readers read; sharing is for participants
        raise Forbidden("task.copy_participants")
    if not isinstance(usernames, list) or not usernames or len(usernames) > 50:
        raise FormInvalid({"to": Msg("task.copy_count")})
    directory, readers = Directory(session), []
    for name in usernames:
        target = directory.find(name) if isinstance(name, str) else None
        if target is None or not target.active:
            raise FormInvalid({"to": Msg("user.no_such_named", name=name)})
        readers.append(target)
    text = _reason(note, required=False)
    existing = set(session.scalars(select(Copy.user_id).where(Copy.instance_id == instance_id)))
    added = [r for r in readers if r.id not in existing and r.id != user.id]
    for reader in added:
        session.add(Copy(instance_id=instance_id, user_id=reader.id, copied_by_id=user.id, note=text or None,
                         created_at=now))
    if added:
        audit.record(session, "copy", now, instance_id, user.id, details={"to": [r.username for r in added],
                                                                          "note": text})
        notify(session, [r.id for r in added], "copy", Msg("notice.copied", matter=instance.title), now,
               f"{user.display_name}{'：' + text if text else ''}", instance_id)
    return [r.username for r in added]
