"""转办, 委派 and 抄送 as user actions: one transaction each, owned here, for a user named by the caller.

The rules and records are engine.runtime.task_actions'; this is where a request becomes one committed action
and a plain answer (the task as lists show it, or who was copied).
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.runtime import task_actions
from engine.runtime.task_rows import task_summary
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.models import utcnow


@dataclass(frozen=True)
class HandedOver:
    """A task after 转办 or 委派: its summary and the display name of its new holder."""

    task: dict
    holder_name: str


class HandOver:
    """Passing a task on, and copying a matter to readers."""

    def __init__(self, db: Database):
        self.db = db

    def reassign(self, task_id: int, username: str, to: object, reason: object) -> HandedOver:
        """转办: the task becomes ``to``'s, for good."""
        return self._pass(task_actions.reassign, task_id, username, to, reason)

    def delegate(self, task_id: int, username: str, to: object, reason: object) -> HandedOver:
        """委派: ``to`` answers the task, and it comes back to the holder to confirm."""
        return self._pass(task_actions.delegate, task_id, username, to, reason)

    def copy(self, instance_id: int, username: str, to: object, note: object) -> list[str]:
        """抄送: the named users are told of the matter and may read it; returns who was newly copied."""
        with self.db.transaction() as session:
            return task_actions.copy_to(session, instance_id, Directory(session).user(username), to, note, utcnow())

    def _pass(self, action, task_id: int, username: str, to: object, reason: object) -> HandedOver:
        with self.db.transaction() as session:
            task = action(session, task_id, Directory(session).user(username), to, reason, utcnow())
            return HandedOver(task_summary(session, task), task.assignee.display_name)
