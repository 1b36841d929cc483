"""The lists a user reads (待办, 已办, 我发起的, 抄送我的), each for a user named by the caller, one read each."""
from __future__ import annotations

from dataclasses import dataclass

from engine.pages import queries
from engine.runtime import waiting
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.status import MatterStatus
from engine.runtime.withdrawal import withdrawable


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, and whether more follow."""

    rows: list[dict]
    more: bool


class Lists:
    """Paged, searchable lists of one user's tasks and matters."""

    def __init__(self, db: Database):
        self.db = db

    def inbox(self, username: str, q: str | None, limit: int, offset: int) -> list[dict]:
        """待办: the tasks the user may complete now."""
        with self.db.reader() as session:
            return queries.inbox(session, Directory(session).user(username), limit, offset, q=q)

    def inbox_count(self, username: str, cap: int = queries.COUNT_CAP) -> int:
        """How many tasks wait in the user's 待办 (counted up to ``cap``)."""
        with self.db.reader() as session:
            return queries.inbox_count(session, Directory(session).user(username), cap=cap)

    def done(self, username: str, q: str | None, limit: int, offset: int) -> list[dict]:
        """已办: tasks the user completed, each saying whether 撤回 would succeed now."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            rows = queries.done_by(session, user, q, limit, offset)
            can = withdrawable(session, user, [r["task_id"] for r in rows if r["status"] == MatterStatus.RUNNING])
            return [r | {"can_withdraw": r["task_id"] in can} for r in rows]

    def started(self, username: str, q: str | None, limit: int, offset: int) -> list[dict]:
        """我发起的: matters the user started."""
        with self.db.reader() as session:
            return queries.started_by(session, Directory(session).user(username), q, limit, offset)

    def mine(self, username: str, q: str | None, limit: int, offset: int) -> list[dict]:
        """我发起的 as its page shows it: each running matter with what it waits for."""
        with self.db.reader() as session:
            return waiting.annotate(session, queries.started_by(session, Directory(session).user(username), q,
                                                                limit, offset))

    def copied(self, username: str, q: str | None, limit: int, offset: int) -> list[dict]:
        """抄送我的: matters copied to the user."""
        with self.db.reader() as session:
            return queries.copied_to(session, Directory(session).user(username), q, limit, offset)

    def page(self, kind: str, username: str, q: str | None, size: int, number: int) -> Page:
        """Page ``number`` (from 1) of ``size`` rows of one list, by its name (inbox, done, mine, copied)."""
        rows = getattr(self, kind)(username, q, size + 1, (number - 1) * size)
        return Page(rows[:size], len(rows) > size)
