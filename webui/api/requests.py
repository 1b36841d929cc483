"""What every API view shares: the JSON body, the bearer token, and an action's outcome as JSON."""
from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from flask_babel import gettext as _

from engine.errors import FormInvalid, Msg
from engine.pages.task_page import TaskPages

from webui.http.services import services
from webui.http.auth import principal_from_token
from webui.http.errors import json_error


def json_body() -> dict:
    """The request's JSON object; FormInvalid (422) when it is missing or not an object."""
    body = request.get_json(silent=True)
    if body is None:
        raise FormInvalid({"_body": Msg("api.json_required")})
    if not isinstance(body, dict):
        raise FormInvalid({"_body": Msg("api.json_object")})
    return body


def token_required(view):
    """An API view for bearer-token holders only: 401 otherwise; the token's user is ``g.principal``."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        principal = principal_from_token(header[7:].strip()) if header.startswith("Bearer ") else None
        if principal is None:
            return json_error(401, _("需要有效的令牌（Authorization: Bearer <token>）"), "auth.token_required")
        g.principal = principal
        return view(*args, **kwargs)
    return wrapper


def outcome_json(outcome):
    """A user action's result: the matter's status and the tasks it opened."""
    next_tasks = outcome.next_tasks
    if next_tasks is None:
        next_tasks = TaskPages(services().runtime).summaries(outcome.new_tasks)
    return jsonify({"instance": {"id": outcome.instance_id, "status": outcome.status}, "next_tasks": next_tasks})
