"""JSON API under /api/v1 with bearer tokens; described by /api/v1/openapi.json."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _

from engine.errors import FormInvalid, Msg
from engine.directory.logins import MAX_NAME, LockedOut, revoke_sessions_of, sign_out_everywhere
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
from webui.http.params import MAX_OFFSET, bounded_arg
from webui.http.rate_limits import limiter
from webui.api.requests import json_body, outcome_json, token_required
from webui.api.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _matters() -> MatterPages:
    return MatterPages(services().db, services().charts)


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    errors = {k: Msg("form.required") for k, v in (("username", username), ("password", password))
              if not isinstance(v, str) or not v}
    if not errors and len(username) > MAX_NAME:
        errors["username"] = _("用户名最多 %(n)d 个字符", n=MAX_NAME)
    if errors:
        raise FormInvalid(errors)
    try:
        principal = check_password(username, password)
    except LockedOut as locked:
        message, headers = refusal(locked)
        return (*json_error(429, message, "auth.locked_out"), headers)
    if principal is None:
        return json_error(401, _("用户名或密码不正确"), "auth.bad_credentials")
    return jsonify({"token": issue_token(principal), "token_type": "Bearer",
                    "expires_in": current_app.config["TOKEN_MAX_AGE"]})


@bp.post("/auth/revoke")
@token_required
def revoke():
    """Sign out everywhere: every token and web session of the caller ends, this token included."""
    sign_out_everywhere(services().db, g.principal.username)
    return jsonify({"username": g.principal.username, "revoked": True})


@bp.post("/users/<username>/revoke-tokens")
@token_required
def revoke_user_tokens(username: str):
    """An administrator ends every token and web session of another user (a lost phone, a leaked token)."""
    revoke_sessions_of(services().db, g.principal.username, username)
    return jsonify({"username": username, "revoked": True})


@bp.get("/processes")
@token_required
def processes():
    fields = ("key", "name", "version", "start_role", "can_start")
    return jsonify([{k: p[k] for k in fields} for p in ProcessPages(services().runtime, services().charts)
                    .catalog(g.principal.username)])


@bp.post("/processes/<key>/instances")
@token_required
def start(key: str):
    body = json_body()
    outcome = services().runtime.start(key, body.get("title"), body.get("data", {}), g.principal.username)
    location = url_for("api.instance", instance_id=outcome.instance_id)
    return jsonify({"id": outcome.instance_id, "status": outcome.status, "url": location}), 201, {"Location": location}


@bp.get("/instances/<int:instance_id>")
@token_required
def instance(instance_id: int):
    return jsonify(_matters().describe(instance_id, g.principal.username))


@bp.get("/instances/<int:instance_id>/ballots")
@token_required
def ballots(instance_id: int):
    """A meeting's secret ballots as a verifier needs them (scripts/verify_tally.py): no voter, only ciphertexts."""
    return jsonify(_matters().ballots(instance_id, g.principal.username))


@bp.get("/instances/<int:instance_id>/flowchart.svg")
@token_required
def flowchart(instance_id: int):
    return Response(chart_svg(_matters().live_svg(instance_id, g.principal.username)), mimetype="image/svg+xml")


@bp.get("/tasks")
@token_required
def tasks():
    limit, offset = bounded_arg("limit", 200, 1, 500), bounded_arg("offset", 0, 0, MAX_OFFSET)
    q = (request.args.get("q") or "").strip()[:100] or None
    return jsonify(Lists(services().db).inbox(g.principal.username, q, limit, offset))


@bp.get("/tasks/<int:task_id>")
@token_required
def task(task_id: int):
    return jsonify(TaskPages(services().runtime).for_holder(task_id, g.principal.username))


@bp.post("/tasks/<int:task_id>/complete")
@token_required
def complete(task_id: int):
    body = json_body()
    data = body.get("data", {})
    return outcome_json(services().runtime.complete(task_id, data, g.principal.username))


@bp.post("/tasks/<int:task_id>/urge")
@token_required
def urge(task_id: int):
    return jsonify({"notified": services().runtime.urge(task_id, g.principal.username)})


@bp.get("/notifications")
@token_required
def notification_list():
    return jsonify([{"id": n.id, "kind": n.kind, "title": told_text(n, "title"), "body": told_text(n, "body"),
                     "message": n.message, "instance_id": n.instance_id, "created_at": n.created_at.isoformat(),
                     "read": n.read} for n in NotificationCenter(services().db).recent(g.principal.username)])


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
