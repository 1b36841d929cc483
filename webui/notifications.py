"""The in-app notification list (meeting notices, urges, flags) and the unread count in the header."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from engine import notifications

from . import services

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
        items = [{"title": n.title, "kind": n.kind, "created_at": n.created_at, "read": n.read_at is not None,
                  "instance_id": n.instance_id} for n in notifications.recent(session, current_user.id)]
    with db.transaction() as session:  # seen now: the header count drops to zero
        from engine.models import utcnow
        notifications.mark_read(session, current_user.id, utcnow())
    return render_template("notifications.html", items=items)
