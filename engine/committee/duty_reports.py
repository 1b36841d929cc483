"""Duty reports (述职述廉, R21): each active standing-committee member reports once a year, one matter each."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.answers import step_answers
from engine.directory.snapshots import person
from engine.errors import Msg
from engine.models import User

PROCESS = "duty_report"
OPENING_STEP = "open_report"  # the step of processes/duty_report.bpmn that names the member and the year
MEMBER_ROLE = "常委"


def earlier_report(session: Session, username: str, year: int, instance_id: int | None) -> int | None:
    """Another duty-report matter that names ``username`` for ``year`` (its latest opening counts), or None."""
    opened = step_answers(session, [OPENING_STEP], process_key=PROCESS)
    return next((matter for (matter, _step), (_at, data) in opened.items() if matter != instance_id
                 and data.get("reported_member") == username and str(data.get("report_year")) == str(year)), None)


def problems(session: Session, data: dict, instance_id: int | None) -> dict[str, Msg]:
    """R21: the member named is an active 常委, and has no other duty report for the same year."""
    username, year = data.get("reported_member"), data.get("report_year")
    if not isinstance(username, str) or not username:
        return {}
    member = person(session, username)
    if member is None or not member.active or MEMBER_ROLE not in member.roles:
        return {"reported_member": Msg("rule.r21_duty_member", name=member.display_name if member else username)}
    if year is None:
        return {}
    # Two openings for one member at once would each find no other report: the second waits here for the
    # first's commit (PostgreSQL), and then its reading sees it. FOR NO KEY UPDATE, so that rows merely
    # referring to the member (a task, a notification) do not wait. SQLite has one writer: a second opening
    # that read before the first committed cannot write.
    session.execute(select(User.id).where(User.username == username).with_for_update(key_share=True))
    earlier = earlier_report(session, username, year, instance_id)
    if earlier is not None:
        return {"report_year": Msg("rule.r21_duty_once", name=member.display_name, year=year, matter=earlier)}
    return {}
