"""Meeting minutes (R11): each meeting's numbered record, read from its audit trail and decisions.

Nothing here loads a workflow: the number, the minutes text, the date, place and attendance are
what the meeting's steps recorded in the audit trail; outcomes and totals are the Decision rows.
Ballots are stored only encrypted (R8) and never shown; R15 decides who reads the content.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.access import can_view

from engine.committee.deliberation import sees_deliberation
from engine.errors import Forbidden, NotFound
from engine.committee.meetings import BODIES, body as body_of
from engine.models import AuditEvent, Decision, Instance, Topic, User
from engine.status import AuditAction
from engine.committee.topics import meeting_dates, ordered_tally
from engine.committee.workdays import LOCAL_TZ

NUMBER_STEP = "number_minutes"  # the meeting processes' script step that takes the number
NUMBER = re.compile(r"〔(\d{4})〕第(\d+)号$")


@dataclass
class MinutesEntry:
    """That a meeting's minutes exist: their number and the meeting's date (what auditors may always see)."""

    meeting_id: int
    title: str
    body: str | None
    number: str
    year: int
    serial: int
    numbered_at: datetime
    meeting_date: str | None = None  # ISO date of the meeting, as noticed


@dataclass
class AgendaItem:
    """One agenda item and what the meeting did with it: totals only, never a ballot."""

    title: str
    matter_id: int | None
    outcome: str | None  # passed, rejected, deferred, or None when not reached
    agree: int | None = None
    disagree: int | None = None
    abstain: int | None = None
    should_attend: int | None = None
    present: int | None = None
    chosen: str | None = None
    choice_tally: dict | None = None
    ruled: bool = False
    reasons: str = ""
    kind: str | None = None  # the topic's kind (engine.committee.topics.KIND_LABELS)


@dataclass
class Minutes:
    """A meeting's minutes as one reader may see them; ``withheld`` (R15) leaves only the entry."""

    entry: MinutesEntry
    withheld: bool
    place: str = ""
    should_attend: int | None = None
    present: list[str] = field(default_factory=list)  # display names
    absent: list[str] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    text: str = ""


def _body_of_number(number: str) -> str | None:
    return next((b.name for b in BODIES.values() if number.startswith(b.minutes_series + "〔")), None)


def _entries(session: Session, *conditions) -> list[MinutesEntry]:
    """The numbered meetings matching ``conditions``, each with its last number and meeting date."""
    rows = session.execute(select(AuditEvent.instance_id, AuditEvent.at, AuditEvent.details, Instance.title)
                           .join(Instance, Instance.id == AuditEvent.instance_id)
                           .where(AuditEvent.element_id == NUMBER_STEP, AuditEvent.action == AuditAction.AUTO, *conditions)
                           .order_by(AuditEvent.id)).all()
    found: dict[int, MinutesEntry] = {}
    for meeting_id, at, details, title in rows:
        number = str(((details or {}).get("set") or {}).get("minutes_number") or "")
        match = NUMBER.search(number)
        if match:
            found[meeting_id] = MinutesEntry(meeting_id, title, _body_of_number(number), number,
                                             int(match.group(1)), int(match.group(2)), at)
    for meeting_id, day in meeting_dates(session, found).items():
        found[meeting_id].meeting_date = day
    return list(found.values())


def numbers(session: Session, meeting_ids: list[int]) -> dict[int, str]:
    """The minutes number of each of these meetings that has one."""
    ids = sorted({i for i in meeting_ids if i is not None})
    return {e.meeting_id: e.number for e in _entries(session, AuditEvent.instance_id.in_(ids))} if ids else {}


def listing(session: Session, body: str, year: int) -> list[MinutesEntry]:
    """A body's minutes of one (Beijing) year, in number order."""
    series = body_of(body).minutes_series
    start = datetime(year - 1, 12, 31, tzinfo=LOCAL_TZ)  # a day's margin each side; the number decides
    end = datetime(year + 1, 1, 2, tzinfo=LOCAL_TZ)
    entries = _entries(session, Instance.body == body, AuditEvent.at >= start, AuditEvent.at < end)
    return sorted((e for e in entries if e.year == year and e.number.startswith(series + "〔")),
                  key=lambda e: e.serial)


def deciding(session: Session, instance_id: int) -> list[MinutesEntry]:
    """The minutes of the meetings that decided a matter's topics, oldest first."""
    meetings = session.scalars(select(Decision.meeting_id).join(Topic, Topic.id == Decision.topic_id)
                               .where(Topic.instance_id == instance_id)).all()
    return sorted(_entries(session, AuditEvent.instance_id.in_(set(meetings))), key=lambda e: e.numbered_at) \
        if meetings else []


def may_see(session: Session, user: User, meeting: Instance, entry: MinutesEntry) -> bool:
    """Who may know the minutes exist: whoever may see the meeting, and the deciding body's members."""
    member_role = BODIES[entry.body].member_role if entry.body in BODIES else None
    return (member_role is not None and member_role in user.role_names) or can_view(session, user, meeting)


def find(session: Session, meeting: Instance, user: User) -> Minutes | None:
    """A meeting's minutes as ``user`` may see them, or None when it has none (yet) or they may not see it."""
    entries = _entries(session, AuditEvent.instance_id == meeting.id)
    if not entries or not may_see(session, user, meeting, entries[0]):
        return None
    if not sees_deliberation(session, user, meeting):
        return Minutes(entries[0], withheld=True)
    return _content(session, meeting, entries[0])


def for_meeting(session: Session, meeting_id: int, user: User) -> Minutes:
    """A meeting's minutes in full for ``user``: NotFound when none or unseen, Forbidden while R15 withholds them."""
    meeting = session.get(Instance, meeting_id)
    minutes = find(session, meeting, user) if meeting is not None else None
    if minutes is None:
        raise NotFound("minutes.missing")
    if minutes.withheld:
        raise Forbidden("minutes.withheld", number=minutes.entry.number)
    return minutes


def _recorded(session: Session, meeting_id: int) -> tuple[dict, dict[int, dict], str]:
    """What the meeting's steps entered or set, in order; each item's result; the minutes text."""
    data: dict = {}
    results: dict[int, dict] = {}
    text = ""
    events = session.execute(select(AuditEvent.action, AuditEvent.element_id, AuditEvent.details).where(
        AuditEvent.instance_id == meeting_id, AuditEvent.action.in_((AuditAction.COMPLETE, AuditAction.AUTO))).order_by(AuditEvent.id))
    for action, element_id, details in events:
        values = (details or {}).get("data" if action == AuditAction.COMPLETE else "set") or {}
        data.update(values)
        result = values.get("item_result")
        if isinstance(result, dict) and result.get("outcome") and result.get("topic_id") is not None:
            results[int(result["topic_id"])] = result
        if action == AuditAction.COMPLETE and element_id == "write_minutes":
            text = str(values.get("meeting_minutes") or "")
    return data, results, text


def _names(session: Session, usernames: list) -> list[str]:
    known = dict(session.execute(select(User.username, User.display_name)
                                 .where(User.username.in_([str(u) for u in usernames]))).all())
    return [known.get(str(u), str(u)) for u in usernames]


def _content(session: Session, meeting: Instance, entry: MinutesEntry) -> Minutes:
    data, results, text = _recorded(session, meeting.id)
    decisions = {d.topic_id: d for d in session.scalars(select(Decision).where(Decision.meeting_id == meeting.id))}
    agenda = [i for i in data.get("items") or [] if isinstance(i, dict) and "topic_id" in i]
    listed = {int(i["topic_id"]) for i in agenda}
    agenda += [{"topic_id": t, "title": d.topic.title, "matter_id": d.topic.instance_id}
               for t, d in sorted(decisions.items()) if t not in listed]
    items = []
    for item in agenda:
        topic_id = int(item["topic_id"])
        decision, result = decisions.get(topic_id), results.get(topic_id, {})
        if decision is not None:
            items.append(AgendaItem(
                str(item.get("title", "")), item.get("matter_id"), decision.outcome, decision.agree,
                decision.disagree, decision.abstain, decision.should_attend, decision.present, decision.chosen,
                ordered_tally(decision), decision.ruling is not None, kind=decision.topic.kind))
        else:
            outcome = "deferred" if result.get("outcome") == "deferred" else None
            items.append(AgendaItem(str(item.get("title", "")), item.get("matter_id"), outcome,
                                    reasons=str(result.get("reasons") or "")))
    present = data.get("present") if isinstance(data.get("present"), list) else []
    absent = data.get("absentees") if isinstance(data.get("absentees"), list) else []
    should = data.get("should_attend")
    return Minutes(entry, withheld=False, place=str(data.get("place") or ""),
                   should_attend=int(should) if isinstance(should, int) else None,
                   present=_names(session, present), absent=_names(session, absent),
                   items=items, text=text)
