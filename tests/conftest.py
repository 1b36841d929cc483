"""Fixtures: real SQLite files and the real PostgreSQL, the app, a client, and login helpers."""
from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.ops import demo
from engine.storage.database import Database
from engine.process.definitions import read_directory
from engine.process.deployment import deploy_definitions
from engine.directory.people import Directory
from engine.runtime.service import Runtime
from tests.api_client import Api
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
PG_URL = os.environ.get("POWERFLOW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("POWERFLOW_REQUIRE_POSTGRES") == "1"


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as connection:
            connection.exec_driver_sql("select 1")
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means "no PostgreSQL here"
        return str(exc).splitlines()[0]


def free_port() -> int:
    """A loopback port nothing listens on now, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    return _postgres_available()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis at 127.0.0.1:6379 (POWERFLOW_TEST_REDIS_URL); required where PostgreSQL is (CI), else skipped."""
    import redis
    url = os.environ.get("POWERFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        if REQUIRE_PG:
            pytest.fail(f"Redis is required here and does not answer at {url}: {exc}")
        pytest.skip(f"no Redis at {url}: {exc}")
    return url


def postgres_schema_url(postgres_reason):
    """A fresh schema of the test PostgreSQL database: its URL and a function that drops it (skip or fail without one)."""
    if postgres_reason is not None:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (POWERFLOW_REQUIRE_POSTGRES=1) but unreachable: {postgres_reason}")
        pytest.skip(f"PostgreSQL unreachable: {postgres_reason}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"

    def drop():
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
    return url, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, postgres_reason):
    """A fresh, empty database on each backend: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    url, drop = postgres_schema_url(postgres_reason)
    yield url
    drop()


@pytest.fixture
def pg_url(postgres_reason):
    """A fresh PostgreSQL schema (for tests that only make sense on PostgreSQL)."""
    url, drop = postgres_schema_url(postgres_reason)
    yield url
    drop()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@functools.cache
def _definitions(roles: frozenset[str]) -> list:
    """processes/ read and checked once per run: every prepared database deploys the same files."""
    return read_directory(PROCESSES, set(roles))


def _build(url: str) -> Database:
    db = Database(url)
    db.migrate()
    with db.transaction() as session:
        directory = Directory(session)
        directory.ensure_roles()
        demo.create_people(session)
        deploy_definitions(session, _definitions(frozenset(directory.role_names())), "test")
    return db


_SQLITE_TEMPLATE: list[Path] = []


def _sqlite_template() -> Path:
    """One prepared SQLite file per run; each test gets a copy (the file is the whole database)."""
    if not _SQLITE_TEMPLATE:
        path = Path(tempfile.mkdtemp(prefix="powerflow-template-")) / "template.sqlite"
        _build(f"sqlite:///{path}").dispose()
        _SQLITE_TEMPLATE.append(path)
    return _SQLITE_TEMPLATE[0]


def prepare(url: str) -> Database:
    """Migrate, create roles and demo people, deploy processes/ (a fresh SQLite file is a copy of one so made)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and "?" not in url and not Path(url[len(prefix):]).exists():
        shutil.copyfile(_sqlite_template(), url[len(prefix):])
        return Database(url)
    return _build(url)


@pytest.fixture
def db(database_url):
    database = prepare(database_url)
    yield database
    database.dispose()


@pytest.fixture
def runtime(db):
    return Runtime(db)


def make_app(url: str):
    """The app on the database at ``url``, as every test builds it (answers checked against the API contract)."""
    app = create_app({"TESTING": True, "API_CHECK_RESPONSES": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key-of-at-least-32-chars",
                      "PROCESSES_DIR": str(PROCESSES), "ATTACHMENTS_DIR": tempfile.mkdtemp(prefix="attachments-")})
    return app


@pytest.fixture
def app(db, database_url):
    app = make_app(database_url)
    yield app
    app.extensions["powerflow"].db.dispose()


@pytest.fixture
def web_app(sqlite_url):
    """The app on SQLite only, for page tests that need not repeat on PostgreSQL."""
    prepare(sqlite_url).dispose()
    app = make_app(sqlite_url)
    yield app
    app.extensions["powerflow"].db.dispose()


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'id="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Logs the test client in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str = "bangong", password: str = demo.DEMO_PASSWORD):
        token = csrf_token(self._client.get("/login").get_data(as_text=True))
        return self._client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    def logout(self):
        page = self._client.get("/tasks").get_data(as_text=True)
        return self._client.post("/logout", data={"csrf_token": csrf_token(page)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def api(app):
    return Api(app.test_client())


@pytest.fixture
def live_url(web_app):
    """The web app served on a free loopback port for a real browser."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, launched once per run (tests open their own pages).

    Skipped without it unless POWERFLOW_REQUIRE_BROWSER=1.
    """
    from tests.browser_helpers import CHROMIUM, FLAGS
    if not Path(CHROMIUM).exists():
        if os.environ.get("POWERFLOW_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (POWERFLOW_REQUIRE_BROWSER=1); scripts/install --test installs it")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def env(tmp_path):
    """Environment for `powerflow` commands on a fresh SQLite file."""
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "POWERFLOW_SECRET_KEY": "cli-test-secret-key-of-32-characters", "POWERFLOW_PROCESSES_DIR": str(PROCESSES)}
