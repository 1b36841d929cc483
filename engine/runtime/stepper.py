"""Moving one matter's workflow on, inside the caller's transaction: take the matter's lock, run the
automatic steps, mirror the tasks and timers, save, then the side effects (followers told, decisions
delivered to the matters waiting for them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState as SpiffState

from engine.audit import trail as audit
from engine.bpmn.progress import chart_state, progress_note
from engine.bpmn.scripting import DEFAULT_TIME_LIMIT, SandboxedScriptEngine
from engine.bpmn.serialization import dump_state, load_state
from engine.collaboration.followers import tell_followers
from engine.committee.calendar_days import load_calendar
from engine.errors import Msg, PowerflowError, WorkflowFailed
from engine.limits import MAX_AUTOMATIC_STEPS, MAX_CALL_DEPTH
from engine.models import HumanTask, Instance
from engine.process.version_cache import version_specs
from engine.runtime import action_writes
from engine.runtime.script_api import Delivery, ScriptApi
from engine.runtime.task_mirror import TaskMirror
from engine.runtime.timers import sync_timers
from engine.status import AuditAction, MatterStatus


OPENED = "opened_rows"  # session.info key: the task rows this transaction opened
LOCKED = "locked_matters"  # session.info key: matters whose row this transaction's first read locked


def note_locked(session: Session, instance_id: int) -> None:
    """The matter's row is this transaction's, locked and unchanged since it was read: claim need not flush."""
    session.info.setdefault(LOCKED, set()).add(instance_id)


@dataclass
class Outcome:
    """What a user action left behind."""

    instance_id: int
    status: str
    new_tasks: list[int]
    next_tasks: list[dict] | None = None  # the new tasks as lists show them, when the action summarised them


class Stepper:
    """Claims, advances and fails matters; every method works in the session it is given."""

    def __init__(self, script_time_limit: float = DEFAULT_TIME_LIMIT):
        self.script_time_limit = script_time_limit

    def claim(self, session: Session, instance: Instance, now: datetime):
        """Take the matter's lock and load its workflow."""
        instance.updated_at = now
        if instance.id not in session.info.get(LOCKED, ()):
            # Before any other write, so every action locks the matter row first and none can deadlock:
            # UPDATE … WHERE lock_version = seen, which a concurrent change makes fail (Conflict). A step's
            # writes that bypass the unit of work (a number series' upsert) must not come first.
            session.flush()
        # Else the action's first read locked the row (note_locked): the save's one UPDATE then carries the
        # lock version, the state and all.
        return load_state(instance.state, version_specs(instance.process_version),
                          self.script_engine(session, instance, now))

    def script_engine(self, session: Session, instance: Instance, now: datetime) -> SandboxedScriptEngine:
        """A script engine whose functions act within this transaction, for this matter, at ``now``."""
        api = ScriptApi(session, instance, now)
        engine = SandboxedScriptEngine(api.functions(), api.lookups(), self.script_time_limit)
        engine.api = api  # the stepper collects the decisions it queued
        return engine

    def advance(self, session: Session, instance: Instance, workflow, now: datetime,
                actor_id: int | None = None) -> list[int]:
        """Run automatic steps, then save state, chart and task mirror; a failing step marks an error.

        Then the side effects, in order: the matter's followers are told (except ``actor_id``, who caused
        the change), and decisions the steps made are delivered to the matters waiting for them.
        Returns the ids of the new task rows.
        """
        instance.status, instance.error = MatterStatus.RUNNING, None
        added: list[HumanTask] = []
        try:
            self._run_automatic_steps(session, instance, workflow, now)
            added = self._mirror(session, instance, workflow, now, actor_id)
        except (SpiffWorkflowException, PowerflowError) as exc:
            self.fail(session, instance, workflow, now, exc, save=False)
        self._save(session, instance, workflow, now)
        self._tell_followers(session, instance, added, now, actor_id)
        self._deliver_decisions(session, workflow, now)
        return [row.id for row in added]

    def fail(self, session: Session, instance: Instance, workflow, now: datetime, exc: Exception,
             save: bool = True) -> Outcome:
        """Mark the matter stopped at the failing element (SpiffArena-like), keeping what users entered."""
        instance.status, instance.error = MatterStatus.ERROR, _error_text(exc)
        audit.record(session, AuditAction.ERROR, now, instance.id, details={"error": instance.error})
        if save:
            instance.state = dump_state(workflow)
            instance.chart_state = chart_state(workflow)
        return Outcome(instance.id, instance.status, [])

    # -- the steps of advance ---------------------------------------------------------------
    @staticmethod
    def _run_automatic_steps(session: Session, instance: Instance, workflow, now: datetime) -> None:
        """SpiffWorkflow's engine steps, bounded in depth and count, each automatic step audited."""
        before: dict = {}
        steps = iter(range(MAX_AUTOMATIC_STEPS))

        def will_run(task):
            if getattr(task.workflow, "depth", 0) > MAX_CALL_DEPTH:  # validation refuses cycles; this bounds the rest
                raise WorkflowFailed("runtime.too_deep", limit=MAX_CALL_DEPTH, process=task.workflow.spec.description
                                     or task.workflow.spec.name)
            if next(steps, None) is None:
                raise WorkflowFailed("runtime.too_many_steps", limit=MAX_AUTOMATIC_STEPS, name=element_name(task))
            if hasattr(task.task_spec, "script") or hasattr(task.task_spec, "dmnEngine"):  # scripts, decision tables
                before[task.id] = dict(task.data)

        def did_run(task):
            spec: TaskSpec = task.task_spec
            if getattr(spec, "bpmn_id", None) is None:
                return
            details = audit.changes(before.pop(task.id), task.data) if task.id in before else {}
            audit.record(session, AuditAction.AUTO, now, instance.id, None, spec.bpmn_id, element_name(task), details)

        workflow.do_engine_steps(will_complete_task=will_run, did_complete_task=did_run)

    @staticmethod
    def _mirror(session: Session, instance: Instance, workflow, now: datetime, actor_id: int | None) -> list[HumanTask]:
        """Task rows and timers brought in line with the workflow; returns the rows it opened."""
        added = TaskMirror(session, load_calendar(session), now).sync(instance, workflow, actor_id)
        sync_timers(session, instance, workflow, now)
        # Held for the session's life: its identity map is weak, and the action's answer summarises these rows.
        session.info.setdefault(OPENED, []).extend(added)
        return added

    @staticmethod
    def _save(session: Session, instance: Instance, workflow, now: datetime) -> None:
        if instance.status != MatterStatus.ERROR and workflow.completed:
            instance.status, instance.completed_at = MatterStatus.COMPLETED, now
        instance.state = dump_state(workflow)
        instance.chart_state = chart_state(workflow)
        action_writes.write(session)  # the matter's row first: every row an action writes relates to it (see claim)

    @staticmethod
    def _tell_followers(session: Session, instance: Instance, added: list[HumanTask], now: datetime,
                        actor_id: int | None) -> None:
        tell_followers(session, instance, Msg("notice.progress", matter=instance.title),
                       progress_note(instance, added), now, actor_id)

    def _deliver_decisions(self, session: Session, workflow, now: datetime) -> None:
        """Decisions a meeting's steps queued (script_api's deliver), each handed on in this transaction."""
        deliveries, workflow.script_engine.api.deliveries = workflow.script_engine.api.deliveries, []
        for delivery in deliveries:
            self._deliver(session, delivery, now)

    def _deliver(self, session: Session, delivery: Delivery, now: datetime) -> None:
        """Hand a meeting's decision to the matter waiting for it (a BPMN message)."""
        matter = session.get(Instance, delivery.matter_id)
        workflow = self.claim(session, matter, now)
        waiting = [t for t in workflow.get_tasks(state=SpiffState.WAITING)
                   if t.task_spec.bpmn_id == delivery.element_id]
        if not waiting:  # the matter moved on (or was withdrawn): the decision stands, noted on the matter
            audit.record(session, AuditAction.MESSAGE, now, matter.id, None, delivery.element_id, None,
                         {"payload": delivery.payload, "undelivered": "事项未在此处等待决定"})
            return
        event = waiting[0].task_spec.event_definition
        workflow.send_event(BpmnEvent(type(event)(event.name), delivery.payload))
        audit.record(session, AuditAction.MESSAGE, now, matter.id, None, delivery.element_id, element_name(waiting[0]),
                     {"payload": delivery.payload})
        self.advance(session, matter, workflow, now)


def element_name(task) -> str:
    """The element's name; a multi-instance wrapper borrows the name of the task it repeats."""
    spec = task.task_spec
    if spec.bpmn_name:
        return spec.bpmn_name
    inner = task.workflow.spec.task_specs.get(getattr(spec, "task_spec", None) or "")
    return getattr(inner, "bpmn_name", None) or spec.bpmn_id


def _error_text(exc: Exception) -> str:
    task = getattr(exc, "task", None)
    where = f"[{task.task_spec.bpmn_id}] " if task is not None and getattr(task.task_spec, "bpmn_id", None) else ""
    return f"{where}{exc}"
