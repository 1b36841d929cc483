"""Starting matters and completing their tasks: one transaction per user action.

``Runtime`` is the engine's door for running matters. It is composed of a ``Stepper`` (claims a matter and
moves its workflow on) and ``FlowActions`` (return, withdraw, add signers), which share its clock.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable
from uuid import UUID

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, lazyload, undefer
from sqlalchemy.orm.attributes import set_committed_value
from SpiffWorkflow.util.task import TaskState as SpiffState

from engine.audit import trail as audit
from engine.bpmn.scripting import DEFAULT_TIME_LIMIT
from engine.bpmn.serialization import new_workflow
from engine.collaboration import urging
from engine.collaboration.followers import follower_count_column, note_followers
from engine.directory.access import can_complete, can_start
from engine.directory.people import Directory
from engine.directory.snapshots import Person, person
from engine import metrics
from engine.errors import Conflict, Forbidden, FormInvalid, Msg, NotFound
from engine.models import HumanTask, Instance, utcnow
from engine.process.deployment import published_version
from engine.process.version_cache import version_specs
from engine.runtime.answer import answer
from engine.runtime.flow_actions import FlowActions
from engine.runtime.script_api import SCRIPT_FUNCTIONS
from engine.runtime.stepper import Outcome, Stepper, note_locked
from engine.runtime.task_mirror import OPEN, note_open_rows
from engine.runtime.task_rows import task_summary
from engine.runtime.timers import claim
from engine.runtime.transaction import one_action
from engine.storage.database import Database
from engine.webhooks import events as webhook_events
from engine.storage.reference_cache import note_stamp, stamp_column
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
            row = _task_with_matter(session, task_id)
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


_TASK_ID = bindparam("task_id")
_MATTER_OF_TASK = select(HumanTask.instance_id).where(HumanTask.id == _TASK_ID).scalar_subquery()
# PostgreSQL locks the matter's row here, waiting for any action holding it, and returns the version it
# locked, which is the newest; the joined matter comes from the statement's snapshot. If they differ, another
# action committed meanwhile and everything else read here may be stale: the action is refused (Conflict).
# SQLite has one writer at a time and no FOR UPDATE: the save's UPDATE … WHERE lock_version = seen checks it.
_LOCKED_VERSION = select(Instance.lock_version).where(Instance.id == _MATTER_OF_TASK).with_for_update() \
    .scalar_subquery()
# Built once: constructing this statement costs three times what running it does.
_TASK_WITH_MATTER = (
    select(HumanTask, Instance, stamp_column(), follower_count_column(HumanTask.instance_id), _LOCKED_VERSION)
    .outerjoin(Instance, (Instance.id == HumanTask.instance_id) & (HumanTask.id == _TASK_ID))
    .options(lazyload(HumanTask.instance), lazyload(HumanTask.assignee), lazyload(HumanTask.completed_by),
             lazyload(Instance.started_by), undefer(Instance.state))
    .where(HumanTask.instance_id == _MATTER_OF_TASK,
           # OR rather than IN: an IN list is an "expanding" parameter, rendered anew on every execution
           (HumanTask.id == _TASK_ID)
           | ((HumanTask.kind == TaskKind.TASK) & or_(*(HumanTask.state == state for state in OPEN)))))


def _task_with_matter(session: Session, task_id: int) -> HumanTask | None:
    """The task, its matter with its state, and the matter's other open steps, in one read that locks the matter.

    The hot path's first statement carries what would otherwise be four more: the matter's lock, its open
    rows (for the task mirror), the reference stamp (engine.storage.reference_cache) and the matter's
    follower count (engine.collaboration.followers).
    """
    found = session.execute(_TASK_WITH_MATTER, {"task_id": task_id}).all()
    row, instance = next(((r, i) for r, i, *_ in found if i is not None), (None, None))
    if row is None:
        return None
    _row, _instance, version, followers, locked_version = found[0]
    if locked_version != instance.lock_version:
        raise Conflict("matter.busy_now")
    note_locked(session, instance.id)
    for other, *_ in found:  # the matter the query read, not a lazy load with its state deferred
        set_committed_value(other, "instance", instance)
    note_stamp(session, version)
    note_followers(session, row.instance_id, followers)
    note_open_rows(session, row.instance_id, [r for r, *_ in found if r.kind == TaskKind.TASK and r.state in OPEN])
    return row


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
