"""The current time, in UTC: one function every layer may use (it imports nothing of powerflow)."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)
