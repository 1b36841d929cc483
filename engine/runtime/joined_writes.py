"""PostgreSQL: an action's usual writes sent as one statement, its UPDATEs and INSERTs joined in a WITH.

Why: each statement is a round trip to the server, and an action's usual writes (its matter's row, the
step it completed, the step it opened, the holders' notifications) were four of them; joined, the action
measured 4.56 → 3.83 ms (alternating in one run, bench/NOTES.md).
PostgreSQL runs data-modifying statements inside a WITH exactly once and to completion, all on the same
snapshot; the matter's row is already locked by the action's first read (FOR UPDATE), so nothing here can
wait on another action. Each UPDATE reports its row count, so the optimistic lock is still checked; new task
rows report their ids with their task_guid, which is unique. Built as text with typed parameters, once per
shape, as the audit chain's INSERT inside a WITH is (SQLAlchemy recompiles such a statement every time), and
run as a prepared statement (engine.storage.prepared).
"""
from __future__ import annotations

import functools

from sqlalchemy import Integer, bindparam, text

from engine.storage.prepared import Prepared
from engine.storage.typed_insert import insert_sql, insert_values

Update = tuple[object, tuple[str, ...], str | None]  # table, columns set, the version column (the lock) or None
Insert = tuple[object, int, tuple[str, ...]]  # table, rows, columns


@functools.lru_cache(maxsize=128)
def statement(updates: tuple[Update, ...], inserts: tuple[Insert, ...], tasks: Insert | None):
    """One statement for these UPDATEs, append-only INSERTs and new task rows (the last returning their ids)."""
    parts, binds, results = [], [], []
    for n, (table, columns, version) in enumerate(updates):
        sets = [f"{c} = :u{n}_{c}" for c in columns if c != version]
        binds += [bindparam(f"u{n}_{c}", type_=table.c[c].type) for c in columns if c != version]
        where = f"id = :u{n}__id"
        binds.append(bindparam(f"u{n}__id", type_=Integer()))
        if version is not None:
            sets.append(f"{version} = :u{n}__next")
            where += f" AND {version} = :u{n}__seen"
            binds += [bindparam(f"u{n}__next", type_=Integer()), bindparam(f"u{n}__seen", type_=Integer())]
        parts.append(f"u{n} AS (UPDATE {table.name} SET {', '.join(sets)} WHERE {where} RETURNING 1)")
        results.append(f"(SELECT count(*) FROM u{n})")
    for n, (table, rows, columns) in enumerate(inserts):
        sql, typed = insert_sql(table, rows, columns, f"a{n}")
        parts.append(f"a{n} AS ({sql})")
        binds += typed
    if tasks is not None:
        sql, typed = insert_sql(*tasks, "t")
        parts.append(f"t AS ({sql} RETURNING id, task_guid)")
        binds += typed
        results.append("(SELECT coalesce(json_agg(json_build_array(id, task_guid)), '[]') FROM t)")
    else:
        results.append("NULL")
    return Prepared(text(f"WITH {', '.join(parts)} SELECT {', '.join(results)}").bindparams(*binds))


def parameters(updates: list[dict], inserts: list[list[dict]], tasks: list[dict] | None) -> dict:
    """The values for ``statement``, named as it names them; each update's dict uses _id, _seen and _next."""
    values = {}
    for n, row in enumerate(updates):
        values |= {f"u{n}_{k}": v for k, v in row.items()}
    for n, rows in enumerate(inserts):
        values |= insert_values(rows, tuple(rows[0]), f"a{n}")
    if tasks:
        values |= insert_values(tasks, tuple(tasks[0]), "t")
    return values
