"""Topics (议题) waiting for a body's meeting, and the decisions (决定) that meetings record.

A matter submits a topic and waits at a message event; the meeting schedules the topic when
its agenda is notified (R1, R4), may add an item only as a declared emergency (R2), and its
decision is delivered back to the matter. Decisions are never edited: a later decision of the
same body on a change topic supersedes one (R13).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound, WorkflowFailed
from engine.committee.meetings import ballot_options
from engine.models import AuditEvent, Decision, Instance, Topic
from engine.status import AuditAction, TopicState

AGENDA_STEPS = ("propose_agenda", "send_notice")  # the meeting steps whose forms name the meeting date


def meeting_dates(session: Session, meeting_ids) -> dict[int, str]:
    """The date each meeting's written notice (or, before it, its agenda) names, as ISO text."""
    ids = list(meeting_ids)
    rows = session.execute(select(AuditEvent.instance_id, AuditEvent.details).where(
        AuditEvent.instance_id.in_(ids), AuditEvent.action == AuditAction.COMPLETE,
        AuditEvent.element_id.in_(AGENDA_STEPS)).order_by(AuditEvent.id)).all() if ids else []
    found: dict[int, str] = {}
    for meeting_id, details in rows:  # the latest naming a date wins
        day = ((details or {}).get("data") or {}).get("meeting_date")
        if isinstance(day, str) and day:
            found[meeting_id] = day
    return found


KIND_LABELS = {"ordinary": "一般事项", "personnel": "人事事项", "change": "变更决定", "motion": "成员联名提议",
               "report": "紧急处置报告", "interpellation": "质询", "duty_report": "述职述廉"}


def ordered_tally(decision: Decision) -> dict[str, int] | None:
    """A choice vote's totals in the ballot's order of choices (PostgreSQL's JSONB keeps no order of keys)."""
    if not decision.choice_tally:
        return decision.choice_tally
    return {choice: decision.choice_tally.get(choice, 0) for choice in decision.topic.choices or decision.choice_tally}


def submit(session: Session, instance: Instance, element_id: str, body: str, title: str, kind: str,
           member_in_charge_id: int | None, consented: bool, now: datetime, mandatory: bool = False,
           changes_decision_id: int | None = None, choices: list[str] | None = None) -> Topic:
    """Put a matter's topic in the queue of ``body``; ``choices`` make its vote a choice among candidates (R17)."""
    if kind not in KIND_LABELS:
        raise WorkflowFailed("topic.unknown_kind", kind=kind)
    if choices is not None and (len(choices) < 2 or len(set(choices)) != len(choices) or "abstain" in choices):
        raise WorkflowFailed("topic.choices")
    if changes_decision_id is not None:
        original = session.get(Decision, changes_decision_id)
        if original is None:
            raise WorkflowFailed("topic.no_decision", decision=changes_decision_id)
        body = original.body  # R13: only the body that made a decision may change it
    topic = Topic(instance_id=instance.id, element_id=element_id, body=body, title=title, kind=kind,
                  member_in_charge_id=member_in_charge_id, consented=consented, mandatory=mandatory,
                  changes_decision_id=changes_decision_id, choices=choices, state=TopicState.PENDING, created_at=now)
    session.add(topic)
    instance.body = body
    if member_in_charge_id is not None:
        instance.member_in_charge_id = member_in_charge_id
    session.flush()
    return topic


def pending(session: Session, body: str) -> list[Topic]:
    """Topics of ``body`` waiting for a meeting, oldest first."""
    return list(session.scalars(select(Topic).where(Topic.body == body, Topic.state == TopicState.PENDING)
                                .order_by(Topic.id)))


def option_pairs(session: Session, body: str) -> list[tuple[str, str]]:
    """Form choices for pending topics: value is the topic id."""
    return [(str(t.id), f"{t.title}（{KIND_LABELS[t.kind]}{'，须列入议程' if t.mandatory else ''}）")
            for t in pending(session, body)]


def _topics(session: Session, ids: list[int]) -> list[Topic]:
    topics = {t.id: t for t in session.scalars(select(Topic).where(Topic.id.in_(ids)))}
    missing = [i for i in ids if i not in topics]
    if missing:
        raise NotFound("topic.missing", topic=missing)
    return [topics[i] for i in ids]


def schedule(session: Session, ids: list[int], meeting_id: int, body: str,
             emergency_reason: str | None = None) -> list[Topic]:
    """Put pending topics on a meeting's notified agenda (or, with a reason, as emergency items: R2)."""
    topics = _topics(session, ids)
    for topic in topics:
        if topic.state != TopicState.PENDING or topic.body != body:
            raise Conflict("topic.not_queued", title=topic.title, body=body)
        topic.state, topic.meeting_id, topic.emergency_reason = "scheduled", meeting_id, emergency_reason
    return topics


def agenda_items(session: Session, ids: list[int]) -> list[dict]:
    """The items a meeting deliberates, as plain data for its workflow."""
    return [{"topic_id": t.id, "title": t.title, "kind": t.kind, "matter_id": t.instance_id,
             "member_in_charge": t.member_in_charge.username if t.member_in_charge else None,
             "emergency": t.emergency_reason is not None, "choices": t.choices or [],
             "vote_options": ballot_options(t.kind, t.choices)} for t in _topics(session, ids)]


def defer(session: Session, topic_id: int, reason: str) -> Topic:
    """An item that could not be voted (R5) goes back to the queue with the reason."""
    topic = _topics(session, [topic_id])[0]
    topic.state, topic.meeting_id, topic.deferred_reason = "pending", None, reason
    return topic


def decide(session: Session, meeting_id: int, body: str, topic_id: int, outcome: str, tally: dict,
           should_attend: int, present: int, vote_outcome: str, secretary_view: str | None,
           ruling: str | None, now: datetime, chosen: str | None = None) -> Decision:
    """Record a body's decision on a topic of its notified agenda (R2); a passed change supersedes (R13)."""
    topic = _topics(session, [topic_id])[0]
    if topic.meeting_id != meeting_id or topic.state != TopicState.SCHEDULED:
        raise WorkflowFailed("topic.not_on_agenda", title=topic.title)
    if topic.body != body:
        raise WorkflowFailed("topic.other_body", title=topic.title, owner=topic.body, body=body)
    decision = Decision(topic_id=topic.id, body=body, meeting_id=meeting_id, outcome=outcome,
                        agree=tally.get("agree", 0), disagree=tally.get("disagree", 0), abstain=tally.get("abstain", 0),
                        should_attend=should_attend, present=present, vote_outcome=vote_outcome,
                        secretary_view=secretary_view, ruling=ruling, decided_at=now, chosen=chosen,
                        choice_tally={c: tally.get(c, 0) for c in topic.choices} if topic.choices else None)
    session.add(decision)
    topic.state = TopicState.DECIDED
    session.flush()
    if topic.changes_decision_id is not None and outcome == "passed":
        original = session.get(Decision, topic.changes_decision_id)
        if original.body != body:
            raise WorkflowFailed("topic.change_body", body=original.body)
        original.superseded_by_id = decision.id
    return decision


def decisions_of(session: Session, body: str, in_force: bool = True) -> list[Decision]:
    query = select(Decision).where(Decision.body == body).order_by(Decision.id)
    if in_force:
        query = query.where(Decision.superseded_by_id.is_(None), Decision.outcome == "passed")
    return list(session.scalars(query))


def for_matter(session: Session, instance_id: int) -> list[Decision]:
    """Decisions made on a matter's topics, or by a meeting matter."""
    return list(session.scalars(select(Decision).join(Topic, Topic.id == Decision.topic_id).where(
        (Topic.instance_id == instance_id) | (Decision.meeting_id == instance_id)).order_by(Decision.id)))
