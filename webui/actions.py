"""Pages for what holders do besides completing (转办, 委派, 抄送) and the 已办 / 抄送我的 lists."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import queries, task_actions
from engine.directory import Directory
from engine.errors import Conflict, FormInvalid
from engine.models import HumanTask, utcnow

from . import services

bp = Blueprint("actions", __name__)
PAGE = 50


def _listing(template: str, fetch):
    q = (request.args.get("q") or "").strip() or None
    page = max(request.args.get("page", 1, type=int), 1)
    with services().db.reader() as session:
        rows = fetch(session, Directory(session).user(current_user.username), q, PAGE + 1, (page - 1) * PAGE)
    return render_template(template, rows=rows[:PAGE], q=q or "", page=page, more=len(rows) > PAGE)


@bp.get("/done")
@login_required
def done():
    return _listing("done.html", queries.done_by)


@bp.get("/copied")
@login_required
def copied():
    return _listing("copied.html", queries.copied_to)


@bp.post("/tasks/<int:task_id>/hand-over")
@login_required
def hand_over(task_id: int):
    """转办 or 委派, chosen by the button pressed."""
    action = task_actions.delegate if request.form.get("action") == "delegate" else task_actions.reassign
    try:
        with services().db.transaction() as session:
            task = action(session, task_id, Directory(session).user(current_user.username), request.form.get("to"),
                          request.form.get("reason"), utcnow())
            flash(f"已{'委派' if action is task_actions.delegate else '转办'}给{task.assignee.display_name}")
            instance_id = task.instance_id
    except (FormInvalid, Conflict) as refused:
        flash("未能交办：" + "；".join(getattr(refused, "errors", {}).values() or [str(refused)]))
        return redirect(url_for("tasks.show", task_id=task_id))
    return redirect(url_for("matters.show", instance_id=instance_id))


@bp.post("/matters/<int:instance_id>/copies")
@login_required
def copy(instance_id: int):
    try:
        with services().db.transaction() as session:
            added = task_actions.copy_to(session, instance_id, Directory(session).user(current_user.username),
                                         request.form.getlist("to"), request.form.get("note"), utcnow())
        flash(f"已抄送 {len(added)} 人" if added else "所选人员都已抄送过")
    except FormInvalid as refused:
        flash("未能抄送：" + "；".join(refused.errors.values()))
    return redirect(url_for("matters.show", instance_id=instance_id))


def colleagues(session, task: HumanTask) -> list[tuple[str, str]]:
    """Who a holder may hand a task to: the other active holders of its role."""
    role = task.candidate_role or task.lane
    return [(u.username, u.display_name) for u in Directory(session).members_of(role)
            if u.username != current_user.username] if role else []
