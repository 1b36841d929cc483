"""The current time, in UTC: one function every layer may use (it imports nothing of powerflow)."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


def iso(value: datetime | None) -> str | None:
    """A time as the engine's answers write it: ISO 8601 with its offset, None when there is none."""
    return value.isoformat() if value is not None else None
