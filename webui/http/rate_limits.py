"""The rate limiter for sign-in, the public mailbox and lookups: one Limiter, bound to each app at start."""
from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _client_key() -> str:
    # Per app as well as per address, so two apps in one process (tests, say) never share counts.
    return f"{id(current_app._get_current_object())}:{get_remote_address()}"


# Flask-Limiter's documented pattern: one Limiter, bound to each app by init_app; storage from
# RATELIMIT_STORAGE_URI (memory:// by default; a Redis URL shares the counts between workers).
limiter = Limiter(key_func=_client_key)
