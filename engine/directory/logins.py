"""Signing in: the throttle is charged first, then Argon2 runs alike for every name; signing out everywhere."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.storage.database import Database
from engine.directory.access import require_admin
from engine.directory.people import Directory
from engine.directory.snapshots import person_by_id, person_in_memory
from engine.errors import FormInvalid, Msg, NotFound, PowerflowError
from engine.directory.login_throttle import address_key, reserve, succeeded
from engine.models import User
from engine.directory.ldap_source import LdapSource, Person
from engine.directory.provisioning import apply
from engine.status import UserSource

MAX_NAME = 64  # users.username


def possible_name(username: str) -> bool:
    """False for a name no account can have (too long, control characters), which is refused without a lookup."""
    return len(username) <= MAX_NAME and not any(ord(c) < 0x20 or c == "\x7f" for c in username)


class LockedOut(PowerflowError):
    """Too many failed attempts for this name from this address (or from everywhere): wait until ``until``."""

    def __init__(self, until: datetime, now: datetime):
        self.until = until
        self.seconds = max(1, math.ceil((until - now).total_seconds()))
        self.minutes = math.ceil(self.seconds / 60)
        super().__init__("user.locked_out", minutes=self.minutes)


@dataclass(frozen=True)
class Identity:
    """Who is signed in, as the web layer keeps it: read from the directory, never an ORM row."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    token_generation: int  # raised by signing out everywhere: older sessions and tokens end


def _identity(user: User) -> Identity:
    return Identity(user.id, user.username, user.display_name, tuple(user.role_names), user.token_generation)


def signed_in(db: Database, user_id: int, generation: int) -> Identity | None:
    """The active user ``user_id``, if nobody signed them out everywhere since ``generation`` was read."""
    user = person_in_memory(db, user_id)
    if user is None:  # not in memory under the current stamp: read it, and keep it for the next request
        with db.reader() as session:
            user = person_by_id(session, user_id)
    if user is None or not user.active or user.token_generation != generation:
        return None
    return Identity(user.id, user.username, user.display_name, user.roles, user.token_generation)


def sign_in(db: Database, username: str, password: str, address: str | None, now: datetime,
            directory: LdapSource | None = None, passwords: bool = True) -> Identity | None:
    """The active user with these credentials, or None; LockedOut while it must wait, even with the right password.

    With a ``directory`` the password is checked by binding as the user's entry, and the account is brought
    up to date from it; local passwords (accounts created here) are checked only while ``passwords`` is on.
    """
    # Known, unknown and deactivated names take the same steps (throttle, Argon2): neither the answer nor its
    # time tells them apart.
    if not possible_name(username):
        raise FormInvalid({"username": Msg("user.name_too_long")})
    key = address_key(address)
    with db.transaction() as session:  # committed before the slow check: the count holds even if it fails
        reservation = reserve(session, username, key, now)
    if reservation.wait_until is not None:
        raise LockedOut(reservation.wait_until, now)
    found = None
    if directory is not None:
        person = directory.authenticate(username, password)  # the network, outside any transaction
        if person is not None:
            with db.transaction() as session:
                found = _identity(apply(session, person, UserSource.LDAP)[0])
    if found is None:
        with db.reader() as session:  # Argon2 runs whatever the outcome, so the time tells nothing
            user = Directory(session).authenticate(username, password)
            if user is not None and passwords and user.source == UserSource.LOCAL:
                found = _identity(user)
    if found is not None:
        with db.transaction() as session:
            succeeded(session, username, key, reservation, now)
    return found


def sign_in_federated(db: Database, person: Person, source: UserSource) -> Identity:
    """Sign in someone an identity provider vouched for, their account created or brought up to date from it."""
    with db.transaction() as session:
        return _identity(apply(session, person, source)[0])


def revoke_tokens(session: Session, username: str) -> User:
    """End every API token and web session of ``username`` (sign out everywhere); NotFound for an unknown name."""
    if not possible_name(username):
        raise NotFound("user.missing", username=repr(username[:MAX_NAME]))
    user = Directory(session).user(username)
    session.execute(update(User).where(User.id == user.id).values(token_generation=User.token_generation + 1))
    return user


def sign_out_everywhere(db: Database, username: str) -> None:
    """End every token and web session of ``username``, at their own request."""
    with db.transaction() as session:
        revoke_tokens(session, username)


def revoke_sessions_of(db: Database, admin: str, username: str) -> None:
    """An administrator ends every token and web session of a user (a lost phone, a leaked token)."""
    with db.transaction() as session:
        require_admin(session, admin, "user.revoke_admin_only")
        revoke_tokens(session, username)
