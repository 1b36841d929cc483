"""What the accountability ledger (R21) reads of answerability, as recorded: inquiries and interpellations put to an
official (the written answer, due in 10 working days, given or awaited, and the asker's rating of it) and the
accountability cases that name an official, with their outcome once decided.

An answer counts against whoever gave it, else the member asked, and for the body of its lane (常委 → 常委会), as a
late step does. A case counts against the official it names, for the body that official sits in: a deciding body
first (常委会 before 全委会), else the body their first role stands for.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from engine.audit.answers import step_answers
from engine.committee.accountability import CASE_PROCESS, case_outcomes
from engine.committee.meetings import BODIES
from engine.models import CaseLink, HumanTask, Instance, ProcessVersion, Role, User, UserRole
from engine.oversight.ledger_records import HOLDER, Place, Scope, body_of_role, place_of, task_columns
from engine.status import TaskState

# processes/inquiry.bpmn: the asker writes, the member asked answers, the asker rates the answer.
INQUIRY_PROCESS, ASKING_STEP, ANSWER_STEP, RATING_STEP = "inquiry", "write_inquiry", "answer", "rate"
UNSATISFIED, NO_FAULT = "不满意", "不予问责"
_ASKER, _CASE, _ABOUT = (aliased(User, name="asker"), aliased(Instance, name="case_matter"),
                         aliased(Instance, name="about"))


@dataclass(frozen=True)
class InquiryAnswer(Place):
    """The written answer (``step``) to a 询问 or 质询 put to an official, and the asker's rating of it."""

    kind: str | None  # 询问, 质询
    asked_by: str
    due_at: datetime
    answered_at: datetime | None  # None: not answered yet
    late_by: timedelta | None  # past the due time, to the answer or to the moment the ledger was read; None: not late
    rating: str | None  # 满意, 基本满意, 不满意; None until rated

    @property
    def late(self) -> bool:
        return self.late_by is not None

    @property
    def unanswered(self) -> bool:
        return self.answered_at is None

    @property
    def unsatisfied(self) -> bool:
        return self.rating == UNSATISFIED


@dataclass(frozen=True)
class CaseAgainst(Place):
    """An accountability case naming an official: ``matter_id`` and ``matter`` are the case, ``about`` the matter it
    examines (if any)."""

    about_id: int | None
    about: str | None
    opened_at: datetime
    outcome: str | None  # 不予问责, 诫勉, 通报批评, 移送处理; None while undecided

    @property
    def decided(self) -> bool:
        return self.outcome is not None

    @property
    def sanctioned(self) -> bool:
        return self.decided and self.outcome != NO_FAULT


def seat(roles: Iterable[str]) -> str | None:
    """The body an official sits in: a deciding body first (in ``BODIES`` order), else the first other role's."""
    bodies = {body_of_role(role) for role in roles}
    return next((body for body in BODIES if body in bodies), min(bodies, default=None))


def inquiries(session: Session, scope: Scope, now: datetime) -> list[InquiryAnswer]:
    """Inquiries and interpellations put to an official, an answer each (given, or awaited at ``now``), counted by
    due time against whoever answered, else the member asked."""
    holder_id = func.coalesce(HumanTask.completed_by_id, HumanTask.assignee_id)
    rows = session.execute(
        select(*task_columns(), HOLDER.username, HOLDER.display_name, _ASKER.display_name.label("asker"))
        .join(Instance, Instance.id == HumanTask.instance_id).outerjoin(HOLDER, HOLDER.id == holder_id)
        .outerjoin(_ASKER, _ASKER.id == Instance.started_by_id)
        .where(Instance.process_key == INQUIRY_PROCESS, HumanTask.element_id == ANSWER_STEP,
               HumanTask.state.in_((TaskState.READY, TaskState.COMPLETED)), HumanTask.due_at.is_not(None),
               *scope.where(HumanTask.due_at, holder_id, HumanTask.candidate_role))
        .order_by(HumanTask.due_at, HumanTask.id)).all()
    answers = step_answers(session, (ASKING_STEP, RATING_STEP), {r.instance_id for r in rows})
    found = []
    for r in rows:
        asked = answers.get((r.instance_id, ASKING_STEP), (None, {}))[1]
        rated_at, rated = answers.get((r.instance_id, RATING_STEP), (None, {}))
        # A rating made before the present answer was given rates an answer since sent back, not this one.
        rating = rated.get("answer_rating") if r.completed_at and rated_at and rated_at >= r.completed_at else None
        late = (r.completed_at or now) - r.due_at
        found.append(InquiryAnswer(**place_of(r), kind=asked.get("inquiry_kind"), asked_by=r.asker or "",
                                   due_at=r.due_at, answered_at=r.completed_at,
                                   late_by=late if late > timedelta() else None, rating=rating))
    return found


def _seats(session: Session, user_ids: set[int]) -> dict[int, str | None]:
    roles: dict[int, list[str]] = {user_id: [] for user_id in user_ids}
    for user_id, name in session.execute(select(UserRole.user_id, Role.name).join(Role, Role.id == UserRole.role_id)
                                         .where(UserRole.user_id.in_(user_ids))):
        roles[user_id].append(name)
    return {user_id: seat(names) for user_id, names in roles.items()}


def cases(session: Session, scope: Scope) -> list[CaseAgainst]:
    """Accountability cases naming an official, by the time the case recorded its subject, with the outcome once
    decided."""
    rows = session.execute(
        select(CaseLink.case_id.label("instance_id"), _CASE.title, ProcessVersion.name.label("step"),
               CaseLink.official_id, CaseLink.created_at, _ABOUT.id.label("about_id"), _ABOUT.title.label("about"),
               HOLDER.username, HOLDER.display_name)
        .join(_CASE, _CASE.id == CaseLink.case_id).join(ProcessVersion, ProcessVersion.id == _CASE.process_version_id)
        .join(HOLDER, HOLDER.id == CaseLink.official_id).outerjoin(_ABOUT, _ABOUT.id == CaseLink.matter_id)
        .where(_CASE.process_key == CASE_PROCESS,
               *replace(scope, body=None).where(CaseLink.created_at, CaseLink.official_id))
        .order_by(CaseLink.created_at, CaseLink.id)).all()
    seats = _seats(session, {r.official_id for r in rows})
    outcomes = case_outcomes(session, sorted({r.instance_id for r in rows}))
    found = [CaseAgainst(matter_id=r.instance_id, matter=r.title, step=r.step, official=r.username,
                         official_name=r.display_name, body=seats[r.official_id], about_id=r.about_id, about=r.about,
                         opened_at=r.created_at, outcome=outcomes.get(r.instance_id)) for r in rows]
    # The body an official sits in is read from their roles, not from the row: narrowed here.
    return [c for c in found if scope.body is None or c.body == scope.body]
