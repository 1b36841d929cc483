"""Matters in motion: the instance with its optimistic lock, the task mirror and timers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.status import MatterStatus, TaskKind, TaskState, TimerState
from engine.models.base import Base, JSONType, StatusColumn, UTCDateTime, utcnow
from engine.models.people import User
from engine.models.process import ProcessVersion


class Instance(Base):
    """A matter: one running or finished process instance. ``lock_version`` is the optimistic lock."""

    __tablename__ = "instances"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(255))
    status: Mapped[MatterStatus] = mapped_column(StatusColumn(MatterStatus), default=MatterStatus.RUNNING, index=True)
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
    state: Mapped[TaskState] = mapped_column(StatusColumn(TaskState), default=TaskState.READY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    urged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delegated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 委派: returns to this holder
    draft: Mapped[dict | None] = mapped_column(JSONType)  # what the delegate entered, for the holder to confirm
    kind: Mapped[TaskKind] = mapped_column(StatusColumn(TaskKind), default=TaskKind.TASK, server_default="task")
    sign_for_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    sign_position: Mapped[str | None] = mapped_column(String(8))  # "before" / "after" the holder
    note: Mapped[str | None] = mapped_column(Text)  # why it came back: a return, a withdrawal, a signer's view
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance: Mapped[Instance] = relationship(lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id], lazy="joined")


class Timer(Base):
    """A BPMN timer event waiting in a matter; the worker fires each exactly once when due."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[TimerState] = mapped_column(StatusColumn(TimerState), default=TimerState.WAITING)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Never read: it makes the unit of work write a matter's row before its timers' (the lock first).
    instance: Mapped[Instance] = relationship()
