"""Models of webhook subscriptions (管理员 only)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from pydantic import Field, RootModel

from engine.webhooks.events import KINDS

from webui.api.schemas.common import Answer, Body

EventKind = Literal[KINDS]  # type: ignore[valid-type]


class SubscriptionBody(Body):
    url: Optional[str] = Field(None, max_length=2048, pattern=r"^https?://[^/?#\s]+",
                               description="an http or https address that receives the events")
    events: Optional[list[EventKind]] = Field(None, min_length=1, description="the kinds of event it receives")


class Subscription(Answer):
    id: int
    url: str
    events: list[EventKind]
    active: bool
    created_at: datetime
    waiting: int = Field(description="deliveries not yet delivered nor given up")
    failed: int = Field(description="deliveries given up after the last retry")
    secret: Optional[str] = Field(None, description="the signing secret, shown once: when the subscription is made")


class Subscriptions(RootModel[list[Subscription]]):
    """Every subscription, newest first."""
