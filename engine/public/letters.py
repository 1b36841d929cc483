"""Letters written on the public mailbox (R19): a matter of `public_feedback`, a tracking number
with which the writer follows it and reads the reply, and the writer's rating of it (R20)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.storage import idempotency
from engine.directory.people import Directory, hash_password
from engine.errors import Conflict, FormInvalid, Msg, NotFound
from engine.models import AuditEvent, HumanTask, Letter, User
from engine.status import AuditAction, MatterStatus, TaskState
from engine.runtime.service import Runtime

PROCESS = "public_feedback"
MAILBOX_USER = "mailbox"  # the system account that files letters written by the public
MAX_CONTENT = 5000
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


@dataclass
class LetterStatus:
    """What the writer may see: where the letter is, the reply once given, and their rating."""

    tracking_number: str
    written_at: datetime
    stage: str
    finished: bool
    reply: str | None
    replied_at: datetime | None
    rating: int | None


def ensure_mailbox_user(session: Session) -> User:
    """The account letters are filed under; it cannot sign in (its password is never known)."""
    directory = Directory(session)
    user = directory.find(MAILBOX_USER)
    if user is None:
        user = User(username=MAILBOX_USER, display_name="网上信箱", password_hash=hash_password(secrets.token_hex(32)),
                    active=False)  # a system account: never signs in, never offered as a colleague
        session.add(user)
        session.flush()
    return user


def _check(writer: str, contact: str, content: str) -> dict:
    errors = {}
    content = (content or "").strip()
    if len(content) < 10:
        errors["content"] = Msg("letter.content_short")
    elif len(content) > MAX_CONTENT:
        errors["content"] = Msg("letter.content_long", limit=MAX_CONTENT)
    if len(writer or "") > 100:
        errors["writer"] = Msg("letter.too_long_chars", limit=100)
    if len(contact or "") > 100:
        errors["contact"] = Msg("letter.too_long_chars", limit=100)
    if errors:
        raise FormInvalid(errors)
    return {"writer": (writer or "").strip() or "匿名", "contact": (contact or "").strip(), "content": content,
            "channel": "网上信箱"}


def write(runtime: Runtime, writer: str, contact: str, content: str, token: object = None) -> str:
    """File a letter as a new matter in one transaction; return its tracking number.

    With the form's one-time ``token``, a second submission files nothing and returns the first number.
    """
    data = _check(writer, contact, content)
    return idempotency.once(runtime.db, "letter", token, None, lambda key: _file(runtime, data, key))[0]


def _file(runtime: Runtime, data: dict, token: str | None) -> str:
    number = "XF" + "".join(secrets.choice(_ALPHABET) for _ in range(10))
    title = "网上来信：" + data["content"][:30].replace("\n", " ")

    def record(session: Session, instance) -> None:
        idempotency.record(session, "letter", token, None, number, instance.started_at)
        session.add(Letter(tracking_number=number, instance_id=instance.id, created_at=instance.started_at))

    with runtime.db.transaction() as session:
        ensure_mailbox_user(session)
    runtime.start(PROCESS, title, data, MAILBOX_USER, check_role=False, on_start=record)
    return number


def _find(session: Session, tracking_number: str) -> Letter:
    letter = session.scalar(select(Letter).where(Letter.tracking_number == (tracking_number or "").strip().upper()))
    if letter is None:
        raise NotFound("letter.missing")
    return letter


def status(session: Session, tracking_number: str) -> LetterStatus:
    """The letter's progress as the writer sees it: the step it is at, never who handles it inside."""
    letter = _find(session, tracking_number)
    instance = letter.instance
    reply = session.scalar(select(AuditEvent).where(
        AuditEvent.instance_id == instance.id, AuditEvent.action == AuditAction.COMPLETE, AuditEvent.element_id == "reply")
        .order_by(AuditEvent.id.desc()))
    steps = session.scalars(select(HumanTask.name).where(HumanTask.instance_id == instance.id,
                                                         HumanTask.state == TaskState.READY)).all()
    if instance.status == MatterStatus.COMPLETED:
        stage = Msg("letter.stage_done")
    elif reply is not None:
        stage = Msg("letter.stage_replied")
    else:
        stage = Msg("letter.stage_steps", steps="、".join(sorted(set(steps)))) if steps else Msg("letter.stage_running")
    return LetterStatus(letter.tracking_number, letter.created_at, stage, instance.status == MatterStatus.COMPLETED,
                        (reply.details.get("data") or {}).get("reply_text") if reply else None,
                        reply.at if reply else None, letter.rating)


def rate(session: Session, tracking_number: str, rating: object, comment: str, now: datetime) -> None:
    """R20: the writer rates the reply once, 1 (very unsatisfied) to 5 (very satisfied)."""
    letter = _find(session, tracking_number)
    errors = {}
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = Msg("letter.rating")
    if len(comment or "") > 1000:
        errors["comment"] = Msg("letter.too_long", limit=1000)
    if errors:
        raise FormInvalid(errors)
    if status(session, tracking_number).reply is None:
        raise Conflict("letter.rate_after_reply")
    if letter.rating is not None:
        raise Conflict("letter.rated")
    letter.rating, letter.rating_comment, letter.rated_at = rating, (comment or "").strip() or None, now

