"""Pages for what holders do besides completing (转办, 委派, 抄送) and the 已办 / 抄送我的 lists."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from engine import queries, task_actions
from engine.directory import Directory
from engine.withdrawal import withdrawable
from engine.errors import Conflict, FormInvalid
from engine.models import utcnow

from . import services
from .errors import engine_text, field_errors
from .params import page_number

bp = Blueprint("actions", __name__)
PAGE = 50


def flash_refusal(prefix: str, refused: Exception) -> None:
    """Tell the user why an action was refused: each field's reason, else the refusal itself."""
    reasons = list(field_errors(getattr(refused, "errors", None)).values()) or [engine_text(getattr(refused, "msg", refused))]
    flash(prefix + _("：") + _("；").join(reasons))


def listing(template: str, fetch, **extra):
    """A searchable, paged list: ``fetch(session, user, q, limit, offset)`` gives one page's rows."""
    q = (request.args.get("q") or "").strip()[:100] or None
    page = page_number()
    with services().db.reader() as session:
        user = Directory(session).user(current_user.username)
        rows = fetch(session, user, q, PAGE + 1, (page - 1) * PAGE)
        found = {name: count(session, user) for name, count in extra.items()}
    return render_template(template, rows=rows[:PAGE], q=q or "", page=page, more=len(rows) > PAGE, **found)


@bp.get("/done")
@login_required
def done():
    def fetch(session, user, q, limit, offset):
        rows = queries.done_by(session, user, q, limit, offset)
        can = withdrawable(session, user, [r["task_id"] for r in rows if r["status"] == "running"])
        return [r | {"can_withdraw": r["task_id"] in can} for r in rows]  # 撤回 only where it would succeed
    return listing("done.html", fetch)


@bp.get("/copied")
@login_required
def copied():
    return listing("copied.html", queries.copied_to)


@bp.post("/tasks/<int:task_id>/hand-over")
@login_required
def hand_over(task_id: int):
    """转办 or 委派, chosen by the button pressed."""
    action = task_actions.delegate if request.form.get("action") == "delegate" else task_actions.reassign
    try:
        with services().db.transaction() as session:
            task = action(session, task_id, Directory(session).user(current_user.username), request.form.get("to"),
                          request.form.get("reason"), utcnow())
            done = _("已委派给%(name)s") if action is task_actions.delegate else _("已转办给%(name)s")
            flash(done % {"name": task.assignee.display_name})
            instance_id = task.instance_id
    except (FormInvalid, Conflict) as refused:
        flash_refusal(_("未能交办"), refused)
        return redirect(url_for("tasks.show", task_id=task_id))
    return redirect(url_for("matters.show", instance_id=instance_id))


@bp.post("/matters/<int:instance_id>/copies")
@login_required
def copy(instance_id: int):
    try:
        with services().db.transaction() as session:
            added = task_actions.copy_to(session, instance_id, Directory(session).user(current_user.username),
                                         request.form.getlist("to"), request.form.get("note"), utcnow())
        flash(ngettext("已抄送 %(num)d 人", "已抄送 %(num)d 人", len(added)) if added else _("所选人员都已抄送过"))
    except FormInvalid as refused:
        flash_refusal(_("未能抄送"), refused)
    return redirect(url_for("matters.show", instance_id=instance_id))
