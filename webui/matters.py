"""Matter pages: start a matter, see where it stands (live flowchart, tasks, timeline)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import comments, followers, queries, topics
from engine.queries import open_tasks
from engine.urging import may_urge
from engine.access import can_start, takes_part, visible_instance
from engine.deployment import published_version
from engine.directory import Directory
from engine.errors import FormInvalid

from . import services

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
    if request.method == "POST":
        try:
            outcome = services().runtime.start(key, title, {}, current_user.username)
        except FormInvalid as invalid:
            errors, status = invalid.errors, 422
        else:
            flash("事项已发起")
            if outcome.new_tasks:
                return redirect(url_for("tasks.show", task_id=outcome.new_tasks[0]))
            return redirect(url_for("matters.show", instance_id=outcome.instance_id))
    return render_template("start.html", process=process, allowed=allowed, title=title, errors=errors), status


@bp.get("/matters/<int:instance_id>")
@login_required
def show(instance_id: int):
    with services().db.reader() as session:
        instance = visible_instance(session, instance_id, current_user.username)
        user = Directory(session).user(current_user.username)
        matter = queries.describe_for(session, instance, user)
        svg = services().charts.live_svg(session, instance)
        decisions = [{"title": d.topic.title, "outcome": d.outcome, "agree": d.agree, "disagree": d.disagree,
                      "abstain": d.abstain, "should_attend": d.should_attend, "present": d.present,
                      "ruling": d.ruling, "superseded": d.superseded_by_id is not None, "meeting_id": d.meeting_id,
                      "chosen": d.chosen, "choice_tally": d.choice_tally}
                     for d in ([] if matter["withheld"] else topics.for_matter(session, instance.id))]
        urgeable = {t.id for t in open_tasks(session, instance.id) if may_urge(user, t)}
        can_copy = takes_part(session, user, instance)
        people = [(u.username, u.display_name) for u in Directory(session).users()
                  if u.active and u.id != user.id] if can_copy else []
        remarks = None if matter["withheld"] else [comments.as_dict(c) for c in comments.listing(
            session, instance.id, user)]
        following = followers.is_following(session, user, instance.id)
    return render_template("matter.html", matter=matter, svg=svg, decisions=decisions, urgeable=urgeable,
                           can_copy=can_copy, people=people, comments=remarks, following=following)


@bp.get("/matters/<int:instance_id>/flowchart.svg")
@login_required
def flowchart(instance_id: int):
    with services().db.reader() as session:
        svg = services().charts.live_svg(session, visible_instance(session, instance_id, current_user.username))
    return Response(svg, mimetype="image/svg+xml")
