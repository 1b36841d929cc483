"""Sending the outbox: each delivery signed (Standard Webhooks headers), retried with backoff, in order per matter.

A delivery is sent only when no earlier one for the same subscription and matter is still waiting, so a
receiver hears each matter's events in the order they happened even across retries; other matters go on.
The row is locked while it is sent, so two workers never send it twice; a receiver that answers 2xx is
never sent it again, and one whose answer was lost gets it again under the same webhook-id (its dedup key).
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased
from standardwebhooks.webhooks import Webhook

from engine.models import WebhookDelivery, WebhookSubscription
from engine.storage.database import Database

log = logging.getLogger("powerflow.webhooks")
# Seconds to wait after each failed attempt; after the last, the delivery is given up (and stays on record).
BACKOFF = (5, 30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)
TIMEOUT = 10  # seconds for a receiver to answer


def _first_in_line():
    earlier = aliased(WebhookDelivery)
    waiting = and_(WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None))
    blocked = exists().where(earlier.subscription_id == WebhookDelivery.subscription_id,
                             earlier.instance_id == WebhookDelivery.instance_id, earlier.id < WebhookDelivery.id,
                             earlier.delivered_at.is_(None), earlier.failed_at.is_(None))
    return waiting, blocked


def due(session: Session, now: datetime, limit: int) -> list[int]:
    """Ids of deliveries due now and first in line for their subscription and matter, oldest first."""
    waiting, blocked = _first_in_line()
    return list(session.scalars(select(WebhookDelivery.id).where(waiting, ~blocked,
                                                                 WebhookDelivery.next_attempt_at <= now)
                                .order_by(WebhookDelivery.id).limit(limit)))


def signed_request(delivery: WebhookDelivery, secret: str, url: str, at: datetime) -> urllib.request.Request:
    """The POST a receiver gets: the JSON payload and the webhook-id, -timestamp and -signature headers."""
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    signature = Webhook(secret).sign(delivery.message_id, at, body)
    return urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "powerflow-webhooks",
        "webhook-id": delivery.message_id, "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature})


def _send_one(db: Database, delivery_id: int, now: datetime) -> bool:
    with db.transaction() as session:
        delivery = session.scalar(select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None)).with_for_update(skip_locked=True))
        if delivery is None:
            return False
        subscription = session.get(WebhookSubscription, delivery.subscription_id)
        if not subscription.active:
            delivery.failed_at, delivery.last_error = now, "the subscription was switched off"
            return False
        delivery.attempts += 1
        try:
            with urllib.request.urlopen(signed_request(delivery, subscription.secret, subscription.url,
                                                       datetime.now(timezone.utc)), timeout=TIMEOUT) as answer:
                answer.read(65536)
        except (urllib.error.URLError, OSError, ValueError) as exc:  # HTTPError (non-2xx) is a URLError
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts > len(BACKOFF):
                delivery.failed_at = now
            else:
                delivery.next_attempt_at = now + timedelta(seconds=BACKOFF[delivery.attempts - 1])
            log.warning("webhook %s to subscription %s failed (attempt %s): %s", delivery.message_id,
                        delivery.subscription_id, delivery.attempts, delivery.last_error)
            return False
        delivery.delivered_at, delivery.last_error = now, None
        return True


def deliver_due(db: Database, now: datetime | None = None, limit: int = 50) -> int:
    """Send the deliveries due now, each first in line for its matter; returns how many were delivered."""
    now = now or datetime.now(timezone.utc)
    sent = 0
    while True:  # a delivered event may free the next one of its matter in the same round
        with db.reader() as session:
            ids = due(session, now, limit)
        if not ids:
            return sent
        round_sent = sum(_send_one(db, delivery_id, now) for delivery_id in ids)
        sent += round_sent
        if round_sent == 0:
            return sent
