"""JSON API for comments, attachments, following and notification settings."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from engine.collaboration import notifications
from engine.errors import FormInvalid
from engine.collaboration.notification_center import NotificationCenter

from webui.http.services import services
from webui.api.contract import body, endpoint
from webui.api.requests import token_required
from webui.api.schemas.people import Comment, CommentBody, Comments, FollowBody, Following, Settings, SettingsBody
from webui.pages.discussion import attachment_response, discussion, uploads

bp = Blueprint("api_discussion", __name__, url_prefix="/api/v1")


@bp.get("/instances/<int:instance_id>/comments")
@token_required
@endpoint(Comments)
def comment_list(instance_id: int):
    """The matter's comments and their attachments, oldest first."""
    return jsonify(discussion().comments(instance_id, g.principal.username))


@bp.post("/instances/<int:instance_id>/comments")
@token_required
@endpoint(Comment, status=201, json=CommentBody, form=CommentBody)
def comment_add(instance_id: int):
    """Comment on the matter: a JSON body {"body"}, or a multipart form with ``body`` and ``files``."""
    files = uploads() if request.files else []
    text = request.form.get("body") if request.form or files else body().body
    return jsonify(discussion().add(instance_id, g.principal.username, text, files)), 201


@bp.get("/instances/<int:instance_id>/attachments/<int:attachment_id>")
@token_required
@endpoint(media="application/octet-stream")
def attachment(instance_id: int, attachment_id: int):
    """An attachment's file, with its name and type."""
    return attachment_response(instance_id, attachment_id, g.principal.username)


@bp.post("/instances/<int:instance_id>/follow")
@token_required
@endpoint(Following, json=FollowBody)
def follow(instance_id: int):
    """Follow the matter (关注) to be told of its steps, or stop with {"follow": false}."""
    return jsonify({"following": discussion().follow(instance_id, g.principal.username, body().follow)})


@bp.get("/notifications/settings")
@token_required
@endpoint(Settings)
def settings():
    """The caller's mail address and, for each kind of notification, whether it comes in the app and by mail."""
    saved = NotificationCenter(services().db).settings(g.principal.username)
    return jsonify({"email": saved.email, "kinds": notifications.KINDS, "settings": saved.chosen})


@bp.put("/notifications/settings")
@token_required
@endpoint(Settings, json=SettingsBody)
def save_settings():
    """Change some kinds' channels (the others stay) and, when given, the mail address (null for none)."""
    sent = body()
    chosen = sent.settings
    if any(k not in notifications.KINDS or set(v) - {"in_app", "email"} for k, v in chosen.items()):
        raise FormInvalid({"settings": _("按类别给出 {\"in_app\": true/false, \"email\": true/false}")})
    saved = NotificationCenter(services().db).save(g.principal.username, chosen,
                                                   sent.email if "email" in sent.model_fields_set else ...)
    return jsonify({"email": saved.email, "settings": saved.chosen})
