"""Tables of what the public sees: publications (R16) and letters to the mailbox (R19, R20)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, Decision, Instance, UTCDateTime, utcnow


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
