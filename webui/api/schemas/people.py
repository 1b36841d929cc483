"""Models of signing in and of people: tokens, revocation, notifications and their settings, comments."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pydantic import Field, RootModel

from engine.directory.logins import MAX_NAME

from webui.api.schemas.common import Answer, Body, Text


class TokenBody(Body):
    username: str = Field(min_length=1, max_length=MAX_NAME)
    password: str = Field(min_length=1, max_length=1024)


class Token(Answer):
    token: str
    token_type: str = Field(description="Bearer")
    expires_in: int = Field(description="seconds until it expires")


class Revoked(Answer):
    username: str
    revoked: bool


class Notification(Answer):
    id: int
    kind: str
    title: str
    body: str
    message: Optional[dict[str, Any]] = Field(description='{"title"|"body": {"code", "params"}}: the text by its codes')
    instance_id: Optional[int]
    created_at: datetime
    read: bool


class Notifications(RootModel[list[Notification]]):
    """The caller's notifications (meetings, urgings, reminders), newest first."""


class Channels(Answer):
    in_app: bool
    email: bool


class Settings(Answer):
    email: Text
    kinds: Optional[dict[str, str]] = Field(None, description="each kind of notification and its name")
    settings: dict[str, Channels]


class SettingsBody(Body):
    email: Optional[str] = Field(None, max_length=255, description="where mail goes; null for none")
    settings: dict[str, dict[str, bool]] = Field(default_factory=dict,
                                                 description='by kind: {"in_app": true/false, "email": true/false}')


class Attachment(Answer):
    id: int
    filename: str
    content_type: str
    size: int


class Comment(Answer):
    id: int
    author: str
    author_name: str
    body: str
    created_at: datetime
    attachments: list[Attachment]


class Comments(RootModel[list[Comment]]):
    """A matter's comments, oldest first."""


class CommentBody(Body):
    body: Any = Field(None, description="the comment's text (or a multipart form with body and files)")


class FollowBody(Body):
    follow: bool = True


class Following(Answer):
    following: bool
