"""What a step's completion recorded, read back from the audit trail: the latest answer wins (a step done again after
a return replaces the earlier answer)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, Instance
from engine.status import AuditAction


def step_answers(session: Session, steps: Iterable[str], matters: Iterable[int] | None = None,
                 process_key: str | None = None) -> dict[tuple[int, str], tuple[datetime, dict]]:
    """Each matter's latest answer to each of ``steps``, by (matter, step): when it was given and the data it recorded
    ({} when it recorded none). Read for ``matters``, or for every matter of ``process_key``."""
    query = select(AuditEvent.instance_id, AuditEvent.element_id, AuditEvent.at, AuditEvent.details).where(
        AuditEvent.element_id.in_(list(steps)), AuditEvent.action == AuditAction.COMPLETE)
    if matters is not None:
        matters = list(matters)
        if not matters:
            return {}
        query = query.where(AuditEvent.instance_id.in_(matters))
    if process_key is not None:
        query = query.join(Instance, Instance.id == AuditEvent.instance_id).where(Instance.process_key == process_key)
    found = {}
    for matter, step, at, details in session.execute(query.order_by(AuditEvent.id)):
        data = (details or {}).get("data") if isinstance(details, dict) else None
        found[(matter, step)] = (at, data if isinstance(data, dict) else {})
    return found
