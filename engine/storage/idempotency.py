"""One-time form tokens: a create form carries a token, recorded with what it created in the same
transaction, so a reload, a back-and-resubmit or a double click returns the thing already created.

A concurrent second submission blocks on the token's primary key and fails with IntegrityError when
the first commits; ``once`` then reads what the first one created.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.storage.database import Database
from engine.errors import Conflict
from engine.models import FormSubmission

FIELD = "form_token"  # the hidden field's name in every create form
_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    """A fresh token for one rendering of a create form."""
    return secrets.token_urlsafe(24)


def usable(token: object) -> str | None:
    """The token when it looks like one we issue; anything else means "no protection asked for"."""
    return token if isinstance(token, str) and _SHAPE.fullmatch(token) else None


def find(session: Session, kind: str, token: str | None, user_id: int | None) -> str | None:
    """What this user's submission with this token created, or None."""
    if not token:
        return None
    found = session.get(FormSubmission, token)
    if found is None or found.kind != kind or found.user_id != user_id:
        return None
    return found.result


def record(session: Session, kind: str, token: str | None, user_id: int | None, result: object,
           now: datetime) -> None:
    """Remember, in the caller's transaction, that this token created ``result`` (nothing without a token)."""
    if token:
        session.add(FormSubmission(token=token, kind=kind, user_id=user_id, result=str(result), created_at=now))
        session.flush()  # take the key now: a concurrent duplicate waits here, not after the work


def once(db: Database, kind: str, token: object, user_id: int | None, create: Callable[[str | None], object]
         ) -> tuple[str, bool]:
    """Run ``create(token)`` (which must ``record`` the token) unless the token was used: (result, created)."""
    token = usable(token)
    with db.reader() as session:
        earlier = find(session, kind, token, user_id)
    if earlier is not None:
        return earlier, False
    try:
        return str(create(token)), True
    except IntegrityError:
        if token is None:
            raise
        with db.reader() as session:
            earlier = find(session, kind, token, user_id)
        if earlier is None:  # the token belongs to another form or person
            raise Conflict("form.sent_by_another") from None
        return earlier, False
