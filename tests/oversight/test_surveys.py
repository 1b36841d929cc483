"""R20 satisfaction surveys: the public rates through the portal (with its abuse limit), each supervisor once a
year, and both reach the year's figures and the public summary."""
from __future__ import annotations

from engine.clock import utcnow
from engine.committee.workdays import LOCAL_TZ
from engine.oversight.annual_report import AnnualReports
from tests.conftest import PROCESSES, AuthActions, csrf_token

YEAR = utcnow().astimezone(LOCAL_TZ).year


def _figures(app):
    return AnnualReports(app.extensions["powerflow"].db, PROCESSES).figures("常委会", YEAR, utcnow()).survey


def test_R20_the_public_rates_a_body_and_a_bad_answer_changes_nothing(web_app, client):
    web_app.config["MAILBOX_RATE_LIMIT"] = "3 per minute"
    token = csrf_token(client.get("/public/evaluation").get_data(as_text=True))
    refused = client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会", "score": "9",
                                                      "comment": "希望公开更及时。"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请选择 1 到 5 分" in page and "希望公开更及时。" in page  # the reason, and nothing typed is lost
    assert _figures(web_app).public_count == 0
    answered = client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会", "score": "4"})
    assert answered.status_code == 200 and "感谢您的测评。" in answered.get_data(as_text=True)
    survey = _figures(web_app)
    assert (survey.public, survey.public_count, survey.supervisor_count) == (4.0, 1, 0)
    assert "4.00" in client.get("/public/evaluation").get_data(as_text=True)
    assert client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会", "score": "5"}).status_code == 200
    flooded = client.post("/public/evaluation", data={"csrf_token": token, "body": "常委会", "score": "1"})
    assert flooded.status_code == 429 and _figures(web_app).public_count == 2  # the portal's limit holds


def test_R20_each_supervisor_rates_a_body_once_a_year(web_app, client):
    auth = AuthActions(client)
    auth.login("zhoucw")
    page = client.get("/reports/annual").get_data(as_text=True)
    refused = client.post("/reports/survey", data={"csrf_token": csrf_token(page), "body": "常委会", "score": "3"})
    assert refused.status_code == 403  # a member is rated, and does not rate
    auth.logout()
    auth.login("jiandu")
    page = client.get("/reports/annual").get_data(as_text=True)
    assert 'id="survey"' in page
    token = csrf_token(page)
    assert client.post("/reports/survey", data={"csrf_token": token, "body": "常委会", "score": "5",
                                                "comment": "公开及时。"}).status_code == 302
    again = client.post("/reports/survey", data={"csrf_token": token, "body": "常委会", "score": "1",
                                                 "comment": "改主意了"})
    assert again.status_code == 409 and "改主意了" in again.get_data(as_text=True)
    survey = _figures(web_app)
    assert (survey.supervisors, survey.supervisor_count) == (5.0, 1)
