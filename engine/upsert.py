"""Atomic "insert or increment" for counters, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def increment(session: Session, table, keys: dict, column: str):
    """Add one to ``column`` of the row with ``keys`` (creating it at 1); return the new value.

    One statement, so concurrent callers never read the same value: the row lock orders them.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    col = table.c[column]
    stmt = dialect.insert(table).values(**keys, **{column: 1})
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={column: col + 1})
    return session.execute(stmt.returning(col)).scalar_one()
