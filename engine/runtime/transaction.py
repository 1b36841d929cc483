"""One user action, one transaction: a lost optimistic-lock race or a lock timeout becomes Conflict."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict
from engine.storage.database import Database


@contextmanager
def one_action(db: Database) -> Iterator[Session]:
    """A transaction for one user action, committed when the block ends; a race or lock wait is Conflict."""
    try:
        with db.transaction() as session:
            yield session
    except StaleDataError:
        raise Conflict("matter.busy_now") from None
    except OperationalError as err:
        if _is_lock_error(err):
            raise Conflict("matter.busy") from None
        raise


def _is_lock_error(err: OperationalError) -> bool:
    text = str(err.orig).lower()
    return "locked" in text or "deadlock" in text or "could not serialize" in text
