"""Starting matters and completing their tasks: one transaction per user action.

``Runtime`` is the engine's door for running matters. It is composed of a ``Stepper`` (claims a matter and
moves its workflow on) and ``FlowActions`` (return, withdraw, add signers), which share its clock.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable
from uuid import UUID

from sqlalchemy.orm import Session
from SpiffWorkflow.util.task import TaskState as SpiffState

from engine.audit import trail as audit
from engine.bpmn.scripting import DEFAULT_TIME_LIMIT
from engine.bpmn.serialization import new_workflow
from engine.collaboration import urging
from engine.directory.access import can_complete, can_start
from engine.directory.people import Directory
from engine.directory.snapshots import Person, person
from engine import metrics
from engine.errors import Conflict, Forbidden, FormInvalid, Msg, NotFound
from engine.models import HumanTask, Instance, utcnow
from engine.process.deployment import published_version
from engine.process.version_cache import version_specs
from engine.runtime.answer import answer
from engine.runtime.first_read import task_with_matter
from engine.runtime.flow_actions import FlowActions
from engine.runtime.script_api import SCRIPT_FUNCTIONS
from engine.runtime.stepper import Outcome, Stepper
from engine.runtime.task_rows import task_summary
from engine.runtime.timers import claim
from engine.runtime.transaction import one_action
from engine.storage.database import Database
from engine.webhooks import events as webhook_events
from engine.status import AuditAction, MatterStatus, TaskKind, TaskState, TimerState

__all__ = ["Outcome", "Runtime"]

MAX_TITLE = 200
RESERVED_DATA = {"title", "started_by"}


class Runtime:
    """Runs matters on SpiffWorkflow and keeps instance, task mirror and audit in one transaction."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow,
                 script_time_limit: float = DEFAULT_TIME_LIMIT):
        self.db = db
        webhook_events.install()  # every action's events reach the webhook outbox in its transaction
        self.clock = clock  # tests move time by replacing it; the flow actions read it through the lambda
        self.stepper = Stepper(script_time_limit)
        self.flow = FlowActions(db, lambda: self.clock(), self.stepper)

    # -- user actions -------------------------------------------------------------------------
    def start(self, process_key: str, title: str, data: dict | None, username: str, check_role: bool = True,
              on_start: Callable[[Session, Instance], None] | None = None) -> Outcome:
        """Start a matter on the newest version of a process.

        ``check_role=False`` is for system accounts (the public mailbox); ``on_start`` records what
        belongs to the matter in the same transaction.
        """
        with one_action(self.db) as session:
            user = Directory(session).user(username)
            version = published_version(session, process_key)
            if check_role and not can_start(user, version):
                raise Forbidden("process.start_role", role=version.start_role, process=version.name)
            title = (title or "").strip() if isinstance(title, str) else ""
            errors = {}
            if not title or len(title) > MAX_TITLE:
                errors["title"] = Msg("matter.title_required", limit=MAX_TITLE)
            if data is not None and not isinstance(data, dict):
                errors["data"] = Msg("form.not_object")
            elif reserved := sorted(set(data or {}) & (RESERVED_DATA | set(SCRIPT_FUNCTIONS))):
                errors["data"] = Msg("matter.reserved_fields", fields="、".join(reserved))
            if errors:
                raise FormInvalid(errors)
            now = self.clock()
            instance = Instance(process_version=version, process_key=version.process_key, title=title,
                                status=MatterStatus.RUNNING, state="{}", started_by=user, started_at=now, updated_at=now)
            session.add(instance)
            session.flush()
            workflow = new_workflow(version_specs(version), self.stepper.script_engine(session, instance, now))
            initial = {**(data or {}), "title": title, "started_by": user.username}
            for task in workflow.get_tasks(state=SpiffState.READY):
                task.data.update(initial)
            audit.record(session, AuditAction.START, now, instance.id, user.id, details={"title": title, "data": data or {}})
            if on_start is not None:
                on_start(session, instance)
            new_tasks = self.stepper.advance(session, instance, workflow, now, user.id)
            return _summarised(session, Outcome(instance.id, instance.status, new_tasks))

    def complete(self, task_id: int, data: dict, username: str) -> Outcome:
        """Complete a ready task with form data; 403/409/422-style errors change nothing."""
        with one_action(self.db) as session:
            row = task_with_matter(session, task_id)
            if row is None:
                raise NotFound("task.missing", task_id=task_id)
            user = _actor(session, username)
            if not can_complete(user, row):
                raise Forbidden("task.not_yours")
            if row.state != TaskState.READY:
                raise Conflict("task.done_or_cancelled" if row.state != TaskState.WAITING else "task.awaiting_signers")
            if row.kind == TaskKind.SIGN:
                outcome = self.flow.sign_off(session, row, user, data, self.clock())
            else:
                outcome = answer(self.stepper, session, row, user, data, self.clock())
            summary = _summarised(session, outcome)
        metrics.task_completed()  # committed by now
        return summary

    def urge(self, task_id: int, username: str) -> int:
        """催办 a ready task (see engine.collaboration.urging); returns how many holders were notified."""
        with one_action(self.db) as session:
            return urging.urge(session, task_id, Directory(session).user(username), self.clock())

    def fire_timer(self, timer_id: int) -> bool:
        """Fire one due timer unless another worker has; True when this call fired it."""
        try:
            with one_action(self.db) as session:
                timer = claim(session, timer_id)
                if timer is None:
                    return False
                now = self.clock()
                instance = session.get(Instance, timer.instance_id)
                workflow = self.stepper.claim(session, instance, now)
                task = workflow.get_task_from_id(UUID(timer.task_guid))
                if task is None or task.state != SpiffState.WAITING:
                    timer.state = TimerState.CANCELLED
                    return False
                workflow.refresh_timers()
                if task.state == SpiffState.WAITING:  # not due yet by SpiffWorkflow's clock
                    raise _NotYet()
                self.stepper.advance(session, instance, workflow, now)
                return True
        except _NotYet:
            return False

    # -- flow actions (engine.runtime.flow_actions) ----------------------------------------------
    def return_targets(self, task_id: int, username: str) -> list[dict]:
        """Earlier steps the holder may send the task back to (驳回), nearest first."""
        return self.flow.return_targets(task_id, username)

    def return_task(self, task_id: int, username: str, reason: object, to_element: object = None) -> Outcome:
        """驳回: the matter goes back to an earlier step with the reason."""
        return self.flow.return_task(task_id, username, reason, to_element)

    def withdraw(self, task_id: int, username: str, reason: object) -> Outcome:
        """撤回: whoever completed a step takes it back while the next holder has not acted."""
        return self.flow.withdraw(task_id, username, reason)

    def add_signer(self, task_id: int, username: str, to: object, position: object, reason: object,
                   data: object = None) -> Outcome:
        """加签: another official signs off before or after the holder answers."""
        return self.flow.add_signer(task_id, username, to, position, reason, data)


def _summarised(session: Session, outcome: Outcome) -> Outcome:
    """The outcome with its new tasks summarised from this transaction, so the answer needs no second one."""
    session.flush()
    outcome.next_tasks = [task_summary(session, session.get(HumanTask, t)) for t in outcome.new_tasks]
    return outcome


def _actor(session: Session, username: str) -> Person:
    """Whoever acts, from the reference cache (their roles as of this action)."""
    user = person(session, username)
    if user is None:
        raise NotFound("user.missing", username=username)
    return user


class _NotYet(Exception):
    """Rolls back a timer claim made a moment too early."""
