"""The 待办 inbox and the list of matters one started."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from engine import queries

from .actions import listing

bp = Blueprint("inbox", __name__)


def index():
    return redirect(url_for("inbox.todo" if current_user.is_authenticated else "auth.login"))


@bp.get("/tasks")
@login_required
def todo():
    return listing("inbox.html", lambda session, user, q, limit, offset: queries.inbox(
        session, user, limit, offset, q=q), total=queries.inbox_count)


@bp.get("/matters")
@login_required
def mine():
    return listing("mine.html", queries.started_by)
