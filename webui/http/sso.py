"""Signing in through an OpenID Connect provider (Authlib): authorization code with PKCE (S256), the ID token
checked against the provider's published keys, its issuer, audience and nonce; then the engine keeps the account.

Authlib (with requests and cryptography) is imported only when a provider is configured: without one, no
worker carries it.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from engine.errors import FormInvalid

from webui.http.auth import principal_of
from webui.http.errors import engine_text
from webui.http.redirects import is_local_path
from webui.http.services import services

bp = Blueprint("sso", __name__)
NEXT = "sso_next"  # session key: where to go once signed in


def enabled() -> bool:
    """Whether an OpenID Connect provider is configured."""
    return bool(current_app.config.get("OIDC_ISSUER"))


def init_app(app) -> None:
    """Register the provider (its discovery document is read on first use) when OIDC_ISSUER is set."""
    app.jinja_env.globals["sso_enabled"] = enabled
    if not app.config.get("OIDC_ISSUER"):
        return
    from authlib.integrations.flask_client import OAuth
    oauth = app.extensions["powerflow_sso"] = OAuth(app)
    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    oauth.register("provider", client_id=app.config["OIDC_CLIENT_ID"], client_secret=app.config["OIDC_CLIENT_SECRET"],
                   server_metadata_url=f"{issuer}/.well-known/openid-configuration", overwrite=True,
                   client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256"})


def _provider():
    return current_app.extensions["powerflow_sso"].provider


@bp.get("/login/sso")
def start():
    """Send the visitor to the provider's sign-in page."""
    if not enabled():
        return redirect(url_for("auth.login"))
    target = request.args.get("next", "")
    session[NEXT] = target if is_local_path(target) else ""
    return _provider().authorize_redirect(url_for("sso.callback", _external=True))


@bp.get("/login/sso/callback")
def callback():
    """The provider sends the visitor back with a code: exchange it, check the ID token, sign in."""
    if not enabled():
        return redirect(url_for("auth.login"))
    from authlib.common.errors import AuthlibBaseError
    try:
        token = _provider().authorize_access_token()
        claims = token.get("userinfo") or _provider().userinfo()
        identity = services().sign_in_federated(claims, current_app.config["OIDC_ISSUER"].rstrip("/"))
    except (AuthlibBaseError, KeyError) as error:  # a forged or replayed answer, a state that does not match
        current_app.logger.warning("single sign-on refused: %s", type(error).__name__)
        flash(_("统一身份认证未能完成，请重新登录"))
        return redirect(url_for("auth.login"))
    except FormInvalid as error:
        flash(" ".join(engine_text(m) for m in error.errors.values()))
        return redirect(url_for("auth.login"))
    login_user(principal_of(identity))
    return redirect(session.pop(NEXT, "") or url_for("index"))
