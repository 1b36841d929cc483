"""JSON API for what holders do besides completing: return, withdraw, reassign, delegate, add signer, copy;
and the 已办 / 抄送我的 lists."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from engine.runtime.hand_over import HandOver
from engine.pages.lists import Lists

from webui.http.services import services
from webui.api.requests import json_body, outcome_json, token_required
from webui.http.params import MAX_OFFSET, bounded_arg

bp = Blueprint("api_actions", __name__, url_prefix="/api/v1")


def _page() -> tuple[str | None, int, int]:
    limit, offset = bounded_arg("limit", 50, 1, 200), bounded_arg("offset", 0, 0, MAX_OFFSET)
    return (request.args.get("q") or "").strip()[:100] or None, limit, offset


@bp.post("/tasks/<int:task_id>/reassign")
@token_required
def reassign(task_id: int):
    body = json_body()
    return jsonify(HandOver(services().db).reassign(task_id, g.principal.username, body.get("to"),
                                                    body.get("reason")).task)


@bp.post("/tasks/<int:task_id>/delegate")
@token_required
def delegate(task_id: int):
    body = json_body()
    return jsonify(HandOver(services().db).delegate(task_id, g.principal.username, body.get("to"),
                                                    body.get("reason")).task)


@bp.get("/tasks/<int:task_id>/return-targets")
@token_required
def return_targets(task_id: int):
    return jsonify(services().runtime.return_targets(task_id, g.principal.username))


@bp.post("/tasks/<int:task_id>/return")
@token_required
def return_task(task_id: int):
    body = json_body()
    return outcome_json(services().runtime.return_task(task_id, g.principal.username, body.get("reason"),
                                                       body.get("to")))


@bp.post("/tasks/<int:task_id>/withdraw")
@token_required
def withdraw(task_id: int):
    return outcome_json(services().runtime.withdraw(task_id, g.principal.username, json_body().get("reason")))


@bp.post("/tasks/<int:task_id>/add-signer")
@token_required
def add_signer(task_id: int):
    body = json_body()
    return outcome_json(services().runtime.add_signer(task_id, g.principal.username, body.get("to"),
                                                      body.get("position"), body.get("reason"), body.get("data")))


@bp.post("/instances/<int:instance_id>/copies")
@token_required
def copy(instance_id: int):
    body = json_body()
    added = HandOver(services().db).copy(instance_id, g.principal.username, body.get("to"), body.get("note"))
    return jsonify({"copied_to": added}), 201


@bp.get("/tasks/done")
@token_required
def done():
    return jsonify(Lists(services().db).done(g.principal.username, *_page()))


@bp.get("/instances/started")
@token_required
def started():
    return jsonify(Lists(services().db).started(g.principal.username, *_page()))


@bp.get("/copies")
@token_required
def copies():
    return jsonify(Lists(services().db).copied(g.principal.username, *_page()))
