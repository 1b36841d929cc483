"""The 待办 inbox and the list of matters one started."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from engine.directory.people import AUDITOR_ROLES
from engine.pages.lists import Lists

from webui.http.services import services
from webui.pages.actions import listing

bp = Blueprint("inbox", __name__)


def landing(roles: set[str], has_tasks: bool) -> str:
    """Where a user with these roles starts: their tasks first, else where their kind of work is."""
    if has_tasks:
        return "inbox.todo"
    if roles & AUDITOR_ROLES:
        return "audit.matters"  # 纪委、监督员 supervise every matter
    if roles == {"设计员"}:
        return "modeler.index"
    return "inbox.todo"  # officials and 上级组织: what they can act on arrives there


def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    has_tasks = Lists(services().db).inbox_count(current_user.username, cap=1) > 0
    return redirect(url_for(landing(set(current_user.roles), has_tasks)))


@bp.get("/tasks")
@login_required
def todo():
    return listing("inbox.html", "inbox", total=lambda lists, username: lists.inbox_count(username))


@bp.get("/matters")
@login_required
def mine():
    return listing("mine.html", "mine")
