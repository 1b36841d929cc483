"""The powerflow web UI: a thin Flask layer over the engine."""
from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from engine.attachment_store import DEFAULT_MAX_BYTES, AttachmentStore
from engine.charts import Charts
from engine.database import Database
from engine.mailer import Mailer, SmtpSettings
from engine.runtime import Runtime
from engine.sandbox import pool as script_pool
from engine.scripting import DEFAULT_TIME_LIMIT

from .params import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


@dataclass
class Services:
    """The engine objects one app uses, built once from its configuration."""

    db: Database
    runtime: Runtime
    charts: Charts
    processes_dir: Path
    attachments: AttachmentStore
    mailer: Mailer | None = None


def _mailer(config, db: Database) -> Mailer | None:
    """SMTP delivery when SMTP_HOST is set; otherwise notifications stay in the app."""
    if not config.get("SMTP_HOST"):
        return None
    return Mailer(db, SmtpSettings(config["SMTP_HOST"], config["SMTP_PORT"], config["MAIL_FROM"],
                                   config["SMTP_USERNAME"], config["SMTP_PASSWORD"], config["SMTP_STARTTLS"],
                                   base_url=config["BASE_URL"].rstrip("/")))


MIN_SECRET_KEY = 32
_NEW_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


class ConfigurationError(Exception):
    """The app cannot start safely with this configuration; the message says what to set."""


def _secret_key(config, instance_path: Path) -> str:
    """The key signing sessions and tokens: configured, or (single-node SQLite demo only) a file under instance/."""
    key = config.get("SECRET_KEY")
    if key:
        if len(key) < MIN_SECRET_KEY:
            raise ConfigurationError(f"POWERFLOW_SECRET_KEY 太短：至少需要 {MIN_SECRET_KEY} 个字符（可用 {_NEW_KEY} 生成）")
        return key
    if not config["DATABASE_URL"].startswith("sqlite"):
        # Every node must sign with the same key, and a file under one node's instance/ is not shared.
        raise ConfigurationError(f"数据库不是内置的 SQLite（可能有多个节点同时服务），必须用环境变量 POWERFLOW_SECRET_KEY "
                                 f"设置各节点共用的密钥（至少 {MIN_SECRET_KEY} 个字符，可用 {_NEW_KEY} 生成）")
    return _generated_key(instance_path)


def _generated_key(instance_path: Path) -> str:
    path = instance_path / "secret_key"
    try:  # O_EXCL: when several workers start at once, exactly one writes the key and all read it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)  # the writer has created the file but not yet written it
    raise RuntimeError(f"{path} is empty")


def _number(name: str, default: float, what: str, low: float, high: float | None = None,
            integer: bool = False) -> float:
    """A numeric setting from the environment (a whole number if ``integer``), refused at start when out of range."""
    try:
        value = (int if integer else float)(os.environ.get(name) or default)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        bound = f"{low:g} 到 {high:g} 之间的" if high is not None else f"不小于 {low:g} 的"
        raise ConfigurationError(f"{name} 必须是{bound}{'整数' if integer else '数'}（{what}）")
    return value


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration from ``test_config`` or the environment; ConfigurationError if unsafe."""
    from . import json_limits  # like the blueprints, imported once the package itself is
    instance_dir = os.environ.get("POWERFLOW_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance_dir) if instance_dir else None)
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'powerflow.sqlite'}",
        PROCESSES_DIR=os.environ.get("POWERFLOW_PROCESSES_DIR") or str(PROJECT_ROOT / "processes"),
        NODE_MODULES=os.environ.get("POWERFLOW_NODE_MODULES") or str(PROJECT_ROOT / "node_modules"),
        SECRET_KEY=os.environ.get("POWERFLOW_SECRET_KEY"),
        TOKEN_MAX_AGE=_number("POWERFLOW_TOKEN_MAX_AGE", 8 * 3600, "令牌有效的秒数，默认 28800 即 8 小时", 1,
                              integer=True),
        SCRIPT_TIME_LIMIT=_number("POWERFLOW_SCRIPT_TIME_LIMIT", DEFAULT_TIME_LIMIT, "一个脚本最多运行的秒数，默认 1",
                                  0.05, 60),
        SCRIPT_MEMORY_MB=_number("POWERFLOW_SCRIPT_MEMORY_MB", script_pool.DEFAULT_MEMORY_MB,
                                 "脚本进程的内存上限（MB），默认 256", 64, 4096, integer=True),
        JSON_MAX_DEPTH=_number("POWERFLOW_JSON_MAX_DEPTH", json_limits.DEFAULT_MAX_DEPTH,
                               "JSON 请求体最多嵌套的层数，默认 64", 1, integer=True),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_AS_ASCII=False,
        ATTACHMENTS_DIR=os.environ.get("POWERFLOW_ATTACHMENTS_DIR") or str(instance_path / "attachments"),
        ATTACHMENT_MAX_BYTES=int(os.environ.get("POWERFLOW_ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES),
        SMTP_HOST=os.environ.get("POWERFLOW_SMTP_HOST"),
        SMTP_PORT=int(os.environ.get("POWERFLOW_SMTP_PORT") or 25),
        SMTP_USERNAME=os.environ.get("POWERFLOW_SMTP_USERNAME"),
        SMTP_PASSWORD=os.environ.get("POWERFLOW_SMTP_PASSWORD"),
        SMTP_STARTTLS=os.environ.get("POWERFLOW_SMTP_STARTTLS") == "1",
        MAIL_FROM=os.environ.get("POWERFLOW_MAIL_FROM") or "powerflow@localhost",
        BASE_URL=os.environ.get("POWERFLOW_BASE_URL") or "http://127.0.0.1:5000",
        HTTPS=os.environ.get("POWERFLOW_HTTPS") == "1",
        TRUSTED_PROXIES=int(os.environ.get("POWERFLOW_TRUSTED_PROXIES") or 0),
    )
    if test_config:
        app.config.update(test_config)
    app.config["SECRET_KEY"] = _secret_key(app.config, instance_path)
    app.json.ensure_ascii = False

    script_pool.configure(app.config["SCRIPT_MEMORY_MB"])
    db = Database(app.config["DATABASE_URL"])
    app.extensions["powerflow"] = Services(
        db=db, runtime=Runtime(db, script_time_limit=app.config["SCRIPT_TIME_LIMIT"]), charts=Charts(db), processes_dir=Path(app.config["PROCESSES_DIR"]),
        attachments=AttachmentStore(app.config["ATTACHMENTS_DIR"], app.config["ATTACHMENT_MAX_BYTES"]),
        mailer=_mailer(app.config, db))
    csrf.init_app(app)
    app.url_map.converters["int"] = IdConverter

    from . import (actions, api, api_actions, api_designs, api_discussion, api_import, audit, auth, discussion,
                   errors, flow, inbox, labels, language, live_chart, matters, minutes, modeler, notifications,
                   processes, public, security, tasks, times, vendor)
    auth.init_app(app)
    language.init_app(app)
    labels.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    json_limits.init_app(app)
    for module in (auth, inbox, tasks, matters, processes, notifications, vendor, api, api_designs, api_actions, api_import,
                   audit, public, modeler, actions, flow, discussion, api_discussion, language, live_chart, minutes):
        app.register_blueprint(module.bp)
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("POWERFLOW_RATELIMIT_STORAGE", "memory://"))
    public.limiter.init_app(app)
    csrf.exempt(api.bp)
    csrf.exempt(api_designs.bp)
    csrf.exempt(api_discussion.bp)
    csrf.exempt(api_actions.bp)  # the API authenticates with bearer tokens, not cookies
    csrf.exempt(api_import.bp)
    app.add_url_rule("/", endpoint="index", view_func=inbox.index)
    times.init_app(app)
    return app


def services() -> Services:
    """The engine services of the current app (for views only)."""
    from flask import current_app
    return current_app.extensions["powerflow"]

