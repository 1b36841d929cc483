"""关注: users who follow a matter hear of each change (a step done, returned, finished, commented)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, select
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
        session.info.get(NONE_FOLLOW, set()).discard(instance_id)
    elif not on and following:
        session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.instance_id == instance_id))
    return on


def is_following(session: Session, user: User, instance_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Follow.user_id == user.id, Follow.instance_id == instance_id))))


NONE_FOLLOW = "matters_without_followers"  # session.info key: matters this transaction saw had no followers


def follower_count_column(instance_id_column):
    """How many follow a matter, as a column the action's first query carries (see ``note_followers``)."""
    return select(func.count()).where(Follow.instance_id == instance_id_column).scalar_subquery()


def note_followers(session: Session, instance_id: int, count: int) -> None:
    """Remember a matter has no followers, so telling them needs no query in this transaction."""
    if count == 0:
        session.info.setdefault(NONE_FOLLOW, set()).add(instance_id)


def tell_followers(session: Session, instance: Instance, title: str, body: str, now: datetime,
                   actor_id: int | None = None) -> int:
    """Notify the matter's followers (but not whoever caused the change)."""
    if instance.id in session.info.get(NONE_FOLLOW, ()):
        return 0
    with session.no_autoflush:  # follows are not written by the action: its writes can go out together later
        ids = [i for i in session.scalars(select(Follow.user_id).where(Follow.instance_id == instance.id))
               if i != actor_id]
    return notify(session, ids, "follow", title, now, body, instance.id) if ids else 0
