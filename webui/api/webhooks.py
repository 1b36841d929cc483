"""JSON API for an administrator's webhook subscriptions (管理员 only)."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, g, jsonify

from webui.api.contract import body, endpoint
from webui.api.requests import token_required
from webui.api.schemas.webhooks import Subscription, SubscriptionBody, Subscriptions
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
@endpoint(Subscriptions)
def webhooks():
    """Every webhook subscription with its deliveries waiting and given up (管理员 only)."""
    return jsonify([_json(s) for s in services().webhooks().listed(g.principal.username)])


@bp.post("/webhooks")
@token_required
@endpoint(Subscription, status=201, json=SubscriptionBody)
def subscribe():
    """Subscribe an address to kinds of event; the answer carries the signing secret, shown only this once."""
    sent = body()
    made = services().webhooks().subscribe(g.principal.username, sent.url, sent.events)
    return jsonify(_json(made)), 201


@bp.delete("/webhooks/<int:subscription_id>")
@token_required
@endpoint(Subscription)
def switch_off(subscription_id: int):
    """Switch a subscription off: nothing more is sent to it."""
    return jsonify(_json(services().webhooks().switch_off(g.principal.username, subscription_id)))
