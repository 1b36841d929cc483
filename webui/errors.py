"""Error pages and JSON errors: every failure a user can cause gets a clear 4xx, never a traceback."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.designs import DesignRejected
from engine.logins import LockedOut
from engine.errors import (Conflict, DefinitionError, Forbidden, FormInvalid, NotFound, PowerflowError,
                           ScriptRefused)

STATUS = {LockedOut: 429, DesignRejected: 422, NotFound: 404, Forbidden: 403, Conflict: 409, FormInvalid: 422, DefinitionError: 400, ScriptRefused: 400}
MESSAGES = {400: "请求有误", 401: "请先登录", 403: "您无权进行此操作", 404: "没有找到该页面或事项",
            405: "不支持该请求方式", 409: "数据已被他人更改", 413: "提交的内容过大", 422: "提交的数据不符合要求",
            429: "提交过于频繁，请稍后再试",
            500: "服务器内部错误"}


def status_of(error: PowerflowError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def respond(status: int, message: str, errors: dict | None = None):
    if wants_json():
        body = {"error": message} | ({"errors": errors} if errors else {})
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, errors=errors or {}), status


def init_app(app) -> None:
    @app.errorhandler(PowerflowError)
    def _engine_error(error: PowerflowError):
        return respond(status_of(error), str(error), getattr(error, "errors", None))

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return respond(400, "表单已过期或来源不可信，请刷新页面后重试")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return respond(error.code or 500, MESSAGES.get(error.code or 500, error.description or ""))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unexpected error")
        return respond(500, MESSAGES[500])
