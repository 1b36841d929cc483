"""JSON API for what holders do besides completing: reassign, delegate, copy; and the 已办 / 抄送我的 lists."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine import queries, task_actions
from engine.models import utcnow

from . import services
from .api import _json_body, _user, token_required

bp = Blueprint("api_actions", __name__, url_prefix="/api/v1")


def _page() -> tuple[str | None, int, int]:
    limit = min(max(request.args.get("limit", 50, type=int), 1), 200)
    return (request.args.get("q") or "").strip() or None, limit, max(request.args.get("offset", 0, type=int), 0)


@bp.post("/tasks/<int:task_id>/reassign")
@token_required
def reassign(task_id: int):
    body = _json_body()
    with services().db.transaction() as session:
        task = task_actions.reassign(session, task_id, _user(session), body.get("to"), body.get("reason"), utcnow())
        return jsonify(queries.task_summary(session, task))


@bp.post("/tasks/<int:task_id>/delegate")
@token_required
def delegate(task_id: int):
    body = _json_body()
    with services().db.transaction() as session:
        task = task_actions.delegate(session, task_id, _user(session), body.get("to"), body.get("reason"), utcnow())
        return jsonify(queries.task_summary(session, task))


@bp.post("/instances/<int:instance_id>/copies")
@token_required
def copy(instance_id: int):
    body = _json_body()
    with services().db.transaction() as session:
        added = task_actions.copy_to(session, instance_id, _user(session), body.get("to"), body.get("note"), utcnow())
    return jsonify({"copied_to": added}), 201


@bp.get("/tasks/done")
@token_required
def done():
    with services().db.reader() as session:
        return jsonify(queries.done_by(session, _user(session), *_page()))


@bp.get("/copies")
@token_required
def copies():
    with services().db.reader() as session:
        return jsonify(queries.copied_to(session, _user(session), *_page()))
