"""JSON API under /api/v1 with bearer tokens; described by /api/v1/openapi.json."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, url_for
from flask_babel import gettext as _

from engine.directory.logins import LockedOut, revoke_sessions_of, sign_out_everywhere
from engine.pages.lists import Lists
from engine.pages.matter_page import MatterPages
from engine.collaboration.notification_center import NotificationCenter
from engine.pages.process_page import ProcessPages
from engine.pages.task_page import TaskPages

from webui.http.services import services
from webui.pages.notifications import told_text
from webui.http.auth import check_password, issue_token, refusal
from webui.http.errors import json_error
from webui.pages.live_chart import chart_svg
from webui.http.rate_limits import limiter
from webui.api.contract import body, document, endpoint, query
from webui.api.requests import outcome_json, token_required
from webui.api.schemas.common import Outcome
from webui.api.schemas.matters import Ballots, Matter, Objections, Processes, StartBody, Started
from webui.api.schemas.people import Notifications, Revoked, Token, TokenBody
from webui.api.schemas.tasks import CompleteBody, Inbox, InboxQuery, TaskDetail, Urged

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _matters() -> MatterPages:
    return MatterPages(services().db, services().charts)


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@endpoint(Token, json=TokenBody, public=True)
def token():
    """Exchange a username and password for a bearer token (expires_in seconds)."""
    sent = body()
    try:
        principal = check_password(sent.username, sent.password)
    except LockedOut as locked:
        message, headers = refusal(locked)
        return (*json_error(429, message, "auth.locked_out"), headers)
    if principal is None:
        return json_error(401, _("用户名或密码不正确"), "auth.bad_credentials")
    return jsonify({"token": issue_token(principal), "token_type": "Bearer",
                    "expires_in": current_app.config["TOKEN_MAX_AGE"]})


@bp.post("/auth/revoke")
@token_required
@endpoint(Revoked)
def revoke():
    """Sign out everywhere: every token and web session of the caller ends, this token included."""
    sign_out_everywhere(services().db, g.principal.username)
    return jsonify({"username": g.principal.username, "revoked": True})


@bp.post("/users/<username>/revoke-tokens")
@token_required
@endpoint(Revoked)
def revoke_user_tokens(username: str):
    """An administrator ends every token and web session of another user (a lost phone, a leaked token)."""
    revoke_sessions_of(services().db, g.principal.username, username)
    return jsonify({"username": username, "revoked": True})


@bp.get("/processes")
@token_required
@endpoint(Processes)
def processes():
    """The newest version of every deployed process, saying whether the caller may start it."""
    fields = ("key", "name", "version", "start_role", "can_start")
    return jsonify([{k: p[k] for k in fields} for p in ProcessPages(services().runtime, services().charts)
                    .catalog(g.principal.username)])


@bp.post("/processes/<key>/instances")
@token_required
@endpoint(Started, status=201, json=StartBody)
def start(key: str):
    """Start a matter of the process (发起事项) with its title and start form."""
    sent = body()
    outcome = services().runtime.start(key, sent.title, sent.data, g.principal.username)
    location = url_for("api.instance", instance_id=outcome.instance_id)
    return jsonify({"id": outcome.instance_id, "status": outcome.status, "url": location}), 201, {"Location": location}


@bp.get("/instances/<int:instance_id>")
@token_required
@endpoint(Matter)
def instance(instance_id: int):
    """A matter: its status, current tasks with who may complete them, history and what it waits for."""
    return jsonify(_matters().describe(instance_id, g.principal.username))


@bp.get("/instances/<int:instance_id>/objections")
@token_required
@endpoint(Objections)
def objections(instance_id: int):
    """The objections the public sent from the matter's public page during its publication period (R16)."""
    return jsonify(_matters().objections(instance_id, g.principal.username))


@bp.get("/instances/<int:instance_id>/ballots")
@token_required
@endpoint(Ballots)
def ballots(instance_id: int):
    """A meeting's secret ballots as a verifier needs them (scripts/verify_tally.py): no voter, only ciphertexts."""
    return jsonify(_matters().ballots(instance_id, g.principal.username))


@bp.get("/instances/<int:instance_id>/flowchart.svg")
@token_required
@endpoint(media="image/svg+xml")
def flowchart(instance_id: int):
    """The matter's live flowchart as SVG: done, current and waiting steps marked."""
    return Response(chart_svg(_matters().live_svg(instance_id, g.principal.username)), mimetype="image/svg+xml")


@bp.get("/tasks")
@token_required
@endpoint(Inbox, query=InboxQuery)
def tasks():
    """待办: the tasks the caller may complete now, oldest first."""
    page = query()
    return jsonify(Lists(services().db).inbox(g.principal.username, (page.q or "").strip() or None, page.limit,
                                              page.offset))


@bp.get("/tasks/<int:task_id>")
@token_required
@endpoint(TaskDetail)
def task(task_id: int):
    """A task the caller may complete, with its form as JSON Schema and the matter's file."""
    return jsonify(TaskPages(services().runtime).for_holder(task_id, g.principal.username))


@bp.post("/tasks/<int:task_id>/complete")
@token_required
@endpoint(Outcome, json=CompleteBody)
def complete(task_id: int):
    """Submit the task's form and complete it; the answer names the tasks it opened."""
    return outcome_json(services().runtime.complete(task_id, body().data, g.principal.username))


@bp.post("/tasks/<int:task_id>/urge")
@token_required
@endpoint(Urged)
def urge(task_id: int):
    """催办: the matter's starter, the discipline commission or a supervisor reminds the holders (once a working day)."""
    return jsonify({"notified": services().runtime.urge(task_id, g.principal.username)})


@bp.get("/notifications")
@token_required
@endpoint(Notifications)
def notification_list():
    """The caller's notifications (meetings, urgings, reminders), newest first."""
    return jsonify([{"id": n.id, "kind": n.kind, "title": told_text(n, "title"), "body": told_text(n, "body"),
                     "message": n.message, "instance_id": n.instance_id, "created_at": n.created_at.isoformat(),
                     "read": n.read} for n in NotificationCenter(services().db).recent(g.principal.username)])


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API, generated from the models the server checks."""
    return jsonify(document())
