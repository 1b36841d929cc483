"""Deciding bodies and the meeting rules that are arithmetic: notice (R4) and quorum (R5)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.errors import Msg, NotFound
from engine.committee.workdays import LOCAL_TZ, WorkdayCalendar

NOTICE_WORKING_DAYS = 2  # R4


@dataclass(frozen=True)
class Body:
    """A deciding body: whose members sit in it and its minutes series (R11)."""

    name: str
    member_role: str
    minutes_series: str


BODIES = {b.name: b for b in (Body("常委会", "常委", "常委会纪要"), Body("全委会", "全委委员", "全委会纪要"))}


def body(name: str) -> Body:
    if name not in BODIES:
        raise NotFound("body.missing", name=name)
    return BODIES[name]


def earliest_meeting_day(calendar: WorkdayCalendar, notice_at: datetime) -> date:
    """R4: a meeting may be held no sooner than 2 working days after its written notice."""
    return calendar.add_working_days(notice_at.astimezone(LOCAL_TZ), NOTICE_WORKING_DAYS).date()


def notice_refusal(calendar: WorkdayCalendar, notice_at: datetime, meeting_day: date) -> str | None:
    """R4: why a meeting on ``meeting_day`` cannot be noticed at ``notice_at``, or None when it can."""
    earliest = earliest_meeting_day(calendar, notice_at)
    if meeting_day < earliest:
        return Msg("rule.r4_notice", earliest=earliest)
    return None


def quorum(should_attend: int, present: int, personnel: bool, member_in_charge_present: bool | None) -> list[str]:
    """R5: the reasons an item may not be voted (empty when it may).

    More than half of the members must be present, at least two thirds for personnel items,
    and the item's member in charge must attend.
    """
    reasons = []
    if personnel:
        if present * 3 < should_attend * 2:
            reasons.append(Msg("rule.quorum_personnel", should=should_attend, present=present))
    elif present * 2 <= should_attend:
        reasons.append(Msg("rule.quorum", should=should_attend, present=present))
    if member_in_charge_present is False:
        reasons.append(Msg("rule.member_absent"))
    return reasons


def passes(agree: int, should_attend: int) -> bool:
    """R9: agree votes must exceed half of the members who should attend, not of those present."""
    return agree * 2 > should_attend


def chosen(votes: dict[str, int], candidates: list[str], should_attend: int) -> str | None:
    """R17 competitive vote, with R9: the one candidate with the most votes, if that is a majority of 应到."""
    counts = sorted(((votes.get(c, 0), c) for c in candidates), reverse=True)
    if not counts or not passes(counts[0][0], should_attend):
        return None
    if len(counts) > 1 and counts[1][0] == counts[0][0]:  # a tie can only be a majority if 应到 is tiny
        return None
    return counts[0][1]


def ballot_options(kind: str, candidates: list[str] | None) -> list[list[str]]:
    """What a member may vote on an item: each candidate of a competitive vote (R17), else agree/disagree."""
    if candidates:
        return [[c, c] for c in candidates] + [["abstain", "弃权"]]
    return [["agree", "同意"], ["disagree", "不同意"], ["abstain", "弃权"]]
