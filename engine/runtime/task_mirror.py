"""Keeps the human_task table in step with a workflow's ready user tasks, with their holders."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from SpiffWorkflow.util.task import TaskState as SpiffState

from engine.directory.snapshots import person
from engine.collaboration.notifications import notify, notify_role
from engine.errors import Msg, WorkflowFailed
from engine.models import HumanTask, Instance
from engine.status import TaskKind, TaskState
from engine.committee.workdays import WorkdayCalendar


def task_properties(task) -> dict[str, str]:
    """The spiffworkflow:properties of a task's element."""
    return task.task_spec.extensions.get("properties", {}) if hasattr(task.task_spec, "extensions") else {}


OPEN = (TaskState.READY, TaskState.WAITING)
OPEN_ROWS = "open_task_rows"  # session.info key: {matter id: its open task rows, read with the action's task}


def note_open_rows(session: Session, instance_id: int, rows: list[HumanTask]) -> None:
    """The matter's open task rows as the action read them, used by its first mirror instead of a query."""
    session.info.setdefault(OPEN_ROWS, {})[instance_id] = rows


class TaskMirror:
    """Writes one HumanTask row per ready user task, in the caller's transaction."""

    def __init__(self, session: Session, calendar: WorkdayCalendar, now: datetime):
        self.session = session
        self.calendar = calendar
        self.now = now

    @staticmethod
    def _evaluate(task, expression: str, what: str):
        """Evaluate a designer's expression in the task's data; a failure is reported on the element."""
        try:
            return task.workflow.script_engine.evaluate(task, expression)
        except Exception as exc:  # the expression is the designer's, not the user's
            raise WorkflowFailed("script.failed", element=task.task_spec.bpmn_id, what=what, expression=expression,
                                 error=getattr(exc, "msg", exc)) from None  # a coded refusal stays translatable

    def _assignee_id(self, task, expression: str) -> int:
        username = self._evaluate(task, expression, Msg("script.what_assignee"))
        user = person(self.session, str(username))
        if user is None or not user.active:
            raise WorkflowFailed("script.assignee_missing", element=task.task_spec.bpmn_id, username=username)
        return user.id

    def _days(self, task, value: str) -> int:
        """dueInWorkingDays: a number, or an expression over the matter's data (e.g. a chosen deadline)."""
        if value.isdigit():
            return int(value)
        days = self._evaluate(task, value, Msg("script.what_due"))
        try:
            return int(days)
        except (TypeError, ValueError):
            raise WorkflowFailed("script.days_not_integer", element=task.task_spec.bpmn_id, value=value, days=repr(days)) from None

    def _due_at(self, task):
        due_days = task_properties(task).get("dueInWorkingDays")
        return self.calendar.add_working_days(self.now, self._days(task, due_days)) if due_days else None

    def _new_row(self, instance: Instance, task) -> HumanTask:
        props = task_properties(task)
        return HumanTask(
            subject=str(self._evaluate(task, props["subject"], Msg("script.what_subject")))[:255] if props.get("subject") else None,
            instance_id=instance.id, task_guid=str(task.id), element_id=task.task_spec.bpmn_id,
            name=task.task_spec.bpmn_name or task.task_spec.bpmn_id, lane=task.task_spec.lane,
            candidate_role=props.get("candidateRole") or task.task_spec.lane,
            assignee_id=self._assignee_id(task, props["assignee"]) if props.get("assignee") else None,
            form_file=props.get("formJsonSchemaFilename"), state=TaskState.READY, created_at=self.now,
            due_at=self._due_at(task))

    def reopen(self, row: HumanTask, task, holder_id: int, draft: dict | None, note: str) -> None:
        """Give a step done earlier back to whoever did it (驳回, 撤回), with their answer to start from."""
        row.state, row.assignee_id, row.created_at, row.due_at = TaskState.READY, holder_id, self.now, self._due_at(task)
        row.completed_at = row.completed_by_id = row.urged_at = row.delegated_by_id = None
        row.draft, row.note = draft or None, note

    def _open_rows(self, instance_id: int) -> list[HumanTask]:
        """The matter's open task rows as this transaction has them, flushed or not.

        Read without flushing, so that the action's writes go out in one flush at its save; a row the action
        has already closed keeps its state in the session, and one it opened is still pending.
        """
        stored = self.session.info.get(OPEN_ROWS, {}).pop(instance_id, None)
        if stored is None:
            with self.session.no_autoflush:
                # Without the joined matter and people: only the rows' states change here (the matter is in the
                # session).
                stored = list(self.session.scalars(select(HumanTask).options(lazyload("*")).where(
                    HumanTask.instance_id == instance_id, HumanTask.kind == TaskKind.TASK,
                    HumanTask.state.in_(OPEN))))
        pending = [r for r in self.session.new if isinstance(r, HumanTask) and r.instance_id == instance_id
                   and r.kind == TaskKind.TASK]
        return [r for r in (*stored, *pending) if r.state in OPEN]

    def sync(self, instance: Instance, workflow, actor_id: int | None = None) -> list[HumanTask]:
        """Add rows for newly ready user tasks and tell their holders (not ``actor_id``); cancel rows (and their
        sign-offs) whose task is no longer ready."""
        ready = {str(t.id): t for t in workflow.get_tasks(state=SpiffState.READY, manual=True)}
        open_rows = {row.task_guid: row for row in self._open_rows(instance.id)}
        for guid, row in open_rows.items():
            if guid not in ready:
                row.state, row.completed_at = TaskState.CANCELLED, self.now
                for sign in self.session.scalars(select(HumanTask).where(
                        HumanTask.sign_for_id == row.id, HumanTask.state == TaskState.READY)):
                    sign.state, sign.completed_at = TaskState.CANCELLED, self.now
        added = [self._new_row(instance, task) for guid, task in ready.items() if guid not in open_rows]
        self.session.add_all(added)
        for row in added:
            title = Msg("notice.new_task", step=row.name, matter=instance.title)
            if row.assignee_id:
                notify(self.session, [row.assignee_id] if row.assignee_id != actor_id else [], "task", title,
                       self.now, row.subject or "", instance.id)
            elif row.candidate_role:
                notify_role(self.session, row.candidate_role, "task", title, self.now, row.subject or "", instance.id,
                            except_id=actor_id)
        return added
