"""Accountability (R21): which matters and which official an accountability case is about."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UTCDateTime, utcnow
from engine.models.matters import Instance
from engine.models.people import User


class CaseLink(Base):
    """An accountability case's subject: a matter it examines, an official, or both."""

    __tablename__ = "case_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    case: Mapped[Instance] = relationship(foreign_keys=[case_id], lazy="joined")
    official: Mapped[User | None] = relationship(lazy="joined")
