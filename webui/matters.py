"""Matter pages: start a matter, see where it stands (live flowchart, tasks, timeline)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import comments, followers, idempotency, minutes, queries, topics, waiting
from engine.queries import open_tasks
from engine.urging import may_urge
from engine.access import can_complete, can_start, takes_part, visible_instance
from engine.deployment import published_version
from engine.directory import Directory
from engine.errors import FormInvalid

from . import services
from .errors import field_errors
from .live_chart import chart_svg

bp = Blueprint("matters", __name__)


@bp.route("/processes/<key>/start", methods=["GET", "POST"])
@login_required
def start(key: str):
    with services().db.reader() as session:
        version = published_version(session, key)
        allowed = can_start(Directory(session).user(current_user.username), version)
        process = {"key": version.process_key, "name": version.name, "version": version.version,
                   "start_role": version.start_role}
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
    runtime = services().runtime
    with services().db.reader() as session:
        user_id = Directory(session).user(current_user.username).id

    def create(form_token: str | None) -> int:
        outcome = runtime.start(key, title, {}, current_user.username, on_start=lambda session, instance:
                                idempotency.record(session, "start", form_token, user_id, instance.id,
                                                   instance.started_at))
        flash(_("事项已发起"))
        return outcome.instance_id

    found, _created = idempotency.once(services().db, "start", token, user_id, create)
    with services().db.reader() as session:
        user = Directory(session).user(current_user.username)
        mine = [t.id for t in open_tasks(session, int(found)) if can_complete(user, t)]
    return int(found), (mine[0] if mine else None)


@bp.get("/matters/<int:instance_id>")
@login_required
def show(instance_id: int):
    return page(instance_id)


def page(instance_id: int, status: int = 200, comment_body: str = "", comment_errors: dict | None = None,
         form_token: object = None):
    """The matter page; the comment form shows what was typed and why it was refused, if it was."""
    with services().db.reader() as session:
        instance = visible_instance(session, instance_id, current_user.username)
        user = Directory(session).user(current_user.username)
        matter = queries.describe_for(session, instance, user)
        chart = services().charts.live(session, instance)
        waits = waiting.waiting_for(session, instance)
        decisions = [{"title": d.topic.title, "outcome": d.outcome, "agree": d.agree, "disagree": d.disagree,
                      "abstain": d.abstain, "should_attend": d.should_attend, "present": d.present,
                      "ruling": d.ruling, "superseded": d.superseded_by_id is not None, "meeting_id": d.meeting_id,
                      "chosen": d.chosen, "choice_tally": d.choice_tally}
                     for d in ([] if matter["withheld"] else topics.for_matter(session, instance.id))]
        meeting_minutes = minutes.find(session, instance, user)  # this matter is a numbered meeting (R11)
        deciding_minutes = minutes.deciding(session, instance.id)  # the minutes that decided this matter
        urgeable = {t.id for t in open_tasks(session, instance.id) if may_urge(user, t)}
        can_copy = takes_part(session, user, instance)
        people = [(u.username, u.display_name) for u in Directory(session).users()
                  if u.active and u.id != user.id] if can_copy else []
        remarks = None if matter["withheld"] else [comments.as_dict(c) for c in comments.listing(
            session, instance.id, user)]
        following = followers.is_following(session, user, instance.id)
    return render_template("matter.html", matter=matter, chart=chart, waiting=waits, decisions=decisions,
                           meeting_minutes=meeting_minutes, deciding_minutes=deciding_minutes,
                           urgeable=urgeable, can_copy=can_copy, people=people, comments=remarks, following=following,
                           comment_body=comment_body, comment_errors=comment_errors or {},
                           form_token=idempotency.usable(form_token) or idempotency.new_token()), status


@bp.get("/matters/<int:instance_id>/flowchart.svg")
@login_required
def flowchart(instance_id: int):
    with services().db.reader() as session:
        svg = services().charts.live_svg(session, visible_instance(session, instance_id, current_user.username))
    return Response(chart_svg(svg), mimetype="image/svg+xml")
