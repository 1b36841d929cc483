"""Signing in as an attacker would try it: open redirects after login, password guessing in parallel, from
one address or many, with names that exist or not; and the sign-in throttle keeping the real user's way in."""
from __future__ import annotations

import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.ops.demo import DEMO_PASSWORD
from engine.directory.people import Directory
from engine.models import LoginThrottle, utcnow
from tests.conftest import csrf_token
from webui.http.redirects import is_local_path

OUTSIDE = ["//evil.example/", "/\\evil.example/", "\\\\evil.example/", "/\t/evil.example/", "/\n/evil.example/",
           "/\r\n/evil.example", "https://evil.example/", "http:/evil.example", "javascript:alert(1)",
           "evil.example", " //evil.example", "///evil.example", "/\x00/evil", "/x\x7f", "", "data:text/html,x"]
INSIDE = ["/tasks/3?x=1", "/", "/matters?q=a%20b#top", "/ /evil.example", "/%2F%2Fevil.example"]


class Clock:
    """The app's clock (the runtime's), moved by the test instead of sleeping."""

    def __init__(self, app):
        self.now = utcnow()
        app.extensions["powerflow"].runtime.clock = lambda: self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def web_login(client, username, password, query=""):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(f"/login{query}", data={"username": username, "password": password, "csrf_token": token})


def api_login(client, username, password, address="127.0.0.1"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def page_errors(response) -> list[str]:
    return re.findall(r'<p class="error">(.*?)</p>', response.get_data(as_text=True))


def counted(app, username) -> dict[str, int]:
    with app.extensions["powerflow"].db.reader() as session:
        rows = session.scalars(sa.select(LoginThrottle).where(LoginThrottle.username == username))
        return {row.address: row.failures for row in rows}


@pytest.fixture
def signin(app):
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"  # the per-address limiter is not what is tested here
    return app


@pytest.mark.parametrize("target", OUTSIDE)
def test_only_same_site_paths_count_as_local(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", INSIDE)
def test_same_site_paths_are_local(target):
    assert is_local_path(target)


def test_after_login_next_leads_only_to_this_site(signin):
    for target, expected in [("%2F%09%2Fevil.example%2F", "/"), ("%2F%2Fevil.example", "/"), ("%2F%5Cevil.example", "/"),
                             ("https%3A%2F%2Fevil.example", "/"), ("javascript%3Aalert(1)", "/"),
                             ("%2Ftasks%2F3%3Fx%3D1", "/tasks/3?x=1"), ("%2F%20%2Fevil.example", "/%20/evil.example")]:
        response = web_login(signin.test_client(), "bangong", DEMO_PASSWORD, f"?next={target}")
        assert response.status_code == 302 and response.headers["Location"] == expected, target
    switched = signin.test_client().get("/language/en?next=%2F%09%2Fevil.example%2F")
    assert switched.headers["Location"] == "/"


def test_parallel_wrong_passwords_stop_at_the_same_count_as_sequential_ones(signin):
    sequential = [api_login(signin.test_client(), "zhoucw", "wrong").status_code for _ in range(15)]
    barrier = threading.Barrier(15)

    def attempt(_):
        client = signin.test_client()
        barrier.wait()
        return api_login(client, "zhaocw", "wrong").status_code

    with ThreadPoolExecutor(15) as pool:
        parallel = list(pool.map(attempt, range(15)))
    assert sequential == [401] * 5 + [429] * 10
    assert sorted(parallel) == sorted(sequential)  # five passwords checked, ten refused unchecked
    assert counted(signin, "zhoucw") == counted(signin, "zhaocw") == {"127.0.0.1": 5, "*": 5}
    assert api_login(signin.test_client(), "zhaocw", DEMO_PASSWORD).status_code == 429  # even the right one waits


def test_unknown_and_deactivated_names_are_answered_exactly_like_a_real_one(signin):
    Clock(signin)  # stopped, so that every name meets the same remaining wait
    with signin.extensions["powerflow"].db.transaction() as session:
        Directory(session).save_user("zhaocw", active=False)
    answers = {}
    for name in ("zhoucw", "no_such_user", "zhaocw"):
        client = signin.test_client()
        web = [web_login(client, name, "wrong") for _ in range(6)]
        api = [api_login(client, name, "wrong") for _ in range(2)]
        answers[name] = ([(r.status_code, page_errors(r)) for r in web],
                         [(r.status_code, r.get_json(), r.headers.get("Retry-After")) for r in api])
    assert answers["zhoucw"] == answers["no_such_user"] == answers["zhaocw"]
    web, api = answers["no_such_user"]
    assert web[0] == (400, ["用户名或密码不正确"]) and web[5] == (429, ["用户名或密码不正确，或尝试过于频繁，请 1 分钟后再试"])
    assert api[0] == (429, {"error": "用户名或密码不正确，或尝试过于频繁，请 1 分钟后再试", "code": "auth.locked_out",
                            "params": {}, "fields": {}}, "60")


def test_wrong_passwords_for_unknown_names_take_as_long_as_for_real_ones(signin):
    with signin.extensions["powerflow"].db.transaction() as session:
        Directory(session).save_user("zhaocw", active=False)
    client = signin.test_client()
    medians = {}
    for n, name in enumerate(("zhoucw", "no_such_user", "zhaocw")):
        times = []
        for i in range(5):  # a fresh address each time: Argon2 is what is timed, not the throttle
            started = time.perf_counter()
            assert api_login(client, name, "wrong", f"10.{n}.0.{i}").status_code == 401
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    assert min(medians.values()) > 0.4 * max(medians.values()), medians


def test_an_attacker_at_one_address_cannot_keep_the_official_out_from_another(signin):
    attacker, office = signin.test_client(), signin.test_client()
    office.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    for _ in range(20):
        web_login(attacker, "zhoucw", "guess")
    assert web_login(attacker, "zhoucw", DEMO_PASSWORD).status_code == 429
    assert web_login(office, "zhoucw", "typo").status_code == 400  # a typo from here is just a typo
    assert web_login(office, "zhoucw", DEMO_PASSWORD).status_code == 302
    assert "周常委" in office.get("/tasks").get_data(as_text=True)
    assert api_login(signin.test_client(), "zhoucw", DEMO_PASSWORD, "10.1.2.3").status_code == 200


def test_the_wait_doubles_up_to_fifteen_minutes_and_ends(signin):
    clock, client = Clock(signin), signin.test_client()
    assert [api_login(client, "zhoucw", "wrong").status_code for _ in range(5)] == [401] * 5
    for minutes in (1, 2, 4, 8, 15, 15):
        refused = api_login(client, "zhoucw", DEMO_PASSWORD)
        assert refused.status_code == 429 and f"请 {minutes} 分钟后再试" in refused.get_json()["error"]
        assert refused.headers["Retry-After"] == str(minutes * 60)
        clock.advance(minutes=minutes, seconds=-1)
        assert api_login(client, "zhoucw", DEMO_PASSWORD).status_code == 429  # a second early
        clock.advance(seconds=1)
        assert api_login(client, "zhoucw", "wrong").status_code == 401  # checked, and the next wait is longer
    clock.advance(minutes=15)
    assert api_login(client, "zhoucw", DEMO_PASSWORD).status_code == 200
    assert counted(signin, "zhoucw")["127.0.0.1"] == 0  # the right password starts this address afresh
    assert [api_login(client, "zhoucw", "wrong").status_code for _ in range(6)] == [401] * 5 + [429]
    clock.advance(hours=24)  # failures are forgotten a day after the last one
    assert [api_login(client, "zhoucw", "wrong").status_code for _ in range(6)] == [401] * 5 + [429]


def test_guessing_from_many_addresses_slows_only_addresses_the_official_never_used(signin):
    Clock(signin)
    client = signin.test_client()
    assert api_login(client, "zhoucw", DEMO_PASSWORD, "192.168.7.7").status_code == 200  # the official's office
    assert [api_login(client, "zhoucw", "guess", f"10.0.{i // 200}.{i % 200}").status_code
            for i in range(50)] == [401] * 50
    refused = api_login(client, "zhoucw", DEMO_PASSWORD, "10.9.9.9")
    assert refused.status_code == 429 and "请 1 分钟后再试" in refused.get_json()["error"]
    assert api_login(client, "zhoucw", DEMO_PASSWORD, "192.168.7.7").status_code == 200
    assert api_login(client, "zhoucw", DEMO_PASSWORD, "2001:db8::1").status_code == 429
    assert counted(signin, "zhoucw")["*"] == 50


def test_ipv6_addresses_count_per_64_network(signin):
    client = signin.test_client()
    codes = [api_login(client, "zhoucw", "wrong", f"2001:db8:1:2::{i:x}").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]
    assert counted(signin, "zhoucw")["2001:db8:1:2::/64"] == 5
    assert api_login(client, "zhoucw", DEMO_PASSWORD, "2001:db8:1:3::1").status_code == 200


@pytest.mark.parametrize("username", ["x" * 65, "bad\x00name", "tab\tname"])
def test_impossible_names_are_refused_with_a_clear_4xx(signin, username):
    response = api_login(signin.test_client(), username, "wrong")
    assert response.status_code == 422 and "username" in response.get_json()["errors"]
    assert web_login(signin.test_client(), username, "wrong").status_code in (400, 422)


def test_the_worker_forgets_failures_a_day_old_but_keeps_familiar_addresses(signin):
    from engine.runtime.worker import TimerWorker
    clock, client = Clock(signin), signin.test_client()
    assert api_login(client, "zhoucw", DEMO_PASSWORD, "192.168.7.7").status_code == 200
    for name in ("zhoucw", "no_such_user"):
        api_login(client, name, "wrong", "10.0.0.1")
    clock.advance(hours=23)
    TimerWorker(signin.extensions["powerflow"].runtime).run_round()
    assert counted(signin, "no_such_user") == {"10.0.0.1": 1, "*": 1}
    clock.advance(hours=2)
    TimerWorker(signin.extensions["powerflow"].runtime).run_round()
    assert counted(signin, "no_such_user") == {} and counted(signin, "zhoucw") == {"192.168.7.7": 0}
