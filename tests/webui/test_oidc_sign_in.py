"""OpenID Connect sign-in against a real provider: the npm package oidc-provider, run by Node on a free port."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
import sqlalchemy as sa

from engine.models import User
from tests.conftest import PROCESSES, REQUIRE_PG, ROOT, free_port, prepare
from webui import create_app

NODE = shutil.which("node") or "/usr/bin/node"
CLIENT_ID, CLIENT_SECRET = "powerflow-test", "powerflow-test-client-secret"
CALLBACK = "http://localhost/login/sso/callback"  # the Flask test client's host
ACCOUNTS = {"sub-0001": {"preferred_username": "zhaosso", "name": "赵统一", "email": "zhaosso@example.gov.cn",
                         "groups": ["changwei", "fenguan-jingji"]}}
MAPPING = '[oidc]\nclaim = "groups"\n\n[roles]\nchangwei = ["常委"]\n\n[fields]\nfenguan-jingji = "经济发展"\n'


@pytest.fixture(scope="module")
def provider():
    """The issuer URL of oidc-provider with one client that must use PKCE, and ACCOUNTS."""
    if not (ROOT / "node_modules" / "oidc-provider").exists():
        if REQUIRE_PG:
            pytest.fail("oidc-provider is required here (scripts/install installs it with npm ci)")
        pytest.skip("oidc-provider is not installed (scripts/install installs it with npm ci)")
    port = free_port()
    process = subprocess.Popen([NODE, str(ROOT / "tests" / "oidc" / "provider.mjs"), str(port), CLIENT_ID,
                                CLIENT_SECRET, CALLBACK, json.dumps(ACCOUNTS)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said: list[str] = []  # warnings (Node's version, development keys) come first
    while not said or "listening" not in said[-1]:
        said.append(process.stdout.readline())
        assert said[-1], f"oidc-provider did not start: {said}"
    threading.Thread(target=process.stdout.read, daemon=True).start()  # its later lines never fill the pipe
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def sso_app(provider, sqlite_url, tmp_path):
    prepare(sqlite_url).dispose()
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "x" * 32, "PASSWORD_SIGN_IN": False,
                      "PROCESSES_DIR": str(PROCESSES), "OIDC_ISSUER": provider, "OIDC_CLIENT_ID": CLIENT_ID,
                      "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_SCOPES": "openid profile email groups",
                      "DIRECTORY_MAPPING": str(tmp_path / "mapping.toml")})
    yield app
    app.extensions["powerflow"].dispose()


def sign_in_at_provider(authorize_url: str, account: str) -> str:
    """What a person does at the provider's pages (sign in, consent); returns where it sends them back."""
    browser, url = requests.Session(), authorize_url
    for _ in range(12):
        if url.startswith(CALLBACK):
            return url
        answer = browser.get(url, allow_redirects=False, timeout=30)
        if answer.is_redirect:
            url = urljoin(url, answer.headers["Location"])
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
        prompt = re.search(r'name="prompt" value="(\w+)"', answer.text)
        assert form and prompt, answer.text[:500]
        fields = {"prompt": prompt.group(1)} | ({"login": account, "password": "any"} if prompt.group(1) == "login" else {})
        posted = browser.post(urljoin(url, form.group(1)), data=fields, allow_redirects=False, timeout=30)
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("the provider never sent the person back")


def test_a_person_signs_in_at_the_provider_with_pkce_and_gets_roles_from_claims(sso_app):
    client = sso_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "/login/sso" in page  # the sign-in page offers the provider
    started = client.get("/login/sso?next=/tasks")
    assert started.status_code == 302
    query = parse_qs(urlparse(started.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43  # PKCE
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0].split()

    back = sign_in_at_provider(started.headers["Location"], "sub-0001")
    done = client.get(back[len("http://localhost"):])
    assert done.status_code == 302 and done.headers["Location"].endswith("/tasks")
    assert client.get("/tasks").status_code == 200  # signed in
    with sso_app.extensions["powerflow"].db.reader() as session:
        user = session.scalar(sa.select(User).where(User.username == "zhaosso"))
        assert (user.display_name, user.source, user.role_names) == ("赵统一", "oidc", ["常委"])
        assert user.external_id.endswith("#sub-0001")


def test_a_callback_that_does_not_match_the_started_sign_in_is_refused(sso_app):
    client = sso_app.test_client()
    started = client.get("/login/sso")
    back = sign_in_at_provider(started.headers["Location"], "sub-0001")
    forged = re.sub(r"state=[^&]+", "state=forged-state", back)
    refused = client.get(forged[len("http://localhost"):])
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/login")
    assert client.get("/tasks").status_code == 302  # not signed in
    other = sso_app.test_client()  # a code taken to another browser, which never started a sign-in
    assert other.get(back[len("http://localhost"):]).headers["Location"].endswith("/login")


def test_with_local_passwords_off_a_password_does_not_sign_in(sso_app):
    answer = sso_app.test_client().post("/api/v1/auth/token", json={"username": "bangong", "password": "demo"})
    assert answer.status_code == 401
