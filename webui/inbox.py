"""The 待办 inbox and the list of matters one started."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from engine import queries
from engine.directory import Directory

from . import services

bp = Blueprint("inbox", __name__)


def index():
    return redirect(url_for("inbox.todo" if current_user.is_authenticated else "auth.login"))


@bp.get("/tasks")
@login_required
def todo():
    with services().db.reader() as session:
        user = Directory(session).user(current_user.username)
        tasks = queries.inbox(session, user)
    return render_template("inbox.html", tasks=tasks)


@bp.get("/matters")
@login_required
def mine():
    with services().db.reader() as session:
        user = Directory(session).user(current_user.username)
        matters = [{"id": m.id, "title": m.title, "process": m.process_version.name, "status": m.status,
                    "started_at": m.started_at, "updated_at": m.updated_at}
                   for m in queries.started_by(session, user)]
    return render_template("mine.html", matters=matters)
