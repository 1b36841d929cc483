"""In-app notifications: written in the same transaction as the action that causes them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import Notification


def notify(session: Session, user_ids: list[int], kind: str, title: str, at: datetime, body: str = "",
           instance_id: int | None = None) -> int:
    """Send one notification to each user; return how many were sent."""
    session.add_all([Notification(user_id=u, kind=kind, title=title, body=body, instance_id=instance_id,
                                  created_at=at) for u in dict.fromkeys(user_ids)])
    return len(set(user_ids))


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
