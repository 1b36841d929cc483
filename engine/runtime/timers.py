"""BPMN timer events: mirrored into the `timers` table and fired exactly once by any worker.

SpiffWorkflow only checks timers when asked (`refresh_waiting_tasks`); the table makes due
timers one indexed query, and a row lock (SKIP LOCKED on PostgreSQL) plus a state check
makes each firing happen once, however many workers run.
"""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.models import Instance, Timer
from engine.status import TimerState


def _due(task) -> datetime | None:
    value = task._get_internal_data("event_value")
    if not isinstance(value, str):  # cycle timers keep a dict; they are not used here
        return None
    return TimerEventDefinition.get_datetime(value)


def _has_timer_events(workflow) -> bool:
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    return any(isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)
               for spec in specs for task_spec in spec.task_specs.values())


def sync_timers(session: Session, instance: Instance, workflow, now: datetime) -> None:
    """Record newly waiting timers; rows whose timer no longer waits become fired or cancelled."""
    if not _has_timer_events(workflow):  # a process without timers has no rows to read (a worker cancels strays)
        return
    waiting = {str(t.id): t for t in workflow.get_tasks(state=TaskState.WAITING)
               if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)}
    rows = {r.task_guid: r for r in session.scalars(
        select(Timer).where(Timer.instance_id == instance.id, Timer.state == TimerState.WAITING))}
    for guid, row in rows.items():
        if guid not in waiting:
            task = workflow.get_task_from_id(UUID(guid))
            fired = task is not None and task.state in (TaskState.READY, TaskState.COMPLETED)
            row.state, row.fired_at = (TimerState.FIRED, now) if fired else (TimerState.CANCELLED, None)
    for guid, task in waiting.items():
        due = _due(task)
        if guid not in rows and due is not None:
            session.add(Timer(instance_id=instance.id, task_guid=guid, element_id=task.task_spec.bpmn_id,
                              due_at=due))


def due_timer_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Ids of timers due now, oldest first (a snapshot; each is claimed again before firing)."""
    return list(session.scalars(select(Timer.id).where(Timer.state == TimerState.WAITING, Timer.due_at <= now)
                                .order_by(Timer.due_at, Timer.id).limit(limit)))


def claim(session: Session, timer_id: int) -> Timer | None:
    """Lock one waiting timer for this transaction, or None when another worker has it or fired it."""
    return session.scalar(select(Timer).where(Timer.id == timer_id, Timer.state == TimerState.WAITING)
                          .with_for_update(skip_locked=True))
