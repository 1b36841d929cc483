"""Atomic "insert or increment" for counters, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def increment(session: Session, table, keys: dict, amounts: dict[str, int], returning: bool = True):
    """Add ``amounts`` to the columns of the row with ``keys`` (creating it); return the new values.

    One statement, so concurrent callers never read the same value: the row lock orders them.
    Every column is named whatever the amounts, so the SQL text never reveals which one grew.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**keys, **amounts)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={c: table.c[c] + stmt.excluded[c] for c in amounts})
    if not returning:  # nothing read back, so nothing about the new values reaches a log either
        session.execute(stmt)
        return None
    return session.execute(stmt.returning(*[table.c[c] for c in amounts])).one()
