"""What others are shown: publications (R16) and objections to them, letters to the mailbox (R19, R20), copies (抄送)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UTCDateTime, utcnow
from engine.models.people import User
from engine.models.matters import Instance
from engine.models.committee import Decision


class Publication(Base):
    """A decision, appointment or project made public, with its period for objections (R16)."""

    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    title: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(64))
    period_days: Mapped[int] = mapped_column(Integer)
    objection_contact: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    objections_until: Mapped[datetime] = mapped_column(UTCDateTime)
    instance: Mapped[Instance] = relationship(lazy="joined")
    decision: Mapped[Decision | None] = relationship(lazy="joined")


class Objection(Base):
    """An objection sent from the public page of a publication during its period (R16), for the office to verify.

    The writer may stay anonymous; a name and contact, when given, are read only by those who may read the matter."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    writer: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Letter(Base):
    """A letter written on the public mailbox form: its tracking number, and the writer's rating (R20)."""

    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(32), unique=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance: Mapped[Instance] = relationship(lazy="joined")


class Copy(Base):
    """A matter copied (抄送) to a reader: notified, and allowed to read it."""

    __tablename__ = "copies"
    __table_args__ = (UniqueConstraint("instance_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    copied_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    instance: Mapped[Instance] = relationship(lazy="joined")
    copied_by: Mapped[User] = relationship(foreign_keys=[copied_by_id], lazy="joined")
