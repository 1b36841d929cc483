"""Signing in: the throttle is charged first, then Argon2 runs alike for every name; signing out everywhere."""
from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from .database import Database
from .directory import ADMIN_ROLE, Directory
from .errors import Forbidden, FormInvalid, Msg, NotFound, PowerflowError
from .login_throttle import address_key, reserve, succeeded
from .models import User

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


def sign_in(db: Database, username: str, password: str, address: str | None, now: datetime) -> User | None:
    """The active user with these credentials, or None; LockedOut while it must wait, even with the right password."""
    # Known, unknown and deactivated names take the same steps (throttle, Argon2): neither the answer nor its
    # time tells them apart.
    if not possible_name(username):
        raise FormInvalid({"username": Msg("user.name_too_long")})
    key = address_key(address)
    with db.transaction() as session:  # committed before the slow check: the count holds even if it fails
        reservation = reserve(session, username, key, now)
    if reservation.wait_until is not None:
        raise LockedOut(reservation.wait_until, now)
    with db.reader() as session:
        user = Directory(session).authenticate(username, password)
    if user is not None:
        with db.transaction() as session:
            succeeded(session, username, key, reservation, now)
    return user


def revoke_tokens(session: Session, username: str) -> User:
    """End every API token and web session of ``username`` (sign out everywhere); NotFound for an unknown name."""
    if not possible_name(username):
        raise NotFound("user.missing", username=repr(username[:MAX_NAME]))
    user = Directory(session).user(username)
    session.execute(update(User).where(User.id == user.id).values(token_generation=User.token_generation + 1))
    return user


def sign_out_everywhere(db: Database, actor: str, username: str) -> None:
    """End every token and web session of ``username``: the user themself, or an administrator for anyone."""
    with db.transaction() as session:
        if actor != username and ADMIN_ROLE not in Directory(session).user(actor).role_names:
            raise Forbidden("user.revoke_admin_only")
        revoke_tokens(session, username)
