"""Duty reports (述职述廉, R21): each active standing-committee member reports once a year, one matter each."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.snapshots import person
from engine.errors import Msg
from engine.models import AuditEvent, Instance
from engine.status import AuditAction

PROCESS = "duty_report"
OPENING_STEP = "open_report"  # the step of processes/duty_report.bpmn that names the member and the year
MEMBER_ROLE = "常委"


def _named(details: object) -> tuple[object, object]:
    data = (details or {}).get("data") if isinstance(details, dict) else None
    return (data.get("reported_member"), data.get("report_year")) if isinstance(data, dict) else (None, None)


def earlier_report(session: Session, username: str, year: int, instance_id: int | None) -> int | None:
    """Another duty-report matter that names ``username`` for ``year`` (its latest opening counts), or None."""
    events = session.execute(select(AuditEvent.instance_id, AuditEvent.details)
                             .join(Instance, Instance.id == AuditEvent.instance_id)
                             .where(Instance.process_key == PROCESS, AuditEvent.element_id == OPENING_STEP,
                                    AuditEvent.action == AuditAction.COMPLETE).order_by(AuditEvent.id)).all()
    named = {matter: _named(details) for matter, details in events}  # the latest completion of each matter wins
    return next((matter for matter, (member, when) in named.items()
                 if matter != instance_id and member == username and str(when) == str(year)), None)


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
    earlier = earlier_report(session, username, year, instance_id)
    if earlier is not None:
        return {"report_year": Msg("rule.r21_duty_once", name=member.display_name, year=year, matter=earlier)}
    return {}
