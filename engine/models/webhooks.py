"""Webhooks: an administrator's subscriptions, and the outbox of signed deliveries the worker sends."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime, utcnow


class WebhookSubscription(Base):
    """A URL told of some kinds of events, each delivery signed with the subscription's own secret."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list] = mapped_column(JSONType)  # event kinds, e.g. ["task.completed"]
    secret: Mapped[str] = mapped_column(String(128))  # Standard Webhooks "whsec_…": shown once, at creation
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class WebhookDelivery(Base):
    """One event for one subscription: written in the action's transaction, sent after it by the worker."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_pending", "delivered_at", "failed_at", "subscription_id",
                            "instance_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(40), unique=True)  # webhook-id: the receiver's dedup key
    instance_id: Mapped[int | None] = mapped_column(Integer)  # ordering per matter (no key: outlives the matter)
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # gave up after the last retry
    last_error: Mapped[str | None] = mapped_column(Text)
