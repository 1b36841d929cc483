"""Rule checks run when a task is completed: an illegal step is refused with the rule named.

A BPMN user task names its checks in the property `check` (comma separated); each check sees the
matter's data merged with what was submitted, and returns per-field errors.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from sqlalchemy.orm import Session

from engine.committee import duty_reports, publications, topics
from engine.committee.accountability import subject_problems
from engine.committee.calendar_days import load_calendar
from engine.errors import FormInvalid, Msg, joined
from engine.committee.meetings import notice_refusal
from engine.models import Topic
from engine.status import TopicState
from engine.committee.workdays import LOCAL_TZ


@dataclass
class CheckContext:
    session: Session
    data: dict
    now: datetime
    instance_id: int | None = None  # the matter whose step is being completed


def _ids(values) -> list[int]:
    return [int(v) for v in values or []]


def agenda(ctx: CheckContext) -> dict[str, str]:
    """R1: only queued topics consented by their member in charge; R12: mandatory topics included."""
    body, chosen = ctx.data.get("body"), _ids(ctx.data.get("topics"))
    problems = []
    for topic in ctx.session.query(Topic).filter(Topic.id.in_(chosen)):
        if topic.state != TopicState.PENDING or topic.body != body:
            problems.append(Msg("topic.not_queued", title=topic.title, body=body))
        elif topic.kind in ("ordinary", "personnel") and not topic.consented:
            problems.append(Msg("rule.r1_consent", title=topic.title))
    missing = [t.title for t in topics.pending(ctx.session, body) if t.mandatory and t.id not in chosen]
    if missing:
        problems.append(Msg("rule.r12_mandatory", titles="、".join(missing)))
    return {"topics": joined(problems)} if problems else {}


def notice(ctx: CheckContext) -> dict[str, str]:
    """R4: written notice at least 2 working days before the meeting (official calendar)."""
    day = ctx.data.get("meeting_date")
    refusal = day and notice_refusal(load_calendar(ctx.session), ctx.now, date.fromisoformat(day))
    return {"meeting_date": refusal} if refusal else {}


def meeting_day(ctx: CheckContext) -> dict[str, str]:
    """R4: the meeting is held on the noticed day; its steps open only from that day on (Beijing time)."""
    day = ctx.data.get("meeting_date")
    if day and ctx.now.astimezone(LOCAL_TZ).date() < date.fromisoformat(day):
        return {"_form": Msg("rule.r4_meeting_day", day=date.fromisoformat(day))}
    return {}


def emergency(ctx: CheckContext) -> dict[str, str]:
    """R2: an item not on the notified agenda may be added only as a declared emergency."""
    added = _ids(ctx.data.get("emergency_topics"))
    if added and len((ctx.data.get("emergency_reason") or "").strip()) < 4:
        return {"emergency_reason": Msg("rule.r2_emergency")}
    return {}


def publicity(ctx: CheckContext) -> dict[str, str]:
    """R17: a pre-appointment publication is concluded only once its period is over; R16: the objections the public
    sent from its page are all counted, and none of them is concluded as "no objection"."""
    ends = ctx.data.get("publicity_ends")
    if ends and ctx.now < datetime.fromisoformat(ends):
        day = datetime.fromisoformat(ends).astimezone(LOCAL_TZ).date()
        return {"objection_outcome": Msg("rule.r17_publicity", day=day)}
    sent = publications.objections_on_record(ctx.session, ctx.instance_id) if ctx.instance_id else 0
    problems = {}
    if sent and ctx.data.get("objection_outcome") == "none":
        problems["objection_outcome"] = Msg("rule.r16_objections_on_record", count=sent)
    received = ctx.data.get("objections_received")
    if sent and isinstance(received, int) and received < sent:
        problems["objections_received"] = Msg("rule.r16_objections_counted", count=sent)
    return problems


def tellers(ctx: CheckContext) -> dict[str, str]:
    """R8: at least two tellers (监票人), each a member present, open the secret ballots' totals together."""
    chosen, present = ctx.data.get("tellers") or [], set(ctx.data.get("present") or [])
    if len(set(chosen)) < 2:
        return {"tellers": Msg("rule.r8_tellers_two")}
    if not set(chosen) <= present:
        return {"tellers": Msg("rule.r8_tellers_present")}
    return {}


def case_subject(ctx: CheckContext) -> dict[str, str]:
    """R21: an accountability case names the matter or the official it concerns, and both exist."""
    return subject_problems(ctx.session, ctx.data)


def duty_report(ctx: CheckContext) -> dict[str, str]:
    """R21: a duty report (述职述廉) names an active standing-committee member, once for each year."""
    return duty_reports.problems(ctx.session, ctx.data, ctx.instance_id)


CHECKS: dict[str, Callable[[CheckContext], dict[str, str]]] = {
    "R1_agenda": agenda, "R4_notice": notice, "R4_meeting_day": meeting_day, "R2_emergency": emergency,
    "R17_publicity": publicity, "R8_tellers": tellers, "R21_case_subject": case_subject,
    "R21_duty_report": duty_report}


def names(value: str | None) -> list[str]:
    return [n.strip() for n in (value or "").split(",") if n.strip()]


def enforce(value: str | None, ctx: CheckContext) -> None:
    """Run the named checks; raise FormInvalid with every failure."""
    errors: dict[str, str] = {}
    for name in names(value):
        for field_name, message in CHECKS[name](ctx).items():
            errors[field_name] = joined([errors[field_name], message]) if field_name in errors else message
    if errors:
        raise FormInvalid(errors)
