"""Numbers for the auditors' charts: throughput per month, cycle times, deadlines kept, mailbox letters."""
from __future__ import annotations

from datetime import datetime
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.process.deployment import process_names
from engine.messages import MESSAGES
from engine.models import AuditEvent, HumanTask, Instance
from engine.status import AuditAction, MatterStatus, TaskState
from engine.committee.workdays import LOCAL_TZ

UNCLASSIFIED = MESSAGES["stats.unclassified"]  # letters not yet given a category


def _month(value: datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m")


def months_back(now: datetime, count: int = 12) -> list[str]:
    """The last ``count`` months up to ``now``, oldest first, as YYYY-MM."""
    local = now.astimezone(LOCAL_TZ)
    year, month, result = local.year, local.month, []
    for _ in range(count):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def opened_and_closed(session: Session, now: datetime, count: int = 12) -> tuple[list[str], list[int], list[int]]:
    """Matters opened and matters finished in each of the last months."""
    months = months_back(now, count)
    opened, closed = dict.fromkeys(months, 0), dict.fromkeys(months, 0)
    for started, completed in session.execute(select(Instance.started_at, Instance.completed_at)):
        if _month(started) in opened:
            opened[_month(started)] += 1
        if completed is not None and _month(completed) in closed:
            closed[_month(completed)] += 1
    return months, list(opened.values()), list(closed.values())


def median_cycle_days(session: Session) -> list[tuple[str, float, int]]:
    """(process name, median days from start to finish, finished matters) per process."""
    spans: dict[str, list[float]] = {}
    for key, started, completed in session.execute(select(Instance.process_key, Instance.started_at,
                                                          Instance.completed_at).where(Instance.status == MatterStatus.COMPLETED)):
        spans.setdefault(key, []).append((completed - started).total_seconds() / 86400)
    names = process_names(session)
    return sorted((names.get(k, k), round(median(v), 1), len(v)) for k, v in spans.items())


def within_deadline(session: Session) -> list[tuple[str, float, int]]:
    """(process name, share of finished steps done by their due time, steps counted) per process."""
    kept: dict[str, list[bool]] = {}
    for key, due, done in session.execute(
            select(Instance.process_key, HumanTask.due_at, HumanTask.completed_at)
            .join(Instance, Instance.id == HumanTask.instance_id)
            .where(HumanTask.state == TaskState.COMPLETED, HumanTask.due_at.is_not(None))):
        kept.setdefault(key, []).append(done <= due)
    names = process_names(session)
    return sorted((names.get(k, k), round(sum(v) / len(v), 3), len(v)) for k, v in kept.items())


def letters_by_category(session: Session) -> dict[str, dict[str, int]]:
    """Mailbox letters (public_feedback) per category, split by status; unclassified letters as 未分类."""
    categories: dict[int, str] = {}
    for instance_id, details in session.execute(
            select(AuditEvent.instance_id, AuditEvent.details).join(Instance, Instance.id == AuditEvent.instance_id)
            .where(Instance.process_key == "public_feedback", AuditEvent.action == AuditAction.COMPLETE,
                   AuditEvent.element_id == "classify").order_by(AuditEvent.id)):
        categories[instance_id] = (details.get("data") or {}).get("category") or UNCLASSIFIED
    result: dict[str, dict[str, int]] = {}
    for instance_id, status in session.execute(select(Instance.id, Instance.status)
                                               .where(Instance.process_key == "public_feedback")):
        counts = result.setdefault(categories.get(instance_id, UNCLASSIFIED), {s.value: 0 for s in MatterStatus})
        counts[status] = counts.get(status, 0) + 1
    return result
