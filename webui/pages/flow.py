"""Pages for 驳回, 撤回 and 加签: each posts one action and comes back with a message."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.errors import Conflict, FormInvalid
from engine.pages.task_page import TaskPages

from webui.http.services import services
from webui.http import formdata
from webui.pages.actions import flash_refusal

bp = Blueprint("flow", __name__)


@bp.post("/tasks/<int:task_id>/return")
@login_required
def return_task(task_id: int):
    try:
        outcome = services().runtime.return_task(task_id, current_user.username, request.form.get("reason"),
                                                 request.form.get("to"))
    except (FormInvalid, Conflict) as refused:
        flash_refusal(_("未能驳回"), refused)
        return redirect(url_for("tasks.show", task_id=task_id))
    flash(_("已驳回"))
    return redirect(url_for("matters.show", instance_id=outcome.instance_id))


@bp.post("/tasks/<int:task_id>/withdraw")
@login_required
def withdraw(task_id: int):
    try:
        services().runtime.withdraw(task_id, current_user.username, request.form.get("reason"))
    except (FormInvalid, Conflict) as refused:
        flash_refusal(_("未能撤回"), refused)
        return redirect(request.referrer or url_for("actions.done"))
    flash(_("已撤回，请重新办理"))
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.post("/tasks/<int:task_id>/add-signer")
@login_required
def add_signer(task_id: int):
    """前加签 from the 加签 box; 后加签 submits the task form too, whose answer waits for the signer."""
    position = request.form.get("position")
    data = None
    if position == "after":
        data = formdata.parse(TaskPages(services().runtime).schema(task_id, current_user.username), request.form)
    try:
        outcome = services().runtime.add_signer(task_id, current_user.username, request.form.get("sign_to"),
                                                position, request.form.get("sign_reason"), data)
    except (FormInvalid, Conflict) as refused:
        flash_refusal(_("未能加签"), refused)
        return redirect(url_for("tasks.show", task_id=task_id))
    flash(_("已加签，等待对方意见"))
    return redirect(url_for("matters.show", instance_id=outcome.instance_id))
