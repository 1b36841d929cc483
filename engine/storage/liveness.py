"""Pooled server connections checked before use only when they have sat idle (HikariCP's alive-bypass window).

SQLAlchemy's ``pool_pre_ping`` sends a round trip before every checkout, so on every transaction: about
0.13 ms here, 2–3 % of a user's action on PostgreSQL. A connection handed back a moment ago was alive a
moment ago. One idle for longer than ``IDLE_BEFORE_CHECK`` may have been dropped meanwhile (a database
restart, a firewall, ``idle_session_timeout``): it is pinged first and, if dead, replaced before anyone
uses it, as pre_ping would. HikariCP skips its check the same way (``aliveBypassWindowMs``, 500 ms).
A connection dropped within the window is found dead by its first statement: that one request fails, as
any does when the database goes away under it, and SQLAlchemy then replaces every pooled connection.
"""
from __future__ import annotations

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

IDLE_BEFORE_CHECK = 1.0  # seconds a pooled connection may sit unused and still be handed out unchecked
_LAST_USED = "powerflow_last_used"  # the connection record's info key: time.monotonic() when last handed back


def install(engine: Engine) -> None:
    """Check the engine's pooled connections on checkout when idle longer than IDLE_BEFORE_CHECK."""
    error = engine.dialect.loaded_dbapi.Error

    def used(_dbapi_connection, record, *_):
        record.info[_LAST_USED] = time.monotonic()

    def check(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) <= IDLE_BEFORE_CHECK:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # the dialect's own ping, as pre_ping's (out of any transaction)
        except error:
            raise exc.DisconnectionError() from None  # the pool discards it and connects afresh
        record.info[_LAST_USED] = time.monotonic()

    event.listen(engine, "connect", used)
    event.listen(engine, "checkin", used)
    event.listen(engine, "checkout", check)
