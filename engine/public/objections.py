"""Objections to a publication (R16): anyone may object from its public page while its period runs, and not after.

The objection is recorded against the matter, the audit trail notes that one arrived (never who wrote it), and the
office and whoever published are told. Those who may read the matter read the objections on its page, and a
pre-appointment publication cannot be concluded as unobjected while one is on record (``rules.publicity``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import trail as audit
from engine.collaboration.notifications import notify, notify_role
from engine.committee import publications
from engine.errors import Conflict, FormInvalid, Msg, NotFound
from engine.models import HumanTask, Objection, Publication
from engine.status import AuditAction

OFFICE = "办公室"
MIN_TEXT, MAX_TEXT, MAX_FIELD = 10, 2000, 100


def _checked(writer: object, contact: object, text: object) -> tuple[str | None, str | None, str]:
    writer, contact, text = (v.strip() if isinstance(v, str) else "" for v in (writer, contact, text))
    errors = {}
    if len(text) < MIN_TEXT:
        errors["text"] = Msg("objection.text_short", count=MIN_TEXT)
    elif len(text) > MAX_TEXT:
        errors["text"] = Msg("form.max_length", count=MAX_TEXT)
    for name, value in (("writer", writer), ("contact", contact)):
        if len(value) > MAX_FIELD:
            errors[name] = Msg("form.max_length", count=MAX_FIELD)
    if errors:
        raise FormInvalid(errors)
    return writer or None, contact or None, text


def _publisher_id(session: Session, publication: Publication) -> int | None:
    """Who completed the step that made the publication."""
    return session.scalar(select(HumanTask.completed_by_id).join(Publication, publications.MADE_BY_STEP)
                          .where(Publication.id == publication.id))


def submit(session: Session, instance_id: int, writer: object, contact: object, text: object, now: datetime) -> int:
    """Record an objection to the matter's latest publication; NotFound when it is not published, Conflict (R16)
    once its period is over, FormInvalid per field for bad input. Returns the objection's id."""
    publication = publications.for_instance(session, instance_id)
    if publication is None:
        raise NotFound("public.missing")
    if now >= publication.objections_until:
        raise Conflict("objection.period_over", until=publication.objections_until)
    writer, contact, text = _checked(writer, contact, text)
    row = Objection(publication_id=publication.id, instance_id=instance_id, writer=writer, contact=contact, text=text,
                    created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, AuditAction.OBJECTION, now, instance_id, details={"objection": row.id})
    title, publisher = Msg("objection.notice", title=publication.title), _publisher_id(session, publication)
    if publisher is not None:
        notify(session, [publisher], "flag", title, now, instance_id=instance_id)
    notify_role(session, OFFICE, "flag", title, now, instance_id=instance_id, except_id=publisher)
    return row.id
