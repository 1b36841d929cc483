"""Each worker's heartbeat: a row stamped every round, so readiness and metrics know timers are being fired."""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine.models import WorkerHeartbeat
from engine.storage.upsert import increment

FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    """This process's name in the heartbeat table: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def beat(session: Session, name: str, now: datetime) -> None:
    """Record that the worker ``name`` finished a round now (and forget workers gone for a day)."""
    table = WorkerHeartbeat.__table__
    increment(session, table, {"name": name}, {"rounds": 1}, returning=False)
    session.execute(table.update().where(table.c.name == name).values(seen_at=now))
    session.execute(delete(table).where(table.c.seen_at < now - FORGET_AFTER))
