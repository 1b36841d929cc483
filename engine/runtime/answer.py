"""A holder's answer to a ready task: validated, ballots cast, recorded, and the matter moved on."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState as SpiffState

from engine.audit import trail as audit
from engine.committee import publications, rules
from engine.committee.ballots import steps as ballot_steps
from engine.errors import Conflict
from engine.models import HumanTask, User
from engine.runtime import task_actions
from engine.runtime.stepper import Outcome, Stepper
from engine.runtime.task_mirror import task_properties
from engine.runtime.task_schema import task_schema
from engine.status import AuditAction, TaskState


def answer(stepper: Stepper, session: Session, row: HumanTask, user: User, data: dict, now: datetime) -> Outcome:
    """Validate and record the answer, cast ballots, run the task and what follows it."""
    instance = row.instance
    workflow = stepper.claim(session, instance, now)
    task = workflow.get_task_from_id(UUID(row.task_guid))
    if task is None or task.state != SpiffState.READY:
        raise Conflict("task.not_ready")
    schema = task_schema(session, row, task.data)
    clean, secret, shares = ballot_steps.split(schema, data)
    if row.delegated_by_id is not None:  # 委派: the answer goes back to the holder to confirm
        task_actions.return_delegated(session, row, user, clean, now)
        return Outcome(instance.id, instance.status, [row.id])
    props = task_properties(task)
    rules.enforce(props.get("check"), rules.CheckContext(session, {**task.data, **clean}, now, instance.id))
    ballot_steps.record(session, instance.id, row.element_id, schema, secret, shares, task,
                        workflow.script_engine, props, user.username)
    task.data.update(clean)
    row.state, row.completed_at, row.completed_by_id, row.draft, row.note = TaskState.COMPLETED, now, user.id, None, None
    details = {"data": clean} | ({"ballot": "已投票（内容保密）"} if secret else {}) \
        | ({"tally_share": True} if shares else {})
    audit.record(session, AuditAction.COMPLETE, now, instance.id, user.id, row.element_id, row.name, details)
    if props.get("publishes") == "true":
        publications.publish(session, instance, clean, now)
    try:
        task.run()
    except SpiffWorkflowException as exc:  # the task's own post-script: the input stands, the matter stops
        return stepper.fail(session, instance, workflow, now, exc)
    new_tasks = stepper.advance(session, instance, workflow, now, user.id)
    return Outcome(instance.id, instance.status, new_tasks)
