"""The task page: shows the form of a task and completes it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from engine import queries
from engine.access import can_complete, can_view
from engine.ballots.steps import personal_fields
from engine.directory import Directory
from engine.errors import Forbidden, FormInvalid, NotFound
from engine.models import HumanTask
from engine.status import TaskKind, TaskState
from engine.signers import may_sign
from engine.task_view import task_form

from . import formdata, services
from .actions import colleagues
from .errors import field_errors

bp = Blueprint("tasks", __name__)


def _load(session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("task.missing_plain")
    user = Directory(session).user(current_user.username)
    if task.state == TaskState.READY:
        if not can_complete(user, task):
            raise Forbidden("task.not_yours")
    elif not can_view(session, user, task.instance):
        raise NotFound("task.missing_plain")
    return task


def _render(task_id: int, values: dict | None = None, errors: dict | None = None, status: int = 200):
    with services().db.reader() as session:
        task = _load(session, task_id)
        summary = queries.task_summary(session, task)
        viewer = Directory(session).user(current_user.username)
        matter = queries.describe_for(session, task.instance, viewer)
        form = task_form(session, task, viewer)
        # A ballot is cast, and a teller's key used, by its holder alone (R8): no hand-over, return or signer.
        own = (task.state == TaskState.READY and task.kind == TaskKind.TASK and task.delegated_by_id is None
               and not personal_fields(form.schema))
        others = colleagues(session, task) if own else []
        signers = [(u.username, u.display_name) for u in Directory(session).users()
                   if may_sign(u) and u.username != current_user.username] if own else []
    targets = services().runtime.return_targets(task_id, current_user.username) if own else []
    return render_template("task.html", task=summary, schema=form.schema, matter=matter, shown=form.shown,
                           file=form.file,
                           values=values if values is not None else form.values, errors=errors or {},
                           colleagues=others, signers=signers, targets=targets), status


@bp.get("/tasks/<int:task_id>")
@login_required
def show(task_id: int):
    return _render(task_id)


@bp.post("/tasks/<int:task_id>/urge")
@login_required
def urge(task_id: int):
    notified = services().runtime.urge(task_id, current_user.username)
    flash(ngettext("已催办，通知了 %(num)d 人", "已催办，通知了 %(num)d 人", notified))
    with services().db.reader() as session:
        instance_id = session.get(HumanTask, task_id).instance_id
    return redirect(url_for("matters.show", instance_id=instance_id))


@bp.post("/tasks/<int:task_id>")
@login_required
def complete(task_id: int):
    with services().db.reader() as session:
        schema = task_form(session, _load(session, task_id)).schema
    data = formdata.parse(schema, request.form)
    try:
        outcome = services().runtime.complete(task_id, data, current_user.username)
    except FormInvalid as invalid:
        shown = {k: v for k, v in data.items() if k not in personal_fields(schema)}
        return _render(task_id, shown, field_errors(invalid.errors), 422)
    flash(_("已办理完成"))
    with services().db.reader() as session:
        user = Directory(session).user(current_user.username)
        next_mine = [t for t in outcome.new_tasks if can_complete(user, session.get(HumanTask, t))]
    if next_mine:
        return redirect(url_for("tasks.show", task_id=next_mine[0]))
    return redirect(url_for("matters.show", instance_id=outcome.instance_id))
