"""The timer worker: fires due BPMN timers; any number may run against one PostgreSQL."""
from __future__ import annotations

import logging
import threading

from .errors import Conflict
from .runtime import Runtime
from .timers import due_timer_ids

log = logging.getLogger("powerflow.worker")


class TimerWorker:
    """Polls for due timers and fires each through the runtime (one transaction per timer)."""

    def __init__(self, runtime: Runtime, batch: int = 50, interval: float = 2.0):
        self.runtime = runtime
        self.batch = batch
        self.interval = interval
        self.stopping = threading.Event()

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

    def run_forever(self) -> None:
        """Poll until ``stop()``; errors are logged and the loop goes on."""
        while not self.stopping.is_set():
            try:
                fired = self.run_once()
                if fired:
                    log.info("fired %d timer(s)", fired)
            except Exception:  # a worker must survive a bad round (database restart, broken matter)
                log.exception("timer round failed")
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
