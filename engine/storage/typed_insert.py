"""A multi-row INSERT as text with typed parameters, for a statement SQLAlchemy cannot cache: an INSERT inside
a WITH, which it compiles anew on every execution (the audit chain's and an action's joined writes)."""
from __future__ import annotations

from sqlalchemy import Table, bindparam


def insert_sql(table: Table, rows: int, columns: tuple[str, ...], prefix: str) -> tuple[str, list]:
    """``INSERT INTO table (columns) VALUES …`` for ``rows`` rows, and its parameters, typed as the columns and
    named ``{prefix}_{row}_{column}``."""
    values = ", ".join("(" + ", ".join(f":{prefix}_{r}_{c}" for c in columns) + ")" for r in range(rows))
    typed = [bindparam(f"{prefix}_{r}_{c}", type_=table.c[c].type) for r in range(rows) for c in columns]
    return f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {values}", typed


def insert_values(rows: list[dict], columns: tuple[str, ...], prefix: str) -> dict:
    """The values of ``insert_sql``'s parameters for these rows."""
    return {f"{prefix}_{r}_{c}": row[c] for r, row in enumerate(rows) for c in columns}
