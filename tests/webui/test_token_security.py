"""API tokens that expire and can be revoked (by their user, by an administrator, by deactivation), web sessions
that end with them, and a secret key that must come from the configuration wherever more than one node may serve."""
from __future__ import annotations

import os

import pytest

from engine.ops.demo import DEMO_PASSWORD
from engine.directory.people import Directory
from tests.cli_helpers import run
from tests.conftest import PROCESSES, AuthActions, make_app
from tests.webui.test_signin_security import Clock
from webui import ConfigurationError, create_app

KEY = "a-shared-secret-key-of-32-characters"


def token(client, username="zhoucw"):
    response = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def get(client, bearer, path="/api/v1/tasks"):
    return client.get(path, headers={"Authorization": f"Bearer {bearer}"})


def revoke(client, bearer, path="/api/v1/auth/revoke"):
    return client.post(path, json={}, headers={"Authorization": f"Bearer {bearer}"})


def signed_in(app, username="zhoucw"):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def test_a_token_expires_after_eight_hours(app):
    clock, client = Clock(app), app.test_client()
    issued = client.post("/api/v1/auth/token", json={"username": "zhoucw", "password": DEMO_PASSWORD}).get_json()
    assert issued["expires_in"] == 8 * 3600
    clock.advance(hours=8, seconds=-1)
    assert get(client, issued["token"]).status_code == 200
    clock.advance(seconds=2)
    expired = get(client, issued["token"])
    assert expired.status_code == 401 and "令牌" in expired.get_json()["error"]


def test_token_lifetime_comes_from_powerflow_token_max_age(db, database_url, monkeypatch):
    monkeypatch.setenv("POWERFLOW_TOKEN_MAX_AGE", "60")
    app = make_app(database_url)
    clock, client = Clock(app), app.test_client()
    issued = client.post("/api/v1/auth/token", json={"username": "zhoucw", "password": DEMO_PASSWORD}).get_json()
    assert issued["expires_in"] == 60
    clock.advance(seconds=61)
    assert get(client, issued["token"]).status_code == 401
    app.extensions["powerflow"].db.dispose()
    for wrong in ("0", "-5", "eight hours"):
        monkeypatch.setenv("POWERFLOW_TOKEN_MAX_AGE", wrong)
        with pytest.raises(ConfigurationError, match="POWERFLOW_TOKEN_MAX_AGE"):
            make_app(database_url)


def test_signing_out_everywhere_ends_every_token_and_web_session_of_the_caller(app):
    client, browser = app.test_client(), signed_in(app)
    phone, laptop, colleague = token(client), token(client), token(client, "bangong")
    revoked = revoke(client, phone)
    assert revoked.status_code == 200 and revoked.get_json() == {"username": "zhoucw", "revoked": True}
    assert get(client, phone).status_code == 401 and get(client, laptop).status_code == 401
    assert browser.get("/tasks").status_code == 302  # back to the login page
    assert get(client, colleague).status_code == 200  # others keep theirs
    assert get(client, token(client)).status_code == 200  # signing in again works
    assert "周常委" in signed_in(app).get("/tasks").get_data(as_text=True)


def test_an_administrator_revokes_another_users_tokens(app):
    client, browser = app.test_client(), signed_in(app)
    official, admin, clerk = token(client), token(client, "admin"), token(client, "bangong")
    refused = revoke(client, clerk, "/api/v1/users/zhoucw/revoke-tokens")
    assert refused.status_code == 403 and "管理员" in refused.get_json()["error"]
    assert get(client, official).status_code == 200
    assert revoke(client, admin, "/api/v1/users/zhoucw/revoke-tokens").get_json() == {
        "username": "zhoucw", "revoked": True}
    assert get(client, official).status_code == 401 and browser.get("/tasks").status_code == 302
    assert get(client, admin).status_code == 200
    for unknown in ("nobody", "x" * 100, "a%00b"):
        assert revoke(client, admin, f"/api/v1/users/{unknown}/revoke-tokens").status_code == 404


def test_the_revoke_tokens_command_ends_a_users_tokens(app, database_url):
    client = app.test_client()
    official = token(client)
    env = {**os.environ, "DATABASE_URL": database_url, "POWERFLOW_SECRET_KEY": KEY,
           "POWERFLOW_PROCESSES_DIR": str(PROCESSES)}
    done = run(env, "users", "revoke-tokens", "zhoucw")
    assert done.returncode == 0 and "已撤销 zhoucw" in done.stdout, done.stderr
    assert get(client, official).status_code == 401
    unknown = run(env, "users", "revoke-tokens", "nobody")
    assert unknown.returncode == 1 and "不存在" in unknown.stderr and "Traceback" not in unknown.stderr


def test_deactivating_or_a_new_password_ends_tokens_and_sessions(app):
    client, browser = app.test_client(), signed_in(app)
    official, clerk = token(client), token(client, "bangong")
    db = app.extensions["powerflow"].db
    with db.transaction() as session:
        Directory(session).save_user("zhoucw", active=False)
    assert get(client, official).status_code == 401 and browser.get("/tasks").status_code == 302
    with db.transaction() as session:
        Directory(session).save_user("zhoucw", active=True)
    assert get(client, official).status_code == 401  # reactivation does not revive the old token
    with db.transaction() as session:
        Directory(session).save_user("bangong", password="a new password")
    assert get(client, clerk).status_code == 401


def test_a_forged_or_mangled_token_is_refused(app):
    client = app.test_client()
    good = token(client)
    for bad in (good[:-2] + "xx", "", "Bearer", good + "." + good):
        assert get(client, bad).status_code == 401


def test_sqlite_demo_keeps_a_generated_key_but_a_configured_one_must_be_long(tmp_path, monkeypatch):
    monkeypatch.delenv("POWERFLOW_SECRET_KEY", raising=False)
    monkeypatch.setenv("POWERFLOW_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first, second = create_app({"DATABASE_URL": url}), create_app({"DATABASE_URL": url})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text()
    monkeypatch.setenv("POWERFLOW_SECRET_KEY", "short")
    with pytest.raises(ConfigurationError, match="至少需要 32 个字符"):
        create_app({"DATABASE_URL": url})


def test_postgresql_needs_a_configured_key_of_32_characters(pg_url, tmp_path, monkeypatch):
    monkeypatch.delenv("POWERFLOW_SECRET_KEY", raising=False)
    monkeypatch.setenv("POWERFLOW_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(ConfigurationError, match="POWERFLOW_SECRET_KEY"):
        create_app({"DATABASE_URL": pg_url})
    assert not (tmp_path / "instance" / "secret_key").exists()
    monkeypatch.setenv("POWERFLOW_SECRET_KEY", KEY[:31])
    with pytest.raises(ConfigurationError, match="至少需要 32 个字符"):
        create_app({"DATABASE_URL": pg_url})
    monkeypatch.setenv("POWERFLOW_SECRET_KEY", KEY)
    assert create_app({"DATABASE_URL": pg_url}).config["SECRET_KEY"] == KEY


def test_commands_on_postgresql_without_a_key_print_a_clear_error(pg_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "POWERFLOW_SECRET_KEY"} | {
        "DATABASE_URL": pg_url, "POWERFLOW_INSTANCE_PATH": str(tmp_path / "i"), "POWERFLOW_PROCESSES_DIR": str(PROCESSES)}
    for command in (["init"], ["serve", "--port", "0"], ["worker", "--once"]):
        refused = run(env, *command)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert "错误：" in refused.stderr and "POWERFLOW_SECRET_KEY" in refused.stderr, command
    short = run(env | {"POWERFLOW_SECRET_KEY": "too-short"}, "init")
    assert short.returncode == 1 and "至少需要 32 个字符" in short.stderr and "Traceback" not in short.stderr
    started = run(env | {"POWERFLOW_SECRET_KEY": KEY}, "init")
    assert started.returncode == 0, started.stderr
