"""Signing in: Argon2 password check with a lock-out after repeated failures for the same account."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from .directory import Directory
from .errors import PowerflowError
from .models import User

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)


class LockedOut(PowerflowError):
    """Too many wrong passwords: the account waits until ``until``."""

    def __init__(self, until: datetime):
        minutes = max(1, int((until - datetime.now(until.tzinfo)).total_seconds() // 60) + 1)
        super().__init__(f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试")
        self.until = until


def sign_in(session: Session, username: str, password: str, now: datetime) -> User | None:
    """The active user with these credentials, or None; the fifth failure in a row locks for 15 minutes.

    A locked account is refused even with the right password (LockedOut), so guessing gains nothing.
    """
    directory = Directory(session)
    user = directory.find(username)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise LockedOut(user.locked_until)
    if directory.authenticate(username, password) is not None:
        user.failed_logins, user.locked_until = 0, None
        return user
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILURES:
            user.failed_logins, user.locked_until = 0, now + LOCK_FOR
    return None
