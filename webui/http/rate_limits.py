"""The rate limiter for sign-in, the public mailbox and lookups: one Limiter, bound to each app at start."""
from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

MEMORY = "memory://"


def _client_key() -> str:
    app = current_app._get_current_object()
    if app.config["RATELIMIT_STORAGE_URI"].startswith(MEMORY):
        # Per app as well as per address, so two apps in one process (tests, say) never share counts.
        return f"{id(app)}:{get_remote_address()}"
    # Shared storage (Redis): every node and worker counts the same client under the same key.
    return get_remote_address()


# Flask-Limiter's documented pattern: one Limiter, bound to each app by init_app; storage from
# RATELIMIT_STORAGE_URI (memory:// by default, counted per worker process; a Redis URL shares the counts
# between workers and nodes, which `powerflow serve` requires on PostgreSQL with more than one worker).
limiter = Limiter(key_func=_client_key)


def shared(app) -> bool:
    """Whether the app's counts are shared between processes (not kept in each process's memory)."""
    return not app.config["RATELIMIT_STORAGE_URI"].startswith(MEMORY)
