"""What every table shares: the declarative base, UTC times and the JSON column type."""
from __future__ import annotations

from datetime import timezone
from enum import StrEnum

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from engine.clock import utcnow as utcnow  # re-exported: the tables' default times

JSONType = JSON().with_variant(JSONB(), "postgresql")


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
    """The metadata every table of powerflow is registered on."""


class StatusColumn(TypeDecorator):
    """A string column that holds the members of one StrEnum: anything else is refused at the write."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int = 16):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum(value).value

    def process_result_value(self, value, dialect):
        # A value written past the application (a tampered audit row) is read as it is, so the chain's
        # verification and the auditors' pages can still show it rather than fail on it.
        if value is None or value not in self.enum._value2member_map_:
            return value
        return self.enum(value)
