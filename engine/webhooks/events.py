"""The events a subscriber may hear, noticed in the unit of work and written to the outbox at commit.

Noticed from what the transaction writes (a new matter, task, decision or publication; a task completed),
not from each place that makes them, so no path can forget one: at every flush, and from the hot path's
direct writes (engine.runtime.action_writes), which call ``notice_pending`` as a flush would. Only identifiers, names and times go into
an event: never a form's answers, a matter's data or a ballot. With no subscription (read from the reference
cache, so free), nothing is kept and nothing is written.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import event, inspect, insert, select
from sqlalchemy.orm import Session

from engine.models import (Decision, HumanTask, Instance, Publication, Topic, User, WebhookDelivery,
                           WebhookSubscription)
from engine.status import TaskState
from engine.storage.reference_cache import cached

KINDS = ("matter.started", "task.created", "task.completed", "decision.made", "publication.published")
_ORDER = (Instance, HumanTask, Decision, Publication)
NOTICED = "webhook_events"  # session.info key: (kind, instance id, data) noticed in this transaction


def subscriptions(session: Session) -> tuple[tuple[int, frozenset[str]], ...]:
    """Active subscriptions as (id, event kinds), from memory while no subscription changes."""
    return cached(session, ("webhook_subscriptions",), lambda s: tuple(
        (sid, frozenset(kinds)) for sid, kinds in s.execute(
            select(WebhookSubscription.id, WebhookSubscription.events).where(WebhookSubscription.active.is_(True))
            .order_by(WebhookSubscription.id))))


def _time(at: datetime | None) -> str | None:
    return None if at is None else (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).isoformat()


def _completed_now(row: HumanTask) -> bool:
    added = inspect(row).attrs.state.history.added
    return bool(added) and added[0] == TaskState.COMPLETED


def _noticed(obj, completed: bool) -> tuple[str, int | None, dict] | None:
    if isinstance(obj, Instance):
        return "matter.started", obj.id, {"matter": {"id": obj.id, "title": obj.title, "process": obj.process_key},
                                          "user_id": obj.started_by_id}
    if isinstance(obj, HumanTask):
        task = {"id": obj.id, "element_id": obj.element_id, "name": obj.name}
        if completed:
            return "task.completed", obj.instance_id, {"matter": {"id": obj.instance_id}, "user_id": obj.completed_by_id,
                                                       "task": task | {"completed_at": _time(obj.completed_at)}}
        return "task.created", obj.instance_id, {"matter": {"id": obj.instance_id}, "user_id": obj.assignee_id,
                                                 "task": task | {"role": obj.candidate_role,
                                                                 "due_at": _time(obj.due_at)}}
    if isinstance(obj, Decision):  # the outcome only: never the totals of a ballot
        return "decision.made", None, {"decision": {"id": obj.id, "topic_id": obj.topic_id,
                                                    "meeting_id": obj.meeting_id, "outcome": obj.outcome}}
    if isinstance(obj, Publication):
        return "publication.published", obj.instance_id, {
            "matter": {"id": obj.instance_id}, "publication": {"id": obj.id, "title": obj.title,
                                                              "published_at": _time(obj.published_at)}}
    return None


def _notice(session: Session, _context) -> None:
    notice_pending(session)


def notice_pending(session: Session) -> None:
    """Note the events in what the session is writing (its new and changed objects), if anyone subscribed."""
    if not any(isinstance(o, _ORDER) for o in (*session.new, *session.dirty)):
        return
    if not subscriptions(session):
        return
    # In the order they happened: a task completed before the next one was created; a matter before its tasks.
    found = [_noticed(o, True) for o in sorted((o for o in session.dirty if isinstance(o, HumanTask)
                                                and _completed_now(o)), key=lambda o: o.id)]
    found += [_noticed(o, False) for o in sorted((o for o in session.new if isinstance(o, _ORDER)),
                                                 key=lambda o: (_ORDER.index(type(o)), o.id))]
    session.info.setdefault(NOTICED, []).extend(f for f in found if f is not None)


def _write(session: Session) -> None:
    noticed = session.info.pop(NOTICED, None)
    if not noticed:
        return
    session.flush()
    noticed += session.info.pop(NOTICED, [])  # what that last flush noticed
    users = {uid for _, _, data in noticed if (uid := data.get("user_id"))}
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(users))).tuples().all()) \
        if users else {}
    topics = {data["decision"]["topic_id"] for kind, _, data in noticed if kind == "decision.made"}
    matters = dict(session.execute(select(Topic.id, Topic.instance_id).where(Topic.id.in_(topics))).tuples().all()) \
        if topics else {}
    now = datetime.now(timezone.utc)
    rows = []
    for kind, instance_id, data in noticed:
        data = dict(data)
        if "user_id" in data:
            data["user"] = names.get(data.pop("user_id"))
        if kind == "decision.made":
            instance_id = matters.get(data["decision"]["topic_id"])
            data["matter"] = {"id": instance_id}
        payload = {"type": kind, "timestamp": now.isoformat(), "data": data}
        for subscription_id, kinds in subscriptions(session):
            if kind in kinds:
                rows.append({"subscription_id": subscription_id, "message_id": f"msg_{uuid.uuid4().hex}",
                             "instance_id": instance_id, "event": kind, "payload": payload, "created_at": now,
                             "attempts": 0, "next_attempt_at": now})
    if rows:
        session.connection().execute(insert(WebhookDelivery.__table__), rows)


def _forget(session: Session) -> None:
    session.info.pop(NOTICED, None)


_LISTENERS = (("after_flush", _notice), ("before_commit", _write), ("after_rollback", _forget))


def install() -> None:
    """Listen to every session from now on (the runtime calls this; a second call changes nothing)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
