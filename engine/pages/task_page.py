"""What the task page shows and what it may offer, read by the engine in one transaction per request.

The web layer asks with the user's name and gets plain data: it opens no session, reads no row and
decides no permission (a task still open is shown to whoever may complete it, a closed one to whoever
may read the matter; anyone else is told it does not exist).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.pages import queries
from engine.directory.access import can_complete, can_view
from engine.committee.ballots.steps import personal_fields
from engine.directory.people import Directory
from engine.errors import Forbidden, NotFound
from engine.models import HumanTask, User
from engine.runtime.service import Runtime
from engine.runtime.signers import may_sign
from engine.status import TaskKind, TaskState
from engine.pages.task_view import task_form


@dataclass(frozen=True)
class TaskPage:
    """A task as its page shows it: summary, matter, form, and the hand-overs its holder may make."""

    task: dict
    matter: dict
    schema: dict
    shown: list
    file: object
    values: dict
    colleagues: list[tuple[str, str]]  # whom the holder may pass it to (转办, 委派)
    signers: list[tuple[str, str]]  # whom the holder may ask to sign (加签)
    return_targets: list[dict]  # earlier steps it may go back to (驳回)


def visible_task(session: Session, task_id: int, user: User) -> HumanTask:
    """The task if ``user`` may complete it (open) or read its matter (closed); else NotFound or Forbidden."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("task.missing_plain")
    if task.state == TaskState.READY:
        if not can_complete(user, task):
            raise Forbidden("task.not_yours")
    elif not can_view(session, user, task.instance):
        raise NotFound("task.missing_plain")
    return task


class TaskPages:
    """Reads for the task page and the answers around completing a task."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.db = runtime.db

    def show(self, task_id: int, username: str) -> TaskPage:
        """Everything the page shows ``username`` for a task."""
        with self.db.reader() as session:
            directory = Directory(session)
            viewer = directory.user(username)
            task = visible_task(session, task_id, viewer)
            form = task_form(session, task, viewer)
            # A ballot is cast, and a teller's key used, by its holder alone (R8): no hand-over, return or signer.
            own = (task.state == TaskState.READY and task.kind == TaskKind.TASK and task.delegated_by_id is None
                   and not personal_fields(form.schema))
            role = task.candidate_role or task.lane
            colleagues = [(u.username, u.display_name) for u in directory.members_of(role)
                          if u.username != username] if own and role else []
            signers = [(u.username, u.display_name) for u in directory.users()
                       if may_sign(u) and u.username != username] if own else []
            page = dict(task=queries.task_summary(session, task),
                        matter=queries.describe_for(session, task.instance, viewer), schema=form.schema, shown=form.shown, file=form.file, values=form.values,
                        colleagues=colleagues, signers=signers)
        targets = self.runtime.return_targets(task_id, username) if own else []
        return TaskPage(**page, return_targets=targets)

    def schema(self, task_id: int, username: str) -> dict:
        """The JSON Schema of a task's form, as ``username`` may see it."""
        with self.db.reader() as session:
            return task_form(session, visible_task(session, task_id, Directory(session).user(username))).schema

    def matter_of(self, task_id: int, username: str) -> int:
        """The matter a task belongs to, if ``username`` may read that matter (whoever urges a step may)."""
        with self.db.reader() as session:
            task = session.get(HumanTask, task_id)
            if task is None or not can_view(session, Directory(session).user(username), task.instance):
                raise NotFound("task.missing_plain")
            return task.instance_id

    def next_own(self, task_ids: list[int], username: str) -> int | None:
        """The first of these (new) tasks ``username`` may complete now, so the page can go straight on."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            return next((t for t in task_ids if (row := session.get(HumanTask, t)) is not None
                         and can_complete(user, row)), None)

    def for_holder(self, task_id: int, username: str) -> dict:
        """A task as the API gives it to its holder: its summary, form, the data shown and the file."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            row = session.get(HumanTask, task_id)
            if row is None:
                raise NotFound("task.missing", task_id=task_id)
            if not can_complete(user, row):
                raise Forbidden("task.not_yours")
            form = task_form(session, row, user)
            return queries.task_summary(session, row) | {
                "form": form.schema, "context": [[k, v] for k, v in form.shown],
                "file": form.file.as_dict() if form.file else None}

    def summaries(self, task_ids: list[int]) -> list[dict]:
        """The tasks an action has just opened, as lists show them (the actor's answer names them)."""
        with self.db.reader() as session:
            return [queries.task_summary(session, session.get(HumanTask, t)) for t in task_ids]
