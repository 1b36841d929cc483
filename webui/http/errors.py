"""Error pages and JSON errors: every failure a user can cause gets a clear 4xx, never a traceback."""
from __future__ import annotations

from datetime import date, datetime

from flask import jsonify, render_template, request
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.process.designs import DesignRejected
from engine.directory.logins import LockedOut
from engine.directory.ldap_source import DirectoryUnavailable
from engine.errors import (Conflict, DefinitionError, Forbidden, FormInvalid, Msg, NotFound, PowerflowError,
                           ScriptRefused)
from engine.messages import MESSAGES

from webui.http.times import format_date, format_datetime

STATUS = {LockedOut: 429, DirectoryUnavailable: 503, DesignRejected: 422, NotFound: 404, Forbidden: 403, Conflict: 409, FormInvalid: 422, DefinitionError: 400, ScriptRefused: 400}
HTTP_MESSAGES = {400: _l("请求有误"), 401: _l("请先登录"), 403: _l("您无权进行此操作"), 404: _l("没有找到该页面或事项"),
                 405: _l("不支持该请求方式"), 409: _l("数据已被他人更改"), 413: _l("提交的内容过大"),
                 422: _l("提交的数据不符合要求"), 429: _l("提交过于频繁，请稍后再试"), 500: _l("服务器内部错误")}


def engine_text(message) -> str:
    """An engine message in the request's language: by its code, else by its Chinese text if the catalog has it."""
    code = getattr(message, "code", None)
    if code is None:
        return gettext(str(message)) if message else ""
    return gettext(MESSAGES[code]).format(**{name: _param(value) for name, value in message.params.items()})


def _param(value):
    """A message's parameter as the reader should see it: nested messages translated, days and times local."""
    if isinstance(value, Msg):
        return engine_text(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return value


def field_errors(errors: dict | None) -> dict[str, str]:
    """Per-field engine messages in the request's language."""
    return {name: engine_text(message) for name, message in (errors or {}).items()}


def _plain(value):
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)


def status_of(error: PowerflowError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def problem_list(error: PowerflowError) -> list[dict]:
    """A refused design's problems, each {element, name, message}, in the request's language (others have none)."""
    return [{**d, "message": engine_text(d["message"])} for d in getattr(error, "details", None) or []]


def json_error(status: int, message: str, code: str, fields: dict | None = None, params: dict | None = None,
               **extra):
    """An API error: {"error", "code", "params", "fields"}; "errors" repeats "fields" for clients of API v1.0."""
    fields = fields or {}
    body = {"error": str(message), "code": code, "params": params or {}, "fields": fields} \
        | ({"errors": fields} if fields else {}) | extra
    return jsonify(body), status


def respond(status: int, message: str, errors: dict | None = None, error: PowerflowError | None = None,
            code: str | None = None, params: dict | None = None):
    """The error page, or for the API the JSON error (and a refused design's "problems")."""
    message = str(message)
    if wants_json():
        if error is None or not error.code:
            return json_error(status, message, code or f"http.{status}", errors, params)
        problems = problem_list(error)  # errors are keyed by element id; each problem also names the element
        return json_error(status, message, error.code, errors, {k: _plain(v) for k, v in error.params.items()},
                          **({"problems": problems} if problems else {}))
    return render_template("error.html", status=status, message=message, errors=errors or {}), status


def init_app(app) -> None:
    app.jinja_env.filters["engine_text"] = engine_text
    @app.errorhandler(PowerflowError)
    def _engine_error(error: PowerflowError):
        return respond(status_of(error), engine_text(error.msg), field_errors(getattr(error, "errors", None)), error)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return respond(400, gettext("表单已过期或来源不可信，请刷新页面后重试"), code="csrf.invalid")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return respond(error.code or 500, HTTP_MESSAGES.get(error.code or 500, error.description or ""))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unexpected error")
        return respond(500, HTTP_MESSAGES[500])
