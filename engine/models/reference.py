"""The reference stamp: one number that every change to people, roles, fields or the calendar raises."""
from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base

# Tables whose rows the engine keeps in process memory (engine.storage.reference_cache); database triggers
# (migrations 0014, 0017) raise the stamp on every insert, update or delete of them, whoever makes it.
REFERENCE_TABLES = ("users", "roles", "user_roles", "fields", "calendar_days", "notification_settings",
                    "webhook_subscriptions")  # the last since migration 0017


class ReferenceStamp(Base):
    """One row; its version changes whenever reference data does, so caches know when to reload."""

    __tablename__ = "reference_stamp"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
