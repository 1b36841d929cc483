"""Accountability cases (R21): what each case is about, and the cases a matter page shows to those allowed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.answers import step_answers
from engine.directory.access import can_view
from engine.directory.people import Directory
from engine.errors import Msg, WorkflowFailed
from engine.models import CaseLink, Instance, User

CASE_PROCESS = "accountability_case"
DECIDING_STEP = "decide"  # the case process's step that records the outcome (processes/accountability_case.bpmn)


def _matter_number(value) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip().lstrip("#")
    return int(text) if text.isdecimal() else -1


def subject_problems(session: Session, data: dict) -> dict[str, Msg]:
    """R21: a case names an existing matter, an active official, or both; per-field problems."""
    problems: dict[str, Msg] = {}
    number, official = _matter_number(data.get("related_matter")), data.get("official") or None
    if number is None and official is None:
        problems["related_matter"] = Msg("case.no_subject")
    if number is not None and (number < 1 or session.get(Instance, number) is None):
        problems["related_matter"] = Msg("case.no_such_matter", number=data.get("related_matter"))
    if official is not None:
        person = Directory(session).find(official) if isinstance(official, str) else None
        if person is None or not person.active:
            problems["official"] = Msg("user.no_such_named", name=official)
    return problems


def link(session: Session, case: Instance, matter: object, official: str | None, now: datetime) -> int:
    """Record what ``case`` is about; its subject was checked when the step was completed. Only an accountability
    case links: any other diagram calling this would write beside a matter that is not its own."""
    if case.process_key != CASE_PROCESS:
        raise WorkflowFailed(Msg("case.link_outside", process=CASE_PROCESS))
    number = _matter_number(matter)
    person = Directory(session).find(official) if official else None
    row = CaseLink(case_id=case.id, matter_id=number if number and number > 0 else None,
                   official_id=person.id if person else None, created_at=now)
    session.add(row)
    session.flush()
    return row.id


def case_outcomes(session: Session, case_ids: list[int]) -> dict[int, str | None]:
    """Each decided case's outcome (不予问责, 诫勉, …) by its id, the latest decision counting; undecided ones absent."""
    decided = step_answers(session, [DECIDING_STEP], case_ids)
    return {case: data.get("case_outcome") for (case, _step), (_at, data) in decided.items()}


def cases_about(session: Session, user: User, instance: Instance) -> list[dict]:
    """The accountability cases on this matter that ``user`` may read (the discipline commission, auditors,
    the case's participants), each with its outcome once decided."""
    links = session.scalars(select(CaseLink).where(CaseLink.matter_id == instance.id).order_by(CaseLink.id)).all()
    readable = [link for link in links if can_view(session, user, link.case)]
    outcomes = case_outcomes(session, [link.case_id for link in readable])
    return [{"id": l.case.id, "title": l.case.title, "status": l.case.status, "started_at": l.case.started_at,
             "official": l.official.display_name if l.official else None, "outcome": outcomes.get(l.case_id)}
            for l in readable]
