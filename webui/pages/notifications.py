"""The in-app notification list (meeting notices, urges, flags) and the unread count in the header."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.collaboration import notifications
from engine.collaboration.notification_center import NotificationCenter
from engine.errors import FormInvalid

from webui.http.services import services
from webui.http.errors import engine_text, field_errors

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_count():
    if not current_user.is_authenticated:
        return {"unread_count": 0}
    return {"unread_count": _center().unread(current_user.username)}


@bp.get("/notifications")
@login_required
def listing():
    items = [{"title": told_text(n, "title"), "body": told_text(n, "body"), "kind": n.kind, "created_at": n.created_at,
              "read": n.read, "instance_id": n.instance_id, "task_id": n.task_id}
             for n in _center().open_all(current_user.username)]  # seen now: the header count drops to zero
    return render_template("notifications.html", items=items)


def _center() -> NotificationCenter:
    return NotificationCenter(services().db)


def told_text(notification, part: str) -> str:
    """A notification's title or body in the reader's language (older rows have only the Chinese text)."""
    stored = notifications.stored_message((notification.message or {}).get(part))
    return engine_text(stored) if stored is not None else engine_text(getattr(notification, part))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Each kind on or off, in the app and by email, and the address mail goes to."""
    errors, status = {}, 200
    if request.method == "POST":
        chosen = {kind: {"in_app": f"{kind}.in_app" in request.form, "email": f"{kind}.email" in request.form}
                  for kind in notifications.KINDS}
        try:
            _center().save(current_user.username, chosen, request.form.get("email"))
        except FormInvalid as invalid:
            errors, status = field_errors(invalid.errors), 422
        else:
            flash(_("通知设置已保存"))
            return redirect(url_for("notifications.settings"))
    saved = _center().settings(current_user.username)
    email = request.form.get("email", saved.email or "") if errors else (saved.email or "")
    chosen = saved.chosen
    return render_template("notification_settings.html",
                           kinds={kind: _(label) for kind, label in notifications.KINDS.items()}, chosen=chosen, email=email,
                           errors=errors), status
