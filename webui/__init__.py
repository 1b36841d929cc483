"""The powerflow web UI: a thin Flask layer over the engine."""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from engine.errors import DefinitionError
from engine.system import build

from webui.config import MIN_SECRET_KEY, ConfigurationError, load, setting
from webui.http.params import IdConverter
from webui.http.services import services  # noqa: F401 (the views' door to the engine, re-exported)

__all__ = ["ConfigurationError", "create_app", "services"]

csrf = CSRFProtect()
_NEW_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


def _secret_key(config, instance_path: Path) -> str:
    """The key signing sessions and tokens: configured, or (single-node SQLite demo only) a file under instance/."""
    key = config.get("SECRET_KEY")
    if key:
        return setting("SECRET_KEY").parse(key)  # also a key given by test_config
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


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration from ``test_config`` or the environment; ConfigurationError if unsafe."""
    from webui.http import json_limits  # like the blueprints, imported once the package itself is
    instance_dir = os.environ.get("POWERFLOW_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance_dir) if instance_dir else None)
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        load(instance_path),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.config["SECRET_KEY"] = _secret_key(app.config, instance_path)
    app.json.ensure_ascii = False

    try:
        app.extensions["powerflow"] = build(app.config)
    except DefinitionError as error:  # the directory mapping file: named with the key that is wrong
        raise ConfigurationError(str(error)) from None
    csrf.init_app(app)
    app.url_map.converters["int"] = IdConverter

    from webui.api import actions as api_actions, core as api, designs as api_designs
    from webui.api import discussion as api_discussion, importing as api_import, webhooks as api_webhooks
    from webui.http import auth, errors, labels, language, observability, rate_limits, security, sso, times, vendor
    from webui.pages import (actions, discussion, flow, inbox, ledger, live_chart, matters, minutes, modeler,
                             notifications, oversight, processes, public, reports, tasks)
    observability.init_app(app)  # first: the request id is bound before anything else may log or audit
    auth.init_app(app)
    sso.init_app(app)
    language.init_app(app)
    labels.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    json_limits.init_app(app)
    for module in (auth, inbox, tasks, matters, processes, notifications, vendor, api, api_designs, api_actions, api_import,
                   oversight, public, modeler, actions, flow, discussion, api_discussion, language, live_chart, minutes,
                   observability, api_webhooks, sso, reports, ledger):
        app.register_blueprint(module.bp)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATELIMIT_STORAGE"])
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "powerflow")  # its keys apart from others' in a shared Redis
    rate_limits.limiter.init_app(app)
    csrf.exempt(api.bp)
    csrf.exempt(api_designs.bp)
    csrf.exempt(api_discussion.bp)
    csrf.exempt(api_actions.bp)  # the API authenticates with bearer tokens, not cookies
    csrf.exempt(api_import.bp)
    csrf.exempt(api_webhooks.bp)
    app.add_url_rule("/", endpoint="index", view_func=inbox.index)
    times.init_app(app)
    return app
