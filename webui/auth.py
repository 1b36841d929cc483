"""Login and logout (Flask-Login, Argon2 hashes) and bearer tokens for the API."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from engine.directory import AUDITOR_ROLES, Directory
from engine.logins import LockedOut, sign_in
from engine.models import utcnow

from . import services
from .public import limiter

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"


@dataclass
class Principal(UserMixin):
    """The signed-in user as the web layer sees it: a snapshot, not a database row."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]

    def get_id(self) -> str:
        return str(self.id)

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


@login_manager.user_loader
def _load(user_id: str) -> Principal | None:
    with services().db.reader() as session:
        user = Directory(session).by_id(int(user_id)) if user_id.isdigit() else None
        if user is None or not user.active:
            return None
        return Principal(user.id, user.username, user.display_name, tuple(user.role_names))


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=256)])


def init_app(app) -> None:
    login_manager.init_app(app)


def check_password(username: str, password: str) -> Principal | None:
    """Sign in (one transaction: failures are counted, the lock-out may start); LockedOut when locked."""
    with services().db.transaction() as session:
        user = sign_in(session, username, password, utcnow())
        return user and Principal(user.id, user.username, user.display_name, tuple(user.role_names))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("LOGIN_RATE_LIMIT", "30 per minute"), methods=["POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            principal = check_password(form.username.data.strip(), form.password.data)
        except LockedOut as locked:
            form.password.errors.append(str(locked))
            return render_template("login.html", form=form), 429
        if principal:
            login_user(principal)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("index"))
        form.password.errors.append("用户名或密码不正确")
    if request.method == "POST" and form.errors:
        status = 400
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("您已退出登录")
    return redirect(url_for("auth.login"))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="powerflow-api-token")


def issue_token(principal: Principal) -> str:
    """A signed bearer token naming the user; it expires after TOKEN_MAX_AGE seconds."""
    return _serializer().dumps({"u": principal.id})


def principal_from_token(token: str) -> Principal | None:
    try:
        payload = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    return _load(str(payload.get("u", "")))


def current_principal() -> Principal:
    return current_user._get_current_object()  # type: ignore[attr-defined]
