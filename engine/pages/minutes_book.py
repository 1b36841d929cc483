"""The minutes (R11) as a reader asks for them: a body's year, and one meeting's record, for a user by name."""
from __future__ import annotations

from engine.committee import minutes
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.models import Instance


class MinutesBook:
    """Reads of the numbered minutes, each deciding what the reader may see."""

    def __init__(self, db: Database):
        self.db = db

    def year(self, body: str, year: int, username: str) -> list[dict]:
        """A body's minutes of a year, each saying whether the reader may see it and read its content."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            rows = []
            for entry in minutes.listing(session, body, year):
                found = minutes.find(session, session.get(Instance, entry.meeting_id), user)
                rows.append({"entry": entry, "readable": found is not None and not found.withheld,
                             "visible": found is not None})
            return rows

    def meeting(self, meeting_id: int, username: str) -> minutes.Minutes:
        """One meeting's minutes, if the reader may read them (Forbidden or NotFound otherwise)."""
        with self.db.reader() as session:
            return minutes.for_meeting(session, meeting_id, Directory(session).user(username))
