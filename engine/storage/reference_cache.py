"""Reference data (people, roles, fields, notification choices, the calendar) kept in process memory.

A value is served from memory only while the database's reference stamp (migration 0014) is the number
it was loaded under; triggers raise the stamp on every change to those tables, from any process or node,
so a change takes effect on the next action anywhere. Each session reads the stamp once, in its first
use of the cache. Values are immutable plain data (tuples, frozen dataclasses), never ORM rows, and a
session that has itself changed reference data neither reads nor fills the cache: what a transaction
that rolls back saw can never reach another one.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Hashable

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.models import REFERENCE_TABLES, ReferenceStamp

CACHE = "reference_cache"  # session.info key: the database's cache (engine.storage.database sets it)
STAMP = "reference_stamp"  # session.info key: the stamp this session read
CHANGED = "reference_changed"  # session.info key: this session wrote reference data
STAMP_QUERY = select(ReferenceStamp.version).where(ReferenceStamp.id == 1)


MAX_VALUES = 20_000  # keys come partly from matters' data (a field's name): a full cache starts again


class ReferenceCache:
    """Values by key, all valid for one stamp; a different stamp empties it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._values: dict[Hashable, Any] = {}

    def get(self, session: Session, key: Hashable, load: Callable[[Session], Any]) -> Any:
        """The value for ``key`` as of the session's stamp, loaded with ``load(session)`` when not in memory."""
        if session.info.get(CHANGED):
            return load(session)
        version = stamp(session)
        with self._lock:
            if version == self._version and key in self._values:
                return self._values[key]
        value = load(session)
        if not session.info.get(CHANGED):
            with self._lock:
                if version != self._version or len(self._values) >= MAX_VALUES:
                    self._values, self._version = {}, version
                self._values[key] = value
        return value

    def lookup(self, version: int | None, key: Hashable, default: Any = None) -> Any:
        """The value for ``key`` if it was loaded under ``version``, else ``default``."""
        with self._lock:
            return self._values.get(key, default) if version == self._version else default

    def clear(self) -> None:
        """Forget every value (the next use reloads)."""
        with self._lock:
            self._values, self._version = {}, None

    def __len__(self) -> int:
        return len(self._values)


def stamp(session: Session) -> int | None:
    """The reference stamp as this session first read it."""
    if STAMP not in session.info:
        session.info[STAMP] = session.scalar(STAMP_QUERY)
    return session.info[STAMP]


def read_stamp(connection) -> int | None:
    """The stamp now, in one statement outside any transaction (a request's check of who is signed in)."""
    if connection.dialect.name == "postgresql":  # else BEGIN and COMMIT would be two more round trips
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection.scalar(STAMP_QUERY)  # SQLite begins no transaction for a SELECT


def stamp_column():
    """The stamp as a column any query may carry, so a hot path reads it without a statement of its own."""
    return STAMP_QUERY.scalar_subquery()


def note_stamp(session: Session, version: int | None) -> None:
    """Take the stamp read by ``stamp_column`` as this session's, unless it has read one already."""
    session.info.setdefault(STAMP, version)


def cached(session: Session, key: Hashable, load: Callable[[Session], Any]) -> Any:
    """``load(session)``, from the database's cache when the session has one."""
    cache = session.info.get(CACHE)
    return load(session) if cache is None else cache.get(session, key, load)


@event.listens_for(Session, "before_flush")
def _note_reference_writes(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) in REFERENCE_TABLES:
            session.info[CHANGED] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _note_reference_statements(state) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if table is None or getattr(table, "name", None) in REFERENCE_TABLES:  # text() too: it may write anything
        state.session.info[CHANGED] = True
