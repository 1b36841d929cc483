"""The tamper-evident audit trail: every event's hash covers its content and the previous event's hash.

Events are written when their transaction commits, with their position (``seq``) and hash, under a
lock on the one ``audit_head`` row, so the chain follows commit order on every backend, the lock is
held only for the last moment of a transaction, and all of a transaction's events are one INSERT.
``verify`` names each edited, inserted or deleted event by position; the head it reports can be kept
outside the database, so that even an attacker who recomputes the whole chain is caught by comparing heads.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import bindparam, event, insert, select, text, update
from sqlalchemy.orm import Session

from engine.storage.database import PENDING
from engine.storage.prepared import Prepared
from engine.storage.typed_insert import insert_sql, insert_values
from engine.audit import correlation
from engine.errors import Msg
from engine.models import GENESIS, AuditEvent, AuditHead


def _utc_text(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def digest(prev_hash: str, seq: int, instance_id, at: datetime, actor_id, action: str, element_id,
           element_name, details: dict, request_id: str | None = None) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the event at position ``seq``."""
    details = json.loads(json.dumps(details or {}, default=str))  # as stored: keys become strings
    fields = {"seq": seq, "instance_id": instance_id, "at": _utc_text(at), "actor_id": actor_id, "action": action,
              "element_id": element_id, "element_name": element_name, "details": details}
    if request_id is not None:  # absent from events recorded before requests had ids: their hashes stay valid
        fields["request_id"] = request_id
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _event_digest(prev_hash: str, seq: int, e: AuditEvent) -> str:
    return digest(prev_hash, seq, e.instance_id, e.at, e.actor_id, e.action, e.element_id, e.element_name, e.details,
                  e.request_id)


def track(session: Session, audit_event: AuditEvent) -> None:
    """Hold an event recorded in this transaction until the commit chains and writes it."""
    session.info.setdefault(PENDING, []).append(audit_event)


# Built once (constructing a statement costs more than running it): the chain's head, locked, and moved on.
_HEAD = Prepared(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update())
_MOVE_HEAD = Prepared(update(AuditHead.__table__).where(AuditHead.id == 1)
                      .values(seq=bindparam("head_seq"), hash=bindparam("head_hash")))
_COLUMNS = ("instance_id", "at", "actor_id", "action", "element_id", "element_name", "details", "seq", "prev_hash",
            "hash")
_WITH_REQUEST = (*_COLUMNS, "request_id")  # named only when a request caused the events (not the worker's)
_INSERTS = {columns: Prepared(insert(AuditEvent.__table__).values({c: bindparam(c) for c in columns}).inline())
            for columns in (_COLUMNS, _WITH_REQUEST)}


@functools.lru_cache(maxsize=32)
def _insert_and_move(count: int, columns: tuple[str, ...]):
    """PostgreSQL: ``count`` events inserted and the head moved in one statement (an INSERT inside a WITH).

    As text with typed parameters: SQLAlchemy compiles a multi-row INSERT inside a WITH anew on every
    execution (it is not cacheable), which cost more than the round trip it saves.
    """
    inserted, typed = insert_sql(AuditEvent.__table__, count, columns, "e")
    sql = (f"WITH written AS ({inserted}) "
           f"UPDATE {AuditHead.__tablename__} SET seq = :head_seq, hash = :head_hash WHERE id = 1")
    return Prepared(text(sql).bindparams(*typed, bindparam("head_seq", type_=AuditHead.__table__.c.seq.type),
                                         bindparam("head_hash", type_=AuditHead.__table__.c.hash.type)))


@event.listens_for(Session, "before_commit")
def _seal(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()
    connection = session.connection()  # prepared statements on it: no ORM or Core work for the chain's rows
    head = next(iter(_HEAD.rows(connection, {})), None)
    if head is None:  # a database created before the chain: start it
        session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        session.flush()
        head = (0, GENESIS)
    seq, prev, rows = head[0], head[1], []
    request = correlation.request_id()
    for item in pending:  # in the order the transaction recorded them
        seq += 1
        item.request_id = item.request_id or request
        digest = _event_digest(prev, seq, item)
        rows.append({"instance_id": item.instance_id, "at": item.at, "actor_id": item.actor_id, "action": item.action,
                     "element_id": item.element_id, "element_name": item.element_name, "details": item.details,
                     "seq": seq, "prev_hash": prev, "hash": digest, "request_id": item.request_id})
        prev = digest
    columns = _WITH_REQUEST if any(row["request_id"] for row in rows) else _COLUMNS
    if columns is _COLUMNS:
        for row in rows:
            del row["request_id"]
    moved = {"head_seq": seq, "head_hash": prev}
    if connection.dialect.name == "postgresql" and len(rows) <= 16:
        _insert_and_move(len(rows), columns).run(connection, insert_values(rows, columns, "e") | moved)
    else:  # one INSERT for all of the transaction's events (executemany), then the head
        _INSERTS[columns].run(connection, rows)
        if connection.dialect.name != "sqlite":  # on SQLite migration 0023's trigger moved it with the INSERT
            _MOVE_HEAD.run(connection, moved)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


@dataclass
class Problem:
    """Something wrong with the chain, at a position."""

    position: int | None
    event_id: int | None
    what: Msg

    def __str__(self) -> str:
        return str(self.message)

    @property
    def message(self) -> Msg:
        """The problem as one translatable message: where it is, then what is wrong."""
        where = Msg("audit.position", position=self.position) if self.position is not None else Msg("audit.outside")
        if self.event_id:
            return Msg("audit.problem_event", where=where, event_id=self.event_id, what=self.what)
        return Msg("audit.problem", where=where, what=self.what)


@dataclass
class Verdict:
    """What ``verify`` found: how many events were checked, the head, and the problems."""

    checked: int
    head_seq: int
    head_hash: str
    problems: list[Problem]


def verify(session: Session) -> Verdict:
    """Walk the chain in position order and report every break."""
    problems: list[Problem] = []
    prev, expected, checked = GENESIS, 1, 0
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.is_(None), AuditEvent.seq, AuditEvent.id)
                           .execution_options(yield_per=2000))
    for row in rows:
        if row.seq is None:
            problems.append(Problem(None, row.id, Msg("audit.not_in_chain")))
            continue
        checked += 1
        if row.seq < expected:
            problems.append(Problem(row.seq, row.id, Msg("audit.duplicate")))
        elif row.seq > expected:
            gap = Msg("audit.position", position=expected) if row.seq == expected + 1 \
                else Msg("audit.positions", first=expected, last=row.seq - 1)
            problems.append(Problem(expected, None, Msg("audit.missing", gap=gap)))
        elif row.prev_hash != prev:
            problems.append(Problem(row.seq, row.id, Msg("audit.unlinked")))
        if row.hash != _event_digest(row.prev_hash or "", row.seq, row):
            problems.append(Problem(row.seq, row.id, Msg("audit.tampered")))
        prev, expected = row.hash, max(expected, row.seq + 1)
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq > expected - 1:
        span = f"{expected}" if head_seq == expected else f"{expected}–{head_seq}"
        problems.append(Problem(expected, None, Msg("audit.tail_missing", span=span)))
    elif head_seq == expected - 1 and head_hash != prev:
        problems.append(Problem(head_seq, None, Msg("audit.head_mismatch")))
    return Verdict(checked, head_seq, head_hash, problems)
