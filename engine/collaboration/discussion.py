"""Comments, attachments and following as user actions: the engine reads and writes for a user named by the caller."""
from __future__ import annotations

from dataclasses import dataclass

from engine.collaboration import comments, followers
from engine.storage.attachment_store import AttachmentStore
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.models import utcnow


@dataclass(frozen=True)
class Download:
    """An attachment's bytes with the name and type it was uploaded with."""

    filename: str
    content_type: str
    data: bytes


class Discussion:
    """What people add around a matter, for those who may read its deliberation (R15)."""

    def __init__(self, db: Database, store: AttachmentStore):
        self.db, self.store = db, store

    def comments(self, instance_id: int, username: str) -> list[dict]:
        """The matter's comments, oldest first, with their attachments."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            return [comments.as_dict(c) for c in comments.listing(session, instance_id, user)]

    def add(self, instance_id: int, username: str, body: object, files: list[tuple[str, bytes]]) -> dict:
        """Add a comment with its files in one transaction; FormInvalid names what is wrong."""
        with self.db.transaction() as session:
            user = Directory(session).user(username)
            return comments.as_dict(comments.add(session, self.store, instance_id, user, body, files, utcnow()))

    def post(self, instance_id: int, username: str, body: object, files: list[tuple[str, bytes]],
             token: object) -> tuple[int, bool]:
        """A comment from a form, once per form token: (its id, whether it was added now)."""
        return comments.post(self.db, self.store, instance_id, username, body, files, utcnow(), token)

    def attachment(self, instance_id: int, attachment_id: int, username: str) -> Download:
        """An attachment of the matter, if the user may read the matter's deliberation."""
        with self.db.reader() as session:
            found = comments.attachment(session, instance_id, attachment_id, Directory(session).user(username))
            name, kind, sha = found.filename, found.content_type, found.sha256
        return Download(name, kind, self.store.read(sha))

    def follow(self, instance_id: int, username: str, on: bool) -> bool:
        """关注 or stop following the matter; returns whether the user now follows it."""
        with self.db.transaction() as session:
            return followers.set_following(session, Directory(session).user(username), instance_id, on, utcnow())
