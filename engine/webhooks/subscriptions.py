"""An administrator's webhook subscriptions: a URL, the kinds of events it hears, and its signing secret."""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.directory.access import require_admin
from engine.errors import FormInvalid, Msg, NotFound
from engine.models import WebhookDelivery, WebhookSubscription
from engine.webhooks.events import KINDS


@dataclass(frozen=True)
class Subscription:
    """A subscription as an administrator sees it (the secret only once, when it is made)."""

    id: int
    url: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime
    waiting: int  # deliveries not yet delivered nor given up
    failed: int  # deliveries given up after the last retry
    secret: str | None = None


def _checked(url: object, events: object) -> tuple[str, list[str]]:
    errors = {}
    parsed = urlparse(url) if isinstance(url, str) else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 2048:
        errors["url"] = Msg("webhook.bad_url")
    if not isinstance(events, list) or not events or not all(isinstance(e, str) and e in KINDS for e in events):
        errors["events"] = Msg("webhook.bad_events", kinds=", ".join(KINDS))
    if errors:
        raise FormInvalid(errors)
    return url, list(dict.fromkeys(events))


def _view(session: Session, row: WebhookSubscription, secret: str | None = None) -> Subscription:
    counts = dict(session.execute(
        select(WebhookDelivery.failed_at.is_not(None), func.count()).where(
            WebhookDelivery.subscription_id == row.id, WebhookDelivery.delivered_at.is_(None))
        .group_by(WebhookDelivery.failed_at.is_not(None))).all())
    return Subscription(row.id, row.url, tuple(row.events), row.active, row.created_at, counts.get(False, 0),
                        counts.get(True, 0), secret)


def subscribe(session: Session, username: str, url: object, events: object) -> Subscription:
    """A new subscription of ``url`` to ``events``, with a new secret returned this once."""
    admin = require_admin(session, username, "webhook.admin_only")
    url, events = _checked(url, events)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    row = WebhookSubscription(url=url, events=events, secret=secret, active=True,
                              created_by_id=admin.id)
    session.add(row)
    session.flush()
    return _view(session, row, secret)


def listed(session: Session, username: str) -> list[Subscription]:
    """Every subscription, oldest first."""
    require_admin(session, username, "webhook.admin_only")
    return [_view(session, row) for row in session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))]


def switch_off(session: Session, username: str, subscription_id: int) -> Subscription:
    """Stop a subscription: nothing more is written for it, and what waits is not sent."""
    require_admin(session, username, "webhook.admin_only")
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFound("webhook.missing", id=subscription_id)
    row.active = False
    session.flush()
    return _view(session, row)


class WebhookAdmin:
    """The administrator's actions, each one transaction (the web layer and the CLI call these)."""

    def __init__(self, db):
        self.db = db

    def subscribe(self, username: str, url: object, events: object) -> Subscription:
        """Subscribe ``url``; the answer carries the signing secret, shown this once."""
        with self.db.transaction() as session:
            return subscribe(session, username, url, events)

    def listed(self, username: str) -> list[Subscription]:
        """Every subscription with what waits and what was given up."""
        with self.db.reader() as session:
            return listed(session, username)

    def switch_off(self, username: str, subscription_id: int) -> Subscription:
        """Stop a subscription."""
        with self.db.transaction() as session:
            return switch_off(session, username, subscription_id)
