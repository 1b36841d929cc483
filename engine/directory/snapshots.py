"""People as the hot path reads them: immutable snapshots from the reference cache, one read per change.

Every action needs its actor's roles, a step's candidates or a field's member in charge; these come from
process memory while the reference stamp stands (engine.storage.reference_cache), so a role change takes
effect on the next action and no action reads the users table for them twice.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.models import Field, Role, User, UserRole
from engine.storage.database import Database
from engine.storage.reference_cache import cached, read_stamp


@dataclass(frozen=True)
class Person:
    """A user at one moment: who, with which roles, whether active, and the sign-out generation."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    token_generation: int
    email: str | None

    @property
    def role_names(self) -> list[str]:
        return list(self.roles)


def snapshot(user: User) -> Person:
    """The snapshot of a user row."""
    return Person(user.id, user.username, user.display_name, tuple(user.role_names), user.active,
                  user.token_generation, user.email)


def person_by_id(session: Session, user_id: int) -> Person | None:
    """The user with this id, active or not."""
    return cached(session, ("user_id", user_id), lambda s: _one(s, User.id == user_id))


def person_in_memory(db: Database, user_id: int) -> Person | None:
    """The user from memory while the stamp stands, with one statement and no transaction; None if not there.

    Every request asks who its token or cookie names: this answers it without a session.
    """
    if db.reference_cache is None:
        return None
    with db.engine.connect() as connection:
        version = read_stamp(connection)
    return db.reference_cache.lookup(version, ("user_id", user_id))


def person(session: Session, username: str) -> Person | None:
    """The user with this name, active or not."""
    return cached(session, ("username", username), lambda s: _one(s, User.username == username))


def role_members(session: Session, role: str) -> tuple[Person, ...]:
    """Active holders of ``role``, in the order they were created."""
    def load(s: Session) -> tuple[Person, ...]:
        return tuple(snapshot(u) for u in s.scalars(
            select(User).options(joinedload(User.roles)).join(UserRole, UserRole.user_id == User.id)
            .join(Role, Role.id == UserRole.role_id).where(Role.name == role, User.active.is_(True))
            .order_by(User.id)).unique())
    return cached(session, ("role", role), load)


def field_member(session: Session, field_name: str) -> Person | None:
    """The member in charge of a field of work, or None for an unknown field."""
    def load(s: Session) -> Person | None:
        member_id = s.scalar(select(Field.member_id).where(Field.name == field_name))
        return None if member_id is None else _one(s, User.id == member_id)
    return cached(session, ("field", field_name), load)


def _one(session: Session, where) -> Person | None:
    user = session.scalars(select(User).options(joinedload(User.roles)).where(where)).unique().first()
    return None if user is None else snapshot(user)
