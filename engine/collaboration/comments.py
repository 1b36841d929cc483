"""Comments and attachments on a matter, readable by whoever may read the matter's content (R15)."""
from __future__ import annotations

from datetime import datetime
from functools import reduce

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import trail as audit
from engine.storage import idempotency
from engine.directory.access import can_view
from engine.committee.deliberation import sees_deliberation
from engine.storage.attachment_store import AttachmentStore
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.errors import FormInvalid, Msg, NotFound
from engine.collaboration.followers import tell_followers
from engine.models import Attachment, Comment
from engine.status import AuditAction
from engine.models import Instance, User

MAX_BODY = 5000
MAX_FILES = 10


def _readable(session: Session, user: User, instance_id: int) -> Instance:
    instance = session.get(Instance, instance_id)
    if instance is None or not can_view(session, user, instance) or not sees_deliberation(session, user, instance):
        raise NotFound("comment.not_visible")
    return instance


def post(db: Database, store: AttachmentStore, instance_id: int, username: str, body: object,
         files: list[tuple[str, bytes]], now: datetime, token: object = None) -> tuple[int, bool]:
    """Add a comment in one transaction, once per form token: (comment id, whether it was added now)."""
    def create(key: str | None) -> int:
        with db.transaction() as session:
            user = Directory(session).user(username)
            return add(session, store, instance_id, user, body, files, now, key).id
    with db.reader() as session:
        user_id = Directory(session).user(username).id
    found, created = idempotency.once(db, "comment", token, user_id, create)
    return int(found), created


def add(session: Session, store: AttachmentStore, instance_id: int, user: User, body: object,
        files: list[tuple[str, bytes]], now: datetime, token: str | None = None) -> Comment:
    """Add a comment with files; every file is checked before any is kept."""
    instance = _readable(session, user, instance_id)
    text = body.strip() if isinstance(body, str) else ""
    errors = {}
    if not text and not files:
        errors["body"] = Msg("comment.empty")
    elif len(text) > MAX_BODY:
        errors["body"] = Msg("comment.too_long", count=MAX_BODY)
    if len(files) > MAX_FILES:
        errors["files"] = Msg("comment.too_many_files", count=MAX_FILES)
    checked, refused = [], []
    for name, data in files[:MAX_FILES]:
        try:
            checked.append((store.check(name, data), data))
        except FormInvalid as bad:
            refused.append(bad.errors["files"])
    if refused:  # every refused file named with its reason, not only the first
        errors["files"] = reduce(lambda first, rest: Msg("list.pair", first=first, rest=rest),
                                 ([errors["files"]] if "files" in errors else []) + refused)
    if errors:
        raise FormInvalid(errors)
    comment = Comment(instance_id=instance.id, author_id=user.id, body=text, created_at=now)
    session.add(comment)
    session.flush()
    idempotency.record(session, "comment", token, user.id, comment.id, now)
    for stored, data in checked:
        store.save(stored, data)  # content-addressed: a rolled-back upload leaves only an unreferenced file
        session.add(Attachment(instance_id=instance.id, comment_id=comment.id, filename=stored.filename,
                               content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                               created_at=now))
    audit.record(session, AuditAction.COMMENT, now, instance.id, user.id,
                 details={"comment": comment.id, "attachments": [s.filename for s, _ in checked]})
    tell_followers(session, instance, Msg("notice.remark", matter=instance.title), Msg("notice.remark_by", by=user.display_name), now, user.id)
    session.flush()
    return comment


def listing(session: Session, instance_id: int, user: User) -> list[Comment]:
    """The matter's comments, oldest first."""
    _readable(session, user, instance_id)
    return list(session.scalars(select(Comment).where(Comment.instance_id == instance_id).order_by(Comment.id)))


def attachment(session: Session, instance_id: int, attachment_id: int, user: User) -> Attachment:
    """One attachment of the matter, if the user may read the matter's content."""
    _readable(session, user, instance_id)
    found = session.get(Attachment, attachment_id)
    if found is None or found.instance_id != instance_id:
        raise NotFound("attachment.missing")
    return found


def as_dict(comment: Comment) -> dict:
    return {"id": comment.id, "author": comment.author.username, "author_name": comment.author.display_name,
            "body": comment.body, "created_at": comment.created_at.isoformat(),
            "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                            for a in comment.attachments]}
