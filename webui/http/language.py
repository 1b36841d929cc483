"""Chinese by default, English on request: the chosen language lives in the session."""
from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for
from flask_babel import Babel

from webui.http.redirects import is_local_path

LANGUAGES = {"zh": "中文", "en": "English"}
TIME_ZONE = "Asia/Shanghai"

bp = Blueprint("language", __name__)
babel = Babel()


def chosen_locale() -> str:
    """The session's language; for the API, the Accept-Language header; else Chinese (the working language)."""
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    if request.path.startswith("/api/"):  # pages stay Chinese until chosen, whatever the browser prefers
        return request.accept_languages.best_match(list(LANGUAGES), default="zh")
    return "zh"


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIME_ZONE)
    babel.init_app(app, locale_selector=chosen_locale, timezone_selector=lambda: TIME_ZONE)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=chosen_locale)


@bp.get("/language/<code>")
def choose(code: str):
    """Switch the interface language and go back where the user was (same site only)."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.args.get("next") or ""
    return redirect(target if is_local_path(target) else url_for("index"))
