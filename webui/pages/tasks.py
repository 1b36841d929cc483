"""The task page: shows the form of a task and completes it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from engine.committee.ballots.steps import personal_fields
from engine.errors import FormInvalid
from engine.pages.task_page import TaskPages

from webui.http.services import services
from webui.http import formdata
from webui.http.errors import field_errors

bp = Blueprint("tasks", __name__)


def _pages() -> TaskPages:
    return TaskPages(services().runtime)


def _render(task_id: int, values: dict | None = None, errors: dict | None = None, status: int = 200):
    page = _pages().show(task_id, current_user.username)
    return render_template("task.html", task=page.task, schema=page.schema, matter=page.matter, shown=page.shown,
                           file=page.file, values=values if values is not None else page.values,
                           errors=errors or {}, colleagues=page.colleagues, signers=page.signers,
                           targets=page.return_targets), status


@bp.get("/tasks/<int:task_id>")
@login_required
def show(task_id: int):
    return _render(task_id)


@bp.post("/tasks/<int:task_id>/urge")
@login_required
def urge(task_id: int):
    notified = services().runtime.urge(task_id, current_user.username)
    flash(ngettext("已催办，通知了 %(num)d 人", "已催办，通知了 %(num)d 人", notified))
    return redirect(url_for("matters.show", instance_id=_pages().matter_of(task_id, current_user.username)))


@bp.post("/tasks/<int:task_id>")
@login_required
def complete(task_id: int):
    schema = _pages().schema(task_id, current_user.username)
    data = formdata.parse(schema, request.form)
    try:
        outcome = services().runtime.complete(task_id, data, current_user.username)
    except FormInvalid as invalid:
        shown = {k: v for k, v in data.items() if k not in personal_fields(schema)}
        return _render(task_id, shown, field_errors(invalid.errors), 422)
    flash(_("已办理完成"))
    next_mine = _pages().next_own(outcome.new_tasks, current_user.username)
    if next_mine is not None:
        return redirect(url_for("tasks.show", task_id=next_mine))
    return redirect(url_for("matters.show", instance_id=outcome.instance_id))
