"""Database connection, transactions and schema migrations."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .audit_chain import PENDING

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


WROTE = "powerflow_wrote"  # session.info key: this session flushed or executed a write


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if not state.is_select:  # insert, update, delete, text(): treat as a write
        state.session.info[WROTE] = True


class Database:
    """A SQLAlchemy engine plus a session factory; each ``transaction()`` is one user action."""

    def __init__(self, url: str, echo: bool = False, connect_args: dict | None = None):
        self.url = url
        # hide_parameters: SQL logs and errors never show values (form data, and R8 ballots).
        kwargs: dict = {"echo": echo, "connect_args": dict(connect_args or {}), "hide_parameters": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"].setdefault("timeout", 10)
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Open a session whose work commits together or not at all."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """Open a session for reading; nothing it does is committed."""
        with self._sessions() as session:
            yield session
            untouched = not (session.info.get(WROTE) or session.info.get(PENDING) or session.new or session.dirty
                             or session.deleted)
            if session.in_transaction() and untouched:
                # Nothing was written, so COMMIT ends it exactly as ROLLBACK would; psycopg forgets the
                # connection's prepared statements on every ROLLBACK, and replanning each query is the
                # larger part of a read on PostgreSQL. Anything written (even flushed) is rolled back.
                session.commit()

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()
