"""JSON API for comments, attachments, following and notification settings."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from engine.collaboration import notifications
from engine.errors import FormInvalid
from engine.collaboration.notification_center import NotificationCenter

from webui.http.services import services
from webui.api.requests import json_body, token_required
from webui.pages.discussion import attachment_response, discussion, uploads

bp = Blueprint("api_discussion", __name__, url_prefix="/api/v1")


@bp.get("/instances/<int:instance_id>/comments")
@token_required
def comment_list(instance_id: int):
    return jsonify(discussion().comments(instance_id, g.principal.username))


@bp.post("/instances/<int:instance_id>/comments")
@token_required
def comment_add(instance_id: int):
    """A JSON body {"body"} or a multipart form with ``body`` and ``files``."""
    files = uploads() if request.files else []
    body = request.form.get("body") if request.form or files else json_body().get("body")
    return jsonify(discussion().add(instance_id, g.principal.username, body, files)), 201


@bp.get("/instances/<int:instance_id>/attachments/<int:attachment_id>")
@token_required
def attachment(instance_id: int, attachment_id: int):
    return attachment_response(instance_id, attachment_id, g.principal.username)


@bp.post("/instances/<int:instance_id>/follow")
@token_required
def follow(instance_id: int):
    on = json_body().get("follow", True)
    if not isinstance(on, bool):
        raise FormInvalid({"follow": _("须为 true 或 false")})
    return jsonify({"following": discussion().follow(instance_id, g.principal.username, on)})


@bp.get("/notifications/settings")
@token_required
def settings():
    saved = NotificationCenter(services().db).settings(g.principal.username)
    return jsonify({"email": saved.email, "kinds": notifications.KINDS, "settings": saved.chosen})


@bp.put("/notifications/settings")
@token_required
def save_settings():
    body = json_body()
    chosen = body.get("settings", {})
    if not isinstance(chosen, dict) or any(k not in notifications.KINDS or not isinstance(v, dict)
                                           for k, v in chosen.items()):
        raise FormInvalid({"settings": _("按类别给出 {\"in_app\": true/false, \"email\": true/false}")})
    saved = NotificationCenter(services().db).save(g.principal.username, chosen, body["email"] if "email" in body else ...)
    return jsonify({"email": saved.email, "settings": saved.chosen})
