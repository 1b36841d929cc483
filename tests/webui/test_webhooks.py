"""Signed webhooks through the outbox, to a real local HTTP receiver that refuses the first attempts."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from engine.webhooks.delivery import deliver_due
from engine.webhooks.events import KINDS

FILE = {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}


class Receiver:
    """An HTTP server on a free loopback port: answers 500 to the first ``refuse`` attempts for one matter."""

    def __init__(self):
        self.received: list[tuple[dict, bytes, int]] = []  # headers, body, the status it answered
        self.refuse: dict[int, int] = {}  # matter id -> attempts still to refuse
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                matter = json.loads(body)["data"].get("matter", {}).get("id")
                status = 204
                if receiver.refuse.get(matter, 0) > 0:
                    receiver.refuse[matter] -= 1
                    status = 500
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self) -> list[dict]:
        """What the receiver accepted, in the order it accepted it (payloads with their headers)."""
        return [json.loads(body) | {"headers": headers} for headers, body, status in self.received if status == 204]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()


def test_only_an_administrator_subscribes_and_bad_input_is_named(api):
    assert api.post("/webhooks", "bangong", {"url": "http://127.0.0.1:9/x", "events": ["task.created"]}).status_code == 403
    bad = api.post("/webhooks", "admin", {"url": "ftp://x", "events": ["task.deleted"]})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"url", "events"}
    assert api.get("/webhooks", "admin").get_json() == []


def test_events_are_signed_retried_with_backoff_delivered_once_and_in_order_per_matter(app, api, receiver):
    made = api.post("/webhooks", "admin", {"url": receiver.url, "events": list(KINDS)})
    assert made.status_code == 201
    secret = made.get_json()["secret"]
    assert secret.startswith("whsec_") and "secret" not in api.get("/webhooks", "admin").get_json()[0]
    db = app.extensions["powerflow"].db

    first, second = api.start("回调事项甲"), api.start("回调事项乙")
    for matter in (first, second):
        task = api.instance(matter, "bangong")["current_tasks"][0]["id"]
        assert api.complete(task, "bangong", FILE).status_code == 200
    receiver.refuse[first] = 2  # the receiver is down for the first matter's first two attempts

    t0 = datetime.now(timezone.utc)
    assert deliver_due(db, t0) == 4  # the second matter's four events; the first one's wait behind its first
    assert deliver_due(db, t0 + timedelta(seconds=2)) == 0  # not yet: the first retry comes after 5 s
    assert deliver_due(db, t0 + timedelta(seconds=6)) == 0  # refused again: the next retry after 30 s more
    assert deliver_due(db, t0 + timedelta(seconds=40)) == 4  # accepted, and the rest of its events follow
    assert deliver_due(db, t0 + timedelta(hours=1)) == 0  # nothing is ever sent twice

    attempts = [json.loads(body)["data"]["matter"]["id"] for _, body, _ in receiver.received]
    assert attempts.count(first) == 6 and attempts.count(second) == 4  # 2 refused + 4, and 4
    delivered = receiver.delivered()
    assert len({d["headers"]["webhook-id"] for d in delivered}) == len(delivered) == 8
    refused_ids = [h["webhook-id"] for h, _, status in receiver.received if status == 500]
    assert len(set(refused_ids)) == 1 and refused_ids[0] == delivered[4]["headers"]["webhook-id"]  # retried as itself
    for matter in (first, second):
        mine = [d for d in delivered if d["data"]["matter"]["id"] == matter]
        assert [d["type"] for d in mine] == ["matter.started", "task.created", "task.completed", "task.created"]
        assert mine[1]["data"]["task"]["id"] == mine[2]["data"]["task"]["id"]  # the step created, then completed
        assert mine[2]["data"]["user"] == "bangong" and mine[2]["data"]["task"]["element_id"] == "file_topic"
    for headers, body, _ in receiver.received:  # each attempt signed as the Standard Webhooks library checks
        assert Webhook(secret).verify(body, headers)["type"] in KINDS
        with pytest.raises(Exception):
            Webhook("whsec_" + "QUJD" * 8).verify(body, headers)
        assert FILE["summary"].encode() not in body and b"basis" not in body  # no form answers, only names
    state = api.get("/webhooks", "admin").get_json()[0]
    assert (state["waiting"], state["failed"]) == (0, 0)


def test_a_switched_off_subscription_hears_nothing_more(app, api, receiver):
    made = api.post("/webhooks", "admin", {"url": receiver.url, "events": ["matter.started"]}).get_json()
    api.start("订阅期间的事项")
    assert api.client.delete(f"/api/v1/webhooks/{made['id']}",
                             headers={"Authorization": f"Bearer {api.token('admin')}"}).get_json()["active"] is False
    api.start("停止订阅后的事项")
    assert deliver_due(app.extensions["powerflow"].db) == 0  # the one written before is not sent either
    assert receiver.received == []
    state = api.get("/webhooks", "admin").get_json()[0]
    assert (state["waiting"], state["failed"]) == (0, 1)
