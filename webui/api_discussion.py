"""JSON API for comments, attachments, following and notification settings."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from engine import comments, followers, notifications
from engine.errors import FormInvalid
from engine.models import utcnow

from . import services
from .api import _json_body, _user, token_required
from .discussion import attachment_response, uploads

bp = Blueprint("api_discussion", __name__, url_prefix="/api/v1")


@bp.get("/instances/<int:instance_id>/comments")
@token_required
def comment_list(instance_id: int):
    with services().db.reader() as session:
        return jsonify([comments.as_dict(c) for c in comments.listing(session, instance_id, _user(session))])


@bp.post("/instances/<int:instance_id>/comments")
@token_required
def comment_add(instance_id: int):
    """A JSON body {"body"} or a multipart form with ``body`` and ``files``."""
    files = uploads() if request.files else []
    body = request.form.get("body") if request.form or files else _json_body().get("body")
    with services().db.transaction() as session:
        comment = comments.add(session, services().attachments, instance_id, _user(session), body, files, utcnow())
        return jsonify(comments.as_dict(comment)), 201


@bp.get("/instances/<int:instance_id>/attachments/<int:attachment_id>")
@token_required
def attachment(instance_id: int, attachment_id: int):
    return attachment_response(instance_id, attachment_id, g.principal.username)


@bp.post("/instances/<int:instance_id>/follow")
@token_required
def follow(instance_id: int):
    on = _json_body().get("follow", True)
    if not isinstance(on, bool):
        raise FormInvalid({"follow": _("须为 true 或 false")})
    with services().db.transaction() as session:
        return jsonify({"following": followers.set_following(session, _user(session), instance_id, on, utcnow())})


@bp.get("/notifications/settings")
@token_required
def settings():
    with services().db.reader() as session:
        user = _user(session)
        return jsonify({"email": user.email, "kinds": notifications.KINDS,
                        "settings": notifications.settings(session, user.id)})


@bp.put("/notifications/settings")
@token_required
def save_settings():
    body = _json_body()
    chosen = body.get("settings", {})
    if not isinstance(chosen, dict) or any(k not in notifications.KINDS or not isinstance(v, dict)
                                           for k, v in chosen.items()):
        raise FormInvalid({"settings": _("按类别给出 {\"in_app\": true/false, \"email\": true/false}")})
    with services().db.transaction() as session:
        user = _user(session)
        if "email" in body:
            user.email = notifications.checked_email(body["email"])
        current = notifications.settings(session, user.id)
        notifications.save_settings(session, user.id, {k: {**current[k], **chosen.get(k, {})} for k in current})
        return jsonify({"email": user.email, "settings": notifications.settings(session, user.id)})
