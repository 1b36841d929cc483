"""The worker: fires due BPMN timers, flags overdue tasks, sends mail; any number may run against one PostgreSQL."""
from __future__ import annotations

import logging
import threading
import time

from engine.errors import Conflict
from engine.directory.login_throttle import forget
from engine.collaboration.mailer import Mailer
from engine.collaboration.overdue import flag_overdue
from engine.runtime.service import Runtime
from engine.runtime.timers import due_timer_ids
from engine.runtime import heartbeat
from engine.webhooks.delivery import deliver_due

log = logging.getLogger("powerflow.worker")


class TimerWorker:
    """Polls for due timers and fires each through the runtime (one transaction per timer)."""

    def __init__(self, runtime: Runtime, batch: int = 50, interval: float = 2.0, mailer: Mailer | None = None):
        self.runtime = runtime
        self.mailer = mailer
        self.batch = batch
        self.interval = interval
        self.stopping = threading.Event()
        self.forgot_at: float | None = None
        self.name = heartbeat.worker_name()

    def run_once(self) -> int:
        """Fire the timers due now; return how many this worker fired."""
        with self.runtime.db.reader() as session:
            ids = due_timer_ids(session, self.runtime.clock(), self.batch)
        fired = 0
        for timer_id in ids:
            try:
                fired += self.runtime.fire_timer(timer_id)
            except Conflict:
                log.info("timer %s: matter busy, retrying next round", timer_id)
        return fired

    def run_round(self) -> dict[str, int]:
        """One round of everything: timers, overdue flags, then the mail and webhooks they caused."""
        done = {"timers": self.run_once()}
        with self.runtime.db.transaction() as session:
            done["overdue"] = flag_overdue(session, self.runtime.clock())
        done["mail"] = self.mailer.send_pending() if self.mailer else 0
        done["webhooks"] = deliver_due(self.runtime.db)
        with self.runtime.db.transaction() as session:  # readiness (/readyz) and metrics read this
            heartbeat.beat(session, self.name, self.runtime.clock())
        if self.forgot_at is None or time.monotonic() - self.forgot_at > 3600:  # day-old failures: hourly will do
            with self.runtime.db.transaction() as session:
                forget(session, self.runtime.clock())
            self.forgot_at = time.monotonic()
        return done

    def run_forever(self) -> None:
        """Poll until ``stop()``; errors are logged and the loop goes on."""
        while not self.stopping.is_set():
            try:
                done = self.run_round()
                if any(done.values()):
                    log.info("round: %s", done)
            except Exception:  # a worker must survive a bad round (database restart, broken matter)
                log.exception("timer round failed")
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
