"""关注: users who follow a matter hear of each change (a step done, returned, finished, commented)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from engine.directory.access import can_view
from engine.errors import NotFound
from engine.models import Follow
from engine.models import Instance, User
from engine.collaboration.notifications import notify


def set_following(session: Session, user: User, instance_id: int, on: bool, now: datetime) -> bool:
    """Follow or stop following a matter the user may see; returns the new state."""
    instance = session.get(Instance, instance_id)
    if instance is None or not can_view(session, user, instance):
        raise NotFound("matter.not_visible")
    following = is_following(session, user, instance_id)
    if on and not following:
        session.add(Follow(user_id=user.id, instance_id=instance_id, created_at=now))
    elif not on and following:
        session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.instance_id == instance_id))
    return on


def is_following(session: Session, user: User, instance_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Follow.user_id == user.id, Follow.instance_id == instance_id))))


def tell_followers(session: Session, instance: Instance, title: str, body: str, now: datetime,
                   actor_id: int | None = None) -> int:
    """Notify the matter's followers (but not whoever caused the change)."""
    ids = [i for i in session.scalars(select(Follow.user_id).where(Follow.instance_id == instance.id)) if i != actor_id]
    return notify(session, ids, "follow", title, now, body, instance.id) if ids else 0
