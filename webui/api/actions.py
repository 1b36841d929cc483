"""JSON API for what holders do besides completing: return, withdraw, reassign, delegate, add signer, copy;
and the 已办 / 我发起的 / 抄送我的 lists."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from engine.runtime.hand_over import HandOver
from engine.pages.lists import Lists

from webui.http.services import services
from webui.api.contract import body, endpoint, query
from webui.api.requests import outcome_json, token_required
from webui.api.schemas.common import Outcome, Task
from webui.api.schemas.matters import CopiedMatters, StartedMatters
from webui.api.schemas.tasks import (Copied, CopyBody, DoneTasks, HandOverBody, ListQuery, ReturnBody, ReturnTargets,
                                     SignerBody, WithdrawBody)

bp = Blueprint("api_actions", __name__, url_prefix="/api/v1")


def _page() -> tuple[str | None, int, int]:
    page = query()
    return (page.q or "").strip() or None, page.limit, page.offset


@bp.post("/tasks/<int:task_id>/reassign")
@token_required
@endpoint(Task, json=HandOverBody)
def reassign(task_id: int):
    """转办: the task passes to another person for good, with the reason."""
    sent = body()
    return jsonify(HandOver(services().db).reassign(task_id, g.principal.username, sent.to, sent.reason).task)


@bp.post("/tasks/<int:task_id>/delegate")
@token_required
@endpoint(Task, json=HandOverBody)
def delegate(task_id: int):
    """委派: another person answers the task, and it comes back to the caller to complete."""
    sent = body()
    return jsonify(HandOver(services().db).delegate(task_id, g.principal.username, sent.to, sent.reason).task)


@bp.get("/tasks/<int:task_id>/return-targets")
@token_required
@endpoint(ReturnTargets)
def return_targets(task_id: int):
    """The earlier steps the task may be returned to, nearest first."""
    return jsonify(services().runtime.return_targets(task_id, g.principal.username))


@bp.post("/tasks/<int:task_id>/return")
@token_required
@endpoint(Outcome, json=ReturnBody)
def return_task(task_id: int):
    """驳回: the matter goes back to the previous step, or to ``to`` on the same path, with the reason."""
    sent = body()
    return outcome_json(services().runtime.return_task(task_id, g.principal.username, sent.reason, sent.to))


@bp.post("/tasks/<int:task_id>/withdraw")
@token_required
@endpoint(Outcome, json=WithdrawBody)
def withdraw(task_id: int):
    """撤回: take back a step the caller completed, while the next one is untouched."""
    return outcome_json(services().runtime.withdraw(task_id, g.principal.username, body().reason))


@bp.post("/tasks/<int:task_id>/add-signer")
@token_required
@endpoint(Outcome, json=SignerBody)
def add_signer(task_id: int):
    """加签: another person signs off before the caller answers, or after (the caller's data waits for them)."""
    sent = body()
    return outcome_json(services().runtime.add_signer(task_id, g.principal.username, sent.to, sent.position,
                                                      sent.reason, sent.data))


@bp.post("/instances/<int:instance_id>/copies")
@token_required
@endpoint(Copied, status=201, json=CopyBody)
def copy(instance_id: int):
    """抄送: the named people are told of the matter and may read it; the answer names who was newly added."""
    sent = body()
    added = HandOver(services().db).copy(instance_id, g.principal.username, sent.to, sent.note)
    return jsonify({"copied_to": added}), 201


@bp.get("/tasks/done")
@token_required
@endpoint(DoneTasks, query=ListQuery)
def done():
    """已办: steps the caller completed, newest first, each saying whether 撤回 would succeed now."""
    return jsonify(Lists(services().db).done(g.principal.username, *_page()))


@bp.get("/instances/started")
@token_required
@endpoint(StartedMatters, query=ListQuery)
def started():
    """我发起的: matters the caller started, newest first."""
    return jsonify(Lists(services().db).started(g.principal.username, *_page()))


@bp.get("/copies")
@token_required
@endpoint(CopiedMatters, query=ListQuery)
def copies():
    """抄送我的: matters copied to the caller, newest first."""
    return jsonify(Lists(services().db).copied(g.principal.username, *_page()))
