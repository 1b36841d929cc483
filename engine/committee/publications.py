"""Publication (R16): what a matter makes public, with its period for objections; R15 until then."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, joinedload, lazyload

from engine.committee.calendar_days import load_calendar
from engine.models import Decision, HumanTask, Instance, Topic
from engine.models import Objection, Publication

DEFAULT_DAYS = 5
# The completion of a step marked ``publishes`` writes its publication at the same instant (runtime.answer): the
# task and the publication that share a matter and that instant are the step and what it made public.
MADE_BY_STEP = (HumanTask.instance_id == Publication.instance_id) & (HumanTask.completed_at == Publication.published_at)


def publish(session: Session, instance: Instance, data: dict, now: datetime) -> Publication:
    """Record a matter's publication from its publication form (text, channel, period in working days)."""
    decision = session.scalar(select(Decision).join(Topic, Topic.id == Decision.topic_id).where(
        Topic.instance_id == instance.id, Decision.outcome == "passed").order_by(Decision.id.desc()))
    days = int(data.get("publication_days") or DEFAULT_DAYS)
    publication = Publication(
        instance_id=instance.id, decision_id=decision.id if decision else None, title=instance.title,
        text=data.get("publication_text") or "", channel=data.get("channel") or "", period_days=days,
        objection_contact=data.get("objection_contact"), published_at=now,
        objections_until=load_calendar(session).add_working_days(now, days))
    session.add(publication)
    session.flush()
    return publication


# A public page shows the publication and its decision's tally: not the matter, its version or its people,
# which the default joined loads would otherwise bring in (eight tables per row).
_PAGE = (lazyload(Publication.instance), joinedload(Publication.decision).lazyload("*"))


def listing(session: Session, limit: int = 50, offset: int = 0) -> list[Publication]:
    """Everything published, newest first."""
    return list(session.scalars(select(Publication).options(*_PAGE)
                                .order_by(Publication.published_at.desc(), Publication.id.desc())
                                .limit(limit).offset(offset)))


def for_instance(session: Session, instance_id: int) -> Publication | None:
    """A matter's latest publication, or None while it is unpublished."""
    return session.scalar(select(Publication).options(*_PAGE).where(Publication.instance_id == instance_id)
                          .order_by(Publication.id.desc()))


def objections(session: Session, instance_id: int) -> list[dict]:
    """The objections the public sent to the matter's publications (engine.public.objections), oldest first."""
    rows = session.scalars(select(Objection).where(Objection.instance_id == instance_id).order_by(Objection.id))
    return [{"id": o.id, "writer": o.writer, "contact": o.contact, "text": o.text, "created_at": o.created_at}
            for o in rows]


def objections_on_record(session: Session, instance_id: int) -> int:
    """How many objections the public sent to the matter's publications (engine.public.objections)."""
    return session.scalar(select(func.count()).select_from(Objection).where(Objection.instance_id == instance_id)) or 0


def is_published(session: Session, instance_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Publication.instance_id == instance_id))))


def deliberated_unpublished(session: Session, instance: Instance) -> str | None:
    """R15: the body whose deliberation this matter is part of, while its outcome is not yet published.

    A matter that put a topic before a body, or a meeting that deliberated topics, counts until a
    publication of the matter (or, for a meeting, of every matter it decided) exists.
    """
    topic = session.scalar(select(Topic).where(Topic.instance_id == instance.id).order_by(Topic.id.desc()))
    if topic is not None:
        return None if is_published(session, instance.id) else topic.body
    scheduled = session.scalars(select(Topic).where(Topic.meeting_id == instance.id)).all()
    if scheduled and not all(is_published(session, t.instance_id) for t in scheduled):
        return scheduled[0].body
    return None
