"""The audit trail's events and the head of their hash chain (engine.audit.chain seals them)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.status import AuditAction
from engine.models.base import Base, JSONType, StatusColumn, UTCDateTime, utcnow
from engine.models.people import User


GENESIS = "0" * 64  # the hash before the first event


class AuditEvent(Base):
    """Append-only record of who did what, when, on which element, with what data change."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_seq", "seq", unique=True),  # the chain's positions, as migrated
        # The ledger reads urgings (催办) by time; partial, so the actions that write every other event pay nothing.
        Index("ix_audit_events_urgings", "at", postgresql_where=text("action = 'urge'"),
              sqlite_where=text("action = 'urge'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[AuditAction] = mapped_column(StatusColumn(AuditAction, 32))
    element_id: Mapped[str | None] = mapped_column(String(128))
    element_name: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
    seq: Mapped[int | None] = mapped_column(BigInteger)  # position in the chain (engine.audit.chain)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # The HTTP request that caused the event (X-Request-ID, also in the logs); chained when present.
    request_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[User | None] = relationship(lazy="joined")


class AuditHead(Base):
    """The chain's last position and hash (one row)."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
