"""Starting matters and completing their tasks: one transaction per user action."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterator
from uuid import UUID

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState as SpiffState

from engine.audit import trail as audit
from engine.committee import publications, rules
from engine.runtime import task_actions
from engine.collaboration import urging
from engine.committee.ballots import steps as ballot_steps
from engine.committee.calendar_days import load_calendar
from engine.directory.access import can_complete, can_start
from engine.storage.database import Database
from engine.process.deployment import published_version
from engine.directory.people import Directory
from engine.runtime.flow_actions import FlowActions
from engine.collaboration.followers import tell_followers
from engine.errors import Conflict, Forbidden, FormInvalid, Msg, NotFound, PowerflowError, WorkflowFailed
from engine.limits import MAX_AUTOMATIC_STEPS, MAX_CALL_DEPTH
from engine.models import HumanTask, Instance, utcnow
from engine.status import AuditAction, MatterStatus, TaskKind, TaskState, TimerState
from engine.bpmn.progress import chart_state, progress_note
from engine.bpmn.scripting import DEFAULT_TIME_LIMIT, SandboxedScriptEngine
from engine.bpmn.serialization import dump_state, load_state, new_workflow
from engine.runtime.script_api import SCRIPT_FUNCTIONS, Delivery, ScriptApi
from engine.runtime.task_mirror import TaskMirror, task_properties
from engine.runtime.task_schema import task_schema
from engine.runtime.timers import claim, sync_timers
from engine.process.version_cache import version_specs

MAX_TITLE = 200
RESERVED_DATA = {"title", "started_by"}


@dataclass
class Outcome:
    """What a user action left behind."""

    instance_id: int
    status: str
    new_tasks: list[int]


class Runtime(FlowActions):
    """Runs matters on SpiffWorkflow and keeps instance, task mirror and audit in one transaction."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow,
                 script_time_limit: float = DEFAULT_TIME_LIMIT):
        self.db = db
        self.clock = clock
        self.script_time_limit = script_time_limit

    # -- user actions -------------------------------------------------------------------------
    def start(self, process_key: str, title: str, data: dict | None, username: str, check_role: bool = True,
              on_start: Callable[[Session, Instance], None] | None = None) -> Outcome:
        """Start a matter on the newest version of a process.

        ``check_role=False`` is for system accounts (the public mailbox); ``on_start`` records what
        belongs to the matter in the same transaction.
        """
        with self._action() as session:
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
            workflow = new_workflow(version_specs(version), self._script_engine(session, instance, now))
            initial = {**(data or {}), "title": title, "started_by": user.username}
            for task in workflow.get_tasks(state=SpiffState.READY):
                task.data.update(initial)
            audit.record(session, AuditAction.START, now, instance.id, user.id, details={"title": title, "data": data or {}})
            if on_start is not None:
                on_start(session, instance)
            new_tasks = self._advance(session, instance, workflow, now, user.id)
            return Outcome(instance.id, instance.status, new_tasks)

    def complete(self, task_id: int, data: dict, username: str) -> Outcome:
        """Complete a ready task with form data; 403/409/422-style errors change nothing."""
        with self._action() as session:
            user = Directory(session).user(username)
            # The matter's state comes in the same read; the lock taken in _claim proves it is still current.
            row = session.get(HumanTask, task_id, options=[joinedload(HumanTask.instance).undefer(Instance.state)])
            if row is None:
                raise NotFound("task.missing", task_id=task_id)
            if not can_complete(user, row):
                raise Forbidden("task.not_yours")
            if row.state != TaskState.READY:
                raise Conflict("task.done_or_cancelled" if row.state != TaskState.WAITING else "task.awaiting_signers")
            if row.kind == TaskKind.SIGN:
                return self._sign_off(session, row, user, data, self.clock())
            return self._complete_row(session, row, user, data, self.clock())

    def _complete_row(self, session: Session, row: HumanTask, user, data: dict, now: datetime) -> Outcome:
        """Validate and record the answer, cast ballots, run the task and what follows it."""
        instance = row.instance
        workflow = self._claim(session, instance, now)
        task = workflow.get_task_from_id(UUID(row.task_guid))
        if task is None or task.state != SpiffState.READY:
            raise Conflict("task.not_ready")
        schema = task_schema(session, row, task.data)
        clean, secret, shares = ballot_steps.split(schema, data)
        if row.delegated_by_id is not None:  # 委派: the answer goes back to the holder to confirm
            task_actions.return_delegated(session, row, user, clean, now)
            return Outcome(instance.id, instance.status, [row.id])
        props = task_properties(task)
        rules.enforce(props.get("check"), rules.CheckContext(session, {**task.data, **clean}, now))
        ballot_steps.record(session, instance.id, row.element_id, schema, secret, shares, task,
                            workflow.script_engine, props, user.username)
        task.data.update(clean)
        row.state, row.completed_at, row.completed_by_id, row.draft, row.note = "completed", now, user.id, None, None
        details = {"data": clean} | ({"ballot": "已投票（内容保密）"} if secret else {}) \
            | ({"tally_share": True} if shares else {})
        audit.record(session, AuditAction.COMPLETE, now, instance.id, user.id, row.element_id, row.name, details)
        if props.get("publishes") == "true":
            publications.publish(session, instance, clean, now)
        try:
            task.run()
        except SpiffWorkflowException as exc:  # the task's own post-script: the input stands, the matter stops
            return self._fail(session, instance, workflow, now, exc)
        new_tasks = self._advance(session, instance, workflow, now, user.id)
        return Outcome(instance.id, instance.status, new_tasks)

    def urge(self, task_id: int, username: str) -> int:
        """催办 a ready task (see engine.collaboration.urging); returns how many holders were notified."""
        with self._action() as session:
            return urging.urge(session, task_id, Directory(session).user(username), self.clock())

    def fire_timer(self, timer_id: int) -> bool:
        """Fire one due timer unless another worker has; True when this call fired it."""
        try:
            with self._action() as session:
                timer = claim(session, timer_id)
                if timer is None:
                    return False
                now = self.clock()
                instance = session.get(Instance, timer.instance_id)
                workflow = self._claim(session, instance, now)
                task = workflow.get_task_from_id(UUID(timer.task_guid))
                if task is None or task.state != SpiffState.WAITING:
                    timer.state = TimerState.CANCELLED
                    return False
                workflow.refresh_timers()
                if task.state == SpiffState.WAITING:  # not due yet by SpiffWorkflow's clock
                    raise _NotYet()
                self._advance(session, instance, workflow, now)
                return True
        except _NotYet:
            return False

    # -- internals ----------------------------------------------------------------------------
    @contextmanager
    def _action(self) -> Iterator[Session]:
        """One transaction; a lost optimistic-lock race or a lock timeout becomes Conflict."""
        try:
            with self.db.transaction() as session:
                yield session
        except StaleDataError:
            raise Conflict("matter.busy_now") from None
        except OperationalError as err:
            if _is_lock_error(err):
                raise Conflict("matter.busy") from None
            raise

    def _claim(self, session: Session, instance: Instance, now: datetime):
        """Take the matter's optimistic lock and load its workflow."""
        # Before any other write, so every action locks the matter row first and none can deadlock.
        instance.updated_at = now
        session.flush()  # UPDATE … WHERE lock_version = seen: a concurrent change makes this fail (Conflict)
        return load_state(instance.state, version_specs(instance.process_version),
                          self._script_engine(session, instance, now))

    def _script_engine(self, session: Session, instance: Instance, now: datetime) -> SandboxedScriptEngine:
        """A script engine whose functions act within this transaction, for this matter, at ``now``."""
        api = ScriptApi(session, instance, now)
        engine = SandboxedScriptEngine(api.functions(), api.lookups(), self.script_time_limit)
        engine.api = api  # the runtime collects the decisions it queued
        return engine

    def _deliver(self, session: Session, delivery: Delivery, now: datetime) -> None:
        """Hand a meeting's decision to the matter waiting for it (a BPMN message), in this transaction."""
        matter = session.get(Instance, delivery.matter_id)
        workflow = self._claim(session, matter, now)
        waiting = [t for t in workflow.get_tasks(state=SpiffState.WAITING)
                   if t.task_spec.bpmn_id == delivery.element_id]
        if not waiting:  # the matter moved on (or was withdrawn): the decision stands, noted on the matter
            audit.record(session, AuditAction.MESSAGE, now, matter.id, None, delivery.element_id, None,
                         {"payload": delivery.payload, "undelivered": "事项未在此处等待决定"})
            return
        event = waiting[0].task_spec.event_definition
        workflow.send_event(BpmnEvent(type(event)(event.name), delivery.payload))
        audit.record(session, AuditAction.MESSAGE, now, matter.id, None, delivery.element_id, _element_name(waiting[0]),
                     {"payload": delivery.payload})
        self._advance(session, matter, workflow, now)

    def _advance(self, session: Session, instance: Instance, workflow, now: datetime,
                 actor_id: int | None = None) -> list[int]:
        """Run automatic steps, then save state, chart and task mirror; a failing step marks an error.

        New holders and the matter's followers are told, except ``actor_id`` who caused the change.
        """
        before: dict = {}
        steps = iter(range(MAX_AUTOMATIC_STEPS))

        def will_run(task):
            if getattr(task.workflow, "depth", 0) > MAX_CALL_DEPTH:  # validation refuses cycles; this bounds the rest
                raise WorkflowFailed("runtime.too_deep", limit=MAX_CALL_DEPTH, process=task.workflow.spec.description
                                     or task.workflow.spec.name)
            if next(steps, None) is None:
                raise WorkflowFailed("runtime.too_many_steps", limit=MAX_AUTOMATIC_STEPS, name=_element_name(task))
            if hasattr(task.task_spec, "script") or hasattr(task.task_spec, "dmnEngine"):  # scripts, decision tables
                before[task.id] = dict(task.data)

        def did_run(task):
            spec: TaskSpec = task.task_spec
            if getattr(spec, "bpmn_id", None) is None:
                return
            details = audit.changes(before.pop(task.id), task.data) if task.id in before else {}
            audit.record(session, AuditAction.AUTO, now, instance.id, None, spec.bpmn_id, _element_name(task), details)

        instance.status, instance.error = MatterStatus.RUNNING, None
        added: list[HumanTask] = []
        try:
            workflow.do_engine_steps(will_complete_task=will_run, did_complete_task=did_run)
            added = TaskMirror(session, load_calendar(session), now).sync(instance, workflow, actor_id)
            sync_timers(session, instance, workflow, now)
        except (SpiffWorkflowException, PowerflowError) as exc:
            self._fail(session, instance, workflow, now, exc, save=False)
        if instance.status != MatterStatus.ERROR and workflow.completed:
            instance.status, instance.completed_at = MatterStatus.COMPLETED, now
        instance.state = dump_state(workflow)
        instance.chart_state = chart_state(workflow)
        session.flush()
        tell_followers(session, instance, Msg("notice.progress", matter=instance.title), progress_note(instance, added), now, actor_id)
        deliveries, workflow.script_engine.api.deliveries = workflow.script_engine.api.deliveries, []
        for delivery in deliveries:
            self._deliver(session, delivery, now)
        return [row.id for row in added]


    @staticmethod
    def _outcome(instance: Instance, new_tasks: list[int]) -> Outcome:
        return Outcome(instance.id, instance.status, new_tasks)

    def _fail(self, session: Session, instance: Instance, workflow, now: datetime, exc: Exception,
              save: bool = True) -> Outcome:
        """Mark the matter stopped at the failing element (SpiffArena-like), keeping what users entered."""
        instance.status, instance.error = MatterStatus.ERROR, _error_text(exc)
        audit.record(session, AuditAction.ERROR, now, instance.id, details={"error": instance.error})
        if save:
            instance.state = dump_state(workflow)
            instance.chart_state = chart_state(workflow)
        return Outcome(instance.id, instance.status, [])


class _NotYet(Exception):
    """Rolls back a timer claim made a moment too early."""


def _element_name(task) -> str:
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


def _is_lock_error(err: OperationalError) -> bool:
    text = str(err.orig).lower()
    return "locked" in text or "deadlock" in text or "could not serialize" in text
