"""An action's usual writes — its matter's row, its task rows, its notifications — by prepared statements.

Why not the unit of work: for these few rows SQLAlchemy's flush spent about four times as long tracking,
sorting and post-fetching as the statements took (profiled: about 1 ms of a 4.5 ms action on SQLite), and
an action writes them every time. Anything else an action changed (a topic, a ballot, a deletion, a
relationship) is still flushed by the unit of work, after these, so the matter's row is written (and
locked) first as before. The statements are compiled once and run on the driver's cursor
(engine.storage.prepared): Core's own work around each statement cost more than the driver's. The ORM
objects are then marked as loaded, so the rest of the transaction reads them from memory as if flushed,
and every listener of a flush is told what it would have been. On PostgreSQL the matter's UPDATE, the
other UPDATEs and the INSERTs go as one statement (engine.runtime.joined_writes): one round trip instead
of four for a usual step.
"""
from __future__ import annotations

import functools

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm.exc import StaleDataError

from engine.models import HumanTask, Instance, Notification, OutgoingMail
from engine.runtime import joined_writes
from engine.storage.database import WROTE
from engine.storage.prepared import Prepared
from engine.webhooks import events as webhook_events

_APPEND_ONLY = (Notification, OutgoingMail)  # inserted and let go: nothing in an action reads them back
_INSERTS = {model: insert(model.__table__) for model in _APPEND_ONLY}  # built once: building costs as much as running
# PostgreSQL takes at most 65,535 parameters in a statement; an action telling thousands of people at once
# (a whole plenary, by mail too) writes its rows as separate statements, as SQLite does.
_MAX_JOINED_VALUES = 30_000
_INSERT_TASK = insert(HumanTask.__table__).returning(HumanTask.__table__.c.id, sort_by_parameter_order=True)


def write(session: Session) -> None:
    """Write the session's pending changes: the usual rows directly, anything else through a flush."""
    new, dirty = list(session.new), list(session.dirty)
    if session.deleted or not _usual(new, dirty):
        session.flush()
        return
    changed = [(obj, _changed_columns(obj)) for obj in dirty]
    if any(columns is None for _, columns in changed):
        session.flush()
        return
    connection = session.connection()
    changed.sort(key=lambda item: not isinstance(item[0], Instance))  # the matter's row first: it is the lock
    updated = [(obj, columns) for obj, columns in changed if columns]
    tasks = [obj for obj in new if isinstance(obj, HumanTask)]
    task_rows = [_inserted_values(obj) for obj in tasks]
    appended = {model: [_inserted_values(obj) for obj in new if type(obj) is model] for model in _APPEND_ONLY}
    if connection.dialect.name == "postgresql" and _joinable(task_rows, appended):
        ids = _joined(connection, updated, task_rows, appended)  # one round trip (engine.runtime.joined_writes)
    else:
        for obj, columns in updated:
            _update(connection, obj, columns)
        ids = _insert(connection, HumanTask, task_rows)
        for model, rows in appended.items():
            _insert(connection, model, rows)
    for obj, row_id in zip(tasks, ids):
        obj.id = row_id
    with session.no_autoflush:  # what it writes is written; a flush now would write the new rows again
        webhook_events.notice_pending(session)  # as a flush would have: completions and new tasks, with their ids
    session.info[WROTE] = True
    for obj in new:
        if not isinstance(obj, HumanTask):
            session.expunge(obj)
    # What a flush does last: the rows written become persistent and clean (history cleared, the written
    # values their committed state), and the transaction notes them, so a rollback expires or drops them.
    # The session's own step, private but stable in SQLAlchemy 2.0 (pinned): the public way round
    # (expunge, make_transient, make_transient_to_detached, add) cost a tenth of an action.
    session._register_persistent({inspect(obj) for obj in (*tasks, *(obj for obj, _ in changed))})


def _usual(new: list, dirty: list) -> bool:
    return all(type(obj) in (HumanTask, *_APPEND_ONLY) for obj in new) \
        and all(type(obj) in (Instance, HumanTask) for obj in dirty)


def _changed_columns(obj) -> tuple[str, ...] | None:
    """The column attributes changed since loaded; None when a relationship changed (the unit of work's job)."""
    state = inspect(obj)
    columns = state.mapper.column_attrs
    before, now = state.committed_state, state.dict
    if any(name not in columns for name in before):
        return None
    return tuple(sorted(name for name in before if before[name] is NO_VALUE or before[name] != now.get(name)))


@functools.lru_cache(maxsize=64)
def _update_statement(table, columns: tuple[str, ...], version: str | None):
    """UPDATE of these columns by id (and, where the model has a version column, by the version seen), built once."""
    where = table.c.id == bindparam("_id")
    values = {name: bindparam(name) for name in columns if name != version}
    if version is not None:
        where &= table.c[version] == bindparam("_seen")
        values[version] = bindparam("_next")
    return Prepared(update(table).where(where).values(values))


def _update_values(obj, columns: tuple[str, ...]) -> tuple[dict, str | None]:
    """The UPDATE's values (by id, and by the version seen where the model has one) and the version column."""
    state = inspect(obj)
    column = state.mapper.version_id_col  # the optimistic lock, where the model declares one (a matter's)
    version = column.key if column is not None else None
    params = {name: state.dict[name] for name in columns if name != version} | {"_id": obj.id}
    if version is not None:
        seen = state.committed_state.get(version, state.dict[version])
        params |= {"_seen": seen, "_next": seen + 1}
    return params, version


def _updated(obj, version: str | None, params: dict, rowcount: int) -> None:
    """Check the UPDATE changed the one row it was for, and note the version it wrote."""
    if rowcount != 1:  # another action moved the row since it was read (as the ORM's version check)
        raise StaleDataError(f"{obj.__tablename__} {obj.id}: changed by another action")
    if version is not None:
        inspect(obj).dict[version] = params["_next"]


def _update(connection, obj, columns: tuple[str, ...]) -> None:
    params, version = _update_values(obj, columns)
    _updated(obj, version, params, _update_statement(obj.__table__, columns, version).run(connection, params))


def _joined(connection, updated: list, task_rows: list[dict], appended: dict) -> list[int]:
    """PostgreSQL: the updates and inserts in one statement; the new task rows' ids, in order."""
    if not (updated or task_rows or any(appended.values())):
        return []
    values = [_update_values(obj, columns) for obj, columns in updated]
    shapes = tuple((obj.__table__, columns, version) for (obj, columns), (_, version) in zip(updated, values))
    inserts = [(model, rows) for model, rows in appended.items() if rows]
    (row,) = joined_writes.statement(
        shapes, tuple((m.__table__, len(rows), tuple(rows[0])) for m, rows in inserts),
        (HumanTask.__table__, len(task_rows), tuple(task_rows[0])) if task_rows else None,
    ).rows(connection, joined_writes.parameters([params for params, _ in values], [rows for _, rows in inserts],
                                                task_rows))
    for (obj, _columns), (params, version), rowcount in zip(updated, values, row):
        _updated(obj, version, params, rowcount)
    ids = {guid: row_id for row_id, guid in row[-1] or ()}
    return [ids[task["task_guid"]] for task in task_rows]


def _joinable(task_rows: list[dict], appended: dict) -> bool:
    """The new rows fit one joined statement: each table's rows alike, and within PostgreSQL's parameters."""
    groups = (task_rows, *appended.values())
    return all(map(_alike, groups)) and sum(len(row) for rows in groups for row in rows) < _MAX_JOINED_VALUES


def _alike(rows: list[dict]) -> bool:
    """The rows name the same columns (the usual case), so one multi-row INSERT takes them all."""
    return len({frozenset(row) for row in rows}) <= 1


def _inserted_values(obj) -> dict:
    """What the unit of work would insert: the values set (a None only where the type stores it), else defaults.

    The defaults are set on the object too, so that reading them later needs no query.
    """
    values = {}
    for column in obj.__table__.columns:
        name = column.key
        if name in obj.__dict__:
            value = obj.__dict__[name]
            if value is not None or column.type.should_evaluate_none:
                values[name] = value
        elif column.default is not None and column.default.is_scalar:
            values[name] = obj.__dict__[name] = column.default.arg
        elif not column.primary_key:
            obj.__dict__[name] = None
    return values


@functools.lru_cache(maxsize=64)
def _insert_statement(table, columns: tuple[str, ...], returning: bool) -> Prepared:
    """INSERT of these columns (returning the new row's id for a task), built once."""
    statement = insert(table).values({name: bindparam(name) for name in columns})
    return Prepared(statement.returning(table.c.id) if returning else statement.inline())


def _insert(connection, model, rows: list[dict]) -> list:
    """One executemany when the rows name the same columns (the usual case), else one statement each; the new
    tasks' ids.

    A column a row leaves out gets its default or SQL NULL; filling it with None instead would store JSON
    'null' in a JSON column. A row that leaves out a column whose default is computed (a time) goes through
    Core, which computes it, as do several new tasks at once (their ids come back in order only from Core's
    insertmanyvalues).
    """
    if not rows:
        return []
    returning, table = model is HumanTask, model.__table__
    if _alike(rows) and _computed_defaults(table) <= rows[0].keys() and not (returning and len(rows) > 1):
        statement = _insert_statement(table, tuple(rows[0]), returning)
        if returning:
            return [row[0] for row in statement.rows(connection, rows[0])]
        statement.run(connection, rows)
        return []
    statement = _INSERT_TASK if returning else _INSERTS[model]
    if _alike(rows):
        result = connection.execute(statement, rows)
        return list(result.scalars()) if result.returns_rows else []
    found = []
    for row in rows:
        result = connection.execute(statement, row)
        found += list(result.scalars()) if result.returns_rows else []
    return found


@functools.lru_cache(maxsize=16)
def _computed_defaults(table) -> frozenset[str]:
    return frozenset(c.key for c in table.columns if c.default is not None and c.default.is_callable)
