"""Several workers and nodes: sign-in limits counted once in Redis, and serve refusing per-process counts."""
from __future__ import annotations

import uuid

from tests.cli_helpers import run
from tests.conftest import PROCESSES, prepare
from webui import create_app


def test_two_nodes_count_one_clients_sign_ins_together_in_redis(sqlite_url, redis_url):
    prepare(sqlite_url).dispose()
    prefix = f"test-{uuid.uuid4().hex}"  # this test's keys only, whatever else the Redis holds
    nodes = []
    for _ in range(2):  # two apps: what two nodes (or two gunicorn workers) are to the limiter
        app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "x" * 32,
                          "PROCESSES_DIR": str(PROCESSES), "RATELIMIT_STORAGE": redis_url,
                          "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "5 per minute"})
        nodes.append(app.test_client())
    client_address = {"REMOTE_ADDR": "198.51.100.7"}
    answers = [nodes[n % 2].post("/api/v1/auth/token", json={"username": "bangong", "password": "wrong"},
                                 environ_base=client_address).status_code for n in range(6)]
    assert answers == [401] * 5 + [429]  # the sixth attempt, on either node, is over the limit
    other = nodes[0].post("/api/v1/auth/token", json={"username": "bangong", "password": "demo"},
                          environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert other.status_code == 200  # counted per client address


def test_serve_refuses_several_workers_counting_sign_ins_apart_on_postgresql(env, pg_url):
    refused = run({**env, "DATABASE_URL": pg_url, "POWERFLOW_RATELIMIT_STORAGE": "memory://"},
                  "serve", "--workers", "2", "--port", "9")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "POWERFLOW_RATELIMIT_STORAGE=redis://" in refused.stderr
