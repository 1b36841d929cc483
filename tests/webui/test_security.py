"""Headers, cookies, sign-in lock-out and rate limits: what a security review checks first."""
from __future__ import annotations

import pytest

from engine.ops import demo
from tests.conftest import make_app, csrf_token


def login(client, username: str, password: str):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_every_page_sends_the_security_headers(client):
    for path in ("/login", "/public/", "/api/v1/openapi.json", "/static/app.css"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"] and "frame-ancestors 'none'" in \
            headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in client.get("/login").headers  # plain HTTP: no HSTS


def test_no_page_carries_inline_script(client, auth):
    auth.login("sheji")
    for path in ("/tasks", "/processes/major_decision", "/modeler/", "/modeler/edit/major_decision",
                 "/modeler/dmn/large_fund.dmn"):
        page = client.get(path).get_data(as_text=True)
        scripts = page.split("<script")[1:]
        assert all(" src=" in s.split(">")[0] or 'type="application/json"' in s.split(">")[0] for s in scripts), path


def test_session_cookie_is_httponly_samesite_and_secure_over_https(db, database_url, monkeypatch):
    plain = make_app(database_url).test_client()
    cookie = login(plain, "bangong", demo.DEMO_PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    monkeypatch.setenv("POWERFLOW_HTTPS", "1")
    secure = make_app(database_url).test_client()
    response = secure.get("/login", base_url="https://powerflow.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    token = csrf_token(response.get_data(as_text=True))
    signed = secure.post("/login", base_url="https://powerflow.example",
                         headers={"Referer": "https://powerflow.example/login"},  # CSRF checks it over HTTPS
                         data={"username": "bangong", "password": demo.DEMO_PASSWORD, "csrf_token": token})
    assert "Secure" in signed.headers["Set-Cookie"] and "HttpOnly" in signed.headers["Set-Cookie"]


def test_five_wrong_passwords_make_this_address_wait_even_for_the_right_one(app):
    client = app.test_client()
    for _ in range(4):
        assert login(client, "zhoucw", "wrong").status_code == 400
    assert login(client, "zhoucw", demo.DEMO_PASSWORD).status_code == 302  # success resets the count
    for _ in range(5):
        login(client, "zhoucw", "wrong")
    locked = login(client, "zhoucw", demo.DEMO_PASSWORD)
    assert locked.status_code == 429 and "尝试过于频繁，请 1 分钟后再试" in locked.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": "zhoucw", "password": demo.DEMO_PASSWORD})
    assert api.status_code == 429 and "尝试过于频繁" in api.get_json()["error"]
    assert login(client, "bangong", demo.DEMO_PASSWORD).status_code == 302  # others are unaffected


def test_password_guessing_from_one_address_is_rate_limited(app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    codes = [client.post("/api/v1/auth/token", json={"username": f"u{i}", "password": "x"}).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429]


@pytest.mark.parametrize("stored", ["$argon2id$"])
def test_passwords_are_stored_as_argon2id(app, stored):
    import sqlalchemy as sa

    from engine.models import User
    with app.extensions["powerflow"].db.reader() as session:
        hashes = session.scalars(sa.select(User.password_hash)).all()
    assert hashes and all(h.startswith(stored) for h in hashes)
