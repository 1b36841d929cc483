"""The in-app notification list (meeting notices, urges, flags) and the unread count in the header."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import notifications
from engine.directory import Directory
from engine.errors import FormInvalid

from . import services
from .errors import engine_text, field_errors

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_count():
    if not current_user.is_authenticated:
        return {"unread_count": 0}
    with services().db.reader() as session:
        return {"unread_count": notifications.unread_count(session, current_user.id)}


@bp.get("/notifications")
@login_required
def listing():
    db = services().db
    with db.reader() as session:
        recent = notifications.recent(session, current_user.id)
        tasks = notifications.pending_tasks(session, Directory(session).user(current_user.username),
                                            [n.instance_id for n in recent])
        items = [{"title": told_text(n, "title"), "body": told_text(n, "body"), "kind": n.kind, "created_at": n.created_at, "read": n.read_at is not None,
                  "instance_id": n.instance_id, "task_id": tasks.get(n.instance_id)} for n in recent]
    with db.transaction() as session:  # seen now: the header count drops to zero
        from engine.models import utcnow
        notifications.mark_read(session, current_user.id, utcnow())
    return render_template("notifications.html", items=items)


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
            with services().db.transaction() as session:
                user = Directory(session).user(current_user.username)
                user.email = notifications.checked_email(request.form.get("email"))
                notifications.save_settings(session, user.id, chosen)
        except FormInvalid as invalid:
            errors, status = field_errors(invalid.errors), 422
        else:
            flash(_("通知设置已保存"))
            return redirect(url_for("notifications.settings"))
    with services().db.reader() as session:
        user = Directory(session).user(current_user.username)
        email = request.form.get("email", user.email or "") if errors else (user.email or "")
        chosen = notifications.settings(session, user.id)
    return render_template("notification_settings.html",
                           kinds={kind: _(label) for kind, label in notifications.KINDS.items()}, chosen=chosen, email=email,
                           errors=errors), status
