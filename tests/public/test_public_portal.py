"""The public portal: catalog and charts, published decisions only, and a letter followed to its reply."""
from __future__ import annotations

import re

import sqlalchemy as sa

from engine.models import Instance
from engine.models import Letter
from tests.conftest import csrf_token
from tests.meeting_helpers import MATTER, decided_matter, drive
from tests.public.test_public_feedback import STEPS as FEEDBACK_STEPS

TITLE = "关于城区老旧小区改造项目的决策"


def test_catalog_lists_public_powers_with_their_charts(app):
    client = app.test_client()
    page = client.get("/public/").get_data(as_text=True)
    assert "重大问题决策" in page and "重要干部任免" in page
    assert "审核分管领域的议题并提交常委会" not in page  # 党内公开: not on the public portal
    chart = client.get("/public/processes/personnel_appointment.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml" and "任前公示" in chart.get_data(as_text=True)
    assert client.get("/public/processes/topic_submission.svg").status_code == 404


def test_a_decision_is_public_only_once_published_with_its_tally_and_objection_period(app, api, database_url):
    matter, _, _ = decided_matter(app, api, database_url, TITLE)
    client = app.test_client()
    hidden = client.get(f"/public/decisions/{matter}")
    assert hidden.status_code == 404 and TITLE not in hidden.get_data(as_text=True)
    assert TITLE not in client.get("/public/decisions").get_data(as_text=True)
    # R15: before publication the auditor sees the steps but not what was entered; a participant sees it.
    withheld = api.get(f"/instances/{matter}", "jiwei").get_json()
    assert withheld["withheld"] and all("withheld" in e["details"] for e in withheld["history"])
    # Urging a step (督办) does not make the auditor a participant who may read the material.
    assert api.post(f"/tasks/{withheld['current_tasks'][0]['id']}/urge", "jiwei", {}).status_code == 200
    assert api.get(f"/instances/{matter}", "jiwei").get_json()["withheld"]
    assert api.get(f"/instances/{matter}", "bangong").get_json()["withheld"] is False

    drive(api, matter, MATTER)
    page = client.get(f"/public/decisions/{matter}").get_data(as_text=True)
    assert TITLE in page and "决定实施老旧小区改造项目，现予公示。" in page
    assert "同意 8 票，不同意 0 票，弃权 0 票" in page and "应到 9 人，实到 8 人" in page
    assert "公示期 5 个工作日" in page
    assert TITLE in client.get("/public/decisions").get_data(as_text=True)
    published = api.get(f"/instances/{matter}", "jiwei").get_json()
    assert published["withheld"] is False


def write_letter(client, content: str):
    token = csrf_token(client.get("/public/mailbox").get_data(as_text=True))
    return client.post("/public/mailbox", data={"writer": "王某", "contact": "138****0000", "content": content,
                                                "csrf_token": token}, follow_redirects=True)


def test_a_letter_is_followed_by_its_tracking_number_to_the_reply_and_rated(app, api):
    client = app.test_client()
    written = write_letter(client, "小区门口路灯损坏已一月未修，夜间出行不便。")
    assert written.status_code == 200 and written.request.path.endswith("/written")  # post/redirect/get
    number = re.search(r'id="tracking-number">(\w+)<', written.get_data(as_text=True)).group(1)
    status = client.get(f"/public/letters/{number}").get_data(as_text=True)
    assert "正在办理：登记来信" in status and "答复" not in status.split("办理进度")[1]

    with app.extensions["powerflow"].db.reader() as session:
        letter = session.scalar(sa.select(Letter).where(Letter.tracking_number == number))
        matter = letter.instance_id
        assert session.get(Instance, matter).process_key == "public_feedback"
    register = api.instance(matter)["current_tasks"][0]
    form = api.get(f"/tasks/{register['id']}", "bangong").get_json()
    assert register["element_id"] == "register" and form["context"] is not None
    reply = "您反映的路灯问题已修复，感谢监督。"
    drive(api, matter, {**FEEDBACK_STEPS, "register": {**FEEDBACK_STEPS["register"], "channel": "网上信箱"},
                        "reply": {"reply_text": reply}}, stop_at="assess")
    page = client.get(f"/public/letters/{number.lower()}").get_data(as_text=True)
    assert reply in page and "已答复" in page

    token = csrf_token(page)
    refused = client.post(f"/public/letters/{number}", data={"rating": "9", "csrf_token": token})
    assert refused.status_code == 422 and "请选择 1–5 分" in refused.get_data(as_text=True)
    rated = client.post(f"/public/letters/{number}", data={"rating": "4", "comment": "很快。", "csrf_token": token})
    assert rated.status_code == 200 and "您的评价：4 分" in rated.get_data(as_text=True)
    again = client.post(f"/public/letters/{number}", data={"rating": "1", "csrf_token": token})
    assert again.status_code == 409
    with app.extensions["powerflow"].db.reader() as session:
        assert session.scalar(sa.select(Letter.rating).where(Letter.tracking_number == number)) == 4
    assert client.get("/public/letters/XF0000000000").status_code == 404


def test_the_mailbox_refuses_bad_letters_and_floods_without_filing_anything(app):
    app.config["MAILBOX_RATE_LIMIT"] = "3 per hour"
    client = app.test_client()
    too_long = write_letter(client, "很" * 5001)
    assert too_long.status_code == 422 and "来信内容最多 5000 个字" in too_long.get_data(as_text=True)
    too_short = write_letter(client, "路灯")
    assert too_short.status_code == 422
    assert write_letter(client, "第一封正常来信，反映噪音扰民问题。").status_code == 200
    flooded = write_letter(client, "第二封来信，同一地址一小时内的第四次提交。")
    assert flooded.status_code == 429 and "提交过于频繁" in flooded.get_data(as_text=True)
    with app.extensions["powerflow"].db.reader() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Letter)) == 1
    huge = client.post("/public/mailbox", data={"content": "x" * (3 * 1024 * 1024)})
    assert huge.status_code == 413
