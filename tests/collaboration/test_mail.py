"""Notifications by email through a real local SMTP server (aiosmtpd), as each user chose."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from engine.collaboration.mailer import Mailer, SmtpSettings
from engine.models import utcnow
from engine.collaboration.overdue import flag_overdue
from tests.conftest import free_port
from tests.runtime.test_task_actions import REGISTER, letter


class Inbox:
    """Keeps every message the server accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def take(self) -> list:
        taken, self.messages = self.messages, []
        return taken


@pytest.fixture
def smtp():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def mailer(app, port: int) -> Mailer:
    return Mailer(app.extensions["powerflow"].db, SmtpSettings("127.0.0.1", port, "noreply@powerflow.test",
                                                                base_url="https://powerflow.test"))


def test_each_kind_is_mailed_once_to_who_chose_it(app, api, smtp):
    inbox, port = smtp
    assert api.client.put("/api/v1/notifications/settings", json={"email": "wu@example.gov.cn"}, headers={
        "Authorization": f"Bearer {api.token('bangong2')}"}).status_code == 200
    matter, register = letter(api, "来信：下水道堵塞")
    sent = mailer(app, port).send_pending()
    assert sent == 1
    (arrived,) = inbox.take()
    assert arrived["To"] == "wu@example.gov.cn" and arrived["Subject"] == "新任务：登记来信（来信：下水道堵塞）"
    assert f"https://powerflow.test/matters/{matter}" in arrived.get_content()
    assert mailer(app, port).send_pending() == 0  # never twice

    assert api.post(f"/tasks/{register['id']}/urge", "jiwei", {}).status_code == 200
    assert api.post(f"/instances/{matter}/follow", "bangong2", {"follow": True}).get_json() == {"following": True}
    assert api.complete(register["id"], "bangong", REGISTER).status_code == 200
    mailer(app, port).send_pending()
    subjects = sorted(m["Subject"] for m in inbox.take())
    assert subjects == ["事项有进展：来信：下水道堵塞", "催办：来信：下水道堵塞「登记来信」（冯书记（纪委））",
                        "新任务：分类（来信：下水道堵塞）"]

    # Turning a kind off stops its mail; the in-app list still has it unless that is off too.
    headers = {"Authorization": f"Bearer {api.token('bangong2')}"}
    saved = api.client.put("/api/v1/notifications/settings", headers=headers, json={
        "settings": {"task": {"email": False}, "follow": {"in_app": False, "email": False}}}).get_json()
    assert saved["settings"]["task"] == {"in_app": True, "email": False}
    assert saved["settings"]["urge"] == {"in_app": True, "email": True}
    letter(api, "来信：噪音")
    assert mailer(app, port).send_pending() == 0 and inbox.take() == []
    titles = [n["title"] for n in api.get("/notifications", "bangong2").get_json()]
    assert "新任务：登记来信（来信：噪音）" in titles

    bad = api.client.put("/api/v1/notifications/settings", headers=headers, json={"email": "不是邮箱"})
    assert bad.status_code == 422 and "email" in bad.get_json()["errors"]
    assert api.get("/notifications/settings", "bangong2").get_json()["email"] == "wu@example.gov.cn"


def test_overdue_tasks_are_flagged_once_and_a_failed_send_is_retried(app, api, smtp):
    inbox, port = smtp
    headers = {"Authorization": f"Bearer {api.token('bangong')}"}
    api.client.put("/api/v1/notifications/settings", headers=headers, json={"email": "sun@example.gov.cn"})
    matter, register = letter(api, "来信：路灯")
    db = app.extensions["powerflow"].db
    later = utcnow() + timedelta(days=30)
    with db.transaction() as session:
        assert flag_overdue(session, later) == 1
    with db.transaction() as session:
        assert flag_overdue(session, later) == 0  # once per task
    broken = Mailer(db, SmtpSettings("127.0.0.1", free_port(), timeout=2))
    with pytest.raises(OSError):
        broken.send_pending()  # nothing listens: the round fails, the mail stays pending
    assert mailer(app, port).send_pending() == 1
    (late,) = inbox.take()
    assert late["To"] == "sun@example.gov.cn" and late["Subject"] == "已逾期：登记来信（来信：路灯）"
    kinds = [n["kind"] for n in api.get("/notifications", "bangong").get_json()]
    assert kinds.count("overdue") == 1


def test_the_settings_page_turns_kinds_off(app, api):
    from tests.conftest import AuthActions, csrf_token
    client = app.test_client()
    AuthActions(client).login("zhoucw")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "新任务（到达、转办、委派、退回、加签）" in page
    token = csrf_token(page)
    refused = client.post("/notifications/settings", data={"email": "zhou@", "csrf_token": token})
    assert refused.status_code == 422 and "请填写有效的邮箱地址" in refused.get_data(as_text=True)
    saved = client.post("/notifications/settings", data={"email": "zhou@example.gov.cn", "task.in_app": "on",
                                                         "csrf_token": token}, follow_redirects=True)
    assert "通知设置已保存" in saved.get_data(as_text=True)
    settings = api.get("/notifications/settings", "zhoucw").get_json()
    assert settings["email"] == "zhou@example.gov.cn"
    assert settings["settings"]["task"] == {"in_app": True, "email": False}
    assert settings["settings"]["urge"] == {"in_app": False, "email": False}


def test_stale_mail_is_not_sent(app, api, smtp):
    import sqlalchemy as sa

    from engine.models import OutgoingMail
    from engine.models import User
    inbox, port = smtp
    db = app.extensions["powerflow"].db
    with db.transaction() as session:
        user = session.scalar(sa.select(User).where(User.username == "bangong"))
        session.add(OutgoingMail(user_id=user.id, to_address="sun@example.gov.cn", subject="一周前的通知", body="",
                                 created_at=utcnow() - timedelta(days=7)))
    assert mailer(app, port).send_pending() == 0 and inbox.take() == []  # queued before SMTP was set up
