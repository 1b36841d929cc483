"""What the accountability ledger (R21) is read from, as recorded: decisions with their member in charge, steps
done after their due time, R14 and R18 reports late or not made, urgings, and the ratings of letters handled
(inquiries answered and accountability cases are read in ``ledger_accountability``).

Every record names the official it counts against (a username, or None for a step still in a role's queue) and
the body whose lane held it: a role stands for the body it sits in (a member of the standing committee, the
secretary and deputies for 常委会, a plenary member for 全委会), any other role (办公室, 纪委, 职能部门 …) for itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.committee.meetings import BODIES
from engine.committee.topics import KIND_LABELS
from engine.models import AuditEvent, Decision, HumanTask, Instance, Letter, Topic, User
from engine.oversight.indicators import within
from engine.status import AuditAction, TaskState

# R14: the emergency report within 2 working days; R18: the member in charge's progress report.
REPORT_STEPS = {("emergency_report", "report"): "R14", ("execution_supervision", "report_progress"): "R18"}
LETTER_PROCESS, LETTER_STEPS = "public_feedback", ("handle", "handle_report")  # 办理, 纪委核查举报
BODY_OF_ROLE = {**{b.member_role: b.name for b in BODIES.values()}, "书记": "常委会", "副书记": "常委会"}


def body_of_role(role: str | None) -> str | None:
    """The body a role's steps count for: the deciding body its holders sit in, else the role itself."""
    return BODY_OF_ROLE.get(role, role) if role else None


def roles_of_body(body: str) -> list[str]:
    """Every role whose steps count for ``body`` (the inverse of ``body_of_role``)."""
    return sorted({body} | {role for role, name in BODY_OF_ROLE.items() if name == body})


@dataclass(frozen=True)
class Place:
    """Where a record sits: its matter and step, the official it counts against and the body."""

    matter_id: int
    matter: str
    step: str
    official: str | None  # username
    official_name: str | None
    body: str | None


@dataclass(frozen=True)
class DecisionTaken(Place):
    """A body's decision on a topic (``step`` is the topic's kind), counted for its member in charge."""

    outcome: str  # passed, rejected
    decided_at: datetime
    superseded: bool


@dataclass(frozen=True)
class LateStep(Place):
    """A step completed after its due time."""

    due_at: datetime
    done_at: datetime

    @property
    def late_by(self) -> timedelta:
        return self.done_at - self.due_at


@dataclass(frozen=True)
class Report(Place):
    """An R14 or R18 report made after its due time, or not made when its due time has passed."""

    rule: str
    due_at: datetime
    reported_at: datetime | None  # None: still not made
    late_by: timedelta  # to the report, or to the moment the ledger was read

    @property
    def missing(self) -> bool:
        return self.reported_at is None


@dataclass(frozen=True)
class Urging(Place):
    """A 催办 of a step, counted for whoever held the step."""

    urged_at: datetime
    urged_by: str


@dataclass(frozen=True)
class HandledLetter(Place):
    """A public letter an official handled (办理 or 纪委核查), with the writer's rating once given."""

    done_at: datetime
    rating: int | None
    rated_at: datetime | None


@dataclass(frozen=True)
class Scope:
    """What a read covers: a Beijing year (``bounds``) or all time, one official (a user id) or all, one body or all."""

    bounds: tuple[datetime, datetime] | None = None
    user_id: int | None = None
    body: str | None = None

    def where(self, at, holder, role=None, body=None) -> list:
        """Conditions on a record's time (None: none), official, and role (or the body column, for decisions)."""
        found = [within(at, self.bounds)] if self.bounds and at is not None else []
        if self.user_id is not None:
            found.append(holder == self.user_id)
        if self.body is not None:
            found.append(body == self.body if body is not None else role.in_(roles_of_body(self.body)))
        return found


HOLDER, _URGER = aliased(User, name="holder"), aliased(User, name="urger")


def place_of(r) -> dict:
    """A row's matter, step, official and body, as the fields of a ``Place``."""
    return {"matter_id": r.instance_id, "matter": r.title, "step": r.step, "official": r.username,
            "official_name": r.display_name, "body": body_of_role(r.role)}


def decisions(session: Session, scope: Scope) -> list[DecisionTaken]:
    """Decisions taken, each with its topic's member in charge."""
    rows = session.execute(
        select(Topic.instance_id, Topic.title, Topic.kind.label("step"), Decision.body.label("role"),
               Decision.outcome, Decision.decided_at, Decision.superseded_by_id, HOLDER.username, HOLDER.display_name)
        .select_from(Decision).join(Topic, Topic.id == Decision.topic_id)
        .outerjoin(HOLDER, HOLDER.id == Topic.member_in_charge_id)
        .where(and_(True, *scope.where(Decision.decided_at, Topic.member_in_charge_id, body=Decision.body)))
        .order_by(Decision.decided_at, Decision.id))
    return [DecisionTaken(**{**place_of(r), "step": KIND_LABELS.get(r.step, r.step)}, outcome=r.outcome,
                          decided_at=r.decided_at, superseded=r.superseded_by_id is not None) for r in rows]


def task_columns():
    """The columns of a step every record of a step reads (with ``Instance`` joined)."""
    return (HumanTask.instance_id, Instance.title, HumanTask.name.label("step"), HumanTask.candidate_role.label("role"),
            HumanTask.due_at, HumanTask.completed_at)


def late_steps(session: Session, scope: Scope) -> list[LateStep]:
    """Steps completed after their due time, counted for whoever completed them."""
    rows = session.execute(
        select(*task_columns(), HOLDER.username, HOLDER.display_name)
        .join(Instance, Instance.id == HumanTask.instance_id)
        .outerjoin(HOLDER, HOLDER.id == HumanTask.completed_by_id)
        .where(HumanTask.state == TaskState.COMPLETED, HumanTask.due_at.is_not(None),
               HumanTask.completed_at > HumanTask.due_at,
               *scope.where(HumanTask.completed_at, HumanTask.completed_by_id, HumanTask.candidate_role))
        .order_by(HumanTask.completed_at, HumanTask.id))
    return [LateStep(**place_of(r), due_at=r.due_at, done_at=r.completed_at) for r in rows]


def reports(session: Session, scope: Scope, now: datetime) -> list[Report]:
    """R14 and R18 reports made late, or still not made past their due time at ``now`` (counted by due time)."""
    holder_id = func.coalesce(HumanTask.completed_by_id, HumanTask.assignee_id)
    is_report = or_(*((Instance.process_key == key) & (HumanTask.element_id == step) for key, step in REPORT_STEPS))
    late = ((HumanTask.state == TaskState.COMPLETED) & (HumanTask.completed_at > HumanTask.due_at)) \
        | ((HumanTask.state == TaskState.READY) & (HumanTask.due_at < now))
    rows = session.execute(
        select(*task_columns(), Instance.process_key, HumanTask.element_id, HOLDER.username, HOLDER.display_name)
        .join(Instance, Instance.id == HumanTask.instance_id).outerjoin(HOLDER, HOLDER.id == holder_id)
        .where(is_report, HumanTask.due_at.is_not(None), late,
               *scope.where(HumanTask.due_at, holder_id, HumanTask.candidate_role))
        .order_by(HumanTask.due_at, HumanTask.id))
    return [Report(**place_of(r), rule=REPORT_STEPS[(r.process_key, r.element_id)], due_at=r.due_at,
                   reported_at=r.completed_at, late_by=(r.completed_at or now) - r.due_at) for r in rows]


def urgings(session: Session, scope: Scope) -> list[Urging]:
    """Urgings, each counted for the step's holder: its assignee, else whoever completed it."""
    events = session.execute(
        select(AuditEvent.at, AuditEvent.details, _URGER.display_name.label("urger"))
        .outerjoin(_URGER, _URGER.id == AuditEvent.actor_id)
        .where(AuditEvent.action == AuditAction.URGE, *([within(AuditEvent.at, scope.bounds)] if scope.bounds else []))
        .order_by(AuditEvent.at, AuditEvent.id)).all()
    urged = [(e, e.details.get("task_id")) for e in events if isinstance(e.details, dict)]
    ids = {task_id for _, task_id in urged} - {None}
    if not ids:
        return []
    holder_id = func.coalesce(HumanTask.assignee_id, HumanTask.completed_by_id)
    tasks = {r.id: r for r in session.execute(
        select(HumanTask.id, *task_columns(), HOLDER.username, HOLDER.display_name)
        .join(Instance, Instance.id == HumanTask.instance_id).outerjoin(HOLDER, HOLDER.id == holder_id)
        .where(HumanTask.id.in_(ids), *scope.where(None, holder_id, HumanTask.candidate_role)))}
    return [Urging(**place_of(tasks[task_id]), urged_at=e.at, urged_by=e.urger or "")
            for e, task_id in urged if task_id in tasks]


def letters(session: Session, scope: Scope) -> list[HandledLetter]:
    """Public letters handled, once per letter and official (the latest handling), with the writer's rating."""
    rows = session.execute(
        select(*task_columns(), Letter.rating, Letter.rated_at, HOLDER.username, HOLDER.display_name)
        .join(Instance, Instance.id == HumanTask.instance_id).outerjoin(Letter, Letter.instance_id == Instance.id)
        .outerjoin(HOLDER, HOLDER.id == HumanTask.completed_by_id)
        .where(Instance.process_key == LETTER_PROCESS, HumanTask.element_id.in_(LETTER_STEPS),
               HumanTask.state == TaskState.COMPLETED,
               *scope.where(HumanTask.completed_at, HumanTask.completed_by_id, HumanTask.candidate_role))
        .order_by(HumanTask.completed_at, HumanTask.id))
    latest = {(r.instance_id, r.username): r for r in rows}  # a letter sent back and handled again counts once
    return [HandledLetter(**place_of(r), done_at=r.completed_at, rating=r.rating, rated_at=r.rated_at)
            for r in latest.values()]
