"""Sign-in throttle: every attempt is counted before its password is checked, per name and address and per name.

A name tried from one address waits after FREE_TRIES failures, then twice as long after each further failure,
up to LONGEST_WAIT; other addresses are not slowed, so nobody can keep an official out from elsewhere.
Beyond ACCOUNT_FREE_TRIES failures from unfamiliar addresses together (distributed guessing), every address
the name has not signed in from within FAMILIAR_FOR waits as well. Unknown names are counted exactly like known ones, so no
answer tells whether a name exists.
"""
from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.models import LoginThrottle

FREE_TRIES = 5
ACCOUNT_FREE_TRIES = 50
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)  # failures are forgotten a day after the last one
FAMILIAR_FOR = timedelta(days=30)  # an address signed in from this recently is spared the name-wide wait
EVERYWHERE = "*"
_T = LoginThrottle.__table__


class Reservation(NamedTuple):
    """What ``reserve`` did: refused the attempt until ``wait_until``, or counted it (name-wide too unless familiar)."""

    wait_until: datetime | None
    everywhere: bool


def wait_after(failures: int, free: int) -> timedelta:
    """The wait after ``failures`` failures in a row: none within ``free``, then 1, 2, 4 … minutes up to 15."""
    if failures < free:
        return timedelta(0)
    return min(LONGEST_WAIT, FIRST_WAIT * 2 ** min(failures - free, 16))


def address_key(address: str | None) -> str:
    """The client as counted: its IPv4 address, or the /64 network of an IPv6 one (what one subscriber holds)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _key(username: str, address: str):
    return and_(_T.c.username == username, _T.c.address == address)


def _hold(session: Session, username: str, address: str):
    """The row of (username, address), created when new and locked until the transaction ends."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_T).values(username=username, address=address, failures=0)
    stmt = stmt.on_conflict_do_update(index_elements=["username", "address"], set_={"failures": _T.c.failures})
    return session.execute(stmt.returning(_T.c.failures, _T.c.blocked_until, _T.c.last_failure_at,
                                          _T.c.succeeded_at)).one()


def _count(session: Session, username: str, address: str, row, free: int, now: datetime) -> None:
    recent = row.last_failure_at is not None and now - row.last_failure_at < FORGET_AFTER
    failures = (row.failures if recent else 0) + 1
    wait = wait_after(failures, free)
    session.execute(update(_T).where(_key(username, address)).values(
        failures=failures, last_failure_at=now, blocked_until=now + wait if wait else None))


def reserve(session: Session, username: str, address: str, now: datetime) -> Reservation:
    """Count an attempt as failed before its password is checked, or refuse it while it must wait."""
    # Both rows stay locked until the caller's transaction ends (on SQLite the whole database does), so
    # parallel attempts are counted one after another and stop at the same count as sequential ones.
    own = _hold(session, username, address)
    every = _hold(session, username, EVERYWHERE)
    familiar = own.succeeded_at is not None and now - own.succeeded_at < FAMILIAR_FOR
    waits = [own.blocked_until] + ([] if familiar else [every.blocked_until])
    until = max((w for w in waits if w is not None and w > now), default=None)
    if until is not None:
        return Reservation(until, False)
    _count(session, username, address, own, FREE_TRIES, now)
    if not familiar:  # the name-wide count is for guessing from elsewhere; here the address's own count suffices
        _count(session, username, EVERYWHERE, every, ACCOUNT_FREE_TRIES, now)
    return Reservation(None, not familiar)


def succeeded(session: Session, username: str, address: str, reservation: Reservation, now: datetime) -> None:
    """The password was right: the address starts afresh and is familiar; the name-wide count gets its try back."""
    session.execute(update(_T).where(_key(username, address)).values(
        failures=0, blocked_until=None, last_failure_at=None, succeeded_at=now))
    if reservation.everywhere:
        session.execute(update(_T).where(_key(username, EVERYWHERE)).values(
            failures=case((_T.c.failures > 0, _T.c.failures - 1), else_=0)))


def forget(session: Session, now: datetime) -> int:
    """Delete the rows with nothing left to remember: no failure for a day, no recent sign-in."""
    stale = or_(_T.c.last_failure_at.is_(None), _T.c.last_failure_at < now - FORGET_AFTER)
    unfamiliar = or_(_T.c.succeeded_at.is_(None), _T.c.succeeded_at < now - FAMILIAR_FOR)
    return session.execute(delete(_T).where(stale, unfamiliar)).rowcount
