"""Gauges of the database's state for Prometheus, read at each scrape: the same on every node and worker."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import func, select

from engine.models import HumanTask, OutgoingMail, Timer, WebhookDelivery, WorkerHeartbeat
from engine.status import TaskState, TimerState
from engine.storage.database import Database

# A worker polls every few seconds: a timer still waiting this long after it fell due is late.
LATE_AFTER = timedelta(seconds=60)


def readings(db: Database, now: datetime) -> dict[str, float]:
    """Each gauge's value now, by metric name."""
    waiting = (Timer.state == TimerState.WAITING)
    with db.reader() as session:
        seen = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
        return {
            "powerflow_timers_due": session.scalar(select(func.count()).where(waiting, Timer.due_at <= now)),
            "powerflow_timers_late": session.scalar(select(func.count()).where(waiting,
                                                                             Timer.due_at <= now - LATE_AFTER)),
            "powerflow_outbox_backlog": session.scalar(select(func.count()).where(OutgoingMail.sent_at.is_(None))),
            "powerflow_webhooks_waiting": session.scalar(select(func.count()).where(
                WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None))),
            "powerflow_webhooks_failed": session.scalar(select(func.count()).where(
                WebhookDelivery.failed_at.is_not(None))),
            "powerflow_tasks_overdue": session.scalar(select(func.count()).where(
                HumanTask.state == TaskState.READY, HumanTask.due_at < now)),
            "powerflow_worker_last_seen_seconds": (now - seen).total_seconds() if seen else float("nan"),
        }


HELP = {
    "powerflow_timers_due": "Timers due now and not yet fired",
    "powerflow_timers_late": f"Timers still waiting {int(LATE_AFTER.total_seconds())} s after they fell due",
    "powerflow_outbox_backlog": "Notification mail written and not yet sent",
    "powerflow_webhooks_waiting": "Webhook deliveries written and not yet delivered (retries included)",
    "powerflow_webhooks_failed": "Webhook deliveries given up after their last retry",
    "powerflow_tasks_overdue": "Open tasks past their due time",
    "powerflow_worker_last_seen_seconds": "Seconds since a worker last finished a round (NaN: never)",
}


class StateCollector:
    """A prometheus_client collector whose gauges are read from the database at each scrape."""

    def __init__(self, db: Database, clock: Callable[[], datetime]):
        self.db, self.clock = db, clock

    def collect(self) -> Iterator:
        from prometheus_client.core import GaugeMetricFamily  # imported late, as engine.metrics explains
        for name, value in readings(self.db, self.clock()).items():
            yield GaugeMetricFamily(name, HELP[name], value=value)
