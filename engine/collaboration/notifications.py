"""In-app notifications: written in the same transaction as the action that causes them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.errors import FormInvalid, Msg
from engine.messages import MESSAGES
from engine.models import Notification, NotificationSetting, OutgoingMail, Role, User, UserRole
from engine.status import TaskState
from engine.storage.reference_cache import cached

KINDS = {kind: MESSAGES[f"notify.{kind}"] for kind in ("task", "urge", "overdue", "follow", "copy", "notice", "flag")}


def settings(session: Session, user_id: int) -> dict[str, dict[str, bool]]:
    """The user's choice per kind: in-app and email, both on unless turned off."""
    chosen = {s.kind: s for s in session.scalars(select(NotificationSetting).where(
        NotificationSetting.user_id == user_id))}
    return {kind: {"in_app": chosen[kind].in_app if kind in chosen else True,
                   "email": chosen[kind].email if kind in chosen else True} for kind in KINDS}


def save_settings(session: Session, user_id: int, choices: dict[str, dict[str, bool]]) -> None:
    """Store the user's choices for every kind (missing means off)."""
    for kind in KINDS:
        row = session.get(NotificationSetting, (user_id, kind)) or NotificationSetting(user_id=user_id, kind=kind)
        row.in_app = bool(choices.get(kind, {}).get("in_app"))
        row.email = bool(choices.get(kind, {}).get("email"))
        session.add(row)


def checked_email(value: object) -> str | None:
    """A user's mail address as entered: blank clears it; anything not like an address is refused."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    local, _, domain = text.partition("@")
    if len(text) > 255 or not local or "." not in domain or any(c.isspace() for c in text):
        raise FormInvalid({"email": Msg("mail.bad_address")})
    return text


def notify(session: Session, user_ids: list[int], kind: str, title: str, at: datetime, body: str = "",
           instance_id: int | None = None) -> int:
    """Tell each user in-app and by email, as each chose; return how many were told."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return 0
    order = {user_id: n for n, user_id in enumerate(ids)}
    rows = cached(session, ("recipients", kind, tuple(ids)),
                  lambda s: tuple(tuple(r) for r in s.execute(_recipients(kind).where(User.id.in_(ids)))))
    return _tell(session, sorted(rows, key=lambda r: order[r[0]]), kind, title, at, body, instance_id)


def notify_role(session: Session, role: str, kind: str, title: str, at: datetime, body: str = "",
                instance_id: int | None = None, except_id: int | None = None) -> int:
    """Tell every active holder of ``role`` (but ``except_id``), read once per change of people (reference cache)."""
    query = (_recipients(kind).join(UserRole, UserRole.user_id == User.id).join(Role, Role.id == UserRole.role_id)
             .where(Role.name == role, User.active.is_(True)).order_by(User.id))
    rows = cached(session, ("role_recipients", kind, role), lambda s: tuple(tuple(r) for r in s.execute(query)))
    return _tell(session, [r for r in rows if r[0] != except_id], kind, title, at, body, instance_id)


def _recipients(kind: str):
    """Users' addresses and their choice for this kind (no row means on)."""
    return (select(User.id, User.email, User.active, NotificationSetting.in_app, NotificationSetting.email)
            .outerjoin(NotificationSetting, (NotificationSetting.user_id == User.id)
                       & (NotificationSetting.kind == kind)))


def coded(title: object, body: object) -> dict | None:
    """The codes and parameters of a notification's title and body, where they have them."""
    parts = {name: {"code": text.code, "params": {k: str(v) for k, v in text.params.items()}}
             for name, text in (("title", title), ("body", body)) if isinstance(text, Msg) and text.code}
    return parts or None


def stored_message(part: dict | None) -> Msg | None:
    """A stored title or body back as a message the web layer can translate."""
    return Msg(part["code"], **part.get("params", {})) if part else None


def _tell(session: Session, rows, kind: str, title: str, at: datetime, body: str, instance_id: int | None) -> int:
    told, message = 0, coded(title, body)
    title, body = str(title), str(body)
    for user_id, address, active, in_app, email in rows:
        in_app, email = in_app is not False, email is not False
        mailed = email and bool(address) and active
        if in_app:
            session.add(Notification(user_id=user_id, kind=kind, title=title, body=body, instance_id=instance_id,
                                     created_at=at, message=message))
        if mailed:
            session.add(OutgoingMail(user_id=user_id, to_address=address, subject=title[:255],
                                     body=body, instance_id=instance_id, created_at=at))
        told += in_app or mailed
    return told


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def recent(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    """The user's notifications, newest first."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int, at: datetime) -> int:
    """Mark all of the user's notifications read; return how many changed."""
    result = session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=at))
    return result.rowcount or 0


def pending_tasks(session: Session, user: User, instance_ids: list[int]) -> dict[int, int]:
    """The user's first ready task in each of these matters (where a notification about it should lead)."""
    from engine.models import HumanTask
    ids = list({i for i in instance_ids if i is not None})
    if not ids:
        return {}
    mine = (HumanTask.assignee_id == user.id) | (HumanTask.assignee_id.is_(None)
                                                  & HumanTask.candidate_role.in_(user.role_names or [""]))
    rows = session.execute(select(HumanTask.instance_id, HumanTask.id).where(
        HumanTask.instance_id.in_(ids), HumanTask.state == TaskState.READY, mine).order_by(HumanTask.id.desc()))
    return {instance_id: task_id for instance_id, task_id in rows}  # ascending ids win: the oldest task
