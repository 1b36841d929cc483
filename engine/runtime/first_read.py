"""A completion's first read: the task, its matter and version, and the matter's open steps, locking the matter.

Run as a prepared statement on the driver (engine.storage.prepared) and built into the ORM objects the rest
of the action works on, as loaded. Why not the ORM's query: loading three objects from one row cost the
ORM about twice what the statement took, on every completion. The objects are put in the session's
identity map as the ORM's loading puts them, so everything after reads, lazy-loads and writes them as usual;
a row the session already holds is taken from it, as the ORM would.
"""
from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from engine.collaboration.followers import follower_count_column, note_followers
from engine.errors import Conflict
from engine.models import HumanTask, Instance, ProcessVersion
from engine.runtime.stepper import note_locked
from engine.runtime.task_mirror import OPEN, note_open_rows
from engine.status import TaskKind
from engine.storage.prepared import Prepared
from engine.storage.reference_cache import note_stamp, stamp_column


def _loaded_columns(model, also: tuple[str, ...] = ()) -> tuple[tuple[str, ...], list]:
    """The attributes the ORM loads by default (and ``also``, deferred ones wanted here), and their columns."""
    props = [p for p in model.__mapper__.column_attrs if not p.deferred or p.key in also]
    return tuple(p.key for p in props), [p.columns[0] for p in props]


_TASK_KEYS, _TASK_COLUMNS = _loaded_columns(HumanTask)
_MATTER_KEYS, _MATTER_COLUMNS = _loaded_columns(Instance, also=("state",))
_VERSION_KEYS, _VERSION_COLUMNS = _loaded_columns(ProcessVersion)
assert _TASK_KEYS[0] == _MATTER_KEYS[0] == _VERSION_KEYS[0] == "id"  # _loaded takes each row's identity first
_T, _I, _P = HumanTask.__table__, Instance.__table__, ProcessVersion.__table__
_TASK_ID = bindparam("task_id")
_MATTER_OF_TASK = select(_T.c.instance_id).where(_T.c.id == _TASK_ID).scalar_subquery()
# PostgreSQL locks the matter's row here, waiting for any action holding it, and returns the version it
# locked, which is the newest; the joined matter comes from the statement's snapshot. If they differ, another
# action committed meanwhile and everything else read here may be stale: the action is refused (Conflict).
# SQLite has one writer at a time and no FOR UPDATE: the save's UPDATE … WHERE lock_version = seen checks it.
_LOCKED_VERSION = select(_I.c.lock_version).where(_I.c.id == _MATTER_OF_TASK).with_for_update().scalar_subquery()
_READ = Prepared(
    select(*_TASK_COLUMNS, *_MATTER_COLUMNS, *_VERSION_COLUMNS, stamp_column(), follower_count_column(_T.c.instance_id),
           _LOCKED_VERSION)
    .select_from(_T.outerjoin(_I, (_I.c.id == _T.c.instance_id) & (_T.c.id == _TASK_ID))
                 .outerjoin(_P, _P.c.id == _I.c.process_version_id))
    .where(_T.c.instance_id == _MATTER_OF_TASK,
           # OR rather than IN: an IN list is an "expanding" parameter, rendered anew on every execution
           (_T.c.id == _TASK_ID) | ((_T.c.kind == TaskKind.TASK) & or_(*(_T.c.state == state for state in OPEN)))))
_MATTER_AT = len(_TASK_KEYS)
_VERSION_AT = _MATTER_AT + len(_MATTER_KEYS)
_EXTRA_AT = _VERSION_AT + len(_VERSION_KEYS)


def task_with_matter(session: Session, task_id: int) -> HumanTask | None:
    """The task, its matter with its state, and the matter's other open steps, in one read that locks the matter.

    The hot path's first statement carries what would otherwise be four more: the matter's lock, its open
    rows (for the task mirror), the reference stamp (engine.storage.reference_cache) and the matter's
    follower count (engine.collaboration.followers).
    """
    found = _READ.rows(session.connection(), {"task_id": task_id})
    mine = next((r for r in found if r[_MATTER_AT] is not None), None)
    if mine is None:
        return None
    version, followers, locked_version = mine[_EXTRA_AT:]
    instance = _loaded(session, Instance, _MATTER_KEYS, mine[_MATTER_AT:_VERSION_AT])
    if locked_version != instance.lock_version:
        raise Conflict("matter.busy_now")
    if "process_version" not in instance.__dict__:
        set_committed_value(instance, "process_version",
                            _loaded(session, ProcessVersion, _VERSION_KEYS, mine[_VERSION_AT:_EXTRA_AT]))
    rows = [_loaded(session, HumanTask, _TASK_KEYS, r[:_MATTER_AT]) for r in found]
    for row in rows:  # the matter the query read, not a lazy load with its state deferred
        set_committed_value(row, "instance", instance)
    note_locked(session, instance.id)
    note_stamp(session, version)
    note_followers(session, instance.id, followers)
    note_open_rows(session, instance.id, [r for r in rows if r.kind == TaskKind.TASK and r.state in OPEN])
    return next(r for r in rows if r.id == task_id)


def _loaded(session: Session, model, keys: tuple[str, ...], values: tuple):
    """The object of this row as the ORM's loading makes it: persistent, clean, in the session's identity map.

    Uses the ORM's own parts for it (a new instance with its state, the identity map's add); a row the
    session already holds is returned as held, its values untouched, as the ORM does without populate_existing.
    """
    mapper = model.__mapper__
    key = mapper.identity_key_from_primary_key((values[0],))  # every model here has ``id`` first
    held = session.identity_map.get(key)
    if held is not None:
        return held
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(zip(keys, values))
    state = instance_state(obj)
    state.key, state.session_id = key, session.hash_key
    session.identity_map.add(state)
    return obj
