"""Database tables (SQLAlchemy 2 declarative)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, on every backend alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    pass


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True, index=True)


class Role(Base):
    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(255), default="")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str | None] = mapped_column(String(255))
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bumped: sign out everywhere
    roles: Mapped[list[Role]] = relationship(secondary="user_roles", order_by=Role.name)  # read when needed

    @property
    def role_names(self) -> list[str]:
        return [r.name for r in self.roles]


class LoginThrottle(Base):
    """Sign-in failures for a name from one address ("*": from all), known or not, so no answer tells them apart."""

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Field(Base):
    """A field of work (分管领域) and its one member in charge (分管常委)."""

    __tablename__ = "fields"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    member: Mapped[User] = relationship(lazy="joined")


class ProcessVersion(Base):
    """One deployed content of a process; the serialized spec is stored here once."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(255))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    forms: Mapped[dict] = mapped_column(JSONType, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    start_role: Mapped[str | None] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str | None] = mapped_column(String(64))
    layout_svg: Mapped[str | None] = mapped_column(Text, deferred=True)
    layout_nodes: Mapped[dict | None] = mapped_column(JSONType, deferred=True)


class Instance(Base):
    """A matter: one running or finished process instance. ``lock_version`` is the optimistic lock."""

    __tablename__ = "instances"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    state: Mapped[str] = mapped_column(Text, deferred=True)  # the serialized workflow: loaded only to act
    error: Mapped[str | None] = mapped_column(Text)
    chart_state: Mapped[dict] = mapped_column(JSONType, default=dict, deferred=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # For the auditors' filters: the body deciding the matter and its member in charge, once known.
    body: Mapped[str | None] = mapped_column(String(32), index=True)
    member_in_charge_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")
    started_by: Mapped[User] = relationship(lazy="joined", foreign_keys=[started_by_id])
    __mapper_args__ = {"version_id_col": lock_version}


class HumanTask(Base):
    """Mirror of every user task so inboxes are one indexed query without loading workflows."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_assignee", "state", "assignee_id", "created_at"),
        Index("ix_human_tasks_role", "state", "candidate_role", "created_at"),
        Index("ix_human_tasks_done", "completed_by_id", "completed_at"),  # 已办
        Index("ix_human_tasks_instance", "instance_id", "state", "due_at"),  # a matter's ready tasks, overdue or not
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(255))  # e.g. the agenda item a meeting step is about
    lane: Mapped[str | None] = mapped_column(String(128))
    candidate_role: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    form_file: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="ready")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    urged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delegated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 委派: returns to this holder
    draft: Mapped[dict | None] = mapped_column(JSONType)  # what the delegate entered, for the holder to confirm
    kind: Mapped[str] = mapped_column(String(16), default="task", server_default="task")  # or "sign": 加签
    sign_for_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    sign_position: Mapped[str | None] = mapped_column(String(8))  # "before" / "after" the holder
    note: Mapped[str | None] = mapped_column(Text)  # why it came back: a return, a withdrawal, a signer's view
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance: Mapped[Instance] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id], lazy="joined")


class AuditEvent(Base):
    """Append-only record of who did what, when, on which element, with what data change."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    element_id: Mapped[str | None] = mapped_column(String(128))
    element_name: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # position in the chain (engine.audit_chain)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[User | None] = relationship(lazy="joined")


class NumberSeries(Base):
    """An independent annual numbering series, e.g. minutes per body per year (R11)."""

    __tablename__ = "number_series"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class CalendarDay(Base):
    """An official day entered by an admin (State Council schedule): holiday or make-up workday (R4)."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(128), default="")


class Notification(Base):
    """An in-app message to one user: a meeting notice (R4), an urge, a late flag, a relayed decision (R6)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user", "user_id", "read_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[dict | None] = mapped_column(JSONType)  # {"title"|"body": {"code", "params"}}: translatable


class Timer(Base):
    """A BPMN timer event waiting in a matter; the worker fires each exactly once when due."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting, fired, cancelled
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Topic(Base):
    """An agenda item (议题) submitted by a matter to a body's meeting (R1, R2, R12, R13)."""

    __tablename__ = "topics"
    __table_args__ = (Index("ix_topics_body_state", "body", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(128))  # the matter's message event awaiting the decision
    body: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default="ordinary")  # ordinary, personnel, change, motion, report
    member_in_charge_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consented: Mapped[bool] = mapped_column(Boolean, default=False)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)  # R12: backed by half or more
    changes_decision_id: Mapped[int | None] = mapped_column(Integer)  # R13: the decision to change (no FK: cycle)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, scheduled, decided
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id"))
    emergency_reason: Mapped[str | None] = mapped_column(Text)
    deferred_reason: Mapped[str | None] = mapped_column(Text)
    choices: Mapped[list | None] = mapped_column(JSONType)  # R17: the candidates of a competitive vote
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    instance: Mapped[Instance] = relationship(foreign_keys=[instance_id], lazy="joined")
    member_in_charge: Mapped[User | None] = relationship(lazy="joined")


class Decision(Base):
    """What a body decided on a topic; never edited, only superseded by a later decision (R13)."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), unique=True)
    body: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # passed, rejected
    agree: Mapped[int] = mapped_column(Integer)
    disagree: Mapped[int] = mapped_column(Integer)
    abstain: Mapped[int] = mapped_column(Integer)
    should_attend: Mapped[int] = mapped_column(Integer)
    present: Mapped[int] = mapped_column(Integer)
    vote_outcome: Mapped[str] = mapped_column(String(16))  # what the ballot alone gave (R9)
    secretary_view: Mapped[str | None] = mapped_column(String(16))
    ruling: Mapped[str | None] = mapped_column(Text)  # the superior organization's ruling (R10)
    choice_tally: Mapped[dict | None] = mapped_column(JSONType)  # R17: votes per candidate
    chosen: Mapped[str | None] = mapped_column(String(64))  # R17: the candidate the vote chose
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    topic: Mapped[Topic] = relationship(foreign_keys=[topic_id], lazy="joined")
