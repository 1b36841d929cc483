"""加签: the holder asks someone else to sign off before (前加签) or after (后加签) their own answer.

A sign-off is a human_tasks row of kind "sign" tied to the holder's task, so it is in the signer's
inbox like any task. While it is open the holder's task waits.
"""
from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from sqlalchemy.orm import Session

from engine.audit import trail as audit
from engine.errors import FormInvalid, Msg
from engine.models import HumanTask, User
from engine.status import AuditAction, TaskKind, TaskState
from engine.collaboration.notifications import notify

POSITIONS = {"before": "前加签", "after": "后加签"}
# Who may be asked to sign off: the committee's own officials and working bodies. Not the superior
# organization (it rules through its own step, R10), nor system roles (管理员, 设计员), nor outside
# supervisors and delegates (监督员, 党代表), nor plenary-only members, who act at plenary meetings.
SIGNER_ROLES = ("书记", "副书记", "常委", "办公室", "组织部", "纪委", "职能部门")


def may_sign(user: User) -> bool:
    """Whether ``user`` may be asked to sign off (加签): active and holding one of SIGNER_ROLES."""
    return user.active and any(role in SIGNER_ROLES for role in user.role_names)
AGREE, DISAGREE = "同意", "不同意"
SIGN_SCHEMA = {
    "type": "object", "title": "加签意见", "required": ["opinion"],
    "properties": {
        "opinion": {"type": "string", "title": "意见", "enum": [AGREE, DISAGREE]},
        "comment": {"type": "string", "title": "说明", "maxLength": 500, "x-widget": "textarea"},
    },
}


def open_sign(session: Session, task: HumanTask, holder: User, signer: User, position: str, reason: str,
              now: datetime) -> HumanTask:
    """Hold the holder's task and put a sign-off in the signer's inbox."""
    task.state = TaskState.WAITING
    sign = HumanTask(instance_id=task.instance_id, task_guid=str(uuid4()), element_id=task.element_id,
                     name=f"{POSITIONS[position]}：{task.name}", subject=task.subject, lane=task.lane,
                     assignee_id=signer.id, state=TaskState.READY, created_at=now, kind=TaskKind.SIGN, sign_for_id=task.id,
                     sign_position=position, note=f"{holder.display_name}：{reason}")
    session.add(sign)
    audit.record(session, AuditAction.ADD_SIGN, now, task.instance_id, holder.id, task.element_id, task.name,
                 {"to": signer.username, "position": POSITIONS[position], "reason": reason})
    notify(session, [signer.id], "task", Msg("notice.sign_asked", step=task.name, matter=task.instance.title), now,
           f"{holder.display_name}：{reason}", task.instance_id)
    return sign


def sign_off(session: Session, sign: HumanTask, signer: User, data: object, now: datetime) -> tuple[HumanTask, bool]:
    """Record the signer's opinion; returns the holder's task and whether the signer agreed."""
    data = data if isinstance(data, dict) else {}
    opinion, comment = data.get("opinion"), data.get("comment") or ""
    errors = {}
    if opinion not in (AGREE, DISAGREE):
        errors["opinion"] = Msg("sign.opinion")
    if not isinstance(comment, str) or len(comment) > 500:
        errors["comment"] = Msg("sign.comment_too_long")
    elif opinion == DISAGREE and len(comment.strip()) < 2:
        errors["comment"] = Msg("sign.reason_required")
    if errors:
        raise FormInvalid(errors)
    sign.state, sign.completed_at, sign.completed_by_id = TaskState.COMPLETED, now, signer.id
    task = session.get(HumanTask, sign.sign_for_id)
    audit.record(session, AuditAction.SIGN, now, sign.instance_id, signer.id, sign.element_id, sign.name,
                 {"opinion": opinion, "comment": comment.strip()})
    return task, opinion == AGREE


def give_back(session: Session, task: HumanTask, signer: User, agreed: bool, comment: str, now: datetime) -> None:
    """The holder's task is theirs again, with the signer's opinion shown on it."""
    task.state = TaskState.READY
    task.note = f"{signer.display_name} 加签意见：{AGREE if agreed else DISAGREE}" + (f"。{comment}" if comment else "")
    notify(session, [task.assignee_id] if task.assignee_id else [], "task",
           Msg("notice.sign_answered", step=task.name, matter=task.instance.title), now, task.note, task.instance_id)
