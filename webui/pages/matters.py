"""Matter pages: start a matter, see where it stands (live flowchart, tasks, timeline)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.storage import idempotency
from engine.errors import FormInvalid
from engine.pages.matter_page import MatterPages
from engine.pages.process_page import ProcessPages

from webui.http.services import services
from webui.http.errors import field_errors
from webui.pages.live_chart import chart_svg

bp = Blueprint("matters", __name__)


@bp.route("/processes/<key>/start", methods=["GET", "POST"])
@login_required
def start(key: str):
    process, allowed = ProcessPages(services().runtime, services().charts).start_form(key, current_user.username)
    title, errors, status = request.form.get("title", ""), {}, 200
    token = idempotency.usable(request.form.get(idempotency.FIELD)) or idempotency.new_token()
    if request.method == "POST":
        try:
            instance_id, first_task = starts(key, title, request.form.get(idempotency.FIELD))
        except FormInvalid as invalid:
            errors, status = field_errors(invalid.errors), 422
        else:
            if first_task:
                return redirect(url_for("tasks.show", task_id=first_task))
            return redirect(url_for("matters.show", instance_id=instance_id))
    return render_template("start.html", process=process, allowed=allowed, title=title, errors=errors,
                           form_token=token), status


def starts(key: str, title: str, token: object) -> tuple[int, int | None]:
    """Start the matter once per form token: its id and the user's first task in it (a resubmission finds both)."""
    started = ProcessPages(services().runtime, services().charts).start_once(key, title, current_user.username, token)
    if started.created:
        flash(_("事项已发起"))
    return started.instance_id, started.first_task


@bp.get("/matters/<int:instance_id>")
@login_required
def show(instance_id: int):
    return page(instance_id)


def page(instance_id: int, status: int = 200, comment_body: str = "", comment_errors: dict | None = None,
         form_token: object = None):
    """The matter page; the comment form shows what was typed and why it was refused, if it was."""
    shown = _pages().show(instance_id, current_user.username)
    return render_template("matter.html", matter=shown.matter, chart=shown.chart, waiting=shown.waiting,
                           decisions=shown.decisions, meeting_minutes=shown.meeting_minutes,
                           deciding_minutes=shown.deciding_minutes, urgeable=shown.urgeable,
                           can_copy=shown.can_copy, people=shown.people, comments=shown.comments,
                           following=shown.following, cases=shown.cases, objections=shown.objections,
                           comment_body=comment_body,
                           comment_errors=comment_errors or {},
                           form_token=idempotency.usable(form_token) or idempotency.new_token()), status


def _pages() -> MatterPages:
    return MatterPages(services().db, services().charts)


@bp.get("/matters/<int:instance_id>/flowchart.svg")
@login_required
def flowchart(instance_id: int):
    return Response(chart_svg(_pages().live_svg(instance_id, current_user.username)), mimetype="image/svg+xml")
