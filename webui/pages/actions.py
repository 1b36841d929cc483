"""Pages for what holders do besides completing (转办, 委派, 抄送) and the 已办 / 抄送我的 lists."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from engine.errors import Conflict, FormInvalid
from engine.runtime.hand_over import HandOver
from engine.pages.lists import Lists

from webui.http.services import services
from webui.http.errors import engine_text, field_errors
from webui.http.params import page_number

bp = Blueprint("actions", __name__)
PAGE = 50


def flash_refusal(prefix: str, refused: Exception) -> None:
    """Tell the user why an action was refused: each field's reason, else the refusal itself."""
    reasons = list(field_errors(getattr(refused, "errors", None)).values()) or [engine_text(getattr(refused, "msg", refused))]
    flash(prefix + _("：") + _("；").join(reasons))


def listing(template: str, kind: str, **extra):
    """A searchable, paged list of the engine's ``kind`` (inbox, done, mine, copied)."""
    q = (request.args.get("q") or "").strip()[:100] or None
    number = page_number()
    lists = Lists(services().db)
    found = lists.page(kind, current_user.username, q, PAGE, number)
    counts = {name: count(lists, current_user.username) for name, count in extra.items()}
    return render_template(template, rows=found.rows, q=q or "", page=number, more=found.more, **counts)


@bp.get("/done")
@login_required
def done():
    return listing("done.html", "done")  # 撤回 offered only where it would succeed


@bp.get("/copied")
@login_required
def copied():
    return listing("copied.html", "copied")


@bp.post("/tasks/<int:task_id>/hand-over")
@login_required
def hand_over(task_id: int):
    """转办 or 委派, chosen by the button pressed."""
    delegate = request.form.get("action") == "delegate"
    hand_over = HandOver(services().db)
    try:
        passed = (hand_over.delegate if delegate else hand_over.reassign)(
            task_id, current_user.username, request.form.get("to"), request.form.get("reason"))
    except (FormInvalid, Conflict) as refused:
        flash_refusal(_("未能交办"), refused)
        return redirect(url_for("tasks.show", task_id=task_id))
    flash((_("已委派给%(name)s") if delegate else _("已转办给%(name)s")) % {"name": passed.holder_name})
    return redirect(url_for("matters.show", instance_id=passed.task["instance_id"]))


@bp.post("/matters/<int:instance_id>/copies")
@login_required
def copy(instance_id: int):
    try:
        added = HandOver(services().db).copy(instance_id, current_user.username, request.form.getlist("to"),
                                             request.form.get("note"))
        flash(ngettext("已抄送 %(num)d 人", "已抄送 %(num)d 人", len(added)) if added else _("所选人员都已抄送过"))
    except FormInvalid as refused:
        flash_refusal(_("未能抄送"), refused)
    return redirect(url_for("matters.show", instance_id=instance_id))
