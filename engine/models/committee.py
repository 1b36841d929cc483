"""The committee's own records: agenda items, decisions, numbering series and official days (R1–R13)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.status import TopicState
from engine.models.base import Base, JSONType, StatusColumn, UTCDateTime, utcnow
from engine.models.matters import Instance
from engine.models.people import User


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
    state: Mapped[TopicState] = mapped_column(StatusColumn(TopicState), default=TopicState.PENDING)
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
