"""A user's notifications and notification settings, read and changed by the engine for a user named by the caller."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.collaboration import notifications
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.models import Notification, utcnow


@dataclass(frozen=True)
class Told:
    """One notification as its reader sees it (``message`` holds the code and parameters to translate it)."""

    id: int
    kind: str
    title: str
    body: str
    message: dict | None
    instance_id: int | None
    created_at: datetime
    read: bool
    task_id: int | None  # the reader's open task in that matter, where the notification should lead


@dataclass(frozen=True)
class Settings:
    """Where mail goes and, per kind, whether the user hears in the app and by email."""

    email: str | None
    chosen: dict[str, dict[str, bool]]


def _told(row: Notification, tasks: dict[int, int]) -> Told:
    return Told(row.id, row.kind, row.title, row.body, row.message, row.instance_id, row.created_at,
                row.read_at is not None, tasks.get(row.instance_id))


class NotificationCenter:
    """The notification list, its unread count, and the settings page's reads and writes."""

    def __init__(self, db: Database):
        self.db = db

    def unread(self, username: str) -> int:
        """How many notifications the user has not seen."""
        with self.db.reader() as session:
            return notifications.unread_count(session, Directory(session).user(username).id)

    def recent(self, username: str) -> list[Told]:
        """The user's notifications, newest first, each with where it should lead."""
        with self.db.reader() as session:
            return self._recent(session, username)

    def open_all(self, username: str) -> list[Told]:
        """The list as the user opens it: what was there, and from now on all of it is read."""
        with self.db.transaction() as session:
            found = self._recent(session, username)
            notifications.mark_read(session, Directory(session).user(username).id, utcnow())
            return found

    def settings(self, username: str) -> Settings:
        """The user's address and choices."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            return Settings(user.email, notifications.settings(session, user.id))

    def save(self, username: str, chosen: dict[str, dict[str, bool]], email: object = ...) -> Settings:
        """Change the choices given (others stay) and, when given, the address; FormInvalid if it is not one."""
        with self.db.transaction() as session:
            user = Directory(session).user(username)
            if email is not ...:
                user.email = notifications.checked_email(email)
            current = notifications.settings(session, user.id)
            notifications.save_settings(session, user.id, {k: {**current[k], **chosen.get(k, {})} for k in current})
            return Settings(user.email, notifications.settings(session, user.id))

    @staticmethod
    def _recent(session, username: str) -> list[Told]:
        user = Directory(session).user(username)
        rows = notifications.recent(session, user.id)
        tasks = notifications.pending_tasks(session, user, [n.instance_id for n in rows])
        return [_told(row, tasks) for row in rows]
