"""JSON API for an administrator's webhook subscriptions (管理员 only)."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, g, jsonify

from webui.api.requests import json_body, token_required
from webui.http.services import services
from webui.http.times import beijing

bp = Blueprint("api_webhooks", __name__, url_prefix="/api/v1")


def _json(subscription) -> dict:
    body = asdict(subscription) | {"events": list(subscription.events), "created_at": beijing(subscription.created_at).isoformat()}
    if body["secret"] is None:
        body.pop("secret")  # shown once, when the subscription is made
    return body


@bp.get("/webhooks")
@token_required
def webhooks():
    return jsonify([_json(s) for s in services().webhooks().listed(g.principal.username)])


@bp.post("/webhooks")
@token_required
def subscribe():
    body = json_body()
    made = services().webhooks().subscribe(g.principal.username, body.get("url"), body.get("events"))
    return jsonify(_json(made)), 201


@bp.delete("/webhooks/<int:subscription_id>")
@token_required
def switch_off(subscription_id: int):
    return jsonify(_json(services().webhooks().switch_off(g.principal.username, subscription_id)))
