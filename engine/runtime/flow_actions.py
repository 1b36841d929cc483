"""驳回 return, 撤回 withdraw and 加签 add signer: actions that move a matter other than straight on.

Part of Runtime, composed into it: each action is one transaction that takes the matter's optimistic lock
through the shared Stepper.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import trail as audit
from engine.bpmn import forms
from engine.runtime import rewind, signers, withdrawal
from engine.committee.ballots.steps import personal_fields
from engine.committee.calendar_days import load_calendar
from engine.directory.people import Directory
from engine.errors import Conflict, FormInvalid, Msg, NotFound
from engine.models import HumanTask, User
from engine.status import AuditAction, TaskKind, TaskState
from engine.collaboration.notifications import notify
from engine.bpmn.serialization import load_state
from engine.runtime.task_actions import _ready_task, _reason
from engine.runtime.answer import answer
from engine.runtime.stepper import Outcome, Stepper
from engine.runtime.task_mirror import TaskMirror
from engine.runtime.transaction import one_action
from engine.storage.database import Database
from engine.runtime.task_schema import task_schema
from engine.process.version_cache import version_forms, version_specs


class FlowActions:
    """驳回, 撤回 and 加签 on one database, at ``clock``'s time, moving matters on with ``stepper``."""

    def __init__(self, db: Database, clock: Callable[[], datetime], stepper: Stepper):
        self.db, self.clock, self.stepper = db, clock, stepper

    def return_targets(self, task_id: int, username: str) -> list[dict]:
        """Earlier steps the holder may send the task back to, nearest first; empty when there are none."""
        with one_action(self.db) as session:
            user = Directory(session).user(username)
            row = _ready_task(session, task_id, user)
            workflow = load_state(row.instance.state, version_specs(row.instance.process_version),
                                  self.stepper.script_engine(session, row.instance, self.clock()))
            steps, blocked = self._earlier(session, row, workflow)
        return [{"element_id": r.element_id, "name": r.name,
                 "holder": r.completed_by.display_name if r.completed_by else None} for _, r in steps] + (
            [{"blocked": Msg("task.return_blocked", element=blocked.element, reason=blocked.reason)}] if blocked else [])

    def return_task(self, task_id: int, username: str, reason: object, to_element: object = None):
        """驳回: the matter goes back to the previous step (or ``to_element`` on the same path) with the reason."""
        with one_action(self.db) as session:
            user = Directory(session).user(username)
            row = _ready_task(session, task_id, user)
            if row.kind != TaskKind.TASK or row.delegated_by_id is not None:
                raise Conflict("task.no_return_signed")
            text, now = _reason(reason), self.clock()
            workflow = self.stepper.claim(session, row.instance, now)
            steps, blocked = self._earlier(session, row, workflow)
            if not steps:
                if blocked:
                    raise Conflict("task.no_earlier_step_blocked", element=blocked.element, reason=blocked.reason)
                raise Conflict("task.no_earlier_step")
            chosen = steps[0] if to_element in (None, "") else next(
                (s for s in steps if s[1].element_id == to_element), None)
            if chosen is None:
                raise FormInvalid({"to": Msg("task.return_on_path")})
            target, target_row = chosen
            row.state, row.completed_at, row.completed_by_id = TaskState.RETURNED, now, user.id
            audit.record(session, AuditAction.RETURN, now, row.instance_id, user.id, row.element_id, row.name,
                         {"to": target_row.element_id, "to_name": target_row.name, "reason": text})
            return self._reopen(session, row.instance, workflow, target, target_row,
                                target_row.completed_by_id, f"{user.display_name} 驳回：{text}", now, user)

    def withdraw(self, task_id: int, username: str, reason: object):
        """撤回: whoever completed a step takes it back while the next holder has not acted."""
        with one_action(self.db) as session:
            user = Directory(session).user(username)
            row = session.get(HumanTask, task_id)
            if row is None:
                raise NotFound("task.missing", task_id=task_id)
            if (refused := withdrawal.refusal(session, row, user)) is not None:
                raise refused
            text, now, instance = _reason(reason), self.clock(), row.instance
            workflow = self.stepper.claim(session, instance, now)
            task = workflow.get_task_from_id(UUID(row.task_guid))
            if (refused := withdrawal.task_refusal(task, instance)) is not None:
                raise refused
            audit.record(session, AuditAction.WITHDRAW, now, instance.id, user.id, row.element_id, row.name, {"reason": text})
            following = self._open_holders(session, instance.id)
            outcome = self._reopen(session, instance, workflow, task, row, user.id, f"已撤回：{text}", now, user)
            notify(session, following, "task", Msg("notice.withdrawn", step=row.name, matter=instance.title), now,
                   f"{user.display_name}：{text}", instance.id)
            return outcome

    def add_signer(self, task_id: int, username: str, to: object, position: object, reason: object,
                   data: object = None):
        """加签: ``to`` signs off before the holder answers, or after (the holder's ``data`` waits for them)."""
        with one_action(self.db) as session:
            user = Directory(session).user(username)
            row = _ready_task(session, task_id, user)
            if row.kind != TaskKind.TASK or row.delegated_by_id is not None:
                raise Conflict("task.no_sign_signed")
            if position not in signers.POSITIONS:
                raise FormInvalid({"position": Msg("task.sign_position")})
            target = Directory(session).find(to) if isinstance(to, str) else None
            if target is None or not target.active:
                raise FormInvalid({"to": Msg("user.no_such")})
            if target.id == user.id:
                raise FormInvalid({"to": Msg("task.sign_self")})
            if not signers.may_sign(target):
                raise FormInvalid({"to": Msg("task.signer_role", roles="、".join(signers.SIGNER_ROLES))})
            text, now = _reason(reason), self.clock()
            workflow = self.stepper.claim(session, row.instance, now)
            task = workflow.get_task_from_id(UUID(row.task_guid))
            schema = task_schema(session, row, task.data)
            if personal_fields(schema):
                raise Conflict("task.sign_ballot")
            if position == "after":
                row.draft = forms.validate(schema, data)
            row.assignee_id = user.id  # a pool task becomes the holder's own while it waits
            sign = signers.open_sign(session, row, user, target, position, text, now)
            session.flush()
            return Outcome(row.instance.id, row.instance.status, [sign.id])

    def sign_off(self, session: Session, sign: HumanTask, user: User, data: object, now: datetime) -> Outcome:
        """A signer's answer: 后加签 agreed completes the holder's waiting answer, otherwise it goes back."""
        task, agreed = signers.sign_off(session, sign, user, data, now)
        if task.state != TaskState.WAITING:
            raise Conflict("task.not_waiting")
        if agreed and sign.sign_position == "after":
            return answer(self.stepper, session, task, task.assignee, task.draft or {}, now)
        signers.give_back(session, task, user, agreed, (data.get("comment") or "").strip(), now)
        return Outcome(task.instance.id, task.instance.status, [task.id])

    # -- internals ----------------------------------------------------------------------------
    @staticmethod
    def _earlier(session: Session, row: HumanTask, workflow):
        """Completed steps on the row's path that have a task row to reopen, and what stops the walk."""
        task = workflow.get_task_from_id(UUID(row.task_guid))
        if task is None:
            raise Conflict("task.not_ready")
        found, blocked = rewind.earlier_steps(task, version_forms(row.instance.process_version))
        rows = {r.task_guid: r for r in session.scalars(select(HumanTask).where(
            HumanTask.instance_id == row.instance_id, HumanTask.state == TaskState.COMPLETED,
            HumanTask.task_guid.in_([str(t.id) for t in found])))} if found else {}
        return [(t, rows[str(t.id)]) for t in found if str(t.id) in rows], blocked

    def _reopen(self, session: Session, instance, workflow, task, row: HumanTask, holder_id, note: str, now,
                actor: User):
        """Reset the workflow to ``task`` and give its row back to ``holder_id`` with their earlier answer."""
        answered = {k: v for k, v in task.data.items() if task.parent is None or task.parent.data.get(k) != v}
        holder = session.get(User, holder_id) if holder_id else None
        if holder is None or not holder.active:  # whoever did it has left: the step goes back to its role
            holder_id = None if row.candidate_role else holder_id
        workflow.reset_from_task_id(task.id)
        TaskMirror(session, load_calendar(session), now).reopen(row, task, holder_id, answered, note)
        session.flush()
        self.stepper.advance(session, instance, workflow, now, actor.id)
        if holder_id and holder_id != actor.id:
            notify(session, [holder_id], "task", Msg("notice.returned", step=row.name, matter=instance.title), now, note, instance.id)
        return Outcome(instance.id, instance.status, [row.id])

    @staticmethod
    def _open_holders(session: Session, instance_id: int) -> list[int]:
        return [i for i in session.scalars(select(HumanTask.assignee_id).where(
            HumanTask.instance_id == instance_id, HumanTask.state == TaskState.READY)) if i]

