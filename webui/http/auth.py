"""Login and logout (Flask-Login, Argon2 hashes) and bearer tokens for the API."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from engine.directory.people import AUDITOR_ROLES
from engine.directory.logins import Identity, LockedOut, sign_in, signed_in

from webui.http.services import services
from webui.http.rate_limits import limiter
from webui.http.redirects import is_local_path

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("请先登录")


@dataclass
class Principal(UserMixin):
    """The signed-in user as the web layer sees it: a snapshot, not a database row."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    generation: int = 0  # users.token_generation when signed in

    def get_id(self) -> str:
        # The generation rides in the session cookie: raising it (sign out everywhere) ends every session.
        return f"{self.id}:{self.generation}"

    @property
    def is_auditor(self) -> bool:
        return bool(AUDITOR_ROLES & set(self.roles))


def roles_required(roles: set[str] | frozenset[str]):
    """Views for holders of any of ``roles`` only: others get 403, anonymous visitors the login page."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not roles & set(current_user.roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def principal_of(found: Identity) -> Principal:
    """The web layer's snapshot of a signed-in identity."""
    return Principal(found.id, found.username, found.display_name, found.roles, found.token_generation)


def _current(user_id: int, generation: int) -> Principal | None:
    """The active user ``user_id``, if nobody signed it out everywhere since ``generation`` was read."""
    found = signed_in(services().db, user_id, generation)
    return found and principal_of(found)


@login_manager.user_loader
def _load(session_id: str) -> Principal | None:
    user_id, _colon, generation = session_id.partition(":")
    generation = generation or "0"  # sessions from before generations: ended by the first sign-out everywhere
    if not (user_id.isdecimal() and generation.isdecimal() and len(user_id) <= 10 and len(generation) <= 10):
        return None
    return _current(int(user_id), int(generation))


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=256)])


def init_app(app) -> None:
    login_manager.init_app(app)


def check_password(username: str, password: str) -> Principal | None:
    """Sign in from the caller's address (the throttle is charged first); LockedOut while the name must wait."""
    engine = services()
    user = sign_in(engine.db, username, password, request.remote_addr, engine.runtime.clock(),
                   directory=engine.directory, passwords=engine.password_sign_in)
    return user and principal_of(user)


def refusal(locked: LockedOut) -> tuple[str, dict[str, str]]:
    """The message for a throttled attempt, alike for every name, and its Retry-After header."""
    message = _("用户名或密码不正确，或尝试过于频繁，请 %(n)d 分钟后再试", n=locked.minutes)
    return message, {"Retry-After": str(locked.seconds)}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            principal = check_password(form.username.data.strip(), form.password.data)
        except LockedOut as locked:
            message, headers = refusal(locked)
            form.password.errors.append(message)
            return render_template("login.html", form=form), 429, headers
        if principal:
            login_user(principal)
            target = request.args.get("next", "")
            return redirect(target if is_local_path(target) else url_for("index"))
        form.password.errors.append(_("用户名或密码不正确"))
    if request.method == "POST" and form.errors:
        status = 400
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("您已退出登录"))
    return redirect(url_for("auth.login"))


class _ClockSigner(TimestampSigner):
    """Token times from the runtime's clock, the one every other deadline of the app follows."""

    def get_timestamp(self) -> int:
        return int(services().runtime.clock().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="powerflow-api-token", signer=_ClockSigner)


def issue_token(principal: Principal) -> str:
    """A signed bearer token naming the user and its token generation; it expires after TOKEN_MAX_AGE seconds."""
    return _serializer().dumps({"u": principal.id, "g": principal.generation})


def principal_from_token(token: str) -> Principal | None:
    """The token's user while the token is unexpired, unrevoked and the user active; else None."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except BadSignature:  # also SignatureExpired
        return None
    user_id, generation = (payload.get("u"), payload.get("g", 0)) if isinstance(payload, dict) else (None, None)
    if not isinstance(user_id, int) or not isinstance(generation, int):
        return None
    return _current(user_id, generation)


def current_principal() -> Principal:
    return current_user._get_current_object()  # type: ignore[attr-defined]
