"""Liveness and readiness: whether this node can serve (database, schema) and whether timers are being fired."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.config import Config
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from engine.models import WorkerHeartbeat
from engine.storage.database import MIGRATIONS, Database

# A worker polls every few seconds; one not seen for this long is taken to be gone.
WORKER_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    """Every check, and whether the node is ready (all passed)."""

    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)


@functools.cache
def _head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def readiness(db: Database, now: datetime, worker_grace: timedelta = WORKER_GRACE) -> Readiness:
    """Check the database answers, its schema is at the newest migration, and a worker was seen lately."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
            seen = connection.execute(select(func.max(WorkerHeartbeat.seen_at))).scalar() \
                if current == _head() else None
    except SQLAlchemyError as exc:
        reason = type(exc.orig or exc).__name__ if hasattr(exc, "orig") else type(exc).__name__
        return Readiness((Check("database", False, f"unreachable ({reason})"),))
    checks = [Check("database", True, db.dialect),
              Check("migrations", current == _head(), f"at {current}, newest {_head()}")]
    if seen is not None and seen.tzinfo is None:
        seen = seen.replace(tzinfo=now.tzinfo)
    if seen is None:
        checks.append(Check("worker", False, "no worker has reported"))
    else:
        age = (now - seen).total_seconds()
        checks.append(Check("worker", age <= worker_grace.total_seconds(), f"last seen {age:.0f} s ago"))
    return Readiness(tuple(checks))
