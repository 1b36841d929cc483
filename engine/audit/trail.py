"""Append-only audit events: who did what, when, on which element, and what data changed (hash-chained)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.audit.chain import track
from engine.models import AuditEvent


def changes(before: dict, after: dict) -> dict:
    """The keys whose values ``after`` added or changed, and the keys it removed."""
    updated = {k: v for k, v in after.items() if k not in before or before[k] != v}
    removed = sorted(k for k in before if k not in after)
    return {"set": updated, "removed": removed} if removed else {"set": updated}


def record(session: Session, action: str, at: datetime, instance_id: int | None = None,
           actor_id: int | None = None, element_id: str | None = None, element_name: str | None = None,
           details: dict | None = None) -> AuditEvent:
    """Append one event to the audit trail; it is written, chained, when the transaction commits."""
    event = AuditEvent(instance_id=instance_id, at=at, actor_id=actor_id, action=action,
                       element_id=element_id, element_name=element_name, details=details or {})
    track(session, event)
    return event
